//! A session on the coach's terminal: the human form of `session show`.

use std::fmt::Write;

use crate::attachment::human_size;
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
    attachments(&mut text, out, view);
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
fn attachments(text: &mut String, out: &Output, view: &SessionView) {
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
fn dedicated_notes(text: &mut String, out: &Output, notes: &[Note]) {
    for note in notes {
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
