//! A session as Markdown for the team member: the agenda and the recap.
//!
//! This is the one renderer of what a member receives. Its Markdown is the
//! plain-text part of the email, [`super::html::email_document`] turns it
//! into the HTML part, and `coach session show --as-member --format md|html`
//! prints either, so what the member gets can always be read beforehand.
//!
//! Privacy by construction: [`session`] takes a [`SessionView`] and refuses
//! (with an internal error, a bug) anything but a view built for
//! [`Audience::Member`], which is built without reading a private record.
//! It also refuses a private note that got into such a view anyway.
//!
//! One function per section, called in the order of each flavour: the agenda
//! leads with the talking points, the recap with what was agreed. The
//! sections are those of `session show` (see the list in ARCHITECTURE.md):
//! carried-over actions, notes, metrics, feedback, QA reviews, attachments,
//! kudos, actions; each item section shows the item's dedicated notes.

use std::fmt::Write;

use crate::note::{Note, Role, Visibility};
use crate::view::{Audience, SessionView};
use crate::{when, Error, Result};

/// Which email a session is rendered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// Before the 1:1: what we will talk about, so the member can prepare.
    Agenda,
    /// After the 1:1: what was agreed and every note, for their records.
    Recap,
}

impl Flavour {
    /// `agenda` or `recap`, as in the subject line.
    pub fn as_str(self) -> &'static str {
        match self {
            Flavour::Agenda => "agenda",
            Flavour::Recap => "recap",
        }
    }
}

/// A file of the session that is not attached to the email (too large for
/// `mail.max-attachments-size`): listed by name instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAttached {
    pub name: String,
    pub size: u64,
}

/// The session as Markdown for its member, in the given flavour.
///
/// Errors (internal: a bug in the caller) when `view` is not a member's
/// view or holds a private note.
pub fn session(view: &SessionView, flavour: Flavour) -> Result<String> {
    ensure_members_view(view)?;
    let mut md = String::new();
    header(&mut md, view, flavour);
    match flavour {
        Flavour::Agenda => {
            // The agenda leads with the talking points; the other sections
            // follow in the order of `session show`.
            notes(&mut md, view, "Talking points", Some(NO_TALKING_POINTS));
        }
        Flavour::Recap => {
            // The recap leads with what was agreed (the action items, once
            // the view has them), then every note.
            notes(&mut md, view, "Notes", None);
        }
    }
    footer(&mut md, view);
    Ok(md)
}

/// The section listing files too large to attach, appended after the body.
pub fn not_attached(md: &mut String, files: &[NotAttached], cap: u64) {
    if files.is_empty() {
        return;
    }
    let _ = writeln!(md, "\n## Files not attached\n");
    let _ = writeln!(
        md,
        "Together these are over the {} an email may carry here; ask me for them:\n",
        human_size(cap)
    );
    for file in files {
        let _ = writeln!(
            md,
            "- {} ({})",
            escape_inline(&file.name),
            human_size(file.size)
        );
    }
}

const NO_TALKING_POINTS: &str =
    "_Nothing on the agenda yet: reply with what you would like to talk about._";

fn ensure_members_view(view: &SessionView) -> Result<()> {
    if view.audience != Audience::Member {
        return Err(Error::internal(
            "refusing to render the coach's own view of a session for the team member",
        ));
    }
    if view
        .notes
        .iter()
        .any(|n| n.visibility == Visibility::Private)
    {
        return Err(Error::internal(
            "refusing to render a private note for the team member",
        ));
    }
    Ok(())
}

/// Title, date, coach and member, and one line saying what this email is.
fn header(md: &mut String, view: &SessionView, flavour: Flavour) {
    let s = &view.session;
    let coach = view.coach.name.as_deref().unwrap_or("your coach");
    let _ = writeln!(
        md,
        "# 1:1 {}: {}\n",
        flavour.as_str(),
        escape_inline(&s.title)
    );
    // Two trailing spaces: a line break, in Markdown and on screen alike.
    let weekday = s.date.with_timezone(&chrono::Local).format("%A");
    let _ = writeln!(md, "**Date:** {weekday} {}  ", when::display_local(s.date));
    let _ = writeln!(md, "**Coach:** {}  ", escape_inline(coach));
    let _ = writeln!(md, "**Team member:** {}\n", escape_inline(&s.member.name));
    let first_name = s.member.name.split_whitespace().next().unwrap_or("there");
    let greeting = match flavour {
        Flavour::Agenda => format!(
            "Hi {}, here is what we will talk about in our 1:1, so you can prepare. \
             Reply to this email to add your own topics.",
            escape_inline(first_name)
        ),
        Flavour::Recap => format!(
            "Hi {}, thank you for our 1:1. Here is what we agreed and the notes from our \
             conversation, for your records.",
            escape_inline(first_name)
        ),
    };
    let _ = writeln!(md, "{greeting}");
}

/// The shared notes block: the coach's notes and the member's own topics,
/// oldest first. `empty` is shown when there are none; `None` leaves the
/// section out.
fn notes(md: &mut String, view: &SessionView, heading: &str, empty: Option<&str>) {
    if view.notes.is_empty() {
        if let Some(empty) = empty {
            let _ = writeln!(md, "\n## {heading}\n\n{empty}");
        }
        return;
    }
    let _ = writeln!(md, "\n## {heading}");
    for note in &view.notes {
        note_block(md, note);
    }
}

/// One note: a member's topic says whose it is; the body is the note's own
/// Markdown, kept as written.
fn note_block(md: &mut String, note: &Note) {
    md.push('\n');
    if note.author.role == Role::Member {
        let _ = writeln!(md, "_{}'s topic:_\n", escape_inline(&note.author.name));
    }
    let _ = writeln!(md, "{}", closed_fences(&note.body));
}

fn footer(md: &mut String, view: &SessionView) {
    let coach = view.coach.name.as_deref().unwrap_or("your coach");
    let _ = writeln!(
        md,
        "\n---\n\n_Reply to this email to reach {}._",
        escape_inline(coach)
    );
}

/// A note's body with any code fence it leaves open closed, so that one
/// note cannot swallow the rest of the email into a code block.
fn closed_fences(body: &str) -> String {
    let mut open: Option<&str> = None;
    for line in body.lines() {
        let trimmed = line.trim_start();
        for fence in ["```", "~~~"] {
            if trimmed.starts_with(fence) {
                match open {
                    None => open = Some(fence),
                    Some(current) if current == fence => open = None,
                    Some(_) => {}
                }
            }
        }
    }
    match open {
        Some(fence) => format!("{body}\n{fence}"),
        None => body.to_string(),
    }
}

/// Text from a field (a title, a name) shown as itself, not as Markdown.
fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A size for people: `512 bytes`, `12 KiB`, `3.4 MiB`.
pub fn human_size(bytes: u64) -> String {
    const KIB: u64 = 1 << 10;
    const MIB: u64 = 1 << 20;
    const GIB: u64 = 1 << 30;
    match bytes {
        b if b < KIB => format!("{b} bytes"),
        b if b < MIB => format!("{} KiB", b.div_ceil(KIB)),
        b if b < GIB => format!("{:.1} MiB", b as f64 / MIB as f64),
        b => format!("{:.1} GiB", b as f64 / GIB as f64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note::Author;
    use crate::session::{MemberRef, Session, Status};
    use crate::view::Coach;
    use chrono::{TimeZone, Utc};

    fn note(body: &str, visibility: Visibility, role: Role) -> Note {
        let at = Utc
            .with_ymd_and_hms(2026, 12, 1, 9, 0, 0)
            .single()
            .expect("time");
        Note {
            id: "n".repeat(32),
            short_id: "nnnn".into(),
            session_id: "s".repeat(32),
            item_id: None,
            body: body.into(),
            visibility,
            author: Author {
                id: "a".repeat(32),
                name: if role == Role::Member {
                    "Alex Kim".into()
                } else {
                    "Sam Lee".into()
                },
                role,
            },
            created_at: at,
            updated_at: at,
        }
    }

    fn view(audience: Audience, notes: Vec<Note>) -> SessionView {
        let at = Utc
            .with_ymd_and_hms(2026, 12, 1, 14, 30, 0)
            .single()
            .expect("time");
        SessionView {
            audience,
            session: Session {
                id: "s".repeat(32),
                short_id: "ssss".into(),
                title: "Weekly *check-in*".into(),
                date: at,
                status: Status::Draft,
                member: MemberRef {
                    id: "m".repeat(32),
                    name: "Alex Kim".into(),
                    email: Some("alex@example.com".into()),
                },
                created_at: at,
                updated_at: at,
            },
            coach: Coach {
                name: Some("Sam Lee".into()),
                email: Some("sam@example.com".into()),
            },
            notes,
        }
    }

    #[test]
    fn an_owners_view_is_refused() {
        let err = session(&view(Audience::Owner, vec![]), Flavour::Agenda).expect_err("owner");
        assert_eq!(err.kind(), crate::ErrorKind::Internal);
    }

    #[test]
    fn a_private_note_in_a_members_view_is_refused() {
        let notes = vec![note("secret", Visibility::Private, Role::Coach)];
        let err = session(&view(Audience::Member, notes), Flavour::Recap).expect_err("private");
        assert_eq!(err.kind(), crate::ErrorKind::Internal);
    }

    #[test]
    fn the_agenda_leads_with_talking_points_and_names_member_topics() {
        let notes = vec![
            note("Celebrate the streak", Visibility::Shared, Role::Coach),
            note("Team lead role", Visibility::Shared, Role::Member),
        ];
        let md = session(&view(Audience::Member, notes), Flavour::Agenda).expect("renders");
        assert!(
            md.starts_with("# 1:1 agenda: Weekly \\*check-in\\*\n"),
            "{md}"
        );
        assert!(md.contains("**Coach:** Sam Lee"), "{md}");
        assert!(md.contains("**Team member:** Alex Kim"), "{md}");
        assert!(md.contains("Hi Alex,"), "{md}");
        let points = md.find("## Talking points").expect("talking points");
        assert!(md[points..].contains("Celebrate the streak"));
        assert!(md[points..].contains("_Alex Kim's topic:_\n\nTeam lead role"));
    }

    #[test]
    fn an_empty_agenda_invites_topics_and_an_empty_recap_has_no_notes_section() {
        let md = session(&view(Audience::Member, vec![]), Flavour::Agenda).expect("agenda");
        assert!(md.contains(NO_TALKING_POINTS));
        let md = session(&view(Audience::Member, vec![]), Flavour::Recap).expect("recap");
        assert!(md.starts_with("# 1:1 recap: "));
        assert!(!md.contains("## Notes"));
    }

    #[test]
    fn an_open_code_fence_is_closed_within_its_note() {
        let notes = vec![
            note("```\nlet x = 1;", Visibility::Shared, Role::Coach),
            note("After the code", Visibility::Shared, Role::Coach),
        ];
        let md = session(&view(Audience::Member, notes), Flavour::Recap).expect("renders");
        let html = crate::render::html::fragment(&md);
        assert!(
            html.contains("<p style=\"") && html.contains("After the code</p>"),
            "{html}"
        );
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(10), "10 bytes");
        assert_eq!(human_size(2048), "2 KiB");
        assert_eq!(human_size(10 << 20), "10.0 MiB");
    }
}
