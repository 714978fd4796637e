//! Values for shell completion, read from the database.
//!
//! clap_complete's dynamic engine calls these when the shell asks (Tab).
//! They open the database read-only, never create or migrate it, and fail
//! silently: a completion that cannot be computed offers nothing.

use clap_complete::{ArgValueCandidates, ArgValueCompleter, CompletionCandidate};

use crate::note::Note;
use crate::store::{ShortIds, Store, Tx};
use crate::{action, attachment, config, member, saved, session, template, when, Result};

/// The command tree with database values attached to the arguments that
/// take them. Arguments are matched by name, one convention for the whole
/// CLI: an argument called `member` (or `by`) takes a MEMBER, `session` a
/// SESSION, and so on; the clap definitions stay free of completion code.
pub fn command() -> clap::Command {
    with_candidates(crate::cli::command(), &|_| true)
}

/// The command tree for completing `words` (what was typed, the program
/// first): database values are attached only along the subcommands the
/// words name, as no other argument can be the one completed.
///
/// The other top-level commands are left unbuilt (`cli::Deferred`): once a
/// word before the one being completed names a command, no argument of
/// another can be the one completed.
pub fn command_for(words: &[std::ffi::OsString]) -> clap::Command {
    let named = |name: &str| words.iter().any(|w| w == name);
    let typed = &words[..words.len().saturating_sub(1)];
    let before = |name: &str| typed.iter().any(|w| w == name);
    let mut cmd = crate::cli::lazy_command();
    let unused: Vec<String> = cmd
        .get_subcommands()
        .filter(|s| !names_of(s).any(before))
        .map(|s| s.get_name().to_string())
        .collect();
    // No command named yet, or `coach help ...` (which completes over the
    // copies clap makes of every command): the whole tree.
    if unused.len() == cmd.get_subcommands().count() || before("help") {
        return with_candidates(crate::cli::command(), &named);
    }
    for name in unused {
        cmd = cmd.mut_subcommand(name, |sub| sub.defer(|sub| sub));
    }
    cmd.build();
    with_candidates(cmd, &named)
}

/// A command's name and aliases.
fn names_of(cmd: &clap::Command) -> impl Iterator<Item = &str> {
    std::iter::once(cmd.get_name()).chain(cmd.get_all_aliases())
}

/// Answers a shell's request for completions (`COMPLETE=<shell> coach --
/// coach WORDS...`) and exits; returns at once when there is none.
///
/// clap_complete's `CompleteEnv` does the same, but after answering it
/// drops the whole command tree (1.8 M instructions of a 11.6 M
/// request); here the process exits with the tree still built. Anything
/// but a plain request (the registration script, an unknown shell) is left
/// to `CompleteEnv`.
pub fn answer_shell() {
    use clap_complete::env::Shells;
    use std::io::Write;

    let Some(shell) = std::env::var_os("COMPLETE") else {
        return;
    };
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let words = match args.iter().position(|a| a == "--") {
        Some(i) => &args[i + 1..],
        None => &args[args.len()..],
    };
    let shells = Shells::builtins();
    let completer = std::path::Path::new(&shell)
        .file_stem()
        .and_then(|stem| stem.to_str())
        .and_then(|name| shells.completer(name));
    let (Some(completer), false) = (completer, words.is_empty()) else {
        clap_complete::CompleteEnv::with_factory(command).complete();
        return;
    };
    let mut cmd = command_for(words);
    cmd.build();
    let current_dir = std::env::current_dir().ok();
    let mut buf = Vec::new();
    let answered = completer
        .write_complete(&mut cmd, words.to_vec(), current_dir.as_deref(), &mut buf)
        .and_then(|()| std::io::stdout().write_all(&buf));
    // Without dropping `cmd`: the process ends here.
    std::process::exit(if answered.is_ok() { 0 } else { 1 })
}

fn with_candidates(cmd: clap::Command, wanted: &dyn Fn(&str) -> bool) -> clap::Command {
    // `mut_args` keeps the arguments in place (positional order matters);
    // `mut_arg` would move each one to the end.
    let mut cmd = cmd.mut_args(|arg| match arg.get_id().as_str() {
        // Members are matched here, not by the engine's case-sensitive
        // prefix test: `al` offers "Alex Kim", and "Zoë" answers `zoe`.
        "member" | "by" => arg.add(ArgValueCompleter::new(members)),
        id => match candidates_for(id) {
            Some(candidates) => arg.add(ArgValueCandidates::new(candidates)),
            None => arg,
        },
    });
    let names: Vec<String> = cmd
        .get_subcommands()
        .filter(|s| names_of(s).any(wanted))
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |sub| with_candidates(sub, wanted));
    }
    cmd
}

fn candidates_for(arg: &str) -> Option<fn() -> Vec<CompletionCandidate>> {
    Some(match arg {
        "session" => sessions,
        "note" => notes,
        "action" => actions,
        "template" => templates,
        "key" => config_keys,
        "items" => saved_items,
        "attachment" => attachments,
        _ => return None,
    })
}

/// How many recent sessions are offered (the newest first).
const RECENT_SESSIONS: usize = 100;

/// The names of members matching what is typed so far (its beginning, or
/// a word's, ignoring case and accents), with their team and email as help.
pub fn members(typed: &std::ffi::OsStr) -> Vec<CompletionCandidate> {
    let typed = typed.to_string_lossy();
    offer(|tx| {
        // Names are what is completed: no short ids needed.
        Ok(member::list_without_short_ids(tx, false)?
            .into_iter()
            .filter(|m| member::name_begins_with(&m.name, &typed))
            .map(|m| {
                let help = [m.team.as_deref(), m.email.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(", ");
                CompletionCandidate::new(m.name).help(Some(help.into()))
            })
            .collect())
    })
}

/// Recent sessions' short ids, with date, member and title as help.
pub fn sessions() -> Vec<CompletionCandidate> {
    offer(|tx| {
        let filter = session::Filter {
            limit: Some(RECENT_SESSIONS),
            ..session::Filter::default()
        };
        Ok(session::list(tx, &filter)?
            .into_iter()
            .map(|s| {
                let help = format!(
                    "{} {}: {}",
                    when::display_local_date(s.date),
                    s.member.name,
                    s.title
                );
                CompletionCandidate::new(s.short_id).help(Some(help.into()))
            })
            .collect())
    })
}

/// The notes of the current session, with their first line as help.
pub fn notes() -> Vec<CompletionCandidate> {
    offer(|tx| {
        let Some(current) = session::current(tx)? else {
            return Ok(Vec::new());
        };
        Ok(crate::note::list::<Note>(tx, &current.id, ShortIds::All)?
            .into_iter()
            .map(|n| {
                let first: String = n
                    .body
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .take(50)
                    .collect();
                CompletionCandidate::new(n.short_id).help(Some(first.into()))
            })
            .collect())
    })
}

/// Open actions, by due date, with their text as help.
pub fn actions() -> Vec<CompletionCandidate> {
    offer(|tx| {
        Ok(action::list(tx, &action::Filter::default())?
            .into_iter()
            .map(|a| {
                let help = format!("{}: {}", a.member.name, first_line(&a.body));
                CompletionCandidate::new(a.short_id).help(Some(help.into()))
            })
            .collect())
    })
}

/// Template names, with their title as help.
pub fn templates() -> Vec<CompletionCandidate> {
    offer(|tx| {
        Ok(template::list(tx)?
            .into_iter()
            .map(|t| CompletionCandidate::new(t.name).help(Some(t.title.into())))
            .collect())
    })
}

/// Saved items waiting for the current session's member (or anyone's).
pub fn saved_items() -> Vec<CompletionCandidate> {
    offer(|tx| {
        let member = session::current(tx)?.map(|s| s.member.id);
        Ok(
            saved::waiting(tx, member.as_deref(), Some(RECENT_SESSIONS))?
                .into_iter()
                .map(|item| {
                    let comment = match &item {
                        saved::Item::Feedback(f) => first_line(&f.comment),
                        saved::Item::Qa(q) => format!(
                            "{}/100 {}",
                            q.score,
                            first_line(q.comment.as_deref().unwrap_or_default())
                        ),
                    };
                    let help = format!(
                        "{} {}: {comment}",
                        when::display_local_date(item.date()),
                        item.kind().as_str()
                    );
                    CompletionCandidate::new(item.short_id().to_string()).help(Some(help.into()))
                })
                .collect(),
        )
    })
}

/// The current session's attachments, with their name as help.
pub fn attachments() -> Vec<CompletionCandidate> {
    offer(|tx| {
        let Some(current) = session::current(tx)? else {
            return Ok(Vec::new());
        };
        Ok(
            attachment::for_session::<Note>(tx, &current.id, ShortIds::All)?
                .into_iter()
                .map(|a| CompletionCandidate::new(a.short_id).help(Some(a.name.into())))
                .collect(),
        )
    })
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(50)
        .collect()
}

/// Every setting key, with what it does as help.
pub fn config_keys() -> Vec<CompletionCandidate> {
    config::KEYS
        .iter()
        .map(|key| CompletionCandidate::new(key.name).help(Some(key.help.into())))
        .collect()
}

/// Runs `f` on the database named by `COACH_DB` (or the default one), or
/// offers nothing if it cannot be read.
fn offer(f: impl FnOnce(&Tx<'_>) -> Result<Vec<CompletionCandidate>>) -> Vec<CompletionCandidate> {
    let path = match std::env::var_os("COACH_DB") {
        Some(path) if !path.is_empty() => std::path::PathBuf::from(path),
        _ => match Store::default_path() {
            Ok(path) => path,
            Err(_) => return Vec::new(),
        },
    };
    Store::open_read_only(&path)
        .and_then(|mut store| store.read(f))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_completion_command_tree_is_well_formed() {
        super::command().debug_assert();
    }
}
