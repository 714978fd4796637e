//! `coach`: run 1:1 coaching sessions from the command line.
//!
//! The library holds all the logic; `src/main.rs` only parses the command
//! line and maps errors to exit codes. See ARCHITECTURE.md for the map.

pub mod action;
pub mod attachment;
pub mod audience;
pub mod backup;
pub mod claim;
pub mod cli;
pub mod commands;
pub mod complete;
pub mod config;
pub mod digest;
pub mod doctor;
pub mod error;
pub mod exchange;
pub mod generate;
pub mod import;
pub mod inbox;
pub mod input;
pub mod invite;
pub mod item;
pub mod kudos;
pub mod mail;
pub mod member;
pub mod metric;
pub mod note;
pub mod output;
pub mod private_file;
pub mod prompt;
pub mod render;
pub mod reply;
pub mod saved;
pub mod search;
pub mod sent;
pub mod session;
pub mod share;
pub mod status;
pub mod store;
pub mod stream;
pub mod team;
pub mod template;
pub mod text;
pub mod trends;
pub mod undo;
pub mod view;
pub mod when;
pub mod zone;

pub use error::{Error, ErrorKind, Result};

use cli::Cli;
use commands::Ctx;
use output::Output;
use prompt::Prompter;

/// Runs a parsed command line. Errors are returned, not printed.
pub fn run(cli: Cli, out: &Output) -> Result<()> {
    let ctx = Ctx::new(out.clone(), Prompter::new(cli.no_input), cli.db).with_label(command_line());
    commands::run(&ctx, cli.command)
}

/// The command line as typed (without the program), for `coach undo
/// --list`: words quoted for a shell where needed, on one line, at most
/// 200 characters.
fn command_line() -> String {
    const MAX: usize = 200;
    let words: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|arg| shell_word(&arg.to_string_lossy()))
        .collect();
    let line = output::one_line(&words.join(" "));
    if line.chars().count() > MAX {
        let mut short: String = line.chars().take(MAX - 1).collect();
        short.push('…');
        short
    } else {
        line
    }
}

/// A word as a shell would need it: bare when it is plain, else in single
/// quotes.
pub(crate) fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}
