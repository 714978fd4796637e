//! `coach status`: the current session and what is pending.

use clap::Args;

use super::Ctx;
use crate::output::{plural, DIM, HEADING, ID};
use crate::status::{self, Pending, Status};
use crate::{kudos, when, Result};

/// Where things stand: the current session, and what is pending
///
/// Says which session is current and since when, then every thing
/// waiting for you, each with the command that clears it:
///
/// - agendas not sent for sessions to come (a failed send included:
///   `share --pending` retries it until the 1:1);
/// - recaps neither sent nor skipped for sessions that were held (what
///   `share --pending --recap` sends; `share --skip` when one is not
///   needed);
/// - digests due under digest.every for members with an email (what
///   `share --digest --pending` sends), and those it holds back (refused
///   for good, or mail.max-attempts failures in a row: `--retry`);
/// - overdue actions: open, and their due day is over (an action due today
///   is not overdue until the day ends);
/// - replies: when the setting inbox.maildir names the Maildir your mail
///   tool fills, the messages in its new/ folder not taken in yet
///   (`coach inbox --maildir`), and the refused ones `coach inbox` flagged
///   and left unread for you to look at.
///
/// Archived members are left out. It changes nothing and exits 0, whatever
/// is pending; `--json` for scripts, `-q` prints the current session's id
/// only (nothing when there is none).
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  coach status\n  coach status --json | jq '.pending | length'\n  coach session show \"$(coach status -q)\"\n  coach config set inbox.maildir ~/Mail/coach   # count replies waiting"
)]
pub struct StatusArgs {}

/// At most this many lines of one kind are listed; the rest are counted.
const SHOWN: usize = 10;

pub(super) fn run(ctx: &Ctx, _args: StatusArgs) -> Result<()> {
    let status = ctx.store()?.read(status::status)?;
    if ctx.out.json {
        return ctx.out.print_json(&status);
    }
    if ctx.out.quiet {
        return match &status.current {
            Some(session) => ctx.out.line(&session.id),
            None => Ok(()),
        };
    }
    ctx.out.line(render(ctx, &status))
}

fn render(ctx: &Ctx, status: &Status) -> String {
    let out = &ctx.out;
    let mut text = match &status.current {
        Some(session) => {
            let since = status
                .current_since
                .map(|at| format!(", since {}", when::display_local(at)))
                .unwrap_or_default();
            format!(
                "Current session: {}{since}\n",
                kudos::describe_session(session).replacen(
                    &session.short_id,
                    &out.paint(&session.short_id, ID),
                    1
                )
            )
        }
        None => format!(
            "No current session {}\n",
            out.paint(
                "(start one: coach session new MEMBER; pick one: coach session use SESSION)",
                DIM
            )
        ),
    };
    if status.pending.is_empty() {
        text += "Nothing pending.";
        return text;
    }
    text += &out.paint(&format!("Pending ({}):", status.pending.len()), HEADING);
    text.push('\n');
    for kind in 0..5 {
        let items: Vec<&Pending> = status
            .pending
            .iter()
            .filter(|p| group(p).0 == kind)
            .collect();
        let all = items.first().map_or("", |p| group(p).1);
        for item in items.iter().take(SHOWN) {
            text += &line(ctx, item);
        }
        if items.len() > SHOWN {
            text += &format!("  ... and {} more: {all}\n", items.len() - SHOWN);
        }
    }
    text.trim_end().to_string()
}

/// Which kind of line a pending thing is listed with (in the order of
/// `status.pending`), and the command that shows all of that kind.
fn group(pending: &Pending) -> (u8, &'static str) {
    match pending {
        Pending::Agenda { .. } => (0, "coach status --json"),
        Pending::Recap { .. } => (1, "coach status --json"),
        Pending::Digest { .. } => (2, "coach status --json"),
        Pending::Action { .. } => (3, "coach action list --overdue"),
        Pending::Replies { .. }
        | Pending::RefusedReplies { .. }
        | Pending::MaildirUnreadable { .. } => (4, ""),
    }
}

/// One pending thing: what, then `-> command` on the next line.
fn line(ctx: &Ctx, pending: &Pending) -> String {
    let out = &ctx.out;
    let session_words = |s: &crate::share::SessionRef| {
        format!(
            "{} \"{}\" with {} on {}",
            out.paint(&s.short_id, ID),
            s.title,
            s.member.name,
            when::display_local(s.date)
        )
    };
    let (what, command) = match pending {
        Pending::Agenda {
            session,
            detail,
            command,
            ..
        } => (
            format!("agenda of {}: {detail}", session_words(session)),
            command.clone(),
        ),
        Pending::Recap {
            session,
            detail,
            command,
            skip_command,
        } => (
            format!("recap of {}: {detail}", session_words(session)),
            format!("{command}  (not needed: {skip_command})"),
        ),
        Pending::Digest {
            member,
            detail,
            command,
            ..
        } => (
            format!("digest of {}: {detail}", member.name),
            command.clone(),
        ),
        Pending::Action { action, command } => (
            format!(
                "action {} for {}: {} (due {}, overdue)",
                out.paint(&action.short_id, ID),
                action.member.name,
                action.body,
                action
                    .due_at
                    .map(when::display_local_date)
                    .unwrap_or_default()
            ),
            command.clone(),
        ),
        Pending::Replies {
            maildir,
            count,
            command,
        } => (
            format!(
                "{} in {} not taken in yet",
                if *count == 1 {
                    "1 reply".to_string()
                } else {
                    format!("{count} replies")
                },
                maildir.display()
            ),
            command.clone(),
        ),
        Pending::RefusedReplies {
            maildir,
            count,
            command,
        } => (
            format!(
                "{} refused by coach inbox, flagged and unread in {}",
                plural(*count, "message"),
                maildir.display()
            ),
            command.clone(),
        ),
        Pending::MaildirUnreadable {
            maildir,
            detail,
            command,
        } => (
            format!("the Maildir {}: {detail}", maildir.display()),
            command.clone(),
        ),
    };
    format!(
        "  {what}\n    {}\n",
        out.paint(&format!("-> {command}"), DIM)
    )
}
