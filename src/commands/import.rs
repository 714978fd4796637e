use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use crate::{exchange, Error, Result};

/// Merge an export into your database
///
/// Records are matched by id: new ones are added, and a record that exists
/// on both sides keeps the copy with the newer update time (deletions
/// included). Importing the same file twice changes nothing the second time.
/// It all happens in one transaction: a bad file changes nothing.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  coach --db ~/new.db import coach-backup.json
  gunzip -c coach.json.gz | coach import -")]
pub struct ImportArgs {
    /// The export to read; "-" reads standard input
    file: PathBuf,
}

pub(super) fn run(ctx: &Ctx, args: ImportArgs) -> Result<()> {
    let mut store = ctx.store()?;
    let counts = if args.file.as_os_str() == "-" {
        store.write(|tx| exchange::import(tx, std::io::stdin().lock()))?
    } else {
        let file = std::fs::File::open(&args.file)
            .map_err(|e| Error::io(format!("cannot read {}", args.file.display()), e))?;
        store.write(|tx| exchange::import(tx, file))?
    };
    if ctx.out.json {
        return ctx.out.print_json(&counts);
    }
    if ctx.out.human() {
        let added: u64 = counts.rows.values().sum();
        let updated: u64 = counts.updated.values().sum();
        ctx.out.line(format!(
            "Imported {added} new records, updated {updated}, left {} as they were{}",
            counts.unchanged,
            if counts.files > 0 {
                format!(", {} attachment files", counts.files)
            } else {
                String::new()
            }
        ))?;
    }
    Ok(())
}
