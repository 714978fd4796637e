//! What became of a session's emails after the fact: a recap marked as not
//! needed (`share --skip`), and what changed since the agenda or recap was
//! sent (notes, actions, the date), so that "already sent" is never said
//! of an email that no longer matches the session.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::output::plural;
use crate::session::{Session, Status};
use crate::share::{self, Kind, Share};
use crate::store::{opt_time_at, Tx};
use crate::{when, Error, Result};

/// A recap marked as not needed.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// The longest reason accepted, in characters.
const MAX_REASON: usize = 500;

/// Marks the recap of `session` as not needed: `share --pending` leaves it
/// (and a failed agenda) alone from now on. Returns `false` when it was
/// skipped already (the first reason stays).
pub fn skip_recap(tx: &Tx<'_>, session: &Session, reason: &str) -> Result<bool> {
    let reason = crate::member::check_line("reason", reason)?;
    if reason.is_empty() {
        return Err(Error::input("say why the recap is not needed")
            .with_hint("e.g. --reason \"1:1 cancelled\""));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(Error::input(format!(
            "a reason is at most {MAX_REASON} characters"
        )));
    }
    if session.status == Status::RecapSent {
        return Err(Error::input(format!(
            "the recap of {} was already sent",
            crate::kudos::describe_session(session)
        ))
        .with_hint("`coach share log` shows when"));
    }
    if recap_skipped(tx, &session.id)?.is_some() {
        return Ok(false);
    }
    tx.prepare_cached(
        "UPDATE sessions SET recap_skipped_at = ?2, recap_skip_reason = ?3, updated_at = ?2
             WHERE id = ?1",
    )?
    .execute(rusqlite::params![session.id, tx.now_text(), reason])?;
    Ok(true)
}

/// Whether (and why) the recap of a session was marked as not needed.
pub fn recap_skipped(tx: &Tx<'_>, session_id: &str) -> Result<Option<Skipped>> {
    let row = tx
        .prepare_cached(
            "SELECT recap_skipped_at, recap_skip_reason FROM sessions
             WHERE id = ?1 AND recap_skipped_at IS NOT NULL",
        )?
        .query_row([session_id], |r| {
            Ok((opt_time_at(r, 0)?, r.get::<_, Option<String>>(1)?))
        })
        .optional()?;
    Ok(match row {
        Some((Some(at), reason)) => Some(Skipped {
            at,
            reason: reason.unwrap_or_default(),
        }),
        _ => None,
    })
}

/// What changed in a session after one of its emails was sent: what the
/// member has is out of date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    /// Shared notes added, edited or removed (private ones never count:
    /// they are in no email).
    pub notes: u64,
    /// Actions added, edited, reopened or removed (checking one off is
    /// progress, not a change to what was agreed).
    pub actions: u64,
    /// The session's date changed.
    pub date: bool,
    /// Saved feedback and QA reviews of the session edited, brought in or
    /// deleted (`saved edit`, `session add-saved`, `saved rm`).
    pub saved: u64,
}

impl Changes {
    /// Nothing changed.
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }

    /// `2 notes, 1 action, 1 saved item, the date`.
    pub fn describe(&self) -> String {
        let count = |n: u64, word: &str| (n > 0).then(|| plural(n, word));
        [
            count(self.notes, "note"),
            count(self.actions, "action"),
            count(self.saved, "saved item"),
            self.date.then(|| "the date".to_string()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// What changed in `session` since `sent` (one of its sends) was made.
pub fn changes_since(tx: &Tx<'_>, session: &Session, sent: &Share) -> Result<Changes> {
    let since = when::to_storage(sent.created_at);
    let count = |sql: &str| -> Result<u64> {
        let n: i64 = tx
            .prepare_cached(sql)?
            .query_row(rusqlite::params![session.id, since], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    };
    let notes = crate::note::shared_changed_since(tx, &session.id, &since)?;
    let actions = count(
        "SELECT count(*) FROM actions
         WHERE session_id = ?1 AND updated_at > ?2
           AND (deleted_at IS NULL OR created_at <= ?2)
           AND NOT (done_at IS NOT NULL AND done_at = updated_at AND created_at <= ?2)",
    )?;
    let saved = count(
        "SELECT (SELECT count(*) FROM feedback WHERE session_id = ?1 AND updated_at > ?2)
              + (SELECT count(*) FROM qa_reviews WHERE session_id = ?1 AND updated_at > ?2)",
    )?;
    let date_changed: Option<String> = tx
        .prepare_cached("SELECT date_changed_at FROM sessions WHERE id = ?1")?
        .query_row([&session.id], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(Changes {
        notes,
        actions,
        date: date_changed.is_some_and(|at| at > since),
        saved,
    })
}

/// The email whose copy the member has: the recap once sent, else the
/// agenda once sent; with what changed in the session since.
pub fn latest_sent_with_changes(
    tx: &Tx<'_>,
    session: &Session,
) -> Result<Option<(Share, Changes)>> {
    for kind in [Kind::Recap, Kind::Agenda] {
        if let Some(sent) = share::last_sent(tx, &session.id, kind)? {
            let changes = changes_since(tx, session, &sent)?;
            return Ok(Some((sent, changes)));
        }
    }
    Ok(None)
}

/// The message for an email that changed since it was sent:
/// `changed since the agenda was sent (2026-12-01 10:00): 2 notes, 1 action`.
pub fn changed_message(sent: &Share, changes: &Changes) -> String {
    format!(
        "changed since the {} was sent ({}): {}",
        sent.kind.as_str(),
        when::display_local(sent.created_at),
        changes.describe()
    )
}

/// The command that sends it again: `coach share --recap --resend 1a2b`.
pub fn resend_command(sent: &Share) -> String {
    let recap = match sent.kind {
        Kind::Recap => " --recap",
        Kind::Agenda => "",
    };
    format!("coach share{recap} --resend {}", sent.session.short_id)
}
