use clap::{Args, Subcommand};
use serde::Serialize;

use super::Ctx;
use crate::member::{self, Fields, Member};
use crate::session::{self, Filter, Session};
use crate::{when, Result};

/// Add, find and change team members
///
/// Wherever a command takes a MEMBER, it accepts a name (ignoring case; a
/// unique beginning of the name or of one of its words is enough), an email,
/// or the beginning of the member's id.
#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  coach member add \"Alex Kim\" --email alex@example.com --team Support\n  coach member list\n  coach member show alex"
)]
pub enum MemberCommand {
    /// Add a team member
    Add(AddArgs),
    /// List team members, by name
    List(ListArgs),
    /// Find members whose name, email or team contains QUERY (ignoring case)
    Search(SearchArgs),
    /// Show a member and their recent sessions
    Show(ShowArgs),
    /// Change a member's name, email or team
    Edit(EditArgs),
    /// Archive a member: they leave lists and pickers, their history stays
    Archive(ArchiveArgs),
    Stream(super::stream::StreamArgs),
    Trends(super::trends::TrendsArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Their full name, e.g. "Alex Kim"
    name: String,
    /// Their email address, where agendas and recaps are sent
    #[arg(long)]
    email: Option<String>,
    /// Their team
    #[arg(long)]
    team: Option<String>,
    /// Their time zone, an IANA name such as Europe/Paris: emails to them
    /// show times in it [default: yours, user.timezone]
    #[arg(long, value_name = "ZONE")]
    timezone: Option<String>,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Include archived members
    #[arg(long)]
    all: bool,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Text to look for in names, emails and teams
    query: String,
    /// Include archived members
    #[arg(long)]
    all: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The member: a name, an email or an id prefix
    member: String,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The member: a name, an email or an id prefix
    member: String,
    /// A new name
    #[arg(long)]
    name: Option<String>,
    /// A new email address ("" removes it)
    #[arg(long)]
    email: Option<String>,
    /// A new team ("" removes it)
    #[arg(long)]
    team: Option<String>,
    /// A new time zone, an IANA name such as Europe/Paris ("" removes it:
    /// yours is used)
    #[arg(long, value_name = "ZONE")]
    timezone: Option<String>,
}

#[derive(Debug, Args)]
pub struct ArchiveArgs {
    /// The member: a name, an email or an id prefix
    member: String,
    /// Bring an archived member back
    #[arg(long)]
    undo: bool,
}

/// `member show --json`: the member and their latest sessions.
#[derive(Serialize)]
struct MemberDetails {
    #[serde(flatten)]
    member: Member,
    session_count: usize,
    recent_sessions: Vec<Session>,
}

pub(super) fn run(ctx: &Ctx, command: MemberCommand) -> Result<()> {
    let mut store = ctx.store()?;
    match command {
        MemberCommand::Add(args) => {
            let fields = Fields {
                name: Some(args.name),
                email: args.email,
                team: args.team,
                timezone: args.timezone,
            };
            let member = store.write(|tx| member::add(tx, fields))?;
            print_one(ctx, &member, "Added")
        }
        MemberCommand::List(args) => {
            let members = store.read(|tx| member::list(tx, args.all))?;
            print_list(ctx, &members, NO_MEMBERS)
        }
        MemberCommand::Search(args) => {
            let (members, anyone) = store.read(|tx| {
                let found = member::search(tx, &args.query, args.all)?;
                let anyone =
                    !found.is_empty() || !member::list_without_short_ids(tx, true)?.is_empty();
                Ok((found, anyone))
            })?;
            let empty = if anyone {
                format!(
                    "no member matches \"{}\"{}; `coach member list{}` shows everyone",
                    args.query.escape_debug(),
                    if args.all {
                        ""
                    } else {
                        " (archived members left out: --all)"
                    },
                    if args.all { " --all" } else { "" }
                )
            } else {
                NO_MEMBERS.to_string()
            };
            print_list(ctx, &members, &empty)
        }
        MemberCommand::Show(args) => {
            let details = store.read(|tx| {
                let member = member::resolve(tx, &args.member)?;
                let filter = Filter {
                    member_id: Some(member.id.clone()),
                    ..Filter::default()
                };
                let sessions = session::list(tx, &filter)?;
                Ok(MemberDetails {
                    member,
                    session_count: sessions.len(),
                    recent_sessions: sessions.into_iter().take(5).collect(),
                })
            })?;
            show(ctx, &details)
        }
        MemberCommand::Edit(args) => {
            let fields = Fields {
                name: args.name,
                email: args.email,
                team: args.team,
                timezone: args.timezone,
            };
            let member = store.write(|tx| {
                let member = member::resolve(tx, &args.member)?;
                member::edit(tx, &member, fields)
            })?;
            print_one(ctx, &member, "Updated")
        }
        MemberCommand::Archive(args) => {
            let member = store.write(|tx| {
                let member = member::resolve(tx, &args.member)?;
                member::set_archived(tx, &member, !args.undo)
            })?;
            print_one(
                ctx,
                &member,
                if args.undo { "Restored" } else { "Archived" },
            )
        }
        MemberCommand::Stream(args) => super::stream::run(ctx, &mut store, args),
        MemberCommand::Trends(args) => super::trends::run(ctx, &mut store, args),
    }
}

fn print_one(ctx: &Ctx, member: &Member, verb: &str) -> Result<()> {
    if ctx.out.json {
        ctx.out.print_json(member)
    } else if ctx.out.quiet {
        ctx.out.line(&member.id)
    } else {
        ctx.out.line(format!(
            "{verb} {} {}",
            ctx.out.paint(&member.short_id, crate::output::ID),
            describe(member)
        ))
    }
}

fn describe(member: &Member) -> String {
    match &member.email {
        Some(email) => format!("{} <{email}>", member.name),
        None => member.name.clone(),
    }
}

const NO_MEMBERS: &str = "no members yet; add one with: coach member add \"NAME\" --email EMAIL";

fn print_list(ctx: &Ctx, members: &[Member], empty: &str) -> Result<()> {
    if ctx.out.json {
        return ctx.out.print_json(members);
    }
    if ctx.out.quiet {
        return ctx.out.print_ids(members.iter().map(|m| m.id.as_str()));
    }
    let rows = members
        .iter()
        .map(|m| {
            vec![
                m.short_id.clone(),
                m.name.clone(),
                m.email.clone().unwrap_or_default(),
                m.team.clone().unwrap_or_default(),
                if m.archived {
                    "archived".into()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    ctx.out
        .print_table(&["ID", "NAME", "EMAIL", "TEAM", ""], rows, empty)
}

fn show(ctx: &Ctx, details: &MemberDetails) -> Result<()> {
    if ctx.out.json {
        return ctx.out.print_json(details);
    }
    let m = &details.member;
    if ctx.out.quiet {
        return ctx.out.line(&m.id);
    }
    let out = &ctx.out;
    let mut text = format!(
        "{} {}\n",
        out.paint(&m.name, crate::output::HEADING),
        out.paint(&m.short_id, crate::output::ID)
    );
    text += &format!("Email:    {}\n", m.email.as_deref().unwrap_or("-"));
    text += &format!("Team:     {}\n", m.team.as_deref().unwrap_or("-"));
    if let Some(zone) = &m.timezone {
        text += &format!("Zone:     {zone}\n");
    }
    if m.archived {
        text += "Status:   archived\n";
    }
    text += &format!("Sessions: {}\n", details.session_count);
    if !details.recent_sessions.is_empty() {
        text += "\nRecent sessions\n";
        for s in &details.recent_sessions {
            text += &format!(
                "  {}  {}  {}\n",
                out.paint(&s.short_id, crate::output::ID),
                when::display_local(s.date),
                s.title
            );
        }
    }
    ctx.out.line(text.trim_end())
}
