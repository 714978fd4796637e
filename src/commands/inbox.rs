use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use crate::inbox::{self, Change, Flag, Incoming, Maildir, Mbox, Taken, Verdict};
use crate::output::{DIM, ID};
use crate::store::Tx;
use crate::{when, Error, Result};

/// Take in your team members' replies: their topics, check-offs and acknowledgements
///
/// Reads email messages (RFC 5322: .eml files, standard input, an mbox or
/// a Maildir) and takes in those that are replies from a team member to an
/// agenda or a recap you sent. The text they wrote above the quote (quoted
/// lines, "On … wrote:" lines, Outlook's header block and signatures are
/// left out; an HTML-only reply is turned into text) becomes their topic
/// in that session (a reply to the agenda) or their note (to the recap),
/// shared, never private. A line `[x] 3f2a` or `done 3f2a` checks their
/// action 3f2a off at the reply's date; `reopen 3f2a` opens it again. A
/// reply to a recap acknowledges it.
///
/// A message is accepted only when it answers (In-Reply-To or References)
/// an email coach sent, and its From address is that session's member.
/// Anything else is refused and changes nothing: a forged From, an unknown
/// thread, another member's session, your own email. Automatic replies
/// (out of office) and messages already taken in are ignored. All the
/// messages are taken in one transaction: all of them or, on an error,
/// none.
///
/// With --maildir, the messages in new/ are read and moved to cur/: seen
/// (flag S) when accepted or ignored, flagged (F) and unread when refused,
/// for you to look at; none is ever deleted.
///
/// Given no message, it reads the Maildir named by `inbox.maildir`, as
/// --maildir does.
///
/// Exit 0 when every message was looked at, whatever became of it
/// (--json says, for each); 3 when a file cannot be read.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  coach inbox reply.eml                    # one message\n  coach inbox - < reply.eml                # from procmail, maildrop or fetchmail --mda\n  coach inbox --mbox ~/mail/coach.mbox\n  coach inbox --maildir ~/Mail/coach       # what mbsync, fetchmail or getmail filled\n  coach inbox                              # the Maildir of inbox.maildir\n  coach inbox --maildir ~/Mail/coach --dry-run --json"
)]
pub struct InboxArgs {
    /// Message files (.eml); `-` reads one message from standard input
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Read every message of this mbox file
    #[arg(long, value_name = "FILE")]
    mbox: Option<PathBuf>,

    /// Read the new messages of this Maildir (its new/ folder) and move
    /// each to cur/: seen when taken in or ignored, flagged when refused
    #[arg(long, value_name = "DIR")]
    maildir: Option<PathBuf>,

    /// Show what each message would change; change nothing, move nothing
    #[arg(long)]
    dry_run: bool,
}

pub(super) fn run(ctx: &Ctx, mut args: InboxArgs) -> Result<()> {
    if args.files.iter().filter(|f| f.as_os_str() == "-").count() > 1 {
        return Err(Error::usage("standard input (-) can be read only once"));
    }
    let mut store = ctx.store()?;
    if args.files.is_empty() && args.mbox.is_none() && args.maildir.is_none() {
        let Some((_, path)) = store.read(inbox::configured_maildir)? else {
            return Err(
                Error::usage("name the messages to take in").with_hint(format!(
                    "coach inbox FILE..., coach inbox - < message, --mbox FILE or --maildir DIR; \
                 or set {} to the Maildir your replies arrive in, and run coach inbox",
                    inbox::MAILDIR
                )),
            );
        };
        args.maildir = Some(path);
    }
    let maildir = args.maildir.as_deref().map(Maildir::open).transpose()?;
    let mbox = args.mbox.as_deref().map(Mbox::open).transpose()?;
    // Every file named is checked before anything is taken in.
    let files = args
        .files
        .iter()
        .map(|path| inbox::read_file(path))
        .collect::<Result<Vec<_>>>()?;
    // Every message in one transaction (a dry run's is never committed):
    // the run changes all it says or nothing, and a hundred replies cost
    // one sync of the file, not a hundred. A Maildir's messages leave new/
    // only once it is committed; one taken in but left there (the process
    // killed in between) is ignored as already taken by the next run, and
    // filed then.
    let apply = !args.dry_run;
    let take_all = |tx: &Tx<'_>| -> Result<Vec<(Taken, Option<PathBuf>)>> {
        let mut taken = Vec::new();
        for incoming in &files {
            taken.push((inbox::take(tx, incoming, apply)?, None));
        }
        if let Some(mbox) = mbox {
            for incoming in mbox {
                taken.push((inbox::take(tx, &incoming?, apply)?, None));
            }
        }
        if let Some(maildir) = &maildir {
            for path in maildir.new_messages()? {
                let incoming = inbox::read_file(&path).unwrap_or_else(|err| Incoming {
                    source: path.display().to_string(),
                    bytes: Err(err.message().to_string()),
                });
                taken.push((inbox::take(tx, &incoming, apply)?, Some(path)));
            }
        }
        Ok(taken)
    };
    let taken = if apply {
        store.write(take_all)?
    } else {
        store.read(take_all)?
    };
    let mut report = Report {
        ctx,
        dry_run: args.dry_run,
        all: Vec::new(),
    };
    for (taken, path) in taken {
        if let (Some(maildir), Some(path), true) = (&maildir, &path, apply) {
            let flag = match taken.verdict {
                Verdict::Refused => Flag::Flagged,
                Verdict::Accepted | Verdict::Ignored => Flag::Seen,
            };
            maildir.file(path, flag)?;
        }
        report.add(taken)?;
    }
    report.finish()
}

/// Prints each message once all are taken (for people), or all at the end
/// (`--json`).
struct Report<'a> {
    ctx: &'a Ctx,
    dry_run: bool,
    all: Vec<Taken>,
}

impl Report<'_> {
    fn add(&mut self, taken: Taken) -> Result<()> {
        let out = &self.ctx.out;
        if out.quiet {
            if taken.verdict == Verdict::Accepted {
                if let Some(id) = &taken.message_id {
                    out.line(printable(id))?;
                }
            }
        } else if !out.json {
            out.line(format!(
                "{:<8}  {}: {}",
                taken.verdict.as_str(),
                printable(&taken.source),
                printable(&taken.reason)
            ))?;
            for change in &taken.changes {
                out.line(format!("          {}", self.describe(change)))?;
            }
        }
        self.all.push(taken);
        Ok(())
    }

    fn describe(&self, change: &Change) -> String {
        let out = &self.ctx.out;
        let first_line = |text: &str| {
            let line = text.lines().next().unwrap_or_default();
            let more = if text.lines().nth(1).is_some() {
                " …"
            } else {
                ""
            };
            format!("{line}{more}")
        };
        match change {
            Change::Note { note, text } => format!(
                "note {}: {}",
                out.paint(note.as_deref().unwrap_or("(new)"), ID),
                first_line(text)
            ),
            Change::Acknowledged { at } => {
                format!("recap acknowledged {}", when::display_local(*at))
            }
            Change::Done { action, body } => {
                format!("done {}: {}", out.paint(action, ID), body)
            }
            Change::Reopened { action, body } => {
                format!("reopened {}: {}", out.paint(action, ID), body)
            }
            Change::Skipped { action, reason } => {
                out.paint(&format!("skipped {}: {}", printable(action), reason), DIM)
            }
            Change::NotKept { text, reason } => {
                out.paint(&format!("not kept: {} ({reason})", first_line(text)), DIM)
            }
        }
    }

    fn finish(self) -> Result<()> {
        let out = &self.ctx.out;
        if out.json {
            return out.print_json(&self.all);
        }
        if out.human() {
            let count = |v: Verdict| self.all.iter().filter(|t| t.verdict == v).count();
            let summary = format!(
                "{} accepted, {} ignored, {} refused",
                count(Verdict::Accepted),
                count(Verdict::Ignored),
                count(Verdict::Refused)
            );
            if self.dry_run {
                out.note(format!("Dry run: {summary}; nothing was changed or moved."));
            } else if self.all.is_empty() {
                out.note("No new messages.");
            } else {
                out.note(summary);
            }
        }
        Ok(())
    }
}

/// Text from a message or a file name, safe on a terminal.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}
