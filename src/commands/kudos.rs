use clap::{Args, Subcommand};

use super::Ctx;
use crate::kudos::{self, Kind, Kudos, Target};
use crate::member::{self, Member};
use crate::output::ID;
use crate::session::{self, Session};
use crate::store::check_long_enough;
use crate::{when, Error, Result};

/// Give kudos: celebrate a win, expertise, effort or your values
///
/// `coach kudos TEXT` adds a kudos to the current session. With two or more
/// arguments, the first names the team member: `coach kudos MEMBER TEXT`
/// adds it to the current session if it is with them, else to their latest
/// open session (the latest by date whose recap has not been sent) when it
/// is dated within `session.kudos-window` days of now (default 7), else
/// outside any session: it is then in their stream and trends, in `kudos
/// list` (SESSION "outside"), searches and their digest, never in an agenda or a recap. So quote a
/// kudos of several words: `coach kudos "Great save on the outage"`.
#[derive(Debug, Args)]
#[command(
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true,
    after_help = "Examples:\n  coach kudos \"Calm, thorough incident review\" --for expertise\n  coach kudos jordan \"Stayed late to clear the backlog\" --for effort\n  coach kudos jordan \"Thank you for covering Friday\" --new-session\n  coach kudos list --member jordan"
)]
pub struct KudosArgs {
    #[command(subcommand)]
    command: Option<KudosCommand>,
    #[command(flatten)]
    give: GiveArgs,
}

#[derive(Debug, Subcommand)]
pub(super) enum KudosCommand {
    /// List kudos, newest session first (kudos outside sessions by when given)
    List(ListArgs),
    /// Delete a kudos
    Rm(RmArgs),
}

#[derive(Debug, Args)]
pub(super) struct GiveArgs {
    /// The team member (only with two or more arguments), then the kudos,
    /// in Markdown
    #[arg(required = true, value_name = "[MEMBER] TEXT")]
    words: Vec<String>,
    /// What it celebrates [default: none, a plain thank-you]
    #[arg(long = "for", value_enum, value_name = "KIND")]
    kind: Option<Kind>,
    /// The session [default: the current session, or MEMBER's latest open
    /// session]
    #[arg(long, short, value_name = "SESSION")]
    session: Option<String>,
    /// When MEMBER has no open session within session.kudos-window days,
    /// start one (titled by the setting session.default-title, dated now)
    /// instead of giving the kudos outside any session. It becomes the
    /// current session only if there was none
    #[arg(long, conflicts_with = "session")]
    new_session: bool,
}

#[derive(Debug, Args)]
pub(super) struct ListArgs {
    /// Only kudos for this team member
    #[arg(long, short, value_name = "MEMBER")]
    member: Option<String>,
    /// At most this many
    #[arg(long, short = 'n', value_name = "N", default_value_t = 50)]
    limit: usize,
}

#[derive(Debug, Args)]
pub(super) struct RmArgs {
    /// The kudos (the beginning of its id)
    kudos: String,
}

/// What `kudos` did: the kudos, the session it went to (and whether it was
/// started for it), and the current session afterwards.
struct Given {
    kudos: Kudos,
    target: Target,
    current: Option<Session>,
}

pub(super) fn run(ctx: &Ctx, args: KudosArgs) -> Result<()> {
    match args.command {
        Some(KudosCommand::List(args)) => list(ctx, args),
        Some(KudosCommand::Rm(args)) => {
            check_long_enough(&args.kudos)?;
            let kudos = ctx.store()?.write(|tx| {
                let kudos = tx.resolve::<kudos::Kudos>(&args.kudos)?;
                kudos::remove(tx, &kudos)?;
                Ok(kudos)
            })?;
            if ctx.out.json {
                return ctx.out.print_json(&kudos);
            }
            if ctx.out.quiet {
                return ctx.out.line(&kudos.id);
            }
            ctx.out.line(format!(
                "Deleted kudos {} for {}",
                ctx.out.paint(&kudos.short_id, ID),
                kudos.member.name
            ))
        }
        None => give(ctx, args.give),
    }
}

fn give(ctx: &Ctx, args: GiveArgs) -> Result<()> {
    let (member_query, text) = match args.words.as_slice() {
        [text] => (None, text.clone()),
        [member, rest @ ..] => (Some(member.as_str()), rest.join(" ")),
        [] => (None, String::new()),
    };
    if args.new_session && member_query.is_none() {
        return Err(Error::usage("--new-session needs a MEMBER")
            .with_hint("name them first: coach kudos MEMBER \"TEXT\" --new-session"));
    }
    let given = ctx.store()?.write(|tx| {
        let member = member_query.map(|q| resolve_member(tx, q)).transpose()?;
        let target = match (&args.session, &member) {
            (Some(query), _) => {
                let session = tx.resolve::<session::Session>(query)?;
                if let Some(member) = &member {
                    ensure_with(&session, member)?;
                }
                Target::Session {
                    session,
                    started: false,
                }
            }
            (None, Some(member)) => kudos::target_for(tx, member, args.new_session)?,
            (None, None) => Target::Session {
                session: session::explicit_or_current(tx, None)?,
                started: false,
            },
        };
        let kudos = kudos::give(tx, &target, &text, args.kind)?;
        Ok(Given {
            kudos,
            target,
            current: session::current(tx)?,
        })
    })?;
    if ctx.out.json {
        return ctx.out.print_json(&given.kudos);
    }
    if ctx.out.quiet {
        return ctx.out.line(&given.kudos.id);
    }
    let kind = given
        .kudos
        .kind
        .map(|k| format!(" for {}", k.label()))
        .unwrap_or_default();
    let id = ctx.out.paint(&given.kudos.short_id, ID);
    let text = match &given.target {
        Target::Session { session, started } => {
            let mut text = String::new();
            if *started {
                text += &format!("Started session {}", kudos::describe_session(session));
                match &given.current {
                    Some(current) if current.id != session.id => {
                        text += &format!(
                            "; your current session is still {}",
                            kudos::describe_session(current)
                        );
                    }
                    _ => text += ", now your current session",
                }
                text += "\n";
            }
            text + &format!(
                "Added kudos {id}{kind} to {}",
                kudos::describe_session(session)
            )
        }
        Target::Outside { member, why } => format!(
            "Added kudos {id}{kind} for {} outside any session ({why}): it is in their stream and trends, in no email",
            member.name
        ),
    };
    ctx.out.line(text)
}

/// The MEMBER of `coach kudos MEMBER TEXT`, with a hint about quoting when
/// the first word was meant as part of the text.
fn resolve_member(tx: &crate::store::Tx<'_>, query: &str) -> Result<Member> {
    member::resolve(tx, query).map_err(|err| {
        let message = format!(
            "{} (with two or more arguments, the first names the member)",
            err.message()
        );
        Error::input(message).with_hint(format!(
            "to give kudos in the current session, quote the text: coach kudos \"{query} ...\""
        ))
    })
}

fn ensure_with(session: &Session, member: &Member) -> Result<()> {
    if session.member.id == member.id {
        return Ok(());
    }
    Err(Error::input(format!(
        "{} is not in the session {} (it is with {})",
        member.name, session.short_id, session.member.name
    )))
}

fn list(ctx: &Ctx, args: ListArgs) -> Result<()> {
    let all = ctx.store()?.read(|tx| {
        let member_id = match &args.member {
            Some(query) => Some(member::resolve(tx, query)?.id),
            None => None,
        };
        kudos::recent(tx, member_id.as_deref(), args.limit)
    })?;
    if ctx.out.json {
        return ctx.out.print_json(&all);
    }
    if ctx.out.quiet {
        return ctx.out.print_ids(all.iter().map(|k| k.id.as_str()));
    }
    let rows = all
        .iter()
        .map(|k| {
            vec![
                k.short_id.clone(),
                k.session_date
                    .map_or_else(|| "outside".to_string(), when::display_local_date),
                k.member.name.clone(),
                k.kind.map(Kind::as_str).unwrap_or_default().to_string(),
                k.body
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .take(60)
                    .collect(),
            ]
        })
        .collect();
    ctx.out.print_table(
        &["ID", "SESSION", "MEMBER", "FOR", "KUDOS"],
        rows,
        "no kudos yet; give one with: coach kudos MEMBER \"TEXT\"",
    )
}
