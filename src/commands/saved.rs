use clap::{Args, Subcommand};

use super::Ctx;
use crate::render::terminal;
use crate::saved::{self, Column, Fields, Item};
use crate::store::Tx;
use crate::{member, when, Result};

/// List the saved feedback and QA reviews waiting for a 1:1, newest first
///
/// These are the items saved with `coach save feedback|qa` that are not in
/// a session yet. Bring them into one with `coach session add-saved`, or
/// pick them when you start it with `coach session new`.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  coach saved\n  coach saved alex\n  coach saved alex --json\n  coach session add-saved $(coach saved alex -q -n 3)\n  coach saved edit 3f2a --rating 4\n  coach saved rm 3f2a"
)]
pub struct SavedArgs {
    #[command(subcommand)]
    command: Option<SavedCommand>,
    /// Only this member's items (a name, an email or an id prefix)
    member: Option<String>,
    /// At most this many items
    #[arg(long, short = 'n', value_name = "N")]
    limit: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub(super) enum SavedCommand {
    /// Delete a saved item (a tombstone stays); if it was in a session,
    /// it leaves it, and its notes stay there as general notes
    Rm(RmArgs),
    /// Correct a saved item's fields, with the same checks as `coach save`;
    /// a blank value ("") clears an optional field
    ///
    /// The item stays with its member and its session. Its date stays unless
    /// you give --date; its tone stays unless you give --positive or
    /// --improve, or change the rating or score (then it follows the new
    /// one, as when saving).
    #[command(
        after_help = "Examples:\n  coach saved edit 3f2a --rating 4\n  coach saved edit 3f2a --comment \"Fixed my bill in minutes\" --customer \"\"\n  coach saved edit 9c1e --score 85 --reviewer \"Riley Chen\" --json"
    )]
    Edit(EditArgs),
}

#[derive(Debug, Args)]
pub(super) struct EditArgs {
    /// The item: the beginning of its id, as `coach saved` shows it
    #[arg(value_name = "ITEM")]
    item: String,
    /// The comment: what the customer or the reviewer said
    #[arg(long, short)]
    comment: Option<String>,
    /// Feedback: the customer's rating, 1 to 5 stars
    #[arg(long, short, value_name = "1-5", allow_negative_numbers = true)]
    rating: Option<String>,
    /// Feedback: the customer's name
    #[arg(long, value_name = "NAME")]
    customer: Option<String>,
    /// Feedback: where it came from: chat, email, phone, survey...
    #[arg(long)]
    channel: Option<String>,
    /// QA: the review's score, 0 to 100
    #[arg(long, short, value_name = "0-100", allow_negative_numbers = true)]
    score: Option<String>,
    /// QA: who did the review
    #[arg(long, value_name = "NAME")]
    reviewer: Option<String>,
    /// A link to the conversation, the survey answer or the review
    #[arg(long)]
    url: Option<String>,
    /// When it was given or done: 2026-12-01, yesterday, -3d...
    #[arg(long, short, value_name = "WHEN", allow_hyphen_values = true)]
    date: Option<String>,
    /// Count it as recognition, whatever the rating or score
    #[arg(long, conflicts_with = "improve")]
    positive: bool,
    /// Count it as an opportunity to improve, whatever the rating or score
    #[arg(long)]
    improve: bool,
}

impl EditArgs {
    /// The fields given, blank ones included (they clear).
    fn changes(&self) -> Fields<'_> {
        let tone = match (self.positive, self.improve) {
            (true, _) => Some("positive"),
            (_, true) => Some("improve"),
            _ => None,
        };
        let mut fields = Fields::default();
        fields
            .set(Column::Comment, self.comment.as_deref())
            .set(Column::Rating, self.rating.as_deref())
            .set(Column::Customer, self.customer.as_deref())
            .set(Column::Channel, self.channel.as_deref())
            .set(Column::Score, self.score.as_deref())
            .set(Column::Reviewer, self.reviewer.as_deref())
            .set(Column::Url, self.url.as_deref())
            .set(Column::Date, self.date.as_deref())
            .set(Column::Tone, tone);
        fields
    }
}

#[derive(Debug, Args)]
pub(super) struct RmArgs {
    /// The item: the beginning of its id, as `coach saved` shows it
    #[arg(value_name = "ITEM")]
    items: String,
}

pub(super) fn run(ctx: &Ctx, args: SavedArgs) -> Result<()> {
    match args.command {
        Some(SavedCommand::Rm(rm)) => return remove(ctx, &rm),
        Some(SavedCommand::Edit(edit)) => return edit_item(ctx, &edit),
        None => {}
    }
    let items = ctx.store()?.read(|tx| {
        let member_id = match &args.member {
            Some(query) => Some(member::resolve(tx, query)?.id),
            None => None,
        };
        saved::waiting(tx, member_id.as_deref(), args.limit)
    })?;
    if ctx.out.json {
        return ctx.out.print_json(&items);
    }
    if ctx.out.quiet {
        return ctx.out.print_ids(items.iter().map(Item::id));
    }
    let rows = items
        .iter()
        .map(|item| {
            vec![
                item.short_id().to_string(),
                when::display_local(item.date()),
                item.member().name.clone(),
                item.kind().as_str().to_string(),
                item.tone().as_str().to_string(),
                summary(item),
            ]
        })
        .collect();
    ctx.out.print_table(
        &["ID", "DATE", "MEMBER", "KIND", "TONE", "SUMMARY"],
        rows,
        "no saved items are waiting; save one with: coach save feedback MEMBER --comment TEXT --rating 1-5",
    )
}

/// `coach saved rm ITEM`.
fn remove(ctx: &Ctx, args: &RmArgs) -> Result<()> {
    change(
        ctx,
        &args.items,
        |tx, item| saved::remove(tx, &item).map(|()| item),
        |item| {
            format!(
                "Deleted the {} {} about {}: {}",
                item.kind().noun(),
                item.short_id(),
                item.member().name,
                summary(item)
            )
        },
    )
}

/// `coach saved edit ITEM ...`.
fn edit_item(ctx: &Ctx, args: &EditArgs) -> Result<()> {
    change(
        ctx,
        &args.item,
        |tx, item| saved::edit(tx, &item, &args.changes()),
        |item| {
            format!(
                "Changed the {} {} about {}: {} {}",
                item.kind().noun(),
                ctx.out.paint(item.short_id(), crate::output::ID),
                item.member().name,
                summary(item),
                terminal::tone_word(item.tone())
            )
        },
    )
}

/// Resolves the item `query` names and changes it (`apply`) in one
/// transaction; prints the item as changed: JSON, its id, or `line`.
fn change(
    ctx: &Ctx,
    query: &str,
    apply: impl FnOnce(&Tx<'_>, Item) -> Result<Item>,
    line: impl FnOnce(&Item) -> String,
) -> Result<()> {
    let item = ctx.store()?.write(|tx| {
        let item = tx.resolve::<saved::Item>(query)?;
        apply(tx, item)
    })?;
    if ctx.out.json {
        return ctx.out.print_json(&item);
    }
    if ctx.out.quiet {
        return ctx.out.line(item.id());
    }
    ctx.out.line(line(&item))
}

/// One line about an item: its rating or score, who, and the start of the
/// comment.
pub(super) fn summary(item: &Item) -> String {
    let (measure, who, comment) = match item {
        Item::Feedback(f) => {
            let who = match (&f.customer, &f.channel) {
                (Some(customer), Some(channel)) => Some(format!("{customer} ({channel})")),
                (Some(customer), None) => Some(customer.clone()),
                (None, Some(channel)) => Some(format!("({channel})")),
                (None, None) => None,
            };
            (f.rating.map(terminal::stars), who, Some(f.comment.as_str()))
        }
        Item::Qa(q) => (
            Some(format!("{}/100", q.score)),
            q.reviewer.clone(),
            q.comment.as_deref(),
        ),
    };
    let mut parts: Vec<String> = measure.into_iter().collect();
    let comment = comment.map(|c| shorten(c.lines().next().unwrap_or_default(), 50));
    match (who, comment) {
        (Some(who), Some(comment)) => parts.push(format!("{who}: {comment}")),
        (Some(who), None) => parts.push(who),
        (None, Some(comment)) => parts.push(comment),
        (None, None) => {}
    }
    parts.join(" ")
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{}…", cut.trim_end())
    }
}
