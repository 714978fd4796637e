//! `coach member trends`: a member's Team Member Trends page, in the
//! terminal or as an HTML file with charts.

use std::fmt::Write as _;
use std::path::PathBuf;

use anstyle::{AnsiColor, Style};
use clap::Args;

use super::Ctx;
use crate::metric::{format_target, format_value};
use crate::output::plural;
use crate::output::{Output, DIM, HEADING};
use crate::private_file::{self, Existing};
use crate::render::trends_html;
use crate::team;
use crate::trends::{self, MetricTrend, Trends};
use crate::{member, when, Result};

/// A member's trends: 1:1 cadence, kudos, actions, feedback balance, metrics
///
/// The Team Member Trends page, over a window that starts at --since
/// (default: the first day of the month five months ago, so six calendar
/// months with this one): sessions per month and the days since the last
/// 1:1; kudos by kind; the action items agreed in the window's sessions,
/// done, open and overdue, and the completion rate; the feedback and QA
/// reviews discussed, positive against to improve (and what is still
/// waiting); and each metric's average per period (the window cut into 26)
/// as a sparkline against its target. Counts only: no note is shown.
///
/// --html FILE writes the same as a self-contained web page with charts
/// (inline SVG, no scripts, nothing fetched from the network).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  coach member trends alex\n  coach member trends alex --since 2026-01-01\n  coach member trends alex --html alex-trends.html\n  coach member trends alex --json | jq '.actions.completion_rate'"
)]
pub struct TrendsArgs {
    /// The member: a name, an email or an id prefix
    member: String,
    /// Start of the window (e.g. -12w, 2026-01-01) [default: the first day
    /// of the month five months ago]
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    since: Option<String>,
    /// Write the trends as an HTML page with charts to FILE
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    /// Replace FILE if it exists
    #[arg(long, requires = "html")]
    force: bool,
}

pub(super) fn run(ctx: &Ctx, store: &mut crate::store::Store, args: TrendsArgs) -> Result<()> {
    let since = ctx.read_when(store, args.since.as_deref())?;
    if let Some(path) = &args.html {
        private_file::check_target(path, Existing::from_force(args.force))?;
    }
    let (trends, coach) = store.read(|tx| {
        let member = member::resolve(tx, &args.member)?;
        Ok((
            trends::of_member(tx, &member, since)?,
            crate::note::coach_name(tx)?,
        ))
    })?;
    if let Some(path) = &args.html {
        let page = trends_html::page(&trends, &coach)?;
        private_file::write(path, page.as_bytes(), Existing::from_force(args.force))?;
        if ctx.out.json {
            return ctx.out.print_json(&trends);
        }
        if ctx.out.quiet {
            return ctx.out.line(path.display().to_string());
        }
        return ctx.out.line(format!(
            "Wrote {}'s trends ({}) to {}",
            trends.member.name,
            window(&trends),
            path.display()
        ));
    }
    if ctx.out.json {
        return ctx.out.print_json(&trends);
    }
    if ctx.out.quiet {
        return ctx.out.line(&trends.member.id);
    }
    ctx.out.line(render(&ctx.out, &trends))
}

/// `2026-07-01 to 2026-12-15`.
fn window(t: &Trends) -> String {
    format!(
        "{} to {}",
        when::display_local_date(t.since),
        when::display_local_date(t.until)
    )
}

const GOOD: Style = AnsiColor::Green.on_default();
const BAD: Style = AnsiColor::Red.on_default();
const BAR: Style = AnsiColor::Cyan.on_default();

/// The widest bar, in characters.
const BAR_WIDTH: u64 = 40;

/// `n` as a bar of ▇ (one per unit up to [`BAR_WIDTH`], scaled beyond).
fn bar(n: u64, max: u64) -> String {
    let len = if max <= BAR_WIDTH {
        n
    } else {
        (n * BAR_WIDTH).div_ceil(max)
    };
    "▇".repeat(usize::try_from(len).unwrap_or(0))
}

/// A labelled bar: `  label  ▇▇▇ 3`, the labels padded to `width`.
fn bar_line(out: &Output, label: &str, width: usize, n: u64, max: u64, style: Style) -> String {
    let bar = bar(n, max);
    let (bar, gap) = if bar.is_empty() {
        (String::new(), "")
    } else {
        (out.paint(&bar, style), " ")
    };
    let count = if n == 0 {
        out.paint("0", DIM)
    } else {
        n.to_string()
    };
    format!("  {label:<width$}  {bar}{gap}{count}\n")
}

/// The trends as text, in headed sections.
fn render(out: &Output, t: &Trends) -> String {
    let mut text = format!(
        "{} {}\n",
        out.paint(&format!("Trends: {}", t.member.name), HEADING),
        out.paint(&format!("({})", window(t)), DIM)
    );
    cadence(&mut text, out, t);
    kudos(&mut text, out, t);
    actions(&mut text, out, t);
    balance(&mut text, out, t);
    metrics(&mut text, out, t);
    text.trim_end().to_string()
}

fn heading(text: &mut String, out: &Output, title: &str, detail: &str) {
    let _ = write!(text, "\n{}", out.paint(title, HEADING));
    if detail.is_empty() {
        text.push('\n');
    } else {
        let _ = writeln!(text, "  {}", out.paint(detail, DIM));
    }
}

fn cadence(text: &mut String, out: &Output, t: &Trends) {
    let c = &t.cadence;
    let every = c
        .average_days_between
        .map(|d| format!(", one every {d} days on average"))
        .unwrap_or_default();
    heading(
        text,
        out,
        "1:1 cadence",
        &format!("{} in the window{every}", plural(c.sessions, "session")),
    );
    let last = match (&c.last, c.days_since_last) {
        (Some(s), Some(days)) => format!(
            "last {} ({})",
            when::display_local_date(s.date),
            match days {
                0 => "today".to_string(),
                d => format!("{} ago", team::format_days(d)),
            }
        ),
        _ => "never coached".to_string(),
    };
    let next = match &c.next {
        Some(s) => format!("next {}", when::display_local(s.date)),
        None => "nothing scheduled".to_string(),
    };
    let _ = writeln!(text, "  {last} \u{b7} {next}");
    // Long windows: one line per year rather than per month.
    let rows: Vec<(String, u64)> = if c.per_month.len() > 24 {
        let mut years: Vec<(String, u64)> = Vec::new();
        for m in &c.per_month {
            let year = m.month.get(..4).unwrap_or(&m.month).to_string();
            match years.last_mut() {
                Some((y, n)) if *y == year => *n += m.sessions,
                _ => years.push((year, m.sessions)),
            }
        }
        years
    } else {
        c.per_month
            .iter()
            .map(|m| (m.month.clone(), m.sessions))
            .collect()
    };
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0);
    for (label, n) in &rows {
        text.push_str(&bar_line(out, label, 7, *n, max, BAR));
    }
}

fn kudos(text: &mut String, out: &Output, t: &Trends) {
    let k = &t.kudos;
    heading(text, out, "Kudos", &format!("{} given", k.total));
    let rows = [
        ("success", k.success),
        ("knowledge & expertise", k.expertise),
        ("effort", k.effort),
        ("our values", k.values),
        ("thank-you", k.thanks),
    ];
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0);
    for (label, n) in rows {
        text.push_str(&bar_line(out, label, 21, n, max, GOOD));
    }
}

fn actions(text: &mut String, out: &Output, t: &Trends) {
    let a = &t.actions;
    let rate = a
        .completion_rate
        .map(|r| format!(", {} done", percent(r)))
        .unwrap_or_default();
    heading(
        text,
        out,
        "Action items",
        &format!("{} agreed{rate}", a.total),
    );
    let max = a.done.max(a.open);
    text.push_str(&bar_line(out, "done", 4, a.done, max, GOOD));
    let open = bar_line(out, "open", 4, a.open, max, BAR);
    text.push_str(open.trim_end());
    if a.overdue > 0 {
        let _ = write!(
            text,
            "  {}",
            out.paint(&format!("({} overdue)", a.overdue), BAD)
        );
    }
    text.push('\n');
}

fn balance(text: &mut String, out: &Output, t: &Trends) {
    let b = &t.balance;
    heading(
        text,
        out,
        "Feedback and QA reviews",
        &format!("{} discussed", b.positive + b.improve),
    );
    let max = b.positive.max(b.improve);
    let detail = |f: u64, q: u64| out.paint(&format!("(feedback {f}, QA {q})"), DIM);
    let line = bar_line(out, "positive", 8, b.positive, max, GOOD);
    let _ = writeln!(
        text,
        "{}  {}",
        line.trim_end(),
        detail(b.feedback.positive, b.qa.positive)
    );
    let line = bar_line(out, "improve", 8, b.improve, max, BAD);
    let _ = writeln!(
        text,
        "{}  {}",
        line.trim_end(),
        detail(b.feedback.improve, b.qa.improve)
    );
    if b.waiting.positive + b.waiting.improve > 0 {
        let _ = writeln!(
            text,
            "  waiting for a session: {} positive, {} to improve",
            b.waiting.positive, b.waiting.improve
        );
    }
}

fn metrics(text: &mut String, out: &Output, t: &Trends) {
    heading(
        text,
        out,
        "Metrics",
        &format!(
            "average per period, the window cut into {}; green: on target",
            trends::PERIODS
        ),
    );
    if t.metrics.is_empty() {
        let _ = writeln!(text, "  {}", out.paint("no values in the window", DIM));
        return;
    }
    // Columns padded by their plain width, then painted.
    let rows: Vec<[(String, String); 5]> = t.metrics.iter().map(|m| metric_row(out, m)).collect();
    let header = ["METRIC", "TREND", "LATEST", "TARGET", "ON TARGET"];
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, (plain, _)) in widths.iter_mut().zip(row) {
            *w = (*w).max(plain.chars().count());
        }
    }
    let mut line = String::from(" ");
    for (h, w) in header.iter().zip(widths) {
        let _ = write!(line, " {h:<w$} ");
    }
    let _ = writeln!(text, "{}", out.paint(line.trim_end(), DIM));
    for row in rows {
        let mut line = String::from(" ");
        for ((plain, painted), w) in row.iter().zip(widths) {
            let pad = w.saturating_sub(plain.chars().count());
            let _ = write!(line, " {painted}{} ", " ".repeat(pad));
        }
        let _ = writeln!(text, "{}", line.trim_end());
    }
}

/// One metric's cells, each as (plain text, painted text).
fn metric_row(out: &Output, m: &MetricTrend) -> [(String, String); 5] {
    let unit = m.unit.as_deref();
    let spark: String = m
        .sparkline
        .chars()
        .zip(&m.points)
        .map(|(c, p)| match p.on_target {
            Some(true) => out.paint(&c.to_string(), GOOD),
            Some(false) => out.paint(&c.to_string(), BAD),
            None => c.to_string(),
        })
        .collect();
    let latest = format!(
        "{} ({})",
        format_value(m.latest.value, unit),
        when::display_local_date(m.latest.measured_at)
    );
    let latest_painted = match m.on_target {
        Some(true) => out.paint(&latest, GOOD),
        Some(false) => out.paint(&latest, BAD),
        None => latest.clone(),
    };
    let target = format_target(m.target, unit, m.lower_is_better);
    let share = match m.on_target_share {
        Some(share) => {
            let judged = m.points.iter().filter(|p| p.on_target.is_some()).count();
            let met = m
                .points
                .iter()
                .filter(|p| p.on_target == Some(true))
                .count();
            format!("{} ({met} of {judged})", percent(share))
        }
        None => "-".to_string(),
    };
    [
        (m.metric.clone(), m.metric.clone()),
        (m.sparkline.clone(), spark),
        (latest, latest_painted),
        (target.clone(), target),
        (share.clone(), share),
    ]
}

/// `0.667` as `67%`.
fn percent(rate: f64) -> String {
    format!("{:.0}%", rate * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_one_block_per_unit_then_scaled() {
        assert_eq!(bar(3, 5), "▇▇▇");
        assert_eq!(bar(0, 5), "");
        assert_eq!(bar(80, 80).chars().count(), 40);
        assert_eq!(bar(1, 80), "▇", "a non-zero count never vanishes");
    }
}
