use crate::output::{plural, Progress};
use std::path::PathBuf;
use std::time::Instant;

use clap::{Args, Subcommand};

use super::Ctx;
use crate::member;
use crate::metric::import::{self, Format, Summary};
use crate::metric::{
    self, format_target, format_trend, format_value, format_vs_target, Added, Given, MetricValue,
    NewValue, Scorecard, SessionMetric,
};
use crate::output::ID;
use crate::session;
use crate::{when, Result};

/// Record a member's metrics, see their scorecard, discuss them in a session
///
/// Metrics are numbers recorded per member over time (CSAT, AHT, FCR...),
/// one by one or imported from a BI export. Discuss them in a 1:1 as a
/// full scorecard or one metric to focus on.
///
/// A metric's name is matched ignoring case. A target is a minimum (on
/// target when the value is at least the target), except for the metrics
/// named in the setting metric.lower-is-better, where it is a maximum.
#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  coach metric record alex CSAT 4.6 --target 4.5\n  coach metric import examples/metrics.csv\n  coach metric scorecard alex\n  coach metric add --scorecard\n  coach metric add FCR\n  coach config set metric.lower-is-better AHT"
)]
pub enum MetricCommand {
    /// Record a value of a member's metric
    Record(RecordArgs),
    /// Import values from a CSV or JSON Lines file (all or nothing)
    Import(ImportArgs),
    /// Add a metric to the current session (or --session)
    Add(AddArgs),
    /// Take a metric out of the current session (or --session)
    Rm(RmArgs),
    /// Show a member's latest value of each metric, against its target
    Scorecard(ScorecardArgs),
    /// List a member's recorded values, oldest first
    List(ListArgs),
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  coach metric record alex CSAT 4.6 --target 4.5\n  coach metric record alex AHT 412 --unit s --target 420 --date 2026-12-01\n  coach metric record jordan FCR 78.5 --unit %\n\nRecording a value for a date that already has one replaces it."
)]
pub struct RecordArgs {
    /// The team member: a name, an email or an id prefix
    member: String,
    /// The metric, e.g. CSAT (matched ignoring case; a new one is kept as
    /// written)
    name: String,
    /// The value: a number such as 4.6, 412 or -3
    #[arg(allow_negative_numbers = true)]
    value: String,
    /// The target for this value [default: the metric's latest target]
    #[arg(long, short, allow_negative_numbers = true, value_name = "T")]
    target: Option<String>,
    /// The unit, e.g. %, s, pts [default: the metric's latest unit]
    #[arg(long, short, value_name = "U")]
    unit: Option<String>,
    /// When it was measured: 2026-12-01, yesterday, -1w... [default: now]
    #[arg(long, short, value_name = "WHEN", allow_hyphen_values = true)]
    date: Option<String>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  coach metric import weekly.csv\n  coach metric import --skip-bad export.jsonl\n  bi-export --since -1w | coach metric import -\n  coach metric import --dry-run weekly.csv\n\nCSV: a header line naming the columns member,metric,value,date and optionally\ntarget,unit, in any order:\n\n  member,metric,value,date,target,unit\n  Alex Kim,CSAT,4.6,2026-11-30,4.5,\n  Alex Kim,AHT,412,2026-11-30,420,s\n\nJSON Lines: one object per line with the same fields (value and target are\nnumbers):\n\n  {\"member\": \"Alex Kim\", \"metric\": \"CSAT\", \"value\": 4.6, \"date\": \"2026-11-30\"}\n\nA value for a member, metric and date that is already recorded is replaced,\nso importing the same export twice changes nothing."
)]
pub struct ImportArgs {
    /// The file: .csv, or .jsonl/.ndjson; "-" reads standard input
    file: PathBuf,
    /// The file's format [default: from its extension, else JSON Lines if
    /// it starts with "{", else CSV]
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Import the good rows and list the bad ones, instead of importing
    /// nothing when a row is bad
    #[arg(long)]
    skip_bad: bool,
    /// Check every row and list the bad ones; import nothing
    #[arg(long, conflicts_with = "skip_bad")]
    dry_run: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  coach metric add --scorecard          # every metric: the full scorecard\n  coach metric add CSAT                  # one metric to focus on: its latest value\n  coach metric add \"Quality score\" 92 --target 90\n\nAdding a metric that is already in the session replaces its value; its notes\nstay. A VALUE given here is kept in the session only: record it with\n`coach metric record` to keep it in the member's history."
)]
pub struct AddArgs {
    /// The metric (ignoring case); left out with --scorecard
    #[arg(required_unless_present = "scorecard")]
    name: Option<String>,
    /// The value to discuss [default: the member's latest recorded value]
    #[arg(allow_negative_numbers = true)]
    value: Option<String>,
    /// Add the latest value of every metric the member has
    #[arg(long, conflicts_with_all = ["name", "value", "target", "unit", "date"])]
    scorecard: bool,
    /// The target [default: the metric's latest target]
    #[arg(long, short, allow_negative_numbers = true, value_name = "T")]
    target: Option<String>,
    /// The unit [default: the metric's latest unit]
    #[arg(long, short, value_name = "U")]
    unit: Option<String>,
    /// When the given VALUE was measured [default: now]
    #[arg(
        long,
        short,
        value_name = "WHEN",
        allow_hyphen_values = true,
        requires = "value"
    )]
    date: Option<String>,
    /// The session [default: the current session]
    #[arg(long, short, value_name = "SESSION")]
    session: Option<String>,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// The metric: its name (ignoring case) or the beginning of its id
    name: String,
    /// The session [default: the current session]
    #[arg(long, short, value_name = "SESSION")]
    session: Option<String>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  coach metric scorecard alex\n  coach metric scorecard alex --json\n\nFor each metric: the latest value, its target (≥ a minimum, ≤ a maximum for\nthe metrics in metric.lower-is-better), the change since the previous value,\nand the last 12 values as a sparkline. With --quiet: the metric names, one per\nline."
)]
pub struct ScorecardArgs {
    /// The team member: a name, an email or an id prefix
    member: String,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  coach metric list alex\n  coach metric list alex --metric csat --since -12w"
)]
pub struct ListArgs {
    /// The team member: a name, an email or an id prefix
    member: String,
    /// Only this metric (ignoring case)
    #[arg(long, short)]
    metric: Option<String>,
    /// Only values measured on or after this date (e.g. -4w, 2026-01-01)
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    since: Option<String>,
}

pub(super) fn run(ctx: &Ctx, command: MetricCommand) -> Result<()> {
    match command {
        MetricCommand::Record(args) => record(ctx, args),
        MetricCommand::Import(args) => import(ctx, args),
        MetricCommand::Add(args) => add(ctx, args),
        MetricCommand::Rm(args) => {
            let (session, removed) = ctx.store()?.write(|tx| {
                let session = session::explicit_or_current(tx, args.session.as_deref())?;
                let metric = metric::resolve_in_session(tx, &session, &args.name)?;
                metric::remove_from_session(tx, &metric)?;
                Ok((session, metric))
            })?;
            if ctx.out.json {
                return ctx.out.print_json(&removed);
            }
            if ctx.out.quiet {
                return ctx.out.line(&removed.id);
            }
            ctx.out.line(format!(
                "Removed {} from the session {}",
                removed.metric,
                ctx.out.paint(&session.short_id, ID)
            ))
        }
        MetricCommand::Scorecard(args) => {
            let card = ctx.store()?.read(|tx| {
                let member = member::resolve(tx, &args.member)?;
                metric::scorecard(tx, &member)
            })?;
            print_scorecard(ctx, &card)
        }
        MetricCommand::List(args) => {
            let mut store = ctx.store()?;
            let since = ctx.read_when(&mut store, args.since.as_deref())?;
            let values = store.read(|tx| {
                let member = member::resolve(tx, &args.member)?;
                metric::history(tx, &member, args.metric.as_deref(), since)
            })?;
            print_list(ctx, &values)
        }
    }
}

fn record(ctx: &Ctx, args: RecordArgs) -> Result<()> {
    let mut store = ctx.store()?;
    let measured_at = ctx.read_when(&mut store, args.date.as_deref())?;
    let new = NewValue {
        metric: args.name,
        value: metric::parse_number("value", &args.value)?,
        target: args
            .target
            .as_deref()
            .map(|t| metric::parse_number("target", t))
            .transpose()?,
        unit: args.unit,
        measured_at: measured_at.unwrap_or_else(chrono::Utc::now),
    };
    let recorded = store.write(|tx| {
        let member = member::resolve(tx, &args.member)?;
        metric::record(tx, &member, new)
    })?;
    let v = &recorded.value;
    if ctx.out.json {
        return ctx.out.print_json(v);
    }
    if ctx.out.quiet {
        return ctx.out.line(&v.id);
    }
    let value = format_value(v.value, v.unit.as_deref());
    let what = match recorded.replaced {
        Some(old) => format!(
            "Replaced {} {} with {value}",
            v.metric,
            format_value(old, v.unit.as_deref())
        ),
        None => format!("Recorded {} {value}", v.metric),
    };
    ctx.out.line(format!(
        "{what} for {} on {}",
        v.member.name,
        when::display_local(v.measured_at)
    ))
}

fn import(ctx: &Ctx, args: ImportArgs) -> Result<()> {
    let (mut input, options) =
        crate::import::open_path(&args.file, args.format, args.skip_bad, args.dry_run)?;
    let bar = ctx.out.progress_bar(Progress::Bytes(options.size));
    let mut progress = |at: crate::import::Progress| {
        if let Some(bar) = &bar {
            bar.set_position(at.bytes);
        }
    };
    let started = Instant::now();
    let mut store = ctx.store()?;
    let result = if args.dry_run {
        store.read(|tx| import::import(tx, &mut input, &options, &mut progress))
    } else {
        store.write_bulk(|tx| import::import(tx, &mut input, &options, &mut progress))
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let summary = result?;
    super::save::list_bad_rows(ctx, &summary.bad, summary.bad_count);
    if summary.rejected {
        return Err(crate::import::rejected(
            &options.source,
            &summary.bad,
            summary.bad_count,
            summary.imported,
        ));
    }
    print_import(ctx, &summary, started.elapsed().as_secs_f64())
}

fn print_import(ctx: &Ctx, summary: &Summary, seconds: f64) -> Result<()> {
    if ctx.out.json {
        return ctx.out.print_json(summary);
    }
    if ctx.out.quiet {
        return Ok(());
    }
    let members = plural(summary.members as u64, "member");
    let bad = plural(summary.bad_count, "bad row");
    if summary.dry_run {
        return ctx.out.line(format!(
            "Checked: {} for {members} would be imported; {bad}; nothing was written",
            plural(summary.imported, "value")
        ));
    }
    let mut extra = Vec::new();
    if summary.replaced > 0 {
        extra.push(format!(
            "{} replaced the value already recorded for that date",
            summary.replaced
        ));
    }
    if summary.bad_count > 0 {
        extra.push(format!("{bad} skipped"));
    }
    let extra = if extra.is_empty() {
        String::new()
    } else {
        format!(" ({})", extra.join("; "))
    };
    // The time only when it is worth reading: a large import.
    let took = if seconds >= 1.0 {
        format!(" in {seconds:.1} s")
    } else {
        String::new()
    };
    ctx.out.line(format!(
        "Imported {} for {members}{took}{extra}",
        plural(summary.imported, "value")
    ))
}

fn add(ctx: &Ctx, args: AddArgs) -> Result<()> {
    let mut store = ctx.store()?;
    let given = Given {
        value: args
            .value
            .as_deref()
            .map(|v| metric::parse_number("value", v))
            .transpose()?,
        target: args
            .target
            .as_deref()
            .map(|t| metric::parse_number("target", t))
            .transpose()?,
        unit: args.unit,
        measured_at: ctx.read_when(&mut store, args.date.as_deref())?,
    };
    let (session, added) = store.write(|tx| {
        let session = session::explicit_or_current(tx, args.session.as_deref())?;
        let added = match &args.name {
            Some(name) if !args.scorecard => {
                vec![metric::add_to_session(tx, &session, name, given)?]
            }
            _ => metric::add_scorecard_to_session(tx, &session)?,
        };
        Ok((session, added))
    })?;
    if ctx.out.json {
        let metrics: Vec<&SessionMetric> = added.iter().map(|a| &a.metric).collect();
        return match (args.scorecard, metrics.as_slice()) {
            (false, [one]) => ctx.out.print_json(one),
            _ => ctx.out.print_json(&metrics),
        };
    }
    if ctx.out.quiet {
        return ctx
            .out
            .print_ids(added.iter().map(|a| a.metric.id.as_str()));
    }
    if args.scorecard {
        ctx.out.line(format!(
            "Added {}'s scorecard to the session {}:",
            session.member.name,
            ctx.out.paint(&session.short_id, ID)
        ))?;
    }
    for Added {
        metric: m,
        replaced,
    } in &added
    {
        let unit = m.unit.as_deref();
        let mut line = format!(
            "{} {}: {}",
            if replaced.is_some() {
                "Updated"
            } else {
                "Added"
            },
            m.metric,
            format_value(m.value, unit)
        );
        match replaced {
            Some(old) if metric::difference(*old, m.value) == 0.0 => line.push_str(" (unchanged)"),
            Some(old) => line.push_str(&format!(" (was {})", format_value(*old, unit))),
            None => {}
        }
        let target = format_target(m.target, unit, m.lower_is_better);
        if !target.is_empty() {
            let vs = format_vs_target(m.value, m.target, unit, m.lower_is_better);
            line.push_str(&format!(", target {target}: {vs}"));
        }
        line.push_str(&format!(
            ", measured {}",
            when::display_local_date(m.measured_at)
        ));
        ctx.out.line(if args.scorecard {
            format!("  {line}")
        } else {
            line
        })?;
    }
    Ok(())
}

fn print_scorecard(ctx: &Ctx, card: &Scorecard) -> Result<()> {
    if ctx.out.json {
        return ctx.out.print_json(card);
    }
    if ctx.out.quiet {
        let mut text = String::new();
        for line in &card.metrics {
            text.push_str(&line.metric);
            text.push('\n');
        }
        return ctx.out.line(text.trim_end());
    }
    if card.metrics.is_empty() {
        ctx.out.note(format!(
            "{} has no metrics yet; record one with: coach metric record \"{}\" NAME VALUE",
            card.member.name, card.member.name
        ));
        return Ok(());
    }
    ctx.out.line(ctx.out.paint(
        &format!("Scorecard: {}", card.member.name),
        crate::output::HEADING,
    ))?;
    let rows = card
        .metrics
        .iter()
        .map(|l| {
            let unit = l.unit.as_deref();
            vec![
                l.metric.clone(),
                format_value(l.value, unit),
                when::display_local_date(l.measured_at),
                format_target(l.target, unit, l.lower_is_better),
                format_vs_target(l.value, l.target, unit, l.lower_is_better),
                format_trend(l.trend, l.delta, unit),
                l.sparkline.clone(),
            ]
        })
        .collect();
    ctx.out.print_table(
        &[
            "METRIC",
            "LATEST",
            "MEASURED",
            "TARGET",
            "VS TARGET",
            "TREND",
            "RECENT",
        ],
        rows,
        "",
    )
}

fn print_list(ctx: &Ctx, values: &[MetricValue]) -> Result<()> {
    if ctx.out.json {
        return ctx.out.print_json(values);
    }
    if ctx.out.quiet {
        return ctx.out.print_ids(values.iter().map(|v| v.id.as_str()));
    }
    let rows = values
        .iter()
        .map(|v| {
            vec![
                v.short_id.clone(),
                when::display_local(v.measured_at),
                v.metric.clone(),
                format_value(v.value, v.unit.as_deref()),
                v.target
                    .map(|t| format_value(t, v.unit.as_deref()))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    ctx.out.print_table(
        &["ID", "MEASURED", "METRIC", "VALUE", "TARGET"],
        rows,
        "no values recorded",
    )
}
