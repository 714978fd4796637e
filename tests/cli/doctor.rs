//! `coach doctor`: a health check that only reads, and `--repair`.

use crate::common::{assert_failed, snapshot, Env};

/// A coach with a session, a note and an attachment.
fn a_session_with_an_attachment() -> (Env, String) {
    let env = Env::with_team();
    env.ok(["session", "new", "alex", "--title", "Weekly check-in"]);
    env.ok(["note", "add", "Shared talking point"]);
    let file = env.dir.path().join("scorecard.csv");
    std::fs::write(&file, "metric,value\nCSAT,4.6\n").expect("write");
    let sha = env.json(["attach", file.to_str().expect("path")])["sha256"]
        .as_str()
        .expect("sha")
        .to_string();
    (env, sha)
}

fn sql(env: &Env, sql: &str) {
    let conn = rusqlite::Connection::open(&env.db).expect("open");
    conn.execute_batch(sql).expect("sql");
}

#[test]
fn a_healthy_database_is_all_well() {
    let (env, _) = a_session_with_an_attachment();
    let out = env.ok(["doctor"]);
    assert!(out.contains("All is well"), "{out}");
    assert!(out.contains("1 attachment files checked"), "{out}");
    let report = env.json(["doctor"]);
    assert_eq!(report["ok"], true);
    assert_eq!(report["problems"].as_array().map(Vec::len), Some(0));
    assert_eq!(report["application_id"], 0x434F_4348);
}

#[test]
fn the_check_names_every_problem_and_changes_nothing() {
    let (env, sha) = a_session_with_an_attachment();
    let store = env.dir.path().join("attachments");
    // An orphan, a damaged content file, a crafted value, a stale claim.
    std::fs::write(store.join("left-behind.bin"), "x").expect("orphan");
    std::fs::write(store.join(&sha), "metric,value\nCSAT,1.0\n").expect("damage");
    let session = env.current_session();
    sql(
        &env,
        &format!(
            "PRAGMA ignore_check_constraints = ON;
             UPDATE notes SET visibility = 'public';
             INSERT INTO shares (id, session_id, kind, recipients, transport, message_id,
                                 outcome, author, created_at, updated_at)
             VALUES ('{}', '{session}', 'recap', '[]', 'outbox', 'm@x', 'sending',
                     '{}', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z');",
            "c".repeat(32),
            "0".repeat(32)
        ),
    );
    let before = snapshot(&env.db);
    let files_before: Vec<_> = std::fs::read_dir(&store)
        .expect("store")
        .map(|e| e.expect("e").file_name())
        .collect();
    let output = env.coach(["doctor"]).output().expect("run");
    assert_failed(&output, 4);
    let stdout = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "left-behind.bin is used by no attachment",
        "is damaged",
        "field visibility: \"public\" is not one of shared, private",
        "claimed since 2020-01-01",
    ] {
        assert!(stdout.contains(expected), "{expected}: {stdout}");
    }
    assert!(String::from_utf8_lossy(&output.stderr).contains("--repair"));
    assert_eq!(snapshot(&env.db), before, "doctor only reads");
    let files_after: Vec<_> = std::fs::read_dir(&store)
        .expect("store")
        .map(|e| e.expect("e").file_name())
        .collect();
    assert_eq!(files_after, files_before);

    // --json: the same problems, for scripts (and still exit 4).
    let output = env.coach(["doctor", "--json"]).output().expect("run");
    assert_eq!(output.status.code(), Some(4));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(report["ok"], false);
    let checks: Vec<&str> = report["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| p["check"].as_str().expect("check"))
        .collect();
    for check in ["orphans", "attachments", "records", "claims"] {
        assert!(checks.contains(&check), "{check}: {checks:?}");
    }
}

#[test]
fn repair_removes_orphans_and_releases_stale_claims() {
    let (env, sha) = a_session_with_an_attachment();
    let store = env.dir.path().join("attachments");
    std::fs::write(store.join("left-behind.bin"), "x").expect("orphan");
    let session = env.current_session();
    sql(
        &env,
        &format!(
            "INSERT INTO shares (id, session_id, kind, recipients, transport, message_id,
                                 outcome, author, created_at, updated_at)
             VALUES ('{}', '{session}', 'recap', '[]', 'outbox', 'm@x', 'sending',
                     '{}', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z');",
            "c".repeat(32),
            "0".repeat(32)
        ),
    );
    let out = env.ok(["doctor", "--repair"]);
    assert!(out.contains("repaired orphans"), "{out}");
    assert!(out.contains("repaired claims"), "{out}");
    assert!(out.contains("All is well"), "{out}");
    assert!(!store.join("left-behind.bin").exists());
    assert!(store.join(&sha).exists(), "a used content file stays");
    let log = env.json(["share", "log"]);
    assert_eq!(log[0]["outcome"], "failed", "{log}");
    env.ok(["doctor"]);

    // What --repair cannot fix stays a problem: exit 4.
    std::fs::remove_file(store.join(&sha)).expect("lose the content");
    let output = env.coach(["doctor", "--repair"]).output().expect("run");
    assert_failed(&output, 4);
    assert!(String::from_utf8_lossy(&output.stdout).contains("is missing"));
}
