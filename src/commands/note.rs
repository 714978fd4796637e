use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Ctx;
use crate::member;
use crate::note::{self, Note, Visibility};
use crate::session;
use crate::view::Audience;
use crate::{when, Error, Result};

/// Add and manage notes: shared with the member, or private to you
///
/// Notes are Markdown: links, lists and emojis are kept. Shared notes are
/// part of the agenda and the recap; a --private note is seen by you only,
/// and never leaves your database in anything shared.
#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  coach note add \"Review the holiday schedule\"\n  coach note add --by alex \"Wants to talk about the team lead role\"\n  coach note add --private \"Seems tired; ask about workload\"\n  git log --oneline | coach note add -\n  coach note list"
)]
pub enum NoteCommand {
    /// Add a note to the current session (or --session)
    Add(AddArgs),
    /// List the notes of the current session (or --session)
    List(ListArgs),
    /// Change a note's text (opens your editor when TEXT is left out)
    Edit(EditArgs),
    /// Delete a note
    Rm(RmArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The note, in Markdown; "-" reads standard input. Left out, your
    /// editor ($VISUAL, $EDITOR) opens on a terminal, and standard input is
    /// read otherwise
    text: Vec<String>,
    /// Read the note from a file
    #[arg(long, short, value_name = "PATH", conflicts_with = "text")]
    file: Option<PathBuf>,
    /// Only you will ever see this note
    #[arg(long, short)]
    private: bool,
    /// A topic the team member brought (recorded as theirs)
    #[arg(long, value_name = "MEMBER")]
    by: Option<String>,
    /// The session [default: the current session]
    #[arg(long, short, value_name = "SESSION")]
    session: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// The session [default: the current session]
    #[arg(long, short, value_name = "SESSION")]
    session: Option<String>,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The note (the beginning of its id)
    note: String,
    /// The new text; "-" reads standard input; left out, your editor opens
    text: Vec<String>,
    /// Read the new text from a file
    #[arg(long, short, value_name = "PATH", conflicts_with = "text")]
    file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// The note (the beginning of its id)
    note: String,
}

pub(super) fn run(ctx: &Ctx, command: NoteCommand) -> Result<()> {
    match command {
        NoteCommand::Add(args) => add(ctx, args),
        NoteCommand::List(args) => {
            let notes = ctx.store()?.read(|tx| {
                let session = session::explicit_or_current(tx, args.session.as_deref())?;
                note::list(tx, &session.id, Audience::Owner)
            })?;
            print_list(ctx, &notes)
        }
        NoteCommand::Edit(args) => {
            let mut store = ctx.store()?;
            let current = store.read(|tx| note::resolve(tx, &args.note))?;
            let body = read_body(ctx, &args.text, args.file.as_ref(), &current.body)?;
            let note = store.write(|tx| {
                let note = note::get(tx, &current.id)?;
                note::edit(tx, &note, &body)
            })?;
            print_one(ctx, &note, "Updated")
        }
        NoteCommand::Rm(args) => {
            let note = ctx.store()?.write(|tx| {
                let note = note::resolve(tx, &args.note)?;
                note::remove(tx, &note)?;
                Ok(note)
            })?;
            print_one(ctx, &note, "Deleted")
        }
    }
}

fn add(ctx: &Ctx, args: AddArgs) -> Result<()> {
    let body = read_body(ctx, &args.text, args.file.as_ref(), "")?;
    let visibility = if args.private {
        Visibility::Private
    } else {
        Visibility::Shared
    };
    let note = ctx.store()?.write(|tx| {
        let session = session::explicit_or_current(tx, args.session.as_deref())?;
        let by = args
            .by
            .as_deref()
            .map(|m| member::resolve(tx, m))
            .transpose()?;
        note::add(tx, &session, &body, visibility, by.as_ref(), None)
    })?;
    print_one(ctx, &note, "Added")
}

/// The text of a note: from the arguments, a file, standard input, or the
/// editor, in that order of preference.
fn read_body(ctx: &Ctx, text: &[String], file: Option<&PathBuf>, initial: &str) -> Result<String> {
    if let Some(path) = file {
        let bytes = std::fs::read(path)
            .map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
        return utf8(bytes, &path.display().to_string());
    }
    match text {
        [dash] if dash == "-" => read_stdin(),
        [] if !std::io::stdin().is_terminal() => read_stdin(),
        [] => {
            let edited = ctx.prompt.edit(
                "the note's text",
                initial,
                "pass the text as an argument, or \"-\" to read standard input",
            )?;
            match edited {
                Some(body) if body.trim() != initial.trim() => Ok(body),
                _ => Err(Error::input(
                    "the note is empty or unchanged; nothing was saved",
                )),
            }
        }
        words => Ok(words.join(" ")),
    }
}

fn read_stdin() -> Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io("cannot read standard input", e))?;
    utf8(bytes, "standard input")
}

fn utf8(bytes: Vec<u8>, source: &str) -> Result<String> {
    String::from_utf8(bytes).map_err(|_| {
        Error::input(format!("{source} is not UTF-8 text; nothing was saved"))
            .with_hint("notes are text: convert it first, e.g. with iconv")
    })
}

fn print_one(ctx: &Ctx, note: &Note, verb: &str) -> Result<()> {
    if ctx.out.json {
        return ctx.out.print_json(note);
    }
    if ctx.out.quiet {
        return ctx.out.line(&note.id);
    }
    let private = if note.visibility == Visibility::Private {
        " private"
    } else {
        ""
    };
    ctx.out.line(format!(
        "{verb}{private} note {}",
        ctx.out.paint(&note.short_id, crate::output::ID)
    ))
}

fn print_list(ctx: &Ctx, notes: &[Note]) -> Result<()> {
    if ctx.out.json {
        return ctx.out.print_json(notes);
    }
    if ctx.out.quiet {
        return ctx.out.print_ids(notes.iter().map(|n| n.id.as_str()));
    }
    let rows = notes
        .iter()
        .map(|n| {
            let first_line = n.body.lines().next().unwrap_or_default();
            let summary: String = first_line.chars().take(60).collect();
            vec![
                n.short_id.clone(),
                when::display_local(n.created_at),
                n.author.name.clone(),
                match n.visibility {
                    Visibility::Private => "private".into(),
                    Visibility::Shared => "shared".into(),
                },
                summary,
            ]
        })
        .collect();
    ctx.out.print_table(
        &["ID", "WRITTEN", "BY", "VISIBILITY", "NOTE"],
        rows,
        "no notes in this session yet",
    )
}
