//! The store: one SQLite file per user, owned by [`Store`].
//!
//! [`Store`] owns the connection and the schema migrations. Every command
//! runs inside exactly one transaction, handed out as a [`Tx`]:
//! [`Store::write`] begins it IMMEDIATE (two processes queue on the lock
//! instead of failing half-way) and commits only if the command succeeded;
//! [`Store::read`] begins a deferred transaction that is never committed, so
//! a read cannot change the file.

mod ids;
mod record;
mod stored;
mod triggers;
mod undo;
#[cfg(test)]
mod upgrade_tests;

use std::any::Any;
use std::cell::RefCell;
use std::fs;
use std::io::ErrorKind as IoKind;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};

pub use ids::{
    ambiguous, check_long_enough, new_id, new_uuid, normalize_prefix, seed_ids, AscendingIds,
    ShortIds, MAX_CANDIDATES,
};
pub use record::Record;
pub(crate) use stored::stored_enum;
pub use stored::UnknownStored;
pub use triggers::{flush_search, install as install_triggers, TRIGGERS};
pub use undo::{Change, Command as LoggedCommand, Conflict, Op, KEEP as UNDO_KEEP};

use crate::{when, Error, Result};

/// Schema migrations, in order. Append only: never edit a released one.
/// The database's `PRAGMA user_version` is the number applied so far.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_core.sql"),
    include_str!("migrations/0002_content.sql"),
    include_str!("migrations/0003_sharing.sql"),
    include_str!("migrations/0004_trends.sql"),
    include_str!("migrations/0005_history.sql"),
    include_str!("migrations/0006_application_id.sql"),
    include_str!("migrations/0007_deleted_text.sql"),
    include_str!("migrations/0008_session_life.sql"),
    include_str!("migrations/0009_email.sql"),
    include_str!("migrations/0010_replies.sql"),
    include_str!("migrations/0011_search_undo.sql"),
    include_str!("migrations/0012_note_from_template.sql"),
    include_str!("migrations/0013_kudos_outside_sessions_search.sql"),
    include_str!("migrations/0014_release_items_of_deleted_sessions.sql"),
    include_str!("migrations/0015_digests.sql"),
    include_str!("migrations/0016_search_in_date_order.sql"),
    include_str!("migrations/0017_search_tags.sql"),
    include_str!("migrations/0018_open_action_counts.sql"),
    include_str!("migrations/0019_search_newest_first.sql"),
    include_str!("migrations/0020_triggers_per_connection.sql"),
];

/// The schema version of a database this coach has brought up to date.
pub const LATEST_SCHEMA: usize = MIGRATIONS.len();

/// `PRAGMA application_id` of coach's files: "COCH" in ASCII. Set by the
/// migration 0006 (for new files and files of an earlier coach).
pub const APPLICATION_ID: i64 = 0x434F_4348;

/// Tables every coach file has had since its first version: a file without
/// them (and without coach's application id) is not coach's.
const OWN_TABLES: &[&str] = &["config", "state", "members", "sessions", "notes"];

/// How many prepared statements a connection keeps (`prepare_cached`).
/// rusqlite's default, 16, is fewer than the distinct statements of one
/// `session show` (the view reads a dozen tables, short ids and dedicated
/// notes per item), so statements were evicted and parsed again within a
/// single command; a cached statement costs a few KiB.
const STATEMENT_CACHE: usize = 128;

/// The page cache of a command, in KiB as a negative number (SQLite's
/// convention; its default is 2,000). A command reads most pages once (a
/// session's rows, an index range, the schema), and each page kept in a
/// larger cache is fresh heap that the kernel faults in: with 2,000 KiB the
/// recap of a 50-item session at ten years read 544 pages into 1,001 page
/// faults and 9.4 ms, with 256 KiB 602 reads (the same pages read again
/// from the OS's cache), 546 faults and 7.8 ms; `session show` 7.7 -> 6.4
/// ms. A command that comes back to the same pages many times asks for
/// more with [`Tx::widen_cache`].
const CACHE_KIB: i64 = -256;

/// The page cache of a read that comes back to the same pages many times
/// ([`Tx::widen_cache`]): SQLite's default. `action list --open` of the
/// whole team at ten years took 40.5 ms with it, 39.4 and 42.4 ms with 4
/// and 8 MiB.
const WIDE_CACHE_KIB: i64 = -2000;

/// How long a command waits for another process's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The user's database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// A fixed clock for the next transactions (dataset generation);
    /// `None`: the real time.
    clock: Option<DateTime<Utc>>,
    /// Opened for reading only (its folder is read-only, or completion).
    read_only: bool,
    /// Recording writes for `coach undo`; `None`: not recorded.
    recorder: Option<Recorder>,
    /// The undo log's hook on `conn`, once installed; taken off in `drop`.
    hook: Option<undo::Installed>,
    /// Whether [`TRIGGERS`] are created on `conn` (by its first write).
    triggers: bool,
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Some(hook) = self.hook.take() {
            hook.remove(&self.conn);
        }
    }
}

/// What [`Store::write`] needs to record a command for undo.
#[derive(Debug, Clone)]
struct Recorder {
    /// The command line, as `undo --list` shows it.
    label: String,
    /// The command's entry in the log, once a write of it changed something.
    command: Option<i64>,
    /// The connection's recording, once its first write installed it.
    log: Option<undo::Log>,
}

/// One transaction: everything a command reads or writes goes through it.
///
/// It carries the command's clock (`now`, one instant for the whole
/// command) and the id of the database's owner (`me`), the author of what
/// the coach writes.
pub struct Tx<'c> {
    tx: rusqlite::Transaction<'c>,
    now: DateTime<Utc>,
    me: String,
    folder: &'c Path,
    /// What [`Tx::memo`] read once in this transaction (the settings), by type.
    memo: RefCell<Vec<Rc<dyn Any>>>,
    /// The undo log's recording, when the command is recorded.
    log: Option<undo::Log>,
    /// Set by [`Tx::bulk`] when an import keeps nothing: [`Store::write`]
    /// then rolls the transaction back, though its work succeeded.
    discard: std::cell::Cell<bool>,
}

impl Store {
    /// The default database path: `coach.db` in the platform's data folder
    /// (`~/.local/share/coach/coach.db` on Linux).
    pub fn default_path() -> Result<PathBuf> {
        directories::ProjectDirs::from("", "", "coach")
            .map(|dirs| dirs.data_dir().join("coach.db"))
            .ok_or_else(|| {
                Error::database("cannot find a home folder for the database")
                    .with_hint("set COACH_DB or pass --db PATH")
            })
    }

    /// Opens the database at `path`, creating it (0600) on first use, and
    /// brings its schema up to date.
    ///
    /// `create_folder` creates the missing folders above the file (0700);
    /// it is meant for the default location. For a path the user chose, the
    /// folder must exist, as for any file a command is asked to write.
    pub fn open(path: &Path, create_folder: bool) -> Result<Store> {
        create_file(path, create_folder)?;
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|e| Error::database_at(path, e))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            clock: None,
            recorder: None,
            hook: None,
            read_only: false,
            triggers: false,
        };
        // The first read: in WAL mode, it opens the `-shm` file beside the
        // database, which fails when the folder is read-only.
        if let Err(err) = first_read(&store.conn) {
            store = Store::open_in_read_only_folder(path).map_err(|_| store.unavailable(err))?;
        }
        store.configure().map_err(|e| store.unavailable(e))?;
        store.migrate()?;
        Ok(store)
    }

    /// Opens a database whose folder is read-only, for reading. In WAL
    /// mode a reader needs the `-shm` file beside the database, which
    /// cannot be created there; nobody can write the file in that folder
    /// either, so it is opened as immutable (no locks, no `-shm`). Writes
    /// are refused with a clear error ([`Store::write`]).
    fn open_in_read_only_folder(path: &Path) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let uri = format!("file:{}?immutable=1", uri_path(path));
        let conn =
            Connection::open_with_flags(uri, flags).map_err(|e| Error::database_at(path, e))?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
            clock: None,
            read_only: true,
            recorder: None,
            hook: None,
            triggers: false,
        };
        store.configure().map_err(|e| store.unavailable(e))?;
        first_read(&store.conn).map_err(|e| store.unavailable(e))?;
        Ok(store)
    }

    /// Opens an existing, up-to-date database for reading only: no file is
    /// created and nothing is migrated. For shell completion, which must be
    /// quick and must never change anything.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            Connection::open_with_flags(path, flags).map_err(|e| Error::database_at(path, e))?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
            clock: None,
            recorder: None,
            hook: None,
            read_only: true,
            triggers: false,
        };
        store.configure().map_err(|e| store.unavailable(e))?;
        store.refuse_foreign()?;
        let version = store.schema_version().map_err(|e| store.unavailable(e))?;
        if version != MIGRATIONS.len() {
            return Err(Error::database(format!(
                "the database {} is at schema version {version}, not {}",
                path.display(),
                MIGRATIONS.len()
            )));
        }
        store.keep_wal_after_reads()?;
        Ok(store)
    }

    /// Sets the time the next transactions run at (`None`: the real
    /// time). For building datasets with a history; commands never use it.
    pub fn set_clock(&mut self, at: Option<DateTime<Utc>>) {
        self.clock = at;
    }

    /// Records every write from now on for `coach undo`, as one command
    /// called `label` (the command line): the rows each write changes go
    /// into the undo log in the write's own transaction. Off by default
    /// (dataset generation, tests of the library, undo itself).
    pub fn record_commands(&mut self, label: impl Into<String>) {
        self.recorder = Some(Recorder {
            label: label.into(),
            command: None,
            log: None,
        });
    }

    /// Where the database file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The folder beside the database where coach keeps files of its own
    /// (`attachments/`, `outbox/`): the database's folder.
    pub fn folder(&self) -> &Path {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        }
    }

    /// Runs `f` in a transaction that only reads: it is rolled back, never
    /// committed, so the file is left exactly as it was.
    pub fn read<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let tx = self.begin(TransactionBehavior::Deferred)?;
        f(&tx)
    }

    /// Runs `f` in a write transaction, begun IMMEDIATE, committed only if
    /// `f` succeeds: the command changes everything it says or nothing.
    ///
    /// When recording ([`Store::record_commands`]), the rows it changes are
    /// logged for undo in the same transaction.
    pub fn write<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        if self.read_only {
            return Err(self.cannot_write());
        }
        self.checkpoint_on_close()?;
        if !self.triggers {
            triggers::install(&self.conn)?;
            self.triggers = true;
        }
        if let Some(r) = &mut self.recorder {
            if r.log.is_none() {
                let (log, hook) = undo::Log::install(&self.conn)?;
                r.log = Some(log);
                self.hook = Some(hook);
            }
        }
        let recorder = self.recorder.clone();
        let (value, command) = {
            let mut tx = self.begin(TransactionBehavior::Immediate)?;
            let command = match &recorder {
                Some(Recorder {
                    command,
                    log: Some(log),
                    ..
                }) => {
                    let id = log.start(&tx.tx, *command)?;
                    tx.log = Some(log.clone());
                    Some(id)
                }
                _ => None,
            };
            let done = f(&tx).and_then(|value| {
                tx.flush_search()?;
                let kept = match (command, &recorder, &tx.log) {
                    (Some(id), Some(r), Some(log)) => log
                        .finish(&tx.tx, id, &r.label, &tx.now_text())?
                        .then_some(id),
                    _ => None,
                };
                Ok((value, kept))
            });
            if let Some(log) = &tx.log {
                log.stop();
            }
            let (value, kept) = done?;
            if tx.discard.get() {
                // Rolled back as it is dropped: not in the undo log either.
                (value, None)
            } else {
                tx.tx.commit()?;
                (value, kept)
            }
        };
        if let (Some(id), Some(r)) = (command, &mut self.recorder) {
            r.command = Some(id);
        }
        Ok(value)
    }

    /// [`Store::write`] for a bulk import ([`Tx::bulk`]), with SQLite's
    /// temporary data in files, as by default, rather than in memory. An
    /// import takes no savepoint, but each of its statements journals the
    /// first version of every page it changes: 256 feedback rows change
    /// some 850 pages of the table's and the search index's B-trees, over
    /// 3 MB. Past 64 KiB, such a journal goes to a file unlinked as it is
    /// created, and gone when the statement ends; in memory, an import of
    /// 20,000 rows peaked 5 MB higher, and took longer.
    ///
    /// Changing where temporary data goes empties the connection's
    /// temporary database, TEMP triggers and tables included: they are
    /// installed again by the next write.
    pub fn write_bulk<T>(&mut self, f: impl FnOnce(&Tx<'_>) -> Result<T>) -> Result<T> {
        let temp_store = |store: &mut Store, value: &str| {
            store.triggers = false;
            store
                .conn
                .pragma_update(None, "temp_store", value)
                .map_err(|e| store.unavailable(e))
        };
        temp_store(self, "FILE")?;
        let done = self.write(f);
        temp_store(self, "MEMORY")?;
        done
    }

    /// The underlying connection, for the online backup API only
    /// (`backup.rs`: SQLite's backup copies from a connection, outside any
    /// transaction). Everything else goes through a [`Tx`], which never
    /// hands out its connection.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn begin(&mut self, behavior: TransactionBehavior) -> Result<Tx<'_>> {
        let path = self.path.clone();
        let folder = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let tx = self
            .conn
            .transaction_with_behavior(behavior)
            .map_err(|e| busy_or(&path, e))?;
        let me: String = tx
            .query_row("SELECT value FROM state WHERE key = 'user.id'", [], |r| {
                r.get(0)
            })
            .map_err(|e| busy_or(&path, e))?;
        Ok(Tx {
            tx,
            now: self.clock.unwrap_or_else(Utc::now),
            me,
            folder,
            memo: RefCell::new(Vec::new()),
            log: None,
            discard: std::cell::Cell::new(false),
        })
    }

    fn configure(&self) -> rusqlite::Result<()> {
        self.conn.busy_timeout(BUSY_TIMEOUT)?;
        self.conn
            .set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        self.conn.pragma_update(None, "foreign_keys", true)?;
        self.conn.pragma_update(None, "cache_size", CACHE_KIB)?;
        // Statement journals and sorts in memory, never in a temporary
        // file: the pages of a statement that may be undone (an insert
        // whose triggers write the search index) went to an unlinked file
        // in /var/tmp, 1,468 pages for 100 replies, and the text of a
        // note, private ones too, has no business outside coach's folder.
        // Bulk imports are the exception ([`Store::write_bulk`]).
        self.conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Deleted content is overwritten with zeros, not left in free space
        // in the file: a deleted private note's text must not linger for a
        // backup or a copy of the file to carry.
        self.conn.pragma_update(None, "secure_delete", true)?;
        // Durable once the command returns: in WAL mode, FULL syncs the WAL
        // at every commit (one fsync, well under a millisecond here).
        // NORMAL syncs only at checkpoints, so the last commits could be
        // lost on a power cut or an OS crash although the command said done.
        self.conn.pragma_update(None, "synchronous", "FULL")?;
        // Query plans that never depend on the values bound: without it,
        // SQLite prepared some cached statements again at every new value
        // (a metric's name, a member's id), which cost more than the query
        // (`member trends` over nine metrics, `team` over sixty members).
        self.conn
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        Ok(())
    }

    /// Keeps the WAL and its index in place when the connection closes, once
    /// the file is known to be coach's and up to date.
    ///
    /// A connection that only reads leaves the WAL and its index (`-wal`,
    /// `-shm`) in place at close, for the next command to open as they are;
    /// SQLite's default, a checkpoint and both files unlinked by the last
    /// connection, made every command create them again. It also means a
    /// read never checkpoints into the database file, even a WAL left
    /// behind by a killed writer. The first write of a connection turns the
    /// checkpoint at close back on ([`Store::checkpoint_on_close`]), so after
    /// a command that wrote, the file stands alone as before. A file that is
    /// not coach's is never left with files beside it.
    fn keep_wal_after_reads(&self) -> Result<()> {
        self.conn
            .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true)
            .map(drop)
            .map_err(|e| self.unavailable(e))
    }

    /// Makes the connection checkpoint the WAL into the database file and
    /// remove it when it closes (as the last connection): called before
    /// anything is written, so a command that changed the file leaves it
    /// whole, alone, for copies and backups.
    fn checkpoint_on_close(&self) -> rusqlite::Result<()> {
        self.conn
            .set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false)
            .map(drop)
    }

    /// Refuses, before anything is written, a SQLite file that is not
    /// coach's: another program's application id, or tables without
    /// coach's own (a file coach has never touched is empty).
    fn refuse_foreign(&self) -> Result<()> {
        let id: i64 = self
            .conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .map_err(|e| self.unavailable(e))?;
        if id == APPLICATION_ID {
            return Ok(());
        }
        let foreign = if id != 0 {
            true
        } else {
            let tables: Vec<String> = self
                .conn
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
                .and_then(|mut stmt| {
                    stmt.query_map([], |r| r.get(0))?
                        .collect::<rusqlite::Result<_>>()
                })
                .map_err(|e| self.unavailable(e))?;
            !tables.is_empty() && !OWN_TABLES.iter().all(|t| tables.iter().any(|n| n == t))
        };
        if foreign {
            return Err(Error::database(format!(
                "{} is not a coach database (it belongs to another program); it was not changed",
                self.path.display()
            ))
            .with_hint("choose another file with --db PATH or COACH_DB"));
        }
        Ok(())
    }

    /// The error for a change to a database opened for reading only.
    fn cannot_write(&self) -> Error {
        let folder = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        Error::database(format!(
            "the folder {} is read-only: coach can read {} but not change it; nothing was changed",
            folder.display(),
            self.path.display()
        ))
        .with_hint("make the folder writable to change the database")
    }

    fn unavailable(&self, err: rusqlite::Error) -> Error {
        Error::database_at(&self.path, err)
    }

    fn schema_version(&self) -> rusqlite::Result<usize> {
        self.conn
            .pragma_query_value(None, "user_version", |row| row.get::<_, i64>(0))
            .map(|v| usize::try_from(v).unwrap_or(usize::MAX))
    }

    /// Applies the migrations this file lacks, each in its own IMMEDIATE
    /// transaction. Refuses, without writing, a file from a newer coach.
    /// On an up-to-date file this only reads one pragma.
    fn migrate(&mut self) -> Result<()> {
        self.refuse_foreign()?;
        let version = self.schema_version().map_err(|e| self.unavailable(e))?;
        if version > MIGRATIONS.len() {
            return Err(too_new(&self.path, version));
        }
        if version == MIGRATIONS.len() {
            return self.keep_wal_after_reads();
        }
        if self.read_only {
            return Err(self.cannot_write());
        }
        // WAL lets a cron job read while a coach writes. It is a property
        // of the file, set once, and cannot be set inside a transaction.
        self.conn
            .pragma_update_and_check(None, "journal_mode", "wal", |_| Ok(()))
            .map_err(|e| self.unavailable(e))?;
        let path = self.path.clone();
        for (index, sql) in MIGRATIONS.iter().enumerate() {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(|e| busy_or(&path, e))?;
            // Another process may have migrated while we waited for the lock.
            let applied: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
            let applied = usize::try_from(applied).unwrap_or(usize::MAX);
            if applied > MIGRATIONS.len() {
                return Err(too_new(&path, applied));
            }
            if applied > index {
                continue;
            }
            apply_migration(&tx, index, sql)?;
            tx.commit()?;
        }
        Ok(())
    }
}

/// The tables (and their columns), indexes, triggers and views coach's
/// migrations make, by type and name, from an empty database in memory
/// brought up to date (for `coach doctor`, which looks for them in the
/// file).
pub fn expected_schema() -> Result<Vec<(String, String)>> {
    let conn = Connection::open_in_memory()?;
    for (index, sql) in MIGRATIONS.iter().enumerate() {
        apply_migration(&conn, index, sql)?;
    }
    schema_objects(&conn)
}

/// The schema's objects by type and name, SQLite's own left out, and the
/// columns of its tables (type `column`, name `table.column`).
fn schema_objects(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "WITH objects AS (SELECT type, name FROM sqlite_master
                          WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\')
         SELECT type, name FROM objects
         UNION ALL
         SELECT 'column', o.name || '.' || c.name
         FROM objects o, pragma_table_info(o.name) c WHERE o.type = 'table'
         ORDER BY 1, 2",
    )?;
    let objects = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(objects.collect::<rusqlite::Result<_>>()?)
}

/// Applies migration number `index` (0-based, its text `sql`) and records
/// it in `user_version`; the first also creates the owner's id.
fn apply_migration(conn: &Connection, index: usize, sql: &str) -> rusqlite::Result<()> {
    conn.execute_batch(sql)?;
    if index == 0 {
        conn.execute(
            "INSERT INTO state (key, value) VALUES ('user.id', ?1)",
            [new_id()],
        )?;
    }
    conn.pragma_update(None, "user_version", (index + 1) as i64)
}

impl<'c> Tx<'c> {
    /// The instant this command runs at.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// `now` in the storage form.
    pub fn now_text(&self) -> String {
        when::to_storage(self.now)
    }

    /// The id of the database's owner: the coach.
    pub fn me(&self) -> &str {
        &self.me
    }

    /// The folder beside the database where coach keeps its files.
    pub fn folder(&self) -> &Path {
        self.folder
    }

    /// The schema version of the database (the number of migrations).
    pub fn schema_version(&self) -> Result<usize> {
        let version: i64 = self
            .tx
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        Ok(usize::try_from(version).unwrap_or(0))
    }

    /// The schema's objects by type and name (see [`expected_schema`]).
    pub fn schema_objects(&self) -> Result<Vec<(String, String)>> {
        schema_objects(&self.tx)
    }

    /// Whether the schema has a table called `name`.
    pub fn table_exists(&self, name: &str) -> Result<bool> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1")?;
        Ok(stmt.exists([name])?)
    }

    /// The column names of a table, in order.
    pub fn columns(&self, table: &str) -> Result<Vec<String>> {
        let mut stmt = self.tx.prepare("SELECT name FROM pragma_table_info(?1)")?;
        let names = stmt.query_map([table], |r| r.get(0))?;
        Ok(names.collect::<rusqlite::Result<_>>()?)
    }

    /// Whether the database holds no member and no setting yet.
    pub fn is_empty(&self) -> Result<bool> {
        let any: bool = self.tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM members) OR EXISTS (SELECT 1 FROM config)",
            [],
            |r| r.get(0),
        )?;
        Ok(!any)
    }

    /// Runs `sql` (not cached: for statements built at run time) and calls
    /// `each` with every row.
    pub fn each_row(
        &self,
        sql: &str,
        params: &[&dyn rusqlite::ToSql],
        mut each: impl FnMut(&rusqlite::Row<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut stmt = self.tx.prepare(sql)?;
        let mut rows = stmt.query(params)?;
        while let Some(row) = rows.next()? {
            each(row)?;
        }
        Ok(())
    }

    /// The value of type `T` read by `load` once in this transaction: the
    /// first call loads it, the next ones share it (until [`Tx::forget`]).
    /// This is how the settings are read once per command.
    pub fn memo<T: 'static>(&self, load: impl FnOnce(&Self) -> Result<T>) -> Result<Rc<T>> {
        let known = self
            .memo
            .borrow()
            .iter()
            .find_map(|v| v.clone().downcast::<T>().ok());
        if let Some(known) = known {
            return Ok(known);
        }
        let value = Rc::new(load(self)?);
        self.memo.borrow_mut().push(value.clone());
        Ok(value)
    }

    /// Drops the value of type `T` kept by [`Tx::memo`], after a change to
    /// what it was read from.
    pub fn forget<T: 'static>(&self) {
        self.memo.borrow_mut().retain(|v| !v.is::<T>());
    }

    /// A statement of an area module, prepared once per connection and
    /// kept in its cache. The area modules write their SQL through these
    /// few methods; none of them hands out the connection.
    pub fn prepare_cached(&self, sql: &str) -> rusqlite::Result<rusqlite::CachedStatement<'_>> {
        self.tx.prepare_cached(sql)
    }

    /// A statement built at run time, not worth keeping in the cache.
    pub fn prepare(&self, sql: &str) -> rusqlite::Result<rusqlite::Statement<'_>> {
        self.tx.prepare(sql)
    }

    /// Runs one statement built at run time (not cached); the number of
    /// rows it changed.
    pub fn execute(&self, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
        self.tx.execute(sql, params)
    }

    /// Runs statements that take no parameters (savepoints).
    pub fn execute_batch(&self, sql: &str) -> rusqlite::Result<()> {
        self.tx.execute_batch(sql)
    }

    /// The rowid of the last row inserted on this connection.
    pub fn last_insert_rowid(&self) -> i64 {
        self.tx.last_insert_rowid()
    }

    /// The file's `PRAGMA application_id` (coach's is [`APPLICATION_ID`]).
    pub fn application_id(&self) -> Result<i64> {
        Ok(self
            .tx
            .pragma_query_value(None, "application_id", |r| r.get(0))?)
    }

    /// Gives this command SQLite's default page cache rather than coach's
    /// small one ([`CACHE_KIB`]): for a list of the whole team, which
    /// joins thousands of rows to the same index pages of their sessions
    /// and members.
    pub fn widen_cache(&self) -> Result<()> {
        self.set_cache_size(WIDE_CACHE_KIB)
    }

    /// Sets this connection's page cache (`PRAGMA cache_size`: pages, or
    /// KiB as a negative number), for bulk imports and for reads that come
    /// back to the same pages many times; it lasts as long as the command.
    pub fn set_cache_size(&self, size: i64) -> Result<()> {
        Ok(self.tx.pragma_update(None, "cache_size", size)?)
    }

    /// The shortest unique prefix (at least 4 characters) of `id` among the
    /// ids of `table`.
    pub fn short_id(&self, table: &'static str, id: &str) -> Result<String> {
        ids::short_id(&self.tx, table, id)
    }

    /// [`Tx::short_id`] of many ids of `table`, in the order given; for
    /// lists, much cheaper than one at a time.
    pub fn short_ids(&self, table: &'static str, ids: &[&str]) -> Result<Vec<String>> {
        ids::short_ids(&self.tx, table, ids)
    }

    /// [`Tx::short_ids`] as lengths, of `n` ids, the `i`th being `id(i)`:
    /// each short id is `&id[..len]`, for long lists that keep their rows'
    /// text in place.
    pub fn short_id_lens<'a>(
        &self,
        table: &'static str,
        n: usize,
        id: impl Fn(usize) -> &'a str,
    ) -> Result<Vec<u32>> {
        ids::short_id_lens(&self.tx, table, n, id)
    }

    /// The latest `limit` commands of the undo log, newest first.
    pub fn undo_commands(&self, limit: usize) -> Result<Vec<LoggedCommand>> {
        undo::commands(&self.tx, limit)
    }

    /// The rows a logged command changed, in the order it changed them.
    pub fn undo_changes(&self, command: i64) -> Result<Vec<Change>> {
        undo::changes(&self.tx, command)
    }

    /// Puts back a logged change, if its row is still as the change left
    /// it (otherwise changes nothing and says why).
    pub fn revert(&self, change: &Change) -> Result<std::result::Result<(), Conflict>> {
        undo::revert(&self.tx, change)
    }

    /// Takes an undone command out of the log.
    pub fn forget_command(&self, command: i64) -> Result<()> {
        undo::forget(&self.tx, command)
    }

    /// Runs `f`, an import, whose `Ok(false)` means that nothing is kept:
    /// then the whole transaction is rolled back when the write ends
    /// ([`Store::write`]), though `f`'s value is returned (the report of
    /// the bad rows). Not a savepoint: its journal holds the first version
    /// of every page the import changes, hundreds of MB at ten years, and
    /// cost a tenth of the import's time. The rows it inserts are logged
    /// for undo by their fingerprint, a tenth of the room of their values;
    /// [`Tx::flush_log`] writes them into the log as the import goes, so
    /// that its memory stays bounded.
    pub fn bulk<T>(&self, f: impl FnOnce() -> Result<(T, bool)>) -> Result<T> {
        if let Some(log) = &self.log {
            log.set_bulk(&self.tx, true)?;
        }
        let done = f();
        let keep = matches!(done, Ok((_, true)));
        if let Some(log) = &self.log {
            if !keep {
                log.discard();
            }
            log.set_bulk(&self.tx, false)?;
        }
        if !keep {
            self.discard.set(true);
        }
        done.map(|(value, _)| value)
    }

    /// Writes the search index's text that this transaction's writes
    /// staged (`triggers.sql`): done before it commits, and by a bulk
    /// import after each chunk, so that the stage stays small. Only in a
    /// write transaction.
    ///
    /// The text meets what the index already holds there: a row of text
    /// that no record points to (a file written by another program) at a
    /// rowid a record takes is a damaged database, not a bug.
    pub fn flush_search(&self) -> Result<()> {
        triggers::flush_search(&self.tx).map_err(|err| match err.sqlite_error_code() {
            Some(rusqlite::ErrorCode::ConstraintViolation) => Error::database(
                "the search index holds text that no record points to",
            )
            .with_hint("it was changed outside coach: `coach doctor --repair` indexes it again"),
            _ => err.into(),
        })
    }

    /// Writes the changes recorded so far into the undo log (see
    /// [`Tx::bulk`]).
    pub fn flush_log(&self) -> Result<()> {
        match &self.log {
            Some(log) => log.flush(&self.tx),
            None => Ok(()),
        }
    }

    /// A value from the local state table.
    pub fn state(&self, key: &str) -> Result<Option<String>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT value FROM state WHERE key = ?1")?;
        Ok(stmt.query_row([key], |r| r.get(0)).optional()?)
    }

    /// Sets (or, with `None`, removes) a value of the local state table.
    pub fn set_state(&self, key: &str, value: Option<&str>) -> Result<()> {
        match value {
            Some(value) => self
                .tx
                .prepare_cached(
                    "INSERT INTO state (key, value) VALUES (?1, ?2)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )?
                .execute([key, value])?,
            None => self
                .tx
                .prepare_cached("DELETE FROM state WHERE key = ?1")?
                .execute([key])?,
        };
        Ok(())
    }
}

/// Reads the timestamp in column `i` of a row. A time that is not in the
/// stored form is an error (exit 4) naming the column, never a panic.
pub fn time_at(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<DateTime<Utc>> {
    let parse = |text: &str| {
        when::from_storage(text).map_err(|e| {
            let column = row.as_ref().column_name(i).unwrap_or("a column");
            let e = Error::database(format!("{} (in {column})", e.message()));
            rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
        })
    };
    // Read in place: lists read several times a row, thousands of rows.
    match row.get_ref(i)?.as_str() {
        Ok(text) => parse(text),
        // Not text: `get` makes the usual error.
        Err(_) => parse(&row.get::<_, String>(i)?),
    }
}

/// Reads the optional timestamp in column `i` of a row.
pub fn opt_time_at(row: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    match row.get_ref(i)? {
        rusqlite::types::ValueRef::Null => Ok(None),
        _ => time_at(row, i).map(Some),
    }
}

/// Creates the database file (0600) and, if asked, its folders (0700).
/// Creating the file ourselves, before SQLite does, is what makes its mode
/// owner-only; SQLite gives the `-wal` and `-shm` files the same mode.
fn create_file(path: &Path, create_folder: bool) -> Result<()> {
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if create_folder && !folder.exists() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(folder)
            .map_err(|e| cannot_create(path, e))?;
    }
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == IoKind::AlreadyExists => Ok(()),
        Err(e) if e.kind() == IoKind::NotFound && !folder.is_dir() => {
            Err(Error::database(format!(
                "cannot create the database {}: the folder {} does not exist",
                path.display(),
                folder.display()
            ))
            .with_hint("create the folder first, or choose another --db PATH / COACH_DB"))
        }
        Err(e) => Err(cannot_create(path, e)),
    }
}

fn first_read(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
}

/// A path as the path of a `file:` URI: every byte other than letters,
/// digits and `/-._~` percent-encoded (so `?`, `#` and `%` in a folder's
/// name stay part of the path).
fn uri_path(path: &Path) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut uri = String::new();
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

fn cannot_create(path: &Path, err: std::io::Error) -> Error {
    let reason = match err.kind() {
        IoKind::PermissionDenied | IoKind::ReadOnlyFilesystem | IoKind::NotFound => {
            "its folder is read-only".to_string()
        }
        IoKind::NotADirectory => "part of its path is a file, not a folder".to_string(),
        _ => Error::io("", err)
            .message()
            .trim_start_matches(": ")
            .to_string(),
    };
    Error::database(format!(
        "cannot create the database {}: {reason}",
        path.display()
    ))
    .with_hint("choose a writable place with --db PATH or COACH_DB")
}

fn too_new(path: &Path, version: usize) -> Error {
    Error::database(format!(
        "the database {} was written by a newer coach (schema version {version}; this coach knows up to {})",
        path.display(),
        MIGRATIONS.len()
    ))
    .with_hint("upgrade coach to use this file; it was not changed")
}

fn busy_or(path: &Path, err: rusqlite::Error) -> Error {
    match err.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            Error::from(err)
        }
        _ => Error::database_at(path, err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_database_gets_every_migration_and_an_owner() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("coach.db");
        let mut store = Store::open(&path, false).expect("open");
        assert_eq!(store.schema_version().expect("version"), MIGRATIONS.len());
        let me = store.read(|tx| Ok(tx.me().to_string())).expect("read");
        assert_eq!(me.len(), 32);
        // Opening again keeps the same owner.
        let mut again = Store::open(&path, false).expect("reopen");
        assert_eq!(again.read(|tx| Ok(tx.me().to_string())).expect("read"), me);
    }

    /// A command writes nothing outside coach's folder: SQLite's statement
    /// journals and sorts (pages of notes, private ones too) stay in memory
    /// rather than going to a temporary file in /var/tmp, however the
    /// database is opened.
    #[test]
    fn statement_journals_and_sorts_stay_in_memory() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("coach.db");
        let temp_store = |store: &Store| -> i64 {
            store
                .connection()
                .pragma_query_value(None, "temp_store", |r| r.get(0))
                .expect("temp_store")
        };
        let store = Store::open(&path, false).expect("open");
        assert_eq!(temp_store(&store), 2, "MEMORY");
        drop(store);
        assert_eq!(temp_store(&Store::open_read_only(&path).expect("open")), 2);
        assert_eq!(
            temp_store(&Store::open_in_read_only_folder(&path).expect("open")),
            2
        );
    }

    /// An import that keeps nothing ([`Tx::bulk`]) rolls back the whole
    /// write, what came before it too, yet returns its value (the report
    /// of the bad rows). Its large statement journals go to a file (see
    /// [`Store::write_bulk`]); the commands after it keep theirs in memory.
    #[test]
    fn a_bulk_import_that_keeps_nothing_rolls_the_write_back() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(&dir.path().join("coach.db"), false).expect("open");
        let import = |keep: bool| {
            move |tx: &Tx<'_>| {
                tx.set_state("before", Some("1"))?;
                tx.bulk(|| {
                    tx.set_state("imported", Some("1"))?;
                    let temp_store: i64 =
                        tx.tx.pragma_query_value(None, "temp_store", |r| r.get(0))?;
                    Ok((temp_store, keep))
                })
            }
        };
        let states = |store: &mut Store| {
            store
                .read(|tx| Ok((tx.state("before")?, tx.state("imported")?)))
                .expect("read")
        };
        assert_eq!(
            store.write_bulk(import(false)).expect("a report"),
            1,
            "FILE"
        );
        assert_eq!(states(&mut store), (None, None));
        assert_eq!(store.write(import(true)).expect("kept"), 2, "MEMORY");
        let one = Some("1".to_string());
        assert_eq!(states(&mut store), (one.clone(), one));
        let failed: Result<()> = store.write_bulk(|_| Err(Error::input("a bad row")));
        assert!(failed.is_err());
        assert_eq!(
            store
                .read(|tx| Ok(tx
                    .tx
                    .pragma_query_value(None, "temp_store", |r| r.get::<_, i64>(0))?))
                .expect("read"),
            2
        );
    }

    #[test]
    fn a_failed_write_changes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(&dir.path().join("coach.db"), false).expect("open");
        let result: Result<()> = store.write(|tx| {
            tx.set_state("probe", Some("1"))?;
            Err(Error::input("stop half-way"))
        });
        assert!(result.is_err());
        assert_eq!(store.read(|tx| tx.state("probe")).expect("read"), None);
    }
}
