//! `coach undo`: take back the last commands.

use clap::Args;

use super::Ctx;
use crate::output::{one_line, plural, DIM, HEADING};
use crate::undo::{self, Entry};
use crate::{store, when, Result};

/// Take back the last command that changed something (or the last N)
///
/// Every command that changes your data is recorded, with the rows it
/// changed, in the same transaction; the last 100 are kept. `coach undo`
/// puts back what the last one changed; `coach undo N` takes back the last
/// N commands (N as `--list` numbers them), newest first. Undo is one
/// transaction: everything is put back, or nothing.
///
/// Undo never overwrites a later change: if a record was changed since
/// outside the undo log, nothing is undone and the error names it. An
/// email that was sent stays sent: a command that sent an agenda or a
/// recap is refused unless --local-only is given, which takes back the
/// local record only (coach then counts the email as not sent). A file
/// attached by an undone command is removed from the store when no other
/// attachment uses it. Undo itself is not recorded: undo again takes back
/// the command before.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  coach undo --list\n  coach undo              # the last command\n  coach undo 3            # the last three\n  coach undo --local-only # a share: the email stays sent"
)]
pub struct UndoArgs {
    /// How many commands to take back: the last N [default: 1]
    #[arg(value_name = "N", conflicts_with = "list")]
    count: Option<usize>,
    /// List the last commands instead (the latest 20 unless --limit)
    #[arg(long)]
    list: bool,
    /// With --list: at most this many (up to 100 are kept)
    #[arg(long, short = 'n', value_name = "N", requires = "list")]
    limit: Option<usize>,
    /// Also take back a command that sent an email: the email stays sent,
    /// only coach's record of it is undone
    #[arg(long, conflicts_with = "list")]
    local_only: bool,
}

pub(super) fn run(ctx: &Ctx, args: UndoArgs) -> Result<()> {
    // Undo itself is not recorded (`ctx.store_unrecorded`): undoing again
    // takes back the command before, not the undo.
    let mut store = ctx.store_unrecorded()?;
    if args.list {
        let limit = args.limit.unwrap_or(20);
        let entries = store.read(|tx| undo::list(tx, limit))?;
        return print_list(ctx, &entries);
    }
    let count = args.count.unwrap_or(1);
    let undone = store.write(|tx| undo::undo(tx, count, args.local_only))?;
    if ctx.out.json {
        return ctx.out.print_json(&undone);
    }
    if ctx.out.quiet {
        let ids: Vec<String> = undone.iter().map(|e| e.id.to_string()).collect();
        return ctx.out.print_ids(ids.iter().map(String::as_str));
    }
    for entry in &undone {
        ctx.out.line(format!(
            "Undid {}  {}",
            ctx.out.paint(&one_line(&entry.command), HEADING),
            ctx.out.paint(&summary(entry), DIM)
        ))?;
        if !entry.emails.is_empty() {
            ctx.out.note(format!(
                "the {} stays sent: only coach's record of it was undone",
                if entry.emails.len() == 1 {
                    "email"
                } else {
                    "emails"
                }
            ));
        }
    }
    Ok(())
}

fn print_list(ctx: &Ctx, entries: &[Entry]) -> Result<()> {
    if ctx.out.json {
        return ctx.out.print_json(entries);
    }
    if ctx.out.quiet {
        let ids: Vec<String> = entries.iter().map(|e| e.n.to_string()).collect();
        return ctx.out.print_ids(ids.iter().map(String::as_str));
    }
    let rows = entries
        .iter()
        .map(|e| {
            vec![
                e.n.to_string(),
                when::display_local(e.at),
                one_line(&e.command),
                summary(e),
            ]
        })
        .collect();
    ctx.out.print_table(
        &["N", "WHEN", "COMMAND", "CHANGES"],
        rows,
        &format!(
            "nothing to undo (the last {} commands that change something are kept)",
            store::UNDO_KEEP
        ),
    )
}

/// `notes +1, state ~1; sent an email`.
fn summary(entry: &Entry) -> String {
    let mut parts: Vec<String> = entry
        .changes
        .iter()
        .map(|c| {
            let mut counts = Vec::new();
            if c.added > 0 {
                counts.push(format!("+{}", c.added));
            }
            if c.changed > 0 {
                counts.push(format!("~{}", c.changed));
            }
            if c.removed > 0 {
                counts.push(format!("-{}", c.removed));
            }
            format!("{} {}", c.table, counts.join(" "))
        })
        .collect();
    // `sent the recap`, `sent the agenda and the recap`, `sent 100 recaps`.
    let mut kinds: Vec<(&str, u64)> = Vec::new();
    for email in &entry.emails {
        match kinds.iter_mut().find(|(kind, _)| *kind == email.kind) {
            Some((_, n)) => *n += 1,
            None => kinds.push((&email.kind, 1)),
        }
    }
    if !kinds.is_empty() {
        let sent: Vec<String> = kinds
            .iter()
            .map(|&(kind, n)| match n {
                1 => format!("the {kind}"),
                n => plural(n, kind),
            })
            .collect();
        parts.push(format!("sent {}", sent.join(" and ")));
    }
    parts.join(", ")
}
