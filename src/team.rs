//! The team overview: every active member, whoever is most overdue for a
//! 1:1 first.
//!
//! Each member costs a handful of single-row lookups through indexes (the
//! latest and the next session, the open actions, the waiting items), so
//! the overview stays as fast with ten years of history as with one week.

use chrono::{DateTime, Local, Utc};
use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::config::Settings;
use crate::inbox::{self, RecapState};
use crate::member::{self, Member};
use crate::store::Tx;
use crate::{saved, when, Result};

/// The setting: the days between two 1:1s the coach aims for.
pub const CADENCE_KEY: &str = "team.cadence-days";

/// A session as the overview and the trends name it: which, what, when.
/// (No short id: it would cost two more index lookups per session, and
/// these views print dates, not ids.)
#[derive(Debug, Clone, Serialize)]
pub struct SessionBrief {
    pub id: String,
    pub title: String,
    pub date: DateTime<Utc>,
}

/// One member of the overview.
#[derive(Debug, Clone, Serialize)]
pub struct TeamRow {
    pub member: Member,
    /// The latest session dated up to now.
    pub last_session: Option<SessionBrief>,
    /// Calendar days since it, in local time (0: today).
    pub days_since: Option<i64>,
    /// `days_since` minus the cadence (`team.cadence-days`): 0 or more
    /// means a 1:1 is due; `None` when never coached.
    pub overdue_days: Option<i64>,
    /// A 1:1 is needed: never coached, or the cadence has passed since the
    /// last one, and no session is booked within the cadence from now.
    pub due: bool,
    /// The earliest session dated after now.
    pub next_session: Option<SessionBrief>,
    /// Action items not done, overdue ones included.
    pub open_actions: u64,
    /// Open and past their due time.
    pub overdue_actions: u64,
    /// Saved feedback and QA reviews waiting for a session.
    pub saved_waiting: u64,
    /// Sessions dated before now whose recap was neither sent nor skipped.
    pub unsent_recaps: u64,
    /// Sessions whose recap was marked as not needed (`share --skip`).
    pub skipped_recaps: u64,
    /// The recap of the last 1:1: `not-sent`, `sent` or `acknowledged`
    /// (the member replied to it); `None` when never coached.
    pub last_recap: Option<RecapState>,
}

/// The cadence the coach aims for, in days (`team.cadence-days`).
pub fn cadence_days(tx: &Tx<'_>) -> Result<i64> {
    let days = Settings::of(tx)?.cadence_days()?;
    Ok(i64::try_from(days).unwrap_or(i64::MAX))
}

/// Every active member: those never coached first (by name), then by days
/// since their last 1:1, most first; ties by name.
pub fn overview(tx: &Tx<'_>) -> Result<Vec<TeamRow>> {
    let now = tx.now();
    let at = Now {
        cadence: cadence_days(tx)?,
        now,
        text: when::to_storage(now),
        overdue_before: when::to_storage(crate::action::overdue_before(tx, now)?),
    };
    let mut rows = member::list(tx, false)?
        .into_iter()
        .map(|m| row(tx, m, &at))
        .collect::<Result<Vec<_>>>()?;
    rows.sort_by(|a, b| {
        // None (never) sorts above any number of days.
        let days = |r: &TeamRow| r.days_since.map_or(i64::MAX, |d| d);
        days(b).cmp(&days(a)).then_with(|| {
            a.member
                .name
                .to_lowercase()
                .cmp(&b.member.name.to_lowercase())
        })
    });
    Ok(rows)
}

/// What every row of the overview is computed against, found once.
struct Now {
    cadence: i64,
    now: DateTime<Utc>,
    /// `now` as stored.
    text: String,
    /// [`crate::action::overdue_before`] now, as stored.
    overdue_before: String,
}

fn row(tx: &Tx<'_>, member: Member, at: &Now) -> Result<TeamRow> {
    let (cadence, now) = (at.cadence, at.now);
    let (last, next) = last_and_next_at(tx, &member.id, &at.text)?;
    let days_since = last.as_ref().map(|s| days_between(s.date, now));
    let (open_actions, overdue_actions) = open_actions(tx, &member.id, &at.overdue_before)?;
    let booked = next
        .as_ref()
        .is_some_and(|s| days_between(now, s.date) <= cadence);
    let last_recap = last
        .as_ref()
        .map(|s| inbox::recap_state(tx, &s.id))
        .transpose()?;
    Ok(TeamRow {
        last_recap,
        last_session: last,
        days_since,
        overdue_days: days_since.map(|d| d.saturating_sub(cadence)),
        due: days_since.is_none_or(|d| d >= cadence) && !booked,
        next_session: next,
        open_actions,
        overdue_actions,
        saved_waiting: saved::waiting_count(tx, &member.id)?,
        unsent_recaps: count(
            tx,
            "SELECT count(*) FROM sessions INDEXED BY sessions_unsent_by_member
             WHERE member_id = ?1 AND held_at < ?2
               AND status <> 'recap-sent' AND recap_skipped_at IS NULL AND deleted_at IS NULL",
            &member.id,
            &at.text,
        )?,
        skipped_recaps: count(
            tx,
            "SELECT count(*) FROM sessions INDEXED BY sessions_skipped_by_member
             WHERE member_id = ?1 AND ?2 IS NOT NULL
               AND recap_skipped_at IS NOT NULL AND deleted_at IS NULL",
            &member.id,
            &at.text,
        )?,
        member,
    })
}

/// A count of one member's sessions (`?1`: the member, `?2`: now).
fn count(tx: &Tx<'_>, sql: &str, member_id: &str, now: &str) -> Result<u64> {
    let n: i64 = tx
        .prepare_cached(sql)?
        .query_row([member_id, now], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The member's latest session dated up to now, and their earliest dated
/// after now: one index seek each (`sessions_by_member`).
pub fn last_and_next(
    tx: &Tx<'_>,
    member_id: &str,
) -> Result<(Option<SessionBrief>, Option<SessionBrief>)> {
    last_and_next_at(tx, member_id, &tx.now_text())
}

/// [`last_and_next`] around `now`, as stored.
fn last_and_next_at(
    tx: &Tx<'_>,
    member_id: &str,
    now: &str,
) -> Result<(Option<SessionBrief>, Option<SessionBrief>)> {
    let last = session_ref(
        tx,
        "SELECT id, title, held_at FROM sessions
         WHERE member_id = ?1 AND deleted_at IS NULL AND held_at <= ?2
         ORDER BY held_at DESC LIMIT 1",
        member_id,
        now,
    )?;
    let next = session_ref(
        tx,
        "SELECT id, title, held_at FROM sessions
         WHERE member_id = ?1 AND deleted_at IS NULL AND held_at > ?2
         ORDER BY held_at LIMIT 1",
        member_id,
        now,
    )?;
    Ok((last, next))
}

fn session_ref(tx: &Tx<'_>, sql: &str, member_id: &str, now: &str) -> Result<Option<SessionBrief>> {
    Ok(tx
        .prepare_cached(sql)?
        .query_row([member_id, now], |r| {
            Ok(SessionBrief {
                id: r.get(0)?,
                title: r.get(1)?,
                date: crate::store::time_at(r, 2)?,
            })
        })
        .optional()?)
}

/// The member's open actions and how many of them are overdue.
///
/// Neither walks the member's open actions, however many years of them
/// there are: `open_action_counts` (migration 0018, kept by triggers)
/// holds how many are open and how many of those have no due date, and
/// the ones not overdue yet (due from today on) are a short range of the
/// partial index `actions_open_by_member_list`. Overdue = open - undated -
/// not yet due.
///
/// An action of a deleted session is gone with it, but still counted
/// there: those of the member's deleted sessions
/// (`sessions_deleted_by_member`, few) are taken away (CROSS JOIN: SQLite
/// keeps that order, deleted sessions first, rather than walking all the
/// member's actions).
/// `overdue_before`: [`crate::action::overdue_before`] now, as stored.
fn open_actions(tx: &Tx<'_>, member_id: &str, overdue_before: &str) -> Result<(u64, u64)> {
    let (open, undated, not_yet_due): (i64, i64, i64) = tx
        .prepare_cached(
            "SELECT coalesce((SELECT open FROM open_action_counts WHERE member_id = ?1), 0)
                      AS \"the count of open actions\",
                    coalesce((SELECT undated FROM open_action_counts WHERE member_id = ?1), 0)
                      AS \"the count of open actions without a due date\",
                    (SELECT count(*) FROM actions INDEXED BY actions_open_by_member_list
                     WHERE member_id = ?1 AND done_at IS NULL AND deleted_at IS NULL
                       AND (due_at IS NULL) = 0 AND due_at >= ?2)",
        )?
        .query_row(rusqlite::params![member_id, overdue_before], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    let (gone, gone_late): (i64, i64) = tx
        .prepare_cached(
            "SELECT count(*), coalesce(sum(a.due_at < ?2), 0)
             FROM sessions s INDEXED BY sessions_deleted_by_member
             CROSS JOIN actions a INDEXED BY actions_by_session ON a.session_id = s.id
             WHERE s.member_id = ?1 AND s.deleted_at IS NOT NULL
               AND a.member_id = ?1 AND a.done_at IS NULL AND a.deleted_at IS NULL",
        )?
        .query_row(rusqlite::params![member_id, overdue_before], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    // Saturating: the counts come from the file, which may be anything.
    let late = open.saturating_sub(undated).saturating_sub(not_yet_due);
    Ok((
        u64::try_from(open.saturating_sub(gone)).unwrap_or(0),
        u64::try_from(late.saturating_sub(gone_late)).unwrap_or(0),
    ))
}

/// Calendar days from `from` to `to`, in local time: a 1:1 yesterday
/// afternoon was 1 day ago this morning.
pub fn days_between(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to.with_timezone(&Local).date_naive() - from.with_timezone(&Local).date_naive()).num_days()
}

/// A number of days for people: `today`, `1 day`, `12 days`.
pub fn format_days(days: i64) -> String {
    match days {
        0 => "today".to_string(),
        1 => "1 day".to_string(),
        n => format!("{n} days"),
    }
}

/// A session date for a table: `2026-12-01 09:00`, or `-`.
pub fn format_date(session: Option<&SessionBrief>) -> String {
    session.map_or_else(|| "-".to_string(), |s| when::display_local(s.date))
}
