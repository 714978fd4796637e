//! The command tree: one file per command, one `...Args` struct and one
//! `run` function each. This module only dispatches.

mod config;
mod init;
mod member;
mod metric;
mod note;
mod session;

use std::path::PathBuf;

use clap::Subcommand;

use crate::output::Output;
use crate::prompt::Prompter;
use crate::store::Store;
use crate::Result;

/// Every `coach` command.
#[derive(Debug, Subcommand)]
pub enum Command {
    Init(init::InitArgs),
    #[command(subcommand)]
    Config(config::ConfigCommand),
    #[command(subcommand)]
    Member(member::MemberCommand),
    #[command(subcommand)]
    Session(session::SessionCommand),
    #[command(subcommand)]
    Note(note::NoteCommand),
    #[command(subcommand)]
    Metric(metric::MetricCommand),
}

/// What every command gets: where to print, whether it may ask, and the way
/// to its database.
pub struct Ctx {
    pub out: Output,
    pub prompt: Prompter,
    db: Option<PathBuf>,
}

impl Ctx {
    /// A context for the given global options.
    pub fn new(out: Output, prompt: Prompter, db: Option<PathBuf>) -> Ctx {
        Ctx { out, prompt, db }
    }

    /// Opens the database: `--db`/`COACH_DB`, else the default location.
    pub fn store(&self) -> Result<Store> {
        match &self.db {
            Some(path) => Store::open(path, false),
            None => Store::open(&Store::default_path()?, true),
        }
    }
}

/// Runs one command.
pub fn run(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Init(args) => init::run(ctx, args),
        Command::Config(command) => config::run(ctx, command),
        Command::Member(command) => member::run(ctx, command),
        Command::Session(command) => session::run(ctx, command),
        Command::Note(command) => note::run(ctx, command),
        Command::Metric(command) => metric::run(ctx, command),
    }
}
