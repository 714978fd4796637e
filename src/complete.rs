//! Values for shell completion, read from the database.
//!
//! clap_complete's dynamic engine calls these when the shell asks (Tab).
//! They open the database read-only, never create or migrate it, and fail
//! silently: a completion that cannot be computed offers nothing.

use clap_complete::CompletionCandidate;

use crate::store::{Store, Tx};
use crate::{config, member, session, when, Result};

/// How many recent sessions are offered (the newest first).
const RECENT_SESSIONS: usize = 100;

/// Member names, with their team and email as help.
pub fn members() -> Vec<CompletionCandidate> {
    offer(|tx| {
        Ok(member::list(tx, false)?
            .into_iter()
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
        Ok(
            crate::note::list(tx, &current.id, crate::view::Audience::Owner)?
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
                .collect(),
        )
    })
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
