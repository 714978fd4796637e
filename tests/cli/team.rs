//! `coach team`: every active member, whoever is most overdue first.

use serde_json::Value;

use crate::common::{snapshot, Env};

fn session(env: &Env, member: &str, date: &str) -> String {
    env.ok(["session", "new", member, "-q", "--date", date])
        .trim()
        .to_string()
}

fn names(rows: &Value) -> Vec<&str> {
    rows.as_array()
        .expect("rows")
        .iter()
        .map(|r| r["member"]["name"].as_str().expect("name"))
        .collect()
}

fn row<'a>(rows: &'a Value, name: &str) -> &'a Value {
    rows.as_array()
        .expect("rows")
        .iter()
        .find(|r| r["member"]["name"] == name)
        .unwrap_or_else(|| panic!("{name} is listed"))
}

/// Alex: last 1:1 ten days ago, one scheduled; Jordan: twenty days ago;
/// Blake: two days ago; Casey and Avery: never; Drew: archived.
fn team() -> Env {
    let env = Env::with_team();
    for name in ["Blake Lee", "Casey Moss", "Avery Diaz", "Drew Fox"] {
        env.ok(["member", "add", name]);
    }
    session(&env, "drew", "-90d");
    env.ok(["member", "archive", "drew"]);

    session(&env, "alex", "-30d");
    env.ok(["action", "add", "Overdue", "--due", "-3d"]);
    let done = env.ok(["action", "add", "Done", "-q"]);
    env.ok(["action", "done", done.trim()]);
    session(&env, "alex", "-10d");
    env.ok(["action", "add", "Open", "--due", "+5d"]);
    env.ok(["action", "add", "Open, no due date"]);
    session(&env, "alex", "+9d");
    session(&env, "alex", "+3d");

    session(&env, "jordan", "-20d");
    // A deleted session's actions are gone with it.
    let deleted = session(&env, "jordan", "-15d");
    env.ok(["action", "add", "Gone", "--due", "-1d"]);
    env.ok(["session", "delete", &deleted, "--yes"]);
    env.ok([
        "save",
        "feedback",
        "jordan",
        "--comment",
        "Great",
        "--rating",
        "5",
    ]);
    env.ok(["save", "qa", "jordan", "--score", "50"]);

    session(&env, "blake", "-2d");
    env
}

#[test]
fn whoever_is_most_overdue_comes_first() {
    let env = team();
    let rows = env.json(["team"]);
    assert_eq!(
        names(&rows),
        [
            "Avery Diaz",
            "Casey Moss",
            "Jordan Park",
            "Alex Kim",
            "Blake Lee"
        ],
        "never coached (by name), then most days since; archived left out"
    );

    let alex = row(&rows, "Alex Kim");
    assert_eq!(alex["days_since"], 10);
    assert_eq!(alex["overdue_days"], 3, "a weekly cadence by default");
    assert_eq!(alex["due"], false, "overdue, but booked in 3 days");
    assert_eq!(alex["open_actions"], 3, "overdue ones included");
    assert_eq!(alex["overdue_actions"], 1);
    assert_eq!(alex["saved_waiting"], 0);
    let last = alex["last_session"]["date"].as_str().expect("last");
    let next = alex["next_session"]["date"].as_str().expect("next");
    assert!(last < next, "{last} {next}");
    let sessions = env.json(["session", "list", "--member", "alex"]);
    let dates: Vec<&str> = sessions
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| s["date"].as_str().expect("date"))
        .collect();
    assert_eq!(
        next, dates[1],
        "the earliest future session, not the latest"
    );
    assert_eq!(last, dates[2]);
    assert_eq!(alex["last_session"]["title"], "Weekly check-in");
    assert_eq!(alex["member"]["email"], "alex@example.com");

    let jordan = row(&rows, "Jordan Park");
    assert_eq!(
        jordan["days_since"], 20,
        "the deleted session does not count"
    );
    assert_eq!(jordan["open_actions"], 0, "nor its action");
    assert_eq!(jordan["overdue_actions"], 0);
    assert_eq!(jordan["saved_waiting"], 2);
    assert!(jordan["next_session"].is_null());

    let blake = row(&rows, "Blake Lee");
    assert_eq!(blake["due"], false);
    assert_eq!(blake["overdue_days"], -5);

    let casey = row(&rows, "Casey Moss");
    assert!(casey["last_session"].is_null());
    assert!(casey["days_since"].is_null());
    assert!(casey["overdue_days"].is_null());
    assert_eq!(casey["due"], true);
    for key in [
        "member",
        "last_session",
        "days_since",
        "overdue_days",
        "due",
        "next_session",
        "open_actions",
        "overdue_actions",
        "saved_waiting",
        "last_recap",
    ] {
        assert!(casey.get(key).is_some(), "a row has {key}");
    }
}

#[test]
fn the_cadence_is_a_setting() {
    let env = team();
    env.ok(["config", "set", "team.cadence-days", "14"]);
    let rows = env.json(["team"]);
    let alex = row(&rows, "Alex Kim");
    assert_eq!(alex["due"], false);
    assert_eq!(alex["overdue_days"], -4);
    assert_eq!(row(&rows, "Jordan Park")["due"], true);
    env.fails(3, ["config", "set", "team.cadence-days", "0"]);
}

#[test]
fn the_table_reads_as_the_overview() {
    let env = team();
    let text = env.ok(["team"]);
    let lines: Vec<&str> = text.lines().collect();
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        [
            "MEMBER", "LAST", "1:1", "DAYS", "DUE", "NEXT", "OPEN", "OVERDUE", "SAVED", "UNSENT",
            "SKIPPED", "RECAP"
        ]
    );
    let order: Vec<usize> = [
        "Avery Diaz",
        "Casey Moss",
        "Jordan Park",
        "Alex Kim",
        "Blake Lee",
    ]
    .iter()
    .map(|n| text.find(n).unwrap_or_else(|| panic!("{n} in:\n{text}")))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(!text.contains("Drew"), "archived: {text}");
    let avery = lines.iter().find(|l| l.contains("Avery")).expect("Avery");
    assert!(avery.contains(" never "), "{avery}");
    assert!(avery.contains(" now "), "{avery}");
    let jordan = lines.iter().find(|l| l.contains("Jordan")).expect("Jordan");
    assert!(jordan.contains(" 20 "), "{jordan}");
    assert!(jordan.contains(" 13 days ago "), "{jordan}");
    let blake = lines.iter().find(|l| l.contains("Blake")).expect("Blake");
    assert!(blake.contains(" in 5 days "), "{blake}");
    let alex: Vec<&str> = lines
        .iter()
        .find(|l| l.contains("Alex"))
        .expect("Alex")
        .split_whitespace()
        .collect();
    // ... NEXT (date time), OPEN, OVERDUE, SAVED, UNSENT (two past
    // sessions, no recap sent), SKIPPED, RECAP (of the last 1:1)
    assert_eq!(
        alex[alex.len() - 6..],
        ["3", "1", "0", "2", "0", "not-sent"],
        "{alex:?}"
    );

    let ids = env.ok(["team", "-q"]);
    let json = env.json(["team"]);
    let expected: Vec<&str> = json
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["member"]["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids.lines().collect::<Vec<_>>(), expected);
}

#[test]
fn an_empty_team_says_how_to_start() {
    let env = Env::initialized();
    let output = env.coach(["team"]).output().expect("run");
    assert!(output.status.success());
    assert!(output.stdout.is_empty());
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("coach member add"), "{err}");
    assert_eq!(env.json(["team"]), serde_json::json!([]));
}

#[test]
fn the_overview_only_reads() {
    let env = team();
    let before = snapshot(&env.db);
    env.ok(["team"]);
    env.json(["team"]);
    assert_eq!(snapshot(&env.db), before);
    env.fails(2, ["team", "extra"]);
    let help = env.ok(["team", "--help"]);
    assert!(help.contains("Examples:"), "{help}");
    assert!(help.contains("team.cadence-days"), "{help}");
}

#[test]
fn due_only_when_no_session_is_booked_within_the_cadence() {
    let env = Env::with_team();
    session(&env, "alex", "-10d");
    let far = session(&env, "alex", "+9d");
    let due = |env: &Env| row(&env.json(["team"]), "Alex Kim")["due"].clone();
    assert_eq!(due(&env), true, "the next one is beyond the cadence");
    let soon = session(&env, "alex", "+6d");
    assert_eq!(due(&env), false, "booked in 6 days, within 7");
    env.ok(["session", "delete", &soon, "--yes"]);
    env.ok(["config", "set", "team.cadence-days", "10"]);
    assert_eq!(due(&env), false, "10 days since, and booked in 9");
    env.ok(["session", "delete", &far, "--yes"]);
    assert_eq!(due(&env), true);
}

/// `team` reads its open and overdue counts from counts the database keeps
/// as actions change (so it does not walk years of open actions): they
/// follow every way an action opens, closes, moves or comes back.
#[test]
fn the_counts_follow_every_change_of_an_action() {
    let env = Env::with_team();
    let counts = |when: &str| {
        let rows = env.json(["team"]);
        let alex = row(&rows, "Alex Kim");
        let jordan = row(&rows, "Jordan Park");
        let report = env.json(["doctor"]);
        assert_eq!(report["ok"], true, "after {when}: {report}");
        [
            alex["open_actions"].as_u64().expect("open"),
            alex["overdue_actions"].as_u64().expect("overdue"),
            jordan["open_actions"].as_u64().expect("open"),
            jordan["overdue_actions"].as_u64().expect("overdue"),
        ]
    };
    let meeting = session(&env, "alex", "-10d");
    let late = env.ok(["action", "add", "Late", "--due", "-3d", "-q"]);
    let undated = env.ok(["action", "add", "Undated", "-q"]);
    let later = env.ok(["action", "add", "Later", "--due", "+5d", "-q"]);
    assert_eq!(counts("three added"), [3, 1, 0, 0]);

    env.ok(["action", "done", late.trim()]);
    assert_eq!(counts("done"), [2, 0, 0, 0]);
    env.ok(["undo"]);
    assert_eq!(counts("the done undone"), [3, 1, 0, 0]);
    env.ok(["action", "done", late.trim()]);
    env.ok(["action", "reopen", late.trim()]);
    assert_eq!(counts("reopened"), [3, 1, 0, 0]);

    env.ok(["action", "edit", later.trim(), "--due", "-1d"]);
    assert_eq!(counts("due moved into the past"), [3, 2, 0, 0]);
    env.ok(["action", "edit", undated.trim(), "--due", "-1d"]);
    assert_eq!(counts("a due date given"), [3, 3, 0, 0]);
    env.ok(["action", "edit", undated.trim(), "--no-due"]);
    assert_eq!(counts("the due date removed"), [3, 2, 0, 0]);

    env.ok(["action", "rm", undated.trim()]);
    assert_eq!(counts("deleted"), [2, 2, 0, 0]);
    env.ok(["undo"]);
    assert_eq!(counts("the delete undone"), [3, 2, 0, 0]);

    env.ok(["session", "delete", &meeting, "--yes"]);
    assert_eq!(counts("the session deleted"), [0, 0, 0, 0]);
    env.ok(["undo"]);
    assert_eq!(counts("the session back"), [3, 2, 0, 0]);

    // Another member's actions are counted apart.
    session(&env, "jordan", "-1d");
    env.ok(["action", "add", "Jordan's", "--due", "-2d"]);
    assert_eq!(counts("another member's"), [3, 2, 1, 1]);
}
