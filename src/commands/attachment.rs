use std::collections::HashMap;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Ctx;
use crate::attachment::{self, human_size, Attachment, Destination};
use crate::session::{self, Session};
use crate::{member, when, Result};

/// Save and list the files attached to sessions
///
/// Files are attached with `coach attach FILE`. An ATTACHMENT is the
/// beginning of its id, as `coach attachment list` and `coach session show`
/// print it.
#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  coach attachment list\n  coach attachment list --member alex\n  coach attachment save 3c4d\n  coach attachment save 3c4d ~/Desktop/scorecard.csv --force\n  coach attachment save 3c4d - | wc -l"
)]
pub enum AttachmentCommand {
    /// Write an attachment out to a file (or standard output)
    Save(SaveArgs),
    /// List the attachments of the current session, a session or a member
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct SaveArgs {
    /// The attachment (the beginning of its id)
    attachment: String,
    /// Where to write it: a file, a folder (the attachment's name in it),
    /// or "-" for standard output [default: the attachment's name in the
    /// current folder]
    path: Option<PathBuf>,
    /// Replace the file at PATH if there is one
    #[arg(long, short)]
    force: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Every attachment of every session with this member, newest session
    /// first
    #[arg(long, short, value_name = "MEMBER", conflicts_with = "session")]
    member: Option<String>,
    /// The session [default: the current session]
    #[arg(long, short, value_name = "SESSION")]
    session: Option<String>,
}

pub(super) fn run(ctx: &Ctx, command: AttachmentCommand) -> Result<()> {
    match command {
        AttachmentCommand::Save(args) => save(ctx, args),
        AttachmentCommand::List(args) => list(ctx, args),
    }
}

fn save(ctx: &Ctx, args: SaveArgs) -> Result<()> {
    let mut store = ctx.store()?;
    let folder = store.folder().to_path_buf();
    let attachment = store.read(|tx| tx.resolve::<attachment::Attachment>(&args.attachment))?;
    let destination = match &args.path {
        Some(path) if path.as_os_str() == "-" => Destination::Stdout,
        Some(path) => Destination::Path(path.clone()),
        None => Destination::Path(attachment::default_path(&attachment)?),
    };
    let written = attachment::save(&folder, &attachment, &destination, args.force)?;
    let Some(path) = written else {
        return Ok(());
    };
    if ctx.out.json {
        #[derive(serde::Serialize)]
        struct Saved<'a> {
            #[serde(flatten)]
            attachment: &'a Attachment,
            path: String,
        }
        return ctx.out.print_json(&Saved {
            attachment: &attachment,
            path: path.display().to_string(),
        });
    }
    if ctx.out.quiet {
        return ctx.out.line(&attachment.id);
    }
    ctx.out.line(format!(
        "Saved {} ({}) to {}",
        attachment.name,
        human_size(attachment.size),
        path.display()
    ))
}

fn list(ctx: &Ctx, args: ListArgs) -> Result<()> {
    let (attachments, sessions) = ctx.store()?.read(|tx| {
        let attachments = match &args.member {
            Some(query) => {
                let member = member::resolve(tx, query)?;
                attachment::for_member(tx, &member.id)?
            }
            None => {
                let session = session::explicit_or_current(tx, args.session.as_deref())?;
                attachment::for_session::<crate::note::Note>(
                    tx,
                    &session.id,
                    crate::store::ShortIds::All,
                )?
            }
        };
        let mut sessions: HashMap<String, Session> = HashMap::new();
        for a in &attachments {
            if !sessions.contains_key(&a.session_id) {
                sessions.insert(a.session_id.clone(), session::get(tx, &a.session_id)?);
            }
        }
        Ok((attachments, sessions))
    })?;
    if ctx.out.json {
        return ctx.out.print_json(&attachments);
    }
    if ctx.out.quiet {
        return ctx.out.print_ids(attachments.iter().map(|a| a.id.as_str()));
    }
    let rows = attachments
        .iter()
        .map(|a| {
            let session = sessions
                .get(&a.session_id)
                .map(|s| {
                    format!(
                        "{} {} ({})",
                        s.short_id,
                        s.title,
                        when::display_local_date(s.date)
                    )
                })
                .unwrap_or_default();
            vec![
                a.short_id.clone(),
                a.name.clone(),
                human_size(a.size),
                a.media_type.clone(),
                a.notes.len().to_string(),
                session,
            ]
        })
        .collect();
    ctx.out.print_table(
        &["ID", "NAME", "SIZE", "TYPE", "NOTES", "SESSION"],
        rows,
        "no attachments; add one with: coach attach FILE",
    )
}
