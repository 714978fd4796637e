//! The rules an imported record must pass: those of the command that would
//! have created it, column by column (ids, times, enum values, lengths,
//! control characters, through the same check functions the commands
//! call), then across records (references, an item in its session,
//! authorship). A dump is a file from outside: nothing in it is trusted.

use rusqlite::types::Value;
use serde_json::Value as Json;

use crate::{action, attachment, kudos, member, metric, note, saved, session, template, when};
use crate::{Error, Result};

/// What a column must hold.
#[derive(Clone, Copy)]
pub(super) enum Rule {
    /// A record id: 32 lowercase hex digits.
    Id,
    /// The id of a record of this table, which must exist (here or earlier
    /// in the dump).
    Ref(&'static str),
    /// A time in the stored form (`2026-12-01T09:00:00.000Z`).
    Time,
    /// One of these texts.
    OneOf(&'static [&'static str]),
    /// Text that passes the command's check (which may normalise it).
    Text(fn(&str) -> Result<String>),
    /// A whole number in this range.
    Int(i64, i64),
    /// A finite number.
    Real,
    /// A SHA-256 in hex: 64 lowercase hex digits.
    Sha256,
}

/// A column, its rule, and whether it may be null (or left out).
#[derive(Clone, Copy)]
pub(super) struct Column {
    pub(super) name: &'static str,
    pub(super) rule: Rule,
    pub(super) optional: bool,
}

const fn req(name: &'static str, rule: Rule) -> Column {
    Column {
        name,
        rule,
        optional: false,
    }
}

const fn opt(name: &'static str, rule: Rule) -> Column {
    Column {
        name,
        rule,
        optional: true,
    }
}

/// The columns every record table has.
const RECORD: [Column; 5] = [
    req("id", Rule::Id),
    req("author", Rule::Id),
    req("created_at", Rule::Time),
    req("updated_at", Rule::Time),
    opt("deleted_at", Rule::Time),
];

const TONES: &[&str] = &["positive", "improve"];

/// The columns of `table` beyond [`RECORD`], or `None` for a table that
/// has no rules (which a test forbids for an exported table).
pub(super) fn columns(table: &str) -> Option<Vec<Column>> {
    use Rule::*;
    let own: &[Column] = match table {
        "members" => &[
            req("name", Text(member::check_name)),
            opt("email", Text(member::check_email)),
            opt("team", Text(|t| member::check_line("team", t))),
            opt("archived_at", Time),
            opt("timezone", Text(member::check_zone)),
        ],
        "templates" => &[
            req("name", Text(template::check_name)),
            req("title", Text(session::check_title)),
            opt("agenda", Text(note::check_body)),
        ],
        "sessions" => &[
            req("member_id", Ref("members")),
            req("title", Text(session::check_title)),
            req("held_at", Time),
            req("status", OneOf(&["draft", "agenda-shared", "recap-sent"])),
            opt("recap_skipped_at", Time),
            opt(
                "recap_skip_reason",
                Text(|t| member::check_line("reason", t)),
            ),
            opt("date_changed_at", Time),
        ],
        "notes" => &[
            req("session_id", Ref("sessions")),
            req("body", Text(note::check_body)),
            req("visibility", OneOf(&["shared", "private"])),
            opt("item_id", Id),
            opt("follow_up_at", Time),
            opt("followed_up_in", Ref("sessions")),
            // The reply it came from (a plain id: replies come later in a dump).
            opt("reply_id", Id),
            // A template's talking point (migration 0012); absent in
            // exports made before it.
            opt("from_template", Int(0, 1)),
        ],
        "feedback" => &[
            req("member_id", Ref("members")),
            opt("session_id", Ref("sessions")),
            req("comment", Text(saved::check_imported_comment)),
            opt("rating", Int(1, 5)),
            opt(
                "customer",
                Text(|t| saved::check_imported_line("customer", t)),
            ),
            opt(
                "channel",
                Text(|t| saved::check_imported_line("channel", t)),
            ),
            opt("url", Text(saved::check_imported_url)),
            req("given_at", Time),
            req("tone", OneOf(TONES)),
        ],
        "qa_reviews" => &[
            req("member_id", Ref("members")),
            opt("session_id", Ref("sessions")),
            req("score", Int(0, 100)),
            opt(
                "reviewer",
                Text(|t| saved::check_imported_line("reviewer", t)),
            ),
            opt("comment", Text(saved::check_imported_comment)),
            opt("url", Text(saved::check_imported_url)),
            req("reviewed_at", Time),
            req("tone", OneOf(TONES)),
        ],
        "metric_values" => &[
            req("member_id", Ref("members")),
            req("metric", Text(metric::check_name)),
            req("value", Real),
            opt("target", Real),
            opt("unit", Text(check_unit)),
            req("measured_at", Time),
        ],
        "session_metrics" => &[
            req("session_id", Ref("sessions")),
            req("metric", Text(metric::check_name)),
            req("value", Real),
            opt("target", Real),
            opt("unit", Text(check_unit)),
            req("measured_at", Time),
        ],
        "attachments" => &[
            req("session_id", Ref("sessions")),
            req("name", Text(attachment::check_name)),
            req("sha256", Sha256),
            req("size", Int(0, i64::MAX)),
            req("media_type", Text(|t| member::check_line("media type", t))),
        ],
        "kudos" => &[
            // A kudos outside any session names its member (an export
            // from before kudos could be outside sessions names neither).
            opt("session_id", Ref("sessions")),
            opt("member_id", Ref("members")),
            req("body", Text(kudos::check_body)),
            opt("kind", OneOf(&["success", "expertise", "effort", "values"])),
        ],
        "actions" => &[
            req("session_id", Ref("sessions")),
            req("member_id", Ref("members")),
            req("body", Text(action::check_body)),
            req("owner", OneOf(&["member", "coach"])),
            opt("due_at", Time),
            opt("done_at", Time),
            // Checked off by the member from a reply (plain ids, as above).
            opt("done_by", Id),
            opt("done_reply_id", Id),
        ],
        "shares" => &[
            req("session_id", Ref("sessions")),
            req("kind", OneOf(&["agenda", "recap"])),
            req("recipients", Text(check_recipients)),
            req("transport", OneOf(&["outbox", "smtp", "sendmail"])),
            req("message_id", Text(|t| non_empty_line("message id", t))),
            opt("in_reply_to", Text(|t| non_empty_line("message id", t))),
            // A send in progress belongs to the process making it: it
            // cannot arrive in a file.
            req("outcome", OneOf(&["sent", "failed"])),
            req("temporary", Int(0, 1)),
            opt("detail", Text(check_detail)),
            opt("finished_at", Time),
            opt("event_start", Time),
            opt("event_sequence", Int(0, 1_000_000)),
        ],
        "replies" => &[
            req("message_id", Text(|t| non_empty_line("message id", t))),
            req("share_id", Ref("shares")),
            req("kind", OneOf(&["agenda", "recap"])),
            req("session_id", Ref("sessions")),
            req("sent_at", Time),
        ],
        _ => return None,
    };
    let mut all = RECORD.to_vec();
    all.extend_from_slice(own);
    Some(all)
}

fn check_unit(unit: &str) -> Result<String> {
    metric::check_unit(unit)?.ok_or_else(|| Error::input("an empty unit is stored as null"))
}

fn non_empty_line(what: &str, text: &str) -> Result<String> {
    let line = member::check_line(what, text)?;
    if line.is_empty() {
        return Err(Error::input(format!("the {what} is empty")));
    }
    Ok(line)
}

/// A share's recipients: a JSON array of email addresses.
fn check_recipients(text: &str) -> Result<String> {
    let list: Vec<String> = serde_json::from_str(text)
        .map_err(|_| Error::input("the recipients are not a JSON list of addresses"))?;
    for address in &list {
        member::check_email(address)?;
    }
    Ok(text.to_string())
}

/// A share's detail (the server's answer, or the reason of a failure):
/// text without control characters other than line breaks and tabs.
fn check_detail(text: &str) -> Result<String> {
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Error::input("the detail contains a control character"));
    }
    if text.chars().count() > 10_000 {
        return Err(Error::input("the detail is longer than 10000 characters"));
    }
    Ok(text.to_string())
}

/// Whether `text` is a record id as coach writes them.
pub(super) fn is_id(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Checks one value of a row against its column's rule; returns the value
/// to store (text normalised as the command would). The error is the
/// reason alone; the caller names the row and the field.
pub(super) fn value(column: &Column, value: Option<&Json>) -> Result<Value> {
    let value = match value {
        None | Some(Json::Null) if column.optional => return Ok(Value::Null),
        None => return Err(Error::input("is missing")),
        Some(Json::Null) => return Err(Error::input("cannot be null")),
        Some(v) => v,
    };
    match column.rule {
        Rule::Id | Rule::Ref(_) => {
            let text = text(value)?;
            if !is_id(text) {
                return Err(Error::input(format!(
                    "\"{}\" is not an id (32 lowercase hex digits)",
                    shorten(text)
                )));
            }
            Ok(Value::Text(text.to_string()))
        }
        Rule::Sha256 => {
            let text = text(value)?;
            if !attachment::is_sha256(text) {
                return Err(Error::input(format!(
                    "\"{}\" is not a SHA-256 (64 lowercase hex digits)",
                    shorten(text)
                )));
            }
            Ok(Value::Text(text.to_string()))
        }
        Rule::Time => {
            let text = text(value)?;
            when::from_storage(text).map_err(|_| {
                Error::input(format!(
                    "\"{}\" is not a time in the form 2026-12-01T09:00:00.000Z",
                    shorten(text)
                ))
            })?;
            Ok(Value::Text(text.to_string()))
        }
        Rule::OneOf(allowed) => {
            let text = text(value)?;
            if !allowed.contains(&text) {
                return Err(Error::input(format!(
                    "\"{}\" is not one of {}",
                    shorten(text),
                    allowed.join(", ")
                )));
            }
            Ok(Value::Text(text.to_string()))
        }
        Rule::Text(check) => Ok(Value::Text(check(text(value)?)?)),
        Rule::Int(min, max) => match value.as_i64() {
            Some(n) if (min..=max).contains(&n) => Ok(Value::Integer(n)),
            _ => Err(Error::input(format!(
                "{} is not a whole number from {min} to {max}",
                shorten(&value.to_string())
            ))),
        },
        Rule::Real => match value.as_f64() {
            Some(n) if n.is_finite() => Ok(Value::Real(n)),
            _ => Err(Error::input(format!(
                "{} is not a number",
                shorten(&value.to_string())
            ))),
        },
    }
}

fn text(value: &Json) -> Result<&str> {
    value
        .as_str()
        .ok_or_else(|| Error::input(format!("{} is not a text", shorten(&value.to_string()))))
}

/// A value as quoted in an error: at most 40 characters, escaped, so a
/// crafted value cannot flood or drive the terminal.
fn shorten(text: &str) -> String {
    let mut short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short.escape_debug().to_string()
}
