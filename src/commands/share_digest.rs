//! `coach share --digest [MEMBER...]` and `coach share --digest --pending`:
//! the printing side of `src/digest.rs` (the `--digest` flag and its help
//! live in `share.rs`, with the other ways to share).

use std::io::Write;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Ctx;
use crate::digest::{self, Done, Every, Request, Sent};
use crate::member::Member;
use crate::session::MemberRef;
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
}

/// What happened to one member's digest, as `share --digest --json` prints it.
#[derive(Debug, Serialize)]
struct Report {
    member: MemberRef,
    /// Always `digest`.
    kind: &'static str,
    /// `sent`, `not-due` (with --pending), `in-progress`, `failed` or
    /// `dry-run`.
    result: &'static str,
    /// The digest recorded (sent, failed), the last one sent (not-due) or
    /// the other process's claim (in-progress).
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
        !matches!(self.result, "failed" | "in-progress")
    }

    fn line(&self) -> String {
        let what = format!("the digest of {}", self.member.name.escape_debug());
        let digest = self.digest.as_ref();
        match self.result {
            "sent" => match digest {
                Some(d) if d.transport == "outbox" => format!(
                    "Wrote {what} for {} to {}",
                    d.recipients.join(", "),
                    d.detail.as_deref().unwrap_or_default()
                ),
                Some(d) => format!(
                    "Sent {what} to {} ({}: {})",
                    d.recipients.join(", "),
                    d.transport,
                    d.detail.as_deref().unwrap_or_default()
                ),
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
            _ => format!(
                "FAILED {what}: {} ({})",
                self.error.as_deref().unwrap_or("unknown error"),
                if self.temporary {
                    "the next run retries it"
                } else {
                    "fix this, then run again"
                }
            ),
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
    let (members, no_email, every, mut settings) = store.read(|tx| {
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
        Ok((
            members,
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
        if members.is_empty() {
            ctx.out.note("No digests are due.");
            return empty(ctx);
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
    if ctx.out.json {
        ctx.out.print_json(&reports)?;
    }
    summary(&reports)
}

fn empty(ctx: &Ctx) -> Result<()> {
    if ctx.out.json {
        ctx.out.print_json(&Vec::<Report>::new())?;
    }
    Ok(())
}

/// 0 when every digest went (or was not due), else 75 if a failure was
/// temporary, else 3: the exits of `share --recap --pending`.
fn summary(reports: &[Report]) -> Result<()> {
    let failures: Vec<&Report> = reports.iter().filter(|r| !r.succeeded()).collect();
    if failures.is_empty() {
        return Ok(());
    }
    let message = match (reports, failures.as_slice()) {
        ([_], [one]) => format!(
            "cannot send the digest of {}: {}",
            one.member.name.escape_debug(),
            one.error.as_deref().unwrap_or("unknown error")
        ),
        _ => format!(
            "{} of {} digests {} not sent",
            failures.len(),
            reports.len(),
            if failures.len() == 1 { "was" } else { "were" }
        ),
    };
    if failures.iter().any(|r| r.temporary) {
        Err(Error::temporary(message)
            .with_hint("run the same command again later; `coach share log` shows why"))
    } else {
        Err(Error::input(message).with_hint("fix what the lines above say, then run again"))
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
