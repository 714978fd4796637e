//! The scripts in examples/ run, so they never rot. Each gets the built
//! binary and a throw-away database (the default outbox transport).

use std::path::Path;
use std::process::Command;

/// Runs `examples/NAME` and returns what it printed; fails the test if it
/// fails.
fn run_example(name: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let home = tempfile::tempdir().expect("temp dir");
    let output = Command::new("bash")
        .arg(root.join("examples").join(name))
        .env("COACH", assert_cmd::cargo::cargo_bin("coach"))
        .env("COACH_DB", home.path().join("coach.db"))
        .env("HOME", home.path())
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .env_remove("VISUAL")
        .env_remove("EDITOR")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "examples/{name} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        home.path().join("coach.db").exists(),
        "it used the throw-away database"
    );
    stdout
}

#[test]
fn the_weekly_check_in_runs_from_start_to_recap() {
    let out = run_example("weekly-checkin.sh");
    for expected in [
        "Celebrate the CSAT streak",
        "Private notes (only you see these)",
        "Wrote the agenda",
        "Wrote the recap",
        "Carried over from earlier sessions",
    ] {
        assert!(
            out.contains(expected),
            "the check-in shows {expected:?}:\n{out}"
        );
    }
    // The member's view in the script never shows the private note.
    let members_view = out
        .split("$ coach session show --as-member")
        .nth(1)
        .expect("member view");
    let members_view = members_view.split("$ coach ").next().unwrap_or_default();
    assert!(
        !members_view.contains("Seems tired lately"),
        "{members_view}"
    );
}

#[test]
fn the_monthly_goal_setting_runs_from_its_template() {
    let out = run_example("monthly-goals.sh");
    assert!(out.contains("Monthly goal-setting"), "{out}");
    assert!(
        out.contains("## Goals for next month"),
        "the template's agenda:\n{out}"
    );
    assert!(out.contains("| CSAT |"), "the scorecard:\n{out}");
    assert!(out.contains("Wrote the agenda"), "{out}");
}

#[test]
fn the_csv_imports_run() {
    let out = run_example("import-csv.sh");
    assert!(out.contains("Imported 48 values"), "{out}");
    assert!(out.contains("Scorecard: Alex Kim"), "{out}");
}

#[test]
fn the_weekly_sessions_script_starts_one_session_per_member_and_can_run_again() {
    let env = crate::common::Env::with_team();
    let mine = env.ok(["session", "new", "alex", "-q"]).trim().to_string();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/weekly-sessions.sh");
    let run = || {
        let output = Command::new("bash")
            .arg(&script)
            .arg(&env.db)
            .env("COACH", assert_cmd::cargo::cargo_bin("coach"))
            .env("DAY", "2026-12-14")
            .env("TZ", "UTC")
            .env_remove("COACH_DB")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run bash");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let first = run();
    assert_eq!(first.matches("Started ").count(), 2, "{first}");
    assert!(
        first.contains("with Jordan Park on 2026-12-14 10:00"),
        "{first}"
    );
    let again = run();
    assert_eq!(
        again.matches("Using the session of that day").count(),
        2,
        "{again}"
    );
    let sessions = env.json(["session", "list", "--since", "2026-12-14"]);
    assert_eq!(sessions.as_array().map(Vec::len), Some(2));
    let current = env.json(["session", "show"]);
    assert_eq!(
        current["id"],
        mine.as_str(),
        "the current session did not move"
    );
}

#[test]
fn the_member_replies_come_back_in() {
    let out = run_example("member-replies.sh");
    assert!(out.contains("accepted"), "{out}");
    assert!(
        out.contains("from Alex Kim's reply to the agenda"),
        "session show says what came from the reply: {out}"
    );
    assert!(out.contains("Can we talk about the on-call rota for January?"));
    assert!(out.contains("recap acknowledged"), "{out}");
    assert!(out.contains(":2,S"), "the reply was filed as seen: {out}");
    assert!(out.contains("Wrote the digest of Alex Kim"), "{out}");
    assert!(
        out.contains("a reply from Alex Kim to their digest"),
        "the reply to the digest was taken in: {out}"
    );
    assert!(out.contains("Write up the refund macro tips"), "{out}");
    assert!(out.contains("digest"), "share log shows it: {out}");
}
