//! Replies in: a team member's answer to an agenda or a recap becomes
//! their topic or note, their check-offs, their acknowledgement.
//!
//! Every message is hostile until proven otherwise. One is **accepted**
//! only when both hold:
//!
//! 1. it references, by `In-Reply-To` or `References`, the Message-ID of an
//!    email coach sent (a row of `shares`; the Message-ID's token is random,
//!    see [`crate::mail::new_message_id`]), and
//! 2. its single `From` address is the email of that session's member.
//!
//! Anything else (a forged From, an unknown thread, another member's
//! session, a message from the coach, a malformed or oversized message) is
//! **refused**, and an automatic reply or a message already taken in is
//! **ignored**: both change nothing. [`take`] runs inside the caller's
//! transaction (`coach inbox` takes all its messages in one); a message's
//! Message-ID is recorded in `replies`, so the same message twice changes
//! nothing the second time.
//!
//! What was written in a reply is the member's: shared, never private.
//!
//! A reply to a digest (`share --digest`, a row of `digests`) is accepted
//! on the same two conditions, with the digest's member: its check-off
//! lines act on their actions; its other text is reported as not kept (a
//! digest is about no one session; topics come in reply to an agenda).
//! Its Message-ID is recorded in `digest_replies`.

use std::fs;
use std::io::{self, BufRead, Read};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use mail_parser::{MessageParser, MimeHeaders, PartType};
use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::config::Settings;
use crate::digest;
use crate::member::Member;
use crate::note::{self, Visibility};
use crate::reply::{self, CheckOff, Said};
use crate::session::{self, Session};
use crate::share::{self, Kind, SessionRef, Share};
use crate::store::{new_id, Tx};
use crate::{action, member, when, Error, Result};

/// The largest message taken in, in bytes; a larger one is refused
/// without being read whole.
pub const MAX_MESSAGE: u64 = 10 << 20;

/// At most this many Message-IDs of `References` are looked up.
const MAX_REFERENCES: usize = 100;

/// What became of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// A reply from the session's member: its changes are applied.
    Accepted,
    /// Nothing to take: an automatic reply, or a message already taken in.
    Ignored,
    /// Not allowed to change anything: see the reason.
    Refused,
}

impl Verdict {
    /// `accepted`, `ignored` or `refused`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Accepted => "accepted",
            Verdict::Ignored => "ignored",
            Verdict::Refused => "refused",
        }
    }
}

/// One change a reply makes (or would make, with `--dry-run`).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    /// The member's topic (a reply to an agenda) or note (to a recap): a
    /// shared note written by the member. `note` is its short id (none in a
    /// dry run).
    Note { note: Option<String>, text: String },
    /// The recap was acknowledged, at the reply's date.
    Acknowledged { at: DateTime<Utc> },
    /// An action of the member's was checked off, at the reply's date.
    Done { action: String, body: String },
    /// An action of the member's was opened again.
    Reopened { action: String, body: String },
    /// A check-off line that changed nothing, and why.
    Skipped { action: String, reason: String },
    /// Text of a reply to a digest: written nowhere (a digest is about no
    /// one session), shown so that you can read it.
    NotKept { text: String, reason: String },
}

/// Which email a reply answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Answers {
    Agenda,
    Recap,
    Digest,
}

impl From<Kind> for Answers {
    fn from(kind: Kind) -> Answers {
        match kind {
            Kind::Agenda => Answers::Agenda,
            Kind::Recap => Answers::Recap,
        }
    }
}

/// What happened to one message, as `coach inbox` reports it.
#[derive(Debug, Clone, Serialize)]
pub struct Taken {
    /// Where it came from: a file, `-`, `MBOX#N`, or the Maildir file.
    pub source: String,
    pub verdict: Verdict,
    /// Why, in a sentence.
    pub reason: String,
    /// The message's own Message-ID, without angle brackets.
    pub message_id: Option<String>,
    /// Its From address.
    pub from: Option<String>,
    /// The session whose email it answers (none for a digest).
    pub session: Option<SessionRef>,
    /// Which email it answers: `agenda`, `recap` or `digest`.
    pub answers: Option<Answers>,
    /// The digest it answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
    /// What it changed (or would change).
    pub changes: Vec<Change>,
}

impl Taken {
    fn new(source: &str) -> Taken {
        Taken {
            source: source.to_string(),
            verdict: Verdict::Refused,
            reason: String::new(),
            message_id: None,
            from: None,
            session: None,
            answers: None,
            digest: None,
            changes: Vec::new(),
        }
    }

    fn verdict(mut self, verdict: Verdict, reason: impl Into<String>) -> Taken {
        self.verdict = verdict;
        self.reason = reason.into();
        self
    }
}

/// A message as read from its source: its bytes, or why they were not read.
#[derive(Debug)]
pub struct Incoming {
    pub source: String,
    pub bytes: std::result::Result<Vec<u8>, String>,
}

/// Takes one message in, inside the caller's write transaction (or, with
/// `apply` false, only says what it would change: a dry run).
///
/// Errors are the database's only: everything wrong with the message
/// itself is a [`Verdict::Refused`] with its reason.
pub fn take(tx: &Tx<'_>, incoming: &Incoming, apply: bool) -> Result<Taken> {
    let taken = Taken::new(&incoming.source);
    let raw = match &incoming.bytes {
        Ok(raw) => raw,
        Err(why) => return Ok(taken.verdict(Verdict::Refused, why.clone())),
    };
    let Some(message) = MessageParser::default().parse(raw.as_slice()) else {
        return Ok(taken.verdict(Verdict::Refused, "it is not an email message"));
    };
    let headers = match Headers::of(&message) {
        Ok(headers) => headers,
        Err(why) => return Ok(taken.verdict(Verdict::Refused, why)),
    };
    let mut taken = taken;
    taken.message_id = Some(headers.message_id.clone());
    taken.from = Some(headers.from.clone());
    let answered = match authorize(tx, &headers)? {
        Ok(answered) => answered,
        Err((verdict, why)) => return Ok(taken.verdict(verdict, why)),
    };
    let said = body_of(&message);
    // A note holds 1 MiB and a message up to 10: refused, not an error,
    // which would undo every message taken with it, at every run.
    if printable(&said.text).trim().len() as u64 > note::MAX_BODY {
        return Ok(taken.verdict(
            Verdict::Refused,
            format!(
                "its text is larger than {} MiB, more than a note holds",
                note::MAX_BODY >> 20
            ),
        ));
    }
    let (earliest, reason) = match &answered.parent {
        Parent::Session { share, session } => {
            taken.session = Some(SessionRef::of(session));
            taken.answers = Some(share.kind.into());
            let reason = format!(
                "a reply from {} to the {} of {}",
                answered.member.name,
                share.kind.as_str(),
                when::display_local_date(session.date)
            );
            (share.created_at, reason)
        }
        Parent::Digest(digest) => {
            taken.answers = Some(Answers::Digest);
            taken.digest = Some(digest.short_id.clone());
            let reason = format!(
                "a reply from {} to their digest of {}",
                answered.member.name,
                when::display_local_date(digest.created_at)
            );
            (digest.created_at, reason)
        }
    };
    let sent_at = headers.date_within(earliest, tx.now());
    taken.changes = apply_said(tx, &answered, &headers, sent_at, &said, apply)?;
    Ok(taken.verdict(Verdict::Accepted, reason))
}

/// The headers that decide whether a message may change anything.
struct Headers {
    message_id: String,
    from: String,
    /// In-Reply-To first, then References from the latest.
    parents: Vec<String>,
    date: Option<DateTime<Utc>>,
    automatic: Option<String>,
}

impl Headers {
    fn of(message: &mail_parser::Message<'_>) -> std::result::Result<Headers, String> {
        let message_id = message
            .message_id()
            .map(clean_id)
            .filter(|id| !id.is_empty())
            .ok_or("it has no Message-ID")?;
        if message_id.len() > 250 {
            return Err("its Message-ID is longer than 250 characters".into());
        }
        let from = single_from(message)?;
        let mut parents: Vec<String> = Vec::new();
        let mut add = |value: &mail_parser::HeaderValue<'_>, reverse: bool| {
            let mut ids: Vec<String> = match value {
                mail_parser::HeaderValue::Text(id) => vec![clean_id(id)],
                mail_parser::HeaderValue::TextList(ids) => {
                    ids.iter().map(|i| clean_id(i)).collect()
                }
                _ => Vec::new(),
            };
            if reverse {
                ids.reverse();
            }
            for id in ids {
                if parents.len() < MAX_REFERENCES && !id.is_empty() && !parents.contains(&id) {
                    parents.push(id);
                }
            }
        };
        add(message.in_reply_to(), false);
        add(message.references(), true);
        let date = message
            .date()
            .and_then(|d| DateTime::<Utc>::from_timestamp(d.to_timestamp(), 0));
        Ok(Headers {
            message_id,
            from,
            parents,
            date,
            automatic: automatic(message),
        })
    }

    /// The reply's date: its Date header, but never before the email it
    /// answers nor after now (a Date header is whatever the sender wrote).
    fn date_within(&self, earliest: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
        self.date.unwrap_or(now).clamp(earliest.min(now), now)
    }
}

/// A Message-ID without its angle brackets and spaces.
fn clean_id(id: &str) -> String {
    id.trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim()
        .to_string()
}

/// The one From address, lowercase; more than one, or none, is refused.
fn single_from(message: &mail_parser::Message<'_>) -> std::result::Result<String, String> {
    let mut addresses = message
        .from()
        .into_iter()
        .flat_map(|from| from.iter())
        .filter_map(|addr| addr.address());
    let first = addresses.next().ok_or("it has no From address")?;
    if addresses.next().is_some() {
        return Err("it has more than one From address".into());
    }
    let email = first.trim().to_lowercase();
    if email.chars().any(char::is_control) || email.len() > 320 {
        return Err("its From address is not a usable address".into());
    }
    Ok(email)
}

/// Why a message is an automatic one (an out-of-office answer, a bounce, a
/// list), if it is: RFC 3834's Auto-Submitted, and the older Precedence
/// and X-Autoreply headers.
fn automatic(message: &mail_parser::Message<'_>) -> Option<String> {
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_ascii_lowercase())
    };
    if let Some(value) = header("Auto-Submitted").filter(|v| !v.starts_with("no")) {
        return Some(format!("Auto-Submitted: {value}"));
    }
    if let Some(value) = header("Precedence")
        .filter(|v| ["bulk", "junk", "list", "auto_reply"].contains(&v.as_str()))
    {
        return Some(format!("Precedence: {value}"));
    }
    header("X-Autoreply").map(|value| format!("X-Autoreply: {value}"))
}

/// The email a reply answers, and its member.
struct Answered {
    parent: Parent,
    member: Member,
}

/// An agenda or recap of a session, or a member's digest (one per
/// message taken in: the size difference does not matter).
#[allow(clippy::large_enum_variant)]
enum Parent {
    Session { share: Share, session: Session },
    Digest(digest::Sent),
}

type Refusal = (Verdict, String);

/// Whether the message may change anything: the checks of the module
/// documentation, in order.
fn authorize(tx: &Tx<'_>, headers: &Headers) -> Result<std::result::Result<Answered, Refusal>> {
    let refuse = |why: String| Ok(Err((Verdict::Refused, why)));
    if let Some(at) = taken_at(tx, &headers.message_id)? {
        return Ok(Err((
            Verdict::Ignored,
            format!("it was already taken in on {}", when::display_local(at)),
        )));
    }
    if share::by_message_id(tx, &headers.message_id)?.is_some()
        || digest::by_message_id(tx, &headers.message_id)?.is_some()
    {
        return refuse("it is an email coach sent, not a reply".into());
    }
    let coach_email = Settings::of(tx)?
        .user_email()?
        .map(|e| e.trim().to_lowercase());
    if coach_email.as_deref() == Some(headers.from.as_str()) {
        return refuse(format!(
            "it is from you ({}), not from a team member",
            headers.from
        ));
    }
    let mut found = None;
    for parent in &headers.parents {
        if let Some(share) = share::by_message_id(tx, parent)? {
            found = Some(Err(share));
            break;
        }
        if let Some(digest) = digest::by_message_id(tx, parent)? {
            found = Some(Ok(digest));
            break;
        }
    }
    let (parent, member, what) = match found {
        None => {
            return refuse("it does not answer an email coach sent (unknown thread)".into());
        }
        Some(Ok(digest)) => {
            let Ok(member) = member::get(tx, &digest.member.id) else {
                return refuse("it answers the digest of a member who was deleted".into());
            };
            let what = format!("digest of {}", member.name);
            (Parent::Digest(digest), member, what)
        }
        Some(Err(share)) => {
            let Ok(session) = session::get(tx, &share.session.id) else {
                return refuse(format!(
                    "it answers the {} of a session that was deleted",
                    share.kind.as_str()
                ));
            };
            let member = session::member_of(tx, &session)?;
            let what = format!("{} of a session with {}", share.kind.as_str(), member.name);
            (Parent::Session { share, session }, member, what)
        }
    };
    let member_email = member.email.as_deref().map(|e| e.trim().to_lowercase());
    if member_email.as_deref() != Some(headers.from.as_str()) {
        let who = member::list_without_short_ids(tx, true)?
            .into_iter()
            .find(|m| {
                m.email
                    .as_deref()
                    .map(|e| e.trim().to_lowercase())
                    .as_deref()
                    == Some(headers.from.as_str())
            });
        return refuse(match who {
            Some(other) => format!("it is from {} but answers the {what}", other.name),
            None => format!(
                "its From address {} is not {}'s (forged or unknown sender)",
                headers.from, member.name
            ),
        });
    }
    if let Some(why) = &headers.automatic {
        return Ok(Err((
            Verdict::Ignored,
            format!("it is an automatic reply ({why})"),
        )));
    }
    Ok(Ok(Answered { parent, member }))
}

/// When a message with this Message-ID was taken in, if it was.
fn taken_at(tx: &Tx<'_>, message_id: &str) -> Result<Option<DateTime<Utc>>> {
    let at: Option<String> = tx
        .prepare_cached(
            "SELECT created_at FROM replies WHERE message_id = ?1
             UNION ALL SELECT created_at FROM digest_replies WHERE message_id = ?1",
        )?
        .query_row([message_id], |r| r.get(0))
        .optional()?;
    Ok(at.and_then(|at| when::from_storage(&at).ok()))
}

/// What a raw message says, as [`take`] reads it (`None`: it is not an
/// email message). For tests of the reply fixtures.
pub fn read_reply(raw: &[u8]) -> Option<Said> {
    MessageParser::default().parse(raw).map(|m| body_of(&m))
}

/// What the reply says: from its plain-text body, else its HTML body
/// turned into text.
fn body_of(message: &mail_parser::Message<'_>) -> Said {
    let Some(part) = message.text_part(0) else {
        return Said::default();
    };
    let said = match &part.body {
        PartType::Text(text) => reply::read_text(text),
        PartType::Html(html) => reply::read_html(html),
        _ => return Said::default(),
    };
    // An attachment announced as text is not the member's words.
    if part
        .content_disposition()
        .is_some_and(|d| d.is_attachment())
    {
        return Said::default();
    }
    said
}

/// Applies (or, with `apply` false, only lists) what the reply says.
fn apply_said(
    tx: &Tx<'_>,
    answered: &Answered,
    headers: &Headers,
    sent_at: DateTime<Utc>,
    said: &Said,
    apply: bool,
) -> Result<Vec<Change>> {
    let reply_id = new_id();
    if apply {
        match &answered.parent {
            Parent::Session { share, session } => tx
                .prepare_cached(
                    "INSERT INTO replies (id, message_id, share_id, kind, session_id, sent_at,
                                          author, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
                )?
                .execute(rusqlite::params![
                    reply_id,
                    headers.message_id,
                    share.id,
                    share.kind,
                    session.id,
                    when::to_storage(sent_at),
                    answered.member.id,
                    tx.now_text()
                ])?,
            Parent::Digest(digest) => tx
                .prepare_cached(
                    "INSERT INTO digest_replies (id, message_id, digest_id, member_id, sent_at,
                                                 author, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?4, ?6, ?6)",
                )?
                .execute(rusqlite::params![
                    reply_id,
                    headers.message_id,
                    digest.id,
                    answered.member.id,
                    when::to_storage(sent_at),
                    tx.now_text()
                ])?,
        };
    }
    let mut changes = Vec::new();
    let text = printable(&said.text);
    match &answered.parent {
        Parent::Session { session, .. } if !text.trim().is_empty() => {
            let note = if apply {
                let note = note::add(
                    tx,
                    session,
                    &text,
                    Visibility::Shared,
                    Some(&answered.member),
                    None,
                )?;
                note::set_reply(tx, &note.id, &reply_id)?;
                Some(note.short_id)
            } else {
                None
            };
            changes.push(Change::Note { note, text });
        }
        Parent::Digest(_) if !text.trim().is_empty() => changes.push(Change::NotKept {
            text,
            reason: "a digest is about no one session: its replies only check actions off \
                     (topics come in reply to an agenda)"
                .into(),
        }),
        _ => {}
    }
    if let Parent::Session { share, .. } = &answered.parent {
        if share.kind == Kind::Recap {
            changes.push(Change::Acknowledged { at: sent_at });
        }
    }
    for check_off in &said.check_offs {
        changes.push(check_off_change(
            tx, answered, check_off, sent_at, &reply_id, apply,
        )?);
    }
    Ok(changes)
}

/// The text without control characters other than line breaks and tabs.
fn printable(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

/// One check-off line: the member's own action, done or reopened.
fn check_off_change(
    tx: &Tx<'_>,
    answered: &Answered,
    check_off: &CheckOff,
    at: DateTime<Utc>,
    reply_id: &str,
    apply: bool,
) -> Result<Change> {
    let id = check_off.id().to_string();
    let skipped = |reason: &str| {
        Ok(Change::Skipped {
            action: id.clone(),
            reason: reason.to_string(),
        })
    };
    let mut stmt = tx.prepare_cached(
        "SELECT id FROM actions
         WHERE member_id = ?1 AND deleted_at IS NULL AND owner = 'member'
           AND id >= ?2 AND id < ?2 || 'g'
         LIMIT 2",
    )?;
    let found = stmt
        .query_map(rusqlite::params![answered.member.id, id], |r| {
            r.get::<_, String>(0)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let action = match found.as_slice() {
        [one] => action::get(tx, one)?,
        [] => return skipped("not one of your open or done actions"),
        _ => return skipped("matches more than one of your actions: type more of its id"),
    };
    let done = matches!(check_off, CheckOff::Done(_));
    if action.done_at.is_some() == done {
        return skipped(if done {
            "already done"
        } else {
            "not done, so not reopened"
        });
    }
    if apply {
        let by = done.then_some(answered.member.id.as_str());
        let reply = done.then_some(reply_id);
        action::check_off(
            tx,
            &action,
            done.then_some(at.max(action.created_at)),
            by,
            reply,
        )?;
    }
    let (action, body) = (action.short_id, action.body);
    Ok(if done {
        Change::Done { action, body }
    } else {
        Change::Reopened { action, body }
    })
}

// ---------------------------------------------------------------------------
// What came from replies

/// A reply taken in, with what it wrote: `session show` lists them.
#[derive(Debug, Clone, Serialize)]
pub struct ReplyRecord {
    pub id: String,
    /// The reply's Message-ID.
    pub message_id: String,
    /// Which email it answered: `agenda` or `recap` (a recap's reply is
    /// its acknowledgement).
    pub answers: Kind,
    /// The reply's date.
    pub sent_at: DateTime<Utc>,
    /// The member who wrote it.
    pub author: String,
    /// Short ids of the notes (topics) it added that still exist.
    pub notes: Vec<String>,
    /// Short ids of the actions it checked off that are still done by it.
    pub done: Vec<String>,
}

/// The replies taken in for a session, oldest first.
pub fn replies_of(tx: &Tx<'_>, session_id: &str) -> Result<Vec<ReplyRecord>> {
    let mut stmt = tx.prepare_cached(
        "SELECT r.id, r.message_id, r.kind, r.sent_at, m.name
         FROM replies r JOIN members m ON m.id = r.author
         WHERE r.session_id = ?1 AND r.deleted_at IS NULL
         ORDER BY r.sent_at, r.id",
    )?;
    let rows = stmt
        .query_map([session_id], |r| {
            Ok(ReplyRecord {
                id: r.get(0)?,
                message_id: r.get(1)?,
                answers: r.get(2)?,
                sent_at: crate::store::time_at(r, 3)?,
                author: r.get(4)?,
                notes: Vec::new(),
                done: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|mut reply| {
            let notes = note::ids_from_reply(tx, session_id, &reply.id)?;
            let done = action::ids_from_reply(tx, &reply.id)?;
            reply.notes = short_ids(tx, "notes", &notes)?;
            reply.done = short_ids(tx, "actions", &done)?;
            Ok(reply)
        })
        .collect()
}

fn short_ids(tx: &Tx<'_>, table: &'static str, ids: &[String]) -> Result<Vec<String>> {
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    tx.short_ids(table, &ids)
}

/// When the session's recap was first acknowledged (answered), if it was.
pub fn recap_acknowledged(tx: &Tx<'_>, session_id: &str) -> Result<Option<DateTime<Utc>>> {
    let at: Option<String> = tx
        .prepare_cached(
            "SELECT min(sent_at) FROM replies
             WHERE session_id = ?1 AND kind = 'recap' AND deleted_at IS NULL",
        )?
        .query_row([session_id], |r| r.get(0))?;
    at.map(|at| when::from_storage(&at)).transpose()
}

/// Where the recap of a session stands, for `coach team`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RecapState {
    /// Not sent (yet).
    NotSent,
    /// Sent, not answered.
    Sent,
    /// The member replied to it.
    Acknowledged,
}

impl RecapState {
    /// `not-sent`, `sent` or `acknowledged`.
    pub fn as_str(self) -> &'static str {
        match self {
            RecapState::NotSent => "not-sent",
            RecapState::Sent => "sent",
            RecapState::Acknowledged => "acknowledged",
        }
    }
}

/// Where the recap of `session_id` stands: two index seeks.
pub fn recap_state(tx: &Tx<'_>, session_id: &str) -> Result<RecapState> {
    let (acknowledged, sent): (Option<i64>, Option<i64>) = tx
        .prepare_cached(
            "SELECT (SELECT 1 FROM replies WHERE session_id = ?1 AND kind = 'recap'
                       AND deleted_at IS NULL LIMIT 1),
                    (SELECT 1 FROM shares WHERE session_id = ?1 AND kind = 'recap'
                       AND outcome = 'sent' AND deleted_at IS NULL LIMIT 1)",
        )?
        .query_row([session_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(match (acknowledged, sent) {
        (Some(_), _) => RecapState::Acknowledged,
        (None, Some(_)) => RecapState::Sent,
        (None, None) => RecapState::NotSent,
    })
}

// ---------------------------------------------------------------------------
// Where messages come from

/// Reads at most [`MAX_MESSAGE`] bytes of `reader`: a larger message is
/// refused with its reason, and the rest is not read.
fn bounded(reader: impl Read) -> io::Result<std::result::Result<Vec<u8>, String>> {
    let mut bytes = Vec::new();
    reader.take(MAX_MESSAGE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_MESSAGE {
        return Ok(Err(too_large()));
    }
    Ok(Ok(bytes))
}

fn too_large() -> String {
    format!(
        "it is larger than {} MiB, more than any reply",
        MAX_MESSAGE >> 20
    )
}

/// A message file (`-`: standard input). A file that cannot be read is an
/// error of the command (nothing is taken in), as for any file named.
pub fn read_file(path: &Path) -> Result<Incoming> {
    let source = path.display().to_string();
    let bytes = if path == Path::new("-") {
        bounded(io::stdin().lock()).map_err(|e| Error::io("cannot read standard input", e))?
    } else {
        let file = crate::input::open_regular(path)?;
        bounded(file).map_err(|e| Error::io(format!("cannot read {source}"), e))?
    };
    Ok(Incoming { source, bytes })
}

/// The messages of an mbox file, one at a time: each starts at a line
/// `From ` and `>From ` lines are unescaped (mboxrd). A message over
/// [`MAX_MESSAGE`] is refused without being kept in memory.
pub struct Mbox {
    reader: io::BufReader<fs::File>,
    source: String,
    count: usize,
    /// Whether the separator of the next message was already read.
    at_message: bool,
}

impl Mbox {
    /// Opens `path` as an mbox.
    pub fn open(path: &Path) -> Result<Mbox> {
        Ok(Mbox {
            reader: io::BufReader::new(crate::input::open_regular(path)?),
            source: path.display().to_string(),
            count: 0,
            at_message: false,
        })
    }

    /// Reads one line, bounded: a line longer than a message is cut.
    fn line(&mut self, line: &mut Vec<u8>) -> io::Result<usize> {
        line.clear();
        (&mut self.reader)
            .take(MAX_MESSAGE + 1)
            .read_until(b'\n', line)
    }
}

impl Iterator for Mbox {
    type Item = Result<Incoming>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut line = Vec::new();
        // Find the first separator, unless the previous call already did.
        if !self.at_message {
            loop {
                match self.line(&mut line) {
                    Ok(0) => return None,
                    Ok(_) if line.starts_with(b"From ") => break,
                    Ok(_) => continue,
                    Err(e) => {
                        return Some(Err(Error::io(format!("cannot read {}", self.source), e)))
                    }
                }
            }
        }
        self.at_message = false;
        self.count += 1;
        let source = format!("{}#{}", self.source, self.count);
        let mut message: Vec<u8> = Vec::new();
        let mut over = false;
        loop {
            match self.line(&mut line) {
                Ok(0) => break,
                Ok(_) if line.starts_with(b"From ") => {
                    self.at_message = true;
                    break;
                }
                Ok(_) => {
                    let unescaped = match line.iter().position(|&b| b != b'>') {
                        Some(i) if i > 0 && line[i..].starts_with(b"From ") => &line[1..],
                        _ => &line[..],
                    };
                    if message.len() as u64 + unescaped.len() as u64 > MAX_MESSAGE {
                        over = true;
                        message = Vec::new();
                    }
                    if !over {
                        message.extend_from_slice(unescaped);
                    }
                }
                Err(e) => return Some(Err(Error::io(format!("cannot read {}", self.source), e))),
            }
        }
        let bytes = if over { Err(too_large()) } else { Ok(message) };
        Some(Ok(Incoming { source, bytes }))
    }
}

/// A Maildir: messages are delivered into `new/`; once read, a mail tool
/// moves each into `cur/`, its name ending in `:2,` and its flags in ASCII
/// order (`S` seen, `F` flagged). That is all `coach inbox --maildir`
/// needs, so it is done here with std::fs rather than with a crate.
pub struct Maildir {
    root: PathBuf,
}

/// Where a message goes once taken: seen, or flagged for the coach to look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flag {
    /// `S`: taken in or ignored.
    Seen,
    /// `F`: refused, left for the coach (never deleted).
    Flagged,
}

/// The setting naming the Maildir replies are delivered to: what `coach
/// inbox` reads when given nothing else, and what `coach status` counts.
pub const MAILDIR: &str = "inbox.maildir";

/// The Maildir `inbox.maildir` names, as set and as a path (a leading `~/`
/// is the home folder), when it is set.
pub fn configured_maildir(tx: &Tx<'_>) -> Result<Option<(String, PathBuf)>> {
    Ok(crate::config::get(tx, MAILDIR)?.map(|setting| {
        let path = match (setting.strip_prefix("~/"), std::env::var_os("HOME")) {
            (Some(rest), Some(home)) => Path::new(&home).join(rest),
            _ => PathBuf::from(&setting),
        };
        (setting, path)
    }))
}

impl Maildir {
    /// The Maildir at `root`, which must hold `new/` and `cur/`.
    pub fn open(root: &Path) -> Result<Maildir> {
        for sub in ["new", "cur"] {
            if !root.join(sub).is_dir() {
                return Err(Error::input(format!(
                    "{} is not a Maildir: it has no {sub}/ folder",
                    root.display()
                ))
                .with_hint(
                    "a Maildir holds cur/, new/ and tmp/, as mbsync, fetchmail or getmail make it",
                ));
            }
        }
        Ok(Maildir {
            root: root.to_path_buf(),
        })
    }

    /// The files in `new/`, in name order (delivery order for the usual
    /// `time.unique.host` names); hidden files are skipped.
    pub fn new_messages(&self) -> Result<Vec<PathBuf>> {
        let dir = self.root.join("new");
        let read = |e| Error::io(format!("cannot list {}", dir.display()), e);
        let mut paths = Vec::new();
        for entry in fs::read_dir(&dir).map_err(read)? {
            let entry = entry.map_err(read)?;
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            if !hidden && entry.file_type().map_err(read)?.is_file() {
                paths.push(entry.path());
            }
        }
        paths.sort();
        Ok(paths)
    }

    /// Moves a message of `new/` into `cur/` with `flag`, keeping its
    /// unique name (the part before any `:2,` it already has).
    pub fn file(&self, path: &Path, flag: Flag) -> Result<PathBuf> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let unique = name.split_once(":2,").map_or(name.as_str(), |(u, _)| u);
        let flags = match flag {
            Flag::Seen => "S",
            Flag::Flagged => "F",
        };
        let target = self.root.join("cur").join(format!("{unique}:2,{flags}"));
        fs::rename(path, &target).map_err(|e| {
            Error::io(
                format!("cannot move {} to {}", path.display(), target.display()),
                e,
            )
        })?;
        Ok(target)
    }
}
