//! The test environment: a real database file in a temporary folder, and
//! the real `coach` binary pointed at it.

use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};

use assert_cmd::Command;
use tempfile::TempDir;

/// One user's world: a temporary folder holding their database.
pub(crate) struct Env {
    pub(crate) dir: TempDir,
    pub(crate) db: PathBuf,
}

impl Env {
    /// An empty world: no database yet.
    pub(crate) fn new() -> Env {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("coach.db");
        Env { dir, db }
    }

    /// A world where the coach has run `coach init`.
    pub(crate) fn initialized() -> Env {
        let env = Env::new();
        env.ok(["init", "--name", "Sam Lee", "--email", "sam@example.com"]);
        env
    }

    /// A world with a coach and two team members.
    pub(crate) fn with_team() -> Env {
        let env = Env::initialized();
        env.ok([
            "member",
            "add",
            "Alex Kim",
            "--email",
            "alex@example.com",
            "--team",
            "Support",
        ]);
        env.ok([
            "member",
            "add",
            "Jordan Park",
            "--email",
            "jordan@example.com",
            "--team",
            "Billing",
        ]);
        env
    }

    /// `coach ARGS` against this world's database, with no terminal, a
    /// fixed time zone and no colours.
    pub(crate) fn coach<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        Command::from_std(self.process(args))
    }

    /// `coach ARGS` as `coach` runs it, as a process to start in the
    /// background (cron runs at the same time, a run killed half-way).
    fn process<I, S>(&self, args: I) -> std::process::Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("coach"));
        cmd.env("COACH_DB", &self.db)
            .env("TZ", "UTC")
            .env("NO_COLOR", "1")
            .env_remove("VISUAL")
            .env_remove("EDITOR")
            .env_remove("COACH_SMTP_PASSWORD")
            .current_dir(self.dir.path())
            .args(args);
        cmd
    }

    /// Starts `coach ARGS` and returns at once: no input, its output piped.
    pub(crate) fn spawn(&self, args: &[&str]) -> Child {
        self.process(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn coach")
    }

    /// Runs `coach ARGS` twice at the same moment (two cron runs that
    /// overlap) and returns what both printed. Each ends in 0, or in 75
    /// when it met what the other run was sending at that moment (not
    /// sent by this run, so not a success).
    pub(crate) fn twice_at_once(&self, args: &[&str]) -> String {
        let (first, second) = (self.spawn(args), self.spawn(args));
        let mut printed = String::new();
        for child in [first, second] {
            let output = child.wait_with_output().expect("wait");
            assert!(
                matches!(output.status.code(), Some(0 | 75)),
                "{}",
                String::from_utf8_lossy(&output.stderr)
            );
            printed.push_str(&String::from_utf8_lossy(&output.stdout));
        }
        printed
    }

    /// Mail goes to the SMTP server on 127.0.0.1:`port`, in plain text
    /// (allowed for a local server only).
    pub(crate) fn mail_through_smtp(&self, port: u16) {
        for (key, value) in [
            ("mail.transport", "smtp"),
            ("mail.smtp.host", "127.0.0.1"),
            ("mail.smtp.port", &port.to_string()),
            ("mail.smtp.tls", "none"),
        ] {
            self.ok(["config", "set", key, value]);
        }
    }

    /// Mail goes to a sendmail program: the shell script `body`, written
    /// to this world's folder as `name`. Returns the script's path.
    pub(crate) fn mail_through_sendmail(&self, name: &str, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt as _;
        let script = self.dir.path().join(name);
        std::fs::write(&script, format!("#!/bin/sh\n{body}")).expect("script");
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        self.ok(["config", "set", "mail.transport", "sendmail"]);
        self.ok([
            "config",
            "set",
            "mail.sendmail.path",
            script.to_str().expect("path"),
        ]);
        script
    }

    /// Runs `coach ARGS`, expects success, returns standard output.
    pub(crate) fn ok<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let output = self
            .coach(args)
            .write_stdin("")
            .output()
            .expect("run coach");
        assert!(
            output.status.success(),
            "coach failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("utf-8 output")
    }

    /// Runs `coach ARGS` with `--json` and parses what it prints.
    pub(crate) fn json<I, S>(&self, args: I) -> serde_json::Value
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = self.coach(args);
        cmd.arg("--json");
        let output = cmd.write_stdin("").output().expect("run coach");
        assert!(
            output.status.success(),
            "coach --json failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).expect("valid JSON")
    }

    /// Runs `coach ARGS`, expects it to fail with `code`, and checks that
    /// the error is one line (plus an optional hint) and that the database
    /// file was left exactly as it was. Returns standard error.
    pub(crate) fn fails<I, S>(&self, code: i32, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let before = snapshot(&self.db);
        let output = self
            .coach(args)
            .write_stdin("")
            .output()
            .expect("run coach");
        assert_failed(&output, code);
        assert_eq!(
            snapshot(&self.db),
            before,
            "a failed command changed the database"
        );
        String::from_utf8(output.stderr).expect("utf-8 errors")
    }

    /// The current session's id, in full.
    /// Runs `coach export --format markdown --output FOLDER` and returns
    /// the names of the files in FOLDER, sorted.
    pub(crate) fn markdown_export(&self, folder: &Path) -> Vec<String> {
        self.ok([
            "export",
            "--format",
            "markdown",
            "--output",
            folder.to_str().expect("path"),
        ]);
        let mut names: Vec<String> = std::fs::read_dir(folder)
            .expect("folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    pub(crate) fn current_session(&self) -> String {
        self.json(["session", "show"])["id"]
            .as_str()
            .expect("id")
            .to_string()
    }
}

/// Checks a failure: exit `code`, an `error:` line, at most a `hint:` line
/// after it, and no Rust panic or debug output.
pub(crate) fn assert_failed(output: &Output, code: i32) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(code),
        "exit code; stderr:\n{stderr}"
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(!lines.is_empty(), "an error message is printed");
    if code != 2 || lines[0].starts_with("error: ") {
        assert!(
            lines[0].starts_with("error: "),
            "first line is the error: {stderr}"
        );
    }
    assert!(!stderr.contains("panicked"), "no panic: {stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "no panic: {stderr}");
    if code != 2 {
        assert!(lines.len() <= 2, "one line and a hint at most: {stderr}");
        if lines.len() == 2 {
            assert!(
                lines[1].starts_with("hint: "),
                "second line is a hint: {stderr}"
            );
        }
    }
}

/// Runs an import that must be refused: exit 3, nothing on standard
/// output, the database unchanged, and on standard error its bad rows
/// (`line N: reason`, the rest counted), then the error and a hint, as
/// every import reports them. Returns the bad-row lines and the error.
pub(crate) fn refused_import(env: &Env, args: &[&str], stdin: &str) -> (Vec<String>, String) {
    let before = snapshot(&env.db);
    let output = env
        .coach(args)
        .write_stdin(stdin.to_string())
        .output()
        .expect("run coach");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(3),
        "exit code; stderr:\n{stderr}"
    );
    assert!(output.stdout.is_empty(), "nothing on standard output");
    assert_eq!(snapshot(&env.db), before, "a refused import changed the db");
    let lines: Vec<&str> = stderr.lines().collect();
    let n = lines.len();
    assert!(n >= 3, "bad rows, error and hint: {stderr}");
    assert!(lines[n - 2].starts_with("error: "), "{stderr}");
    assert!(lines[n - 1].starts_with("hint: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let bad = lines[..n - 2].iter().map(|l| l.to_string()).collect();
    (bad, lines[n - 2].to_string())
}

/// The bytes of a database file and its WAL, to compare before and after
/// (an empty WAL, which a read leaves in place, holds nothing: as if absent).
pub(crate) fn snapshot(db: &Path) -> Vec<Option<Vec<u8>>> {
    let wal = db.with_extension("db-wal");
    [db.to_path_buf(), wal]
        .iter()
        .map(|p| std::fs::read(p).ok().filter(|bytes| !bytes.is_empty()))
        .collect()
}

/// This machine's name, as a claim records it (`pid 1234 on HOST`).
pub(crate) fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .expect("hostname")
        .trim()
        .to_string()
}
