use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use crate::{backup, Result};

/// Write a consistent copy of the database to PATH
///
/// Safe while other coach commands use the database (SQLite's online backup).
/// The copy is a complete coach database, owner-only (0600); it does not
/// include the attachments/ folder beside the database.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  coach backup ~/backups/coach-$(date +%F).db")]
pub struct BackupArgs {
    /// Where to write the copy (must not exist)
    path: PathBuf,
}

pub(super) fn run(ctx: &Ctx, args: BackupArgs) -> Result<()> {
    let store = ctx.store()?;
    let pages = backup::write(&store, &args.path)?;
    if ctx.out.json {
        return ctx
            .out
            .print_json(&serde_json::json!({ "path": args.path, "pages": pages }));
    }
    if ctx.out.human() {
        ctx.out.line(format!(
            "Backed up {} to {}",
            store.path().display(),
            args.path.display()
        ))?;
    }
    Ok(())
}
