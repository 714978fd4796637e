//! The items of a session that a note can be dedicated to: a metric, a
//! piece of customer feedback, a QA review or an attachment.
//!
//! An item is known by its id alone (the kind is which table holds it), so
//! `note add --on ITEM` takes the beginning of any item's id and this
//! module finds which one it is, in the session the note is for.

use rusqlite::OptionalExtension;
use serde::Serialize;

use crate::session::Session;
use crate::store::{normalize_prefix, Tx, MAX_CANDIDATES};
use crate::{when, Error, Result};

/// What kind of item a note is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    Metric,
    Feedback,
    Qa,
    Attachment,
}

/// Every kind, in the order of a session's sections.
const KINDS: [ItemKind; 4] = [
    ItemKind::Metric,
    ItemKind::Feedback,
    ItemKind::Qa,
    ItemKind::Attachment,
];

impl ItemKind {
    /// The table that holds items of this kind.
    pub fn table(self) -> &'static str {
        match self {
            ItemKind::Metric => "session_metrics",
            ItemKind::Feedback => "feedback",
            ItemKind::Qa => "qa_reviews",
            ItemKind::Attachment => "attachments",
        }
    }

    /// The kind in words, as messages and tables name it.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Metric => "metric",
            ItemKind::Feedback => "feedback",
            ItemKind::Qa => "QA review",
            ItemKind::Attachment => "attachment",
        }
    }

    /// An SQL expression naming an item of this kind for people.
    fn label_sql(self) -> &'static str {
        match self {
            ItemKind::Metric => "metric",
            ItemKind::Feedback => "substr(comment, 1, 40)",
            ItemKind::Qa => "'score ' || score",
            ItemKind::Attachment => "name",
        }
    }
}

/// One item of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemRef {
    pub id: String,
    pub kind: ItemKind,
}

/// The item of `session` whose id starts with `query`, among its metrics,
/// feedback, QA reviews and attachments.
///
/// A prefix shared by several items of the session is an error listing
/// them; an item of another session (or none yet) is an error naming it.
pub fn resolve_in_session(tx: &Tx<'_>, session: &Session, query: &str) -> Result<ItemRef> {
    let hint = "`coach session show` shows the ids of the session's items";
    let prefix = normalize_prefix(query).ok_or_else(|| {
        Error::input(format!(
            "\"{query}\" is not an item id (a metric, feedback, QA review or attachment)"
        ))
        .with_hint(hint)
    })?;
    let mut found = Vec::new();
    for kind in KINDS {
        let in_session = Some(("session_id", session.id.as_str()));
        let ids = tx.ids_with_prefix(kind.table(), &prefix, in_session, MAX_CANDIDATES)?;
        found.extend(ids.into_iter().map(|id| ItemRef { id, kind }));
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(not_in_session(tx, session, query, &prefix)?),
        _ => {
            // Short ids are unique per table: lengthen them until they
            // tell these candidates apart.
            let names = found
                .iter()
                .map(|item| {
                    let shared = found
                        .iter()
                        .filter(|other| other.id != item.id)
                        .map(|other| common_prefix_len(&item.id, &other.id))
                        .max()
                        .unwrap_or(0);
                    describe_at_least(tx, item, shared + 1)
                })
                .collect::<Result<Vec<_>>>()?;
            Err(Error::input(format!(
                "\"{query}\" matches several items of this session: {}",
                names.join(", ")
            ))
            .with_hint("type more of the id"))
        }
    }
}

/// The item with this full id, if there is one (of any session).
pub fn find(tx: &Tx<'_>, id: &str) -> Result<Option<ItemRef>> {
    for kind in KINDS {
        let sql = format!("SELECT 1 FROM {} WHERE id = ?1", kind.table());
        let mut stmt = tx.prepare_cached(&sql)?;
        if stmt.query_row([id], |_| Ok(())).optional()?.is_some() {
            return Ok(Some(ItemRef {
                id: id.to_string(),
                kind,
            }));
        }
    }
    Ok(None)
}

/// An item for people: its kind, short id and what it is, e.g.
/// `attachment 1a2b (scorecard.csv)`.
pub fn describe(tx: &Tx<'_>, item: &ItemRef) -> Result<String> {
    describe_at_least(tx, item, 0)
}

/// [`describe`] with at least `len` characters of the id.
fn describe_at_least(tx: &Tx<'_>, item: &ItemRef, len: usize) -> Result<String> {
    let mut short = tx.short_id(item.kind.table(), &item.id)?;
    if short.len() < len {
        short = item.id.chars().take(len).collect();
    }
    let sql = format!(
        "SELECT {} FROM {} WHERE id = ?1",
        item.kind.label_sql(),
        item.kind.table()
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let label: Option<String> = stmt
        .query_row([&item.id], |r| r.get(0))
        .optional()?
        .flatten();
    Ok(match label {
        Some(label) if !label.is_empty() => format!("{} {short} ({label})", item.kind.as_str()),
        _ => format!("{} {short}", item.kind.as_str()),
    })
}

/// The error for a prefix that names no item of `session`: it names the
/// item if it belongs elsewhere.
fn not_in_session(tx: &Tx<'_>, session: &Session, query: &str, prefix: &str) -> Result<Error> {
    for kind in KINDS {
        let Some(id) = tx.ids_with_prefix(kind.table(), prefix, None, 1)?.pop() else {
            continue;
        };
        let sql = format!("SELECT session_id FROM {} WHERE id = ?1", kind.table());
        let other_session: Option<String> =
            tx.prepare_cached(&sql)?.query_row([&id], |r| r.get(0))?;
        let item = describe(tx, &ItemRef { id, kind })?;
        let (whose, hint) = match other_session.map(|id| crate::session::get(tx, &id)) {
            Some(Ok(s)) => (
                format!(
                    "it is in the session \"{}\" with {} on {}",
                    s.title,
                    s.member.name,
                    when::display_local_date(s.date)
                ),
                format!("write the note there with --session {}", s.short_id),
            ),
            Some(Err(_)) => (
                "its session was deleted".to_string(),
                "`coach session show` shows the ids of the session's items".to_string(),
            ),
            None => (
                "it is not in any session yet".to_string(),
                "bring it into this session first".to_string(),
            ),
        };
        return Ok(Error::input(format!(
            "the {item} is not in this session (\"{}\" with {}): {whose}",
            session.title, session.member.name
        ))
        .with_hint(hint));
    }
    Ok(Error::input(format!(
        "no metric, feedback, QA review or attachment of this session has an id starting with \"{query}\""
    ))
    .with_hint("`coach session show` shows the ids of the session's items"))
}

fn common_prefix_len(a: &str, b: &str) -> usize {
    a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count()
}
