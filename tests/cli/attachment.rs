//! Attachments: `coach attach`, `coach attachment save|list`.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::common::{assert_failed, snapshot, Env};

/// A world with a session with Alex, and a scorecard beside the database.
fn with_session() -> Env {
    let env = Env::with_team();
    env.ok(["session", "new", "alex", "--title", "Weekly check-in"]);
    std::fs::write(
        env.dir.path().join("scorecard.csv"),
        "metric,value,target\nCSAT,92,90\nAHT,410,360\n",
    )
    .expect("write");
    env
}

fn store(env: &Env) -> PathBuf {
    env.dir.path().join("attachments")
}

/// The names of the files in the attachment store (none if it is missing).
fn stored_files(env: &Env) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(store(env)) {
        Ok(entries) => entries
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

fn sha256_hex(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

#[test]
fn a_file_is_copied_into_an_owner_only_content_addressed_store() {
    let env = with_session();
    let bytes = std::fs::read(env.dir.path().join("scorecard.csv")).expect("read");
    let attached = env.json(["attach", "scorecard.csv"]);
    for key in [
        "id",
        "short_id",
        "session_id",
        "name",
        "size",
        "media_type",
        "sha256",
        "created_at",
        "updated_at",
        "notes",
    ] {
        assert!(
            attached.get(key).is_some(),
            "an attachment has {key}: {attached}"
        );
    }
    assert_eq!(attached["name"], "scorecard.csv");
    assert_eq!(attached["size"], bytes.len() as u64);
    assert_eq!(attached["media_type"], "text/csv");
    assert_eq!(attached["session_id"], env.current_session().as_str());
    let sha = sha256_hex(&bytes);
    assert_eq!(attached["sha256"], sha.as_str());

    let content = store(&env).join(&sha);
    assert_eq!(std::fs::read(&content).expect("stored"), bytes);
    assert_eq!(mode(&store(&env)), 0o700, "the store folder is owner-only");
    assert_eq!(mode(&content), 0o600, "stored files are owner-only");

    // The original can go: the session keeps its copy.
    std::fs::remove_file(env.dir.path().join("scorecard.csv")).expect("rm");
    let shown = env.ok(["session", "show"]);
    let at = shown
        .find("\nAttachments\n")
        .expect("an attachments section");
    let short = attached["short_id"].as_str().expect("short id");
    assert!(
        shown[at..].contains(&format!(
            "{short} scorecard.csv {} B · text/csv",
            bytes.len()
        )),
        "{shown}"
    );
}

#[test]
fn identical_files_are_stored_once() {
    let env = with_session();
    let copy = env.dir.path().join("copy of scorecard.csv");
    std::fs::copy(env.dir.path().join("scorecard.csv"), &copy).expect("copy");
    let first = env.ok(["attach", "scorecard.csv", "-q"]);
    let second = env.ok([
        "attach",
        copy.to_str().expect("path"),
        "--name",
        "Q3.csv",
        "-q",
    ]);
    assert_ne!(first.trim(), second.trim(), "two attachments");
    let listed = env.json(["attachment", "list"]);
    let listed = listed.as_array().expect("a list");
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["sha256"], listed[1]["sha256"]);
    assert_eq!(listed[1]["name"], "Q3.csv");
    assert_eq!(
        stored_files(&env),
        vec![listed[0]["sha256"].as_str().expect("sha").to_string()],
        "one file, and no temporary file left"
    );
}

#[test]
fn the_size_limit_is_a_setting_and_a_clear_error() {
    let env = with_session();
    std::fs::write(env.dir.path().join("big.bin"), vec![7u8; 2048]).expect("write");
    env.ok(["config", "set", "attachments.max-size", "1K"]);
    let err = env.fails(3, ["attach", "big.bin"]);
    assert!(
        err.contains("big.bin (2.0 KiB) is larger than the attachment limit of 1.0 KiB"),
        "{err}"
    );
    assert!(
        err.contains("coach config set attachments.max-size"),
        "{err}"
    );
    assert!(stored_files(&env).is_empty(), "nothing stored");
    // At the limit is fine.
    env.ok(["config", "set", "attachments.max-size", "2K"]);
    env.ok(["attach", "big.bin"]);
    env.fails(3, ["config", "set", "attachments.max-size", "lots"]);
}

#[test]
fn a_missing_folder_or_special_path_is_refused_with_nothing_stored() {
    let env = with_session();
    std::fs::create_dir(env.dir.path().join("reports")).expect("mkdir");
    let cases: [(&str, &str); 3] = [
        (
            "no-such-file.csv",
            "cannot attach no-such-file.csv: no such file or directory",
        ),
        ("reports", "reports is a folder; only files can be attached"),
        ("/dev/null", "/dev/null is not a regular file"),
    ];
    for (path, message) in cases {
        let err = env.fails(3, ["attach", path]);
        assert!(err.contains(message), "{path}: {err}");
        assert!(stored_files(&env).is_empty(), "{path}: nothing stored");
    }
    assert_eq!(env.json(["attachment", "list"]), serde_json::json!([]));
}

#[test]
fn a_file_that_cannot_be_read_leaves_no_row_and_no_temporary_file() {
    let env = with_session();
    // /proc/self/mem looks like an empty regular file, but reading it from
    // offset 0 fails (EIO), even for root: a read error in mid-copy.
    if Path::new("/proc/self/mem").exists() {
        let err = env.fails(3, ["attach", "/proc/self/mem"]);
        assert!(err.contains("cannot attach /proc/self/mem"), "{err}");
        assert!(stored_files(&env).is_empty(), "no temporary file left");
    }
    // A file without read permission. Root reads it anyway, so this part
    // only runs where the permission is enforced.
    let locked = env.dir.path().join("locked.csv");
    std::fs::write(&locked, "secret").expect("write");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&locked).is_err() {
        let err = env.fails(3, ["attach", "locked.csv"]);
        assert!(
            err.contains("cannot attach locked.csv: permission denied"),
            "{err}"
        );
        assert!(stored_files(&env).is_empty());
    }
}

#[test]
fn bad_names_and_missing_sessions_are_refused() {
    let env = with_session();
    for name in ["../escape.csv", "a/b.csv", "", "two\nlines"] {
        env.fails(3, ["attach", "scorecard.csv", "--name", name]);
    }
    let fresh = Env::with_team();
    std::fs::write(fresh.dir.path().join("x.txt"), "x").expect("write");
    let err = fresh.fails(3, ["attach", "x.txt"]);
    assert!(err.contains("there is no current session"), "{err}");
    fresh.fails(3, ["attach", "x.txt", "--session", "ffff"]);
    assert!(stored_files(&fresh).is_empty());
}

#[test]
fn an_attachment_is_saved_back_byte_for_byte() {
    let env = with_session();
    let bytes: Vec<u8> = (0..=255u8).cycle().take(200_000).collect();
    std::fs::write(env.dir.path().join("recording.bin"), &bytes).expect("write");
    let id = env.ok(["attach", "recording.bin", "--name", "call.wav", "-q"]);
    let id = id.trim();
    std::fs::remove_file(env.dir.path().join("recording.bin")).expect("rm");

    // Default: the attachment's name in the current folder.
    let saved = env.ok(["attachment", "save", &id[..8]]);
    assert_eq!(saved.trim(), "Saved call.wav (195.3 KiB) to call.wav");
    let out = env.dir.path().join("call.wav");
    assert_eq!(std::fs::read(&out).expect("saved"), bytes);

    // No overwrite without --force; the file is left alone.
    std::fs::write(&out, "mine").expect("write");
    let err = env.fails(3, ["attachment", "save", id]);
    assert!(
        err.contains("call.wav already exists; nothing was written"),
        "{err}"
    );
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read(&out).expect("kept"), b"mine");
    env.ok(["attachment", "save", id, "--force"]);
    assert_eq!(std::fs::read(&out).expect("replaced"), bytes);

    // Into a folder, to a path, and to standard output.
    std::fs::create_dir(env.dir.path().join("out")).expect("mkdir");
    let json = env.json(["attachment", "save", id, "out"]);
    assert_eq!(json["path"], "out/call.wav");
    assert_eq!(json["name"], "call.wav");
    assert_eq!(
        std::fs::read(env.dir.path().join("out/call.wav")).expect("saved"),
        bytes
    );
    env.ok(["attachment", "save", id, "out/renamed.wav"]);
    assert_eq!(
        std::fs::read(env.dir.path().join("out/renamed.wav")).expect("saved"),
        bytes
    );
    let piped = env
        .coach(["attachment", "save", id, "-"])
        .output()
        .expect("run");
    assert!(piped.status.success());
    assert_eq!(piped.stdout, bytes);

    let err = env.fails(3, ["attachment", "save", id, "no-such-folder/call.wav"]);
    assert!(err.contains("no-such-folder"), "{err}");
    env.fails(3, ["attachment", "save", "ffffffff"]);
    env.fails(3, ["attachment", "save", "not-an-id"]);
}

#[test]
fn a_damaged_or_missing_stored_file_is_detected() {
    let env = with_session();
    let attached = env.json(["attach", "scorecard.csv"]);
    let id = attached["id"].as_str().expect("id");
    let content = store(&env).join(attached["sha256"].as_str().expect("sha"));
    std::fs::remove_file(env.dir.path().join("scorecard.csv")).expect("rm");

    std::fs::write(&content, "metric,value,target\nCSAT,99,90\nAHT,410,360\n").expect("tamper");
    let err = env.fails(4, ["attachment", "save", id]);
    assert!(
        err.contains("is damaged (its content does not match its SHA-256)"),
        "{err}"
    );
    assert!(
        !env.dir.path().join("scorecard.csv").exists(),
        "nothing written"
    );
    let piped = env
        .coach(["attachment", "save", id, "-"])
        .output()
        .expect("run");
    assert_failed(&piped, 4);
    assert!(piped.stdout.is_empty(), "no damaged bytes reach a pipe");

    std::fs::remove_file(&content).expect("rm");
    let err = env.fails(4, ["attachment", "save", id]);
    assert!(err.contains("is missing"), "{err}");
    assert!(
        stored_files(&env).is_empty() && !env.dir.path().join("scorecard.csv").exists(),
        "no temporary file left anywhere"
    );

    // Attaching the same content again repairs the store.
    std::fs::write(
        env.dir.path().join("again.csv"),
        "metric,value,target\nCSAT,92,90\nAHT,410,360\n",
    )
    .expect("write");
    env.ok(["attach", "again.csv"]);
    env.ok(["attachment", "save", id, "repaired.csv"]);
}

#[test]
fn attachments_are_listed_by_session_or_member() {
    let env = with_session();
    let alex_session = env.current_session();
    env.ok(["attach", "scorecard.csv"]);
    std::fs::write(env.dir.path().join("plan.md"), "# Learning plan\n").expect("write");
    env.ok([
        "session",
        "new",
        "alex",
        "--title",
        "Monthly goals",
        "--date",
        "+7d",
    ]);
    env.ok(["attach", "plan.md"]);
    env.ok(["session", "new", "jordan"]);
    let jordan = env.ok(["attach", "scorecard.csv", "-q"]);

    let current = env.json(["attachment", "list"]);
    assert_eq!(current.as_array().expect("list").len(), 1);
    assert_eq!(current[0]["id"], jordan.trim());

    let alex = env.json(["attachment", "list", "--member", "alex"]);
    let names: Vec<&str> = alex
        .as_array()
        .expect("list")
        .iter()
        .map(|a| a["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["plan.md", "scorecard.csv"], "newest session first");
    let table = env.ok(["attachment", "list", "--member", "alex"]);
    assert!(table.contains("Monthly goals"), "{table}");
    assert!(table.contains("text/markdown"), "{table}");

    let by_session = env.ok(["attachment", "list", "--session", &alex_session[..8], "-q"]);
    assert_eq!(by_session.lines().count(), 1);
    assert_eq!(by_session.trim().len(), 32);

    env.fails(3, ["attachment", "list", "--member", "nobody"]);
    env.fails(
        2,
        [
            "attachment",
            "list",
            "--member",
            "alex",
            "--session",
            "abcd",
        ],
    );
    let none = Env::with_team();
    none.ok(["session", "new", "alex"]);
    let output = none.coach(["attachment", "list"]).output().expect("run");
    assert!(output.status.success() && output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("coach attach FILE"));
}

#[test]
fn reads_leave_the_database_and_the_store_untouched() {
    let env = with_session();
    let id = env.ok(["attach", "scorecard.csv", "-q"]);
    let before = (snapshot(&env.db), stored_files(&env));
    env.ok(["attachment", "list"]);
    env.ok(["attachment", "save", id.trim(), "-"]);
    env.ok(["session", "show", "--json"]);
    assert_eq!((snapshot(&env.db), stored_files(&env)), before);
}

#[test]
fn one_byte_over_the_limit_is_told_in_bytes() {
    let env = with_session();
    std::fs::write(env.dir.path().join("big.bin"), vec![7u8; 1025]).expect("write");
    env.ok(["config", "set", "attachments.max-size", "1K"]);
    let err = env.fails(3, ["attach", "big.bin"]);
    assert!(
        err.contains("big.bin (1025 bytes) is larger than the attachment limit of 1024 bytes"),
        "{err}"
    );
}

#[test]
fn help_has_examples() {
    let env = Env::new();
    for command in [["attach", "--help"], ["attachment", "--help"]] {
        let help = env.ok(command);
        assert!(help.contains("Examples:"), "{help}");
    }
}
