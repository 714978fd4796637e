//! `coach search`: everything you wrote or saved, best match first.

use std::fmt::Write;

use clap::Args;

use super::Ctx;
use crate::output::{one_line, Output, DIM, ID, MATCH, PRIVATE};
use crate::search::{self, Hit, Kind, Query, MARK_END, MARK_START};
use crate::{member, when, Result};

/// Search everything you wrote or saved: notes, feedback, QA, kudos, actions
///
/// Finds the notes (your private notes too, marked as private: search is
/// for you only, and nothing shared with a member ever comes from it),
/// saved feedback and QA reviews (their comments, customers, channels and
/// reviewers), kudos and action items that contain every word of QUERY,
/// ignoring case and accents. The best matches come first, each with the
/// words around the match highlighted, and the session it is in (saved
/// items not yet in a session show as waiting).
///
/// Ranked are the newest 200 matches by date that pass the filters (or as
/// many as --limit, if more): an older match is found with another word, a
/// filter or a larger --limit. A match scores higher the more often the
/// words and phrases occur in it and the shorter it is (bm25's term
/// frequency part, every word weighing the same); equal scores, the newer
/// first.
///
/// QUERY is plain text, never a query language: words must all appear, in
/// any order; "words in double quotes" must appear together as a phrase;
/// a word ending in * matches every word that starts with it (work*
/// finds workload). Punctuation separates words (follow-up is the phrase
/// "follow up").
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  coach search workload\n  coach search '\"team lead\" role' --member alex\n  coach search escalat* --kind note --since -8w\n  coach search refund --json | jq -r '.[].snippet'"
)]
pub struct SearchArgs {
    /// What to find: words, "a phrase", or a prefix*
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    query: Vec<String>,
    /// Only about this member (a name, an email or an id prefix)
    #[arg(long, value_name = "MEMBER")]
    member: Option<String>,
    /// Only from this date on (a session's date; a saved item's own date)
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    since: Option<String>,
    /// Only this kind of record
    #[arg(long, value_enum, value_name = "KIND")]
    kind: Option<Kind>,
    /// At most this many hits (more than 200 ranks as many of the newest matches)
    #[arg(long, short = 'n', value_name = "N", default_value_t = search::DEFAULT_LIMIT)]
    limit: usize,
}

pub(super) fn run(ctx: &Ctx, args: SearchArgs) -> Result<()> {
    let mut store = ctx.store()?;
    let since = ctx.read_when(&mut store, args.since.as_deref())?;
    let text = args.query.join(" ");
    let hits = store.read(|tx| {
        let member_id = match &args.member {
            Some(query) => Some(member::resolve(tx, query)?.id),
            None => None,
        };
        search::search(
            tx,
            &Query {
                text,
                member_id,
                since,
                kind: args.kind,
                limit: args.limit,
            },
        )
    })?;
    if ctx.out.json {
        return ctx.out.print_json(&hits);
    }
    if ctx.out.quiet {
        return ctx.out.print_ids(hits.iter().map(|h| h.id.as_str()));
    }
    if hits.is_empty() {
        ctx.out.note("nothing found");
        return Ok(());
    }
    ctx.out.line(render(&ctx.out, &hits))
}

/// Each hit: a heading line (kind, id, member, session), then the snippet.
fn render(out: &Output, hits: &[Hit]) -> String {
    let mut text = String::new();
    for (i, hit) in hits.iter().enumerate() {
        if i > 0 {
            text.push('\n');
        }
        let place = match &hit.session {
            Some(s) => format!(
                "{}  {} {}",
                when::display_local_date(s.date),
                one_line(&s.title),
                out.paint(&s.short_id, ID)
            ),
            None => format!("waiting since {}", when::display_local_date(hit.date)),
        };
        let private = if hit.private {
            format!("  {}", out.paint("private", PRIVATE))
        } else {
            String::new()
        };
        let _ = writeln!(
            text,
            "{} {}  {}  {}{private}",
            out.paint(hit.kind.as_str(), DIM),
            out.paint(&hit.short_id, ID),
            one_line(&hit.member.name),
            place
        );
        let _ = writeln!(text, "    {}", highlight(out, &hit.marked));
    }
    text.trim_end().to_string()
}

/// The snippet on one line, its matches painted when colouring; control
/// characters from the text are shown escaped, never sent to the terminal.
fn highlight(out: &Output, marked: &str) -> String {
    let mut line = String::new();
    let mut rest = marked;
    while let Some(start) = rest.find(MARK_START) {
        line.push_str(&one_line(&rest[..start]));
        let after = &rest[start + MARK_START.len_utf8()..];
        let end = after.find(MARK_END).unwrap_or(after.len());
        line.push_str(&out.paint(&one_line(&after[..end]), MATCH));
        rest = after.get(end + MARK_END.len_utf8()..).unwrap_or_default();
    }
    line.push_str(&one_line(rest));
    line.trim().to_string()
}
