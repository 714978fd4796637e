use clap::{Args, Subcommand};

use super::Ctx;
use crate::{config, Error, Result};

/// Read and change settings, stored in the database
///
/// Like `git config`: `coach config list --all` shows every setting with
/// what it does.
#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  coach config set mail.transport smtp\n  coach config get mail.transport\n  coach config list --all"
)]
pub enum ConfigCommand {
    /// Print a setting's value (its default when it is not set)
    Get(GetArgs),
    /// Change a setting
    Set(SetArgs),
    /// Remove a setting, so its default applies again
    Unset(GetArgs),
    /// List the settings that have a value
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// The setting's key, e.g. mail.transport
    key: String,
}

#[derive(Debug, Args)]
pub struct SetArgs {
    /// The setting's key, e.g. mail.transport
    key: String,
    /// Its new value
    value: String,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Also list the settings without a value, with what each does
    #[arg(long)]
    all: bool,
}

pub(super) fn run(ctx: &Ctx, command: ConfigCommand) -> Result<()> {
    let mut store = ctx.store()?;
    match command {
        ConfigCommand::Get(args) => {
            let value = store
                .read(|tx| config::get(tx, &args.key))?
                .ok_or_else(|| {
                    Error::input(format!("{} is not set", args.key))
                        .with_hint(format!("set it with: coach config set {} VALUE", args.key))
                })?;
            if ctx.out.json {
                ctx.out
                    .print_json(&serde_json::json!({ "key": args.key, "value": value }))
            } else {
                ctx.out.line(value)
            }
        }
        ConfigCommand::Set(args) => {
            let value = store.write(|tx| config::set(tx, &args.key, &args.value))?;
            if ctx.out.json {
                ctx.out
                    .print_json(&serde_json::json!({ "key": args.key, "value": value }))
            } else {
                Ok(())
            }
        }
        ConfigCommand::Unset(args) => {
            if !store.write(|tx| config::unset(tx, &args.key))? && ctx.out.human() {
                ctx.out.note(format!("{} was not set", args.key));
            }
            Ok(())
        }
        ConfigCommand::List(args) => {
            let entries = store.read(|tx| config::list(tx, args.all))?;
            if ctx.out.json {
                return ctx.out.print_json(&entries);
            }
            if ctx.out.quiet {
                return ctx.out.print_ids(entries.iter().map(|e| e.key));
            }
            let rows = entries
                .iter()
                .map(|e| {
                    let mut row = vec![e.key.to_string(), e.value.clone()];
                    if args.all {
                        let help = config::find(e.key).map(|k| k.help).unwrap_or_default();
                        row.push(help.to_string());
                    } else if e.default {
                        row.push("(default)".into());
                    }
                    row
                })
                .collect();
            let header: &[&str] = if args.all {
                &["KEY", "VALUE", "WHAT IT DOES"]
            } else {
                &["KEY", "VALUE", ""]
            };
            ctx.out.print_table(header, rows, "no settings")
        }
    }
}
