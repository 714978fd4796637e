//! `coach team`: the team at a glance, whoever is most overdue first.

use clap::Args;

use super::Ctx;
use crate::team::{self, TeamRow};
use crate::{when, Result};

/// Your team at a glance: who is due for a 1:1
///
/// Every active member with their last 1:1 and the days since, when the
/// next one is due by your cadence (the setting `team.cadence-days`,
/// default 7), the next session scheduled, their open and overdue action
/// items, the saved feedback and QA reviews waiting for a session, and the
/// recaps of past sessions not sent (UNSENT) or marked as not needed
/// (SKIPPED, `coach share --skip`).
///
/// Whoever is most overdue for a 1:1 comes first: members never coached,
/// then the most days since the last 1:1 (calendar days, local time); ties
/// by name. Archived members are left out.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  coach team\n  coach config set team.cadence-days 14       # fortnightly 1:1s\n  coach team --json | jq -r '.[] | select(.due) | .member.name'"
)]
pub struct TeamArgs {}

pub(super) fn run(ctx: &Ctx, _args: TeamArgs) -> Result<()> {
    let rows = ctx.store()?.read(team::overview)?;
    if ctx.out.json {
        return ctx.out.print_json(&rows);
    }
    if ctx.out.quiet {
        return ctx.out.print_ids(rows.iter().map(|r| r.member.id.as_str()));
    }
    let table = rows
        .iter()
        .map(|r| {
            vec![
                r.member.name.clone(),
                r.last_session
                    .as_ref()
                    .map_or_else(|| "never".to_string(), |s| when::display_local_date(s.date)),
                r.days_since
                    .map_or_else(|| "-".to_string(), |d| d.to_string()),
                due(r),
                team::format_date(r.next_session.as_ref()),
                r.open_actions.to_string(),
                r.overdue_actions.to_string(),
                r.saved_waiting.to_string(),
                r.unsent_recaps.to_string(),
                r.skipped_recaps.to_string(),
                r.last_recap.map_or("-", |s| s.as_str()).to_string(),
            ]
        })
        .collect();
    ctx.out.print_table(
        &[
            "MEMBER", "LAST 1:1", "DAYS", "DUE", "NEXT", "OPEN", "OVERDUE", "SAVED", "UNSENT",
            "SKIPPED", "RECAP",
        ],
        table,
        "no active members; add one with: coach member add \"NAME\" --email EMAIL",
    )
}

/// When the next 1:1 is due by the cadence: `now` (never coached),
/// `12 days ago`, `today`, `in 3 days`.
fn due(row: &TeamRow) -> String {
    match row.overdue_days {
        None => "now".to_string(),
        Some(0) => "today".to_string(),
        Some(d) if d > 0 => format!("{} ago", team::format_days(d)),
        Some(d) => format!("in {}", team::format_days(-d)),
    }
}
