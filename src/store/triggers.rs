//! The triggers of coach's writes (`triggers.sql`), created TEMP by each
//! connection before its first write.
//!
//! `CREATE TEMP TRIGGER` costs twice what the trigger costs in the file:
//! SQLite parses the statement, writes the temp schema, and parses the
//! new row again. The 21 triggers made each write 3.9 M instructions
//! (0.9 ms) dearer. So they go into the temp schema's table as rows, in
//! one statement, and the temp schema is read once: `PRAGMA
//! writable_schema` for the rows, then a new `schema_version` of the
//! temp database, which makes SQLite read its schema again (and expire
//! every prepared statement, so none runs without the triggers). The
//! temp database is this connection's own, in memory: the file is never
//! touched. 0.36 M instructions above the triggers in the file.
//!
//! The search index's text is staged by the triggers in a TEMP table,
//! [`STAGED`], and written by [`flush_search`] (see `triggers.sql`).

use rusqlite::Connection;

/// The statements, as `triggers.sql` holds them.
pub const TRIGGERS: &str = include_str!("triggers.sql");

/// The text the triggers stage for the search index, by `search_docs`
/// rowid: `gone` if the index's text of that rowid is to be removed,
/// `written` if this text is to be written (after the removal).
pub(super) const STAGED: &str = "CREATE TEMP TABLE search_staged (
    rowid INTEGER PRIMARY KEY,
    gone INTEGER NOT NULL DEFAULT 0,
    written INTEGER NOT NULL DEFAULT 1,
    body, about, tags)";

/// Writes the text staged by the triggers to the search index, and
/// empties the stage: what goes first, then what comes, each in one
/// statement in rowid order, so that FTS5 writes them as one segment
/// (rather than a segment per record). Only on a connection whose
/// triggers are installed ([`install`]), in a write transaction.
pub fn flush_search(conn: &Connection) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "DELETE FROM search_text WHERE rowid IN (SELECT rowid FROM search_staged WHERE gone)",
    )?
    .execute([])?;
    conn.prepare_cached(
        "INSERT INTO search_text (rowid, body, about, tags)
         SELECT rowid, body, about, tags FROM search_staged WHERE written ORDER BY rowid",
    )?
    .execute([])?;
    conn.prepare_cached("DELETE FROM search_staged")?
        .execute([])?;
    Ok(())
}

/// One trigger of [`TRIGGERS`]: its name, its table, its statement as
/// SQLite keeps it in a schema (`CREATE TRIGGER ...`, without `TEMP`).
#[derive(Debug, PartialEq)]
struct Trigger {
    name: String,
    table: String,
    sql: String,
}

/// The triggers of [`TRIGGERS`], read from their headers: `CREATE TEMP
/// TRIGGER name` first, the first `ON` word followed by the table.
fn triggers() -> Vec<Trigger> {
    let code: String = TRIGGERS
        .lines()
        .filter(|line| !line.starts_with("--"))
        .map(|line| format!("{line}\n"))
        .collect();
    code.split("\nEND;\n")
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .map(|text| {
            let words: Vec<&str> = text.split_whitespace().collect();
            let on = words.iter().position(|w| *w == "ON").unwrap_or(0);
            Trigger {
                name: words.get(3).unwrap_or(&"").to_string(),
                table: words.get(on + 1).unwrap_or(&"").to_string(),
                sql: format!(
                    "{}\nEND",
                    text.replacen("CREATE TEMP TRIGGER", "CREATE TRIGGER", 1)
                ),
            }
        })
        .collect()
}

/// Creates [`TRIGGERS`] on `conn`, as TEMP triggers (see the module's
/// comment), and the table they stage text in ([`STAGED`]). Outside any
/// transaction.
pub fn install(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(STAGED)?;
    let version: i64 = conn.query_row("PRAGMA temp.schema_version", [], |r| r.get(0))?;
    conn.execute_batch("PRAGMA writable_schema = ON; BEGIN;")?;
    let written = (|| {
        let mut insert = conn.prepare(
            "INSERT INTO temp.sqlite_master (type, name, tbl_name, rootpage, sql)
             VALUES ('trigger', ?1, ?2, 0, ?3)",
        )?;
        for t in triggers() {
            insert.execute((&t.name, &t.table, &t.sql))?;
        }
        conn.execute_batch(&format!(
            "PRAGMA temp.schema_version = {};",
            version.wrapping_add(1)
        ))
    })();
    if let Err(err) = written {
        let _ = conn.execute_batch("ROLLBACK; PRAGMA writable_schema = OFF;");
        return Err(err);
    }
    conn.execute_batch("COMMIT; PRAGMA writable_schema = OFF;")?;
    // Read the temp schema now: a trigger SQLite cannot read is an error
    // here, not in the middle of a command's write.
    conn.query_row("SELECT count(*) FROM temp.sqlite_master", [], |_| Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    /// A member, Alex, and their 1:1 of 1 June 2026 (`s1`).
    const A_SESSION: &str = "INSERT INTO members (id, name, author, created_at, updated_at)
                         VALUES ('m1', 'Alex Kim', 'me', '2026-01-01T09:00:00.000Z', '2026-01-01T09:00:00.000Z');
                     INSERT INTO sessions (id, member_id, title, held_at, author, created_at, updated_at)
                         VALUES ('s1', 'm1', 'Weekly', '2026-06-01T09:00:00.000Z', 'me',
                                 '2026-06-01T09:00:00.000Z', '2026-06-01T09:00:00.000Z');";

    #[test]
    fn every_trigger_is_read_with_its_name_and_table() {
        let found = triggers();
        assert_eq!(
            found.len(),
            TRIGGERS
                .lines()
                .filter(|l| l.starts_with("CREATE TEMP TRIGGER"))
                .count()
        );
        assert_eq!(found.len(), 22);
        let first = &found[0];
        assert_eq!(first.name, "open_actions_delete");
        assert_eq!(first.table, "actions");
        assert!(first
            .sql
            .starts_with("CREATE TRIGGER open_actions_delete AFTER DELETE ON actions"));
        assert!(first.sql.ends_with("\nEND"));
        let on_update = found.iter().find(|t| t.name == "search_sessions_update");
        assert_eq!(on_update.map(|t| t.table.as_str()), Some("sessions"));
        assert!(found.iter().all(|t| !t.sql.contains("END;")));
    }

    /// Installed by the connection's first write, the triggers are those
    /// `CREATE TEMP TRIGGER` makes from the same statements, and they fire.
    #[test]
    fn installed_triggers_are_what_create_temp_trigger_makes_and_they_fire() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("c.db");
        let mut store = Store::open(&path, false).expect("open");
        store
            .write(|tx| {
                tx.execute_batch(A_SESSION)?;
                tx.execute_batch(
                    "INSERT INTO actions (id, session_id, member_id, body, owner, author, created_at, updated_at)
                         VALUES ('a1', 's1', 'm1', 'Shadow the refund desk', 'member', 'me',
                                 '2026-06-01T09:00:00.000Z', '2026-06-01T09:00:00.000Z');",
                )?;
                Ok(())
            })
            .expect("write");
        let schema = |conn: &Connection| -> Vec<(String, String, String)> {
            let mut stmt = conn
                .prepare("SELECT name, tbl_name, sql FROM temp.sqlite_master ORDER BY name")
                .expect("prepare");
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .expect("query")
                .collect::<rusqlite::Result<_>>()
                .expect("rows")
        };
        let conn = store.connection();
        let reference = Connection::open_in_memory().expect("memory");
        reference
            .execute_batch(
                "CREATE TABLE actions (id, session_id, member_id, body, owner, due_at, done_at, deleted_at);
                 CREATE TABLE feedback (id); CREATE TABLE kudos (id); CREATE TABLE notes (id);
                 CREATE TABLE qa_reviews (id); CREATE TABLE search_docs (id); CREATE TABLE sessions (id);",
            )
            .expect("tables");
        reference.execute_batch(STAGED).expect("stage");
        reference.execute_batch(TRIGGERS).expect("created");
        assert_eq!(schema(conn), schema(&reference));
        let found = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect("count") };
        assert_eq!(
            found("SELECT count(*) FROM search_text WHERE search_text MATCH 'refund'"),
            1
        );
        assert_eq!(
            found("SELECT open FROM open_action_counts WHERE member_id = 'm1'"),
            1
        );
    }

    const ACTION: &str = "INSERT INTO actions (id, session_id, member_id, body, owner, author, created_at, updated_at)
                          VALUES (?1, 's1', 'm1', ?2, 'member', 'me', '2026-06-01T09:00:00.000Z', '2026-06-01T09:00:00.000Z')";

    /// One write that adds, changes and removes records, one of them taking
    /// the place in the index of a record removed in the same write: what
    /// the index holds once it commits is what the records say.
    #[test]
    fn text_staged_in_one_write_reaches_the_index_as_the_records_say() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join("c.db"), false).expect("open");
        store
            .write(|tx| {
                tx.execute_batch(A_SESSION)?;
                tx.execute(ACTION, ["a1", "a stale topic"])?;
                Ok(())
            })
            .expect("first write");
        let rowid_of = |store: &mut Store, id: &str| -> i64 {
            store
                .read(|tx| {
                    Ok(tx.tx.query_row(
                        "SELECT rowid FROM search_docs WHERE record_id = ?1",
                        [id],
                        |r| r.get(0),
                    )?)
                })
                .expect("rowid")
        };
        let first = rowid_of(&mut store, "a1");
        store
            .write(|tx| {
                // a1 goes; a2, of the same session, takes its rowid.
                tx.execute("DELETE FROM actions WHERE id = 'a1'", [])?;
                tx.execute(ACTION, ["a2", "a fresh topic"])?;
                // a3 is written, then changed; a4 is written, then removed.
                tx.execute(ACTION, ["a3", "a brief topic"])?;
                tx.execute(
                    "UPDATE actions SET body = 'a final topic' WHERE id = 'a3'",
                    [],
                )?;
                tx.execute(ACTION, ["a4", "a passing topic"])?;
                tx.execute("DELETE FROM actions WHERE id = 'a4'", [])?;
                Ok(())
            })
            .expect("second write");
        assert_eq!(
            rowid_of(&mut store, "a2"),
            first,
            "the rowid is taken again"
        );
        let (hits, faults) = store
            .read(|tx| {
                let mut hits = Vec::new();
                for word in ["stale", "fresh", "brief", "final", "passing", "topic"] {
                    let n: i64 = tx.tx.query_row(
                        "SELECT count(*) FROM search_text WHERE search_text MATCH ?1",
                        [word],
                        |r| r.get(0),
                    )?;
                    hits.push((word, n));
                }
                let staged: i64 =
                    tx.tx
                        .query_row("SELECT count(*) FROM search_staged", [], |r| r.get(0))?;
                assert_eq!(staged, 0, "nothing is left staged");
                Ok((hits, crate::search::upkeep::faults(tx)?))
            })
            .expect("read");
        assert_eq!(
            hits,
            [
                ("stale", 0),
                ("fresh", 1),
                ("brief", 0),
                ("final", 1),
                ("passing", 0),
                ("topic", 2)
            ]
        );
        assert_eq!(faults, 0, "doctor finds the index as the records say");
    }

    /// Where temporary data goes is set around a bulk import, which
    /// empties the temporary database: the next write installs the
    /// triggers again, and its records are indexed.
    #[test]
    fn a_write_after_a_bulk_import_is_indexed() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join("c.db"), false).expect("open");
        store
            .write_bulk(|tx| Ok(tx.execute_batch(A_SESSION)?))
            .expect("bulk");
        store
            .write(|tx| Ok(tx.execute(ACTION, ["a1", "after the import"])?))
            .expect("write");
        let found: i64 = store
            .read(|tx| {
                Ok(tx.tx.query_row(
                    "SELECT count(*) FROM search_text WHERE search_text MATCH 'import'",
                    [],
                    |r| r.get(0),
                )?)
            })
            .expect("read");
        assert_eq!(found, 1);
    }
}
