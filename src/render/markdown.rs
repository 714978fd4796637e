//! A session as one Markdown document for the team member: the agenda and
//! the recap.
//!
//! This is the one renderer of what a member receives. Its Markdown is the
//! document both parts of the email come from: [`super::html`] makes the
//! HTML part and [`super::text`] the plain-text part, from the same parse;
//! `coach session show --as-member --format md|html|plain` prints each, so
//! what the member gets can always be read beforehand.
//!
//! Privacy by construction: [`render`] takes a [`MemberView`], whose notes
//! are [`SharedNote`]s: only the notes module makes one, and only from a
//! shared row, so no private note can reach this renderer.
//!
//! # Sections
//!
//! An email is a header, the [`Section`]s of its [`Flavour`] in the order
//! of a 1:1 ([`Flavour::sections`]), and a sign-off. A section with nothing
//! in it is left out, heading and all. A new section is a variant of
//! [`Section`] and a function; a new kind of email is a [`Flavour`] with
//! its own list of sections.

use std::cell::RefCell;
use std::fmt::Write;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::action::{Action, Owner, State};
use crate::attachment::human_size;
use crate::kudos::Kind as KudosKind;
use crate::note::{Role, SharedNote};
use crate::output::counted;
use crate::saved::Tone;
use crate::view::MemberView;
use crate::{when, Result};

use super::task_list::{self, TaskLine, TaskList};

/// Which email a session is rendered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// Before the 1:1: what we will talk about, so the member can prepare.
    Agenda,
    /// After the 1:1: what was agreed and every note, for their records.
    Recap,
}

impl Flavour {
    /// `Agenda` or `Recap`, as in the email's heading.
    pub fn title(self) -> &'static str {
        match self {
            Flavour::Agenda => "Agenda",
            Flavour::Recap => "Recap",
        }
    }

    /// The sections of this email, in the order of a 1:1: wins first,
    /// then the numbers, what customers and reviewers said, the
    /// conversation, what was agreed, what is still open from before (and
    /// what got done since), and the files.
    pub fn sections(self) -> &'static [Section] {
        &[
            Section::Kudos,
            Section::Metrics,
            Section::FeedbackAndQa,
            Section::Notes,
            Section::Agreed,
            Section::StillOpen,
            Section::DoneSince,
            Section::Attachments,
        ]
    }
}

/// One section of an email; each is left out when it has nothing to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Wins and kudos.
    Kudos,
    /// The metrics discussed, as a table.
    Metrics,
    /// Customer feedback and QA reviews.
    FeedbackAndQa,
    /// The agenda's talking points, or the recap's notes (the member's own
    /// topics among them, each saying who wrote it).
    Notes,
    /// The actions agreed in this session.
    Agreed,
    /// Actions from earlier sessions that are still open.
    StillOpen,
    /// Actions from earlier sessions finished since.
    DoneSince,
    /// The files, and those too large to attach.
    Attachments,
}

/// A file of the session that is not attached to the email (too large for
/// `mail.max-attachments-size`): listed by name instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAttached {
    /// The attachment's id.
    pub id: String,
    pub name: String,
    pub size: u64,
}

/// Everything an email is rendered from besides the view.
#[derive(Debug, Clone)]
pub struct Setting<'a> {
    /// The member's time zone (or the coach's, when the member has none):
    /// every time in the email is shown in it.
    pub zone: Tz,
    /// The time of rendering: what is overdue is decided against it.
    pub now: DateTime<Utc>,
    /// The files left out of the email, and the cap that left them out.
    pub not_attached: &'a [NotAttached],
    pub cap: u64,
}

/// A rendered email: its Markdown and the preheader line.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub markdown: String,
    /// The one-line summary mail clients show after the subject.
    pub preheader: String,
    /// The task lists in the Markdown (the actions), which the HTML and
    /// plain-text parts render from their parts.
    pub task_lists: Vec<TaskList>,
}

/// The session as Markdown for its member, in the given flavour.
pub fn render(view: &MemberView, flavour: Flavour, setting: &Setting<'_>) -> Result<Rendered> {
    let email = Email {
        view,
        flavour,
        setting,
        task_lists: RefCell::default(),
    };
    let mut md = String::new();
    email.header(&mut md);
    for section in flavour.sections() {
        email.section(&mut md, *section);
    }
    email.footer(&mut md);
    Ok(Rendered {
        markdown: md,
        preheader: email.preheader(),
        task_lists: email.task_lists.into_inner(),
    })
}

/// What the section functions read.
struct Email<'a> {
    view: &'a MemberView,
    flavour: Flavour,
    setting: &'a Setting<'a>,
    /// The task lists written so far.
    task_lists: RefCell<Vec<TaskList>>,
}

const NO_TALKING_POINTS: &str =
    "Nothing on the agenda yet: reply with what you would like to talk about.";

/// Whether a note is a template's talking point, as `session new
/// --template` wrote it: a prompt, not what was said.
fn is_prompt(note: &SharedNote) -> bool {
    note.from_template
}

/// A person's first name, as a greeting or an author says it.
pub(crate) fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or(name)
}

impl Email<'_> {
    fn coach(&self) -> &str {
        self.view.coach.name.as_deref().unwrap_or("your coach")
    }

    fn day(&self, at: DateTime<Utc>) -> String {
        when::display_day(at, &self.setting.zone)
    }

    fn section(&self, md: &mut String, section: Section) {
        match section {
            Section::Kudos => self.kudos(md),
            Section::Metrics => self.metrics(md),
            Section::FeedbackAndQa => {
                self.feedback(md);
                self.qa_reviews(md);
            }
            Section::Notes => self.notes(md),
            Section::Agreed => self.agreed(md),
            Section::StillOpen => self.carried_over(md, false),
            Section::DoneSince => self.carried_over(md, true),
            Section::Attachments => self.attachments(md),
        }
    }

    /// Title, date, coach and member, and one line saying what this email is.
    fn header(&self, md: &mut String) {
        let s = &self.view.session;
        let _ = writeln!(
            md,
            "# {}: {}\n",
            self.flavour.title(),
            escape_inline(&s.title)
        );
        // Two trailing spaces: a line break, in Markdown and on screen alike.
        let _ = writeln!(
            md,
            "**When:** {}  ",
            when::display_long(s.date, &self.setting.zone)
        );
        let _ = writeln!(md, "**Coach:** {}  ", escape_inline(self.coach()));
        let _ = writeln!(md, "**Team member:** {}\n", escape_inline(&s.member.name));
        let name = escape_inline(first_name(&s.member.name));
        let greeting = match self.flavour {
            Flavour::Agenda => format!(
                "Hi {name}, here is what we will talk about in our 1:1, so you can prepare. \
                 Reply to this email to add your own topics."
            ),
            Flavour::Recap if self.view.actions.is_empty() => format!(
                "Hi {name}, thank you for our 1:1. Here are the notes from our conversation, \
                 for your records."
            ),
            Flavour::Recap => format!(
                "Hi {name}, thank you for our 1:1. Here is what we agreed and the notes from \
                 our conversation, for your records."
            ),
        };
        let _ = writeln!(md, "{greeting}");
    }

    /// The summary line: when, and what the email holds, in counts.
    fn preheader(&self) -> String {
        let v = self.view;
        let still_open = v
            .carried_over
            .iter()
            .filter(|a| a.state != State::Done)
            .count();
        let notes = v.notes.len();
        let mut parts = Vec::new();
        let mut count = |n: usize, one: &str, many: &str| {
            if n > 0 {
                parts.push(counted(n as u64, one, many));
            }
        };
        match self.flavour {
            Flavour::Agenda => {
                count(notes, "talking point", "talking points");
                count(v.metrics.len(), "metric", "metrics");
                count(v.feedback.len() + v.qa_reviews.len(), "review", "reviews");
                count(still_open, "open action", "open actions");
            }
            Flavour::Recap => {
                count(v.actions.len(), "action agreed", "actions agreed");
                count(notes, "note", "notes");
                count(v.kudos.len(), "kudos", "kudos");
                count(v.metrics.len(), "metric", "metrics");
                count(still_open, "action still open", "actions still open");
            }
        }
        let when = when::display_long(v.session.date, &self.setting.zone);
        if parts.is_empty() {
            format!("Our 1:1 on {when}.")
        } else {
            format!("Our 1:1 on {when}: {}.", parts.join(", "))
        }
    }

    /// Wins and kudos: what is celebrated, and why.
    fn kudos(&self, md: &mut String) {
        if self.view.kudos.is_empty() {
            return;
        }
        let _ = writeln!(md, "\n## Wins and kudos\n");
        for k in &self.view.kudos {
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

    /// The metrics discussed, as a table: the value, the target with its
    /// direction (`≤ 420 s` when lower is better), whether it is met and
    /// when it was measured. Their dedicated notes follow it.
    fn metrics(&self, md: &mut String) {
        let metrics = &self.view.metrics;
        if metrics.is_empty() {
            return;
        }
        let _ = writeln!(md, "\n## Metrics\n");
        let _ = writeln!(md, "| Metric | Value | Target | Status | Measured |");
        let _ = writeln!(md, "|---|--:|--:|---|---|");
        for m in metrics {
            let unit = unit_suffix(m.unit.as_deref());
            let target = target_text(m.target, m.lower_is_better, &unit).unwrap_or_default();
            let status = match m.on_target {
                Some(true) => "✅ on target",
                Some(false) => "⚠️ off target",
                None => "",
            };
            let _ = writeln!(
                md,
                "| {} | {}{unit} | {target} | {status} | {} |",
                escape_inline(&m.metric),
                number(m.value),
                self.day(m.measured_at)
            );
        }
        for m in metrics.iter().filter(|m| !m.notes.is_empty()) {
            let _ = writeln!(md, "\n**{}**", escape_inline(&m.metric));
            self.dedicated_notes(md, &m.notes, "");
        }
    }

    /// Customer feedback, with its rating, source, link and dedicated notes.
    fn feedback(&self, md: &mut String) {
        if self.view.feedback.is_empty() {
            return;
        }
        let _ = writeln!(md, "\n## Customer feedback\n");
        for f in &self.view.feedback {
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
            head.push(self.day(f.date));
            let _ = writeln!(md, "- {}", head.join(" · "));
            let _ = writeln!(md, "\n  > {}", quote(&f.comment));
            if let Some(url) = &f.url {
                let _ = writeln!(md, "\n  {}", link("View conversation", url));
            }
            self.dedicated_notes(md, &f.notes, "  ");
            md.push('\n');
        }
    }

    /// QA reviews, with their score, reviewer, link and dedicated notes.
    fn qa_reviews(&self, md: &mut String) {
        if self.view.qa_reviews.is_empty() {
            return;
        }
        let _ = writeln!(md, "\n## QA reviews\n");
        for q in &self.view.qa_reviews {
            let mut head = vec![format!("**{}/100**", q.score), tone(q.tone).to_string()];
            if let Some(reviewer) = &q.reviewer {
                head.push(format!("reviewed by {}", escape_inline(reviewer)));
            }
            head.push(self.day(q.date));
            let _ = writeln!(md, "- {}", head.join(" · "));
            if let Some(comment) = &q.comment {
                let _ = writeln!(md, "\n  > {}", quote(comment));
            }
            if let Some(url) = &q.url {
                let _ = writeln!(md, "\n  {}", link("View review", url));
            }
            self.dedicated_notes(md, &q.notes, "  ");
            md.push('\n');
        }
    }

    /// The shared notes block. The agenda shows every talking point, or an
    /// invitation to add some. The recap shows what was noted first and
    /// the talking points written with the session (a template's prompts)
    /// after it, so that they do not bury it.
    fn notes(&self, md: &mut String) {
        let view = self.view;
        match self.flavour {
            Flavour::Agenda => {
                let _ = writeln!(md, "\n## Talking points");
                if view.notes.is_empty() {
                    let _ = writeln!(md, "\n_{NO_TALKING_POINTS}_");
                }
                self.note_blocks(md, view.notes.iter());
            }
            Flavour::Recap => {
                let noted: Vec<&SharedNote> = view.notes.iter().filter(|n| !is_prompt(n)).collect();
                let prompts: Vec<&SharedNote> =
                    view.notes.iter().filter(|n| is_prompt(n)).collect();
                if !noted.is_empty() {
                    let _ = writeln!(md, "\n## Notes");
                    self.note_blocks(md, noted.into_iter());
                }
                if !prompts.is_empty() {
                    let _ = writeln!(md, "\n## From the agenda");
                    self.note_blocks(md, prompts.into_iter());
                }
            }
        }
    }

    /// Notes one after the other, a rule between two, each saying who wrote
    /// it when that is not the coach.
    fn note_blocks<'n>(&self, md: &mut String, notes: impl Iterator<Item = &'n SharedNote>) {
        for (i, note) in notes.enumerate() {
            if i > 0 {
                let _ = writeln!(md, "\n* * *");
            }
            md.push('\n');
            if note.author.role == Role::Member {
                let _ = writeln!(
                    md,
                    "**{}:**\n",
                    escape_inline(first_name(&note.author.name))
                );
            }
            let _ = writeln!(md, "{}", demote_headings(&closed_fences(&note.body)));
        }
    }

    /// The actions agreed in this session, as a task list.
    fn agreed(&self, md: &mut String) {
        if self.view.actions.is_empty() {
            return;
        }
        let heading = match self.flavour {
            Flavour::Agenda => "Actions",
            Flavour::Recap => "What we agreed",
        };
        let _ = writeln!(md, "\n## {heading}\n");
        self.task_list(md, self.view.actions.iter());
    }

    /// Actions from earlier sessions: those still open, or (`done`) those
    /// finished since.
    fn carried_over(&self, md: &mut String, done: bool) {
        let actions: Vec<&Action> = self
            .view
            .carried_over
            .iter()
            .filter(|a| (a.state == State::Done) == done)
            .collect();
        if actions.is_empty() {
            return;
        }
        let heading = if done {
            "Done since last time"
        } else {
            "Still open from earlier 1:1s"
        };
        let _ = writeln!(md, "\n## {heading}\n");
        self.task_list(md, actions.into_iter());
    }

    /// `actions` as a task list ([`action_line`], saying whose each is),
    /// kept in [`Rendered::task_lists`].
    fn task_list<'a>(&self, md: &mut String, actions: impl Iterator<Item = &'a Action>) {
        let lines = actions
            .map(|action| {
                let owner = match action.owner {
                    Owner::Member => "you",
                    Owner::Coach => self.coach(),
                };
                action_line(action, Some(owner), |at| self.day(at))
            })
            .collect();
        let list = task_list::write(md, lines);
        self.task_lists.borrow_mut().push(list);
    }

    /// How to check an action off by replying, with the first of the
    /// member's open actions as the example; nothing when none is open.
    fn check_off_hint(&self, md: &mut String) {
        let open = self
            .view
            .carried_over
            .iter()
            .chain(&self.view.actions)
            .find(|a| a.owner == Owner::Member && a.state != State::Done);
        if let Some(action) = open {
            check_off_hint(md, &action.short_id);
        }
    }

    /// The files attached to the email, with their dedicated notes, then
    /// those too large to attach: listed by name, never as attached.
    fn attachments(&self, md: &mut String) {
        let left_out = self.setting.not_attached;
        let attached: Vec<_> = self
            .view
            .attachments
            .iter()
            .filter(|a| !left_out.iter().any(|n| n.id == a.id))
            .collect();
        if attached.is_empty() && left_out.is_empty() {
            return;
        }
        let _ = writeln!(md, "\n## Attachments\n");
        for a in &attached {
            let _ = writeln!(
                md,
                "- 📎 {} ({})",
                escape_inline(&a.name),
                human_size(a.size)
            );
            self.dedicated_notes(md, &a.notes, "  ");
        }
        if left_out.is_empty() {
            return;
        }
        let _ = writeln!(
            md,
            "\nNot attached: together these are over the {} an email may carry here; \
             ask me for them:\n",
            human_size(self.setting.cap)
        );
        for file in left_out {
            let _ = writeln!(
                md,
                "- {} ({})",
                escape_inline(&file.name),
                human_size(file.size)
            );
            if let Some(a) = self.view.attachments.iter().find(|a| a.id == file.id) {
                self.dedicated_notes(md, &a.notes, "  ");
            }
        }
    }

    /// The notes dedicated to one item, under it, indented by `indent` so
    /// they stay inside the item's list entry; a member's says it is theirs.
    fn dedicated_notes(&self, md: &mut String, notes: &[SharedNote], indent: &str) {
        for note in notes {
            let by = match note.author.role {
                Role::Member => escape_inline(first_name(&note.author.name)),
                Role::Coach => escape_inline(first_name(self.coach())),
            };
            let _ = writeln!(md, "\n{indent}**{by}:**\n");
            for line in demote_headings(&closed_fences(&note.body)).lines() {
                if line.is_empty() {
                    md.push('\n');
                } else {
                    let _ = writeln!(md, "{indent}{line}");
                }
            }
        }
    }

    /// The sign-off; the agenda asked for replies already, the recap asks
    /// here, so each email says it once.
    fn footer(&self, md: &mut String) {
        self.check_off_hint(md);
        let coach = escape_inline(first_name(self.coach()));
        match self.flavour {
            Flavour::Agenda => {
                let _ = writeln!(md, "\n---\n\nSee you there,  \n{coach}");
            }
            Flavour::Recap => {
                let _ = writeln!(
                    md,
                    "\n---\n\nReply to this email if anything is missing or wrong.  \n{coach}"
                );
            }
        }
    }
}

/// `- [ ] 3f2a Text _(OWNER, due 4 Dec 2026, overdue)_`: a task-list line
/// a reply can answer, in every email (agenda, recap, digest). The
/// member's own actions carry their short id, so that a reply line
/// `[x] 3f2a` checks one off (src/reply.rs, `coach inbox`); "overdue" is
/// the action's state, by the one rule of action.rs.
pub(crate) fn action_line(
    action: &Action,
    owner: Option<&str>,
    day: impl Fn(DateTime<Utc>) -> String,
) -> TaskLine {
    let mut detail = String::new();
    let mut add = |text: std::fmt::Arguments<'_>| {
        if !detail.is_empty() {
            detail.push_str(", ");
        }
        let _ = detail.write_fmt(text);
    };
    if let Some(owner) = owner {
        add(format_args!("{owner}"));
    }
    if let Some(due) = action.due_at {
        let overdue = if action.state == State::Overdue {
            ", overdue"
        } else {
            ""
        };
        add(format_args!("due {}{overdue}", day(due)));
    }
    if let Some(done) = action.done_at {
        add(format_args!("done {}", day(done)));
    }
    TaskLine {
        done: action.state == State::Done,
        id: (action.owner == Owner::Member).then(|| action.short_id.clone()),
        text: action.body.clone(),
        detail: (!detail.is_empty()).then_some(detail),
    }
}

/// A unit as it follows a number: `%` sticks to it ("74 %" reads oddly),
/// any other unit after a space; nothing without one.
pub(crate) fn unit_suffix(unit: Option<&str>) -> String {
    match unit {
        Some("%") => "%".to_string(),
        Some(u) => format!(" {}", escape_inline(u)),
        None => String::new(),
    }
}

/// A target with its direction: `≥ 4.5`, or `≤ 420 s` when lower is better.
pub(crate) fn target_text(
    target: Option<f64>,
    lower_is_better: bool,
    unit: &str,
) -> Option<String> {
    let direction = if lower_is_better { "≤" } else { "≥" };
    target.map(|t| format!("{direction} {}{unit}", number(t)))
}

/// How to check an action off by answering the email, with `id` as the
/// example.
pub(crate) fn check_off_hint(md: &mut String, id: &str) {
    let _ = writeln!(
        md,
        "\n_Done with one of your actions? Answer this email with a line `[x] {id}` \
         (or `done {id}`); `reopen {id}` opens it again._"
    );
}

/// A link with a short text, such as `[View conversation](url)`; the URL
/// in angle brackets, so spaces or parentheses in it cannot end it early.
fn link(text: &str, url: &str) -> String {
    let url: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .map(|c| match c {
            '<' => "%3C".to_string(),
            '>' => "%3E".to_string(),
            c => c.to_string(),
        })
        .collect();
    format!("[{text}](<{url}>)")
}

/// A note's headings moved two levels down (`#` becomes `###`), so that a
/// note with headings (an agenda from a template) sits under the email's
/// own section headings instead of competing with them. Lines in code
/// blocks are left alone.
pub(crate) fn demote_headings(body: &str) -> String {
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
pub(crate) fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value:.2}").trim_end_matches('0').to_string()
    }
}

/// A note's body with any code fence it leaves open closed, so that one
/// note cannot swallow the rest of the email into a code block.
pub(crate) fn closed_fences(body: &str) -> String {
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
/// The email that cancels a 1:1's calendar invite (`session delete
/// --cancel-invite`): its title, what happened, the coach's name.
pub fn cancellation(title: &str, said: &str, coach: &str) -> String {
    format!(
        "# Cancelled: {}\n\n{}\n\n{}\n",
        escape_inline(title),
        escape_inline(said),
        escape_inline(first_name(coach))
    )
}

pub(crate) fn escape_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// [`escape_inline`] of `text`, written at the end of `out`.
pub(crate) fn push_escaped(out: &mut String, text: &str) {
    // Every character escaped is ASCII: copy the runs between them whole.
    let mut copied = 0;
    for (i, b) in text.bytes().enumerate() {
        if matches!(
            b,
            b'\\' | b'`' | b'*' | b'_' | b'[' | b']' | b'<' | b'>' | b'|' | b'~' | b'#' | b'!'
        ) {
            out.push_str(&text[copied..i]);
            out.push('\\');
            copied = i;
        }
    }
    out.push_str(&text[copied..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audience::Audience;
    use crate::note::{Author, Note, Visibility};
    use crate::session::{MemberRef, Session, Status};
    use crate::view::Coach;
    use chrono::{TimeZone, Utc};

    fn note(body: &str, role: Role) -> SharedNote {
        note_at(body, role, (2026, 12, 1, 9))
    }

    fn note_at(body: &str, role: Role, when: (i32, u32, u32, u32)) -> SharedNote {
        made(body, role, when, false)
    }

    /// A template's talking point, as `session new --template` writes it.
    fn prompt(body: &str, when: (i32, u32, u32, u32)) -> SharedNote {
        made(body, Role::Coach, when, true)
    }

    fn made(
        body: &str,
        role: Role,
        (y, m, d, h): (i32, u32, u32, u32),
        from_template: bool,
    ) -> SharedNote {
        let at = Utc
            .with_ymd_and_hms(y, m, d, h, 30, 0)
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
            from_template,
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

    fn md(view: &MemberView, flavour: Flavour) -> Result<String> {
        let setting = Setting {
            zone: chrono_tz::America::Chicago,
            now: view.session.date,
            not_attached: &[],
            cap: 0,
        };
        render(view, flavour, &setting).map(|r| r.markdown)
    }

    #[test]
    fn the_agenda_names_the_member_as_author_and_separates_notes() {
        let notes = vec![
            note("Celebrate the streak", Role::Coach),
            note("Team lead role", Role::Member),
        ];
        let md = md(&view(notes), Flavour::Agenda).expect("renders");
        assert!(md.starts_with("# Agenda: Weekly \\*check-in\\*\n"), "{md}");
        assert!(
            md.contains("**When:** Tuesday 1 Dec 2026, 08:30 CST"),
            "{md}"
        );
        assert!(md.contains("**Coach:** Sam Lee"), "{md}");
        assert!(md.contains("Hi Alex,"), "{md}");
        let points = md.find("## Talking points").expect("talking points");
        assert!(
            md[points..].contains("Celebrate the streak\n\n* * *\n\n**Alex:**\n\nTeam lead role"),
            "{md}"
        );
        assert_eq!(md.matches("Reply to this email").count(), 1, "{md}");
    }

    #[test]
    fn an_empty_agenda_invites_topics_and_an_empty_recap_has_no_empty_sections() {
        let md_agenda = md(&view(vec![]), Flavour::Agenda).expect("agenda");
        assert!(md_agenda.contains(NO_TALKING_POINTS));
        let recap = md(&view(vec![]), Flavour::Recap).expect("recap");
        assert!(recap.starts_with("# Recap: "));
        assert!(!recap.contains("\n## "), "{recap}");
        assert!(!recap.contains("what we agreed"), "{recap}");
        assert_eq!(recap.matches("Reply to this email").count(), 1, "{recap}");
    }

    #[test]
    fn the_recap_puts_what_was_noted_before_the_templates_prompts() {
        // Written first, the prompt still comes after what was noted; a
        // note of the coach's own, written at once after it, is not one.
        let prompt = prompt("What went well?", (2026, 12, 1, 14));
        let noted = note_at("Alex led the retro", Role::Coach, (2026, 12, 1, 14));
        let v = view(vec![prompt, noted]);
        let md = md(&v, Flavour::Recap).expect("recap");
        let notes = md
            .find("## Notes\n\nAlex led the retro")
            .expect("notes first");
        let agenda = md
            .find("## From the agenda\n\nWhat went well?")
            .expect("prompts after");
        assert!(notes < agenda, "{md}");
    }

    #[test]
    fn an_open_code_fence_is_closed_within_its_note() {
        let notes = vec![
            note("```\nlet x = 1;", Role::Coach),
            note("After the code", Role::Coach),
        ];
        let md = md(&view(notes), Flavour::Recap).expect("renders");
        let html = crate::render::html::fragment(&md);
        assert!(html.contains("After the code</p>"), "{html}");
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
    fn links_with_odd_urls_stay_one_link() {
        assert_eq!(
            link("View review", "https://x.test/a b>(c)"),
            "[View review](<https://x.test/ab%3E(c)>)"
        );
    }
}
