use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde::Serialize;

use super::Ctx;
use crate::render::terminal;
use crate::saved::{self, BadRow, Column, Fields, ImportReport, Item, Kind};
use crate::Result;

/// Save customer feedback and QA reviews for a member's next 1:1
///
/// Saved items wait (`coach saved` lists them) until you bring them into a
/// session with `coach session add-saved`, or pick them when you start one
/// with `coach session new`. Each is recognition (positive) or an
/// opportunity to improve: from the rating (feedback at or above the
/// setting feedback.positive-rating, 4 by default) or the score (QA at or
/// above qa.positive-score, 80 by default), or as you say with --positive
/// or --improve.
///
/// --from FILE saves many at once from CSV or JSON Lines; see
/// `coach save feedback --help` for the format.
#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  coach save feedback alex --comment \"Fixed my billing issue in minutes\" --rating 5\n  coach save qa jordan --score 72 --reviewer \"Riley Chen\" --comment \"Skipped the ID check\"\n  coach save feedback --from feedback.csv\n  coach saved alex"
)]
pub enum SaveCommand {
    /// Save a piece of customer feedback about a team member
    Feedback(FeedbackArgs),
    /// Save a QA review of a team member's work
    Qa(QaArgs),
}

const FEEDBACK_HELP: &str = "\
Without a rating, say which it is with --positive or --improve: coach does
not guess, so the balance of recognition and criticism stays true.

Bulk (--from FILE, \"-\" for standard input):
  CSV with a header row naming the fields, or JSON Lines (one object per
  line). A .csv file is CSV; .jsonl, .ndjson and .json are JSON Lines;
  otherwise, and for standard input, a first non-blank \"{\" means JSON Lines
  and anything else CSV.
  Fields: member, comment (both required), rating, customer, channel, url,
  date, tone (positive or improve; required without a rating).
  Every row is checked; a bad one is reported as \"line N: reason\". Nothing
  is saved unless every row is good, or with --skip-bad the good rows are.

Examples:
  coach save feedback alex --comment \"Fixed my bill fast\" --rating 5 --channel chat
  coach save feedback jordan --comment \"Had to repeat my order number\" --improve --date yesterday
  coach save feedback --from examples/feedback.csv
  export-survey --jsonl | coach save feedback --from - --skip-bad";

const QA_HELP: &str = "\
Bulk (--from FILE, \"-\" for standard input):
  CSV with a header row naming the fields, or JSON Lines (one object per
  line), told apart as for `coach save feedback`.
  Fields: member, score (both required), reviewer, comment, url, date, tone
  (positive or improve; by default from the score).
  Every row is checked; a bad one is reported as \"line N: reason\". Nothing
  is saved unless every row is good, or with --skip-bad the good rows are.

Examples:
  coach save qa alex --score 94 --reviewer \"Riley Chen\" --comment \"Textbook de-escalation\"
  coach save qa jordan --score 72 --comment \"Skipped the ID check\" --url https://qa.example.com/r/881
  coach save qa --from examples/qa.jsonl";

#[derive(Debug, Args)]
#[command(after_help = FEEDBACK_HELP)]
pub struct FeedbackArgs {
    /// The team member the feedback is about (a name, an email or an id prefix)
    #[arg(required_unless_present = "from", conflicts_with = "from")]
    member: Option<String>,
    /// What the customer said
    #[arg(long, short, required_unless_present = "from", conflicts_with = "from")]
    comment: Option<String>,
    /// The customer's rating, 1 to 5 stars
    #[arg(
        long,
        short,
        value_name = "1-5",
        allow_negative_numbers = true,
        conflicts_with = "from"
    )]
    rating: Option<String>,
    /// The customer's name
    #[arg(long, value_name = "NAME", conflicts_with = "from")]
    customer: Option<String>,
    /// Where the feedback came from: chat, email, phone, survey...
    #[arg(long, conflicts_with = "from")]
    channel: Option<String>,
    /// A link to the conversation or the survey answer
    #[arg(long, conflicts_with = "from")]
    url: Option<String>,
    /// When the customer gave it: 2026-12-01, yesterday, -3d... [default: now]
    #[arg(
        long,
        short,
        value_name = "WHEN",
        allow_hyphen_values = true,
        conflicts_with = "from"
    )]
    date: Option<String>,
    #[command(flatten)]
    tone: ToneArgs,
    #[command(flatten)]
    bulk: BulkArgs,
}

#[derive(Debug, Args)]
#[command(after_help = QA_HELP)]
pub struct QaArgs {
    /// The team member whose work was reviewed (a name, an email or an id prefix)
    #[arg(required_unless_present = "from", conflicts_with = "from")]
    member: Option<String>,
    /// The review's score, 0 to 100
    #[arg(
        long,
        short,
        value_name = "0-100",
        allow_negative_numbers = true,
        required_unless_present = "from",
        conflicts_with = "from"
    )]
    score: Option<String>,
    /// Who did the review
    #[arg(long, value_name = "NAME", conflicts_with = "from")]
    reviewer: Option<String>,
    /// The reviewer's comment
    #[arg(long, short, conflicts_with = "from")]
    comment: Option<String>,
    /// A link to the review
    #[arg(long, conflicts_with = "from")]
    url: Option<String>,
    /// When the review was done: 2026-12-01, yesterday, -3d... [default: now]
    #[arg(
        long,
        short,
        value_name = "WHEN",
        allow_hyphen_values = true,
        conflicts_with = "from"
    )]
    date: Option<String>,
    #[command(flatten)]
    tone: ToneArgs,
    #[command(flatten)]
    bulk: BulkArgs,
}

#[derive(Debug, Args)]
struct ToneArgs {
    /// Count it as recognition, whatever the rating or score
    #[arg(long, conflicts_with_all = ["improve", "from"])]
    positive: bool,
    /// Count it as an opportunity to improve, whatever the rating or score
    #[arg(long, conflicts_with = "from")]
    improve: bool,
}

impl ToneArgs {
    fn word(&self) -> Option<&'static str> {
        match (self.positive, self.improve) {
            (true, _) => Some("positive"),
            (_, true) => Some("improve"),
            _ => None,
        }
    }
}

#[derive(Debug, Args)]
struct BulkArgs {
    /// Save many items from a file, CSV or JSON Lines ("-" reads standard
    /// input); each row names its member
    #[arg(long, value_name = "FILE")]
    from: Option<PathBuf>,
    /// With --from: save the good rows and list the bad ones, instead of
    /// saving nothing when a row is bad
    // `requires` alone would not refuse it beside MEMBER, which conflicts
    // with --from; every command with these flags has a MEMBER.
    #[arg(long, requires = "from", conflicts_with = "member")]
    skip_bad: bool,
}

/// `save --from --json`: what a bulk import did.
#[derive(Serialize)]
struct Summary<'a> {
    kind: Kind,
    source: &'a str,
    rows: u64,
    saved: u64,
    skipped: u64,
    bad: &'a [BadRow],
}

pub(super) fn run(ctx: &Ctx, command: SaveCommand) -> Result<()> {
    match command {
        SaveCommand::Feedback(args) => {
            if let Some(path) = &args.bulk.from {
                return import(ctx, Kind::Feedback, path, args.bulk.skip_bad);
            }
            let mut fields = Fields::default();
            fields
                .set(Column::Member, args.member.as_deref())
                .set(Column::Comment, args.comment.as_deref())
                .set(Column::Rating, args.rating.as_deref())
                .set(Column::Customer, args.customer.as_deref())
                .set(Column::Channel, args.channel.as_deref())
                .set(Column::Url, args.url.as_deref())
                .set(Column::Date, args.date.as_deref())
                .set(Column::Tone, args.tone.word());
            save_one(ctx, Kind::Feedback, &fields)
        }
        SaveCommand::Qa(args) => {
            if let Some(path) = &args.bulk.from {
                return import(ctx, Kind::Qa, path, args.bulk.skip_bad);
            }
            let mut fields = Fields::default();
            fields
                .set(Column::Member, args.member.as_deref())
                .set(Column::Score, args.score.as_deref())
                .set(Column::Reviewer, args.reviewer.as_deref())
                .set(Column::Comment, args.comment.as_deref())
                .set(Column::Url, args.url.as_deref())
                .set(Column::Date, args.date.as_deref())
                .set(Column::Tone, args.tone.word());
            save_one(ctx, Kind::Qa, &fields)
        }
    }
}

fn save_one(ctx: &Ctx, kind: Kind, fields: &Fields<'_>) -> Result<()> {
    let item = ctx.store()?.write(|tx| saved::save(tx, kind, fields))?;
    if ctx.out.json {
        return ctx.out.print_json(&item);
    }
    if ctx.out.quiet {
        return ctx.out.line(item.id());
    }
    let measure = match &item {
        Item::Feedback(f) => f.rating.map(terminal::stars),
        Item::Qa(q) => Some(format!("{}/100", q.score)),
    };
    ctx.out.line(format!(
        "Saved {} {} for {}: {}{}",
        kind.noun(),
        ctx.out.paint(item.short_id(), crate::output::ID),
        item.member().name,
        measure.map(|m| format!("{m} ")).unwrap_or_default(),
        terminal::tone_word(item.tone())
    ))
}

fn import(ctx: &Ctx, kind: Kind, path: &Path, skip_bad: bool) -> Result<()> {
    let (mut input, options) = crate::import::open_path(path, None, skip_bad, false)?;
    let source = &options.source;
    let bar = ctx
        .out
        .progress_bar(crate::output::Progress::Bytes(options.size));
    let mut progress = |at: crate::import::Progress| {
        if let Some(bar) = &bar {
            bar.set_position(at.bytes);
            bar.set_message(format!("{} rows", at.rows));
        }
    };
    // A rejected import wrote nothing (the engine rolled it back).
    let result = ctx.store()?.write_bulk(|tx| {
        saved::import(tx, kind, &mut input, &options, ctx.out.quiet, &mut progress)
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let ImportReport {
        report,
        count,
        saved,
    } = result?;
    if report.rejected {
        list_bad_rows(ctx, &report.bad, report.bad_count);
        return Err(report.rejected_error(source));
    }
    if ctx.out.json {
        return ctx.out.print_json(&Summary {
            kind,
            source,
            rows: report.rows,
            saved: count,
            skipped: report.bad_count,
            bad: &report.bad,
        });
    }
    list_bad_rows(ctx, &report.bad, report.bad_count);
    if ctx.out.quiet {
        return ctx
            .out
            .print_ids(saved.iter().map(|id| id.simple().to_string()));
    }
    let skipped = match report.bad_count {
        0 => String::new(),
        1 => "; skipped 1 bad row".to_string(),
        n => format!("; skipped {n} bad rows"),
    };
    ctx.out.line(format!(
        "Saved {} from {source}{skipped}",
        kind.count(count)
    ))
}

/// Lists the bad rows of an import on standard error, as `line N:
/// reason`, the rest counted (every import: `save --from`, `metric import`).
pub(super) fn list_bad_rows(ctx: &Ctx, bad: &[BadRow], count: u64) {
    if ctx.out.json {
        return;
    }
    for bad in bad {
        ctx.out.note(format!("line {}: {}", bad.line, bad.reason));
    }
    let unlisted = count - bad.len() as u64;
    if unlisted > 0 {
        ctx.out
            .note(format!("... and {unlisted} more bad rows, not listed"));
    }
}
