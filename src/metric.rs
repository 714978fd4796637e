//! Metrics: a member's numbers over time (CSAT, AHT, FCR...), their
//! scorecard, and the values brought into a session to discuss.
//!
//! The history (`metric_values`) holds one value per member, metric and
//! instant; recording or importing a value for an instant that already has
//! one replaces it, so a correction or a re-imported export never doubles
//! a value. A session keeps a copy of what was discussed
//! (`session_metrics`), so later corrections do not rewrite a past 1:1.
//!
//! A metric's name is matched ignoring case and kept, for each member, as it
//! was first recorded. Whether a higher value is better cannot be known in
//! general: a target is a minimum, unless the metric is named in the setting
//! `metric.lower-is-better` (handle times, for instance), where it is a
//! maximum.

pub mod import;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use crate::config::Settings;
use crate::member::Member;
use crate::note::{self, Note, Visible};
use crate::session::{MemberRef, Session};
use crate::store::{new_id, normalize_prefix, time_at, ShortIds, Tx};
use crate::{when, Error, Result};

/// How many recent values a scorecard keeps for its sparkline.
pub const RECENT: usize = 12;

/// The longest metric name, in characters.
const MAX_NAME: usize = 100;

/// The longest unit, in characters.
const MAX_UNIT: usize = 20;

/// One recorded value of a member's metric.
#[derive(Debug, Clone, Serialize)]
pub struct MetricValue {
    pub id: String,
    pub short_id: String,
    pub member: MemberRef,
    pub metric: String,
    pub value: f64,
    pub target: Option<f64>,
    pub unit: Option<String>,
    pub measured_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A metric brought into a session: a copy of the value discussed.
#[derive(Debug, Clone, Serialize)]
pub struct SessionMetric<N = Note> {
    pub id: String,
    pub short_id: String,
    pub session_id: String,
    pub metric: String,
    pub value: f64,
    pub target: Option<f64>,
    pub unit: Option<String>,
    /// When the value was measured.
    pub measured_at: DateTime<Utc>,
    /// Whether the target is a maximum (setting `metric.lower-is-better`).
    pub lower_is_better: bool,
    /// Whether the value meets the target; `None` without a target.
    pub on_target: Option<bool>,
    /// The notes dedicated to this metric that the audience may see.
    pub notes: Vec<N>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A member's latest value of every metric.
#[derive(Debug, Clone, Serialize)]
pub struct Scorecard {
    pub member: MemberRef,
    /// By metric name, ignoring case.
    pub metrics: Vec<ScorecardLine>,
}

/// One metric of a scorecard.
#[derive(Debug, Clone, Serialize)]
pub struct ScorecardLine {
    pub metric: String,
    /// The latest value.
    pub value: f64,
    /// The latest known unit and target (from an earlier value when the
    /// latest one has none).
    pub unit: Option<String>,
    pub target: Option<f64>,
    pub lower_is_better: bool,
    pub on_target: Option<bool>,
    pub measured_at: DateTime<Utc>,
    /// The value before the latest one.
    pub previous: Option<Point>,
    /// The direction since the previous value; `None` without one.
    pub trend: Option<Trend>,
    /// The latest value minus the previous one.
    pub delta: Option<f64>,
    /// Up to [`RECENT`] values, oldest first, the latest last.
    pub recent: Vec<f64>,
    /// `recent` drawn with ▁▂▃▄▅▆▇█.
    pub sparkline: String,
}

/// A value and when it was measured.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Point {
    pub value: f64,
    pub measured_at: DateTime<Utc>,
}

/// Which way a metric moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    Up,
    Down,
    Flat,
}

/// A value to record.
#[derive(Debug, Clone)]
pub struct NewValue {
    pub metric: String,
    pub value: f64,
    pub target: Option<f64>,
    pub unit: Option<String>,
    pub measured_at: DateTime<Utc>,
}

/// What `record` did: the value as stored, and the value it replaced when
/// one was already recorded for that instant.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub value: MetricValue,
    pub replaced: Option<f64>,
}

/// What adding a metric to a session did: the session's copy, and its
/// previous value when the metric was already in the session.
#[derive(Debug, Clone)]
pub struct Added {
    pub metric: SessionMetric,
    pub replaced: Option<f64>,
}

/// Records a value of `member`'s metric, or replaces the value already
/// recorded for the same metric and instant.
pub fn record(tx: &Tx<'_>, member: &Member, new: NewValue) -> Result<Recorded> {
    let metric = canonical_name(tx, &member.id, &check_name(&new.metric)?)?;
    let value = check_number("value", new.value)?;
    let target = new.target.map(|t| check_number("target", t)).transpose()?;
    let unit = new.unit.as_deref().map(check_unit).transpose()?.flatten();
    let at = when::to_storage(new.measured_at);
    let replaced: Option<f64> = tx
        .prepare_cached(
            "SELECT value FROM metric_values
             WHERE member_id = ?1 AND metric = ?2 AND measured_at = ?3 AND deleted_at IS NULL",
        )?
        .query_row(rusqlite::params![member.id, metric, at], |r| r.get(0))
        .optional()?;
    tx.prepare_cached(UPSERT)?.execute(rusqlite::params![
        new_id(),
        member.id,
        metric,
        value,
        target,
        unit,
        at,
        tx.me(),
        tx.now_text()
    ])?;
    let id: String = tx
        .prepare_cached(
            "SELECT id FROM metric_values
             WHERE member_id = ?1 AND metric = ?2 AND measured_at = ?3 AND deleted_at IS NULL",
        )?
        .query_row(rusqlite::params![member.id, metric, at], |r| r.get(0))?;
    Ok(Recorded {
        value: get_value(tx, &id)?,
        replaced,
    })
}

/// Inserts a value, or replaces the one recorded for the same member,
/// metric and instant (keeping its id, and its target and unit when the
/// new value has none). Parameters: id, member_id, metric, value, target,
/// unit, measured_at, author, now.
const UPSERT: &str = "INSERT INTO metric_values
        (id, member_id, metric, value, target, unit, measured_at, author, created_at, updated_at)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
     ON CONFLICT (member_id, metric, measured_at) WHERE deleted_at IS NULL DO UPDATE SET
        value = excluded.value,
        target = coalesce(excluded.target, target),
        unit = coalesce(excluded.unit, unit),
        author = excluded.author,
        updated_at = excluded.updated_at";

const SELECT_VALUE: &str = "SELECT v.id, v.metric, v.value, v.target, v.unit, v.measured_at,
            v.created_at, v.updated_at, m.id, m.name, m.email
     FROM metric_values v JOIN members m ON m.id = v.member_id";

fn get_value(tx: &Tx<'_>, id: &str) -> Result<MetricValue> {
    let sql = format!("{SELECT_VALUE} WHERE v.id = ?1");
    let value = tx.prepare_cached(&sql)?.query_row([id], value_from_row)?;
    with_value_short_id(tx, value)
}

/// A member's recorded values, oldest first: all metrics or one, all
/// history or since an instant.
pub fn history(
    tx: &Tx<'_>,
    member: &Member,
    metric: Option<&str>,
    since: Option<DateTime<Utc>>,
) -> Result<Vec<MetricValue>> {
    let metric = metric
        .map(|name| resolve_name(tx, member, name))
        .transpose()?;
    // Every stored time is after "": no --since reads the whole range.
    let since = since.map(when::to_storage).unwrap_or_default();
    // With a metric, the index gives the range and the order; without one,
    // the member's range of the index is read and sorted by date.
    let metric_clause = if metric.is_some() {
        "v.metric = ?2"
    } else {
        "?2 IS NULL"
    };
    let sql = format!(
        "{SELECT_VALUE} WHERE v.member_id = ?1 AND {metric_clause}
           AND v.measured_at >= ?3 AND v.deleted_at IS NULL
         ORDER BY v.measured_at, v.metric"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params![member.id, metric, since], value_from_row)?;
    let values = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    values
        .into_iter()
        .map(|v| with_value_short_id(tx, v))
        .collect()
}

/// The names of a member's metrics, ignoring case in the order.
///
/// A loose index scan: one index seek per name, however long the history.
pub fn names(tx: &Tx<'_>, member_id: &str) -> Result<Vec<String>> {
    let mut stmt = tx.prepare_cached(
        "SELECT metric FROM metric_values
         WHERE member_id = ?1 AND metric > ?2 AND deleted_at IS NULL
         ORDER BY metric LIMIT 1",
    )?;
    let mut names: Vec<String> = Vec::new();
    let mut after = String::new();
    while let Some(name) = stmt
        .query_row(rusqlite::params![member_id, after], |r| {
            r.get::<_, String>(0)
        })
        .optional()?
    {
        after.clone_from(&name);
        names.push(name);
    }
    names.sort_by_key(|n| n.to_lowercase());
    Ok(names)
}

/// The member's metric called `name`, ignoring case; an error with a
/// suggestion when there is none.
pub fn resolve_name(tx: &Tx<'_>, member: &Member, name: &str) -> Result<String> {
    let known = names(tx, &member.id)?;
    find_ignoring_case(&known, name.trim())
        .map(str::to_string)
        .ok_or_else(|| unknown_metric(member, name, &known))
}

fn unknown_metric(member: &Member, name: &str, known: &[String]) -> Error {
    let err = Error::input(format!(
        "{} has no recorded value for \"{}\"",
        member.name,
        name.trim()
    ));
    match closest(known, name) {
        Some(best) => err.with_hint(format!("did you mean \"{best}\"?")),
        None if known.is_empty() => err.with_hint(format!(
            "record one with: coach metric record \"{}\" {} VALUE, or import them with: coach metric import FILE",
            member.name,
            name.trim()
        )),
        None => err.with_hint(format!(
            "{}'s metrics are: {}",
            member.name,
            known.join(", ")
        )),
    }
}

fn closest<'a>(known: &'a [String], name: &str) -> Option<&'a str> {
    let wanted = name.trim().to_lowercase();
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(&wanted, &k.to_lowercase()), k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k.as_str())
}

fn find_ignoring_case<'a>(known: &'a [String], name: &str) -> Option<&'a str> {
    let wanted = name.to_lowercase();
    known
        .iter()
        .find(|k| k.to_lowercase() == wanted)
        .map(String::as_str)
}

/// `name` as the member's metric is already spelled, or `name` itself for
/// a new metric.
fn canonical_name(tx: &Tx<'_>, member_id: &str, name: &str) -> Result<String> {
    let known = names(tx, member_id)?;
    Ok(find_ignoring_case(&known, name).unwrap_or(name).to_string())
}

/// The member's scorecard: the latest value of each metric against its
/// target, the trend since the previous value and the recent values.
///
/// Reads at most [`RECENT`] values per metric through the index (and, when
/// none of them has a target or unit, walks back to the latest that has),
/// so it stays fast with years of daily values.
pub fn scorecard(tx: &Tx<'_>, member: &Member) -> Result<Scorecard> {
    let directions = Directions::load(tx)?;
    let mut metrics = Vec::new();
    for name in names(tx, &member.id)? {
        if let Some(line) = scorecard_line(tx, &member.id, &name, &directions)? {
            metrics.push(line);
        }
    }
    Ok(Scorecard {
        member: MemberRef {
            id: member.id.clone(),
            name: member.name.clone(),
            email: member.email.clone(),
        },
        metrics,
    })
}

fn scorecard_line(
    tx: &Tx<'_>,
    member_id: &str,
    name: &str,
    directions: &Directions,
) -> Result<Option<ScorecardLine>> {
    let mut stmt = tx.prepare_cached(
        "SELECT value, target, unit, measured_at FROM metric_values
         WHERE member_id = ?1 AND metric = ?2 AND deleted_at IS NULL
         ORDER BY measured_at DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(rusqlite::params![member_id, name, RECENT as i64], |r| {
        Ok((
            r.get::<_, f64>(0)?,
            r.get::<_, Option<f64>>(1)?,
            r.get::<_, Option<String>>(2)?,
            time_at(r, 3)?,
        ))
    })?;
    let newest_first = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    let Some((value, _, _, measured_at)) = newest_first.first().cloned() else {
        return Ok(None);
    };
    let target = match newest_first.iter().find_map(|r| r.1) {
        Some(target) => Some(target),
        None => latest_target(tx, member_id, name)?,
    };
    let unit = match newest_first.iter().find_map(|r| r.2.clone()) {
        Some(unit) => Some(unit),
        None => latest_unit(tx, member_id, name)?,
    };
    let previous = newest_first.get(1).map(|r| Point {
        value: r.0,
        measured_at: r.3,
    });
    let delta = previous.map(|p| difference(value, p.value));
    let recent: Vec<f64> = newest_first.iter().rev().map(|r| r.0).collect();
    let lower_is_better = directions.lower_is_better(name);
    Ok(Some(ScorecardLine {
        metric: name.to_string(),
        value,
        on_target: on_target(value, target, lower_is_better),
        unit,
        target,
        lower_is_better,
        measured_at,
        previous,
        trend: previous.map(|p| trend(value, p.value)),
        delta,
        sparkline: sparkline(&recent),
        recent,
    }))
}

/// The latest target given for a member's metric, however long ago: one
/// seek in the partial index `metric_values_targets`, which holds only the
/// values that carry one (so a metric that never had one costs nothing).
fn latest_target(tx: &Tx<'_>, member_id: &str, name: &str) -> Result<Option<f64>> {
    latest_known(tx, Known::Target, member_id, name)
}

/// The latest unit of a member's metric, found as [`latest_target`] in
/// `metric_values_units`.
fn latest_unit(tx: &Tx<'_>, member_id: &str, name: &str) -> Result<Option<String>> {
    latest_known(tx, Known::Unit, member_id, name)
}

/// The optional columns a value may leave out, carried from older values.
#[derive(Clone, Copy)]
enum Known {
    Target,
    Unit,
}

fn latest_known<T: rusqlite::types::FromSql>(
    tx: &Tx<'_>,
    column: Known,
    member_id: &str,
    name: &str,
) -> Result<Option<T>> {
    // One fixed statement per column (never text from the user in SQL).
    // The index is named: SQLite would otherwise walk the metric's history
    // through `metric_values_by_member`, as `trends.rs` found.
    let sql = match column {
        Known::Target => {
            "SELECT target FROM metric_values INDEXED BY metric_values_targets
             WHERE member_id = ?1 AND metric = ?2 AND deleted_at IS NULL AND target IS NOT NULL
             ORDER BY measured_at DESC LIMIT 1"
        }
        Known::Unit => {
            "SELECT unit FROM metric_values INDEXED BY metric_values_units
             WHERE member_id = ?1 AND metric = ?2 AND deleted_at IS NULL AND unit IS NOT NULL
             ORDER BY measured_at DESC LIMIT 1"
        }
    };
    let mut stmt = tx.prepare_cached(sql)?;
    Ok(stmt
        .query_row(rusqlite::params![member_id, name], |r| r.get(0))
        .optional()?)
}

/// What `metric add` was given besides the name. Without a value, the
/// member's latest recorded value is taken; a target or unit given here
/// replaces the one that comes with it.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub unit: Option<String>,
    /// When a given value was measured [default: now].
    pub measured_at: Option<DateTime<Utc>>,
}

/// Brings a metric into `session`: a given value, or the member's latest
/// recorded value. A metric already in the session gets the new value (its
/// dedicated notes stay).
pub fn add_to_session(tx: &Tx<'_>, session: &Session, name: &str, given: Given) -> Result<Added> {
    let member = crate::session::member_of(tx, session)?;
    let name = check_name(name)?;
    let known = names(tx, &member.id)?;
    let canonical = find_ignoring_case(&known, &name).map(str::to_string);
    let latest = match &canonical {
        Some(canonical) => scorecard_line(tx, &member.id, canonical, &Directions::load(tx)?)?,
        None => None,
    };
    let mut copy = match (given.value, latest) {
        (Some(value), latest) => Copy {
            metric: canonical.unwrap_or(name),
            value: check_number("value", value)?,
            target: latest.as_ref().and_then(|l| l.target),
            unit: latest.and_then(|l| l.unit),
            measured_at: given.measured_at.unwrap_or_else(|| tx.now()),
        },
        (None, Some(latest)) => Copy {
            metric: latest.metric,
            value: latest.value,
            target: latest.target,
            unit: latest.unit,
            measured_at: latest.measured_at,
        },
        (None, None) => {
            let err = unknown_metric(&member, &name, &known);
            return Err(match closest(&known, &name) {
                Some(_) => err,
                None if !known.is_empty() => err.with_hint(format!(
                    "{}'s metrics are: {}; to discuss another, give its value: coach metric add {} VALUE",
                    member.name,
                    known.join(", "),
                    quoted(&name)
                )),
                None => err.with_hint(format!(
                    "give the value: coach metric add {} VALUE, or record it first: coach metric record \"{}\" {} VALUE",
                    quoted(&name),
                    member.name,
                    quoted(&name)
                )),
            });
        }
    };
    if let Some(target) = given.target {
        copy.target = Some(check_number("target", target)?);
    }
    if let Some(unit) = given.unit.as_deref().map(check_unit).transpose()?.flatten() {
        copy.unit = Some(unit);
    }
    put_in_session(tx, session, copy)
}

/// Brings the latest value of every metric of the session's member into
/// `session`: the full scorecard.
pub fn add_scorecard_to_session(tx: &Tx<'_>, session: &Session) -> Result<Vec<Added>> {
    let member = crate::session::member_of(tx, session)?;
    let card = scorecard(tx, &member)?;
    if card.metrics.is_empty() {
        return Err(
            Error::input(format!("{} has no recorded metrics", member.name)).with_hint(format!(
                "record one with: coach metric record \"{}\" NAME VALUE, or import them with: coach metric import FILE",
                member.name
            )),
        );
    }
    card.metrics
        .into_iter()
        .map(|line| {
            put_in_session(
                tx,
                session,
                Copy {
                    metric: line.metric,
                    value: line.value,
                    target: line.target,
                    unit: line.unit,
                    measured_at: line.measured_at,
                },
            )
        })
        .collect()
}

/// What a session keeps of a metric.
struct Copy {
    metric: String,
    value: f64,
    target: Option<f64>,
    unit: Option<String>,
    measured_at: DateTime<Utc>,
}

fn put_in_session(tx: &Tx<'_>, session: &Session, copy: Copy) -> Result<Added> {
    let now = tx.now_text();
    let measured_at = when::to_storage(copy.measured_at);
    let present = in_session(tx, &session.id)?
        .into_iter()
        .find(|(_, name, _)| name.to_lowercase() == copy.metric.to_lowercase());
    let (id, replaced) = match present {
        Some((id, _, old_value)) => {
            tx.prepare_cached(
                "UPDATE session_metrics SET value = ?2, target = ?3, unit = ?4, measured_at = ?5,
                        author = ?6, updated_at = ?7
                 WHERE id = ?1",
            )?
            .execute(rusqlite::params![
                id,
                copy.value,
                copy.target,
                copy.unit,
                measured_at,
                tx.me(),
                now
            ])?;
            (id, Some(old_value))
        }
        None => {
            let id = new_id();
            tx.prepare_cached(
                "INSERT INTO session_metrics
                    (id, session_id, metric, value, target, unit, measured_at, author, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)")?.execute(
                rusqlite::params![
                    id,
                    session.id,
                    copy.metric,
                    copy.value,
                    copy.target,
                    copy.unit,
                    measured_at,
                    tx.me(),
                    now
                ],
            )?;
            (id, None)
        }
    };
    Ok(Added {
        metric: get_session_metric(tx, &id)?,
        replaced,
    })
}

/// The (id, metric, value) of each metric in a session.
fn in_session(tx: &Tx<'_>, session_id: &str) -> Result<Vec<(String, String, f64)>> {
    let mut stmt = tx.prepare_cached(
        "SELECT id, metric, value FROM session_metrics
         WHERE session_id = ?1 AND deleted_at IS NULL ORDER BY rowid",
    )?;
    let rows = stmt.query_map([session_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const SELECT_SESSION_METRIC: &str = "SELECT id, session_id, metric, value, target, unit,
            measured_at, created_at, updated_at
     FROM session_metrics";

/// The metrics of a session in the order they were added, each with the
/// dedicated notes the audience of `N` may see.
pub fn for_session<N: Visible>(
    tx: &Tx<'_>,
    session_id: &str,
    ids: ShortIds,
) -> Result<Vec<SessionMetric<N>>> {
    let sql = format!(
        "{SELECT_SESSION_METRIC} WHERE session_id = ?1 AND deleted_at IS NULL ORDER BY rowid"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows = stmt.query_map([session_id], session_metric_from_row)?;
    let metrics = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    let directions = Directions::load(tx)?;
    metrics
        .into_iter()
        .map(|m| finish_session_metric(tx, m, &directions, ids))
        .collect()
}

fn get_session_metric(tx: &Tx<'_>, id: &str) -> Result<SessionMetric> {
    let sql = format!("{SELECT_SESSION_METRIC} WHERE id = ?1 AND deleted_at IS NULL");
    let metric = tx
        .prepare_cached(&sql)?
        .query_row([id], session_metric_from_row)
        .optional()?
        .ok_or_else(|| Error::input(format!("no session metric has the id {id}")))?;
    finish_session_metric(tx, metric, &Directions::load(tx)?, ShortIds::All)
}

/// The metric of `session` that `query` names: its name (ignoring case) or
/// the beginning of its id.
pub fn resolve_in_session(tx: &Tx<'_>, session: &Session, query: &str) -> Result<SessionMetric> {
    let present = in_session(tx, &session.id)?;
    let wanted = query.trim().to_lowercase();
    if let Some((id, _, _)) = present
        .iter()
        .find(|(_, name, _)| name.to_lowercase() == wanted)
    {
        return get_session_metric(tx, id);
    }
    if let Some(prefix) = normalize_prefix(query) {
        let ids: Vec<&String> = present
            .iter()
            .map(|(id, _, _)| id)
            .filter(|id| id.starts_with(&prefix))
            .collect();
        if let [id] = ids.as_slice() {
            return get_session_metric(tx, id);
        }
    }
    let names: Vec<&str> = present.iter().map(|(_, name, _)| name.as_str()).collect();
    let err = Error::input(format!("the session has no metric \"{}\"", query.trim()));
    Err(if names.is_empty() {
        err.with_hint("add one with: coach metric add NAME [VALUE]")
    } else {
        err.with_hint(format!("its metrics are: {}", names.join(", ")))
    })
}

/// Takes a metric out of a session (a tombstone); its dedicated notes go
/// with it.
pub fn remove_from_session(tx: &Tx<'_>, metric: &SessionMetric) -> Result<()> {
    tx.prepare_cached("UPDATE session_metrics SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1")?
        .execute(rusqlite::params![metric.id, tx.now_text()])?;
    Ok(())
}

fn finish_session_metric<N: Visible>(
    tx: &Tx<'_>,
    mut metric: SessionMetric<N>,
    directions: &Directions,
    ids: ShortIds,
) -> Result<SessionMetric<N>> {
    if ids == ShortIds::All {
        metric.short_id = tx.short_id("session_metrics", &metric.id)?;
    }
    metric.lower_is_better = directions.lower_is_better(&metric.metric);
    metric.on_target = on_target(metric.value, metric.target, metric.lower_is_better);
    metric.notes = note::for_item(tx, &metric.id, ids)?;
    Ok(metric)
}

fn session_metric_from_row<N>(row: &Row<'_>) -> rusqlite::Result<SessionMetric<N>> {
    Ok(SessionMetric {
        id: row.get(0)?,
        short_id: String::new(),
        session_id: row.get(1)?,
        metric: row.get(2)?,
        value: row.get(3)?,
        target: row.get(4)?,
        unit: row.get(5)?,
        measured_at: time_at(row, 6)?,
        lower_is_better: false,
        on_target: None,
        notes: Vec::new(),
        created_at: time_at(row, 7)?,
        updated_at: time_at(row, 8)?,
    })
}

fn value_from_row(row: &Row<'_>) -> rusqlite::Result<MetricValue> {
    Ok(MetricValue {
        id: row.get(0)?,
        short_id: String::new(),
        metric: row.get(1)?,
        value: row.get(2)?,
        target: row.get(3)?,
        unit: row.get(4)?,
        measured_at: time_at(row, 5)?,
        created_at: time_at(row, 6)?,
        updated_at: time_at(row, 7)?,
        member: MemberRef {
            id: row.get(8)?,
            name: row.get(9)?,
            email: row.get(10)?,
        },
    })
}

fn with_value_short_id(tx: &Tx<'_>, mut value: MetricValue) -> Result<MetricValue> {
    value.short_id = tx.short_id("metric_values", &value.id)?;
    Ok(value)
}

/// The metrics where lower is better, from the setting
/// `metric.lower-is-better` (names separated by commas, ignoring case).
#[derive(Debug, Clone, Default)]
pub struct Directions {
    lower: Vec<String>,
}

impl Directions {
    /// Reads the setting.
    pub fn load(tx: &Tx<'_>) -> Result<Directions> {
        Ok(Directions::parse(
            Settings::of(tx)?
                .lower_is_better()?
                .as_deref()
                .unwrap_or(""),
        ))
    }

    fn parse(setting: &str) -> Directions {
        Directions {
            lower: setting
                .split(',')
                .map(|n| n.trim().to_lowercase())
                .filter(|n| !n.is_empty())
                .collect(),
        }
    }

    /// Whether a lower value of `metric` is better (its target a maximum).
    pub fn lower_is_better(&self, metric: &str) -> bool {
        let name = metric.to_lowercase();
        self.lower.contains(&name)
    }
}

/// Whether `value` meets `target`: at least the target, or at most it
/// when lower is better. `None` without a target.
pub fn on_target(value: f64, target: Option<f64>, lower_is_better: bool) -> Option<bool> {
    target.map(|t| {
        if lower_is_better {
            value <= t
        } else {
            value >= t
        }
    })
}

/// The direction from `previous` to `latest`; differences within rounding
/// noise are flat.
pub fn trend(latest: f64, previous: f64) -> Trend {
    let delta = difference(latest, previous);
    if delta > 0.0 {
        Trend::Up
    } else if delta < 0.0 {
        Trend::Down
    } else {
        Trend::Flat
    }
}

/// Draws values as a sparkline, lowest ▁ to highest █; all equal is a row
/// of ▄.
///
/// Hand-written: the `sparklines` crate (0.3) does the same in more code
/// and brings two dependencies (ordered-float, rangemap).
pub fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    // Halves, so that the range of any two finite values is finite.
    let min = values.iter().map(|v| v / 2.0).fold(f64::INFINITY, f64::min);
    let max = values
        .iter()
        .map(|v| v / 2.0)
        .fold(f64::NEG_INFINITY, f64::max);
    let range = max - min;
    values
        .iter()
        .map(|v| {
            if range <= f64::EPSILON * max.abs().max(min.abs()) {
                BARS[3]
            } else {
                let step = ((v / 2.0 - min) / range * 7.0).round();
                BARS[(step as usize).min(7)]
            }
        })
        .collect()
}

/// `x` rounded to 10 significant digits: what is shown and compared, so
/// that 4.6 - 4.4 is 0.2, not 0.1999999999999993.
pub fn round(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        // Also turns -0 into 0.
        return if x == 0.0 { 0.0 } else { x };
    }
    let rounded = round_by_scaling(x).unwrap_or_else(|| round_by_printing(x));
    if rounded == 0.0 {
        0.0
    } else {
        rounded
    }
}

/// The powers of ten a double holds exactly.
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// [`round`] by arithmetic, a twentieth of the cost of printing (trends
/// round hundreds of averages): `x` scaled to ten integer digits, rounded,
/// scaled back. Scaling by an exact power of ten is one rounding, at most
/// 2e-6 off on ten digits, so the integer is the printed one unless the
/// scaled value is that close to a half; dividing the integer by the
/// exact power is then the double nearest that decimal, as parsing it
/// gives. `None` where that does not hold: near a half, or outside the
/// exact powers.
fn round_by_scaling(x: f64) -> Option<f64> {
    let shift = 9 - x.abs().log10().floor() as i32;
    let power = *EXACT_POWERS_OF_TEN.get(shift.unsigned_abs() as usize)?;
    let scaled = if shift >= 0 { x * power } else { x / power };
    // log10 can be one off next to a power of ten.
    if !(1e9..1e10).contains(&scaled.abs()) {
        return None;
    }
    let digits = scaled.round();
    if ((scaled - digits).abs() - 0.5).abs() < 1e-5 {
        return None;
    }
    Some(if shift >= 0 {
        digits / power
    } else {
        digits * power
    })
}

/// [`round`] by printing ten significant digits and reading them back:
/// exact for every double.
fn round_by_printing(x: f64) -> f64 {
    format!("{x:.9e}").parse::<f64>().unwrap_or(x)
}

/// `a - b` as people would compute it from the numbers they see: 4.6 - 4.4
/// is 0.2, and 0.3 - (0.1 + 0.2) is 0.
pub fn difference(a: f64, b: f64) -> f64 {
    round(round(a) - round(b))
}

/// A number for people: `4.6`, `412`, `-0.2`.
pub fn format_number(x: f64) -> String {
    format!("{}", round(x))
}

/// A value with its unit: `4.6`, `78.5%`, `412 s`.
pub fn format_value(value: f64, unit: Option<&str>) -> String {
    match unit {
        Some("%") => format!("{}%", format_number(value)),
        Some(unit) => format!("{} {unit}", format_number(value)),
        None => format_number(value),
    }
}

/// A target with its direction: `≥ 4.5`, `≤ 420 s`; empty without one.
pub fn format_target(target: Option<f64>, unit: Option<&str>, lower_is_better: bool) -> String {
    match target {
        Some(t) => format!(
            "{} {}",
            if lower_is_better { "≤" } else { "≥" },
            format_value(t, unit)
        ),
        None => String::new(),
    }
}

/// How a value stands against its target: `on target`, `below (-0.3)`,
/// `above (+12 s)`; empty without a target.
pub fn format_vs_target(
    value: f64,
    target: Option<f64>,
    unit: Option<&str>,
    lower_is_better: bool,
) -> String {
    match (target, on_target(value, target, lower_is_better)) {
        (Some(_), Some(true)) => "on target".to_string(),
        (Some(t), Some(false)) => {
            let word = if lower_is_better { "above" } else { "below" };
            format!("{word} ({})", format_delta(difference(value, t), unit))
        }
        _ => String::new(),
    }
}

/// A signed difference with its unit: `+0.2`, `-8 s`, `0`.
pub fn format_delta(delta: f64, unit: Option<&str>) -> String {
    let text = format_value(delta, unit);
    if delta > 0.0 {
        format!("+{text}")
    } else {
        text
    }
}

/// A trend for people: `↑ +0.2`, `↓ -8 s`, `→ 0`.
pub fn format_trend(trend: Option<Trend>, delta: Option<f64>, unit: Option<&str>) -> String {
    match (trend, delta) {
        (Some(Trend::Up), Some(d)) => format!("↑ {}", format_delta(d, unit)),
        (Some(Trend::Down), Some(d)) => format!("↓ {}", format_delta(d, unit)),
        (Some(Trend::Flat), _) => "→ 0".to_string(),
        _ => String::new(),
    }
}

/// A metric name as stored: one line, 1 to 100 characters.
pub fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(
            Error::input("a metric needs a name").with_hint("name it, e.g. CSAT, AHT or FCR")
        );
    }
    if name.chars().any(char::is_control) {
        return Err(Error::input(format!(
            "the metric name \"{}\" contains a line break or a control character",
            name.escape_debug()
        )));
    }
    if name.chars().count() > MAX_NAME {
        return Err(Error::input(format!(
            "a metric name is at most {MAX_NAME} characters"
        )));
    }
    Ok(name.to_string())
}

/// A unit as stored: one line of at most 20 characters; empty means none.
pub fn check_unit(unit: &str) -> Result<Option<String>> {
    let unit = unit.trim();
    if unit.is_empty() {
        return Ok(None);
    }
    if unit.chars().any(char::is_control) {
        return Err(Error::input(format!(
            "the unit \"{}\" contains a line break or a control character",
            unit.escape_debug()
        )));
    }
    if unit.chars().count() > MAX_UNIT {
        return Err(Error::input(format!(
            "the unit \"{unit}\" is longer than {MAX_UNIT} characters"
        )));
    }
    Ok(Some(unit.to_string()))
}

/// Reads a number as typed (`4.6`, `-3`, `1e3`); NaN and infinities are
/// refused.
pub fn parse_number(what: &str, text: &str) -> Result<f64> {
    let text = text.trim();
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n),
        Ok(_) => Err(Error::input(format!(
            "the {what} \"{text}\" is not a finite number"
        ))),
        Err(_) => Err(Error::input(format!(
            "the {what} \"{}\" is not a number",
            text.escape_debug()
        ))
        .with_hint("write it with digits and a dot, e.g. 4.6 or 412")),
    }
}

fn check_number(what: &str, n: f64) -> Result<f64> {
    if n.is_finite() {
        Ok(n)
    } else {
        Err(Error::input(format!(
            "the {what} {n} is not a finite number"
        )))
    }
}

/// A name as typed again in a shell command.
fn quoted(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_alphanumeric() || "-_.%".contains(c))
    {
        name.to_string()
    } else {
        format!("\"{name}\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparklines_scale_from_lowest_to_highest() {
        assert_eq!(
            sparkline(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]),
            "▁▂▃▄▅▆▇█"
        );
        assert_eq!(sparkline(&[10.0, 0.0, 5.0]), "█▁▅");
        assert_eq!(sparkline(&[4.2, 4.2, 4.2]), "▄▄▄");
        assert_eq!(sparkline(&[7.0]), "▄");
        assert_eq!(sparkline(&[]), "");
        assert_eq!(sparkline(&[-1e300, 1e300]), "▁█");
    }

    #[test]
    fn trends_ignore_rounding_noise() {
        assert_eq!(trend(4.6, 4.4), Trend::Up);
        assert_eq!(trend(400.0, 412.0), Trend::Down);
        assert_eq!(trend(0.3, 0.1 + 0.2), Trend::Flat);
        assert_eq!(difference(4.6, 4.4), 0.2);
        assert_eq!(difference(0.3, 0.1 + 0.2), 0.0);
        assert_eq!(round(-0.0), 0.0);
    }

    #[test]
    fn rounding_by_arithmetic_agrees_with_printing_the_digits() {
        // Values at every magnitude, halves and ninety-nines included: a
        // simple generator over the bits (xorshift), and numbers as people
        // type them.
        let mut bits: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut checked = 0;
        for i in 0..200_000u64 {
            bits ^= bits << 13;
            bits ^= bits >> 7;
            bits ^= bits << 17;
            let random = f64::from_bits(bits);
            let typed = (i as f64 - 100_000.0) / 8.0 * 10f64.powi((i % 41) as i32 - 20);
            // Eleven digits ending in 5: a half at the tenth digit.
            let eleven = ((1_000_000_000 + i * 7919 % 9_000_000_000) * 10 + 5) as f64;
            let half = eleven * 10f64.powi((i % 37) as i32 - 25);
            let nines = 1e10 - 0.5 - i as f64 * 1e-6;
            for x in [random, typed, half, nines, 0.1 + 0.2, 4.6 - 4.4] {
                if !x.is_finite() || x == 0.0 {
                    continue;
                }
                if let Some(fast) = round_by_scaling(x) {
                    assert_eq!(fast.to_bits(), round_by_printing(x).to_bits(), "{x:e}");
                    checked += 1;
                }
            }
        }
        // The fast path is the common one.
        assert!(checked > 500_000, "{checked}");
    }

    #[test]
    fn targets_are_minimums_unless_lower_is_better() {
        assert_eq!(on_target(4.5, Some(4.5), false), Some(true));
        assert_eq!(on_target(4.4, Some(4.5), false), Some(false));
        assert_eq!(on_target(400.0, Some(420.0), true), Some(true));
        assert_eq!(on_target(430.0, Some(420.0), true), Some(false));
        assert_eq!(on_target(1.0, None, false), None);
        let directions = Directions::parse(" AHT , Handle time,,");
        assert!(directions.lower_is_better("aht"));
        assert!(directions.lower_is_better("HANDLE TIME"));
        assert!(!directions.lower_is_better("CSAT"));
    }

    #[test]
    fn numbers_read_and_print_like_people_write_them() {
        assert_eq!(parse_number("value", " 4.6 ").ok(), Some(4.6));
        assert_eq!(parse_number("value", "-3").ok(), Some(-3.0));
        assert_eq!(parse_number("value", "1e3").ok(), Some(1000.0));
        for bad in ["", "abc", "4,6", "NaN", "inf", "-infinity", "1e999", "4.6%"] {
            assert!(parse_number("value", bad).is_err(), "{bad}");
        }
        assert_eq!(format_value(412.0, Some("s")), "412 s");
        assert_eq!(format_value(78.5, Some("%")), "78.5%");
        assert_eq!(format_value(0.1 + 0.2, None), "0.3");
        assert_eq!(format_target(Some(420.0), Some("s"), true), "≤ 420 s");
        assert_eq!(format_target(Some(4.5), None, false), "≥ 4.5");
        assert_eq!(
            format_vs_target(4.2, Some(4.5), None, false),
            "below (-0.3)"
        );
        assert_eq!(
            format_vs_target(432.0, Some(420.0), Some("s"), true),
            "above (+12 s)"
        );
        assert_eq!(format_vs_target(4.6, Some(4.5), None, false), "on target");
        assert_eq!(format_trend(Some(Trend::Up), Some(0.2), None), "↑ +0.2");
        assert_eq!(
            format_trend(Some(Trend::Down), Some(-8.0), Some("s")),
            "↓ -8 s"
        );
    }

    #[test]
    fn names_and_units_are_single_lines() {
        assert_eq!(check_name("  CSAT ").ok().as_deref(), Some("CSAT"));
        assert!(check_name("").is_err());
        assert!(check_name("a\nb").is_err());
        assert!(check_name(&"x".repeat(101)).is_err());
        assert_eq!(check_unit(" ").ok(), Some(None));
        assert!(check_unit("s\rx").is_err());
        assert!(check_unit(&"x".repeat(21)).is_err());
    }
}
