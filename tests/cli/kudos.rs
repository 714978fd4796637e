//! Kudos: in the current session, for a member's latest open session, kinds.

use crate::common::{snapshot, Env};

/// Starts a session and returns its full id.
fn session(env: &Env, member: &str, date: &str) -> String {
    env.ok(["session", "new", member, "-q", "--date", date])
        .trim()
        .to_string()
}

/// The bodies of a session's kudos.
fn kudos_of(env: &Env, session: &str) -> Vec<String> {
    env.json(["session", "show", session])["kudos"]
        .as_array()
        .expect("kudos")
        .iter()
        .map(|k| k["body"].as_str().expect("body").to_string())
        .collect()
}

fn set_status(env: &Env, session: &str, status: &str) {
    let conn = rusqlite::Connection::open(&env.db).expect("open");
    conn.execute(
        "UPDATE sessions SET status = ?2 WHERE id = ?1",
        [session, status],
    )
    .expect("status");
}

#[test]
fn kudos_go_to_the_current_session_with_what_they_celebrate() {
    let env = Env::with_team();
    let id = session(&env, "alex", "2026-12-01");
    let added = env.ok([
        "kudos",
        "Calm, thorough incident review",
        "--for",
        "expertise",
    ]);
    assert!(added.starts_with("Added kudos "), "{added}");
    assert!(added.contains("for knowledge & expertise"), "{added}");
    assert!(added.contains("with Alex Kim on 2026-12-01"), "{added}");
    env.ok(["kudos", "Thank you for covering Friday"]);

    let view = env.json(["session", "show"]);
    let kudos = view["kudos"].as_array().expect("kudos");
    assert_eq!(kudos.len(), 2);
    assert_eq!(kudos[0]["body"], "Calm, thorough incident review");
    assert_eq!(kudos[0]["for"], "expertise");
    assert_eq!(kudos[0]["session_id"], id.as_str());
    assert_eq!(kudos[0]["member"]["name"], "Alex Kim");
    assert!(kudos[1]["for"].is_null(), "a plain thank-you");
    for key in [
        "id",
        "short_id",
        "session_id",
        "session_date",
        "member",
        "body",
        "for",
        "created_at",
        "updated_at",
    ] {
        assert!(kudos[0].get(key).is_some(), "a kudos has {key}");
    }

    let shown = env.ok(["session", "show"]);
    let at = shown.find("\nKudos\n").expect("a Kudos section");
    assert!(shown[at..].contains("★"));
    assert!(shown[at..].contains("Calm, thorough incident review  for knowledge & expertise"));
    assert!(
        shown.find("\nNotes\n").expect("notes") < at,
        "kudos come after notes"
    );
    // The member sees their kudos.
    let theirs = env.ok(["session", "show", "--as-member"]);
    assert!(theirs.contains("Thank you for covering Friday"));
}

#[test]
fn every_kind_is_accepted_and_a_bad_one_is_refused() {
    let env = Env::with_team();
    session(&env, "alex", "2026-12-01");
    for kind in ["success", "expertise", "effort", "values"] {
        let kudos = env.json(["kudos", &format!("For {kind}"), "--for", kind]);
        assert_eq!(kudos["for"], kind);
    }
    let err = env.fails(2, ["kudos", "Brave", "--for", "bravery"]);
    assert!(err.contains("bravery"), "{err}");
    assert!(err.contains("success"), "lists the kinds: {err}");
}

#[test]
fn a_member_gets_kudos_in_their_latest_open_session() {
    let env = Env::with_team();
    // Sessions dated weeks ago: a window wide enough to hold them
    // (lifecycle.rs tests the default of 7 days).
    env.ok(["config", "set", "session.kudos-window", "365"]);
    let older = session(&env, "jordan", "2026-11-02");
    let latest = session(&env, "jordan", "2026-11-23");
    let current = session(&env, "alex", "2026-11-30");

    let added = env.ok(["kudos", "jordan", "Stayed", "late", "--for", "effort"]);
    assert!(added.contains("with Jordan Park on 2026-11-23"), "{added}");
    assert_eq!(kudos_of(&env, &latest), ["Stayed late"]);
    assert_eq!(env.current_session(), current, "the current session stays");

    // The current session's member gets it in the current session.
    env.ok(["kudos", "alex", "Great CSAT week"]);
    assert_eq!(kudos_of(&env, &current), ["Great CSAT week"]);

    // A session whose recap was sent is closed: the next open one is used.
    set_status(&env, &latest, "recap-sent");
    env.ok(["kudos", "Jordan Park", "Thanks for the handover notes"]);
    assert_eq!(kudos_of(&env, &older), ["Thanks for the handover notes"]);

    // --session names the session; it must be the member's.
    env.ok(["kudos", "jordan", "Named", "--session", &latest[..8]]);
    assert_eq!(kudos_of(&env, &latest), ["Stayed late", "Named"]);
    let err = env.fails(3, ["kudos", "alex", "Wrong one", "--session", &latest[..8]]);
    assert!(err.contains("Alex Kim is not in the session"), "{err}");
}

#[test]
fn without_an_open_session_a_kudos_is_outside_any_session_unless_new_session_is_given() {
    let env = Env::with_team();
    let current = session(&env, "alex", "2026-11-30");
    let added = env.ok(["kudos", "jordan", "Covered the queue"]);
    assert!(
        added.contains("for Jordan Park outside any session (they have no open session)"),
        "{added}"
    );
    let outside = env.json(["kudos", "jordan", "Covered it again", "--for", "effort"]);
    assert_eq!(outside["session_id"], serde_json::Value::Null);
    assert_eq!(outside["session_date"], serde_json::Value::Null);
    assert_eq!(outside["member"]["name"], "Jordan Park");
    assert_eq!(outside["for"], "effort");

    let closed = session(&env, "jordan", "2026-11-01");
    set_status(&env, &closed, "recap-sent");
    env.ok(["session", "use", &current]);
    let outside = env.json(["kudos", "jordan", "Covered the queue"]);
    assert_eq!(outside["session_id"], serde_json::Value::Null);
    assert!(kudos_of(&env, &closed).is_empty(), "never a closed session");

    let added = env.ok(["kudos", "jordan", "Covered the queue", "--new-session"]);
    assert!(added.starts_with("Started session "), "{added}");
    assert!(added.contains("your current session is still"), "{added}");
    assert_eq!(env.current_session(), current, "the current session stays");
    let sessions = env.json(["session", "list", "--member", "jordan"]);
    let sessions = sessions.as_array().expect("list");
    assert_eq!(sessions.len(), 2);
    let started = sessions
        .iter()
        .find(|s| s["id"] != closed.as_str())
        .expect("the new session");
    assert_eq!(started["title"], "Weekly check-in", "the default title");
    let started = started["id"].as_str().expect("id");
    assert_eq!(kudos_of(&env, started), ["Covered the queue"]);

    // With an open session now, --new-session starts nothing more.
    env.ok(["kudos", "jordan", "Again", "--new-session"]);
    assert_eq!(
        env.json(["session", "list", "--member", "jordan"])
            .as_array()
            .expect("list")
            .len(),
        2
    );
}

#[test]
fn a_session_started_for_kudos_becomes_current_when_there_was_none() {
    let env = Env::with_team();
    let kudos = env.json(["kudos", "alex", "First win", "--new-session"]);
    assert_eq!(
        env.current_session(),
        kudos["session_id"].as_str().expect("id")
    );
}

#[test]
fn bad_kudos_are_refused_and_change_nothing() {
    let env = Env::with_team();
    let err = env.fails(3, ["kudos", "Nobody is in a session"]);
    assert!(err.contains("there is no current session"), "{err}");
    session(&env, "alex", "2026-12-01");
    let err = env.fails(3, ["kudos", "   "]);
    assert!(err.contains("the kudos is empty"), "{err}");
    let err = env.fails(3, ["kudos", "alex", "  "]);
    assert!(err.contains("the kudos is empty"), "{err}");
    let err = env.fails(3, ["kudos", "Great", "job"]);
    assert!(err.contains("no member matches \"Great\""), "{err}");
    assert!(err.contains("quote the text"), "{err}");
    let err = env.fails(2, ["kudos", "Well done", "--new-session"]);
    assert!(err.contains("--new-session needs a MEMBER"), "{err}");
    env.fails(2, ["kudos"]);
    let long = "x".repeat(4001);
    env.fails(3, ["kudos", &long]);
}

#[test]
fn kudos_are_listed_and_removed() {
    let env = Env::with_team();
    session(&env, "jordan", "2026-11-02");
    env.ok(["kudos", "Jordan's first"]);
    session(&env, "alex", "2026-11-09");
    env.ok(["kudos", "Alex's first", "--for", "success"]);
    env.ok(["kudos", "Alex's second"]);

    let all = env.json(["kudos", "list"]);
    let bodies: Vec<&str> = all
        .as_array()
        .expect("list")
        .iter()
        .map(|k| k["body"].as_str().expect("body"))
        .collect();
    assert_eq!(bodies, ["Alex's second", "Alex's first", "Jordan's first"]);
    let alex = env.json(["kudos", "list", "--member", "alex", "--limit", "1"]);
    assert_eq!(alex.as_array().expect("list").len(), 1);
    assert_eq!(alex[0]["body"], "Alex's second");
    let table = env.ok(["kudos", "list"]);
    assert!(table.contains("SESSION") && table.contains("Jordan Park"));
    let ids = env.ok(["kudos", "list", "-q"]);
    assert_eq!(ids.lines().count(), 3);

    let id = all[0]["id"].as_str().expect("id");
    let removed = env.ok(["kudos", "rm", &id[..8]]);
    assert!(removed.starts_with("Deleted kudos"), "{removed}");
    assert_eq!(
        env.json(["kudos", "list"]).as_array().expect("list").len(),
        2
    );
    env.fails(3, ["kudos", "rm", &id[..8]]);
    env.fails(3, ["kudos", "rm", "not-an-id"]);

    let before = snapshot(&env.db);
    env.ok(["kudos", "list", "--member", "jordan"]);
    assert_eq!(snapshot(&env.db), before, "a list does not write");
}

/// Alex's world: an old forgotten draft (20 days ago) with a shared and a
/// private note, and a kudos given now outside any session. Returns the
/// draft's id and the kudos's id.
pub(crate) fn kudos_outside(env: &Env) -> (String, String) {
    let draft = env
        .ok(["session", "new", "alex", "--date", "-20d", "--no-use", "-q"])
        .trim()
        .to_string();
    env.ok([
        "note",
        "add",
        "--session",
        &draft,
        "SHARED-MARKER agenda point",
    ]);
    env.ok([
        "note",
        "add",
        "--session",
        &draft,
        "--private",
        "PRIVATE-CANARY worry",
    ]);
    let kudos = env.json([
        "kudos",
        "alex",
        "Rescued the migration weekend",
        "--for",
        "success",
    ]);
    assert_eq!(kudos["session_id"], serde_json::Value::Null);
    (draft, kudos["id"].as_str().expect("id").to_string())
}

#[test]
fn a_kudos_outside_any_session_is_in_the_stream_trends_list_and_search_never_in_an_email() {
    let env = Env::with_team();
    let (draft, id) = kudos_outside(&env);

    // The member's stream: the kudos, dated when given, without a session;
    // their shared note, never the private one.
    let stream = env.json(["member", "stream", "alex"]);
    let entries = stream.as_array().expect("entries");
    assert_eq!(entries[0]["kind"], "kudos");
    assert_eq!(entries[0]["id"], id.as_str());
    assert_eq!(entries[0]["session"], serde_json::Value::Null);
    let all = stream.to_string();
    assert!(all.contains("SHARED-MARKER"), "{all}");
    assert!(!all.contains("PRIVATE-CANARY"), "{all}");
    let text = env.ok(["member", "stream", "alex"]);
    assert!(text.contains("Outside any session"), "{text}");
    assert!(text.contains("Rescued the migration weekend"), "{text}");
    assert!(text.contains("SHARED-MARKER"), "{text}");
    assert!(!text.contains("PRIVATE-CANARY"), "{text}");
    // --since compares when it was given.
    let later = env.json(["member", "stream", "alex", "--since", "+1d"]);
    assert_eq!(later.as_array().map(Vec::len), Some(0));

    // Trends count it.
    let trends = env.json(["member", "trends", "alex"]);
    assert_eq!(trends["kudos"]["total"], 1);
    assert_eq!(trends["kudos"]["success"], 1);

    // kudos list: first (newest), SESSION "outside"; kudos rm finds it.
    let list = env.json(["kudos", "list"]);
    assert_eq!(list[0]["id"], id.as_str());
    let text = env.ok(["kudos", "list", "--member", "alex"]);
    assert!(text.contains("outside"), "{text}");

    // Search finds it, with no session.
    let hits = env.json(["search", "migration", "--kind", "kudos"]);
    assert_eq!(hits[0]["id"], id.as_str());
    assert_eq!(hits[0]["session"], serde_json::Value::Null);
    assert_eq!(hits[0]["member"]["name"], "Alex Kim");
    let hits = env.json(["search", "migration", "--member", "jordan"]);
    assert_eq!(hits.as_array().map(Vec::len), Some(0));

    // The stale draft's emails never hold it.
    for args in [
        vec!["session", "show", &draft, "--as-member", "--format", "md"],
        vec![
            "session",
            "show",
            &draft,
            "--as-member",
            "--format",
            "md",
            "--recap",
        ],
    ] {
        let email = env.ok(args);
        assert!(!email.contains("Rescued"), "{email}");
        assert!(email.contains("SHARED-MARKER"), "{email}");
    }
    env.ok(["share", "--pending", "--recap"]);
    let outbox = env.dir.path().join("outbox");
    let mut sent = 0;
    for file in std::fs::read_dir(&outbox).expect("outbox") {
        let eml = std::fs::read_to_string(file.expect("file").path()).expect("eml");
        assert!(!eml.contains("Rescued"), "{eml}");
        assert!(!eml.contains("PRIVATE-CANARY"), "{eml}");
        sent += 1;
    }
    assert_eq!(sent, 1, "the draft's recap went out, without the kudos");

    // Deleted: gone from the stream and the search.
    env.ok(["kudos", "rm", &id[..8]]);
    let hits = env.json(["search", "migration"]);
    assert_eq!(hits.as_array().map(Vec::len), Some(0));
    assert_eq!(env.json(["member", "trends", "alex"])["kudos"]["total"], 0);
}

#[test]
fn a_kudos_outside_any_session_is_undone_exported_imported_and_passes_doctor() {
    let env = Env::with_team();
    let (_, id) = kudos_outside(&env);
    let report = env.json(["doctor"]);
    assert_eq!(report["ok"], true, "{report}");

    // Export -> import into a new database: the same kudos, no session,
    // its member, found by search there too.
    let dump = env.dir.path().join("dump.json");
    env.ok(["export", "--output", dump.to_str().expect("path")]);
    let dumped = std::fs::read_to_string(&dump).expect("dump");
    assert!(dumped.contains("Rescued the migration weekend"));
    assert!(
        !dumped.contains("PRIVATE-CANARY"),
        "no private notes by default"
    );
    let other = Env::initialized();
    other.ok(["import", dump.to_str().expect("path")]);
    let list = other.json(["kudos", "list", "--member", "alex"]);
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["session_id"], serde_json::Value::Null);
    assert_eq!(list[0]["member"]["name"], "Alex Kim");
    assert_eq!(list[0]["for"], "success");
    let hits = other.json(["search", "rescued"]);
    assert_eq!(hits[0]["id"], id.as_str());
    assert_eq!(other.json(["doctor"])["ok"], true);
    // A second import changes nothing.
    other.ok(["import", dump.to_str().expect("path")]);
    assert_eq!(
        other.json(["kudos", "list"]).as_array().map(Vec::len),
        Some(1)
    );

    // An imported kudos naming neither a session nor a member is refused.
    let mut broken: serde_json::Value = serde_json::from_str(&dumped).expect("JSON");
    for row in broken["tables"]["kudos"]
        .as_array_mut()
        .expect("kudos rows")
    {
        row["member_id"] = serde_json::Value::Null;
    }
    let broken = broken.to_string();
    let bad = env.dir.path().join("bad.json");
    std::fs::write(&bad, broken).expect("write");
    let third = Env::initialized();
    let before = snapshot(&third.db);
    let err = third.fails(3, ["import", bad.to_str().expect("path")]);
    assert!(err.contains("names its member"), "{err}");
    assert_eq!(snapshot(&third.db), before);

    // The Markdown export has a file of Alex's kudos outside sessions,
    // beside the draft's recap (no private note in either).
    let folder = env.dir.path().join("md");
    let names = env.markdown_export(&folder);
    assert_eq!(names.len(), 2, "{names:?}");
    let kudos_file = names
        .iter()
        .find(|n| n.starts_with("alex-kim-") && n.ends_with("-kudos-outside-sessions.md"))
        .expect("the kudos file");
    let md = std::fs::read_to_string(folder.join(kudos_file)).expect("md");
    assert!(
        md.contains("# Kudos for Alex Kim, outside sessions"),
        "{md}"
    );
    assert!(md.contains("for success"), "{md}");
    assert!(md.contains("Rescued the migration weekend"), "{md}");
    for name in &names {
        let md = std::fs::read_to_string(folder.join(name)).expect("md");
        assert!(!md.contains("PRIVATE-CANARY"), "{md}");
    }

    // Undo takes it back: gone from the list, the stream and the search.
    let out = env.ok(["undo"]);
    assert!(out.contains("kudos"), "{out}");
    assert_eq!(
        env.json(["kudos", "list"]).as_array().map(Vec::len),
        Some(0)
    );
    let stream = env.json(["member", "stream", "alex"]).to_string();
    assert!(!stream.contains("Rescued"), "{stream}");
    assert_eq!(
        env.json(["search", "rescued"]).as_array().map(Vec::len),
        Some(0)
    );
}
