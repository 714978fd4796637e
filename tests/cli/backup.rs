//! `coach backup`: a consistent copy, usable as a database on its own.

use crate::common::Env;

#[test]
fn a_backup_is_a_complete_database_of_its_own() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex", "--title", "Weekly check-in"]);
    env.ok(["note", "add", "Backed up note"]);
    let copy = env.dir.path().join("copy.db");
    env.ok(["backup", copy.to_str().expect("path")]);

    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&copy).expect("copy").permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    assert!(
        !env.dir.path().join("copy.db-wal").exists(),
        "the copy stands alone"
    );
    let restored = env
        .coach([
            "--db",
            copy.to_str().expect("path"),
            "note",
            "list",
            "--json",
            "--session",
        ])
        .arg(env.current_session())
        .output()
        .expect("run");
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    assert!(String::from_utf8_lossy(&restored.stdout).contains("Backed up note"));

    let err = env.fails(3, ["backup", copy.to_str().expect("path")]);
    assert!(err.contains("already exists"), "{err}");
}

#[test]
fn a_backup_runs_while_others_write() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    let writers: Vec<_> = (0..4)
        .map(|i| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("coach"))
                .env("COACH_DB", &env.db)
                .args(["note", "add", &format!("written during the backup {i}")])
                .stdin(std::process::Stdio::null())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let copy = env.dir.path().join("during.db");
    env.ok(["backup", copy.to_str().expect("path")]);
    for mut writer in writers {
        assert!(writer.wait().expect("wait").success());
    }
    let check = rusqlite::Connection::open(&copy).expect("open copy");
    let ok: String = check
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(ok, "ok");
}
