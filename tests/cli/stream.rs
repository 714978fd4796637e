//! `member stream`: what the member sees of their history, newest first.

use crate::common::{snapshot, Env};

const MARKER: &str = "PRIVATE-STREAM-MARKER-51c2e8";

/// Alex: an older and a newer session with kudos, notes (one private) and
/// actions; Jordan: a session of their own.
fn history() -> Env {
    let env = Env::with_team();
    env.ok(["session", "new", "alex", "--date", "2026-11-02"]);
    env.ok(["kudos", "Old kudos", "--for", "effort"]);
    env.ok(["note", "add", "Old shared note"]);
    env.ok(["note", "add", "--private", &format!("{MARKER} old")]);
    env.ok(["action", "add", "Old action", "--due", "2026-11-06"]);
    env.ok(["session", "new", "jordan", "--date", "2026-11-05"]);
    env.ok(["kudos", "Jordan's kudos"]);
    env.ok(["note", "add", "Jordan's note"]);
    env.ok(["session", "new", "alex", "--date", "2026-11-09"]);
    env.ok(["action", "add", "New action"]);
    env.ok(["note", "add", "--private", &format!("{MARKER} new")]);
    env.ok(["note", "add", "--by", "alex", "New topic from Alex"]);
    env.ok(["kudos", "New kudos"]);
    env
}

fn entries(env: &Env, args: &[&str]) -> Vec<(String, String)> {
    let mut all = vec!["member", "stream", "alex"];
    all.extend_from_slice(args);
    env.json(all)
        .as_array()
        .expect("a list")
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().expect("kind").to_string(),
                e["body"].as_str().expect("body").to_string(),
            )
        })
        .collect()
}

#[test]
fn the_stream_is_newest_first_across_sessions() {
    let env = history();
    let expected = [
        ("kudos", "New kudos"),
        ("note", "New topic from Alex"),
        ("action", "New action"),
        ("action", "Old action"),
        ("note", "Old shared note"),
        ("kudos", "Old kudos"),
    ];
    let got = entries(&env, &[]);
    assert_eq!(
        got,
        expected.map(|(k, b)| (k.to_string(), b.to_string())),
        "newest session first, newest first within it; Jordan's are not there"
    );
    assert_eq!(entries(&env, &["--limit", "2"]).len(), 2);
    assert_eq!(entries(&env, &["--since", "2026-11-08"]).len(), 3);

    let text = env.ok(["member", "stream", "alex"]);
    let newer = text
        .find("2026-11-09  Weekly check-in")
        .expect("newer session");
    let older = text
        .find("2026-11-02  Weekly check-in")
        .expect("older session");
    assert!(newer < older, "{text}");
    assert!(text.contains("★"), "{text}");
    assert!(text.contains("Alex Kim's topic"), "{text}");
    assert!(text.contains("☐"), "{text}");
    assert!(text.contains("Old kudos  for effort"), "{text}");
    assert!(!text.contains("Jordan"), "{text}");
}

#[test]
fn the_stream_never_shows_private_notes() {
    let env = history();
    let text = env.ok(["member", "stream", "alex"]);
    assert!(!text.contains(MARKER), "the stream leaks a private note");
    let json = env.ok(["member", "stream", "alex", "--json"]);
    assert!(
        !json.contains(MARKER),
        "the stream's JSON leaks a private note"
    );
    assert!(!json.contains("\"private\""));
    let quiet = env.ok(["member", "stream", "alex", "-q"]);
    assert_eq!(quiet.lines().count(), 6);
    let before = snapshot(&env.db);
    env.ok(["member", "stream", "alex", "--since", "-100w"]);
    assert_eq!(snapshot(&env.db), before, "the stream does not write");
    // The coach's own view of the session still has them.
    assert!(env.ok(["session", "show"]).contains(MARKER));
}

#[test]
fn stream_entries_have_a_kind_and_their_session() {
    let env = history();
    let open = env.json(["action", "list"]);
    env.ok(["action", "done", open[0]["id"].as_str().expect("id")]);
    let stream = env.json(["member", "stream", "alex"]);
    for entry in stream.as_array().expect("a list") {
        for key in ["kind", "id", "short_id", "body", "session", "created_at"] {
            assert!(entry.get(key).is_some(), "an entry has {key}: {entry}");
        }
        for key in ["id", "short_id", "title", "date"] {
            assert!(entry["session"].get(key).is_some(), "session.{key}");
        }
    }
    let kudos = &stream[0];
    assert_eq!(kudos["kind"], "kudos");
    assert!(kudos["for"].is_null());
    assert_eq!(kudos["session"]["date"], "2026-11-09T09:00:00Z");
    let action = stream
        .as_array()
        .expect("list")
        .iter()
        .find(|e| e["body"] == "Old action")
        .expect("old action");
    assert_eq!(action["state"], "done");
    assert_eq!(stream[1]["visibility"], "shared");
}

#[test]
fn an_empty_stream_and_bad_input() {
    let env = Env::with_team();
    let output = env
        .coach(["member", "stream", "jordan"])
        .output()
        .expect("run");
    assert!(output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("nothing in Jordan Park's stream yet"));
    assert_eq!(
        env.json(["member", "stream", "jordan"]),
        serde_json::json!([])
    );
    let err = env.fails(3, ["member", "stream", "nobody"]);
    assert!(err.contains("no member matches"), "{err}");
    env.fails(3, ["member", "stream", "alex", "--since", "whenever"]);
    env.fails(2, ["member", "stream", "alex", "--limit", "-1"]);
}
