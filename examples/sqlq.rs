//! The benchmark's reference for what the sqlite3 shell cannot read: one
//! SQL statement on a database, run by the SQLite coach is built with
//! (rusqlite's bundled one), its rows printed as `sqlite3 -list` does
//! (columns joined by `|`, NULL as nothing). The file is opened read-only.
//! With `--write`, the file is opened for writing, coach's triggers are
//! created as coach creates them before its first write
//! (`coach::store::install_triggers`: they keep the search index and the counts of
//! open actions), and the SQL (statements separated by `;`) is run in one
//! transaction, with `synchronous = FULL` and foreign keys checked, as
//! coach runs a command: begun IMMEDIATE, the search index's staged text
//! written (`coach::store::flush_search`), committed. The reference for
//! coach's writes.
//!
//! Debian's sqlite3 (3.40) can neither read nor write coach's search
//! index: FTS5's secure-delete needs SQLite 3.42 or later.
//!
//!   cargo run --release --example sqlq -- coach.db "SELECT count(*) FROM search_docs"
//!   cargo run --release --example sqlq -- --write coach.db "INSERT ...; UPDATE ..."

use std::io::{BufWriter, Write};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, db, sql] = args.as_slice() {
        anyhow::ensure!(flag == "--write", "usage: sqlq [--write] DATABASE SQL");
        let conn = Connection::open_with_flags(
            db,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON")?;
        coach::store::install_triggers(&conn)?;
        conn.execute_batch("BEGIN IMMEDIATE")?;
        conn.execute_batch(sql)?;
        coach::store::flush_search(&conn)?;
        conn.execute_batch("COMMIT")?;
        return Ok(());
    }
    let [db, sql] = args.as_slice() else {
        anyhow::bail!("usage: sqlq [--write] DATABASE SQL");
    };
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let mut stmt = conn.prepare(sql)?;
    let columns = stmt.column_count();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        for i in 0..columns {
            if i > 0 {
                out.write_all(b"|")?;
            }
            match row.get_ref(i)? {
                ValueRef::Null => {}
                ValueRef::Integer(n) => write!(out, "{n}")?,
                ValueRef::Real(x) => write!(out, "{x}")?,
                ValueRef::Text(t) | ValueRef::Blob(t) => out.write_all(t)?,
            }
        }
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
