//! Notes: Markdown text in a session, shared with the member or private.
//!
//! Visibility is a field of every note, not a convention: a private note is
//! visible to its author only, and only the coach (the database's owner)
//! may write one. What an audience sees is decided in [`crate::view`].

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use crate::member::Member;
use crate::session::Session;
use crate::store::{new_id, time_at, Tx};
use crate::view::Audience;
use crate::{config, Error, Result};

/// Who may see a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// The coach and the team member.
    Shared,
    /// The author only.
    Private,
}

impl Visibility {
    fn as_str(self) -> &'static str {
        match self {
            Visibility::Shared => "shared",
            Visibility::Private => "private",
        }
    }
}

/// A note.
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub id: String,
    pub short_id: String,
    pub session_id: String,
    /// For a dedicated note, the item of the session it is about (a
    /// metric, feedback item, QA review or attachment); `None` for the
    /// shared notes block.
    pub item_id: Option<String>,
    /// Markdown.
    pub body: String,
    pub visibility: Visibility,
    pub author: Author,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Who wrote a record.
#[derive(Debug, Clone, Serialize)]
pub struct Author {
    pub id: String,
    pub name: String,
    /// `coach` (the database's owner) or `member`.
    pub role: Role,
}

/// The author's part in the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Coach,
    Member,
}

/// The largest note accepted, in bytes.
const MAX_BODY: usize = 1 << 20;

const SELECT: &str = "SELECT n.id, n.session_id, n.body, n.visibility, n.author, m.name,
            n.created_at, n.updated_at, n.item_id
     FROM notes n LEFT JOIN members m ON m.id = n.author";

/// Adds a note to `session`, written by the coach or, with `by`, by the
/// session's member (a topic they brought). With `item_id`, the note is
/// dedicated to that item of the session (the caller checks it is one).
pub fn add(
    tx: &Tx<'_>,
    session: &Session,
    body: &str,
    visibility: Visibility,
    by: Option<&Member>,
    item_id: Option<&str>,
) -> Result<Note> {
    let body = check_body(body)?;
    let author = match by {
        Some(member) if member.id != session.member.id => {
            return Err(Error::input(format!(
                "{} is not in this session (it is with {})",
                member.name, session.member.name
            )))
        }
        Some(member) if visibility == Visibility::Private => {
            return Err(Error::input(format!(
                "a private note can only be yours, not {}'s",
                member.name
            ))
            .with_hint("drop --private to record their topic as a shared note"))
        }
        Some(member) => member.id.clone(),
        None => tx.me().to_string(),
    };
    let id = new_id();
    tx.conn().prepare_cached(
        "INSERT INTO notes (id, session_id, body, visibility, author, created_at, updated_at, item_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)")?.execute(
        rusqlite::params![
            id,
            session.id,
            body,
            visibility.as_str(),
            author,
            tx.now_text(),
            item_id
        ],
    )?;
    get(tx, &id)
}

/// The notes of a session's shared notes block (not dedicated to an item)
/// that `audience` may see, oldest first.
///
/// For the member, private notes are excluded by the query itself: they are
/// never even read into memory on that path.
pub fn list(tx: &Tx<'_>, session_id: &str, audience: Audience) -> Result<Vec<Note>> {
    let sql = format!(
        "{SELECT} WHERE n.session_id = ?1 AND n.item_id IS NULL AND n.deleted_at IS NULL
           AND (?2 OR n.visibility = 'shared')
         ORDER BY n.created_at, n.id"
    );
    query(tx, &sql, session_id, audience)
}

/// Every note of a session that `audience` may see, oldest first: the
/// shared notes block and the notes dedicated to its items (`note list`).
pub fn list_all(tx: &Tx<'_>, session_id: &str, audience: Audience) -> Result<Vec<Note>> {
    let sql = format!(
        "{SELECT} WHERE n.session_id = ?1 AND n.deleted_at IS NULL
           AND (?2 OR n.visibility = 'shared')
         ORDER BY n.created_at, n.id"
    );
    query(tx, &sql, session_id, audience)
}

/// The notes dedicated to one item that `audience` may see, oldest first.
/// Private ones are excluded by the query for the member, as in [`list`].
pub fn for_item(tx: &Tx<'_>, item_id: &str, audience: Audience) -> Result<Vec<Note>> {
    let sql = format!(
        "{SELECT} WHERE n.item_id = ?1 AND n.deleted_at IS NULL
           AND (?2 OR n.visibility = 'shared')
         ORDER BY n.created_at, n.id"
    );
    query(tx, &sql, item_id, audience)
}

fn query(tx: &Tx<'_>, sql: &str, key: &str, audience: Audience) -> Result<Vec<Note>> {
    let mut stmt = tx.conn().prepare_cached(sql)?;
    let owner = audience == Audience::Owner;
    let rows = stmt.query_map(rusqlite::params![key, owner], from_row)?;
    let notes = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    notes.into_iter().map(|n| finish(tx, n)).collect()
}

/// The note with this full id.
pub fn get(tx: &Tx<'_>, id: &str) -> Result<Note> {
    let sql = format!("{SELECT} WHERE n.id = ?1 AND n.deleted_at IS NULL");
    let mut stmt = tx.conn().prepare_cached(&sql)?;
    let note = stmt
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::input(format!("no note has the id {id}")))?;
    finish(tx, note)
}

/// The note whose id starts with `query`.
pub fn resolve(tx: &Tx<'_>, query: &str) -> Result<Note> {
    let id = tx.resolve_id(
        "notes",
        "note",
        "notes",
        query,
        "`coach note list` shows the ids",
    )?;
    get(tx, &id)
}

/// Replaces a note's text.
pub fn edit(tx: &Tx<'_>, note: &Note, body: &str) -> Result<Note> {
    let body = check_body(body)?;
    tx.conn()
        .prepare_cached("UPDATE notes SET body = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(rusqlite::params![note.id, body, tx.now_text()])?;
    get(tx, &note.id)
}

/// The text of a deleted note. The tombstone keeps the id (so a merge
/// carries the deletion), never the words: with `PRAGMA secure_delete`
/// (store.rs), the old text is overwritten in the file, so no backup or
/// export made later can hold it.
pub const DELETED_BODY: &str = "(deleted)";

/// Deletes a note, leaving a tombstone without its text.
pub fn remove(tx: &Tx<'_>, note: &Note) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE notes SET deleted_at = ?2, updated_at = ?2, body = ?3 WHERE id = ?1",
        )?
        .execute(rusqlite::params![note.id, tx.now_text(), DELETED_BODY])?;
    Ok(())
}

/// Deletes every note of a session that is being deleted, as [`remove`].
pub fn remove_all_of_session(tx: &Tx<'_>, session_id: &str) -> Result<()> {
    tx.conn()
        .prepare_cached(
            "UPDATE notes SET deleted_at = ?2, updated_at = ?2, body = ?3
             WHERE session_id = ?1 AND deleted_at IS NULL",
        )?
        .execute(rusqlite::params![session_id, tx.now_text(), DELETED_BODY])?;
    Ok(())
}

/// A note's text as stored: line endings normalised, surrounding blank
/// space trimmed; an empty note is refused.
pub fn check_body(body: &str) -> Result<String> {
    let body = body.replace("\r\n", "\n");
    let body = body.trim();
    if body.is_empty() {
        return Err(Error::input("the note is empty; nothing was added"));
    }
    if body.len() > MAX_BODY {
        return Err(Error::input("the note is larger than 1 MiB"));
    }
    if body.contains('\0') {
        return Err(Error::input(
            "the note contains a NUL character; is it a binary file?",
        ));
    }
    Ok(body.to_string())
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Note> {
    let visibility = match row.get::<_, String>(3)?.as_str() {
        "private" => Visibility::Private,
        _ => Visibility::Shared,
    };
    let member_name: Option<String> = row.get(5)?;
    Ok(Note {
        id: row.get(0)?,
        short_id: String::new(),
        session_id: row.get(1)?,
        item_id: row.get(8)?,
        body: row.get(2)?,
        visibility,
        author: Author {
            id: row.get(4)?,
            role: if member_name.is_some() {
                Role::Member
            } else {
                Role::Coach
            },
            name: member_name.unwrap_or_default(),
        },
        created_at: time_at(row, 6)?,
        updated_at: time_at(row, 7)?,
    })
}

fn finish(tx: &Tx<'_>, mut note: Note) -> Result<Note> {
    note.short_id = tx.short_id("notes", &note.id)?;
    if note.author.role == Role::Coach {
        note.author.name = coach_name(tx)?;
    }
    Ok(note)
}

/// The coach's name as authors show it.
pub fn coach_name(tx: &Tx<'_>) -> Result<String> {
    Ok(config::get(tx, "user.name")?.unwrap_or_else(|| "Coach".into()))
}
