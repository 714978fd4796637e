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
use crate::import::{Input, JsonValue, Progress, Row, Schema};
use crate::store::{AscendingIds, Tx};
use crate::{member, when, Result};

/// The columns of a CSV file (its header names them, in any order) and the
/// fields of a JSON Lines object.
pub const COLUMNS: &str = "member, metric, value, date, and optionally target and unit";

/// How many distinct date (or unit) texts are kept parsed before the cache
/// restarts.
const MAX_CACHED_DATES: usize = 100_000;

/// How many good rows are written at a time (see [`Values::write`]);
/// tiny in unit tests, so that they cross chunks. A waiting row is 64
/// bytes, and so is its entry in the undo log until the chunk is written:
/// 2 MiB in all.
const CHUNK: usize = if cfg!(test) { 4 } else { 1 << 14 };

pub use crate::import::{BadRow, Format, Options};

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
    /// Bad rows without `skip_bad`: nothing was written.
    #[serde(skip)]
    pub rejected: bool,
}

/// Imports values from `input` (see [`crate::import::run`]). Without
/// `skip_bad`, one bad row means nothing is written (`rejected`).
pub fn import(
    tx: &Tx<'_>,
    input: &mut Input<impl BufRead>,
    options: &Options,
    progress: &mut dyn FnMut(Progress),
) -> Result<Summary> {
    let mut values = Values::new(tx, options)?;
    let report = crate::import::run(tx, &mut values, input, options, progress)?;
    Ok(Summary {
        rejected: report.rejected && !options.dry_run,
        imported: report.good,
        replaced: values.replaced,
        members: values.members.iter().filter(|m| m.used).count(),
        bad_count: report.bad_count,
        bad: report.bad,
        dry_run: options.dry_run,
    })
}

/// The fields of a row, in the order of [`Values::fields`].
const FIELDS: [&str; 6] = ["member", "metric", "value", "date", "target", "unit"];

/// The checks and caches of one import: the metric values' row schema.
struct Values<'t, 'c> {
    tx: &'t Tx<'c>,
    now: DateTime<Local>,
    now_text: String,
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
    /// Values that replaced one already recorded.
    replaced: u64,
}

/// A good row, waiting to be written: indexes into the caches of
/// [`Values`] instead of text.
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

impl Schema for Values<'_, '_> {
    type Checked = Pending;
    const CHUNK: usize = CHUNK;

    fn fields(&self) -> &'static [&'static str] {
        &FIELDS
    }

    fn required(&self) -> &'static [&'static str] {
        &FIELDS[..4]
    }

    fn check(&mut self, row: &Row<'_>) -> Result<std::result::Result<Pending, String>> {
        Ok(self.check_row(row))
    }

    /// The caches are emptied when full; the rows waiting refer to them.
    fn must_write(&self) -> bool {
        self.date_of.len() >= MAX_CACHED_DATES || self.unit_of.len() >= MAX_CACHED_DATES
    }

    /// Writes the waiting rows.
    ///
    /// In the order of the index (member, metric, date), with ids
    /// ascending the same way: every B-tree the rows go into (the table,
    /// its id index, the member index) is then written left to right, page
    /// after page, instead of at a random place for every row, which makes
    /// a large import several times faster. The rows of a chunk keep their
    /// file order among equal keys (a stable sort), so a later row for the
    /// same member, metric and date still replaces an earlier one.
    fn write(&mut self, rows: &mut Vec<Pending>, ids: &mut AscendingIds) -> Result<()> {
        let members = &self.members;
        let dates = &self.date_texts;
        rows.sort_by(|a, b| {
            let (ma, mb) = (&members[a.member], &members[b.member]);
            ma.id
                .cmp(&mb.id)
                .then_with(|| ma.names[a.name].cmp(&mb.names[b.name]))
                .then_with(|| dates[a.date].cmp(&dates[b.date]))
        });
        let insert = match self.insert.as_mut() {
            Some(insert) => insert,
            None => self.insert.insert(self.tx.prepare_cached(UPSERT)?),
        };
        let mut id_text = [0u8; 32];
        for row in rows.iter() {
            let member = &members[row.member];
            let before = self.tx.last_insert_rowid();
            insert.execute(rusqlite::params![
                &*ids.next_uuid().simple().encode_lower(&mut id_text),
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
            if self.tx.last_insert_rowid() == before {
                self.replaced += 1;
            }
        }
        if self.date_of.len() >= MAX_CACHED_DATES {
            self.date_of.clear();
            self.date_texts.clear();
        }
        if self.unit_of.len() >= MAX_CACHED_DATES {
            self.unit_of.clear();
            self.units.clear();
        }
        Ok(())
    }
}

impl<'t, 'c> Values<'t, 'c> {
    fn new(tx: &'t Tx<'c>, _options: &Options) -> Result<Self> {
        Ok(Values {
            tx,
            now: tx.now().with_timezone(&Local),
            now_text: tx.now_text(),
            insert: None,
            member_of: HashMap::new(),
            members: Vec::new(),
            date_of: HashMap::new(),
            date_texts: Vec::new(),
            unit_of: HashMap::new(),
            units: Vec::new(),
            replaced: 0,
        })
    }

    /// Checks one row.
    fn check_row(&mut self, row: &Row<'_>) -> std::result::Result<Pending, String> {
        let text = |i: usize| row[i].as_ref().map(JsonValue::as_text);
        let required = |i: usize| {
            text(i).ok_or_else(|| format!("not a valid row: missing field `{}`", FIELDS[i]))
        };
        let member = self.member(&required(0)?)?;
        let name = self.metric_name(member, &required(1)?)?;
        let value = number("value", row[2].as_ref())?.ok_or_else(|| match row[2] {
            None => "not a valid row: missing field `value`".to_string(),
            Some(_) => "no value".to_string(),
        })?;
        let target = number("target", row[4].as_ref())?;
        let unit = match text(5) {
            Some(text) => self.unit(&text)?,
            None => None,
        };
        let date = self.date(&required(3)?)?;
        self.members[member].used = true;
        Ok(Pending {
            member,
            name,
            date,
            unit,
            value,
            target,
        })
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

/// A number field: `None` when absent or blank, an error when it is not a
/// finite number. A number may be written as text (CSV, or a JSON string).
fn number(what: &str, field: Option<&JsonValue<'_>>) -> std::result::Result<Option<f64>, String> {
    let n = match field {
        None => return Ok(None),
        Some(JsonValue::Int(n)) => *n as f64,
        Some(JsonValue::UInt(n)) => *n as f64,
        Some(JsonValue::Float(n)) => *n,
        Some(JsonValue::Text(text)) if text.trim().is_empty() => return Ok(None),
        Some(JsonValue::Text(text)) => {
            return super::parse_number(what, text.trim())
                .map(Some)
                .map_err(|e| e.message().to_string())
        }
    };
    if n.is_finite() {
        Ok(Some(n))
    } else {
        Err(format!("the {what} {n} is not a finite number"))
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
                let mut stmt = tx.prepare(
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
                        let mut stmt = tx.prepare("SELECT id FROM metric_values ORDER BY rowid")?;
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
        let summary = import_text(&mut store, csv, &options(false)).unwrap();
        assert!(summary.rejected);
        let err =
            crate::import::rejected("test", &summary.bad, summary.bad_count, summary.imported);
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
