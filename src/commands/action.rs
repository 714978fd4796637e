use chrono::{DateTime, Utc};
use clap::{ArgGroup, Args, Subcommand, ValueEnum};

use super::Ctx;
use crate::action::{self, Action, Change, Detail, Filter, Owner, Show, State};
use crate::output::{DIM, ID};
use crate::store::check_long_enough;
use crate::{member, session, when, Result};

/// Agree on action items, check them off, and see what is open
///
/// An action belongs to the session it was agreed in and to that session's
/// team member. Until it is done, every later session with the member shows
/// it as carried over; checking it off anywhere checks it off everywhere. An
/// ACTION is the beginning of its id.
#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  coach action add \"Review the refund playbook\" --due friday\n  coach action add \"Book a shadowing slot with Dana\" --owner me --due +3d\n  coach action list --member alex\n  coach action list --overdue\n  coach action done 4f2a"
)]
pub enum ActionCommand {
    /// Add an action item to the current session (or --session)
    Add(AddArgs),
    /// List action items by due date (open ones unless told otherwise)
    List(ListArgs),
    /// Check an action off
    Done(IdArgs),
    /// Open a done action again
    Reopen(IdArgs),
    /// Change an action's text, due date or owner
    Edit(EditArgs),
    /// Delete an action
    Rm(IdArgs),
}

/// Who is to do an action, as typed.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OwnerArg {
    /// You, the coach
    #[value(alias = "coach")]
    Me,
    /// The team member of the session
    Member,
}

impl From<OwnerArg> for Owner {
    fn from(arg: OwnerArg) -> Owner {
        match arg {
            OwnerArg::Me => Owner::Coach,
            OwnerArg::Member => Owner::Member,
        }
    }
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// What is to be done, in one line: direct, succinct, easy to complete
    #[arg(required = true)]
    text: Vec<String>,
    /// When it is due: friday, +1w, 2026-12-04, "2026-12-04 17:00"...
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    due: Option<String>,
    /// Who is to do it
    #[arg(long, value_enum, default_value_t = OwnerArg::Member)]
    owner: OwnerArg,
    /// The session [default: the current session]
    #[arg(long, short, value_name = "SESSION")]
    session: Option<String>,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("state").args(["open", "done", "overdue", "all"])))]
pub struct ListArgs {
    /// Only actions for this team member
    #[arg(long, short, value_name = "MEMBER")]
    member: Option<String>,
    /// Only actions agreed in this session
    #[arg(long, short, value_name = "SESSION")]
    session: Option<String>,
    /// Only actions not done yet (the default)
    #[arg(long)]
    open: bool,
    /// Only actions that are done
    #[arg(long)]
    done: bool,
    /// Only open actions past their due date
    #[arg(long)]
    overdue: bool,
    /// Every action, open or done
    #[arg(long)]
    all: bool,
}

#[derive(Debug, Args)]
pub struct IdArgs {
    /// The action (the beginning of its id)
    action: String,
}

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("change").required(true).multiple(true).args(["text", "due", "no_due", "owner"])))]
pub struct EditArgs {
    /// The action (the beginning of its id)
    action: String,
    /// A new text
    #[arg(long, value_name = "TEXT")]
    text: Option<String>,
    /// A new due date
    #[arg(
        long,
        value_name = "WHEN",
        allow_hyphen_values = true,
        conflicts_with = "no_due"
    )]
    due: Option<String>,
    /// Remove the due date
    #[arg(long)]
    no_due: bool,
    /// A new owner
    #[arg(long, value_enum)]
    owner: Option<OwnerArg>,
}

pub(super) fn run(ctx: &Ctx, command: ActionCommand) -> Result<()> {
    match command {
        ActionCommand::Add(args) => add(ctx, args),
        ActionCommand::List(args) => list(ctx, args),
        ActionCommand::Done(args) => set_done(ctx, &args.action, true),
        ActionCommand::Reopen(args) => set_done(ctx, &args.action, false),
        ActionCommand::Edit(args) => edit(ctx, args),
        ActionCommand::Rm(args) => {
            check_long_enough(&args.action)?;
            let action = ctx.store()?.write(|tx| {
                let action = tx.resolve::<action::Action>(&args.action)?;
                action::remove(tx, &action)?;
                Ok(action)
            })?;
            print_one(ctx, &action, "Deleted")
        }
    }
}

fn add(ctx: &Ctx, args: AddArgs) -> Result<()> {
    let mut store = ctx.store()?;
    let due = ctx.read_when(&mut store, args.due.as_deref())?;
    let text = args.text.join(" ");
    let action = store.write(|tx| {
        let session = session::explicit_or_current(tx, args.session.as_deref())?;
        action::add(tx, &session, &text, args.owner.into(), due)
    })?;
    print_one(ctx, &action, "Added")
}

fn list(ctx: &Ctx, args: ListArgs) -> Result<()> {
    let show = if args.done {
        Show::Done
    } else if args.overdue {
        Show::Overdue
    } else if args.all {
        Show::All
    } else {
        Show::Open
    };
    let actions = ctx.store()?.read(|tx| {
        let member_id = match &args.member {
            Some(query) => Some(member::resolve(tx, query)?.id),
            None => None,
        };
        let session_id = match &args.session {
            Some(query) => Some(tx.resolve::<session::Session>(query)?.id),
            None => None,
        };
        let detail = if ctx.out.json {
            Detail::Whole
        } else {
            Detail::Shown
        };
        action::listing(
            tx,
            &Filter {
                show,
                member_id,
                session_id,
            },
            detail,
        )
    })?;
    if ctx.out.json {
        return ctx.out.print_json_list(actions.iter());
    }
    if ctx.out.quiet {
        return ctx.out.print_ids(actions.iter().map(|a| a.id));
    }
    // Made twice (measured, then written), rather than copied into a table.
    let each = |row: &mut dyn FnMut(&[&str])| {
        // The list is in due order: one due date shown for all its rows.
        let mut due: Option<(DateTime<Utc>, String)> = None;
        for a in actions.iter() {
            let due_text = match a.due_at {
                Some(at) => {
                    if due.as_ref().is_none_or(|(last, _)| *last != at) {
                        due = Some((at, when::display_local(at)));
                    }
                    due.as_ref().map_or("", |(_, text)| text.as_str())
                }
                None => "",
            };
            // At most 60 characters (60 bytes or fewer are, uncounted).
            let body = if a.body.len() <= 60 {
                a.body
            } else {
                a.body
                    .char_indices()
                    .nth(60)
                    .map_or(a.body, |(end, _)| &a.body[..end])
            };
            row(&[
                a.short_id,
                due_text,
                owner_word(a.owner),
                a.member.name,
                body,
                match a.state {
                    State::Overdue => "OVERDUE",
                    state => state.as_str(),
                },
            ]);
        }
    };
    let empty = match show {
        Show::Open => "no open actions; add one with: coach action add \"TEXT\" --due WHEN",
        Show::Overdue => "nothing is overdue",
        Show::Done => "no action is done yet",
        Show::All => "no actions yet; add one with: coach action add \"TEXT\" --due WHEN",
    };
    let header = ["ID", "DUE", "OWNER", "MEMBER", "ACTION", "STATE"];
    ctx.out.print_rows(&header, each, empty)
}

fn set_done(ctx: &Ctx, query: &str, done: bool) -> Result<()> {
    check_long_enough(query)?;
    let (action, changed) = ctx.store()?.write(|tx| {
        let action = tx.resolve::<action::Action>(query)?;
        action::set_done(tx, &action, done)
    })?;
    if !ctx.out.human() || changed {
        return print_one(ctx, &action, if done { "Done" } else { "Reopened" });
    }
    let already = match action.done_at {
        Some(at) => format!("already done (since {})", when::display_local(at)),
        None => "already open".to_string(),
    };
    ctx.out.line(format!(
        "{} is {already}: {}; nothing changed",
        ctx.out.paint(&action.short_id, ID),
        action.body
    ))
}

fn edit(ctx: &Ctx, args: EditArgs) -> Result<()> {
    check_long_enough(&args.action)?;
    let mut store = ctx.store()?;
    let due = match (&args.due, args.no_due) {
        (Some(text), _) => Some(ctx.read_when(&mut store, Some(text))?),
        (None, true) => Some(None),
        (None, false) => None,
    };
    let change = Change {
        body: args.text,
        due_at: due,
        owner: args.owner.map(Owner::from),
    };
    let action = store.write(|tx| {
        let action = tx.resolve::<action::Action>(&args.action)?;
        action::edit(tx, &action, change)
    })?;
    print_one(ctx, &action, "Updated")
}

fn owner_word(owner: Owner) -> &'static str {
    match owner {
        Owner::Member => "member",
        Owner::Coach => "me",
    }
}

fn print_one(ctx: &Ctx, action: &Action, verb: &str) -> Result<()> {
    if ctx.out.json {
        return ctx.out.print_json(action);
    }
    if ctx.out.quiet {
        return ctx.out.line(&action.id);
    }
    let mut meta = vec![format!(
        "for {}",
        match action.owner {
            Owner::Member => action.member.name.as_str(),
            Owner::Coach => "you",
        }
    )];
    if let Some(due) = action.due_at {
        meta.push(format!("due {}", when::display_local(due)));
    }
    ctx.out.line(format!(
        "{verb} action {} {}  {}",
        ctx.out.paint(&action.short_id, ID),
        action.body,
        ctx.out.paint(&meta.join(", "), DIM)
    ))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        crate::cli::Cli::command().debug_assert();
    }
}
