//! Export and import: a complete, versioned JSON dump of the user's data,
//! and a merge of such a dump by record id.
//!
//! The dump is one JSON document, written and read as a stream (a database
//! with years of history never has to fit in memory):
//!
//! ```json
//! { "format": "coach-export", "version": 1, "schema_version": 3,
//!   "exported_at": "...", "owner": "<id>", "include_private": false,
//!   "member": null,
//!   "tables": { "members": [ {..row..} ], "templates": [ .. ], ... },
//!   "files": { "<sha256>": "<base64>" } }
//! ```
//!
//! Each row is an object of the table's columns, exactly as stored. Tables
//! come parents first, so an import can insert them in order. Import merges:
//! a record that is new is inserted; one that exists keeps whichever side
//! has the newer `updated_at` (tombstones are rows like any other, so a
//! deletion made later wins); importing the same dump twice changes nothing.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io::Write;
use std::os::unix::fs::DirBuilderExt;
use std::path::Path;

use base64::Engine as _;
use rusqlite::types::ValueRef;
use serde::ser::{SerializeMap, SerializeSeq};
use serde::Serializer;
use serde_json::{Map, Number};

use crate::member::Member;
use crate::note::{self, Note, SharedNote, Visibility};
use crate::private_file::{self, Existing};
use crate::render::markdown::{self, Flavour};
use crate::session;
use crate::store::{ShortIds, Tx};
use crate::view;
use crate::{attachment, when, Error, Result};

mod check;
mod import;

pub use import::import;

/// The name of the format, so a random JSON file is not taken for a dump.
const FORMAT: &str = "coach-export";
/// The version of the dump's own shape (not of the database schema).
const VERSION: u64 = 1;

/// How a table is exported and merged.
struct Table {
    name: &'static str,
    /// The column that identifies a row across copies.
    key: &'static str,
    /// Rows of one member (`?1` is the member's id); `None`: not
    /// member-specific, exported only in a full export.
    member_scope: Option<&'static str>,
}

const IN_MEMBER_SESSIONS: &str = "session_id IN (SELECT id FROM sessions WHERE member_id = ?1)";

/// Every table with user data, parents before children. A test checks that
/// no table of the schema is missing here.
/// Settings (`config`) are not among them: they stay on the machine they
/// were set on, and a dump that holds any is refused ([`NoSettings`]).
const TABLES: &[Table] = &[
    Table {
        name: "members",
        key: "id",
        member_scope: Some("id = ?1"),
    },
    Table {
        name: "templates",
        key: "id",
        member_scope: None,
    },
    Table {
        name: "sessions",
        key: "id",
        member_scope: Some("member_id = ?1"),
    },
    Table {
        name: "notes",
        key: "id",
        member_scope: Some(IN_MEMBER_SESSIONS),
    },
    Table {
        name: "feedback",
        key: "id",
        member_scope: Some("member_id = ?1"),
    },
    Table {
        name: "qa_reviews",
        key: "id",
        member_scope: Some("member_id = ?1"),
    },
    Table {
        name: "metric_values",
        key: "id",
        member_scope: Some("member_id = ?1"),
    },
    Table {
        name: "session_metrics",
        key: "id",
        member_scope: Some(IN_MEMBER_SESSIONS),
    },
    Table {
        name: "attachments",
        key: "id",
        member_scope: Some(IN_MEMBER_SESSIONS),
    },
    Table {
        name: "kudos",
        key: "id",
        member_scope: Some(IN_MEMBER_SESSIONS),
    },
    Table {
        name: "actions",
        key: "id",
        member_scope: Some("member_id = ?1"),
    },
    Table {
        name: "shares",
        key: "id",
        member_scope: Some(IN_MEMBER_SESSIONS),
    },
    Table {
        name: "replies",
        key: "id",
        member_scope: Some(IN_MEMBER_SESSIONS),
    },
    Table {
        name: "digests",
        key: "id",
        member_scope: Some("member_id = ?1"),
    },
    Table {
        name: "digest_replies",
        key: "id",
        member_scope: Some("member_id = ?1"),
    },
];

/// What to export.
#[derive(Debug, Default)]
pub struct ExportOptions<'a> {
    /// Only this member's records (and no settings or templates).
    pub member: Option<&'a Member>,
    /// Include private notes: off by default, since an export is often
    /// handed to someone.
    pub include_private: bool,
    /// Leave out the attachments' content.
    pub without_files: bool,
}

/// What an export or import did, table by table.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Counts {
    /// Rows written to the dump, or inserted by an import.
    pub rows: BTreeMap<&'static str, u64>,
    /// Rows an import updated because the dump's copy was newer.
    pub updated: BTreeMap<&'static str, u64>,
    /// Rows an import left alone (same or newer here).
    pub unchanged: u64,
    /// Attachment files written.
    pub files: u64,
}

/// Writes the dump to `out`.
pub fn export(tx: &Tx<'_>, options: &ExportOptions<'_>, out: impl Write) -> Result<Counts> {
    // Every row of the member (or of everyone), each table through an
    // index that comes back to the same pages: one member's dump at ten
    // years took 7.2 s with the small cache, 4.3 s with SQLite's default.
    tx.widen_cache()?;
    let mut ser = serde_json::Serializer::new(out);
    let mut counts = Counts::default();
    let mut doc = ser.serialize_map(None)?;
    doc.serialize_entry("format", FORMAT)?;
    doc.serialize_entry("version", &VERSION)?;
    doc.serialize_entry("schema_version", &tx.schema_version()?)?;
    doc.serialize_entry("exported_at", &when::to_storage(tx.now()))?;
    doc.serialize_entry("owner", tx.me())?;
    doc.serialize_entry("include_private", &options.include_private)?;
    doc.serialize_entry("member", &options.member.map(|m| &m.id))?;
    doc.serialize_key("tables")?;
    doc.serialize_value(&TablesOut {
        tx,
        options,
        counts: std::cell::RefCell::new(&mut counts),
    })?;
    if !options.without_files {
        doc.serialize_key("files")?;
        let files = FilesOut {
            tx,
            options,
            files: std::cell::Cell::new(0),
            failure: std::cell::RefCell::new(None),
        };
        // A damaged attachment is the database's error (exit 4), not the
        // serializer's.
        doc.serialize_value(&files)
            .map_err(|e| files.failure.take().unwrap_or_else(|| e.into()))?;
    }
    SerializeMap::end(doc)?;
    let mut out = ser.into_inner();
    out.write_all(b"\n")
        .map_err(|e| Error::io("cannot write the export", e))?;
    out.flush()
        .map_err(|e| Error::io("cannot write the export", e))?;
    Ok(counts)
}

struct TablesOut<'a, 't, 'c> {
    tx: &'a Tx<'t>,
    options: &'a ExportOptions<'a>,
    counts: std::cell::RefCell<&'c mut Counts>,
}

impl serde::Serialize for TablesOut<'_, '_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for table in TABLES {
            let Some(sql) = select_sql(self.tx, table, self.options).map_err(ser_error)? else {
                continue;
            };
            map.serialize_key(table.name)?;
            let rows = RowsOut {
                tx: self.tx,
                sql,
                notes: table.name == "notes",
                include_private: self.options.include_private,
                member: self.options.member.map(|m| m.id.as_str()),
                count: std::cell::Cell::new(0),
            };
            map.serialize_value(&rows)?;
            self.counts
                .borrow_mut()
                .rows
                .insert(table.name, rows.count.get());
        }
        map.end()
    }
}

/// The SELECT for a table's exported rows, or `None` when the table is not
/// part of this export.
fn select_sql(tx: &Tx<'_>, table: &Table, options: &ExportOptions<'_>) -> Result<Option<String>> {
    if !tx.table_exists(table.name)? {
        return Ok(None);
    }
    let mut conditions = Vec::new();
    match (options.member, table.member_scope) {
        (Some(_), Some(scope)) => conditions.push(scope.to_string()),
        (Some(_), None) => return Ok(None),
        (None, _) => {}
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    Ok(Some(format!(
        "SELECT * FROM {}{filter} ORDER BY {}",
        table.name, table.key
    )))
}

struct RowsOut<'a, 't> {
    tx: &'a Tx<'t>,
    /// The table's SELECT; the notes table is read by the notes module
    /// instead, which leaves out private notes unless `include_private`.
    sql: String,
    notes: bool,
    include_private: bool,
    member: Option<&'a str>,
    count: std::cell::Cell<u64>,
}

impl RowsOut<'_, '_> {
    /// Calls `each` with every row of the table, in key order.
    fn for_each(&self, each: impl FnMut(&rusqlite::Row<'_>) -> Result<()>) -> Result<()> {
        if self.notes {
            return note::export_rows(self.tx, self.member, self.include_private, each);
        }
        let params: Vec<&dyn rusqlite::ToSql> = match &self.member {
            Some(id) if self.sql.contains("?1") => vec![id],
            _ => Vec::new(),
        };
        self.tx.each_row(&self.sql, params.as_slice(), each)
    }
}

impl serde::Serialize for RowsOut<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        let mut failed = None;
        let mut names: Vec<String> = Vec::new();
        let result = self.for_each(|row| {
            let statement = row.as_ref();
            if names.is_empty() {
                names = statement.column_names().map(String::from).collect();
            }
            let mut object = Map::new();
            for (i, name) in names.iter().enumerate() {
                object.insert(name.clone(), to_json(row.get_ref(i)?));
            }
            if let Err(err) = seq.serialize_element(&object) {
                failed = Some(err);
                return Err(Error::internal("cannot write the export"));
            }
            self.count.set(self.count.get() + 1);
            Ok(())
        });
        if let Some(err) = failed {
            return Err(err);
        }
        result.map_err(ser_error)?;
        seq.end()
    }
}

struct FilesOut<'a, 't> {
    tx: &'a Tx<'t>,
    options: &'a ExportOptions<'a>,
    files: std::cell::Cell<u64>,
    /// The error that stopped the files, kept with its kind.
    failure: std::cell::RefCell<Option<Error>>,
}

impl serde::Serialize for FilesOut<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        if self.tx.table_exists("attachments").map_err(ser_error)? {
            let sql = match self.options.member {
                Some(_) => format!("SELECT DISTINCT sha256 FROM attachments WHERE {IN_MEMBER_SESSIONS} ORDER BY sha256"),
                None => "SELECT DISTINCT sha256 FROM attachments ORDER BY sha256".to_string(),
            };
            let mut stmt = self.tx.prepare(&sql).map_err(ser_error)?;
            let params: Vec<&dyn rusqlite::ToSql> = match self.options.member {
                Some(m) => vec![&m.id],
                None => Vec::new(),
            };
            let mut rows = stmt.query(params.as_slice()).map_err(ser_error)?;
            while let Some(row) = rows.next().map_err(ser_error)? {
                let sha: String = row.get(0).map_err(ser_error)?;
                let bytes = attachment::read_content(self.tx.folder(), &sha).map_err(|e| {
                    let error = ser_error(&e);
                    self.failure.replace(Some(e));
                    error
                })?;
                map.serialize_entry(
                    &sha,
                    &base64::engine::general_purpose::STANDARD.encode(bytes),
                )?;
                self.files.set(self.files.get() + 1);
            }
        }
        map.end()
    }
}

fn to_json(value: ValueRef<'_>) -> serde_json::Value {
    match value {
        ValueRef::Null => serde_json::Value::Null,
        ValueRef::Integer(i) => serde_json::Value::Number(i.into()),
        ValueRef::Real(f) => {
            Number::from_f64(f).map_or(serde_json::Value::Null, serde_json::Value::Number)
        }
        ValueRef::Text(t) => serde_json::Value::String(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => {
            serde_json::Value::String(base64::engine::general_purpose::STANDARD.encode(b))
        }
    }
}

fn ser_error<E: fmt::Display, S: serde::ser::Error>(err: E) -> S {
    S::custom(err.to_string())
}

/// Checks every stored record against the rules an import applies (for
/// `coach doctor`): up to `limit` problems, each naming the record and
/// the field. One value is refused in a file but right in the database: a
/// send in progress (outcome `sending`), which the doctor's claims check
/// judges (stale or not).
pub fn check_stored(tx: &Tx<'_>, limit: usize) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for table in TABLES {
        let Some(rules) = check::columns(table.name) else {
            continue;
        };
        if !tx.table_exists(table.name)? {
            continue;
        }
        let mut stmt = tx.prepare(&format!("SELECT * FROM {} ORDER BY rowid", table.name))?;
        let names: Vec<String> = stmt.column_names().map(String::from).collect();
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let values: Vec<serde_json::Value> = (0..names.len())
                .map(|i| row.get_ref(i).map(to_json))
                .collect::<rusqlite::Result<_>>()?;
            let id = names
                .iter()
                .position(|n| n == table.key)
                .and_then(|i| values[i].as_str())
                .unwrap_or("?")
                .escape_debug()
                .to_string();
            for (name, value) in names.iter().zip(&values) {
                let Some(rule) = rules.iter().find(|c| c.name == name) else {
                    continue;
                };
                if name == "outcome" && value == "sending" {
                    continue;
                }
                if let Err(err) = check::value(rule, Some(value)) {
                    problems.push(format!(
                        "{} {id}, field {name}: {}",
                        table.name,
                        err.message()
                    ));
                    if problems.len() >= limit {
                        return Ok(problems);
                    }
                }
            }
        }
    }
    Ok(problems)
}

/// Writes one Markdown file per session into `dir` (created if missing):
/// the recap the member would read, and, only with `include_private`, my
/// private notes after it; and one per member of the kudos given outside
/// any session. Returns the number of files written. A file
/// that exists is refused before any is written, unless `existing` is
/// `Replace`; each file is written whole or not at all.
pub fn export_markdown(
    tx: &Tx<'_>,
    options: &ExportOptions<'_>,
    dir: &Path,
    existing: Existing,
) -> Result<usize> {
    tx.widen_cache()?; // every session's view, as for `export`
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::io(format!("cannot create {}", dir.display()), e))?;
    let filter = session::Filter {
        member_id: options.member.map(|m| m.id.clone()),
        ..session::Filter::default()
    };
    let sessions = session::list(tx, &filter)?;
    let file_name = |session: &session::Session| {
        dir.join(format!(
            "{}-{}-{}.md",
            when::display_local_date(session.date),
            slug(&session.member.name),
            session.short_id
        ))
    };
    for session in &sessions {
        private_file::check_target(&file_name(session), existing)?;
    }
    // Kudos outside any session: one file per member who has some.
    let outside = kudos_outside_files(tx, options, dir)?;
    for (path, _) in &outside {
        private_file::check_target(path, existing)?;
    }
    let mut written = 0;
    for (path, md) in outside {
        private_file::write(&path, md.as_bytes(), existing)?;
        written += 1;
    }
    for session in sessions {
        let path = file_name(&session);
        let private = if options.include_private {
            note::list_all::<Note>(tx, &session.id)?
                .into_iter()
                .filter(|n| n.visibility == Visibility::Private)
                .collect()
        } else {
            Vec::new()
        };
        let view = view::session_view::<SharedNote>(tx, session, ShortIds::All)?;
        let setting = markdown::Setting {
            zone: crate::zone::coach(tx)?,
            now: tx.now(),
            not_attached: &[],
            cap: 0,
        };
        let mut md = markdown::render(&view, Flavour::Recap, &setting)?.markdown;
        if !private.is_empty() {
            md.push_str("\n## Private notes (only you)\n");
            for note in private {
                md.push('\n');
                md.push_str(&note.body);
                md.push('\n');
            }
        }
        private_file::write(&path, md.as_bytes(), existing)?;
        written += 1;
    }
    Ok(written)
}

/// The Markdown files of kudos given outside any session, one per member
/// who has some (`NAME-ID-kudos-outside-sessions.md`), oldest first: what the
/// member may read (a kudos is never private).
fn kudos_outside_files(
    tx: &Tx<'_>,
    options: &ExportOptions<'_>,
    dir: &Path,
) -> Result<Vec<(std::path::PathBuf, String)>> {
    let all = crate::kudos::outside(tx, options.member.map(|m| m.id.as_str()))?;
    let mut files: Vec<(std::path::PathBuf, String)> = Vec::new();
    let mut last_member: Option<String> = None;
    for kudos in all {
        if last_member.as_deref() != Some(kudos.member.id.as_str()) {
            let path = dir.join(format!(
                "{}-{}-kudos-outside-sessions.md",
                slug(&kudos.member.name),
                tx.short_id("members", &kudos.member.id)?
            ));
            let title = format!("# Kudos for {}, outside sessions\n", kudos.member.name);
            files.push((path, title));
            last_member = Some(kudos.member.id.clone());
        }
        let kind = kudos
            .kind
            .map(|k| format!(", for {}", k.label()))
            .unwrap_or_default();
        if let Some((_, md)) = files.last_mut() {
            md.push_str(&format!(
                "\n## {}{kind}\n\n{}\n",
                when::display_local_date(kudos.created_at),
                kudos.body
            ));
        }
    }
    Ok(files)
}

/// A name as a file-name part: lowercase letters and digits, dashes between.
fn slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    /// Tables that are local state, never exported: the current session,
    /// the settings, the undo log, and what triggers derive from the
    /// records, kept by them on import: the search index with FTS5's
    /// shadow tables, and the counts of open actions.
    const LOCAL_TABLES: &[&str] = &[
        "state",
        "config",
        "open_action_counts",
        "search_docs",
        "search_text",
        "search_text_data",
        "search_text_idx",
        "search_text_content",
        "search_text_docsize",
        "search_text_config",
        "undo_commands",
        "undo_rows",
    ];

    #[test]
    fn every_table_of_the_schema_is_exported() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join("c.db"), false).expect("open");
        let tables: Vec<String> = store
            .read(|tx| {
                let mut stmt = tx.prepare(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                )?;
                let names = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
                Ok(names)
            })
            .expect("tables");
        for name in tables {
            assert!(
                TABLES.iter().any(|t| t.name == name) || LOCAL_TABLES.contains(&name.as_str()),
                "the table {name} is neither exported nor declared local"
            );
        }
    }
}
