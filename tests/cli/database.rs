//! The database file itself as hostile input: another program's SQLite
//! file, a read-only folder, coach's mark (PRAGMA application_id).

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use crate::common::{assert_failed, Env};

/// "COCH" in ASCII: coach's application id.
const APPLICATION_ID: i64 = 0x434F_4348;

fn application_id(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.pragma_query_value(None, "application_id", |r| r.get(0))
        .expect("application_id")
}

#[test]
fn a_new_database_carries_coachs_application_id() {
    let env = Env::initialized();
    assert_eq!(application_id(&env.db), APPLICATION_ID);
}

#[test]
fn a_database_of_an_earlier_coach_is_marked_when_next_opened() {
    let env = Env::new();
    {
        // As an earlier coach left it: the schema of its five migrations
        // (version 5), no mark, one member.
        let conn = earlier_database(&env.db, 5);
        conn.execute_batch(
            "INSERT INTO members (id, name, author, created_at, updated_at)
             VALUES ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'Alex Kim',
                     'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
                     '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
             INSERT INTO sessions (id, member_id, title, held_at, author, created_at, updated_at)
             VALUES ('cccccccccccccccccccccccccccccccc', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
                     'Weekly', '2026-01-02T09:00:00.000Z', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
                     '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
             INSERT INTO kudos (id, session_id, body, kind, author, created_at, updated_at)
             VALUES ('dddddddddddddddddddddddddddddddd', 'cccccccccccccccccccccccccccccccc',
                     'Great save', 'effort', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
                     '2026-01-02T10:00:00.000Z', '2026-01-02T10:00:00.000Z');",
        )
        .expect("a member, a session, a kudos");
    }
    assert_eq!(application_id(&env.db), 0);
    let members = env.ok(["member", "list"]);
    assert!(members.contains("Alex Kim"), "{members}");
    assert_eq!(application_id(&env.db), APPLICATION_ID);
    // Every later migration ran: the kudos kept its session and names its member.
    let kudos = env.json(["kudos", "list"]);
    assert_eq!(kudos[0]["body"], "Great save");
    assert_eq!(kudos[0]["member"]["name"], "Alex Kim");
    assert_eq!(kudos[0]["session_id"], "cccccccccccccccccccccccccccccccc");
    let conn = rusqlite::Connection::open(&env.db).expect("open");
    let member: String = conn
        .query_row("SELECT member_id FROM kudos", [], |r| r.get(0))
        .expect("member_id");
    assert_eq!(member, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
}

/// Runs `coach member list` and `coach init` on another program's file:
/// both refused with exit 4, and the file left byte for byte as it was,
/// with no file created beside it.
fn refused_untouched(env: &Env, file: &Path) {
    let before = std::fs::read(file).expect("read");
    for args in [
        vec!["member", "list"],
        vec!["init", "--name", "Sam", "--email", "sam@example.com"],
    ] {
        let output = env
            .coach(&args)
            .env("COACH_DB", file)
            .output()
            .expect("run");
        assert_failed(&output, 4);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("not a coach database"), "{stderr}");
        assert_eq!(std::fs::read(file).expect("read"), before, "{args:?}");
    }
    let beside: Vec<_> = std::fs::read_dir(file.parent().expect("folder"))
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(beside.len(), 1, "nothing created beside it: {beside:?}");
}

#[test]
fn another_programs_sqlite_file_is_refused_and_left_byte_for_byte() {
    let env = Env::new();
    let folder = env.dir.path().join("firefox");
    std::fs::create_dir(&folder).expect("mkdir");

    // A browser's history: tables of its own, no application id.
    let places = folder.join("places.sqlite");
    let conn = rusqlite::Connection::open(&places).expect("create");
    conn.execute_batch(
        "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT);
         INSERT INTO moz_places (url) VALUES ('https://example.com');",
    )
    .expect("tables");
    drop(conn);
    refused_untouched(&env, &places);

    // A program that also counts its schema in user_version, in WAL mode.
    std::fs::remove_file(&places).expect("rm");
    let conn = rusqlite::Connection::open(&places).expect("create");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA user_version = 3;
         CREATE TABLE members (id TEXT, name TEXT);",
    )
    .expect("tables");
    drop(conn);
    refused_untouched(&env, &places);

    // Another program's application id, even with no table yet (Fossil's).
    std::fs::remove_file(&places).expect("rm");
    let conn = rusqlite::Connection::open(&places).expect("create");
    conn.execute_batch("PRAGMA application_id = 252006673; CREATE TABLE t (x);")
        .expect("id");
    drop(conn);
    refused_untouched(&env, &places);
}

#[test]
fn a_file_that_is_not_sqlite_at_all_is_refused_untouched() {
    let env = Env::new();
    let folder = env.dir.path().join("notes");
    std::fs::create_dir(&folder).expect("mkdir");
    let text = folder.join("todo.txt");
    std::fs::write(&text, "buy milk\n".repeat(200)).expect("write");
    let before = std::fs::read(&text).expect("read");
    let output = env
        .coach(["member", "list"])
        .env("COACH_DB", &text)
        .output()
        .expect("run");
    assert_failed(&output, 4);
    assert_eq!(std::fs::read(&text).expect("read"), before);
}

/// Runs coach as a user that cannot write the folder: as root (who may
/// write anywhere), as `nobody` through setpriv, owning the files.
fn as_reader(env: &Env, folder: &Path, args: &[&str]) -> std::process::Output {
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let coach = assert_cmd::cargo::cargo_bin("coach");
    let mut cmd = if root {
        let mut cmd = std::process::Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(coach);
        cmd
    } else {
        std::process::Command::new(coach)
    };
    cmd.args(args)
        .env("COACH_DB", &env.db)
        .env("TZ", "UTC")
        .env("NO_COLOR", "1")
        .current_dir(folder)
        .output()
        .expect("run coach")
}

#[test]
fn reads_work_when_the_databases_folder_is_read_only() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex", "--title", "Weekly check-in"]);
    env.ok(["note", "add", "Shared talking point"]);
    let folder = env.dir.path();
    // Owned by nobody (for the root case), then read-only for everyone.
    for entry in std::fs::read_dir(folder).expect("list") {
        let path = entry.expect("entry").path();
        let _ = std::os::unix::fs::chown(&path, Some(65534), Some(65534));
    }
    let _ = std::os::unix::fs::chown(folder, Some(65534), Some(65534));
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    let before = crate::common::snapshot(&env.db);

    for args in [
        vec!["session", "show"],
        vec!["member", "list", "--json"],
        vec!["export"],
        vec!["session", "list"],
    ] {
        let output = as_reader(&env, folder, &args);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let shown = as_reader(&env, folder, &["session", "show"]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("Shared talking point"));

    // A change is a clear error, and nothing changes.
    let output = as_reader(&env, folder, &["note", "add", "Another point"]);
    assert_failed(&output, 4);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is read-only"), "{stderr}");
    assert_eq!(crate::common::snapshot(&env.db), before);
    let beside: Vec<_> = std::fs::read_dir(folder)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, vec!["coach.db".to_string()], "no -wal or -shm");
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700)).expect("chmod");
}

/// Whether `needle` is anywhere in the bytes of `path` (or of the files
/// under it, for a folder).
fn holds(path: &Path, needle: &str) -> bool {
    if path.is_dir() {
        return std::fs::read_dir(path)
            .expect("list")
            .any(|e| holds(&e.expect("entry").path(), needle));
    }
    let bytes = std::fs::read(path).unwrap_or_default();
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn a_deleted_private_note_leaves_no_trace_in_the_file_backups_or_exports() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex", "--title", "Weekly check-in"]);
    env.ok(["note", "add", "--private", "KEPT-PRIVATE-MARKER stays"]);
    // Long enough to spill onto overflow pages, which a deletion frees:
    // without secure_delete, freed pages keep their bytes.
    let long = "DELETED-PRIVATE-CANARY thinks of leaving. ".repeat(400);
    let gone = env.ok(["note", "add", "--private", "-q", &long]);
    env.ok(["note", "add", "Shared talking point"]);
    env.ok(["note", "rm", gone.trim()]);
    // The notes of a deleted session go with it, text and all.
    env.ok(["session", "new", "jordan", "--title", "Monthly goals"]);
    env.ok(["note", "add", "--private", "DELETED-SESSION-CANARY"]);
    let jordan = env.current_session();
    env.ok(["session", "delete", &jordan, "--yes"]);

    let dir = env.dir.path();
    let backup = dir.join("backup.db");
    env.ok(["backup", backup.to_str().expect("path")]);
    let export = dir.join("export.json");
    env.ok([
        "export",
        "--include-private",
        "--output",
        export.to_str().expect("path"),
    ]);
    let markdown = dir.join("md");
    env.ok([
        "export",
        "--format",
        "markdown",
        "--include-private",
        "--output",
        markdown.to_str().expect("path"),
    ]);
    for place in [&env.db, &backup, &export, &markdown] {
        // The grep can find what is there...
        assert!(holds(place, "KEPT-PRIVATE-MARKER"), "{}", place.display());
        // ...and the deleted text is nowhere.
        for canary in ["DELETED-PRIVATE-CANARY", "DELETED-SESSION-CANARY"] {
            assert!(
                !holds(place, canary),
                "{canary} lingers in {}",
                place.display()
            );
        }
    }
    assert!(!holds(&db_wal(&env.db), "DELETED-PRIVATE-CANARY"));
    // The tombstone keeps the id, so a merge carries the deletion.
    let dump: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&export).expect("read")).expect("json");
    let tombstone = dump["tables"]["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .find(|n| n["id"] == gone.trim())
        .expect("the tombstone is exported");
    assert!(tombstone["deleted_at"].is_string());
    assert_eq!(tombstone["body"], "(deleted)");
}

fn db_wal(db: &Path) -> std::path::PathBuf {
    db.with_extension("db-wal")
}

#[test]
fn tombstones_of_an_earlier_coach_lose_their_text_on_upgrade() {
    let env = Env::new();
    {
        // As an earlier coach (schema version 6) deleted it: a tombstone
        // that kept its text.
        let conn = earlier_database(&env.db, 6);
        conn.execute_batch(
            "INSERT INTO members (id, name, author, created_at, updated_at)
             VALUES ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'Alex Kim', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
                     '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
             INSERT INTO sessions (id, member_id, title, held_at, author, created_at, updated_at)
             VALUES ('cccccccccccccccccccccccccccccccc', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
                     'Weekly', '2026-01-02T09:00:00.000Z', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
                     '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
             INSERT INTO notes (id, session_id, body, visibility, author, created_at, updated_at, deleted_at)
             VALUES ('eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee', 'cccccccccccccccccccccccccccccccc',
                     'OLD-TOMBSTONE-CANARY', 'private', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
                     '2026-01-02T10:00:00.000Z', '2026-01-02T11:00:00.000Z',
                     '2026-01-02T11:00:00.000Z');",
        )
        .expect("old tombstone");
    }
    assert!(holds(&env.db, "OLD-TOMBSTONE-CANARY"));
    env.ok(["member", "list"]);
    assert!(!holds(&env.db, "OLD-TOMBSTONE-CANARY"));
}

#[test]
fn template_prompts_of_an_earlier_coach_are_flagged_once_on_upgrade() {
    let env = Env::new();
    {
        // Schema version 11 had no flag: a template's prompt was a coach's
        // note written within 20 ms of its session and never edited.
        let conn = earlier_database(&env.db, 11);
        conn.execute_batch(
            "INSERT INTO members (id, name, author, created_at, updated_at)
             VALUES ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'Alex Kim', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
                     '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z');
             INSERT INTO sessions (id, member_id, title, held_at, author, created_at, updated_at)
             VALUES ('cccccccccccccccccccccccccccccccc', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
                     'Weekly', '2026-01-02T09:00:00.000Z', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
                     '2026-01-01T10:00:00.000Z', '2026-01-01T10:00:00.000Z');
             INSERT INTO notes (id, session_id, body, visibility, author, created_at, updated_at) VALUES
               ('e0000000000000000000000000000000', 'cccccccccccccccccccccccccccccccc', 'PROMPT-0',
                'shared', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', '2026-01-01T10:00:00.000Z', '2026-01-01T10:00:00.000Z'),
               ('e1000000000000000000000000000000', 'cccccccccccccccccccccccccccccccc', 'PROMPT-19',
                'shared', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', '2026-01-01T10:00:00.019Z', '2026-01-01T10:00:00.019Z'),
               ('e2000000000000000000000000000000', 'cccccccccccccccccccccccccccccccc', 'EDITED-PROMPT',
                'shared', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', '2026-01-01T10:00:00.002Z', '2026-01-03T10:00:00.000Z'),
               ('e3000000000000000000000000000000', 'cccccccccccccccccccccccccccccccc', 'LATER-NOTE',
                'shared', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', '2026-01-01T10:00:00.020Z', '2026-01-01T10:00:00.020Z'),
               ('e4000000000000000000000000000000', 'cccccccccccccccccccccccccccccccc', 'MEMBER-TOPIC',
                'shared', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2026-01-01T10:00:00.003Z', '2026-01-01T10:00:00.003Z'),
               ('e5000000000000000000000000000000', 'cccccccccccccccccccccccccccccccc', 'PRIVATE-NOTE',
                'private', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', '2026-01-01T10:00:00.004Z', '2026-01-01T10:00:00.004Z');",
        )
        .expect("an earlier session with notes");
    }
    let notes = env.json(["note", "list", "--session", "cccc"]);
    let flagged: Vec<(&str, bool)> = notes
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| {
            (
                n["body"].as_str().expect("body"),
                n["from_template"].as_bool().expect("from_template"),
            )
        })
        .collect();
    assert_eq!(
        flagged,
        [
            ("PROMPT-0", true),
            ("EDITED-PROMPT", false),
            ("MEMBER-TOPIC", false),
            ("PRIVATE-NOTE", false),
            ("PROMPT-19", true),
            ("LATER-NOTE", false),
        ]
    );
}

/// A database as an earlier coach left it: the schema of its first
/// `version` migrations (as files, since migrations are not re-runnable)
/// and the owner's id; nothing else.
fn earlier_database(path: &Path, version: usize) -> rusqlite::Connection {
    const MIGRATIONS: [&str; 11] = [
        include_str!("../../src/store/migrations/0001_core.sql"),
        include_str!("../../src/store/migrations/0002_content.sql"),
        include_str!("../../src/store/migrations/0003_sharing.sql"),
        include_str!("../../src/store/migrations/0004_trends.sql"),
        include_str!("../../src/store/migrations/0005_history.sql"),
        include_str!("../../src/store/migrations/0006_application_id.sql"),
        include_str!("../../src/store/migrations/0007_deleted_text.sql"),
        include_str!("../../src/store/migrations/0008_session_life.sql"),
        include_str!("../../src/store/migrations/0009_email.sql"),
        include_str!("../../src/store/migrations/0010_replies.sql"),
        include_str!("../../src/store/migrations/0011_search_undo.sql"),
    ];
    let conn = rusqlite::Connection::open(path).expect("open");
    for sql in &MIGRATIONS[..version] {
        conn.execute_batch(sql).expect("an earlier schema");
    }
    conn.execute_batch(&format!(
        "PRAGMA user_version = {version};
         INSERT INTO state (key, value) VALUES ('user.id', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb');"
    ))
    .expect("the owner");
    conn
}
