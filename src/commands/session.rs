use clap::{Args, Subcommand};
use serde::Serialize;

use super::Ctx;
use crate::inbox;
use crate::member;
use crate::note;
use crate::note::{Note, SharedNote, Visible};
use crate::output::{counted, plural, HEADING, ID};
use crate::prompt::Prompter;
use crate::render::terminal;
use crate::saved::{self, Balance, Item, Selection};
use crate::sent;
use crate::session::{self, Filter, Session};
use crate::share;
use crate::store::{check_long_enough, ShortIds, Tx};
use crate::template;
use crate::view::{self, SessionView};
use crate::{when, Error, Result};

/// Start, list, show and change 1:1 sessions
///
/// A session is one 1:1 with one team member. `session new` makes the new
/// session the current one, which `note add` and the other commands use
/// when no session is named. A SESSION is the beginning of its id.
#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  coach session new Alex --title \"Weekly check-in\" --date tomorrow\n  coach session list --member alex --since -4w\n  coach session show\n  coach session show --as-member\n  coach session show --as-member --format md --recap\n  coach session new Alex --template weekly"
)]
pub enum SessionCommand {
    /// Start a session with a team member and make it the current session
    New(NewArgs),
    /// List sessions, newest first
    List(ListArgs),
    /// Show a session: notes, and your private notes marked as private
    Show(ShowArgs),
    /// Make a session the current session
    Use(UseArgs),
    /// Change a session's title or date
    Edit(EditArgs),
    /// Delete a session (asks first on a terminal)
    Delete(DeleteArgs),
    /// Bring saved feedback and QA reviews into the current session
    AddSaved(AddSavedArgs),
    /// Take saved items out of the current session: they wait again
    RemoveSaved(RemoveSavedArgs),
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The team member; on a terminal, left out, you pick from the members
    /// you coached most recently
    member: Option<String>,
    /// The kind of conversation, e.g. "Weekly check-in", "Monthly goals"
    /// [default: the setting session.default-title]
    #[arg(long, short)]
    title: Option<String>,
    /// When the 1:1 is: 2026-12-01, "2026-12-01 14:30", today, tomorrow,
    /// friday, +3d... [default: now]
    #[arg(long, short, value_name = "WHEN", allow_hyphen_values = true)]
    date: Option<String>,
    /// Start from a template (`coach template list`): its title (unless
    /// --title is given) and its agenda as the first shared notes
    #[arg(long, value_name = "NAME")]
    template: Option<String>,
    /// Bring in every saved item waiting for the member (on a terminal,
    /// without it, you tick which ones)
    #[arg(long)]
    with_saved: bool,
    /// Do not make the new session the current one: for scripts and cron,
    /// which must not move the session you are working in. Prints the
    /// new session's id (only the id with -q)
    #[arg(long)]
    no_use: bool,
    /// Bring in the member's follow-ups: notes marked `note add
    /// --follow-up` in earlier sessions, not yet taken up (without it,
    /// they are listed)
    #[arg(long)]
    with_follow_ups: bool,
    /// If the member already has a session on that day (--date, default
    /// today), print it instead of starting a second one (exit 0, same
    /// id), so a weekly script can safely run again. Nothing is added to
    /// it (no template, no saved items)
    #[arg(long)]
    once: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only sessions with this member
    #[arg(long, short)]
    member: Option<String>,
    /// Only sessions on or after this date (e.g. -4w, 2026-01-01)
    #[arg(long, value_name = "WHEN", allow_hyphen_values = true)]
    since: Option<String>,
    /// At most this many sessions [default: 50, or all of them with --since]
    #[arg(long, short = 'n', value_name = "N")]
    limit: Option<usize>,
}

/// How many sessions `session list` shows unless told: years of weekly
/// 1:1s are thousands of sessions, and a list should cost what it shows.
const DEFAULT_LIMIT: usize = 50;

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The session [default: the current session]
    session: Option<String>,
    /// Show only what the team member may see (no private notes)
    #[arg(long)]
    as_member: bool,
    /// With --as-member: `text` (the default) the session as on your
    /// terminal (with --recap: the recap email's plain-text part); `plain`
    /// the email's plain-text part, as the member reads it; `html` its HTML
    /// part; `md` the Markdown both are rendered from
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<ShowFormat>,
    /// With --format plain, html, md or text: the recap email instead of
    /// the agenda
    #[arg(long)]
    recap: bool,
}

/// How `session show` prints a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(super) enum ShowFormat {
    /// The session as on your terminal; with --recap, the recap email's plain text
    Text,
    /// The email's plain-text part
    Plain,
    /// The Markdown the email's parts are rendered from
    Md,
    /// The email's HTML part
    Html,
}

#[derive(Debug, Args)]
pub struct UseArgs {
    /// The session to make current
    session: String,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The session [default: the current session]
    session: Option<String>,
    /// A new title
    #[arg(long, short)]
    title: Option<String>,
    /// A new date
    #[arg(long, short, value_name = "WHEN", allow_hyphen_values = true)]
    date: Option<String>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  coach session add-saved --all\n  coach session add-saved 3f2a 9c41\n  coach session add-saved --session 7d0e $(coach saved alex -q -n 2)"
)]
pub struct AddSavedArgs {
    /// The saved items: beginnings of their ids, as `coach saved` shows
    /// them; left out on a terminal, you tick them from the member's
    /// waiting items
    items: Vec<String>,
    /// Every item waiting for the session's member
    #[arg(long, conflicts_with = "items")]
    all: bool,
    /// The session [default: the current session]
    #[arg(long, short, value_name = "SESSION")]
    session: Option<String>,
}

/// Take saved items out of a session: they wait for the member's next
/// session again (brought in by mistake, or not discussed after all).
/// Notes dedicated to them stay in the session as general notes.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  coach session remove-saved 3f2a\n  coach session remove-saved --session 7d0e 3f2a 9c41"
)]
pub struct RemoveSavedArgs {
    /// The saved items: beginnings of their ids, as `coach session show`
    /// shows them
    #[arg(required = true)]
    items: Vec<String>,
    /// The session [default: the current session]
    #[arg(long, short, value_name = "SESSION")]
    session: Option<String>,
}

/// `session add-saved --json`: what was added, and the session's balance.
#[derive(serde::Serialize)]
struct Added<'a> {
    session_id: &'a str,
    added: &'a [Item],
    balance: Balance,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The session to delete
    session: String,
    /// Do not ask for confirmation
    #[arg(long, short)]
    yes: bool,
    /// When its agenda was sent with a calendar invite, email the member
    /// a cancellation (METHOD:CANCEL) so their calendar removes the 1:1
    /// [default: ask on a terminal]
    #[arg(long, conflicts_with = "no_cancel_invite")]
    cancel_invite: bool,
    /// Delete without cancelling the calendar invite its agenda carried
    #[arg(long)]
    no_cancel_invite: bool,
}

pub(super) fn run(ctx: &Ctx, command: SessionCommand) -> Result<()> {
    match command {
        SessionCommand::New(args) => new(ctx, args),
        SessionCommand::List(args) => list(ctx, args),
        SessionCommand::Show(args) => show(ctx, args),
        SessionCommand::Use(args) => {
            let session = ctx.store()?.write(|tx| {
                let session = tx.resolve::<session::Session>(&args.session)?;
                session::set_current(tx, &session)?;
                Ok(session)
            })?;
            print_one(ctx, &session, "Now on")
        }
        SessionCommand::Edit(args) => {
            if let Some(query) = &args.session {
                check_long_enough(query)?;
            }
            let mut store = ctx.store()?;
            let date = ctx.read_when(&mut store, args.date.as_deref())?;
            let session = store.write(|tx| {
                let session = session::explicit_or_current(tx, args.session.as_deref())?;
                session::edit(tx, &session, args.title.as_deref(), date)
            })?;
            print_one(ctx, &session, "Updated")
        }
        SessionCommand::Delete(args) => delete(ctx, args),
        SessionCommand::AddSaved(args) => add_saved(ctx, args),
        SessionCommand::RemoveSaved(args) => remove_saved(ctx, args),
    }
}

fn new(ctx: &Ctx, args: NewArgs) -> Result<()> {
    let mut store = ctx.store()?;
    let date = ctx.read_when(&mut store, args.date.as_deref())?;
    let member = match &args.member {
        Some(query) => store.read(|tx| member::resolve(tx, query))?,
        None => pick_member(ctx, &mut store)?,
    };
    let day = date.unwrap_or_else(chrono::Utc::now);
    let same_day = store.read(|tx| session::on_day(tx, &member, day))?;
    if !args.once && !same_day.is_empty() && ctx.prompt.enabled() {
        let question = format!(
            "{} already has a session that day: {}. Start another one?",
            member.name,
            same_day_list(&same_day)
        );
        if !ctx
            .prompt
            .confirm(&question, "pass --once to reuse the session of that day")?
        {
            ctx.out
                .note("Nothing was started; `--once` reuses the session of that day.");
            return Ok(());
        }
    }
    // Saved items: all with --with-saved; on a terminal, the ones ticked;
    // otherwise none (and nothing is asked). Nothing is added to a session
    // that --once reuses.
    let reused = args.once && !same_day.is_empty();
    let chosen: Option<Vec<String>> = if args.with_saved || reused || !ctx.prompt.enabled() {
        None
    } else {
        let waiting = store.read(|tx| saved::waiting(tx, Some(&member.id), None))?;
        Some(pick_saved(ctx, &member.name, &waiting)?)
    };
    let outcome = store.write(|tx| {
        // Checked again under the write lock: two runs of the same script
        // at the same moment still make one session.
        let others = session::on_day(tx, &member, date.unwrap_or_else(|| tx.now()))?;
        if let (true, Some(existing)) = (args.once, others.first()) {
            if !args.no_use {
                session::set_current(tx, existing)?;
            }
            return Ok(NewOutcome::Reused(existing.clone()));
        }
        let template = args
            .template
            .as_deref()
            .map(|name| template::resolve(tx, name))
            .transpose()?;
        let title = args
            .title
            .as_deref()
            .or(template.as_ref().map(|t| t.title.as_str()));
        let session = session::create(tx, &member, title, date)?;
        if !args.no_use {
            session::set_current(tx, &session)?;
        }
        let agenda = match &template {
            Some(template) => Some((
                template.name.clone(),
                template::add_agenda(tx, template, &session)?.len(),
            )),
            None => None,
        };
        let selection = match &chosen {
            None if args.with_saved => Some(Selection::AllWaiting),
            Some(ids) if !ids.is_empty() => Some(Selection::Items(ids)),
            _ => None,
        };
        let added = match selection {
            Some(selection) => saved::add_to_session(tx, &session, selection)?,
            None => Vec::new(),
        };
        let follow_ups = match args.with_follow_ups {
            true => FollowUps::BroughtIn(note::bring_in_follow_ups(tx, &session)?),
            false => FollowUps::Waiting(note::waiting_follow_ups(tx, &member.id, &session)?),
        };
        Ok(NewOutcome::Started(Box::new(Started {
            follow_ups,
            balance: saved::balance(tx, &session.id)?,
            still_waiting: saved::waiting_count(tx, &member.id)?,
            session,
            agenda,
            added,
            others,
        })))
    })?;
    let started = match outcome {
        NewOutcome::Reused(session) => {
            return print_one(ctx, &session, "Using the session of that day:");
        }
        NewOutcome::Started(started) => started,
    };
    let Started {
        session,
        follow_ups,
        agenda,
        added,
        balance,
        still_waiting,
        others,
    } = *started;
    print_one(ctx, &session, "Started")?;
    if !others.is_empty() && !ctx.prompt.enabled() {
        ctx.out.note(format!(
            "warning: {} already had a session that day: {}; this is another one (--once reuses it instead)",
            member.name,
            same_day_list(&others)
        ));
    }
    if ctx.out.human() {
        if args.no_use && ctx.prompt.enabled() {
            ctx.out.note(format!(
                "It is not the current session (--no-use): name it with --session {}, or `coach session use {}`",
                session.short_id, session.short_id
            ));
        }
        if let Some((name, count)) = agenda.filter(|(_, count)| *count > 0) {
            ctx.out.line(format!(
                "Added {} from the template \"{name}\"",
                plural(count as u64, "agenda note")
            ))?;
        }
        if !added.is_empty() {
            print_added(ctx, &added)?;
            print_balance_hint(ctx, &balance);
        }
        print_follow_ups(ctx, &follow_ups, &member.name)?;
        if still_waiting > 0 && !args.with_saved {
            let items = if still_waiting == 1 {
                "1 saved item waits".to_string()
            } else {
                format!("{still_waiting} saved items wait")
            };
            ctx.out.note(format!(
                "{items} for {}: `coach session add-saved --all{}` brings them in",
                member.name,
                session_flag(&args, &session)
            ));
        }
    }
    Ok(())
}

/// The member's follow-ups when a session starts.
enum FollowUps {
    /// Brought in (--with-follow-ups): the new notes.
    BroughtIn(Vec<note::Note>),
    /// Still waiting: listed, so they are not forgotten.
    Waiting(Vec<note::Note>),
}

/// Follow-ups brought into a new session, or the ones waiting, one line each.
fn print_follow_ups(ctx: &Ctx, follow_ups: &FollowUps, member: &str) -> Result<()> {
    let line = |n: &note::Note| {
        let first = n.body.lines().next().unwrap_or_default();
        let private = match n.visibility {
            note::Visibility::Private => " (private)",
            note::Visibility::Shared => "",
        };
        format!(
            "  {}{private} {}",
            ctx.out.paint(&n.short_id, crate::output::ID),
            first
        )
    };
    match follow_ups {
        FollowUps::BroughtIn(notes) if !notes.is_empty() => {
            let lines: Vec<String> = notes.iter().map(line).collect();
            ctx.out.line(format!(
                "Brought in {} from earlier sessions:\n{}",
                plural(notes.len() as u64, "follow-up"),
                lines.join("\n")
            ))
        }
        FollowUps::Waiting(notes) if !notes.is_empty() => {
            let lines: Vec<String> = notes.iter().map(line).collect();
            ctx.out.note(format!(
                "{} from earlier sessions with {member} ({}):\n{}",
                counted(notes.len() as u64, "follow-up waits", "follow-ups wait"),
                "`coach session new --with-follow-ups` brings them in",
                lines.join("\n")
            ));
            Ok(())
        }
        _ => Ok(()),
    }
}

/// What `session new` did.
enum NewOutcome {
    /// `--once` found the member's session of that day.
    Reused(Session),
    Started(Box<Started>),
}

/// A session `session new` started, and what came with it.
struct Started {
    session: Session,
    follow_ups: FollowUps,
    /// The template's name and how many agenda notes it added.
    agenda: Option<(String, usize)>,
    added: Vec<Item>,
    balance: Balance,
    still_waiting: u64,
    /// The member's other sessions on the same day.
    others: Vec<Session>,
}

/// ` --session 1a2b` when the new session is not the current one.
fn session_flag(args: &NewArgs, session: &Session) -> String {
    if args.no_use {
        format!(" --session {}", session.short_id)
    } else {
        String::new()
    }
}

/// `1a2b "Weekly check-in" at 09:00, 3c4d "Coaching" at 14:00`.
fn same_day_list(sessions: &[Session]) -> String {
    sessions
        .iter()
        .map(|s| {
            format!(
                "{} \"{}\" at {}",
                s.short_id,
                s.title,
                s.date.with_timezone(&chrono::Local).format("%H:%M")
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `session new` without a MEMBER: on a terminal, pick one.
fn pick_member(ctx: &Ctx, store: &mut crate::store::Store) -> Result<member::Member> {
    if !ctx.prompt.enabled() {
        return Err(Prompter::cannot_ask(
            "a team member",
            "pass one: coach session new \"Alex Kim\"",
        ));
    }
    let members = store.read(member::recently_coached_first)?;
    if members.is_empty() {
        return Err(crate::Error::input("there are no team members yet")
            .with_hint("add one with: coach member add \"NAME\" --email EMAIL"));
    }
    let names: Vec<String> = members.iter().map(|m| m.name.clone()).collect();
    let picked = ctx.prompt.pick(
        "a team member",
        "Who is this 1:1 with?",
        &names,
        "pass a MEMBER",
    )?;
    Ok(members[picked].clone())
}

/// Asks which of `waiting` to bring into the session (all ticked at first);
/// returns their ids.
fn pick_saved(ctx: &Ctx, member: &str, waiting: &[Item]) -> Result<Vec<String>> {
    if waiting.is_empty() {
        return Ok(Vec::new());
    }
    let labels: Vec<String> = waiting
        .iter()
        .map(|item| {
            format!(
                "{} {} {:<8} {}",
                when::display_local_date(item.date()),
                item.kind().as_str(),
                item.tone().as_str(),
                super::saved::summary(item)
            )
        })
        .collect();
    let picked = ctx.prompt.pick_many(
        "the saved items to bring in",
        &format!("Saved items for {member} (space ticks, enter confirms)"),
        &labels,
        "pass --with-saved to bring them all, or add them later with `coach session add-saved`",
    )?;
    Ok(picked
        .into_iter()
        .filter_map(|i| waiting.get(i).map(|item| item.id().to_string()))
        .collect())
}

fn add_saved(ctx: &Ctx, args: AddSavedArgs) -> Result<()> {
    let mut store = ctx.store()?;
    let mut session_query = args.session.clone();
    let mut items = args.items;
    if !args.all && items.is_empty() {
        if !ctx.prompt.enabled() {
            return Err(Prompter::cannot_ask(
                "the saved items to add",
                "name them (`coach saved` shows the ids) or pass --all",
            ));
        }
        let (session, waiting) = store.read(|tx| {
            let session = session::explicit_or_current(tx, args.session.as_deref())?;
            let waiting = saved::waiting(tx, Some(&session.member.id), None)?;
            Ok((session, waiting))
        })?;
        items = pick_saved(ctx, &session.member.name, &waiting)?;
        session_query = Some(session.id);
        if items.is_empty() {
            ctx.out.note("Nothing was added.");
            return Ok(());
        }
    }
    let selection = if args.all {
        Selection::AllWaiting
    } else {
        Selection::Items(&items)
    };
    let (session, added, balance) = store.write(|tx| {
        let session = session::explicit_or_current(tx, session_query.as_deref())?;
        let added = saved::add_to_session(tx, &session, selection)?;
        let balance = saved::balance(tx, &session.id)?;
        Ok((session, added, balance))
    })?;
    if ctx.out.json {
        return ctx.out.print_json(&Added {
            session_id: &session.id,
            added: &added,
            balance,
        });
    }
    if ctx.out.quiet {
        return ctx.out.print_ids(added.iter().map(Item::id));
    }
    if added.is_empty() {
        ctx.out.note(format!(
            "No saved items are waiting for {}; nothing was added.",
            session.member.name
        ));
    } else {
        ctx.out.line(format!(
            "Added to {} \"{}\" with {}:",
            ctx.out.paint(&session.short_id, crate::output::ID),
            session.title,
            session.member.name
        ))?;
        print_added(ctx, &added)?;
    }
    print_balance_hint(ctx, &balance);
    Ok(())
}

fn remove_saved(ctx: &Ctx, args: RemoveSavedArgs) -> Result<()> {
    let (session, removed) = ctx.store()?.write(|tx| {
        let session = session::explicit_or_current(tx, args.session.as_deref())?;
        let removed = saved::remove_from_session(tx, &session, &args.items)?;
        Ok((session, removed))
    })?;
    if ctx.out.json {
        return ctx.out.print_json(&removed);
    }
    if ctx.out.quiet {
        return ctx.out.print_ids(removed.iter().map(Item::id));
    }
    ctx.out.line(format!(
        "Taken out of {} \"{}\"; waiting for {}'s next session again:",
        ctx.out.paint(&session.short_id, crate::output::ID),
        session.title,
        session.member.name
    ))?;
    print_added(ctx, &removed)
}

/// One line per item brought into a session.
fn print_added(ctx: &Ctx, added: &[Item]) -> Result<()> {
    let lines: Vec<String> = added
        .iter()
        .map(|item| {
            format!(
                "  {} {} {}: {}",
                ctx.out.paint(item.short_id(), crate::output::ID),
                item.kind().as_str(),
                terminal::tone_word(item.tone()),
                super::saved::summary(item)
            )
        })
        .collect();
    ctx.out.line(lines.join("\n"))
}

/// The advice to recognise more than criticise, on standard error, when
/// the session needs it.
fn print_balance_hint(ctx: &Ctx, balance: &Balance) {
    if let Some(hint) = balance.hint() {
        ctx.out.note(hint);
    }
}

fn list(ctx: &Ctx, args: ListArgs) -> Result<()> {
    let mut store = ctx.store()?;
    let since = ctx.read_when(&mut store, args.since.as_deref())?;
    let (sessions, current, zone) = store.read(|tx| {
        let member_id = match &args.member {
            Some(query) => Some(member::resolve(tx, query)?.id),
            None => None,
        };
        let filter = Filter {
            member_id,
            since,
            limit: args.limit.or(if since.is_none() {
                Some(DEFAULT_LIMIT)
            } else {
                None
            }),
        };
        let sessions = session::list(tx, &filter)?
            .into_iter()
            .map(|session| {
                let recap_acknowledged_at = inbox::recap_acknowledged(tx, &session.id)?;
                Ok(Listed {
                    session,
                    recap_acknowledged_at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((
            sessions,
            session::current(tx)?.map(|s| s.id),
            crate::zone::coach(tx)?,
        ))
    })?;
    if ctx.out.json {
        return ctx.out.print_json(&sessions);
    }
    if ctx.out.quiet {
        return ctx
            .out
            .print_ids(sessions.iter().map(|s| s.session.id.as_str()));
    }
    let rows = sessions
        .iter()
        .map(|listed| {
            let s = &listed.session;
            let acknowledged = if listed.recap_acknowledged_at.is_some() {
                " (acknowledged)"
            } else {
                ""
            };
            let marker = if current.as_deref() == Some(s.id.as_str()) {
                "*"
            } else {
                ""
            };
            vec![
                format!("{}{marker}", s.short_id),
                when::display_in_zone(s.date, &zone),
                s.member.name.clone(),
                s.title.clone(),
                format!("{}{acknowledged}", s.status.as_str()),
            ]
        })
        .collect();
    ctx.out.print_table(
        &["ID", "DATE", "MEMBER", "TITLE", "STATUS"],
        rows,
        "no sessions; start one with: coach session new MEMBER",
    )
}

fn show(ctx: &Ctx, args: ShowArgs) -> Result<()> {
    let email = matches!(
        args.format,
        Some(ShowFormat::Md | ShowFormat::Html | ShowFormat::Plain)
    );
    if email || args.recap {
        return show_email(ctx, args);
    }
    if args.as_member {
        return show_view::<SharedNote, ()>(ctx, &args, |_, _| Ok(())).map(drop);
    }
    // Under the view, for you: whether the email the member has is out of
    // date, and a recap marked as not needed; read in the same transaction.
    let human = ctx.out.human();
    let (view, emails) = show_view::<Note, _>(ctx, &args, |tx, session| {
        Ok(if human {
            Some((
                sent::latest_sent_with_changes(tx, session)?,
                sent::recap_skipped(tx, &session.id)?,
            ))
        } else {
            None
        })
    })?;
    if let Some((latest, skipped)) = emails {
        print_emails_state(ctx, latest, skipped)?;
        print_balance_hint(ctx, &view.balance);
    }
    Ok(())
}

/// A session of `session list`, with when its recap was acknowledged.
#[derive(Serialize)]
struct Listed {
    #[serde(flatten)]
    session: Session,
    /// When the member first replied to the recap.
    recap_acknowledged_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// `session show --json`: the session view and the replies taken in;
/// for the coach (not `--as-member`), what became of its emails.
#[derive(Serialize)]
struct Shown<'a, N: Visible> {
    #[serde(flatten)]
    view: &'a SessionView<N>,
    replies: &'a [inbox::ReplyRecord],
    #[serde(flatten)]
    emails: Option<EmailsState>,
}

/// What became of a session's emails, for the coach: the one the member
/// has is out of date, or the recap was marked as not needed.
#[derive(Serialize)]
struct EmailsState {
    /// `{kind, sent_at, changes: {notes, actions, saved, date}, resend}`,
    /// or null when what was sent still matches (or nothing was sent).
    changed_since_sent: Option<ChangedSinceSent>,
    /// `{at, reason}` after `share --skip`, else null.
    recap_skipped: Option<sent::Skipped>,
}

#[derive(Serialize)]
struct ChangedSinceSent {
    kind: share::Kind,
    sent_at: chrono::DateTime<chrono::Utc>,
    changes: sent::Changes,
    /// The command that sends it again.
    resend: String,
}

impl EmailsState {
    fn of(tx: &Tx<'_>, session: &Session) -> Result<EmailsState> {
        let changed_since_sent = sent::latest_sent_with_changes(tx, session)?
            .filter(|(_, c)| !c.is_empty())
            .map(|(sent, changes)| ChangedSinceSent {
                kind: sent.kind,
                sent_at: sent.created_at,
                resend: sent::resend_command(&sent),
                changes,
            });
        Ok(EmailsState {
            changed_since_sent,
            recap_skipped: sent::recap_skipped(tx, &session.id)?,
        })
    }
}

/// Which notes and check-offs came from the member's replies, and whether
/// the recap was acknowledged.
fn print_replies(ctx: &Ctx, replies: &[inbox::ReplyRecord]) -> Result<()> {
    if replies.is_empty() {
        return Ok(());
    }
    ctx.out
        .line(format!("\n{}", ctx.out.paint("Replies", HEADING)))?;
    for reply in replies {
        let mut what: Vec<String> = Vec::new();
        if reply.answers == share::Kind::Recap {
            what.push("recap acknowledged".into());
        }
        what.extend(
            reply
                .notes
                .iter()
                .map(|n| format!("note {}", ctx.out.paint(n, ID))),
        );
        what.extend(
            reply
                .done
                .iter()
                .map(|a| format!("done {}", ctx.out.paint(a, ID))),
        );
        if what.is_empty() {
            what.push("nothing new".into());
        }
        ctx.out.line(format!(
            "  {}  from {}'s reply to the {}: {}",
            when::display_local(reply.sent_at),
            reply.author,
            reply.answers.as_str(),
            what.join(", ")
        ))?;
    }
    Ok(())
}

/// For you, under the session: the email the member has is out of date
/// (and how to resend it), or the recap was marked as not needed.
fn print_emails_state(
    ctx: &Ctx,
    latest: Option<(crate::share::Share, sent::Changes)>,
    skipped: Option<sent::Skipped>,
) -> Result<()> {
    if let Some((sent, changes)) = latest.filter(|(_, c)| !c.is_empty()) {
        let message = sent::changed_message(&sent, &changes);
        let (first, rest) = message.split_at(1);
        ctx.out.line(format!(
            "\n{}",
            ctx.out.paint(
                &format!("{}{rest}", first.to_uppercase()),
                crate::output::PRIVATE
            )
        ))?;
        ctx.out
            .line(format!("  resend with: {}", sent::resend_command(&sent)))?;
    }
    if let Some(skipped) = skipped {
        ctx.out.line(format!(
            "\nRecap not needed (skipped {}): {}",
            when::display_local(skipped.at),
            skipped.reason.escape_debug()
        ))?;
    }
    Ok(())
}

/// Prints the session as the audience of `N` sees it (text, `--json` or
/// `--quiet`) and returns the view, with what `more` read about the session
/// in the same transaction.
fn show_view<N: Visible, M>(
    ctx: &Ctx,
    args: &ShowArgs,
    more: impl FnOnce(&Tx<'_>, &Session) -> Result<M>,
) -> Result<(SessionView<N>, M)> {
    let (view, replies, emails, more) = ctx.store()?.read(|tx| {
        let session = session::explicit_or_current(tx, args.session.as_deref())?;
        let replies = inbox::replies_of(tx, &session.id)?;
        let emails = if ctx.out.json && !args.as_member {
            Some(EmailsState::of(tx, &session)?)
        } else {
            None
        };
        let more = more(tx, &session)?;
        Ok((
            view::session_view::<N>(tx, session, ShortIds::All)?,
            replies,
            emails,
            more,
        ))
    })?;
    if ctx.out.json {
        ctx.out.print_json(&Shown {
            view: &view,
            replies: &replies,
            emails,
        })?;
    } else if ctx.out.quiet {
        ctx.out.line(&view.session.id)?;
    } else {
        ctx.out.line(terminal::session(&view, &ctx.out))?;
        print_replies(ctx, &replies)?;
    }
    Ok((view, more))
}

/// `session show --as-member --format plain|html|md [--recap]`: the agenda
/// or recap email as the member receives it, from the same code that sends
/// it. `--recap` alone (or with `--format text`) is the recap's plain text.
fn show_email(ctx: &Ctx, args: ShowArgs) -> Result<()> {
    let format = match args.format {
        Some(ShowFormat::Text) | None => ShowFormat::Plain,
        Some(format) => format,
    };
    if !args.as_member {
        return Err(crate::Error::usage(
            "--format plain, html and md and --recap show the email the team member receives",
        )
        .with_hint("add --as-member"));
    }
    if ctx.out.json {
        return Err(
            crate::Error::usage("the email's formats cannot be combined with --json").with_hint(
                "`coach session show --as-member --json` prints the member's view as JSON",
            ),
        );
    }
    let kind = if args.recap {
        share::Kind::Recap
    } else {
        share::Kind::Agenda
    };
    let part = match format {
        ShowFormat::Html => share::Part::Html,
        ShowFormat::Md => share::Part::Markdown,
        _ => share::Part::Text,
    };
    let (session, document) = ctx.store()?.read(|tx| {
        let session = session::explicit_or_current(tx, args.session.as_deref())?;
        share::compose_part(tx, session, kind, part)
    })?;
    if ctx.out.quiet {
        return ctx.out.line(&session.id);
    }
    ctx.out.line(document.trim_end())
}

fn delete(ctx: &Ctx, args: DeleteArgs) -> Result<()> {
    check_long_enough(&args.session)?;
    let mut store = ctx.store()?;
    let folder = store.folder().to_path_buf();
    let (session, invited) = store.read(|tx| {
        let session = tx.resolve::<session::Session>(&args.session)?;
        let invited =
            share::last_invite(tx, &session.id)?.is_some() && session.member.email.is_some();
        Ok((session, invited))
    })?;
    if !args.yes {
        let question = format!(
            "Delete the session \"{}\" with {} on {}?",
            session.title,
            session.member.name,
            when::display_local(session.date)
        );
        if !ctx
            .prompt
            .confirm(&question, "pass --yes to delete without asking")?
        {
            ctx.out.note("Nothing was deleted.");
            return Ok(());
        }
    }
    let cancel = invited && cancel_invite(ctx, &args, &session)?;
    if cancel {
        // Sent before the deletion: if it fails, nothing is deleted and the
        // same command can be run again.
        let (message, mut settings) = store.read(|tx| {
            let message = share::prepare_cancellation(tx, &session)?
                .ok_or_else(|| Error::internal("the invite to cancel is gone"))?;
            Ok((message, share::mail_settings(tx, &folder)?))
        })?;
        settings.unlock()?;
        crate::mail::send(&settings.transport, &message).map_err(|err| {
            Error::new(
                err.kind(),
                format!(
                    "the cancellation could not be sent, so the session was not deleted: {}",
                    err.message()
                ),
            )
            .with_hint("try again later, or delete it with --no-cancel-invite")
        })?;
    }
    store.write(|tx| {
        // Resolve again inside the write: it may have changed meanwhile.
        let session = session::get(tx, &session.id)?;
        session::delete(tx, &session)
    })?;
    if ctx.out.human() {
        ctx.out.line(format!(
            "Deleted the session {} \"{}\"",
            session.short_id, session.title
        ))?;
        if cancel {
            ctx.out.line(format!(
                "Sent {} a cancellation of the calendar invite",
                session.member.name
            ))?;
        }
    }
    Ok(())
}

/// Whether to cancel the calendar invite that the agenda of `session`
/// carried: the flags, else a question on a terminal; without either, an
/// error naming both flags.
fn cancel_invite(ctx: &Ctx, args: &DeleteArgs, session: &Session) -> Result<bool> {
    if args.cancel_invite || args.no_cancel_invite {
        return Ok(args.cancel_invite);
    }
    let instead =
        "pass --cancel-invite to send a cancellation, or --no-cancel-invite to delete without one";
    if !ctx.prompt.enabled() {
        return Err(Error::usage(format!(
            "the agenda of this session was sent to {} with a calendar invite: say whether to cancel it",
            session.member.name
        ))
        .with_hint(instead));
    }
    ctx.prompt.confirm(
        &format!(
            "Email {} a cancellation so their calendar removes the 1:1?",
            session.member.name
        ),
        instead,
    )
}

fn print_one(ctx: &Ctx, session: &Session, verb: &str) -> Result<()> {
    if ctx.out.json {
        return ctx.out.print_json(session);
    }
    if ctx.out.quiet {
        return ctx.out.line(&session.id);
    }
    ctx.out.line(format!(
        "{verb} {} \"{}\" with {} on {}",
        ctx.out.paint(&session.short_id, crate::output::ID),
        session.title,
        session.member.name,
        when::display_local(session.date)
    ))
}
