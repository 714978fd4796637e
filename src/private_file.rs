//! Owner-only files, written whole or not at all: the one writer behind
//! every file coach creates outside the database (exports, backups, the
//! trends page, saved attachments, the attachment store, the outbox).
//!
//! A [`PrivateFile`] is a temporary file (mode 0600, created with
//! `O_EXCL`, so never through a symlink) in the target's own folder. Its
//! bytes reach the target name only by [`PrivateFile::commit`]: a rename
//! that refuses an existing name ([`Existing::Refuse`], tempfile's
//! `persist_noclobber`) or replaces it ([`Existing::Replace`], with
//! `--force`). A rename replaces a symlink planted at the target; it
//! never writes through it. A write that fails, or a file never
//! committed, is removed on drop, so nothing half-written is left.
//!
//! A process killed with `kill -9` cannot remove its temporary file. Each
//! one holds an exclusive lock while it is open (released by the kernel
//! when its process dies), so [`sweep_stale`] removes exactly the
//! temporary files whose writer is gone; it runs before each write into a
//! folder.

use std::fs::{self, File, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tempfile::NamedTempFile;

use crate::{Error, Result};

/// How temporary files start and end, so [`sweep_stale`] finds only ours.
const PREFIX: &str = ".coach-";
const SUFFIX: &str = ".tmp";

/// A temporary file younger than this is never swept: its writer may not
/// have locked it yet (it does so right after creating it).
const GRACE: Duration = Duration::from_secs(2);

/// What to do when the target name already exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Refuse (the default of every command): nothing is written.
    Refuse,
    /// Replace it (`--force`, or content-addressed files whose name is
    /// their hash, so the bytes are the same).
    Replace,
}

impl Existing {
    /// `Replace` with `--force`, else `Refuse`.
    pub fn from_force(force: bool) -> Existing {
        if force {
            Existing::Replace
        } else {
            Existing::Refuse
        }
    }
}

/// An owner-only file being written; see the module documentation.
#[derive(Debug)]
pub struct PrivateFile {
    temp: NamedTempFile,
    target: PathBuf,
    existing: Existing,
}

impl PrivateFile {
    /// Starts writing `target`. Refuses at once, before any work, a target
    /// that is a folder, or that exists when `existing` is `Refuse`.
    pub fn create(target: &Path, existing: Existing) -> Result<PrivateFile> {
        check_target(target, existing)?;
        let temp = temp_in(folder_of(target)).map_err(|e| cannot_write(target, e))?;
        Ok(PrivateFile {
            temp,
            target: target.to_path_buf(),
            existing,
        })
    }

    /// Starts writing a file in `folder` whose name is known only at the
    /// end ([`PrivateFile::commit_as`]), such as a content-addressed file.
    pub fn create_in(folder: &Path) -> Result<PrivateFile> {
        let temp = temp_in(folder).map_err(|e| cannot_write(folder, e))?;
        Ok(PrivateFile {
            temp,
            target: folder.to_path_buf(),
            existing: Existing::Refuse,
        })
    }

    /// The temporary file's path (for writers that open it by name, such
    /// as SQLite's backup).
    pub fn temp_path(&self) -> &Path {
        self.temp.path()
    }

    /// The target's path.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Syncs the bytes and gives the file its name. After an error the
    /// temporary file is removed and the target is unchanged.
    pub fn commit(self) -> Result<()> {
        let target = self.target.clone();
        let existing = self.existing;
        self.commit_as(&target, existing)
    }

    /// [`PrivateFile::commit`] under the name `target`, in the same folder.
    pub fn commit_as(self, target: &Path, existing: Existing) -> Result<()> {
        let temp = self.temp;
        temp.as_file()
            .sync_all()
            .map_err(|e| cannot_write(target, e))?;
        let persisted = match existing {
            Existing::Refuse => temp.persist_noclobber(target),
            Existing::Replace => temp.persist(target),
        };
        match persisted {
            Ok(_) => {
                sync_folder(folder_of(target));
                Ok(())
            }
            Err(e) if e.error.kind() == io::ErrorKind::AlreadyExists => Err(exists(target)),
            Err(e) => Err(cannot_write(target, e.error)),
        }
    }
}

impl Write for PrivateFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

/// Writes `bytes` to `target` as a [`PrivateFile`].
pub fn write(target: &Path, bytes: &[u8], existing: Existing) -> Result<()> {
    let mut file = PrivateFile::create(target, existing)?;
    file.write_all(bytes).map_err(|e| cannot_write(target, e))?;
    file.commit()
}

/// A new temporary file in `folder`, swept first, locked as in use (a
/// file system without locks only loses the sweeping).
fn temp_in(folder: &Path) -> io::Result<NamedTempFile> {
    sweep_stale(folder);
    let temp = tempfile::Builder::new()
        .prefix(PREFIX)
        .suffix(SUFFIX)
        .permissions(Permissions::from_mode(0o600))
        .tempfile_in(folder)?;
    let _ = try_lock(temp.as_file());
    Ok(temp)
}

/// Refuses a target that is a folder, or that exists (a file, a symlink,
/// anything) when `existing` is `Refuse`.
pub fn check_target(target: &Path, existing: Existing) -> Result<()> {
    match fs::symlink_metadata(target) {
        Ok(meta) if meta.is_dir() => Err(Error::input(format!(
            "{} is a folder; nothing was written",
            target.display()
        ))
        .with_hint("give a file name")),
        Ok(_) if existing == Existing::Refuse => Err(exists(target)),
        _ => Ok(()),
    }
}

/// Removes the temporary files in `folder` left by writers that died
/// (unlocked and older than a moment). Best effort: errors are ignored.
/// Returns how many were removed.
pub fn sweep_stale(folder: &Path) -> usize {
    let Ok(entries) = fs::read_dir(folder) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(PREFIX) && name.ends_with(SUFFIX)) {
            continue;
        }
        if is_stale(&entry.path()) && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// A regular file (never a symlink), not modified for [`GRACE`], that
/// nobody holds locked.
fn is_stale(path: &Path) -> bool {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.file_type().is_file() {
        return false;
    }
    let old = meta
        .modified()
        .ok()
        .and_then(|m| SystemTime::now().duration_since(m).ok())
        .is_some_and(|age| age >= GRACE);
    old && File::open(path).is_ok_and(|f| try_lock(&f))
}

/// Takes an exclusive lock on `file` if nobody holds one; the kernel
/// releases it when the file is closed or its process dies.
fn try_lock(file: &File) -> bool {
    rustix::fs::flock(file, rustix::fs::FlockOperation::NonBlockingLockExclusive).is_ok()
}

/// The folder a target is written in ("." for a bare file name).
fn folder_of(target: &Path) -> &Path {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Makes a rename durable; failing to is not worth an error.
fn sync_folder(folder: &Path) {
    if let Ok(d) = File::open(folder) {
        let _ = d.sync_all();
    }
}

fn exists(target: &Path) -> Error {
    Error::input(format!(
        "{} already exists; nothing was written",
        target.display()
    ))
    .with_hint("pass --force to replace it, or give another file name")
}

fn cannot_write(target: &Path, err: io::Error) -> Error {
    Error::io(format!("cannot write {}", target.display()), err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn a_new_file_is_owner_only_and_whole() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        write(&target, b"hello", Existing::Refuse).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"hello");
        let mode = fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn an_existing_file_is_refused_unless_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        fs::write(&target, b"mine").unwrap();
        let err = write(&target, b"new", Existing::Refuse).unwrap_err();
        assert!(err.message().contains("already exists"), "{err}");
        assert_eq!(fs::read(&target).unwrap(), b"mine");
        write(&target, b"new", Existing::Replace).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"new");
    }

    #[test]
    fn a_symlink_is_replaced_never_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, b"precious").unwrap();
        let target = dir.path().join("out.txt");
        symlink(&victim, &target).unwrap();
        assert!(write(&target, b"x", Existing::Refuse).is_err());
        write(&target, b"x", Existing::Replace).unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"precious");
        assert!(!fs::symlink_metadata(&target).unwrap().is_symlink());
    }

    #[test]
    fn an_uncommitted_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.txt");
        let mut file = PrivateFile::create(&target, Existing::Refuse).unwrap();
        file.write_all(b"half").unwrap();
        drop(file);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn only_unlocked_old_temporary_files_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let live = PrivateFile::create(&dir.path().join("a"), Existing::Refuse).unwrap();
        let dead = dir.path().join(".coach-dead.tmp");
        fs::write(&dead, b"left by kill -9").unwrap();
        let old = SystemTime::now() - Duration::from_secs(60);
        for path in [live.temp_path(), dead.as_path()] {
            File::options()
                .write(true)
                .open(path)
                .unwrap()
                .set_modified(old)
                .unwrap();
        }
        let other = dir.path().join("notes.tmp");
        fs::write(&other, b"not ours").unwrap();
        assert_eq!(sweep_stale(dir.path()), 1);
        assert!(!dead.exists());
        assert!(live.temp_path().exists());
        assert!(other.exists());
    }
}
