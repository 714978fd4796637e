//! The undo log: every row a command changes, recorded in the command's
//! own transaction, and put back on `coach undo`.
//!
//! Recording is done by SQLite's pre-update hook ([`hook`]), which sees
//! every row a statement is about to insert, update or delete, with its
//! values before and after. The hook
//! keeps them in memory ([`Log`]); they are written into `undo_rows` at the
//! end of the command's transaction, or of an import's chunk
//! ([`Log::flush`]). Installing it costs nothing, whatever the schema, and
//! a table or a column added by a later migration is recorded without
//! anyone writing anything for it. The hook records only while
//! [`Store::write`](super::Store::write) runs a recorded command; undo
//! itself is not recorded.
//!
//! A row's columns are kept as a JSON object, written by SQLite's
//! `json_object` from the values the hook saw; a REAL is kept as text with
//! 17 significant digits (JSON would round it), which the column's REAL
//! affinity turns back into the same number. The rows an import inserts
//! are kept as a fingerprint of their values ([`fingerprint`]): enough to
//! tell whether a row is still as the import left it, at a tenth of the
//! room.

mod hook;

use std::cell::{RefCell, RefMut};
use std::collections::HashMap;
use std::rc::Rc;

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use crate::{Error, Result};

/// How many commands the log keeps.
pub const KEEP: i64 = 100;

/// Tables that are not recorded: the log itself, and what triggers derive
/// from the records (the search index, the counts of open actions), which
/// follows the records when they are put back.
const NOT_RECORDED: &[&str] = &[
    "undo_commands",
    "undo_rows",
    "search_docs",
    "open_action_counts",
];

/// A table as recorded: its name, its one-column key, its columns.
#[derive(Debug)]
struct Table {
    name: String,
    /// The key's place among the columns.
    key: usize,
    columns: Vec<String>,
    /// The statement that logs each kind of change ([`row_insert`], by
    /// [`Op`]), made at its first use: making it for every row was an
    /// eighth of a command that takes in 100 replies.
    logging: [std::cell::OnceCell<String>; 3],
}

impl Table {
    /// The statement that logs a change of `op` to a row of this table.
    fn logging(&self, op: Op) -> &str {
        self.logging[op as usize].get_or_init(|| row_insert(self, op))
    }
}

/// The table `name` if its changes are recorded: an ordinary table of the
/// main schema (not a virtual table, nor one of FTS5's shadow tables) with
/// a one-column primary key.
fn table_info(conn: &Connection, name: &str) -> Result<Option<Table>> {
    if NOT_RECORDED.contains(&name) || name.starts_with("sqlite_") {
        return Ok(None);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT c.name, c.pk FROM pragma_table_list AS l, pragma_table_info(l.name) AS c
         WHERE l.schema = 'main' AND l.type = 'table' AND l.name = ?1
         ORDER BY c.cid",
    )?;
    let mut rows = stmt.query([name])?;
    let (mut table, mut keys) = (
        Table {
            name: name.to_string(),
            key: 0,
            columns: Vec::new(),
            logging: Default::default(),
        },
        0,
    );
    while let Some(row) = rows.next()? {
        if row.get::<_, i64>(1)? > 0 {
            table.key = table.columns.len();
            keys += 1;
        }
        table.columns.push(row.get(0)?);
    }
    Ok((keys == 1).then_some(table))
}

/// Every table whose changes are recorded ([`table_info`]).
fn recorded_tables(conn: &Connection) -> Result<Vec<Table>> {
    let names: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' ORDER BY name")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut tables = Vec::new();
    for name in names {
        tables.extend(table_info(conn, &name)?);
    }
    Ok(tables)
}

/// What the log knows of the tables: those the hook has seen (every table,
/// for an import), each looked up ([`table_info`]) at the first flush that
/// needs it, so a command pays only for the tables it writes.
#[derive(Debug, Default)]
struct Tables {
    by_name: HashMap<String, usize>,
    /// By place: the name, and once looked up, the table if recorded.
    known: Vec<(String, Option<Option<Rc<Table>>>)>,
    /// Every table is in `known`, looked up: a name not there is not
    /// recorded (an import, whose inserts need their key in the hook).
    complete: bool,
}

impl Tables {
    /// The place of table `name`, new ones added to be looked up; `None`
    /// for a table known not to be recorded.
    fn place(&mut self, name: &str) -> Option<usize> {
        if let Some(&place) = self.by_name.get(name) {
            return (!matches!(self.known[place].1, Some(None))).then_some(place);
        }
        if self.complete {
            return None;
        }
        self.known.push((name.to_string(), None));
        self.by_name.insert(name.to_string(), self.known.len() - 1);
        Some(self.known.len() - 1)
    }

    /// The table at `place`, if looked up and recorded.
    fn get(&self, place: usize) -> Option<&Rc<Table>> {
        self.known.get(place)?.1.as_ref()?.as_ref()
    }

    /// Looks up the tables not looked up yet.
    fn look_up(&mut self, conn: &Connection) -> Result<()> {
        for (name, info) in &mut self.known {
            if info.is_none() {
                *info = Some(table_info(conn, name)?.map(Rc::new));
            }
        }
        Ok(())
    }

    /// Looks up every table.
    fn load_all(&mut self, conn: &Connection) -> Result<()> {
        if self.complete {
            return Ok(());
        }
        for table in recorded_tables(conn)? {
            let place = match self.by_name.get(&table.name) {
                Some(&place) => place,
                None => {
                    self.known.push((table.name.clone(), None));
                    self.by_name
                        .insert(table.name.clone(), self.known.len() - 1);
                    self.known.len() - 1
                }
            };
            self.known[place].1 = Some(Some(Rc::new(table)));
        }
        for (_, info) in &mut self.known {
            info.get_or_insert(None);
        }
        self.complete = true;
        Ok(())
    }
}

/// `"name"`, an SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `'text'`, an SQL string.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The JSON object of a row's `columns`, the value of each read by the SQL
/// expression `value(i, column)`.
fn row_json<'a>(
    columns: impl IntoIterator<Item = &'a String>,
    value: impl Fn(usize, &str) -> String,
) -> String {
    let pairs: Vec<String> = columns
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let value = value(i, c);
            format!(
                "{}, iif(typeof({value}) = 'real', printf('%.17g', {value}), {value})",
                literal(c)
            )
        })
        .collect();
    format!("json_object({})", pairs.join(", "))
}

/// A change the hook saw, not yet in the log.
#[derive(Debug)]
enum Seen {
    /// A row, with its values before (update, delete) and after (insert,
    /// update).
    Row {
        table: usize,
        op: Op,
        old: Option<Vec<Value>>,
        new: Option<Vec<Value>>,
    },
    /// A row inserted by an import: its key and the fingerprint of its
    /// values.
    Inserted {
        table: usize,
        key: Value,
        columns: usize,
        print: u64,
    },
}

#[derive(Debug, Default)]
struct Pending {
    /// The command recording, if any.
    command: Option<i64>,
    /// Inserts are kept as fingerprints (an import).
    bulk: bool,
    seen: Vec<Seen>,
    /// The first row (`undo_rows.seq`) this transaction wrote into the log:
    /// what [`Log::finish`] looks through for deleted notes. A command may
    /// take several transactions (`inbox`, one per message), and looking
    /// through all of its rows at the end of each made it quadratic.
    first_row: Option<i64>,
}

/// The recording of one connection: the hook's memory, and the tables it
/// records. A cheap handle: [`Tx`](super::Tx) holds one.
#[derive(Clone)]
pub(super) struct Log {
    pending: Rc<RefCell<Pending>>,
    tables: Rc<RefCell<Tables>>,
}

impl std::fmt::Debug for Log {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Log").finish_non_exhaustive()
    }
}

/// The hook of a connection, which [`Installed::remove`] takes off before
/// the connection closes.
pub(super) struct Installed(hook::Hook);

impl Installed {
    pub(super) fn remove(self, conn: &Connection) {
        self.0.remove(conn);
    }
}

impl std::fmt::Debug for Installed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Installed")
    }
}

impl Log {
    /// Installs the hook on this connection. Called once per connection,
    /// before its first recorded write.
    pub(super) fn install(conn: &Connection) -> Result<(Log, Installed)> {
        let log = Log {
            pending: Rc::default(),
            tables: Rc::default(),
        };
        let (pending, tables) = (Rc::clone(&log.pending), Rc::clone(&log.tables));
        let hook = hook::Hook::install(
            conn,
            Box::new(move |case, db, name, row| {
                // (The log's own writes stop here, before any borrow: a
                // flush writes while it holds what it flushes.)
                if db != "main" || NOT_RECORDED.contains(&name) {
                    return;
                }
                let mut pending = pending.borrow_mut();
                if pending.command.is_none() {
                    return;
                }
                let mut tables = tables.borrow_mut();
                let Some(table) = tables.place(name) else {
                    return;
                };
                let seen = match (case, tables.get(table)) {
                    (hook::Case::Insert, Some(info)) if pending.bulk => {
                        let new = row.after();
                        Seen::Inserted {
                            table,
                            key: new.get(info.key).cloned().unwrap_or(Value::Null),
                            columns: new.len(),
                            print: fingerprint(&new),
                        }
                    }
                    (hook::Case::Insert, _) => Seen::Row {
                        table,
                        op: Op::Insert,
                        old: None,
                        new: Some(row.after()),
                    },
                    (hook::Case::Update, _) => Seen::Row {
                        table,
                        op: Op::Update,
                        old: Some(row.before()),
                        new: Some(row.after()),
                    },
                    (hook::Case::Delete, _) => Seen::Row {
                        table,
                        op: Op::Delete,
                        old: Some(row.before()),
                        new: None,
                    },
                };
                pending.seen.push(seen);
            }),
        );
        Ok((log, Installed(hook)))
    }

    fn pending(&self) -> RefMut<'_, Pending> {
        self.pending.borrow_mut()
    }

    /// Starts recording into the command `command`, or (its first write) a
    /// new one: the next id, whose row [`Log::finish`] writes only if
    /// something was recorded, so a write that changes nothing leaves the
    /// file as it was.
    pub(super) fn start(&self, conn: &Connection, command: Option<i64>) -> Result<i64> {
        let id = match command {
            Some(id) => id,
            None => conn
                .prepare_cached("SELECT coalesce(max(id), 0) + 1 FROM undo_commands")?
                .query_row([], |r| r.get(0))?,
        };
        let mut pending = self.pending();
        pending.seen.clear();
        pending.bulk = false;
        pending.command = Some(id);
        pending.first_row = None;
        Ok(id)
    }

    /// Stops recording and forgets what was not written (the transaction
    /// failed, and rolled back).
    pub(super) fn stop(&self) {
        let mut pending = self.pending();
        pending.command = None;
        pending.bulk = false;
        pending.seen.clear();
        pending.first_row = None;
    }

    /// Whether the inserts from now on are kept as fingerprints (an
    /// import), after writing what came before.
    pub(super) fn set_bulk(&self, conn: &Connection, bulk: bool) -> Result<()> {
        self.flush(conn)?;
        if bulk {
            self.tables.borrow_mut().load_all(conn)?;
        }
        self.pending().bulk = bulk;
        Ok(())
    }

    /// Forgets the changes seen since the last flush: they were rolled
    /// back (to a savepoint begun after that flush).
    pub(super) fn discard(&self) {
        self.pending().seen.clear();
    }

    /// Writes the changes seen so far into the log.
    pub(super) fn flush(&self, conn: &Connection) -> Result<()> {
        let (command, seen) = {
            let mut pending = self.pending();
            match pending.command {
                Some(command) => (command, std::mem::take(&mut pending.seen)),
                None => return Ok(()),
            }
        };
        if seen.is_empty() {
            return Ok(());
        }
        self.tables.borrow_mut().look_up(conn)?;
        for change in seen {
            match change {
                Seen::Row {
                    table,
                    op,
                    old,
                    new,
                } => {
                    // (Cloned out: the INSERT below runs the hook, which
                    // borrows the tables.)
                    let Some(table) = self.tables.borrow().get(table).cloned() else {
                        continue; // not recorded
                    };
                    let row = match op {
                        Op::Insert => new.as_deref(),
                        Op::Update | Op::Delete => old.as_deref(),
                    };
                    let key = row
                        .and_then(|r| r.get(table.key))
                        .cloned()
                        .unwrap_or(Value::Null);
                    let mut params: Vec<Value> = vec![
                        Value::Integer(command),
                        Value::Text(table.name.clone()),
                        key,
                    ];
                    params.extend(old.into_iter().flatten());
                    params.extend(new.into_iter().flatten());
                    conn.prepare_cached(table.logging(op))?
                        .execute(rusqlite::params_from_iter(params))?;
                }
                Seen::Inserted {
                    table,
                    key,
                    columns,
                    print,
                } => {
                    let Some(table) = self.tables.borrow().get(table).cloned() else {
                        continue;
                    };
                    conn.prepare_cached(
                        "INSERT INTO main.undo_rows (command, tbl, op, key, new)
                         VALUES (?1, ?2, 'insert', ?3, ?4)",
                    )?
                    .execute(rusqlite::params![
                        command,
                        table.name,
                        key,
                        fingerprint_text(columns, print)
                    ])?;
                }
            }
            // (After the INSERT, whose hook borrows what is pending.)
            let row = conn.last_insert_rowid();
            self.pending().first_row.get_or_insert(row);
        }
        Ok(())
    }

    /// Stops recording. A new command that changed something gets its row
    /// (`label`, `at`), and the commands beyond the last [`KEEP`] are
    /// forgotten. Whether the command is in the log.
    pub(super) fn finish(
        &self,
        conn: &Connection,
        command: i64,
        label: &str,
        at: &str,
    ) -> Result<bool> {
        self.flush(conn)?;
        let first_row = self.pending().first_row;
        self.stop();
        let changed = conn
            .prepare_cached("SELECT 1 FROM undo_rows WHERE command = ?1 LIMIT 1")?
            .exists([command])?;
        if !changed {
            return Ok(false);
        }
        if let Some(first_row) = first_row {
            erase_deleted_texts(conn, command, first_row)?;
        }
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
}

/// The statement that logs a change of `op` to a row of `table`: the
/// command, the table and the key are `?1`..`?3`, then the values before
/// (update, delete), then after (insert, update).
fn row_insert(table: &Table, op: Op) -> String {
    let n = table.columns.len();
    let json_from = |first: usize| row_json(&table.columns, move |i, _| format!("?{}", first + i));
    match op {
        Op::Insert => format!(
            "INSERT INTO main.undo_rows (command, tbl, op, key, new) VALUES (?1, ?2, 'insert', ?3, {})",
            json_from(4)
        ),
        Op::Update => format!(
            "INSERT INTO main.undo_rows (command, tbl, op, key, old, new) VALUES (?1, ?2, 'update', ?3, {}, {})",
            json_from(4),
            json_from(4 + n)
        ),
        Op::Delete => format!(
            "INSERT INTO main.undo_rows (command, tbl, op, key, old) VALUES (?1, ?2, 'delete', ?3, {})",
            json_from(4)
        ),
    }
}

/// The fingerprint of a row's values, for a row an import inserted: 64
/// bits of FNV-1a over the values. A number is hashed as the float it
/// equals when it has one (SQLite may hand a REAL column's 75.0 over as
/// the integer 75).
fn fingerprint(row: &[Value]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            hash = (hash ^ u64::from(*b)).wrapping_mul(PRIME);
        }
    };
    for value in row {
        match value {
            Value::Null => eat(b"0"),
            Value::Integer(i) if i.unsigned_abs() <= 1 << 53 => {
                eat(b"n");
                eat(&(*i as f64).to_bits().to_le_bytes());
            }
            Value::Integer(i) => {
                eat(b"i");
                eat(&i.to_le_bytes());
            }
            Value::Real(f) => {
                eat(b"n");
                eat(&(f + 0.0).to_bits().to_le_bytes());
            }
            Value::Text(t) => {
                eat(b"t");
                eat(&(t.len() as u64).to_le_bytes());
                eat(t.as_bytes());
            }
            Value::Blob(b) => {
                eat(b"b");
                eat(&(b.len() as u64).to_le_bytes());
                eat(b);
            }
        }
    }
    hash
}

/// A fingerprint as the log keeps it: `#`, the number of columns hashed
/// (a column added by a later migration is not compared), `:`, the hash.
fn fingerprint_text(columns: usize, print: u64) -> String {
    format!("#{columns}:{print:016x}")
}

/// The fingerprint a log entry holds, with its number of columns.
fn parse_fingerprint(text: &str) -> Option<(usize, &str)> {
    let (columns, _) = text.strip_prefix('#')?.split_once(':')?;
    Some((columns.parse().ok()?, text))
}

/// A deleted note keeps no text (`note::DELETED_BODY`): nothing may hold
/// it afterwards, the undo log included. So the texts of the notes this
/// command deleted (in its rows from `first_row` on: this transaction's)
/// are erased from every command of the log (their rows,
/// and the command lines, which may hold the text as typed: only the
/// command's first two words are kept); undo then refuses to bring such a
/// note back (`undo.rs`).
fn erase_deleted_texts(conn: &Connection, command: i64, first_row: i64) -> Result<()> {
    let erased: Vec<rusqlite::types::Value> = conn
        .prepare_cached(
            "SELECT key FROM undo_rows INDEXED BY undo_rows_by_command
              WHERE command = ?1 AND seq >= ?3 AND tbl = 'notes' AND new IS NOT NULL
                AND json_extract(new, '$.deleted_at') IS NOT NULL
                AND json_extract(new, '$.body') = ?2",
        )?
        .query_map(
            rusqlite::params![command, crate::note::DELETED_BODY, first_row],
            |r| r.get(0),
        )?
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
    let key_column = key_of(conn, &change.table)?;
    let table = ident(&change.table);
    if let (Op::Insert, Some((count, print))) =
        (change.op, change.new.as_deref().and_then(parse_fingerprint))
    {
        return revert_fingerprinted(conn, change, &key_column, count, print);
    }
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
    let current: Option<String> = conn
        .prepare(&format!(
            "SELECT {} FROM main.{table} WHERE {} = ?1",
            row_json(&columns, |_, c| ident(c)),
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

/// Takes out a row an import inserted, if its values still have the
/// fingerprint the log holds (its first `count` columns).
fn revert_fingerprinted(
    conn: &Connection,
    change: &Change,
    key_column: &str,
    count: usize,
    print: &str,
) -> Result<Result<(), Conflict>> {
    let table = ident(&change.table);
    let key = ident(key_column);
    let current: Option<Vec<Value>> = conn
        .prepare(&format!("SELECT * FROM main.{table} WHERE {key} = ?1"))?
        .query_row([&change.key], |r| {
            (0..count.min(r.as_ref().column_count()))
                .map(|i| r.get::<_, Value>(i))
                .collect()
        })
        .optional()?;
    let current = current.map(|row| fingerprint_text(row.len(), fingerprint(&row)));
    if current.as_deref() != Some(print) {
        return Ok(Err(Conflict::ChangedSince));
    }
    conn.prepare(&format!("DELETE FROM main.{table} WHERE {key} = ?1"))?
        .execute([&change.key])?;
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
    fn a_fingerprint_sees_values_not_how_sqlite_hands_them_over() {
        let print = |row: &[Value]| fingerprint_text(row.len(), fingerprint(row));
        let id = || Value::Text("a1".into());
        // A REAL column's 75.0 may come as the integer 75.
        assert_eq!(
            print(&[id(), Value::Integer(75)]),
            print(&[id(), Value::Real(75.0)])
        );
        assert_eq!(print(&[Value::Real(-0.0)]), print(&[Value::Real(0.0)]));
        // Any other difference is one.
        for other in [
            Value::Text("75".into()),
            Value::Integer(76),
            Value::Real(75.000_000_000_001),
            Value::Null,
            Value::Blob(b"75".to_vec()),
        ] {
            assert_ne!(print(&[id(), Value::Integer(75)]), print(&[id(), other]));
        }
        assert_ne!(
            print(&[Value::Text("ab".into()), Value::Text("c".into())]),
            print(&[Value::Text("a".into()), Value::Text("bc".into())])
        );
        let text = print(&[id(), Value::Integer(75)]);
        assert_eq!(parse_fingerprint(&text).map(|(n, _)| n), Some(2));
        assert_eq!(parse_fingerprint("{\"id\": 1}"), None);
    }

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

    /// `inbox` records one command over a transaction per message: a note
    /// deleted in a later transaction of a command is erased from the log
    /// like one deleted in the first.
    #[test]
    fn a_note_deleted_in_a_later_transaction_of_a_command_leaves_the_log() {
        use crate::note::{self, Visibility};
        let dir = tempfile::tempdir().expect("dir");
        let mut store = super::super::Store::open(&dir.path().join("c.db"), false).expect("open");
        store.record_commands("coach inbox");
        let session = store
            .write(|tx| {
                let member = crate::member::add(
                    tx,
                    crate::member::Fields {
                        name: Some("Alex Kim".into()),
                        ..crate::member::Fields::default()
                    },
                )?;
                crate::session::create(tx, &member, Some("Weekly"), None)
            })
            .expect("session");
        let canary = "ERASE-ME-canary-7d2e";
        let added = store
            .write(|tx| note::add(tx, &session, canary, Visibility::Private, None, None))
            .expect("add");
        store
            .write(|tx| note::add(tx, &session, "kept", Visibility::Shared, None, None))
            .expect("another");
        store.write(|tx| note::remove(tx, &added)).expect("remove");
        let conn = store.connection();
        let count = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect("count") };
        assert_eq!(count("SELECT count(DISTINCT command) FROM undo_rows"), 1);
        assert_eq!(
            count("SELECT count(*) FROM undo_rows WHERE old LIKE '%ERASE-ME%' OR new LIKE '%ERASE-ME%'"),
            0,
            "the log keeps no text of a deleted note"
        );
        assert_eq!(
            count("SELECT count(*) FROM undo_rows WHERE new LIKE '%kept%'"),
            1
        );
    }
}
