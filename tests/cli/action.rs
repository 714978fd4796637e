//! Action items: add, check off, edit, list, and carried over between sessions.

use serde_json::Value;

use crate::common::{snapshot, Env};

fn session(env: &Env, member: &str, date: &str) -> String {
    env.ok(["session", "new", member, "-q", "--date", date])
        .trim()
        .to_string()
}

fn add(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["action", "add"];
    all.extend_from_slice(args);
    env.json(all)
}

fn id(value: &Value) -> String {
    value["id"].as_str().expect("id").to_string()
}

/// The bodies of the actions `action list ARGS` prints, in order.
fn listed(env: &Env, args: &[&str]) -> Vec<String> {
    let mut all = vec!["action", "list"];
    all.extend_from_slice(args);
    env.json(all)
        .as_array()
        .expect("list")
        .iter()
        .map(|a| a["body"].as_str().expect("body").to_string())
        .collect()
}

fn bodies(list: &Value) -> Vec<&str> {
    list.as_array()
        .expect("list")
        .iter()
        .map(|a| a["body"].as_str().expect("body"))
        .collect()
}

#[test]
fn actions_are_added_with_due_dates_and_owners() {
    let env = Env::with_team();
    let s = session(&env, "alex", "2026-12-01");
    let added = env.ok([
        "action",
        "add",
        "Review the refund playbook",
        "--due",
        "2026-12-04",
    ]);
    assert!(added.starts_with("Added action "), "{added}");
    assert!(
        added.contains("for Alex Kim, due 2026-12-04 09:00"),
        "{added}"
    );

    let timed = add(&env, &["Send the survey", "--due", "2026-12-04 17:30"]);
    assert_eq!(timed["due_at"], "2026-12-04T17:30:00Z");
    let past = add(&env, &["Recorded late", "--due", "-2d"]);
    assert_eq!(past["state"], "overdue", "a past due date is accepted");
    let relative = add(&env, &["Shadow", "a", "shift", "--due", "+3d"]);
    assert_eq!(relative["body"], "Shadow a shift");
    assert!(relative["due_at"].is_string());
    let weekday = add(&env, &["Weekly report", "--due", "friday"]);
    assert!(weekday["due_at"]
        .as_str()
        .expect("due")
        .ends_with("T09:00:00Z"));

    let mine = add(&env, &["Book the training room", "--owner", "me"]);
    assert_eq!(mine["owner"], "coach");
    assert!(mine["due_at"].is_null());
    assert_eq!(timed["owner"], "member", "the member by default");
    for key in [
        "id",
        "short_id",
        "session_id",
        "session_date",
        "member",
        "body",
        "owner",
        "due_at",
        "done_at",
        "state",
        "created_at",
        "updated_at",
    ] {
        assert!(mine.get(key).is_some(), "an action has {key}: {mine}");
    }
    assert_eq!(mine["session_id"], s.as_str());
    assert_eq!(mine["member"]["name"], "Alex Kim");
    assert_eq!(mine["state"], "open");
    assert_eq!(mine["id"].as_str().expect("id").len(), 32);

    // Another session's action, by --session; its member is that session's.
    let other = session(&env, "jordan", "2026-12-02");
    let theirs = add(&env, &["Read the billing FAQ", "--session", &s[..8]]);
    assert_eq!(theirs["member"]["name"], "Alex Kim");
    let q = env.ok(["action", "add", "-q", "Quiet one"]);
    assert_eq!(q.trim().len(), 32);
    assert_eq!(
        env.json(["action", "list", "--session", &other[..8]])[0]["member"]["name"],
        "Jordan Park"
    );

    let shown = env.ok(["session", "show", &s[..8]]);
    let at = shown
        .find("\nAction items\n")
        .expect("an Action items section");
    assert!(shown[at..].contains("☐"));
    assert!(shown[at..].contains("Review the refund playbook  Alex Kim · due 2026-12-04 09:00"));
    assert!(shown[at..].contains("Book the training room  Sam Lee"));
}

#[test]
fn actions_are_done_reopened_edited_and_removed() {
    let env = Env::with_team();
    session(&env, "alex", "2026-12-01");
    let action = id(&add(&env, &["Review the playbook", "--due", "2026-12-04"]));
    let short = &action[..8];

    let done = env.json(["action", "done", short]);
    assert_eq!(done["state"], "done");
    assert!(done["done_at"].is_string());
    let before = snapshot(&env.db);
    let again = env.ok(["action", "done", short]);
    assert!(again.contains("already done"), "{again}");
    assert_eq!(snapshot(&env.db), before, "done twice changes nothing");
    let shown = env.ok(["session", "show"]);
    assert!(shown.contains("☑"), "{shown}");

    let reopened = env.json(["action", "reopen", short]);
    assert_eq!(reopened["state"], "open");
    assert!(reopened["done_at"].is_null());
    assert!(env.ok(["action", "reopen", short]).contains("already open"));

    let edited = env.json([
        "action",
        "edit",
        short,
        "--text",
        "Review the refund playbook",
        "--owner",
        "me",
        "--due",
        "2026-12-05 12:00",
    ]);
    assert_eq!(edited["body"], "Review the refund playbook");
    assert_eq!(edited["owner"], "coach");
    assert_eq!(edited["due_at"], "2026-12-05T12:00:00Z");
    let edited = env.json(["action", "edit", short, "--no-due", "--owner", "member"]);
    assert!(edited["due_at"].is_null());
    assert_eq!(edited["owner"], "member");
    assert_eq!(edited["body"], "Review the refund playbook", "kept");
    let err = env.fails(2, ["action", "edit", short]);
    assert!(err.contains("--text"), "{err}");
    env.fails(2, ["action", "edit", short, "--due", "friday", "--no-due"]);

    let removed = env.ok(["action", "rm", short]);
    assert!(removed.starts_with("Deleted action"), "{removed}");
    assert!(listed(&env, &["--all"]).is_empty());
    env.fails(3, ["action", "done", short]);
    env.fails(3, ["action", "rm", short]);
}

#[test]
fn lists_filter_by_state_member_and_session_and_sort_by_due_date() {
    let env = Env::with_team();
    let first = session(&env, "alex", "2026-12-01");
    add(&env, &["No due date"]);
    add(&env, &["Due later", "--due", "2099-03-01"]);
    add(&env, &["Overdue", "--due", "2020-01-01"]);
    let done = id(&add(&env, &["Done already", "--due", "2099-01-01"]));
    env.ok(["action", "done", &done]);
    let jordans = session(&env, "jordan", "2026-12-02");
    add(&env, &["Jordan's", "--due", "2099-02-01"]);

    assert_eq!(
        listed(&env, &[]),
        ["Overdue", "Jordan's", "Due later", "No due date"],
        "open ones by due date, no due date last"
    );
    assert_eq!(listed(&env, &["--open"]), listed(&env, &[]));
    assert_eq!(listed(&env, &["--done"]), ["Done already"]);
    assert_eq!(listed(&env, &["--overdue"]), ["Overdue"]);
    assert_eq!(
        listed(&env, &["--all"]),
        [
            "Overdue",
            "Done already",
            "Jordan's",
            "Due later",
            "No due date"
        ]
    );
    assert_eq!(
        listed(&env, &["--member", "alex"]),
        ["Overdue", "Due later", "No due date"]
    );
    assert_eq!(
        listed(&env, &["--member", "jordan", "--overdue"]),
        Vec::<String>::new()
    );
    assert_eq!(
        listed(&env, &["--member", "alex", "--overdue"]),
        ["Overdue"]
    );
    assert_eq!(
        listed(&env, &["--session", &first[..8], "--all"]),
        ["Overdue", "Done already", "Due later", "No due date"]
    );
    assert_eq!(
        listed(&env, &["--session", &first[..8], "--done"]),
        ["Done already"]
    );

    let overdue = &env.json(["action", "list", "--overdue"])[0];
    assert_eq!(overdue["state"], "overdue");
    let table = env.ok(["action", "list"]);
    let header = table.lines().next().expect("header");
    for column in ["ID", "DUE", "OWNER", "MEMBER", "ACTION", "STATE"] {
        assert!(header.contains(column), "{header}");
    }
    let overdue_row = table.lines().find(|l| l.contains("Overdue")).expect("row");
    assert!(overdue_row.contains("OVERDUE") && overdue_row.contains("Alex Kim"));
    assert!(overdue_row.contains("2020-01-01 09:00") && overdue_row.contains("member"));
    assert_eq!(env.ok(["action", "list", "-q"]).lines().count(), 4);

    let before = snapshot(&env.db);
    env.ok(["action", "list", "--all"]);
    assert_eq!(snapshot(&env.db), before, "a list does not write");
    env.fails(2, ["action", "list", "--open", "--done"]);
    env.fails(3, ["action", "list", "--member", "nobody"]);

    // Due the same day: in the order they were agreed, done or not, in
    // the table as in JSON (lists other than the open ones are sorted by
    // coach rather than read in order from an index).
    let third = session(&env, "jordan", "2026-12-03");
    add(&env, &["Same day, first", "--due", "2099-04-01"]);
    let second = id(&add(&env, &["Same day, second", "--due", "2099-04-01"]));
    env.ok(["action", "done", &second]);
    add(&env, &["Same day, third", "--due", "2099-04-01"]);
    let all = listed(&env, &["--all"]);
    assert_eq!(
        all[3..],
        [
            "Due later",
            "Same day, first",
            "Same day, second",
            "Same day, third",
            "No due date"
        ]
    );
    assert_eq!(
        listed(&env, &["--done"]),
        ["Done already", "Same day, second"]
    );
    let table = env.ok(["action", "list", "--all"]);
    let in_table: Vec<&String> = table
        .lines()
        .skip(1)
        .map(|line| {
            all.iter()
                .find(|body| line.contains(body.as_str()))
                .expect("row")
        })
        .collect();
    assert_eq!(in_table, all.iter().collect::<Vec<_>>());

    // Each action names the session it was agreed in, with its date.
    for action in env
        .json(["action", "list", "--all"])
        .as_array()
        .expect("list")
    {
        let body = action["body"].as_str().expect("body");
        let (session, date) = match body {
            "Jordan's" => (&jordans, "2026-12-02"),
            _ if body.starts_with("Same day") => (&third, "2026-12-03"),
            _ => (&first, "2026-12-01"),
        };
        assert_eq!(action["session_id"], session.as_str(), "{body}");
        let held = action["session_date"].as_str().expect("date");
        assert!(held.starts_with(date), "{body}: {held}");
    }
}

#[test]
fn bad_actions_are_refused_and_change_nothing() {
    let env = Env::with_team();
    let err = env.fails(3, ["action", "add", "No session yet"]);
    assert!(err.contains("there is no current session"), "{err}");
    session(&env, "alex", "2026-12-01");
    let err = env.fails(3, ["action", "add", "   "]);
    assert!(err.contains("the action is empty"), "{err}");
    let err = env.fails(3, ["action", "add", "Read it", "--due", "someday"]);
    assert!(err.contains("cannot read \"someday\" as a date"), "{err}");
    let err = env.fails(3, ["action", "add", "Two\nlines"]);
    assert!(err.contains("line break"), "{err}");
    env.fails(3, ["action", "add", &"x".repeat(501)]);
    env.fails(2, ["action", "add", "Read it", "--owner", "everyone"]);
    env.fails(2, ["action", "add"]);
    let err = env.fails(3, ["action", "done", "ffffffff"]);
    assert!(err.contains("no action has an id starting with"), "{err}");
    let err = env.fails(3, ["action", "reopen", "not-an-id"]);
    assert!(err.contains("is not an action id"), "{err}");
    let action = id(&add(&env, &["Real one"]));
    env.fails(3, ["action", "edit", &action, "--due", "the day after"]);
    env.fails(3, ["action", "edit", &action, "--text", ""]);
    env.fails(3, ["action", "edit", "ffffffff", "--text", "x"]);
}

#[test]
fn open_actions_carry_over_and_stay_one_record() {
    let env = Env::with_team();
    let first = session(&env, "alex", "2026-12-01");
    let open = id(&add(
        &env,
        &["Shadow a team lead shift", "--due", "2026-12-05"],
    ));
    let closed = id(&add(&env, &["Read the playbook"]));
    env.ok(["action", "done", &closed]);
    // Someone else's open action is not carried into Alex's sessions.
    session(&env, "jordan", "2026-12-02");
    add(&env, &["Jordan's own"]);

    let second = session(&env, "alex", "2026-12-08");
    let view = env.json(["session", "show"]);
    let carried = view["carried_over"].as_array().expect("carried_over");
    assert_eq!(bodies(&view["carried_over"]), ["Shadow a team lead shift"]);
    assert_eq!(carried[0]["id"], open.as_str());
    assert_eq!(carried[0]["session_id"], first.as_str());
    assert!(view["actions"].as_array().expect("actions").is_empty());
    let shown = env.ok(["session", "show"]);
    let carried_at = shown
        .find("Carried over from earlier sessions")
        .expect("a carried-over section");
    assert!(
        carried_at < shown.find("\nNotes\n").expect("notes"),
        "right after the header"
    );
    assert!(shown.contains("☐"), "{shown}");
    assert!(shown.contains("agreed 2026-12-01"), "{shown}");

    // Checked off in the second session: done everywhere.
    env.ok(["action", "done", &open[..6]]);
    let again = env.json(["session", "show"]);
    assert_eq!(
        again["carried_over"][0]["state"], "done",
        "still shown, as done"
    );
    let in_first = env.json(["session", "show", &first]);
    assert_eq!(
        bodies(&in_first["actions"]),
        ["Shadow a team lead shift", "Read the playbook"]
    );
    assert!(in_first["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .all(|a| a["state"] == "done"));
    assert!(in_first["carried_over"]
        .as_array()
        .expect("list")
        .is_empty());

    // A later session no longer carries what was done before it started.
    session(&env, "alex", "2026-12-15");
    assert!(env.json(["session", "show"])["carried_over"]
        .as_array()
        .expect("list")
        .is_empty());
    let reopened = env.json(["action", "reopen", &open]);
    assert_eq!(reopened["state"], "open");
    assert_eq!(
        bodies(&env.json(["session", "show"])["carried_over"]),
        ["Shadow a team lead shift"]
    );
    assert_eq!(
        bodies(&env.json(["session", "show", &second])["carried_over"]),
        ["Shadow a team lead shift"]
    );
    // The member sees what is carried over too.
    let theirs = env.json(["session", "show", "--as-member"]);
    assert_eq!(
        bodies(&theirs["carried_over"]),
        ["Shadow a team lead shift"]
    );
}

#[test]
fn a_deleted_session_takes_its_actions_and_kudos_with_it() {
    let env = Env::with_team();
    let first = session(&env, "alex", "2026-12-01");
    let action = id(&add(&env, &["From a deleted session"]));
    env.ok(["kudos", "Gone too"]);
    env.ok(["session", "delete", &first, "--yes"]);
    session(&env, "alex", "2026-12-08");
    let kept = id(&add(&env, &["From the next session"]));
    assert_eq!(listed(&env, &["--all"]), ["From the next session"]);
    // The table, which reads less than --json, leaves it out too.
    let table = env.ok(["action", "list", "--all"]);
    assert!(table.contains(&kept[..4]) && !table.contains("From a deleted session"));
    assert!(env.json(["session", "show"])["carried_over"]
        .as_array()
        .expect("list")
        .is_empty());
    assert!(env
        .json(["kudos", "list"])
        .as_array()
        .expect("list")
        .is_empty());
    env.fails(3, ["action", "done", &action]);
}

#[test]
fn an_action_is_overdue_once_its_due_day_is_over_in_the_coachs_zone_everywhere() {
    let env = Env::with_team();
    env.ok(["config", "set", "user.timezone", "Pacific/Auckland"]);
    session(&env, "alex", "yesterday 10:00");
    // Due at the very start of today: its day is not over yet, whatever
    // the time now. Due at the last minute of yesterday: it is.
    add(&env, &["Due today", "--due", "today 00:00"]);
    add(&env, &["Due yesterday", "--due", "yesterday 23:59"]);

    assert_eq!(listed(&env, &["--overdue"]), ["Due yesterday"]);
    let states: Vec<(String, String)> = env
        .json(["action", "list"])
        .as_array()
        .expect("list")
        .iter()
        .map(|a| {
            (
                a["body"].as_str().unwrap_or_default().into(),
                a["state"].as_str().unwrap_or_default().into(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("Due yesterday".to_string(), "overdue".to_string()),
            ("Due today".to_string(), "open".to_string())
        ]
    );
    let team = env.json(["team"]);
    let alex = team
        .as_array()
        .expect("team")
        .iter()
        .find(|m| m["member"]["name"] == "Alex Kim")
        .expect("alex");
    assert_eq!(alex["overdue_actions"], 1, "{alex}");
    let trends = env.json(["member", "trends", "alex"]);
    assert_eq!(trends["actions"]["overdue"], 1, "{trends}");
    let status = env.json(["status"]);
    let actions: Vec<&Value> = status["pending"]
        .as_array()
        .expect("pending")
        .iter()
        .filter(|p| p["kind"] == "action")
        .collect();
    assert_eq!(actions.len(), 1, "{status}");
    let recap = env.ok(["share", "--recap", "--dry-run"]);
    assert_eq!(recap.matches(", overdue").count(), 1, "{recap}");
}
