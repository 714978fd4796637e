//! The core: init, config, members, sessions and notes.

use std::os::unix::fs::PermissionsExt;

use predicates::prelude::*;

use crate::common::{assert_failed, snapshot, Env};

#[test]
fn a_weekly_check_in_from_init_to_session_show() {
    let env = Env::new();
    env.ok(["init", "--name", "Sam Lee", "--email", "sam@example.com"]);
    env.ok([
        "member",
        "add",
        "Alex Kim",
        "--email",
        "alex@example.com",
        "--team",
        "Support",
    ]);
    let started = env.ok([
        "session",
        "new",
        "alex",
        "--title",
        "Weekly check-in",
        "--date",
        "2026-12-01 14:30",
    ]);
    assert!(started.starts_with("Started "), "{started}");
    assert!(started.contains("\"Weekly check-in\" with Alex Kim on 2026-12-01 14:30"));
    env.ok(["note", "add", "Celebrate the CSAT streak :tada:"]);
    env.ok([
        "note",
        "add",
        "--by",
        "Alex",
        "Wants to talk about the team lead role",
    ]);
    env.ok([
        "note",
        "add",
        "--private",
        "Seems tired; ask about workload",
    ]);

    let shown = env.ok(["session", "show"]);
    assert!(shown.starts_with("Weekly check-in "));
    assert!(shown.contains("Member:  Alex Kim <alex@example.com>"));
    assert!(shown.contains("Date:    2026-12-01 14:30"));
    assert!(shown.contains("Celebrate the CSAT streak :tada:"));
    assert!(shown.contains("Alex Kim's topic"));
    let private_at = shown
        .find("Private notes (only you see these)")
        .expect("private section");
    assert!(shown[private_at..].contains("Seems tired; ask about workload"));
    assert!(shown.find("Celebrate").expect("shared note") < private_at);
}

#[test]
fn private_notes_never_reach_the_members_view() {
    let env = Env::with_team();
    env.ok(["session", "new", "Alex"]);
    let marker = "PRIVATE-MARKER-7f3a9c";
    env.ok(["note", "add", "A shared talking point"]);
    env.ok([
        "note",
        "add",
        "--private",
        &format!("{marker} keep this to myself"),
    ]);

    let mine = env.ok(["session", "show"]);
    assert!(mine.contains(marker), "my own view shows my private note");
    let mine_json = env.ok(["session", "show", "--json"]);
    assert!(mine_json.contains(marker));

    let theirs = env.ok(["session", "show", "--as-member"]);
    assert!(theirs.contains("A shared talking point"));
    assert!(
        !theirs.contains(marker),
        "the member's view leaks a private note"
    );
    assert!(!theirs.contains("Private notes"));
    let theirs_json = env.ok(["session", "show", "--as-member", "--json"]);
    assert!(
        !theirs_json.contains(marker),
        "the member's JSON leaks a private note"
    );
    assert!(!theirs_json.contains("\"private\""));
    let view: serde_json::Value = serde_json::from_str(&theirs_json).expect("json");
    assert_eq!(view["audience"], "member");
    assert_eq!(view["notes"].as_array().expect("notes").len(), 1);
}

#[test]
fn json_shapes_are_stable() {
    let env = Env::with_team();
    let member = env.json(["member", "show", "alex"]);
    for key in [
        "id",
        "short_id",
        "name",
        "email",
        "team",
        "archived",
        "created_at",
        "updated_at",
        "session_count",
        "recent_sessions",
    ] {
        assert!(member.get(key).is_some(), "member show has {key}: {member}");
    }
    assert_eq!(member["id"].as_str().expect("id").len(), 32);

    env.ok(["session", "new", "alex", "--title", "Monthly goals"]);
    env.ok(["note", "add", "Goal: first-contact resolution"]);
    let session = env.json(["session", "show"]);
    for key in [
        "audience",
        "id",
        "short_id",
        "title",
        "date",
        "status",
        "member",
        "coach",
        "notes",
        "created_at",
        "updated_at",
    ] {
        assert!(
            session.get(key).is_some(),
            "session show has {key}: {session}"
        );
    }
    assert_eq!(session["status"], "draft");
    assert_eq!(session["member"]["name"], "Alex Kim");
    assert_eq!(session["coach"]["email"], "sam@example.com");
    let note = &session["notes"][0];
    for key in [
        "id",
        "short_id",
        "session_id",
        "body",
        "visibility",
        "author",
        "created_at",
        "updated_at",
    ] {
        assert!(note.get(key).is_some(), "a note has {key}: {note}");
    }
    assert_eq!(note["author"]["role"], "coach");

    let sessions = env.json(["session", "list"]);
    assert_eq!(sessions.as_array().expect("a list").len(), 1);
    let members = env.json(["member", "list"]);
    assert_eq!(members.as_array().expect("a list").len(), 2);
    let notes = env.json(["note", "list"]);
    assert_eq!(notes[0]["body"], "Goal: first-contact resolution");
}

#[test]
fn quiet_prints_ids_for_the_next_command() {
    let env = Env::with_team();
    let id = env.ok(["session", "new", "jordan", "--quiet"]);
    let id = id.trim();
    assert_eq!(id.len(), 32);
    let listed = env.ok(["session", "list", "-q"]);
    assert_eq!(listed.trim(), id);
    let note = env.ok(["note", "add", "-q", "--session", &id[..6], "From a script"]);
    assert_eq!(note.trim().len(), 32);
    assert_eq!(env.ok(["member", "list", "--quiet"]).lines().count(), 2);
}

#[test]
fn members_are_found_by_name_prefix_word_email_or_id() {
    let env = Env::with_team();
    env.ok([
        "member",
        "add",
        "Alexandra Stone",
        "--email",
        "astone@example.com",
    ]);
    let by = |query: &str| {
        env.json(["member", "show", query])["name"]
            .as_str()
            .map(String::from)
    };
    assert_eq!(by("jordan").as_deref(), Some("Jordan Park"));
    assert_eq!(
        by("PARK").as_deref(),
        Some("Jordan Park"),
        "a word of the name"
    );
    assert_eq!(
        by("alex kim").as_deref(),
        Some("Alex Kim"),
        "the exact name wins"
    );
    assert_eq!(by("astone@example.com").as_deref(), Some("Alexandra Stone"));
    assert_eq!(by("alexa").as_deref(), Some("Alexandra Stone"));
    let id = env.json(["member", "show", "jordan"])["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(by(&id[..8]).as_deref(), Some("Jordan Park"));

    env.ok(["member", "add", "Zoë Ångström"]);
    assert_eq!(
        by("zoe").as_deref(),
        Some("Zoë Ångström"),
        "accents are optional"
    );
    assert_eq!(by("ANGSTROM").as_deref(), Some("Zoë Ångström"));

    let ambiguous = env.fails(3, ["member", "show", "alex"]);
    assert!(ambiguous.contains("matches several members"), "{ambiguous}");
    assert!(ambiguous.contains("Alex Kim") && ambiguous.contains("Alexandra Stone"));

    let unknown = env.fails(3, ["member", "show", "jordna"]);
    assert!(
        unknown.contains("no member matches \"jordna\""),
        "{unknown}"
    );
    assert!(
        unknown.contains("did you mean \"Jordan Park\"?"),
        "{unknown}"
    );
}

#[test]
fn session_ids_resolve_by_unique_prefix() {
    let env = Env::with_team();
    let mut ids = Vec::new();
    // Enough sessions that some share a first character.
    for _ in 0..20 {
        ids.push(env.ok(["session", "new", "alex", "-q"]).trim().to_string());
    }
    let first = &ids[0];
    let short = env.json(["session", "show", first])["short_id"]
        .as_str()
        .expect("short")
        .to_string();
    assert!(short.len() >= 4 && first.starts_with(&short));
    assert_eq!(
        env.json(["session", "show", &short])["id"].as_str(),
        Some(first.as_str())
    );
    // A hyphenated UUID is accepted too.
    let hyphenated = format!("{}-{}", &first[..8], &first[8..12]);
    assert_eq!(
        env.json(["session", "show", &hyphenated])["id"].as_str(),
        Some(first.as_str())
    );

    let shared_first = ids
        .iter()
        .find(|id| ids.iter().filter(|o| o[..1] == id[..1]).count() > 1);
    if let Some(id) = shared_first {
        let err = env.fails(3, ["session", "show", &id[..1]]);
        assert!(err.contains("matches several sessions"), "{err}");
    }
    env.fails(3, ["session", "show", "ffffffffffff"]);
    let err = env.fails(3, ["session", "show", "not-an-id"]);
    assert!(err.contains("is not a session id"), "{err}");
}

#[test]
fn bad_input_is_refused_with_a_clear_error_and_no_change() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    env.ok(["note", "add", "One note"]);

    let err = env.fails(3, ["session", "new", "nobody"]);
    assert!(err.contains("no member matches \"nobody\""));
    let err = env.fails(3, ["session", "new", "alex", "--date", "someday"]);
    assert!(err.contains("cannot read \"someday\" as a date"), "{err}");
    let err = env.fails(3, ["note", "add", "   "]);
    assert!(err.contains("empty"), "{err}");
    env.fails(3, ["session", "new", "alex", "--title", ""]);
    env.fails(3, ["member", "add", "Alex Kim"]);
    env.fails(3, ["member", "add", "Someone", "--email", "not-an-email"]);
    let err = env.fails(3, ["member", "add", "Evil\nBcc: x@example.com"]);
    assert!(err.contains("line break"), "{err}");
    env.fails(3, ["config", "set", "mail.transport", "pigeon"]);
    let err = env.fails(3, ["config", "set", "mail.tranport", "smtp"]);
    assert!(err.contains("did you mean \"mail.transport\"?"), "{err}");
    let err = env.fails(3, ["config", "set", "mail.smtp.password", "hunter2"]);
    assert!(err.contains("passwords are never stored"), "{err}");
    env.fails(2, ["session", "frobnicate"]);
}

#[test]
fn a_note_from_a_file_that_is_not_utf8_is_refused() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    let latin1 = env.dir.path().join("latin1.txt");
    std::fs::write(&latin1, b"caf\xe9 cr\xe8me").expect("write");
    let err = env.fails(3, ["note", "add", "--file", latin1.to_str().expect("path")]);
    assert!(err.contains("is not UTF-8 text"), "{err}");

    let before = snapshot(&env.db);
    let output = env
        .coach(["note", "add", "-"])
        .write_stdin(b"\xff\xfe binary".to_vec())
        .output()
        .expect("run");
    assert_failed(&output, 3);
    assert_eq!(snapshot(&env.db), before);
    let missing = env.fails(3, ["note", "add", "--file", "no-such-file.md"]);
    assert!(missing.contains("no such file"), "{missing}");
}

#[test]
fn notes_come_from_arguments_stdin_or_a_file() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    env.coach(["note", "add"])
        .write_stdin("From a pipe\n\n- item one\n- item two\n")
        .assert()
        .success();
    env.coach(["note", "add", "-"])
        .write_stdin("Explicit dash")
        .assert()
        .success();
    let file = env.dir.path().join("agenda.md");
    std::fs::write(&file, "# Agenda\n\n1. Metrics\n2. Career 🚀").expect("write");
    env.ok(["note", "add", "--file", file.to_str().expect("path")]);
    env.ok(["note", "add", "several", "words", "joined"]);
    let notes = env.json(["note", "list"]);
    let bodies: Vec<&str> = notes
        .as_array()
        .expect("list")
        .iter()
        .map(|n| n["body"].as_str().expect("body"))
        .collect();
    assert_eq!(
        bodies,
        [
            "From a pipe\n\n- item one\n- item two",
            "Explicit dash",
            "# Agenda\n\n1. Metrics\n2. Career 🚀",
            "several words joined"
        ]
    );
}

#[test]
fn notes_can_be_edited_and_removed() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    let id = env
        .ok(["note", "add", "-q", "Frist draft"])
        .trim()
        .to_string();
    env.ok(["note", "edit", &id[..8], "First draft"]);
    assert_eq!(env.json(["note", "list"])[0]["body"], "First draft");
    env.ok(["note", "rm", &id[..8]]);
    assert_eq!(
        env.json(["note", "list"]).as_array().expect("list").len(),
        0
    );
    env.fails(3, ["note", "rm", &id[..8]]);
}

#[test]
fn a_topic_by_someone_else_or_a_private_note_by_the_member_is_refused() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    let err = env.fails(3, ["note", "add", "--by", "jordan", "Not their session"]);
    assert!(err.contains("Jordan Park is not in this session"), "{err}");
    let err = env.fails(
        3,
        ["note", "add", "--private", "--by", "alex", "Their secret"],
    );
    assert!(err.contains("a private note can only be yours"), "{err}");
}

#[test]
fn session_list_shows_the_latest_50_unless_told() {
    let env = Env::with_team();
    for week in 1..=52 {
        env.ok([
            "session",
            "new",
            "alex",
            "--date",
            &format!("-{week}w"),
            "--title",
            &format!("Week {week}"),
        ]);
    }
    let count = |args: &[&str]| {
        let mut all = vec!["session", "list"];
        all.extend_from_slice(args);
        env.json(all).as_array().expect("list").len()
    };
    let newest = env.json(["session", "list"])[0]["title"].clone();
    assert_eq!(newest, "Week 1");
    assert_eq!(count(&[]), 50);
    assert_eq!(count(&["--member", "alex"]), 50);
    assert_eq!(count(&["--limit", "60"]), 52);
    // A window given with --since is shown whole.
    assert_eq!(count(&["--since", "-60w"]), 52);
    assert_eq!(count(&["--since", "-60w", "--limit", "3"]), 3);
}

#[test]
fn sessions_are_listed_filtered_used_edited_and_deleted() {
    let env = Env::with_team();
    let old = env
        .ok([
            "session",
            "new",
            "alex",
            "-q",
            "--title",
            "Old",
            "--date",
            "2026-01-05",
        ])
        .trim()
        .to_string();
    env.ok([
        "session",
        "new",
        "jordan",
        "--title",
        "Billing sync",
        "--date",
        "2026-06-01",
    ]);
    env.ok([
        "session",
        "new",
        "alex",
        "--title",
        "Recent",
        "--date",
        "2026-11-02",
    ]);

    let titles = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["session", "list"];
        all.extend_from_slice(args);
        env.json(all)
            .as_array()
            .expect("list")
            .iter()
            .map(|s| s["title"].as_str().expect("title").to_string())
            .collect()
    };
    assert_eq!(titles(&[]), ["Recent", "Billing sync", "Old"]);
    assert_eq!(titles(&["--member", "alex"]), ["Recent", "Old"]);
    assert_eq!(
        titles(&["--since", "2026-05-01"]),
        ["Recent", "Billing sync"]
    );
    assert_eq!(titles(&["--limit", "1"]), ["Recent"]);

    env.ok(["session", "use", &old[..8]]);
    assert_eq!(env.current_session(), old);
    env.ok([
        "session",
        "edit",
        "--title",
        "Kick-off",
        "--date",
        "2026-01-06 10:00",
    ]);
    let edited = env.json(["session", "show"]);
    assert_eq!(edited["title"], "Kick-off");
    assert_eq!(edited["date"], "2026-01-06T10:00:00Z");

    let err = env.fails(2, ["session", "delete", &old[..8]]);
    assert!(err.contains("--yes"), "{err}");
    env.ok(["session", "delete", &old[..8], "--yes"]);
    assert_eq!(titles(&[]), ["Recent", "Billing sync"]);
    let err = env.fails(3, ["note", "add", "Where does this go?"]);
    assert!(err.contains("there is no current session"), "{err}");
}

#[test]
fn without_a_terminal_nothing_is_asked() {
    let env = Env::with_team();
    let err = env.fails(2, ["session", "new"]);
    assert!(err.contains("there is no terminal to ask on"), "{err}");
    assert!(err.contains("coach session new \"Alex Kim\""), "{err}");
    let fresh = Env::new();
    let err = fresh.fails(2, ["init", "--name", "Sam"]);
    assert!(err.contains("--email"), "{err}");
}

#[test]
fn members_are_edited_and_archived() {
    let env = Env::with_team();
    env.ok([
        "member",
        "edit",
        "jordan",
        "--team",
        "Escalations",
        "--email",
        "",
    ]);
    let jordan = env.json(["member", "show", "jordan"]);
    assert_eq!(jordan["team"], "Escalations");
    assert!(jordan["email"].is_null());
    env.ok(["member", "archive", "jordan"]);
    assert_eq!(
        env.json(["member", "list"]).as_array().expect("list").len(),
        1
    );
    assert_eq!(
        env.json(["member", "list", "--all"])
            .as_array()
            .expect("list")
            .len(),
        2
    );
    let err = env.fails(3, ["session", "new", "jordan"]);
    assert!(err.contains("archived"), "{err}");
    env.ok(["member", "archive", "--undo", "jordan"]);
    env.ok(["session", "new", "jordan"]);
    let found = env.json(["member", "search", "SUPP"]);
    assert_eq!(found[0]["name"], "Alex Kim");
}

#[test]
fn an_email_address_that_is_accepted_can_be_sent_to() {
    let env = Env::with_team();
    for bad in [
        "alex@example..com",
        "alex@-example.com",
        "alex kim@example.com",
    ] {
        let err = env.fails(3, ["member", "add", "Casey Day", "--email", bad]);
        assert!(err.contains("is not an email address"), "{bad}: {err}");
        let err = env.fails(3, ["member", "edit", "alex", "--email", bad]);
        assert!(err.contains("is not an email address"), "{bad}: {err}");
    }
    env.ok([
        "member",
        "add",
        "Casey Day",
        "--email",
        "casey.o'neil+1@mail.example.co.uk",
    ]);
}

#[test]
fn settings_are_read_set_and_unset() {
    let env = Env::initialized();
    assert_eq!(env.ok(["config", "get", "user.name"]).trim(), "Sam Lee");
    assert_eq!(env.ok(["config", "get", "mail.transport"]).trim(), "outbox");
    env.ok(["config", "set", "mail.transport", "SMTP"]);
    assert_eq!(env.ok(["config", "get", "mail.transport"]).trim(), "smtp");
    let list = env.json(["config", "list"]);
    let transport = list
        .as_array()
        .expect("list")
        .iter()
        .find(|e| e["key"] == "mail.transport")
        .expect("listed")
        .clone();
    assert_eq!(transport["default"], false);
    env.ok(["config", "unset", "mail.transport"]);
    assert_eq!(env.ok(["config", "get", "mail.transport"]).trim(), "outbox");
    env.fails(3, ["config", "get", "mail.smtp.host"]);
    env.ok(["config", "list", "--all"]);
}

#[test]
fn a_bad_stored_setting_is_an_error_naming_it_never_a_default() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    let session = env.json(["session", "show"]);
    assert_eq!(
        session["title"], "Weekly check-in",
        "the title comes from the declared default"
    );
    let store = |key: &str, value: &str| {
        // A file edited by hand, or written by another version.
        let conn = rusqlite::Connection::open(&env.db).expect("open");
        conn.execute(
            "INSERT OR REPLACE INTO config (key, value, updated_at)
             VALUES (?1, ?2, '2026-12-01T00:00:00.000Z')",
            [key, value],
        )
        .expect("edit");
    };
    env.ok(["config", "set", "mail.smtp.host", "127.0.0.1"]);
    for (kind, key, value, before, command) in [
        ("bool", "mail.cc-me", "maybe", None, vec!["share"]),
        ("number", "team.cadence-days", "soon", None, vec!["team"]),
        (
            "duration",
            "mail.smtp.timeout",
            "30s",
            Some(("mail.transport", "smtp")),
            vec!["share"],
        ),
        ("enum", "mail.transport", "pigeon", None, vec!["share"]),
    ] {
        if let Some((key, value)) = before {
            env.ok(["config", "set", key, value]);
        }
        store(key, value);
        // `fails` checks that the database is unchanged.
        let err = env.fails(4, &command);
        assert!(
            err.contains(key) && err.contains(value),
            "a bad {kind} names the setting and its value: {err}"
        );
        assert!(err.contains("coach config set"), "{kind}: the fix: {err}");
        env.ok(["config", "unset", key]);
        if let Some((key, _)) = before {
            env.ok(["config", "unset", key]);
        }
    }
}

#[test]
fn reads_leave_the_file_untouched() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    env.ok(["note", "add", "Something"]);
    let before = snapshot(&env.db);
    let modified = std::fs::metadata(&env.db)
        .expect("meta")
        .modified()
        .expect("mtime");
    let reads = [
        vec!["member", "list"],
        vec!["member", "show", "alex"],
        vec!["member", "search", "a"],
        vec!["session", "list"],
        vec!["session", "show"],
        vec!["session", "show", "--as-member"],
        vec!["note", "list"],
        vec!["config", "list"],
        vec!["config", "get", "user.name"],
        vec!["team"],
        vec!["action", "list", "--open"],
    ];
    // Twice: the first read after a write opens a new WAL, the reads after
    // it open the one the read before left in place.
    for args in reads.iter().chain(reads.iter()) {
        env.ok(args);
        assert_eq!(
            snapshot(&env.db),
            before,
            "`coach {}` changed the file",
            args.join(" ")
        );
    }
    let after = std::fs::metadata(&env.db)
        .expect("meta")
        .modified()
        .expect("mtime");
    assert_eq!(modified, after, "a read changed the file's time");
}

#[test]
fn after_a_write_the_file_stands_alone() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    let wal = env.db.with_extension("db-wal");
    // A read leaves the WAL (empty) for the next command.
    env.ok(["session", "show"]);
    assert_eq!(std::fs::metadata(&wal).map(|m| m.len()).ok(), Some(0));
    // A write checkpoints it into the file: a copy of coach.db alone holds it.
    env.ok(["note", "add", "Kept in the file itself"]);
    assert!(!wal.exists(), "the WAL is checkpointed and removed");
    let copy = env.dir.path().join("copy.db");
    std::fs::copy(&env.db, &copy).expect("copy");
    let shown = env
        .coach(["note", "list"])
        .env("COACH_DB", &copy)
        .output()
        .expect("run");
    assert!(String::from_utf8_lossy(&shown.stdout).contains("Kept in the file itself"));
}

#[test]
fn the_database_is_created_owner_only() {
    let env = Env::new();
    env.ok(["member", "list"]);
    let mode = std::fs::metadata(&env.db)
        .expect("created")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn the_default_location_is_created_with_its_folders() {
    let home = tempfile::tempdir().expect("home");
    let mut cmd = assert_cmd::Command::cargo_bin("coach").expect("bin");
    cmd.env_remove("COACH_DB")
        .env("HOME", home.path())
        .env_remove("XDG_DATA_HOME")
        .args(["member", "list"])
        .assert()
        .success();
    let folder = home.path().join(".local/share/coach");
    let mode = std::fs::metadata(&folder)
        .expect("folder")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o700);
    assert!(folder.join("coach.db").exists());
}

#[test]
fn an_unusable_database_location_is_a_clear_error() {
    let env = Env::new();
    let missing = env.dir.path().join("no/such/folder/coach.db");
    let output = env
        .coach(["--db", missing.to_str().expect("path"), "member", "list"])
        .output()
        .expect("run");
    assert_failed(&output, 4);
    assert!(String::from_utf8_lossy(&output.stderr).contains("does not exist"));
    assert!(!missing.exists());

    // /proc refuses new files even to root: a read-only folder.
    let output = env
        .coach(["--db", "/proc/coach-test.db", "member", "list"])
        .output()
        .expect("run");
    assert_failed(&output, 4);
    assert!(String::from_utf8_lossy(&output.stderr).contains("read-only"));

    let garbage = env.dir.path().join("garbage.db");
    std::fs::write(
        &garbage,
        "this is not a database, it is a text file of some length",
    )
    .expect("write");
    let output = env
        .coach(["--db", garbage.to_str().expect("path"), "member", "list"])
        .output()
        .expect("run");
    assert_failed(&output, 4);
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a coach database"));
}

#[test]
fn a_database_from_a_newer_coach_is_refused_and_left_alone() {
    let env = Env::with_team();
    {
        let conn = rusqlite::Connection::open(&env.db).expect("open");
        conn.pragma_update(None, "user_version", 999).expect("bump");
    }
    let err = env.fails(4, ["member", "list"]);
    assert!(err.contains("written by a newer coach"), "{err}");
    assert!(err.contains("upgrade coach"), "{err}");
    env.fails(4, ["member", "add", "New Person"]);
}

#[test]
fn concurrent_writers_queue_instead_of_failing() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    let children: Vec<_> = (0..8)
        .map(|i| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("coach"))
                .env("COACH_DB", &env.db)
                .args(["note", "add", &format!("note {i}")])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for mut child in children {
        assert!(child.wait().expect("wait").success());
    }
    assert_eq!(
        env.json(["note", "list"]).as_array().expect("list").len(),
        8
    );
}

#[test]
fn help_has_examples() {
    let env = Env::new();
    env.coach(["--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
    for command in [
        vec!["session", "--help"],
        vec!["note", "--help"],
        vec!["member", "--help"],
        vec!["init", "--help"],
    ] {
        env.coach(command)
            .assert()
            .success()
            .stdout(predicate::str::contains("Examples:"));
    }
}

#[test]
fn help_and_usage_errors_know_every_command() {
    // Parsing builds only the command invoked; what clap refuses (help
    // included) is read again on the whole tree.
    let env = Env::new();
    let help = env.ok(["--help"]);
    let listed: Vec<&str> = help
        .lines()
        .skip_while(|line| *line != "Commands:")
        .skip(1)
        .take_while(|line| line.starts_with("  "))
        .collect();
    assert!(listed.len() > 20, "{help}");
    for line in &listed {
        let mut words = line.split_whitespace();
        let (Some(name), Some(_summary)) = (words.next(), words.next()) else {
            panic!("a command without its summary: {line:?}");
        };
        assert!(!name.is_empty());
    }
    env.coach(["notte"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "a similar subcommand exists: 'note'",
        ));
    env.coach(Vec::<&str>::new())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("share"));
    assert!(!env.db.exists());
}

#[test]
fn the_version_is_printed_alike_by_the_quick_path_and_by_clap() {
    let env = Env::new();
    let expected = format!("coach {}\n", env!("CARGO_PKG_VERSION"));
    // `--version` alone is answered before the command tree is built; with
    // another option, clap answers: the same line either way.
    for args in [vec!["--version"], vec!["-V"], vec!["--json", "--version"]] {
        let output = env.coach(&args).output().expect("run");
        assert!(output.status.success(), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            expected,
            "{args:?}"
        );
        assert!(output.stderr.is_empty(), "{args:?}");
    }
    assert!(!env.db.exists(), "--version opens no database");
}
