//! Backups: a consistent copy of the database while it may be in use.

use std::fs;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::time::Duration;

use rusqlite::backup::Backup;
use rusqlite::Connection;

use crate::store::Store;
use crate::{Error, Result};

/// Copies the database to `target` with SQLite's online backup API, a few
/// hundred pages at a time so that writers are not held up. Returns the
/// number of pages copied. `target` must not exist; it is created 0600.
pub fn write(store: &Store, target: &Path) -> Result<i32> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(target)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::input(format!(
                "{} already exists; a backup never overwrites a file",
                target.display()
            ))
            .with_hint("choose a new file name, e.g. with the date in it"),
            _ => Error::io(format!("cannot create {}", target.display()), e),
        })?;
    let copied = copy(store.connection(), target);
    if copied.is_err() {
        let _ = fs::remove_file(target);
    }
    copied
}

fn copy(source: &Connection, target: &Path) -> Result<i32> {
    let mut destination = Connection::open(target)?;
    let backup = Backup::new(source, &mut destination)?;
    backup.run_to_completion(256, Duration::from_millis(5), None)?;
    let pages = backup.progress().pagecount;
    drop(backup);
    // The copy is a standalone file: no WAL beside it.
    destination.pragma_update(None, "journal_mode", "delete")?;
    Ok(pages)
}
