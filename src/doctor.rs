//! `coach doctor`: a health check of the database and the attachment
//! store, like `git fsck`. It only reads; `--repair` fixes what can be
//! fixed without guessing: content files that no attachment uses
//! (orphans), temporary files left by a process that died, the
//! claims of agendas, recaps and digests left by a process that died
//! (stale claims), and what the triggers of coach's writes keep but a
//! write by another program did not (the counts of open actions, the
//! search index).
//!
//! The records are checked with the rules `coach import` applies
//! ([`crate::exchange::check_stored`]), so a value no command could have
//! written (an unknown enum text, a bad time, a crafted id) is found here.

use std::fs;
use std::io;
use std::path::Path;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::claim::{self, Attempt};
use crate::store::{Tx, APPLICATION_ID, LATEST_SCHEMA};
use crate::{attachment, digest, exchange, search, share, Result};

/// The most problems listed per check (the rest are counted).
const MAX_LISTED: usize = 100;

/// What `coach doctor` found.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// Whether all is well (no problem left).
    pub ok: bool,
    pub schema_version: usize,
    pub latest_schema_version: usize,
    pub application_id: i64,
    /// Attachment contents checked against their hash.
    pub files_checked: u64,
    pub problems: Vec<Problem>,
    /// Problems beyond the [`MAX_LISTED`] of a check, counted only.
    pub more_problems: u64,
    /// What `--repair` fixed.
    pub repaired: Vec<Problem>,
}

/// One thing that is wrong.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// Which check found it: `schema`, `application-id`, `integrity`,
    /// `foreign-keys`, `records`, `attachments`, `orphans`, `claims`,
    /// `counts`, `search`.
    pub check: &'static str,
    pub detail: String,
    /// Whether `--repair` fixes it.
    pub repairable: bool,
    /// For a repairable problem: the file or the claim it is about.
    #[serde(skip)]
    target: Target,
}

#[derive(Debug, Clone, Default)]
enum Target {
    #[default]
    None,
    Orphan(std::path::PathBuf),
    /// A stale claim: its id, whether its process is gone, and how to
    /// release it (that of its table).
    Claim(String, bool, Release),
    /// The counts of open actions, which are counted again.
    Counts,
    /// The search index, whose wrong rows are written again.
    Search,
}

/// Releases the stale claim with this id, whose process is gone or not.
type Release = fn(&Tx<'_>, &str, bool) -> Result<()>;

/// [`Release`] for the rows of `A`'s table.
fn release<A: Attempt>(tx: &Tx<'_>, id: &str, gone: bool) -> Result<()> {
    claim::abandon(tx, &A::get(tx, id)?, gone)
}

impl Report {
    /// Whether all is well.
    pub fn is_healthy(&self) -> bool {
        self.problems.is_empty() && self.more_problems == 0
    }

    fn add(&mut self, check: &'static str, detail: String) {
        self.push(check, detail, Target::None);
    }

    fn push(&mut self, check: &'static str, detail: String, target: Target) {
        if self.problems.iter().filter(|p| p.check == check).count() >= MAX_LISTED {
            self.more_problems += 1;
            return;
        }
        let repairable = !matches!(target, Target::None);
        self.problems.push(Problem {
            check,
            detail,
            repairable,
            target,
        });
    }
}

/// Checks everything; changes nothing.
pub fn check(tx: &Tx<'_>) -> Result<Report> {
    let mut report = Report {
        schema_version: tx.schema_version()?,
        latest_schema_version: LATEST_SCHEMA,
        ..Report::default()
    };
    if report.schema_version != LATEST_SCHEMA {
        report.add(
            "schema",
            format!(
                "the schema is at version {}, not {LATEST_SCHEMA}",
                report.schema_version
            ),
        );
    }
    missing_objects(tx, &mut report)?;
    report.application_id = tx.application_id()?;
    if report.application_id != APPLICATION_ID {
        report.add(
            "application-id",
            format!(
                "the file is not marked as coach's (application_id {})",
                report.application_id
            ),
        );
    }
    integrity(tx, &mut report)?;
    foreign_keys(tx, &mut report)?;
    for detail in exchange::check_stored(tx, MAX_LISTED + 1)? {
        report.add("records", detail);
    }
    attachments(tx, &mut report)?;
    orphans(tx, &mut report)?;
    claims(tx, &mut report)?;
    counts(tx, &mut report)?;
    // Over the tables the index is made from: only when none is missing.
    if !report.problems.iter().any(|p| p.check == "schema") {
        search_index(tx, &mut report)?;
    }
    report.ok = report.is_healthy();
    Ok(report)
}

/// Fixes the repairable problems of a fresh check, then checks again.
/// Runs in the command's write transaction: no `attach` or `import` can
/// store a file meanwhile, so a file being attached is never taken for an
/// orphan.
pub fn repair(tx: &Tx<'_>) -> Result<Report> {
    let before = check(tx)?;
    let mut repaired = Vec::new();
    for problem in before.problems.into_iter().filter(|p| p.repairable) {
        let done = match &problem.target {
            Target::Orphan(path) => fs::remove_file(path).is_ok(),
            Target::Claim(id, gone, release) => {
                release(tx, id, *gone)?;
                true
            }
            Target::Counts => {
                recount(tx)?;
                true
            }
            Target::Search => {
                search::upkeep::repair(tx)?;
                true
            }
            Target::None => false,
        };
        if done {
            repaired.push(problem);
        }
    }
    let swept = crate::private_file::sweep_stale(&tx.folder().join(attachment::FOLDER));
    if swept > 0 {
        repaired.push(Problem {
            check: "orphans",
            detail: format!("{swept} temporary files left by a process that died"),
            repairable: true,
            target: Target::None,
        });
    }
    let mut after = check(tx)?;
    after.repaired = repaired;
    Ok(after)
}

/// The open actions of each member as counted: all, and those without a
/// due date.
const COUNTED: &str = "SELECT member_id, count(*), sum(due_at IS NULL) FROM actions
                       WHERE done_at IS NULL AND deleted_at IS NULL GROUP BY member_id";

/// The counts of open actions that triggers keep for `team`
/// (`open_action_counts`, migration 0018) against the actions themselves:
/// a file written by another program, or edited by hand, may disagree.
fn counts(tx: &Tx<'_>, report: &mut Report) -> Result<()> {
    let wrong: i64 = tx
        .prepare(&format!(
            "WITH counted (member_id, open, undated) AS ({COUNTED}),
                  kept AS (SELECT member_id, open, undated FROM open_action_counts
                           WHERE open <> 0 OR undated <> 0)
             SELECT count(*) FROM (
                 SELECT * FROM (SELECT * FROM counted EXCEPT SELECT * FROM kept)
                 UNION
                 SELECT * FROM (SELECT * FROM kept EXCEPT SELECT * FROM counted))"
        ))?
        .query_row([], |r| r.get(0))?;
    if wrong > 0 {
        report.push(
            "counts",
            format!("the counts of open actions kept for `team` are wrong in {wrong} places"),
            Target::Counts,
        );
    }
    Ok(())
}

/// The search index against the records: a file written by another
/// program leaves it behind (coach's writes keep it with their triggers).
fn search_index(tx: &Tx<'_>, report: &mut Report) -> Result<()> {
    let wrong = search::upkeep::faults(tx)?;
    if wrong > 0 {
        report.push(
            "search",
            format!("the search index is wrong for {wrong} records"),
            Target::Search,
        );
    }
    Ok(())
}

/// Counts every member's open actions again.
fn recount(tx: &Tx<'_>) -> Result<()> {
    tx.execute_batch(&format!(
        "DELETE FROM open_action_counts;
         INSERT INTO open_action_counts (member_id, open, undated) {COUNTED};"
    ))?;
    Ok(())
}

/// The tables, columns, indexes, triggers and views coach's schema has
/// and the file lacks (dropped by hand or by another program): a missing
/// table's records are gone, which only a backup brings back.
fn missing_objects(tx: &Tx<'_>, report: &mut Report) -> Result<()> {
    let present: std::collections::HashSet<(String, String)> =
        tx.schema_objects()?.into_iter().collect();
    for (kind, name) in crate::store::expected_schema()? {
        if !present.contains(&(kind.clone(), name.clone())) {
            report.add("schema", format!("the database has no {kind} {name}"));
        }
    }
    Ok(())
}

fn integrity(tx: &Tx<'_>, report: &mut Report) -> Result<()> {
    let mut stmt = tx.prepare("PRAGMA integrity_check")?;
    let lines: Vec<String> = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for line in lines.into_iter().filter(|l| l != "ok") {
        report.add("integrity", line);
    }
    Ok(())
}

fn foreign_keys(tx: &Tx<'_>, report: &mut Report) -> Result<()> {
    let mut stmt = tx.prepare("PRAGMA foreign_key_check")?;
    let rows: Vec<(String, Option<i64>, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (table, rowid, parent) in rows {
        let row = rowid.map_or_else(String::new, |r| format!(" row {r}"));
        report.add(
            "foreign-keys",
            format!("{table}{row} refers to a record of {parent} that does not exist"),
        );
    }
    Ok(())
}

/// Every attachment's content: present, and its hash and size right.
fn attachments(tx: &Tx<'_>, report: &mut Report) -> Result<()> {
    let mut stmt = tx.prepare("SELECT DISTINCT sha256, size FROM attachments ORDER BY sha256")?;
    let rows: Vec<(String, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (sha, size) in rows {
        let path = match attachment::content_path(tx.folder(), &sha) {
            Ok(path) => path,
            Err(err) => {
                report.add("attachments", err.message().to_string());
                continue;
            }
        };
        match hash_file(&path) {
            Ok((actual, bytes)) if actual == sha && i64::try_from(bytes) == Ok(size) => {
                report.files_checked += 1;
            }
            Ok(_) => report.add(
                "attachments",
                format!(
                    "{} is damaged: its content does not match its SHA-256 or size",
                    path.display()
                ),
            ),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                report.add("attachments", format!("{} is missing", path.display()));
            }
            Err(err) => report.add(
                "attachments",
                format!("{} cannot be read: {err}", path.display()),
            ),
        }
    }
    Ok(())
}

fn hash_file(path: &Path) -> io::Result<(String, u64)> {
    let mut file = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let bytes = io::copy(&mut file, &mut hasher)?;
    Ok((format!("{:x}", hasher.finalize()), bytes))
}

/// Files in the store that no attachment uses (temporary files are the
/// writers' own, swept by `--repair` once their writer is gone).
fn orphans(tx: &Tx<'_>, report: &mut Report) -> Result<()> {
    let store = tx.folder().join(attachment::FOLDER);
    let Ok(entries) = fs::read_dir(&store) else {
        return Ok(());
    };
    let mut used = tx.prepare("SELECT 1 FROM attachments WHERE sha256 = ?1")?;
    let mut names: Vec<_> = entries.flatten().collect();
    names.sort_by_key(fs::DirEntry::file_name);
    for entry in names {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(".coach-") && name.ends_with(".tmp") {
            continue;
        }
        let path = entry.path();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if !is_file {
            report.add(
                "orphans",
                format!(
                    "{} is not a regular file; only content files belong there",
                    path.display()
                ),
            );
        } else if !(attachment::is_sha256(&name) && used.exists([&name])?) {
            report.push(
                "orphans",
                format!("{} is used by no attachment", path.display()),
                Target::Orphan(path),
            );
        }
    }
    Ok(())
}

/// Claims of agendas and recaps, then of digests, left by a process that
/// died or past `mail.claim-timeout` (the rule `share` itself applies).
fn claims(tx: &Tx<'_>, report: &mut Report) -> Result<()> {
    stale_claims::<share::Share>(tx, report)?;
    stale_claims::<digest::Sent>(tx, report)
}

fn stale_claims<A: Attempt>(tx: &Tx<'_>, report: &mut Report) -> Result<()> {
    let mut stmt = tx.prepare(&format!(
        "SELECT id, created_at FROM {} WHERE outcome = 'sending' ORDER BY created_at",
        A::TABLE
    ))?;
    let rows: Vec<(String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, since) in rows {
        let Some(gone) = claim::stale(tx, &A::get(tx, &id)?)? else {
            continue;
        };
        let why = if gone {
            "by a process that is gone".to_string()
        } else {
            format!("and not finished within {}", claim::CLAIM_TIMEOUT)
        };
        report.push(
            "claims",
            format!("the {} {id} has been claimed since {since} {why}", A::NOUN),
            Target::Claim(id, gone, release::<A>),
        );
    }
    Ok(())
}
