//! Mail: building messages and sending them.
//!
//! An agenda or a recap becomes an [`OutgoingMail`], which
//! [`build_message`] turns into a MIME message; [`send`] hands that message
//! to one [`Transport`]: a local outbox folder, an SMTP server, or a
//! sendmail-compatible program.
//!
//! Names, addresses and subjects come from user data. A control character in
//! any of them, and above all a line break, is rejected with an input error
//! rather than neutralised: silently changing what the user typed would hide
//! the problem, while a line break in a header is how a forged header (say a
//! `Bcc:`) gets in. Bodies and attachments may contain anything: they are
//! encoded (quoted-printable or base64) and never reach the headers.

use std::fmt;
use std::fs;
use std::io;
use std::net::IpAddr;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::str::FromStr;
use std::time::Duration;

use lettre::message::header::{self, ContentType};
use lettre::message::{Attachment, Body, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Message, SmtpTransport, Transport as _};

use crate::private_file::{self, Existing};
use crate::{Error, Result};

/// The domain used in Message-IDs when the From address gives none usable.
const FALLBACK_ID_DOMAIN: &str = "coach.local";

/// A person's name and email address, as in `Ada Lovelace <ada@example.com>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// The display name; may be empty, then only the address is shown.
    pub name: String,
    /// The email address, such as `ada@example.com`.
    pub email: String,
}

impl Address {
    /// An address with a display name (which may be empty).
    pub fn new(name: impl Into<String>, email: impl Into<String>) -> Self {
        Address {
            name: name.into(),
            email: email.into(),
        }
    }
}

/// A file attached to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailAttachment {
    /// The file name shown to the recipient, such as `agenda.ics`.
    pub filename: String,
    /// The MIME type, such as `text/calendar; charset=utf-8`.
    pub content_type: String,
    /// The file's content.
    pub bytes: Vec<u8>,
}

/// A calendar invite carried by an email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarPart {
    /// The iTIP method: `REQUEST` or `CANCEL` (also the `METHOD:` inside).
    pub method: &'static str,
    /// The VCALENDAR text, CRLF lines.
    pub ics: String,
}

/// Everything needed to build one email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    /// The sender (the coach).
    pub from: Address,
    /// The main recipients; at least one is required.
    pub to: Vec<Address>,
    /// Copied recipients.
    pub cc: Vec<Address>,
    /// Where replies should go, when not to `from`.
    pub reply_to: Option<Address>,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body.
    pub html: String,
    /// Files attached after the body.
    pub attachments: Vec<MailAttachment>,
    /// A calendar invite (iCalendar text): sent as a third alternative,
    /// `text/calendar; method=...`, and as an `invite.ics` attachment, as
    /// Gmail, Outlook and Apple Mail expect.
    pub calendar: Option<CalendarPart>,
    /// The Message-ID without angle brackets, such as
    /// `0f6c…@example.com`; see [`new_message_id`]. Surrounding angle
    /// brackets are tolerated and removed.
    pub message_id: String,
    /// The Message-ID of the message this one answers (the agenda, for a
    /// recap), without angle brackets: sets `In-Reply-To` and `References`
    /// so mail clients show both in one thread.
    pub in_reply_to: Option<String>,
}

/// A new globally unique Message-ID (without angle brackets):
/// `<token>@<domain>`, where the domain is taken from `domain_hint`, either
/// a domain or an email address (the From address). A hint with no usable
/// domain gives `coach.local`.
///
/// The token is a record id: a UUID v4 of 122 bits from the operating
/// system's random source (only the benchmark's dataset generator seeds the
/// sequence, `store::seed_ids`, to make its file reproducible; the `coach`
/// binary never does). A reply is only taken in by `coach inbox` when it
/// references a Message-ID that coach sent, so this token is what a forger
/// would have to guess.
pub fn new_message_id(domain_hint: &str) -> String {
    let domain = domain_hint
        .rsplit('@')
        .next()
        .unwrap_or_default()
        .trim()
        .trim_end_matches('>')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let usable = !domain.is_empty()
        && domain.len() <= 253
        && domain.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    let domain = if usable {
        domain
    } else {
        FALLBACK_ID_DOMAIN.to_string()
    };
    format!("{}@{}", crate::store::new_id(), domain)
}

/// `text` as a body in the encoding lettre's `Body::new` chooses for it
/// (7bit, quoted-printable or base64), with line endings made CRLF in one
/// pass (lettre inserts each `\r` by moving the rest of the text) and
/// quoted-printable written by [`quoted_printable`]: lettre's encoder was
/// a tenth of `share --dry-run` for a long recap.
fn text_body(text: &str) -> Body {
    use email_encoding::body::Encoding;
    use lettre::message::header::ContentTransferEncoding;
    let crlf = || {
        let mut out = String::with_capacity(text.len() + text.len() / 32);
        let mut lines = text.split('\n');
        out.push_str(lines.next().unwrap_or_default());
        for line in lines {
            out.push_str(if out.ends_with('\r') { "\n" } else { "\r\n" });
            out.push_str(line);
        }
        out
    };
    match Encoding::choose(text, false) {
        Encoding::SevenBit => {
            Body::dangerous_pre_encoded(crlf().into_bytes(), ContentTransferEncoding::SevenBit)
        }
        Encoding::QuotedPrintable => Body::dangerous_pre_encoded(
            quoted_printable(&crlf()),
            ContentTransferEncoding::QuotedPrintable,
        ),
        _ => Body::new(text.to_string()),
    }
}

/// `text`, whose line breaks are CRLF, in quoted-printable (RFC 2045,
/// 6.7): printable ASCII as it is except `=`, any other byte as `=XX`, the
/// last space or tab before a line break (or the end) as `=20` or `=09`,
/// and a soft line break (`=` CRLF) before a line would pass 76
/// characters. Runs of bytes written as they are are copied whole.
fn quoted_printable(text: &str) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    // The characters of a line before a soft break's `=`.
    const WIDTH: usize = 75;
    let as_is = |b: u8| matches!(b, b' '..=b'<' | b'>'..=b'~' | b'\t');
    let bytes = text.as_bytes();
    let line_ends_at = |at: usize| at == bytes.len() || bytes[at..].starts_with(b"\r\n");
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 16);
    let mut column = 0;
    let mut i = 0;
    while i < bytes.len() {
        let room = (bytes.len() - i).min(WIDTH - column);
        let mut end = i + bytes[i..i + room]
            .iter()
            .position(|&b| !as_is(b))
            .unwrap_or(room);
        if end > i && line_ends_at(end) && matches!(bytes[end - 1], b' ' | b'\t') {
            end -= 1;
        }
        out.extend_from_slice(&bytes[i..end]);
        column += end - i;
        i = end;
        let Some(&byte) = bytes.get(i) else { break };
        if byte == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            out.extend_from_slice(b"\r\n");
            column = 0;
            i += 2;
            continue;
        }
        let at_line_end = matches!(byte, b' ' | b'\t') && line_ends_at(i + 1);
        if as_is(byte) && !at_line_end {
            // The line is full.
            out.extend_from_slice(b"=\r\n");
            column = 0;
            continue;
        }
        if column + 3 > WIDTH {
            out.extend_from_slice(b"=\r\n");
            column = 0;
        }
        out.extend_from_slice(&[
            b'=',
            HEX[usize::from(byte >> 4)],
            HEX[usize::from(byte & 15)],
        ]);
        column += 3;
        i += 1;
    }
    out
}

/// Builds the MIME message:
/// `multipart/mixed { multipart/alternative { text/plain, text/html }, attachments… }`,
/// or just the `multipart/alternative` when there are no attachments.
///
/// Headers: From, To, Cc, Reply-To, Subject, Date (now), Message-ID, and
/// In-Reply-To and References when [`OutgoingMail::in_reply_to`] is set.
/// The text is UTF-8; non-ASCII headers and bodies are encoded so that the
/// whole message is 7-bit ASCII.
///
/// Errors (all [`crate::ErrorKind::Input`]): a name, subject or attachment
/// name with a line break or another control character; an email address
/// that cannot be parsed; no To recipient; a malformed Message-ID or content
/// type.
pub fn build_message(mail: &OutgoingMail) -> Result<Message> {
    if mail.to.is_empty() {
        return Err(Error::input("the message has no To recipient"));
    }
    check_header_text("the subject", &mail.subject)?;
    let message_id = normalize_message_id("the Message-ID", &mail.message_id)?;

    let mut builder = Message::builder()
        .from(mailbox("From", &mail.from)?)
        .subject(mail.subject.as_str())
        .date_now()
        .message_id(Some(format!("<{message_id}>")));
    for to in &mail.to {
        builder = builder.to(mailbox("To", to)?);
    }
    for cc in &mail.cc {
        builder = builder.cc(mailbox("Cc", cc)?);
    }
    if let Some(reply_to) = &mail.reply_to {
        builder = builder.reply_to(mailbox("Reply-To", reply_to)?);
    }
    if let Some(parent) = &mail.in_reply_to {
        let parent = normalize_message_id("the In-Reply-To Message-ID", parent)?;
        builder = builder
            .in_reply_to(format!("<{parent}>"))
            .references(format!("<{parent}>"));
    }

    let mut alternative = MultiPart::alternative()
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(text_body(&mail.text)),
        )
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_HTML)
                .body(text_body(&mail.html)),
        );
    let mut attachments = Vec::new();
    if let Some(calendar) = &mail.calendar {
        let (part, file) = calendar_parts(calendar)?;
        alternative = alternative.singlepart(part);
        attachments.push(file);
    }
    attachments.extend(mail.attachments.iter().cloned());

    let result = if attachments.is_empty() {
        builder.multipart(alternative)
    } else {
        let mut mixed = MultiPart::mixed().multipart(alternative);
        for attachment in &attachments {
            mixed = mixed.singlepart(attachment_part(attachment)?);
        }
        builder.multipart(mixed)
    };
    result.map_err(|err| Error::input(format!("cannot build the message: {err}")))
}

/// The full raw RFC 5322 bytes of `message` (CRLF line endings), as sent and
/// as written to the outbox; also what `--dry-run` shows.
pub fn raw(message: &Message) -> Vec<u8> {
    message.formatted()
}

/// Where [`send`] delivers a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    /// Write an `.eml` file into this folder instead of sending.
    Outbox {
        /// The outbox folder; created (mode 0700) when missing.
        dir: PathBuf,
    },
    /// Send through an SMTP server.
    Smtp(SmtpSettings),
    /// Pipe the message to a sendmail-compatible program (`PATH -i -f FROM -- TO…`).
    Sendmail {
        /// The program, such as `/usr/sbin/sendmail`; a bare name is looked up in `PATH`.
        path: PathBuf,
    },
}

/// How the SMTP connection is encrypted (`mail.smtp.tls`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// `starttls`: connect in plain text, then STARTTLS is required (port 587).
    StartTls,
    /// `tls`: TLS from the start, "SMTPS" (port 465).
    Tls,
    /// `none`: no encryption; only allowed to localhost / 127.0.0.0/8 / ::1.
    None,
}

impl TlsMode {
    /// The configuration spelling: `starttls`, `tls` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            TlsMode::StartTls => "starttls",
            TlsMode::Tls => "tls",
            TlsMode::None => "none",
        }
    }
}

impl fmt::Display for TlsMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TlsMode {
    type Err = Error;

    /// Parses `starttls`, `tls` or `none` (ignoring case and surrounding spaces).
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "starttls" => Ok(TlsMode::StartTls),
            "tls" => Ok(TlsMode::Tls),
            "none" => Ok(TlsMode::None),
            _ => Err(Error::input(format!(
                "\"{}\" is not a TLS mode",
                shown(s)
            ))
            .with_hint("mail.smtp.tls is one of: starttls (port 587), tls (port 465), none (local relay only)")),
        }
    }
}

/// How to reach an SMTP server.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// Host name or IP address (no brackets), such as `smtp.example.com`.
    pub host: String,
    /// Port, usually 587 with `starttls` or 465 with `tls`.
    pub port: u16,
    /// Encryption.
    pub tls: TlsMode,
    /// A PEM file whose certificate(s) are trusted in addition to the
    /// system's root certificates (for a private CA or self-signed server).
    pub ca_file: Option<PathBuf>,
    /// Limit for connecting and for each SMTP command.
    pub timeout: Duration,
    /// Login name; credentials are sent only when this is set (and not empty).
    pub username: Option<String>,
    /// Password; required when `username` is set.
    pub password: Option<String>,
}

impl fmt::Debug for SmtpSettings {
    /// Never shows the password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("ca_file", &self.ca_file)
            .field("timeout", &self.timeout)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "(hidden)"))
            .finish()
    }
}

/// What [`send`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// `"outbox"`, `"smtp"` or `"sendmail"`.
    pub transport: &'static str,
    /// Outbox: the path of the `.eml` file; SMTP: the server's final
    /// response (such as `250 OK queued as 1234`); sendmail: the program's path.
    pub detail: String,
}

/// Delivers `message` through `transport`.
///
/// Errors, by kind (which the caller can record to decide about retrying):
/// - [`crate::ErrorKind::Temporary`]: the server cannot be reached (refused,
///   timed out, unknown host), a 4xx answer, the connection broke, or the
///   sendmail program failed with a temporary status (EX_TEMPFAIL, an I/O
///   error, a signal). Retrying later may succeed.
/// - [`crate::ErrorKind::Input`]: the settings are wrong or the server
///   refused for good: a 5xx answer (such as an unknown recipient or a
///   failed login), an untrusted TLS certificate (hint: `mail.smtp.ca-file`),
///   no STARTTLS, `tls none` to a host that is not local, a username without
///   a password, an unreadable CA file, a missing sendmail program or one
///   that exits with a permanent sysexits code (unknown user, bad data), an
///   outbox that cannot be written for lack of permission. Retrying the same
///   command will fail the same way.
/// - [`crate::ErrorKind::Internal`]: other I/O failures writing the outbox.
///
/// Over SMTP, `mail.smtp.timeout` is also the deadline of the whole
/// message (connect, greeting, MAIL, RCPT, DATA and the final answer), not
/// only of each answer: a server that trickles answers or hangs after
/// DATA cannot hold a cron run for minutes per session. At the deadline the
/// send is a temporary failure; the message may or may not have been
/// stored by the server (the README's at-least-once semantics).
pub fn send(transport: &Transport, message: &Message) -> Result<Sent> {
    match transport {
        Transport::Outbox { dir } => write_outbox(dir, message),
        Transport::Smtp(settings) => send_smtp_within(settings, message),
        Transport::Sendmail { path } => send_sendmail(path, message),
    }
}

/// [`send_smtp`] on its own thread, waited for at most `settings.timeout`.
/// A thread still blocked at the deadline is left to the end of the
/// process (the command goes on, and exits).
fn send_smtp_within(settings: &SmtpSettings, message: &Message) -> Result<Sent> {
    let (done, result) = std::sync::mpsc::channel();
    let (own_settings, own_message) = (settings.clone(), message.clone());
    std::thread::spawn(move || {
        let _ = done.send(send_smtp(&own_settings, &own_message));
    });
    // A moment of grace, so that one answer that times out is reported as
    // such (by lettre's per-command timeout) rather than as the deadline.
    let deadline = settings.timeout + Duration::from_millis(500);
    result.recv_timeout(deadline).unwrap_or_else(|_| {
        Err(Error::temporary(format!(
            "the SMTP server {}:{} did not take the whole message within {} (mail.smtp.timeout)",
            settings.host,
            settings.port,
            format_duration(settings.timeout)
        ))
        .with_hint("it may have been stored: the next run sends it again, at most once more"))
    })
}

/// Runs a password command like msmtp's `passwordeval`: `sh -c COMMAND`,
/// with the terminal's standard input and error (so a pinentry or a prompt
/// works), and returns its standard output without the trailing newline.
///
/// A spawn failure, a non-zero exit, an empty output or an output that is
/// not UTF-8 is an input error naming the exit status and the first line of
/// the command's error output; neither the command nor its output is ever
/// put in the message (either may hold the password).
pub fn password_from_command(command: &str) -> Result<String> {
    const HINT: &str =
        "mail.smtp.password-command is run with `sh -c` and must print the password on standard output";
    if command.trim().is_empty() {
        return Err(Error::input("the SMTP password command is empty").with_hint(HINT));
    }
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::inherit())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|err| {
            Error::input(format!(
                "cannot run the SMTP password command: {}",
                describe_io(&err)
            ))
            .with_hint(HINT)
        })?;
    if !output.status.success() {
        let status = describe_status(output.status);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty())
            .map(|line| truncate(&shown(line), 200));
        let message = match first {
            Some(line) => format!("the SMTP password command failed ({status}): {line}"),
            None => format!("the SMTP password command failed ({status})"),
        };
        return Err(Error::input(message).with_hint(HINT));
    }
    let mut password = String::from_utf8(output.stdout).map_err(|_| {
        Error::input("the SMTP password command printed something that is not UTF-8 text")
            .with_hint(HINT)
    })?;
    if password.ends_with('\n') {
        password.pop();
        if password.ends_with('\r') {
            password.pop();
        }
    }
    if password.is_empty() {
        return Err(Error::input("the SMTP password command printed nothing").with_hint(HINT));
    }
    Ok(password)
}

// ---------------------------------------------------------------------------
// Building

/// Rejects a header value with a line break or another control character.
fn check_header_text(what: &str, value: &str) -> Result<()> {
    if value
        .chars()
        .any(|c| matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}'))
    {
        return Err(
            Error::input(format!("{what} \"{}\" contains a line break", shown(value)))
                .with_hint("a header must be a single line"),
        );
    }
    if value.chars().any(char::is_control) {
        return Err(Error::input(format!(
            "{what} \"{}\" contains a control character",
            shown(value)
        )));
    }
    Ok(())
}

/// A lettre mailbox from an [`Address`], checked.
fn mailbox(field: &str, address: &Address) -> Result<Mailbox> {
    check_header_text(&format!("the {field} name"), &address.name)?;
    check_header_text(&format!("the {field} address"), &address.email)?;
    let email = address.email.trim();
    let parsed: lettre::Address = email.parse().map_err(|err| {
        Error::input(format!(
            "the {field} address \"{}\" is not a valid email address ({err})",
            shown(email)
        ))
    })?;
    let name = address.name.trim();
    let name = (!name.is_empty()).then(|| name.to_string());
    Ok(Mailbox::new(name, parsed))
}

/// A Message-ID without angle brackets: `left@right`, printable ASCII, no
/// spaces or brackets.
fn normalize_message_id(what: &str, id: &str) -> Result<String> {
    let trimmed = id.trim();
    let bare = trimmed
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(trimmed);
    let valid = bare.len() <= 900
        && bare.chars().all(|c| {
            c.is_ascii_graphic()
                && !matches!(
                    c,
                    '<' | '>' | '"' | '\\' | '(' | ')' | ',' | ';' | ':' | '[' | ']'
                )
        })
        && matches!(bare.split_once('@'), Some((left, right)) if !left.is_empty() && !right.is_empty() && !right.contains('@'));
    if valid {
        Ok(bare.to_string())
    } else {
        Err(Error::input(format!(
            "{what} \"{}\" is not a valid Message-ID",
            shown(id)
        ))
        .with_hint("a Message-ID looks like 0f6c2a…@example.com"))
    }
}

/// The invite as the alternative part clients act on and as the
/// `invite.ics` file others import.
fn calendar_parts(calendar: &CalendarPart) -> Result<(SinglePart, MailAttachment)> {
    let content_type = ContentType::parse(&format!(
        "text/calendar; charset=utf-8; method={}",
        calendar.method
    ))
    .map_err(|_| Error::internal("a calendar content type was refused"))?;
    let part = SinglePart::builder()
        .header(content_type)
        .body(calendar.ics.clone());
    let file = MailAttachment {
        filename: "invite.ics".into(),
        content_type: "application/ics".into(),
        bytes: calendar.ics.as_bytes().to_vec(),
    };
    Ok((part, file))
}

fn attachment_part(attachment: &MailAttachment) -> Result<SinglePart> {
    check_header_text("the attachment name", &attachment.filename)?;
    if attachment.filename.trim().is_empty() {
        return Err(Error::input("an attachment has an empty file name"));
    }
    check_header_text(
        &format!("the content type of {}", attachment.filename),
        &attachment.content_type,
    )?;
    let content_type = ContentType::parse(attachment.content_type.trim()).map_err(|_| {
        Error::input(format!(
            "the attachment {} has an invalid content type \"{}\"",
            attachment.filename,
            shown(&attachment.content_type)
        ))
        .with_hint("a content type looks like text/calendar or application/pdf")
    })?;
    let essence = attachment
        .content_type
        .split(';')
        .next()
        .unwrap_or_default();
    let content_type =
        with_name_parameter(essence.trim(), &attachment.filename).unwrap_or(content_type);
    // Text may travel as text; anything else as base64, which every client
    // decodes and no relay rewraps.
    let body = if attachment.content_type.trim().starts_with("text/") {
        Body::new(attachment.bytes.clone())
    } else {
        Body::new_with_encoding(
            attachment.bytes.clone(),
            header::ContentTransferEncoding::Base64,
        )
        .map_err(|_| Error::internal("base64 refused an attachment"))?
    };
    Ok(Attachment::new(attachment.filename.clone()).body(body, content_type))
}

/// `content_type` with a `name=` parameter: the file name for clients that
/// read it there rather than in Content-Disposition (older Outlook), as an
/// RFC 2047 encoded word when it is not plain ASCII.
fn with_name_parameter(essence: &str, filename: &str) -> Option<ContentType> {
    use base64::Engine as _;
    let plain = filename
        .chars()
        .all(|c| c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\');
    let name = if plain {
        filename.to_string()
    } else {
        format!(
            "=?utf-8?b?{}?=",
            base64::engine::general_purpose::STANDARD.encode(filename)
        )
    };
    ContentType::parse(&format!("{essence}; name=\"{name}\"")).ok()
}

// ---------------------------------------------------------------------------
// Outbox

fn write_outbox(dir: &Path, message: &Message) -> Result<Sent> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|err| Error::io(format!("cannot create the outbox {}", dir.display()), err))?;

    let id = message
        .headers()
        .get::<header::MessageId>()
        .map(|id| id.as_ref().to_string())
        .unwrap_or_default();
    let mut safe: String = id
        .trim_matches(|c| c == '<' || c == '>' || c == ' ')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    if safe.is_empty() {
        safe = uuid::Uuid::new_v4().simple().to_string();
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let path = dir.join(format!("{stamp}-{safe}.eml"));
    private_file::write(&path, &raw(message), Existing::Refuse)?;
    Ok(Sent {
        transport: "outbox",
        detail: path.display().to_string(),
    })
}

// ---------------------------------------------------------------------------
// SMTP

/// Whether plain-text SMTP is acceptable: the host is this machine.
fn is_local_host(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

fn send_smtp(settings: &SmtpSettings, message: &Message) -> Result<Sent> {
    let host = settings.host.as_str();
    if host.trim().is_empty() {
        return Err(Error::input("the SMTP host is empty").with_hint("set mail.smtp.host"));
    }
    if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::input(format!(
            "the SMTP host \"{}\" is not a host name",
            shown(host)
        ))
        .with_hint("set mail.smtp.host to a name such as smtp.example.com"));
    }
    if settings.port == 0 {
        return Err(Error::input("the SMTP port 0 is not valid")
            .with_hint("set mail.smtp.port, usually 587 (starttls) or 465 (tls)"));
    }
    if settings.timeout.is_zero() {
        return Err(Error::input("the SMTP timeout must be more than zero"));
    }
    if settings.tls == TlsMode::None && !is_local_host(host) {
        return Err(Error::input(format!(
            "refusing to send mail unencrypted to {host}: mail.smtp.tls none is only for a relay on this machine"
        ))
        .with_hint("use mail.smtp.tls starttls"));
    }
    let credentials = match (settings.username.as_deref(), settings.password.as_deref()) {
        (Some(user), Some(password)) if !user.is_empty() && !password.is_empty() => {
            Some(Credentials::new(user.to_string(), password.to_string()))
        }
        (Some(user), _) if !user.is_empty() => return Err(Error::input(format!(
            "mail.smtp.username is set to {user} but there is no password"
        ))
        .with_hint(
            "set COACH_SMTP_PASSWORD, or mail.smtp.password-command to a command that prints it",
        )),
        _ => None,
    };

    let tls = match settings.tls {
        TlsMode::None => Tls::None,
        TlsMode::StartTls => Tls::Required(tls_parameters(settings)?),
        TlsMode::Tls => Tls::Wrapper(tls_parameters(settings)?),
    };
    let mut builder = SmtpTransport::builder_dangerous(host)
        .port(settings.port)
        .timeout(Some(settings.timeout))
        .tls(tls);
    if let Some(credentials) = credentials {
        builder = builder.credentials(credentials);
    }
    let transport = builder.build();
    match transport.send(message) {
        Ok(response) => {
            let text: Vec<&str> = response.message().collect();
            Ok(Sent {
                transport: "smtp",
                detail: format!("{} {}", response.code(), text.join(" "))
                    .trim()
                    .to_string(),
            })
        }
        Err(err) => Err(smtp_error(settings, &err)),
    }
}

fn tls_parameters(settings: &SmtpSettings) -> Result<TlsParameters> {
    let mut builder = TlsParameters::builder(settings.host.clone());
    if let Some(path) = &settings.ca_file {
        let pem = fs::read(path).map_err(|err| {
            Error::io(
                format!("cannot read mail.smtp.ca-file {}", path.display()),
                err,
            )
        })?;
        let bad = || {
            Error::input(format!(
                "mail.smtp.ca-file {} holds no PEM certificate",
                path.display()
            ))
            .with_hint("the file must contain -----BEGIN CERTIFICATE----- blocks")
        };
        use rustls::pki_types::{pem::PemObject, CertificateDer};
        let count = CertificateDer::pem_slice_iter(&pem)
            .try_fold(0usize, |n, cert| cert.map(|_| n + 1))
            .map_err(|_| bad())?;
        if count == 0 {
            return Err(bad());
        }
        let certificate = Certificate::from_pem(&pem).map_err(|_| bad())?;
        builder = builder.add_root_certificate(certificate);
    }
    builder.build_rustls().map_err(|err| {
        Error::input(format!(
            "cannot set up TLS for {}: {}",
            settings.host,
            lettre_reason(&err)
        ))
    })
}

/// Maps a lettre SMTP error to a kind, a sentence and a hint.
fn smtp_error(settings: &SmtpSettings, err: &lettre::transport::smtp::Error) -> Error {
    let host = &settings.host;
    let place = format!("{host}:{}", settings.port);

    if let Some(code) = err.status() {
        let reason = match std::error::Error::source(err) {
            Some(text) => format!("{code} {}", one_line(&text.to_string())),
            None => code.to_string(),
        };
        if err.is_transient() {
            return Error::temporary(format!("cannot send mail through {place}: {reason}"));
        }
        let code_text = code.to_string();
        return match code_text.as_str() {
            "535" | "534" | "538" => Error::input(format!(
                "the mail server {host} refused the login: {reason}"
            ))
            .with_hint("check mail.smtp.username and the password"),
            "530" => Error::input(format!(
                "the mail server {host} refused the message: {reason}"
            ))
            .with_hint("the server wants a login: set mail.smtp.username"),
            _ => Error::input(format!(
                "the mail server {host} refused the message: {reason}"
            )),
        };
    }

    if let Some(tls) = find_rustls_error(err) {
        return tls_error(settings, tls);
    }

    if err.is_client() {
        let reason = lettre_reason(err);
        let mut error = Error::input(format!("cannot send mail through {place}: {reason}"));
        if reason.contains("STARTTLS") {
            error = error.with_hint(
                "use mail.smtp.tls tls if the server expects TLS from the start (usually port 465)",
            );
        } else if reason.contains("authentication mechanism") {
            error = error.with_hint("the server offers no login method coach knows (PLAIN, LOGIN)");
        }
        return error;
    }

    let (reason, timed_out) = match find_io_error(err) {
        Some(io_err) if is_timeout(io_err) => (
            format!("no answer within {}", format_duration(settings.timeout)),
            true,
        ),
        Some(io_err) => (describe_io(io_err), false),
        None => (lettre_reason(err), false),
    };
    let mut error = Error::temporary(format!("cannot send mail through {place}: {reason}"));
    if timed_out {
        error = error.with_hint(
            "check mail.smtp.host and mail.smtp.port; port 465 needs mail.smtp.tls tls, 587 needs starttls",
        );
    }
    error
}

fn tls_error(settings: &SmtpSettings, tls: &rustls::Error) -> Error {
    use rustls::CertificateError as C;
    let host = &settings.host;
    match tls {
        rustls::Error::InvalidCertificate(cert) => {
            let (why, hint) = match cert {
                C::NotValidForName | C::NotValidForNameContext { .. } => (
                    format!("it is not issued for {host}"),
                    "set mail.smtp.host to a name the certificate is issued for".to_string(),
                ),
                C::Expired | C::ExpiredContext { .. } => (
                    "it has expired".to_string(),
                    "the server's administrator must renew the certificate".to_string(),
                ),
                C::NotValidYet | C::NotValidYetContext { .. } => (
                    "it is not valid yet (check this machine's clock)".to_string(),
                    "check this machine's date and time".to_string(),
                ),
                C::UnknownIssuer => (
                    "it is not signed by an authority this machine trusts".to_string(),
                    ca_hint(settings),
                ),
                C::BadSignature => (
                    "its signature does not match the trusted authority of the same name"
                        .to_string(),
                    ca_hint(settings),
                ),
                _ => (tls.to_string(), ca_hint(settings)),
            };
            Error::input(format!(
                "the TLS certificate of the mail server {host} is not trusted: {why}"
            ))
            .with_hint(hint)
        }
        other => Error::input(format!(
            "cannot set up TLS with {host}:{}: {other}",
            settings.port
        ))
        .with_hint("port 465 uses mail.smtp.tls tls; ports 587 and 25 use starttls"),
    }
}

fn ca_hint(settings: &SmtpSettings) -> String {
    match &settings.ca_file {
        Some(path) => format!(
            "mail.smtp.ca-file ({}) does not hold the certificate of the authority that signed the server's certificate",
            path.display()
        ),
        None => "if the server uses a private or self-signed certificate, set mail.smtp.ca-file to a PEM file with its CA certificate".to_string(),
    }
}

/// The rustls error in an error's chain, also inside an `io::Error`.
fn find_rustls_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        if let Some(io_err) = e.downcast_ref::<io::Error>() {
            if let Some(tls) = io_err
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
            {
                return Some(tls);
            }
        }
        current = e.source();
    }
    None
}

fn find_io_error<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a io::Error> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(io_err) = e.downcast_ref::<io::Error>() {
            return Some(io_err);
        }
        current = e.source();
    }
    None
}

fn is_timeout(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// lettre's own text without its "internal client error: " style prefix.
fn lettre_reason(err: &(dyn std::error::Error + 'static)) -> String {
    match err.source() {
        Some(source) => one_line(&strip_os_error(&source.to_string())),
        None => one_line(&err.to_string()),
    }
}

// ---------------------------------------------------------------------------
// Sendmail

fn send_sendmail(path: &Path, message: &Message) -> Result<Sent> {
    let hint = "set mail.sendmail.path to a sendmail-compatible program";
    if path.as_os_str().is_empty() {
        return Err(Error::input("the sendmail program is empty").with_hint(hint));
    }
    if path.components().count() > 1 && !path.exists() {
        return Err(Error::input(format!(
            "the sendmail program {} does not exist",
            path.display()
        ))
        .with_hint(hint));
    }
    // Run by coach rather than through lettre, which drops the exit status:
    // sendmail's sysexits code tells a refusal for good from a failure
    // worth retrying.
    let envelope = message.envelope();
    let mut command = std::process::Command::new(path);
    command.arg("-i");
    if let Some(from) = envelope.from() {
        command.arg("-f").arg(from);
    }
    command
        .arg("--")
        .args(envelope.to().iter().map(ToString::to_string))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let mut child = command.spawn().map_err(|err| {
        let error = format!(
            "cannot run the sendmail program {}: {}",
            path.display(),
            strip_os_error(&err.to_string()).to_lowercase()
        );
        if err.kind() == io::ErrorKind::NotFound || err.kind() == io::ErrorKind::PermissionDenied {
            Error::input(error).with_hint(hint)
        } else {
            Error::temporary(error)
        }
    })?;
    // Written from a thread, so a program that talks on stderr before it
    // reads its input cannot block both sides.
    let formatted = message.formatted();
    let writer = child.stdin.take().map(|mut stdin| {
        std::thread::spawn(move || {
            use std::io::Write as _;
            // A program that exits without reading says why in its status.
            let _ = stdin.write_all(&formatted);
        })
    });
    let output = child.wait_with_output().map_err(|err| {
        Error::temporary(format!(
            "the sendmail program {} could not be waited for: {err}",
            path.display()
        ))
    })?;
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    if output.status.success() {
        return Ok(Sent {
            transport: "sendmail",
            detail: path.display().to_string(),
        });
    }
    let said = String::from_utf8_lossy(&output.stderr);
    let said = one_line(
        said.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or(""),
    );
    let reason = match (said.is_empty(), output.status.code()) {
        (false, _) => said,
        (true, Some(code)) => format!("it exited with status {code} without saying why"),
        (true, None) => "it was killed by a signal".to_string(),
    };
    let error = format!(
        "the sendmail program {} did not accept the message: {reason}",
        path.display()
    );
    if output.status.code().is_some_and(is_permanent_sysexit) {
        Err(Error::input(error)
            .with_hint("the message was refused for good; correct it, then `coach share --retry`"))
    } else {
        Err(Error::temporary(error))
    }
}

/// sendmail's exit codes (sysexits.h) that mean the message will never be
/// accepted as it is: bad usage (64), bad data (65), unknown user (67),
/// unknown host (68), no permission (77), bad configuration (78). The rest
/// (EX_TEMPFAIL 75 above all, I/O and OS errors, signals) may pass later.
fn is_permanent_sysexit(code: i32) -> bool {
    matches!(code, 64 | 65 | 67 | 68 | 77 | 78)
}

// ---------------------------------------------------------------------------
// Small helpers

/// A value for an error message: control characters escaped, so a line
/// break shows as `\n` instead of breaking the message.
fn shown(value: &str) -> String {
    value
        .chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

fn truncate(value: &str, max: usize) -> String {
    if value.chars().count() <= max {
        value.to_string()
    } else {
        let mut cut: String = value.chars().take(max).collect();
        cut.push('…');
        cut
    }
}

/// Multi-line text (such as a multi-line SMTP answer) as one line.
fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn strip_os_error(text: &str) -> String {
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text.to_string(),
    }
}

fn describe_io(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::ConnectionRefused => "connection refused".into(),
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let text = strip_os_error(&err.to_string());
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => text,
            }
        }
    }
}

fn describe_status(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit status {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        (None, None) => "unknown exit status".to_string(),
    }
}

fn format_duration(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis.is_multiple_of(1000) {
        format!("{} s", millis / 1000)
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts that test the edges of a text part's encoding: long lines,
    /// a line exactly at the limit, `=`, tabs and spaces before line
    /// breaks, a CR alone, UTF-8, CRLF and LF mixed, nothing at all.
    fn edge_texts() -> Vec<String> {
        let long = "word ".repeat(40);
        let exact = "x".repeat(75);
        let mut texts: Vec<String> = [
            "Hello\nthere\n",
            "\nstarts with a line break\r\nand mixes CRLF\r\n",
            long.as_str(),
            exact.as_str(),
            &format!("{exact}\n{exact}"),
            "Café ☕ and a tab\t=equals= \n trailing space \n",
            "\n\n\r\n\r\r\n\nends with CR\r",
            &format!("Zoë {long}\n\n{long}"),
            "",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        // And texts made of those pieces at random (a fixed seed), so that
        // each piece lands on every column, a soft break's too.
        let pieces = [
            "a",
            "word ",
            " ",
            "\t",
            "=",
            "\r",
            "\n",
            "\r\n",
            "é",
            "☕",
            "<p style=\"x\">",
            &exact[..70],
        ];
        let mut state = 0x5eed_u64;
        for _ in 0..400 {
            let mut text = String::new();
            for _ in 0..60 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            texts.push(text);
        }
        texts
    }

    #[test]
    fn text_parts_are_encoded_as_lettre_chooses_and_decode_to_the_text() {
        for text in edge_texts() {
            let ours = text_body(&text);
            let lettres = Body::new(text.clone());
            assert_eq!(ours.encoding(), lettres.encoding(), "{text:?}");
            let encoding = ours.encoding();
            let (ours, lettres) = (ours.into_vec(), lettres.into_vec());
            if encoding != header::ContentTransferEncoding::QuotedPrintable {
                assert_eq!(ours, lettres, "{text:?}");
                continue;
            }
            // The same text once decoded; every line within 76
            // characters, printable ASCII, never ending in a space or tab.
            let decode = |qp: &[u8]| {
                quoted_printable::decode(qp, quoted_printable::ParseMode::Strict).expect("decodes")
            };
            assert_eq!(decode(&ours), decode(&lettres), "{text:?}");
            let encoded = String::from_utf8(ours).expect("ASCII");
            for line in encoded.split("\r\n") {
                assert!(line.len() <= 76, "{line:?} in {text:?}");
                assert!(
                    line.bytes()
                        .all(|b| (b' '..=b'~').contains(&b) || b == b'\t'),
                    "{line:?}"
                );
                assert!(!line.ends_with([' ', '\t']), "{line:?} in {text:?}");
            }
        }
    }

    #[test]
    fn message_ids_take_the_from_domain() {
        let id = new_message_id("Ada <ada@Example.COM>");
        assert!(id.ends_with("@example.com"), "{id}");
        assert_eq!(id.split('@').next().map(str::len), Some(32));
        assert!(new_message_id("").ends_with("@coach.local"));
        assert!(new_message_id("x@bad domain").ends_with("@coach.local"));
        assert!(new_message_id("example.org").ends_with("@example.org"));
    }

    #[test]
    fn tls_modes_parse() {
        assert_eq!("starttls".parse::<TlsMode>().ok(), Some(TlsMode::StartTls));
        assert_eq!(" TLS ".parse::<TlsMode>().ok(), Some(TlsMode::Tls));
        assert_eq!("none".parse::<TlsMode>().ok(), Some(TlsMode::None));
        let err = "ssl".parse::<TlsMode>().err();
        assert!(err.is_some_and(|e| e.kind() == crate::ErrorKind::Input));
    }

    #[test]
    fn local_hosts() {
        for host in ["localhost", "LOCALHOST.", "127.0.0.1", "127.1.2.3", "::1"] {
            assert!(is_local_host(host), "{host}");
        }
        for host in [
            "example.com",
            "10.0.0.1",
            "128.0.0.1",
            "localhost.example.com",
            "::2",
        ] {
            assert!(!is_local_host(host), "{host}");
        }
    }

    #[test]
    fn message_ids_are_checked() {
        assert_eq!(
            normalize_message_id("id", "<a@b>").ok().as_deref(),
            Some("a@b")
        );
        for bad in ["", "ab", "a@", "@b", "a b@c", "a@b\r\nBcc: x@y", "a@b@c"] {
            assert!(normalize_message_id("id", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn attachment_names_are_also_in_content_type() {
        let plain = with_name_parameter("application/pdf", "scorecard.pdf").expect("type");
        assert_eq!(
            plain,
            ContentType::parse("application/pdf; name=\"scorecard.pdf\"").expect("type")
        );
        let raw = raw(&Message::builder()
            .from("a@example.com".parse().expect("from"))
            .to("b@example.com".parse().expect("to"))
            .singlepart(
                attachment_part(&MailAttachment {
                    filename: "Relevé café.pdf".into(),
                    content_type: "application/pdf".into(),
                    bytes: b"%PDF-1.4 mostly ascii".to_vec(),
                })
                .expect("part"),
            )
            .expect("message"));
        let raw = String::from_utf8_lossy(&raw);
        assert!(
            raw.contains("name=\"=?utf-8?b?UmVsZXbDqSBjYWbDqS5wZGY=?=\""),
            "{raw}"
        );
        assert!(raw.contains("Content-Transfer-Encoding: base64"), "{raw}");
    }

    #[test]
    fn shown_escapes_line_breaks() {
        assert_eq!(shown("a\r\nb"), "a\\r\\nb");
    }

    #[test]
    fn settings_debug_hides_the_password() {
        let settings = SmtpSettings {
            host: "h".into(),
            port: 1,
            tls: TlsMode::Tls,
            ca_file: None,
            timeout: Duration::from_secs(1),
            username: Some("u".into()),
            password: Some("hunter2".into()),
        };
        assert!(!format!("{settings:?}").contains("hunter2"));
    }
}
