//! Full-text search over everything the coach wrote or saved: notes
//! (private ones too: search is the coach's own tool), feedback, QA
//! reviews, kudos and action items.
//!
//! The index is SQLite's FTS5 (`search_text`), kept by triggers
//! (migration 0011); `search_docs` maps each index row to its record with
//! the columns the filters need, so filtering never reads the records.
//! Ranking is FTS5's bm25. Nothing member-facing uses this module.
//!
//! What the user types is not FTS5 syntax: it is turned into it by
//! [`fts_query`] (words, "phrases", prefix*), so no input is a syntax error.

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use serde::Serialize;

use crate::store::{time_at, Tx};
use crate::{note, session, when, Error, Result};

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A note (shared, private, or a member's topic)
    Note,
    /// Saved customer feedback
    Feedback,
    /// A saved QA review
    Qa,
    /// Kudos
    Kudos,
    /// An action item
    Action,
}

impl Kind {
    /// The stored (and printed) word.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Note => "note",
            Kind::Feedback => "feedback",
            Kind::Qa => "qa",
            Kind::Kudos => "kudos",
            Kind::Action => "action",
        }
    }

    fn from_db(text: &str) -> Result<Kind> {
        Ok(match text {
            "note" => Kind::Note,
            "feedback" => Kind::Feedback,
            "qa" => Kind::Qa,
            "kudos" => Kind::Kudos,
            "action" => Kind::Action,
            other => return Err(Error::internal(format!("unknown search kind {other:?}"))),
        })
    }

    /// The table its records are in.
    fn table(self) -> &'static str {
        match self {
            Kind::Note => "notes",
            Kind::Feedback => "feedback",
            Kind::Qa => "qa_reviews",
            Kind::Kudos => "kudos",
            Kind::Action => "actions",
        }
    }
}

/// A search: the words and the filters.
#[derive(Debug, Default, Clone)]
pub struct Query {
    /// What the user typed.
    pub text: String,
    pub member_id: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub kind: Option<Kind>,
    pub limit: usize,
}

/// How many hits a search shows unless told otherwise.
pub const DEFAULT_LIMIT: usize = 20;

/// Where a highlighted match starts and ends in [`Hit::marked`].
pub const MARK_START: char = '\u{2}';
pub const MARK_END: char = '\u{3}';

/// One hit, best first.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub kind: Kind,
    pub id: String,
    pub short_id: String,
    pub member: Named,
    /// The session it is in; `None` for saved items still waiting.
    pub session: Option<SessionRef>,
    /// The session's date, or a saved item's own date.
    pub date: DateTime<Utc>,
    /// A private note: yours only.
    pub private: bool,
    /// The words around the match, as plain text.
    pub snippet: String,
    /// The snippet with each match between [`MARK_START`] and [`MARK_END`].
    #[serde(skip)]
    pub marked: String,
    /// bm25: lower is better.
    pub rank: f64,
}

/// A member, by id and name.
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub id: String,
    pub name: String,
}

/// The session of a hit.
#[derive(Debug, Clone, Serialize)]
pub struct SessionRef {
    pub id: String,
    pub short_id: String,
    pub title: String,
    pub date: DateTime<Utc>,
}

/// How many of the newest matches are ranked (at least: a larger
/// `--limit` ranks as many). Ranking costs each match a bm25 score, about
/// 2 µs, so ranking every match of a common word in ten years of notes
/// would take longer than a search should; the newest matches are what a
/// coach usually looks for, and older ones are found with more words or a
/// filter.
pub const RANKED: usize = 500;

/// The hits for `query`: of the newest matches that pass the filters (at
/// most [`RANKED`], or `limit` if more), the best `limit` by bm25, the
/// newer first among equals.
///
/// FTS5 reads the matches newest first (the index ids follow the dates,
/// migration 0016) and stops at the bound, so only those are scored. The
/// snippets are made for the hits shown only, in a second pass over the
/// matches from the oldest hit on (looking each hit up by its id would
/// walk a word's list from its start, once per hit).
pub fn search(tx: &Tx<'_>, query: &Query) -> Result<Vec<Hit>> {
    let fts = fts_query(&query.text).ok_or_else(|| {
        Error::input("there is nothing to search for")
            .with_hint("give a word: coach search workload")
    })?;
    let ranked = i64::try_from(query.limit.max(RANKED)).unwrap_or(i64::MAX);
    let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
    let since = query.since.map(when::to_storage);
    // The id bound makes FTS5 stop at the first match older than --since
    // (an id is the date's second times 2^20); `d.at` checks the rest.
    let mut stmt = tx.conn().prepare_cached(
        "WITH best AS MATERIALIZED (
             SELECT id, rank FROM (
                 SELECT search_text.rowid AS id, rank
                 FROM search_text JOIN search_docs d ON d.rowid = search_text.rowid
                 WHERE search_text MATCH ?1
                   AND search_text.rowid >= coalesce(unixepoch(?4) * 1048576, -9223372036854775808)
                   AND (?2 IS NULL OR d.kind = ?2)
                   AND (?3 IS NULL OR d.member_id = ?3)
                   AND (?4 IS NULL OR d.at >= ?4)
                 ORDER BY search_text.rowid DESC LIMIT ?5)
             ORDER BY rank, id DESC LIMIT ?6)
         SELECT d.kind, d.record_id, d.member_id, d.session_id, d.at,
                snippet(search_text, -1, char(2), char(3), '…', 16), b.rank
         FROM search_text
              CROSS JOIN best b ON b.id = search_text.rowid
              CROSS JOIN search_docs d ON d.rowid = b.id
         WHERE search_text MATCH ?1
           AND search_text.rowid >= coalesce((SELECT min(id) FROM best), 9223372036854775807)
         ORDER BY b.rank, b.id DESC",
    )?;
    let params: [Value; 6] = [
        Value::Text(fts),
        query
            .kind
            .map_or(Value::Null, |k| Value::Text(k.as_str().into())),
        query.member_id.clone().map_or(Value::Null, Value::Text),
        since.map_or(Value::Null, Value::Text),
        Value::Integer(ranked),
        Value::Integer(limit),
    ];
    let rows = stmt
        .query_map(rusqlite::params_from_iter(params), |r| {
            Ok(Row {
                kind: r.get(0)?,
                id: r.get(1)?,
                member_id: r.get(2)?,
                session_id: r.get(3)?,
                date: time_at(r, 4)?,
                marked: r.get(5)?,
                rank: r.get(6)?,
            })
        })
        .and_then(|rows| rows.collect::<rusqlite::Result<Vec<Row>>>())
        .map_err(query_error)?;
    rows.into_iter().map(|row| hit(tx, row)).collect()
}

/// A row of the index, before the details are looked up.
struct Row {
    kind: String,
    id: String,
    member_id: String,
    session_id: Option<String>,
    date: DateTime<Utc>,
    marked: String,
    rank: f64,
}

fn hit(tx: &Tx<'_>, row: Row) -> Result<Hit> {
    let kind = Kind::from_db(&row.kind)?;
    let name: String = tx
        .conn()
        .prepare_cached("SELECT name FROM members WHERE id = ?1")?
        .query_row([&row.member_id], |r| r.get(0))?;
    let session = match &row.session_id {
        Some(id) => match session::get(tx, id) {
            Ok(s) => Some(SessionRef {
                id: s.id,
                short_id: s.short_id,
                title: s.title,
                date: s.date,
            }),
            Err(_) => None,
        },
        None => None,
    };
    let private = kind == Kind::Note && note::is_private(tx, &row.id)?;
    Ok(Hit {
        kind,
        short_id: tx.short_id(kind.table(), &row.id)?,
        id: row.id,
        member: Named {
            id: row.member_id,
            name,
        },
        session,
        date: row.date,
        private,
        snippet: row.marked.replace([MARK_START, MARK_END], ""),
        marked: row.marked,
        rank: row.rank,
    })
}

/// An error of FTS5 while matching is the query's fault, not ours (the
/// query is built so that it never should be).
fn query_error(err: rusqlite::Error) -> Error {
    let fts = match &err {
        rusqlite::Error::SqliteFailure(_, Some(msg)) => msg.starts_with("fts5:"),
        _ => false,
    };
    if fts {
        Error::input(format!("cannot search for that: {err}"))
            .with_hint("search for words, \"a phrase\" or a prefix*")
    } else {
        Error::from(err)
    }
}

/// Turns what the user typed into an FTS5 query, or `None` when there is
/// nothing to search for.
///
/// The user's text is never FTS5 syntax, so that a stray quote, a hyphen
/// (`follow-up`), an email address or a colon are plain text rather than
/// syntax errors: words separated by spaces must all appear (in any order,
/// ignoring case and accents); text in double quotes must appear as a
/// phrase (an unclosed quote runs to the end); a word ending in `*`
/// matches every word that starts with it. Each becomes an FTS5 string,
/// with its double quotes doubled.
pub fn fts_query(text: &str) -> Option<String> {
    let mut terms = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
            if !phrase.trim().is_empty() {
                terms.push(quote(&phrase, false));
            }
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            let prefix = word.len() > 1 && word.ends_with('*');
            let word = if prefix {
                word.trim_end_matches('*')
            } else {
                &word
            };
            if !word.is_empty() && word != "*" {
                terms.push(quote(word, prefix));
            }
        }
    }
    (!terms.is_empty()).then(|| terms.join(" "))
}

fn quote(text: &str, prefix: bool) -> String {
    format!(
        "\"{}\"{}",
        text.replace('"', "\"\""),
        if prefix { "*" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn typed_text_becomes_fts5_strings() {
        assert_eq!(fts_query("workload"), Some("\"workload\"".into()));
        assert_eq!(
            fts_query("  tired  work* "),
            Some("\"tired\" \"work\"*".into())
        );
        assert_eq!(
            fts_query("\"team lead\" role"),
            Some("\"team lead\" \"role\"".into())
        );
        // A stray quote runs to the end; FTS5 operators are plain words.
        assert_eq!(
            fts_query("follow-up \"unclosed"),
            Some("\"follow-up\" \"unclosed\"".into())
        );
        assert_eq!(
            fts_query("a OR b NOT c:"),
            Some("\"a\" \"OR\" \"b\" \"NOT\" \"c:\"".into())
        );
        assert_eq!(fts_query("say\"\"hi"), Some("\"say\" \"hi\"".into()));
        assert_eq!(fts_query("   "), None);
        assert_eq!(fts_query("\"\" * \""), None);
    }
}
