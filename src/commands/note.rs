use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Ctx;
use crate::input;
use crate::note::{self, Note, Visibility};
use crate::session;
use crate::store::check_long_enough;
use crate::{item, member};
use crate::{when, Error, Result};

/// Add and manage notes: shared with the member, or private to you
///
/// Notes are Markdown: links, lists and emojis are kept. Shared notes are
/// part of the agenda and the recap; a --private note is seen by you only,
/// and never leaves your database in anything shared.
#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  coach note add \"Review the holiday schedule\"\n  coach note add --by alex \"Wants to talk about the team lead role\"\n  coach note add --private \"Seems tired; ask about workload\"\n  coach note add --on 3c4d \"AHT is the column to work on\"\n  git log --oneline | coach note add -\n  coach note list"
)]
pub enum NoteCommand {
    /// Add a note to the current session (or --session)
    Add(AddArgs),
    /// List the notes of the current session (or --session), dedicated ones
    /// with the item they are about
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
    /// Dedicate the note to one item of the session: a metric, feedback
    /// item, QA review or attachment (the beginning of its id, as `session
    /// show` prints it); shown under that item
    #[arg(long, value_name = "ITEM")]
    on: Option<String>,
    /// A talking point to take up again: `coach session new` offers it in
    /// the member's next session, and --with-follow-ups brings it in
    #[arg(long)]
    follow_up: bool,
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
            let (notes, items) = ctx.store()?.read(|tx| {
                let session = session::explicit_or_current(tx, args.session.as_deref())?;
                let notes = note::list_all::<Note>(tx, &session.id)?;
                let items = notes
                    .iter()
                    .map(|n| match &n.item_id {
                        Some(id) => match item::find(tx, id)? {
                            Some(item) => Ok(format!(
                                "{} {}",
                                item.kind.as_str(),
                                tx.short_id(item.kind.table(), id)?
                            )),
                            None => Ok("an item".to_string()),
                        },
                        None => Ok(String::new()),
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok((notes, items))
            })?;
            print_list(ctx, &notes, &items)
        }
        NoteCommand::Edit(args) => {
            check_long_enough(&args.note)?;
            let mut store = ctx.store()?;
            let current = store.read(|tx| tx.resolve::<note::Note>(&args.note))?;
            let body = read_body(ctx, &args.text, args.file.as_ref(), &current.body)?;
            let note = store.write(|tx| {
                let note = note::get(tx, &current.id)?;
                note::edit(tx, &note, &body)
            })?;
            print_one(ctx, &note, "Updated", None)
        }
        NoteCommand::Rm(args) => {
            check_long_enough(&args.note)?;
            let note = ctx.store()?.write(|tx| {
                let note = tx.resolve::<note::Note>(&args.note)?;
                note::remove(tx, &note)?;
                Ok(note)
            })?;
            print_one(ctx, &note, "Deleted", None)
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
    let (note, on) = ctx.store()?.write(|tx| {
        let session = session::explicit_or_current(tx, args.session.as_deref())?;
        let by = args
            .by
            .as_deref()
            .map(|m| member::resolve(tx, m))
            .transpose()?;
        let item = args
            .on
            .as_deref()
            .map(|query| item::resolve_in_session(tx, &session, query))
            .transpose()?;
        let on = item.as_ref().map(|i| item::describe(tx, i)).transpose()?;
        let note = note::add(
            tx,
            &session,
            &body,
            visibility,
            by.as_ref(),
            item.as_ref().map(|i| i.id.as_str()),
        )?;
        if args.follow_up {
            note::mark_follow_up(tx, &note)?;
        }
        Ok((note, on))
    })?;
    print_one(ctx, &note, "Added", on.as_deref())
}

/// The text of a note: from the arguments, a file, standard input, or the
/// editor, in that order of preference.
fn read_body(ctx: &Ctx, text: &[String], file: Option<&PathBuf>, initial: &str) -> Result<String> {
    const WHAT: &str = "a note";
    if let Some(path) = file {
        return input::read_file(path, WHAT, note::MAX_BODY);
    }
    match text {
        [dash] if dash == "-" => input::read_stdin(WHAT, note::MAX_BODY),
        [] if !std::io::stdin().is_terminal() => input::read_stdin(WHAT, note::MAX_BODY),
        [] => {
            let edited = ctx.prompt.edit(
                "the note's text",
                initial,
                "pass the text as an argument, or \"-\" to read standard input",
                note::MAX_BODY,
            )?;
            if edited.trim().is_empty() || edited.trim() == initial.trim() {
                return Err(Error::input(
                    "the note is empty or unchanged; nothing was saved",
                ));
            }
            Ok(edited)
        }
        words => Ok(words.join(" ")),
    }
}

fn print_one(ctx: &Ctx, note: &Note, verb: &str, on: Option<&str>) -> Result<()> {
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
    let on = on.map(|item| format!(" on the {item}")).unwrap_or_default();
    ctx.out.line(format!(
        "{verb}{private} note {}{on}",
        ctx.out.paint(&note.short_id, crate::output::ID)
    ))
}

/// `items[i]` names the item `notes[i]` is dedicated to ("" for the
/// shared notes block).
fn print_list(ctx: &Ctx, notes: &[Note], items: &[String]) -> Result<()> {
    if ctx.out.json {
        return ctx.out.print_json(notes);
    }
    if ctx.out.quiet {
        return ctx.out.print_ids(notes.iter().map(|n| n.id.as_str()));
    }
    let rows = notes
        .iter()
        .zip(items)
        .map(|(n, on)| {
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
                on.clone(),
                summary,
            ]
        })
        .collect();
    ctx.out.print_table(
        &["ID", "WRITTEN", "BY", "VISIBILITY", "ON", "NOTE"],
        rows,
        "no notes in this session yet",
    )
}
