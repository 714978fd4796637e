//! `metric import`: values in bulk from a CSV or JSON Lines file, the way a
//! BI export or a script delivers them.
//!
//! The file is streamed, every row is checked, and everything happens in
//! the command's one transaction: a bad row fails the whole import (nothing
//! is written) unless bad rows are to be skipped. Built for size: one
//! prepared INSERT, a reused CSV record, caches for what repeats (members,
//! metric names, dates), and no SELECT per row, so a million rows take
//! seconds.

use std::collections::HashMap;
use std::io::BufRead;

use chrono::{DateTime, Local};
use serde::Serialize;

use super::{check_name, names, UPSERT};
use crate::import::{Input, JsonValue};
use crate::store::Tx;
use crate::{member, when, Error, Result};

/// The columns of a CSV file (its header names them, in any order) and the
/// fields of a JSON Lines object.
pub const COLUMNS: &str = "member, metric, value, date, and optionally target and unit";

/// How many distinct date (or unit) texts are kept parsed before the cache
/// restarts.
const MAX_CACHED_DATES: usize = 100_000;

/// The page cache during an import, in KiB (negative: SQLite's unit): the
/// pages a chunk writes in the member index (one place per member and
/// metric) mostly stay cached from one chunk to the next. The ids ascend
/// (`AscendingIds`), so the id index needs no more. With random ids it took
/// a cache the size of that index to be fast (256 MiB was set, and a
/// million-row import peaked at 330 MB of memory).
const IMPORT_CACHE_KIB: i64 = -4 * 1024;

/// How many good rows are written at a time (see [`Importer::flush`]);
/// tiny in unit tests, so that they cross chunks. A waiting row is 64
/// bytes: 2 MiB.
const CHUNK: usize = if cfg!(test) { 4 } else { 1 << 15 };

/// How often (in rows) progress is reported.
const PROGRESS_EVERY: u64 = 8192;

pub use crate::import::{BadRow, Format};

/// How to import.
#[derive(Debug, Clone)]
pub struct Options {
    /// The format; `None` looks at the first character (`{` is JSON Lines).
    pub format: Option<Format>,
    /// Take the good rows and list the bad ones, instead of failing.
    pub skip_bad: bool,
    /// Check every row, write nothing.
    pub dry_run: bool,
    /// The file's name in messages ("standard input" for `-`).
    pub source: String,
    /// The input's size in bytes, when known (a file): the import then
    /// estimates how many rows it holds, to draw their ids in ascending
    /// order (see `store::AscendingIds`).
    pub size: Option<u64>,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Good rows: values recorded (or that would be).
    pub imported: u64,
    /// Of those, the values that replaced one already recorded for the
    /// same member, metric and date (always 0 in a dry run).
    pub replaced: u64,
    /// Distinct members with at least one good row.
    pub members: usize,
    /// Bad rows, skipped (or, without --skip-bad, the reason nothing was
    /// imported).
    pub bad_count: u64,
    /// The first [`crate::import::MAX_BAD_LISTED`] bad rows.
    pub bad: Vec<BadRow>,
    pub dry_run: bool,
}

/// Imports values from `input`. `progress` is called now and then with the
/// number of bytes read so far.
///
/// Without `skip_bad`, a bad row is an error after the whole file was
/// checked, and the caller's transaction must be rolled back (as
/// [`crate::store::Store::write`] does with an error).
pub fn import(
    tx: &Tx<'_>,
    input: &mut Input<impl BufRead>,
    options: &Options,
    progress: &mut dyn FnMut(u64),
) -> Result<Summary> {
    let format = Format::detect(options.format, input, &options.source)?;
    if !options.dry_run {
        // See IMPORT_CACHE_KIB. The setting lasts for this connection only.
        tx.conn()
            .pragma_update(None, "cache_size", IMPORT_CACHE_KIB)?;
    }
    let mut importer = Importer::new(tx, options)?;
    match format {
        Format::Csv => read_csv(&mut importer, input, options, progress)?,
        Format::Jsonl => read_jsonl(&mut importer, input, options, progress)?,
    }
    importer.finish()
}

/// A number as a row gives it.
#[derive(Debug, Clone, Copy)]
enum Num<'a> {
    Text(&'a str),
    Number(f64),
    Absent,
}

/// One row, as read, before any check.
struct Fields<'a> {
    member: &'a str,
    metric: &'a str,
    value: Num<'a>,
    date: &'a str,
    target: Num<'a>,
    unit: Option<&'a str>,
}

/// Where the CSV header put each column.
struct Header {
    member: usize,
    metric: usize,
    value: usize,
    date: usize,
    target: Option<usize>,
    unit: Option<usize>,
    len: usize,
}

impl Header {
    fn read(record: &csv::StringRecord, source: &str) -> Result<Header> {
        let hint = format!("the first line names the columns: {COLUMNS}");
        let mut found: [Option<usize>; 6] = [None; 6];
        const NAMES: [&str; 6] = ["member", "metric", "value", "date", "target", "unit"];
        for (i, column) in record.iter().enumerate() {
            let column = column.trim().to_lowercase();
            let Some(slot) = NAMES.iter().position(|n| *n == column) else {
                if column.contains(';') || column.contains('\t') {
                    return Err(Error::input(format!(
                        "{source}: the header is not separated by commas: \"{}\"",
                        column.escape_debug()
                    ))
                    .with_hint("save the file as comma-separated CSV (or convert it, e.g. with: tr ';' ',')"));
                }
                return Err(Error::input(format!(
                    "{source}: unknown column \"{}\" in the header",
                    column.escape_debug()
                ))
                .with_hint(hint));
            };
            if found[slot].replace(i).is_some() {
                return Err(Error::input(format!(
                    "{source}: the column \"{column}\" appears twice in the header"
                ))
                .with_hint(hint));
            }
        }
        let required = |slot: usize| {
            found[slot].ok_or_else(|| {
                Error::input(format!(
                    "{source}: the header has no \"{}\" column",
                    NAMES[slot]
                ))
                .with_hint(hint.clone())
            })
        };
        Ok(Header {
            member: required(0)?,
            metric: required(1)?,
            value: required(2)?,
            date: required(3)?,
            target: found[4],
            unit: found[5],
            len: record.len(),
        })
    }

    fn fields<'r>(&self, record: &'r csv::StringRecord) -> Fields<'r> {
        let at = |i: usize| record.get(i).unwrap_or("");
        let number = |i: Option<usize>| match i.map(at).map(str::trim) {
            None | Some("") => Num::Absent,
            Some(text) => Num::Text(text),
        };
        Fields {
            member: at(self.member),
            metric: at(self.metric),
            value: number(Some(self.value)),
            date: at(self.date),
            target: number(self.target),
            unit: self.unit.map(at),
        }
    }
}

fn read_csv(
    importer: &mut Importer<'_, '_>,
    input: &mut dyn BufRead,
    options: &Options,
    progress: &mut dyn FnMut(u64),
) -> Result<()> {
    let source = &options.source;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(input);
    let mut record = csv::StringRecord::new();
    let header = match reader.read_record(&mut record) {
        Ok(true) => Header::read(&record, source)?,
        Ok(false) => return Ok(()),
        Err(e) => return Err(csv_error(source, e)?),
    };
    let mut rows: u64 = 0;
    loop {
        let line = reader.position().line();
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, |p| p.line());
                if record.len() != header.len {
                    importer.bad(
                        line,
                        format!("{} fields, but the header has {}", record.len(), header.len),
                    );
                } else if let Err(reason) = importer.take(header.fields(&record)) {
                    importer.bad(line, reason);
                }
                importer.flush_if_full(reader.position().byte())?;
            }
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line());
                let reason = csv_error(source, e)?;
                importer.bad(line, reason.message().to_string());
            }
        }
        rows += 1;
        if rows.is_multiple_of(PROGRESS_EVERY) {
            progress(reader.position().byte());
        }
    }
    progress(reader.position().byte());
    Ok(())
}

/// A CSV error: a bad row (returned, to be reported) or a failure to read
/// the file at all (the error).
fn csv_error(source: &str, err: csv::Error) -> Result<Error> {
    if err.is_io_error() {
        return Err(match err.into_kind() {
            csv::ErrorKind::Io(e) => Error::io(format!("cannot read {source}"), e),
            other => Error::internal(format!("cannot read {source}: {other:?}")),
        });
    }
    Ok(match err.kind() {
        csv::ErrorKind::Utf8 { .. } => Error::input("not UTF-8 text"),
        _ => Error::input(format!("not valid CSV: {err}")),
    })
}

/// The fields of a JSON Lines object, in the order of [`json_row`].
const JSON_FIELDS: [&str; 6] = ["member", "metric", "value", "date", "target", "unit"];

/// One JSON Lines row (strings borrowed from the line when they have no
/// escapes); why it is bad otherwise.
fn json_row<'a>(values: &'a [Option<JsonValue<'a>>; 6]) -> std::result::Result<Fields<'a>, String> {
    let text = |i: usize| match &values[i] {
        None => Ok(None),
        Some(JsonValue::Text(text)) => Ok(Some(&**text)),
        Some(_) => Err(format!(
            "not a valid row: invalid type: number, expected a string (`{}`)",
            JSON_FIELDS[i]
        )),
    };
    let missing = |i: usize| format!("not a valid row: missing field `{}`", JSON_FIELDS[i]);
    let required = |i: usize| text(i)?.ok_or_else(|| missing(i));
    let number = |i: usize| match &values[i] {
        None => Ok(Num::Absent),
        Some(JsonValue::Text(text)) => Err(format!(
            "not a valid row: invalid type: string \"{}\", expected a number (`{}`)",
            text.escape_debug(),
            JSON_FIELDS[i]
        )),
        Some(JsonValue::Int(n)) => Ok(Num::Number(*n as f64)),
        Some(JsonValue::UInt(n)) => Ok(Num::Number(*n as f64)),
        Some(JsonValue::Float(n)) => Ok(Num::Number(*n)),
    };
    Ok(Fields {
        member: required(0)?,
        metric: required(1)?,
        value: match number(2)? {
            Num::Absent => return Err(missing(2)),
            value => value,
        },
        date: required(3)?,
        target: number(4)?,
        unit: text(5)?,
    })
}

fn read_jsonl(
    importer: &mut Importer<'_, '_>,
    input: &mut dyn BufRead,
    options: &Options,
    progress: &mut dyn FnMut(u64),
) -> Result<()> {
    let mut buffer = Vec::new();
    let mut line: u64 = 0;
    let mut bytes: u64 = 0;
    loop {
        buffer.clear();
        let n = input
            .read_until(b'\n', &mut buffer)
            .map_err(|e| Error::io(format!("cannot read {}", options.source), e))?;
        if n == 0 {
            break;
        }
        line += 1;
        bytes += n as u64;
        let text = buffer.trim_ascii();
        if text.is_empty() {
            continue;
        }
        let outcome = match std::str::from_utf8(text) {
            Err(_) => Err("not UTF-8 text".to_string()),
            Ok(text) => {
                let mut values: [Option<JsonValue<'_>>; 6] = Default::default();
                match crate::import::json_fields(text, &JSON_FIELDS, &mut values) {
                    Err(e) => Err(json_reason(&e)),
                    Ok(()) => json_row(&values).and_then(|row| importer.take(row)),
                }
            }
        };
        if let Err(reason) = outcome {
            importer.bad(line, reason);
        }
        importer.flush_if_full(bytes)?;
        if line.is_multiple_of(PROGRESS_EVERY) {
            progress(bytes);
        }
    }
    progress(bytes);
    Ok(())
}

/// serde_json's message without its " at line 1 column 12" (the line is
/// reported separately, and the column is that of the line alone).
fn json_reason(err: &serde_json::Error) -> String {
    let text = err.to_string();
    let text = text.split(" at line ").next().unwrap_or(&text);
    format!("not a valid row: {text}")
}

/// The checks and caches of one import.
struct Importer<'t, 'c> {
    tx: &'t Tx<'c>,
    options: &'t Options,
    now: DateTime<Local>,
    now_text: String,
    /// Whether rows are still written: off in a dry run, and after the
    /// first bad row when bad rows are not skipped (the rest is checked).
    writing: bool,
    insert: Option<rusqlite::CachedStatement<'t>>,
    /// What each member text (as written in the file) resolved to: an index
    /// into `members`, or why it cannot be used.
    member_of: HashMap<String, std::result::Result<usize, String>>,
    members: Vec<MemberNames>,
    /// What each date text parsed to: an index into `date_texts`, or why
    /// it cannot be read.
    date_of: HashMap<String, std::result::Result<usize, String>>,
    date_texts: Vec<String>,
    /// Each unit text: an index into `units`, or why it cannot be a unit.
    unit_of: HashMap<String, std::result::Result<usize, String>>,
    units: Vec<String>,
    /// Good rows waiting to be written, at most [`CHUNK`].
    pending: Vec<Pending>,
    /// The bytes of the input read so far.
    bytes: u64,
    /// Ascending ids for the rows, once their number is estimated (a file);
    /// `None`: ids ascending within each chunk only.
    ids: Option<crate::store::AscendingIds>,
    summary: Summary,
}

/// A good row, waiting in [`Importer::pending`]: indexes into the
/// importer's tables instead of text.
struct Pending {
    member: usize,
    name: usize,
    date: usize,
    unit: Option<usize>,
    value: f64,
    target: Option<f64>,
}

/// A member of the import, and the spellings of their metric names.
struct MemberNames {
    id: String,
    used: bool,
    /// Each name as written in the file: an index into `names`, or why it
    /// cannot be a name.
    name_of: HashMap<String, std::result::Result<usize, String>>,
    /// The names as stored (the first spelling recorded).
    names: Vec<String>,
    /// Lowercased name to an index into `names`.
    by_lower: HashMap<String, usize>,
}

impl<'t, 'c> Importer<'t, 'c> {
    fn new(tx: &'t Tx<'c>, options: &'t Options) -> Result<Self> {
        let insert = if options.dry_run {
            None
        } else {
            Some(tx.conn().prepare_cached(UPSERT)?)
        };
        Ok(Importer {
            tx,
            options,
            now: tx.now().with_timezone(&Local),
            now_text: tx.now_text(),
            writing: !options.dry_run,
            insert,
            member_of: HashMap::new(),
            members: Vec::new(),
            date_of: HashMap::new(),
            date_texts: Vec::new(),
            unit_of: HashMap::new(),
            units: Vec::new(),
            pending: Vec::new(),
            bytes: 0,
            ids: None,
            summary: Summary {
                imported: 0,
                replaced: 0,
                members: 0,
                bad_count: 0,
                bad: Vec::new(),
                dry_run: options.dry_run,
            },
        })
    }

    /// Checks one row and, while writing, queues it to be written.
    fn take(&mut self, row: Fields<'_>) -> std::result::Result<(), String> {
        let member = self.member(row.member)?;
        let name = self.metric_name(member, row.metric)?;
        let value = match number("value", row.value)? {
            Some(value) => value,
            None => return Err("no value".to_string()),
        };
        let target = number("target", row.target)?;
        let unit = match row.unit {
            Some(text) => self.unit(text)?,
            None => None,
        };
        let date = self.date(row.date)?;
        self.summary.imported += 1;
        self.members[member].used = true;
        if self.writing {
            self.pending.push(Pending {
                member,
                name,
                date,
                unit,
                value,
                target,
            });
        }
        Ok(())
    }

    /// Writes the waiting rows when there are enough of them, or when a
    /// cache they refer to is about to be emptied.
    /// `bytes`: how much of the input was read so far.
    fn flush_if_full(&mut self, bytes: u64) -> Result<()> {
        self.bytes = bytes;
        if self.pending.len() >= CHUNK
            || self.date_of.len() >= MAX_CACHED_DATES
            || self.unit_of.len() >= MAX_CACHED_DATES
        {
            self.flush()?;
            if self.date_of.len() >= MAX_CACHED_DATES {
                self.date_of.clear();
                self.date_texts.clear();
            }
            if self.unit_of.len() >= MAX_CACHED_DATES {
                self.unit_of.clear();
                self.units.clear();
            }
        }
        Ok(())
    }

    /// Writes the waiting rows.
    ///
    /// In the order of the index (member, metric, date), with fresh ids
    /// ascending the same way: every B-tree the rows go into (the table,
    /// its id index, the member index) is then written left to right, page
    /// after page, instead of at a random place for every row, which makes
    /// a large import several times faster. The rows of a chunk keep their
    /// file order among equal keys (a stable sort), so a later row for the
    /// same member, metric and date still replaces an earlier one.
    fn flush(&mut self) -> Result<()> {
        let mut rows = std::mem::take(&mut self.pending);
        if let (true, Some(insert)) = (self.writing, self.insert.as_mut()) {
            let members = &self.members;
            let dates = &self.date_texts;
            rows.sort_by(|a, b| {
                let (ma, mb) = (&members[a.member], &members[b.member]);
                ma.id
                    .cmp(&mb.id)
                    .then_with(|| ma.names[a.name].cmp(&mb.names[b.name]))
                    .then_with(|| dates[a.date].cmp(&dates[b.date]))
            });
            // The rows of the whole input, estimated from the first chunk
            // and the input's size: from then on, ids ascend from chunk to
            // chunk too. Without a size (standard input), within the chunk.
            if self.ids.is_none() {
                let read = self.summary.imported + self.summary.bad_count;
                if let (Some(size), true) = (self.options.size, self.bytes > 0 && read > 0) {
                    let expected = (read as f64 * size as f64 / self.bytes as f64 * 1.01) as u64;
                    self.ids = Some(crate::store::AscendingIds::new(expected.max(read)));
                }
            }
            // (Ascending ids for just this chunk are what sorted random ids
            // would be, without a sort.)
            let mut chunk_ids = crate::store::AscendingIds::new(rows.len() as u64);
            let ascending = self.ids.as_mut().unwrap_or(&mut chunk_ids);
            let ids: Vec<uuid::Uuid> = rows.iter().map(|_| ascending.next_uuid()).collect();
            let conn = self.tx.conn();
            let mut id_text = [0u8; 32];
            for (row, id) in rows.iter().zip(&ids) {
                let member = &members[row.member];
                let before = conn.last_insert_rowid();
                insert.execute(rusqlite::params![
                    &*id.simple().encode_lower(&mut id_text),
                    member.id,
                    member.names[row.name],
                    row.value,
                    row.target,
                    row.unit.map(|u| self.units[u].as_str()),
                    dates[row.date],
                    self.tx.me(),
                    self.now_text
                ])?;
                // An upsert that replaced a value inserted no row.
                if conn.last_insert_rowid() == before {
                    self.summary.replaced += 1;
                }
            }
        }
        rows.clear();
        self.pending = rows;
        Ok(())
    }

    fn bad(&mut self, line: u64, reason: String) {
        self.summary.bad_count += 1;
        if self.summary.bad.len() < crate::import::MAX_BAD_LISTED {
            self.summary.bad.push(BadRow { line, reason });
        }
        if !self.options.skip_bad {
            // Nothing will be written: the rest of the file is only checked.
            self.writing = false;
            self.pending.clear();
        }
    }

    fn finish(mut self) -> Result<Summary> {
        self.flush()?;
        self.summary.members = self.members.iter().filter(|m| m.used).count();
        let summary = self.summary;
        if summary.bad_count > 0 && !self.options.skip_bad && !self.options.dry_run {
            let first = &summary.bad[0];
            let more = match summary.bad_count - 1 {
                0 => String::new(),
                1 => " (and 1 more bad row)".to_string(),
                n => format!(" (and {n} more bad rows)"),
            };
            return Err(Error::input(format!(
                "{}, line {}: {}{more}; nothing was imported",
                self.options.source, first.line, first.reason
            ))
            .with_hint(
                "fix the file and import again; --dry-run lists every bad row, --skip-bad imports the good ones",
            ));
        }
        Ok(summary)
    }

    /// The member a row names, resolved once per distinct text.
    fn member(&mut self, text: &str) -> std::result::Result<usize, String> {
        if let Some(known) = self.member_of.get(text) {
            return known.clone();
        }
        let resolved = self.resolve_member(text);
        self.member_of.insert(text.to_string(), resolved.clone());
        resolved
    }

    fn resolve_member(&mut self, text: &str) -> std::result::Result<usize, String> {
        if text.trim().is_empty() {
            return Err("no member".to_string());
        }
        let found = member::resolve(self.tx, text).map_err(|e| e.message().to_string())?;
        if let Some(index) = self.members.iter().position(|m| m.id == found.id) {
            return Ok(index);
        }
        let names = names(self.tx, &found.id).map_err(|e| e.message().to_string())?;
        let by_lower = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.to_lowercase(), i))
            .collect();
        self.members.push(MemberNames {
            id: found.id,
            used: false,
            name_of: HashMap::new(),
            names,
            by_lower,
        });
        Ok(self.members.len() - 1)
    }

    /// The stored spelling of a metric name, checked once per distinct text
    /// and member.
    fn metric_name(&mut self, member: usize, text: &str) -> std::result::Result<usize, String> {
        let entry = &mut self.members[member];
        if let Some(known) = entry.name_of.get(text) {
            return known.clone();
        }
        let resolved = check_name(text)
            .map_err(|e| e.message().to_string())
            .map(|name| {
                let lower = name.to_lowercase();
                match entry.by_lower.get(&lower) {
                    Some(&i) => i,
                    None => {
                        entry.names.push(name);
                        entry.by_lower.insert(lower, entry.names.len() - 1);
                        entry.names.len() - 1
                    }
                }
            });
        entry.name_of.insert(text.to_string(), resolved.clone());
        resolved
    }

    /// A unit, checked once per distinct text; `None` when empty.
    fn unit(&mut self, text: &str) -> std::result::Result<Option<usize>, String> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        if let Some(known) = self.unit_of.get(text) {
            return known.clone().map(Some);
        }
        let checked = match super::check_unit(text) {
            Ok(Some(unit)) => {
                self.units.push(unit);
                Ok(self.units.len() - 1)
            }
            Ok(None) => Err("no unit".to_string()),
            Err(e) => Err(e.message().to_string()),
        };
        self.unit_of.insert(text.to_string(), checked.clone());
        checked.map(Some)
    }

    /// A date in the storage form, parsed once per distinct text.
    fn date(&mut self, text: &str) -> std::result::Result<usize, String> {
        if let Some(known) = self.date_of.get(text) {
            return known.clone();
        }
        let parsed = if text.trim().is_empty() {
            Err("no date".to_string())
        } else {
            when::parse_when(text, self.now)
                .map(|at| {
                    self.date_texts.push(when::to_storage(at));
                    self.date_texts.len() - 1
                })
                .map_err(|e| e.message().to_string())
        };
        self.date_of.insert(text.to_string(), parsed.clone());
        parsed
    }
}

/// A number field: `None` when absent, an error when it is not a finite
/// number.
fn number(what: &str, field: Num<'_>) -> std::result::Result<Option<f64>, String> {
    match field {
        Num::Absent => Ok(None),
        Num::Number(n) if n.is_finite() => Ok(Some(n)),
        Num::Number(n) => Err(format!("the {what} {n} is not a finite number")),
        Num::Text(text) => super::parse_number(what, text)
            .map(Some)
            .map_err(|e| e.message().to_string()),
    }
}

#[cfg(test)]
// A failed unwrap in a test is a failed test.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::member::Fields;
    use crate::store::Store;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("coach.db"), false).unwrap();
        store
            .write(|tx| {
                for name in ["Alex Kim", "Jordan Park"] {
                    let fields = Fields {
                        name: Some(name.into()),
                        ..Fields::default()
                    };
                    member::add(tx, fields)?;
                }
                Ok(())
            })
            .unwrap();
        (dir, store)
    }

    fn options(skip_bad: bool) -> Options {
        Options {
            format: None,
            skip_bad,
            dry_run: false,
            source: "test".into(),
            size: None,
        }
    }

    fn import_text(store: &mut Store, text: &str, options: &Options) -> Result<Summary> {
        let mut input = crate::import::open(text.as_bytes(), "x")?;
        store.write(|tx| import(tx, &mut input, options, &mut |_| {}))
    }

    /// (metric, value, id) of every stored value, by member, metric, date.
    fn stored(store: &mut Store) -> Vec<(String, f64, String)> {
        store
            .read(|tx| {
                let mut stmt = tx.conn().prepare(
                    "SELECT metric, value, id FROM metric_values ORDER BY member_id, metric, measured_at",
                )?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
            })
            .unwrap()
    }

    #[test]
    fn a_later_row_for_the_same_date_wins_across_chunks() {
        let mut csv = String::from("member,metric,value,date\n");
        for (i, value) in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].iter().enumerate() {
            // Rows 1, 6, 9 and 10 are the same member, metric and date:
            // across chunks of 4 rows, and twice in the last chunk.
            let date = if [0, 5, 8, 9].contains(&i) {
                "2026-12-01".to_string()
            } else {
                format!("2026-11-{:02}", i + 1)
            };
            let member = if i % 2 == 0 { "alex" } else { "Alex Kim" };
            let metric = if i == 0 { "CSAT" } else { "csat" };
            csv.push_str(&format!("{member},{metric},{value},{date}\n"));
        }
        // Without the size (random ids), and with it (ascending ids).
        for size in [None, Some(csv.len() as u64)] {
            let (_dir, mut store) = store();
            let options = Options {
                size,
                ..options(false)
            };
            let summary = import_text(&mut store, &csv, &options).unwrap();
            assert_eq!(summary.imported, 10);
            assert_eq!(summary.replaced, 3);
            assert_eq!(summary.members, 1);
            let rows = stored(&mut store);
            assert_eq!(rows.len(), 7);
            assert!(rows.iter().all(|(metric, _, _)| metric == "CSAT"));
            assert_eq!(rows.last().unwrap().1, 10.0, "the last row for 2026-12-01");
            for (_, _, id) in &rows {
                assert_eq!(id.len(), 32);
                assert_eq!(&id[12..13], "4", "a UUID v4: {id}");
            }
            if size.is_some() {
                // Each id after those written before it, across chunks.
                let ids: Vec<String> = store
                    .read(|tx| {
                        let mut stmt = tx
                            .conn()
                            .prepare("SELECT id FROM metric_values ORDER BY rowid")?;
                        let ids = stmt.query_map([], |r| r.get(0))?;
                        Ok(ids.collect::<rusqlite::Result<Vec<_>>>()?)
                    })
                    .unwrap();
                assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
            }
        }
    }

    #[test]
    fn a_bad_row_writes_nothing_and_skip_bad_writes_the_rest() {
        let (_dir, mut store) = store();
        let csv = "member,metric,value,date\n\
                   alex,CSAT,1,2026-11-01\nalex,CSAT,2,2026-11-02\nalex,CSAT,3,2026-11-03\n\
                   alex,CSAT,4,2026-11-04\nalex,CSAT,5,2026-11-05\nalex,CSAT,x,2026-11-06\n\
                   alex,CSAT,7,2026-11-07\n";
        let err = import_text(&mut store, csv, &options(false)).unwrap_err();
        assert_eq!(
            err.message(),
            "test, line 7: the value \"x\" is not a number; nothing was imported"
        );
        assert!(stored(&mut store).is_empty());
        let summary = import_text(&mut store, csv, &options(true)).unwrap();
        assert_eq!((summary.imported, summary.bad_count), (6, 1));
        assert_eq!(stored(&mut store).len(), 6);
    }
}
