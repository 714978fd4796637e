use std::path::PathBuf;

use clap::Args;

use super::Ctx;
use crate::attachment::{self, human_size, Attachment};
use crate::output::ID;
use crate::session;
use crate::Result;

/// Attach a file to the current session (or --session)
///
/// The file is copied into the attachment store beside the database
/// (attachments/<sha256>, owner-only), so the session keeps it even if the
/// original moves; identical files are stored once. Files larger than the
/// setting attachments.max-size (25MiB by default) are refused. Get it back
/// with `coach attachment save`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  coach attach scorecard.csv\n  coach attach ~/Downloads/q3.pdf --name \"Q3 scorecard.pdf\"\n  coach attach learning-plan.md --session 1a2b\n  coach note add --on 3c4d \"AHT is the one to work on\""
)]
pub struct AttachArgs {
    /// The file to attach
    file: PathBuf,
    /// The attachment's name, a file name without "/" [default: the
    /// file's name]
    #[arg(long, short, value_name = "NAME")]
    name: Option<String>,
    /// The session [default: the current session]
    #[arg(long, short, value_name = "SESSION")]
    session: Option<String>,
}

pub(super) fn run(ctx: &Ctx, args: AttachArgs) -> Result<()> {
    let mut store = ctx.store()?;
    let folder = store.folder().to_path_buf();
    let attachment = store.write(|tx| {
        let session = session::explicit_or_current(tx, args.session.as_deref())?;
        attachment::add(tx, &folder, &session, &args.file, args.name.as_deref())
    })?;
    print_added(ctx, &attachment)
}

fn print_added(ctx: &Ctx, a: &Attachment) -> Result<()> {
    if ctx.out.json {
        return ctx.out.print_json(a);
    }
    if ctx.out.quiet {
        return ctx.out.line(&a.id);
    }
    ctx.out.line(format!(
        "Attached {} {} ({}, {})",
        ctx.out.paint(&a.short_id, ID),
        a.name,
        human_size(a.size),
        a.media_type
    ))
}
