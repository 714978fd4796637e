//! The library's one error type.
//!
//! Every error has a [`ErrorKind`] that decides the process exit code (in one
//! place, [`ErrorKind::exit_code`]), a message that is one sentence, and an
//! optional hint that tells the user what to type next.

use std::fmt;
use std::path::Path;

/// What went wrong, as far as a script calling `coach` needs to know.
///
/// The numeric exit codes are part of the documented interface (README,
/// "Exit codes") and must never change meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A bug or an unexpected failure (exit 1).
    Internal,
    /// The command line cannot be acted on: a missing argument that would
    /// need a prompt without a terminal, conflicting options (exit 2, like
    /// clap's own usage errors).
    Usage,
    /// Something named does not exist, is ambiguous, or a value is invalid
    /// (exit 3). Nothing was changed.
    Input,
    /// The database cannot be opened, is locked for too long, is read-only,
    /// or was written by a newer `coach` (exit 4). Nothing was changed.
    Database,
    /// A temporary failure, such as a mail server that is down or timed
    /// out; running the same command again later may succeed (exit 75,
    /// `EX_TEMPFAIL` from sysexits.h, which cron wrappers recognise).
    Temporary,
}

impl ErrorKind {
    /// The process exit code for this kind of error.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Internal => 1,
            ErrorKind::Usage => 2,
            ErrorKind::Input => 3,
            ErrorKind::Database => 4,
            ErrorKind::Temporary => 75,
        }
    }
}

/// An error with a kind, a one-sentence message and an optional hint.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    hint: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hint: None,
            source: None,
        }
    }

    /// Something named was not found, is ambiguous, or a value is invalid.
    pub fn input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Input, message)
    }

    /// The command line cannot be acted on as given.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }

    /// The database cannot be used.
    pub fn database(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Database, message)
    }

    /// A failure that may go away if the command is run again later.
    pub fn temporary(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Temporary, message)
    }

    /// An unexpected failure.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }

    /// An I/O failure while doing `what` (for example "cannot read notes.md").
    pub fn io(what: impl Into<String>, err: std::io::Error) -> Self {
        if let Some(too_long) = err
            .get_ref()
            .and_then(|e| e.downcast_ref::<crate::import::LineTooLong>())
        {
            return Error::input(format!("{}: {too_long}", what.into()));
        }
        Error::new(
            io_kind(&err),
            format!("{}: {}", what.into(), describe_io(&err)),
        )
        .with_source(err)
    }

    /// Adds a hint: what the user can type or check next.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// The kind, which decides the exit code.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The one-sentence message.
    /// Whether trying again later may succeed by itself: a temporary
    /// failure, or a database that another command holds (busy, locked) or
    /// whose disk is full. Anything else (a setting edited by hand to a bad
    /// value, a damaged file) fails the same way on every run.
    pub fn is_temporary(&self) -> bool {
        use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked, DiskFull};
        match self.kind {
            ErrorKind::Temporary => true,
            ErrorKind::Database => self
                .source
                .as_deref()
                .and_then(|source| source.downcast_ref::<rusqlite::Error>())
                .and_then(rusqlite::Error::sqlite_error_code)
                .is_some_and(|code| matches!(code, DatabaseBusy | DatabaseLocked | DiskFull)),
            _ => false,
        }
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// The hint, if any.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// Whether this is a write to a closed pipe (`coach ... | head`): not
    /// a failure worth reporting.
    pub fn is_broken_pipe(&self) -> bool {
        self.source
            .as_deref()
            .and_then(|e| e.downcast_ref::<std::io::Error>())
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    }

    /// The error for a database file at `path` that cannot be opened or used.
    pub fn database_at(path: &Path, err: rusqlite::Error) -> Self {
        let reason = describe_sqlite(&err);
        Error::database(format!(
            "cannot use the database {}: {reason}",
            path.display()
        ))
        .with_source(err)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::*;
        if let Some(unreadable) = unreadable_value(&err) {
            return Error::database(unreadable)
                .with_hint("was the file changed outside coach, or by a newer version?")
                .with_source(err);
        }
        if let Some(missing) = missing_from_schema(&err) {
            return Error::database(format!("the database has no {missing}"))
                .with_hint("it was changed outside coach: `coach doctor` lists what is missing")
                .with_source(err);
        }
        let kind = match err.sqlite_error_code() {
            Some(
                DatabaseBusy | DatabaseLocked | CannotOpen | ReadOnly | NotADatabase
                | DatabaseCorrupt | DiskFull | PermissionDenied | SystemIoFailure,
            ) => ErrorKind::Database,
            _ => ErrorKind::Internal,
        };
        let hint = match err.sqlite_error_code() {
            Some(DatabaseBusy | DatabaseLocked) => {
                Some("another coach command is writing; try again in a moment")
            }
            _ => None,
        };
        let mut error = Error::new(kind, format!("database error: {}", describe_sqlite(&err)));
        if let Some(hint) = hint {
            error = error.with_hint(hint);
        }
        error.with_source(err)
    }
}

impl From<serde_json::Error> for Error {
    fn from(err: serde_json::Error) -> Self {
        // A write that failed (a full disk, a closed pipe) is the file's
        // or the pipe's doing, not a bug.
        let kind = match err.io_error_kind() {
            Some(io) => io_kind(&std::io::Error::from(io)),
            None => ErrorKind::Internal,
        };
        Error::new(kind, format!("cannot write JSON: {err}")).with_source(err)
    }
}

/// The kind of an I/O failure: what the user named or their system's state
/// (a missing or unreadable file, a folder where a file should be, a full
/// or read-only disk) is never exit 1, which is kept for bugs.
fn io_kind(err: &std::io::Error) -> ErrorKind {
    use std::io::ErrorKind as Io;
    match err.kind() {
        Io::NotFound
        | Io::PermissionDenied
        | Io::IsADirectory
        | Io::NotADirectory
        | Io::AlreadyExists
        | Io::InvalidData
        | Io::InvalidInput
        | Io::InvalidFilename
        | Io::ReadOnlyFilesystem
        | Io::FileTooLarge
        | Io::DirectoryNotEmpty
        | Io::CrossesDevices
        | Io::TooManyLinks
        | Io::Unsupported
        | Io::UnexpectedEof
        | Io::BrokenPipe => ErrorKind::Input,
        Io::StorageFull
        | Io::QuotaExceeded
        | Io::TimedOut
        | Io::Interrupted
        | Io::WouldBlock
        | Io::ResourceBusy
        | Io::ExecutableFileBusy
        | Io::StaleNetworkFileHandle
        | Io::ConnectionRefused
        | Io::ConnectionReset
        | Io::ConnectionAborted
        | Io::NotConnected
        | Io::HostUnreachable
        | Io::NetworkUnreachable
        | Io::NetworkDown => ErrorKind::Temporary,
        _ => ErrorKind::Internal,
    }
}

/// The message for a stored value that cannot be read as what it should
/// be (an unknown word of a stored enum, a malformed time, a value of
/// another type); `None` for other errors.
fn unreadable_value(err: &rusqlite::Error) -> Option<String> {
    match err {
        rusqlite::Error::FromSqlConversionFailure(_, _, inner) => {
            if let Some(unknown) = inner.downcast_ref::<crate::store::UnknownStored>() {
                return Some(unknown.to_string());
            }
            if let Some(ours) = inner.downcast_ref::<Error>() {
                return Some(ours.message().to_string());
            }
            Some(format!(
                "the database holds a value coach cannot read: {inner}"
            ))
        }
        // A number column holding text, say: a file written by another
        // program (a value coach writes always has the column's type).
        rusqlite::Error::InvalidColumnType(_, column, found) => {
            use rusqlite::types::Type;
            let found = match found {
                Type::Null => "no value",
                Type::Integer => "a whole number",
                Type::Real => "a decimal number",
                Type::Text => "text",
                Type::Blob => "bytes",
            };
            Some(format!(
                "the database holds a value coach cannot read: {column} is {found}"
            ))
        }
        _ => None,
    }
}

/// What a statement names that the file's schema lacks ("table kudos"),
/// from SQLite's "no such table: kudos": a file changed outside coach, as
/// coach's own statements are tested against its own schema.
fn missing_from_schema(err: &rusqlite::Error) -> Option<String> {
    let msg = match err {
        rusqlite::Error::SqliteFailure(_, Some(msg)) => msg,
        // A statement being prepared: the message without the statement.
        rusqlite::Error::SqlInputError { msg, .. } => msg,
        _ => return None,
    };
    let rest = msg.strip_prefix("no such ")?;
    let (what, name) = rest.split_once(": ")?;
    matches!(what, "table" | "column" | "index" | "view")
        .then(|| format!("{what} {}", name.escape_debug()))
}

/// The plain-language reason of an SQLite error, without Rust debug output.
fn describe_sqlite(err: &rusqlite::Error) -> String {
    match err {
        rusqlite::Error::SqliteFailure(e, msg) => match (describe_code(e.code), msg) {
            (Some(known), _) => known.to_string(),
            (None, Some(msg)) if !msg.is_empty() => msg.clone(),
            (None, _) => e.to_string(),
        },
        other => other.to_string(),
    }
}

fn describe_code(code: rusqlite::ErrorCode) -> Option<&'static str> {
    use rusqlite::ErrorCode::*;
    Some(match code {
        DatabaseBusy | DatabaseLocked => "the database is busy",
        CannotOpen => "the file cannot be opened",
        ReadOnly => "the database is read-only",
        NotADatabase => "the file is not a coach database",
        DatabaseCorrupt => "the database file is damaged",
        DiskFull => "the disk is full",
        PermissionDenied => "permission denied",
        SystemIoFailure => "an I/O error occurred",
        _ => return None,
    })
}

/// The reason of an I/O error, without the "(os error N)" suffix.
fn describe_io(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a directory".into(),
        std::io::ErrorKind::InvalidData => "it is not valid UTF-8 text".into(),
        _ => {
            let text = err.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_distinct_and_documented() {
        let codes = [
            ErrorKind::Internal,
            ErrorKind::Usage,
            ErrorKind::Input,
            ErrorKind::Database,
            ErrorKind::Temporary,
        ]
        .map(ErrorKind::exit_code);
        assert_eq!(codes, [1, 2, 3, 4, 75]);
    }

    #[test]
    fn io_errors_read_as_sentences() {
        let err = Error::io(
            "cannot read notes.md",
            std::io::Error::from(std::io::ErrorKind::NotFound),
        );
        assert_eq!(
            err.message(),
            "cannot read notes.md: no such file or directory"
        );
        assert_eq!(err.kind(), ErrorKind::Input);
    }
}
