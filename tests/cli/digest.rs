//! `coach share --digest`: a team member's stream and trends, emailed to
//! them through a real SMTP server, answered by a reply that `coach inbox`
//! takes in; `--pending` under `digest.every`, from cron.

use serde_json::Value;

use crate::common::{snapshot, Env};
use crate::smtp_server::{unused_port, Received, TestSmtp};

/// Alex's month: a 1:1 with a shared note, kudos, a recorded metric with a
/// target, an action done and one open, the recap sent. Returns the open
/// action's short id.
fn alex_month(env: &Env) -> String {
    env.ok([
        "session",
        "new",
        "alex",
        "--title",
        "Weekly check-in",
        "--date",
        "-5d",
    ]);
    env.ok([
        "note",
        "add",
        "SHARED-MARKER we talked about the escalation queue",
    ]);
    env.ok(["note", "add", "--private", "PRIVATE-CANARY seems tired"]);
    env.ok([
        "kudos",
        "Calm under pressure on the outage call",
        "--for",
        "effort",
    ]);
    env.ok([
        "metric", "record", "alex", "CSAT", "4.6", "--target", "4.5", "--date", "-3d",
    ]);
    let open = env.json(["action", "add", "Shadow a team-lead shift", "--due", "+3d"]);
    let done = env.json(["action", "add", "Read the refund playbook"]);
    env.ok(["action", "done", done["short_id"].as_str().expect("id")]);
    env.ok(["share", "--recap"]);
    open["short_id"].as_str().expect("id").to_string()
}

fn parse(raw: &[u8]) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default()
        .parse(raw)
        .expect("a MIME message")
}

fn digests_in(received: &[Received]) -> Vec<&Received> {
    received
        .iter()
        .filter(|m| m.text().contains("Subject: Your 1:1 digest"))
        .collect()
}

fn digest_log(env: &Env) -> Vec<Value> {
    env.json(["share", "log"])
        .as_array()
        .expect("log")
        .iter()
        .filter(|e| e["kind"] == "digest")
        .cloned()
        .collect()
}

#[test]
fn a_digest_goes_through_smtp_and_a_reply_to_it_checks_an_action_off() {
    let env = Env::with_team();
    let server = TestSmtp::plain();
    env.mail_through_smtp(server.port);
    let action = alex_month(&env);

    let out = env.ok(["share", "--digest", "alex"]);
    assert!(
        out.starts_with("Sent the digest of Alex Kim to alex@example.com"),
        "{out}"
    );
    let all = server.messages();
    let digests = digests_in(&all);
    assert_eq!(digests.len(), 1, "one digest");
    let message = parse(&digests[0].raw);
    assert_eq!(digests[0].rcpt_to, ["alex@example.com"]);
    let text = message.body_text(0).expect("a text part").to_string();
    let html = message.body_html(0).expect("an HTML part").to_string();
    for part in [&text, &html] {
        assert!(
            part.contains("Calm under pressure on the outage call"),
            "kudos text: {part}"
        );
        assert!(part.contains("SHARED-MARKER"), "the shared note: {part}");
        assert!(
            !part.contains("PRIVATE-CANARY"),
            "a private note leaked: {part}"
        );
        assert!(part.contains("Read the refund playbook"), "done: {part}");
        assert!(part.contains("Recap sent"), "recaps: {part}");
        assert!(part.contains("CSAT"), "metrics: {part}");
        assert!(part.contains("██████████"), "a bar: {part}");
    }
    assert!(
        text.contains(&format!("[ ] {action} Shadow a team-lead shift")),
        "an answerable line: {text}"
    );
    // Email-safe: no SVG, no script, no remote image.
    for unsafe_tag in ["<svg", "<script", "<img", "<style"] {
        assert!(!html.contains(unsafe_tag), "{unsafe_tag} in {html}");
    }
    let message_id = message.message_id().expect("a Message-ID").to_string();
    let log = digest_log(&env);
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["outcome"], "sent");
    assert_eq!(log[0]["member"]["name"], "Alex Kim");
    assert_eq!(log[0]["message_id"], message_id.as_str());
    let table = env.ok(["share", "log"]);
    assert!(
        table
            .lines()
            .any(|l| l.contains("digest") && l.contains("Alex Kim")),
        "{table}"
    );

    // Alex answers from their mail client, quoting the digest.
    let quoted: String = text.lines().map(|l| format!("> {l}\n")).collect();
    let reply = |id: &str, from: &str, body: &str| {
        format!(
            "From: {from}\nTo: Sam Lee <sam@example.com>\nSubject: Re: {}\n\
             Date: {}\nMessage-ID: <{id}@mail.example.com>\nIn-Reply-To: <{message_id}>\n\
             References: <{message_id}>\nContent-Type: text/plain; charset=UTF-8\n\n{body}\n\n\
             On Tue, Dec 1, 2026 at 9:00 AM Sam Lee <sam@example.com> wrote:\n{quoted}",
            message.subject().expect("subject"),
            chrono::Utc::now().to_rfc2822()
        )
    };
    let forged = env.dir.path().join("forged.eml");
    std::fs::write(
        &forged,
        reply(
            "forged",
            "Alex Kim <alex@evil.example>",
            &format!("[x] {action}"),
        ),
    )
    .expect("write");
    let before = snapshot(&env.db);
    let taken = env.json(["inbox", forged.to_str().expect("path")]);
    assert_eq!(taken[0]["verdict"], "refused", "{taken}");
    assert_eq!(
        snapshot(&env.db),
        before,
        "a forged reply changed something"
    );
    let jordan = env.dir.path().join("jordan.eml");
    std::fs::write(
        &jordan,
        reply(
            "jordan",
            "Jordan Park <jordan@example.com>",
            &format!("[x] {action}"),
        ),
    )
    .expect("write");
    let taken = env.json(["inbox", jordan.to_str().expect("path")]);
    assert_eq!(taken[0]["verdict"], "refused", "{taken}");
    assert!(
        taken[0]["reason"]
            .as_str()
            .expect("reason")
            .contains("digest of Alex Kim"),
        "{taken}"
    );

    let path = env.dir.path().join("reply.eml");
    std::fs::write(
        &path,
        reply(
            "good",
            "Alex Kim <alex@example.com>",
            &format!("Thanks!\n[x] {action}"),
        ),
    )
    .expect("write");
    let taken = env.json(["inbox", path.to_str().expect("path")]);
    assert_eq!(taken[0]["verdict"], "accepted", "{taken}");
    assert_eq!(taken[0]["answers"], "digest");
    let changes = taken[0]["changes"].as_array().expect("changes");
    assert_eq!(changes[0]["change"], "not-kept", "{taken}");
    assert_eq!(changes[0]["text"], "Thanks!");
    assert_eq!(changes[1]["change"], "done");
    assert_eq!(changes[1]["action"], action.as_str());
    let done = env.json(["action", "list", "--done"]);
    assert!(
        done.as_array()
            .expect("done")
            .iter()
            .any(|a| a["short_id"] == action.as_str()),
        "{done}"
    );
    // No note was written from a digest reply.
    let notes = env.json(["session", "show"])["notes"].clone();
    assert!(notes
        .as_array()
        .expect("notes")
        .iter()
        .all(|n| n["author"]["role"] == "coach"));

    // The same message again: nothing changes.
    let before = snapshot(&env.db);
    let again = env.json(["inbox", path.to_str().expect("path")]);
    assert_eq!(again[0]["verdict"], "ignored");
    assert_eq!(snapshot(&env.db), before);

    // The next digest starts where this one ended and shows the action done.
    let second = env.json(["share", "--digest", "alex", "--dry-run"]);
    let raw = second[0]["message"].as_str().expect("message");
    let next = parse(raw.as_bytes());
    let next_text = next.body_text(0).expect("text").to_string();
    assert!(
        next_text.contains(&format!("[x] {action} Shadow a team-lead shift")),
        "{next_text}"
    );
    assert!(!next_text.contains("Calm under pressure"), "{next_text}");
    assert_eq!(digest_log(&env).len(), 1, "a dry run records nothing");
}

#[test]
fn pending_sends_the_digests_due_under_digest_every_once() {
    let env = Env::with_team();
    let server = TestSmtp::plain();
    env.mail_through_smtp(server.port);
    alex_month(&env);
    env.ok(["member", "add", "Robin Noemail"]);
    env.ok([
        "member",
        "add",
        "Casey Gone",
        "--email",
        "casey@example.com",
    ]);
    env.ok(["member", "archive", "casey"]);

    // Off by default: nothing is due.
    let out = env
        .coach(["share", "--digest", "--pending"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("digest.every is off"));
    assert!(digest_log(&env).is_empty());

    let stderr = env.fails(3, ["config", "set", "digest.every", "sometimes"]);
    assert!(stderr.contains("digest.every"), "{stderr}");
    env.ok(["config", "set", "digest.every", "monthly"]);
    let out = env
        .coach(["share", "--digest", "--pending"])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("Sent the digest of Alex Kim"), "{stdout}");
    assert!(
        stdout.contains("Sent the digest of Jordan Park"),
        "{stdout}"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Robin Noemail has no email address"),
        "members without email are named"
    );
    let received = server.messages();
    let to: Vec<String> = digests_in(&received)
        .iter()
        .map(|m| m.rcpt_to.join(","))
        .collect();
    assert_eq!(to.len(), 2, "{to:?}");
    assert!(
        !to.iter().any(|t| t.contains("casey")),
        "archived members get none"
    );

    // The next run the same day: nothing due, nothing sent, exit 0.
    let again = env.json(["share", "--digest", "--pending"]);
    assert_eq!(again, serde_json::json!([]));
    assert_eq!(digests_in(&server.messages_now()).len(), 2);
    // Weekly, a week later by the database's clock: due again.
    env.ok(["config", "set", "digest.every", "1w"]);
    let db = rusqlite::Connection::open(&env.db).expect("open");
    db.execute(
        "UPDATE digests SET created_at = '2026-01-01T07:00:00.000Z'",
        [],
    )
    .expect("age");
    drop(db);
    let out = env.ok(["share", "--digest", "--pending", "--member", "alex"]);
    assert!(out.contains("Sent the digest of Alex Kim"), "{out}");
    assert_eq!(digests_in(&server.messages_now()).len(), 3);
}

#[test]
fn a_server_down_is_75_and_a_member_without_email_is_3() {
    let env = Env::with_team();
    env.mail_through_smtp(unused_port());
    env.ok(["session", "new", "alex"]);
    // The failure is recorded (share log), so this is not `env.fails`.
    let out = env
        .coach(["share", "--digest", "alex"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(75));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("FAILED the digest of Alex Kim"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot send the digest of Alex Kim"));
    let log = digest_log(&env);
    assert_eq!(log[0]["outcome"], "failed");
    assert_eq!(log[0]["temporary"], true);
    env.ok(["member", "add", "Robin Noemail"]);
    let before = snapshot(&env.db);
    let stderr = env.fails(3, ["share", "--digest", "robin"]);
    assert!(stderr.contains("no email address"), "{stderr}");
    assert_eq!(snapshot(&env.db), before, "nothing was recorded");
    env.fails(2, ["share", "--digest", "alex", "--recap"]);
    let stderr = env.fails(3, ["share", "--digest", "alex", "--since", "+2d"]);
    assert!(stderr.contains("not in the past"), "{stderr}");
    let stderr = env.fails(3, ["share", "--digest", "nobody-by-that-name"]);
    assert!(!stderr.is_empty());
}

#[test]
fn two_pending_runs_started_together_send_each_digest_once() {
    let env = Env::with_team();
    let server = TestSmtp::plain();
    env.mail_through_smtp(server.port);
    alex_month(&env);
    for n in 0..6 {
        env.ok([
            "member",
            "add",
            &format!("Member {n}"),
            "--email",
            &format!("member{n}@example.com"),
        ]);
    }
    env.ok(["config", "set", "digest.every", "weekly"]);
    let lines = env.twice_at_once(&["share", "--digest", "--pending"]);
    let received = server.messages();
    let mut to: Vec<String> = digests_in(&received)
        .iter()
        .map(|m| m.rcpt_to.join(","))
        .collect();
    to.sort();
    let count = to.len();
    to.dedup();
    assert_eq!(count, 8, "each member's digest arrives once: {to:?}");
    assert_eq!(to.len(), 8);
    assert_eq!(lines.matches("Sent the digest of ").count(), 8, "{lines}");
    let sent = digest_log(&env)
        .iter()
        .filter(|d| d["outcome"] == "sent")
        .count();
    assert_eq!(sent, 8);
}

/// `coach share --digest --pending ARGS...`: the exit code, standard
/// output and standard error.
fn pending_digests(env: &Env, extra: &[&str]) -> (Option<i32>, String, String) {
    let mut args = vec!["share", "--digest", "--pending"];
    args.extend_from_slice(extra);
    let output = env.coach(&args).output().expect("run");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn attempts_of(env: &Env, name: &str) -> Vec<Value> {
    digest_log(env)
        .into_iter()
        .filter(|d| d["member"]["name"] == name)
        .collect()
}

#[test]
fn a_digest_refused_for_good_is_held_back_by_pending_until_retry() {
    let env = Env::with_team();
    alex_month(&env);
    let server = TestSmtp::rejecting_recipient("alex@example.com");
    env.mail_through_smtp(server.port);
    env.ok(["config", "set", "digest.every", "monthly"]);

    // The first cron run: Jordan's goes, Alex's is refused (550): exit 3.
    let (code, stdout, stderr) = pending_digests(&env, &[]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stdout.contains("FAILED the digest of Alex Kim"), "{stdout}");
    assert!(
        stdout.contains("Sent the digest of Jordan Park"),
        "{stdout}"
    );
    let alex = attempts_of(&env, "Alex Kim");
    assert_eq!(alex.len(), 1);
    assert_eq!(
        (&alex[0]["outcome"], &alex[0]["temporary"]),
        (&"failed".into(), &false.into())
    );

    // The next run says so, with the command that retries, and sends nothing.
    let before = snapshot(&env.db);
    let (code, stdout, stderr) = pending_digests(&env, &[]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("NOT RETRIED the digest of Alex Kim"),
        "{stderr}"
    );
    assert!(stderr.contains("refused for good"), "{stderr}");
    assert!(
        stderr.contains("coach share --digest --pending --retry"),
        "{stderr}"
    );
    assert_eq!(snapshot(&env.db), before, "nothing tried, nothing recorded");
    let output = env
        .coach(["share", "--digest", "--pending", "--json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(3));
    let reports: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(reports[0]["result"], "held-back", "{reports}");
    assert_eq!(reports[0]["member"]["name"], "Alex Kim");
    assert_eq!(reports[0]["digest"]["id"], alex[0]["id"]);
    assert!(
        reports[0]["error"].as_str().expect("why").contains("550"),
        "{reports}"
    );

    // The address fixed (here: the server), --retry sends it; then nothing is due.
    let fixed = TestSmtp::plain();
    env.ok(["config", "set", "mail.smtp.port", &fixed.port.to_string()]);
    let (code, stdout, stderr) = pending_digests(&env, &["--retry"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("Sent the digest of Alex Kim"), "{stdout}");
    let received = fixed.messages();
    let digests = digests_in(&received);
    assert_eq!(digests.len(), 1);
    assert_eq!(digests[0].rcpt_to, ["alex@example.com"]);
    assert_eq!(pending_digests(&env, &[]).0, Some(0), "nothing due");
    assert_eq!(attempts_of(&env, "Alex Kim").len(), 2);
}

#[test]
fn a_digest_failing_max_attempts_times_in_a_row_is_held_back() {
    let env = Env::with_team();
    alex_month(&env);
    env.mail_through_smtp(unused_port());
    env.ok(["config", "set", "digest.every", "weekly"]);
    env.ok(["config", "set", "mail.max-attempts", "2"]);
    let alex = ["--member", "alex"];

    // The server is down: each run tries (75), up to mail.max-attempts.
    for _ in 0..2 {
        let (code, stdout, stderr) = pending_digests(&env, &alex);
        assert_eq!(code, Some(75), "{stderr}");
        assert!(stdout.contains("the next run retries it"), "{stdout}");
    }
    let (code, _, stderr) = pending_digests(&env, &alex);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        stderr.contains("NOT RETRIED the digest of Alex Kim"),
        "{stderr}"
    );
    assert!(stderr.contains("failed 2 times in a row"), "{stderr}");
    assert!(stderr.contains("--retry"), "{stderr}");
    assert_eq!(
        attempts_of(&env, "Alex Kim").len(),
        2,
        "the third run did not try"
    );

    // With the server back, --retry sends it.
    let server = TestSmtp::plain();
    env.ok(["config", "set", "mail.smtp.port", &server.port.to_string()]);
    let (code, stdout, stderr) = pending_digests(&env, &["--member", "alex", "--retry"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("Sent the digest of Alex Kim"), "{stdout}");
    assert_eq!(digests_in(&server.messages()).len(), 1);
    assert_eq!(pending_digests(&env, &alex).0, Some(0), "not due again");
}

/// The text and HTML parts of a message, decoded.
fn parts(raw: &[u8]) -> [String; 2] {
    let message = parse(raw);
    [
        message.body_text(0).expect("a text part").to_string(),
        message.body_html(0).expect("an HTML part").to_string(),
    ]
}

#[test]
fn a_kudos_given_outside_any_session_is_in_the_digest_with_its_text() {
    let env = Env::with_team();
    // Alex's last 1:1 was 20 days ago, beyond session.kudos-window (7
    // days), with a shared and a private note: a kudos given now,
    // "Rescued the migration weekend", belongs to no session.
    crate::kudos::kudos_outside(&env);

    let check = |raw: &[u8], what: &str| {
        for part in parts(raw) {
            assert!(
                part.contains("Rescued the migration weekend"),
                "{what}: the kudos text: {part}"
            );
            assert!(part.contains("SHARED-MARKER"), "{what}: {part}");
            assert!(!part.contains("PRIVATE-CANARY"), "{what}: leaked: {part}");
        }
    };
    // The dry run shows it...
    let dry = env.json(["share", "--digest", "alex", "--dry-run"]);
    let raw = dry[0]["message"].as_str().expect("the message");
    check(raw.as_bytes(), "dry run");
    assert!(digest_log(&env).is_empty(), "a dry run records nothing");

    // ...and the email sent through SMTP holds it.
    let server = TestSmtp::plain();
    env.mail_through_smtp(server.port);
    env.ok(["share", "--digest", "alex"]);
    let received = server.messages();
    let digests = digests_in(&received);
    assert_eq!(digests.len(), 1);
    assert_eq!(digests[0].rcpt_to, ["alex@example.com"]);
    check(&digests[0].raw, "sent");
}
