//! Attachments: files added to a session (scorecards, learning content).
//!
//! The bytes live in a content-addressed store beside the database,
//! `attachments/<sha256>` (folder 0700, files 0600), so identical files are
//! kept once however often they are attached; the database holds one row
//! per attachment (its name, size, media type and hash).
//!
//! A file enters the store whole or not at all: it is copied to a temporary
//! file in the same folder while it is hashed (streaming, never all in
//! memory), synced, then renamed to its hash. The row is written after the
//! file, in the command's transaction; if that transaction fails, the
//! content file left behind is harmless (it is only ever reached by hash).

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::Settings;
use crate::member::check_line;
use crate::note::{self, Note, Visible};
use crate::private_file::{Existing, PrivateFile};
use crate::session::Session;
use crate::store::{new_id, time_at, Record, ShortIds, Tx};
use crate::{Error, ErrorKind, Result};

/// The store's folder, inside the database's folder.
pub const FOLDER: &str = "attachments";

/// The longest attachment name, in characters.
const MAX_NAME: usize = 255;

/// An attachment of a session.
#[derive(Debug, Clone, Serialize)]
pub struct Attachment<N = Note> {
    pub id: String,
    pub short_id: String,
    pub session_id: String,
    /// The file name it was attached as (or `--name`): one line, no `/`.
    pub name: String,
    /// Bytes.
    pub size: u64,
    /// The media (MIME) type, guessed from the name's extension;
    /// `application/octet-stream` when unknown.
    pub media_type: String,
    /// The SHA-256 of the content, in hex: its file name in the store.
    pub sha256: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The notes dedicated to this attachment that the audience may see.
    pub notes: Vec<N>,
}

const SELECT: &str = "SELECT a.id, a.session_id, a.name, a.size, a.media_type, a.sha256,
            a.created_at, a.updated_at
     FROM attachments a JOIN sessions s ON s.id = a.session_id";

/// Copies the file at `source` into the store in `folder` (the database's
/// folder) and adds it to `session` as `name` (default: the file's name).
///
/// A missing, unreadable or non-regular path, or a file larger than the
/// setting `attachments.max-size`, is an error and nothing is stored.
pub fn add(
    tx: &Tx<'_>,
    folder: &Path,
    session: &Session,
    source: &Path,
    name: Option<&str>,
) -> Result<Attachment> {
    let name = match name {
        Some(name) => check_name(name)?,
        None => check_name(&default_name(source)?)?,
    };
    let max = Settings::of(tx)?.attachment_max_size()?;
    remove_orphans(tx, folder)?;
    let stored = store_file(folder, source, max)?;
    let id = new_id();
    tx.prepare_cached(
        "INSERT INTO attachments (id, session_id, name, sha256, size, media_type, author, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)")?.execute(
        rusqlite::params![
            id,
            session.id,
            name,
            stored.sha256,
            i64::try_from(stored.size).unwrap_or(i64::MAX),
            media_type(&name, source),
            tx.me(),
            tx.now_text()
        ],
    )?;
    get(tx, &id)
}

/// The attachment with this full id, with its dedicated notes (the
/// coach's view).
pub fn get(tx: &Tx<'_>, id: &str) -> Result<Attachment> {
    let sql = format!("{SELECT} WHERE a.id = ?1 AND a.deleted_at IS NULL AND s.deleted_at IS NULL");
    let mut stmt = tx.prepare_cached(&sql)?;
    let attachment = stmt
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::input(format!("no attachment has the id {id}")))?;
    finish(tx, attachment)
}

/// Attachments are resolved in the coach's view.
impl Record for Attachment {
    const TABLES: &'static [&'static str] = &["attachments"];
    const NOUN: &'static str = "attachment";
    const PLURAL: &'static str = "attachments";
    const LIST_HINT: &'static str = "`coach attachment list` shows the ids";

    fn read(tx: &Tx<'_>, _: &'static str, id: &str) -> Result<Attachment> {
        get(tx, id)
    }

    /// The short id and file name: `1a2b (scorecard.csv)`.
    fn candidate(tx: &Tx<'_>, _: &'static str, id: &str) -> Result<String> {
        let a = get(tx, id)?;
        Ok(format!("{} ({})", a.short_id, a.name))
    }
}

/// The attachments of a session, in the order they were added, each with
/// the dedicated notes the audience of `N` may see.
pub fn for_session<N: Visible>(
    tx: &Tx<'_>,
    session_id: &str,
    ids: ShortIds,
) -> Result<Vec<Attachment<N>>> {
    let sql = format!(
        "{SELECT} WHERE a.session_id = ?1 AND a.deleted_at IS NULL AND s.deleted_at IS NULL
         ORDER BY a.created_at, a.id"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows = stmt.query_map([session_id], from_row)?;
    let attachments = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    attachments
        .into_iter()
        .map(|a| finish_with(tx, a, ids))
        .collect()
}

/// The attachments of every session with a member, newest session first
/// (the coach's view).
pub fn for_member(tx: &Tx<'_>, member_id: &str) -> Result<Vec<Attachment>> {
    let sql = format!(
        "{SELECT} WHERE s.member_id = ?1 AND s.deleted_at IS NULL AND a.deleted_at IS NULL
         ORDER BY s.held_at DESC, a.created_at, a.id"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows = stmt.query_map([member_id], from_row)?;
    let attachments = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    attachments.into_iter().map(|a| finish(tx, a)).collect()
}

/// Where an attachment is written out.
#[derive(Debug, Clone)]
pub enum Destination {
    /// Standard output.
    Stdout,
    /// A file (or, if it is an existing folder, a file named after the
    /// attachment in it).
    Path(PathBuf),
}

/// Writes an attachment out, after checking the stored content against
/// its hash. An existing file is only replaced with `force`; a file is
/// written whole or not at all. Returns the path written (`None` for
/// standard output).
pub fn save(
    folder: &Path,
    attachment: &Attachment,
    destination: &Destination,
    force: bool,
) -> Result<Option<PathBuf>> {
    match destination {
        Destination::Stdout => {
            // Check first, so a damaged file never reaches the pipe.
            verify(folder, attachment)?;
            let mut stdout = io::stdout().lock();
            copy_out(folder, attachment, &mut stdout, |e| {
                Error::io("cannot write the output", e)
            })?;
            stdout
                .flush()
                .map_err(|e| Error::io("cannot write the output", e))?;
            Ok(None)
        }
        Destination::Path(path) => {
            let path = if path.is_dir() {
                path.join(safe_file_name(attachment)?)
            } else {
                path.clone()
            };
            save_to_file(folder, attachment, &path, force)?;
            Ok(Some(path))
        }
    }
}

/// The default path of `attachment save`: the attachment's name in the
/// current folder.
pub fn default_path(attachment: &Attachment) -> Result<PathBuf> {
    Ok(PathBuf::from(safe_file_name(attachment)?))
}

/// The whole content of an attachment, checked against its hash (for
/// emails, which carry attachments in memory anyway).
pub fn read_verified(folder: &Path, attachment: &Attachment) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    copy_out(folder, attachment, &mut bytes, |e| {
        Error::io("cannot read an attachment", e)
    })?;
    Ok(bytes)
}

/// A size for people: `812 B`, `1.2 KiB`, `25.0 MiB`.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// Whether `text` is a SHA-256 as the store names its files: exactly 64
/// lowercase hex digits (so never a path: no `/`, no `..`).
pub fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The path of a content file in the store. A hash that is not 64 hex
/// digits (a damaged or crafted database) is refused: nothing outside the
/// store is ever opened.
pub fn content_path(folder: &Path, sha256: &str) -> Result<PathBuf> {
    if !is_sha256(sha256) {
        return Err(Error::database(format!(
            "the stored hash \"{}\" is not a SHA-256; the database is damaged",
            sha256.escape_debug()
        ))
        .with_hint("`coach doctor` lists what is wrong"));
    }
    Ok(folder.join(FOLDER).join(sha256))
}

/// Removes content files that no attachment uses: left by an `attach` or
/// an `import` killed after storing a file and before committing its row.
/// Runs inside the command's write transaction, so no other process can be
/// between those two steps meanwhile. Only files named by a hash are
/// touched; anything else in the store is left for `coach doctor` to
/// report. Returns how many were removed.
pub fn remove_orphans(tx: &Tx<'_>, folder: &Path) -> Result<usize> {
    let Ok(entries) = fs::read_dir(folder.join(FOLDER)) else {
        return Ok(0);
    };
    let mut used = tx.prepare_cached("SELECT 1 FROM attachments WHERE sha256 = ?1")?;
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file
            && is_sha256(name)
            && !used.exists([name])?
            && fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    Ok(removed)
}

/// What [`store_file`] stored.
struct Stored {
    sha256: String,
    size: u64,
}

/// Copies `source` into the store, hashing it on the way; returns its hash
/// and size. Nothing is left behind on failure.
fn store_file(folder: &Path, source: &Path, max: u64) -> Result<Stored> {
    let shown = source.display();
    let metadata = fs::metadata(source).map_err(|e| read_error(source, e))?;
    if metadata.is_dir() {
        return Err(
            Error::input(format!("{shown} is a folder; only files can be attached"))
                .with_hint("attach the files in it one by one, or an archive of it"),
        );
    }
    if !metadata.is_file() {
        return Err(Error::input(format!(
            "{shown} is not a regular file; only files can be attached"
        ))
        .with_hint("save it to a file first, then attach that file"));
    }
    if metadata.len() > max {
        return Err(too_large(source, max));
    }
    let mut file = File::open(source).map_err(|e| read_error(source, e))?;

    let store = ensure_store(folder)?;
    let mut temp = PrivateFile::create_in(&store)?;
    let mut writer = io::BufWriter::new(&mut temp);
    let (sha256, size) = match copy_hashed(&mut file, &mut writer, Some(max)) {
        Ok(done) => done,
        Err(CopyError::Read(e)) => return Err(read_error(source, e)),
        Err(CopyError::Write(e)) => return Err(store_error(&store, e)),
        Err(CopyError::TooLarge) => return Err(too_large(source, max)),
    };
    writer.flush().map_err(|e| store_error(&store, e))?;
    drop(writer);
    persist(temp, &store, &sha256)?;
    Ok(Stored { sha256, size })
}

/// Stores content that is already in memory (an import); returns its
/// SHA-256. Storing content that is already there changes nothing.
pub fn store_bytes(folder: &Path, bytes: &[u8]) -> Result<String> {
    let store = ensure_store(folder)?;
    let mut temp = PrivateFile::create_in(&store)?;
    let mut writer = io::BufWriter::new(&mut temp);
    let (sha256, _) = copy_hashed(&mut &bytes[..], &mut writer, None).map_err(|e| match e {
        CopyError::Read(e) | CopyError::Write(e) => store_error(&store, e),
        CopyError::TooLarge => Error::internal("no limit was set"),
    })?;
    writer.flush().map_err(|e| store_error(&store, e))?;
    drop(writer);
    persist(temp, &store, &sha256)?;
    Ok(sha256)
}

/// The content stored under `sha256`, checked against it (an export).
pub fn read_content(folder: &Path, sha256: &str) -> Result<Vec<u8>> {
    let path = content_path(folder, sha256)?;
    let bytes =
        fs::read(&path).map_err(|e| Error::io(format!("cannot read {}", path.display()), e))?;
    let actual = format!("{:x}", Sha256::digest(&bytes));
    if actual != sha256 {
        return Err(Error::database(format!(
            "the stored file {} is damaged: its content does not match its name",
            path.display()
        )));
    }
    Ok(bytes)
}

/// The store's folder, created (0700) if needed.
fn ensure_store(folder: &Path) -> Result<PathBuf> {
    let store = folder.join(FOLDER);
    if !store.is_dir() {
        fs::DirBuilder::new()
            .mode(0o700)
            .create(&store)
            .or_else(|e| match e.kind() {
                io::ErrorKind::AlreadyExists => Ok(()),
                _ => Err(e),
            })
            .map_err(|e| store_error(&store, e))?;
    }
    Ok(store)
}

/// Makes a fully written temp file the content file of `sha256`. Renaming
/// over an existing copy is harmless (same bytes), and repairs a damaged one.
fn persist(temp: PrivateFile, store: &Path, sha256: &str) -> Result<()> {
    temp.commit_as(&store.join(sha256), Existing::Replace)
}

fn save_to_file(folder: &Path, attachment: &Attachment, path: &Path, force: bool) -> Result<()> {
    let cannot = |e| Error::io(format!("cannot write {}", path.display()), e);
    let mut file = PrivateFile::create(path, Existing::from_force(force))?;
    let mut writer = io::BufWriter::new(&mut file);
    copy_out(folder, attachment, &mut writer, cannot)?;
    writer.flush().map_err(cannot)?;
    drop(writer);
    file.commit()
}

/// Checks the stored content of `attachment` against its hash and size.
fn verify(folder: &Path, attachment: &Attachment) -> Result<()> {
    copy_out(folder, attachment, &mut io::sink(), |e| {
        Error::io("cannot check an attachment", e)
    })
}

/// Streams the stored content of `attachment` into `out`, checking it on
/// the way: a missing or damaged content file is an error (after the
/// bytes were written to `out`, which callers write to a temporary file or
/// have verified first).
fn copy_out(
    folder: &Path,
    attachment: &Attachment,
    out: &mut impl Write,
    write_error: impl Fn(io::Error) -> Error,
) -> Result<()> {
    let path = content_path(folder, &attachment.sha256)?;
    let mut file = File::open(&path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => damaged(attachment, &path, "is missing"),
        _ => damaged(attachment, &path, "cannot be read"),
    })?;
    match copy_hashed(&mut file, out, None) {
        Ok((sha256, size)) if sha256 == attachment.sha256 && size == attachment.size => Ok(()),
        Ok(_) => Err(damaged(
            attachment,
            &path,
            "is damaged (its content does not match its SHA-256)",
        )),
        Err(CopyError::Read(_)) => Err(damaged(attachment, &path, "cannot be read")),
        Err(CopyError::Write(e)) => Err(write_error(e)),
        Err(CopyError::TooLarge) => Err(Error::internal("a size limit was hit without one")),
    }
}

enum CopyError {
    Read(io::Error),
    Write(io::Error),
    TooLarge,
}

/// Copies `reader` to `writer` in chunks, hashing on the way; stops with
/// [`CopyError::TooLarge`] past `max` bytes (a file that grew since its size was
/// checked). Returns the SHA-256 in hex and the size.
fn copy_hashed(
    reader: &mut impl Read,
    writer: &mut impl Write,
    max: Option<u64>,
) -> std::result::Result<(String, u64), CopyError> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 64 * 1024];
    let mut size: u64 = 0;
    loop {
        let n = match reader.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Read(e)),
        };
        size += n as u64;
        if max.is_some_and(|max| size > max) {
            return Err(CopyError::TooLarge);
        }
        hasher.update(&buffer[..n]);
        writer.write_all(&buffer[..n]).map_err(CopyError::Write)?;
    }
    Ok((format!("{:x}", hasher.finalize()), size))
}

/// The media type of an attachment: from its name's extension, else from
/// the source file's.
fn media_type(name: &str, source: &Path) -> String {
    mime_guess::from_path(name)
        .first_raw()
        .or_else(|| mime_guess::from_path(source).first_raw())
        .unwrap_or("application/octet-stream")
        .to_string()
}

fn default_name(source: &Path) -> Result<String> {
    match source.file_name().map(|n| n.to_str()) {
        Some(Some(name)) => Ok(name.to_string()),
        Some(None) => Err(Error::input(format!(
            "the file name of {} is not UTF-8",
            source.display()
        ))
        .with_hint("give it a name with --name NAME")),
        None => Err(Error::input(format!(
            "{} does not name a file",
            source.display()
        ))),
    }
}

/// An attachment's name: one line, not empty, no `/` (it becomes a file
/// name when saved), at most 255 characters.
pub(crate) fn check_name(name: &str) -> Result<String> {
    let name = check_line("attachment name", name)?;
    if name.is_empty() {
        return Err(Error::input("an attachment name cannot be empty")
            .with_hint("give it a name with --name NAME, e.g. --name scorecard.csv"));
    }
    if name.contains('/') || name == "." || name == ".." {
        return Err(Error::input(format!(
            "the attachment name \"{name}\" is not a file name (it contains \"/\" or is . or ..)"
        ))
        .with_hint("give a plain file name with --name NAME, e.g. --name scorecard.csv"));
    }
    if name.chars().count() > MAX_NAME {
        return Err(Error::input(format!(
            "an attachment name is at most {MAX_NAME} characters"
        )));
    }
    Ok(name)
}

/// The attachment's name as a file name in a folder (names are checked
/// when attached; this guards against a database edited by hand).
fn safe_file_name(attachment: &Attachment) -> Result<&str> {
    check_name(&attachment.name)
        .ok()
        .filter(|n| n == &attachment.name)
        .map(|_| attachment.name.as_str())
        .ok_or_else(|| {
            Error::input(format!(
                "the attachment name \"{}\" cannot be used as a file name",
                attachment.name.escape_debug()
            ))
            .with_hint("give a PATH to save it to")
        })
}

fn read_error(source: &Path, err: io::Error) -> Error {
    // Whatever the reason (missing, permissions, an I/O error), the file
    // the user named cannot be read: bad input, nothing stored.
    let message = Error::io(format!("cannot attach {}", source.display()), err)
        .message()
        .to_string();
    Error::input(message).with_hint("check the path; nothing was stored")
}

fn store_error(store: &Path, err: io::Error) -> Error {
    Error::io(
        format!("cannot write to the attachment store {}", store.display()),
        err,
    )
}

fn too_large(source: &Path, max: u64) -> Error {
    let size = fs::metadata(source).map(|m| m.len()).unwrap_or(0);
    // Sizes that round to the same figure are shown in bytes.
    let (size, max) = if human_size(size) == human_size(max) {
        (format!("{size} bytes"), format!("{max} bytes"))
    } else {
        (human_size(size), human_size(max))
    };
    Error::input(format!(
        "{} ({size}) is larger than the attachment limit of {max}; nothing was stored",
        source.display(),
    ))
    .with_hint("raise the limit with: coach config set attachments.max-size 50MiB")
}

fn damaged(attachment: &Attachment, path: &Path, what: &str) -> Error {
    Error::new(
        ErrorKind::Database,
        format!(
            "the stored file of the attachment {} ({}) {what}: {}",
            attachment.short_id,
            attachment.name,
            path.display()
        ),
    )
    .with_hint("restore the attachments folder beside the database from a backup")
}

fn from_row<N>(row: &Row<'_>) -> rusqlite::Result<Attachment<N>> {
    Ok(Attachment {
        id: row.get(0)?,
        short_id: String::new(),
        session_id: row.get(1)?,
        name: row.get(2)?,
        size: u64::try_from(row.get::<_, i64>(3)?).unwrap_or(0),
        media_type: row.get(4)?,
        sha256: row.get(5)?,
        created_at: time_at(row, 6)?,
        updated_at: time_at(row, 7)?,
        notes: Vec::new(),
    })
}

fn finish<N: Visible>(tx: &Tx<'_>, attachment: Attachment<N>) -> Result<Attachment<N>> {
    finish_with(tx, attachment, ShortIds::All)
}

fn finish_with<N: Visible>(
    tx: &Tx<'_>,
    mut attachment: Attachment<N>,
    ids: ShortIds,
) -> Result<Attachment<N>> {
    if ids == ShortIds::All {
        attachment.short_id = tx.short_id("attachments", &attachment.id)?;
    }
    attachment.notes = note::for_item(tx, &attachment.id, ids)?;
    Ok(attachment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(25 << 20), "25.0 MiB");
    }

    #[test]
    fn names_are_plain_file_names() {
        assert_eq!(
            check_name(" scorecard.csv ").expect("name"),
            "scorecard.csv"
        );
        for bad in ["", "  ", "../secrets", "a/b", ".", "..", "two\nlines"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_name(&"x".repeat(256)).is_err());
    }

    #[test]
    fn media_types_come_from_the_extension() {
        let none = Path::new("upload");
        assert_eq!(media_type("scorecard.csv", none), "text/csv");
        assert_eq!(media_type("Q3.PDF", none), "application/pdf");
        assert_eq!(media_type("Q3 scorecard", Path::new("q3.png")), "image/png");
        assert_eq!(media_type("notes", none), "application/octet-stream");
    }

    #[test]
    fn copying_hashes_and_stops_past_the_limit() {
        let mut out = Vec::new();
        let (sha, size) = copy_hashed(&mut &b"abc"[..], &mut out, Some(3))
            .ok()
            .expect("copy");
        assert_eq!(
            sha,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!((size, out.as_slice()), (3, &b"abc"[..]));
        assert!(matches!(
            copy_hashed(&mut &b"abcd"[..], &mut Vec::new(), Some(3)),
            Err(CopyError::TooLarge)
        ));
    }
}
