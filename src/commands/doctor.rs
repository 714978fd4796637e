use clap::Args;

use super::Ctx;
use crate::doctor::{self, Report};
use crate::{Error, Result};

/// Check the database and the attachment store for damage
///
/// Like `git fsck`: SQLite's integrity and foreign-key checks, every record
/// against the rules an import applies (ids, times, enum values, lengths),
/// every attachment's content present with the right SHA-256 and size,
/// files in attachments/ that no attachment uses (orphans), claims of
/// agendas, recaps and digests left by a process that died or older than
/// mail.claim-timeout (stale claims), the counts of open actions and the
/// search index against the records, the schema version and coach's mark
/// on the file. It only reads, unless --repair is given. Exits 0 only when all is
/// well, 4 when a problem remains.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  coach doctor
  coach doctor --repair
  coach doctor --json | jq '.problems[]'")]
pub struct DoctorArgs {
    /// Remove orphan files and stale temporary files, release stale claims
    /// (marked failed, retried by the next share or share --digest), count
    /// open actions again and index again what the search index has wrong
    #[arg(long)]
    repair: bool,
}

pub(super) fn run(ctx: &Ctx, args: DoctorArgs) -> Result<()> {
    let mut store = ctx.store()?;
    let report = if args.repair {
        store.write(doctor::repair)?
    } else {
        store.read(doctor::check)?
    };
    if ctx.out.json {
        ctx.out.print_json(&report)?;
    } else if !ctx.out.quiet {
        print(ctx, &report)?;
    }
    if report.is_healthy() {
        return Ok(());
    }
    let count = report.problems.len() as u64 + report.more_problems;
    let repairable = report.problems.iter().filter(|p| p.repairable).count();
    let err = Error::database(format!(
        "coach doctor found {}",
        crate::output::plural(count, "problem")
    ));
    Err(if repairable > 0 {
        err.with_hint(format!(
            "`coach doctor --repair` fixes {repairable} of them"
        ))
    } else {
        err.with_hint(
            "restore the damaged part from a backup (coach backup, the attachments/ folder)",
        )
    })
}

fn print(ctx: &Ctx, report: &Report) -> Result<()> {
    for fixed in &report.repaired {
        ctx.out
            .line(format!("repaired {}: {}", fixed.check, fixed.detail))?;
    }
    for problem in &report.problems {
        ctx.out
            .line(format!("{}: {}", problem.check, problem.detail))?;
    }
    if report.more_problems > 0 {
        ctx.out
            .line(format!("... and {} more problems", report.more_problems))?;
    }
    if report.is_healthy() {
        ctx.out.line(format!(
            "All is well: schema version {}, {} attachment files checked",
            report.schema_version, report.files_checked
        ))?;
    }
    Ok(())
}
