//! Upgrades are tested: for every earlier schema version, a database is
//! built at that version from the migrations themselves, populated with a
//! row in every table, and opened by today's `Store`, which migrates it.
//! Every row must still be there with every value it had, and every
//! session must read as a view.
//!
//! Nothing here names a table or a version: the rows are made from the
//! schema (`pragma_table_info`, foreign keys, `CHECK (col IN (...))`), so a
//! migration added later is covered without touching this file. If a new
//! column has a constraint the filler cannot satisfy, the test fails at
//! populating, naming the table: teach [`value_for`] the column.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::types::Value;
use rusqlite::Connection;

use super::{apply_migration, Store, MIGRATIONS};
use crate::note::Note;
use crate::{session, view};

/// A time in the stored form.
const TIME: &str = "2026-12-01T09:00:00.000Z";

/// One populated row: its table, key column and key, and the values.
struct Written {
    table: String,
    key_column: String,
    key: Value,
    values: BTreeMap<String, Value>,
}

#[test]
fn every_earlier_schema_version_upgrades_with_every_record() {
    assert!(MIGRATIONS.len() > 1);
    for version in 1..MIGRATIONS.len() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("coach.db");
        let written = build_at(&path, version);
        assert!(
            written.iter().any(|w| w.table == "notes"),
            "version {version}: the notes table was populated"
        );
        let mut store = Store::open(&path, false)
            .unwrap_or_else(|e| panic!("version {version} does not upgrade: {e}"));
        let conn = store.connection();
        assert_eq!(
            conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
                .expect("version"),
            MIGRATIONS.len() as i64
        );
        for row in &written {
            check_survived(conn, row, version);
        }
        let sessions: Vec<String> = written
            .iter()
            .filter(|w| w.table == "sessions")
            .map(|w| match &w.key {
                Value::Text(id) => id.clone(),
                other => panic!("a session id {other:?}"),
            })
            .collect();
        store
            .read(|tx| {
                for id in &sessions {
                    let s = session::get(tx, id)?;
                    let v = view::session_view::<Note>(tx, s, crate::store::ShortIds::All)?;
                    assert!(!v.notes.is_empty(), "version {version}: the note reads");
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("version {version}: a session does not read: {e}"));
        // The same tables, columns, indexes and triggers as a new file:
        // `coach doctor` finds none missing.
        let present = store.read(|tx| tx.schema_objects()).expect("schema");
        let missing: Vec<_> = super::expected_schema()
            .expect("expected schema")
            .into_iter()
            .filter(|o| !present.contains(o))
            .collect();
        assert!(missing.is_empty(), "version {version}: {missing:?}");
    }
}

/// A database at schema `version`, from the first `version` migrations,
/// with one row in every table.
fn build_at(path: &Path, version: usize) -> Vec<Written> {
    let conn = Connection::open(path).expect("open");
    conn.pragma_update(None, "foreign_keys", true).expect("fks");
    for (index, sql) in MIGRATIONS.iter().take(version).enumerate() {
        apply_migration(&conn, index, sql).expect("migration");
    }
    let mut tables = names(
        &conn,
        // Plain tables only: not virtual tables (full-text indexes) nor
        // their shadow tables, which their module fills.
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table'
           AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    let mut written: Vec<Written> = Vec::new();
    // Parents first: a table is filled once every table it references is.
    while !tables.is_empty() {
        let ready = tables
            .iter()
            .position(|t| {
                parents(&conn, t)
                    .values()
                    .all(|p| p == t || written.iter().any(|w| &w.table == p))
            })
            .unwrap_or_else(|| panic!("a foreign-key cycle among {tables:?}"));
        let table = tables.remove(ready);
        written.push(populate(&conn, &table, &written, version));
    }
    written
}

fn names(conn: &Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(sql).expect("prepare");
    let rows = stmt.query_map([], |r| r.get(0)).expect("query");
    rows.collect::<rusqlite::Result<_>>().expect("names")
}

/// The tables `table` references, by column.
fn parents(conn: &Connection, table: &str) -> BTreeMap<String, String> {
    let mut stmt = conn
        .prepare("SELECT \"from\", \"table\" FROM pragma_foreign_key_list(?1)")
        .expect("prepare");
    let rows = stmt
        .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query");
    rows.collect::<rusqlite::Result<_>>().expect("fks")
}

/// Inserts one row into `table`, every column filled (but `deleted_at`:
/// the row is live), and returns what was written.
fn populate(conn: &Connection, table: &str, written: &[Written], version: usize) -> Written {
    let create: String = conn
        .query_row(
            "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get(0),
        )
        .expect("schema");
    let parents = parents(conn, table);
    let mut stmt = conn
        .prepare("SELECT name, type, pk FROM pragma_table_info(?1) ORDER BY cid")
        .expect("prepare");
    let columns: Vec<(String, String, bool)> = stmt
        .query_map([table], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? > 0))
        })
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("columns");
    let mut values = BTreeMap::new();
    let mut key_column = String::from("rowid");
    for (name, kind, pk) in &columns {
        if *pk {
            key_column = name.clone();
        }
        let value = match parents.get(name) {
            Some(parent) => key_of(written, parent),
            None => value_for(table, name, kind, &create),
        };
        values.insert(name.clone(), value);
    }
    let names: Vec<&str> = values.keys().map(String::as_str).collect();
    let marks = vec!["?"; names.len()].join(", ");
    conn.execute(
        &format!(
            "INSERT OR REPLACE INTO {table} ({}) VALUES ({marks})",
            names.join(", ")
        ),
        rusqlite::params_from_iter(values.values()),
    )
    .unwrap_or_else(|e| panic!("version {version}: cannot populate {table}: {e}"));
    // A number kept only in step with the other columns (the search
    // index's map, renumbered in date order by 0016) may change: such a
    // row is found by its unique column instead.
    if let Some(unique) = unique_column(conn, table).filter(|_| key_column == "rowid") {
        values.remove(&key_column);
        key_column = unique;
    }
    let key = values
        .get(&key_column)
        .cloned()
        .unwrap_or_else(|| panic!("{table} has no primary key"));
    Written {
        table: table.to_string(),
        key_column,
        key,
        values,
    }
}

/// The one column of `table` declared UNIQUE, if there is one.
fn unique_column(conn: &Connection, table: &str) -> Option<String> {
    names(
        conn,
        &format!(
            "SELECT c.name FROM pragma_index_list('{table}') i, pragma_index_info(i.name) c
             WHERE i.origin = 'u'"
        ),
    )
    .into_iter()
    .next()
}

fn key_of(written: &[Written], table: &str) -> Value {
    written
        .iter()
        .find(|w| w.table == table)
        .map(|w| w.key.clone())
        .unwrap_or_else(|| panic!("{table} is not populated yet"))
}

/// A valid value for a column, from its name, its declared type and the
/// table's `CHECK (name IN (...))`.
fn value_for(table: &str, name: &str, kind: &str, create: &str) -> Value {
    if let Some(first) = first_allowed(create, name) {
        return first;
    }
    let kind = kind.to_ascii_uppercase();
    match name {
        // An INTEGER PRIMARY KEY (undo_commands) takes a number only.
        "id" if kind.contains("INT") => Value::Integer(7),
        "id" => Value::Text(format!("{:0>32x}", crc(table))),
        // Live rows, in the shared notes block.
        "deleted_at" | "item_id" => Value::Null,
        "author" | "member_id" | "session_id" => Value::Text(format!("{:0>32x}", crc(name))),
        "recipients" => Value::Text("[\"alex@example.com\"]".into()),
        "sha256" => Value::Text("a".repeat(64)),
        "key" => Value::Text(format!("upgrade.{table}")),
        "email" => Value::Text("alex@example.com".into()),
        _ if name.ends_with("_at") => Value::Text(TIME.into()),
        _ if kind.contains("INT") => Value::Integer(3),
        _ if kind.contains("REAL") => Value::Real(4.5),
        _ => Value::Text(format!("{table} {name}")),
    }
}

/// The first value of `CHECK (name IN ('a', 'b'))` in a CREATE TABLE.
fn first_allowed(create: &str, name: &str) -> Option<Value> {
    let start = create.find(&format!("CHECK ({name} IN ("))? + name.len() + 12;
    let first = create[start..].split([',', ')']).next()?.trim();
    Some(match first.strip_prefix('\'') {
        Some(text) => Value::Text(text.trim_end_matches('\'').to_string()),
        None => Value::Integer(first.parse().ok()?),
    })
}

/// A small stable number from a name, for distinct ids.
fn crc(name: &str) -> u64 {
    name.bytes()
        .fold(17u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
}

fn check_survived(conn: &Connection, row: &Written, version: usize) {
    let names: Vec<&str> = row.values.keys().map(String::as_str).collect();
    let sql = format!(
        "SELECT {} FROM {} WHERE {} = ?1",
        names.join(", "),
        row.table,
        row.key_column
    );
    let found: Vec<Value> = conn
        .query_row(&sql, [&row.key], |r| {
            (0..names.len()).map(|i| r.get::<_, Value>(i)).collect()
        })
        .unwrap_or_else(|e| panic!("version {version}: the {} row is gone: {e}", row.table));
    for (name, (before, after)) in names.iter().zip(row.values.values().zip(&found)) {
        assert_eq!(
            before, after,
            "version {version}: {}.{name} changed in the upgrade",
            row.table
        );
    }
}

/// A file at schema `version`, from the first `version` migrations, with
/// the rows `rows` inserts.
fn file_at(path: &Path, version: usize, rows: &str) -> Connection {
    let conn = Connection::open(path).expect("open");
    for (index, sql) in MIGRATIONS.iter().take(version).enumerate() {
        apply_migration(&conn, index, sql).expect("migration");
    }
    conn.execute_batch(rows).expect("rows");
    conn
}

/// Migration 0013: a kudos outside any session already in a version-11
/// file (imported) is indexed for search by the upgrade.
#[test]
fn kudos_outside_sessions_already_there_are_indexed_by_the_upgrade() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("coach.db");
    {
        let conn = file_at(
            &path,
            11,
            "INSERT INTO members (id, name, author, created_at, updated_at)
                 VALUES ('m1', 'Alex Kim', 'me', '2026-01-01T09:00:00.000Z', '2026-01-01T09:00:00.000Z');
             INSERT INTO kudos (id, session_id, member_id, body, author, created_at, updated_at)
                 VALUES ('k1', NULL, 'm1', 'Rescued the weekend', 'me',
                         '2026-01-02T09:00:00.000Z', '2026-01-02T09:00:00.000Z');",
        );
        let indexed: i64 = conn
            .query_row(
                "SELECT count(*) FROM search_docs WHERE record_id = 'k1'",
                [],
                |r| r.get(0),
            )
            .expect("count");
        assert_eq!(indexed, 0, "version 11 did not index it");
    }
    let store = Store::open(&path, false).expect("upgrade");
    let (member, session, at): (String, Option<String>, String) = store
        .connection()
        .query_row(
            "SELECT d.member_id, d.session_id, d.at FROM search_text t
             JOIN search_docs d ON d.rowid = t.rowid
             WHERE search_text MATCH 'rescued'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("found by search");
    assert_eq!(member, "m1");
    assert_eq!(session, None);
    assert_eq!(at, "2026-01-02T09:00:00.000Z");
}

/// Migration 0014: saved items still in a session deleted before deleting
/// a session released its items wait again; the others stay where they are.
#[test]
fn items_of_sessions_deleted_earlier_wait_again_after_the_upgrade() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("coach.db");
    let before = MIGRATIONS
        .iter()
        .position(|m| m.contains("Saved feedback and QA reviews still in a session deleted"))
        .expect("the migration");
    file_at(
        &path,
        before,
        "INSERT INTO members (id, name, author, created_at, updated_at)
                 VALUES ('m1', 'Alex Kim', 'me', '2026-01-01T09:00:00.000Z', '2026-01-01T09:00:00.000Z');
             INSERT INTO sessions (id, member_id, title, held_at, author, created_at, updated_at, deleted_at)
                 VALUES ('gone', 'm1', 'Old', '2026-01-02T09:00:00.000Z', 'me',
                         '2026-01-02T09:00:00.000Z', '2026-01-03T09:00:00.000Z', '2026-01-03T09:00:00.000Z'),
                        ('live', 'm1', 'New', '2026-01-05T09:00:00.000Z', 'me',
                         '2026-01-05T09:00:00.000Z', '2026-01-05T09:00:00.000Z', NULL);
             INSERT INTO feedback (id, member_id, session_id, comment, given_at, tone, author, created_at, updated_at)
                 VALUES ('f-stuck', 'm1', 'gone', 'Stuck', '2026-01-01T09:00:00.000Z', 'positive', 'me',
                         '2026-01-01T09:00:00.000Z', '2026-01-01T09:00:00.000Z'),
                        ('f-live', 'm1', 'live', 'Fine', '2026-01-01T09:00:00.000Z', 'positive', 'me',
                         '2026-01-01T09:00:00.000Z', '2026-01-01T09:00:00.000Z');
             INSERT INTO qa_reviews (id, member_id, session_id, score, reviewed_at, tone, author, created_at, updated_at)
                 VALUES ('q-stuck', 'm1', 'gone', 40, '2026-01-01T09:00:00.000Z', 'improve', 'me',
                         '2026-01-01T09:00:00.000Z', '2026-01-01T09:00:00.000Z');",
    );
    let store = Store::open(&path, false).expect("upgrade");
    let session_of = |table: &str, id: &str| -> (Option<String>, String) {
        store
            .connection()
            .query_row(
                &format!("SELECT session_id, updated_at FROM {table} WHERE id = ?1"),
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("row")
    };
    let (session, updated) = session_of("feedback", "f-stuck");
    assert_eq!(session, None, "back to waiting");
    assert!(updated.as_str() > "2026-01-01T09:00:00.000Z", "{updated}");
    assert_eq!(updated.len(), "2026-01-01T09:00:00.000Z".len(), "{updated}");
    assert_eq!(session_of("qa_reviews", "q-stuck").0, None);
    assert_eq!(session_of("feedback", "f-live").0.as_deref(), Some("live"));
}

/// Migration 0016: the index of a file from before search (0011 indexed
/// every note and kudos before every feedback item) is renumbered in date order, so
/// a search ranks the newest matches, and every record is still found.
#[test]
fn the_search_index_is_renumbered_in_date_order_by_the_upgrade() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("coach.db");
    file_at(
        &path,
        10,
        "INSERT INTO members (id, name, author, created_at, updated_at)
                 VALUES ('m1', 'Alex Kim', 'me', '2026-01-01T09:00:00.000Z', '2026-01-01T09:00:00.000Z');
             INSERT INTO sessions (id, member_id, title, held_at, author, created_at, updated_at)
                 VALUES ('s1', 'm1', 'Weekly', '2026-06-01T09:00:00.000Z', 'me',
                         '2026-06-01T09:00:00.000Z', '2026-06-01T09:00:00.000Z');
             INSERT INTO kudos (id, session_id, member_id, body, author, created_at, updated_at)
                 VALUES ('k-june', 's1', 'm1', 'Cleared the refund queue in June', 'me',
                         '2026-06-01T09:00:00.000Z', '2026-06-01T09:00:00.000Z');
             INSERT INTO feedback (id, member_id, comment, given_at, tone, author, created_at, updated_at)
                 VALUES ('f-may', 'm1', 'A quick refund in May', '2026-05-01T09:00:00.000Z', 'positive', 'me',
                         '2026-06-02T09:00:00.000Z', '2026-06-02T09:00:00.000Z'),
                        ('f-july', 'm1', 'A slow refund in July', '2026-07-01T09:00:00.000Z', 'positive', 'me',
                         '2026-07-01T09:00:00.000Z', '2026-07-01T09:00:00.000Z');",
    );
    let store = Store::open(&path, false).expect("upgrade");
    let newest_first = |word: &str| found_newest_first(store.connection(), word);
    assert_eq!(newest_first("refund"), ["f-july", "k-june", "f-may"]);
    assert_eq!(newest_first("queue"), ["k-june"]);
    assert_eq!(newest_first("slow"), ["f-july"]);
}

/// Migration 0017: the rows already indexed get their member and kind as
/// tags, which `--member` and `--kind` match, and the triggers tag what is
/// written after; the user's words never match a tag.
#[test]
fn indexed_rows_are_tagged_with_member_and_kind_by_the_upgrade() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("coach.db");
    file_at(
        &path,
        16,
        "INSERT INTO members (id, name, author, created_at, updated_at)
                 VALUES ('m1', 'Alex Kim', 'me', '2026-01-01T09:00:00.000Z', '2026-01-01T09:00:00.000Z'),
                        ('m2', 'Sam Lee', 'me', '2026-01-01T09:00:00.000Z', '2026-01-01T09:00:00.000Z');
             INSERT INTO sessions (id, member_id, title, held_at, author, created_at, updated_at)
                 VALUES ('s1', 'm1', 'Weekly', '2026-06-01T09:00:00.000Z', 'me',
                         '2026-06-01T09:00:00.000Z', '2026-06-01T09:00:00.000Z');
             INSERT INTO kudos (id, session_id, member_id, body, author, created_at, updated_at)
                 VALUES ('k1', 's1', 'm1', 'Cleared the refund queue', 'me',
                         '2026-06-01T09:00:00.000Z', '2026-06-01T09:00:00.000Z');
             INSERT INTO feedback (id, member_id, comment, given_at, tone, author, created_at, updated_at)
                 VALUES ('f1', 'm2', 'A quick refund', '2026-05-01T09:00:00.000Z', 'positive', 'me',
                         '2026-06-02T09:00:00.000Z', '2026-06-02T09:00:00.000Z');",
    );
    let mut store = Store::open(&path, false).expect("upgrade");
    let found = |store: &Store, fts: &str| found_newest_first(store.connection(), fts);
    assert_eq!(found(&store, "refund"), ["k1", "f1"]);
    assert_eq!(found(&store, "refund AND tags : mm1"), ["k1"]);
    assert_eq!(found(&store, "refund AND tags : kfeedback"), ["f1"]);
    assert_eq!(
        found(&store, "{body about} : (mm1 OR kkudos)"),
        Vec::<String>::new()
    );

    // Written after the upgrade: tagged by the triggers, and moved with
    // its session's member.
    // Through a write of coach's, which creates the triggers.
    write(
        &mut store,
        "INSERT INTO feedback (id, member_id, comment, given_at, tone, author, created_at, updated_at)
             VALUES ('f2', 'm1', 'Another refund', '2026-07-01T09:00:00.000Z', 'positive', 'me',
                     '2026-07-01T09:00:00.000Z', '2026-07-01T09:00:00.000Z');
         UPDATE sessions SET member_id = 'm2' WHERE id = 's1';",
    );
    assert_eq!(found(&store, "refund AND tags : mm1"), ["f2"]);
    assert_eq!(found(&store, "refund AND tags : mm2"), ["k1", "f1"]);
    assert_eq!(found(&store, "tags : kfeedback"), ["f2", "f1"]);
}

/// Migration 0019: a version-18 index is renumbered so that the newest
/// match is the first FTS5 reads forward; rows of the same second keep the
/// later one first, and a row whose date SQLite cannot read (a crafted
/// file) goes last, out of every date's way. What is indexed after the
/// upgrade takes its place by date, next to the oldest row too.
#[test]
fn the_search_index_reads_newest_first_forward_after_the_upgrade() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("coach.db");
    let feedback = |id: &str, comment: &str, given_at: &str| {
        format!(
            "INSERT INTO feedback (id, member_id, comment, given_at, tone, author, created_at, updated_at)
                 VALUES ('{id}', 'm1', '{comment}', '{given_at}', 'positive', 'me',
                         '2026-06-02T09:00:00.000Z', '2026-06-02T09:00:00.000Z');"
        )
    };
    file_at(
        &path,
        18,
        &[
            "INSERT INTO members (id, name, author, created_at, updated_at)
                 VALUES ('m1', 'Alex Kim', 'me', '2026-01-01T09:00:00.000Z', '2026-01-01T09:00:00.000Z');"
                .to_string(),
            feedback("f-may", "A refund in May", "2026-05-01T09:00:00.000Z"),
            feedback("f-july", "A refund in July", "2026-07-01T09:00:00.000Z"),
            feedback("f-garbled", "A refund some day", "not a date"),
            feedback("f-july-too", "Another refund in July", "2026-07-01T09:00:00.000Z"),
        ]
        .concat(),
    );
    let mut store = Store::open(&path, false).expect("upgrade");
    let found = |store: &Store, fts: &str| found_newest_first(store.connection(), fts);
    assert_eq!(
        found(&store, "refund"),
        ["f-july-too", "f-july", "f-may", "f-garbled"]
    );

    write(
        &mut store,
        &[
            "UPDATE feedback SET deleted_at = '2026-08-01T09:00:00.000Z' WHERE id = 'f-garbled';"
                .to_string(),
            feedback("f-june", "A refund in June", "2026-06-01T09:00:00.000Z"),
            feedback(
                "f-july-last",
                "The last refund in July",
                "2026-07-01T09:00:00.000Z",
            ),
            // SQLite first gives it the id after the oldest row's, which
            // the second just before is made of: the trigger moves it out.
            feedback("f-mangled", "A refund on no day", "soon"),
            feedback("f-april", "A refund in April", "2026-05-01T08:59:59.000Z"),
        ]
        .concat(),
    );
    assert_eq!(
        found(&store, "refund"),
        [
            "f-july-last",
            "f-july-too",
            "f-july",
            "f-june",
            "f-may",
            "f-april",
            "f-mangled"
        ]
    );
    assert_eq!(found(&store, "june"), ["f-june"]);
}

/// Runs `sql` as a write of coach's ([`Store::write`]: with its triggers).
fn write(store: &mut Store, sql: &str) {
    store
        .write(|tx| Ok(tx.execute_batch(sql)?))
        .expect("written");
}

/// The records whose index rows match `fts`, newest first.
fn found_newest_first(conn: &Connection, fts: &str) -> Vec<String> {
    names(
        conn,
        &format!(
            "SELECT d.record_id FROM search_text t JOIN search_docs d ON d.rowid = t.rowid
             WHERE search_text MATCH '{fts}' ORDER BY t.rowid"
        ),
    )
}
