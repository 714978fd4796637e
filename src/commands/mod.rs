//! The command tree: one file per command, one `...Args` struct and one
//! `run` function each. This module only dispatches.

mod action;
mod attach;
mod attachment;
mod backup;
mod completions;
mod config;
mod doctor;
mod export;
mod import;
mod inbox;
mod init;
mod kudos;
mod member;
mod metric;
mod note;
mod save;
mod saved;
mod search;
mod session;
mod share;
mod share_digest;
mod status;
mod stream;
mod team;
mod template;
mod trends;
mod undo;

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
    Save(save::SaveCommand),
    Saved(saved::SavedArgs),
    #[command(subcommand)]
    Metric(metric::MetricCommand),
    Attach(attach::AttachArgs),
    #[command(subcommand)]
    Attachment(attachment::AttachmentCommand),
    Kudos(kudos::KudosArgs),
    #[command(subcommand)]
    Action(action::ActionCommand),
    #[command(subcommand)]
    Template(template::TemplateCommand),
    Share(share::ShareArgs),
    Inbox(inbox::InboxArgs),
    Team(team::TeamArgs),
    Search(search::SearchArgs),
    Status(status::StatusArgs),
    Undo(undo::UndoArgs),
    Export(export::ExportArgs),
    Import(import::ImportArgs),
    Backup(backup::BackupArgs),
    Doctor(doctor::DoctorArgs),
    Completions(completions::CompletionsArgs),
}

/// What every command gets: where to print, whether it may ask, and the way
/// to its database.
pub struct Ctx {
    pub out: Output,
    pub prompt: Prompter,
    db: Option<PathBuf>,
    /// The command line, as `coach undo --list` shows it.
    label: String,
}

impl Ctx {
    /// A context for the given global options.
    pub fn new(out: Output, prompt: Prompter, db: Option<PathBuf>) -> Ctx {
        Ctx {
            out,
            prompt,
            db,
            label: String::new(),
        }
    }

    /// The same context, recording its writes for `coach undo` under
    /// `label` (the command line).
    pub fn with_label(mut self, label: String) -> Ctx {
        self.label = label;
        self
    }

    /// Opens the database: `--db`/`COACH_DB`, else the default location.
    /// Its writes are recorded for `coach undo`.
    pub fn store(&self) -> Result<Store> {
        let mut store = self.store_unrecorded()?;
        if !self.label.is_empty() {
            store.record_commands(self.label.clone());
        }
        Ok(store)
    }

    /// Reads a WHEN the user typed (`--date`, `--due`, `--since`...) in the
    /// coach's zone (`user.timezone`, else the system's), the one rule for
    /// every date on the command line: a time in a daylight-saving gap is an
    /// error naming the gap; one that happens twice is taken the first
    /// time, and stderr says so.
    pub fn read_when(
        &self,
        store: &mut Store,
        text: Option<&str>,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
        let Some(text) = text else { return Ok(None) };
        let zone = store.read(crate::zone::coach)?;
        let read = crate::when::parse_in_zone(text, chrono::Utc::now(), &zone)?;
        if let Some(warning) = &read.warning {
            self.out.note(format!("warning: {warning}"));
        }
        Ok(Some(read.at))
    }

    /// Opens the database without recording its writes (undo itself).
    pub fn store_unrecorded(&self) -> Result<Store> {
        let mut store = match &self.db {
            Some(path) => Store::open(path, false)?,
            None => Store::open(&Store::default_path()?, true)?,
        };
        // Times on the terminal are the coach's (`user.timezone`); a zone
        // that cannot be read leaves the system's, and `config` says why.
        if let Ok(zone) = store.read(crate::zone::coach) {
            crate::when::set_display_zone(zone);
        }
        Ok(store)
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
        Command::Backup(args) => backup::run(ctx, args),
        Command::Doctor(args) => doctor::run(ctx, args),
        Command::Completions(args) => completions::run(ctx, args),
        Command::Export(args) => export::run(ctx, args),
        Command::Import(args) => import::run(ctx, args),
        Command::Attach(args) => attach::run(ctx, args),
        Command::Attachment(command) => attachment::run(ctx, command),
        Command::Template(command) => template::run(ctx, command),
        Command::Kudos(args) => kudos::run(ctx, args),
        Command::Action(command) => action::run(ctx, command),
        Command::Share(args) => share::run(ctx, args),
        Command::Inbox(args) => inbox::run(ctx, args),
        Command::Save(command) => save::run(ctx, command),
        Command::Saved(args) => saved::run(ctx, args),
        Command::Metric(command) => metric::run(ctx, command),
        Command::Team(args) => team::run(ctx, args),
        Command::Search(args) => search::run(ctx, args),
        Command::Status(args) => status::run(ctx, args),
        Command::Undo(args) => undo::run(ctx, args),
    }
}
