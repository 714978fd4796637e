//! `coach export` and `coach import`: no lock-in, nothing lost.

use crate::common::Env;

fn export(env: &Env, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["export"];
    args.extend_from_slice(extra);
    let text = env.ok(args);
    serde_json::from_str(&text).expect("the export is one JSON document")
}

fn without_time(mut dump: serde_json::Value) -> serde_json::Value {
    dump.as_object_mut().expect("object").remove("exported_at");
    dump
}

fn a_season_of_coaching() -> Env {
    let env = Env::with_team();
    env.ok([
        "session",
        "new",
        "alex",
        "--title",
        "Weekly check-in",
        "--date",
        "2026-11-02",
    ]);
    env.ok(["note", "add", "Shared talking point"]);
    env.ok(["note", "add", "--private", "PRIVATE-EXPORT-MARKER"]);
    let file = env.dir.path().join("scorecard.csv");
    std::fs::write(&file, "metric,value\nCSAT,4.6\n").expect("write");
    env.ok(["attach", file.to_str().expect("path")]);
    env.ok([
        "template",
        "add",
        "weekly",
        "--title",
        "Weekly check-in",
        "--agenda",
        "- wins\n- blockers",
    ]);
    env.ok(["session", "new", "jordan", "--title", "Monthly goals"]);
    env.ok(["note", "add", "Jordan's goals"]);
    env.ok(["config", "set", "mail.cc-me", "true"]);
    env
}

#[test]
fn an_export_imported_into_an_empty_database_round_trips() {
    let env = a_season_of_coaching();
    env.ok(["action", "add", "Late", "--due", "-3d"]);
    env.ok(["action", "add", "Undated"]);
    let done = env.ok(["action", "add", "Done", "-q"]);
    env.ok(["action", "done", done.trim()]);
    let dump_path = env.dir.path().join("dump.json");
    env.ok([
        "export",
        "--include-private",
        "--output",
        dump_path.to_str().expect("path"),
    ]);
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&dump_path).expect("dump").permissions(),
    );
    assert_eq!(mode & 0o777, 0o600, "an export holds personal data");

    let restored = Env::new();
    restored.ok(["import", dump_path.to_str().expect("path")]);
    let original = without_time(
        serde_json::from_slice(&std::fs::read(&dump_path).expect("read")).expect("json"),
    );
    let again = without_time(export(&restored, &["--include-private"]));
    assert_eq!(original, again, "nothing is lost in a round trip");
    // What the database derives from the records (the counts `team`
    // reads) is made again as they come in.
    let counts = |env: &Env| {
        let team = env.json(["team"]);
        let rows = team.as_array().expect("rows").iter();
        rows.map(|r| (r["open_actions"].clone(), r["overdue_actions"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(counts(&restored), counts(&env));
    assert!(counts(&env).contains(&(2.into(), 1.into())));
    restored.ok(["doctor"]);

    // The restored database works: the owner is still the author of the
    // private note, attachments can be saved.
    restored.ok([
        "session",
        "use",
        restored.json(["session", "list", "--member", "alex"])[0]["id"]
            .as_str()
            .expect("id"),
    ]);
    let shown = restored.ok(["session", "show"]);
    assert!(shown.contains("PRIVATE-EXPORT-MARKER") && shown.contains("Private notes"));
    let attachment = restored.json(["attachment", "list"])[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    restored.ok(["attachment", "save", &attachment, "-"]);
}

#[test]
fn importing_twice_changes_nothing_and_newer_records_win() {
    let env = a_season_of_coaching();
    let dump = env.dir.path().join("dump.json");
    env.ok(["export", "--output", dump.to_str().expect("path")]);
    let other = Env::with_team();
    other.ok(["import", dump.to_str().expect("path")]);
    let before = crate::common::snapshot(&other.db);
    let second = other.json(["import", dump.to_str().expect("path")]);
    assert_eq!(
        second["rows"]
            .as_object()
            .map(|m| m.values().filter(|v| v.as_u64() != Some(0)).count()),
        Some(0)
    );
    assert_eq!(second["updated"].as_object().map(|m| m.len()), Some(0));
    assert_eq!(
        crate::common::snapshot(&other.db),
        before,
        "a second import changes nothing"
    );

    // A change made later on one side wins; a deletion (tombstone) too.
    let session = env.json(["session", "list", "--member", "alex"])[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    env.ok(["session", "edit", &session, "--title", "Renamed later"]);
    let note = env.json(["note", "list", "--session", &session])[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    env.ok(["note", "rm", &note]);
    let newer = env.dir.path().join("newer.json");
    env.ok(["export", "--output", newer.to_str().expect("path")]);
    let result = other.json(["import", newer.to_str().expect("path")]);
    assert_eq!(result["updated"]["sessions"], 1);
    assert_eq!(result["updated"]["notes"], 1);
    let titles: Vec<String> = other
        .json(["session", "list"])
        .as_array()
        .expect("list")
        .iter()
        .map(|s| s["title"].as_str().expect("t").to_string())
        .collect();
    assert!(titles.contains(&"Renamed later".to_string()), "{titles:?}");
    let notes = other.json(["note", "list", "--session", &session]);
    assert!(
        notes
            .as_array()
            .expect("list")
            .iter()
            .all(|n| n["id"] != note.as_str()),
        "the deletion was honoured"
    );

    // The older dump does not undo the newer change.
    other.ok(["import", dump.to_str().expect("path")]);
    let titles = other.ok(["session", "list"]);
    assert!(titles.contains("Renamed later"));
}

#[test]
fn private_notes_stay_out_unless_asked_for() {
    let env = a_season_of_coaching();
    let plain = env.ok(["export"]);
    assert!(
        !plain.contains("PRIVATE-EXPORT-MARKER"),
        "an export leaked a private note"
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&plain).expect("json")["include_private"],
        false
    );
    let member_only = env.ok(["export", "--member", "alex"]);
    assert!(!member_only.contains("PRIVATE-EXPORT-MARKER"));
    let with = env.ok(["export", "--include-private"]);
    assert!(with.contains("PRIVATE-EXPORT-MARKER"));
}

#[test]
fn a_member_export_holds_only_that_member() {
    let env = a_season_of_coaching();
    let dump = export(&env, &["--member", "jordan"]);
    let tables = dump["tables"].as_object().expect("tables");
    assert_eq!(tables["members"].as_array().expect("members").len(), 1);
    assert_eq!(tables["members"][0]["name"], "Jordan Park");
    assert!(
        tables.get("config").is_none(),
        "settings are not a member's"
    );
    let text = dump.to_string();
    assert!(text.contains("Jordan's goals") && !text.contains("Shared talking point"));
    assert_eq!(dump["files"].as_object().map(|f| f.len()), Some(0));
}

#[test]
fn a_bad_file_is_refused_and_changes_nothing() {
    let env = Env::with_team();
    let write = |name: &str, text: &str| {
        let path = env.dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.to_str().expect("path").to_string()
    };
    let err = env.fails(3, ["import", &write("x.json", "{\"hello\": 1}")]);
    assert!(err.contains("not a coach export"), "{err}");
    env.fails(3, ["import", &write("garbage.json", "not json at all")]);
    let newer = write(
        "newer.json",
        r#"{"format":"coach-export","version":99,"tables":{}}"#,
    );
    let err = env.fails(3, ["import", &newer]);
    assert!(err.contains("upgrade coach"), "{err}");
    // A good start and a broken row: nothing of it is kept.
    let broken = write(
        "broken.json",
        r#"{"format":"coach-export","version":1,"schema_version":1,"owner":"00000000000000000000000000000001","tables":{"members":[{"id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","name":"New Person","author":"00000000000000000000000000000001","created_at":"2026-01-01T00:00:00.000Z","updated_at":"2026-01-01T00:00:00.000Z"},{"name":"no id"}]}}"#,
    );
    let err = env.fails(3, ["import", &broken]);
    assert!(err.contains("members row 2"), "{err}");
    env.fails(3, ["import", "no-such-file.json"]);
}

#[test]
fn a_markdown_export_is_one_readable_file_per_session() {
    let env = a_season_of_coaching();
    let folder = env.dir.path().join("md");
    let files = env.markdown_export(&folder);
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(
        files[0].starts_with("2026-11-02-alex-kim-") && files[0].ends_with(".md"),
        "{files:?}"
    );
    let alex = std::fs::read_to_string(folder.join(&files[0])).expect("read");
    assert!(alex.starts_with("# Recap: Weekly check-in"), "{alex}");
    assert!(alex.contains("Shared talking point") && alex.contains("scorecard.csv"));
    assert!(
        !alex.contains("PRIVATE-EXPORT-MARKER"),
        "a Markdown export leaked a private note"
    );

    let with_private = env.dir.path().join("md-private");
    env.ok([
        "export",
        "--format",
        "markdown",
        "--include-private",
        "--member",
        "alex",
        "--output",
        with_private.to_str().expect("path"),
    ]);
    let only: Vec<_> = std::fs::read_dir(&with_private).expect("folder").collect();
    assert_eq!(only.len(), 1, "only Alex's session");
    let text = std::fs::read_to_string(only[0].as_ref().expect("entry").path()).expect("read");
    assert!(text.contains("## Private notes (only you)") && text.contains("PRIVATE-EXPORT-MARKER"));

    let err = env.fails(2, ["export", "--format", "markdown"]);
    assert!(err.contains("--output DIR"), "{err}");
}

#[test]
fn a_huge_text_in_an_import_is_refused_as_it_is_read_in_bounded_memory() {
    let env = Env::with_team();
    // The longest text a dump may hold follows attachments.max-size (its
    // content in base64), and is never below 8 MiB.
    env.ok(["config", "set", "attachments.max-size", "1MiB"]);
    let huge = env.dir.path().join("huge.json");
    let mut text =
        String::from(r#"{"format":"coach-export","version":1,"tables":{"notes":[{"body":""#);
    text.push_str(&"a".repeat(100 << 20));
    text.push_str(r#""}]}}"#);
    std::fs::write(&huge, text).expect("write");
    let before = crate::common::snapshot(&env.db);
    let output = std::process::Command::new("/usr/bin/time")
        .args(["-f", "peak-rss-kb %M"])
        .arg(assert_cmd::cargo::cargo_bin("coach"))
        .args(["import", huge.to_str().expect("path")])
        .env("COACH_DB", &env.db)
        .output()
        .expect("run coach under /usr/bin/time");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("longer than 8 MiB"), "{stderr}");
    let peak: u64 = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak-rss-kb "))
        .and_then(|kb| kb.trim().parse().ok())
        .expect("the peak RSS");
    assert!(peak < 40_000, "peak RSS {peak} kB for a 100 MiB text");
    assert_eq!(crate::common::snapshot(&env.db), before);
}
