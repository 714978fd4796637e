//! 1:1 sessions: one conversation between the coach and a team member.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use crate::config::Settings;
use crate::member::{self, check_line, Member};
use crate::store::{new_id, stored_enum, time_at, Record, Tx};
use crate::{when, Error, Result};

/// A session, as lists and shows present it.
#[derive(Debug, Clone, Serialize)]
pub struct Session {
    pub id: String,
    pub short_id: String,
    pub title: String,
    /// When the 1:1 is (or was) held.
    pub date: DateTime<Utc>,
    pub status: Status,
    pub member: MemberRef,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The member a session is with.
#[derive(Debug, Clone, Serialize)]
pub struct MemberRef {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
}

/// How far a session has been shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Draft,
    AgendaShared,
    RecapSent,
}

stored_enum!(Status, "session status", {
    Draft => "draft",
    AgendaShared => "agenda-shared",
    RecapSent => "recap-sent",
});

/// Which sessions `session list` shows.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub member_id: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub limit: Option<usize>,
}

const SESSION_COLUMNS: &str = "s.id, s.title, s.held_at, s.status, s.created_at, s.updated_at,
            m.id, m.name, m.email";

const SELECT: &str = "SELECT s.id, s.title, s.held_at, s.status, s.created_at, s.updated_at,
            m.id, m.name, m.email
     FROM sessions s JOIN members m ON m.id = s.member_id";

/// The state key of the current session.
const CURRENT: &str = "session.current";

/// Creates a session with `member`. It does not become the current
/// session: the caller decides ([`set_current`]), so a script can start a
/// session without moving the coach's (`session new --no-use`).
pub fn create(
    tx: &Tx<'_>,
    member: &Member,
    title: Option<&str>,
    date: Option<DateTime<Utc>>,
) -> Result<Session> {
    if member.archived {
        return Err(
            Error::input(format!("{} is archived", member.name)).with_hint(format!(
                "bring them back with: coach member archive --undo \"{}\"",
                member.name
            )),
        );
    }
    let title = match title {
        Some(title) => check_title(title)?,
        None => Settings::of(tx)?.default_title()?,
    };
    let id = new_id();
    let now = tx.now_text();
    let held_at = when::to_storage(date.unwrap_or_else(|| tx.now()));
    tx.prepare_cached(
        "INSERT INTO sessions (id, member_id, title, held_at, author, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?
    .execute(rusqlite::params![
        id,
        member.id,
        title,
        held_at,
        tx.me(),
        now
    ])?;
    get(tx, &id)
}

/// The member's sessions on the coach's calendar day of `date`, earliest
/// first: what `session new --once` reuses, and what a second session on
/// the same day is warned about.
pub fn on_day(tx: &Tx<'_>, member: &Member, date: DateTime<Utc>) -> Result<Vec<Session>> {
    let (start, end) = when::day_in(date, &crate::zone::coach(tx)?);
    let mut stmt = tx.prepare_cached(
        "SELECT id FROM sessions INDEXED BY sessions_by_member
         WHERE member_id = ?1 AND held_at >= ?2 AND held_at < ?3 AND deleted_at IS NULL
         ORDER BY held_at, id",
    )?;
    let ids = stmt
        .query_map(
            rusqlite::params![member.id, when::to_storage(start), when::to_storage(end)],
            |r| r.get::<_, String>(0),
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    ids.iter().map(|id| get(tx, id)).collect()
}

/// The session with this full id.
pub fn get(tx: &Tx<'_>, id: &str) -> Result<Session> {
    let sql = format!("{SELECT} WHERE s.id = ?1 AND s.deleted_at IS NULL");
    let mut stmt = tx.prepare_cached(&sql)?;
    let session = stmt
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::input(format!("no session has the id {id}")))?;
    with_short_id(tx, session)
}

impl Record for Session {
    const TABLES: &'static [&'static str] = &["sessions"];
    const NOUN: &'static str = "session";
    const PLURAL: &'static str = "sessions";
    const LIST_HINT: &'static str = "`coach session list` shows the ids";

    fn read(tx: &Tx<'_>, _: &'static str, id: &str) -> Result<Session> {
        get(tx, id)
    }

    /// The short id, title and date: `1a2b (Weekly check-in, 2026-03-02)`.
    fn candidate(tx: &Tx<'_>, _: &'static str, id: &str) -> Result<String> {
        let s = get(tx, id)?;
        Ok(format!(
            "{} ({}, {})",
            s.short_id,
            s.title,
            when::display_local_date(s.date)
        ))
    }
}

/// The current session, if there is one.
pub fn current(tx: &Tx<'_>) -> Result<Option<Session>> {
    match tx.state(CURRENT)? {
        Some(id) => match get(tx, &id) {
            Ok(session) => Ok(Some(session)),
            // Deleted since: no current session. A record that cannot be
            // read is an error like anywhere else.
            Err(e) if e.kind() == crate::ErrorKind::Input => Ok(None),
            Err(e) => Err(e),
        },
        None => Ok(None),
    }
}

/// The session named by `explicit`, else the current session, else an
/// error that says how to get one.
pub fn explicit_or_current(tx: &Tx<'_>, explicit: Option<&str>) -> Result<Session> {
    match explicit {
        Some(query) => tx.resolve(query),
        None => current(tx)?.ok_or_else(|| {
            Error::input("there is no current session")
                .with_hint("start one with `coach session new MEMBER`, pick one with `coach session use SESSION`, or pass --session")
        }),
    }
}

/// Makes `session` the current session, remembering since when (for
/// `coach status`); making the current session current again keeps that.
pub fn set_current(tx: &Tx<'_>, session: &Session) -> Result<()> {
    if tx.state(CURRENT)?.as_deref() == Some(session.id.as_str()) {
        return Ok(());
    }
    tx.set_state(CURRENT, Some(&session.id))?;
    tx.set_state(crate::status::CURRENT_SINCE, Some(&tx.now_text()))
}

/// Sessions, newest first.
pub fn list(tx: &Tx<'_>, filter: &Filter) -> Result<Vec<Session>> {
    // Every stored time is after "" (text order is time order).
    let since = filter.since.map(when::to_storage).unwrap_or_default();
    let limit = filter
        .limit
        .map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
    // One statement per filter, on the index that answers it (a member's
    // sessions by date, or all sessions by date), walked newest first from
    // `since` on, so LIMIT stops the walk: a condition like
    // `?1 IS NULL OR s.member_id = ?1` would make SQLite read every session.
    let (sessions, by_member) = match filter.member_id {
        Some(_) => (
            "sessions s INDEXED BY sessions_by_member",
            "s.member_id = ?1",
        ),
        None => ("sessions s INDEXED BY sessions_by_date", "?1 IS NULL"),
    };
    let sql = format!(
        "SELECT {SESSION_COLUMNS} FROM {sessions} JOIN members m ON m.id = s.member_id
         WHERE {by_member} AND s.held_at >= ?2 AND s.deleted_at IS NULL
         ORDER BY s.held_at DESC, s.id LIMIT ?3"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params![filter.member_id, since, limit], from_row)?;
    let mut sessions = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    let ids: Vec<&str> = sessions.iter().map(|s| s.id.as_str()).collect();
    let short = tx.short_ids("sessions", &ids)?;
    for (session, short) in sessions.iter_mut().zip(short) {
        session.short_id = short;
    }
    Ok(sessions)
}

/// The member's most recent session, if any.
pub fn latest_of(tx: &Tx<'_>, member: &Member) -> Result<Option<Session>> {
    let filter = Filter {
        member_id: Some(member.id.clone()),
        limit: Some(1),
        ..Filter::default()
    };
    Ok(list(tx, &filter)?.into_iter().next())
}

/// Changes a session's title or date.
pub fn edit(
    tx: &Tx<'_>,
    session: &Session,
    title: Option<&str>,
    date: Option<DateTime<Utc>>,
) -> Result<Session> {
    let title = title
        .map(check_title)
        .transpose()?
        .unwrap_or_else(|| session.title.clone());
    let held_at = when::to_storage(date.unwrap_or(session.date));
    // A new date is remembered: an agenda or recap sent before it names
    // the old one (`coach share` then says so).
    let date_changed = held_at != when::to_storage(session.date);
    tx.prepare_cached(
        "UPDATE sessions SET title = ?2, held_at = ?3, updated_at = ?4,
                 date_changed_at = CASE WHEN ?5 THEN ?4 ELSE date_changed_at END
             WHERE id = ?1",
    )?
    .execute(rusqlite::params![
        session.id,
        title,
        held_at,
        tx.now_text(),
        date_changed
    ])?;
    get(tx, &session.id)
}

/// Deletes a session, leaving a tombstone; it stops being current, and
/// its saved items wait for the member's next session again. Its
/// notes are deleted with it (their text removed).
pub fn delete(tx: &Tx<'_>, session: &Session) -> Result<()> {
    let now = tx.now_text();
    tx.prepare_cached("UPDATE sessions SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1")?
        .execute(rusqlite::params![session.id, now])?;
    crate::note::remove_all_of_session(tx, &session.id)?;
    crate::saved::release_session(tx, &session.id)?;
    if tx.state(CURRENT)?.as_deref() == Some(session.id.as_str()) {
        tx.set_state(CURRENT, None)?;
        tx.set_state(crate::status::CURRENT_SINCE, None)?;
    }
    Ok(())
}

/// The member a session is with, in full.
pub fn member_of(tx: &Tx<'_>, session: &Session) -> Result<Member> {
    member::get(tx, &session.member.id)
}

/// A session title: one line, not empty, at most 200 characters.
pub fn check_title(title: &str) -> Result<String> {
    let title = check_line("title", title)?;
    if title.is_empty() {
        return Err(Error::input("a session title cannot be empty")
            .with_hint("name the kind of conversation, e.g. \"Weekly check-in\""));
    }
    if title.chars().count() > crate::text::MAX_TITLE {
        return Err(Error::input(format!(
            "a session title is at most {} characters",
            crate::text::MAX_TITLE
        )));
    }
    Ok(title)
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Session> {
    Ok(Session {
        id: row.get(0)?,
        short_id: String::new(),
        title: row.get(1)?,
        date: time_at(row, 2)?,
        status: row.get(3)?,
        created_at: time_at(row, 4)?,
        updated_at: time_at(row, 5)?,
        member: MemberRef {
            id: row.get(6)?,
            name: row.get(7)?,
            email: row.get(8)?,
        },
    })
}

fn with_short_id(tx: &Tx<'_>, mut session: Session) -> Result<Session> {
    session.short_id = tx.short_id("sessions", &session.id)?;
    Ok(session)
}
