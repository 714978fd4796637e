//! What every send shares, whatever it sends: agendas and recaps (the
//! `shares` table, `share.rs`) and digests (`digests`, `digest.rs`).
//!
//! A send is a row of its table: the claim (outcome `sending`, naming the
//! process that makes it: [`claimant`]), then the outcome ([`record`]:
//! `sent`, or `failed` with the reason, which releases the claim). This
//! module holds the steps that do not depend on what is sent:
//!
//! - taking over a stale claim ([`take_over_if_stale`]): one whose process
//!   is gone from this host, or older than `mail.claim-timeout`, is marked
//!   failed (temporary) and the work claimed again;
//! - delivering a claimed message and recording its outcome ([`deliver`]),
//!   with no transaction open while the mail server is waited for;
//! - holding back ([`held_back`]) what `--pending` should not try again by
//!   itself: a send refused for good, or `mail.max-attempts` temporary
//!   failures in a row, until `--retry`.
//!
//! Each area supplies only what differs: its table, how it reads a row
//! ([`Attempt`]) and which of its rows are the history of one email.

use chrono::{DateTime, TimeDelta, Utc};
use lettre::Message;
use serde::Serialize;

use crate::config::Settings;
use crate::mail::{self, Transport};
use crate::store::{stored_enum, Store, Tx};
use crate::{when, Error, Result};

/// The setting: minutes after which a claim still `sending` is taken to
/// belong to a process that died, and may be claimed again.
pub const CLAIM_TIMEOUT: &str = "mail.claim-timeout";

/// The setting: temporary failures in a row after which `--pending` stops
/// retrying an email.
pub const MAX_ATTEMPTS: &str = "mail.max-attempts";

/// Where a send stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Claimed, being sent (or its process died: see [`take_over_if_stale`]).
    Sending,
    /// Accepted by the transport.
    Sent,
    /// Not sent; the email stays pending.
    Failed,
}

stored_enum!(Outcome, "share outcome", {
    Sending => "sending",
    Sent => "sent",
    Failed => "failed",
});

/// A row of a send log: one send of an agenda or recap, or of a digest.
pub trait Attempt: Sized {
    /// The table it is a row of.
    const TABLE: &'static str;
    /// What `share log` calls the table's rows, for messages: `share`, `digest`.
    const NOUN: &'static str;

    fn id(&self) -> &str;
    fn outcome(&self) -> Outcome;
    /// For a failure: whether it may go away by itself.
    fn temporary(&self) -> bool;
    /// Sending: the claimant; sent: the server's answer or the path;
    /// failed: the reason.
    fn detail(&self) -> Option<&str>;
    /// When the send started.
    fn created_at(&self) -> DateTime<Utc>;
    /// The row with this full id.
    fn get(tx: &Tx<'_>, id: &str) -> Result<Self>;
    /// Step 3: records the outcome of the claimed send `id` (with
    /// [`record`], and whatever else the area moves on when sent).
    fn record(tx: &Tx<'_>, id: &str, result: &Result<mail::Sent>) -> Result<Self>;
}

/// Implements [`Attempt`] for a row type whose fields `id`, `outcome`,
/// `temporary`, `detail` and `created_at` are those of every send log,
/// given its table, its noun, and its area's `get` and `record`.
macro_rules! attempt {
    ($ty:ty, $table:literal, $noun:literal, get: $get:path, record: $record:path) => {
        impl $crate::claim::Attempt for $ty {
            const TABLE: &'static str = $table;
            const NOUN: &'static str = $noun;

            fn id(&self) -> &str {
                &self.id
            }
            fn outcome(&self) -> $crate::claim::Outcome {
                self.outcome
            }
            fn temporary(&self) -> bool {
                self.temporary
            }
            fn detail(&self) -> Option<&str> {
                self.detail.as_deref()
            }
            fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
                self.created_at
            }
            fn get(tx: &$crate::store::Tx<'_>, id: &str) -> $crate::Result<Self> {
                $get(tx, id)
            }
            fn record(
                tx: &$crate::store::Tx<'_>,
                id: &str,
                result: &$crate::Result<$crate::mail::Sent>,
            ) -> $crate::Result<Self> {
                $record(tx, id, result)
            }
        }
    };
}
pub(crate) use attempt;

/// Checks the claim in flight of an email, if any, in the claim's write
/// transaction: a claim that may still be sending is returned (the email
/// is busy); a stale one ([`stale`]) is released ([`abandon`]) and `None`
/// returned, so that the caller claims the work again.
pub fn take_over_if_stale<A: Attempt>(tx: &Tx<'_>, in_flight: Option<A>) -> Result<Option<A>> {
    let Some(claimed) = in_flight else {
        return Ok(None);
    };
    match stale(tx, &claimed)? {
        None => Ok(Some(claimed)),
        Some(gone) => {
            abandon(tx, &claimed, gone)?;
            Ok(None)
        }
    }
}

/// Whether a claim is stale: `Some(gone)` when its process is gone from
/// this host (`gone`), or it is older than `mail.claim-timeout`; `None`
/// while it may still be sending.
pub fn stale<A: Attempt>(tx: &Tx<'_>, claimed: &A) -> Result<Option<bool>> {
    let timeout = Settings::of(tx)?.claim_timeout()?;
    let stale_before = tx.now() - TimeDelta::from_std(timeout).unwrap_or(TimeDelta::MAX);
    let gone = claimant_is_gone(claimed.detail());
    Ok((claimed.created_at() <= stale_before || gone).then_some(gone))
}

/// Marks a stale claim failed (temporary), releasing it.
pub fn abandon<A: Attempt>(tx: &Tx<'_>, claimed: &A, gone: bool) -> Result<()> {
    let who = claimed.detail().unwrap_or("the process sending it");
    let why = if gone {
        format!("abandoned: {who} ended without recording the outcome")
    } else {
        format!("abandoned: {who} did not record the outcome within {CLAIM_TIMEOUT}")
    };
    tx.prepare_cached(&format!(
        "UPDATE {} SET outcome = 'failed', temporary = 1, detail = ?2,
                           finished_at = ?3, updated_at = ?3
             WHERE id = ?1 AND outcome = 'sending'",
        A::TABLE
    ))?
    .execute(rusqlite::params![claimed.id(), why, tx.now_text()])?;
    Ok(())
}

/// Writes the outcome of the claimed send `id` into its row: `sent` with
/// the transport's answer, or `failed` with the reason and whether it is
/// temporary.
pub fn record<A: Attempt>(tx: &Tx<'_>, id: &str, result: &Result<mail::Sent>) -> Result<A> {
    let (outcome, temporary, detail) = match result {
        Ok(sent) => (Outcome::Sent, false, sent.detail.clone()),
        Err(err) => (
            Outcome::Failed,
            err.is_temporary(),
            err.message().to_string(),
        ),
    };
    tx.prepare_cached(&format!(
        "UPDATE {} SET outcome = ?2, temporary = ?3, detail = ?4,
                           finished_at = ?5, updated_at = ?5
             WHERE id = ?1",
        A::TABLE
    ))?
    .execute(rusqlite::params![
        id,
        outcome.as_str(),
        temporary,
        detail,
        tx.now_text()
    ])?;
    A::get(tx, id)
}

/// Steps 2 and 3 of a send: delivers the message of the claim `claimed`
/// with no transaction open, then records the outcome ([`Attempt::record`]).
/// Returns the row as recorded and the error when the send failed.
///
/// `Err` only when recording fails: then the error says whether `what`
/// (e.g. "the recap of session 1a2b") went out.
pub fn deliver<A: Attempt>(
    store: &mut Store,
    claimed: &A,
    message: &Message,
    transport: &Transport,
    what: &str,
) -> Result<(A, Option<Error>)> {
    let result = mail::send(transport, message);
    match store.write(|tx| A::record(tx, claimed.id(), &result)) {
        Ok(recorded) => Ok((recorded, result.err())),
        Err(err) => {
            let went = match &result {
                Ok(sent) => format!("was sent ({})", sent.detail),
                Err(_) => "was not sent".to_string(),
            };
            Err(Error::new(
                err.kind(),
                format!("{what} {went}, but recording it failed: {}", err.message()),
            )
            .with_hint("`coach share log` shows it as sending until it is retried"))
        }
    }
}

// ---------------------------------------------------------------------------
// Held back

/// Why `--pending` holds an email back instead of trying it again (until
/// `--retry`).
#[derive(Debug)]
pub enum HeldBack<A> {
    /// Its last send was refused for good (SMTP 5xx, sendmail's permanent
    /// exit codes, a bad address): the same message would be refused again.
    Refused(A),
    /// Its last `attempts` sends failed temporarily, `mail.max-attempts` or
    /// more.
    GaveUp { last: A, attempts: u64 },
}

impl<A: Attempt> HeldBack<A> {
    /// Its last send.
    pub fn last(&self) -> &A {
        match self {
            HeldBack::Refused(last) | HeldBack::GaveUp { last, .. } => last,
        }
    }

    /// Its last send, taken.
    pub fn into_last(self) -> A {
        match self {
            HeldBack::Refused(last) | HeldBack::GaveUp { last, .. } => last,
        }
    }

    /// The same reason, about `f` of its last send.
    pub fn try_map<B>(self, f: impl FnOnce(A) -> Result<B>) -> Result<HeldBack<B>> {
        Ok(match self {
            HeldBack::Refused(last) => HeldBack::Refused(f(last)?),
            HeldBack::GaveUp { last, attempts } => HeldBack::GaveUp {
                last: f(last)?,
                attempts,
            },
        })
    }

    /// Why, in words: `refused for good on ...: 550 ...`, `failed 5 times
    /// in a row (mail.max-attempts), last: ...`.
    pub fn reason(&self) -> String {
        let detail = self.last().detail().unwrap_or("no reason given");
        match self {
            HeldBack::Refused(last) => format!(
                "refused for good on {}: {detail}",
                when::display_local(last.created_at())
            ),
            HeldBack::GaveUp { attempts, .. } => {
                format!("failed {attempts} times in a row ({MAX_ATTEMPTS}), last: {detail}")
            }
        }
    }
}

/// Whether `--pending` should hold an email back, from the history of its
/// sends: `recent(n)` reads its last `n` finished sends (not `sending`),
/// newest first. Held back when the last one was refused for good, or the
/// last `mail.max-attempts` ones all failed temporarily.
pub fn held_back<A: Attempt>(
    tx: &Tx<'_>,
    recent: impl FnOnce(i64) -> Result<Vec<A>>,
) -> Result<Option<HeldBack<A>>> {
    let max = Settings::of(tx)?.max_attempts()?;
    let recent = recent(i64::try_from(max).unwrap_or(i64::MAX))?;
    Ok(hold_back(recent, max))
}

/// The rule of [`held_back`] over `recent`, newest first.
fn hold_back<A: Attempt>(recent: Vec<A>, max: u64) -> Option<HeldBack<A>> {
    let attempts = recent
        .iter()
        .take_while(|a| a.outcome() == Outcome::Failed && a.temporary())
        .count() as u64;
    let last = recent.into_iter().next()?;
    if last.outcome() == Outcome::Failed && !last.temporary() {
        return Some(HeldBack::Refused(last));
    }
    (attempts >= max && attempts > 0).then_some(HeldBack::GaveUp { last, attempts })
}

// ---------------------------------------------------------------------------
// Claimants

/// What a claim records of the process making it, while it is `sending`:
/// `pid 1234 on HOST`.
pub fn claimant() -> String {
    format!("pid {} on {}", std::process::id(), this_host())
}

/// This machine's name (Linux), or "" when it cannot be told.
fn this_host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}

/// Whether the process named by a claim's `detail` ([`claimant`]) is known
/// to be gone: it ran on this host and no process has its pid now.
pub fn claimant_is_gone(detail: Option<&str>) -> bool {
    let Some((pid, host)) = detail
        .and_then(|d| d.strip_prefix("pid "))
        .and_then(|d| d.split_once(" on "))
    else {
        return false;
    };
    let Ok(pid) = pid.parse::<u32>() else {
        return false;
    };
    let here = this_host();
    !here.is_empty()
        && host == here
        && std::path::Path::new("/proc/self").exists()
        && !std::path::Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A finished send: its outcome and whether a failure was temporary.
    struct Tried(Outcome, bool);

    impl Attempt for Tried {
        const TABLE: &'static str = "shares";
        const NOUN: &'static str = "share";
        fn id(&self) -> &str {
            ""
        }
        fn outcome(&self) -> Outcome {
            self.0
        }
        fn temporary(&self) -> bool {
            self.1
        }
        fn detail(&self) -> Option<&str> {
            None
        }
        fn created_at(&self) -> DateTime<Utc> {
            DateTime::UNIX_EPOCH
        }
        fn get(_: &Tx<'_>, _: &str) -> Result<Self> {
            Err(Error::internal("not stored"))
        }
        fn record(_: &Tx<'_>, _: &str, _: &Result<mail::Sent>) -> Result<Self> {
            Err(Error::internal("not stored"))
        }
    }

    fn held(history: Vec<Tried>, max: u64) -> Option<String> {
        hold_back(history, max).map(|h| match h {
            HeldBack::Refused(_) => "refused".to_string(),
            HeldBack::GaveUp { attempts, .. } => format!("gave up after {attempts}"),
        })
    }

    #[test]
    fn only_a_refusal_or_max_temporary_failures_in_a_row_hold_an_email_back() {
        use Outcome::{Failed, Sent};
        let temporary = || Tried(Failed, true);
        assert_eq!(held(vec![], 2), None, "never tried");
        assert_eq!(
            held(vec![Tried(Failed, false)], 2).as_deref(),
            Some("refused")
        );
        assert_eq!(held(vec![temporary()], 2), None);
        assert_eq!(
            held(vec![temporary(), temporary(), Tried(Failed, false)], 2).as_deref(),
            Some("gave up after 2")
        );
        // A refusal before a temporary failure is history: it was retried.
        assert_eq!(held(vec![temporary(), Tried(Failed, false)], 2), None);
        assert_eq!(held(vec![Tried(Sent, false), temporary()], 1), None);
    }
}
