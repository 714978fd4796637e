//! Backups: a consistent copy of the database while it may be in use.

use std::path::Path;
use std::time::Duration;

use rusqlite::backup::Backup;
use rusqlite::Connection;

use crate::private_file::{Existing, PrivateFile};
use crate::store::Store;
use crate::{Error, Result};

/// Copies the database to `target` with SQLite's online backup API, a few
/// hundred pages at a time so that writers are not held up. Returns the
/// number of pages copied. `target` must not exist; the copy is written to
/// a private temporary file beside it and renamed only when complete.
pub fn write(store: &Store, target: &Path) -> Result<i32> {
    if std::fs::symlink_metadata(target).is_ok() {
        return Err(Error::input(format!(
            "{} already exists; a backup never overwrites a file",
            target.display()
        ))
        .with_hint("choose a new file name, e.g. with the date in it"));
    }
    let file = PrivateFile::create(target, Existing::Refuse)?;
    let pages = copy(store.connection(), file.temp_path())?;
    file.commit()?;
    Ok(pages)
}

fn copy(source: &Connection, target: &Path) -> Result<i32> {
    let mut destination = Connection::open(target)?;
    let backup = Backup::new(source, &mut destination)?;
    backup.run_to_completion(256, Duration::from_millis(5), None)?;
    let pages = backup.progress().pagecount;
    drop(backup);
    // The copy is a standalone file: no WAL beside it.
    destination.pragma_update(None, "journal_mode", "delete")?;
    drop(destination);
    Ok(pages)
}
