use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::Ctx;
use crate::exchange::{self, ExportOptions};
use crate::private_file::{Existing, PrivateFile};
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
    /// Replace files that exist (without it, an existing file is an error
    /// and nothing is written)
    #[arg(long, requires = "output")]
    force: bool,
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
                let mut file = PrivateFile::create(path, Existing::from_force(args.force))?;
                let counts = exchange::export(tx, &options, std::io::BufWriter::new(&mut file))?;
                file.commit()?;
                Ok(counts)
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
        exchange::export_markdown(tx, &options, &dir, Existing::from_force(args.force))
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
