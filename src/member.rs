//! Team members: the people a coach holds 1:1s with.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use crate::store::{new_id, normalize_prefix, time_at, Tx};
use crate::{text, Error, Result};

/// A team member.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub id: String,
    pub short_id: String,
    pub name: String,
    pub email: Option<String>,
    pub team: Option<String>,
    /// Their time zone (an IANA name); `None`: the coach's.
    pub timezone: Option<String>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What `member add` and `member edit` may set. `None` leaves a field as it
/// is; `Some("")` clears an optional field.
#[derive(Debug, Default, Clone)]
pub struct Fields {
    pub name: Option<String>,
    pub email: Option<String>,
    pub team: Option<String>,
    /// An IANA time zone name.
    pub timezone: Option<String>,
}

const COLUMNS: &str = "id, name, email, team, archived_at, created_at, updated_at, timezone";

/// Adds a member.
pub fn add(tx: &Tx<'_>, fields: Fields) -> Result<Member> {
    let name = check_name(fields.name.as_deref().unwrap_or_default())?;
    let email = optional(fields.email)
        .map(|e| check_email(&e))
        .transpose()?;
    let team = optional(fields.team)
        .map(|t| check_line("team", &t))
        .transpose()?;
    let timezone = optional(fields.timezone)
        .map(|z| check_zone(&z))
        .transpose()?;
    ensure_unique(tx, None, &name, email.as_deref())?;
    let id = new_id();
    let now = tx.now_text();
    tx.prepare_cached(
        "INSERT INTO members (id, name, email, team, author, created_at, updated_at, timezone)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
    )?
    .execute(rusqlite::params![
        id,
        name,
        email,
        team,
        tx.me(),
        now,
        timezone
    ])?;
    get(tx, &id)
}

/// A time zone as stored: its IANA name, as the database spells it.
pub fn check_zone(name: &str) -> Result<String> {
    crate::zone::parse(name).map(|tz| tz.name().to_string())
}

/// The zone emails to the member `id` show their times in: the member's
/// own, else the coach's.
pub fn zone_of(tx: &Tx<'_>, id: &str) -> Result<chrono_tz::Tz> {
    let own: Option<String> = tx
        .prepare_cached("SELECT timezone FROM members WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .flatten();
    crate::zone::member(tx, own.as_deref())
}

/// Changes a member's name, email, team or time zone.
pub fn edit(tx: &Tx<'_>, member: &Member, fields: Fields) -> Result<Member> {
    let name = match fields.name {
        Some(name) => check_name(&name)?,
        None => member.name.clone(),
    };
    let email = match fields.email {
        Some(email) => optional(Some(email)).map(|e| check_email(&e)).transpose()?,
        None => member.email.clone(),
    };
    let team = match fields.team {
        Some(team) => optional(Some(team))
            .map(|t| check_line("team", &t))
            .transpose()?,
        None => member.team.clone(),
    };
    let timezone = match fields.timezone {
        Some(zone) => optional(Some(zone)).map(|z| check_zone(&z)).transpose()?,
        None => member.timezone.clone(),
    };
    ensure_unique(tx, Some(&member.id), &name, email.as_deref())?;
    tx.prepare_cached(
        "UPDATE members SET name = ?2, email = ?3, team = ?4, timezone = ?6, updated_at = ?5
             WHERE id = ?1",
    )?
    .execute(rusqlite::params![
        member.id,
        name,
        email,
        team,
        tx.now_text(),
        timezone
    ])?;
    get(tx, &member.id)
}

/// Archives a member (or brings them back with `archived = false`): they
/// leave the lists and the picker, their history stays.
pub fn set_archived(tx: &Tx<'_>, member: &Member, archived: bool) -> Result<Member> {
    let now = tx.now_text();
    let archived_at = archived.then_some(now.as_str());
    tx.prepare_cached("UPDATE members SET archived_at = ?2, updated_at = ?3 WHERE id = ?1")?
        .execute(rusqlite::params![member.id, archived_at, now])?;
    get(tx, &member.id)
}

/// The member with this full id.
pub fn get(tx: &Tx<'_>, id: &str) -> Result<Member> {
    let sql = format!("SELECT {COLUMNS} FROM members WHERE id = ?1 AND deleted_at IS NULL");
    let mut stmt = tx.prepare_cached(&sql)?;
    let member = stmt
        .query_row([id], from_row)
        .map_err(|_| Error::input(format!("no member has the id {id}")))?;
    with_short_id(tx, member)
}

/// Every member, by name; archived ones only with `include_archived`.
pub fn list(tx: &Tx<'_>, include_archived: bool) -> Result<Vec<Member>> {
    list_without_short_ids(tx, include_archived)?
        .into_iter()
        .map(|m| with_short_id(tx, m))
        .collect()
}

/// [`list`] with `short_id` left empty. A short id costs two index
/// lookups, so code that only matches or checks names (resolving what the
/// user typed, uniqueness, completing names) computes it only for the
/// members it shows.
pub fn list_without_short_ids(tx: &Tx<'_>, include_archived: bool) -> Result<Vec<Member>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM members WHERE deleted_at IS NULL AND (?1 OR archived_at IS NULL)
         ORDER BY name COLLATE NOCASE, created_at"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows = stmt.query_map([include_archived], from_row)?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Members whose name, email or team contains `query`, ignoring case.
pub fn search(tx: &Tx<'_>, query: &str, include_archived: bool) -> Result<Vec<Member>> {
    let needle = text::fold(query.trim());
    list_without_short_ids(tx, include_archived)?
        .into_iter()
        .filter(|m| {
            [Some(&m.name), m.email.as_ref(), m.team.as_ref()]
                .into_iter()
                .flatten()
                .any(|field| text::fold(field).contains(&needle))
        })
        .map(|m| with_short_id(tx, m))
        .collect()
}

/// Active members, the most recently coached first, then the others by name:
/// the order of the `session new` picker.
pub fn recently_coached_first(tx: &Tx<'_>) -> Result<Vec<Member>> {
    let mut stmt = tx.prepare_cached(
        "SELECT m.id, max(s.held_at) AS last FROM members m
         LEFT JOIN sessions s ON s.member_id = m.id AND s.deleted_at IS NULL
         WHERE m.deleted_at IS NULL AND m.archived_at IS NULL
         GROUP BY m.id ORDER BY last IS NULL, last DESC, m.name COLLATE NOCASE",
    )?;
    let ids = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    ids.iter().map(|id| get(tx, id)).collect()
}

/// Finds the member a user means by `query`: an email, a name (ignoring
/// case; a unique prefix of the name or of one of its words is enough), or
/// a prefix of the id. Several matches are an error listing them.
pub fn resolve(tx: &Tx<'_>, query: &str) -> Result<Member> {
    let wanted = text::fold(query.trim());
    if wanted.is_empty() {
        return Err(Error::input("no member given").with_hint("name a member, e.g. \"Alex Kim\""));
    }
    let everyone = candidates(tx)?;
    let exact: Vec<&Candidate> = everyone
        .iter()
        .filter(|m| {
            text::fold(&m.name) == wanted
                || m.email.as_deref().map(text::fold).as_deref() == Some(wanted.as_str())
        })
        .collect();
    if let [one] = exact.as_slice() {
        return get(tx, &one.id);
    }
    let id_prefix = normalize_prefix(&wanted).filter(|p| p.len() >= 4);
    let matches: Vec<&Candidate> = everyone
        .iter()
        .filter(|m| {
            name_begins_with_folded(&m.name, &wanted)
                || id_prefix.as_deref().is_some_and(|p| m.id.starts_with(p))
        })
        .collect();
    // Active members win over archived ones with the same match.
    let active: Vec<&Candidate> = matches.iter().copied().filter(|m| !m.archived).collect();
    let matches = if active.is_empty() { matches } else { active };
    match matches.as_slice() {
        [one] => get(tx, &one.id),
        [] => Err(not_found(query, &everyone)),
        many => {
            let mut listed = Vec::with_capacity(many.len());
            for m in many.iter().take(crate::store::MAX_CANDIDATES) {
                listed.push(format!("{} ({})", m.name, tx.short_id("members", &m.id)?));
            }
            Err(
                crate::store::ambiguous(query, "members", &listed, many.len() as u64)
                    .with_hint("type more of the name, the email, or the id"),
            )
        }
    }
}

/// What resolving reads of every member. Whole rows (times, team, zone)
/// were most of resolving's cost; the one found is read by its id.
struct Candidate {
    id: String,
    name: String,
    email: Option<String>,
    archived: bool,
}

/// Every member, archived ones too, by name.
fn candidates(tx: &Tx<'_>) -> Result<Vec<Candidate>> {
    let mut stmt = tx.prepare_cached(
        "SELECT id, name, email, archived_at IS NOT NULL FROM members WHERE deleted_at IS NULL
         ORDER BY name COLLATE NOCASE, created_at",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Candidate {
            id: r.get(0)?,
            name: r.get(1)?,
            email: r.get(2)?,
            archived: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}

fn not_found(query: &str, everyone: &[Candidate]) -> Error {
    let err = Error::input(format!("no member matches \"{query}\""));
    let wanted = text::fold(query);
    let closest = everyone
        .iter()
        .map(|m| {
            let name = text::fold(&m.name);
            let best_word = name
                .split_whitespace()
                .map(|w| strsim::jaro_winkler(&wanted, w))
                .fold(0.0, f64::max);
            (strsim::jaro_winkler(&wanted, &name).max(best_word), m)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match closest {
        Some((score, m)) if score >= 0.75 => err.with_hint(format!("did you mean \"{}\"?", m.name)),
        _ if everyone.is_empty() => {
            err.with_hint("add one with: coach member add \"NAME\" --email EMAIL")
        }
        _ => err.with_hint("`coach member list` shows everyone"),
    }
}

fn ensure_unique(tx: &Tx<'_>, except: Option<&str>, name: &str, email: Option<&str>) -> Result<()> {
    for other in list_without_short_ids(tx, true)? {
        if Some(other.id.as_str()) == except {
            continue;
        }
        if text::name_key(&other.name) == text::name_key(name) {
            return Err(Error::input(format!(
                "there is already a member named \"{}\"",
                other.name
            ))
            .with_hint("give a name that tells them apart, e.g. with a last initial"));
        }
        if let (Some(a), Some(b)) = (email, other.email.as_deref()) {
            if a.eq_ignore_ascii_case(b) {
                return Err(Error::input(format!(
                    "{} already has the email {b}",
                    other.name
                )));
            }
        }
    }
    Ok(())
}

/// Whether `typed` is the beginning of `name` or of one of its words,
/// ignoring case and accents: what resolving a MEMBER accepts, and what
/// completion offers (`al` and `ál` both find "Álvaro" and "Alex Kim").
pub fn name_begins_with(name: &str, typed: &str) -> bool {
    name_begins_with_folded(name, &text::fold(typed))
}

fn name_begins_with_folded(name: &str, wanted: &str) -> bool {
    let name = text::fold(name);
    name.starts_with(wanted) || name.split_whitespace().any(|word| word.starts_with(wanted))
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Member> {
    Ok(Member {
        id: row.get(0)?,
        short_id: String::new(),
        name: row.get(1)?,
        email: row.get(2)?,
        team: row.get(3)?,
        archived: row.get::<_, Option<String>>(4)?.is_some(),
        created_at: time_at(row, 5)?,
        updated_at: time_at(row, 6)?,
        timezone: row.get(7)?,
    })
}

fn with_short_id(tx: &Tx<'_>, mut member: Member) -> Result<Member> {
    member.short_id = tx.short_id("members", &member.id)?;
    Ok(member)
}

fn optional(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// A member's name: one line, NFC, at most [`text::MAX_NAME`] characters.
pub(crate) fn check_name(name: &str) -> Result<String> {
    let name = text::check_name("name", name, text::MAX_NAME)?;
    if name.is_empty() {
        return Err(Error::input("a member needs a name"));
    }
    Ok(name)
}

pub use crate::text::check_line;

/// Checks the shape of an email address: one `@`, something on both sides,
/// no spaces or control characters. (Delivery is the only real check.)
pub fn check_email(email: &str) -> Result<String> {
    let email = email.trim();
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !email
                    .chars()
                    .any(|c| c.is_whitespace() || text::is_unsafe(c) || "<>(),;:\"[]\\".contains(c))
                // What is accepted can be sent to: the mail library takes it.
                && email.parse::<lettre::Address>().is_ok()
        }
        None => false,
    };
    if valid {
        Ok(email.to_string())
    } else {
        Err(Error::input(format!(
            "\"{}\" is not an email address",
            email.escape_debug()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_for_shape() {
        assert!(check_email("alex@example.com").is_ok());
        for bad in [
            "alex",
            "alex@",
            "@example.com",
            "a b@example.com",
            "a@b@c.com",
            "a@example",
            "x@y.com\r\nBcc: z@w.com",
            "alex@example..com",
            "alex@-example.com",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }
}
