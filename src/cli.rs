//! The command line: global options and the command tree.
//!
//! The doc comments here and in `commands/` are the `--help` text and the
//! man pages, so they are written for the user.

use std::path::PathBuf;

use clap::Parser;

use crate::commands::Command;
use crate::output::ColorChoice;

/// Run 1:1 coaching sessions from the command line
///
/// coach keeps your team members, 1:1 sessions, shared and private notes in
/// one SQLite file, and shares an agenda before each 1:1 and a recap after it.
#[derive(Debug, Parser)]
#[command(
    name = "coach",
    version,
    propagate_version = true,
    max_term_width = 100
)]
#[command(after_help = EXAMPLES)]
pub struct Cli {
    /// The database file [default: ~/.local/share/coach/coach.db]
    #[arg(
        long,
        global = true,
        env = "COACH_DB",
        hide_env_values = true,
        value_name = "PATH"
    )]
    pub db: Option<PathBuf>,

    /// Print JSON (a stable shape, documented in the README) instead of text
    #[arg(long, global = true)]
    pub json: bool,

    /// Print only ids, one per line, for piping into the next command
    #[arg(long, short, global = true, conflicts_with = "json")]
    pub quiet: bool,

    /// When to use colours (NO_COLOR is honoured with auto)
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Never ask a question: fail and name the flag to pass instead
    #[arg(long, global = true)]
    pub no_input: bool,

    #[command(subcommand)]
    pub command: Command,
}

const EXAMPLES: &str = "\
Examples:
  coach init --name \"Sam Lee\" --email sam@example.com
  coach member add \"Alex Kim\" --email alex@example.com --team Support
  coach session new Alex --title \"Weekly check-in\" --date tomorrow
  coach note add \"Celebrate the CSAT streak :tada:\"
  coach note add --private \"Ask about workload before the review\"
  coach session show";
