use std::fs;
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::Ctx;
use crate::exchange::{self, ExportOptions};
use crate::{member, Error, Result};

/// Export your data: a complete JSON dump, or Markdown to read
///
/// JSON is a complete, versioned dump that `coach import` reads back with
/// nothing lost (its shape is documented in the README). Private notes are
/// left out unless --include-private is given, since an export is often
/// handed to someone.
#[derive(Debug, Args)]
#[command(after_help = "Examples:
  coach export --output coach-backup.json --include-private
  coach export --member alex --output alex.json
  coach export | gzip > coach.json.gz
  coach export --format markdown --member alex --output alex-1on1s/")]
pub struct ExportArgs {
    /// Only this member's sessions, notes and items
    #[arg(long, short)]
    member: Option<String>,
    /// What to write
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
    /// The file to write [default: standard output]; with --format
    /// markdown, the folder to write into
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Include private notes (yours only: think before you hand this out)
    #[arg(long)]
    include_private: bool,
    /// Leave out the content of attachments (their records stay)
    #[arg(long)]
    no_files: bool,
}

/// The export formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// A complete JSON dump that `coach import` reads
    Json,
    /// One readable Markdown file per session (the recap), into --output DIR
    Markdown,
}

pub(super) fn run(ctx: &Ctx, args: ExportArgs) -> Result<()> {
    if let Format::Markdown = args.format {
        return markdown(ctx, args);
    }
    let mut store = ctx.store()?;
    let counts = store.read(|tx| {
        let member = args
            .member
            .as_deref()
            .map(|m| member::resolve(tx, m))
            .transpose()?;
        let options = ExportOptions {
            member: member.as_ref(),
            include_private: args.include_private,
            without_files: args.no_files,
        };
        match &args.output {
            Some(path) => {
                let file = create_private(path)?;
                let counts = exchange::export(tx, &options, std::io::BufWriter::new(file));
                if counts.is_err() {
                    let _ = fs::remove_file(path);
                }
                counts
            }
            None => exchange::export(tx, &options, std::io::stdout().lock()),
        }
    })?;
    if let Some(path) = &args.output {
        let total: u64 = counts.rows.values().sum();
        if ctx.out.json {
            ctx.out.print_json(&counts)?;
        } else if ctx.out.human() {
            ctx.out
                .line(format!("Exported {total} records to {}", path.display()))?;
        }
    }
    let _ = std::io::stdout().flush();
    Ok(())
}

fn markdown(ctx: &Ctx, args: ExportArgs) -> Result<()> {
    let dir = args.output.ok_or_else(|| {
        Error::usage("a Markdown export writes one file per session into a folder")
            .with_hint("pass --output DIR")
    })?;
    let written = ctx.store()?.read(|tx| {
        let member = args
            .member
            .as_deref()
            .map(|m| member::resolve(tx, m))
            .transpose()?;
        let options = ExportOptions {
            member: member.as_ref(),
            include_private: args.include_private,
            without_files: true,
        };
        exchange::export_markdown(tx, &options, &dir)
    })?;
    if ctx.out.json {
        return ctx
            .out
            .print_json(&serde_json::json!({ "folder": dir, "files": written }));
    }
    if ctx.out.human() {
        ctx.out.line(format!(
            "Wrote {written} sessions as Markdown to {}",
            dir.display()
        ))?;
    }
    Ok(())
}

/// Creates the export file, owner-only (it holds personal data), refusing
/// to overwrite an existing one.
fn create_private(path: &Path) -> Result<fs::File> {
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::input(format!(
                "{} already exists; an export never overwrites a file",
                path.display()
            )),
            _ => Error::io(format!("cannot create {}", path.display()), e),
        })
}
