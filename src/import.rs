//! What every bulk import shares (`save feedback|qa --from`, `metric
//! import`): how its input is read. The input is a stream: a UTF-8 byte
//! order mark (spreadsheets write one) is dropped, an empty input is an
//! error, and no line may be longer than [`MAX_LINE`], so memory stays
//! bounded whatever the input is (one 300 MB line, `/dev/zero`). Its
//! format is decided one way ([`Format::detect`]: a JSON array is refused
//! by every import), a JSON Lines object is read one way ([`json_fields`]:
//! keys ignore case, an unknown or repeated key makes the row bad), and bad
//! rows are reported one way ([`BadRow`], the first [`MAX_BAD_LISTED`]).

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead, Read};
use std::path::Path;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Serialize;

use crate::store::{AscendingIds, Tx};
use crate::{Error, Result};

/// The format of an import's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header line.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl Format {
    /// The format a file name says: `.csv`, or `.jsonl` / `.ndjson` /
    /// `.json`; `None` for anything else.
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            _ => None,
        }
    }

    /// The format of `input`: `given` (`--format`, or the file name's),
    /// else JSON Lines when the first byte that is not blank is `{`, else
    /// CSV. A JSON array is refused with the way to turn it into JSON
    /// Lines, unless the format is CSV by name.
    pub fn detect(
        given: Option<Format>,
        input: &mut Input<impl BufRead>,
        source: &str,
    ) -> Result<Format> {
        let head = input
            .fill_buf()
            .map_err(|e| Error::io(format!("cannot read {source}"), e))?;
        let first = head.iter().copied().find(|b| !b.is_ascii_whitespace());
        if first == Some(b'[') && given != Some(Format::Csv) {
            return Err(Error::input(format!(
                "{source} holds a JSON array, not JSON Lines (one object per line)"
            ))
            .with_hint("convert it first, e.g. with: jq -c '.[]' FILE"));
        }
        Ok(given.unwrap_or(match first {
            Some(b'{') => Format::Jsonl,
            _ => Format::Csv,
        }))
    }
}

/// How many bad rows an import lists; the rest are only counted.
pub const MAX_BAD_LISTED: usize = 100;

/// A row that cannot be imported, and why.
#[derive(Debug, Clone, Serialize)]
pub struct BadRow {
    /// The line of the input where the row starts (1 is the first line).
    pub line: u64,
    pub reason: String,
}

/// The value of a field of a JSON Lines object.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue<'a> {
    /// A string (borrowed from the line when it has no escapes).
    Text(Cow<'a, str>),
    Int(i64),
    UInt(u64),
    Float(f64),
}

impl<'a> JsonValue<'a> {
    /// The value as text, borrowed when it is text.
    pub fn as_text(&self) -> Cow<'_, str> {
        match self {
            JsonValue::Text(text) => Cow::Borrowed(text),
            JsonValue::Int(n) => Cow::Owned(n.to_string()),
            JsonValue::UInt(n) => Cow::Owned(n.to_string()),
            JsonValue::Float(n) => Cow::Owned(n.to_string()),
        }
    }

    /// The value as text: a number as written in the shortest form.
    pub fn into_text(self) -> Cow<'a, str> {
        match self {
            JsonValue::Text(text) => text,
            JsonValue::Int(n) => Cow::Owned(n.to_string()),
            JsonValue::UInt(n) => Cow::Owned(n.to_string()),
            JsonValue::Float(n) => Cow::Owned(n.to_string()),
        }
    }
}

/// Reads one JSON Lines object whose keys are `columns`, ignoring case:
/// the value of `columns[i]` goes to `out[i]` (`null` leaves it `None`).
/// An unknown or repeated key, or a value that is neither a string nor a
/// number, is an error (serde's `Data` category: a bad row).
pub fn json_fields<'a>(
    text: &'a str,
    columns: &[&str],
    out: &mut [Option<JsonValue<'a>>],
) -> std::result::Result<(), serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    Fields { columns, out }.deserialize(&mut deserializer)?;
    deserializer.end()
}

struct Fields<'c, 'o, 'a> {
    columns: &'c [&'c str],
    out: &'o mut [Option<JsonValue<'a>>],
}

impl<'de> DeserializeSeed<'de> for Fields<'_, '_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Fields<'_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of fields")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = vec![false; self.columns.len()];
        while let Some(key) = map.next_key::<Value<'de>>()? {
            let key = key.0.map(JsonValue::into_text).unwrap_or_default();
            let Some(i) = self
                .columns
                .iter()
                .position(|c| c.eq_ignore_ascii_case(&key))
            else {
                return Err(de::Error::custom(format!(
                    "unknown field \"{}\"",
                    key.escape_debug()
                )));
            };
            if std::mem::replace(&mut seen[i], true) {
                return Err(de::Error::custom(format!(
                    "the field \"{}\" appears twice",
                    self.columns[i]
                )));
            }
            self.out[i] = map.next_value::<Value<'de>>()?.0;
        }
        Ok(())
    }
}

/// A JSON string, number or null.
struct Value<'de>(Option<JsonValue<'de>>);

impl<'de> de::Deserialize<'de> for Value<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Value(Some(JsonValue::Text(Cow::Borrowed(v)))))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Value(Some(JsonValue::Text(Cow::Owned(v.to_string())))))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Value(Some(JsonValue::Text(Cow::Owned(v)))))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Value(Some(JsonValue::Int(v))))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Value(Some(JsonValue::UInt(v))))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Value(Some(JsonValue::Float(v))))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Value(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Value(None))
    }
}

/// The longest line an import reads, in bytes.
pub const MAX_LINE: usize = 1 << 20;

/// An import's input, checked line by line against [`MAX_LINE`].
pub struct Input<R> {
    inner: R,
    /// Bytes of the current line consumed so far.
    line_bytes: usize,
    /// The current line's number, from 1.
    line: u64,
    /// Where lines end, once a CSV reader asks ([`Input::line_at`]).
    line_ends: Option<LineEnds>,
}

/// A line longer than [`MAX_LINE`], or a CSV record (which may span
/// lines) longer than that: an input error.
#[derive(Debug)]
pub struct LineTooLong {
    pub line: u64,
    /// A CSV record started at `line` and went on past the limit.
    pub record: bool,
}

impl fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.record {
            write!(
                f,
                "the record from line {} is longer than 1 MiB (is a quote left open?)",
                self.line
            )
        } else {
            write!(f, "line {} is longer than 1 MiB", self.line)
        }
    }
}

impl std::error::Error for LineTooLong {}

/// How far a CSV reader reads ahead of the record it returns (its buffer
/// is 8 KiB), with room to spare.
const READ_AHEAD: u64 = 64 << 10;

/// The line ends of an input, for the line of a CSV record. The csv
/// crate's own count is one short after `\r\n` (BurntSushi/rust-csv#395),
/// does not see a lone `\r`, and names the blank lines before a record
/// rather than the record; here a line ends at `\n`, `\r\n` or a lone
/// `\r`, as the CSV reader splits them, and blank lines are passed.
#[derive(Debug, Default)]
struct LineEnds {
    /// The `\r` and `\n` bytes consumed and not yet passed by a question:
    /// each one's offset, with [`NEW_LINE`] set when it ends a line (a
    /// `\n` after a `\r` does not).
    ahead: std::collections::VecDeque<u64>,
    /// Lines ended before the first of `ahead`.
    passed: u64,
    /// Bytes consumed.
    offset: u64,
    /// Bytes before this one are passed.
    scanned: u64,
    /// The offset last asked about: the start of the record being read.
    asked: u64,
    /// The last byte consumed was `\r`.
    after_cr: bool,
}

/// In [`LineEnds::ahead`]: this byte ends a line.
const NEW_LINE: u64 = 1 << 63;

impl LineEnds {
    fn consumed(&mut self, bytes: &[u8]) {
        for (i, &byte) in bytes.iter().enumerate() {
            let at = self.offset + i as u64;
            match byte {
                b'\r' => self.ahead.push_back(at | NEW_LINE),
                b'\n' if self.after_cr => self.ahead.push_back(at),
                b'\n' => self.ahead.push_back(at | NEW_LINE),
                _ => {}
            }
            self.after_cr = byte == b'\r';
        }
        self.offset += bytes.len() as u64;
    }

    /// The line (from 1) of the record that starts at `offset` (blank
    /// lines there are passed), asked in ascending order once the record
    /// is read.
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut next = offset.max(self.scanned);
        while let Some(&front) = self.ahead.front() {
            let at = front & !NEW_LINE;
            if at > next {
                break;
            }
            if at == next {
                // A blank line where the record would start.
                next += 1;
            }
            self.passed += u64::from(front & NEW_LINE != 0);
            self.ahead.pop_front();
        }
        self.scanned = next;
        self.asked = offset;
        self.passed + 1
    }
}

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
        line_ends: None,
    })
}

impl<R> Input<R> {
    /// The line (from 1) of the CSV record that starts at `offset` (blank
    /// lines there passed; offsets asked in ascending order). From the first
    /// question on, a record that goes on for more than [`MAX_LINE`] bytes
    /// past the last offset asked about is an error: a quote left open
    /// cannot make one endless record.
    pub fn line_at(&mut self, offset: u64) -> u64 {
        self.line_ends
            .get_or_insert_with(LineEnds::default)
            .line_at(offset)
    }
}

/// Opens the input of an import: the file at `path`, or standard input
/// for `-`; and the options it implies: its name in messages, its size,
/// and the format its name says unless `format` is given.
pub fn open_path(
    path: &Path,
    format: Option<Format>,
    skip_bad: bool,
    dry_run: bool,
) -> Result<(Input<Box<dyn BufRead>>, Options)> {
    let stdin = path.as_os_str() == "-";
    let (reader, size, source): (Box<dyn BufRead>, _, _) = if stdin {
        let source = "standard input".to_string();
        (Box::new(io::stdin().lock()), None, source)
    } else {
        let source = path.display().to_string();
        let file =
            std::fs::File::open(path).map_err(|e| Error::io(format!("cannot read {source}"), e))?;
        let size = file.metadata().ok().map(|m| m.len());
        (
            Box::new(io::BufReader::with_capacity(1 << 18, file)),
            size,
            source,
        )
    };
    let input = open(reader, &source)?;
    let options = Options {
        format: format.or_else(|| (!stdin).then(|| Format::from_path(path)).flatten()),
        skip_bad,
        dry_run,
        source,
        size,
    };
    Ok((input, options))
}

impl<R: BufRead> BufRead for Input<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.line_bytes > MAX_LINE {
            return Err(io::Error::other(LineTooLong {
                line: self.line,
                record: false,
            }));
        }
        if let Some(ends) = &mut self.line_ends {
            if ends.offset - ends.asked > MAX_LINE as u64 + READ_AHEAD {
                let line = ends.line_at(ends.asked);
                return Err(io::Error::other(LineTooLong { line, record: true }));
            }
        }
        // No more than one byte past the limit, so that the line is refused
        // at its 1 MiB and first byte, whatever the buffer's size.
        let allowed = MAX_LINE + 1 - self.line_bytes;
        let buf = self.inner.fill_buf()?;
        Ok(&buf[..buf.len().min(allowed)])
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let taken = &buf[..amount.min(buf.len())];
            if let Some(ends) = &mut self.line_ends {
                ends.consumed(taken);
            }
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

// ---------------------------------------------------------------------------
// The engine: every import reads, checks, reports and writes the same way.

/// The most fields a row may have (the widest schema's).
pub const MAX_FIELDS: usize = 10;

/// One row as read, before any check: its fields in the order of
/// [`Schema::fields`]; `None` where the input does not give the field (no
/// such CSV column, no such JSON key, a JSON `null`). A CSV field is always
/// text; a JSON value keeps its type, and each schema says what it accepts.
pub type Row<'a> = [Option<JsonValue<'a>>; MAX_FIELDS];

/// What an area brings to the engine: the fields of its rows, the check of
/// one row, and the writing of checked rows. Everything else is the
/// engine's, the same for every import: the format, the CSV header, line
/// numbers, the bad rows and `--skip-bad`, `--dry-run`, chunks, ascending
/// ids, progress and the savepoint.
pub trait Schema {
    /// A row that passed the checks, waiting to be written.
    type Checked;
    /// Good rows written together, at most (the memory they hold).
    const CHUNK: usize;

    /// The names of the fields, lower case, as a CSV header or the keys of
    /// a JSON Lines object name them (case is ignored): at most
    /// [`MAX_FIELDS`].
    fn fields(&self) -> &'static [&'static str];

    /// The fields a CSV header must name.
    fn required(&self) -> &'static [&'static str];

    /// Checks one row: `Ok(Err(reason))` makes it a bad row; `Err` stops
    /// the import (the database failed).
    fn check(&mut self, row: &Row<'_>) -> Result<std::result::Result<Self::Checked, String>>;

    /// Whether the rows waiting must be written before the next is checked
    /// (say, because a cache they refer to is full), however few they are.
    fn must_write(&self) -> bool {
        false
    }

    /// Writes checked rows (in the order it chooses), each with the next
    /// id of `ids`, which ascend over the whole import.
    fn write(&mut self, rows: &mut Vec<Self::Checked>, ids: &mut AscendingIds) -> Result<()>;
}

/// How to import.
#[derive(Debug, Clone)]
pub struct Options {
    /// The format; `None` decides by the first character ([`Format::detect`]).
    pub format: Option<Format>,
    /// Keep the good rows and list the bad ones; without it one bad row
    /// means nothing is written (the rest is still checked, and listed).
    pub skip_bad: bool,
    /// Check every row, write nothing.
    pub dry_run: bool,
    /// The input's name in messages ("standard input" for `-`).
    pub source: String,
    /// The input's size in bytes, when known (a file): the engine then
    /// estimates how many rows it holds, so that ids ascend over the whole
    /// import and not only within a chunk (see `store::AscendingIds`).
    pub size: Option<u64>,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Rows read, blank lines aside.
    pub rows: u64,
    /// Good rows: written, or that would be.
    pub good: u64,
    /// Bad rows in all.
    pub bad_count: u64,
    /// The first [`MAX_BAD_LISTED`] bad rows.
    pub bad: Vec<BadRow>,
    /// Bad rows without `skip_bad`: nothing was written.
    pub rejected: bool,
}

impl Report {
    /// The error of a rejected import (see [`rejected`]).
    pub fn rejected_error(&self, source: &str) -> Error {
        rejected(source, &self.bad, self.bad_count, self.good)
    }
}

/// The error of an import rejected for its bad rows: the first one, how
/// many more, and how to go on, knowing how many rows were `good`.
pub fn rejected(source: &str, bad: &[BadRow], bad_count: u64, good: u64) -> Error {
    let first = bad.first().map_or_else(String::new, |bad| {
        format!(", line {}: {}", bad.line, bad.reason)
    });
    let more = match bad_count.saturating_sub(1) {
        0 => String::new(),
        1 => " (and 1 more bad row)".to_string(),
        n => format!(" (and {n} more bad rows)"),
    };
    let hint = match good {
        0 => "fix them and run again".to_string(),
        1 => "fix them and run again, or pass --skip-bad to import the good row".to_string(),
        good => {
            format!("fix them and run again, or pass --skip-bad to import the {good} good rows")
        }
    };
    Error::input(format!("{source}{first}{more}; nothing was imported")).with_hint(hint)
}

/// How far an import got, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub rows: u64,
    pub bytes: u64,
}

/// How often, in rows, progress is reported.
const PROGRESS_EVERY: u64 = 4096;

/// The page cache of an import, in KiB as a negative number (SQLite's
/// convention). Rows are written a chunk at a time, sorted as the schema's
/// indexes are and with ascending ids, so every B-tree is written left to
/// right and a small cache does. This is a limit, not an allocation, and
/// lasts as long as the connection (the command). 2 MiB rather than 4: the
/// import of 100,000 feedback rows into the 10-year file peaked at 20.5-21.7
/// MB resident with 4 MiB (page cache 4.3 MB of a 9.6 MB heap, the rest
/// code pages), at 19.1-19.5 MB with 2 MiB, for about a fifth more time.
const CACHE_KIB: i64 = -2048;

/// Imports every row of `input` into `schema`, in the caller's write
/// transaction (a read transaction will do for a dry run).
///
/// Every row is checked and every bad one reported. Without `skip_bad`,
/// one bad row means nothing is written: `rejected` is set, and the rows
/// written before it are rolled back with the whole transaction when the
/// write ends ([`Tx::bulk`]). `progress` is called
/// now and then.
pub fn run<S: Schema>(
    tx: &Tx<'_>,
    schema: &mut S,
    input: &mut Input<impl BufRead>,
    options: &Options,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report> {
    let format = Format::detect(options.format, input, &options.source)?;
    if options.dry_run {
        let mut engine = Engine::new(None, schema, options, progress);
        engine.read(format, input)?;
        return engine.finish();
    }
    tx.set_cache_size(CACHE_KIB)?;
    tx.bulk(|| {
        let mut engine = Engine::new(Some(tx), schema, options, progress);
        let report = engine.read(format, input).and_then(|()| engine.finish())?;
        let keep = !report.rejected;
        Ok((report, keep))
    })
}

struct Engine<'s, 'p, 't, S: Schema> {
    /// Where the rows are written (`None`: a dry run).
    tx: Option<&'t Tx<'t>>,
    schema: &'s mut S,
    options: &'s Options,
    progress: &'p mut dyn FnMut(Progress),
    report: Report,
    /// Whether good rows are still written: not in a dry run, nor after a
    /// bad row without `skip_bad`.
    writing: bool,
    waiting: Vec<S::Checked>,
    /// Ascending ids over the whole import, once the number of rows is
    /// estimated from the input's size.
    ids: Option<AscendingIds>,
    bytes: u64,
}

impl<'s, 'p, 't, S: Schema> Engine<'s, 'p, 't, S> {
    fn new(
        tx: Option<&'t Tx<'t>>,
        schema: &'s mut S,
        options: &'s Options,
        progress: &'p mut dyn FnMut(Progress),
    ) -> Self {
        Engine {
            tx,
            schema,
            options,
            progress,
            report: Report::default(),
            writing: !options.dry_run,
            // Reserved once: growing by doubling holds the old and the
            // new buffer at once.
            waiting: Vec::with_capacity(S::CHUNK),
            ids: None,
            bytes: 0,
        }
    }

    fn read(&mut self, format: Format, input: &mut Input<impl BufRead>) -> Result<()> {
        match format {
            Format::Csv => self.read_csv(input),
            Format::Jsonl => self.read_json_lines(input),
        }
    }

    /// One row read at `line`, `bytes` into the input: checked, then kept
    /// to be written or reported as bad.
    fn row(&mut self, line: u64, row: std::result::Result<Row<'_>, String>) -> Result<()> {
        self.report.rows += 1;
        if self.report.rows.is_multiple_of(PROGRESS_EVERY) {
            self.report_progress();
        }
        let checked = match row {
            Ok(row) => self.schema.check(&row)?,
            Err(reason) => Err(reason),
        };
        match checked {
            Ok(checked) => {
                self.report.good += 1;
                if self.writing {
                    if self.schema.must_write() {
                        self.write()?;
                    }
                    self.waiting.push(checked);
                    if self.waiting.len() >= S::CHUNK {
                        self.write()?;
                    }
                }
            }
            Err(reason) => {
                self.report.bad_count += 1;
                if self.report.bad.len() < MAX_BAD_LISTED {
                    self.report.bad.push(BadRow { line, reason });
                }
                if !self.options.skip_bad {
                    // Nothing will be kept: the rest is only checked.
                    self.writing = false;
                    self.waiting.clear();
                }
            }
        }
        Ok(())
    }

    fn report_progress(&mut self) {
        (self.progress)(Progress {
            rows: self.report.rows,
            bytes: self.bytes,
        });
    }

    /// Writes the rows waiting, with ids that ascend from one chunk to the
    /// next when the input's size is known (else within the chunk).
    fn write(&mut self) -> Result<()> {
        if self.waiting.is_empty() {
            return Ok(());
        }
        if self.ids.is_none() {
            if let (Some(size), true) = (self.options.size, self.bytes > 0) {
                // The reader runs a little ahead of the rows: a little
                // more than the estimate.
                let expected = self.report.rows as f64 * size as f64 / self.bytes as f64 * 1.05;
                self.ids = Some(AscendingIds::new((expected as u64).max(self.report.rows)));
            }
        }
        // (Ascending ids for just this chunk are what sorted random ids
        // would be, without a sort.)
        let mut chunk = AscendingIds::new(self.waiting.len() as u64);
        let ids = self.ids.as_mut().unwrap_or(&mut chunk);
        self.schema.write(&mut self.waiting, ids)?;
        self.waiting.clear();
        match self.tx {
            Some(tx) => tx.flush_log(),
            None => Ok(()),
        }
    }

    fn finish(&mut self) -> Result<Report> {
        if self.writing {
            self.write()?;
        }
        self.report_progress();
        let mut report = std::mem::take(&mut self.report);
        report.rejected = report.bad_count > 0 && !self.options.skip_bad;
        Ok(report)
    }

    fn read_csv(&mut self, input: &mut Input<impl BufRead>) -> Result<()> {
        let source = &self.options.source;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut record = csv::ByteRecord::new();
        if next_record(&mut reader, &mut record)
            .map_err(|e| csv_failed(source, e))?
            .is_none()
        {
            return Ok(());
        }
        let fields = self.schema.fields();
        let columns = header(fields, self.schema.required(), &record, source)?;
        while let Some(line) =
            next_record(&mut reader, &mut record).map_err(|e| csv_failed(source, e))?
        {
            self.bytes = reader.position().byte();
            let row = if record.len() != columns.len() {
                Err(format!(
                    "{} fields, but the header has {}",
                    record.len(),
                    columns.len()
                ))
            } else {
                csv_row(fields, &columns, &record)
            };
            self.row(line, row)?;
        }
        self.bytes = reader.position().byte();
        Ok(())
    }

    fn read_json_lines(&mut self, input: &mut Input<impl BufRead>) -> Result<()> {
        let mut buffer = Vec::new();
        let mut line = 0;
        loop {
            buffer.clear();
            // The input refuses a line longer than MAX_LINE.
            let read = input
                .read_until(b'\n', &mut buffer)
                .map_err(|e| Error::io(format!("cannot read {}", self.options.source), e))?;
            if read == 0 {
                return Ok(());
            }
            line += 1;
            self.bytes += read as u64;
            let text = buffer.trim_ascii();
            if text.is_empty() {
                continue;
            }
            let row = match std::str::from_utf8(text) {
                Err(_) => Err("the line is not UTF-8 text".to_string()),
                Ok(text) => {
                    let fields = self.schema.fields();
                    let mut row: Row<'_> = Default::default();
                    json_fields(text, fields, &mut row[..fields.len()])
                        .map(|()| row)
                        .map_err(|e| json_reason(&e))
                }
            };
            self.row(line, row)?;
        }
    }
}

/// Reads the next CSV record into `record` and returns the line where it
/// starts (blank lines before it passed), or `None` at the end. The record
/// may take at most [`MAX_LINE`] bytes.
fn next_record<R: BufRead>(
    reader: &mut csv::Reader<&mut Input<R>>,
    record: &mut csv::ByteRecord,
) -> std::result::Result<Option<u64>, csv::Error> {
    let start = reader.position().byte();
    reader.get_mut().line_at(start);
    if !reader.read_byte_record(record)? {
        return Ok(None);
    }
    Ok(Some(reader.get_mut().line_at(start)))
}

/// Where each column of a CSV header goes in a [`Row`]: checked against
/// the schema's fields (case and spaces around a name are ignored).
fn header(
    fields: &[&str],
    required: &[&str],
    record: &csv::ByteRecord,
    source: &str,
) -> Result<Vec<usize>> {
    let names = fields.join(", ");
    let hint = format!("the first line names the columns: {names}");
    let mut columns = Vec::with_capacity(record.len());
    for name in record.iter() {
        let name = String::from_utf8_lossy(name).trim().to_lowercase();
        let Some(field) = fields.iter().position(|f| *f == name) else {
            if name.contains(';') || name.contains('\t') {
                return Err(Error::input(format!(
                    "{source}: the header is not separated by commas: \"{}\"",
                    name.escape_debug()
                ))
                .with_hint(
                    "save the file as comma-separated CSV (or convert it, e.g. with: tr ';' ',')",
                ));
            }
            let closest = fields
                .iter()
                .map(|f| (strsim::jaro_winkler(&name, f), f))
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .filter(|(score, _)| *score > 0.8)
                .map(|(_, best)| format!("did you mean \"{best}\"? "))
                .unwrap_or_default();
            return Err(Error::input(format!(
                "{source}: unknown column \"{}\" in the header",
                name.escape_debug()
            ))
            .with_hint(format!("{closest}the columns are: {names}")));
        };
        if columns.contains(&field) {
            return Err(Error::input(format!(
                "{source}: the column \"{name}\" appears twice in the header"
            ))
            .with_hint(hint));
        }
        columns.push(field);
    }
    if let Some(missing) = required
        .iter()
        .find(|r| !columns.iter().any(|&c| fields[c] == **r))
    {
        return Err(
            Error::input(format!("{source}: the header has no \"{missing}\" column"))
                .with_hint(hint),
        );
    }
    Ok(columns)
}

/// A CSV record as a [`Row`]: every field text, borrowed.
fn csv_row<'r>(
    fields: &[&str],
    columns: &[usize],
    record: &'r csv::ByteRecord,
) -> std::result::Result<Row<'r>, String> {
    let mut row: Row<'r> = Default::default();
    for (&field, value) in columns.iter().zip(record.iter()) {
        let text = std::str::from_utf8(value)
            .map_err(|_| format!("the {} is not UTF-8 text", fields[field]))?;
        row[field] = Some(JsonValue::Text(Cow::Borrowed(text)));
    }
    Ok(row)
}

/// A CSV input that cannot be read at all (a bad row is never one).
fn csv_failed(source: &str, err: csv::Error) -> Error {
    match err.into_kind() {
        csv::ErrorKind::Io(e) => Error::io(format!("cannot read {source}"), e),
        other => Error::input(format!("cannot read {source} as CSV: {other:?}")),
    }
}

/// Why a JSON line is a bad row, without serde's " at line 1 column 12"
/// (the line is reported apart, and the column is the line's own).
fn json_reason(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let reason = text
        .rfind(" at line ")
        .map_or(text.as_str(), |i| &text[..i]);
    match err.classify() {
        serde_json::error::Category::Data => format!("not a valid row: {reason}"),
        _ => format!("not valid JSON ({reason} at column {})", err.column()),
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
    fn the_format_comes_from_the_name_or_the_first_byte_and_an_array_is_refused() {
        let detect = |name: &str, text: &str| {
            let mut input = open(text.as_bytes(), "x")?;
            Format::detect(Format::from_path(Path::new(name)), &mut input, "x")
        };
        assert_eq!(detect("-", "  \n{\"member\":1}").ok(), Some(Format::Jsonl));
        assert_eq!(detect("-", "member,comment").ok(), Some(Format::Csv));
        assert_eq!(detect("-", "\u{feff}{}").ok(), Some(Format::Jsonl));
        assert_eq!(detect("a.CSV", "{").ok(), Some(Format::Csv));
        assert_eq!(detect("a.ndjson", "m").ok(), Some(Format::Jsonl));
        assert_eq!(detect("a.txt", "m").ok(), Some(Format::Csv));
        assert!(detect("a.jsonl", "").is_err(), "an empty input");
        for name in ["-", "a.json", "a.jsonl"] {
            let err = detect(name, " [{}]").expect_err(name);
            assert_eq!(
                err.message(),
                "x holds a JSON array, not JSON Lines (one object per line)"
            );
        }
    }

    #[test]
    fn json_keys_ignore_case_and_unknown_or_repeated_ones_are_refused() {
        let columns = ["member", "value"];
        let mut out: [Option<JsonValue<'_>>; 2] = Default::default();
        json_fields(r#"{"MEMBER": "alex", "Value": 4.5}"#, &columns, &mut out).expect("read");
        assert_eq!(out[0], Some(JsonValue::Text("alex".into())));
        assert_eq!(out[1], Some(JsonValue::Float(4.5)));
        let mut out: [Option<JsonValue<'_>>; 2] = Default::default();
        json_fields(r#"{"member": null, "value": 5}"#, &columns, &mut out).expect("read");
        assert_eq!(out[0], None);
        assert_eq!(out[1].clone().map(JsonValue::into_text), Some("5".into()));
        for (text, reason) in [
            (
                r#"{"member": "a", "colour": "red"}"#,
                "unknown field \"colour\"",
            ),
            (r#"{"member": "a", "Member": "b"}"#, "appears twice"),
            (r#"{"member": ["a"]}"#, "expected a string or a number"),
        ] {
            let mut out: [Option<JsonValue<'_>>; 2] = Default::default();
            let err = json_fields(text, &columns, &mut out).expect_err(text);
            assert!(err.to_string().contains(reason), "{text}: {err}");
        }
    }

    /// The line of each CSV record, as bad rows name them.
    fn record_lines(text: &[u8]) -> std::result::Result<Vec<u64>, Error> {
        let mut input = open(io::BufReader::with_capacity(4096, text), "x")?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&mut input);
        let mut record = csv::ByteRecord::new();
        let mut lines = Vec::new();
        while let Some(line) =
            next_record(&mut reader, &mut record).map_err(|e| csv_failed("x", e))?
        {
            lines.push(line);
        }
        Ok(lines)
    }

    #[test]
    fn csv_records_are_named_by_their_line_whatever_the_line_ends() {
        for text in [
            &b"h\na\nb\n\n\nc\n"[..],
            b"h\r\na\r\nb\r\n\r\n\r\nc\r\n",
            b"h\ra\rb\r\r\rc\r",
            b"\xEF\xBB\xBFh\r\na\nb\r\r\n\nc",
        ] {
            assert_eq!(record_lines(text).expect("read"), [1, 2, 3, 6], "{text:?}");
        }
        // A quoted field over several lines: the next record's line counts them.
        let text = b"h,x\r\na,\"one\r\ntwo\ny\"\r\nb,z\r\n";
        assert_eq!(record_lines(text).expect("read"), [1, 2, 5]);
        // Blank lines past the reader's buffer.
        let mut text = b"h\n".to_vec();
        text.extend(b"\r\n".repeat(5000));
        text.extend(b"a\n");
        assert_eq!(record_lines(&text).expect("read"), [1, 5002]);
    }

    #[test]
    fn a_quote_left_open_is_a_record_past_the_limit() {
        let mut text = b"h,x\na,b\nc,\"".to_vec();
        text.extend(b"short line\n".repeat(MAX_LINE / 10));
        let err = record_lines(&text).expect_err("too long");
        assert_eq!(err.kind(), crate::ErrorKind::Input);
        assert_eq!(
            err.message(),
            "cannot read x: the record from line 3 is longer than 1 MiB (is a quote left open?)"
        );
        let fits = [&b"h,x\na,\""[..], &b"y\n".repeat(MAX_LINE / 3), b"\"\n"].concat();
        assert_eq!(record_lines(&fits).expect("fits"), [1, 2]);
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

        // One byte too many is refused, whatever the buffer's size.
        let mut long = b"short\n".to_vec();
        long.extend(std::iter::repeat_n(b'x', MAX_LINE + 1));
        long.push(b'\n');
        let input = open(io::BufReader::with_capacity(1 << 18, &long[..]), "x").expect("open");
        let err = io::copy(&mut { input }, &mut io::sink()).expect_err("too long");
        assert_eq!(err.to_string(), "line 2 is longer than 1 MiB");

        let fits = [vec![b'y'; MAX_LINE], b"\n".to_vec()].concat().repeat(3);
        let input = open(io::BufReader::with_capacity(4096, &fits[..]), "x").expect("open");
        assert_eq!(
            io::copy(&mut { input }, &mut io::sink()).expect("fits"),
            fits.len() as u64
        );
    }
}
