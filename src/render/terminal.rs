//! A session on the coach's terminal: the human form of `session show`.

use std::fmt::Write;

use crate::note::{Note, Role, Visibility};
use crate::output::{Output, DIM, HEADING, ID, PRIVATE};
use crate::saved::{Feedback, QaReview, Tone};
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
    feedback_section(&mut text, out, &view.feedback);
    qa_section(&mut text, out, &view.qa_reviews);
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

/// Section 5: customer feedback, each with its rating, tone, source and
/// dedicated notes. Left out when the session has none.
fn feedback_section(text: &mut String, out: &Output, feedback: &[Feedback]) {
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
fn qa_section(text: &mut String, out: &Output, reviews: &[QaReview]) {
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
fn dedicated_notes(text: &mut String, out: &Output, notes: &[Note]) {
    for note in notes {
        let by = match note.author.role {
            Role::Member => format!("{}'s note", note.author.name),
            Role::Coach => note.author.name.clone(),
        };
        let meta = format!("{by} · {}", when::display_local(note.created_at));
        let private = if note.visibility == Visibility::Private {
            format!(" {}", out.paint("private (only you)", PRIVATE))
        } else {
            String::new()
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
