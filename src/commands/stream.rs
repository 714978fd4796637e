//! `coach member stream`: the member's own history, as they see it.

use std::fmt::Write;

use clap::Args;

use super::Ctx;
use crate::note::Role;
use crate::output::{Output, DIM, HEADING, ID};
use crate::render::terminal;
use crate::store::Store;
use crate::stream::{self, Entry, Item};
use crate::{member, note, when, Result};

/// What a member sees of their history: kudos, shared notes, actions
///
/// Kudos, shared notes and action items from all the member's sessions,
/// newest first: the newest session first and, within a session, the newest
/// entry first. It is the member's own view: your private notes are never
/// part of it.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  coach member stream alex\n  coach member stream alex --since -4w --limit 20\n  coach member stream alex --json | jq '.[] | select(.kind == \"kudos\") | .body'"
)]
pub struct StreamArgs {
    /// The member: a name, an email or an id prefix
    member: String,
    /// At most this many entries
    #[arg(long, short = 'n', value_name = "N", default_value_t = stream::DEFAULT_LIMIT)]
    limit: usize,
    /// Only from sessions held on or after this date (e.g. -4w, 2026-01-01)
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    since: Option<String>,
}

pub(super) fn run(ctx: &Ctx, store: &mut Store, args: StreamArgs) -> Result<()> {
    let since = ctx.read_when(store, args.since.as_deref())?;
    let (member, coach, entries) = store.read(|tx| {
        let member = member::resolve(tx, &args.member)?;
        let entries = stream::of_member(tx, &member, since, args.limit)?;
        Ok((member, note::coach_name(tx)?, entries))
    })?;
    if ctx.out.json {
        return ctx.out.print_json(&entries);
    }
    if ctx.out.quiet {
        return ctx.out.print_ids(entries.iter().map(|e| match &e.item {
            Item::Kudos(k) => k.id.as_str(),
            Item::Note(n) => n.id.as_str(),
            Item::Action(a) => a.id.as_str(),
        }));
    }
    if entries.is_empty() {
        ctx.out
            .note(format!("nothing in {}'s stream yet", member.name));
        return Ok(());
    }
    ctx.out.line(render(&ctx.out, &coach, &entries))
}

/// The stream as text, grouped under each session's date and title.
fn render(out: &Output, coach: &str, entries: &[Entry]) -> String {
    let mut text = String::new();
    // The heading printed last: a session's id, or a day outside sessions.
    let mut last_heading: Option<String> = None;
    for entry in entries {
        let (key, heading) = match &entry.session {
            Some(s) => (
                s.id.clone(),
                format!(
                    "{} {}",
                    out.paint(
                        &format!("{}  {}", when::display_local_date(s.date), s.title),
                        HEADING
                    ),
                    out.paint(&s.short_id, ID)
                ),
            ),
            None => {
                let day = match &entry.item {
                    Item::Kudos(k) => when::display_local_date(k.created_at),
                    _ => String::new(),
                };
                (
                    format!("outside {day}"),
                    out.paint(&format!("{day}  Outside any session"), HEADING),
                )
            }
        };
        if last_heading.as_ref() != Some(&key) {
            let _ = writeln!(
                text,
                "{}{heading}",
                if last_heading.is_some() { "\n" } else { "" },
            );
            last_heading = Some(key);
        }
        match &entry.item {
            Item::Kudos(k) => text.push_str(&terminal::kudos_lines(out, k)),
            Item::Note(n) => {
                let by = match n.author.role {
                    Role::Member => format!("{}'s topic", n.author.name),
                    Role::Coach => n.author.name.clone(),
                };
                let meta = format!("{by} \u{b7} {}", when::display_local(n.created_at));
                let _ = writeln!(
                    text,
                    "  \u{270e} {} {}",
                    out.paint(&n.short_id, ID),
                    out.paint(&meta, DIM)
                );
                for line in n.body.lines() {
                    let _ = writeln!(text, "    {line}");
                }
            }
            Item::Action(a) => text.push_str(&terminal::action_line(out, a, coach, false)),
        }
    }
    text.trim_end().to_string()
}
