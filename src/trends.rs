//! A member's trends: the Team Member Trends page, as numbers.
//!
//! Over a window (`--since`, by default the current calendar month and the
//! five before it): the 1:1 cadence, kudos by kind, action items and their
//! completion, the balance of recognition and criticism in the feedback
//! and QA reviews discussed, and each metric against its target.
//!
//! Everything is counted in SQL over the member's range of an index (the
//! member's sessions by date, then each session's items; each metric's
//! values by date), so the cost follows the window, not the whole history.
//! Only counts are read: no note, kudos or feedback text.

use chrono::{DateTime, Datelike, Local, Months, NaiveDate, NaiveTime, SubsecRound, TimeZone, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::kudos::Kind as KudosKind;
use crate::member::Member;
use crate::metric::{self, Directions};
use crate::saved::Tone;
use crate::session::MemberRef;
use crate::store::{time_at, Tx};
use crate::team::{self, SessionBrief};
use crate::{when, Error, Result};

/// How many calendar months the default window covers, this one included.
pub const DEFAULT_MONTHS: u32 = 6;

/// Into how many equal periods the window is cut for each metric's line.
pub const PERIODS: u32 = 26;

/// A member's trends over a window.
#[derive(Debug, Clone, Serialize)]
pub struct Trends {
    pub member: MemberRef,
    /// The window: from `since` to `until` (the moment the command ran).
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub cadence: Cadence,
    pub kudos: KudosCounts,
    pub actions: ActionCounts,
    pub balance: BalanceCounts,
    /// The metrics with values in the window, by name ignoring case.
    pub metrics: Vec<MetricTrend>,
}

/// How regularly the member has their 1:1s.
#[derive(Debug, Clone, Serialize)]
pub struct Cadence {
    /// Sessions held in the window (dated from `since` up to now).
    pub sessions: u64,
    /// Every calendar month of the window (local time), oldest first,
    /// months without a session included.
    pub per_month: Vec<MonthCount>,
    /// The average number of days between two sessions of the window;
    /// `None` with fewer than two.
    pub average_days_between: Option<f64>,
    /// The latest session held (dated up to now), whenever it was.
    pub last: Option<SessionBrief>,
    /// Calendar days since it, in local time (0: today).
    pub days_since_last: Option<i64>,
    /// The earliest session dated after now.
    pub next: Option<SessionBrief>,
}

/// Sessions held in one calendar month.
#[derive(Debug, Clone, Serialize)]
pub struct MonthCount {
    /// `2026-11`.
    pub month: String,
    pub sessions: u64,
}

/// The kudos of the window's sessions, and those given outside sessions
/// in the window, by what they celebrate.
#[derive(Debug, Clone, Default, Serialize)]
pub struct KudosCounts {
    pub total: u64,
    pub success: u64,
    pub expertise: u64,
    pub effort: u64,
    pub values: u64,
    /// Plain thank-yous (no kind).
    pub thanks: u64,
}

/// The action items agreed in the window's sessions, as they stand now.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ActionCounts {
    pub total: u64,
    pub done: u64,
    /// Not done yet, overdue ones included.
    pub open: u64,
    /// Open and past their due time.
    pub overdue: u64,
    /// `done / total`, from 0 to 1; `None` without actions.
    pub completion_rate: Option<f64>,
}

/// Recognition against opportunities to improve.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BalanceCounts {
    /// Feedback discussed in the window's sessions.
    pub feedback: ToneCounts,
    /// QA reviews discussed in the window's sessions.
    pub qa: ToneCounts,
    /// Feedback and QA reviews together.
    pub positive: u64,
    pub improve: u64,
    /// Saved items still waiting for a session (whenever saved).
    pub waiting: ToneCounts,
}

/// Items by tone.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ToneCounts {
    pub positive: u64,
    pub improve: u64,
}

/// One metric over the window.
#[derive(Debug, Clone, Serialize)]
pub struct MetricTrend {
    pub metric: String,
    /// The latest known unit.
    pub unit: Option<String>,
    /// The target in force at the end of the window.
    pub target: Option<f64>,
    pub lower_is_better: bool,
    /// Values in the window.
    pub count: u64,
    /// The window's latest value.
    pub latest: metric::Point,
    pub mean: f64,
    pub min: f64,
    pub max: f64,
    /// Whether the latest value meets `target`.
    pub on_target: Option<bool>,
    /// The share of `points` whose average meets its target (0 to 1);
    /// `None` when no point has a target.
    pub on_target_share: Option<f64>,
    /// The window cut into [`PERIODS`] equal periods: the average of each
    /// period that has values, oldest first.
    pub points: Vec<Period>,
    /// `points` drawn with ▁▂▃▄▅▆▇█.
    pub sparkline: String,
}

/// The values of one period of the window.
#[derive(Debug, Clone, Serialize)]
pub struct Period {
    /// The average time of the period's values.
    pub at: DateTime<Utc>,
    /// Their average.
    pub value: f64,
    pub count: u64,
    /// The target in force: the average of the period's targets, else the
    /// one before.
    pub target: Option<f64>,
    pub on_target: Option<bool>,
}

/// The start of the default window before `now`: local midnight on the
/// first day of the month [`DEFAULT_MONTHS`] - 1 months ago.
pub fn default_since(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now.with_timezone(&Local);
    NaiveDate::from_ymd_opt(local.year(), local.month(), 1)
        .and_then(|first| first.checked_sub_months(Months::new(DEFAULT_MONTHS - 1)))
        .and_then(|day| {
            Local
                .from_local_datetime(&day.and_time(NaiveTime::MIN))
                .earliest()
        })
        .map(|at| at.with_timezone(&Utc))
        // A zone that skipped that midnight: about six months back.
        .unwrap_or_else(|| now - chrono::Duration::days(183))
}

/// The member's trends from `since` (default: [`default_since`]) to now.
pub fn of_member(tx: &Tx<'_>, member: &Member, since: Option<DateTime<Utc>>) -> Result<Trends> {
    // To the millisecond, as every stored time.
    let now = tx.now().trunc_subsecs(3);
    let since = since.unwrap_or_else(|| default_since(now)).trunc_subsecs(3);
    if since >= now {
        return Err(Error::input(format!(
            "--since {} is not in the past",
            when::display_local(since)
        ))
        .with_hint(
            "trends look back: pass a date in the past, e.g. --since -12w or --since 2026-01-01",
        ));
    }
    let window = Window {
        member_id: &member.id,
        since: when::to_storage(since),
        until: when::to_storage(now),
    };
    Ok(Trends {
        member: MemberRef {
            id: member.id.clone(),
            name: member.name.clone(),
            email: member.email.clone(),
        },
        since,
        until: now,
        cadence: cadence(tx, &window, since, now)?,
        kudos: kudos(tx, &window)?,
        actions: actions(tx, &window)?,
        balance: balance(tx, &window)?,
        metrics: metrics(tx, &window, since, now)?,
    })
}

/// The member and the window, in the storage form.
struct Window<'a> {
    member_id: &'a str,
    since: String,
    until: String,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn cadence(
    tx: &Tx<'_>,
    w: &Window<'_>,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Cadence> {
    let (sessions, first, last_in_window): (i64, Option<String>, Option<String>) = tx
        .prepare_cached(
            "SELECT count(*), min(held_at), max(held_at) FROM sessions
             WHERE member_id = ?1 AND deleted_at IS NULL AND held_at >= ?2 AND held_at <= ?3",
        )?
        .query_row(rusqlite::params![w.member_id, w.since, w.until], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    let average_days_between = match (first, last_in_window) {
        (Some(first), Some(last)) if sessions > 1 => {
            let span = when::from_storage(&last)? - when::from_storage(&first)?;
            Some(round_to(
                span.num_seconds() as f64 / 86_400.0 / (sessions - 1) as f64,
                10.0,
            ))
        }
        _ => None,
    };
    // SQLite's 'localtime' and chrono's Local both follow TZ.
    let mut stmt = tx.prepare_cached(
        "SELECT strftime('%Y-%m', held_at, 'localtime') AS month, count(*) FROM sessions
         WHERE member_id = ?1 AND deleted_at IS NULL AND held_at >= ?2 AND held_at <= ?3
         GROUP BY month",
    )?;
    let counted = stmt
        .query_map(rusqlite::params![w.member_id, w.since, w.until], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let per_month = months_between(since, now)
        .into_iter()
        .map(|month| MonthCount {
            sessions: counted
                .iter()
                .find(|(m, _)| *m == month)
                .map_or(0, |(_, n)| count(*n)),
            month,
        })
        .collect();
    let (last, next) = team::last_and_next(tx, w.member_id)?;
    Ok(Cadence {
        sessions: count(sessions),
        per_month,
        average_days_between,
        days_since_last: last.as_ref().map(|s| team::days_between(s.date, now)),
        last,
        next,
    })
}

/// The calendar months (local time) from `since`'s to `until`'s, as
/// `2026-11`.
fn months_between(since: DateTime<Utc>, until: DateTime<Utc>) -> Vec<String> {
    let (from, to) = (since.with_timezone(&Local), until.with_timezone(&Local));
    let mut months = Vec::new();
    let (mut year, mut month) = (from.year(), from.month());
    while (year, month) <= (to.year(), to.month()) {
        months.push(format!("{year:04}-{month:02}"));
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    months
}

/// The window's sessions (dated from `since` on, scheduled ones too) and
/// one kind of their items: the join every count below starts from.
const WINDOW_SESSIONS: &str = "sessions s
    WHERE s.member_id = ?1 AND s.deleted_at IS NULL AND s.held_at >= ?2";

fn kudos(tx: &Tx<'_>, w: &Window<'_>) -> Result<KudosCounts> {
    let sql = format!(
        "SELECT kind, count(*) FROM (
             SELECT k.kind FROM kudos k JOIN {WINDOW_SESSIONS}
               AND k.session_id = s.id AND k.deleted_at IS NULL
             UNION ALL
             SELECT kind FROM kudos INDEXED BY kudos_outside_sessions
             WHERE member_id = ?1 AND session_id IS NULL AND deleted_at IS NULL
               AND created_at >= ?2)
         GROUP BY kind"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params![w.member_id, w.since], |r| {
        Ok((r.get::<_, Option<KudosKind>>(0)?, r.get::<_, i64>(1)?))
    })?;
    let mut counts = KudosCounts::default();
    for row in rows {
        let (kind, n) = row?;
        let n = count(n);
        counts.total += n;
        match kind {
            Some(KudosKind::Success) => counts.success += n,
            Some(KudosKind::Expertise) => counts.expertise += n,
            Some(KudosKind::Effort) => counts.effort += n,
            Some(KudosKind::Values) => counts.values += n,
            None => counts.thanks += n,
        }
    }
    Ok(counts)
}

fn actions(tx: &Tx<'_>, w: &Window<'_>) -> Result<ActionCounts> {
    let sql = format!(
        "SELECT count(*), coalesce(sum(a.done_at IS NOT NULL), 0),
                coalesce(sum(a.done_at IS NULL AND a.due_at < ?4), 0)
         FROM actions a JOIN {WINDOW_SESSIONS}
           AND a.session_id = s.id AND a.deleted_at IS NULL"
    );
    // Overdue as of the window's end, by the one rule (action.rs).
    let until = when::from_storage(&w.until)?;
    let overdue_before = when::to_storage(crate::action::overdue_before(tx, until)?);
    let (total, done, overdue) = tx.prepare_cached(&sql)?.query_row(
        rusqlite::params![w.member_id, w.since, w.until, overdue_before],
        |r| Ok((count(r.get(0)?), count(r.get(1)?), count(r.get(2)?))),
    )?;
    Ok(ActionCounts {
        total,
        done,
        open: total - done.min(total),
        overdue,
        completion_rate: (total > 0).then(|| round_to(done as f64 / total as f64, 1000.0)),
    })
}

fn balance(tx: &Tx<'_>, w: &Window<'_>) -> Result<BalanceCounts> {
    let discussed = |table: &str| -> Result<ToneCounts> {
        let sql = format!(
            "SELECT i.tone, count(*) FROM {table} i JOIN {WINDOW_SESSIONS}
               AND i.session_id = s.id AND i.deleted_at IS NULL
             GROUP BY i.tone"
        );
        tones(tx, &sql, rusqlite::params![w.member_id, w.since])
    };
    let waiting = |table: &str| -> Result<ToneCounts> {
        let sql = format!(
            "SELECT tone, count(*) FROM {table}
             WHERE member_id = ?1 AND session_id IS NULL AND deleted_at IS NULL
             GROUP BY tone"
        );
        tones(tx, &sql, rusqlite::params![w.member_id])
    };
    let feedback = discussed("feedback")?;
    let qa = discussed("qa_reviews")?;
    let (wf, wq) = (waiting("feedback")?, waiting("qa_reviews")?);
    Ok(BalanceCounts {
        positive: feedback.positive + qa.positive,
        improve: feedback.improve + qa.improve,
        feedback,
        qa,
        waiting: ToneCounts {
            positive: wf.positive + wq.positive,
            improve: wf.improve + wq.improve,
        },
    })
}

fn tones(tx: &Tx<'_>, sql: &str, params: &[&dyn rusqlite::ToSql]) -> Result<ToneCounts> {
    let mut stmt = tx.prepare_cached(sql)?;
    let rows = stmt.query_map(params, |r| Ok((r.get::<_, Tone>(0)?, r.get::<_, i64>(1)?)))?;
    let mut counts = ToneCounts::default();
    for row in rows {
        match row? {
            (Tone::Positive, n) => counts.positive += count(n),
            (Tone::Improve, n) => counts.improve += count(n),
        }
    }
    Ok(counts)
}

fn metrics(
    tx: &Tx<'_>,
    w: &Window<'_>,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<MetricTrend>> {
    let directions = Directions::load(tx)?;
    let mut trends = Vec::new();
    for name in metric::names(tx, w.member_id)? {
        if let Some(trend) = metric_trend(tx, w, &name, &directions, since, now)? {
            trends.push(trend);
        }
    }
    Ok(trends)
}

/// One metric over the window: its values in time order from the
/// metric's range of `metric_values_by_member`, added up period by period
/// here, plus three single-row index seeks.
///
/// Grouped in SQL, each value cost a `julianday()` and the GROUP BY a
/// sorter, a sixth of the command: the index already gives the order, and
/// the stored time reads without allocating.
fn metric_trend(
    tx: &Tx<'_>,
    w: &Window<'_>,
    name: &str,
    directions: &Directions,
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<MetricTrend>> {
    let mut stmt = tx.prepare_cached(
        "SELECT measured_at, value, target FROM metric_values
         WHERE member_id = ?1 AND metric = ?2 AND deleted_at IS NULL
           AND measured_at >= ?3 AND measured_at <= ?4
         ORDER BY measured_at",
    )?;
    let mut values = stmt.query(rusqlite::params![w.member_id, name, w.since, w.until])?;
    let mut periods = Periods::new(since, now);
    while let Some(row) = values.next()? {
        periods.add(time_at(row, 0)?, row.get(1)?, row.get(2)?);
    }
    let rows = periods.finish();
    if rows.is_empty() {
        return Ok(None);
    }
    let lower_is_better = directions.lower_is_better(name);
    let mut target = target_before(tx, w, name)?;
    let mut points = Vec::with_capacity(rows.len());
    for row in &rows {
        target = row.target.map(metric::round).or(target);
        let value = metric::round(row.value);
        points.push(Period {
            at: row.at,
            value,
            count: row.count,
            target,
            on_target: metric::on_target(value, target, lower_is_better),
        });
    }
    let total: u64 = rows.iter().map(|r| r.count).sum();
    let sum: f64 = rows.iter().map(|r| r.value * r.count as f64).sum();
    let latest = latest_value(tx, w, name)?;
    let judged: Vec<bool> = points.iter().filter_map(|p| p.on_target).collect();
    let on_target_share = (!judged.is_empty()).then(|| {
        round_to(
            judged.iter().filter(|ok| **ok).count() as f64 / judged.len() as f64,
            1000.0,
        )
    });
    let values: Vec<f64> = points.iter().map(|p| p.value).collect();
    Ok(Some(MetricTrend {
        metric: name.to_string(),
        unit: latest_unit(tx, w, name)?,
        target,
        lower_is_better,
        count: total,
        on_target: metric::on_target(latest.value, target, lower_is_better),
        latest,
        mean: metric::round(sum / total.max(1) as f64),
        min: rows.iter().map(|r| r.min).fold(f64::INFINITY, f64::min),
        max: rows.iter().map(|r| r.max).fold(f64::NEG_INFINITY, f64::max),
        on_target_share,
        sparkline: metric::sparkline(&values),
        points,
    }))
}

/// The metric's latest unit up to the end of the window: one seek in
/// `metric_values_units` (named: SQLite would otherwise walk the metric's
/// history through `metric_values_by_member`).
fn latest_unit(tx: &Tx<'_>, w: &Window<'_>, name: &str) -> Result<Option<String>> {
    let mut stmt = tx.prepare_cached(
        "SELECT unit FROM metric_values INDEXED BY metric_values_units
         WHERE member_id = ?1 AND metric = ?2 AND deleted_at IS NULL AND unit IS NOT NULL
           AND measured_at <= ?3
         ORDER BY measured_at DESC LIMIT 1",
    )?;
    Ok(stmt
        .query_row(rusqlite::params![w.member_id, name, w.until], |r| r.get(0))
        .optional()?)
}

/// The metric's latest target before the window: one seek in
/// `metric_values_targets`.
fn target_before(tx: &Tx<'_>, w: &Window<'_>, name: &str) -> Result<Option<f64>> {
    let mut stmt = tx.prepare_cached(
        "SELECT target FROM metric_values INDEXED BY metric_values_targets
         WHERE member_id = ?1 AND metric = ?2 AND deleted_at IS NULL AND target IS NOT NULL
           AND measured_at < ?3
         ORDER BY measured_at DESC LIMIT 1",
    )?;
    Ok(stmt
        .query_row(rusqlite::params![w.member_id, name, w.since], |r| r.get(0))
        .optional()?)
}

/// The metric's latest value in the window.
fn latest_value(tx: &Tx<'_>, w: &Window<'_>, name: &str) -> Result<metric::Point> {
    let mut stmt = tx.prepare_cached(
        "SELECT value, measured_at FROM metric_values
         WHERE member_id = ?1 AND metric = ?2 AND deleted_at IS NULL
           AND measured_at >= ?3 AND measured_at <= ?4
         ORDER BY measured_at DESC LIMIT 1",
    )?;
    Ok(stmt.query_row(
        rusqlite::params![w.member_id, name, w.since, w.until],
        |r| {
            Ok(metric::Point {
                value: r.get(0)?,
                measured_at: crate::store::time_at(r, 1)?,
            })
        },
    )?)
}

/// The values of one metric added up period by period: the window cut
/// into [`PERIODS`] equal periods, the last one ending at `now` included.
struct Periods {
    start: i64,
    span: i64,
    /// The periods closed so far, in time order.
    closed: Vec<PeriodValues>,
    open: Option<Totals>,
}

/// One period's values, as SQL's aggregates would give them.
struct PeriodValues {
    count: u64,
    /// The average value.
    value: f64,
    /// The average of the targets given, if any was.
    target: Option<f64>,
    /// The average time.
    at: DateTime<Utc>,
    min: f64,
    max: f64,
}

/// The running totals of the period being added to.
struct Totals {
    period: i64,
    count: u64,
    values: f64,
    targets: f64,
    with_target: u64,
    /// Milliseconds since the window's start.
    millis: f64,
    min: f64,
    max: f64,
}

impl Periods {
    fn new(since: DateTime<Utc>, now: DateTime<Utc>) -> Periods {
        let start = since.timestamp_millis();
        Periods {
            start,
            span: (now.timestamp_millis() - start).max(1),
            closed: Vec::new(),
            open: None,
        }
    }

    /// Adds a value. They come in time order, so a period is over when a
    /// value of a later one comes.
    fn add(&mut self, at: DateTime<Utc>, value: f64, target: Option<f64>) {
        let offset = at.timestamp_millis() - self.start;
        // In integers: a value on a boundary belongs to one period only.
        let period = (i128::from(offset) * i128::from(PERIODS) / i128::from(self.span))
            .clamp(0, i128::from(PERIODS) - 1) as i64;
        if self.open.as_ref().is_some_and(|open| open.period != period) {
            self.close();
        }
        let totals = self.open.get_or_insert(Totals {
            period,
            count: 0,
            values: 0.0,
            targets: 0.0,
            with_target: 0,
            millis: 0.0,
            min: value,
            max: value,
        });
        totals.count += 1;
        totals.values += value;
        totals.millis += offset as f64;
        totals.min = totals.min.min(value);
        totals.max = totals.max.max(value);
        if let Some(target) = target {
            totals.targets += target;
            totals.with_target += 1;
        }
    }

    fn close(&mut self) {
        let Some(totals) = self.open.take() else {
            return;
        };
        let n = totals.count as f64;
        let millis = self.start + (totals.millis / n).round() as i64;
        self.closed.push(PeriodValues {
            count: totals.count,
            value: totals.values / n,
            target: (totals.with_target > 0).then(|| totals.targets / totals.with_target as f64),
            at: DateTime::from_timestamp_millis(millis).unwrap_or_default(),
            min: totals.min,
            max: totals.max,
        });
    }

    fn finish(mut self) -> Vec<PeriodValues> {
        self.close();
        self.closed
    }
}

/// `x` rounded to `1 / per` (per = 1000: three decimals).
fn round_to(x: f64, per: f64) -> f64 {
    (x * per).round() / per
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn periods_add_up_values_in_equal_parts_of_the_window() {
        // 26 days: a period a day.
        let (since, now) = (at("2026-11-01T00:00:00Z"), at("2026-11-27T00:00:00Z"));
        let mut periods = Periods::new(since, now);
        periods.add(at("2026-11-01T00:00:00Z"), 1.0, Some(2.0));
        periods.add(at("2026-11-01T12:00:00Z"), 3.0, None);
        // On a boundary: the later period.
        periods.add(at("2026-11-02T00:00:00Z"), 5.0, None);
        // The window's end: the last period.
        periods.add(now, 7.0, Some(4.0));
        let got = periods.finish();
        assert_eq!(got.len(), 3);
        let first = &got[0];
        assert_eq!(
            (first.count, first.value, first.target, first.min, first.max),
            (2, 2.0, Some(2.0), 1.0, 3.0)
        );
        assert_eq!(first.at, at("2026-11-01T06:00:00Z"));
        assert_eq!((got[1].count, got[1].value, got[1].target), (1, 5.0, None));
        assert_eq!(got[1].at, at("2026-11-02T00:00:00Z"));
        assert_eq!(
            (got[2].value, got[2].target, got[2].at),
            (7.0, Some(4.0), now)
        );
        assert!(Periods::new(since, now).finish().is_empty());
    }

    #[test]
    fn months_cover_the_window_in_order() {
        // Mid-month instants: the same months in every zone.
        let months = months_between(at("2025-11-15T12:00:00Z"), at("2026-02-15T12:00:00Z"));
        assert_eq!(months, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(
            months_between(at("2026-02-15T12:00:00Z"), at("2026-02-16T12:00:00Z")),
            ["2026-02"]
        );
    }

    #[test]
    fn the_default_window_starts_on_a_first_of_the_month() {
        let now = DateTime::parse_from_rfc3339("2026-12-15T12:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let since = default_since(now).with_timezone(&Local);
        assert_eq!(since.day(), 1);
        assert_eq!(since.time(), NaiveTime::MIN);
        assert_eq!(months_between(default_since(now), now).len(), 6);
    }
}
