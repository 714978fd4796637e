//! Files coach writes: owner-only, whole or not at all, never through a
//! symlink planted where they go, never over a file without --force; and
//! no temporary file left forever by a command killed with kill -9.

use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::Env;

fn with_notes() -> Env {
    let env = Env::with_team();
    env.ok(["session", "new", "alex", "--title", "Weekly check-in"]);
    env.ok(["note", "add", "Shared marker: onboarding went well"]);
    env
}

fn path(env: &Env, name: &str) -> PathBuf {
    env.dir.path().join(name)
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

/// A file of someone else's that a symlink at `name` points to.
fn plant_symlink(env: &Env, name: &str) -> PathBuf {
    let victim = path(env, "victim.txt");
    std::fs::write(&victim, "precious").expect("write");
    symlink(&victim, path(env, name)).expect("symlink");
    victim
}

/// No temporary file of coach's is left in `folder`.
fn no_temporary_files(folder: &Path) {
    let left: Vec<String> = std::fs::read_dir(folder)
        .expect("read folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".coach-"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn export_to_an_existing_file_is_refused_without_force() {
    let env = with_notes();
    let out = path(&env, "export.json");
    std::fs::write(&out, "my own file").expect("write");
    let err = env.fails(3, ["export", "--output", "export.json"]);
    assert!(err.contains("export.json already exists"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).expect("read"), "my own file");

    env.ok(["export", "--output", "export.json", "--force"]);
    let text = std::fs::read_to_string(&out).expect("read");
    assert!(text.contains("Shared marker"), "{text}");
    assert_eq!(mode(&out), 0o600);
    no_temporary_files(env.dir.path());
}

#[test]
fn export_never_writes_through_a_planted_symlink() {
    let env = with_notes();
    let victim = plant_symlink(&env, "export.json");
    env.fails(3, ["export", "--output", "export.json"]);
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "precious");

    // --force replaces the link itself, never the file it points to.
    env.ok(["export", "--output", "export.json", "--force"]);
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "precious");
    let out = path(&env, "export.json");
    assert!(!std::fs::symlink_metadata(&out).expect("meta").is_symlink());
    assert_eq!(mode(&out), 0o600);
}

#[test]
fn a_failed_export_leaves_nothing_behind() {
    let env = with_notes();
    // A folder where the file should go: refused before anything is written.
    std::fs::create_dir(path(&env, "out")).expect("mkdir");
    env.fails(3, ["export", "--output", "out"]);
    // A folder that does not exist: nothing half-written anywhere.
    env.fails(3, ["export", "--output", "missing/export.json"]);
    assert!(!path(&env, "missing").exists());
    no_temporary_files(env.dir.path());
}

#[test]
fn markdown_export_refuses_existing_files_before_writing_any() {
    let env = with_notes();
    env.ok(["session", "new", "jordan", "--title", "Second"]);
    env.ok(["export", "--format", "markdown", "--output", "md"]);
    let folder = path(&env, "md");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("read")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    for file in &files {
        assert_eq!(mode(file), 0o600);
    }
    // One of them replaced by a symlink to someone else's file, the other
    // edited by hand: a second export changes neither without --force.
    let victim = path(&env, "victim.txt");
    std::fs::write(&victim, "precious").expect("write");
    std::fs::remove_file(&files[0]).expect("rm");
    symlink(&victim, &files[0]).expect("symlink");
    std::fs::write(&files[1], "edited by hand").expect("write");
    let err = env.fails(3, ["export", "--format", "markdown", "--output", "md"]);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&files[1]).expect("read"),
        "edited by hand"
    );

    env.ok([
        "export", "--format", "markdown", "--output", "md", "--force",
    ]);
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "precious");
    let text = std::fs::read_to_string(&files[1]).expect("read");
    assert!(text.contains("# "), "{text}");
    no_temporary_files(&folder);
}

#[test]
fn backup_and_trends_never_write_through_a_planted_symlink() {
    let env = with_notes();
    let victim = plant_symlink(&env, "copy.db");
    let err = env.fails(3, ["backup", "copy.db"]);
    assert!(err.contains("already exists"), "{err}");
    std::fs::remove_file(path(&env, "copy.db")).expect("rm");
    symlink(&victim, path(&env, "trends.html")).expect("symlink");
    env.fails(3, ["member", "trends", "alex", "--html", "trends.html"]);
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "precious");

    env.ok([
        "member",
        "trends",
        "alex",
        "--html",
        "trends.html",
        "--force",
    ]);
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "precious");
    assert_eq!(mode(&path(&env, "trends.html")), 0o600);
    env.ok(["backup", "copy.db"]);
    assert_eq!(mode(&path(&env, "copy.db")), 0o600);
    no_temporary_files(env.dir.path());
}

#[test]
fn attachment_save_never_writes_through_a_planted_symlink() {
    let env = with_notes();
    std::fs::write(path(&env, "scorecard.csv"), "metric,value\nCSAT,92\n").expect("write");
    let id = env.json(["attach", "scorecard.csv"])["id"]
        .as_str()
        .expect("id")
        .to_string();
    let victim = plant_symlink(&env, "saved.csv");
    env.fails(3, ["attachment", "save", &id, "saved.csv"]);
    env.ok(["attachment", "save", &id, "saved.csv", "--force"]);
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "precious");
    assert_eq!(
        std::fs::read_to_string(path(&env, "saved.csv")).expect("read"),
        "metric,value\nCSAT,92\n"
    );
    assert_eq!(mode(&path(&env, "saved.csv")), 0o600);
}

/// The temporary files in the attachment store.
fn store_temporaries(env: &Env) -> Vec<PathBuf> {
    match std::fs::read_dir(path(env, "attachments")) {
        Ok(entries) => entries
            .map(|e| e.expect("entry").path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(".coach-"))
            })
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn attach_killed_mid_copy_leaves_a_temporary_file_the_next_attach_removes() {
    let env = with_notes();
    env.ok(["config", "set", "attachments.max-size", "2G"]);
    // A large sparse file: hashing it takes long enough to be caught.
    let big = path(&env, "recording.wav");
    std::fs::File::create(&big)
        .expect("create")
        .set_len(1 << 30)
        .expect("set_len");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("coach"))
        .env("COACH_DB", &env.db)
        .env("TZ", "UTC")
        .current_dir(env.dir.path())
        .args(["attach", "recording.wav"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn coach");
    let start = Instant::now();
    while store_temporaries(&env).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "attach never started copying"
        );
        assert!(
            child.try_wait().expect("wait").is_none(),
            "attach ended too soon"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // kill -9: no destructor runs.
    let status = std::process::Command::new("kill")
        .args(["-9", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    child.wait().expect("wait");
    let left = store_temporaries(&env);
    assert_eq!(left.len(), 1, "the killed attach left its temporary file");
    assert_eq!(mode(&left[0]), 0o600);
    // Nothing recorded.
    assert_eq!(
        env.json(["attachment", "list"]).as_array().map(Vec::len),
        Some(0)
    );

    // The next attach sweeps it (its writer is gone: nobody holds its lock).
    std::thread::sleep(Duration::from_millis(2100));
    std::fs::write(path(&env, "small.txt"), "small").expect("write");
    env.ok(["attach", "small.txt"]);
    assert!(
        store_temporaries(&env).is_empty(),
        "{:?}",
        store_temporaries(&env)
    );
}
