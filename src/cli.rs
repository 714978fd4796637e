//! The command line: global options and the command tree.
//!
//! The doc comments here and in `commands/` are the `--help` text and the
//! man pages, so they are written for the user.

use std::cell::Cell;
use std::path::PathBuf;

use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand};

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

/// Reads the command line. Only the invoked command is built (see
/// [`Deferred`]); a line clap refuses, `--help` included, is read again on
/// the whole tree, so help lists every command and errors suggest them.
pub fn parse() -> Result<Cli, clap::Error> {
    let mut cmd = lazy_command();
    let parsed = cmd
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|mut matches| Cli::from_arg_matches_mut(&mut matches));
    parsed.map_err(|lazy| {
        let mut whole = command();
        match whole.try_get_matches_from_mut(std::env::args_os()) {
            Err(err) => err,
            // Not the parser's error (a value's conversion): formatted as
            // `Cli::try_parse` formats it.
            Ok(_) => lazy.format(&mut whole),
        }
    })
}

/// The whole command tree, built: for help, man pages and completion.
pub fn command() -> clap::Command {
    let mut cmd = Cli::command();
    cmd.build();
    cmd
}

/// The command tree with each command's arguments left to be built when
/// the command is reached (or never). Its own `help` subcommand lacks the
/// commands' summaries: help is always rendered from [`command`].
pub fn lazy_command() -> clap::Command {
    LAZY.set(true);
    let cmd = Cli::command();
    LAZY.set(false);
    cmd
}

thread_local! {
    /// Whether [`Deferred`] defers: only while [`lazy_command`] makes the tree.
    static LAZY: Cell<bool> = const { Cell::new(false) };
}

const EXAMPLES: &str = "\
Examples:
  coach init --name \"Sam Lee\" --email sam@example.com
  coach member add \"Alex Kim\" --email alex@example.com --team Support
  coach session new Alex --title \"Weekly check-in\" --date tomorrow
  coach note add \"Celebrate the CSAT streak :tada:\"
  coach note add --private \"Ask about workload before the review\"
  coach session show";

/// A command whose arguments (or subcommands) clap builds only when it is
/// the one invoked, with `clap::Command::defer`, in the tree
/// [`lazy_command`] makes: `coach note add` does not build the arguments of
/// the other commands, which was most of clap's share of a command's
/// start-up. Elsewhere (help, man pages, completion scripts) the tree is
/// built whole, as clap builds it. Every variant of [`Command`] is one.
#[derive(Debug)]
pub struct Deferred<T>(pub T);

impl<T: FromArgMatches> FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Deferred)
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Deferred)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }

    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

impl<T: Args> Args for Deferred<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        deferred(cmd, T::augment_args)
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        deferred(cmd, T::augment_args_for_update)
    }

    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

impl<T: Subcommand> Subcommand for Deferred<T> {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        deferred(cmd, T::augment_subcommands)
    }

    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        deferred(cmd, T::augment_subcommands_for_update)
    }

    fn has_subcommand(name: &str) -> bool {
        T::has_subcommand(name)
    }
}

/// `augment` for `cmd`: deferred in the lazy tree, now in the whole one.
fn deferred(cmd: clap::Command, augment: fn(clap::Command) -> clap::Command) -> clap::Command {
    if LAZY.get() {
        cmd.defer(augment)
    } else {
        augment(cmd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command, its summary and its arguments, below `cmd`.
    fn outline(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        let about = cmd.get_about().map(ToString::to_string).unwrap_or_default();
        // In the lazy tree the global options come first: no difference to
        // parsing, and help is rendered from the whole tree.
        let mut args: Vec<&str> = cmd.get_arguments().map(|a| a.get_id().as_str()).collect();
        args.sort_unstable();
        out.push(format!("{path}: {about} {args:?}"));
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            outline(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }

    #[test]
    fn the_lazy_tree_builds_into_the_whole_one() {
        let mut lazy = lazy_command();
        lazy.build();
        let (mut built, mut whole) = (Vec::new(), Vec::new());
        outline(&lazy, "coach", &mut built);
        outline(&command(), "coach", &mut whole);
        assert!(whole.len() > 50, "{whole:?}");
        assert_eq!(built, whole);
    }
}
