//! Text handed in by the user (a `--file`, standard input, an editor's
//! file), read with a bound: the limit is checked while reading, so
//! `/dev/zero` or a 300 MB single-line file is an error after at most the
//! limit plus one byte, never all in memory. Files must be regular files:
//! a FIFO, a device or a folder is refused before it is opened (opening a
//! FIFO would wait for a writer).

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

use crate::{Error, Result};

/// How big a limit reads in an error message: `1 MiB`, `64 KiB`, `500 bytes`.
fn size_text(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// Opens `path` for reading if it is a regular file (symlinks followed);
/// anything else is an error that says what it is.
pub fn open_regular(path: &Path) -> Result<File> {
    let shown = path.display();
    let cannot = |e| Error::io(format!("cannot read {shown}"), e);
    let meta = fs::metadata(path).map_err(cannot)?;
    if meta.is_dir() {
        return Err(Error::input(format!("{shown} is a folder, not a file")));
    }
    if !meta.is_file() {
        return Err(Error::input(format!(
            "{shown} is not a regular file (a pipe, a device or a socket); only files can be read"
        ))
        .with_hint("save it to a file first, or pipe it to standard input with \"-\""));
    }
    let file = File::open(path).map_err(cannot)?;
    // Swapped for something else between the two looks: refuse as well.
    if !file.metadata().map_err(cannot)?.is_file() {
        return Err(Error::input(format!("{shown} is not a regular file")));
    }
    Ok(file)
}

/// Reads UTF-8 text from `reader`, at most `max` bytes: past it the read
/// stops and the error names `source` and `what` ("the note").
pub fn read_text(reader: impl Read, source: &str, what: &str, max: u64) -> Result<String> {
    let mut bytes = Vec::new();
    reader
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(format!("cannot read {source}"), e))?;
    if bytes.len() as u64 > max {
        return Err(Error::input(format!(
            "{source} is larger than {}, the limit of {what}; nothing was saved",
            size_text(max)
        )));
    }
    String::from_utf8(bytes).map_err(|_| {
        Error::input(format!("{source} is not UTF-8 text; nothing was saved"))
            .with_hint("this takes text: convert it first, e.g. with iconv")
    })
}

/// [`read_text`] of the regular file at `path`.
pub fn read_file(path: &Path, what: &str, max: u64) -> Result<String> {
    let file = open_regular(path)?;
    read_text(file, &path.display().to_string(), what, max)
}

/// [`read_text`] of standard input.
pub fn read_stdin(what: &str, max: u64) -> Result<String> {
    read_text(io::stdin().lock(), "standard input", what, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_endless_input_stops_at_the_limit() {
        let endless = io::repeat(b'x');
        let err = read_text(endless, "the pipe", "a note", 1 << 20).unwrap_err();
        assert!(err.message().contains("larger than 1 MiB"), "{err}");
    }

    #[test]
    fn text_within_the_limit_is_read() {
        assert_eq!(read_text(&b"hello"[..], "x", "a note", 5).unwrap(), "hello");
        assert!(read_text(&b"hello!"[..], "x", "a note", 5).is_err());
        assert!(read_text(&b"\xff"[..], "x", "a note", 5).is_err());
    }

    #[test]
    fn only_regular_files_are_opened() {
        assert!(open_regular(Path::new("/dev/zero")).is_err());
        assert!(open_regular(Path::new("/")).is_err());
    }
}
