//! `coach inbox`: a team member's replies come back in as their topics,
//! notes, check-offs and acknowledgements; everything else is refused.

use std::path::{Path, PathBuf};

use coach::reply::CheckOff;
use serde_json::Value;

use crate::common::{snapshot, Env};
use crate::smtp_server::TestSmtp;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/replies")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A fixture answering `parent`, its check-offs naming `action`.
fn reply_to(name: &str, parent: &str, action: &str) -> String {
    fixture(name)
        .replace("{{PARENT}}", parent)
        .replace("{{ACTION}}", action)
}

/// Every fixture, with the text the member wrote and their check-offs.
const FIXTURES: &[(&str, &str, &[&str])] = &[
    (
        "gmail-top-posted.eml",
        "Could we talk about the on-call rota? I'd like fewer weekend shifts in January.",
        &[],
    ),
    (
        "gmail-html-only.eml",
        "I'd like to go over the refund playbook changes.",
        &["done 3f2a"],
    ),
    (
        "gmail-wrapped-attribution.eml",
        "Thanks, that matches my notes.",
        &["done 3f2a"],
    ),
    ("gmail-german.eml", "Urlaubsplanung für Januar, bitte.", &[]),
    (
        "outlook-plain-top-posted.eml",
        "Hi Sam,\n\nCan we review my CSAT dip from last week?",
        &[],
    ),
    (
        "outlook-html-only.eml",
        "I'd like to plan my training for Q1 (the café chat idea too).",
        &["done 3f2a"],
    ),
    (
        "outlook-original-message.eml",
        "Got it, thanks!\n\nAlex",
        &[],
    ),
    (
        "apple-mail-plain.eml",
        "Career path: what would the move to QA look like for me?",
        &["done 3f2a"],
    ),
    (
        "apple-mail-html.eml",
        "The new macro for refunds: can we go through it?",
        &[],
    ),
    (
        "thunderbird-inline.eml",
        "Fine by me. Could we also look at the escalation queue?",
        &["done 3f2a"],
    ),
    (
        "thunderbird-html.eml",
        "Headcount for the holidays: who covers the 24th?",
        &[],
    ),
    (
        "quoted-earlier-mails.eml",
        "Noted. One more thing: my certificate exam is on the 15th.",
        &[],
    ),
];

#[test]
fn replies_from_every_client_read_as_the_member_wrote_them() {
    for (name, text, check_offs) in FIXTURES {
        let raw = reply_to(name, "parent@example.com", "3f2a");
        let said = coach::inbox::read_reply(raw.as_bytes()).expect(name);
        assert_eq!(said.text, *text, "the new text of {name}");
        let found: Vec<String> = said
            .check_offs
            .iter()
            .map(|c| match c {
                CheckOff::Done(id) => format!("done {id}"),
                CheckOff::Reopen(id) => format!("reopen {id}"),
            })
            .collect();
        assert_eq!(found, *check_offs, "the check-offs of {name}");
    }
}

/// Alex's session with an open action of Alex's, its agenda sent to the
/// outbox. Returns (the agenda's Message-ID, the action's short id).
fn agenda_sent(env: &Env) -> (String, String) {
    env.ok(["session", "new", "alex", "--title", "Weekly check-in"]);
    env.ok(["note", "add", "Quality review"]);
    env.ok([
        "note",
        "add",
        "--private",
        "PRIVATE-CANARY alex seems tired",
    ]);
    let action = env.json(["action", "add", "Shadow a team-lead shift"]);
    let action = action["short_id"].as_str().expect("short id").to_string();
    env.ok(["share"]);
    (last_message_id(env), action)
}

fn last_message_id(env: &Env) -> String {
    let log = env.json(["share", "log"]);
    log[0]["message_id"]
        .as_str()
        .expect("message id")
        .to_string()
}

fn write(env: &Env, name: &str, text: &str) -> PathBuf {
    let path = env.dir.path().join(name);
    std::fs::write(&path, text).expect("write message");
    path
}

fn inbox(env: &Env, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["inbox"];
    all.extend_from_slice(args);
    env.json(all).as_array().expect("an array").clone()
}

fn notes(env: &Env) -> Vec<Value> {
    env.json(["session", "show"])["notes"]
        .as_array()
        .expect("notes")
        .clone()
}

#[test]
fn a_reply_to_the_agenda_adds_the_members_topic_and_checks_their_action_off() {
    let env = Env::with_team();
    let (agenda, action) = agenda_sent(&env);
    let agenda_text = std::fs::read_dir(env.dir.path().join("outbox"))
        .expect("outbox")
        .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("eml"))
        .collect::<String>();
    assert!(
        agenda_text.contains(&format!("[ ] {action} Shadow a team-lead shift")),
        "the agenda lists the open action with its id: {agenda_text}"
    );
    // Written a second after the agenda went out (a Date header is never
    // taken to be before the email it answers, nor after now).
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let written = chrono::Utc::now();
    let reply = write(
        &env,
        "reply.eml",
        &reply_to("gmail-html-only.eml", &agenda, &action)
            .replace("Tue, 1 Dec 2026 10:15:02 +0100", &written.to_rfc2822()),
    );
    let taken = inbox(&env, &[reply.to_str().expect("path")]);
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0]["verdict"], "accepted", "{taken:?}");
    assert_eq!(taken[0]["answers"], "agenda");
    let changes = taken[0]["changes"].as_array().expect("changes");
    assert_eq!(changes[0]["change"], "note");
    assert_eq!(changes[1]["change"], "done");
    assert_eq!(changes[1]["action"], action.as_str());

    let topic = notes(&env)
        .into_iter()
        .find(|n| n["author"]["role"] == "member")
        .expect("the member's topic");
    assert_eq!(
        topic["body"],
        "I'd like to go over the refund playbook changes."
    );
    assert_eq!(topic["visibility"], "shared");
    assert_eq!(topic["author"]["name"], "Alex Kim");
    let done = env.json(["action", "list", "--done"]);
    assert_eq!(done[0]["short_id"], action.as_str());
    // Done at the reply's date (its Date header), not when it was read.
    let done_at = chrono::DateTime::parse_from_rfc3339(done[0]["done_at"].as_str().expect("done"))
        .expect("a time");
    assert_eq!(done_at.timestamp(), written.timestamp());
    let shown = env.ok(["session", "show"]);
    assert!(
        shown.contains("from Alex Kim's reply"),
        "session show says what came from a reply: {shown}"
    );

    // The same message again changes nothing.
    let before = snapshot(&env.db);
    let again = inbox(&env, &[reply.to_str().expect("path")]);
    assert_eq!(again[0]["verdict"], "ignored");
    assert!(again[0]["reason"]
        .as_str()
        .expect("reason")
        .contains("already taken in"));
    assert_eq!(
        snapshot(&env.db),
        before,
        "a second take changed the database"
    );
}

#[test]
fn reopen_in_a_reply_opens_the_action_again() {
    let env = Env::with_team();
    let (agenda, action) = agenda_sent(&env);
    env.ok(["action", "done", &action]);
    let text = reply_to("gmail-german.eml", &agenda, &action).replace(
        "Urlaubsplanung für Januar, bitte.",
        &format!("reopen {action}"),
    );
    let reply = write(&env, "reopen.eml", &text);
    let taken = inbox(&env, &[reply.to_str().expect("path")]);
    assert_eq!(taken[0]["verdict"], "accepted");
    assert_eq!(taken[0]["changes"][0]["change"], "reopened");
    let open = env.json(["action", "list"]);
    assert_eq!(open[0]["short_id"], action.as_str());
    assert_eq!(open[0]["state"], "open");
}

/// A message that must change nothing: refused, with a reason containing
/// `why`, and the database exactly as it was.
fn refused(env: &Env, name: &str, text: &[u8], why: &str) {
    let path = env.dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    let before = snapshot(&env.db);
    let taken = inbox(env, &[path.to_str().expect("path")]);
    assert_eq!(taken[0]["verdict"], "refused", "{name}: {taken:?}");
    let reason = taken[0]["reason"].as_str().expect("reason");
    assert!(reason.contains(why), "{name}: {reason}");
    assert_eq!(snapshot(&env.db), before, "{name} changed the database");
}

#[test]
fn forged_unknown_foreign_and_own_messages_are_refused_and_change_nothing() {
    let env = Env::with_team();
    let (agenda, action) = agenda_sent(&env);
    let good = reply_to("thunderbird-inline.eml", &agenda, &action);

    let forged = good.replace(
        "From: Alex Kim <alex@example.com>",
        "From: Alex Kim <alex@evil.example>",
    );
    refused(&env, "forged.eml", forged.as_bytes(), "is not Alex Kim's");

    let unknown = reply_to(
        "thunderbird-inline.eml",
        "0123456789abcdef@example.com",
        &action,
    );
    refused(&env, "unknown.eml", unknown.as_bytes(), "unknown thread");

    let jordan = good.replace(
        "From: Alex Kim <alex@example.com>",
        "From: Jordan Park <jordan@example.com>",
    );
    refused(
        &env,
        "jordan.eml",
        jordan.as_bytes(),
        "from Jordan Park but answers",
    );

    let own = good.replace(
        "From: Alex Kim <alex@example.com>",
        "From: Sam Lee <sam@example.com>",
    );
    refused(&env, "own.eml", own.as_bytes(), "from you");

    let outbox = std::fs::read_dir(env.dir.path().join("outbox"))
        .expect("outbox")
        .next()
        .expect("the agenda")
        .expect("entry")
        .path();
    refused(
        &env,
        "agenda.eml",
        &std::fs::read(outbox).expect("eml"),
        "an email coach sent",
    );

    let two_froms = good.replace(
        "From: Alex Kim <alex@example.com>",
        "From: Alex Kim <alex@example.com>, Eve <eve@example.com>",
    );
    refused(&env, "two.eml", two_froms.as_bytes(), "more than one From");

    let no_id = good.replace(
        "Message-ID: <5d1e2f3a-thunderbird-inline@example.com>\n",
        "",
    );
    refused(&env, "noid.eml", no_id.as_bytes(), "no Message-ID");

    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    refused(&env, "binary.eml", &binary, "");

    refused(&env, "empty.eml", b"", "");

    let mut huge = good.clone().into_bytes();
    huge.resize(11 << 20, b'a');
    refused(&env, "huge.eml", &huge, "larger than 10 MiB");

    // Nothing of any of them got in.
    assert!(notes(&env).iter().all(|n| n["author"]["role"] == "coach"));
}

#[test]
fn an_automatic_reply_is_ignored() {
    let env = Env::with_team();
    let (agenda, action) = agenda_sent(&env);
    let text = reply_to("gmail-german.eml", &agenda, &action).replace(
        "MIME-Version: 1.0\n",
        "MIME-Version: 1.0\nAuto-Submitted: auto-replied\n",
    );
    let path = write(&env, "ooo.eml", &text);
    let before = snapshot(&env.db);
    let taken = inbox(&env, &[path.to_str().expect("path")]);
    assert_eq!(taken[0]["verdict"], "ignored");
    assert_eq!(snapshot(&env.db), before);
}

#[test]
fn dry_run_shows_the_changes_and_makes_none() {
    let env = Env::with_team();
    let (agenda, action) = agenda_sent(&env);
    let path = write(
        &env,
        "r.eml",
        &reply_to("apple-mail-plain.eml", &agenda, &action),
    );
    let before = snapshot(&env.db);
    let taken = inbox(&env, &[path.to_str().expect("path"), "--dry-run"]);
    assert_eq!(taken[0]["verdict"], "accepted");
    assert_eq!(taken[0]["changes"][1]["change"], "done");
    assert_eq!(snapshot(&env.db), before);
}

#[test]
fn standard_input_and_an_mbox_are_read_too() {
    let env = Env::with_team();
    let (agenda, action) = agenda_sent(&env);
    let one = reply_to("apple-mail-plain.eml", &agenda, &action);
    let output = env
        .coach(["inbox", "-", "--json"])
        .write_stdin(one.clone())
        .output()
        .expect("run");
    assert!(output.status.success());
    let taken: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(taken[0]["verdict"], "accepted");
    assert_eq!(taken[0]["source"], "-");

    let two = reply_to("outlook-plain-top-posted.eml", &agenda, &action);
    let mbox = format!(
        "From alex@example.com Tue Dec  1 10:00:00 2026\n{one}\nFrom alex@example.com Tue Dec  1 10:01:00 2026\n{two}\n>From the mbox: an escaped line\n"
    );
    let path = write(&env, "coach.mbox", &mbox);
    let taken = inbox(&env, &["--mbox", path.to_str().expect("path")]);
    assert_eq!(taken.len(), 2);
    assert_eq!(taken[0]["verdict"], "ignored", "already taken from stdin");
    assert_eq!(taken[1]["verdict"], "accepted");
    assert!(taken[1]["source"]
        .as_str()
        .expect("source")
        .ends_with("coach.mbox#2"));
}

fn maildir(root: &Path) {
    for sub in ["cur", "new", "tmp"] {
        std::fs::create_dir_all(root.join(sub)).expect("maildir");
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_maildir_is_read_from_new_and_each_message_filed_in_cur() {
    let env = Env::with_team();
    let (agenda, action) = agenda_sent(&env);
    let root = env.dir.path().join("Mail");
    maildir(&root);
    let good = reply_to("thunderbird-inline.eml", &agenda, &action);
    let forged = good
        .replace("alex@example.com", "mallory@example.com")
        .replace("thunderbird-inline@", "forged@");
    std::fs::write(root.join("new/1764583500.M1P1.host"), &good).expect("deliver");
    std::fs::write(root.join("new/1764583501.M2P1.host"), &forged).expect("deliver");

    let taken = inbox(&env, &["--maildir", root.to_str().expect("path")]);
    let verdicts: Vec<&str> = taken
        .iter()
        .map(|t| t["verdict"].as_str().expect("verdict"))
        .collect();
    assert_eq!(verdicts, ["accepted", "refused"]);
    assert!(names(&root.join("new")).is_empty());
    assert_eq!(
        names(&root.join("cur")),
        ["1764583500.M1P1.host:2,S", "1764583501.M2P1.host:2,F"],
        "seen when taken in, flagged and left when refused"
    );
    // A second run finds nothing new.
    assert!(inbox(&env, &["--maildir", root.to_str().expect("path")]).is_empty());
}

/// A reply with more text than a note holds (1 MiB, in a message of up to
/// 10) is refused like any other message coach cannot keep: the rest of
/// the Maildir is still taken in, in the same run.
#[test]
fn a_reply_too_long_for_a_note_is_refused_and_the_others_are_taken_in() {
    let env = Env::with_team();
    let (agenda, action) = agenda_sent(&env);
    let root = env.dir.path().join("Mail");
    maildir(&root);
    let good = reply_to("thunderbird-inline.eml", &agenda, &action);
    let long_text = "The escalation queue again. ".repeat(40_000);
    let long = good
        .replace("thunderbird-inline@", "too-long@")
        .replace("Fine by me.", &long_text);
    assert!(long.len() > (1 << 20) && long.len() < (10 << 20));
    std::fs::write(root.join("new/1764583500.M1P1.host"), &long).expect("deliver");
    std::fs::write(root.join("new/1764583501.M2P1.host"), &good).expect("deliver");

    let taken = inbox(&env, &["--maildir", root.to_str().expect("path")]);
    assert_eq!(taken[0]["verdict"], "refused");
    let reason = taken[0]["reason"].as_str().expect("reason");
    assert!(reason.contains("larger than 1 MiB"), "{reason}");
    assert_eq!(taken[1]["verdict"], "accepted");
    assert_eq!(
        names(&root.join("cur")),
        ["1764583500.M1P1.host:2,F", "1764583501.M2P1.host:2,S"]
    );
    let bodies: Vec<String> = notes(&env)
        .iter()
        .map(|n| n["body"].as_str().expect("body").to_string())
        .collect();
    assert!(
        bodies.iter().any(|b| b.starts_with("Fine by me.")),
        "{bodies:?}"
    );
    assert!(!bodies.iter().any(|b| b.contains("escalation queue again")));
    let done = env.json(["action", "list", "--done"]);
    assert_eq!(
        done.as_array().expect("actions").len(),
        1,
        "the good reply's check-off"
    );
}

/// A run files a Maildir's messages once its one transaction is
/// committed. One taken in but still in new/ (the process killed in
/// between) is ignored as already taken by the next run, and filed then.
#[test]
fn a_message_taken_in_but_not_yet_filed_is_ignored_and_filed_by_the_next_run() {
    let env = Env::with_team();
    let (agenda, action) = agenda_sent(&env);
    let root = env.dir.path().join("Mail");
    maildir(&root);
    let good = reply_to("thunderbird-inline.eml", &agenda, &action);
    let file = write(&env, "reply.eml", &good);
    assert_eq!(
        inbox(&env, &[file.to_str().expect("path")])[0]["verdict"],
        "accepted"
    );
    std::fs::write(root.join("new/1764583500.M1P1.host"), &good).expect("deliver");
    let before = snapshot(&env.db);

    let taken = inbox(&env, &["--maildir", root.to_str().expect("path")]);
    assert_eq!(taken[0]["verdict"], "ignored");
    assert_eq!(names(&root.join("cur")), ["1764583500.M1P1.host:2,S"]);
    assert_eq!(snapshot(&env.db), before, "nothing taken in twice");
    assert_eq!(notes(&env).len(), 3, "two notes of the coach and one reply");
}

#[test]
fn with_inbox_maildir_set_a_bare_coach_inbox_reads_that_maildir() {
    let env = Env::with_team();
    let (agenda, action) = agenda_sent(&env);
    let err = env.fails(2, ["inbox"]);
    assert!(err.contains("inbox.maildir"), "the error says how: {err}");
    let root = env.dir.path().join("Mail");
    maildir(&root);
    env.ok([
        "config",
        "set",
        "inbox.maildir",
        root.to_str().expect("path"),
    ]);
    let good = reply_to("thunderbird-inline.eml", &agenda, &action);
    std::fs::write(root.join("new/1764583500.M1P1.host"), &good).expect("deliver");

    let taken = inbox(&env, &[]);
    assert_eq!(taken.len(), 1);
    assert_eq!(taken[0]["verdict"], "accepted");
    assert_eq!(names(&root.join("cur")), ["1764583500.M1P1.host:2,S"]);
    assert!(inbox(&env, &[]).is_empty(), "nothing new the second time");
}

#[test]
fn inbox_without_messages_or_with_a_missing_file_is_an_error() {
    let env = Env::with_team();
    env.fails(2, ["inbox"]);
    env.fails(3, ["inbox", "no-such.eml"]);
    env.fails(3, ["inbox", "--maildir", "."]);
}

#[test]
fn the_whole_loop_agenda_through_smtp_and_the_reply_back_through_a_maildir() {
    let env = Env::with_team();
    let server = TestSmtp::plain();
    env.mail_through_smtp(server.port);
    env.ok(["session", "new", "alex", "--title", "Weekly check-in"]);
    env.ok(["note", "add", "SHARED-MARKER quality review"]);
    env.ok([
        "note",
        "add",
        "--private",
        "PRIVATE-CANARY alex seems tired",
    ]);
    let action = env.json(["action", "add", "Shadow a team-lead shift"])["short_id"]
        .as_str()
        .expect("id")
        .to_string();
    env.ok(["share"]);

    // What the member received, as their client shows it.
    let received = server.one_message();
    let agenda = mail_parser::MessageParser::default()
        .parse(&received.raw)
        .expect("the agenda parses");
    let text = agenda.body_text(0).expect("text part");
    assert!(text.contains("SHARED-MARKER") && !text.contains("PRIVATE-CANARY"));
    let line = format!("[ ] {action} Shadow a team-lead shift");
    assert!(text.contains(&line), "{text}");
    let agenda_id = agenda.message_id().expect("message id");
    assert_eq!(agenda_id, last_message_id(&env));

    // Their reply, as Gmail writes it, delivered into a Maildir.
    let quoted: String = text.lines().map(|l| format!("> {l}\n")).collect();
    let reply = format!(
        "From: Alex Kim <alex@example.com>\nTo: Sam Lee <sam@example.com>\nSubject: Re: {}\nDate: Tue, 1 Dec 2026 10:00:00 +0000\nMessage-ID: <loop-reply@mail.gmail.com>\nIn-Reply-To: <{agenda_id}>\nReferences: <{agenda_id}>\nContent-Type: text/plain; charset=UTF-8\n\nCan we talk about my promotion path?\n[x] {action}\n\nOn Tue, Dec 1, 2026 at 9:00 AM Sam Lee <sam@example.com> wrote:\n{quoted}",
        agenda.subject().expect("subject")
    );
    let root = env.dir.path().join("Mail");
    maildir(&root);
    std::fs::write(root.join("new/1764583500.M1P1.host"), reply).expect("deliver");
    let out = env.ok(["inbox", "--maildir", root.to_str().expect("path")]);
    assert!(out.starts_with("accepted"), "{out}");
    assert!(
        out.contains("Can we talk about my promotion path?"),
        "{out}"
    );

    assert!(notes(&env)
        .iter()
        .any(|n| n["body"] == "Can we talk about my promotion path?"
            && n["author"]["role"] == "member"));
    assert_eq!(
        env.json(["action", "list", "--done"])[0]["short_id"],
        action.as_str()
    );
    assert_eq!(names(&root.join("cur")), ["1764583500.M1P1.host:2,S"]);
}

#[test]
fn a_reply_to_the_recap_acknowledges_it_in_session_list_show_and_team() {
    let env = Env::with_team();
    let (_agenda, action) = agenda_sent(&env);
    let team = env.json(["team"]);
    let alex = |team: &Value| {
        team.as_array()
            .expect("rows")
            .iter()
            .find(|r| r["member"]["name"] == "Alex Kim")
            .expect("Alex")["last_recap"]
            .clone()
    };
    assert_eq!(alex(&team), "not-sent");
    env.ok(["share", "--recap"]);
    assert_eq!(alex(&env.json(["team"])), "sent");
    assert!(env.json(["session", "list"])[0]["recap_acknowledged_at"].is_null());

    let recap = last_message_id(&env);
    let path = write(
        &env,
        "ack.eml",
        &reply_to("gmail-wrapped-attribution.eml", &recap, &action),
    );
    let taken = inbox(&env, &[path.to_str().expect("path")]);
    assert_eq!(taken[0]["answers"], "recap");
    let kinds: Vec<&str> = taken[0]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["change"].as_str().expect("kind"))
        .collect();
    assert_eq!(kinds, ["note", "acknowledged", "done"]);

    assert!(!env.json(["session", "list"])[0]["recap_acknowledged_at"].is_null());
    assert!(env
        .ok(["session", "list"])
        .contains("recap-sent (acknowledged)"));
    assert_eq!(alex(&env.json(["team"])), "acknowledged");
    assert!(env.ok(["team"]).contains("acknowledged"));
    let shown = env.ok(["session", "show"]);
    assert!(
        shown.contains("from Alex Kim's reply to the recap: recap acknowledged, note"),
        "{shown}"
    );
    let replies = env.json(["session", "show"])["replies"].clone();
    assert_eq!(replies[0]["answers"], "recap");
    assert_eq!(replies[0]["done"][0], action.as_str());
}

#[test]
fn a_check_off_of_someone_elses_action_is_skipped() {
    let env = Env::with_team();
    let (agenda, _action) = agenda_sent(&env);
    env.ok(["session", "new", "jordan", "--title", "Weekly"]);
    let theirs = env.json(["action", "add", "Jordan's own action"])["short_id"]
        .as_str()
        .expect("id")
        .to_string();
    let path = write(
        &env,
        "other.eml",
        &reply_to("gmail-wrapped-attribution.eml", &agenda, &theirs),
    );
    let taken = inbox(&env, &[path.to_str().expect("path")]);
    assert_eq!(taken[0]["verdict"], "accepted");
    let skipped = &taken[0]["changes"][1];
    assert_eq!(skipped["change"], "skipped", "{taken:?}");
    assert_eq!(
        env.json(["action", "list", "--member", "jordan"])[0]["state"],
        "open"
    );
}

#[test]
fn a_members_reply_is_not_a_change_made_after_the_agenda_was_sent() {
    let env = Env::with_team();
    let (agenda, action) = agenda_sent(&env);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let reply = write(
        &env,
        "reply.eml",
        &reply_to("gmail-top-posted.eml", &agenda, &action),
    );
    let taken = inbox(&env, &[reply.to_str().expect("path")]);
    assert_eq!(taken[0]["verdict"], "accepted", "{taken:?}");
    assert_eq!(taken[0]["changes"][0]["change"], "note");
    // The member's topic is new since the agenda, but they wrote it: the
    // agenda is still what was agreed, `share` says it was sent.
    let stdout = env.ok(["share"]);
    assert!(stdout.contains("was already sent"), "{stdout}");
    let show = env.ok(["session", "show"]);
    assert!(!show.contains("Changed since"), "{show}");
    // A note the coach adds afterwards still counts, and only it.
    env.ok(["note", "add", "A point of mine"]);
    let stderr = env.fails(3, ["share"]);
    assert!(
        stderr.contains("changed since the agenda was sent") && stderr.contains(": 1 note"),
        "{stderr}"
    );
}
