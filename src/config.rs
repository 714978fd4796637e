//! Settings, stored in the database like `git config` stores them in a file.
//!
//! Every key is declared in [`KEYS`] with its help and the shape of its
//! value, so a typo is an error with a suggestion rather than a setting that
//! silently does nothing, and completion can offer the keys.

use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use chrono_tz::Tz;
use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::store::Tx;
use crate::{Error, Result};

/// The shape of a setting's value.
#[derive(Debug, Clone, Copy)]
pub enum ValueKind {
    /// Any single line of text.
    Text,
    /// An email address.
    Email,
    /// `true` or `false` (also yes/no, on/off, 1/0).
    Bool,
    /// A whole number in a range.
    Number { min: u64, max: u64 },
    /// A size in bytes, with an optional unit: `500K`, `25MiB`, `1G`.
    Size,
    /// One of a fixed set of words.
    OneOf(&'static [&'static str]),
    /// An IANA time zone name, such as `America/Chicago`.
    TimeZone,
    /// How often: `off`, `weekly`, `monthly`, or a count with a unit
    /// (`10d`, `2w`, `3m`).
    Period,
}

/// A known setting.
#[derive(Debug)]
pub struct Key {
    pub name: &'static str,
    pub help: &'static str,
    pub kind: ValueKind,
    pub default: Option<&'static str>,
}

const fn key(
    name: &'static str,
    kind: ValueKind,
    default: Option<&'static str>,
    help: &'static str,
) -> Key {
    Key {
        name,
        help,
        kind,
        default,
    }
}

/// Every setting coach knows.
pub const KEYS: &[Key] = &[
    key("user.name", ValueKind::Text, None, "Your name, as the coach (set by `coach init`)"),
    key("user.email", ValueKind::Email, None, "Your email address (set by `coach init`)"),
    key(
        "user.timezone",
        ValueKind::TimeZone,
        None,
        "Your time zone, an IANA name such as America/Chicago: dates you type are read in it [default: the system's]",
    ),
    key(
        "session.default-title",
        ValueKind::Text,
        Some("Weekly check-in"),
        "The title of a new session when --title is not given",
    ),
    key(
        "session.kudos-window",
        ValueKind::Number { min: 0, max: 365 },
        Some("7"),
        "`coach kudos MEMBER` goes into the member's open session only when it is dated within this many days of now",
    ),
    key(
        "session.duration",
        ValueKind::Number { min: 5, max: 480 },
        Some("30"),
        "How long a 1:1 lasts, in minutes: the length of the calendar invite in the agenda email",
    ),
    key(
        "feedback.positive-rating",
        ValueKind::Number { min: 1, max: 5 },
        Some("4"),
        "A feedback rating at or above this counts as positive",
    ),
    key(
        "qa.positive-score",
        ValueKind::Number { min: 0, max: 100 },
        Some("80"),
        "A QA score at or above this counts as positive",
    ),
    key(
        "metric.lower-is-better",
        ValueKind::Text,
        None,
        "Metrics where lower is better, comma-separated (e.g. \"AHT, Hold time\"): their target is a maximum",
    ),
    key(
        "team.cadence-days",
        ValueKind::Number { min: 1, max: 365 },
        Some("7"),
        "Days between two 1:1s you aim for: `coach team` marks a member due once this many days have passed",
    ),
    key(
        "attachments.max-size",
        ValueKind::Size,
        Some("25MiB"),
        "The largest file `coach attach` accepts",
    ),
    key(
        "mail.transport",
        ValueKind::OneOf(&["outbox", "smtp", "sendmail"]),
        Some("outbox"),
        "How shared sessions are sent: an outbox folder, SMTP or sendmail",
    ),
    key(
        "mail.cc-me",
        ValueKind::Bool,
        Some("false"),
        "Send yourself a copy (Cc) of every agenda and recap",
    ),
    key(
        "mail.max-attachments-size",
        ValueKind::Size,
        Some("10MiB"),
        "Above this total, attachments are listed by name instead of attached",
    ),
    key("mail.smtp.host", ValueKind::Text, None, "The SMTP server's host name"),
    key(
        "mail.smtp.port",
        ValueKind::Number { min: 1, max: 65535 },
        Some("587"),
        "The SMTP server's port",
    ),
    key(
        "mail.smtp.tls",
        ValueKind::OneOf(&["starttls", "tls", "none"]),
        Some("starttls"),
        "starttls, tls (implicit, port 465) or none (localhost only)",
    ),
    key(
        "mail.smtp.ca-file",
        ValueKind::Text,
        None,
        "A PEM certificate to trust in addition to the system's, for a relay with its own CA",
    ),
    key(
        "mail.max-attempts",
        ValueKind::Number { min: 1, max: 100 },
        Some("5"),
        "How many times `share --pending` tries a recap or an agenda (and `share --digest --pending` a digest) that fails temporarily before it holds it back and reports it (until `--retry`)",
    ),
    key(
        "mail.claim-timeout",
        ValueKind::Number { min: 1, max: 1440 },
        Some("5"),
        "Minutes after which a send still in progress is taken to belong to a process that died (at once when its process is gone from this host)",
    ),
    key(
        "digest.every",
        ValueKind::Period,
        Some("off"),
        "How often `share --digest --pending` emails each team member their stream and trends: off, weekly, biweekly, monthly, quarterly, or e.g. 2w, 10d, 3m",
    ),
    key(
        "mail.smtp.timeout",
        ValueKind::Number { min: 1, max: 600 },
        Some("30"),
        "Seconds to wait for the SMTP server to connect and answer",
    ),
    key("mail.smtp.username", ValueKind::Text, None, "The SMTP user name, if the server needs one"),
    key(
        "mail.smtp.password-command",
        ValueKind::Text,
        None,
        "A command that prints the SMTP password (like msmtp's passwordeval); or set COACH_SMTP_PASSWORD",
    ),
    key(
        "inbox.maildir",
        ValueKind::Text,
        None,
        "The Maildir your replies are delivered to (what a bare `coach inbox` reads; a leading ~/ is your home folder): `coach status` counts the messages waiting in it",
    ),
    key(
        "mail.sendmail.path",
        ValueKind::Text,
        Some("/usr/sbin/sendmail"),
        "The sendmail binary used by the sendmail transport",
    ),
];

/// A setting and its value, as `config list` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub key: &'static str,
    pub value: String,
    /// True when the value is the default, not set in this database.
    pub default: bool,
}

/// The declaration of `name`, or an error that suggests the closest key.
pub fn find(name: &str) -> Result<&'static Key> {
    if let Some(key) = KEYS.iter().find(|k| k.name == name) {
        return Ok(key);
    }
    let mut err = Error::input(format!("there is no setting \"{name}\""));
    let closest = KEYS
        .iter()
        .map(|k| (strsim::jaro_winkler(name, k.name), k.name))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    err = match closest {
        Some((score, best)) if score > 0.8 => err.with_hint(format!("did you mean \"{best}\"?")),
        _ => err.with_hint("`coach config list --all` shows every setting"),
    };
    if name.contains("password") && !name.ends_with("command") {
        err = Error::input(format!(
            "there is no setting \"{name}\": passwords are never stored"
        ))
        .with_hint("set COACH_SMTP_PASSWORD or mail.smtp.password-command");
    }
    Err(err)
}

/// The value of `name` as `config get` shows it: set in the database (as
/// stored), else its default. Everything else reads [`Settings`].
pub fn get(tx: &Tx<'_>, name: &str) -> Result<Option<String>> {
    let key = find(name)?;
    Ok(stored(tx, key.name)?.or_else(|| key.default.map(String::from)))
}

/// How shared sessions are sent (`mail.transport`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailTransport {
    Outbox,
    Smtp,
    Sendmail,
}

/// The settings of the database, read once per command ([`Settings::of`])
/// and read only through their typed accessors: the default of each comes
/// from its declaration in [`KEYS`], and a stored value that is not of its
/// key's shape (a file edited by hand) is an error naming the key, never
/// read as some default.
#[derive(Debug, Default)]
pub struct Settings {
    stored: HashMap<String, String>,
}

impl Settings {
    /// The settings, read at the first call in a transaction.
    pub fn of(tx: &Tx<'_>) -> Result<Rc<Settings>> {
        tx.memo(|tx| {
            let mut stored = HashMap::new();
            tx.each_row("SELECT key, value FROM config", &[], |row| {
                stored.insert(row.get(0)?, row.get(1)?);
                Ok(())
            })?;
            Ok(Settings { stored })
        })
    }

    /// `user.name`: the coach's name.
    pub fn user_name(&self) -> Result<Option<String>> {
        self.optional("user.name")
    }

    /// `user.email`: the coach's address.
    pub fn user_email(&self) -> Result<Option<String>> {
        self.optional("user.email")
    }

    /// `user.timezone`: the coach's zone, when set.
    pub fn time_zone(&self) -> Result<Option<Tz>> {
        self.optional("user.timezone")?
            .map(|name| crate::zone::parse(&name))
            .transpose()
    }

    /// `session.default-title`.
    pub fn default_title(&self) -> Result<String> {
        self.required("session.default-title")
    }

    /// `session.kudos-window`, in days.
    pub fn kudos_window_days(&self) -> Result<u64> {
        self.number("session.kudos-window")
    }

    /// `session.duration`, in minutes: the length of a calendar invite.
    pub fn session_minutes(&self) -> Result<u64> {
        self.number("session.duration")
    }

    /// `feedback.positive-rating`.
    pub fn positive_rating(&self) -> Result<u64> {
        self.number("feedback.positive-rating")
    }

    /// `qa.positive-score`.
    pub fn positive_qa_score(&self) -> Result<u64> {
        self.number("qa.positive-score")
    }

    /// `metric.lower-is-better`, as written (names separated by commas).
    pub fn lower_is_better(&self) -> Result<Option<String>> {
        self.optional("metric.lower-is-better")
    }

    /// `team.cadence-days`.
    pub fn cadence_days(&self) -> Result<u64> {
        self.number("team.cadence-days")
    }

    /// `attachments.max-size`, in bytes.
    pub fn attachment_max_size(&self) -> Result<u64> {
        self.size("attachments.max-size")
    }

    /// `mail.transport`.
    pub fn mail_transport(&self) -> Result<MailTransport> {
        Ok(match self.required("mail.transport")?.as_str() {
            "smtp" => MailTransport::Smtp,
            "sendmail" => MailTransport::Sendmail,
            "outbox" => MailTransport::Outbox,
            other => {
                return Err(Error::internal(format!(
                    "mail.transport {other} is not declared"
                )))
            }
        })
    }

    /// `mail.cc-me`.
    pub fn cc_me(&self) -> Result<bool> {
        let value = self.required("mail.cc-me")?;
        Ok(parse_bool(&value) == Some(true))
    }

    /// `mail.max-attachments-size`, in bytes.
    pub fn max_attachments_size(&self) -> Result<u64> {
        self.size("mail.max-attachments-size")
    }

    /// `mail.smtp.host`.
    pub fn smtp_host(&self) -> Result<Option<String>> {
        self.optional("mail.smtp.host")
    }

    /// `mail.smtp.port`.
    pub fn smtp_port(&self) -> Result<u16> {
        let port = self.number("mail.smtp.port")?;
        u16::try_from(port).map_err(|_| Error::internal("mail.smtp.port is declared up to 65535"))
    }

    /// `mail.smtp.tls`.
    pub fn smtp_tls(&self) -> Result<crate::mail::TlsMode> {
        self.required("mail.smtp.tls")?.parse()
    }

    /// `mail.smtp.ca-file`.
    pub fn smtp_ca_file(&self) -> Result<Option<PathBuf>> {
        Ok(self.optional("mail.smtp.ca-file")?.map(PathBuf::from))
    }

    /// `mail.smtp.timeout` (seconds).
    pub fn smtp_timeout(&self) -> Result<Duration> {
        Ok(Duration::from_secs(self.number("mail.smtp.timeout")?))
    }

    /// `mail.smtp.username`.
    pub fn smtp_username(&self) -> Result<Option<String>> {
        self.optional("mail.smtp.username")
    }

    /// `mail.smtp.password-command`.
    pub fn smtp_password_command(&self) -> Result<Option<String>> {
        self.optional("mail.smtp.password-command")
    }

    /// `mail.sendmail.path`.
    pub fn sendmail_path(&self) -> Result<PathBuf> {
        Ok(PathBuf::from(self.required("mail.sendmail.path")?))
    }

    /// `mail.max-attempts`.
    pub fn max_attempts(&self) -> Result<u64> {
        self.number("mail.max-attempts")
    }

    /// `digest.every`: how often `share --digest --pending` sends.
    pub fn digest_every(&self) -> Result<crate::digest::Every> {
        let text = self.required("digest.every")?;
        crate::digest::Every::parse(&text)
            .ok_or_else(|| Error::internal("digest.every was checked on the way in"))
    }

    /// `mail.claim-timeout` (minutes).
    pub fn claim_timeout(&self) -> Result<Duration> {
        Ok(Duration::from_secs(
            self.number("mail.claim-timeout")?.saturating_mul(60),
        ))
    }

    /// The value of `name` in its normal form: stored, else its default.
    fn optional(&self, name: &str) -> Result<Option<String>> {
        let key = find(name).map_err(|_| Error::internal(format!("{name} is not declared")))?;
        let Some(value) = self.stored.get(key.name) else {
            return Ok(key.default.map(String::from));
        };
        normalize(key, value).map(Some).map_err(|expected| {
            Error::database(format!(
                "the setting {} holds \"{}\", which is not {expected}",
                key.name,
                crate::text::escape(value)
            ))
            .with_hint(format!(
                "set it with: coach config set {} VALUE (or unset it for the default)",
                key.name
            ))
        })
    }

    /// The value of a setting declared with a default.
    fn required(&self, name: &str) -> Result<String> {
        self.optional(name)?
            .ok_or_else(|| Error::internal(format!("the setting {name} has no default")))
    }

    fn number(&self, name: &str) -> Result<u64> {
        self.required(name)?
            .parse()
            .map_err(|_| Error::internal(format!("the setting {name} is not declared a number")))
    }

    fn size(&self, name: &str) -> Result<u64> {
        parse_size(&self.required(name)?)
    }
}

/// Sets `name` to `value` after checking it; returns the value as stored.
pub fn set(tx: &Tx<'_>, name: &str, value: &str) -> Result<String> {
    let key = find(name)?;
    let value = check(key, value)?;
    tx.forget::<Settings>();
    tx.prepare_cached(
        "INSERT INTO config (key, value, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )?
    .execute([key.name, value.as_str(), tx.now_text().as_str()])?;
    Ok(value)
}

/// Removes `name` from the database; returns whether it was set.
pub fn unset(tx: &Tx<'_>, name: &str) -> Result<bool> {
    let key = find(name)?;
    tx.forget::<Settings>();
    Ok(tx.execute("DELETE FROM config WHERE key = ?1", [key.name])? > 0)
}

/// Every setting that has a value; with `all`, every known setting.
pub fn list(tx: &Tx<'_>, all: bool) -> Result<Vec<Entry>> {
    let mut entries = Vec::new();
    for key in KEYS {
        let stored = stored(tx, key.name)?;
        let default = stored.is_none();
        match stored.or_else(|| key.default.map(String::from)) {
            Some(value) => entries.push(Entry {
                key: key.name,
                value,
                default,
            }),
            None if all => entries.push(Entry {
                key: key.name,
                value: String::new(),
                default: true,
            }),
            None => {}
        }
    }
    Ok(entries)
}

fn stored(tx: &Tx<'_>, name: &str) -> Result<Option<String>> {
    let mut stmt = tx.prepare_cached("SELECT value FROM config WHERE key = ?1")?;
    Ok(stmt.query_row([name], |r| r.get(0)).optional()?)
}

/// Checks `value` against the key's shape and returns its normal form.
fn check(key: &Key, value: &str) -> Result<String> {
    normalize(key, value).map_err(|expected| {
        Error::input(format!(
            "\"{}\" is not a valid value for {}: expected {expected}",
            crate::text::escape(value.trim()),
            key.name
        ))
    })
}

/// The normal form of `value` for `key`, or what was expected instead.
fn normalize(key: &Key, value: &str) -> Result<String, String> {
    let value = value.trim();
    if value.chars().any(crate::text::is_unsafe) {
        return Err("a single line of text without control characters".into());
    }
    let fits = |ok: bool, expected: &str| {
        if ok {
            Ok(value.to_string())
        } else {
            Err(expected.to_string())
        }
    };
    match key.kind {
        ValueKind::Text => fits(!value.is_empty(), "some text"),
        ValueKind::Email => {
            crate::member::check_email(value).map_err(|_| "an email address".to_string())
        }
        ValueKind::Bool => parse_bool(value)
            .map(|b| b.to_string())
            .ok_or_else(|| "true or false".to_string()),
        ValueKind::Number { min, max } => match value.parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n.to_string()),
            _ => Err(format!("a whole number from {min} to {max}")),
        },
        ValueKind::Size => fits(
            parse_size(value).is_ok(),
            "a size such as 500K, 25MiB or 1G",
        ),
        ValueKind::TimeZone => crate::zone::parse(value)
            .map(|tz| tz.name().to_string())
            .map_err(|_| "an IANA time zone such as America/Chicago or Europe/Paris".to_string()),
        ValueKind::Period => crate::digest::Every::parse(value)
            .map(|_| value.to_ascii_lowercase())
            .ok_or_else(|| {
                "off, weekly, biweekly, monthly, quarterly, or a count with d, w or m such as 2w"
                    .to_string()
            }),
        ValueKind::OneOf(words) => {
            let lower = value.to_ascii_lowercase();
            if words.contains(&lower.as_str()) {
                Ok(lower)
            } else {
                Err(format!("one of {}", words.join(", ")))
            }
        }
    }
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Some(true),
        "false" | "no" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// Parses a size: a whole number of bytes with an optional binary unit
/// (K, M, G, with or without "iB"/"B"; 1K = 1024 bytes).
pub fn parse_size(text: &str) -> Result<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => 0,
    };
    number
        .parse::<u64>()
        .ok()
        .filter(|_| factor > 0)
        .and_then(|n| n.checked_mul(factor))
        .ok_or_else(|| {
            Error::input(format!(
                "\"{text}\" is not a size such as 500K, 25MiB or 1G"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Defaults live in [`KEYS`] only; where the help text of a command
    /// names a setting and its default, it names the declared one.
    #[test]
    fn help_that_names_a_default_names_the_declared_one() {
        fn texts(command: &clap::Command, out: &mut Vec<String>) {
            let helps = [command.get_about(), command.get_long_about()]
                .into_iter()
                .chain(
                    command
                        .get_arguments()
                        .flat_map(|a| [a.get_help(), a.get_long_help()]),
                )
                .flatten();
            out.extend(helps.map(ToString::to_string));
            for sub in command.get_subcommands() {
                texts(sub, out);
            }
        }
        let mut helps = Vec::new();
        texts(&crate::cli::command(), &mut helps);
        let mut checked = 0;
        for help in &helps {
            let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
            for key in KEYS {
                let Some(default) = key.default else { continue };
                for (at, _) in help.match_indices(key.name) {
                    let after: String = help[at + key.name.len()..].chars().take(40).collect();
                    if after.contains("default") {
                        checked += 1;
                        assert!(
                            after.contains(default),
                            "the help says {}{after}, but its default is {default}",
                            key.name
                        );
                    }
                }
            }
        }
        assert!(checked >= 4, "the help names defaults: {checked}");
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(parse_size("25MiB").expect("size"), 25 << 20);
        assert_eq!(parse_size("500k").expect("size"), 500 << 10);
        assert_eq!(parse_size("1024").expect("size"), 1024);
        assert!(parse_size("12 parsecs").is_err());
        assert!(parse_size("99999999999999999999G").is_err());
    }

    #[test]
    fn every_default_is_a_valid_value() {
        for key in KEYS {
            if let Some(default) = key.default {
                assert!(check(key, default).is_ok(), "{} default", key.name);
            }
        }
    }

    #[test]
    fn every_setting_read_is_declared_with_its_default() {
        // Nothing stored: each accessor answers from the declaration alone.
        let s = Settings::default();
        assert_eq!(s.default_title().expect("title"), "Weekly check-in");
        assert_eq!(s.kudos_window_days().expect("window"), 7);
        assert_eq!(s.positive_rating().expect("rating"), 4);
        assert_eq!(s.positive_qa_score().expect("score"), 80);
        assert_eq!(s.cadence_days().expect("cadence"), 7);
        assert_eq!(s.attachment_max_size().expect("size"), 25 << 20);
        assert_eq!(s.max_attachments_size().expect("size"), 10 << 20);
        assert_eq!(
            s.mail_transport().expect("transport"),
            MailTransport::Outbox
        );
        assert!(!s.cc_me().expect("cc"));
        assert_eq!(s.smtp_port().expect("port"), 587);
        assert_eq!(s.smtp_tls().expect("tls"), crate::mail::TlsMode::StartTls);
        assert_eq!(s.smtp_timeout().expect("timeout"), Duration::from_secs(30));
        assert_eq!(s.claim_timeout().expect("claim"), Duration::from_secs(300));
        assert_eq!(s.max_attempts().expect("attempts"), 5);
        assert_eq!(
            s.sendmail_path().expect("sendmail"),
            PathBuf::from("/usr/sbin/sendmail")
        );
        for unset in [
            s.user_name(),
            s.user_email(),
            s.lower_is_better(),
            s.smtp_host(),
            s.smtp_username(),
            s.smtp_password_command(),
        ] {
            assert_eq!(unset.expect("declared"), None);
        }
        assert!(s.time_zone().expect("declared").is_none());
        assert!(s.smtp_ca_file().expect("declared").is_none());
    }

    #[test]
    fn a_bad_stored_value_is_an_error_naming_the_key() {
        for (key, value) in [
            ("mail.cc-me", "maybe"),
            ("session.kudos-window", "-3"),
            ("mail.smtp.timeout", "30s"),
            ("mail.smtp.tls", "ssl"),
            ("attachments.max-size", "big"),
            ("user.timezone", "Mars/Olympus"),
        ] {
            let s = Settings {
                stored: HashMap::from([(key.to_string(), value.to_string())]),
            };
            let err = match key {
                "mail.cc-me" => s.cc_me().map(|_| ()),
                "session.kudos-window" => s.kudos_window_days().map(|_| ()),
                "mail.smtp.timeout" => s.smtp_timeout().map(|_| ()),
                "mail.smtp.tls" => s.smtp_tls().map(|_| ()),
                "attachments.max-size" => s.attachment_max_size().map(|_| ()),
                _ => s.time_zone().map(|_| ()),
            }
            .expect_err(key);
            assert_eq!(err.kind(), crate::ErrorKind::Database, "{key}");
            assert!(err.to_string().contains(key), "{key}: {err}");
            assert!(err.to_string().contains(value), "{key}: {err}");
        }
    }

    #[test]
    fn a_typo_suggests_the_key() {
        let err = find("mail.tranport").expect_err("unknown");
        assert_eq!(err.hint(), Some("did you mean \"mail.transport\"?"));
    }
}
