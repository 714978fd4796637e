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

use crate::cli::Deferred;
use crate::output::Output;
use crate::prompt::Prompter;
use crate::store::Store;
use crate::Result;

/// Every `coach` command.
#[derive(Debug, Subcommand)]
pub enum Command {
    Init(Deferred<init::InitArgs>),
    #[command(subcommand)]
    Config(Deferred<config::ConfigCommand>),
    #[command(subcommand)]
    Member(Deferred<member::MemberCommand>),
    #[command(subcommand)]
    Session(Deferred<session::SessionCommand>),
    #[command(subcommand)]
    Note(Deferred<note::NoteCommand>),
    #[command(subcommand)]
    Save(Deferred<save::SaveCommand>),
    Saved(Deferred<saved::SavedArgs>),
    #[command(subcommand)]
    Metric(Deferred<metric::MetricCommand>),
    Attach(Deferred<attach::AttachArgs>),
    #[command(subcommand)]
    Attachment(Deferred<attachment::AttachmentCommand>),
    Kudos(Deferred<kudos::KudosArgs>),
    #[command(subcommand)]
    Action(Deferred<action::ActionCommand>),
    #[command(subcommand)]
    Template(Deferred<template::TemplateCommand>),
    Share(Deferred<share::ShareArgs>),
    Inbox(Deferred<inbox::InboxArgs>),
    Team(Deferred<team::TeamArgs>),
    Search(Deferred<search::SearchArgs>),
    Status(Deferred<status::StatusArgs>),
    Undo(Deferred<undo::UndoArgs>),
    Export(Deferred<export::ExportArgs>),
    Import(Deferred<import::ImportArgs>),
    Backup(Deferred<backup::BackupArgs>),
    Doctor(Deferred<doctor::DoctorArgs>),
    Completions(Deferred<completions::CompletionsArgs>),
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
        Command::Init(Deferred(args)) => init::run(ctx, args),
        Command::Config(Deferred(command)) => config::run(ctx, command),
        Command::Member(Deferred(command)) => member::run(ctx, command),
        Command::Session(Deferred(command)) => session::run(ctx, command),
        Command::Note(Deferred(command)) => note::run(ctx, command),
        Command::Backup(Deferred(args)) => backup::run(ctx, args),
        Command::Doctor(Deferred(args)) => doctor::run(ctx, args),
        Command::Completions(Deferred(args)) => completions::run(ctx, args),
        Command::Export(Deferred(args)) => export::run(ctx, args),
        Command::Import(Deferred(args)) => import::run(ctx, args),
        Command::Attach(Deferred(args)) => attach::run(ctx, args),
        Command::Attachment(Deferred(command)) => attachment::run(ctx, command),
        Command::Template(Deferred(command)) => template::run(ctx, command),
        Command::Kudos(Deferred(args)) => kudos::run(ctx, args),
        Command::Action(Deferred(command)) => action::run(ctx, command),
        Command::Share(Deferred(args)) => share::run(ctx, args),
        Command::Inbox(Deferred(args)) => inbox::run(ctx, args),
        Command::Save(Deferred(command)) => save::run(ctx, command),
        Command::Saved(Deferred(args)) => saved::run(ctx, args),
        Command::Metric(Deferred(command)) => metric::run(ctx, command),
        Command::Team(Deferred(args)) => team::run(ctx, args),
        Command::Search(Deferred(args)) => search::run(ctx, args),
        Command::Status(Deferred(args)) => status::run(ctx, args),
        Command::Undo(Deferred(args)) => undo::run(ctx, args),
    }
}
