//! A member's trends as a self-contained HTML page: inline CSS, charts as
//! inline SVG drawn by plotters, no script and nothing fetched, so the file
//! opens the same anywhere, offline.
//!
//! Every text that comes from the database (the member's and the coach's
//! names, metric names and units) is escaped here or, inside the charts, by
//! plotters' SVG backend; the charts only carry numbers and dates.

use std::fmt::Write;

use chrono::{DateTime, Duration, Local, Utc};
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::metric::{format_number, format_target, format_value};
use crate::output::plural;
use crate::render::html::escape;
use crate::trends::{MetricTrend, Trends};
use crate::{when, Error, Result};

/// The charts' size in SVG pixels; CSS scales them to the page.
const WIDTH: u32 = 880;
const CADENCE_HEIGHT: u32 = 240;
const METRIC_HEIGHT: u32 = 230;

const INK: RGBColor = RGBColor(0x32, 0x3f, 0x4b);
const GRID: RGBColor = RGBColor(0xe4, 0xe7, 0xeb);
const BLUE: RGBColor = RGBColor(0x2b, 0x6c, 0xb0);
const TEAL: RGBColor = RGBColor(0x31, 0x97, 0x95);
const GREEN: RGBColor = RGBColor(0x2f, 0x85, 0x5a);
const RED: RGBColor = RGBColor(0xc5, 0x30, 0x30);

const STYLE: &str = "
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f5f7fa; color: #1f2933;
  font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 28px 24px 40px; }
h1 { font-size: 28px; margin: 0; }
h2 { font-size: 18px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 18px 0 4px; }
.sub, .muted { color: #616e7c; }
.sub { margin: 4px 0 20px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 12px; }
.card, section { background: #fff; border-radius: 10px; box-shadow: 0 1px 3px rgba(15, 23, 42, .08); }
.card { padding: 12px 16px; }
.card .value { font-size: 26px; font-weight: 650; }
.card .label { color: #616e7c; font-size: 13px; }
section { padding: 18px 22px; margin-top: 16px; }
.row { display: grid; grid-template-columns: repeat(auto-fit, minmax(250px, 1fr)); gap: 16px; }
.row section { margin-top: 0; }
.grid-gap { margin-top: 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 10px 5px 0; border-bottom: 1px solid #eef0f3; }
th { color: #616e7c; font-weight: 600; font-size: 13px; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.good { color: #2f855a; font-weight: 600; }
.bad { color: #c53030; font-weight: 600; }
.chart svg { display: block; width: 100%; height: auto; }
.legend { font-size: 13px; color: #616e7c; margin: 4px 0 0; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -1px; margin: 0 4px 0 12px; }
footer { color: #616e7c; font-size: 13px; margin-top: 20px; }
";

/// The page: a header, the headline numbers, then each section with its
/// chart or table.
pub fn page(t: &Trends, coach: &str) -> Result<String> {
    let name = escape(&t.member.name);
    let window = format!(
        "{} to {}",
        when::display_local_date(t.since),
        when::display_local_date(t.until)
    );
    let mut html = String::with_capacity(64 * 1024);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Trends: {name}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <header>\n<h1>{name}</h1>\n<p class=\"sub\">Trends from {window} \u{b7} prepared by {} on {}</p>\n</header>\n",
        escape(coach),
        when::display_local(t.until),
    );
    cards(&mut html, t);
    cadence(&mut html, t)?;
    html.push_str("<div class=\"row grid-gap\">\n");
    kudos(&mut html, t);
    actions(&mut html, t);
    balance(&mut html, t);
    html.push_str("</div>\n");
    metrics(&mut html, t)?;
    html.push_str(
        "<footer>Made with coach. Counts only: no note is part of this page.</footer>\n\
         </main>\n</body>\n</html>\n",
    );
    Ok(html)
}

fn cards(html: &mut String, t: &Trends) {
    let c = &t.cadence;
    let (since_last, since_label) = match c.days_since_last {
        Some(0) => ("today".to_string(), "the last 1:1"),
        Some(1) => ("1".to_string(), "day since the last 1:1"),
        Some(d) => (d.to_string(), "days since the last 1:1"),
        None => ("never".to_string(), "coached"),
    };
    let next = c.next.as_ref().map_or_else(
        || "none".to_string(),
        |s| s.date.with_timezone(&Local).format("%b %-d").to_string(),
    );
    let rate = t
        .actions
        .completion_rate
        .map_or_else(|| "-".to_string(), percent);
    let b = &t.balance;
    let cards = [
        (c.sessions.to_string(), "1:1s in the window".to_string()),
        (since_last, since_label.to_string()),
        (next, "next 1:1 scheduled".to_string()),
        (t.kudos.total.to_string(), "kudos".to_string()),
        (rate, format!("of {} actions done", t.actions.total)),
        (
            format!("{} : {}", b.positive, b.improve),
            "positive : to improve".to_string(),
        ),
    ];
    html.push_str("<div class=\"cards\">\n");
    for (value, label) in cards {
        let _ = writeln!(
            html,
            "<div class=\"card\"><div class=\"value\">{}</div><div class=\"label\">{}</div></div>",
            escape(&value),
            escape(&label)
        );
    }
    html.push_str("</div>\n");
}

fn cadence(html: &mut String, t: &Trends) -> Result<()> {
    let c = &t.cadence;
    let every = c
        .average_days_between
        .map(|d| format!("; one every {d} days on average"))
        .unwrap_or_default();
    let _ = write!(
        html,
        "<section>\n<h2>1:1 cadence</h2>\n<p class=\"muted\">{} held in the window{every}. Sessions per month:</p>\n<div class=\"chart\">",
        plural(c.sessions, "session")
    );
    html.push_str(&svg(
        cadence_chart(t)?,
        &format!("Sessions per month, {}", plural(c.sessions, "session")),
    ));
    html.push_str("</div>\n</section>\n");
    Ok(())
}

/// Sessions per month, as bars with their count above.
fn cadence_chart(t: &Trends) -> Result<String> {
    let months = &t.cadence.per_month;
    let n = u32::try_from(months.len()).unwrap_or(u32::MAX).max(1);
    let max = months.iter().map(|m| m.sessions).max().unwrap_or(0);
    let top = u32::try_from(max)
        .unwrap_or(u32::MAX)
        .saturating_add(1)
        .max(4);
    let labels: Vec<String> = months.iter().map(|m| month_label(&m.month)).collect();
    let mut buffer = String::new();
    {
        let root =
            SVGBackend::with_string(&mut buffer, (WIDTH, CADENCE_HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(32)
            .y_label_area_size(36)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0..top)
            .map_err(chart_error)?;
        let label_for = |v: &SegmentValue<u32>| match v {
            SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => {
                labels.get(*i as usize).cloned().unwrap_or_default()
            }
            SegmentValue::Last => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .axis_style(GRID)
            .x_labels(months.len().min(12))
            .y_labels(usize::try_from(top.min(6)).unwrap_or(6))
            .x_label_formatter(&label_for)
            .y_label_formatter(&|y| y.to_string())
            .label_style(("sans-serif", 15).into_font().color(&INK))
            .draw()
            .map_err(chart_error)?;
        let margin = (WIDTH / n / 5).clamp(2, 24);
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .style(TEAL.filled())
                    .margin(margin)
                    .data(
                        months
                            .iter()
                            .enumerate()
                            .filter(|(_, m)| m.sessions > 0)
                            .map(|(i, m)| {
                                (
                                    u32::try_from(i).unwrap_or(0),
                                    u32::try_from(m.sessions).unwrap_or(u32::MAX),
                                )
                            }),
                    ),
            )
            .map_err(chart_error)?;
        // The count above each bar, when there is room for it.
        if months.len() <= 24 {
            let style = ("sans-serif", 15)
                .into_font()
                .color(&INK)
                .pos(Pos::new(HPos::Center, VPos::Bottom));
            chart
                .draw_series(months.iter().enumerate().map(|(i, m)| {
                    let x = SegmentValue::CenterOf(u32::try_from(i).unwrap_or(0));
                    let y = u32::try_from(m.sessions).unwrap_or(0);
                    Text::new(m.sessions.to_string(), (x, y), style.clone())
                }))
                .map_err(chart_error)?;
        }
        root.present().map_err(chart_error)?;
    }
    Ok(buffer)
}

fn kudos(html: &mut String, t: &Trends) {
    let k = &t.kudos;
    let rows = [
        ("Success", k.success),
        ("Knowledge & expertise", k.expertise),
        ("Effort", k.effort),
        ("Our values", k.values),
        ("Thank-you", k.thanks),
    ];
    small_table(
        html,
        "Kudos",
        &format!("{} given", k.total),
        &rows.map(|(l, n)| (l.to_string(), n.to_string(), "")),
    );
}

fn actions(html: &mut String, t: &Trends) {
    let a = &t.actions;
    let rate = a.completion_rate.map_or_else(|| "-".to_string(), percent);
    small_table(
        html,
        "Action items",
        &format!("{} agreed in these 1:1s", a.total),
        &[
            ("Done".to_string(), a.done.to_string(), "good"),
            ("Open".to_string(), a.open.to_string(), ""),
            (
                "of which overdue".to_string(),
                a.overdue.to_string(),
                if a.overdue > 0 { "bad" } else { "" },
            ),
            ("Completion rate".to_string(), rate, ""),
        ],
    );
}

fn balance(html: &mut String, t: &Trends) {
    let b = &t.balance;
    let tone = if b.positive >= b.improve {
        "good"
    } else {
        "bad"
    };
    small_table(
        html,
        "Feedback and QA",
        "discussed in these 1:1s",
        &[
            (
                format!(
                    "Positive (feedback {}, QA {})",
                    b.feedback.positive, b.qa.positive
                ),
                b.positive.to_string(),
                tone,
            ),
            (
                format!(
                    "To improve (feedback {}, QA {})",
                    b.feedback.improve, b.qa.improve
                ),
                b.improve.to_string(),
                "",
            ),
            (
                "Waiting: positive".to_string(),
                b.waiting.positive.to_string(),
                "",
            ),
            (
                "Waiting: to improve".to_string(),
                b.waiting.improve.to_string(),
                "",
            ),
        ],
    );
}

/// A section with a two-column table: label, number (with a CSS class).
fn small_table(html: &mut String, title: &str, detail: &str, rows: &[(String, String, &str)]) {
    let _ = write!(
        html,
        "<section>\n<h2>{}</h2>\n<p class=\"muted\">{}</p>\n<table>\n",
        escape(title),
        escape(detail)
    );
    for (label, value, class) in rows {
        let class = if class.is_empty() {
            "n".to_string()
        } else {
            format!("n {class}")
        };
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"{class}\">{}</td></tr>",
            escape(label),
            escape(value)
        );
    }
    html.push_str("</table>\n</section>\n");
}

fn metrics(html: &mut String, t: &Trends) -> Result<()> {
    let _ = write!(
        html,
        "<section class=\"grid-gap\">\n<h2>Metrics</h2>\n<p class=\"muted\">The average of each of {} equal periods of the window, against the target in force.</p>\n",
        crate::trends::PERIODS
    );
    if t.metrics.is_empty() {
        html.push_str("<p>No metric values in the window.</p>\n</section>\n");
        return Ok(());
    }
    html.push_str(
        "<table>\n<tr><th>Metric</th><th class=\"n\">Latest</th><th class=\"n\">Target</th>\
         <th class=\"n\">Periods on target</th><th class=\"n\">Mean</th><th class=\"n\">Range</th><th class=\"n\">Values</th></tr>\n",
    );
    for m in &t.metrics {
        let unit = m.unit.as_deref();
        let class = match m.on_target {
            Some(true) => "n good",
            Some(false) => "n bad",
            None => "n",
        };
        let share = m.on_target_share.map_or_else(|| "-".to_string(), percent);
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"{class}\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td class=\"n\">{} \u{2013} {}</td><td class=\"n\">{}</td></tr>",
            escape(&m.metric),
            escape(&format_value(m.latest.value, unit)),
            escape(&format_target(m.target, unit, m.lower_is_better)),
            share,
            escape(&format_value(two_decimals(m.mean), unit)),
            escape(&format_number(m.min)),
            escape(&format_value(m.max, unit)),
            m.count
        );
    }
    html.push_str("</table>\n");
    for m in &t.metrics {
        let unit = m
            .unit
            .as_deref()
            .map(|u| format!(" <span class=\"muted\">({})</span>", escape(u)))
            .unwrap_or_default();
        let _ = write!(
            html,
            "<h3>{}{unit}</h3>\n<div class=\"chart\">",
            escape(&m.metric)
        );
        html.push_str(&svg(
            metric_chart(m, t.since, t.until)?,
            &format!("{} over the window", m.metric),
        ));
        html.push_str("</div>\n");
        html.push_str(&legend(m));
    }
    html.push_str("</section>\n");
    Ok(())
}

fn legend(m: &MetricTrend) -> String {
    let swatch =
        |color: &str| format!("<span class=\"swatch\" style=\"background:{color}\"></span>");
    let mut text = format!(
        "<p class=\"legend\">{}average per period",
        swatch("#2b6cb0")
    );
    if m.points.iter().any(|p| p.target.is_some()) {
        let (side, off) = if m.lower_is_better {
            ("at or below", "above")
        } else {
            ("at or above", "below")
        };
        let _ = write!(
            text,
            "{}target{}on target ({side} it){}a period {off} target",
            swatch("#2f855a"),
            swatch("rgba(47,133,90,.25)"),
            swatch("#c53030")
        );
    }
    text.push_str("</p>\n");
    text
}

/// One metric's periods as a line, its target as a dashed step line with
/// the band on the good side of it shaded.
fn metric_chart(m: &MetricTrend, since: DateTime<Utc>, until: DateTime<Utc>) -> Result<String> {
    let days = |at: DateTime<Utc>| (at - since).num_milliseconds() as f64 / 86_400_000.0;
    let span = days(until).max(1.0);
    let points: Vec<(f64, f64)> = m.points.iter().map(|p| (days(p.at), p.value)).collect();
    // The target as steps: each period's target holds from its point on,
    // the first one from the start of the window.
    let mut steps: Vec<(f64, f64, f64)> = Vec::new();
    for (i, p) in m.points.iter().enumerate() {
        let Some(target) = p.target else { continue };
        let from = if steps.is_empty() { 0.0 } else { points[i].0 };
        match steps.last_mut() {
            Some(last) if last.2 == target => {}
            Some(last) => {
                last.1 = from;
                steps.push((from, span, target));
            }
            None => steps.push((from, span, target)),
        }
    }
    let values = points.iter().map(|p| p.1).chain(steps.iter().map(|s| s.2));
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let pad = if hi > lo {
        (hi - lo) * 0.15
    } else {
        (hi.abs() * 0.1).max(1.0)
    };
    let (bottom, top) = (lo - pad, hi + pad);

    let mut buffer = String::new();
    {
        let root = SVGBackend::with_string(&mut buffer, (WIDTH, METRIC_HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(chart_error)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(30)
            .y_label_area_size(56)
            .build_cartesian_2d(0.0..span, bottom..top)
            .map_err(chart_error)?;
        let date_label = |x: &f64| {
            let at = since + Duration::milliseconds((x * 86_400_000.0) as i64);
            at.with_timezone(&Local).format("%b %-d").to_string()
        };
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(GRID)
            .axis_style(GRID)
            .x_labels(8)
            .y_labels(7)
            .x_label_formatter(&date_label)
            .y_label_formatter(&|y| format_number(*y))
            .label_style(("sans-serif", 15).into_font().color(&INK))
            .draw()
            .map_err(chart_error)?;
        // The band where the metric is on target, then the target itself.
        chart
            .draw_series(steps.iter().map(|&(from, to, target)| {
                let far = if m.lower_is_better { bottom } else { top };
                Rectangle::new([(from, target), (to, far)], GREEN.mix(0.12).filled())
            }))
            .map_err(chart_error)?;
        for &(from, to, target) in &steps {
            chart
                .draw_series(DashedLineSeries::new(
                    [(from, target), (to, target)],
                    6,
                    4,
                    GREEN.stroke_width(2),
                ))
                .map_err(chart_error)?;
        }
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                BLUE.stroke_width(2),
            ))
            .map_err(chart_error)?;
        chart
            .draw_series(m.points.iter().zip(&points).map(|(p, &xy)| {
                let color = match p.on_target {
                    Some(false) => RED,
                    _ => BLUE,
                };
                Circle::new(xy, 4, color.filled())
            }))
            .map_err(chart_error)?;
        root.present().map_err(chart_error)?;
    }
    Ok(buffer)
}

/// An SVG from plotters made ready to sit inline in HTML: labelled for
/// screen readers, without the namespace attribute (implied in HTML, and
/// the page then names no URL at all).
fn svg(chart: String, label: &str) -> String {
    chart
        .replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
        .replacen(
            "<svg ",
            &format!("<svg role=\"img\" aria-label=\"{}\" ", escape(label)),
            1,
        )
}

/// `2026-11` as `Nov 2026`.
fn month_label(month: &str) -> String {
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let number = month
        .get(5..7)
        .and_then(|m| m.parse::<usize>().ok())
        .and_then(|m| NAMES.get(m.wrapping_sub(1)));
    match (number, month.get(..4)) {
        (Some(name), Some(year)) => format!("{name} {year}"),
        _ => month.to_string(),
    }
}

/// `x` to at most two decimals, for a table.
fn two_decimals(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn percent(rate: f64) -> String {
    format!("{:.0}%", rate * 100.0)
}

fn chart_error(err: impl std::fmt::Display) -> Error {
    Error::internal(format!("cannot draw a chart: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }

    #[test]
    fn months_read_as_names() {
        assert_eq!(month_label("2026-11"), "Nov 2026");
        assert_eq!(month_label("2026-01"), "Jan 2026");
        assert_eq!(month_label("junk"), "junk");
    }
}
