//! Dedicated notes blocks: `coach note add --on ITEM`.

use crate::common::Env;

/// A session with Alex holding one attachment; returns its JSON.
fn with_attachment(env: &Env) -> serde_json::Value {
    env.ok(["session", "new", "alex", "--title", "Weekly check-in"]);
    std::fs::write(env.dir.path().join("scorecard.csv"), "CSAT,92\nAHT,410\n").expect("write");
    env.json(["attach", "scorecard.csv"])
}

/// Inserts an item row straight into the database (the commands that add
/// metrics, feedback and QA reviews live elsewhere); returns its id.
fn insert_item(env: &Env, table: &str, id: &str, session_id: &str) -> String {
    let conn = rusqlite::Connection::open(&env.db).expect("open");
    let me: String = conn
        .query_row("SELECT value FROM state WHERE key = 'user.id'", [], |r| {
            r.get(0)
        })
        .expect("owner");
    let member: String = conn
        .query_row(
            "SELECT member_id FROM sessions WHERE id = ?1",
            [session_id],
            |r| r.get(0),
        )
        .expect("member");
    let now = "2026-12-01T09:00:00.000Z";
    let sql = match table {
        "session_metrics" => "INSERT INTO session_metrics (id, session_id, metric, value, target, measured_at, author, created_at, updated_at)
             VALUES (?1, ?2, 'CSAT', 92, 90, ?4, ?3, ?4, ?4)",
        "feedback" => "INSERT INTO feedback (id, member_id, session_id, comment, rating, given_at, tone, author, created_at, updated_at)
             VALUES (?1, ?5, ?2, 'Alex solved it in one call', 5, ?4, 'positive', ?3, ?4, ?4)",
        "qa_reviews" => "INSERT INTO qa_reviews (id, member_id, session_id, score, reviewed_at, tone, author, created_at, updated_at)
             VALUES (?1, ?5, ?2, 72, ?4, 'improve', ?3, ?4, ?4)",
        other => panic!("no table {other}"),
    };
    let mut stmt = conn.prepare(sql).expect("sql");
    let params: [&dyn rusqlite::ToSql; 5] = [&id, &session_id, &me, &now, &member];
    stmt.execute(&params[..stmt.parameter_count()])
        .expect("insert");
    id.to_string()
}

#[test]
fn a_note_on_an_attachment_is_shown_under_it() {
    let env = Env::with_team();
    let attachment = with_attachment(&env);
    let short = attachment["short_id"].as_str().expect("short");
    let added = env.ok(["note", "add", "--on", short, "AHT is the column to work on"]);
    assert!(
        added.contains(&format!("on the attachment {short} (scorecard.csv)")),
        "{added}"
    );
    env.ok(["note", "add", "A talking point for the shared block"]);

    let view = env.json(["session", "show"]);
    assert_eq!(view["notes"].as_array().expect("notes").len(), 1, "{view}");
    let notes = &view["attachments"][0]["notes"];
    assert_eq!(notes[0]["body"], "AHT is the column to work on");
    assert_eq!(notes[0]["item_id"], attachment["id"]);

    let shown = env.ok(["session", "show"]);
    let under = shown.find("scorecard.csv").expect("the attachment");
    assert!(
        shown[under..].contains("AHT is the column to work on"),
        "the note is under its attachment: {shown}"
    );
    let block = shown.find("\nNotes\n").expect("notes");
    assert!(
        !shown[block..under].contains("AHT is the column"),
        "{shown}"
    );

    // `note list` has every note, dedicated ones with their item.
    let table = env.ok(["note", "list"]);
    assert!(table.contains(" ON "), "{table}");
    assert!(table.contains(&format!("attachment {short}")), "{table}");
    let listed = env.json(["note", "list"]);
    assert_eq!(listed.as_array().expect("list").len(), 2);
    assert_eq!(listed[0]["item_id"], attachment["id"]);
    assert_eq!(listed[1]["item_id"], serde_json::Value::Null);
}

#[test]
fn notes_can_be_dedicated_to_metrics_feedback_and_qa_reviews() {
    let env = Env::with_team();
    with_attachment(&env);
    let session = env.current_session();
    let metric = insert_item(&env, "session_metrics", &"1".repeat(32), &session);
    let feedback = insert_item(&env, "feedback", &"2".repeat(32), &session);
    let qa = insert_item(&env, "qa_reviews", &"3".repeat(32), &session);
    for (id, kind) in [
        (&metric, "metric"),
        (&feedback, "feedback"),
        (&qa, "QA review"),
    ] {
        let added = env.ok([
            "note",
            "add",
            "--on",
            &id[..6],
            &format!("About the {kind}"),
        ]);
        assert!(added.contains(&format!("on the {kind} ")), "{added}");
    }
    let listed = env.json(["note", "list"]);
    let items: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .map(|n| n["item_id"].as_str().expect("item"))
        .collect();
    assert_eq!(items, [metric.as_str(), feedback.as_str(), qa.as_str()]);
    let table = env.ok(["note", "list"]);
    assert!(table.contains("metric 1111"), "{table}");
    assert!(table.contains("QA review 3333"), "{table}");
}

#[test]
fn an_ambiguous_item_lists_the_candidates() {
    let env = Env::with_team();
    with_attachment(&env);
    let session = env.current_session();
    insert_item(
        &env,
        "session_metrics",
        &format!("abcd1{}", "0".repeat(27)),
        &session,
    );
    insert_item(
        &env,
        "qa_reviews",
        &format!("abcd2{}", "0".repeat(27)),
        &session,
    );
    let err = env.fails(3, ["note", "add", "--on", "abcd", "Which one?"]);
    assert!(
        err.contains("\"abcd\" matches several items of this session"),
        "{err}"
    );
    assert!(err.contains("metric abcd1 (CSAT)"), "{err}");
    assert!(err.contains("QA review abcd2 (score 72)"), "{err}");
    assert!(err.contains("type more of the id"), "{err}");
    env.ok(["note", "add", "--on", "abcd2", "The QA review, then"]);
}

#[test]
fn an_item_of_another_session_or_no_item_is_refused() {
    let env = Env::with_team();
    let attachment = with_attachment(&env);
    let alex = env.current_session();
    env.ok(["session", "new", "jordan", "--title", "Monthly goals"]);
    let id = attachment["id"].as_str().expect("id");
    let err = env.fails(3, ["note", "add", "--on", &id[..8], "Wrong session"]);
    assert!(
        err.contains("the attachment") && err.contains("is not in this session"),
        "{err}"
    );
    assert!(err.contains("\"Weekly check-in\" with Alex Kim"), "{err}");
    assert!(err.contains(&format!("--session {}", &alex[..4])), "{err}");
    // With the session named, it works.
    env.ok([
        "note",
        "add",
        "--session",
        &alex,
        "--on",
        &id[..8],
        "Right session",
    ]);

    let err = env.fails(3, ["note", "add", "--on", "ffffffff", "Nothing"]);
    assert!(
        err.contains("no metric, feedback, QA review or attachment"),
        "{err}"
    );
    let err = env.fails(3, ["note", "add", "--on", "scorecard", "Not an id"]);
    assert!(err.contains("is not an item id"), "{err}");
    // A note is not an item.
    let note = env.ok(["note", "add", "-q", "Shared"]);
    env.fails(3, ["note", "add", "--on", note.trim(), "On a note?"]);
}

#[test]
fn a_private_dedicated_note_is_only_in_the_owners_view() {
    let env = Env::with_team();
    let attachment = with_attachment(&env);
    let short = attachment["short_id"].as_str().expect("short");
    let marker = "PRIVATE-DEDICATED-4b1e";
    env.ok([
        "note",
        "add",
        "--on",
        short,
        "Shared thought on the scorecard",
    ]);
    let added = env.ok(["note", "add", "--private", "--on", short, marker]);
    assert!(added.starts_with("Added private note"), "{added}");

    let mine = env.ok(["session", "show"]);
    let line = mine
        .lines()
        .position(|l| l.contains(marker))
        .expect("my view has it");
    let meta = mine.lines().nth(line - 1).expect("meta line");
    assert!(meta.contains("private (only you see this)"), "{mine}");
    assert!(env.ok(["session", "show", "--json"]).contains(marker));

    let theirs = env.ok(["session", "show", "--as-member"]);
    assert!(theirs.contains("Shared thought on the scorecard"));
    assert!(
        !theirs.contains(marker),
        "the member's view leaks it: {theirs}"
    );
    assert!(!theirs.contains("private"), "{theirs}");
    let theirs_json = env.ok(["session", "show", "--as-member", "--json"]);
    assert!(!theirs_json.contains(marker), "the member's JSON leaks it");
    assert!(!theirs_json.contains("\"private\""));
    let view: serde_json::Value = serde_json::from_str(&theirs_json).expect("json");
    assert_eq!(
        view["attachments"][0]["notes"]
            .as_array()
            .expect("notes")
            .len(),
        1
    );

    // Only the coach writes private notes, dedicated or not.
    let err = env.fails(
        3,
        [
            "note",
            "add",
            "--private",
            "--by",
            "alex",
            "--on",
            short,
            "No",
        ],
    );
    assert!(err.contains("a private note can only be yours"), "{err}");
    env.ok([
        "note",
        "add",
        "--by",
        "alex",
        "--on",
        short,
        "Alex's take on it",
    ]);
}
