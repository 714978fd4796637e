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

/// Runs `coach ARGS` under /usr/bin/time with `stdin`; returns the exit
/// code, standard error and the peak RSS in kB.
pub(crate) fn run_measured(env: &Env, args: &[&str], stdin: Stdio) -> (Option<i32>, String, u64) {
    let output = std::process::Command::new("/usr/bin/time")
        .args(["-f", "peak-rss-kb %M"])
        .arg(assert_cmd::cargo::cargo_bin("coach"))
        .args(args)
        .env("COACH_DB", &env.db)
        .env("TZ", "UTC")
        .current_dir(env.dir.path())
        .stdin(stdin)
        .output()
        .expect("run coach under /usr/bin/time");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let peak = stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak-rss-kb "))
        .and_then(|kb| kb.trim().parse().ok())
        .expect("the peak RSS");
    (output.status.code(), stderr, peak)
}

#[test]
fn a_note_is_checked_against_its_limit_while_it_is_read() {
    let env = with_notes();
    let before = crate::common::snapshot(&env.db);
    // /dev/zero as standard input: endless.
    let zero = std::fs::File::open("/dev/zero").expect("open /dev/zero");
    let (code, err, peak) = run_measured(&env, &["note", "add", "-"], Stdio::from(zero));
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("larger than 1 MiB"), "{err}");
    assert!(peak < 50_000, "peak RSS {peak} kB reading /dev/zero");
    eprintln!("note add - < /dev/zero: peak RSS {peak} kB");

    // A 300 MB file of one line (sparse: no disk used).
    let huge = path(&env, "one-line.txt");
    let file = std::fs::File::create(&huge).expect("create");
    file.set_len(300_000_000).expect("set_len");
    drop(file);
    let (code, err, peak) = run_measured(
        &env,
        &["note", "add", "--file", "one-line.txt"],
        Stdio::null(),
    );
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("larger than 1 MiB"), "{err}");
    assert!(peak < 50_000, "peak RSS {peak} kB reading a 300 MB line");
    eprintln!("note add --file (300 MB, one line): peak RSS {peak} kB");
    let huge_stdin = std::fs::File::open(&huge).expect("open");
    let (code, _, peak) = run_measured(&env, &["note", "add", "-"], Stdio::from(huge_stdin));
    assert_eq!(code, Some(3));
    assert!(
        peak < 50_000,
        "peak RSS {peak} kB reading a 300 MB line on stdin"
    );
    assert_eq!(crate::common::snapshot(&env.db), before);
}

#[test]
fn note_add_file_refuses_fifos_devices_and_folders() {
    let env = with_notes();
    let fifo = path(&env, "pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    // No writer ever opens the FIFO: a read would wait forever.
    let err = env.fails(3, ["note", "add", "--file", "pipe"]);
    assert!(err.contains("not a regular file"), "{err}");
    let err = env.fails(3, ["note", "add", "--file", "/dev/zero"]);
    assert!(err.contains("not a regular file"), "{err}");
    let err = env.fails(3, ["note", "add", "--file", "/dev/null"]);
    assert!(err.contains("not a regular file"), "{err}");
    std::fs::create_dir(path(&env, "folder")).expect("mkdir");
    let err = env.fails(3, ["note", "add", "--file", "folder"]);
    assert!(err.contains("is a folder"), "{err}");
    // A symlink to a regular file is fine; to a FIFO it is refused.
    symlink(&fifo, path(&env, "link-to-pipe")).expect("symlink");
    env.fails(3, ["note", "add", "--file", "link-to-pipe"]);
    let err = env.fails(
        3,
        [
            "template",
            "add",
            "weekly",
            "--title",
            "Weekly",
            "--agenda-file",
            "pipe",
        ],
    );
    assert!(err.contains("not a regular file"), "{err}");
    let err = env.fails(3, ["attach", "pipe"]);
    assert!(err.contains("not a regular file"), "{err}");
}

#[test]
fn a_content_file_left_by_an_attach_killed_before_its_commit_is_removed_by_the_next_attach() {
    let env = with_notes();
    std::fs::write(path(&env, "first.txt"), "kept").expect("write");
    env.ok(["attach", "first.txt"]);
    // What a kill -9 between storing the file and committing its row
    // leaves: content named by its hash that no attachment uses.
    let store = env.dir.path().join("attachments");
    let orphan = store.join("ab".repeat(32));
    std::fs::write(&orphan, "stored, never recorded").expect("write");
    let before: Vec<_> = std::fs::read_dir(&store).expect("store").collect();
    assert_eq!(before.len(), 2);
    let doctor = env.coach(["doctor"]).output().expect("run");
    assert_eq!(doctor.status.code(), Some(4), "doctor sees the orphan");
    assert!(String::from_utf8_lossy(&doctor.stdout).contains("used by no attachment"));

    std::fs::write(path(&env, "second.txt"), "also kept").expect("write");
    env.ok(["attach", "second.txt"]);
    assert!(!orphan.exists(), "the orphan was removed");
    let left = std::fs::read_dir(&store).expect("store").count();
    assert_eq!(left, 2, "both recorded attachments keep their content");
    let doctor = env.coach(["doctor"]).output().expect("run");
    assert!(doctor.status.success(), "{doctor:?}");
}
