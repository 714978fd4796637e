//! `coach status`: the current session and since when, and everything
//! pending with the command that clears it.

use serde_json::Value;

use crate::common::{snapshot, Env};
use crate::smtp_server;

fn kinds(status: &Value) -> Vec<String> {
    status["pending"]
        .as_array()
        .expect("pending")
        .iter()
        .map(|p| p["kind"].as_str().expect("kind").to_string())
        .collect()
}

fn pending_of<'a>(status: &'a Value, kind: &str) -> Vec<&'a Value> {
    status["pending"]
        .as_array()
        .expect("pending")
        .iter()
        .filter(|p| p["kind"] == kind)
        .collect()
}

#[test]
fn an_empty_database_has_no_current_session_and_nothing_pending() {
    let env = Env::new();
    let out = env.ok(["status"]);
    assert!(out.starts_with("No current session"), "{out}");
    assert!(out.contains("coach session new MEMBER"), "{out}");
    assert!(out.contains("Nothing pending."), "{out}");
    let status = env.json(["status"]);
    assert_eq!(status["current"], Value::Null);
    assert_eq!(status["current_since"], Value::Null);
    assert_eq!(status["pending"], serde_json::json!([]));
    assert_eq!(env.ok(["status", "-q"]), "");
}

/// An instant of the JSON, compared as one: its text has no fraction on a
/// whole second (`…:04Z` is before `…:04.120Z`, but not as text).
fn instant(text: &str) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(text).expect("an RFC 3339 instant")
}

#[test]
fn the_current_session_says_since_when_and_a_cron_session_does_not_move_it() {
    let env = Env::with_team();
    let first = env.ok(["session", "new", "alex", "-q"]).trim().to_string();
    let status = env.json(["status"]);
    assert_eq!(status["current"]["id"], first.as_str());
    let since = status["current_since"].as_str().expect("since").to_string();
    let created = status["current"]["created_at"].as_str().expect("created");
    assert!(instant(&since) >= instant(created), "{since} {created}");
    assert_eq!(env.ok(["status", "-q"]).trim(), first);
    let out = env.ok(["status"]);
    assert!(out.starts_with("Current session: "), "{out}");
    assert!(out.contains("with Alex Kim"), "{out}");
    assert!(out.contains(", since "), "{out}");

    // A cron job's session leaves it; using the same session again keeps
    // the time it became current.
    env.ok(["session", "new", "jordan", "--no-use", "--date", "+2d"]);
    env.ok(["session", "use", &first]);
    let status = env.json(["status"]);
    assert_eq!(status["current"]["id"], first.as_str());
    assert_eq!(status["current_since"], since.as_str());

    // Another session made current: a later time.
    let second = env
        .ok(["session", "new", "jordan", "-q"])
        .trim()
        .to_string();
    let status = env.json(["status"]);
    assert_eq!(status["current"]["id"], second.as_str());
    assert!(instant(status["current_since"].as_str().expect("since")) > instant(&since));

    // Deleted: no current session, no time.
    env.ok(["session", "delete", &second, "--yes"]);
    let status = env.json(["status"]);
    assert_eq!(status["current"], Value::Null);
    assert_eq!(status["current_since"], Value::Null);
    assert_eq!(env.ok(["status", "-q"]), "");
}

#[test]
fn each_pending_thing_says_the_command_that_clears_it() {
    let env = Env::with_team();
    env.ok(["member", "add", "Drew Fox"]);
    // Held three days ago, recap not sent; one action overdue, one due
    // today (not overdue until the day is over), one done.
    let held = env
        .ok(["session", "new", "alex", "--date", "-3d", "-q"])
        .trim()
        .to_string();
    env.ok(["action", "add", "Send the playbook", "--due", "-2d"]);
    env.ok(["action", "add", "Due today", "--due", "today 23:59"]);
    let done = env.ok(["action", "add", "Done already", "--due", "-2d", "-q"]);
    env.ok(["action", "done", done.trim()]);
    // To come: an agenda not sent yet.
    let next = env
        .ok([
            "session", "new", "jordan", "--date", "+2d", "--no-use", "-q",
        ])
        .trim()
        .to_string();
    // An archived member's are left out.
    env.ok(["session", "new", "drew", "--date", "-5d", "--no-use"]);
    env.ok(["member", "archive", "drew"]);

    let status = env.json(["status"]);
    assert_eq!(kinds(&status), ["agenda", "recap", "action"]);
    let agenda = pending_of(&status, "agenda")[0];
    assert_eq!(agenda["session"]["id"], next.as_str());
    assert_eq!(agenda["failed"], false);
    let short = agenda["session"]["short_id"].as_str().expect("short");
    assert_eq!(agenda["command"], format!("coach share {short}"));
    let recap = pending_of(&status, "recap")[0];
    assert_eq!(recap["session"]["id"], held.as_str());
    let short = recap["session"]["short_id"].as_str().expect("short");
    assert_eq!(recap["command"], format!("coach share --recap {short}"));
    assert_eq!(
        recap["skip_command"],
        format!("coach share --skip {short} --reason TEXT")
    );
    let action = pending_of(&status, "action")[0];
    assert_eq!(action["action"]["body"], "Send the playbook");
    let action_id = action["action"]["short_id"].as_str().expect("short");
    assert_eq!(action["command"], format!("coach action done {action_id}"));

    let out = env.ok(["status"]);
    assert!(out.contains("Pending (3):"), "{out}");
    assert!(out.contains("-> coach share --recap "), "{out}");
    assert!(out.contains("Send the playbook"), "{out}");
    assert!(!out.contains("Due today"), "{out}");
    assert!(!out.contains("Drew"), "{out}");

    // Running each command clears its line.
    env.ok(["share"]);
    env.ok(["share", &next]);
    let cleared = env.json(["status"]);
    assert_eq!(kinds(&cleared), ["recap", "action"]);
    env.ok(["share", "--skip", &held, "--reason", "1:1 cancelled"]);
    env.ok(["action", "done", action_id]);
    let out = env.ok(["status"]);
    assert!(out.contains("Nothing pending."), "{out}");
}

#[test]
fn a_failed_agenda_is_pending_with_its_reason_until_it_is_sent() {
    let env = Env::with_team();
    env.mail_through_smtp(smtp_server::unused_port());
    let next = env
        .ok(["session", "new", "alex", "--date", "+1d", "--no-use", "-q"])
        .trim()
        .to_string();
    env.coach(["share", &next]).assert().code(75);

    let status = env.json(["status"]);
    let agenda = pending_of(&status, "agenda")[0];
    assert_eq!(agenda["failed"], true);
    let detail = agenda["detail"].as_str().expect("detail");
    assert!(detail.contains("connection refused"), "{detail}");
    assert!(detail.contains("share --pending retries it"), "{detail}");

    env.ok(["config", "set", "mail.transport", "outbox"]);
    env.ok(["share", &next]);
    assert!(pending_of(&env.json(["status"]), "agenda").is_empty());
}

#[test]
fn replies_waiting_in_the_maildir_are_counted_and_reading_changes_nothing() {
    let env = Env::with_team();
    let maildir = env.dir.path().join("Mail");
    for sub in ["new", "cur", "tmp"] {
        std::fs::create_dir_all(maildir.join(sub)).expect("maildir");
    }
    let root = maildir.to_str().expect("path");
    env.ok(["config", "set", "inbox.maildir", root]);
    assert!(env.ok(["status"]).contains("Nothing pending."));

    std::fs::write(maildir.join("new/1.a.host"), "From: x@example.com\n\nhi\n").expect("new");
    std::fs::write(maildir.join("new/2.b.host"), "From: y@example.com\n\nhi\n").expect("new");
    std::fs::write(maildir.join("new/.hidden"), "").expect("hidden");
    std::fs::write(maildir.join("cur/3.c.host:2,F"), "").expect("flagged");
    std::fs::write(maildir.join("cur/4.d.host:2,FS"), "").expect("flagged and read");
    std::fs::write(maildir.join("cur/5.e.host:2,S"), "").expect("read");

    let before = snapshot(&env.db);
    let status = env.json(["status"]);
    assert_eq!(kinds(&status), ["replies", "refused-replies"]);
    assert_eq!(status["pending"][0]["count"], 2);
    assert_eq!(status["pending"][0]["command"], "coach inbox");
    assert_eq!(status["pending"][1]["count"], 1);
    let out = env.ok(["status"]);
    assert!(out.contains("2 replies in "), "{out}");
    assert!(out.contains("1 message refused by coach inbox"), "{out}");
    assert_eq!(snapshot(&env.db), before, "status never writes");
    assert!(maildir.join("new/1.a.host").exists(), "nothing is moved");

    // Taking them in clears the first line (they are refused: flagged).
    env.ok(["inbox", "--maildir", root]);
    let status = env.json(["status"]);
    assert_eq!(kinds(&status), ["refused-replies"]);
    assert_eq!(status["pending"][0]["count"], 3);

    // A Maildir that is gone is said, not an error.
    std::fs::remove_dir_all(&maildir).expect("rm");
    let status = env.json(["status"]);
    assert_eq!(kinds(&status), ["maildir-unreadable"]);
    assert_eq!(
        status["pending"][0]["command"],
        "coach config set inbox.maildir DIR"
    );
}

#[test]
fn digests_due_and_held_back_are_pending_with_the_command_that_sends_them() {
    let env = Env::with_team();
    env.ok(["member", "add", "Robin Noemail"]);
    env.ok(["session", "new", "alex", "--date", "+1d", "--no-use"]);
    // digest.every is off by default: no digest is pending.
    assert_eq!(kinds(&env.json(["status"])), ["agenda"]);

    env.ok(["config", "set", "digest.every", "monthly"]);
    let before = snapshot(&env.db);
    let status = env.json(["status"]);
    assert_eq!(kinds(&status), ["agenda", "digest", "digest"]);
    let digests = pending_of(&status, "digest");
    let names: Vec<&str> = digests
        .iter()
        .map(|d| d["member"]["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["Alex Kim", "Jordan Park"], "members with an email");
    for d in &digests {
        assert_eq!(d["held_back"], false);
        assert_eq!(d["command"], "coach share --digest --pending");
        assert_eq!(d["detail"], "due (digest.every monthly), none sent yet");
    }
    let out = env.ok(["status"]);
    assert!(
        out.contains("  digest of Alex Kim: due (digest.every monthly), none sent yet\n    -> coach share --digest --pending"),
        "{out}"
    );
    assert!(!out.contains("Robin"), "{out}");
    assert_eq!(snapshot(&env.db), before, "status never writes");

    // Alex's address is refused for good: --pending holds it back, and
    // status says so with the command that retries it.
    let server = smtp_server::TestSmtp::rejecting_recipient("alex@example.com");
    env.mail_through_smtp(server.port);
    env.coach(["share", "--digest", "--pending"])
        .assert()
        .code(3);
    let before = snapshot(&env.db);
    let status = env.json(["status"]);
    let digests = pending_of(&status, "digest");
    assert_eq!(digests.len(), 1, "Jordan's went: {status}");
    let held = digests[0];
    assert_eq!(held["member"]["name"], "Alex Kim");
    assert_eq!(held["held_back"], true);
    assert_eq!(held["command"], "coach share --digest --pending --retry");
    let detail = held["detail"].as_str().expect("detail");
    assert!(detail.starts_with("refused for good on "), "{detail}");
    assert!(detail.contains("550"), "{detail}");
    assert!(
        detail.ends_with("(share --digest --pending holds it back)"),
        "{detail}"
    );
    let out = env.ok(["status"]);
    assert!(
        out.contains("digest of Alex Kim: refused for good"),
        "{out}"
    );
    assert!(
        out.contains("-> coach share --digest --pending --retry"),
        "{out}"
    );
    assert!(!out.contains("Jordan Park: due"), "{out}");
    assert_eq!(snapshot(&env.db), before, "status never writes");

    // Running the command clears the line.
    let fixed = smtp_server::TestSmtp::plain();
    env.ok(["config", "set", "mail.smtp.port", &fixed.port.to_string()]);
    env.ok(["share", "--digest", "--pending", "--retry"]);
    assert!(pending_of(&env.json(["status"]), "digest").is_empty());
}

#[test]
fn a_digest_that_failed_for_now_is_due_with_its_reason() {
    let env = Env::with_team();
    env.ok(["config", "set", "digest.every", "weekly"]);
    env.mail_through_smtp(smtp_server::unused_port());
    env.coach(["share", "--digest", "jordan"]).assert().code(75);
    let status = env.json(["status"]);
    let jordan = pending_of(&status, "digest")
        .into_iter()
        .find(|d| d["member"]["name"] == "Jordan Park")
        .expect("Jordan's digest is still due");
    assert_eq!(jordan["held_back"], false);
    let detail = jordan["detail"].as_str().expect("detail");
    assert!(detail.contains("its send failed on "), "{detail}");
    assert!(detail.contains("(the next run retries it)"), "{detail}");
}
