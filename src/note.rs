//! Notes: Markdown text in a session, shared with the member or private.
//!
//! Visibility is a field of every note, not a convention: a private note is
//! visible to its author only, and only the coach (the database's owner)
//! may write one. This module is the only one that reads the `notes`
//! table (a test checks it), and privacy is a type: what the member is
//! shown holds its notes as [`SharedNote`]s, which only this module can
//! make, and only from a row whose visibility is `shared`.

use std::ops::Deref;

use chrono::{DateTime, Utc};
use rusqlite::Row;
use serde::Serialize;

use crate::audience::Audience;
use crate::config::Settings;
use crate::member::Member;
use crate::session::Session;
use crate::store::{new_id, stored_enum, time_at, Record, ShortIds, Tx};
use crate::{Error, Result};

/// Who may see a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// The coach and the team member.
    Shared,
    /// The author only.
    Private,
}

stored_enum!(Visibility, "note visibility", {
    Shared => "shared",
    Private => "private",
});

impl Visibility {
    /// The rule of private notes, which every writer applies (the commands
    /// here, `coach import` in `exchange/import.rs`): only the coach writes
    /// one; what a member brings is shared.
    pub fn allows_author(self, by_the_coach: bool) -> bool {
        self != Visibility::Private || by_the_coach
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
    /// A template's talking point as `session new --template` wrote it
    /// (a prompt, not what was said); editing the note clears it.
    pub from_template: bool,
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
/// The largest note, in bytes (1 MiB).
pub const MAX_BODY: u64 = 1 << 20;

/// A note the member may see: a [`Note`] whose visibility is shared.
///
/// Only this module makes one, and only from a row read with the member's
/// filter and checked again to be shared, so a view, an email or a stream
/// that holds `SharedNote`s cannot hold a private note. It reads (and
/// serialises) as the note it wraps.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct SharedNote(Note);

impl Deref for SharedNote {
    type Target = Note;

    fn deref(&self) -> &Note {
        &self.0
    }
}

#[cfg(test)]
impl SharedNote {
    /// A shared note made in a renderer's unit test.
    pub(crate) fn for_test(note: Note) -> SharedNote {
        assert_eq!(
            note.visibility,
            Visibility::Shared,
            "a test made a private SharedNote"
        );
        SharedNote(note)
    }
}

/// A note as one audience holds it: [`Note`] for the owner (every note),
/// [`SharedNote`] for the member (shared notes only). Sealed: no other type
/// can be one.
pub trait Visible: sealed::FromNote + Clone + std::fmt::Debug + Serialize {
    /// Who holds notes of this type.
    const AUDIENCE: Audience;

    /// The note.
    fn note(&self) -> &Note;
}

impl Visible for Note {
    const AUDIENCE: Audience = Audience::Owner;

    fn note(&self) -> &Note {
        self
    }
}

impl Visible for SharedNote {
    const AUDIENCE: Audience = Audience::Member;

    fn note(&self) -> &Note {
        &self.0
    }
}

mod sealed {
    use super::{Note, SharedNote, Visibility};
    use crate::{Error, Result};

    /// How a note read for an audience becomes what that audience holds;
    /// private to the notes module, so only it can make a [`SharedNote`].
    pub trait FromNote: Sized {
        fn from_note(note: Note) -> Result<Self>;
    }

    impl FromNote for Note {
        fn from_note(note: Note) -> Result<Self> {
            Ok(note)
        }
    }

    impl FromNote for SharedNote {
        fn from_note(note: Note) -> Result<Self> {
            match note.visibility {
                Visibility::Shared => Ok(SharedNote(note)),
                Visibility::Private => Err(Error::internal(format!(
                    "the private note {} was read for the member",
                    note.short_id
                ))),
            }
        }
    }
}

const SELECT: &str = "SELECT n.id, n.session_id, n.body, n.visibility, n.author, m.name,
            n.created_at, n.updated_at, n.item_id, n.from_template
     FROM notes n LEFT JOIN members m ON m.id = n.author";

/// The one place where an audience's filter is written: `?2` is true for
/// the owner; for the member, only shared notes are read at all.
const VISIBLE_TO: &str = "(?2 OR n.visibility = 'shared')";

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
        Some(member) if !visibility.allows_author(false) => {
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
    tx.prepare_cached(
        "INSERT INTO notes (id, session_id, body, visibility, author, created_at, updated_at, item_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)")?.execute(
        rusqlite::params![
            id,
            session.id,
            body,
            visibility,
            author,
            tx.now_text(),
            item_id
        ],
    )?;
    get(tx, &id)
}

/// The notes of a session's shared notes block (not dedicated to an item)
/// that the audience of `N` may see, oldest first.
///
/// For the member, private notes are excluded by the query itself: they are
/// never even read into memory on that path.
pub fn list<N: Visible>(tx: &Tx<'_>, session_id: &str, ids: ShortIds) -> Result<Vec<N>> {
    load(
        tx,
        "n.session_id = ?1 AND n.item_id IS NULL AND n.deleted_at IS NULL",
        session_id,
        ids,
    )
}

/// Every note of a session that the audience of `N` may see, oldest
/// first: the shared notes block and the notes dedicated to its items.
pub fn list_all<N: Visible>(tx: &Tx<'_>, session_id: &str) -> Result<Vec<N>> {
    load(
        tx,
        "n.session_id = ?1 AND n.deleted_at IS NULL",
        session_id,
        ShortIds::All,
    )
}

/// The notes dedicated to one item that the audience of `N` may see,
/// oldest first. Private ones are not read for the member, as in [`list`].
pub fn for_item<N: Visible>(tx: &Tx<'_>, item_id: &str, ids: ShortIds) -> Result<Vec<N>> {
    load(tx, "n.item_id = ?1 AND n.deleted_at IS NULL", item_id, ids)
}

/// The notes matching `filter` (with `?1` bound to `key`) that the
/// audience of `N` may see, oldest first; with their short ids if `ids`
/// says so (a note is never a member's action).
fn load<N: Visible>(tx: &Tx<'_>, filter: &str, key: &str, ids: ShortIds) -> Result<Vec<N>> {
    let sql = format!("{SELECT} WHERE {filter} AND {VISIBLE_TO} ORDER BY n.created_at, n.id");
    let mut stmt = tx.prepare_cached(&sql)?;
    let owner = N::AUDIENCE == Audience::Owner;
    let rows = stmt.query_map(rusqlite::params![key, owner], from_row)?;
    let notes = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    notes
        .into_iter()
        .map(|n| N::from_note(finish_with(tx, n, ids)?))
        .collect()
}

/// The note with this full id.
pub fn get(tx: &Tx<'_>, id: &str) -> Result<Note> {
    get_for(tx, id)
}

/// The note with this full id, if the audience of `N` may see it.
pub fn get_for<N: Visible>(tx: &Tx<'_>, id: &str) -> Result<N> {
    load(tx, "n.id = ?1 AND n.deleted_at IS NULL", id, ShortIds::All)?
        .pop()
        .ok_or_else(|| Error::input(format!("no note has the id {id}")))
}

impl Record for Note {
    const TABLES: &'static [&'static str] = &["notes"];
    const NOUN: &'static str = "note";
    const PLURAL: &'static str = "notes";
    const LIST_HINT: &'static str = "`coach note list` shows the ids";

    fn read(tx: &Tx<'_>, _: &'static str, id: &str) -> Result<Note> {
        get(tx, id)
    }
}

/// Replaces a note's text. A template's talking point edited becomes the
/// coach's own note.
pub fn edit(tx: &Tx<'_>, note: &Note, body: &str) -> Result<Note> {
    let body = check_body(body)?;
    tx.prepare_cached(
        "UPDATE notes SET body = ?2, updated_at = ?3, from_template = 0 WHERE id = ?1",
    )?
    .execute(rusqlite::params![note.id, body, tx.now_text()])?;
    get(tx, &note.id)
}

/// Marks a note as a template's talking point (`session new --template`)
/// written at `at` (the order notes are shown in).
pub fn mark_from_template(tx: &Tx<'_>, note: &Note, at: DateTime<Utc>) -> Result<Note> {
    tx.prepare_cached(
        "UPDATE notes SET created_at = ?2, updated_at = ?2, from_template = 1 WHERE id = ?1",
    )?
    .execute(rusqlite::params![note.id, crate::when::to_storage(at)])?;
    get(tx, &note.id)
}

/// The notes the search index holds, as the triggers of coach's writes
/// index them (src/store/triggers.sql): each note of a session not
/// deleted, private ones too (search is the coach's own tool), whose id
/// `id_is` (SQL: `IS NOT NULL` for all). The columns of
/// [`crate::search::upkeep`]'s check of the index.
pub(crate) fn search_indexed(id_is: &str) -> String {
    format!(
        "SELECT n.id AS record_id, 'note' AS kind, s.member_id AS member_id, s.id AS session_id,
                s.held_at AS at, n.body AS body, '' AS about
         FROM notes n JOIN sessions s ON s.id = n.session_id
         WHERE n.deleted_at IS NULL AND s.deleted_at IS NULL AND n.id {id_is}"
    )
}

/// The text of a deleted note. The tombstone keeps the id (so a merge
/// carries the deletion), never the words: with `PRAGMA secure_delete`
/// (store.rs), the old text is overwritten in the file, so no backup or
/// export made later can hold it.
pub const DELETED_BODY: &str = "(deleted)";

/// Whether the note with this id is private (for the coach's search,
/// which marks such hits).
pub fn is_private(tx: &Tx<'_>, id: &str) -> Result<bool> {
    let visibility: String = tx
        .prepare_cached("SELECT visibility FROM notes WHERE id = ?1")?
        .query_row([id], |r| r.get(0))?;
    Ok(visibility == "private")
}

/// Deletes a note, leaving a tombstone without its text.
pub fn remove(tx: &Tx<'_>, note: &Note) -> Result<()> {
    tx.prepare_cached(
        "UPDATE notes SET deleted_at = ?2, updated_at = ?2, body = ?3 WHERE id = ?1",
    )?
    .execute(rusqlite::params![note.id, tx.now_text(), DELETED_BODY])?;
    Ok(())
}

/// Deletes every note of a session that is being deleted, as [`remove`].
pub fn remove_all_of_session(tx: &Tx<'_>, session_id: &str) -> Result<()> {
    tx.prepare_cached(
        "UPDATE notes SET deleted_at = ?2, updated_at = ?2, body = ?3
             WHERE session_id = ?1 AND deleted_at IS NULL",
    )?
    .execute(rusqlite::params![session_id, tx.now_text(), DELETED_BODY])?;
    Ok(())
}

/// Marks a note as a follow-up: a talking point to take up again in the
/// member's next session (`note add --follow-up`).
pub fn mark_follow_up(tx: &Tx<'_>, note: &Note) -> Result<()> {
    tx.prepare_cached("UPDATE notes SET follow_up_at = ?2, updated_at = ?2 WHERE id = ?1")?
        .execute(rusqlite::params![note.id, tx.now_text()])?;
    Ok(())
}

/// The member's follow-ups still waiting: notes marked `--follow-up` in
/// their sessions held before `before` (not deleted), not yet brought
/// into a later session; oldest first.
pub fn waiting_follow_ups(tx: &Tx<'_>, member_id: &str, before: &Session) -> Result<Vec<Note>> {
    let sql = format!(
        "{SELECT} JOIN sessions s ON s.id = n.session_id
         WHERE n.follow_up_at IS NOT NULL AND n.followed_up_in IS NULL AND n.deleted_at IS NULL
           AND s.member_id = ?1 AND s.deleted_at IS NULL AND s.id <> ?2 AND s.held_at <= ?3
         ORDER BY s.held_at, n.created_at, n.id"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        rusqlite::params![member_id, before.id, crate::when::to_storage(before.date)],
        from_row,
    )?;
    let notes = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    notes.into_iter().map(|n| finish(tx, n)).collect()
}

/// Brings the member's waiting follow-ups into `session`: each becomes a
/// note of this session (same text, author and visibility), and the
/// original is marked as followed up there. Returns the new notes.
pub fn bring_in_follow_ups(tx: &Tx<'_>, session: &Session) -> Result<Vec<Note>> {
    let mut added = Vec::new();
    for original in waiting_follow_ups(tx, &session.member.id, session)? {
        let id = new_id();
        tx.prepare_cached(
            "INSERT INTO notes (id, session_id, body, visibility, author, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
        )?
        .execute(rusqlite::params![
            id,
            session.id,
            original.body,
            original.visibility,
            original.author.id,
            tx.now_text()
        ])?;
        tx.prepare_cached("UPDATE notes SET followed_up_in = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(rusqlite::params![original.id, session.id, tx.now_text()])?;
        added.push(get(tx, &id)?);
    }
    Ok(added)
}

/// The notes dedicated to an item that leaves its session (`session
/// remove-saved`, `saved rm`) stay in the session as general notes: what
/// was said is kept, under the shared notes block.
pub fn detach_from_item(tx: &Tx<'_>, item_id: &str) -> Result<()> {
    tx.prepare_cached(
        "UPDATE notes SET item_id = NULL, updated_at = ?2
             WHERE item_id = ?1 AND deleted_at IS NULL",
    )?
    .execute(rusqlite::params![item_id, tx.now_text()])?;
    Ok(())
}

/// Where a shared note sorts in a member's stream.
#[derive(Debug, Clone)]
pub struct StreamKey {
    /// When its session was held.
    pub held_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub id: String,
    pub session_id: String,
}

/// The newest shared notes of a member's sessions (held on or after
/// `since`, a storage time), newest session first: at most `limit`. Walks
/// the member's sessions through `sessions_by_member` and stops after
/// `limit` rows; load the ones shown with [`get_for`].
pub fn stream_keys(
    tx: &Tx<'_>,
    member_id: &str,
    since: Option<&str>,
    limit: i64,
) -> Result<Vec<StreamKey>> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT s.held_at, n.created_at, n.id, s.id FROM sessions s
         JOIN notes n ON n.session_id = s.id AND n.deleted_at IS NULL
         WHERE s.member_id = ?1 AND s.deleted_at IS NULL AND (?3 IS NULL OR s.held_at >= ?3)
           AND {VISIBLE_TO}
         ORDER BY s.held_at DESC, n.created_at DESC, n.id DESC LIMIT ?4"
    ))?;
    let rows = stmt.query_map(rusqlite::params![member_id, false, since, limit], |r| {
        Ok(StreamKey {
            held_at: time_at(r, 0)?,
            created_at: time_at(r, 1)?,
            id: r.get(2)?,
            session_id: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Records that `note_id` was written in the member's reply `reply_id`
/// (`coach inbox`).
pub fn set_reply(tx: &Tx<'_>, note_id: &str, reply_id: &str) -> Result<()> {
    tx.prepare_cached("UPDATE notes SET reply_id = ?2 WHERE id = ?1")?
        .execute([note_id, reply_id])?;
    Ok(())
}

/// The ids of the notes of `session_id` written in the reply `reply_id`,
/// oldest first. (Only notes a member wrote, which are shared, carry one.)
pub fn ids_from_reply(tx: &Tx<'_>, session_id: &str, reply_id: &str) -> Result<Vec<String>> {
    let mut stmt = tx.prepare_cached(
        "SELECT id FROM notes
         WHERE session_id = ?1 AND reply_id = ?2 AND deleted_at IS NULL
         ORDER BY created_at, id",
    )?;
    let ids = stmt
        .query_map([session_id, reply_id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ids)
}

/// The rows of the notes table as stored, for an export, in id order: of
/// one member's sessions or all, and private ones only with
/// `include_private`. Each row's visibility is checked before `each` sees
/// it.
pub fn export_rows(
    tx: &Tx<'_>,
    member_id: Option<&str>,
    include_private: bool,
    mut each: impl FnMut(&Row<'_>) -> Result<()>,
) -> Result<()> {
    let scope = match member_id {
        Some(_) => "n.session_id IN (SELECT id FROM sessions WHERE member_id = ?1)",
        None => "?1 IS NULL",
    };
    let mut stmt = tx.prepare(&format!(
        "SELECT * FROM notes n WHERE {scope} AND {VISIBLE_TO} ORDER BY n.id"
    ))?;
    let mut rows = stmt.query(rusqlite::params![member_id, include_private])?;
    while let Some(row) = rows.next()? {
        let visibility: Visibility = row.get("visibility")?;
        if visibility == Visibility::Private && !include_private {
            return Err(Error::internal("a private note was read for an export"));
        }
        each(row)?;
    }
    Ok(())
}

/// How many of a session's shared notes were added, edited or removed
/// after `since` (storage form): what an email sent then no longer shows.
/// Private notes never count: they are in no email. Nor does a note the
/// member wrote in a reply after it (a topic or a note from `coach inbox`):
/// they know what they wrote, and the email was right when it went.
pub fn shared_changed_since(tx: &Tx<'_>, session_id: &str, since: &str) -> Result<u64> {
    let n: i64 = tx
        .prepare_cached(
            "SELECT count(*) FROM notes
             WHERE session_id = ?1 AND visibility = 'shared' AND updated_at > ?2
               AND (deleted_at IS NULL OR created_at <= ?2)
               AND NOT (reply_id IS NOT NULL AND created_at > ?2)",
        )?
        .query_row(rusqlite::params![session_id, since], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A note's text as stored: line endings normalised, surrounding blank
/// space trimmed; an empty note is refused.
pub fn check_body(body: &str) -> Result<String> {
    let body = body.replace("\r\n", "\n");
    let body = body.trim();
    if body.is_empty() {
        return Err(Error::input("the note is empty; nothing was added"));
    }
    if body.len() as u64 > MAX_BODY {
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
    let member_name: Option<String> = row.get(5)?;
    Ok(Note {
        id: row.get(0)?,
        short_id: String::new(),
        session_id: row.get(1)?,
        item_id: row.get(8)?,
        body: row.get(2)?,
        visibility: row.get(3)?,
        author: Author {
            id: row.get(4)?,
            role: if member_name.is_some() {
                Role::Member
            } else {
                Role::Coach
            },
            name: member_name.unwrap_or_default(),
        },
        from_template: row.get::<_, Option<bool>>(9)?.unwrap_or(false),
        created_at: time_at(row, 6)?,
        updated_at: time_at(row, 7)?,
    })
}

fn finish(tx: &Tx<'_>, note: Note) -> Result<Note> {
    finish_with(tx, note, ShortIds::All)
}

fn finish_with(tx: &Tx<'_>, mut note: Note, ids: ShortIds) -> Result<Note> {
    if ids == ShortIds::All {
        note.short_id = tx.short_id("notes", &note.id)?;
    }
    if note.author.role == Role::Coach {
        note.author.name = coach_name(tx)?;
    }
    Ok(note)
}

/// The coach's name as authors show it.
pub fn coach_name(tx: &Tx<'_>) -> Result<String> {
    Ok(Settings::of(tx)?
        .user_name()?
        .unwrap_or_else(|| "Coach".into()))
}

#[cfg(test)]
mod tests {
    use super::sealed::FromNote;
    use super::*;

    fn a_note(visibility: Visibility) -> Note {
        let at = chrono::DateTime::UNIX_EPOCH;
        Note {
            id: "n".repeat(32),
            short_id: "nnnn".into(),
            session_id: "s".repeat(32),
            item_id: None,
            body: "text".into(),
            visibility,
            author: Author {
                id: "a".repeat(32),
                name: "Sam".into(),
                role: Role::Coach,
            },
            from_template: false,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn only_a_shared_note_becomes_a_shared_note() {
        let shared = SharedNote::from_note(a_note(Visibility::Shared)).expect("shared");
        assert_eq!(shared.body, "text");
        let err = SharedNote::from_note(a_note(Visibility::Private)).expect_err("private");
        assert_eq!(err.kind(), crate::ErrorKind::Internal);
    }

    /// The notes table is read and written here only, so every path to a
    /// note goes through the audience's filter above.
    #[test]
    fn no_other_module_reads_the_notes_table() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        assert!(names_the_notes_table("SELECT 1 FROM\n     notes n"));
        assert!(names_the_notes_table("\"select body from notes\""));
        assert!(names_the_notes_table("DELETE FROM \\\"notes\\\" WHERE"));
        assert!(names_the_notes_table("JOIN main.notes n"));
        assert!(names_the_notes_table("update `notes` set"));
        assert!(!names_the_notes_table("JOIN notes_fts f"));
        assert!(!names_the_notes_table("/// The agenda split into notes"));
        assert!(!names_the_notes_table("// read from notes"));
        assert!(!names_the_notes_table("FROM note_items"));
        let mut offenders = Vec::new();
        let mut folders = vec![src.clone()];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).expect("src") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    folders.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") && path != src.join("note.rs")
                {
                    let text = std::fs::read_to_string(&path).expect("read");
                    if names_the_notes_table(&text) {
                        offenders.push(path.display().to_string());
                    }
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "only src/note.rs may read the notes table; also in: {offenders:?}"
        );
    }

    /// Whether SQL in `text` reads or writes the notes table: FROM, JOIN,
    /// INTO or UPDATE in any case, then `notes`, quoted or not, with its
    /// schema or not. Comments are prose ("split into notes"), not SQL.
    fn names_the_notes_table(text: &str) -> bool {
        let code: String = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let words: Vec<String> = code
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect();
        words.windows(2).any(|pair| {
            matches!(pair[0].as_str(), "from" | "join" | "into" | "update")
                && matches!(pair[1].as_str(), "notes" | "main.notes" | "temp.notes")
        })
    }
}
