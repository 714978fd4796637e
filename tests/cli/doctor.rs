//! `coach doctor`: a health check that only reads, and `--repair`.

use crate::common::{assert_failed, host, snapshot, Env};

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

/// The counts of open actions kept for `team`, edited by hand, are found
/// (the overview would show them), and `--repair` counts again.
#[test]
fn wrong_counts_of_open_actions_are_found_and_counted_again() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    env.ok(["action", "add", "Late", "--due", "-3d"]);
    env.ok(["action", "add", "Undated"]);
    sql(
        &env,
        "UPDATE open_action_counts SET open = 40;
         INSERT INTO open_action_counts VALUES ('nobody', 9223372036854775807, -5);",
    );
    let alex = |env: &Env| {
        let rows = env.json(["team"]);
        let rows = rows.as_array().expect("rows");
        let alex = rows.iter().find(|r| r["member"]["name"] == "Alex Kim");
        let alex = alex.expect("Alex is listed");
        (
            alex["open_actions"].clone(),
            alex["overdue_actions"].clone(),
        )
    };
    assert_eq!(alex(&env), (40.into(), 39.into()), "what the file says");

    let err = env.fails(4, ["doctor"]);
    assert!(err.contains("found 1 problem"), "{err}");
    let report = env.coach(["doctor", "--json"]).output().expect("run");
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).expect("json");
    assert_eq!(report["problems"][0]["check"], "counts", "{report}");
    assert_eq!(report["problems"][0]["repairable"], true, "{report}");

    let out = env.ok(["doctor", "--repair"]);
    assert!(out.contains("repaired counts"), "{out}");
    assert!(out.contains("All is well"), "{out}");
    assert_eq!(alex(&env), (2.into(), 1.into()));
}

/// Plants a digest of `member`'s left `sending` since `at` by `claimant`.
fn plant_digest_claim(env: &Env, member: &str, id: &str, claimant: &str, at: &str) {
    let conn = rusqlite::Connection::open(&env.db).expect("open");
    conn.execute(
        "INSERT INTO digests (id, member_id, since, until, recipients, transport, message_id,
                              outcome, detail, author, created_at, updated_at)
         SELECT ?1, id, ?3, ?3, '[\"alex@example.com\"]', 'outbox', ?1 || '@x', 'sending',
                ?2, ?1, ?3, ?3
         FROM members WHERE name = ?4",
        rusqlite::params![id, claimant, at, member],
    )
    .expect("plant a digest claim");
}

#[test]
fn a_stale_digest_claim_is_found_and_released_but_a_live_one_is_left_alone() {
    let env = Env::with_team();
    let now = chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    // A claim made just now by a live process (this test): not stale.
    let live = format!("pid {} on {}", std::process::id(), host());
    plant_digest_claim(&env, "Alex Kim", &"a".repeat(32), &live, &now);
    assert!(env.ok(["doctor"]).contains("All is well"));
    sql(&env, "DELETE FROM digests");

    // One whose process is gone from this host (a pid above pid_max), and
    // one from another machine older than mail.claim-timeout.
    let gone = format!("pid 4194305 on {}", host());
    plant_digest_claim(&env, "Alex Kim", &"d".repeat(32), &gone, &now);
    plant_digest_claim(
        &env,
        "Jordan Park",
        &"e".repeat(32),
        "pid 12 on another-machine",
        "2020-01-01T00:00:00.000Z",
    );
    let before = snapshot(&env.db);
    let output = env.coach(["doctor"]).output().expect("run");
    assert_failed(&output, 4);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!(
            "the digest {} has been claimed since",
            "d".repeat(32)
        )),
        "{stdout}"
    );
    assert!(stdout.contains("by a process that is gone"), "{stdout}");
    assert!(
        stdout.contains(
            "claimed since 2020-01-01T00:00:00.000Z and not finished within mail.claim-timeout"
        ),
        "{stdout}"
    );
    assert_eq!(snapshot(&env.db), before, "doctor only reads");
    let report = env
        .coach(["doctor", "--json"])
        .output()
        .expect("run")
        .stdout;
    let report: serde_json::Value = serde_json::from_slice(&report).expect("json");
    let claims: Vec<&serde_json::Value> = report["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter(|p| p["check"] == "claims")
        .collect();
    assert_eq!(claims.len(), 2, "{report}");
    assert!(claims.iter().all(|p| p["repairable"] == true));

    // --repair marks both failed (temporary), and the next digest goes.
    let out = env.ok(["doctor", "--repair"]);
    assert!(out.contains("repaired claims"), "{out}");
    assert!(out.contains("All is well"), "{out}");
    let log = env.json(["share", "log"]);
    let digests: Vec<&serde_json::Value> = log
        .as_array()
        .expect("log")
        .iter()
        .filter(|e| e["kind"] == "digest")
        .collect();
    assert_eq!(digests.len(), 2);
    for d in &digests {
        assert_eq!(
            (&d["outcome"], &d["temporary"]),
            (&"failed".into(), &true.into())
        );
        assert!(
            d["detail"]
                .as_str()
                .expect("why")
                .starts_with("abandoned: pid "),
            "{d}"
        );
    }
    env.ok(["share", "--digest", "alex", "jordan"]);
}

/// The bodies of the notes `words` finds, as `coach search` lists them.
fn found(env: &Env, words: &str) -> Vec<String> {
    let hits = env.json(["search", words]);
    let hits = hits.as_array().expect("hits");
    hits.iter()
        .map(|h| h["snippet"].as_str().expect("snippet").to_string())
        .collect()
}

/// Coach's writes keep the search index with their triggers; a script
/// writing the file with the sqlite3 shell does not. The check finds each
/// record the index has wrong, and `--repair` indexes them again.
#[test]
fn a_search_index_left_behind_by_another_program_is_found_and_mended() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    env.ok(["note", "add", "Refund queue review"]);
    env.ok(["note", "add", "Coaching on empathy"]);
    env.ok(["note", "add", "Kept as it was: the refund policy"]);
    sql(
        &env,
        "INSERT INTO notes (id, session_id, body, visibility, author, created_at, updated_at)
             SELECT lower(hex(randomblob(16))), session_id, 'Another refund story', 'shared',
                    author, created_at, updated_at
             FROM notes WHERE body = 'Coaching on empathy';
         UPDATE notes SET body = 'Escalation drill' WHERE body = 'Coaching on empathy';
         DELETE FROM notes WHERE body = 'Refund queue review';",
    );
    assert_eq!(found(&env, "escalation"), Vec::<String>::new());

    let err = env.fails(4, ["doctor"]);
    assert!(err.contains("found 1 problem"), "{err}");
    let report = env.coach(["doctor", "--json"]).output().expect("run");
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).expect("json");
    assert_eq!(report["problems"][0]["check"], "search", "{report}");
    assert_eq!(
        report["problems"][0]["detail"],
        "the search index is wrong for 3 records"
    );
    assert_eq!(report["problems"][0]["repairable"], true, "{report}");

    let out = env.ok(["doctor", "--repair"]);
    assert!(out.contains("repaired search"), "{out}");
    assert!(out.contains("All is well"), "{out}");
    let mut refund = found(&env, "refund");
    refund.sort();
    assert_eq!(
        refund,
        ["Another refund story", "Kept as it was: the refund policy"]
    );
    assert_eq!(found(&env, "escalation"), ["Escalation drill"]);
    assert_eq!(found(&env, "empathy"), Vec::<String>::new());
}

/// Text planted in the search index by another program, at the place the
/// next note of the session takes: the note is refused with what to do,
/// `--repair` takes the planted text out, and the note then goes in.
#[test]
fn text_planted_in_the_search_index_is_named_and_repaired() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex", "--title", "Weekly check-in"]);
    env.ok(["note", "add", "Shared talking point"]);
    sql(
        &env,
        "INSERT INTO search_text (rowid, body, about, tags)
         SELECT min(d.rowid) - 1, 'planted', '', ''
         FROM search_docs d JOIN sessions s ON s.held_at = d.at",
    );
    let before = snapshot(&env.db);
    let err = env.fails(4, ["note", "add", "Rota for December"]);
    assert!(err.contains("search index holds text"), "{err}");
    assert!(err.contains("coach doctor --repair"), "{err}");
    assert_eq!(snapshot(&env.db), before, "nothing was written");
    env.ok(["doctor", "--repair"]);
    env.ok(["note", "add", "Rota for December"]);
    assert_eq!(
        env.json(["search", "planted"]).as_array().map(Vec::len),
        Some(0)
    );
    assert_eq!(
        env.json(["search", "rota"]).as_array().map(Vec::len),
        Some(1)
    );
}
