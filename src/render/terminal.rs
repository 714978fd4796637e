//! A session on the coach's terminal: the human form of `session show`.

use std::fmt::Write;

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
