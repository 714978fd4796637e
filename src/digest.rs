//! Digests: a team member's stream and trends since their last digest,
//! emailed to them (`coach share --digest`, and from cron
//! `coach share --digest --pending` under the setting `digest.every`).
//!
//! # Only what the member may see
//!
//! A digest is built from member-facing types only: the member's stream
//! ([`stream::of_member`], whose notes are [`SharedNote`]s: private notes
//! are excluded by its query and never read), their own actions and
//! kudos (which the agenda and recap show them too), the recaps sent to
//! them, and their trends ([`trends::of_member`], counts only, never a
//! note). No query here can see a private note.
//!
//! # A send is a claim and a recorded outcome
//!
//! The steps of `share.rs`, in the table `digests` (one per member, not per
//! session): [`claim`] checks (again, under the write lock) that the digest
//! is wanted, builds it and inserts a `sending` row (a unique partial index
//! on `member_id WHERE outcome = 'sending'` makes a second claim
//! impossible); the send runs with no transaction open; [`record`] writes
//! `sent` or `failed`. A claim whose process is gone is taken over at once,
//! one older than `mail.claim-timeout` too. These steps, and holding back
//! a digest refused for good or failed `mail.max-attempts` times in a row
//! ([`held_back`]), are those of every send (`claim.rs`).
//!
//! # A reply to a digest
//!
//! Its Message-ID carries a random token like every email coach sends, so
//! `coach inbox` takes a reply to it from the member: check-off lines
//! (`[x] 3f2a`, `done 3f2a`) and `reopen 3f2a` act on the member's actions.
//! A digest is about no one session, so other text in the reply is not
//! written anywhere: `coach inbox` reports it as not kept (the member adds
//! topics by answering an agenda).

use chrono::{DateTime, Local, Months, TimeDelta, Utc};
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use crate::action::{self, Action, Owner, Show};
use crate::claim::{self, Outcome};
use crate::config::Settings;
use crate::kudos::Kudos;
use crate::mail::{self, Address, OutgoingMail};
use crate::member::{self, Member};
use crate::note::SharedNote;
use crate::render::{digest as render, html};
use crate::session::MemberRef;
use crate::share::{self, MailSettings};
use crate::store::{new_id, opt_time_at, time_at, Store, Tx};
use crate::stream::{self, Item};
use crate::trends::{self, Trends};
use crate::{when, Error, Result};

/// The setting: how often `share --digest --pending` sends each member
/// their digest (`off`, the default, sends none).
pub const EVERY: &str = "digest.every";

/// How far back a member's first digest looks, without `--since`.
pub const FIRST_WINDOW_DAYS: i64 = 28;

/// At most this many entries of the stream go into one digest.
const MAX_ENTRIES: usize = 500;

/// How often digests are due: `digest.every`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Every {
    Off,
    Days(u32),
    Months(u32),
}

impl Every {
    /// Reads `off`, `daily`, `weekly`, `biweekly`, `monthly`, `quarterly`,
    /// or a count with a unit: `10d`, `2w`, `3m`.
    pub fn parse(text: &str) -> Option<Every> {
        let text = text.trim().to_ascii_lowercase();
        Some(match text.as_str() {
            "off" | "never" | "no" | "false" => Every::Off,
            "daily" => Every::Days(1),
            "weekly" => Every::Days(7),
            "biweekly" | "fortnightly" => Every::Days(14),
            "monthly" => Every::Months(1),
            "quarterly" => Every::Months(3),
            _ => {
                let (count, unit) = text.split_at(text.len().checked_sub(1)?);
                let n: u32 = count.parse().ok().filter(|n| (1..=366).contains(n))?;
                match unit {
                    "d" => Every::Days(n),
                    "w" => Every::Days(n.checked_mul(7).filter(|d| *d <= 366)?),
                    "m" => Every::Months(n.min(12)),
                    _ => return None,
                }
            }
        })
    }

    /// Whether a digest is due now when the last one was sent at `last`
    /// (`None`: never). Compared by local calendar day, so that a daily
    /// cron run a few seconds earlier than last time still sends.
    pub fn is_due(self, last: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
        let Some(last) = last else {
            return self != Every::Off;
        };
        let last = last.with_timezone(&Local).date_naive();
        let next = match self {
            Every::Off => return false,
            Every::Days(n) => last.checked_add_days(chrono::Days::new(u64::from(n))),
            Every::Months(n) => last.checked_add_months(Months::new(n)),
        };
        next.is_some_and(|next| next <= now.with_timezone(&Local).date_naive())
    }
}

/// `digest.every`, read.
pub fn every(tx: &Tx<'_>) -> Result<Every> {
    Settings::of(tx)?.digest_every()
}

/// What a digest holds: only what the member may see.
#[derive(Debug, Clone, Serialize)]
pub struct Digest {
    pub member: MemberRef,
    /// The coach's name (`user.name`).
    pub coach: Option<String>,
    /// The window: from `since` to `until` (when it was built).
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// The member's own actions still open, whenever agreed.
    pub open: Vec<Action>,
    /// The member's own actions done in the window.
    pub done: Vec<Action>,
    /// Kudos of the window's sessions, newest first.
    pub kudos: Vec<Kudos>,
    /// The window's sessions, newest first, with the member's view of them.
    pub sessions: Vec<SessionDigest>,
    /// Cadence, actions and metrics against target over the window.
    pub trends: Trends,
}

/// One session of the window, as the member sees it.
#[derive(Debug, Clone, Serialize)]
pub struct SessionDigest {
    pub session: stream::SessionRef,
    /// When its recap was sent, if it was.
    pub recap_sent_at: Option<DateTime<Utc>>,
    /// Its shared notes (from the member's stream), oldest first.
    pub notes: Vec<SharedNote>,
}

/// Gathers `member`'s digest from `since` to now.
pub fn gather(tx: &Tx<'_>, member: &Member, since: DateTime<Utc>) -> Result<Digest> {
    let until = tx.now();
    // Trends look back from a moment in the past.
    let since = since.min(until - TimeDelta::seconds(1));
    // Every 1:1 held in the window, newest first, with its recap...
    let mut sessions = Vec::new();
    for session in held_between(tx, &member.id, since, until)? {
        let recap = share::last_sent(tx, &session.id, share::Kind::Recap)?;
        sessions.push(SessionDigest {
            session,
            recap_sent_at: recap.map(|r| r.created_at),
            notes: Vec::new(),
        });
    }
    // ...and what the member's stream holds of them.
    let mut kudos = Vec::new();
    // Kudos given outside any session are in it too, dated when given.
    for entry in stream::of_member(tx, member, Some(since), MAX_ENTRIES)? {
        let at = entry
            .session
            .as_ref()
            .and_then(|e| sessions.iter().position(|s| s.session.id == e.id));
        match (entry.item, at) {
            (Item::Kudos(k), Some(_)) => kudos.push(k),
            (Item::Kudos(k), None) if k.session_id.is_none() && k.date() <= until => kudos.push(k),
            (Item::Note(note), Some(at)) => sessions[at].notes.insert(0, note),
            _ => {}
        }
    }
    let theirs = |actions: Vec<Action>| -> Vec<Action> {
        actions
            .into_iter()
            .filter(|a| a.owner == Owner::Member)
            .collect()
    };
    let open = theirs(action::list(
        tx,
        &action::Filter {
            show: Show::Open,
            member_id: Some(member.id.clone()),
            session_id: None,
        },
    )?);
    let who = MemberRef {
        id: member.id.clone(),
        name: member.name.clone(),
        email: member.email.clone(),
    };
    let done = theirs(action::done_since(tx, &who, since)?);
    Ok(Digest {
        member: who,
        coach: Settings::of(tx)?.user_name()?,
        since,
        until,
        open,
        done,
        kudos,
        sessions,
        trends: trends::of_member(tx, member, Some(since))?,
    })
}

/// The member's sessions held from `since` to `until`, newest first.
fn held_between(
    tx: &Tx<'_>,
    member_id: &str,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<stream::SessionRef>> {
    let mut stmt = tx.prepare_cached(
        "SELECT id, title, held_at FROM sessions
         WHERE member_id = ?1 AND deleted_at IS NULL AND held_at >= ?2 AND held_at <= ?3
         ORDER BY held_at DESC, id DESC",
    )?;
    let rows = stmt
        .query_map(
            rusqlite::params![member_id, when::to_storage(since), when::to_storage(until)],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    time_at(r, 2)?,
                ))
            },
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(id, title, date)| {
            Ok(stream::SessionRef {
                short_id: tx.short_id("sessions", &id)?,
                id,
                title,
                date,
            })
        })
        .collect()
}

/// A digest as an email: both parts from one Markdown document.
#[derive(Debug, Clone)]
pub struct Composed {
    pub digest: Digest,
    pub subject: String,
    pub markdown: String,
    pub preheader: String,
    pub text: String,
    pub html: String,
}

/// The digest of `member` from `since`, rendered in the member's zone.
pub fn compose(tx: &Tx<'_>, member: &Member, since: DateTime<Utc>) -> Result<Composed> {
    let digest = gather(tx, member, since)?;
    let zone = member::zone_of(tx, &member.id)?;
    let rendered = render::render(&digest, &zone);
    let (html, text) = html::email_parts(
        &rendered.subject,
        &rendered.preheader,
        &rendered.markdown,
        &rendered.task_lists,
    );
    Ok(Composed {
        subject: rendered.subject,
        text,
        markdown: rendered.markdown,
        preheader: rendered.preheader,
        html,
        digest,
    })
}

/// Where the next digest of `member_id` starts: `since` when given, else
/// where the last one sent ended, else [`FIRST_WINDOW_DAYS`] ago.
pub fn window_start(
    tx: &Tx<'_>,
    member_id: &str,
    since: Option<DateTime<Utc>>,
) -> Result<DateTime<Utc>> {
    if let Some(since) = since {
        return Ok(since);
    }
    Ok(match last_sent(tx, member_id)? {
        Some(last) => last.until,
        None => tx.now() - TimeDelta::days(FIRST_WINDOW_DAYS),
    })
}

/// A digest ready to send.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub composed: Composed,
    pub message: lettre::Message,
    pub message_id: String,
    pub recipients: Vec<String>,
}

/// Composes and addresses `member`'s digest: From the coach, To the
/// member, Reply-To the coach (so the member's answer reaches `coach
/// inbox`), Cc the coach with `mail.cc-me`.
pub fn prepare(tx: &Tx<'_>, member: &Member, since: DateTime<Utc>) -> Result<Prepared> {
    let coach = share::coach_address(tx)?;
    let email = member.email.clone().ok_or_else(|| {
        Error::input(format!(
            "{} has no email address, so the digest cannot be sent",
            member.name
        ))
        .with_hint(format!(
            "add one with: coach member edit \"{}\" --email ADDRESS",
            member.name
        ))
    })?;
    let to = Address::new(member.name.clone(), email);
    let cc = if Settings::of(tx)?.cc_me()? {
        vec![coach.clone()]
    } else {
        Vec::new()
    };
    let composed = compose(tx, member, since)?;
    let message_id = mail::new_message_id(&coach.email);
    let recipients: Vec<String> = std::iter::once(&to)
        .chain(&cc)
        .map(|a| a.email.trim().to_string())
        .collect();
    let message = mail::build_message(&OutgoingMail {
        from: coach.clone(),
        to: vec![to],
        cc,
        reply_to: Some(coach),
        subject: composed.subject.clone(),
        text: composed.text.clone(),
        html: composed.html.clone(),
        attachments: Vec::new(),
        message_id: message_id.clone(),
        in_reply_to: None,
        calendar: None,
    })?;
    Ok(Prepared {
        composed,
        message,
        message_id,
        recipients,
    })
}

// ---------------------------------------------------------------------------
// The record of digests

/// One digest send, as `share log` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Sent {
    pub id: String,
    pub short_id: String,
    /// Always `digest` (beside the agendas and recaps of `share log`).
    pub kind: &'static str,
    pub member: MemberRef,
    /// The window it covers.
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub recipients: Vec<String>,
    pub transport: String,
    /// Without angle brackets.
    pub message_id: String,
    pub outcome: Outcome,
    pub temporary: bool,
    pub detail: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

const SELECT: &str = "SELECT d.id, d.since, d.until, d.recipients, d.transport, d.message_id,
            d.outcome, d.temporary, d.detail, d.created_at, d.finished_at, m.id, m.name, m.email
     FROM digests d JOIN members m ON m.id = d.member_id";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Sent> {
    let recipients: String = row.get(3)?;
    let recipients: Vec<String> = serde_json::from_str(&recipients).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(Sent {
        id: row.get(0)?,
        short_id: String::new(),
        kind: "digest",
        since: time_at(row, 1)?,
        until: time_at(row, 2)?,
        recipients,
        transport: row.get(4)?,
        message_id: row.get(5)?,
        outcome: row.get(6)?,
        temporary: row.get(7)?,
        detail: row.get(8)?,
        created_at: time_at(row, 9)?,
        finished_at: opt_time_at(row, 10)?,
        member: MemberRef {
            id: row.get(11)?,
            name: row.get(12)?,
            email: row.get(13)?,
        },
    })
}

fn with_short_id(tx: &Tx<'_>, mut sent: Sent) -> Result<Sent> {
    sent.short_id = tx.short_id("digests", &sent.id)?;
    Ok(sent)
}

fn one(tx: &Tx<'_>, sql: &str, param: &str) -> Result<Option<Sent>> {
    let mut stmt = tx.prepare_cached(sql)?;
    let sent = stmt.query_row([param], from_row).optional()?;
    sent.map(|s| with_short_id(tx, s)).transpose()
}

/// The member's last digest sent.
pub fn last_sent(tx: &Tx<'_>, member_id: &str) -> Result<Option<Sent>> {
    one(
        tx,
        &format!(
            "{SELECT} WHERE d.member_id = ?1 AND d.outcome = 'sent' AND d.deleted_at IS NULL
             ORDER BY d.created_at DESC, d.id DESC LIMIT 1"
        ),
        member_id,
    )
}

/// The member's last digest that finished (sent or failed), if any.
pub fn last_attempt(tx: &Tx<'_>, member_id: &str) -> Result<Option<Sent>> {
    one(
        tx,
        &format!(
            "{SELECT} WHERE d.member_id = ?1 AND d.outcome <> 'sending' AND d.deleted_at IS NULL
             ORDER BY d.created_at DESC, d.id DESC LIMIT 1"
        ),
        member_id,
    )
}

fn in_flight(tx: &Tx<'_>, member_id: &str) -> Result<Option<Sent>> {
    one(
        tx,
        &format!(
            "{SELECT} WHERE d.member_id = ?1 AND d.outcome = 'sending' AND d.deleted_at IS NULL"
        ),
        member_id,
    )
}

/// The digest with this full id.
pub fn get(tx: &Tx<'_>, id: &str) -> Result<Sent> {
    one(tx, &format!("{SELECT} WHERE d.id = ?1"), id)?
        .ok_or_else(|| Error::internal(format!("no digest has the id {id}")))
}

/// The digest whose message had this Message-ID: the email a reply answers.
pub fn by_message_id(tx: &Tx<'_>, message_id: &str) -> Result<Option<Sent>> {
    one(
        tx,
        &format!(
            "{SELECT} WHERE d.message_id = ?1 AND d.deleted_at IS NULL
             ORDER BY d.created_at LIMIT 1"
        ),
        message_id,
    )
}

/// Every digest send, newest first, at most `limit`.
pub fn log(tx: &Tx<'_>, limit: Option<usize>) -> Result<Vec<Sent>> {
    let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
    let mut stmt = tx.prepare_cached(&format!(
        "{SELECT} WHERE d.deleted_at IS NULL ORDER BY d.created_at DESC, d.id DESC LIMIT ?1"
    ))?;
    let rows = stmt
        .query_map([limit], from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(|s| with_short_id(tx, s)).collect()
}

// ---------------------------------------------------------------------------
// Claim, send, record

/// What [`claim`] found.
#[derive(Debug)]
pub enum Claim {
    /// The work is ours: the message and the `sending` row.
    Claimed(Box<Prepared>, Sent),
    /// Not due (with `--pending`): the last digest sent.
    NotDue(Sent),
    /// Another process is sending this member's digest: its claim.
    Busy(Sent),
}

/// What to send: whose digest, from when, and whether only when due.
#[derive(Debug, Clone)]
pub struct Request {
    pub member_id: String,
    /// `--since`; `None`: since the last digest.
    pub since: Option<DateTime<Utc>>,
    /// With `--pending`: send only when due under this period.
    pub due: Option<Every>,
}

/// Step 1 (see the module documentation), in the caller's write
/// transaction. An error leaves nothing claimed.
pub fn claim(tx: &Tx<'_>, request: &Request, transport: &str) -> Result<Claim> {
    let member = member::get(tx, &request.member_id)?;
    if let Some(every) = request.due {
        if let Some(last) = last_sent(tx, &member.id)? {
            if !every.is_due(Some(last.created_at), tx.now()) {
                return Ok(Claim::NotDue(last));
            }
        }
    }
    if let Some(busy) = claim::take_over_if_stale(tx, in_flight(tx, &member.id)?)? {
        return Ok(Claim::Busy(busy));
    }
    let since = window_start(tx, &member.id, request.since)?;
    let prepared = prepare(tx, &member, since)?;
    let id = new_id();
    let now = tx.now_text();
    tx.prepare_cached(
        "INSERT INTO digests (id, member_id, since, until, recipients, transport, message_id,
                                  outcome, detail, author, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'sending', ?8, ?9, ?10, ?10)",
    )?
    .execute(rusqlite::params![
        id,
        member.id,
        when::to_storage(prepared.composed.digest.since),
        when::to_storage(prepared.composed.digest.until),
        serde_json::to_string(&prepared.recipients)?,
        transport,
        prepared.message_id,
        claim::claimant(),
        tx.me(),
        now
    ])?;
    let sent = get(tx, &id)?;
    Ok(Claim::Claimed(Box::new(prepared), sent))
}

claim::attempt!(Sent, "digests", "digest", get: get, record: claim::record);

/// How one digest ended.
#[derive(Debug)]
pub enum Done {
    Sent(Sent),
    /// Not due (with `--pending`): the last one sent.
    NotDue(Sent),
    /// Another process is sending it; nothing sent now.
    Busy(Sent),
    /// The send failed and was recorded.
    Failed {
        sent: Sent,
        error: Error,
    },
}

/// Sends one digest: claim, send, record. `settings` must have been
/// unlocked. `Err`: nothing was claimed or sent, except when recording
/// the outcome fails (the error says whether the message went out).
pub fn send(store: &mut Store, request: &Request, settings: &MailSettings) -> Result<Done> {
    let claimed = store.write(|tx| claim(tx, request, settings.transport_name()))?;
    let (prepared, sent) = match claimed {
        Claim::NotDue(last) => return Ok(Done::NotDue(last)),
        Claim::Busy(other) => return Ok(Done::Busy(other)),
        Claim::Claimed(prepared, sent) => (prepared, sent),
    };
    let what = format!("the digest of {}", sent.member.name);
    let (sent, error) =
        claim::deliver(store, &sent, &prepared.message, &settings.transport, &what)?;
    Ok(match error {
        None => Done::Sent(sent),
        Some(error) => Done::Failed { sent, error },
    })
}

/// Why `--pending` holds a member's digest back (see [`claim::HeldBack`]).
pub type HeldBack = claim::HeldBack<Sent>;

/// Whether `share --digest --pending` should hold back `member_id`'s
/// digest: its last send was refused for good, or its last
/// `mail.max-attempts` failed temporarily (until `--retry`).
pub fn held_back(tx: &Tx<'_>, member_id: &str) -> Result<Option<HeldBack>> {
    claim::held_back(tx, |limit| {
        let mut stmt = tx.prepare_cached(&format!(
            "{SELECT} WHERE d.member_id = ?1 AND d.outcome <> 'sending' AND d.deleted_at IS NULL
             ORDER BY d.created_at DESC, d.id DESC LIMIT ?2"
        ))?;
        let recent = stmt
            .query_map(rusqlite::params![member_id, limit], from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(recent)
    })?
    .map(|held| held.try_map(|sent| with_short_id(tx, sent)))
    .transpose()
}

/// The members `--pending` considers: active, with an email address, in
/// name order; those due under `every` (all of them when never sent).
pub fn due_members(tx: &Tx<'_>, every: Every, member_id: Option<&str>) -> Result<Vec<Member>> {
    if every == Every::Off {
        return Ok(Vec::new());
    }
    let mut due = Vec::new();
    for m in member::list_without_short_ids(tx, false)? {
        if member_id.is_some_and(|id| id != m.id) || m.email.is_none() {
            continue;
        }
        let last = last_sent(tx, &m.id)?.map(|s| s.created_at);
        if every.is_due(last, tx.now()) {
            due.push(m);
        }
    }
    Ok(due)
}

/// The active members without an email address: `--pending` leaves them
/// out and says so.
pub fn without_email(tx: &Tx<'_>) -> Result<Vec<Member>> {
    Ok(member::list_without_short_ids(tx, false)?
        .into_iter()
        .filter(|m| m.email.is_none())
        .collect())
}

/// Checks a window start given with `--since`: in the past.
pub fn check_since(since: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    if since >= now {
        return Err(Error::input(format!(
            "--since {} is not in the past",
            when::display_local(since)
        ))
        .with_hint("a digest looks back: e.g. --since -4w or --since 2026-11-01"));
    }
    Ok(())
}

/// The month of `at` in local time, for tests of `is_due`.
#[cfg(test)]
fn local_month(at: DateTime<Utc>) -> u32 {
    use chrono::Datelike;
    at.with_timezone(&Local).month()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn periods_read_as_people_write_them() {
        assert_eq!(Every::parse("monthly"), Some(Every::Months(1)));
        assert_eq!(Every::parse("Weekly"), Some(Every::Days(7)));
        assert_eq!(Every::parse("2w"), Some(Every::Days(14)));
        assert_eq!(Every::parse("10d"), Some(Every::Days(10)));
        assert_eq!(Every::parse("3m"), Some(Every::Months(3)));
        assert_eq!(Every::parse("off"), Some(Every::Off));
        for bad in [
            "",
            "0d",
            "w",
            "2x",
            "-1w",
            "99999d",
            "monthly please",
            "1 w",
        ] {
            assert_eq!(Every::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_digest_is_due_by_calendar_day_not_to_the_second() {
        let at = |d: u32, h: u32, s: u32| {
            Local
                .with_ymd_and_hms(2026, 11, d, h, 0, s)
                .single()
                .expect("a local time")
                .with_timezone(&Utc)
        };
        let weekly = Every::Days(7);
        assert!(weekly.is_due(None, at(1, 7, 0)));
        // Sent at 07:00:05, the cron run a week later at 07:00:03 sends.
        assert!(weekly.is_due(Some(at(1, 7, 5)), at(8, 7, 3)));
        assert!(!weekly.is_due(Some(at(1, 7, 5)), at(7, 23, 59)));
        let monthly = Every::Months(1);
        let last = at(2, 7, 0);
        assert!(!monthly.is_due(Some(last), at(30, 7, 0)));
        assert_eq!(local_month(last), 11);
        assert!(!Every::Off.is_due(None, at(1, 7, 0)));
    }
}
