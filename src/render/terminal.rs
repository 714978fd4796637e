//! A session on the coach's terminal: the human form of `session show`.

use std::fmt::Write;

use crate::metric;
use crate::note::{Note, Role, Visibility};
use crate::output::{Output, DIM, HEADING, ID, PRIVATE};
use crate::view::{Audience, SessionView};
use crate::when;

/// The whole session as text, private notes marked as such.
pub fn session(view: &SessionView, out: &Output) -> String {
    let s = &view.session;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{} {}",
        out.paint(&s.title, HEADING),
        out.paint(&s.short_id, ID)
    );
    let member = match &s.member.email {
        Some(email) => format!("{} <{email}>", s.member.name),
        None => s.member.name.clone(),
    };
    let _ = writeln!(text, "Member:  {member}");
    let _ = writeln!(text, "Date:    {}", when::display_local(s.date));
    let _ = writeln!(text, "Status:  {}", s.status.as_str());

    let (shared, private): (Vec<&Note>, Vec<&Note>) = view
        .notes
        .iter()
        .partition(|n| n.visibility == Visibility::Shared);
    section(&mut text, out, "Notes", &shared, "no shared notes yet");
    metrics_section(&mut text, out, view);
    if view.audience == Audience::Owner && !private.is_empty() {
        let heading = format!(
            "Private notes {}",
            out.paint("(only you see these)", PRIVATE)
        );
        section(&mut text, out, &heading, &private, "");
    }
    text.trim_end().to_string()
}

fn section(text: &mut String, out: &Output, heading: &str, notes: &[&Note], empty: &str) {
    let _ = writeln!(text, "\n{}", out.paint(heading, HEADING));
    if notes.is_empty() {
        let _ = writeln!(text, "  {}", out.paint(empty, DIM));
    }
    for note in notes {
        let by = match note.author.role {
            Role::Member => format!("{}'s topic", note.author.name),
            Role::Coach => note.author.name.clone(),
        };
        let meta = format!("{} · {}", by, when::display_local(note.created_at));
        let _ = writeln!(
            text,
            "  {} {}",
            out.paint(&note.short_id, ID),
            out.paint(&meta, DIM)
        );
        for line in note.body.lines() {
            let _ = writeln!(text, "    {line}");
        }
    }
}

/// The session's metrics as a table (name, value, target, how the value
/// stands against it), then the notes dedicated to each. Nothing when the
/// session has no metrics.
fn metrics_section(text: &mut String, out: &Output, view: &SessionView) {
    if view.metrics.is_empty() {
        return;
    }
    let _ = writeln!(text, "\n{}", out.paint("Metrics", HEADING));
    let header = ["ID", "METRIC", "VALUE", "TARGET", "VS TARGET"].map(String::from);
    let rows: Vec<[String; 5]> = view
        .metrics
        .iter()
        .map(|m| {
            let unit = m.unit.as_deref();
            [
                m.short_id.clone(),
                m.metric.clone(),
                metric::format_value(m.value, unit),
                metric::format_target(m.target, unit, m.lower_is_better),
                metric::format_vs_target(m.value, m.target, unit, m.lower_is_better),
            ]
        })
        .collect();
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |row: &[String; 5], id_style: bool| {
        let mut cells = Vec::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            let padded = format!("{cell:<width$}");
            cells.push(if i == 0 && id_style {
                out.paint(&padded, ID)
            } else {
                padded
            });
        }
        cells.join("  ").trim_end().to_string()
    };
    let _ = writeln!(text, "  {}", out.paint(&line(&header, false), DIM));
    for row in &rows {
        let _ = writeln!(text, "  {}", line(row, true));
    }
    for m in view.metrics.iter().filter(|m| !m.notes.is_empty()) {
        let _ = writeln!(
            text,
            "\n  {}",
            out.paint(&format!("On {}", m.metric), HEADING)
        );
        for note in &m.notes {
            let meta = format!(
                "{} · {}",
                note.author.name,
                when::display_local(note.created_at)
            );
            let private = if note.visibility == Visibility::Private {
                format!(" {}", out.paint("(private)", PRIVATE))
            } else {
                String::new()
            };
            let _ = writeln!(
                text,
                "    {} {}{private}",
                out.paint(&note.short_id, ID),
                out.paint(&meta, DIM)
            );
            for body_line in note.body.lines() {
                let _ = writeln!(text, "      {body_line}");
            }
        }
    }
}
