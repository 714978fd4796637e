//! Sharing: agenda and recap emails, checked as they arrive at a real SMTP
//! server on 127.0.0.1 (tests/cli/smtp_server.rs), the outbox, the share
//! log, and `share --recap --pending` as cron runs it.

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

use mail_parser::{Message, MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

use crate::common::{assert_failed, snapshot, Env};
use crate::smtp_server::{self, Received, TestSmtp};

/// A world with a coach, two members, and mail going to `port` on
/// 127.0.0.1 in plain text (allowed for a local server only).
fn smtp_env(port: u16) -> Env {
    let env = Env::with_team();
    env.mail_through_smtp(port);
    env.ok(["config", "set", "mail.smtp.timeout", "5"]);
    env
}

/// A session with Alex on a fixed past date, with a shared note, a topic
/// of Alex's and a private note; returns its id.
fn alex_session(env: &Env) -> String {
    env.ok([
        "session",
        "new",
        "alex",
        "--title",
        "Weekly check-in",
        "--date",
        "2025-06-02 14:30",
    ]);
    env.ok(["note", "add", "Celebrate the CSAT streak :tada:"]);
    env.ok([
        "note",
        "add",
        "--by",
        "alex",
        "Wants to talk about the team lead role",
    ]);
    env.ok([
        "note",
        "add",
        "--private",
        "Seems tired; ask about workload",
    ]);
    env.current_session()
}

fn parse(received: &Received) -> Message<'_> {
    MessageParser::default()
        .parse(&received.raw)
        .expect("a parsable message")
}

fn lf(text: &str) -> String {
    text.replace("\r\n", "\n")
}

fn open_db(env: &Env) -> rusqlite::Connection {
    rusqlite::Connection::open(&env.db).expect("open the database")
}

fn status(env: &Env, session: &str) -> String {
    env.json(["session", "show", session])["status"]
        .as_str()
        .expect("status")
        .to_string()
}

/// Runs coach and returns (exit code, stdout, stderr).
fn run(env: &Env, args: &[&str]) -> (i32, String, String) {
    let output = env.coach(args).write_stdin("").output().expect("run coach");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn agenda_then_recap_arrive_with_headers_both_parts_and_threading() {
    let server = TestSmtp::plain();
    let env = smtp_env(server.port);
    env.ok(["config", "set", "mail.cc-me", "true"]);
    let session = alex_session(&env);
    assert_eq!(status(&env, &session), "draft");

    let agenda_text = env.ok(["session", "show", "--as-member", "--format", "plain"]);
    let agenda_html = env.ok(["session", "show", "--as-member", "--format", "html"]);
    let out = env.ok(["share"]);
    assert!(
        out.starts_with("Sent the agenda of ")
            && out.contains("to alex@example.com, sam@example.com (smtp: 250"),
        "{out}"
    );
    assert_eq!(status(&env, &session), "agenda-shared");

    let agenda = server.one_message();
    assert_eq!(agenda.mail_from, "sam@example.com");
    assert_eq!(agenda.rcpt_to, ["alex@example.com", "sam@example.com"]);
    let parsed = parse(&agenda);
    let from = parsed.from().and_then(|a| a.first()).expect("From");
    assert_eq!(from.name(), Some("Sam Lee"));
    assert_eq!(from.address(), Some("sam@example.com"));
    let to = parsed.to().and_then(|a| a.first()).expect("To");
    assert_eq!(to.name(), Some("Alex Kim"));
    assert_eq!(to.address(), Some("alex@example.com"));
    let cc = parsed.cc().and_then(|a| a.first()).expect("Cc");
    assert_eq!(cc.address(), Some("sam@example.com"));
    let reply_to = parsed.reply_to().and_then(|a| a.first()).expect("Reply-To");
    assert_eq!(reply_to.address(), Some("sam@example.com"));
    assert_eq!(
        parsed.subject(),
        Some("1:1 with Alex Kim: Weekly check-in, 2 Jun 2025")
    );
    assert!(parsed.date().is_some());
    // The text, the HTML and the calendar invite as alternatives, and the
    // invite again as invite.ics (tests/cli/invite.rs reads the event).
    assert!(parsed.is_content_type("multipart", "mixed"));
    // (mail-parser counts the text/calendar alternative among them.)
    let attachments: Vec<_> = parsed.attachments().collect();
    assert_eq!(attachments.len(), 2, "the invite, twice");
    assert!(attachments[0].is_content_type("text", "calendar"));
    assert_eq!(attachments[1].attachment_name(), Some("invite.ics"));
    assert!(!agenda.header_section().contains("In-Reply-To:"));

    // Both parts are exactly what `session show --as-member` prints.
    let text = lf(&parsed.body_text(0).expect("text part"));
    assert_eq!(text.trim_end(), agenda_text.trim_end());
    assert!(text.starts_with("Agenda: Weekly check-in\n"), "{text}");
    assert!(text.contains("\nTalking points\n"), "{text}");
    assert!(text.contains("Celebrate the CSAT streak 🎉"), "{text}");
    assert!(
        text.contains("Alex:\n\nWants to talk about the team lead role"),
        "{text}"
    );
    assert!(text.contains("Coach: Sam Lee"), "{text}");
    let html = lf(&parsed.body_html(0).expect("html part"));
    assert_eq!(html.trim_end(), agenda_html.trim_end());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<title>1:1 with Alex Kim: Weekly check-in, 2 Jun 2025</title>"));
    assert!(html.contains(">Talking points</h2>"));

    // The log knows the Message-ID; the recap answers it.
    let log = env.json(["share", "log", &session]);
    let agenda_id = log[0]["message_id"]
        .as_str()
        .expect("message id")
        .to_string();
    assert_eq!(parsed.message_id(), Some(agenda_id.as_str()));

    let recap_text = env.ok(["session", "show", "--as-member", "--recap"]);
    env.ok(["share", "--recap"]);
    assert_eq!(status(&env, &session), "recap-sent");
    let messages = server.messages_now();
    assert_eq!(messages.len(), 2);
    let recap = parse(&messages[1]);
    assert_eq!(
        recap.subject(),
        Some("1:1 with Alex Kim: Weekly check-in, 2 Jun 2025")
    );
    assert_eq!(recap.in_reply_to().as_text(), Some(agenda_id.as_str()));
    assert_eq!(recap.references().as_text(), Some(agenda_id.as_str()));
    let text = lf(&recap.body_text(0).expect("text"));
    assert_eq!(text.trim_end(), recap_text.trim_end());
    assert!(text.starts_with("Recap: Weekly check-in\n"), "{text}");
    assert!(text.contains("thank you for our 1:1"));
    assert!(text.contains("\nNotes\n"), "{text}");
    let log = env.json(["share", "log", &session]);
    assert_eq!(log[0]["kind"], "recap");
    assert_eq!(log[0]["in_reply_to"].as_str(), Some(agenda_id.as_str()));
}

#[test]
fn private_notes_appear_in_nothing_the_member_gets() {
    let server = TestSmtp::plain();
    let env = smtp_env(server.port);
    let session = alex_session(&env);
    let secret = "PRIVATE-MARKER-5e1d08";
    let dedicated_secret = "PRIVATE-DEDICATED-MARKER-c41a";
    let shared = "SHARED-MARKER-9b2f";
    env.ok(["note", "add", &format!("{shared} for both of us")]);
    env.ok(["note", "add", "--private", &format!("{secret} only mine")]);
    // A private note dedicated to an item (written directly: the command
    // that adds one belongs to another part of coach).
    {
        let db = open_db(&env);
        let me: String = db
            .query_row("SELECT value FROM state WHERE key = 'user.id'", [], |r| {
                r.get(0)
            })
            .expect("owner id");
        db.execute(
            "INSERT INTO notes (id, session_id, body, visibility, author, created_at, updated_at, item_id)
             VALUES (?1, ?2, ?3, 'private', ?4, '2025-06-02T15:00:00.000Z', '2025-06-02T15:00:00.000Z', ?5)",
            rusqlite::params![
                "0123456789abcdef0123456789abcdef",
                session,
                format!("{dedicated_secret} about this metric"),
                me,
                "fedcba9876543210fedcba9876543210"
            ],
        )
        .expect("insert a private dedicated note");
    }
    // The coach sees both secrets (so the check below can fail).
    let mine = env.ok(["session", "show", "--json"]);
    assert!(mine.contains(secret));

    let mut outputs = vec![
        (
            "md",
            env.ok(["session", "show", "--as-member", "--format", "md"]),
        ),
        (
            "md recap",
            env.ok([
                "session",
                "show",
                "--as-member",
                "--format",
                "md",
                "--recap",
            ]),
        ),
        (
            "html",
            env.ok(["session", "show", "--as-member", "--format", "html"]),
        ),
        (
            "html recap",
            env.ok([
                "session",
                "show",
                "--as-member",
                "--format",
                "html",
                "--recap",
            ]),
        ),
        (
            "text",
            env.ok(["session", "show", "--as-member", "--format", "text"]),
        ),
        ("member view", env.ok(["session", "show", "--as-member"])),
        (
            "plain",
            env.ok(["session", "show", "--as-member", "--format", "plain"]),
        ),
        (
            "plain recap",
            env.ok(["session", "show", "--as-member", "--recap"]),
        ),
        (
            "member json",
            env.ok(["session", "show", "--as-member", "--json"]),
        ),
        ("dry run", env.ok(["share", "--dry-run"])),
        ("dry run json", env.ok(["share", "--dry-run", "--json"])),
        (
            "pending dry run",
            env.ok(["share", "--recap", "--pending", "--dry-run"]),
        ),
    ];
    outputs.push(("share json", env.ok(["share", "--json"])));
    outputs.push(("recap", env.ok(["share", "--recap"])));
    outputs.push(("log json", env.ok(["share", "log", "--json"])));
    let messages = server.messages_now();
    assert_eq!(messages.len(), 2);
    for received in &messages {
        outputs.push(("raw MIME", received.text()));
        let parsed = parse(received);
        outputs.push(("text part", parsed.body_text(0).expect("text").into_owned()));
        outputs.push(("html part", parsed.body_html(0).expect("html").into_owned()));
    }
    for (what, output) in &outputs {
        assert!(!output.contains(secret), "{what} leaks the private note");
        assert!(
            !output.contains(dedicated_secret),
            "{what} leaks the private dedicated note"
        );
    }
    for (what, output) in &outputs[..9] {
        assert!(output.contains(shared), "{what} shows the shared note");
    }
    // The preheader counts what the member sees: the two notes of
    // alex_session and the shared one, not the private one.
    let html = &outputs[2].1;
    let start = html.find("mso-hide:all").expect("preheader");
    let preheader = &html[start..start + html[start..].find("</div>").expect("end")];
    assert!(preheader.contains(": 3 talking points."), "{preheader}");
    for received in &messages {
        // The raw message is readable (quoted-printable, and each note
        // starts a line), so the absence above means something.
        assert!(received.text().contains(shared));
        let parsed = parse(received);
        assert!(parsed.body_text(0).expect("text").contains(shared));
        assert!(parsed.body_html(0).expect("html").contains(shared));
    }
}

#[test]
fn raw_html_in_a_note_arrives_as_text() {
    let server = TestSmtp::plain();
    let env = smtp_env(server.port);
    alex_session(&env);
    env.ok([
        "note",
        "add",
        "Look: <script>alert('x')</script> and <img src=x onerror=alert(1)> and [link](javascript:alert(1))",
    ]);
    env.ok(["share"]);
    let received = server.one_message();
    let parsed = parse(&received);
    let html = parsed.body_html(0).expect("html").into_owned();
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert('x')&lt;/script&gt;")
            || html.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"),
        "{html}"
    );
    assert!(
        html.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    // The plain-text part is the Markdown, as written.
    let text = parsed.body_text(0).expect("text");
    assert!(text.contains("<script>alert('x')</script>"));
}

#[test]
fn starttls_is_trusted_through_ca_file_and_refused_without_it() {
    let (server, ca) = TestSmtp::starttls();
    let env = smtp_env(server.port);
    env.ok(["config", "set", "mail.smtp.tls", "starttls"]);
    env.ok(["config", "set", "mail.smtp.host", "localhost"]);
    let session = alex_session(&env);

    let output = env.coach(["share"]).write_stdin("").output().expect("run");
    assert_failed(&output, 3);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("is not trusted"), "{stderr}");
    assert!(stderr.contains("mail.smtp.ca-file"), "{stderr}");
    assert!(server.messages_now().is_empty());
    assert_eq!(status(&env, &session), "draft");
    let log = env.json(["share", "log"]);
    assert_eq!(log[0]["outcome"], "failed");
    assert_eq!(log[0]["temporary"], false);

    env.ok([
        "config",
        "set",
        "mail.smtp.ca-file",
        ca.to_str().expect("path"),
    ]);
    let out = env.ok(["share"]);
    assert!(out.contains("(smtp: 250"), "{out}");
    let received = server.one_message();
    assert_eq!(
        parse(&received).subject(),
        Some("1:1 with Alex Kim: Weekly check-in, 2 Jun 2025")
    );
    assert_eq!(status(&env, &session), "agenda-shared");
}

#[test]
fn a_server_that_is_down_leaves_the_recap_pending_and_the_next_run_sends_it() {
    let down = smtp_server::unused_port();
    let env = smtp_env(down);
    let session = alex_session(&env);

    let (code, stdout, stderr) = run(&env, &["share", "--recap", "--pending"]);
    assert_eq!(code, 75, "{stderr}");
    assert!(stdout.starts_with("FAILED the recap of "), "{stdout}");
    assert!(stdout.contains("connection refused"), "{stdout}");
    assert!(stdout.contains("the next run retries it"), "{stdout}");
    assert!(
        stderr.starts_with("error: 1 of 1 recaps was not sent"),
        "{stderr}"
    );
    assert_eq!(status(&env, &session), "draft");
    let log = env.json(["share", "log"]);
    assert_eq!(log[0]["outcome"], "failed");
    assert_eq!(log[0]["temporary"], true);
    assert!(log[0]["detail"]
        .as_str()
        .expect("reason")
        .contains("connection refused"));

    // A single share to a server that is down: 75 too, with the reason.
    let (code, _, stderr) = run(&env, &["share", "--recap"]);
    assert_eq!(code, 75);
    assert!(stderr.contains("connection refused"), "{stderr}");
    assert!(
        stderr.contains("hint: it was not sent and stays pending"),
        "{stderr}"
    );

    let server = TestSmtp::plain();
    env.mail_through_smtp(server.port);
    let out = env.ok(["share", "--recap", "--pending"]);
    assert!(out.starts_with("Sent the recap of "), "{out}");
    assert_eq!(server.one_message().rcpt_to, ["alex@example.com"]);
    assert_eq!(status(&env, &session), "recap-sent");
    let outcomes: Vec<_> = env
        .json(["share", "log"])
        .as_array()
        .expect("log")
        .iter()
        .map(|s| s["outcome"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(outcomes, ["sent", "failed", "failed"]);
}

#[test]
fn a_rejected_recipient_is_a_permanent_failure_with_the_servers_reason() {
    let server = TestSmtp::rejecting_recipient("alex@example.com");
    let env = smtp_env(server.port);
    let session = alex_session(&env);
    let output = env.coach(["share"]).write_stdin("").output().expect("run");
    assert_failed(&output, 3);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("550"), "{stderr}");
    assert!(stderr.contains("Recipient address rejected"), "{stderr}");
    assert!(server.messages_now().is_empty());
    assert_eq!(status(&env, &session), "draft");
    let log = env.json(["share", "log"]);
    assert_eq!(log[0]["outcome"], "failed");
    assert_eq!(log[0]["temporary"], false);
    assert!(log[0]["detail"].as_str().expect("detail").contains("550"));

    // In a --pending run it is one FAILED line and exit 3 (not temporary).
    let (code, stdout, _) = run(&env, &["share", "--recap", "--pending"]);
    assert_eq!(code, 3);
    assert!(stdout.contains("Recipient address rejected"), "{stdout}");
    assert!(stdout.contains("fix this, then run again"), "{stdout}");
}

#[test]
fn the_password_comes_from_a_command_or_the_environment_and_a_failing_command_stops_everything() {
    let (server, ca) = TestSmtp::starttls_with_login("sam", "s3cret pass");
    let env = smtp_env(server.port);
    env.ok(["config", "set", "mail.smtp.tls", "starttls"]);
    env.ok([
        "config",
        "set",
        "mail.smtp.ca-file",
        ca.to_str().expect("path"),
    ]);
    env.ok(["config", "set", "mail.smtp.username", "sam"]);
    alex_session(&env);

    env.ok([
        "config",
        "set",
        "mail.smtp.password-command",
        "echo 'gpg: decryption failed' >&2; exit 2",
    ]);
    let err = env.fails(3, ["share"]);
    assert!(
        err.contains("the SMTP password command failed (exit status 2): gpg: decryption failed"),
        "{err}"
    );
    let err = env.fails(3, ["share", "--recap", "--pending"]);
    assert!(err.contains("password command failed"), "{err}");
    assert!(server.messages_now().is_empty());

    // The environment variable wins over the command.
    let output = env
        .coach(["share"])
        .env("COACH_SMTP_PASSWORD", "s3cret pass")
        .write_stdin("")
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(server.one_message().login.as_deref(), Some("sam"));

    let secret_file = env.dir.path().join("password.txt");
    std::fs::write(&secret_file, "s3cret pass\n").expect("password file");
    env.ok([
        "config",
        "set",
        "mail.smtp.password-command",
        &format!("cat '{}'", secret_file.display()),
    ]);
    env.ok(["share", "--recap"]);
    let messages = server.messages_now();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[1].login.as_deref(), Some("sam"));
    // Never stored.
    for file in [env.db.clone(), env.db.with_extension("db-wal")] {
        let dump = String::from_utf8_lossy(&std::fs::read(file).unwrap_or_default()).into_owned();
        assert!(!dump.contains("s3cret"));
    }

    // No password at all: refused before anything is claimed.
    env.ok(["config", "unset", "mail.smtp.password-command"]);
    let err = env.fails(3, ["share", "--resend"]);
    assert!(err.contains("there is no password"), "{err}");
}

#[test]
fn the_outbox_is_the_default_and_needs_nothing_configured() {
    let env = Env::with_team();
    let session = alex_session(&env);
    let out = env.ok(["share"]);
    assert!(out.starts_with("Wrote the agenda of "), "{out}");
    let outbox = env.dir.path().join("outbox");
    let files: Vec<_> = std::fs::read_dir(&outbox)
        .expect("outbox folder")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(files.len(), 1);
    let path = &files[0];
    assert!(
        out.trim_end().ends_with(&path.display().to_string()),
        "{out}"
    );
    assert_eq!(path.extension().and_then(|e| e.to_str()), Some("eml"));
    let mode = std::fs::metadata(path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let raw = std::fs::read(path).expect("eml");
    let parsed = MessageParser::default().parse(&raw).expect("parsable");
    assert_eq!(
        parsed.subject(),
        Some("1:1 with Alex Kim: Weekly check-in, 2 Jun 2025")
    );
    assert_eq!(status(&env, &session), "agenda-shared");
    let log = env.json(["share", "log"]);
    assert_eq!(log[0]["transport"], "outbox");
    assert_eq!(
        log[0]["detail"].as_str(),
        Some(path.to_str().expect("path"))
    );
}

#[test]
fn dry_run_prints_the_message_and_sends_and_records_nothing() {
    let server = TestSmtp::plain();
    let env = smtp_env(server.port);
    let session = alex_session(&env);
    let before = snapshot(&env.db);
    let output = env
        .coach(["share", "--dry-run"])
        .write_stdin("")
        .output()
        .expect("run");
    assert!(output.status.success());
    let parsed = MessageParser::default()
        .parse(&output.stdout)
        .expect("a whole MIME message");
    assert_eq!(
        parsed.subject(),
        Some("1:1 with Alex Kim: Weekly check-in, 2 Jun 2025")
    );
    assert!(parsed.body_html(0).is_some());
    assert!(String::from_utf8_lossy(&output.stderr).contains("Dry run"));

    let recap = env.ok(["share", "--recap", "--pending", "--dry-run"]);
    assert!(
        recap.contains("Subject: 1:1 with Alex Kim: Weekly check-in, 2 Jun 2025"),
        "{recap}"
    );
    let json = env.json(["share", "--dry-run"]);
    assert_eq!(json["result"], "dry-run");
    assert!(json["message"]
        .as_str()
        .expect("raw")
        .contains("MIME-Version: 1.0"));

    assert_eq!(snapshot(&env.db), before, "a dry run changed the database");
    assert!(server.messages_now().is_empty());
    assert!(!env.dir.path().join("outbox").exists());
    assert_eq!(status(&env, &session), "draft");
}

/// Sessions with both members on past dates and one in the future.
fn several_sessions(env: &Env, count: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for i in 0..count {
        let who = if i % 2 == 0 { "alex" } else { "jordan" };
        env.ok([
            "session",
            "new",
            who,
            "--title",
            &format!("Check-in {i}"),
            "--date",
            &format!("2025-06-{:02} 10:00", i + 1),
        ]);
        env.ok(["note", "add", &format!("Notes of check-in {i}")]);
        ids.push(env.current_session());
    }
    env.ok([
        "session",
        "new",
        "alex",
        "--title",
        "Next week",
        "--date",
        "+7d",
    ]);
    ids
}

fn subjects(server: &TestSmtp) -> Vec<String> {
    let mut subjects: Vec<String> = server
        .messages_now()
        .iter()
        .map(|m| parse(m).subject().unwrap_or_default().to_string())
        .collect();
    subjects.sort();
    subjects
}

#[test]
fn pending_sends_each_past_recap_once_however_often_it_runs() {
    let server = TestSmtp::plain();
    let env = smtp_env(server.port);
    several_sessions(&env, 3);
    let out = env.ok(["share", "--recap", "--pending"]);
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(
        out.lines().all(|l| l.starts_with("Sent the recap of ")),
        "{out}"
    );
    let (code, stdout, stderr) = run(&env, &["share", "--recap", "--pending"]);
    assert_eq!(code, 0);
    assert_eq!(stdout, "");
    assert!(stderr.contains("No recaps are pending."));
    assert_eq!(
        subjects(&server),
        [
            "1:1 with Alex Kim: Check-in 0, 1 Jun 2025",
            "1:1 with Alex Kim: Check-in 2, 3 Jun 2025",
            "1:1 with Jordan Park: Check-in 1, 2 Jun 2025"
        ]
    );
}

#[test]
fn pending_is_narrowed_by_member_older_than_and_since() {
    let server = TestSmtp::plain();
    let env = smtp_env(server.port);
    several_sessions(&env, 4);
    env.ok([
        "share",
        "--recap",
        "--pending",
        "--member",
        "jordan",
        "--since",
        "2025-06-03",
    ]);
    assert_eq!(
        subjects(&server),
        ["1:1 with Jordan Park: Check-in 3, 4 Jun 2025"]
    );
    env.ok([
        "share",
        "--recap",
        "--pending",
        "--older-than",
        "2025-06-02 12:00",
    ]);
    assert_eq!(subjects(&server).len(), 3);
    // A bare duration means that long ago: the session of next week and
    // the ones just held are left for later.
    env.ok([
        "session",
        "new",
        "alex",
        "--title",
        "Just now",
        "--date=-1h",
    ]);
    env.ok(["share", "--recap", "--pending", "--older-than", "2h"]);
    assert_eq!(subjects(&server).len(), 4);
    let json = env.json(["share", "--recap", "--pending", "--older-than", "1d"]);
    assert_eq!(json, serde_json::json!([]));
    env.ok(["share", "--recap", "--pending"]);
    let all = subjects(&server);
    assert_eq!(all.len(), 5);
    assert!(all.iter().any(|s| s.contains(": Just now, ")));
    assert!(!all.iter().any(|s| s.contains("Next week")));
}

#[test]
fn two_pending_runs_started_together_send_each_recap_exactly_once() {
    let server = TestSmtp::plain();
    let env = smtp_env(server.port);
    let sessions = several_sessions(&env, 12);
    let lines = env.twice_at_once(&["share", "--recap", "--pending"]);
    let all = subjects(&server);
    let mut unique = all.clone();
    unique.dedup();
    assert_eq!(
        all.len(),
        sessions.len(),
        "each recap arrives once: {all:?}"
    );
    assert_eq!(unique.len(), sessions.len());
    assert_eq!(
        lines.matches("Sent the recap of ").count(),
        sessions.len(),
        "{lines}"
    );
    let sent = env
        .json(["share", "log"])
        .as_array()
        .expect("log")
        .iter()
        .filter(|s| s["outcome"] == "sent")
        .count();
    assert_eq!(sent, sessions.len());
}

#[test]
fn a_claim_in_flight_is_left_alone_and_a_stale_one_is_taken_over() {
    let server = TestSmtp::plain();
    let env = smtp_env(server.port);
    let session = alex_session(&env);
    let claim = |age: &str| {
        let db = open_db(&env);
        db.execute("DELETE FROM shares", []).expect("clear");
        db.execute(
            &format!(
                "INSERT INTO shares (id, session_id, kind, recipients, transport, message_id, outcome, author, created_at, updated_at)
                 VALUES ('aaaa0000aaaa0000aaaa0000aaaa0000', ?1, 'recap', '[\"alex@example.com\"]', 'smtp', 'x@example.com', 'sending', 'me',
                         strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '{age}'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '{age}'))"
            ),
            [&session],
        )
        .expect("insert a claim");
    };

    claim("-1 minutes");
    let (code, _, stderr) = run(&env, &["share", "--recap"]);
    assert_eq!(code, 75, "{stderr}");
    assert!(
        stderr.contains("is being sent by another coach process"),
        "{stderr}"
    );
    let (code, stdout, _) = run(&env, &["share", "--recap", "--pending"]);
    assert_eq!(code, 75, "not sent by this run: --pending does not succeed");
    assert!(
        stdout.contains("is being sent by another coach process"),
        "{stdout}"
    );
    assert!(server.messages_now().is_empty());

    claim("-31 minutes");
    let out = env.ok(["share", "--recap", "--pending"]);
    assert!(out.starts_with("Sent the recap of "), "{out}");
    assert_eq!(server.messages().len(), 1);
    let log = env.json(["share", "log"]);
    assert_eq!(log[0]["outcome"], "sent");
    assert_eq!(log[1]["outcome"], "failed");
    assert!(log[1]["detail"]
        .as_str()
        .expect("detail")
        .starts_with("abandoned"));
}

#[test]
fn line_breaks_in_headers_from_a_hand_edited_database_never_forge_a_header() {
    let server = TestSmtp::plain();
    let env = smtp_env(server.port);
    let session = alex_session(&env);

    // Through coach itself, a line break never gets in.
    env.fails(
        3,
        ["session", "edit", "--title", "Hi\r\nBcc: eve@example.com"],
    );
    env.fails(
        3,
        [
            "member",
            "edit",
            "alex",
            "--name",
            "Alex\nBcc: eve@example.com",
        ],
    );

    let forged = "Hi\r\nBcc: eve@example.com";
    let edits: [(&str, &str); 3] = [
        ("UPDATE sessions SET title = ?1", "the subject"),
        (
            "UPDATE members SET name = ?1 WHERE name = 'Alex Kim'",
            "the To name",
        ),
        (
            "UPDATE config SET value = ?1 WHERE key = 'user.name'",
            "the From name",
        ),
    ];
    for (sql, what) in edits {
        let db = open_db(&env);
        let original: Vec<(String, String, String)> = db
            .prepare("SELECT (SELECT title FROM sessions), (SELECT name FROM members WHERE email = 'alex@example.com'), (SELECT value FROM config WHERE key = 'user.name')")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        db.execute(sql, [forged]).expect("edit behind coach's back");
        drop(db);

        if what == "the From name" {
            // A setting is checked as it is read: the stored value is
            // refused before any message is built, naming the setting
            // (exit 4, a value coach cannot read).
            for args in [&["share"][..], &["share", "--dry-run"]] {
                let (code, _, stderr) = run(&env, args);
                assert_eq!(code, 4, "{what} {args:?}: {stderr}");
                assert!(stderr.contains("the setting user.name"), "{what}: {stderr}");
            }
            // `--pending` reports it per recap, which stays pending.
            let (code, stdout, stderr) = run(&env, &["share", "--recap", "--pending"]);
            assert_ne!(code, 0, "{what}: {stderr}");
            assert!(stdout.starts_with("FAILED"), "{what}: {stdout}");
            assert!(stdout.contains("the setting user.name"), "{what}: {stdout}");
        } else {
            let err = env.fails(3, ["share"]);
            assert!(err.contains("contains a line break"), "{what}: {err}");
            let (code, stdout, _) = run(&env, &["share", "--recap", "--pending"]);
            assert_eq!(code, 3, "{what}");
            assert!(stdout.starts_with("FAILED"), "{what}: {stdout}");
            let (code, _, _) = run(&env, &["share", "--dry-run"]);
            assert_eq!(code, 3, "{what}");
        }

        let (title, name, coach) = &original[0];
        let db = open_db(&env);
        db.execute("UPDATE sessions SET title = ?1", [title])
            .expect("restore");
        db.execute(
            "UPDATE members SET name = ?1 WHERE email = 'alex@example.com'",
            [name],
        )
        .expect("restore");
        db.execute(
            "UPDATE config SET value = ?1 WHERE key = 'user.name'",
            [coach],
        )
        .expect("restore");
    }
    assert!(server.messages_now().is_empty(), "nothing was sent");
    assert_eq!(env.json(["share", "log"]), serde_json::json!([]));

    // Restored, it goes out with one Bcc-free header section.
    env.ok(["share"]);
    let received = server.one_message();
    assert!(!received.header_section().contains("Bcc"));
    assert_eq!(received.rcpt_to, ["alex@example.com"]);
    assert_eq!(status(&env, &session), "agenda-shared");
}

#[test]
fn sharing_again_says_so_and_resend_sends_again() {
    let server = TestSmtp::plain();
    let env = smtp_env(server.port);
    let session = alex_session(&env);
    env.ok(["share"]);
    let before = snapshot(&env.db);
    let again = env.ok(["share"]);
    assert!(again.contains("was already sent on"), "{again}");
    assert!(again.contains("--resend"), "{again}");
    assert_eq!(snapshot(&env.db), before, "saying so changes nothing");
    let json = env.json(["share"]);
    assert_eq!(json["result"], "already-sent");
    assert_eq!(json["share"]["outcome"], "sent");
    assert_eq!(server.messages().len(), 1);

    let id = env.ok(["share", "--resend", "--quiet"]);
    assert_eq!(id.trim().len(), 32);
    let messages = server.messages_now();
    assert_eq!(messages.len(), 2);
    assert_ne!(
        parse(&messages[0]).message_id(),
        parse(&messages[1]).message_id()
    );
    let log = env.json(["share", "log", &session]);
    assert_eq!(log.as_array().expect("log").len(), 2);
    assert_eq!(log[0]["id"].as_str(), Some(id.trim()));
}

#[test]
fn share_log_lists_every_send_with_a_stable_shape() {
    let server = TestSmtp::plain();
    let env = smtp_env(server.port);
    let session = alex_session(&env);
    let empty = env.coach(["share", "log"]).output().expect("run");
    assert!(empty.status.success());
    assert!(String::from_utf8_lossy(&empty.stderr).contains("nothing was shared yet"));

    let sent = env.json(["share"]);
    assert_eq!(sent["result"], "sent");
    assert_eq!(sent["kind"], "agenda");
    assert_eq!(sent["session"]["id"].as_str(), Some(session.as_str()));
    for key in [
        "session",
        "kind",
        "result",
        "share",
        "error",
        "temporary",
        "not_attached",
        "message",
    ] {
        assert!(sent.get(key).is_some(), "share --json has {key}: {sent}");
    }
    env.ok(["session", "new", "jordan", "--date", "2025-06-03"]);
    env.ok(["share", "--recap"]);

    let log = env.json(["share", "log"]);
    let entries = log.as_array().expect("array");
    assert_eq!(entries.len(), 2);
    let entry = &entries[1];
    for key in [
        "id",
        "short_id",
        "session",
        "kind",
        "recipients",
        "transport",
        "message_id",
        "in_reply_to",
        "outcome",
        "temporary",
        "detail",
        "created_at",
        "finished_at",
    ] {
        assert!(entry.get(key).is_some(), "share log has {key}: {entry}");
    }
    for key in ["id", "short_id", "title", "date", "member"] {
        assert!(entry["session"].get(key).is_some(), "session has {key}");
    }
    assert_eq!(entry["id"], sent["share"]["id"]);
    assert_eq!(entry["recipients"], serde_json::json!(["alex@example.com"]));
    assert_eq!(entry["transport"], "smtp");
    assert!(entry["detail"].as_str().expect("answer").starts_with("250"));
    assert_eq!(entries[0]["session"]["member"]["name"], "Jordan Park");

    assert_eq!(
        env.json(["share", "log", &session])
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(
        env.json(["share", "log", "-n", "1"])
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let quiet = env.ok(["share", "log", "--quiet"]);
    assert_eq!(quiet.lines().count(), 2);
    let table = env.ok(["share", "log"]);
    assert!(table.contains("OUTCOME") && table.contains("Jordan Park") && table.contains("recap"));
    env.fails(3, ["share", "log", "zzzz"]);
}

#[test]
fn attachments_go_along_up_to_the_size_cap_and_the_rest_are_listed() {
    let server = TestSmtp::plain();
    let env = smtp_env(server.port);
    let session = alex_session(&env);
    let files = env.dir.path().join("attachments");
    std::fs::create_dir(&files).expect("attachments folder");
    let add = |name: &str, bytes: &[u8], media_type: &str, at: &str| {
        let sha = format!("{:x}", Sha256::digest(bytes));
        std::fs::write(files.join(&sha), bytes).expect("write the file");
        open_db(&env)
            .execute(
                "INSERT INTO attachments (id, session_id, name, sha256, size, media_type, author, created_at, updated_at)
                 VALUES (lower(hex(randomblob(16))), ?1, ?2, ?3, ?4, ?5, 'me', ?6, ?6)",
                rusqlite::params![session, name, sha, bytes.len() as i64, media_type, at],
            )
            .expect("insert an attachment");
    };
    let scorecard: Vec<u8> = (0..=255u8).cycle().take(2000).collect();
    add(
        "scorecard.pdf",
        &scorecard,
        "application/pdf",
        "2025-06-02T10:00:00.000Z",
    );
    add(
        "recording.mp3",
        &vec![7u8; 5000],
        "audio/mpeg",
        "2025-06-02T10:01:00.000Z",
    );
    env.ok(["config", "set", "mail.max-attachments-size", "4K"]);

    // Files left out sit with the attachments, before the sign-off, and
    // are never listed as attached.
    let shown = env.ok(["session", "show", "--as-member", "--format", "plain"]);
    let section = shown.find("\nAttachments\n").expect("attachments section");
    let left_out = shown.find("\nNot attached:").expect("not attached");
    let sign_off = shown.find("See you there").expect("sign-off");
    assert!(section < left_out && left_out < sign_off, "{shown}");
    assert!(
        shown[section..left_out].contains("scorecard.pdf (2.0 KiB)"),
        "{shown}"
    );
    assert!(
        !shown[section..left_out].contains("recording.mp3"),
        "{shown}"
    );
    assert!(
        shown[left_out..].contains("- recording.mp3 (4.9 KiB)"),
        "{shown}"
    );
    let output = env.coach(["share"]).write_stdin("").output().expect("run");
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("warning: "), "{stderr}");
    assert!(stderr.contains("recording.mp3"), "{stderr}");

    let received = server.one_message();
    let parsed = parse(&received);
    assert!(parsed.is_content_type("multipart", "mixed"));
    let attachments: Vec<_> = parsed
        .attachments()
        .filter(|a| {
            a.attachment_name() != Some("invite.ics") && !a.is_content_type("text", "calendar")
        })
        .collect();
    assert_eq!(attachments.len(), 1);
    assert_eq!(attachments[0].attachment_name(), Some("scorecard.pdf"));
    assert!(attachments[0].is_content_type("application", "pdf"));
    assert_eq!(attachments[0].contents(), scorecard.as_slice());
    let text = lf(&parsed.body_text(0).expect("text"));
    assert_eq!(text.trim_end(), shown.trim_end());
    assert!(text.contains("- recording.mp3 (4.9 KiB)"), "{text}");
    assert!(parsed.body_html(0).expect("html").contains("recording.mp3"));

    // A file missing from disk stops the send, before anything is claimed.
    for entry in std::fs::read_dir(&files).expect("files") {
        std::fs::remove_file(entry.expect("entry").path()).expect("remove");
    }
    let err = env.fails(3, ["share", "--resend"]);
    assert!(
        err.contains("cannot read the attachment scorecard.pdf"),
        "{err}"
    );
}

#[test]
fn what_cannot_be_sent_is_a_clear_error_that_changes_nothing() {
    let env = Env::initialized();
    env.ok(["member", "add", "Robin Noemail"]);
    env.ok(["session", "new", "robin", "--date", "2025-06-02"]);
    let err = env.fails(3, ["share"]);
    assert!(err.contains("Robin Noemail has no email address"), "{err}");
    assert!(
        err.contains("coach member edit \"Robin Noemail\" --email"),
        "{err}"
    );
    let err = env.fails(3, ["share", "--recap", "--pending"]);
    assert!(err.contains("1 of 1 recaps was not sent"), "{err}");

    let fresh = Env::new();
    fresh.ok(["member", "add", "Alex Kim", "--email", "alex@example.com"]);
    fresh.ok(["session", "new", "alex"]);
    let err = fresh.fails(3, ["share"]);
    assert!(err.contains("your name and email are not set"), "{err}");
    assert!(err.contains("coach init"), "{err}");

    let env = Env::with_team();
    let err = env.fails(3, ["share"]);
    assert!(err.contains("there is no current session"), "{err}");
    env.ok(["session", "new", "alex"]);
    env.ok(["config", "set", "mail.transport", "smtp"]);
    let err = env.fails(3, ["share"]);
    assert!(err.contains("mail.smtp.host is not set"), "{err}");
    // `share --pending` covers agendas too: here the settings are wrong.
    env.fails(3, ["share", "--pending"]);
    env.fails(2, ["share", "--pending", "--skip", "--reason", "x"]);
    env.fails(2, ["share", "--recap", "--pending", "--resend"]);
    env.fails(2, ["share", "--older-than", "2h"]);
    env.fails(2, ["share", "--recap", "--pending", "abcd"]);
    env.fails(3, ["share", "--recap", "--pending", "--older-than", "soon"]);
    env.fails(3, ["share", "--recap", "--pending", "--member", "nobody"]);
    env.fails(3, ["share", "ffff"]);
}

#[test]
fn session_show_formats_are_for_the_members_email() {
    let env = Env::with_team();
    alex_session(&env);
    env.fails(2, ["session", "show", "--format", "md"]);
    env.fails(2, ["session", "show", "--format", "html"]);
    env.fails(2, ["session", "show", "--recap"]);
    let recap = env.ok(["session", "show", "--as-member", "--recap"]);
    assert!(recap.starts_with("Recap: Weekly check-in\n"), "{recap}");
    assert_eq!(
        recap,
        env.ok([
            "session",
            "show",
            "--as-member",
            "--format",
            "text",
            "--recap"
        ])
    );
    env.fails(
        2,
        ["session", "show", "--as-member", "--format", "md", "--json"],
    );
    env.fails(2, ["session", "show", "--as-member", "--format", "pdf"]);
    let text = env.ok(["session", "show", "--as-member", "--format", "text"]);
    assert_eq!(text, env.ok(["session", "show", "--as-member"]));
    let html = env.ok([
        "session",
        "show",
        "--as-member",
        "--format",
        "html",
        "--recap",
    ]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Recap: Weekly check-in"));
}

#[test]
fn sendmail_gets_the_message_from_the_settings() {
    let env = Env::with_team();
    alex_session(&env);
    let captured = env.dir.path().join("captured.eml");
    env.mail_through_sendmail(
        "fake-sendmail",
        &format!(
            "echo \"$@\" > '{0}.args'\ncat > '{0}'\n",
            captured.display()
        ),
    );
    let out = env.ok(["share"]);
    assert!(out.contains("(sendmail: "), "{out}");
    let raw = std::fs::read(&captured).expect("the message");
    let parsed = MessageParser::default().parse(&raw).expect("parsable");
    assert_eq!(
        parsed.subject(),
        Some("1:1 with Alex Kim: Weekly check-in, 2 Jun 2025")
    );
    let args = std::fs::read_to_string(captured.with_extension("eml.args")).expect("args");
    assert!(args.contains("alex@example.com"), "{args}");
}

#[test]
fn share_help_has_examples() {
    let env = Env::new();
    for command in [vec!["share", "--help"], vec!["share", "log", "--help"]] {
        let out = env.ok(command);
        assert!(out.contains("Examples:"), "{out}");
    }
}

fn example(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

#[test]
fn the_cron_wrapper_sends_pending_recaps_logs_and_passes_the_exit_code_through() {
    let down = smtp_server::unused_port();
    let env = smtp_env(down);
    alex_session(&env);
    let log = env.dir.path().join("recaps.log");
    let wrapper = |db: &std::path::Path| {
        Command::new("bash")
            .arg(example("cron-recaps.sh"))
            .arg(db)
            .env("COACH", assert_cmd::cargo::cargo_bin("coach"))
            .env("COACH_LOG", &log)
            .env("TZ", "UTC")
            .env_remove("COACH_DB")
            .env_remove("COACH_SMTP_PASSWORD")
            .stdin(Stdio::null())
            .output()
            .expect("run the wrapper")
    };
    let output = wrapper(&env.db);
    assert_eq!(
        output.status.code(),
        Some(75),
        "temporary failure passed through"
    );
    assert!(
        output.stderr.is_empty(),
        "a temporary failure is only logged"
    );
    let logged = std::fs::read_to_string(&log).expect("log");
    assert!(logged.contains("exit 75"), "{logged}");
    assert!(logged.contains("connection refused"), "{logged}");

    let server = TestSmtp::plain();
    env.mail_through_smtp(server.port);
    let output = wrapper(&env.db);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(server.one_message().rcpt_to, ["alex@example.com"]);
    let logged = std::fs::read_to_string(&log).expect("log");
    assert!(logged.contains("exit 0\nSent the recap of "), "{logged}");

    // Something to fix: printed, so that cron mails it.
    env.ok(["member", "add", "Robin Noemail"]);
    env.ok(["session", "new", "robin", "--date", "2025-06-02"]);
    let output = wrapper(&env.db);
    assert_eq!(output.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&output.stderr).contains("has no email address"));
}

#[test]
fn the_smtp_example_configures_coach_and_sends_through_a_given_server() {
    let server = TestSmtp::plain();
    let dir = tempfile::tempdir().expect("dir");
    let output = Command::new("bash")
        .arg(example("smtp-config.sh"))
        .env("COACH", assert_cmd::cargo::cargo_bin("coach"))
        .env("TZ", "UTC")
        .env("HOME", dir.path())
        .env_remove("COACH_DB")
        .env("SMTP_HOST", "127.0.0.1")
        .env("SMTP_PORT", server.port.to_string())
        .env("SMTP_TLS", "none")
        .env("SEND", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run the example");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("Subject: 1:1 with Alex Kim: Weekly check-in"),
        "{stdout}"
    );
    let received = server.one_message();
    assert_eq!(received.rcpt_to, ["alex@example.com"]);
}

#[test]
fn a_server_that_never_answers_times_out_as_a_temporary_failure() {
    let (_listener, port) = smtp_server::silent_port();
    let env = smtp_env(port);
    env.ok(["config", "set", "mail.smtp.timeout", "1"]);
    let session = alex_session(&env);
    let (code, stdout, _) = run(&env, &["share", "--recap", "--pending"]);
    assert_eq!(code, 75);
    assert!(stdout.contains("no answer within 1 s"), "{stdout}");
    assert_eq!(status(&env, &session), "draft");
    assert_eq!(env.json(["share", "log"])[0]["temporary"], true);
}

/// A 50-item session: notes with a long URL, kudos, actions and metrics.
fn rich_session(env: &Env) -> String {
    let session = alex_session(env);
    for i in 0..20 {
        env.ok([
            "note",
            "add",
            &format!(
                "Point {i}: *shadowed* a `macro_v2` ticket, see \
                 https://support.example.com/tickets/48213?tab=conversation&highlight=refund_policy_v2 \
                 Thanks! :tada:"
            ),
        ]);
    }
    for i in 0..10 {
        env.ok([
            "kudos",
            &format!("Calm review number {i}"),
            "--for",
            "expertise",
        ]);
        env.ok([
            "action",
            "add",
            &format!("Follow up #{i} with the team_lead"),
        ]);
    }
    for (i, name) in [
        "CSAT", "AHT", "FCR", "QA", "NPS", "Backlog", "Reopen", "Hold", "Wrap", "Escal",
    ]
    .iter()
    .enumerate()
    {
        env.ok([
            "metric",
            "add",
            name,
            &format!("{}", 80 + i),
            "--target",
            "75",
        ]);
    }
    session
}

#[test]
fn a_fifty_item_session_stays_far_under_gmails_clipping_and_reads_as_text() {
    let env = Env::with_team();
    rich_session(&env);
    for recap in [false, true] {
        let mut args = vec!["session", "show", "--as-member", "--format", "html"];
        if recap {
            args.push("--recap");
        }
        let html = env.ok(args.clone());
        assert!(html.matches("Point ").count() >= 20, "{html}");
        assert!(html.len() < 80 * 1024, "{} bytes", html.len());
        args[4] = "plain";
        let text = env.ok(args);
        // No Markdown escapes or markers, emoji converted, URLs whole.
        for marker in ["\\*", "\\_", "\\!", "**", "`", ":tada:", "####"] {
            assert!(!text.contains(marker), "{marker} in {text}");
        }
        assert!(text.contains("shadowed a macro_v2 ticket"), "{text}");
        assert!(text.contains("Thanks! 🎉"), "{text}");
        assert!(text.contains(
            "\nhttps://support.example.com/tickets/48213?tab=conversation&highlight=refund_policy_v2\n"
        ), "{text}");
        for line in text.lines().filter(|l| !l.contains("https://")) {
            assert!(line.chars().count() <= 72, "{line:?}");
        }
        // The member's own action carries its short id, for a reply.
        assert!(
            text.lines().any(|l| l.starts_with("- [ ] ")
                && l.ends_with(" Follow up #3 with the team_lead (you)")
                && l.len() > "- [ ] Follow up #3 with the team_lead (you)".len() + 4),
            "{text}"
        );
    }
}

#[test]
fn a_setting_edited_by_hand_to_a_bad_value_is_not_retried_as_if_temporary() {
    let server = TestSmtp::plain();
    let env = smtp_env(server.port);
    several_sessions(&env, 2);
    for (key, value) in [
        ("mail.cc-me", "maybe"),
        ("mail.max-attachments-size", "big"),
    ] {
        let conn = rusqlite::Connection::open(&env.db).expect("open");
        conn.execute(
            "INSERT OR REPLACE INTO config (key, value, updated_at) VALUES (?1, ?2, '2025-01-01T00:00:00Z')",
            [key, value],
        )
        .expect("edit the setting by hand");
        drop(conn);
        let (code, stdout, stderr) = run(&env, &["share", "--recap", "--pending"]);
        // The same value fails the same way on every run: a cron job must
        // not be told to try again later.
        assert_eq!(code, 3, "{key}: {stderr}");
        assert!(stdout.contains(key), "{key}: {stdout}");
        let conn = rusqlite::Connection::open(&env.db).expect("open");
        conn.execute("DELETE FROM config WHERE key = ?1", [key])
            .expect("put the setting back");
    }
    assert!(server.messages().is_empty());
    env.ok(["share", "--recap", "--pending"]);
}
