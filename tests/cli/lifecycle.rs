//! A session's whole life from scripts and cron: sessions started without
//! moving the current one, no accidental duplicates.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::Env;

fn current(env: &Env) -> Option<String> {
    let out = env.coach(["session", "show", "-q"]).output().expect("run");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

#[test]
fn a_script_starts_a_session_without_moving_the_current_one() {
    let env = Env::with_team();
    let mine = env
        .ok(["session", "new", "jordan", "-q"])
        .trim()
        .to_string();
    let from_cron = env
        .ok(["session", "new", "alex", "--no-use", "-q"])
        .trim()
        .to_string();
    assert_eq!(from_cron.len(), 32, "only the id: {from_cron:?}");
    assert_ne!(from_cron, mine);
    assert_eq!(current(&env).as_deref(), Some(mine.as_str()));

    // Without -q it says which session it started.
    let out = env
        .coach(["session", "new", "alex", "--no-use", "--date", "+7d"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stdout.starts_with("Started "), "{stdout}");
    assert!(stderr.is_empty(), "nothing to say to a script: {stderr}");
    assert_eq!(current(&env).as_deref(), Some(mine.as_str()));

    // Commands reach it by id.
    env.ok(["note", "add", "--session", &from_cron, "From cron"]);
    let view = env.json(["session", "show", &from_cron]);
    assert_eq!(view["notes"][0]["body"], "From cron");
}

#[test]
fn once_returns_the_members_session_of_that_day_and_a_rerun_changes_nothing() {
    let env = Env::with_team();
    let args = [
        "session",
        "new",
        "alex",
        "--date",
        "2026-12-07 10:00",
        "--once",
        "--no-use",
        "-q",
    ];
    let first = env.ok(args).trim().to_string();
    let before = crate::common::snapshot(&env.db);
    let again = env.ok(args).trim().to_string();
    assert_eq!(first, again, "the same session");
    assert_eq!(crate::common::snapshot(&env.db), before, "nothing written");
    // Another time that day is the same day; the next day is not.
    let afternoon = env
        .ok([
            "session",
            "new",
            "alex",
            "--date",
            "2026-12-07 16:30",
            "--once",
            "-q",
        ])
        .trim()
        .to_string();
    assert_eq!(afternoon, first);
    assert_eq!(
        current(&env).as_deref(),
        Some(first.as_str()),
        "made current without --no-use"
    );
    let next_day = env
        .ok([
            "session",
            "new",
            "alex",
            "--date",
            "2026-12-08",
            "--once",
            "-q",
        ])
        .trim()
        .to_string();
    assert_ne!(next_day, first);
    // Another member's session that day is theirs.
    let jordan = env
        .ok([
            "session",
            "new",
            "jordan",
            "--date",
            "2026-12-07",
            "--once",
            "-q",
        ])
        .trim()
        .to_string();
    assert_ne!(jordan, first);
    // --json prints the session reused.
    let json = env.json(["session", "new", "alex", "--date", "2026-12-07", "--once"]);
    assert_eq!(json["id"], first.as_str());
    // A deleted session does not count.
    env.ok(["session", "delete", &first, "--yes"]);
    let fresh = env
        .ok([
            "session",
            "new",
            "alex",
            "--date",
            "2026-12-07",
            "--once",
            "-q",
        ])
        .trim()
        .to_string();
    assert_ne!(fresh, first);
    let sessions = env.json(["session", "list", "--member", "alex"]);
    assert_eq!(sessions.as_array().map(Vec::len), Some(2));
}

#[test]
fn once_adds_nothing_to_the_session_it_reuses() {
    let env = Env::with_team();
    env.ok([
        "save",
        "feedback",
        "alex",
        "--comment",
        "Kind",
        "--rating",
        "5",
    ]);
    let first = env
        .ok([
            "session",
            "new",
            "alex",
            "--date",
            "2026-12-07",
            "--once",
            "-q",
        ])
        .trim()
        .to_string();
    let again = env
        .ok([
            "session",
            "new",
            "alex",
            "--date",
            "2026-12-07",
            "--once",
            "--with-saved",
            "-q",
        ])
        .trim()
        .to_string();
    assert_eq!(first, again);
    assert_eq!(
        env.json(["saved", "alex"]).as_array().map(Vec::len),
        Some(1)
    );
}

#[test]
fn a_second_session_the_same_day_is_warned_about_in_a_script() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex", "--date", "2026-12-07 10:00"]);
    let out = env
        .coach(["session", "new", "alex", "--date", "2026-12-07 15:00"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: Alex Kim already had a session that day")
            && stderr.contains("--once"),
        "{stderr}"
    );
    // The first one of a day is not warned about.
    let out = env
        .coach(["session", "new", "alex", "--date", "2026-12-09"])
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("warning"));
}

/// Runs `coach ARGS` in a tmux window (a real terminal), typing `keys`
/// once `question` shows; returns the screen when the command is done.
fn on_a_terminal(env: &Env, args: &str, question: &str, keys: &str) -> String {
    let name = format!("coach-test-{}", std::process::id());
    let name = format!("{name}-{}", env.db.to_string_lossy().len() ^ keys.len());
    let binary = assert_cmd::cargo::cargo_bin("coach");
    let command = format!(
        "env COACH_DB='{}' TZ=UTC NO_COLOR=1 '{}' {args}; echo EXIT=$?; sleep 60",
        env.db.display(),
        binary.display()
    );
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(args)
            .output()
            .expect("tmux is installed (CI installs it)")
    };
    let started = tmux(&[
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        "150",
        "-y",
        "20",
        &command,
    ]);
    assert!(started.status.success(), "{started:?}");
    let screen =
        || String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", &name]).stdout).into_owned();
    let wait_for = |text: &str| {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let now = screen();
            if now.contains(text) || Instant::now() > deadline {
                return now;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let asked = wait_for(question);
    assert!(asked.contains(question), "the question shows:\n{asked}");
    tmux(&["send-keys", "-t", &name, keys]);
    let done = wait_for("EXIT=");
    tmux(&["kill-session", "-t", &name]);
    done
}

#[test]
fn a_second_session_the_same_day_is_asked_about_on_a_terminal() {
    let env = Env::with_team();
    let first = env
        .ok(["session", "new", "alex", "--date", "2026-12-07 10:00", "-q"])
        .trim()
        .to_string();
    let screen = on_a_terminal(
        &env,
        "session new alex --date '2026-12-07 15:00'",
        "already has a session that day",
        "n",
    );
    assert!(screen.contains("Nothing was started"), "{screen}");
    assert!(screen.contains("EXIT=0"), "{screen}");
    assert_eq!(
        env.json(["session", "list"]).as_array().map(Vec::len),
        Some(1)
    );
    assert_eq!(current(&env).as_deref(), Some(first.as_str()));

    let screen = on_a_terminal(
        &env,
        "session new alex --date '2026-12-07 15:00'",
        "already has a session that day",
        "y",
    );
    assert!(screen.contains("Started "), "{screen}");
    assert_eq!(
        env.json(["session", "list"]).as_array().map(Vec::len),
        Some(2)
    );
}

/// Runs `coach ARGS --json`, expecting failure with `code`: standard error
/// is one JSON object; returns it and standard output.
fn json_failure(env: &Env, code: i32, args: &[&str]) -> (serde_json::Value, String) {
    let before = crate::common::snapshot(&env.db);
    let out = env.coach(args).arg("--json").output().expect("run");
    assert_eq!(out.status.code(), Some(code), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    let error: serde_json::Value = serde_json::from_str(&stderr).expect("JSON on stderr");
    assert_eq!(error["code"], code);
    assert!(
        error["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{error}"
    );
    assert!(error.get("hint").is_some(), "{error}");
    assert_eq!(crate::common::snapshot(&env.db), before, "nothing changed");
    (error, String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn with_json_errors_are_a_json_object_on_standard_error() {
    let env = Env::with_team();
    let (error, stdout) = json_failure(&env, 3, &["member", "show", "zzz"]);
    assert_eq!(error["error"], "no member matches \"zzz\"");
    assert!(error["hint"].as_str().is_some(), "{error}");
    assert!(stdout.is_empty());
    let (error, _) = json_failure(&env, 3, &["session", "show"]);
    assert_eq!(error["error"], "there is no current session");
    // Usage errors too, and a missing prompt.
    let (error, _) = json_failure(&env, 2, &["session", "new", "alex", "--bogus"]);
    assert!(
        error["error"]
            .as_str()
            .is_some_and(|e| e.contains("--bogus")),
        "{error}"
    );
    let (error, _) = json_failure(&env, 2, &["session", "new"]);
    assert!(
        error["error"]
            .as_str()
            .is_some_and(|e| e.contains("no terminal")),
        "{error}"
    );
    // Without --json: the usual text.
    let stderr = env.fails(3, ["member", "show", "zzz"]);
    assert!(stderr.starts_with("error: no member matches"), "{stderr}");
}

#[test]
fn share_json_reports_a_failure_that_happens_before_sending() {
    let env = Env::with_team();
    env.ok(["member", "add", "Robin Noemail"]);
    let session = env.ok(["session", "new", "robin", "-q"]).trim().to_string();
    let (error, stdout) = json_failure(&env, 3, &["share", &session]);
    assert!(
        error["error"]
            .as_str()
            .is_some_and(|e| e.contains("has no email address")),
        "{error}"
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("a report on stdout");
    assert_eq!(report["result"], "failed");
    assert_eq!(report["kind"], "agenda");
    assert_eq!(report["session"]["id"], session.as_str());
    assert!(report["share"].is_null(), "nothing was claimed");
    assert!(report["error"]
        .as_str()
        .is_some_and(|e| e.contains("has no email address")));
    assert_eq!(report["temporary"], false);
    // --dry-run fails the same way.
    let (_, stdout) = json_failure(&env, 3, &["share", &session, "--dry-run"]);
    assert!(stdout.contains("\"failed\""), "{stdout}");
    // A password command that fails, before anything is sent.
    let alex = env.ok(["session", "new", "alex", "-q"]).trim().to_string();
    for (key, value) in [
        ("mail.transport", "smtp"),
        ("mail.smtp.host", "127.0.0.1"),
        ("mail.smtp.username", "sam"),
        ("mail.smtp.password-command", "false"),
    ] {
        env.ok(["config", "set", key, value]);
    }
    let out = env.coach(["share", &alex, "--json"]).output().expect("run");
    assert_ne!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report");
    assert_eq!(report["result"], "failed");
    assert_eq!(report["session"]["id"], alex.as_str());
}

#[test]
fn member_search_without_a_match_says_so() {
    let env = Env::new();
    let out = env
        .coach(["member", "search", "zzz"])
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no members yet"));
    let env = Env::with_team();
    let out = env
        .coach(["member", "search", "zzz"])
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no member matches \"zzz\""), "{stderr}");
    assert!(!stderr.contains("no members yet"), "{stderr}");
    assert_eq!(env.json(["member", "search", "zzz"]), serde_json::json!([]));
}

fn use_smtp(env: &Env, port: u16) {
    env.mail_through_smtp(port);
    env.ok(["config", "set", "mail.smtp.timeout", "5"]);
}

fn run(env: &Env, args: &[&str]) -> (i32, String, String) {
    let out = env.coach(args).output().expect("run");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn subjects(server: &crate::smtp_server::TestSmtp) -> Vec<String> {
    // The agenda and the recap share a subject (so they thread): which one
    // a message is, and its title, are in the first line of its text part.
    server
        .messages_now()
        .iter()
        .filter_map(|m| {
            m.text()
                .lines()
                .find(|l| l.starts_with("Agenda: ") || l.starts_with("Recap: "))
                .map(String::from)
        })
        .collect()
}

#[test]
fn pending_retries_a_failed_agenda_until_the_session_date_has_passed() {
    let env = Env::with_team();
    use_smtp(&env, crate::smtp_server::unused_port());
    let soon = env
        .ok([
            "session", "new", "alex", "--title", "Soon", "--date", "+2d", "-q",
        ])
        .trim()
        .to_string();
    let past = env
        .ok([
            "session", "new", "jordan", "--title", "Past", "--date", "+1d", "-q",
        ])
        .trim()
        .to_string();
    // Never tried: not pending (nobody asked for that agenda).
    env.ok([
        "session", "new", "alex", "--title", "Untried", "--date", "+3d",
    ]);
    for session in [&soon, &past] {
        let (code, _, _) = run(&env, &["share", session]);
        assert_eq!(code, 75, "the server is down");
    }
    // The 1:1 with Jordan is moved to yesterday: its agenda is no use now.
    env.ok(["session", "edit", &past, "--date", "-1d"]);

    let server = crate::smtp_server::TestSmtp::plain();
    use_smtp(&env, server.port);
    let (code, stdout, stderr) = run(&env, &["share", "--pending"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let sent = subjects(&server);
    assert!(
        sent.iter().any(|s| s.starts_with("Agenda: Soon")),
        "{sent:?}"
    );
    assert!(
        sent.iter().any(|s| s.starts_with("Recap: Past")),
        "the past one's recap: {sent:?}"
    );
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(stdout.contains("the agenda of"), "{stdout}");
    // Sent now: the next run has nothing to do.
    let (code, _, stderr) = run(&env, &["share", "--pending"]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("No agendas or recaps are pending"),
        "{stderr}"
    );
    // --recap --pending stays about recaps only.
    let third = env
        .ok([
            "session", "new", "jordan", "--title", "Third", "--date", "+4d", "-q",
        ])
        .trim()
        .to_string();
    use_smtp(&env, crate::smtp_server::unused_port());
    assert_eq!(run(&env, &["share", &third]).0, 75);
    use_smtp(&env, server.port);
    let (code, _, stderr) = run(&env, &["share", "--recap", "--pending"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("No recaps are pending"), "{stderr}");
    let json = env.json(["share", "--pending"]);
    assert_eq!(json[0]["kind"], "agenda");
    assert_eq!(json[0]["result"], "sent");
}

#[test]
fn a_skipped_recap_is_no_longer_pending_and_the_team_shows_it() {
    let env = Env::with_team();
    env.ok(["member", "add", "Robin Noemail"]);
    let robin = env
        .ok(["session", "new", "robin", "--date", "-2d", "-q"])
        .trim()
        .to_string();
    let alex = env
        .ok(["session", "new", "alex", "--date", "-1d", "-q"])
        .trim()
        .to_string();
    let (code, _, stderr) = run(&env, &["share", "--recap", "--pending"]);
    assert_eq!(code, 3, "Robin has no email: {stderr}");
    let team = env.json(["team"]);
    let row = |name: &str| {
        team.as_array()
            .expect("rows")
            .iter()
            .find(|r| r["member"]["name"] == name)
            .cloned()
            .expect("row")
    };
    assert_eq!(row("Robin Noemail")["unsent_recaps"], 1);
    assert_eq!(row("Robin Noemail")["skipped_recaps"], 0);

    // A reason is required; a bad one changes nothing.
    let stderr = env.fails(2, ["share", "--skip", &robin]);
    assert!(stderr.contains("--reason"), "{stderr}");
    env.fails(3, ["share", "--skip", &robin, "--reason", " "]);
    env.fails(3, ["share", "--skip", &robin, "--reason", "two\nlines"]);

    let out = env.ok(["share", "--skip", &robin, "--reason", "1:1 cancelled"]);
    assert!(out.starts_with("Skipped the recap of"), "{out}");
    assert!(out.contains("1:1 cancelled"), "{out}");
    let again = env.json(["share", "--skip", &robin, "--reason", "other"]);
    assert_eq!(again["skipped"], false);
    assert_eq!(
        again["recap_skipped"]["reason"], "1:1 cancelled",
        "the first reason stays"
    );

    // Cron stops failing on it.
    let (code, stdout, stderr) = run(&env, &["share", "--recap", "--pending"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(!stdout.contains("Robin"), "{stdout}");
    let team = env.json(["team"]);
    let robin_row = team
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["member"]["name"] == "Robin Noemail")
        .cloned()
        .expect("row");
    assert_eq!(robin_row["unsent_recaps"], 0);
    assert_eq!(robin_row["skipped_recaps"], 1);
    let table = env.ok(["team"]);
    assert!(
        table.contains("UNSENT") && table.contains("SKIPPED"),
        "{table}"
    );
    let show = env.ok(["session", "show", &robin]);
    assert!(
        show.contains("Recap not needed") && show.contains("1:1 cancelled"),
        "{show}"
    );

    // A recap already sent cannot be skipped.
    env.ok(["share", "--recap", &alex]);
    env.fails(3, ["share", "--skip", &alex, "--reason", "late"]);
}

#[test]
fn changes_after_sending_are_reported_with_how_to_resend() {
    let env = Env::with_team();
    let session = env
        .ok(["session", "new", "alex", "--date", "+1d", "-q"])
        .trim()
        .to_string();
    env.ok(["note", "add", "First point"]);
    let edited = env
        .ok(["note", "add", "Second point", "-q"])
        .trim()
        .to_string();
    let action = env
        .ok(["action", "add", "Prepare the demo", "-q"])
        .trim()
        .to_string();
    env.ok(["share"]);
    // Unchanged: already sent, exit 0.
    let (code, stdout, _) = run(&env, &["share"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("was already sent"), "{stdout}");
    let show = env.ok(["session", "show"]);
    assert!(!show.contains("Changed since"), "{show}");

    // A private note is in no email: no change.
    env.ok(["note", "add", "--private", "Only mine"]);
    assert_eq!(run(&env, &["share"]).0, 0);
    // Checking an action off is progress, not a change.
    env.ok(["action", "done", &action]);
    assert_eq!(run(&env, &["share"]).0, 0);

    env.ok(["note", "add", "A third point"]);
    env.ok(["note", "edit", &edited, "Second point, reworded"]);
    env.ok(["action", "add", "Book the room"]);
    let stderr = env.fails(3, ["share"]);
    assert!(
        stderr.contains("changed since the agenda was sent")
            && stderr.contains("2 notes, 1 action"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "hint: send it again with: coach share --resend {}",
            &session[..4]
        )),
        "{stderr}"
    );
    let show = env.ok(["session", "show"]);
    assert!(show.contains("Changed since the agenda was sent"), "{show}");
    assert!(show.contains("2 notes, 1 action"), "{show}");
    assert!(show.contains("resend with: coach share --resend"), "{show}");
    // Not in the member's view.
    let member = env.ok(["session", "show", "--as-member"]);
    assert!(!member.contains("Changed since"), "{member}");

    let out = env.coach(["share", "--json"]).output().expect("run");
    assert_eq!(out.status.code(), Some(3));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("report");
    assert_eq!(report["result"], "changed-since-sent");
    assert_eq!(report["changes"]["notes"], 2);
    assert_eq!(report["changes"]["actions"], 1);
    assert_eq!(report["changes"]["date"], false);

    // Resent: up to date again.
    env.ok(["share", "--resend"]);
    assert_eq!(run(&env, &["share"]).0, 0);
    // The date moves: the agenda names the old one.
    env.ok(["session", "edit", "--date", "+2d"]);
    let stderr = env.fails(3, ["share"]);
    assert!(stderr.contains(": the date"), "{stderr}");
    // The recap, once sent, is what counts.
    env.ok(["session", "edit", "--date", "-1d"]);
    env.ok(["share", "--recap"]);
    let show = env.ok(["session", "show"]);
    assert!(!show.contains("Changed since"), "{show}");
    env.ok(["note", "rm", &edited]);
    let stderr = env.fails(3, ["share", "--recap"]);
    assert!(
        stderr.contains("changed since the recap was sent") && stderr.contains("1 note"),
        "{stderr}"
    );
    assert!(stderr.contains("coach share --recap --resend"), "{stderr}");
}

#[test]
fn the_cron_wrapper_stops_failing_once_a_recap_is_skipped() {
    let env = Env::with_team();
    env.ok(["member", "add", "Robin Noemail"]);
    let robin = env
        .ok(["session", "new", "robin", "--date", "-1d", "-q"])
        .trim()
        .to_string();
    let wrapper = || {
        Command::new("bash")
            .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/cron-recaps.sh"))
            .arg(&env.db)
            .env("COACH", assert_cmd::cargo::cargo_bin("coach"))
            .env("COACH_LOG", env.dir.path().join("cron.log"))
            .env("TZ", "UTC")
            .env_remove("COACH_DB")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run the wrapper")
    };
    let out = wrapper();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no email address"));
    env.ok([
        "share",
        "--skip",
        &robin,
        "--reason",
        "no email; talks in person",
    ]);
    let out = wrapper();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Saves a feedback for Alex, "Kind and quick" (5 stars); returns its id.
fn kind_feedback(env: &Env) -> String {
    env.ok([
        "save",
        "feedback",
        "alex",
        "--comment",
        "Kind and quick",
        "--rating",
        "5",
        "-q",
    ])
    .trim()
    .to_string()
}

fn saved_ids(env: &Env, member: &str) -> Vec<String> {
    env.ok(["saved", member, "-q"])
        .lines()
        .map(String::from)
        .collect()
}

#[test]
fn saved_items_leave_a_session_or_go_and_a_deleted_sessions_items_wait_again() {
    let env = Env::with_team();
    let kind = kind_feedback(&env);
    let typo = env
        .ok(["save", "qa", "alex", "--score", "17", "-q"])
        .trim()
        .to_string();
    let session = env
        .ok(["session", "new", "alex", "--with-saved", "-q"])
        .trim()
        .to_string();
    assert!(saved_ids(&env, "alex").is_empty());
    env.ok(["note", "add", "--on", &kind[..8], "Read it out loud"]);

    // Back to waiting; its note stays in the session as a general note.
    let out = env.ok(["session", "remove-saved", &kind[..8]]);
    assert!(
        out.contains("waiting for Alex Kim's next session again"),
        "{out}"
    );
    assert_eq!(saved_ids(&env, "alex"), [kind.as_str()]);
    let view = env.json(["session", "show"]);
    assert_eq!(view["feedback"].as_array().map(Vec::len), Some(0));
    assert!(view["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .any(|n| n["body"] == "Read it out loud" && n["item_id"].is_null()));
    // Only an item of that session can leave it; nothing changes otherwise.
    let stderr = env.fails(3, ["session", "remove-saved", &kind[..8]]);
    assert!(stderr.contains("is not in the session"), "{stderr}");
    env.fails(2, ["session", "remove-saved"]);

    // A typo: deleted, gone from the session and from every list.
    let out = env.ok(["saved", "rm", &typo[..8]]);
    assert!(out.starts_with("Deleted the QA review"), "{out}");
    assert_eq!(
        env.json(["session", "show"])["qa_reviews"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    env.fails(3, ["saved", "rm", &typo[..8]]);
    assert_eq!(saved_ids(&env, "alex"), [kind.as_str()]);
    // `coach saved MEMBER` still lists.
    assert_eq!(
        env.json(["saved", "alex"]).as_array().map(Vec::len),
        Some(1)
    );

    // A deleted session's items wait again.
    env.ok(["session", "add-saved", "--all"]);
    assert!(saved_ids(&env, "alex").is_empty());
    env.ok(["session", "delete", &session, "--yes"]);
    assert_eq!(saved_ids(&env, "alex"), [kind.as_str()]);
    let next = env
        .ok(["session", "new", "alex", "--with-saved", "-q"])
        .trim()
        .to_string();
    let view = env.json(["session", "show", &next]);
    assert_eq!(view["feedback"][0]["id"], kind.as_str());
}

#[test]
fn follow_ups_are_offered_in_the_next_session_and_brought_in_once() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex", "--date", "-7d"]);
    env.ok(["note", "add", "--follow-up", "Career path: revisit"]);
    env.ok([
        "note",
        "add",
        "--follow-up",
        "--private",
        "Check on workload",
    ]);
    env.ok(["note", "add", "Said once, done"]);
    // Jordan's sessions never see Alex's follow-ups.
    let out = env
        .coach(["session", "new", "jordan"])
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("follow-up"));

    // Listed when the next session starts without them.
    let out = env
        .coach(["session", "new", "alex", "--date", "-1d"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("2 follow-ups wait"), "{stderr}");
    assert!(stderr.contains("Career path: revisit"), "{stderr}");
    assert!(stderr.contains("--with-follow-ups"), "{stderr}");
    assert!(!stderr.contains("Said once"), "{stderr}");

    // Brought in: copies in the new session, visibility kept.
    let out = env.ok([
        "session",
        "new",
        "alex",
        "--date",
        "+1d",
        "--with-follow-ups",
    ]);
    assert!(out.contains("Brought in 2 follow-ups"), "{out}");
    let view = env.json(["session", "show"]);
    let bodies: Vec<(&str, &str)> = view["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| {
            (
                n["body"].as_str().unwrap_or(""),
                n["visibility"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        bodies.contains(&("Career path: revisit", "shared")),
        "{bodies:?}"
    );
    let member = env.json(["session", "show", "--as-member"]);
    assert!(
        !member.to_string().contains("Check on workload"),
        "private stays private"
    );
    assert!(env.ok(["session", "show"]).contains("Check on workload"));

    // Taken up once: the next session has nothing waiting.
    let out = env
        .coach([
            "session",
            "new",
            "alex",
            "--date",
            "+8d",
            "--with-follow-ups",
        ])
        .output()
        .expect("run");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("follow-up"));
    assert_eq!(
        env.json(["session", "show"])["notes"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
}

#[test]
fn kudos_for_a_member_go_only_into_an_open_session_within_the_window() {
    let env = Env::with_team();
    let old = env
        .ok(["session", "new", "alex", "--date", "-10d", "--no-use", "-q"])
        .trim()
        .to_string();
    env.ok(["session", "new", "jordan"]);
    let added = env.ok(["kudos", "alex", "Great save"]);
    assert!(added.contains("outside any session"), "{added}");
    assert!(added.contains("more than 7 days from now"), "{added}");
    let outside = env.json(["kudos", "list", "--member", "alex"]);
    assert_eq!(outside[0]["body"], "Great save");
    assert_eq!(outside[0]["session_id"], serde_json::Value::Null);
    // The old draft did not get it: cron mailing its recap never says it.
    let recap = env.ok([
        "session",
        "show",
        &old,
        "--as-member",
        "--format",
        "plain",
        "--recap",
    ]);
    assert!(!recap.contains("Great save"), "{recap}");
    let kudos = env.json(["kudos", "alex", "Great save", "--new-session"]);
    assert_ne!(
        kudos["session_id"],
        old.as_str(),
        "a new session, not the old draft"
    );
    env.ok([
        "session",
        "delete",
        kudos["session_id"].as_str().expect("id"),
        "--yes",
    ]);
    env.ok(["config", "set", "session.kudos-window", "14"]);
    let kudos = env.json(["kudos", "alex", "Great save"]);
    assert_eq!(kudos["session_id"], old.as_str(), "within 14 days");
    let upcoming = env
        .ok(["session", "new", "alex", "--date", "+3d", "--no-use", "-q"])
        .trim()
        .to_string();
    env.ok(["config", "set", "session.kudos-window", "7"]);
    let kudos = env.json(["kudos", "alex", "Another"]);
    assert_eq!(
        kudos["session_id"],
        upcoming.as_str(),
        "the latest open one, in 3 days"
    );
}

#[test]
fn session_show_json_says_what_changed_since_sent_and_the_skip() {
    let env = Env::with_team();
    let praise = kind_feedback(&env);
    let session = env
        .ok([
            "session",
            "new",
            "alex",
            "--date",
            "+1d",
            "--with-saved",
            "-q",
        ])
        .trim()
        .to_string();
    env.ok(["note", "add", "First point"]);
    let view = env.json(["session", "show"]);
    assert_eq!(view["changed_since_sent"], serde_json::Value::Null);
    assert_eq!(view["recap_skipped"], serde_json::Value::Null);
    env.ok(["share"]);
    assert_eq!(
        env.json(["session", "show"])["changed_since_sent"],
        serde_json::Value::Null
    );

    // A saved item of the sent session, corrected: a change since sent.
    env.ok([
        "saved",
        "edit",
        &praise[..8],
        "--comment",
        "Kind, quick and thorough",
    ]);
    let stderr = env.fails(3, ["share"]);
    assert!(
        stderr.contains("changed since the agenda was sent") && stderr.contains("1 saved item"),
        "{stderr}"
    );
    env.ok(["note", "add", "Second point"]);
    let view = env.json(["session", "show"]);
    let changed = &view["changed_since_sent"];
    assert_eq!(changed["kind"], "agenda");
    assert_eq!(changed["changes"]["notes"], 1);
    assert_eq!(changed["changes"]["saved"], 1);
    assert_eq!(changed["changes"]["actions"], 0);
    assert_eq!(changed["changes"]["date"], false);
    assert_eq!(
        changed["resend"],
        format!("coach share --resend {}", &session[..4])
    );
    assert!(changed["sent_at"].is_string());
    let report = env.coach(["share", "--json"]).output().expect("run");
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).expect("report");
    assert_eq!(report["changes"]["saved"], 1);
    // The member's view says neither.
    let member = env.json(["session", "show", "--as-member"]);
    assert!(member.get("changed_since_sent").is_none(), "{member}");
    assert!(member.get("recap_skipped").is_none(), "{member}");

    env.ok(["share", "--skip", &session, "--reason", "1:1 cancelled"]);
    let view = env.json(["session", "show"]);
    assert_eq!(view["recap_skipped"]["reason"], "1:1 cancelled");
    assert!(view["recap_skipped"]["at"].is_string());
    let member = env.json(["session", "show", "--as-member"]).to_string();
    assert!(!member.contains("1:1 cancelled"), "{member}");
}
