use clap::Args;
use serde::Serialize;

use super::Ctx;
use crate::{config, Result};

/// Record who you are: the coach who owns this database
///
/// Your name and email are the sender of agendas and recaps, and the author
/// of what you write. Running it again changes them. On a terminal, a value
/// not given is asked for.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  coach init --name \"Sam Lee\" --email sam@example.com")]
pub struct InitArgs {
    /// Your name, as team members will see it
    #[arg(long)]
    name: Option<String>,

    /// Your email address, the sender of shared sessions
    #[arg(long)]
    email: Option<String>,
}

#[derive(Serialize)]
struct Initialized {
    name: String,
    email: String,
    database: String,
}

pub(super) fn run(ctx: &Ctx, args: InitArgs) -> Result<()> {
    let name = match args.name {
        Some(name) => name,
        None => ctx
            .prompt
            .input("your name", "Your name", "pass --name \"Your Name\"")?,
    };
    let email = match args.email {
        Some(email) => email,
        None => ctx
            .prompt
            .input("your email", "Your email", "pass --email you@example.com")?,
    };
    let mut store = ctx.store()?;
    let (name, email) = store.write(|tx| {
        Ok((
            config::set(tx, "user.name", &name)?,
            config::set(tx, "user.email", &email)?,
        ))
    })?;
    let database = store.path().display().to_string();
    if ctx.out.json {
        return ctx.out.print_json(&Initialized {
            name,
            email,
            database,
        });
    }
    if !ctx.out.quiet {
        ctx.out.line(format!(
            "You are {name} <{email}>; your coaching data is in {database}"
        ))?;
    }
    Ok(())
}
