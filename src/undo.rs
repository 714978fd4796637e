//! `coach undo`: the last write commands, and taking them back.
//!
//! The log itself (which rows each command changed) is kept by the store
//! (`store/undo.rs`) in each command's own transaction. This module decides
//! what may be undone: never silently over a later change (the store puts
//! a row back only if it is still as the command left it), and never an
//! email as if it had not left: a command whose agenda or recap was sent
//! (or may have been: a send still marked `sending`) is refused unless
//! the caller asks to undo the local record only.

use std::collections::BTreeMap;
use std::fs;
use std::io::ErrorKind as IoKind;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::output::plural;
use crate::store::{Change, LoggedCommand, Op, Tx};
use crate::{attachment, note, session, when, Error, Result};

/// A command in the undo log, as `undo --list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// 1 for the last command, 2 for the one before, ...: `coach undo N`.
    pub n: usize,
    pub id: i64,
    /// The command line.
    pub command: String,
    pub at: DateTime<Utc>,
    /// What it changed, table by table.
    pub changes: Vec<TableChanges>,
    /// The emails it sent (or may have: a send in progress).
    pub emails: Vec<Email>,
}

/// A command's changes to one table.
#[derive(Debug, Clone, Serialize)]
pub struct TableChanges {
    pub table: String,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

/// An email that a command sent.
#[derive(Debug, Clone, Serialize)]
pub struct Email {
    /// `agenda`, `recap` or `digest`.
    pub kind: String,
    /// The session of an agenda or recap (a digest has none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<String>,
    /// `sent`, or `sending` (it may have left).
    pub outcome: String,
    pub recipients: Vec<String>,
}

/// The last `limit` commands, newest first.
pub fn list(tx: &Tx<'_>, limit: usize) -> Result<Vec<Entry>> {
    tx.undo_commands(limit)?
        .into_iter()
        .enumerate()
        .map(|(i, command)| {
            let changes = tx.undo_changes(command.id)?;
            entry(tx, i + 1, &command, &changes)
        })
        .collect()
}

/// Takes back the last `count` commands, newest first, in the caller's
/// transaction; returns them. `local_only`: also those that sent an email
/// (which stays sent). Attachment files no longer used by any attachment
/// are removed from `attachments/`.
pub fn undo(tx: &Tx<'_>, count: usize, local_only: bool) -> Result<Vec<Entry>> {
    if count == 0 {
        return Err(
            Error::usage("undo 0 undoes nothing").with_hint("coach undo 1 undoes the last command")
        );
    }
    let commands = tx.undo_commands(count)?;
    if commands.is_empty() {
        return Err(Error::input("there is nothing to undo").with_hint(
            "coach records each command that changes something; `coach undo --list` shows them",
        ));
    }
    if commands.len() < count {
        return Err(Error::input(format!(
            "there {} only {} to undo",
            if commands.len() == 1 { "is" } else { "are" },
            plural(commands.len() as u64, "command")
        ))
        .with_hint("`coach undo --list` shows them"));
    }
    let mut undone = Vec::new();
    let mut contents = Vec::new();
    for (i, command) in commands.iter().enumerate() {
        let changes = tx.undo_changes(command.id)?;
        let entry = entry(tx, i + 1, command, &changes)?;
        if !local_only {
            if let Some(email) = entry.emails.first() {
                return Err(refuse_sent(tx, &entry, email));
            }
        }
        for change in changes.iter().rev() {
            if brings_back_erased_text(change) {
                return Err(Error::input(format!(
                    "cannot undo `{}`: it deleted a note, and a deleted note's text is erased for good",
                    entry.command
                ))
                .with_hint("nothing was undone; commands before it stay as they are"));
            }
            if tx.revert(change)?.is_err() {
                return Err(conflict(&entry, change));
            }
            if let Some(sha) = added_content(change) {
                contents.push(sha);
            }
        }
        tx.forget_command(command.id)?;
        undone.push(entry);
    }
    remove_unused_contents(tx, &contents)?;
    Ok(undone)
}

fn entry(tx: &Tx<'_>, n: usize, command: &LoggedCommand, changes: &[Change]) -> Result<Entry> {
    let mut tables: BTreeMap<&str, TableChanges> = BTreeMap::new();
    for change in changes {
        let counts = tables
            .entry(change.table.as_str())
            .or_insert_with(|| TableChanges {
                table: change.table.clone(),
                added: 0,
                changed: 0,
                removed: 0,
            });
        match change.op {
            Op::Insert => counts.added += 1,
            Op::Update => counts.changed += 1,
            Op::Delete => counts.removed += 1,
        }
    }
    Ok(Entry {
        n,
        id: command.id,
        command: command.label.clone(),
        at: when::from_storage(&command.at)?,
        changes: tables.into_values().collect(),
        emails: emails(tx, changes)?,
    })
}

/// The emails among `changes` that left, or may have: the sends the
/// command recorded that are now `sent` or still `sending`.
fn emails(tx: &Tx<'_>, changes: &[Change]) -> Result<Vec<Email>> {
    let mut seen = Vec::new();
    let mut emails = Vec::new();
    for change in changes.iter().filter(|c| c.table == "digests") {
        if seen.contains(&change.key) {
            continue;
        }
        seen.push(change.key.clone());
        let row: Option<(String, String)> = {
            use rusqlite::OptionalExtension;
            tx.prepare_cached("SELECT outcome, recipients FROM digests WHERE id = ?1")?
                .query_row([&change.key], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
        };
        if let Some((outcome, recipients)) = row {
            if outcome == "sent" || outcome == "sending" {
                emails.push(Email {
                    kind: "digest".into(),
                    session_id: None,
                    outcome,
                    recipients: serde_json::from_str(&recipients).unwrap_or_default(),
                });
            }
        }
    }
    for change in changes.iter().filter(|c| c.table == "shares") {
        if seen.contains(&change.key) {
            continue;
        }
        seen.push(change.key.clone());
        let row: Option<(String, String, String, String)> = {
            use rusqlite::OptionalExtension;
            tx.prepare_cached(
                "SELECT kind, session_id, outcome, recipients FROM shares WHERE id = ?1",
            )?
            .query_row([&change.key], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()?
        };
        if let Some((kind, session_id, outcome, recipients)) = row {
            if outcome == "sent" || outcome == "sending" {
                emails.push(Email {
                    kind,
                    session_id: Some(session_id),
                    outcome,
                    recipients: serde_json::from_str(&recipients).unwrap_or_default(),
                });
            }
        }
    }
    Ok(emails)
}

fn refuse_sent(tx: &Tx<'_>, entry: &Entry, email: &Email) -> Error {
    let session = email.session_id.as_deref().map(|id| session::get(tx, id));
    let what = match session {
        Some(Ok(s)) => format!(
            "the {} of \"{}\" ({})",
            email.kind,
            s.title,
            when::display_local_date(s.date)
        ),
        _ => format!("the {}", email.kind),
    };
    let to = email.recipients.join(", ");
    let (verb, hint) = match email.outcome.as_str() {
        "sending" => (
            "was sending",
            "it may have left; `coach undo --local-only` undoes the local record only: coach then counts it as not sent",
        ),
        _ => (
            "sent",
            "an email cannot be unsent; `coach undo --local-only` undoes the local record only: coach then counts it as not sent, and may send it again",
        ),
    };
    Error::input(format!(
        "`{}` {verb} {what} to {to}: undo cannot take an email back",
        entry.command
    ))
    .with_hint(hint)
}

fn conflict(entry: &Entry, change: &Change) -> Error {
    let key = match &change.key {
        rusqlite::types::Value::Text(t) => t.chars().take(8).collect(),
        other => format!("{other:?}"),
    };
    Error::input(format!(
        "cannot undo `{}`: {} {key} was changed since, outside the undo log",
        entry.command,
        record_name(&change.table)
    ))
    .with_hint("nothing was undone; a change made after it would be lost, so it stays as it is")
}

/// Whether putting `change` back would make a live note of a deleted
/// one, whose text was erased (`note::DELETED_BODY`).
fn brings_back_erased_text(change: &Change) -> bool {
    if change.table != "notes" || change.op == Op::Insert {
        return false;
    }
    let Some(old) = change
        .old
        .as_deref()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
    else {
        return false;
    };
    old.get("deleted_at")
        .is_some_and(serde_json::Value::is_null)
        && old.get("body").and_then(serde_json::Value::as_str) == Some(note::DELETED_BODY)
}

/// The record a table holds, for messages.
fn record_name(table: &str) -> String {
    match table {
        "notes" => "the note".into(),
        "sessions" => "the session".into(),
        "members" => "the member".into(),
        "actions" => "the action".into(),
        "kudos" => "the kudos".into(),
        "feedback" => "the feedback".into(),
        "qa_reviews" => "the QA review".into(),
        "attachments" => "the attachment".into(),
        "shares" => "the send".into(),
        "config" => "the setting".into(),
        "state" => "the state".into(),
        other => format!("a row of {other}"),
    }
}

/// The content an undone change had added: an attachment's file.
fn added_content(change: &Change) -> Option<String> {
    if change.table != "attachments" || change.op != Op::Insert {
        return None;
    }
    let row: serde_json::Value = serde_json::from_str(change.new.as_deref()?).ok()?;
    let sha = row.get("sha256")?.as_str()?;
    // A name made of hex only: never a path.
    (sha.len() == 64 && sha.bytes().all(|b| b.is_ascii_hexdigit())).then(|| sha.to_string())
}

/// Removes the stored files that no attachment uses any more. Inside the
/// write transaction: no other command can add an attachment of the same
/// content meanwhile (attach stores its file under the same lock).
fn remove_unused_contents(tx: &Tx<'_>, contents: &[String]) -> Result<()> {
    for sha in contents {
        let used = tx
            .prepare_cached("SELECT 1 FROM attachments WHERE sha256 = ?1 LIMIT 1")?
            .exists([sha])?;
        if used {
            continue;
        }
        let path = attachment::content_path(tx.folder(), sha)?;
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == IoKind::NotFound => {}
            Err(e) => return Err(Error::io(format!("cannot remove {}", path.display()), e)),
        }
    }
    Ok(())
}
