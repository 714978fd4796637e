//! What every bulk import shares (`save feedback|qa --from`, `metric
//! import`): how its input is read. The input is a stream: a UTF-8 byte
//! order mark (spreadsheets write one) is dropped, an empty input is an
//! error, and no line may be longer than [`MAX_LINE`], so memory stays
//! bounded whatever the input is (one 300 MB line, `/dev/zero`).

use std::fmt;
use std::io::{self, BufRead, Read};

use crate::{Error, Result};

/// The longest line an import reads, in bytes.
pub const MAX_LINE: usize = 1 << 20;

/// An import's input, checked line by line against [`MAX_LINE`].
pub struct Input<R> {
    inner: R,
    /// Bytes of the current line consumed so far.
    line_bytes: usize,
    /// The current line's number, from 1.
    line: u64,
}

/// A line longer than [`MAX_LINE`]: an input error.
#[derive(Debug)]
pub struct LineTooLong {
    pub line: u64,
}

impl fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {} is longer than 1 MiB", self.line)
    }
}

impl std::error::Error for LineTooLong {}

/// Opens `inner` for an import from `source` (a path or "standard
/// input"): drops a byte order mark; an empty input is an error.
pub fn open<R: BufRead>(mut inner: R, source: &str) -> Result<Input<R>> {
    let read_error = |e| Error::io(format!("cannot read {source}"), e);
    if inner
        .fill_buf()
        .map_err(read_error)?
        .starts_with(b"\xEF\xBB\xBF")
    {
        inner.consume(3);
    }
    if inner.fill_buf().map_err(read_error)?.is_empty() {
        return Err(Error::input(format!(
            "{source} is empty: there is nothing to import"
        )));
    }
    Ok(Input {
        inner,
        line_bytes: 0,
        line: 1,
    })
}

impl<R: BufRead> BufRead for Input<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.line_bytes > MAX_LINE {
            return Err(io::Error::other(LineTooLong { line: self.line }));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let taken = &buf[..amount.min(buf.len())];
            match taken.iter().rposition(|b| *b == b'\n') {
                Some(last) => {
                    self.line += taken.iter().filter(|b| **b == b'\n').count() as u64;
                    self.line_bytes = taken.len() - last - 1;
                }
                None => self.line_bytes += taken.len(),
            }
        }
        self.inner.consume(amount);
    }
}

impl<R: BufRead> Read for Input<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let buf = self.fill_buf()?;
        let n = buf.len().min(out.len());
        out[..n].copy_from_slice(&buf[..n]);
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bom_is_dropped_and_an_empty_input_refused() {
        let mut input = open(&b"\xEF\xBB\xBFa,b\n"[..], "x.csv").expect("open");
        let mut text = String::new();
        input.read_to_string(&mut text).expect("read");
        assert_eq!(text, "a,b\n");
        let err = open(&b""[..], "x.csv").err().expect("empty");
        assert_eq!(err.message(), "x.csv is empty: there is nothing to import");
        assert!(open(&b"\xEF\xBB\xBF"[..], "x.csv").is_err());
    }

    #[test]
    fn a_line_past_the_limit_stops_the_read_naming_it() {
        let mut long = b"short\n".to_vec();
        long.extend(std::iter::repeat_n(b'x', MAX_LINE + 10));
        let input = open(io::BufReader::with_capacity(4096, &long[..]), "x").expect("open");
        let err = io::copy(&mut { input }, &mut io::sink()).expect_err("too long");
        let err = Error::io("cannot read x", err);
        assert_eq!(err.kind(), crate::ErrorKind::Input);
        assert_eq!(err.message(), "cannot read x: line 2 is longer than 1 MiB");

        let fits = [vec![b'y'; MAX_LINE], b"\n".to_vec()].concat().repeat(3);
        let input = open(io::BufReader::with_capacity(4096, &fits[..]), "x").expect("open");
        assert_eq!(
            io::copy(&mut { input }, &mut io::sink()).expect("fits"),
            fits.len() as u64
        );
    }
}
