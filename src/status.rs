//! `coach status`: where things stand, for a shell prompt or a cron log.
//! Which session is current and since when, and everything pending, each
//! with the command that clears it.
//!
//! Pending is:
//! - an **agenda** not sent for a session still to come (a draft whose
//!   recap was not skipped), a failed one included (`share --pending`
//!   retries it until the session's date has passed);
//! - a **recap** not sent and not skipped for a session whose date has
//!   passed (what `share --pending --recap` would send);
//! - a **digest** due under `digest.every` for a member with an email
//!   (what `share --digest --pending` would send), or held back by it
//!   (refused for good, or `mail.max-attempts` failures in a row);
//! - an **overdue action**: open, and its due day is over (an action due
//!   today is not overdue until the day ends, as in the emails);
//! - **replies** in the Maildir named by `inbox.maildir`: messages in
//!   `new/` not taken in yet, and refused ones `coach inbox` flagged and
//!   left unread in `cur/` for the coach to look at.
//!
//! Archived members are left out, as in `coach team`. Reading never
//! writes: neither the database nor the Maildir changes.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::action::{self, Action, Show};
use crate::inbox::{self, MAILDIR};
use crate::session::{self, MemberRef, Session};
use crate::share::{self, Kind, Outcome, SessionRef};
use crate::store::Tx;
use crate::{config, digest, when, Result};

/// Everything `coach status` says.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    /// The current session, if there is one.
    pub current: Option<Session>,
    /// Since when it is current (unknown for a session made current by a
    /// coach older than `coach status`).
    pub current_since: Option<DateTime<Utc>>,
    /// What is waiting, agendas first (soonest first), then recaps (oldest
    /// first), digests (by member name), overdue actions (most overdue
    /// first), replies.
    pub pending: Vec<Pending>,
}

/// One thing waiting, with the command that clears it.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Pending {
    /// An agenda not sent for a session to come.
    Agenda {
        session: SessionRef,
        /// Whether its last send failed.
        failed: bool,
        /// Why, in a sentence.
        detail: String,
        command: String,
    },
    /// A recap not sent (nor skipped) for a session that was held.
    Recap {
        session: SessionRef,
        detail: String,
        command: String,
        /// When it is not needed: `coach share --skip ...`.
        skip_command: String,
    },
    /// A member's digest due under `digest.every`, or held back.
    Digest {
        member: MemberRef,
        /// Whether `share --digest --pending` holds it back (until `--retry`).
        held_back: bool,
        detail: String,
        command: String,
    },
    /// An open action whose due day is over.
    Action { action: Action, command: String },
    /// Messages delivered to the Maildir and not taken in yet.
    Replies {
        maildir: PathBuf,
        count: u64,
        command: String,
    },
    /// Messages `coach inbox` refused, flagged and left unread.
    RefusedReplies {
        maildir: PathBuf,
        count: u64,
        command: String,
    },
    /// The Maildir of `inbox.maildir` cannot be read.
    MaildirUnreadable {
        maildir: PathBuf,
        detail: String,
        command: String,
    },
}

/// The state key holding when the current session became current.
pub const CURRENT_SINCE: &str = "session.current-since";

/// Where things stand now.
pub fn status(tx: &Tx<'_>) -> Result<Status> {
    // Pending recaps and overdue actions of the whole team: thousands of
    // rows after years of use, each joined to its member and session.
    tx.widen_cache()?;
    let current = session::current(tx)?;
    let current_since = match &current {
        Some(_) => tx
            .state(CURRENT_SINCE)?
            .map(|at| when::from_storage(&at))
            .transpose()?,
        None => None,
    };
    let mut pending = agendas(tx)?;
    pending.extend(recaps(tx)?);
    pending.extend(digests(tx)?);
    pending.extend(overdue_actions(tx)?);
    pending.extend(replies(tx)?);
    Ok(Status {
        current,
        current_since,
        pending,
    })
}

/// Sessions to come whose agenda is not sent: drafts, not skipped, of
/// active members, soonest first (walked from now on by date).
fn agendas(tx: &Tx<'_>) -> Result<Vec<Pending>> {
    let mut stmt = tx.prepare_cached(
        "SELECT s.id FROM sessions s INDEXED BY sessions_by_date
         JOIN members m ON m.id = s.member_id
         WHERE s.held_at > ?1 AND s.deleted_at IS NULL AND s.status = 'draft'
           AND s.recap_skipped_at IS NULL
           AND m.archived_at IS NULL AND m.deleted_at IS NULL
         ORDER BY s.held_at, s.id",
    )?;
    let ids = stmt
        .query_map([tx.now_text()], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut pending = Vec::new();
    for id in ids {
        let session = session::get(tx, &id)?;
        let last = share::log(tx, Some(&id), None)?
            .into_iter()
            .find(|s| s.kind == Kind::Agenda);
        let (failed, detail) = match last {
            Some(s) if s.outcome == Outcome::Failed => (
                true,
                format!(
                    "its send failed on {}: {} (share --pending retries it until the 1:1)",
                    when::display_local(s.created_at),
                    s.detail.as_deref().unwrap_or("no reason given")
                ),
            ),
            Some(s) if s.outcome == Outcome::Sending => (
                false,
                format!(
                    "a send started on {} has not finished",
                    when::display_local(s.created_at)
                ),
            ),
            _ => (false, "not sent yet".to_string()),
        };
        let mut command = format!("coach share {}", session.short_id);
        if session.member.email.is_none() {
            command = format!(
                "coach member edit \"{}\" --email EMAIL, then {command}",
                session.member.name
            );
        }
        pending.push(Pending::Agenda {
            session: SessionRef::of(&session),
            failed,
            detail,
            command,
        });
    }
    Ok(pending)
}

/// Held sessions whose recap was neither sent nor skipped, oldest first.
fn recaps(tx: &Tx<'_>) -> Result<Vec<Pending>> {
    let sessions = share::pending_recaps(tx, &share::PendingFilter::default())?;
    sessions
        .into_iter()
        .map(|session| {
            let detail = match share::held_back(tx, &session.id, Kind::Recap)? {
                Some(why) => format!("{} (share --pending holds it back)", why.reason()),
                None if session.member.email.is_none() => {
                    format!("not sent: {} has no email", session.member.name)
                }
                None => "not sent".to_string(),
            };
            let mut command = format!("coach share --recap {}", session.short_id);
            if session.member.email.is_none() {
                command = format!(
                    "coach member edit \"{}\" --email EMAIL, then {command}",
                    session.member.name
                );
            }
            Ok(Pending::Recap {
                skip_command: format!("coach share --skip {} --reason TEXT", session.short_id),
                session: SessionRef::of(&session),
                detail,
                command,
            })
        })
        .collect()
}

/// The digests `share --digest --pending` would send or holds back, by
/// member name (members with an email; none while `digest.every` is off).
fn digests(tx: &Tx<'_>) -> Result<Vec<Pending>> {
    let every = digest::every(tx)?;
    let setting = config::get(tx, digest::EVERY)?.unwrap_or_default();
    let mut pending = Vec::new();
    for member in digest::due_members(tx, every, None)? {
        let (held_back, detail, command) = match digest::held_back(tx, &member.id)? {
            Some(why) => (
                true,
                format!("{} (share --digest --pending holds it back)", why.reason()),
                "coach share --digest --pending --retry",
            ),
            None => (
                false,
                due_detail(tx, &member.id, &setting)?,
                "coach share --digest --pending",
            ),
        };
        pending.push(Pending::Digest {
            member: MemberRef {
                id: member.id,
                name: member.name,
                email: member.email,
            },
            held_back,
            detail,
            command: command.to_string(),
        });
    }
    Ok(pending)
}

/// Why a digest is due: when the last one went, and how its last send
/// failed, if it did.
fn due_detail(tx: &Tx<'_>, member_id: &str, every: &str) -> Result<String> {
    let mut detail = match digest::last_sent(tx, member_id)? {
        Some(last) => format!(
            "due (digest.every {every}), the last one sent on {}",
            when::display_local(last.created_at)
        ),
        None => format!("due (digest.every {every}), none sent yet"),
    };
    if let Some(failed) =
        digest::last_attempt(tx, member_id)?.filter(|attempt| attempt.outcome == Outcome::Failed)
    {
        detail += &format!(
            "; its send failed on {}: {} (the next run retries it)",
            when::display_local(failed.created_at),
            failed.detail.as_deref().unwrap_or("no reason given")
        );
    }
    Ok(detail)
}

/// Overdue actions (their due day is over in the coach's zone: the rule
/// of action.rs), most overdue first; those of archived members are left
/// out.
fn overdue_actions(tx: &Tx<'_>) -> Result<Vec<Pending>> {
    let filter = action::Filter {
        show: Show::Overdue,
        ..action::Filter::default()
    };
    let archived = archived_members(tx)?;
    Ok(action::list(tx, &filter)?
        .into_iter()
        .filter(|a| !archived.contains(&a.member.id))
        .map(|action| Pending::Action {
            command: format!("coach action done {}", action.short_id),
            action,
        })
        .collect())
}

fn archived_members(tx: &Tx<'_>) -> Result<Vec<String>> {
    let mut stmt = tx.prepare_cached(
        "SELECT id FROM members WHERE archived_at IS NOT NULL OR deleted_at IS NOT NULL",
    )?;
    let ids = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ids)
}

/// The Maildir of `inbox.maildir`, when set: its new messages, and the
/// refused ones flagged and still unread. A Maildir that cannot be read is
/// a line of its own rather than a failure of `status`.
fn replies(tx: &Tx<'_>) -> Result<Vec<Pending>> {
    let Some((_, root)) = inbox::configured_maildir(tx)? else {
        return Ok(Vec::new());
    };
    let inbox = "coach inbox".to_string();
    let (new, cur) = match (file_names(&root.join("new")), file_names(&root.join("cur"))) {
        (Ok(new), Ok(cur)) => (new, cur),
        (Err(e), _) | (_, Err(e)) => {
            return Ok(vec![Pending::MaildirUnreadable {
                maildir: root,
                detail: format!("cannot read it: {e}"),
                command: format!("coach config set {MAILDIR} DIR"),
            }])
        }
    };
    let mut pending = Vec::new();
    let waiting = new.len() as u64;
    if waiting > 0 {
        pending.push(Pending::Replies {
            maildir: root.clone(),
            count: waiting,
            command: inbox,
        });
    }
    let refused = cur
        .iter()
        .filter(|name| {
            name.split_once(":2,")
                .is_some_and(|(_, flags)| flags.contains('F') && !flags.contains('S'))
        })
        .count() as u64;
    if refused > 0 {
        pending.push(Pending::RefusedReplies {
            maildir: root,
            count: refused,
            command: "read them in your mail client (marking one read clears it)".to_string(),
        });
    }
    Ok(pending)
}

/// The names of the regular, not hidden files of `dir`.
fn file_names(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with('.') && entry.file_type()?.is_file() {
            names.push(name);
        }
    }
    Ok(names)
}
