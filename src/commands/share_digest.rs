//! `coach share --digest [MEMBER...]` and `coach share --digest --pending`:
//! the printing side of `src/digest.rs` (the `--digest` flag and its help
//! live in `share.rs`, with the other ways to share).

use std::io::Write;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::share::{failed_line, held_back_line, not_sent, pending_exit, sent_line};
use super::Ctx;
use crate::digest::{self, Done, Every, Request, Sent};
use crate::member::Member;
use crate::session::MemberRef;
use crate::store::Tx;
use crate::{member, when, Error, Result};

/// What `share --digest` was asked.
pub(super) struct Asked<'a> {
    /// Members named (none: every active member).
    pub(super) members: Vec<String>,
    pub(super) pending: bool,
    /// With --pending: only this member.
    pub(super) member: Option<&'a str>,
    pub(super) since: Option<DateTime<Utc>>,
    pub(super) dry_run: bool,
    /// With --pending: also the digests held back.
    pub(super) retry: bool,
}

/// The command that tries the digests --pending holds back again.
const RETRY: &str = "coach share --digest --pending --retry";

/// What happened to one member's digest, as `share --digest --json` prints it.
#[derive(Debug, Serialize)]
struct Report {
    member: MemberRef,
    /// Always `digest`.
    kind: &'static str,
    /// `sent`, `not-due` (with --pending), `in-progress`, `failed`,
    /// `held-back` (with --pending, not tried: refused for good, or
    /// mail.max-attempts failures in a row) or `dry-run`.
    result: &'static str,
    /// The digest recorded (sent, failed), the last one sent (not-due),
    /// the other process's claim (in-progress) or the last attempt
    /// (held-back).
    digest: Option<Sent>,
    error: Option<String>,
    /// Whether the failure may go away by itself (the next run retries).
    temporary: bool,
    /// With --dry-run: the full MIME message.
    message: Option<String>,
}

impl Report {
    fn new(member: &Member, result: &'static str) -> Report {
        Report {
            member: MemberRef {
                id: member.id.clone(),
                name: member.name.clone(),
                email: member.email.clone(),
            },
            kind: "digest",
            result,
            digest: None,
            error: None,
            temporary: false,
            message: None,
        }
    }

    fn failed(member: &Member, error: &Error) -> Report {
        let mut r = Report::new(member, "failed");
        r.error = Some(error.message().to_string());
        r.temporary = error.is_temporary();
        r
    }

    /// A digest --pending holds back (see [`digest::held_back`]).
    fn held_back(member: &Member, why: digest::HeldBack) -> Report {
        let mut r = Report::new(member, "held-back");
        r.error = Some(why.reason());
        r.digest = Some(why.into_last());
        r
    }

    fn done(member: &Member, done: Done) -> Report {
        let (result, sent, error) = match done {
            Done::Sent(sent) => ("sent", sent, None),
            Done::NotDue(sent) => ("not-due", sent, None),
            Done::Busy(sent) => ("in-progress", sent, None),
            Done::Failed { sent, error } => ("failed", sent, Some(error)),
        };
        let mut r = match &error {
            Some(error) => Report::failed(member, error),
            None => Report::new(member, result),
        };
        r.temporary |= result == "in-progress";
        r.digest = Some(sent);
        r
    }

    fn succeeded(&self) -> bool {
        !matches!(self.result, "failed" | "in-progress" | "held-back")
    }

    fn line(&self) -> String {
        let what = format!("the digest of {}", self.member.name.escape_debug());
        let digest = self.digest.as_ref();
        match self.result {
            "sent" => match digest {
                Some(d) => sent_line(&what, &d.transport, &d.recipients, d.detail.as_deref()),
                None => format!("Sent {what}"),
            },
            "not-due" => format!(
                "Not due: {what} was last sent on {} (digest.every)",
                digest.map_or_else(String::new, |d| when::display_local(d.created_at))
            ),
            "in-progress" => format!(
                "In progress: {what} is being sent by another coach process (since {}); nothing sent",
                digest.map_or_else(String::new, |d| when::display_local(d.created_at))
            ),
            "dry-run" => format!("Would send {what}"),
            "held-back" => {
                held_back_line(&what, self.error.as_deref().unwrap_or_default(), RETRY)
            }
            _ => failed_line(&what, self.error.as_deref(), self.temporary),
        }
    }
}

/// `coach share --digest ...`.
pub(super) fn run(ctx: &Ctx, asked: Asked<'_>) -> Result<()> {
    if asked.pending && !asked.members.is_empty() {
        return Err(Error::input(
            "--pending sends the digests that are due; it takes no member names",
        )
        .with_hint("only one member's: coach share --digest --pending --member NAME"));
    }
    let mut store = ctx.store()?;
    let folder = store.folder().to_path_buf();
    let (members, held, no_email, every, mut settings) = store.read(|tx| {
        if let Some(since) = asked.since {
            digest::check_since(since, tx.now())?;
        }
        let every = digest::every(tx)?;
        let members = if asked.pending {
            let only = match asked.member {
                Some(query) => Some(member::resolve(tx, query)?.id),
                None => None,
            };
            digest::due_members(tx, every, only.as_deref())?
        } else if asked.members.is_empty() {
            member::list_without_short_ids(tx, false)?
        } else {
            let mut found: Vec<Member> = Vec::new();
            for query in &asked.members {
                let m = member::resolve(tx, query)?;
                if !found.iter().any(|f| f.id == m.id) {
                    found.push(m);
                }
            }
            found
        };
        let no_email = match asked.pending {
            true => digest::without_email(tx)?,
            false => Vec::new(),
        };
        // As for recaps: --pending does not try what failed for good.
        let (members, held) = match asked.pending && !asked.retry {
            true => hold_back(tx, members)?,
            false => (members, Vec::new()),
        };
        Ok((
            members,
            held,
            no_email,
            every,
            crate::share::mail_settings(tx, &folder)?,
        ))
    })?;
    if asked.pending {
        if every == Every::Off {
            ctx.out.note(
                "digest.every is off: no digests are due (coach config set digest.every monthly)",
            );
            return empty(ctx);
        }
        for m in &no_email {
            ctx.out.note(format!(
                "{} has no email address: no digest (coach member edit \"{}\" --email ADDRESS)",
                m.name.escape_debug(),
                m.name.escape_debug()
            ));
        }
        // Reported first (on standard error, for cron's mail), and not
        // tried: the coach must look, then --retry.
        for report in &held {
            ctx.out.note(report.line());
        }
        if members.is_empty() && held.is_empty() {
            ctx.out.note("No digests are due.");
            return empty(ctx);
        }
        if members.is_empty() {
            if ctx.out.json {
                ctx.out.print_json(&held)?;
            }
            return summary(&held);
        }
    }
    if members.is_empty() {
        return Err(Error::input("there is no team member to send a digest to")
            .with_hint("add one with: coach member add NAME --email ADDRESS"));
    }

    if asked.dry_run {
        let mut reports = Vec::new();
        for m in &members {
            let prepared = store.read(|tx| {
                let since = digest::window_start(tx, &m.id, asked.since)?;
                digest::prepare(tx, m, since)
            });
            reports.push(match prepared {
                Ok(p) => {
                    let mut r = Report::new(m, "dry-run");
                    r.message = Some(String::from_utf8_lossy(&crate::mail::raw(&p.message)).into());
                    r
                }
                Err(err) => Report::failed(m, &err),
            });
        }
        print_dry_runs(ctx, &reports)?;
        return summary(&reports);
    }

    settings.unlock()?;
    let mut reports = Vec::new();
    for m in &members {
        let request = Request {
            member_id: m.id.clone(),
            since: asked.since,
            due: asked.pending.then_some(every),
        };
        let report = match digest::send(&mut store, &request, &settings) {
            Ok(done) => Report::done(m, done),
            Err(err) => Report::failed(m, &err),
        };
        if !ctx.out.json {
            if ctx.out.quiet {
                if let (Some(d), "sent" | "failed") = (&report.digest, report.result) {
                    ctx.out.line(&d.id)?;
                }
            } else {
                ctx.out.line(report.line())?;
            }
        }
        reports.push(report);
    }
    reports.extend(held);
    if ctx.out.json {
        ctx.out.print_json(&reports)?;
    }
    summary(&reports)
}

/// Splits the members due into those to try and the reports of those
/// held back ([`digest::held_back`]).
fn hold_back(tx: &Tx<'_>, members: Vec<Member>) -> Result<(Vec<Member>, Vec<Report>)> {
    let mut due = Vec::new();
    let mut held = Vec::new();
    for m in members {
        match digest::held_back(tx, &m.id)? {
            Some(why) => held.push(Report::held_back(&m, why)),
            None => due.push(m),
        }
    }
    Ok((due, held))
}

fn empty(ctx: &Ctx) -> Result<()> {
    if ctx.out.json {
        ctx.out.print_json(&Vec::<Report>::new())?;
    }
    Ok(())
}

/// 0 when every digest went (or was not due), else 75 if a failure was
/// temporary, else 3 (a digest held back is a failure that needs you):
/// the exits of `share --recap --pending`.
fn summary(reports: &[Report]) -> Result<()> {
    let failures: Vec<&Report> = reports.iter().filter(|r| !r.succeeded()).collect();
    match (reports, failures.as_slice()) {
        ([_], [one]) => Err(not_sent(
            format!(
                "cannot send the digest of {}: {}",
                one.member.name.escape_debug(),
                one.error.as_deref().unwrap_or("unknown error")
            ),
            one.temporary,
        )),
        _ => {
            let temporary: Vec<bool> = failures.iter().map(|r| r.temporary).collect();
            pending_exit(&temporary, reports.len(), "digests")
        }
    }
}

/// --dry-run: the raw messages on standard output, byte for byte what
/// would be sent; what cannot be built on standard error.
fn print_dry_runs(ctx: &Ctx, reports: &[Report]) -> Result<()> {
    if ctx.out.json {
        return ctx.out.print_json(reports);
    }
    let write_error = |e| Error::io("cannot write the output", e);
    let mut stdout = std::io::stdout().lock();
    let mut shown = 0;
    for report in reports {
        let Some(message) = &report.message else {
            ctx.out.note(report.line());
            continue;
        };
        if shown > 0 {
            stdout.write_all(b"\r\n").map_err(write_error)?;
        }
        stdout.write_all(message.as_bytes()).map_err(write_error)?;
        shown += 1;
    }
    stdout.flush().map_err(write_error)?;
    if shown > 0 {
        ctx.out
            .note("Dry run: nothing was sent, and nothing was recorded.");
    }
    Ok(())
}
