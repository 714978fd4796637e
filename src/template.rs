//! Templates for recurring check-ins: a session title and agenda notes.
//!
//! `session new MEMBER --template NAME` starts a session with the
//! template's title and its agenda as the first shared notes. The agenda is
//! Markdown; a top-level thematic break (a `---` line after a blank line)
//! separates one note from the next, so each talking point can be its own
//! note, edited or removed on its own. An agenda without one is one note.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use crate::member::check_line;
use crate::note::{self, Note, Visibility};
use crate::session::{self, Session};
use crate::store::{new_id, normalize_prefix, time_at, Record, Tx};
use crate::{Error, Result};

/// The longest template name, in characters: a word or a short phrase.
const MAX_NAME: usize = 40;

/// A template.
#[derive(Debug, Clone, Serialize)]
pub struct Template {
    pub id: String,
    pub short_id: String,
    /// What `--template` takes: unique, ignoring case.
    pub name: String,
    /// The title of the sessions started from it.
    pub title: String,
    /// The agenda, in Markdown; `None` for a title-only template.
    pub agenda: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT id, name, title, agenda, created_at, updated_at FROM templates";

/// Adds a template. The name must not be taken (ignoring case).
pub fn add(tx: &Tx<'_>, name: &str, title: &str, agenda: Option<&str>) -> Result<Template> {
    let name = check_name(name)?;
    let title = session::check_title(title)?;
    let agenda = agenda.map(note::check_body).transpose()?;
    if let Some(taken) = by_name(tx, &name)? {
        return Err(Error::input(format!(
            "there is already a template named \"{}\"",
            taken.name
        ))
        .with_hint(format!(
            "remove it first with: coach template rm \"{}\", or choose another name",
            taken.name
        )));
    }
    let id = new_id();
    tx.prepare_cached(
        "INSERT INTO templates (id, name, title, agenda, author, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)",
    )?
    .execute(rusqlite::params![
        id,
        name,
        title,
        agenda,
        tx.me(),
        tx.now_text()
    ])?;
    get(tx, &id)
}

/// The template with this full id.
pub fn get(tx: &Tx<'_>, id: &str) -> Result<Template> {
    let sql = format!("{SELECT} WHERE id = ?1 AND deleted_at IS NULL");
    let mut stmt = tx.prepare_cached(&sql)?;
    let template = stmt
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| Error::input(format!("no template has the id {id}")))?;
    with_short_id(tx, template)
}

impl Record for Template {
    const TABLES: &'static [&'static str] = &["templates"];
    const NOUN: &'static str = "template";
    const PLURAL: &'static str = "templates";
    const LIST_HINT: &'static str = "`coach template list` shows the templates";

    fn read(tx: &Tx<'_>, _: &'static str, id: &str) -> Result<Template> {
        get(tx, id)
    }
}

/// Every template, by name.
pub fn list(tx: &Tx<'_>) -> Result<Vec<Template>> {
    let sql = format!("{SELECT} WHERE deleted_at IS NULL ORDER BY name COLLATE NOCASE, id");
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows = stmt.query_map([], from_row)?;
    let templates = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    templates
        .into_iter()
        .map(|t| with_short_id(tx, t))
        .collect()
}

/// The template a user means: its name (ignoring case), else the beginning
/// of its id, else a unique beginning of its name. An unknown one suggests
/// the closest name.
pub fn resolve(tx: &Tx<'_>, query: &str) -> Result<Template> {
    if let Some(template) = by_name(tx, query.trim())? {
        return Ok(template);
    }
    if normalize_prefix(query).is_some_and(|p| p.len() >= 4) {
        if let Some(template) = tx.unique::<Template>(query)? {
            return Ok(template);
        }
    }
    let everyone = list(tx)?;
    let wanted = query.trim().to_lowercase();
    let starting: Vec<&Template> = everyone
        .iter()
        .filter(|t| !wanted.is_empty() && t.name.to_lowercase().starts_with(&wanted))
        .collect();
    match starting.as_slice() {
        [one] => return Ok((*one).clone()),
        [] => {}
        many => {
            return Err(Error::input(format!(
                "\"{query}\" matches several templates: {}",
                many.iter()
                    .map(|t| format!("\"{}\"", t.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .with_hint("type more of the name"))
        }
    }
    let err = Error::input(format!("there is no template \"{query}\""));
    let closest = everyone
        .iter()
        .map(|t| (strsim::jaro_winkler(&wanted, &t.name.to_lowercase()), t))
        .max_by(|a, b| a.0.total_cmp(&b.0));
    Err(match closest {
        Some((score, t)) if score >= 0.75 => err.with_hint(format!("did you mean \"{}\"?", t.name)),
        None => err.with_hint(
            "add one with: coach template add weekly --title \"Weekly check-in\" --agenda-file FILE",
        ),
        Some(_) => err.with_hint("`coach template list` shows the templates"),
    })
}

/// Deletes a template, leaving a tombstone; its name is free again.
/// Sessions started from it keep their title and notes.
pub fn remove(tx: &Tx<'_>, template: &Template) -> Result<()> {
    tx.prepare_cached("UPDATE templates SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1")?
        .execute(rusqlite::params![template.id, tx.now_text()])?;
    Ok(())
}

/// Adds the template's agenda to `session` as shared notes by the coach,
/// one per part of the agenda, in order.
pub fn add_agenda(tx: &Tx<'_>, template: &Template, session: &Session) -> Result<Vec<Note>> {
    let Some(agenda) = &template.agenda else {
        return Ok(Vec::new());
    };
    let mut notes = Vec::new();
    for (index, part) in agenda_parts(agenda).iter().enumerate() {
        let note = note::add(tx, session, part, Visibility::Shared, None, None)?;
        // Notes are shown in the order they were written; the whole
        // command has one clock, so each part is written a millisecond
        // after the one before to keep the agenda's order.
        let at = tx.now() + chrono::Duration::milliseconds(index as i64);
        notes.push(note::mark_from_template(tx, &note, at)?);
    }
    Ok(notes)
}

/// The agenda split into notes at its top-level thematic breaks; parts
/// that are only blank space are dropped.
pub fn agenda_parts(agenda: &str) -> Vec<String> {
    let arena = comrak::Arena::new();
    let root = comrak::parse_document(&arena, agenda, &comrak::Options::default());
    let breaks: Vec<usize> = root
        .children()
        .filter_map(|node| {
            let data = node.data();
            matches!(data.value, comrak::nodes::NodeValue::ThematicBreak)
                .then_some(data.sourcepos.start.line)
        })
        .collect();
    let mut parts = vec![String::new()];
    for (index, line) in agenda.lines().enumerate() {
        if breaks.contains(&(index + 1)) {
            parts.push(String::new());
        } else if let Some(part) = parts.last_mut() {
            part.push_str(line);
            part.push('\n');
        }
    }
    parts
        .into_iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect()
}

fn by_name(tx: &Tx<'_>, name: &str) -> Result<Option<Template>> {
    // Few templates, so a scan is cheap; comparing here ignores case for
    // every script, not only ASCII.
    let wanted = name.to_lowercase();
    Ok(list(tx)?
        .into_iter()
        .find(|t| t.name.to_lowercase() == wanted))
}

/// A template name: one line, a word or a short phrase.
pub(crate) fn check_name(name: &str) -> Result<String> {
    let name = check_line("template name", name)?;
    if name.is_empty() {
        return Err(Error::input("a template needs a name")
            .with_hint("name it after the kind of check-in, e.g. weekly or \"monthly goals\""));
    }
    if name.chars().count() > MAX_NAME {
        return Err(Error::input(format!(
            "a template name is a word or a short phrase (at most {MAX_NAME} characters)"
        ))
        .with_hint("put the longer wording in --title"));
    }
    if name.starts_with('-') {
        return Err(Error::input(format!(
            "a template name cannot start with \"-\": \"{name}\""
        )));
    }
    Ok(name)
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Template> {
    Ok(Template {
        id: row.get(0)?,
        short_id: String::new(),
        name: row.get(1)?,
        title: row.get(2)?,
        agenda: row.get(3)?,
        created_at: time_at(row, 4)?,
        updated_at: time_at(row, 5)?,
    })
}

fn with_short_id(tx: &Tx<'_>, mut template: Template) -> Result<Template> {
    template.short_id = tx.short_id("templates", &template.id)?;
    Ok(template)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agenda_splits_at_top_level_thematic_breaks_only() {
        let agenda =
            "## Wins\n\n- one\n\n---\n\n## Metrics\nCSAT\n---\n\n```yaml\n---\n```\n\n***\n\n";
        assert_eq!(
            agenda_parts(agenda),
            vec![
                "## Wins\n\n- one",
                // "CSAT\n---" is a heading, and a fence keeps its "---".
                "## Metrics\nCSAT\n---\n\n```yaml\n---\n```",
            ]
        );
        assert_eq!(agenda_parts("Just one note"), vec!["Just one note"]);
        assert!(agenda_parts("---\n\n---").is_empty());
    }

    #[test]
    fn names_are_a_word_or_a_short_phrase() {
        assert_eq!(
            check_name(" monthly goals ").expect("name"),
            "monthly goals"
        );
        assert!(check_name("").is_err());
        assert!(check_name("two\nlines").is_err());
        assert!(check_name("--weekly").is_err());
        assert!(check_name(&"w".repeat(41)).is_err());
    }
}
