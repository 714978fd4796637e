use clap::Args;

use super::Ctx;
use crate::{generate, Error, Result};

/// Print the completion script for a shell
///
/// The script completes commands, flags, and values from your database:
/// member names, session, note and action ids with their title and date,
/// template names and setting keys. Load it from your shell's start-up file.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  echo 'source <(coach completions bash)' >> ~/.bashrc
  echo 'source <(coach completions zsh)' >> ~/.zshrc
  coach completions fish > ~/.config/fish/completions/coach.fish")]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_parser = ["bash", "zsh", "fish", "powershell", "elvish"])]
    shell: String,
}

pub(super) fn run(ctx: &Ctx, args: CompletionsArgs) -> Result<()> {
    let script = generate::completion_script(&args.shell)?;
    let text = String::from_utf8(script)
        .map_err(|_| Error::internal("the completion script is not UTF-8"))?;
    ctx.out.line(text.trim_end())
}
