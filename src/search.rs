//! Full-text search over everything the coach wrote or saved: notes
//! (private ones too: search is the coach's own tool), feedback, QA
//! reviews, kudos and action items.
//!
//! The index is SQLite's FTS5 (`search_text`), kept by triggers
//! (migration 0011); `search_docs` maps each index row to its record with
//! the columns the filters need, so filtering never reads the records.
//! The newest matches are ranked here, by [`score`] (term frequency
//! normalised by length). Nothing member-facing uses this module.
//!
//! What the user types is not FTS5 syntax: it is turned into it by
//! [`fts_query`] (words, "phrases", prefix*), so no input is a syntax error.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::store::{time_at, Tx};
use crate::{note, when, Error, Result};

pub mod upkeep;

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
    /// Minus the [`score`]: lower is better.
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
/// `--limit` ranks as many). Ranking reads each match's text, so ranking
/// every match of a common word in ten years of notes would take longer
/// than a search should; the newest matches are what a coach usually looks
/// for, and older ones are found with more words or a filter.
pub const RANKED: usize = 200;

/// The score's term-frequency saturation and length normalisation: those
/// of bm25 (FTS5's, and most search engines' defaults).
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// How many words a snippet shows, and how many of them come before its
/// first match when the text is longer.
const SNIPPET_WORDS: usize = 16;
const SNIPPET_LEAD: usize = 3;

/// The hits for `query`: of the newest matches that pass the filters (at
/// most [`RANKED`], or `limit` if more), the best `limit` by [`score`],
/// the newer first among equals.
///
/// The filters are terms of the FTS5 query: `--member` and `--kind` match
/// the `tags` column (`m` + the member's id, `k` + the kind, migration
/// 0017), so FTS5 intersects word lists rather than checking each match;
/// the user's words match the text columns only. FTS5 reads the matches
/// newest first, forward (the index ids shrink as the dates grow,
/// migration 0019), and stops at the bound; `--since` is a range of ids. Nothing is scored in SQL:
/// bm25 would count every match of each word in the whole index for its
/// weight, whatever the bound.
pub fn search(tx: &Tx<'_>, query: &Query) -> Result<Vec<Hit>> {
    let words = fts_query(&query.text).ok_or_else(|| {
        Error::input("there is nothing to search for")
            .with_hint("give a word: coach search workload")
    })?;
    let fts = match_expression(&words, query.member_id.as_deref(), query.kind);
    let ranked = query.limit.max(RANKED);
    let candidates = newest_matches(tx, &fts, query.since, ranked)?;
    hits(
        tx,
        ranked_best(candidates, &query_terms(&query.text), query.limit),
    )
}

/// The FTS5 query: the user's words in the text columns, and the filters
/// as terms of the `tags` column.
fn match_expression(words: &str, member_id: Option<&str>, kind: Option<Kind>) -> String {
    let mut fts = format!("{{body about}} : ({words})");
    if let Some(id) = member_id {
        fts.push_str(&format!(" AND tags : {}", quote(&format!("m{id}"), false)));
    }
    if let Some(kind) = kind {
        fts.push_str(&format!(" AND tags : \"k{}\"", kind.as_str()));
    }
    fts
}

/// A match: its id in the index, its text columns, its score.
struct Candidate {
    id: i64,
    body: Column,
    about: Column,
    score: f64,
}

/// A text column of a match, and where the query's terms occur in it.
struct Column {
    text: String,
    /// The byte span of each occurrence, in order.
    found: Vec<(usize, usize)>,
    words: usize,
}

impl Column {
    fn new(text: String) -> Column {
        Column {
            text,
            found: Vec::new(),
            words: 0,
        }
    }

    /// The text with each occurrence between [`MARK_START`] and [`MARK_END`].
    fn marked(&self) -> String {
        let mut marked = String::with_capacity(self.text.len() + 8);
        let mut at = 0;
        let mut open_until = None;
        for &(start, end) in &self.found {
            if let Some(until) = open_until {
                if start <= until {
                    open_until = Some(end.max(until));
                    continue;
                }
                marked.push_str(&self.text[at..until]);
                marked.push(MARK_END);
                at = until;
            }
            marked.push_str(&self.text[at..start]);
            marked.push(MARK_START);
            at = start;
            open_until = Some(end);
        }
        if let Some(until) = open_until {
            marked.push_str(&self.text[at..until]);
            marked.push(MARK_END);
            at = until;
        }
        marked.push_str(&self.text[at..]);
        marked
    }
}

/// The newest `bound` matches of `fts` dated `since` or later, newest first.
fn newest_matches(
    tx: &Tx<'_>,
    fts: &str,
    since: Option<DateTime<Utc>>,
    bound: usize,
) -> Result<Vec<Candidate>> {
    const COLUMNS: &str = "SELECT search_text.rowid, search_text.body, search_text.about";
    let bound = i64::try_from(bound).unwrap_or(i64::MAX);
    let read = |r: &rusqlite::Row<'_>| {
        Ok(Candidate {
            id: r.get(0)?,
            body: Column::new(r.get(1)?),
            about: Column::new(r.get(2)?),
            score: 0.0,
        })
    };
    let rows = match since {
        None => tx
            .prepare_cached(&format!(
                "{COLUMNS} FROM search_text WHERE search_text MATCH ?1
                 ORDER BY search_text.rowid LIMIT ?2"
            ))?
            .query_map(rusqlite::params![fts, bound], read)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>()),
        // The id bound makes FTS5 stop at the first match older than the
        // second `s` of --since (its ids are below 2^62 - s * 2^20,
        // migration 0019); `d.at` checks the milliseconds.
        Some(since) => tx
            .prepare_cached(&format!(
                "{COLUMNS} FROM search_text JOIN search_docs d ON d.rowid = search_text.rowid
                 WHERE search_text MATCH ?1
                   AND search_text.rowid < 4611686018427387904 - unixepoch(?3) * 1048576
                   AND d.at >= ?3
                 ORDER BY search_text.rowid LIMIT ?2"
            ))?
            .query_map(rusqlite::params![fts, bound, when::to_storage(since)], read)
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>()),
    };
    rows.map_err(query_error)
}

/// The `limit` best candidates, best first, each with its score.
fn ranked_best(mut candidates: Vec<Candidate>, terms: &[Term], limit: usize) -> Vec<Candidate> {
    for c in &mut candidates {
        for column in [&mut c.body, &mut c.about] {
            (column.found, column.words) = occurrences(&column.text, terms);
        }
    }
    let lengths = candidates.iter().map(|c| c.body.words + c.about.words);
    let average = lengths.sum::<usize>() as f64 / candidates.len().max(1) as f64;
    for c in &mut candidates {
        // FTS5 matched it: at least once, even where the words here are
        // told apart differently.
        let matches = (c.body.found.len() + c.about.found.len()).max(1);
        c.score = score(matches, c.body.words + c.about.words, average);
    }
    // Newest first already: a stable sort keeps the newer first among equals.
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    candidates.truncate(limit);
    candidates
}

/// A word or phrase of the query as the index compares it: its words
/// folded (lowercase, no accents), the last one a prefix or not.
#[derive(Debug, PartialEq)]
struct Term {
    words: Vec<String>,
    prefix: bool,
}

/// Where `terms` occur in `text` (byte spans, in order) and how many words
/// it has. Words are runs of letters and digits, as in the index.
fn occurrences(text: &str, terms: &[Term]) -> (Vec<(usize, usize)>, usize) {
    let spans = word_spans(text);
    // Most text is ASCII: its words are compared in place.
    let folded: Vec<String> = if text.is_ascii() {
        Vec::new()
    } else {
        spans
            .iter()
            .map(|&(s, e)| crate::text::fold(&text[s..e]))
            .collect()
    };
    let word_at = |i: usize| -> &str {
        match folded.get(i) {
            Some(word) => word,
            None => &text[spans[i].0..spans[i].1],
        }
    };
    let matches = |i: usize, wanted: &str, prefix: bool| {
        let word = word_at(i);
        if prefix {
            word.len() >= wanted.len()
                && word.is_char_boundary(wanted.len())
                && word[..wanted.len()].eq_ignore_ascii_case(wanted)
        } else {
            word.eq_ignore_ascii_case(wanted)
        }
    };
    let mut found = Vec::new();
    for i in 0..spans.len() {
        for term in terms {
            let n = term.words.len();
            if n == 0 || i + n > spans.len() {
                continue;
            }
            let matched = term
                .words
                .iter()
                .enumerate()
                .all(|(k, wanted)| matches(i + k, wanted, term.prefix && k == n - 1));
            if matched {
                found.push((spans[i].0, spans[i + n - 1].1));
            }
        }
    }
    (found, spans.len())
}

/// The byte span of each word (run of letters and digits) of `text`.
fn word_spans(text: &str) -> Vec<(usize, usize)> {
    if text.is_ascii() {
        // Byte by byte: decoding characters of text that is almost always
        // ASCII was a tenth of a search's instructions.
        let bytes = text.bytes().map(|b| b.is_ascii_alphanumeric());
        spans_of_words(text.len(), bytes.enumerate())
    } else {
        let chars = text.char_indices().map(|(at, c)| (at, c.is_alphanumeric()));
        spans_of_words(text.len(), chars)
    }
}

/// The spans of the runs of `true` in (byte offset, is a word's) pairs.
fn spans_of_words(len: usize, chars: impl Iterator<Item = (usize, bool)>) -> Vec<(usize, usize)> {
    let mut spans = Vec::with_capacity(len / 5);
    let mut start = None;
    for (at, in_word) in chars {
        match (in_word, start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                spans.push((from, at));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        spans.push((from, len));
    }
    spans
}

/// How well a record matches: bm25's term-frequency part, without its
/// weight per word. `matches` is how many times the query's words and
/// phrases occur in the record, `length` its number of words, `average`
/// the mean length of the ranked matches. More matches score higher, with
/// diminishing returns, and a match in a short record counts more than
/// one in a long record. Every word weighs the same, however common.
pub fn score(matches: usize, length: usize, average: f64) -> f64 {
    let tf = matches as f64;
    let norm = if average > 0.0 {
        length as f64 / average
    } else {
        1.0
    };
    tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * norm))
}

/// The words around the matches of a highlighted text: at most
/// [`SNIPPET_WORDS`] words, the stretch with the most matches (the first
/// such), starting [`SNIPPET_LEAD`] words before its first match, with `…`
/// where the text is cut. Marks cut by the window are closed.
pub fn snippet(marked: &str) -> String {
    // Each word's byte span, and whether it is (part of) a match.
    let mut spans: Vec<(usize, usize, bool)> = Vec::new();
    let mut inside = false;
    let mut word: Option<(usize, usize, bool)> = None;
    for (at, c) in marked.char_indices() {
        match c {
            MARK_START => inside = true,
            MARK_END => inside = false,
            c if c.is_alphanumeric() => {
                let w = word.get_or_insert((at, at, false));
                w.1 = at + c.len_utf8();
                w.2 |= inside;
            }
            _ => spans.extend(word.take()),
        }
    }
    spans.extend(word.take());
    if spans.len() <= SNIPPET_WORDS {
        return marked.trim().to_string();
    }
    let last_start = spans.len() - SNIPPET_WORDS;
    let hits_from = |s: usize| spans[s..s + SNIPPET_WORDS].iter().filter(|w| w.2).count();
    let first = spans
        .iter()
        .enumerate()
        .filter(|(_, w)| w.2)
        .map(|(i, _)| i.saturating_sub(SNIPPET_LEAD).min(last_start))
        .fold(None, |best: Option<(usize, usize)>, s| {
            let n = hits_from(s);
            match best {
                Some((_, m)) if m >= n => best,
                _ => Some((s, n)),
            }
        })
        .map_or(0, |(s, _)| s);
    let end = first + SNIPPET_WORDS;
    let from = if first == 0 { 0 } else { spans[first].0 };
    let to = if end == spans.len() {
        marked.len()
    } else {
        spans[end - 1].1
    };
    let mut text = marked[from..to].to_string();
    // A mark opened before the window, or left open at its end.
    if marked[..from].rfind(MARK_START) > marked[..from].rfind(MARK_END) {
        text.insert(0, MARK_START);
    }
    if text.rfind(MARK_START) > text.rfind(MARK_END) {
        text.push(MARK_END);
    }
    format!(
        "{}{}{}",
        if first > 0 { "…" } else { "" },
        text.trim(),
        if end < spans.len() { "…" } else { "" }
    )
}

/// The hits of the ranked candidates, in their order: each one's record,
/// member and session in one lookup (a note's privacy from note.rs, the
/// only reader of notes), then the short ids of all of them at once.
fn hits(tx: &Tx<'_>, candidates: Vec<Candidate>) -> Result<Vec<Hit>> {
    let mut stmt = tx.prepare_cached(
        "SELECT d.kind, d.record_id, d.member_id, d.session_id, d.at, m.name,
                s.title, s.held_at
         FROM search_docs d JOIN members m ON m.id = d.member_id
         LEFT JOIN sessions s ON s.id = d.session_id AND s.deleted_at IS NULL
         WHERE d.rowid = ?1",
    )?;
    let mut hits = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        let hit = stmt.query_row([candidate.id], |r| {
            let kind: String = r.get(0)?;
            let session = match (r.get(3)?, r.get(6)?) {
                // A session whose date cannot be read is left out, as a
                // deleted one is, rather than failing the whole search.
                (Some(id), Some(title)) => time_at(r, 7).ok().map(|date| SessionRef {
                    id,
                    short_id: String::new(),
                    title,
                    date,
                }),
                _ => None,
            };
            Ok((
                kind,
                r.get::<_, String>(1)?,
                Named {
                    id: r.get(2)?,
                    name: r.get(5)?,
                },
                session,
                time_at(r, 4)?,
            ))
        })?;
        let (kind, id, member, session, date) = hit;
        let kind = Kind::from_db(&kind)?;
        let private = kind == Kind::Note && note::is_private(tx, &id)?;
        // The column with more matches (the text, unless the match is in
        // the customer, channel or reviewer).
        let column = if candidate.about.found.len() > candidate.body.found.len() {
            &candidate.about
        } else {
            &candidate.body
        };
        let marked = snippet(&column.marked());
        hits.push(Hit {
            kind,
            short_id: String::new(),
            id,
            member,
            session,
            date,
            private,
            snippet: marked.replace([MARK_START, MARK_END], ""),
            marked,
            rank: -candidate.score,
        });
    }
    let mut records = Vec::new();
    for kind in [
        Kind::Note,
        Kind::Feedback,
        Kind::Qa,
        Kind::Kudos,
        Kind::Action,
    ] {
        let wanted: Vec<(usize, &str)> = (hits.iter().enumerate())
            .filter(|(_, h)| h.kind == kind)
            .map(|(i, h)| (i, h.id.as_str()))
            .collect();
        records.extend(short_ids_of(tx, kind.table(), &wanted)?);
    }
    let wanted: Vec<(usize, &str)> = (hits.iter().enumerate())
        .filter_map(|(i, h)| Some((i, h.session.as_ref()?.id.as_str())))
        .collect();
    let sessions = short_ids_of(tx, "sessions", &wanted)?;
    for (i, short_id) in records {
        hits[i].short_id = short_id;
    }
    for (i, short_id) in sessions {
        if let Some(session) = &mut hits[i].session {
            session.short_id = short_id;
        }
    }
    Ok(hits)
}

/// The short ids of `table`'s `wanted` ids (each with its hit's place),
/// in one batch; nothing asked when none is wanted.
fn short_ids_of(
    tx: &Tx<'_>,
    table: &'static str,
    wanted: &[(usize, &str)],
) -> Result<Vec<(usize, String)>> {
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<&str> = wanted.iter().map(|&(_, id)| id).collect();
    let short = tx.short_ids(table, &ids)?;
    Ok(wanted.iter().map(|&(i, _)| i).zip(short).collect())
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
    let terms: Vec<String> = typed_terms(text)
        .iter()
        .map(|(text, prefix)| quote(text, *prefix))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The same terms, as [`occurrences`] looks for them.
fn query_terms(text: &str) -> Vec<Term> {
    typed_terms(text)
        .into_iter()
        .map(|(text, prefix)| Term {
            words: occurrences_words(&text),
            prefix,
        })
        .collect()
}

/// The folded words of a text.
fn occurrences_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(crate::text::fold)
        .collect()
}

/// The words and phrases the user typed, each with whether it is a prefix.
fn typed_terms(text: &str) -> Vec<(String, bool)> {
    let mut terms = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let phrase: String = chars.by_ref().take_while(|&c| c != '"').collect();
            if !phrase.trim().is_empty() {
                terms.push((phrase, false));
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
                terms.push((word.to_string(), prefix));
            }
        }
    }
    terms
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
    use super::{
        fts_query, match_expression, occurrences, query_terms, score, snippet, Column, Kind,
        MARK_END, MARK_START,
    };

    fn marked(text: &str, query: &str) -> String {
        let mut column = Column::new(text.into());
        (column.found, column.words) = occurrences(text, &query_terms(query));
        column
            .marked()
            .replace(MARK_START, "[")
            .replace(MARK_END, "]")
    }

    #[test]
    fn occurrences_are_words_phrases_and_prefixes_ignoring_case_and_accents() {
        assert_eq!(
            marked("Workload, workload: the WORKLOAD", "workload"),
            "[Workload], [workload]: the [WORKLOAD]"
        );
        assert_eq!(marked("Zoë's café", "zoe cafe"), "[Zoë]'s [café]");
        assert_eq!(
            marked("a team lead, a lead team", "\"team lead\""),
            "a [team lead], a lead team"
        );
        assert_eq!(
            marked("escalate escalations scale", "escal*"),
            "[escalate] [escalations] scale"
        );
        assert_eq!(
            marked("follow-up, follow up", "follow-up"),
            "[follow-up], [follow up]"
        );
        assert_eq!(marked("workloads", "workload"), "workloads");
        let (found, words) =
            occurrences("Refund, refund: the refund queue", &query_terms("refund"));
        assert_eq!((found.len(), words), (3, 5));
    }

    #[test]
    fn more_matches_and_shorter_texts_score_higher() {
        let average = 10.0;
        assert!(score(2, 10, average) > score(1, 10, average));
        assert!(score(1, 5, average) > score(1, 10, average));
        assert!(score(1, 10, average) > score(1, 40, average));
        // Diminishing returns: the tenth match adds less than the second.
        assert!(
            score(2, 10, average) - score(1, 10, average)
                > score(10, 10, average) - score(9, 10, average)
        );
        // bm25's term part: tf (k1 + 1) / (tf + k1 (1 - b + b len / avg)).
        assert!((score(1, 10, average) - 1.0).abs() < 1e-12);
        assert!((score(3, 20, average) - 3.0 * 2.2 / (3.0 + 1.2 * 1.75)).abs() < 1e-12);
    }

    #[test]
    fn a_snippet_is_sixteen_words_around_the_most_matches() {
        let short = "\u{2}Workload\u{3}, the whole hour";
        assert_eq!(snippet(short), short);
        let words: Vec<String> = (1..=40).map(|i| format!("w{i}")).collect();
        let mut text = words.join(" ");
        text = text
            .replace("w20 ", "\u{2}w20\u{3} ")
            .replace("w30 ", "\u{2}w30\u{3} ");
        text = text.replace("w31 ", "\u{2}w31\u{3} ");
        // The window with the most matches, from three words before its first.
        assert_eq!(
            snippet(&text)
                .replace(MARK_START, "[")
                .replace(MARK_END, "]"),
            "…w17 w18 w19 [w20] w21 w22 w23 w24 w25 w26 w27 w28 w29 [w30] [w31] w32…"
        );
        // A match near the end: the last sixteen words, no ellipsis after.
        let late = words.join(" ").replace("w39", "\u{2}w39\u{3}");
        assert_eq!(
            snippet(&late)
                .replace(MARK_START, "[")
                .replace(MARK_END, "]"),
            "…w25 w26 w27 w28 w29 w30 w31 w32 w33 w34 w35 w36 w37 w38 [w39] w40"
        );
        // A phrase cut by the window keeps its marks balanced.
        let cut = words
            .join(" ")
            .replace("w2 ", "\u{2}w2\u{3} ")
            .replace("w16 w17", "\u{2}w16 w17\u{3}");
        assert_eq!(
            snippet(&cut)
                .replace(MARK_START, "[")
                .replace(MARK_END, "]"),
            "w1 [w2] w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 [w16]…"
        );
    }

    #[test]
    fn filters_are_tag_terms_and_the_words_stay_in_the_text_columns() {
        assert_eq!(
            match_expression("\"refund\"", Some("0a1b"), Some(Kind::Note)),
            "{body about} : (\"refund\") AND tags : \"m0a1b\" AND tags : \"knote\""
        );
        assert_eq!(
            match_expression("\"a\" \"b\"*", None, None),
            "{body about} : (\"a\" \"b\"*)"
        );
    }

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
