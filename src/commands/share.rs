use std::io::Write;

use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use serde::Serialize;

use super::Ctx;
use crate::sent::{self, Changes};
use crate::session::{self, Session};
use crate::share::{self, Done, Kind, PendingFilter, Prepared, SessionRef, Share};
use crate::{member, when, Error, ErrorKind, Result};

/// Send a session to its team member: the agenda before the 1:1, the recap after
///
/// `coach share` sends the agenda of the current session (or SESSION), so
/// the team member can prepare; `coach share --recap` sends the recap, with
/// every shared note, for their records. Both are built from what the
/// member may see (`coach session show --as-member --format md` prints it
/// beforehand): private notes are never part of them.
///
/// The message comes from you (user.name, user.email), goes to the member's
/// email, with Reply-To you, a copy to you with mail.cc-me, and the
/// session's files attached up to mail.max-attachments-size together. A
/// recap answers its agenda (In-Reply-To), so mail clients thread them.
///
/// How it leaves, by mail.transport: `outbox` (the default) writes an .eml
/// file into the outbox folder beside the database; `smtp` sends through
/// mail.smtp.host (password from COACH_SMTP_PASSWORD or
/// mail.smtp.password-command); `sendmail` pipes to mail.sendmail.path.
///
/// Sharing what was already sent says so and sends nothing (exit 0), so a
/// script can run it twice; --resend sends it again on purpose. Every send
/// is recorded: `coach share log`. Nothing is ever asked.
///
/// Exit codes: 0 sent (or already sent); 3 it cannot be sent as it is (no
/// email, refused by the server, wrong settings); 75 a temporary failure
/// (server down or busy): the session stays pending, try again later.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  coach share                              # the agenda of the current session\n  coach share --recap                      # after the 1:1\n  coach share --recap --resend 1a2b        # send a recap again\n  coach share --dry-run                    # print the MIME message, send nothing\n  coach share --recap --pending --older-than 2h   # from cron\n  coach share log"
)]
pub struct ShareArgs {
    #[command(subcommand)]
    command: Option<ShareCommand>,

    /// The session [default: the current session]
    session: Option<String>,

    /// Send the recap (after the 1:1) instead of the agenda
    #[arg(long)]
    recap: bool,

    /// Send it again, although it was already sent
    #[arg(long, conflicts_with = "pending")]
    resend: bool,

    /// Print the full MIME message instead of sending it; nothing is sent
    /// or recorded
    #[arg(long)]
    dry_run: bool,

    /// Send every email due, one line each: the recap of every session
    /// whose date has passed and whose recap was neither sent nor skipped
    /// (archived members left out), and, without --recap, every agenda
    /// whose send failed, until its session's date has passed. Exit 0 only
    /// if all were sent; 75 if a failure was temporary (the next run
    /// retries it), else 3. For cron
    #[arg(long, conflicts_with = "session")]
    pending: bool,

    /// Mark the recap of the session (or the current one) as not needed,
    /// with --reason: a cancelled 1:1, a member without email. From then
    /// on --pending leaves the session alone, and `coach team` counts it
    /// as skipped
    #[arg(long, conflicts_with_all = ["pending", "resend", "dry_run"], requires = "reason")]
    skip: bool,

    /// With --skip: why the recap is not needed
    #[arg(long, value_name = "TEXT", requires = "skip")]
    reason: Option<String>,

    /// With --pending: only sessions held before WHEN: a date
    /// (2026-12-01, yesterday, -2h) or how long ago (2h, 1d, 1w)
    #[arg(
        long,
        value_name = "WHEN",
        allow_hyphen_values = true,
        requires = "pending"
    )]
    older_than: Option<String>,

    /// With --pending: only sessions held on or after WHEN (e.g. -4w), to
    /// leave old history alone. With --digest: the digest covers the time
    /// since WHEN instead of since the member's last digest
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    since: Option<String>,

    /// Email team members their digest: their stream and trends since
    /// their last digest (or --since; a first digest covers 4 weeks):
    /// kudos, their actions open and done (answerable by reply: `[x] 3f2a`),
    /// the 1:1s with their shared notes and whether the recap was sent,
    /// cadence, and metrics against target, as tables and text bars any
    /// mail client shows. Private notes are never part of it. Without
    /// MEMBER: every active member. With --pending: only the digests due
    /// under digest.every (e.g. monthly), members without an email left
    /// out, and those whose last digest was refused for good or failed
    /// mail.max-attempts times in a row held back (--retry); exit 0 when
    /// all were sent, 75 if a failure was temporary, else 3. For cron
    #[arg(
        long,
        value_name = "MEMBER",
        num_args = 0..,
        conflicts_with_all = ["recap", "resend", "skip", "older_than"]
    )]
    digest: Option<Vec<String>>,

    /// With --pending: only this member's sessions
    #[arg(long, short, value_name = "MEMBER", requires = "pending")]
    member: Option<String>,

    /// With --pending: also try the emails that --pending holds back: those
    /// refused for good (SMTP 5xx, a bad address) and those that failed
    /// mail.max-attempts times in a row (recaps and agendas; with --digest,
    /// digests)
    #[arg(long, requires = "pending")]
    retry: bool,
}

#[derive(Debug, Subcommand)]
pub(super) enum ShareCommand {
    /// List sends: every agenda and recap, newest first, with the outcome
    ///
    /// Each send shows its transport, recipients, Message-ID and outcome:
    /// sent (with the server's answer or the .eml path), failed (with the
    /// reason; temporary failures are retried by the next run) or sending
    /// (in flight, or left by a process that stopped).
    #[command(
        after_help = "Examples:\n  coach share log\n  coach share log 1a2b\n  coach share log --json"
    )]
    Log(LogArgs),
}

#[derive(Debug, Args)]
pub(super) struct LogArgs {
    /// Only the sends of this session [default: all sessions]
    session: Option<String>,
    /// At most this many sends
    #[arg(long, short = 'n', value_name = "N")]
    limit: Option<usize>,
}

/// What happened to one session, as `share --json` prints it.
#[derive(Debug, Serialize)]
struct Report {
    session: SessionRef,
    kind: Kind,
    /// `sent`, `already-sent`, `in-progress`, `failed`, `held-back` (not
    /// tried: refused for good, or mail.max-attempts failures) or `dry-run`.
    result: &'static str,
    /// The send recorded (sent, failed), the earlier send (already-sent)
    /// or the other process's claim (in-progress); `null` otherwise.
    share: Option<Share>,
    /// Why it failed.
    error: Option<String>,
    /// Whether the failure may go away by itself (retried by the next run).
    temporary: bool,
    /// Files listed by name instead of attached (over the size cap).
    not_attached: Vec<String>,
    /// With --dry-run: the full MIME message.
    message: Option<String>,
    /// `changed-since-sent`: what changed in the session since it was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<Changes>,
    #[serde(skip)]
    hint: Option<String>,
}

impl Report {
    fn new(session: SessionRef, kind: Kind, result: &'static str) -> Report {
        Report {
            session,
            kind,
            result,
            share: None,
            error: None,
            temporary: false,
            not_attached: Vec::new(),
            message: None,
            changes: None,
            hint: None,
        }
    }

    fn done(done: Done, kind: Kind) -> Report {
        match done {
            Done::Sent {
                share,
                not_attached,
            } => {
                let mut r = Report::new(share.session.clone(), kind, "sent");
                r.not_attached = not_attached.into_iter().map(|f| f.name).collect();
                r.share = Some(share);
                r
            }
            Done::AlreadySent(share) => {
                let mut r = Report::new(share.session.clone(), kind, "already-sent");
                r.share = Some(share);
                r
            }
            Done::Busy(share) => {
                // Not sent by this run: --pending does not succeed (75).
                let mut r = Report::new(share.session.clone(), kind, "in-progress");
                r.share = Some(share);
                r.temporary = true;
                r
            }
            Done::Failed { share, error } => {
                let mut r = Report::new(share.session.clone(), kind, "failed");
                r.share = Some(share);
                r.fail(&error);
                r
            }
        }
    }

    /// An email --pending holds back (see [`share::held_back`]).
    fn held_back(session: &Session, kind: Kind, why: share::HeldBack) -> Report {
        let mut r = Report::new(SessionRef::of(session), kind, "held-back");
        r.error = Some(why.reason());
        r.share = Some(why.into_last());
        r
    }

    fn failed(session: &Session, kind: Kind, error: &Error) -> Report {
        let mut r = Report::new(SessionRef::of(session), kind, "failed");
        r.fail(error);
        r
    }

    fn fail(&mut self, error: &Error) {
        self.error = Some(error.message().to_string());
        self.hint = error.hint().map(String::from);
        self.temporary = error.is_temporary();
    }

    fn dry_run(prepared: &Prepared) -> Report {
        let mut r = Report::new(
            SessionRef::of(&prepared.composed.session),
            prepared.composed.kind,
            "dry-run",
        );
        r.not_attached = names(&prepared.composed.not_attached);
        // The message is 7-bit ASCII: the lossy conversion is never needed.
        let raw = crate::mail::raw(&prepared.message);
        r.message = Some(
            String::from_utf8(raw)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        );
        r
    }

    fn succeeded(&self) -> bool {
        !matches!(self.result, "failed" | "in-progress" | "held-back")
    }

    /// The one line people (and cron logs) read.
    fn line(&self) -> String {
        let what = format!("the {} of {}", self.kind.as_str(), describe(&self.session));
        let share = self.share.as_ref();
        match self.result {
            "sent" => match share {
                Some(s) => sent_line(&what, &s.transport, &s.recipients, s.detail.as_deref()),
                None => format!("Sent {what}"),
            },
            "already-sent" => format!(
                "{} was already sent on {}; nothing sent (--resend sends it again)",
                capitalized(&what),
                share.map_or_else(String::new, |s| when::display_local(s.created_at))
            ),
            "in-progress" => format!(
                "{} is being sent by another coach process (since {}); nothing sent",
                capitalized(&what),
                share.map_or_else(String::new, |s| when::display_local(s.created_at))
            ),
            "dry-run" => format!("Would send {what}"),
            "held-back" => held_back_line(
                &what,
                self.error.as_deref().unwrap_or_default(),
                self.retry_command(),
            ),
            _ => failed_line(&what, self.error.as_deref(), self.temporary),
        }
    }

    /// The command that tries a held-back email again.
    fn retry_command(&self) -> &'static str {
        match self.kind {
            Kind::Recap => "coach share --recap --pending --retry",
            Kind::Agenda => "coach share --pending --retry",
        }
    }
}

/// The line of an email that went out: written to the outbox, or sent
/// (with the transport's answer).
pub(super) fn sent_line(
    what: &str,
    transport: &str,
    recipients: &[String],
    detail: Option<&str>,
) -> String {
    let detail = detail.unwrap_or_default();
    match transport {
        "outbox" => format!("Wrote {what} for {} to {detail}", recipients.join(", ")),
        _ => format!(
            "Sent {what} to {} ({transport}: {detail})",
            recipients.join(", ")
        ),
    }
}

/// The line of an email --pending holds back, with the command that tries
/// it again.
pub(super) fn held_back_line(what: &str, reason: &str, retry: &str) -> String {
    format!("NOT RETRIED {what}: {reason} (`{retry}` tries it again)")
}

/// The line of a send that failed, saying whether the next run retries it.
pub(super) fn failed_line(what: &str, error: Option<&str>, temporary: bool) -> String {
    let retry = if temporary {
        "it stays pending and the next run retries it"
    } else {
        "fix this, then run again"
    };
    format!(
        "FAILED {what}: {} ({retry})",
        error.unwrap_or("unknown error")
    )
}

pub(super) fn run(ctx: &Ctx, args: ShareArgs) -> Result<()> {
    match args.command {
        Some(ShareCommand::Log(log_args)) => log(ctx, log_args),
        None if args.digest.is_some() => digest(ctx, &args),
        None if args.since.is_some() && !args.pending => {
            Err(Error::input("--since goes with --pending or --digest")
                .with_hint("e.g. coach share --recap --pending --since -4w"))
        }
        None if args.pending => pending(ctx, &args),
        None if args.skip => skip(ctx, &args),
        None => one(ctx, &args),
    }
}

/// `coach share --digest [MEMBER...]` (a session argument is taken as one
/// more member).
fn digest(ctx: &Ctx, args: &ShareArgs) -> Result<()> {
    let members = args
        .digest
        .iter()
        .flatten()
        .chain(&args.session)
        .cloned()
        .collect();
    let since = match args.since.as_deref() {
        Some(text) => ctx.read_when(&mut ctx.store()?, Some(text))?,
        None => None,
    };
    super::share_digest::run(
        ctx,
        super::share_digest::Asked {
            members,
            pending: args.pending,
            member: args.member.as_deref(),
            since,
            dry_run: args.dry_run,
            retry: args.retry,
        },
    )
}

/// `coach share [SESSION]`: one agenda or recap.
fn one(ctx: &Ctx, args: &ShareArgs) -> Result<()> {
    let kind = kind_of(args);
    let mut store = ctx.store()?;
    let folder = store.folder().to_path_buf();
    // What to send, whether it was sent, how: one read, no lock held.
    let (session, checked) = store.read(|tx| {
        let session = session::explicit_or_current(tx, args.session.as_deref())?;
        let checked = (|| {
            let already = match args.resend {
                true => None,
                false => match share::last_sent(tx, &session.id, kind)? {
                    Some(sent) => {
                        let changes = sent::changes_since(tx, &session, &sent)?;
                        Some((sent, changes))
                    }
                    None => None,
                },
            };
            let preview = match (args.dry_run, &already) {
                (true, None) => Some(share::prepare(tx, session.clone(), kind, &folder)?),
                _ => None,
            };
            Ok((already, share::mail_settings(tx, &folder)?, preview))
        })();
        Ok((session, checked))
    })?;
    // With --json, a failure before anything is sent is reported like
    // one after (a `failed` result on standard output), then as the error.
    let early = |err: Error| -> Error {
        if ctx.out.json {
            let _ = ctx.out.print_json(&Report::failed(&session, kind, &err));
        }
        err
    };
    let (already, mut settings, preview) = checked.map_err(early)?;
    if let Some((sent, changes)) = already {
        if changes.is_empty() {
            return print_reports(ctx, &[Report::done(Done::AlreadySent(sent), kind)], false);
        }
        return Err(changed_since_sent(ctx, sent, changes));
    }
    if let Some(prepared) = preview {
        return print_dry_runs(ctx, &[Report::dry_run(&prepared)], false);
    }
    settings.unlock().map_err(early)?;
    let sent = share::send(&mut store, &session.id, kind, args.resend, &settings).map_err(early)?;
    let report = match sent {
        Done::Busy(claim) => {
            return Err(Error::temporary(format!(
                "the {} of {} is being sent by another coach process (since {}); nothing was sent",
                kind.as_str(),
                describe(&claim.session),
                when::display_local(claim.created_at)
            ))
            .with_hint(format!(
                "`coach share log` shows when it is done; a send whose process is gone is taken over at once, one stuck for {} minutes too",
                share::CLAIM_TIMEOUT
            )))
        }
        done => Report::done(done, kind),
    };
    warn_not_attached(ctx, &report);
    if report.result == "failed" {
        if ctx.out.json {
            ctx.out.print_json(&report)?;
        }
        let error = Error::new(
            if report.temporary {
                ErrorKind::Temporary
            } else {
                ErrorKind::Input
            },
            format!(
                "cannot send the {} of {}: {}",
                kind.as_str(),
                describe(&report.session),
                report.error.as_deref().unwrap_or_default()
            ),
        );
        let hint = match (report.temporary, report.hint.clone()) {
            (true, _) => {
                "it was not sent and stays pending: run the same command again later".to_string()
            }
            (false, Some(hint)) => hint,
            (false, None) => "`coach share log` shows every attempt".to_string(),
        };
        return Err(error.with_hint(hint));
    }
    print_reports(ctx, &[report], false)
}

/// Already sent, but the session changed since: nothing is sent, and the
/// error says what changed and how to send it again (exit 3: what the
/// member has is out of date, and only you can decide to resend).
fn changed_since_sent(ctx: &Ctx, sent: Share, changes: Changes) -> Error {
    let message = format!(
        "the {} of {}: {}; nothing was sent",
        sent.kind.as_str(),
        describe(&sent.session),
        sent::changed_message(&sent, &changes)
    );
    let hint = format!("send it again with: {}", sent::resend_command(&sent));
    if ctx.out.json {
        let mut report = Report::new(sent.session.clone(), sent.kind, "changed-since-sent");
        report.changes = Some(changes);
        report.error = Some(message.clone());
        report.share = Some(sent);
        let _ = ctx.out.print_json(&report);
    }
    Error::input(message).with_hint(hint)
}

/// `coach share --skip [SESSION] --reason TEXT`: the recap is not needed.
fn skip(ctx: &Ctx, args: &ShareArgs) -> Result<()> {
    let reason = args.reason.as_deref().unwrap_or_default();
    let (session, newly, skipped) = ctx.store()?.write(|tx| {
        let session = session::explicit_or_current(tx, args.session.as_deref())?;
        let newly = sent::skip_recap(tx, &session, reason)?;
        let skipped = sent::recap_skipped(tx, &session.id)?;
        Ok((session, newly, skipped))
    })?;
    let session = SessionRef::of(&session);
    if ctx.out.json {
        return ctx.out.print_json(&SkipReport {
            session: &session,
            skipped: newly,
            recap_skipped: skipped.as_ref(),
        });
    }
    if ctx.out.quiet {
        return ctx.out.line(&session.id);
    }
    let reason = skipped.map(|s| s.reason).unwrap_or_default();
    ctx.out.line(if newly {
        format!(
            "Skipped the recap of {}: {}",
            describe(&session),
            reason.escape_debug()
        )
    } else {
        format!(
            "The recap of {} was already skipped: {}",
            describe(&session),
            reason.escape_debug()
        )
    })
}

/// `share --skip --json`.
#[derive(Serialize)]
struct SkipReport<'a> {
    session: &'a SessionRef,
    /// Whether this command skipped it (false: it was skipped before).
    skipped: bool,
    recap_skipped: Option<&'a sent::Skipped>,
}

/// `coach share --pending`: every email due, one line each.
fn pending(ctx: &Ctx, args: &ShareArgs) -> Result<()> {
    let mut store = ctx.store()?;
    let older_than = match args.older_than.as_deref() {
        Some(text) => ctx.read_when(&mut store, Some(&older_than_when(text)))?,
        None => None,
    };
    let since = ctx.read_when(&mut store, args.since.as_deref())?;
    let folder = store.folder().to_path_buf();
    let (sessions, held, mut settings) = store.read(|tx| {
        let member_id = match &args.member {
            Some(query) => Some(member::resolve(tx, query)?.id),
            None => None,
        };
        let filter = PendingFilter {
            older_than,
            since,
            member_id,
        };
        let due = share::due(tx, &filter, args.recap, args.retry)?;
        let held: Vec<Report> = due
            .held
            .into_iter()
            .map(|(session, kind, why)| Report::held_back(&session, kind, why))
            .collect();
        Ok((due.send, held, share::mail_settings(tx, &folder)?))
    })?;
    let what = if args.recap { "recaps" } else { "emails" };
    // Reported first (on standard error, for cron's mail), and not tried:
    // the coach must look, then --retry.
    for report in &held {
        ctx.out.note(report.line());
    }
    if sessions.is_empty() && !held.is_empty() {
        if ctx.out.json {
            ctx.out.print_json(&held)?;
        }
        return summary(&held, held.len(), what);
    }
    if sessions.is_empty() {
        if ctx.out.json {
            return ctx.out.print_json(&Vec::<Report>::new());
        }
        ctx.out.note(if args.recap {
            "No recaps are pending."
        } else {
            "No agendas or recaps are pending."
        });
        return Ok(());
    }

    if args.dry_run {
        let mut reports = Vec::new();
        for (session, kind) in &sessions {
            let kind = *kind;
            let prepared =
                store.read(|tx| share::prepare(tx, session::get(tx, &session.id)?, kind, &folder));
            reports.push(match prepared {
                Ok(prepared) => Report::dry_run(&prepared),
                Err(err) => Report::failed(session, kind, &err),
            });
        }
        print_dry_runs(ctx, &reports, true)?;
        let failures: Vec<Report> = reports.into_iter().filter(|r| !r.succeeded()).collect();
        return summary(&failures, sessions.len(), what);
    }

    // Asked once, and only now that there is something to send.
    settings.unlock()?;
    let bar = ctx
        .out
        .progress_bar(crate::output::Progress::Sends(sessions.len() as u64));
    let mut reports = Vec::new();
    for (session, kind) in &sessions {
        let kind = *kind;
        let report = match share::send(&mut store, &session.id, kind, false, &settings) {
            Ok(done) => Report::done(done, kind),
            Err(err) => Report::failed(session, kind, &err),
        };
        if let Some(bar) = &bar {
            bar.suspend(|| print_progress_line(ctx, &report))?;
            bar.inc(1);
        } else {
            print_progress_line(ctx, &report)?;
        }
        reports.push(report);
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let total = sessions.len() + held.len();
    reports.extend(held);
    if ctx.out.json {
        ctx.out.print_json(&reports)?;
    }
    let failures: Vec<Report> = reports.into_iter().filter(|r| !r.succeeded()).collect();
    summary(&failures, total, what)
}

/// The exit of --pending: 0 when every email succeeded, else 75 if a
/// failure was temporary, else 3 (an email held back counts as a failure
/// that needs you). `failures`: whether each failure was temporary.
fn summary(failures: &[Report], total: usize, what: &str) -> Result<()> {
    let temporary: Vec<bool> = failures.iter().map(|r| r.temporary).collect();
    pending_exit(&temporary, total, what)
}

/// [`summary`], from whether each failure was temporary (`share --digest
/// --pending` too).
pub(super) fn pending_exit(failures: &[bool], total: usize, what: &str) -> Result<()> {
    if failures.is_empty() {
        return Ok(());
    }
    let message = format!(
        "{} of {total} {what} {} not sent",
        failures.len(),
        if failures.len() == 1 { "was" } else { "were" }
    );
    Err(not_sent(
        message,
        failures.iter().any(|temporary| *temporary),
    ))
}

/// The error of emails not sent: 75 when a failure was temporary (the
/// next run retries), else 3.
pub(super) fn not_sent(message: String, temporary: bool) -> Error {
    if temporary {
        Error::temporary(message).with_hint(
            "they stay pending and the next run retries them; `coach share log` shows why",
        )
    } else {
        Error::input(message).with_hint("fix what the lines above say, then run again")
    }
}

fn print_progress_line(ctx: &Ctx, report: &Report) -> Result<()> {
    warn_not_attached(ctx, report);
    if ctx.out.json {
        return Ok(());
    }
    if ctx.out.quiet {
        return match (&report.share, report.result) {
            (Some(share), "sent" | "failed") => ctx.out.line(&share.id),
            _ => Ok(()),
        };
    }
    ctx.out.line(report.line())
}

fn print_reports(ctx: &Ctx, reports: &[Report], many: bool) -> Result<()> {
    if ctx.out.json {
        return match (many, reports) {
            (false, [one]) => ctx.out.print_json(one),
            _ => ctx.out.print_json(reports),
        };
    }
    for report in reports {
        print_progress_line(ctx, report)?;
    }
    Ok(())
}

/// --dry-run: the raw messages on standard output, byte for byte what
/// would be sent (so `> agenda.eml` is a valid message file); what cannot
/// be built is reported on standard error.
fn print_dry_runs(ctx: &Ctx, reports: &[Report], many: bool) -> Result<()> {
    for report in reports {
        warn_not_attached(ctx, report);
    }
    if ctx.out.json {
        return print_reports(ctx, reports, many);
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
        ctx.out.note(format!(
            "Dry run: {} not sent, and nothing was recorded.",
            match shown {
                1 => "this message was".to_string(),
                n => format!("these {n} messages were"),
            }
        ));
    }
    Ok(())
}

fn warn_not_attached(ctx: &Ctx, report: &Report) {
    if report.not_attached.is_empty() {
        return;
    }
    ctx.out.note(format!(
        "warning: {} of {} {} over mail.max-attachments-size: listed by name in the message instead of attached: {}",
        if report.not_attached.len() == 1 { "one file" } else { "some files" },
        describe(&report.session),
        if report.not_attached.len() == 1 { "is" } else { "are" },
        report.not_attached.join(", ")
    ));
}

/// One line of `share log`: an agenda or recap of a session, or a
/// member's digest (`kind`: `digest`, with `member` instead of `session`).
#[derive(Serialize)]
#[serde(untagged)]
enum Logged {
    Share(Share),
    Digest(crate::digest::Sent),
}

impl Logged {
    fn created_at(&self) -> DateTime<Utc> {
        match self {
            Logged::Share(s) => s.created_at,
            Logged::Digest(d) => d.created_at,
        }
    }

    fn id(&self) -> &str {
        match self {
            Logged::Share(s) => &s.id,
            Logged::Digest(d) => &d.id,
        }
    }
}

/// `coach share log [SESSION]`: the sends of a session, or every send and
/// digest.
fn log(ctx: &Ctx, args: LogArgs) -> Result<()> {
    let logged = ctx.store()?.read(|tx| {
        let session_id = match &args.session {
            Some(query) => Some(tx.resolve::<session::Session>(query)?.id),
            None => None,
        };
        let mut logged: Vec<Logged> = share::log(tx, session_id.as_deref(), args.limit)?
            .into_iter()
            .map(Logged::Share)
            .collect();
        if session_id.is_none() {
            logged.extend(
                crate::digest::log(tx, args.limit)?
                    .into_iter()
                    .map(Logged::Digest),
            );
            logged.sort_by_key(|l| std::cmp::Reverse(l.created_at()));
            if let Some(limit) = args.limit {
                logged.truncate(limit);
            }
        }
        Ok(logged)
    })?;
    if ctx.out.json {
        return ctx.out.print_json(&logged);
    }
    if ctx.out.quiet {
        return ctx.out.print_ids(logged.iter().map(Logged::id));
    }
    let rows = logged
        .iter()
        .map(|logged| {
            let s = match logged {
                Logged::Share(s) => s,
                Logged::Digest(d) => return digest_row(d),
            };
            let outcome = match (s.outcome, s.temporary) {
                (share::Outcome::Failed, true) => "failed (temporary)".to_string(),
                (outcome, _) => outcome.as_str().to_string(),
            };
            let detail = shortened(s.detail.as_deref().unwrap_or_default(), &s.transport);
            vec![
                s.short_id.clone(),
                when::display_local(s.created_at),
                s.session.short_id.clone(),
                s.session.member.name.clone(),
                s.kind.as_str().to_string(),
                outcome,
                s.transport.clone(),
                detail,
            ]
        })
        .collect();
    ctx.out.print_table(
        &[
            "ID", "STARTED", "SESSION", "MEMBER", "KIND", "OUTCOME", "VIA", "DETAIL",
        ],
        rows,
        "nothing was shared yet; send an agenda with: coach share",
    )
}

/// A digest's line in the log's table: no session.
fn digest_row(d: &crate::digest::Sent) -> Vec<String> {
    let outcome = match (d.outcome, d.temporary) {
        (share::Outcome::Failed, true) => "failed (temporary)".to_string(),
        (outcome, _) => outcome.as_str().to_string(),
    };
    vec![
        d.short_id.clone(),
        when::display_local(d.created_at),
        "-".to_string(),
        d.member.name.clone(),
        "digest".to_string(),
        outcome,
        d.transport.clone(),
        shortened(d.detail.as_deref().unwrap_or_default(), &d.transport),
    ]
}

/// A detail for the log's table: at most 70 characters; of an outbox path,
/// the end (the file name) is what tells sends apart.
fn shortened(detail: &str, transport: &str) -> String {
    const MAX: usize = 70;
    let count = detail.chars().count();
    if count <= MAX {
        return detail.to_string();
    }
    if transport == "outbox" && detail.starts_with('/') {
        let tail: String = detail.chars().skip(count - (MAX - 1)).collect();
        format!("…{tail}")
    } else {
        let head: String = detail.chars().take(MAX - 1).collect();
        format!("{head}…")
    }
}

fn kind_of(args: &ShareArgs) -> Kind {
    if args.recap {
        Kind::Recap
    } else {
        Kind::Agenda
    }
}

/// `1a2b "Weekly check-in" with Alex Kim on 2026-12-01`.
fn describe(session: &SessionRef) -> String {
    format!(
        "{} \"{}\" with {} on {}",
        session.short_id,
        session.title.escape_debug(),
        session.member.name.escape_debug(),
        when::display_local_date(session.date)
    )
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn names(files: &[share::StoredFile]) -> Vec<String> {
    files.iter().map(|f| f.name.clone()).collect()
}

/// `--older-than`: a WHEN, or a bare duration (`2h`, `3d`, `1w`) meaning
/// that long ago, as the WHEN it stands for (`-2h`).
fn older_than_when(text: &str) -> String {
    let trimmed = text.trim();
    let mut chars = trimmed.chars();
    let unit = chars.next_back();
    let count = chars.as_str();
    let bare = matches!(unit, Some('h' | 'd' | 'w' | 'H' | 'D' | 'W'))
        && !count.is_empty()
        && count.chars().all(|c| c.is_ascii_digit());
    if bare {
        format!("-{trimmed}")
    } else {
        trimmed.to_string()
    }
}
