//! A session on the coach's terminal: the human form of `session show`.

use std::fmt::Write;

use crate::attachment::human_size;
use anstyle::{AnsiColor, Style};

use crate::action::{Action, Owner, State};
use crate::audience::Audience;
use crate::kudos::Kudos;
use crate::metric;
use crate::note::{Note, Role, Visibility, Visible};
use crate::output::{Output, DIM, HEADING, ID, PRIVATE};
use crate::saved::{Feedback, QaReview, Tone};
use crate::view::SessionView;
use crate::when;

/// The whole session as text, private notes marked as such (there are
/// none in the member's view).
pub fn session<N: Visible>(view: &SessionView<N>, out: &Output) -> String {
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
    carried_over_section(&mut text, out, view);

    let (shared, private): (Vec<&Note>, Vec<&Note>) = view
        .notes
        .iter()
        .map(Visible::note)
        .partition(|n| n.visibility == Visibility::Shared);
    section(&mut text, out, "Notes", &shared, "no shared notes yet");
    metrics_section(&mut text, out, view);
    feedback_section(&mut text, out, &view.feedback);
    qa_section(&mut text, out, &view.qa_reviews);
    attachments(&mut text, out, view);
    kudos_section(&mut text, out, view);
    actions_section(&mut text, out, view);
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

/// Section 7, attachments: name, size, media type and short id, each with
/// its dedicated notes. Nothing when the session has none.
fn attachments<N: Visible>(text: &mut String, out: &Output, view: &SessionView<N>) {
    if view.attachments.is_empty() {
        return;
    }
    let _ = writeln!(text, "\n{}", out.paint("Attachments", HEADING));
    for a in &view.attachments {
        let meta = format!("{} · {}", human_size(a.size), a.media_type);
        let _ = writeln!(
            text,
            "  {} {} {}",
            out.paint(&a.short_id, ID),
            a.name,
            out.paint(&meta, DIM)
        );
        dedicated_notes(text, out, &a.notes);
    }
}

/// The notes dedicated to one item, under it; private ones are marked as
/// private notes are (they are only in the owner's view).
/// Section 5: customer feedback, each with its rating, tone, source and
/// dedicated notes. Left out when the session has none.
fn feedback_section<N: Visible>(text: &mut String, out: &Output, feedback: &[Feedback<N>]) {
    if feedback.is_empty() {
        return;
    }
    let _ = writeln!(text, "\n{}", out.paint("Customer feedback", HEADING));
    for f in feedback {
        let mut head = vec![tone_word(f.tone).to_string()];
        if let Some(rating) = f.rating {
            head.insert(0, stars(rating));
        }
        let source = match (&f.customer, &f.channel) {
            (Some(customer), Some(channel)) => Some(format!("{customer} ({channel})")),
            (Some(customer), None) => Some(customer.clone()),
            (None, Some(channel)) => Some(format!("({channel})")),
            (None, None) => None,
        };
        head.extend(source);
        head.push(when::display_local(f.date));
        item_heading(text, out, &f.short_id, &head.join(" · "));
        for line in f.comment.lines() {
            let _ = writeln!(text, "    {line}");
        }
        if let Some(url) = &f.url {
            let _ = writeln!(text, "    {}", out.paint(url, DIM));
        }
        dedicated_notes(text, out, &f.notes);
    }
}

/// Section 6: QA reviews, each with its score, tone, reviewer and
/// dedicated notes. Left out when the session has none.
fn qa_section<N: Visible>(text: &mut String, out: &Output, reviews: &[QaReview<N>]) {
    if reviews.is_empty() {
        return;
    }
    let _ = writeln!(text, "\n{}", out.paint("QA reviews", HEADING));
    for q in reviews {
        let mut head = vec![format!("{}/100", q.score), tone_word(q.tone).to_string()];
        head.extend(q.reviewer.as_ref().map(|r| format!("reviewed by {r}")));
        head.push(when::display_local(q.date));
        item_heading(text, out, &q.short_id, &head.join(" · "));
        for line in q.comment.iter().flat_map(|c| c.lines()) {
            let _ = writeln!(text, "    {line}");
        }
        if let Some(url) = &q.url {
            let _ = writeln!(text, "    {}", out.paint(url, DIM));
        }
        dedicated_notes(text, out, &q.notes);
    }
}

fn item_heading(text: &mut String, out: &Output, short_id: &str, head: &str) {
    let _ = writeln!(text, "  {} {head}", out.paint(short_id, ID));
}

/// The notes dedicated to one item, indented under it; private ones (only
/// in the owner's view) are marked.
fn dedicated_notes<N: Visible>(text: &mut String, out: &Output, notes: &[N]) {
    for note in notes.iter().map(Visible::note) {
        let by = match note.author.role {
            Role::Member => format!("{}'s note", note.author.name),
            Role::Coach => note.author.name.clone(),
        };
        let meta = format!("{} · {}", by, when::display_local(note.created_at));
        let private = match note.visibility {
            Visibility::Private => {
                format!(" {}", out.paint("private (only you see this)", PRIVATE))
            }
            Visibility::Shared => String::new(),
        };
        let _ = writeln!(
            text,
            "    {} {}{private}",
            out.paint(&note.short_id, ID),
            out.paint(&meta, DIM)
        );
        for line in note.body.lines() {
            let _ = writeln!(text, "      {line}");
        }
    }
}

/// The style of an overdue action's marker.
const OVERDUE: Style = AnsiColor::Red.on_default().bold();

/// The member's open actions from earlier sessions (position 2).
fn carried_over_section<N: Visible>(text: &mut String, out: &Output, view: &SessionView<N>) {
    if view.carried_over.is_empty() {
        return;
    }
    let heading = "Carried over from earlier sessions";
    let _ = writeln!(text, "\n{}", out.paint(heading, HEADING));
    let coach = coach_name(view);
    for action in &view.carried_over {
        text.push_str(&action_line(out, action, coach, true));
    }
}

/// The kudos given in this session (position 8).
fn kudos_section<N: Visible>(text: &mut String, out: &Output, view: &SessionView<N>) {
    if view.kudos.is_empty() {
        return;
    }
    let _ = writeln!(text, "\n{}", out.paint("Kudos", HEADING));
    for kudos in &view.kudos {
        text.push_str(&kudos_lines(out, kudos));
    }
}

/// The action items agreed in this session (position 9).
fn actions_section<N: Visible>(text: &mut String, out: &Output, view: &SessionView<N>) {
    if view.actions.is_empty() {
        return;
    }
    let _ = writeln!(text, "\n{}", out.paint("Action items", HEADING));
    let coach = coach_name(view);
    for action in &view.actions {
        text.push_str(&action_line(out, action, coach, false));
    }
}

fn coach_name<N>(view: &SessionView<N>) -> &str {
    view.coach.name.as_deref().unwrap_or("Coach")
}

/// One kudos, indented, ending in a newline:
/// `★ abcd Calm, thorough incident review  for knowledge & expertise`.
pub fn kudos_lines(out: &Output, kudos: &Kudos) -> String {
    let mut lines = kudos.body.lines();
    let kind = kudos
        .kind
        .map(|k| format!("  {}", out.paint(&format!("for {}", k.label()), DIM)))
        .unwrap_or_default();
    let mut text = format!(
        "  \u{2605} {} {}{kind}\n",
        out.paint(&kudos.short_id, ID),
        lines.next().unwrap_or_default()
    );
    for line in lines {
        let _ = writeln!(text, "    {line}");
    }
    text
}

/// One action item, indented, ending in a newline:
/// `☐ abcd Review the playbook  Alex Kim · due 2026-12-04 09:00 overdue`.
/// `coach` names the coach when they own it; with `origin`, the line ends
/// with the date of the session it was agreed in.
pub fn action_line(out: &Output, action: &Action, coach: &str, origin: bool) -> String {
    let check = if action.state == State::Done {
        '\u{2611}'
    } else {
        '\u{2610}'
    };
    let owner = match action.owner {
        Owner::Member => action.member.name.as_str(),
        Owner::Coach => coach,
    };
    // Written into two strings, not a format per part (a session carries
    // over a hundred and more actions).
    let mut meta = String::with_capacity(80);
    meta.push_str(owner);
    if let Some(due) = action.due_at {
        let _ = write!(meta, " \u{b7} due {}", when::display_local(due));
    }
    if let Some(done) = action.done_at {
        let _ = write!(meta, " \u{b7} done {}", when::display_local(done));
    }
    if origin {
        let _ = write!(
            meta,
            " \u{b7} agreed {}",
            when::display_local_date(action.session_date)
        );
    }
    let mut line = String::with_capacity(action.body.len() + meta.len() + 64);
    let _ = write!(
        line,
        "  {check} {} {}  {}",
        out.paint(&action.short_id, ID),
        action.body,
        out.paint(&meta, DIM)
    );
    if action.state == State::Overdue {
        let _ = write!(line, " {}", out.paint("overdue", OVERDUE));
    }
    line.push('\n');
    line
}

/// A rating as five stars: `★★★★☆` for 4.
pub fn stars(rating: u8) -> String {
    let full = usize::from(rating.min(5));
    format!("{}{}", "★".repeat(full), "☆".repeat(5 - full))
}

/// How a tone reads in a session.
pub fn tone_word(tone: Tone) -> &'static str {
    match tone {
        Tone::Positive => "positive",
        Tone::Improve => "to improve",
    }
}
/// The session's metrics as a table (name, value, target, how the value
/// stands against it), then the notes dedicated to each. Nothing when the
/// session has no metrics.
fn metrics_section<N: Visible>(text: &mut String, out: &Output, view: &SessionView<N>) {
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
        for note in m.notes.iter().map(Visible::note) {
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
