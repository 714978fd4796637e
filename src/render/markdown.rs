//! A session as Markdown for the team member: the agenda and the recap.
//!
//! This is the one renderer of what a member receives. Its Markdown is the
//! plain-text part of the email, [`super::html::email_document`] turns it
//! into the HTML part, and `coach session show --as-member --format md|html`
//! prints either, so what the member gets can always be read beforehand.
//!
//! Privacy by construction: [`session`] takes a [`MemberView`], whose notes
//! are [`SharedNote`]s: only the notes module makes one, and only from a
//! shared row, so no private note can reach this renderer.
//!
//! One function per section, called in the order of each flavour: the agenda
//! leads with the talking points, the recap with what was agreed. The
//! sections are those of `session show` (see the list in ARCHITECTURE.md):
//! carried-over actions, notes, metrics, feedback, QA reviews, attachments,
//! kudos, actions; each item section shows the item's dedicated notes.

use std::fmt::Write;

use crate::action::{Action, Owner, State};
use crate::kudos::Kind as KudosKind;
use crate::note::{Note, Role, SharedNote};
use crate::saved::Tone;
use crate::view::MemberView;
use crate::{when, Result};

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
pub fn session(view: &MemberView, flavour: Flavour) -> Result<String> {
    let mut md = String::new();
    header(&mut md, view, flavour);
    match flavour {
        Flavour::Agenda => {
            // The agenda leads with the talking points, so the member can
            // prepare; what is still open from before follows.
            notes(&mut md, view, "Talking points", Some(NO_TALKING_POINTS));
            carried_over(&mut md, view);
            items(&mut md, view);
            actions(&mut md, view, "Action items");
        }
        Flavour::Recap => {
            // The recap leads with what was agreed, then every note.
            actions(&mut md, view, "What we agreed");
            carried_over(&mut md, view);
            notes(&mut md, view, "Notes", None);
            items(&mut md, view);
        }
    }
    footer(&mut md, view);
    Ok(md)
}

/// The item sections, in the order of `session show`.
fn items(md: &mut String, view: &MemberView) {
    metrics(md, view);
    feedback(md, view);
    qa_reviews(md, view);
    attachments(md, view);
    kudos(md, view);
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

/// Title, date, coach and member, and one line saying what this email is.
fn header(md: &mut String, view: &MemberView, flavour: Flavour) {
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
fn notes(md: &mut String, view: &MemberView, heading: &str, empty: Option<&str>) {
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
    let _ = writeln!(md, "{}", demote_headings(&closed_fences(&note.body)));
}

/// A note's headings moved two levels down (`#` becomes `###`), so that a
/// note with headings (an agenda from a template) sits under the email's
/// own section headings instead of competing with them. Lines in code
/// blocks are left alone.
fn demote_headings(body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 16);
    let mut fence: Option<&str> = None;
    for line in body.lines() {
        let trimmed = line.trim_start();
        for marker in ["```", "~~~"] {
            if trimmed.starts_with(marker) {
                fence = match fence {
                    None => Some(marker),
                    Some(open) if open == marker => None,
                    other => other,
                };
            }
        }
        let hashes = line.len() - line.trim_start_matches('#').len();
        let is_heading =
            fence.is_none() && (1..=6).contains(&hashes) && line[hashes..].starts_with([' ', '\t']);
        if is_heading {
            let level = (hashes + 2).min(6);
            out.push_str(&"#".repeat(level));
            out.push_str(&line[hashes..]);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out.truncate(out.trim_end_matches('\n').len());
    out
}

/// Open actions from earlier sessions, in their current state.
fn carried_over(md: &mut String, view: &MemberView) {
    if view.carried_over.is_empty() {
        return;
    }
    let _ = writeln!(md, "\n## Still open from earlier 1:1s\n");
    for action in &view.carried_over {
        action_line(md, view, action);
    }
}

/// The actions agreed in this session, as a task list.
fn actions(md: &mut String, view: &MemberView, heading: &str) {
    if view.actions.is_empty() {
        return;
    }
    let _ = writeln!(md, "\n## {heading}\n");
    for action in &view.actions {
        action_line(md, view, action);
    }
}

fn action_line(md: &mut String, view: &MemberView, action: &Action) {
    let check = if action.state == State::Done {
        "x"
    } else {
        " "
    };
    let owner = match action.owner {
        Owner::Member => "you".to_string(),
        Owner::Coach => escape_inline(view.coach.name.as_deref().unwrap_or("your coach")),
    };
    let mut details = vec![owner];
    if let Some(due) = action.due_at {
        let overdue = if action.state == State::Overdue {
            ", overdue"
        } else {
            ""
        };
        details.push(format!("due {}{overdue}", when::display_local_date(due)));
    }
    if let Some(done) = action.done_at {
        details.push(format!("done {}", when::display_local_date(done)));
    }
    // The member's own actions carry their short id, so that a reply line
    // `[x] 3f2a` checks one off (see src/reply.rs).
    let id = match action.owner {
        Owner::Member => format!("{} ", action.short_id),
        Owner::Coach => String::new(),
    };
    let _ = writeln!(
        md,
        "- [{check}] {id}{} _({})_",
        escape_inline(&action.body),
        details.join(", ")
    );
}

/// The first of the member's open actions, shown in the footer's example.
fn first_open_action(view: &MemberView) -> Option<&Action> {
    view.carried_over
        .iter()
        .chain(&view.actions)
        .find(|a| a.owner == Owner::Member && a.state != State::Done)
}

/// The metrics discussed, as a table; their dedicated notes follow it.
fn metrics(md: &mut String, view: &MemberView) {
    if view.metrics.is_empty() {
        return;
    }
    let _ = writeln!(md, "\n## Metrics\n");
    let _ = writeln!(md, "| Metric | Value | Target | |");
    let _ = writeln!(md, "|---|--:|--:|---|");
    for m in &view.metrics {
        // "74 %" reads oddly: a percent sign sticks to its number.
        let unit = match m.unit.as_deref() {
            Some("%") => "%".to_string(),
            Some(u) => format!(" {}", escape_inline(u)),
            None => String::new(),
        };
        let target = m
            .target
            .map(|t| format!("{}{unit}", number(t)))
            .unwrap_or_default();
        let status = match m.on_target {
            Some(true) => "on target",
            Some(false) => "off target",
            None => "",
        };
        let _ = writeln!(
            md,
            "| {} | {}{unit} | {target} | {status} |",
            escape_inline(&m.metric),
            number(m.value)
        );
    }
    for m in view.metrics.iter().filter(|m| !m.notes.is_empty()) {
        let _ = writeln!(md, "\n**{}**", escape_inline(&m.metric));
        dedicated_notes(md, &m.notes, "");
    }
}

/// Customer feedback, with its rating, source and dedicated notes.
fn feedback(md: &mut String, view: &MemberView) {
    if view.feedback.is_empty() {
        return;
    }
    let _ = writeln!(md, "\n## Customer feedback\n");
    for f in &view.feedback {
        let mut head = Vec::new();
        if let Some(rating) = f.rating {
            head.push(crate::render::terminal::stars(rating));
        }
        head.push(format!("**{}**", tone(f.tone)));
        match (&f.customer, &f.channel) {
            (Some(c), Some(ch)) => {
                head.push(format!("{} ({})", escape_inline(c), escape_inline(ch)))
            }
            (Some(c), None) => head.push(escape_inline(c)),
            (None, Some(ch)) => head.push(format!("({})", escape_inline(ch))),
            (None, None) => {}
        }
        head.push(when::display_local_date(f.date));
        let _ = writeln!(md, "- {}", head.join(" · "));
        let _ = writeln!(md, "\n  > {}", quote(&f.comment));
        if let Some(url) = &f.url {
            let _ = writeln!(md, "\n  <{url}>");
        }
        dedicated_notes(md, &f.notes, "  ");
        md.push('\n');
    }
}

/// QA reviews, with their score, reviewer and dedicated notes.
fn qa_reviews(md: &mut String, view: &MemberView) {
    if view.qa_reviews.is_empty() {
        return;
    }
    let _ = writeln!(md, "\n## QA reviews\n");
    for q in &view.qa_reviews {
        let mut head = vec![format!("**{}/100**", q.score), tone(q.tone).to_string()];
        if let Some(reviewer) = &q.reviewer {
            head.push(format!("reviewed by {}", escape_inline(reviewer)));
        }
        head.push(when::display_local_date(q.date));
        let _ = writeln!(md, "- {}", head.join(" · "));
        if let Some(comment) = &q.comment {
            let _ = writeln!(md, "\n  > {}", quote(comment));
        }
        if let Some(url) = &q.url {
            let _ = writeln!(md, "\n  <{url}>");
        }
        dedicated_notes(md, &q.notes, "  ");
        md.push('\n');
    }
}

/// The session's files, by name (the email carries them as attachments).
fn attachments(md: &mut String, view: &MemberView) {
    if view.attachments.is_empty() {
        return;
    }
    let _ = writeln!(md, "\n## Attachments\n");
    for a in &view.attachments {
        let _ = writeln!(md, "- {} ({})", escape_inline(&a.name), human_size(a.size));
        dedicated_notes(md, &a.notes, "  ");
    }
}

/// Kudos: what is celebrated, and why.
fn kudos(md: &mut String, view: &MemberView) {
    if view.kudos.is_empty() {
        return;
    }
    let _ = writeln!(md, "\n## Kudos\n");
    for k in &view.kudos {
        let kind = match k.kind {
            Some(KudosKind::Success) => "🏆 **Success:** ",
            Some(KudosKind::Expertise) => "🧠 **Expertise:** ",
            Some(KudosKind::Effort) => "💪 **Effort:** ",
            Some(KudosKind::Values) => "🌟 **Values:** ",
            None => "🙏 ",
        };
        let _ = writeln!(md, "- {kind}{}", escape_inline(&k.body));
    }
}

/// The notes dedicated to one item, under it, indented by `indent` so they
/// stay inside the item's list entry.
fn dedicated_notes(md: &mut String, notes: &[SharedNote], indent: &str) {
    for note in notes {
        let by = match note.author.role {
            Role::Member => format!("{}'s note", escape_inline(&note.author.name)),
            Role::Coach => "Note".to_string(),
        };
        let _ = writeln!(md, "\n{indent}_{by}:_\n");
        for line in demote_headings(&closed_fences(&note.body)).lines() {
            if line.is_empty() {
                md.push('\n');
            } else {
                let _ = writeln!(md, "{indent}{line}");
            }
        }
    }
}

/// A comment as a blockquote: every line quoted.
fn quote(text: &str) -> String {
    escape_inline(text)
        .lines()
        .collect::<Vec<_>>()
        .join("\n  > ")
}

fn tone(tone: Tone) -> &'static str {
    match tone {
        Tone::Positive => "positive",
        Tone::Improve => "to improve",
    }
}

/// A number without a needless ".0".
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value:.2}").trim_end_matches('0').to_string()
    }
}

fn footer(md: &mut String, view: &MemberView) {
    let coach = view.coach.name.as_deref().unwrap_or("your coach");
    let _ = writeln!(
        md,
        "\n---\n\n_Reply to this email to reach {}; what you write above the quote is added to this 1:1 as yours._",
        escape_inline(coach)
    );
    if let Some(action) = first_open_action(view) {
        let _ = writeln!(
            md,
            "_Done with an action? Reply with a line `[x] {id}` (or `done {id}`); `reopen {id}` undoes it._",
            id = action.short_id
        );
    }
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
    use crate::audience::Audience;
    use crate::note::{Author, Visibility};
    use crate::session::{MemberRef, Session, Status};
    use crate::view::Coach;
    use chrono::{TimeZone, Utc};

    fn note(body: &str, role: Role) -> SharedNote {
        let at = Utc
            .with_ymd_and_hms(2026, 12, 1, 9, 0, 0)
            .single()
            .expect("time");
        SharedNote::for_test(Note {
            id: "n".repeat(32),
            short_id: "nnnn".into(),
            session_id: "s".repeat(32),
            item_id: None,
            body: body.into(),
            visibility: Visibility::Shared,
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
        })
    }

    fn view(notes: Vec<SharedNote>) -> MemberView {
        let at = Utc
            .with_ymd_and_hms(2026, 12, 1, 14, 30, 0)
            .single()
            .expect("time");
        MemberView {
            audience: Audience::Member,
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
            carried_over: Vec::new(),
            notes,
            metrics: Vec::new(),
            feedback: Vec::new(),
            qa_reviews: Vec::new(),
            attachments: Vec::new(),
            kudos: Vec::new(),
            actions: Vec::new(),
            balance: crate::saved::Balance::default(),
        }
    }

    #[test]
    fn the_agenda_leads_with_talking_points_and_names_member_topics() {
        let notes = vec![
            note("Celebrate the streak", Role::Coach),
            note("Team lead role", Role::Member),
        ];
        let md = session(&view(notes), Flavour::Agenda).expect("renders");
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
        let md = session(&view(vec![]), Flavour::Agenda).expect("agenda");
        assert!(md.contains(NO_TALKING_POINTS));
        let md = session(&view(vec![]), Flavour::Recap).expect("recap");
        assert!(md.starts_with("# 1:1 recap: "));
        assert!(!md.contains("## Notes"));
    }

    #[test]
    fn an_open_code_fence_is_closed_within_its_note() {
        let notes = vec![
            note("```\nlet x = 1;", Role::Coach),
            note("After the code", Role::Coach),
        ];
        let md = session(&view(notes), Flavour::Recap).expect("renders");
        let html = crate::render::html::fragment(&md);
        assert!(
            html.contains("<p style=\"") && html.contains("After the code</p>"),
            "{html}"
        );
    }

    #[test]
    fn a_notes_headings_sit_below_the_emails_sections() {
        let body = "## Wins\n\n```\n# not a heading\n```\n#hashtag\n###### deep";
        assert_eq!(
            demote_headings(body),
            "#### Wins\n\n```\n# not a heading\n```\n#hashtag\n###### deep"
        );
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_size(10), "10 bytes");
        assert_eq!(human_size(2048), "2 KiB");
        assert_eq!(human_size(10 << 20), "10.0 MiB");
    }
}
