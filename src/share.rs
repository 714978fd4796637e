//! Sharing a session with its team member: the agenda before the 1:1 and
//! the recap after it, and the log of every send.
//!
//! # A send is a claim and a recorded outcome
//!
//! Sending mail takes seconds (or a timeout), and the database's write lock
//! must never be held across the network. So a send is:
//!
//! 1. **the claim** ([`claim`], one IMMEDIATE write transaction): check that
//!    the session still needs this email and that no other process is
//!    sending it, build the message from the member's view, and insert a
//!    `shares` row with outcome `sending`. A unique index on
//!    `(session_id, kind) WHERE outcome = 'sending'` makes a second claim
//!    impossible, whatever the timing;
//! 2. **the send**, outside any transaction;
//! 3. **the outcome** ([`record`], a second write transaction): the row
//!    becomes `sent` (and the session's status moves on) or `failed` with
//!    the reason, which releases the claim: the session stays pending and
//!    the next run retries it.
//!
//! Nothing half-written is ever visible as sent: until step 3 commits, the
//! send shows as `sending`, never `sent`. A process that dies between 1 and
//! 3 leaves a `sending` row, which names its process ([`claim::claimant`]: pid and
//! host). The next run marks it `failed` and claims the work again: at once
//! when that process is gone from this host, else after the setting
//! `mail.claim-timeout` (minutes). (If the process died after the server
//! accepted the message but before step 3, that recap goes out twice: one
//! duplicate per fault, and a duplicate beats a recap never sent.)

use std::path::Path;

use chrono::{DateTime, Utc};
use lettre::Message;
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::claim;
pub use crate::claim::{Outcome, CLAIM_TIMEOUT, MAX_ATTEMPTS};
use crate::config::{MailTransport, Settings};
use crate::invite::{self, Method};
use crate::mail::{
    self, Address, CalendarPart, MailAttachment, OutgoingMail, SmtpSettings, Transport,
};
use crate::note::SharedNote;
use crate::render::markdown::{self, Flavour, NotAttached};
use crate::render::task_list::TaskList;
use crate::render::{html, text};
use crate::session::{self, MemberRef, Session};
use crate::store::{new_id, opt_time_at, stored_enum, time_at, ShortIds, Store, Tx};
use crate::view;
use crate::{when, Error, Result};

/// The environment variable that holds the SMTP password.
pub const PASSWORD_ENV: &str = "COACH_SMTP_PASSWORD";

/// Which email: the agenda or the recap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Agenda,
    Recap,
}

impl Kind {
    /// The flavour of email it is rendered as.
    pub fn flavour(self) -> Flavour {
        match self {
            Kind::Agenda => Flavour::Agenda,
            Kind::Recap => Flavour::Recap,
        }
    }
}

stored_enum!(Kind, "share kind", {
    Agenda => "agenda",
    Recap => "recap",
});

/// One send of an agenda or a recap, as `share log` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Share {
    pub id: String,
    pub short_id: String,
    pub session: SessionRef,
    pub kind: Kind,
    /// Every recipient address: the member, then the coach when Cc'd.
    pub recipients: Vec<String>,
    /// `outbox`, `smtp` or `sendmail`.
    pub transport: String,
    /// Without angle brackets.
    pub message_id: String,
    /// For a recap, the Message-ID of the agenda it answers.
    pub in_reply_to: Option<String>,
    pub outcome: Outcome,
    /// For a failure: whether it may go away by itself (server down, 4xx).
    pub temporary: bool,
    /// Sent: the server's answer, the `.eml` path or the sendmail program.
    /// Failed: the reason.
    pub detail: Option<String>,
    /// When the send started.
    pub created_at: DateTime<Utc>,
    /// When its outcome was recorded.
    pub finished_at: Option<DateTime<Utc>>,
}

/// The session a send belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct SessionRef {
    pub id: String,
    pub short_id: String,
    pub title: String,
    pub date: DateTime<Utc>,
    pub member: MemberRef,
}

impl SessionRef {
    /// The reference to `session`.
    pub fn of(session: &Session) -> SessionRef {
        SessionRef {
            id: session.id.clone(),
            short_id: session.short_id.clone(),
            title: session.title.clone(),
            date: session.date,
            member: session.member.clone(),
        }
    }
}

/// A file of the session, stored as `attachments/<sha256>` beside the database.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// The attachment's id.
    pub id: String,
    pub name: String,
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
}

/// What the member receives, before it is addressed: subject, both parts,
/// and which files go along.
#[derive(Debug, Clone)]
pub struct Composed {
    pub kind: Kind,
    pub session: Session,
    pub subject: String,
    /// The one document both parts are rendered from.
    pub markdown: String,
    /// The summary line mail clients show after the subject (hidden at the
    /// top of the HTML part).
    pub preheader: String,
    /// The plain-text part, rendered from `markdown`.
    pub text: String,
    /// The HTML part, rendered from `markdown`.
    pub html: String,
    /// The shared talking points as plain text: the calendar invite's
    /// description (the member's view only, like everything here).
    pub talking_points: String,
    /// The zone the email shows its times in: the member's.
    pub zone: chrono_tz::Tz,
    /// Files attached, within `mail.max-attachments-size` together.
    pub attached: Vec<StoredFile>,
    /// Files over the cap, listed by name in the message instead.
    pub not_attached: Vec<StoredFile>,
}

/// A message ready to send.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub composed: Composed,
    pub message: Message,
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub recipients: Vec<String>,
    /// The calendar invite an agenda carries.
    pub event: Option<invite::Event>,
}

/// The subject line, one for the agenda and the recap of a session so
/// that mail clients thread them: `1:1 with Alex Kim: Weekly check-in, 3 Dec 2026`.
pub fn subject(session: &Session, zone: &chrono_tz::Tz) -> String {
    format!(
        "1:1 with {}: {}, {}",
        session.member.name,
        session.title,
        when::display_day(session.date, zone)
    )
}

/// What the member receives of `session` as the `kind` email, built from
/// the member's view (never the coach's) by the one Markdown renderer, in
/// the member's time zone.
pub fn compose(tx: &Tx<'_>, session: Session, kind: Kind) -> Result<Composed> {
    let draft = draft(tx, session, kind)?;
    let (html, text) = html::email_parts(
        &draft.subject,
        &draft.preheader,
        &draft.markdown,
        &draft.task_lists,
    );
    let talking_points = talking_points(&draft.notes);
    Ok(Composed {
        kind,
        session: draft.session,
        subject: draft.subject,
        talking_points,
        text,
        markdown: draft.markdown,
        preheader: draft.preheader,
        html,
        zone: draft.zone,
        attached: draft.attached,
        not_attached: draft.not_attached,
    })
}

/// One format of the email [`compose`] makes, alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Html,
    Text,
    Markdown,
}

/// The `part` of what [`compose`] makes of `session`, and the session:
/// for `session show --format`, which shows one part, without rendering
/// the other (the plain text was a tenth of the HTML view).
pub fn compose_part(
    tx: &Tx<'_>,
    session: Session,
    kind: Kind,
    part: Part,
) -> Result<(Session, String)> {
    let draft = draft(tx, session, kind)?;
    let document = match part {
        Part::Html => html::email_document(
            &draft.subject,
            &draft.preheader,
            &draft.markdown,
            &draft.task_lists,
        ),
        Part::Text => text::email_plain(&draft.markdown, &draft.task_lists),
        Part::Markdown => draft.markdown,
    };
    Ok((draft.session, document))
}

/// What both [`compose`] and [`compose_part`] start from: the member's
/// view rendered as Markdown, and what goes along.
struct Draft {
    session: Session,
    subject: String,
    markdown: String,
    /// The task lists in `markdown`.
    task_lists: Vec<TaskList>,
    preheader: String,
    notes: Vec<SharedNote>,
    zone: chrono_tz::Tz,
    attached: Vec<StoredFile>,
    not_attached: Vec<StoredFile>,
}

fn draft(tx: &Tx<'_>, session: Session, kind: Kind) -> Result<Draft> {
    let files = attachments_of(tx, &session.id)?;
    let cap = Settings::of(tx)?.max_attachments_size()?;
    let (attached, not_attached) = within_cap(files, cap);
    let zone = crate::member::zone_of(tx, &session.member.id)?;
    // The email prints no short id but those of the member's actions.
    let view = view::session_view::<SharedNote>(tx, session, ShortIds::MemberActions)?;
    let listed: Vec<NotAttached> = not_attached
        .iter()
        .map(|f| NotAttached {
            id: f.id.clone(),
            name: f.name.clone(),
            size: f.size,
        })
        .collect();
    let setting = markdown::Setting {
        zone,
        now: tx.now(),
        not_attached: &listed,
        cap,
    };
    let rendered = markdown::render(&view, kind.flavour(), &setting)?;
    let subject = subject(&view.session, &zone);
    Ok(Draft {
        session: view.session,
        subject,
        markdown: rendered.markdown,
        task_lists: rendered.task_lists,
        preheader: rendered.preheader,
        notes: view.notes,
        zone,
        attached,
        not_attached,
    })
}

/// The shared notes block as plain text, one talking point after the
/// other, each by the member saying so.
fn talking_points(notes: &[SharedNote]) -> String {
    notes
        .iter()
        .map(|note| {
            let body = text::plain(&note.body).trim().to_string();
            match note.author.role {
                crate::note::Role::Member => format!("{}:\n{body}", note.author.name),
                crate::note::Role::Coach => body,
            }
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The session's files, in the order they were added.
fn attachments_of(tx: &Tx<'_>, session_id: &str) -> Result<Vec<StoredFile>> {
    let mut stmt = tx.prepare_cached(
        "SELECT id, name, sha256, size, media_type FROM attachments
         WHERE session_id = ?1 AND deleted_at IS NULL
         ORDER BY created_at, id",
    )?;
    let rows = stmt.query_map([session_id], |r| {
        Ok(StoredFile {
            id: r.get(0)?,
            name: r.get(1)?,
            sha256: r.get(2)?,
            size: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(u64::MAX),
            media_type: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Splits files into those attached (in order, each one that still fits
/// under `cap` together with the ones before) and those only listed.
fn within_cap(files: Vec<StoredFile>, cap: u64) -> (Vec<StoredFile>, Vec<StoredFile>) {
    let mut total: u64 = 0;
    let mut attached = Vec::new();
    let mut listed = Vec::new();
    for file in files {
        match total.checked_add(file.size) {
            Some(sum) if sum <= cap => {
                total = sum;
                attached.push(file);
            }
            _ => listed.push(file),
        }
    }
    (attached, listed)
}

/// Composes and addresses the `kind` email of `session`: From the coach,
/// To the member, Reply-To the coach, Cc the coach with `mail.cc-me`, a
/// recap In-Reply-To its agenda, the files read from `folder/attachments`.
///
/// Input errors, before anything is sent or recorded: no `user.name` or
/// `user.email`, a member without an email, a missing or changed file, a
/// header that would not be a single line (a name or title with a line
/// break, from a database edited by hand).
pub fn prepare(tx: &Tx<'_>, session: Session, kind: Kind, folder: &Path) -> Result<Prepared> {
    let coach = coach_address(tx)?;
    let member_email = session.member.email.clone().ok_or_else(|| {
        Error::input(format!(
            "{} has no email address, so the {} cannot be sent",
            session.member.name,
            kind.as_str()
        ))
        .with_hint(format!(
            "add one with: coach member edit \"{}\" --email ADDRESS",
            session.member.name
        ))
    })?;
    let to = Address::new(session.member.name.clone(), member_email);
    let cc = if Settings::of(tx)?.cc_me()? {
        vec![coach.clone()]
    } else {
        Vec::new()
    };
    let in_reply_to = match kind {
        Kind::Recap => last_sent(tx, &session.id, Kind::Agenda)?.map(|s| s.message_id),
        Kind::Agenda => None,
    };
    let composed = compose(tx, session, kind)?;
    let event = match kind {
        Kind::Agenda => Some(event_of(tx, &composed, &coach, &to)?),
        Kind::Recap => None,
    };
    let attachments = composed
        .attached
        .iter()
        .map(|file| read_stored_file(folder, file))
        .collect::<Result<Vec<_>>>()?;
    let message_id = mail::new_message_id(&coach.email);
    let recipients: Vec<String> = std::iter::once(&to)
        .chain(&cc)
        .map(|a| a.email.trim().to_string())
        .collect();
    let outgoing = OutgoingMail {
        from: coach.clone(),
        to: vec![to],
        cc,
        reply_to: Some(coach),
        subject: composed.subject.clone(),
        text: composed.text.clone(),
        html: composed.html.clone(),
        attachments,
        calendar: event.as_ref().map(|event| CalendarPart {
            method: Method::Request.as_str(),
            ics: invite::calendar(event, Method::Request, tx.now()),
        }),
        message_id: message_id.clone(),
        in_reply_to: in_reply_to.clone(),
    };
    let message = mail::build_message(&outgoing)?;
    Ok(Prepared {
        composed,
        message,
        message_id,
        in_reply_to,
        recipients,
        event,
    })
}

/// The calendar event of an agenda: the session's time and
/// `session.duration`, the coach inviting the member, the talking points
/// as its description; the SEQUENCE one more than the last invite sent
/// when the time has changed since.
fn event_of(
    tx: &Tx<'_>,
    composed: &Composed,
    coach: &Address,
    member: &Address,
) -> Result<invite::Event> {
    let start = composed.session.date;
    Ok(invite::Event {
        uid: invite::uid(&composed.session.id),
        sequence: invite::next_sequence(last_invite(tx, &composed.session.id)?, start),
        start,
        minutes: Settings::of(tx)?.session_minutes()?,
        summary: composed.session.title.clone(),
        description: composed.talking_points.clone(),
        organizer: coach.clone(),
        attendee: member.clone(),
    })
}

/// The start and SEQUENCE of the last calendar invite sent for a session
/// (with its agenda), if any.
pub fn last_invite(tx: &Tx<'_>, session_id: &str) -> Result<Option<(DateTime<Utc>, u32)>> {
    let row: Option<(String, i64)> = tx
        .prepare_cached(
            "SELECT event_start, event_sequence FROM shares
             WHERE session_id = ?1 AND kind = 'agenda' AND outcome = 'sent'
               AND event_start IS NOT NULL AND event_sequence IS NOT NULL
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )?
        .query_row([session_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(start, sequence)| {
        Ok((
            when::from_storage(&start)?,
            u32::try_from(sequence).unwrap_or(0),
        ))
    })
    .transpose()
}

/// The cancellation of a session's calendar invite, ready to send: the
/// same event (UID) with METHOD:CANCEL and the next SEQUENCE, in a short
/// email that answers the agenda. `None` when no invite was sent.
pub fn prepare_cancellation(tx: &Tx<'_>, session: &Session) -> Result<Option<Message>> {
    let Some((start, sequence)) = last_invite(tx, &session.id)? else {
        return Ok(None);
    };
    let coach = coach_address(tx)?;
    let Some(email) = session.member.email.clone() else {
        return Ok(None);
    };
    let to = Address::new(session.member.name.clone(), email);
    let zone = crate::member::zone_of(tx, &session.member.id)?;
    let subject = format!("Cancelled: {}", subject(session, &zone));
    let said = format!(
        "The 1:1 \"{}\" on {} is cancelled: your calendar can remove it.",
        session.title,
        when::display_long(start, &zone)
    );
    let md = markdown::cancellation(&session.title, &said, &coach.name);
    let (html, text) = html::email_parts(&subject, &said, &md, &[]);
    let event = invite::Event {
        uid: invite::uid(&session.id),
        sequence: sequence.saturating_add(1),
        start,
        minutes: Settings::of(tx)?.session_minutes()?,
        summary: session.title.clone(),
        description: String::new(),
        organizer: coach.clone(),
        attendee: to.clone(),
    };
    let outgoing = OutgoingMail {
        from: coach.clone(),
        to: vec![to],
        cc: Vec::new(),
        reply_to: Some(coach.clone()),
        subject: subject.clone(),
        text,
        html,
        attachments: Vec::new(),
        calendar: Some(CalendarPart {
            method: Method::Cancel.as_str(),
            ics: invite::calendar(&event, Method::Cancel, tx.now()),
        }),
        message_id: mail::new_message_id(&coach.email),
        in_reply_to: last_sent(tx, &session.id, Kind::Agenda)?.map(|s| s.message_id),
    };
    Ok(Some(mail::build_message(&outgoing)?))
}

pub(crate) fn coach_address(tx: &Tx<'_>) -> Result<Address> {
    let settings = Settings::of(tx)?;
    match (settings.user_name()?, settings.user_email()?) {
        (Some(name), Some(email)) => Ok(Address::new(name, email)),
        _ => Err(Error::input(
            "your name and email are not set, and they are the sender of every agenda and recap",
        )
        .with_hint("coach init --name \"Your Name\" --email you@example.com")),
    }
}

/// The bytes of a session's file, checked against its sha256.
fn read_stored_file(folder: &Path, file: &StoredFile) -> Result<MailAttachment> {
    let hint = "restore the file, or remove the attachment from the session";
    let valid_name = file.sha256.len() == 64 && file.sha256.chars().all(|c| c.is_ascii_hexdigit());
    if !valid_name {
        return Err(Error::input(format!(
            "the attachment {} has an invalid checksum in the database",
            file.name.escape_debug()
        ))
        .with_hint(hint));
    }
    let path = folder
        .join("attachments")
        .join(file.sha256.to_ascii_lowercase());
    let bytes = std::fs::read(&path).map_err(|e| {
        Error::io(
            format!(
                "cannot read the attachment {} ({})",
                file.name.escape_debug(),
                path.display()
            ),
            e,
        )
        .with_hint(hint)
    })?;
    let digest = format!("{:x}", Sha256::digest(&bytes));
    if !digest.eq_ignore_ascii_case(&file.sha256) {
        return Err(Error::input(format!(
            "the attachment {} has changed on disk since it was added ({})",
            file.name.escape_debug(),
            path.display()
        ))
        .with_hint(hint));
    }
    Ok(MailAttachment {
        filename: file.name.clone(),
        content_type: file.media_type.clone(),
        bytes,
    })
}

// ---------------------------------------------------------------------------
// Settings

/// How mail leaves this machine, from the `mail.*` settings.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub transport: Transport,
    password_command: Option<String>,
}

impl MailSettings {
    /// `outbox`, `smtp` or `sendmail`.
    pub fn transport_name(&self) -> &'static str {
        match self.transport {
            Transport::Outbox { .. } => "outbox",
            Transport::Smtp(_) => "smtp",
            Transport::Sendmail { .. } => "sendmail",
        }
    }

    /// Fetches the SMTP password when a login is configured: from
    /// `COACH_SMTP_PASSWORD`, else by running `mail.smtp.password-command`.
    /// Called once, and only when something is about to be sent.
    pub fn unlock(&mut self) -> Result<()> {
        let Transport::Smtp(smtp) = &mut self.transport else {
            return Ok(());
        };
        if smtp.username.is_none() || smtp.password.is_some() {
            return Ok(());
        }
        if let Some(password) = std::env::var(PASSWORD_ENV).ok().filter(|p| !p.is_empty()) {
            smtp.password = Some(password);
            return Ok(());
        }
        match &self.password_command {
            Some(command) => {
                smtp.password = Some(mail::password_from_command(command)?);
                Ok(())
            }
            None => Err(Error::input(format!(
                "mail.smtp.username is set to {} but there is no password",
                smtp.username.as_deref().unwrap_or_default()
            ))
            .with_hint(
                "set COACH_SMTP_PASSWORD, or mail.smtp.password-command to a command that prints it",
            )),
        }
    }
}

/// Reads the `mail.*` settings. The outbox is `folder/outbox`.
pub fn mail_settings(tx: &Tx<'_>, folder: &Path) -> Result<MailSettings> {
    let settings = Settings::of(tx)?;
    let transport = match settings.mail_transport()? {
        MailTransport::Smtp => {
            let host = settings.smtp_host()?.ok_or_else(|| {
                Error::input("mail.transport is smtp, but mail.smtp.host is not set")
                    .with_hint("coach config set mail.smtp.host smtp.example.com")
            })?;
            Transport::Smtp(SmtpSettings {
                host,
                port: settings.smtp_port()?,
                tls: settings.smtp_tls()?,
                ca_file: settings.smtp_ca_file()?,
                timeout: settings.smtp_timeout()?,
                username: settings.smtp_username()?,
                password: None,
            })
        }
        MailTransport::Sendmail => Transport::Sendmail {
            path: settings.sendmail_path()?,
        },
        MailTransport::Outbox => Transport::Outbox {
            dir: folder.join("outbox"),
        },
    };
    Ok(MailSettings {
        transport,
        password_command: settings.smtp_password_command()?,
    })
}

// ---------------------------------------------------------------------------
// The share log

const SELECT: &str = "SELECT sh.id, sh.kind, sh.recipients, sh.transport, sh.message_id,
            sh.in_reply_to, sh.outcome, sh.temporary, sh.detail, sh.created_at, sh.finished_at,
            s.id, s.title, s.held_at, m.id, m.name, m.email
     FROM shares sh
     JOIN sessions s ON s.id = sh.session_id
     JOIN members m ON m.id = s.member_id";

/// The most recent successful send of `kind` for a session.
pub fn last_sent(tx: &Tx<'_>, session_id: &str, kind: Kind) -> Result<Option<Share>> {
    one(
        tx,
        &format!(
            "{SELECT} WHERE sh.session_id = ?1 AND sh.kind = ?2 AND sh.outcome = 'sent'
               AND sh.deleted_at IS NULL
             ORDER BY sh.created_at DESC, sh.id DESC LIMIT 1"
        ),
        session_id,
        kind,
    )
}

/// The send of `kind` for a session that is in flight (claimed), if any.
fn in_flight(tx: &Tx<'_>, session_id: &str, kind: Kind) -> Result<Option<Share>> {
    one(
        tx,
        &format!(
            "{SELECT} WHERE sh.session_id = ?1 AND sh.kind = ?2 AND sh.outcome = 'sending'
               AND sh.deleted_at IS NULL"
        ),
        session_id,
        kind,
    )
}

fn one(tx: &Tx<'_>, sql: &str, session_id: &str, kind: Kind) -> Result<Option<Share>> {
    let mut stmt = tx.prepare_cached(sql)?;
    let share = stmt
        .query_row([session_id, kind.as_str()], from_row)
        .optional()?;
    share.map(|s| with_short_ids(tx, s)).transpose()
}

/// The share with this full id.
pub fn get(tx: &Tx<'_>, id: &str) -> Result<Share> {
    let mut stmt = tx.prepare_cached(&format!("{SELECT} WHERE sh.id = ?1"))?;
    let share = stmt
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::internal(format!("no send has the id {id}")))?;
    with_short_ids(tx, share)
}

/// The send whose message had this Message-ID (without angle brackets),
/// whatever its outcome: the email a reply answers.
pub fn by_message_id(tx: &Tx<'_>, message_id: &str) -> Result<Option<Share>> {
    let mut stmt = tx.prepare_cached(&format!(
        "{SELECT} WHERE sh.message_id = ?1 AND sh.deleted_at IS NULL
         ORDER BY sh.created_at LIMIT 1"
    ))?;
    match stmt.query_row([message_id], from_row).optional()? {
        Some(share) => Ok(Some(with_short_ids(tx, share)?)),
        None => Ok(None),
    }
}

/// Every send, newest first: of one session, or of all; at most `limit`.
pub fn log(tx: &Tx<'_>, session_id: Option<&str>, limit: Option<usize>) -> Result<Vec<Share>> {
    let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
    let shares = match session_id {
        Some(id) => {
            let mut stmt = tx.prepare_cached(&format!(
                "{SELECT} WHERE sh.session_id = ?1 AND sh.deleted_at IS NULL
                 ORDER BY sh.created_at DESC, sh.id DESC LIMIT ?2"
            ))?;
            let rows = stmt.query_map(rusqlite::params![id, limit], from_row)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        }
        None => {
            let mut stmt = tx.prepare_cached(&format!(
                "{SELECT} WHERE sh.deleted_at IS NULL
                 ORDER BY sh.created_at DESC, sh.id DESC LIMIT ?1"
            ))?;
            let rows = stmt.query_map([limit], from_row)?;
            rows.collect::<rusqlite::Result<Vec<_>>>()?
        }
    };
    shares.into_iter().map(|s| with_short_ids(tx, s)).collect()
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Share> {
    let recipients: String = row.get(2)?;
    let recipients: Vec<String> = serde_json::from_str(&recipients).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(Share {
        id: row.get(0)?,
        short_id: String::new(),
        kind: row.get(1)?,
        recipients,
        transport: row.get(3)?,
        message_id: row.get(4)?,
        in_reply_to: row.get(5)?,
        outcome: row.get(6)?,
        temporary: row.get(7)?,
        detail: row.get(8)?,
        created_at: time_at(row, 9)?,
        finished_at: opt_time_at(row, 10)?,
        session: SessionRef {
            id: row.get(11)?,
            short_id: String::new(),
            title: row.get(12)?,
            date: time_at(row, 13)?,
            member: MemberRef {
                id: row.get(14)?,
                name: row.get(15)?,
                email: row.get(16)?,
            },
        },
    })
}

fn with_short_ids(tx: &Tx<'_>, mut share: Share) -> Result<Share> {
    share.short_id = tx.short_id("shares", &share.id)?;
    share.session.short_id = tx.short_id("sessions", &share.session.id)?;
    Ok(share)
}

// ---------------------------------------------------------------------------
// Claim, send, record

/// What [`claim`] found.
#[derive(Debug)]
pub enum Claim {
    /// The work is ours: the message and the `sending` row.
    Claimed(Box<Prepared>, Share),
    /// Already sent (and `resend` was not asked): the last send.
    AlreadySent(Share),
    /// Another process is sending it right now: its claim.
    Busy(Share),
}

/// Step 1 of a send (see the module documentation): in the caller's write
/// transaction, checks and claims the `kind` email of `session_id`.
///
/// An error (the member has no email, a header with a line break...)
/// leaves nothing claimed: the caller's transaction rolls back.
pub fn claim(
    tx: &Tx<'_>,
    session_id: &str,
    kind: Kind,
    resend: bool,
    transport: &str,
    folder: &Path,
) -> Result<Claim> {
    let session = session::get(tx, session_id)?;
    if !resend {
        if let Some(sent) = last_sent(tx, &session.id, kind)? {
            return Ok(Claim::AlreadySent(sent));
        }
    }
    if let Some(busy) = claim::take_over_if_stale(tx, in_flight(tx, &session.id, kind)?)? {
        return Ok(Claim::Busy(busy));
    }
    let prepared = prepare(tx, session, kind, folder)?;
    let id = new_id();
    let now = tx.now_text();
    let recipients = serde_json::to_string(&prepared.recipients)?;
    tx.prepare_cached(
        "INSERT INTO shares (id, session_id, kind, recipients, transport, message_id,
                             in_reply_to, outcome, detail, author, created_at, updated_at,
                             event_start, event_sequence)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'sending', ?8, ?9, ?10, ?10, ?11, ?12)",
    )?
    .execute(rusqlite::params![
        id,
        session_id,
        kind.as_str(),
        recipients,
        transport,
        prepared.message_id,
        prepared.in_reply_to,
        claim::claimant(),
        tx.me(),
        now,
        prepared.event.as_ref().map(|e| when::to_storage(e.start)),
        prepared.event.as_ref().map(|e| e.sequence),
    ])?;
    let share = get(tx, &id)?;
    Ok(Claim::Claimed(Box::new(prepared), share))
}

/// Step 3 of a send: records the outcome of the claimed send `share_id`
/// and, when sent, moves the session's status on (draft -> agenda-shared
/// -> recap-sent; never back).
pub fn record(tx: &Tx<'_>, share_id: &str, result: &Result<mail::Sent>) -> Result<Share> {
    let share: Share = claim::record(tx, share_id, result)?;
    if share.outcome == Outcome::Sent {
        let sql = match share.kind {
            Kind::Agenda => {
                "UPDATE sessions SET status = 'agenda-shared', updated_at = ?2
                 WHERE id = ?1 AND status = 'draft'"
            }
            Kind::Recap => {
                "UPDATE sessions SET status = 'recap-sent', updated_at = ?2
                 WHERE id = ?1 AND status <> 'recap-sent'"
            }
        };
        tx.execute(sql, rusqlite::params![share.session.id, tx.now_text()])?;
    }
    Ok(share)
}

claim::attempt!(Share, "shares", "share", get: get, record: record);

/// How one send ended.
#[derive(Debug)]
pub enum Done {
    /// Sent; files over the cap were listed instead of attached.
    Sent {
        share: Share,
        not_attached: Vec<StoredFile>,
    },
    /// Already sent before; nothing sent now.
    AlreadySent(Share),
    /// Another process is sending it; nothing sent now.
    Busy(Share),
    /// The send failed and was recorded; the session stays pending.
    Failed { share: Share, error: Error },
}

/// Sends the `kind` email of `session_id`: claim, send, record (see the
/// module documentation). `settings` must have been [`MailSettings::unlock`]ed.
///
/// `Err` means nothing was claimed, sent or recorded (the email could not
/// be built, or the database is busy), except when recording the outcome
/// itself fails: then the error says whether the message went out.
pub fn send(
    store: &mut Store,
    session_id: &str,
    kind: Kind,
    resend: bool,
    settings: &MailSettings,
) -> Result<Done> {
    let folder = store.folder().to_path_buf();
    let claimed = store.write(|tx| {
        claim(
            tx,
            session_id,
            kind,
            resend,
            settings.transport_name(),
            &folder,
        )
    })?;
    let (prepared, share) = match claimed {
        Claim::AlreadySent(share) => return Ok(Done::AlreadySent(share)),
        Claim::Busy(share) => return Ok(Done::Busy(share)),
        Claim::Claimed(prepared, share) => (prepared, share),
    };
    let what = format!(
        "the {} of session {}",
        kind.as_str(),
        share.session.short_id
    );
    let (share, error) =
        claim::deliver(store, &share, &prepared.message, &settings.transport, &what)?;
    Ok(match error {
        None => Done::Sent {
            share,
            not_attached: prepared.composed.not_attached,
        },
        Some(error) => Done::Failed { share, error },
    })
}

// ---------------------------------------------------------------------------
// Pending recaps

/// Why `--pending` holds a recap or an agenda back (see [`claim::HeldBack`]).
pub type HeldBack = claim::HeldBack<Share>;

/// Whether `--pending` should hold back the `kind` email of `session_id`:
/// the history of its sends ends in a permanent failure, or in
/// `mail.max-attempts` temporary ones.
pub fn held_back(tx: &Tx<'_>, session_id: &str, kind: Kind) -> Result<Option<HeldBack>> {
    claim::held_back(tx, |limit| {
        let sql = format!(
            "{SELECT} WHERE sh.session_id = ?1 AND sh.kind = ?2 AND sh.outcome <> 'sending'
             ORDER BY sh.created_at DESC, sh.id DESC LIMIT ?3"
        );
        let mut stmt = tx.prepare_cached(&sql)?;
        let recent = stmt
            .query_map(
                rusqlite::params![session_id, kind.as_str(), limit],
                from_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(recent)
    })?
    .map(|held| held.try_map(|share| with_short_ids(tx, share)))
    .transpose()
}

/// What `share --pending` sends and what it holds back.
#[derive(Debug, Default)]
pub struct Due {
    /// To send, agendas first: they are for 1:1s still to come.
    pub send: Vec<(Session, Kind)>,
    /// Held back ([`held_back`]), unless `retry`.
    pub held: Vec<(Session, Kind, HeldBack)>,
}

/// The emails due: the agendas of sessions to come (unless
/// `recaps_only`) and the recaps of those held, minus those held back
/// unless `retry`.
pub fn due(tx: &Tx<'_>, filter: &PendingFilter, recaps_only: bool, retry: bool) -> Result<Due> {
    let agendas = match recaps_only {
        true => Vec::new(),
        false => pending_agendas(tx, filter.member_id.as_deref())?,
    };
    let recaps = pending_recaps(tx, filter)?;
    let mut due = Due::default();
    let candidates = agendas
        .into_iter()
        .map(|s| (s, Kind::Agenda))
        .chain(recaps.into_iter().map(|s| (s, Kind::Recap)));
    for (session, kind) in candidates {
        match held_back(tx, &session.id, kind)? {
            Some(why) if !retry => due.held.push((session, kind, why)),
            _ => due.send.push((session, kind)),
        }
    }
    Ok(due)
}

/// Which sessions `share --recap --pending` considers.
#[derive(Debug, Clone, Default)]
pub struct PendingFilter {
    /// Only sessions held before this instant (default: now).
    pub older_than: Option<DateTime<Utc>>,
    /// Only sessions held at or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Only this member's sessions.
    pub member_id: Option<String>,
}

/// Sessions whose date has passed and whose recap has not been sent,
/// oldest first; members who are archived are left out.
pub fn pending_recaps(tx: &Tx<'_>, filter: &PendingFilter) -> Result<Vec<Session>> {
    // "Whose date has passed": a later --older-than does not reach the future.
    let before = when::to_storage(filter.older_than.map_or(tx.now(), |t| t.min(tx.now())));
    let since = filter.since.map(when::to_storage);
    // The first three conditions are those of the index sessions_recap_pending.
    let mut stmt = tx.prepare_cached(
        "SELECT s.id FROM sessions s JOIN members m ON m.id = s.member_id
         WHERE s.status <> 'recap-sent' AND s.recap_skipped_at IS NULL AND s.deleted_at IS NULL
           AND s.held_at < ?1 AND (?2 IS NULL OR s.held_at >= ?2)
           AND (?3 IS NULL OR s.member_id = ?3)
           AND m.archived_at IS NULL AND m.deleted_at IS NULL
         ORDER BY s.held_at, s.id",
    )?;
    let ids = stmt
        .query_map(rusqlite::params![before, since, filter.member_id], |r| {
            r.get::<_, String>(0)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    ids.iter().map(|id| session::get(tx, id)).collect()
}

/// Sessions whose agenda failed to send and whose date has not passed
/// yet, soonest first: `share --pending` retries them (an agenda after the
/// 1:1 is no use). Sessions whose recap was skipped, or whose agenda or
/// recap went out since, are left out; so are archived members.
pub fn pending_agendas(tx: &Tx<'_>, member_id: Option<&str>) -> Result<Vec<Session>> {
    // Sessions to come are few: walked by date from now on (sessions_by_date).
    let mut stmt = tx.prepare_cached(
        "SELECT s.id FROM sessions s INDEXED BY sessions_by_date
         JOIN members m ON m.id = s.member_id
         WHERE s.held_at > ?1 AND s.deleted_at IS NULL AND s.status = 'draft'
           AND s.recap_skipped_at IS NULL
           AND (?2 IS NULL OR s.member_id = ?2)
           AND m.archived_at IS NULL AND m.deleted_at IS NULL
           AND EXISTS (SELECT 1 FROM shares sh
                       WHERE sh.session_id = s.id AND sh.kind = 'agenda'
                         AND sh.outcome = 'failed' AND sh.deleted_at IS NULL)
         ORDER BY s.held_at, s.id",
    )?;
    let ids = stmt
        .query_map(rusqlite::params![tx.now_text(), member_id], |r| {
            r.get::<_, String>(0)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    ids.iter().map(|id| session::get(tx, id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn file(name: &str, size: u64) -> StoredFile {
        StoredFile {
            id: name.into(),
            name: name.into(),
            sha256: "0".repeat(64),
            size,
            media_type: "application/pdf".into(),
        }
    }

    #[test]
    fn files_are_attached_in_order_while_they_fit() {
        let (attached, listed) = within_cap(
            vec![
                file("a", 6),
                file("b", 5),
                file("c", 4),
                file("d", u64::MAX),
            ],
            10,
        );
        let names = |files: &[StoredFile]| files.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&attached), ["a", "c"]);
        assert_eq!(names(&listed), ["b", "d"]);
    }

    /// The coach, and a member with an email.
    fn coach_and_member(tx: &Tx<'_>) -> Result<crate::member::Member> {
        crate::config::set(tx, "user.name", "Sam Lee")?;
        crate::config::set(tx, "user.email", "sam@example.com")?;
        crate::member::add(
            tx,
            crate::member::Fields {
                name: Some("Alex Kim".into()),
                email: Some("alex@example.com".into()),
                ..crate::member::Fields::default()
            },
        )
    }

    /// A database with a coach, a member with an email, and one session.
    fn world() -> (tempfile::TempDir, Store, String) {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join("coach.db"), false).expect("open");
        let id = store
            .write(|tx| {
                let member = coach_and_member(tx)?;
                Ok(session::create(tx, &member, Some("Weekly"), None)?.id)
            })
            .expect("world");
        (dir, store, id)
    }

    #[test]
    fn an_email_looks_up_only_the_short_ids_it_prints() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join("coach.db"), false).expect("open");
        let (theirs, mine, next) = store
            .write(|tx| {
                let member = coach_and_member(tx)?;
                let now = tx.now();
                let last = session::create(
                    tx,
                    &member,
                    Some("Weekly"),
                    Some(now - chrono::Duration::days(7)),
                )?;
                let theirs = crate::action::add(
                    tx,
                    &last,
                    "Read the playbook",
                    crate::action::Owner::Member,
                    None,
                )?;
                let mine = crate::action::add(
                    tx,
                    &last,
                    "Book the training",
                    crate::action::Owner::Coach,
                    None,
                )?;
                let next = session::create(
                    tx,
                    &member,
                    Some("Weekly"),
                    Some(now + chrono::Duration::days(1)),
                )?;
                crate::note::add(
                    tx,
                    &next,
                    "Talk about the queue",
                    crate::note::Visibility::Shared,
                    None,
                    None,
                )?;
                Ok((theirs, mine, next))
            })
            .expect("world");
        let (all, email, composed) = store
            .read(|tx| {
                Ok((
                    view::session_view::<SharedNote>(tx, next.clone(), ShortIds::All)?,
                    view::session_view::<SharedNote>(tx, next.clone(), ShortIds::MemberActions)?,
                    compose(tx, next.clone(), Kind::Agenda)?,
                ))
            })
            .expect("views");
        let short = |view: &view::MemberView, id: &str| {
            let action = view
                .carried_over
                .iter()
                .find(|a| a.id == id)
                .expect("carried over");
            action.short_id.clone()
        };
        assert!(theirs.id.starts_with(&short(&email, &theirs.id)));
        assert_eq!(short(&email, &theirs.id), short(&all, &theirs.id));
        assert_eq!(short(&email, &mine.id), "");
        assert!(!short(&all, &mine.id).is_empty());
        assert_eq!(email.notes[0].short_id, "");
        assert!(!all.notes[0].short_id.is_empty());
        let line = format!("- [ ] {} Read the playbook", short(&all, &theirs.id));
        assert!(composed.markdown.contains(&line), "{}", composed.markdown);
        assert!(composed.text.contains(&line), "{}", composed.text);
        assert!(composed.markdown.contains("- [ ] Book the training"));
    }

    #[test]
    fn a_claimed_send_cannot_be_claimed_again_until_its_outcome_is_recorded() {
        let (dir, mut store, session) = world();
        let claim_now = |store: &mut Store| {
            store.write(|tx| claim(tx, &session, Kind::Recap, false, "outbox", dir.path()))
        };
        let first = match claim_now(&mut store).expect("claim") {
            Claim::Claimed(_, share) => share,
            other => panic!("expected a claim, got {other:?}"),
        };
        assert_eq!(first.outcome, Outcome::Sending);
        assert!(matches!(claim_now(&mut store), Ok(Claim::Busy(s)) if s.id == first.id));
        // Even a resend waits for the send in flight.
        let resend = store.write(|tx| claim(tx, &session, Kind::Recap, true, "outbox", dir.path()));
        assert!(matches!(resend, Ok(Claim::Busy(_))));

        // A failure releases the claim; the next claim is a new send.
        let failed: Result<mail::Sent> = Err(Error::temporary("server down"));
        let recorded = store
            .write(|tx| record(tx, &first.id, &failed))
            .expect("record");
        assert_eq!(
            (recorded.outcome, recorded.temporary),
            (Outcome::Failed, true)
        );
        let second = match claim_now(&mut store).expect("claim") {
            Claim::Claimed(_, share) => share,
            other => panic!("expected a new claim, got {other:?}"),
        };
        assert_ne!(second.id, first.id);
        let sent: Result<mail::Sent> = Ok(mail::Sent {
            transport: "outbox",
            detail: "x.eml".into(),
        });
        store
            .write(|tx| record(tx, &second.id, &sent))
            .expect("record");
        assert!(matches!(claim_now(&mut store), Ok(Claim::AlreadySent(s)) if s.id == second.id));
        let status = store
            .read(|tx| Ok(session::get(tx, &session)?.status))
            .expect("status");
        assert_eq!(status, session::Status::RecapSent);

        // The index refuses a second 'sending' row whatever the code does.
        let third = store.write(|tx| claim(tx, &session, Kind::Recap, true, "outbox", dir.path()));
        assert!(matches!(third, Ok(Claim::Claimed(..))));
        let forced = store.write(|tx| {
            tx.prepare_cached(
                "INSERT INTO shares (id, session_id, kind, recipients, transport, message_id,
                                     outcome, author, created_at, updated_at)
                 VALUES ('ffff', ?1, 'recap', '[]', 'outbox', 'a@b', 'sending', 'me', 'x', 'x')",
            )?
            .execute([&session])?;
            Ok(())
        });
        assert!(forced.is_err());
    }

    #[test]
    fn an_agenda_never_moves_a_recap_sent_session_back() {
        let (_dir, mut store, session) = world();
        let sent: Result<mail::Sent> = Ok(mail::Sent {
            transport: "outbox",
            detail: "x.eml".into(),
        });
        for kind in [Kind::Recap, Kind::Agenda] {
            let share = match store
                .write(|tx| claim(tx, &session, kind, false, "outbox", Path::new(".")))
                .expect("claim")
            {
                Claim::Claimed(_, share) => share,
                other => panic!("{other:?}"),
            };
            store
                .write(|tx| record(tx, &share.id, &sent))
                .expect("record");
        }
        let status = store
            .read(|tx| Ok(session::get(tx, &session)?.status))
            .expect("status");
        assert_eq!(status, session::Status::RecapSent);
    }

    #[test]
    fn a_file_name_that_is_not_a_checksum_is_never_read() {
        let dir = tempfile::tempdir().expect("dir");
        let mut bad = file("x", 1);
        bad.sha256 = "../../etc/passwd".into();
        let err = read_stored_file(dir.path(), &bad).expect_err("refused");
        assert_eq!(err.kind(), ErrorKind::Input);
    }
}
