//! A member's stream: what the team member sees of their own history
//! (kudos, shared notes and action items), newest first, across sessions.
//!
//! It is the member's view, so its notes are [`SharedNote`]s: private notes
//! are excluded by the query itself and never read.

use std::collections::hash_map::{self, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::action::{self, Action};
use crate::kudos::{self, Kudos};
use crate::member::Member;
use crate::note::{self, SharedNote};
use crate::session;
use crate::store::{time_at, Tx};
use crate::Result;

/// How many entries `member stream` shows unless told otherwise.
pub const DEFAULT_LIMIT: usize = 50;

/// One entry of the stream.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    #[serde(flatten)]
    pub item: Item,
    /// The session the entry belongs to; `None` for a kudos given outside
    /// any session.
    pub session: Option<SessionRef>,
}

/// What an entry is; `kind` in JSON.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Item {
    Kudos(Kudos),
    Note(SharedNote),
    Action(Action),
}

/// The session an entry belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct SessionRef {
    pub id: String,
    pub short_id: String,
    pub title: String,
    pub date: DateTime<Utc>,
}

/// Where an entry sorts, and how to load it.
struct Key {
    /// The session's date; for a kudos outside sessions, when it was given.
    held_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    id: String,
    kind: Kind,
    session_id: Option<String>,
}

#[derive(Clone, Copy)]
enum Kind {
    Kudos,
    Note,
    Action,
}

/// The member's stream as they see it (no private notes), newest session
/// first and, within a session, newest first: at most `limit` entries, from
/// sessions held on or after `since`.
///
/// Each kind is one query that walks the member's sessions newest first
/// through `sessions_by_member` and stops after `limit` rows (kudos outside
/// sessions, one more, through `kudos_outside_sessions`, dated when given);
/// the lists are merged and only the entries shown are loaded.
pub fn of_member(
    tx: &Tx<'_>,
    member: &Member,
    since: Option<DateTime<Utc>>,
    limit: usize,
) -> Result<Vec<Entry>> {
    let since = since.map(crate::when::to_storage);
    let limit_sql = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut keys = Vec::new();
    keys.extend(keys_of(
        tx,
        Kind::Kudos,
        "SELECT s.held_at, k.created_at, k.id, s.id FROM sessions s
         JOIN kudos k ON k.session_id = s.id AND k.deleted_at IS NULL
         WHERE s.member_id = ?1 AND s.deleted_at IS NULL AND (?2 IS NULL OR s.held_at >= ?2)
         ORDER BY s.held_at DESC, k.created_at DESC, k.id DESC LIMIT ?3",
        rusqlite::params![member.id, since, limit_sql],
    )?);
    let outside = kudos::outside_keys(tx, &member.id, since.as_deref(), limit_sql)?;
    keys.extend(outside.into_iter().map(|(at, id)| Key {
        held_at: at,
        created_at: at,
        id,
        kind: Kind::Kudos,
        session_id: None,
    }));
    let notes = note::stream_keys(tx, &member.id, since.as_deref(), limit_sql)?;
    keys.extend(notes.into_iter().map(|n| Key {
        held_at: n.held_at,
        created_at: n.created_at,
        id: n.id,
        kind: Kind::Note,
        session_id: Some(n.session_id),
    }));
    keys.extend(keys_of(
        tx,
        Kind::Action,
        "SELECT s.held_at, a.created_at, a.id, s.id FROM sessions s
         JOIN actions a ON a.session_id = s.id AND a.deleted_at IS NULL
         WHERE s.member_id = ?1 AND s.deleted_at IS NULL AND (?2 IS NULL OR s.held_at >= ?2)
         ORDER BY s.held_at DESC, a.created_at DESC, a.id DESC LIMIT ?3",
        rusqlite::params![member.id, since, limit_sql],
    )?);
    keys.sort_by(|a, b| (b.held_at, b.created_at, &b.id).cmp(&(a.held_at, a.created_at, &a.id)));
    keys.truncate(limit);
    // Entries of one session come together: each session is read once.
    let mut sessions: HashMap<String, SessionRef> = HashMap::new();
    keys.into_iter()
        .map(|key| load(tx, key, &mut sessions))
        .collect()
}

/// The sort keys of one kind of entry.
fn keys_of(
    tx: &Tx<'_>,
    kind: Kind,
    sql: &str,
    params: &[&dyn rusqlite::ToSql],
) -> Result<Vec<Key>> {
    let mut stmt = tx.prepare_cached(sql)?;
    let rows = stmt.query_map(params, |r| {
        Ok(Key {
            held_at: time_at(r, 0)?,
            created_at: time_at(r, 1)?,
            id: r.get(2)?,
            kind,
            session_id: Some(r.get(3)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Reads an entry; `sessions` holds the sessions read so far.
fn load(tx: &Tx<'_>, key: Key, sessions: &mut HashMap<String, SessionRef>) -> Result<Entry> {
    let session = match key.session_id {
        Some(id) => Some(match sessions.entry(id) {
            hash_map::Entry::Occupied(known) => known.get().clone(),
            hash_map::Entry::Vacant(new) => {
                let session = session::get(tx, new.key())?;
                new.insert(SessionRef {
                    id: session.id,
                    short_id: session.short_id,
                    title: session.title,
                    date: session.date,
                })
                .clone()
            }
        }),
        None => None,
    };
    let item = match key.kind {
        Kind::Kudos => Item::Kudos(kudos::get(tx, &key.id)?),
        Kind::Note => Item::Note(note::get_for(tx, &key.id)?),
        Kind::Action => Item::Action(action::get(tx, &key.id)?),
    };
    Ok(Entry { session, item })
}
