//! Kudos: shout-outs for a member's wins, knowledge, effort or values, or
//! a plain thank-you, given in a session or outside any (`coach kudos
//! MEMBER` when the member has no open session near now): such a kudos is
//! in the member's stream, trends, searches and digest, never in an agenda or a recap.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use crate::member::Member;
use crate::session::{self, MemberRef, Session, Status};
use crate::store::{new_id, stored_enum, time_at, Record, ShortIds, Tx};
use crate::{when, Error, Result};

/// A kudos.
#[derive(Debug, Clone, Serialize)]
pub struct Kudos {
    pub id: String,
    pub short_id: String,
    /// The session it was given in; `None` outside any session.
    pub session_id: Option<String>,
    /// That session's date; `None` outside any session.
    pub session_date: Option<DateTime<Utc>>,
    /// The member it celebrates (the session's member).
    pub member: MemberRef,
    /// Markdown.
    pub body: String,
    /// What is celebrated; `None` for a plain thank-you.
    #[serde(rename = "for")]
    pub kind: Option<Kind>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What a kudos celebrates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A success: a win, a goal reached
    Success,
    /// Knowledge or expertise shared or shown
    Expertise,
    /// Effort: the extra mile, hard work
    Effort,
    /// Living the company's values
    Values,
}

impl Kind {
    /// How people read it: "for success", "for expertise"...
    pub fn label(self) -> &'static str {
        match self {
            Kind::Success => "success",
            Kind::Expertise => "knowledge & expertise",
            Kind::Effort => "effort",
            Kind::Values => "our values",
        }
    }
}

stored_enum!(Kind, "kudos kind", {
    Success => "success",
    Expertise => "expertise",
    Effort => "effort",
    Values => "values",
});

impl Kudos {
    /// Where it sorts among a member's history: its session's date, or
    /// when it was given outside any session.
    pub fn date(&self) -> DateTime<Utc> {
        self.session_date.unwrap_or(self.created_at)
    }
}

/// Where a kudos for `member` goes: a session (and whether it was started
/// for it), or outside any session, and why.
#[derive(Debug, Clone)]
pub enum Target {
    Session {
        session: Session,
        started: bool,
    },
    /// Outside any session: the member's open session is outside
    /// `session.kudos-window` days, or they have none (the reason).
    Outside {
        member: Member,
        why: String,
    },
}

impl Target {
    /// The session, if any.
    pub fn session(&self) -> Option<&Session> {
        match self {
            Target::Session { session, .. } => Some(session),
            Target::Outside { .. } => None,
        }
    }
}

/// The largest kudos accepted, in characters.
const MAX_BODY: usize = 4000;

const COLUMNS: &str = "k.id, k.session_id, m.id, m.name, m.email, k.body, k.kind,
            k.created_at, k.updated_at, s.held_at";

const FROM: &str = "FROM kudos k
     LEFT JOIN sessions s ON s.id = k.session_id
     JOIN members m ON m.id = k.member_id";

/// Adds a kudos to `session`.
pub fn add(tx: &Tx<'_>, session: &Session, body: &str, kind: Option<Kind>) -> Result<Kudos> {
    insert(tx, Some(session), &session.member.id, body, kind)
}

/// Adds a kudos for `member` outside any session.
pub fn add_outside(tx: &Tx<'_>, member: &Member, body: &str, kind: Option<Kind>) -> Result<Kudos> {
    insert(tx, None, &member.id, body, kind)
}

/// Adds a kudos where `target` says.
pub fn give(tx: &Tx<'_>, target: &Target, body: &str, kind: Option<Kind>) -> Result<Kudos> {
    match target {
        Target::Session { session, .. } => add(tx, session, body, kind),
        Target::Outside { member, .. } => add_outside(tx, member, body, kind),
    }
}

fn insert(
    tx: &Tx<'_>,
    session: Option<&Session>,
    member_id: &str,
    body: &str,
    kind: Option<Kind>,
) -> Result<Kudos> {
    let body = check_body(body)?;
    let id = new_id();
    tx.prepare_cached(
        "INSERT INTO kudos (id, session_id, member_id, body, kind, author, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
    )?
    .execute(rusqlite::params![
        id,
        session.map(|s| s.id.as_str()),
        member_id,
        body,
        kind.map(Kind::as_str),
        tx.me(),
        tx.now_text()
    ])?;
    get(tx, &id)
}

/// Where a kudos for `member` goes when no session is named: the current
/// session if it is with them, else their latest open session (one whose
/// recap has not been sent) when it is dated within `session.kudos-window`
/// days of now, else, with `start`, a new session with them, else outside
/// any session.
///
/// A session started here becomes the current session only when there was
/// none, so a kudos for someone else never moves the coach away from the
/// 1:1 they are in.
pub fn target_for(tx: &Tx<'_>, member: &Member, start: bool) -> Result<Target> {
    let current = session::current(tx)?;
    if let Some(current) = &current {
        if current.member.id == member.id {
            return Ok(Target::Session {
                session: current.clone(),
                started: false,
            });
        }
    }
    // An open session long past or far ahead is an old draft or a future
    // plan, not the 1:1 this kudos is for (cron would mail it later).
    let window = crate::config::Settings::of(tx)?.kudos_window_days()?;
    let within = |s: &Session| (s.date - tx.now()).num_days().unsigned_abs() <= window;
    let open = latest_open_session(tx, member)?;
    if let Some(open) = open.clone().filter(within) {
        return Ok(Target::Session {
            session: open,
            started: false,
        });
    }
    if !start {
        let why = match &open {
            Some(old) => format!(
                "their open session {} is more than {window} days from now (session.kudos-window)",
                describe_session(old)
            ),
            None => "they have no open session".to_string(),
        };
        return Ok(Target::Outside {
            member: member.clone(),
            why,
        });
    }
    let started = session::create(tx, member, None, None)?;
    if current.is_none() {
        session::set_current(tx, &started)?;
    }
    Ok(Target::Session {
        session: started,
        started: true,
    })
}

/// The member's latest session by date whose recap has not been sent.
pub fn latest_open_session(tx: &Tx<'_>, member: &Member) -> Result<Option<Session>> {
    let mut stmt = tx.prepare_cached(
        "SELECT id FROM sessions
         WHERE member_id = ?1 AND deleted_at IS NULL AND status <> ?2
         ORDER BY held_at DESC, id LIMIT 1",
    )?;
    let id: Option<String> = stmt
        .query_row(
            rusqlite::params![member.id, Status::RecapSent.as_str()],
            |r| r.get(0),
        )
        .optional()?;
    id.map(|id| session::get(tx, &id)).transpose()
}

/// The kudos with this full id.
pub fn get(tx: &Tx<'_>, id: &str) -> Result<Kudos> {
    let sql = format!(
        "SELECT {COLUMNS} {FROM}
         WHERE k.id = ?1 AND k.deleted_at IS NULL
           AND (k.session_id IS NULL OR s.deleted_at IS NULL)"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let kudos = stmt
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::input(format!("no kudos has the id {id}")))?;
    finish(tx, kudos)
}

impl Record for Kudos {
    const TABLES: &'static [&'static str] = &["kudos"];
    const NOUN: &'static str = "kudos";
    const PLURAL: &'static str = "kudos";
    const LIST_HINT: &'static str = "`coach kudos list` shows the ids";

    fn read(tx: &Tx<'_>, _: &'static str, id: &str) -> Result<Kudos> {
        get(tx, id)
    }
}

/// The kudos of one session, oldest first (with their short ids if `ids`
/// says so).
pub fn for_session(tx: &Tx<'_>, session_id: &str, ids: ShortIds) -> Result<Vec<Kudos>> {
    let sql = format!(
        "SELECT {COLUMNS} {FROM} WHERE k.session_id = ?1 AND k.deleted_at IS NULL ORDER BY k.created_at, k.id"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows = stmt.query_map([session_id], from_row)?;
    let kudos = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    if ids != ShortIds::All {
        return Ok(kudos);
    }
    kudos.into_iter().map(|k| finish(tx, k)).collect()
}

/// Recent kudos, newest first by their session's date (a kudos outside
/// any session by when it was given), then newest first, for one member
/// or everyone, at most `limit`.
///
/// Sessions are walked newest first through their date index and each
/// one's kudos through `kudos_by_session`, so this reads only as far back
/// as `limit` needs; kudos outside sessions come from their own index
/// (`kudos_outside_sessions`), newest first, and the two are merged.
pub fn recent(tx: &Tx<'_>, member_id: Option<&str>, limit: usize) -> Result<Vec<Kudos>> {
    // The sessions come first (CROSS JOIN keeps that order), newest first
    // through an index, so LIMIT stops the walk early.
    let (sessions, by_member) = match member_id {
        Some(_) => (
            "sessions s INDEXED BY sessions_by_member",
            "s.member_id = ?1",
        ),
        None => ("sessions s INDEXED BY sessions_by_date", "?1 IS NULL"),
    };
    let in_sessions = format!(
        "SELECT {COLUMNS} FROM {sessions}
         CROSS JOIN kudos k ON k.session_id = s.id
         JOIN members m ON m.id = s.member_id
         WHERE {by_member} AND s.deleted_at IS NULL AND k.deleted_at IS NULL
         ORDER BY s.held_at DESC, k.created_at DESC, k.id LIMIT ?2"
    );
    let by_member = match member_id {
        Some(_) => "k.member_id = ?1",
        None => "?1 IS NULL",
    };
    let outside = format!(
        "SELECT {COLUMNS} FROM kudos k INDEXED BY kudos_outside_sessions
         LEFT JOIN sessions s ON s.id = k.session_id
         JOIN members m ON m.id = k.member_id
         WHERE {by_member} AND k.session_id IS NULL AND k.deleted_at IS NULL
         ORDER BY k.created_at DESC, k.id LIMIT ?2"
    );
    let sql_limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut kudos = Vec::new();
    for sql in [in_sessions, outside] {
        let mut stmt = tx.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params![member_id, sql_limit], from_row)?;
        kudos.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
    }
    kudos.sort_by(|a, b| (b.date(), b.created_at, &a.id).cmp(&(a.date(), a.created_at, &b.id)));
    kudos.truncate(limit);
    kudos.into_iter().map(|k| finish(tx, k)).collect()
}

/// Every kudos given outside any session, of one member or of all, by
/// member name, then oldest first.
pub fn outside(tx: &Tx<'_>, member_id: Option<&str>) -> Result<Vec<Kudos>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM kudos k INDEXED BY kudos_outside_sessions
         LEFT JOIN sessions s ON s.id = k.session_id
         JOIN members m ON m.id = k.member_id
         WHERE (?1 IS NULL OR k.member_id = ?1)
           AND k.session_id IS NULL AND k.deleted_at IS NULL
         ORDER BY m.name, m.id, k.created_at, k.id"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows = stmt.query_map([member_id], from_row)?;
    let kudos = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    kudos.into_iter().map(|k| finish(tx, k)).collect()
}

/// The kudos given to `member` outside any session since `since`, the
/// newest first, at most `limit`: their sort keys (when given, id).
pub fn outside_keys(
    tx: &Tx<'_>,
    member_id: &str,
    since: Option<&str>,
    limit: i64,
) -> Result<Vec<(DateTime<Utc>, String)>> {
    let mut stmt = tx.prepare_cached(
        "SELECT created_at, id FROM kudos INDEXED BY kudos_outside_sessions
         WHERE member_id = ?1 AND session_id IS NULL AND deleted_at IS NULL
           AND (?2 IS NULL OR created_at >= ?2)
         ORDER BY created_at DESC, id DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(rusqlite::params![member_id, since, limit], |r| {
        Ok((time_at(r, 0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Deletes a kudos, leaving a tombstone.
pub fn remove(tx: &Tx<'_>, kudos: &Kudos) -> Result<()> {
    tx.prepare_cached("UPDATE kudos SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1")?
        .execute(rusqlite::params![kudos.id, tx.now_text()])?;
    Ok(())
}

/// Describes a session for messages: `abcd "Weekly check-in" with Alex Kim on 2026-12-01`.
pub fn describe_session(session: &Session) -> String {
    format!(
        "{} \"{}\" with {} on {}",
        session.short_id,
        session.title,
        session.member.name,
        when::display_local_date(session.date)
    )
}

/// A kudos's text as stored: trimmed, line endings normalised, not empty.
pub(crate) fn check_body(body: &str) -> Result<String> {
    let body = body.replace("\r\n", "\n");
    let body = body.trim();
    if body.is_empty() {
        return Err(
            Error::input("the kudos is empty; nothing was added").with_hint(
                "say what you celebrate, e.g. coach kudos \"Calm, thorough incident review\"",
            ),
        );
    }
    if body.chars().count() > MAX_BODY {
        return Err(Error::input(format!(
            "the kudos is longer than {MAX_BODY} characters"
        )));
    }
    if body
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Error::input("the kudos contains a control character"));
    }
    Ok(body.to_string())
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Kudos> {
    Ok(Kudos {
        id: row.get(0)?,
        short_id: String::new(),
        session_id: row.get(1)?,
        session_date: crate::store::opt_time_at(row, 9)?,
        member: MemberRef {
            id: row.get(2)?,
            name: row.get(3)?,
            email: row.get(4)?,
        },
        body: row.get(5)?,
        kind: row.get(6)?,
        created_at: time_at(row, 7)?,
        updated_at: time_at(row, 8)?,
    })
}

fn finish(tx: &Tx<'_>, mut kudos: Kudos) -> Result<Kudos> {
    kudos.short_id = tx.short_id("kudos", &kudos.id)?;
    Ok(kudos)
}
