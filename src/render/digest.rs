//! A member's digest as one Markdown document: the email's both parts
//! come from it ([`super::html`] and [`super::text`]), as for the agenda
//! and the recap.
//!
//! Privacy by construction: [`render`] takes a [`Digest`], which holds
//! only member-facing types (its notes are [`crate::note::SharedNote`]s).
//!
//! Charts are email-safe: mail clients run no SVG and no scripts, so the
//! trends are tables whose bars are text (`█████░░░░░`), which every
//! client shows, a screen reader reads with the number beside it, and the
//! plain-text part keeps. Ten cells wide at most: a table of three narrow
//! columns fits a 390 px phone.

use std::fmt::Write;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::markdown::{
    action_line, check_off_hint, closed_fences, demote_headings, escape_inline, first_name, number,
    target_text, unit_suffix,
};
use super::task_list::{self, TaskList};
use crate::action::Action;
use crate::digest::Digest;
use crate::kudos::Kind as KudosKind;
use crate::note::Role;
use crate::output::{counted, plural};
use crate::when;

/// How many cells a full bar has.
const BAR: usize = 10;

/// A rendered digest: subject, Markdown and preheader.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub subject: String,
    pub markdown: String,
    pub preheader: String,
    /// The task lists in the Markdown (the actions).
    pub task_lists: Vec<TaskList>,
}

/// The digest as Markdown, its times in `zone` (the member's).
pub fn render(digest: &Digest, zone: &Tz) -> Rendered {
    let r = Renderer { digest, zone };
    let mut md = String::new();
    let mut task_lists = Vec::new();
    r.header(&mut md);
    r.open_actions(&mut md, &mut task_lists);
    r.done(&mut md, &mut task_lists);
    r.kudos(&mut md);
    r.sessions(&mut md);
    r.trends(&mut md);
    r.footer(&mut md);
    Rendered {
        subject: format!(
            "Your 1:1 digest, {} to {}",
            r.day(digest.since),
            r.day(digest.until)
        ),
        markdown: md,
        preheader: r.preheader(),
        task_lists,
    }
}

/// A bar of [`BAR`] cells, `fraction` of them full.
pub fn bar(fraction: f64) -> String {
    let fraction = if fraction.is_finite() {
        fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let full = (fraction * BAR as f64).round() as usize;
    format!("{}{}", "█".repeat(full), "░".repeat(BAR - full))
}

fn percent(fraction: f64) -> String {
    format!("{}%", (fraction.clamp(0.0, 1.0) * 100.0).round() as i64)
}

struct Renderer<'a> {
    digest: &'a Digest,
    zone: &'a Tz,
}

impl Renderer<'_> {
    fn day(&self, at: DateTime<Utc>) -> String {
        when::display_day(at, self.zone)
    }

    fn coach(&self) -> &str {
        self.digest.coach.as_deref().unwrap_or("your coach")
    }

    fn header(&self, md: &mut String) {
        let d = self.digest;
        let _ = writeln!(md, "# Your 1:1 digest\n");
        let _ = writeln!(
            md,
            "**From:** {} **to** {}  ",
            self.day(d.since),
            self.day(d.until)
        );
        let _ = writeln!(md, "**Coach:** {}  ", escape_inline(self.coach()));
        let _ = writeln!(md, "**Team member:** {}\n", escape_inline(&d.member.name));
        let _ = writeln!(
            md,
            "Hi {}, here is your stream and your trends since {}: what you achieved, \
             what is still open, and how our 1:1s are going.",
            escape_inline(first_name(&d.member.name)),
            self.day(d.since)
        );
    }

    fn preheader(&self) -> String {
        let d = self.digest;
        let mut parts = Vec::new();
        let mut count = |n: usize, one: &str, many: &str| {
            if n > 0 {
                parts.push(counted(n as u64, one, many));
            }
        };
        count(d.kudos.len(), "kudos", "kudos");
        count(d.done.len(), "action done", "actions done");
        count(d.open.len(), "action open", "actions open");
        count(d.sessions.len(), "1:1", "1:1s");
        if parts.is_empty() {
            format!("Since {}.", self.day(d.since))
        } else {
            format!("Since {}: {}.", self.day(d.since), parts.join(", "))
        }
    }

    /// `actions` as a task list of lines a reply can answer (the digest
    /// holds the member's own actions only, so none says whose it is).
    fn task_list(&self, md: &mut String, actions: &[Action]) -> TaskList {
        let lines = actions
            .iter()
            .map(|action| action_line(action, None, |at| self.day(at)))
            .collect();
        task_list::write(md, lines)
    }

    fn open_actions(&self, md: &mut String, lists: &mut Vec<TaskList>) {
        let open = &self.digest.open;
        let _ = writeln!(md, "\n## Your open actions\n");
        if open.is_empty() {
            let _ = writeln!(md, "_Nothing open: well done._");
            return;
        }
        lists.push(self.task_list(md, open));
        check_off_hint(md, &open[0].short_id);
    }

    fn done(&self, md: &mut String, lists: &mut Vec<TaskList>) {
        if self.digest.done.is_empty() {
            return;
        }
        let _ = writeln!(md, "\n## Done since {}\n", self.day(self.digest.since));
        lists.push(self.task_list(md, &self.digest.done));
    }

    fn kudos(&self, md: &mut String) {
        if self.digest.kudos.is_empty() {
            return;
        }
        let _ = writeln!(md, "\n## Wins and kudos\n");
        for k in &self.digest.kudos {
            let kind = match k.kind {
                Some(KudosKind::Success) => "🏆 **Success:** ",
                Some(KudosKind::Expertise) => "🧠 **Expertise:** ",
                Some(KudosKind::Effort) => "💪 **Effort:** ",
                Some(KudosKind::Values) => "🌟 **Values:** ",
                None => "🙏 ",
            };
            let _ = writeln!(
                md,
                "- {kind}{} _({})_",
                escape_inline(&k.body),
                self.day(k.date())
            );
        }
    }

    /// The window's sessions, newest first: whether the recap went out,
    /// and the shared notes.
    fn sessions(&self, md: &mut String) {
        if self.digest.sessions.is_empty() {
            return;
        }
        let _ = writeln!(md, "\n## Your 1:1s");
        for s in &self.digest.sessions {
            let _ = writeln!(
                md,
                "\n### {}, {}\n",
                escape_inline(&s.session.title),
                self.day(s.session.date)
            );
            match s.recap_sent_at {
                Some(at) => {
                    let _ = writeln!(md, "_Recap sent {}._", self.day(at));
                }
                None => {
                    let _ = writeln!(md, "_No recap sent yet._");
                }
            }
            for note in &s.notes {
                md.push('\n');
                if note.author.role == Role::Member {
                    let _ = writeln!(md, "**You:**\n");
                }
                // Two levels below the session's heading.
                let body = demote_headings(&demote_headings(&closed_fences(&note.body)));
                let _ = writeln!(md, "{body}");
            }
        }
    }

    fn trends(&self, md: &mut String) {
        let t = &self.digest.trends;
        let _ = writeln!(md, "\n## Trends\n");
        // Cadence.
        let every = match t.cadence.average_days_between {
            Some(days) => format!(", one every {} days on average", number(days)),
            None => String::new(),
        };
        let _ = writeln!(
            md,
            "**Cadence:** {}{every}.",
            plural(t.cadence.sessions, "1:1")
        );
        if let Some(next) = &t.cadence.next {
            let _ = writeln!(md, "Next: {}.", self.day(next.date));
        }
        let most = t
            .cadence
            .per_month
            .iter()
            .map(|m| m.sessions)
            .max()
            .unwrap_or(0)
            .max(1);
        md.push('\n');
        let _ = writeln!(md, "| Month | 1:1s | |");
        let _ = writeln!(md, "|---|--:|---|");
        for month in &t.cadence.per_month {
            let _ = writeln!(
                md,
                "| {} | {} | {} |",
                month.month,
                month.sessions,
                bar(month.sessions as f64 / most as f64)
            );
        }
        // Actions.
        let a = &t.actions;
        if a.total > 0 {
            let rate = a.completion_rate.unwrap_or(0.0);
            let _ = writeln!(
                md,
                "\n**Actions agreed since {}:** {} done of {}, {} open{}.\n",
                self.day(self.digest.since),
                a.done,
                a.total,
                a.open,
                if a.overdue > 0 {
                    format!(" ({} overdue)", a.overdue)
                } else {
                    String::new()
                }
            );
            let _ = writeln!(md, "| Done | |");
            let _ = writeln!(md, "|--:|---|");
            let _ = writeln!(md, "| {} | {} |", percent(rate), bar(rate));
        }
        // Kudos by kind.
        let k = &t.kudos;
        if k.total > 0 {
            let _ = writeln!(md, "\n**Kudos:** {}.\n", k.total);
            let _ = writeln!(md, "| For | Kudos | |");
            let _ = writeln!(md, "|---|--:|---|");
            for (label, n) in [
                ("Success", k.success),
                ("Expertise", k.expertise),
                ("Effort", k.effort),
                ("Values", k.values),
                ("Thanks", k.thanks),
            ] {
                if n > 0 {
                    let _ = writeln!(md, "| {label} | {n} | {} |", bar(n as f64 / k.total as f64));
                }
            }
        }
        self.metrics(md);
    }

    /// Each metric's latest value against its target, and how often it
    /// was on target over the window.
    fn metrics(&self, md: &mut String) {
        let metrics = &self.digest.trends.metrics;
        if metrics.is_empty() {
            return;
        }
        // Three columns, the target beside the value: a phone has room for
        // no more without breaking words.
        let _ = writeln!(md, "\n### Metrics against target\n");
        let _ = writeln!(md, "| Metric | Latest (target) | On target |");
        let _ = writeln!(md, "|---|---|---|");
        for m in metrics {
            let unit = unit_suffix(m.unit.as_deref());
            let target = target_text(m.target, m.lower_is_better, &unit)
                .map(|t| format!(" ({t})"))
                .unwrap_or_default();
            let status = match m.on_target {
                Some(true) => "✅",
                Some(false) => "⚠️",
                None => "",
            };
            let share = match m.on_target_share {
                Some(share) => format!("{} {}", bar(share), percent(share)),
                None => "–".into(),
            };
            let _ = writeln!(
                md,
                "| {} | {status} {}{unit}{target} | {share} |",
                escape_inline(&m.metric),
                number(m.latest.value)
            );
        }
    }

    fn footer(&self, md: &mut String) {
        let _ = writeln!(
            md,
            "\n---\n\nReply to this email to check your actions off.  \n{}",
            escape_inline(first_name(self.coach()))
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_have_ten_cells_whatever_the_number() {
        assert_eq!(bar(0.0), "░░░░░░░░░░");
        assert_eq!(bar(0.5), "█████░░░░░");
        assert_eq!(bar(1.0), "██████████");
        assert_eq!(bar(7.0), "██████████");
        assert_eq!(bar(-1.0), "░░░░░░░░░░");
        assert_eq!(bar(f64::NAN), "░░░░░░░░░░");
    }
}
