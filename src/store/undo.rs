//! The undo log: every row a command changes, recorded in the command's
//! own transaction, and put back on `coach undo`.
//!
//! Recording is done by TEMP triggers that a command's connection creates
//! (before its first write) from the schema as it is, so a table or a
//! column added by a later migration is recorded without anyone writing a
//! trigger for it, and nothing of this lives in the file but the log. A
//! trigger writes only while `temp.undo_now` holds the command's id, which
//! [`Store::write`](super::Store::write) sets for the transaction of a
//! recorded command and clears before commit; undo itself is not recorded.
//!
//! A row's columns are kept as a JSON object; a REAL is kept as text with
//! 17 significant digits (JSON would round it), which the column's REAL
//! affinity turns back into the same number.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use crate::{Error, Result};

/// How many commands the log keeps.
pub const KEEP: i64 = 100;

/// Tables that are not recorded: the log itself, and what triggers derive
/// from the records (the search index), which follows the records when
/// they are put back.
const NOT_RECORDED: &[&str] = &["undo_commands", "undo_rows", "search_docs"];

/// A table as recorded: its name, its one-column key, its columns.
#[derive(Debug)]
struct Table {
    name: String,
    key: String,
    columns: Vec<String>,
}

/// The tables whose changes are recorded: ordinary tables of the main
/// schema (not virtual tables, nor FTS5's shadow tables) with a one-column
/// primary key.
fn recorded_tables(conn: &Connection) -> Result<Vec<Table>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM pragma_table_list
         WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'
         ORDER BY name",
    )?;
    let names = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut tables = Vec::new();
    for name in names {
        if NOT_RECORDED.contains(&name.as_str()) {
            continue;
        }
        let mut info = conn.prepare("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid")?;
        let columns = info
            .query_map([&name], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let keys: Vec<&String> = columns.iter().filter(|c| c.1 > 0).map(|c| &c.0).collect();
        if let [key] = keys.as_slice() {
            tables.push(Table {
                key: (*key).clone(),
                name: name.clone(),
                columns: columns.into_iter().map(|c| c.0).collect(),
            });
        }
    }
    Ok(tables)
}

/// `"name"`, an SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `'text'`, an SQL string.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The JSON object of a row's `columns`, each read as `{prefix}"column"`.
fn row_json<'a>(prefix: &str, columns: impl IntoIterator<Item = &'a String>) -> String {
    let pairs: Vec<String> = columns
        .into_iter()
        .map(|c| {
            let value = format!("{prefix}{}", ident(c));
            format!(
                "{}, iif(typeof({value}) = 'real', printf('%.17g', {value}), {value})",
                literal(c)
            )
        })
        .collect();
    format!("json_object({})", pairs.join(", "))
}

/// Creates the recording triggers on this connection (TEMP: they vanish
/// with it). Called outside any transaction, once per connection.
pub(super) fn install(conn: &Connection) -> Result<()> {
    let mut sql = String::from(
        "CREATE TEMP TABLE IF NOT EXISTS undo_now (command INTEGER PRIMARY KEY) WITHOUT ROWID;\n",
    );
    for table in recorded_tables(conn)? {
        let t = ident(&table.name);
        let name = literal(&table.name);
        let key = ident(&table.key);
        let old = row_json("old.", &table.columns);
        let new = row_json("new.", &table.columns);
        let trigger = |op: &str| ident(&format!("undo_{}_{op}", table.name));
        sql.push_str(&format!(
            "CREATE TEMP TRIGGER IF NOT EXISTS {} AFTER INSERT ON main.{t} BEGIN
               INSERT INTO main.undo_rows (command, tbl, op, key, new)
               SELECT command, {name}, 'insert', new.{key}, {new} FROM temp.undo_now;
             END;
             CREATE TEMP TRIGGER IF NOT EXISTS {} AFTER UPDATE ON main.{t} BEGIN
               INSERT INTO main.undo_rows (command, tbl, op, key, old, new)
               SELECT command, {name}, 'update', old.{key}, {old}, {new} FROM temp.undo_now;
             END;
             CREATE TEMP TRIGGER IF NOT EXISTS {} AFTER DELETE ON main.{t} BEGIN
               INSERT INTO main.undo_rows (command, tbl, op, key, old)
               SELECT command, {name}, 'delete', old.{key}, {old} FROM temp.undo_now;
             END;\n",
            trigger("insert"),
            trigger("update"),
            trigger("delete"),
        ));
    }
    conn.execute_batch(&sql)?;
    Ok(())
}

/// Starts recording into the command `command`, or (its first write) a
/// new one: the next id, whose row [`finish`] writes only if something
/// was recorded, so a write that changes nothing leaves the file as it
/// was. `temp.undo_now` is WITHOUT ROWID, so that setting it does not move
/// `last_insert_rowid()`, which commands read.
pub(super) fn start(conn: &Connection, command: Option<i64>) -> Result<i64> {
    let id = match command {
        Some(id) => id,
        None => conn
            .prepare_cached("SELECT coalesce(max(id), 0) + 1 FROM undo_commands")?
            .query_row([], |r| r.get(0))?,
    };
    conn.prepare_cached("INSERT INTO temp.undo_now (command) VALUES (?1)")?
        .execute([id])?;
    Ok(id)
}

/// Stops recording. A new command that changed something gets its row
/// (`label`, `at`), and the commands beyond the last [`KEEP`] are
/// forgotten. Whether the command is in the log.
pub(super) fn finish(conn: &Connection, command: i64, label: &str, at: &str) -> Result<bool> {
    conn.prepare_cached("DELETE FROM temp.undo_now")?
        .execute([])?;
    let changed = conn
        .prepare_cached("SELECT 1 FROM undo_rows WHERE command = ?1 LIMIT 1")?
        .exists([command])?;
    if !changed {
        return Ok(false);
    }
    erase_deleted_texts(conn, command)?;
    let known = conn
        .prepare_cached("SELECT 1 FROM undo_commands WHERE id = ?1")?
        .exists([command])?;
    if known {
        return Ok(true);
    }
    conn.prepare_cached("INSERT INTO undo_commands (id, label, at) VALUES (?1, ?2, ?3)")?
        .execute(rusqlite::params![command, label, at])?;
    conn.prepare_cached(
        "DELETE FROM undo_commands WHERE id <= (
             SELECT id FROM undo_commands ORDER BY id DESC LIMIT 1 OFFSET ?1)",
    )?
    .execute([KEEP])?;
    conn.prepare_cached(
        "DELETE FROM undo_rows WHERE command < (SELECT min(id) FROM undo_commands)",
    )?
    .execute([])?;
    Ok(true)
}

/// A deleted note keeps no text (`note::DELETED_BODY`): nothing may hold
/// it afterwards, the undo log included. So the texts of the notes this
/// command deleted are erased from every command of the log (their rows,
/// and the command lines, which may hold the text as typed: only the
/// command's first two words are kept); undo then refuses to bring such a
/// note back (`undo.rs`).
fn erase_deleted_texts(conn: &Connection, command: i64) -> Result<()> {
    let erased: Vec<rusqlite::types::Value> = conn
        .prepare_cached(
            "SELECT key FROM undo_rows
              WHERE command = ?1 AND tbl = 'notes' AND new IS NOT NULL
                AND json_extract(new, '$.deleted_at') IS NOT NULL
                AND json_extract(new, '$.body') = ?2",
        )?
        .query_map(rusqlite::params![command, crate::note::DELETED_BODY], |r| {
            r.get(0)
        })?
        .collect::<rusqlite::Result<_>>()?;
    for key in erased {
        let commands: Vec<(i64, String)> = conn
            .prepare_cached(
                "SELECT DISTINCT c.id, c.label FROM undo_rows r JOIN undo_commands c ON c.id = r.command
                  WHERE r.tbl = 'notes' AND r.key = ?1",
            )?
            .query_map([&key], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, label) in commands {
            let words: Vec<&str> = label.split_whitespace().take(2).collect();
            let redacted = format!("{} … (a deleted note's text, erased)", words.join(" "));
            conn.prepare_cached("UPDATE undo_commands SET label = ?2 WHERE id = ?1")?
                .execute(rusqlite::params![id, redacted])?;
        }
        conn.prepare_cached(
            "UPDATE undo_rows
                SET old = iif(old IS NULL, NULL, json_set(old, '$.body', ?2)),
                    new = iif(new IS NULL, NULL, json_set(new, '$.body', ?2))
              WHERE tbl = 'notes' AND key = ?1",
        )?
        .execute(rusqlite::params![key, crate::note::DELETED_BODY])?;
    }
    Ok(())
}

/// A command in the log.
#[derive(Debug, Clone)]
pub struct Command {
    pub id: i64,
    pub label: String,
    pub at: String,
}

/// One changed row in the log.
#[derive(Debug, Clone)]
pub struct Change {
    pub table: String,
    pub op: Op,
    pub key: Value,
    /// The row before (update, delete) and after (insert, update), as JSON.
    pub old: Option<String>,
    pub new: Option<String>,
}

/// What a command did to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Insert,
    Update,
    Delete,
}

/// The latest `limit` commands, newest first.
pub(super) fn commands(conn: &Connection, limit: usize) -> Result<Vec<Command>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut stmt =
        conn.prepare_cached("SELECT id, label, at FROM undo_commands ORDER BY id DESC LIMIT ?1")?;
    let rows = stmt.query_map([limit], |r| {
        Ok(Command {
            id: r.get(0)?,
            label: r.get(1)?,
            at: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A command's changes, in the order they were made.
pub(super) fn changes(conn: &Connection, command: i64) -> Result<Vec<Change>> {
    let mut stmt = conn.prepare_cached(
        "SELECT tbl, op, key, old, new FROM undo_rows WHERE command = ?1 ORDER BY seq",
    )?;
    let rows = stmt.query_map([command], |r| {
        let op: String = r.get(1)?;
        Ok((r.get(0)?, op, r.get(2)?, r.get(3)?, r.get(4)?))
    })?;
    let mut changes = Vec::new();
    for row in rows {
        let (table, op, key, old, new): (String, String, Value, Option<String>, Option<String>) =
            row?;
        let op = match op.as_str() {
            "insert" => Op::Insert,
            "update" => Op::Update,
            "delete" => Op::Delete,
            other => {
                return Err(Error::database(format!(
                    "the undo log holds an unknown change {other:?}"
                )))
            }
        };
        changes.push(Change {
            table,
            op,
            key,
            old,
            new,
        });
    }
    Ok(changes)
}

/// Forgets a command (undone).
pub(super) fn forget(conn: &Connection, command: i64) -> Result<()> {
    conn.prepare_cached("DELETE FROM undo_commands WHERE id = ?1")?
        .execute([command])?;
    conn.prepare_cached("DELETE FROM undo_rows WHERE command = ?1")?
        .execute([command])?;
    Ok(())
}

/// Why a change cannot be put back.
#[derive(Debug)]
pub enum Conflict {
    /// The row was changed (or removed, or added again) since.
    ChangedSince,
}

/// Puts back what `change` changed, if the row is still as the change left
/// it; otherwise changes nothing and says why.
pub(super) fn revert(conn: &Connection, change: &Change) -> Result<Result<(), Conflict>> {
    let after = match change.op {
        Op::Insert | Op::Update => Some(parse(change.new.as_deref())?),
        Op::Delete => None,
    };
    let before = match change.op {
        Op::Update | Op::Delete => Some(parse(change.old.as_deref())?),
        Op::Insert => None,
    };
    let columns: Vec<String> = after
        .as_ref()
        .or(before.as_ref())
        .map(|row| row.keys().cloned().collect())
        .unwrap_or_default();
    let key_column = key_of(conn, &change.table)?;
    let table = ident(&change.table);
    let current: Option<String> = conn
        .prepare(&format!(
            "SELECT {} FROM main.{table} WHERE {} = ?1",
            row_json("", &columns),
            ident(&key_column)
        ))?
        .query_row([&change.key], |r| r.get(0))
        .optional()?;
    let current = current
        .as_deref()
        .map(|text| parse(Some(text)))
        .transpose()?;
    if current != after {
        return Ok(Err(Conflict::ChangedSince));
    }
    let key_sql = ident(&key_column);
    match (change.op, before) {
        (Op::Insert, _) => {
            conn.prepare(&format!("DELETE FROM main.{table} WHERE {key_sql} = ?1"))?
                .execute([&change.key])?;
        }
        (Op::Update, Some(before)) => {
            let sets: Vec<String> = before
                .keys()
                .enumerate()
                .map(|(i, c)| format!("{} = ?{}", ident(c), i + 2))
                .collect();
            let mut values = vec![change.key.clone()];
            values.extend(before.values().map(to_value));
            conn.prepare(&format!(
                "UPDATE main.{table} SET {} WHERE {key_sql} = ?1",
                sets.join(", ")
            ))?
            .execute(rusqlite::params_from_iter(values))?;
        }
        (Op::Delete, Some(before)) => {
            let names: Vec<String> = before.keys().map(|c| ident(c)).collect();
            let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
            conn.prepare(&format!(
                "INSERT INTO main.{table} ({}) VALUES ({})",
                names.join(", "),
                marks.join(", ")
            ))?
            .execute(rusqlite::params_from_iter(before.values().map(to_value)))?;
        }
        (_, None) => return Err(Error::database("the undo log misses a row's old values")),
    }
    Ok(Ok(()))
}

/// The one-column primary key of a table.
fn key_of(conn: &Connection, table: &str) -> Result<String> {
    conn.prepare_cached("SELECT name FROM pragma_table_info(?1) WHERE pk = 1")?
        .query_row([table], |r| r.get(0))
        .optional()?
        .ok_or_else(|| {
            Error::database(format!(
                "the undo log names a table \"{table}\" that has no key (or no longer exists)"
            ))
        })
}

type Row = serde_json::Map<String, serde_json::Value>;

fn parse(text: Option<&str>) -> Result<Row> {
    let text = text.ok_or_else(|| Error::database("the undo log misses a row"))?;
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(row)) => Ok(row),
        _ => Err(Error::database(
            "the undo log holds a row that is not a JSON object",
        )),
    }
}

fn to_value(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Integer(i64::from(*b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Real(n.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(s) => Value::Text(s.clone()),
        other => Value::Text(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_recorded_table_has_a_one_column_key() {
        let dir = tempfile::tempdir().expect("dir");
        let store = super::super::Store::open(&dir.path().join("c.db"), false).expect("open");
        let conn = store.connection();
        let recorded: Vec<String> = recorded_tables(conn)
            .expect("tables")
            .into_iter()
            .map(|t| t.name)
            .collect();
        let mut stmt = conn
            .prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'")
            .expect("prepare");
        let all: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("names");
        for name in all {
            assert!(
                recorded.contains(&name) || NOT_RECORDED.contains(&name.as_str()),
                "the table {name} would not be recorded for undo: give it a one-column primary key, or declare it NOT_RECORDED"
            );
        }
        assert!(recorded.contains(&"notes".to_string()));
        assert!(!recorded.iter().any(|t| t.starts_with("search_text")));
    }
}
