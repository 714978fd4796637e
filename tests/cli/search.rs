//! `coach search`: everything the coach wrote or saved, ranked, with the
//! session of each hit; private notes for the coach only.

use crate::common::Env;

const CANARY: &str = "PRIVATE-SEARCH-CANARY-7d1e";

/// Alex's 1:1 with a shared note, a private note, Alex's own topic, an
/// action and kudos; feedback and a QA review for Jordan still waiting.
fn a_week_of_notes() -> Env {
    let env = Env::with_team();
    env.ok(["session", "new", "alex", "--date", "2026-11-02"]);
    env.ok(["note", "add", "Talked about the workload and the follow-up"]);
    env.ok([
        "note",
        "add",
        "--private",
        &format!("Seems tired; workload is heavy {CANARY}"),
    ]);
    env.ok(["note", "add", "--by", "alex", "Wants the team lead role"]);
    env.ok(["action", "add", "Shadow a team lead shift"]);
    env.ok(["kudos", "Handled the outage calmly", "--for", "effort"]);
    env.ok([
        "save",
        "feedback",
        "jordan",
        "--comment",
        "Solved my refund in minutes",
        "--rating",
        "5",
        "--customer",
        "Ada Lovelace",
        "--date",
        "2026-11-20",
    ]);
    env.ok([
        "save",
        "qa",
        "jordan",
        "--score",
        "64",
        "--reviewer",
        "Riley Chen",
        "--comment",
        "Skipped the ID check on a refund",
        "--date",
        "2026-11-21",
    ]);
    env
}

fn kinds(hits: &serde_json::Value) -> Vec<&str> {
    hits.as_array()
        .expect("a list")
        .iter()
        .map(|h| h["kind"].as_str().expect("kind"))
        .collect()
}

#[test]
fn the_coach_finds_every_kind_of_record_with_its_session() {
    let env = a_week_of_notes();
    let session = env.current_session();

    let hits = env.json(["search", "workload"]);
    assert_eq!(kinds(&hits), ["note", "note"], "{hits}");
    for hit in hits.as_array().expect("list") {
        assert_eq!(hit["member"]["name"], "Alex Kim");
        assert_eq!(hit["session"]["id"], session.as_str());
        assert_eq!(hit["session"]["title"], "Weekly check-in");
        assert!(hit["snippet"]
            .as_str()
            .expect("snippet")
            .contains("workload"));
    }
    let private: Vec<bool> = hits
        .as_array()
        .expect("list")
        .iter()
        .map(|h| h["private"].as_bool().expect("private"))
        .collect();
    assert!(
        private.contains(&true) && private.contains(&false),
        "{hits}"
    );
    // Short ids as the lists show them, which commands accept.
    let notes = env.json(["note", "list"]);
    for hit in hits.as_array().expect("list") {
        let snippet = hit["snippet"].as_str().expect("snippet");
        assert_eq!(hit["private"], snippet.contains(CANARY), "{hit}");
        let listed = notes
            .as_array()
            .expect("notes")
            .iter()
            .find(|n| n["id"] == hit["id"])
            .expect("listed");
        assert_eq!(hit["short_id"], listed["short_id"], "{hit}");
        let session_short = hit["session"]["short_id"].as_str().expect("short id");
        assert!(session_short.len() < session.len(), "{hit}");
        assert!(env
            .ok(["session", "show", session_short])
            .contains("Weekly check-in"));
    }

    let lead = env.json(["search", "team", "lead"]);
    let mut lead = kinds(&lead);
    lead.sort_unstable();
    assert_eq!(lead, ["action", "note"]);
    assert_eq!(kinds(&env.json(["search", "outage"])), ["kudos"]);
    // Saved items: the comment, the customer and the reviewer; waiting
    // items have no session.
    let refund = env.json(["search", "refund"]);
    let mut refund_kinds = kinds(&refund);
    refund_kinds.sort_unstable();
    assert_eq!(refund_kinds, ["feedback", "qa"]);
    assert!(refund[0]["session"].is_null(), "{refund}");
    assert_eq!(kinds(&env.json(["search", "lovelace"])), ["feedback"]);
    assert_eq!(kinds(&env.json(["search", "riley"])), ["qa"]);

    // The text form: the session's date, title and id, the private marker.
    let text = env.ok(["search", "workload"]);
    assert!(text.contains("2026-11-02  Weekly check-in"), "{text}");
    assert!(text.contains("private"), "{text}");
    assert!(
        text.contains(CANARY),
        "the coach sees their own private note"
    );
    let waiting = env.ok(["search", "refund"]);
    assert!(waiting.contains("waiting since 2026-11-2"), "{waiting}");

    // --quiet: full ids, one per line.
    let ids = env.ok(["search", "workload", "-q"]);
    assert_eq!(ids.lines().count(), 2);
    assert!(ids.lines().all(|l| l.len() == 32), "{ids}");
}

#[test]
fn filters_narrow_the_hits() {
    let env = a_week_of_notes();
    assert_eq!(
        kinds(&env.json(["search", "refund", "--kind", "qa"])),
        ["qa"]
    );
    assert_eq!(
        kinds(&env.json(["search", "refund", "--member", "alex"])),
        Vec::<&str>::new()
    );
    assert_eq!(
        kinds(&env.json(["search", "refund", "--since", "2026-11-21"])),
        ["qa"]
    );
    assert_eq!(
        kinds(&env.json(["search", "workload", "--since", "2026-11-03"])).len(),
        0,
        "a note's date is its session's"
    );
    assert_eq!(
        env.json(["search", "workload", "-n", "1"])
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    // Words, phrases and prefixes; case and accents are ignored.
    assert_eq!(kinds(&env.json(["search", "WORK*"])).len(), 2);
    assert_eq!(kinds(&env.json(["search", "\"lead role\""])), ["note"]);
    assert_eq!(kinds(&env.json(["search", "\"role lead\""])).len(), 0);
    env.ok(["note", "add", "Zoë's café idea"]);
    assert_eq!(kinds(&env.json(["search", "zoe", "cafe"])), ["note"]);

    let err = env.fails(3, ["search", "refund", "--member", "nobody"]);
    assert!(err.contains("nobody"), "{err}");
    env.fails(2, ["search", "refund", "--kind", "metric"]);
    env.fails(2, ["search"]);
}

#[test]
fn query_syntax_is_plain_text_never_an_error() {
    let env = a_week_of_notes();
    env.ok([
        "note",
        "add",
        "Agreed a follow-up: email alex@example.com (NEAR the end)",
    ]);
    for query in [
        "\"",
        "follow-up",
        "\"unclosed phrase",
        "a:b",
        "NEAR(",
        "AND",
        "OR",
        "NOT x",
        "*",
        "-",
        "^x",
        "col:",
        "email:alex",
        "(",
        ")",
        "+",
        "\"\"",
        "x\"y",
    ] {
        let output = env.coach(["search", query]).output().expect("run");
        let stderr = String::from_utf8_lossy(&output.stderr);
        match output.status.code() {
            Some(0) => {}
            // Nothing but quotes or a lone star: a user error that says so.
            Some(3) => assert!(
                stderr.contains("nothing to search for"),
                "{query:?}: {stderr}"
            ),
            other => panic!("search {query:?} exited {other:?}: {stderr}"),
        }
    }
    assert_eq!(kinds(&env.json(["search", "follow-up"])).len(), 2);
    assert_eq!(kinds(&env.json(["search", "alex@example.com"])), ["note"]);
    assert_eq!(kinds(&env.json(["search", "NEAR"])), ["note"]);
    let err = env.fails(3, ["search", "  "]);
    assert!(err.contains("nothing to search for"), "{err}");
    let err = env.fails(3, ["search", "\""]);
    assert!(err.contains("nothing to search for"), "{err}");
}

#[test]
fn the_best_match_comes_first() {
    let env = a_week_of_notes();
    env.ok([
        "note",
        "add",
        "Workload, workload, workload: the whole hour was about workload",
    ]);
    let hits = env.json(["search", "workload"]);
    assert!(
        hits[0]["snippet"]
            .as_str()
            .expect("snippet")
            .starts_with("Workload, workload"),
        "{hits}"
    );
    let ranks: Vec<f64> = hits
        .as_array()
        .expect("list")
        .iter()
        .map(|h| h["rank"].as_f64().expect("rank"))
        .collect();
    assert!(
        ranks.windows(2).all(|w| w[0] <= w[1]),
        "best (lowest rank) first: {ranks:?}"
    );
}

/// The rule: more matches score higher, a match in a short record more
/// than one in a long record; every word weighs the same.
#[test]
fn more_matches_in_fewer_words_rank_higher() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex", "--date", "2026-11-02"]);
    env.ok([
        "note",
        "add",
        "Escalation: we went through the whole list of open tickets, the customers waiting, \
         the refunds pending and the shifts of next week, one by one, for an hour",
    ]);
    env.ok(["note", "add", "Escalation of the invoice"]);
    env.ok(["note", "add", "Escalation, escalation of the invoice"]);
    let snippets = |query: &str| -> Vec<String> {
        env.json(["search", query])
            .as_array()
            .expect("list")
            .iter()
            .map(|h| h["snippet"].as_str().expect("snippet").to_string())
            .collect()
    };
    let hits = snippets("escalation");
    assert_eq!(hits.len(), 3, "{hits:?}");
    assert!(hits[0].starts_with("Escalation, escalation"), "{hits:?}");
    assert_eq!(hits[1], "Escalation of the invoice", "{hits:?}");
    assert!(hits[2].contains("open tickets"), "{hits:?}");
    // "invoice" is in two notes only, "escalation" in three: no weight
    // per word, so the same two notes in the same order.
    assert_eq!(snippets("escalation invoice"), hits[..2]);
}

/// --member and --kind match tags kept beside the words; typing a tag
/// finds nothing.
#[test]
fn the_filters_tags_are_not_words_of_the_records() {
    let env = a_week_of_notes();
    let alex = env.json(["member", "show", "alex"]);
    let alex = alex["id"].as_str().expect("id");
    assert_eq!(
        kinds(&env.json(["search", "workload", "--member", "alex"])).len(),
        2
    );
    for tag in [
        format!("m{alex}"),
        "knote".into(),
        "kfeedback".into(),
        "tags".into(),
    ] {
        assert_eq!(kinds(&env.json(["search", &tag])).len(), 0, "{tag}");
    }
    assert_eq!(
        kinds(&env.json(["search", "refund", "--member", "jordan", "--kind", "feedback"])),
        ["feedback"]
    );
}

#[test]
fn matches_are_highlighted_only_in_colour_and_control_characters_are_escaped() {
    let env = a_week_of_notes();
    env.ok([
        "note",
        "add",
        "Escalation \u{1b}[31mred\u{1b}[0m\nsecond line",
    ]);
    let plain = env.ok(["search", "escalation"]);
    assert!(
        !plain.contains('\u{1b}'),
        "no escape codes without colour: {plain:?}"
    );
    assert!(plain.contains("\\e[31mred"), "shown escaped: {plain:?}");
    assert!(
        plain.contains("red\\e[0m second line"),
        "one line: {plain:?}"
    );

    let coloured = env.ok(["search", "escalation", "--color", "always"]);
    assert!(
        coloured.contains("\u{1b}[1m\u{1b}[32mEscalation\u{1b}[0m"),
        "the match is painted: {coloured:?}"
    );
    assert!(!coloured.contains("\u{1b}[31m"), "{coloured:?}");
    // NO_COLOR wins over auto even on a terminal-less run; --color never too.
    let never = env.ok(["search", "escalation", "--color", "never"]);
    assert_eq!(never, plain);
}

#[test]
fn the_index_follows_edits_removals_and_deleted_sessions() {
    let env = a_week_of_notes();
    let id = env.ok(["search", "follow-up", "-q"]).trim().to_string();
    env.ok(["note", "edit", &id, "Talked about rotas instead"]);
    assert_eq!(kinds(&env.json(["search", "follow-up"])).len(), 0);
    assert_eq!(kinds(&env.json(["search", "rotas"])), ["note"]);
    env.ok(["note", "rm", &id]);
    assert_eq!(kinds(&env.json(["search", "rotas"])).len(), 0);

    // A new session date moves its records; a deleted session hides them.
    let session = env.current_session();
    env.ok(["session", "edit", &session, "--date", "2026-11-30"]);
    assert_eq!(
        kinds(&env.json(["search", "workload", "--since", "2026-11-29"])).len(),
        1
    );
    env.ok(["session", "delete", &session, "--yes"]);
    assert_eq!(kinds(&env.json(["search", "workload"])).len(), 0);
    assert_eq!(kinds(&env.json(["search", "outage"])).len(), 0);
    // Saved items stay findable on their own.
    assert_eq!(kinds(&env.json(["search", "refund"])).len(), 2);
}

#[test]
fn the_index_stays_out_of_exports_and_private_notes_out_of_shared_ones() {
    let env = a_week_of_notes();
    assert!(env.ok(["search", "tired"]).contains(CANARY));
    for args in [
        vec!["export"],
        vec!["export", "--member", "alex"],
        vec!["export", "--include-private"],
    ] {
        let text = env.ok(&args);
        let dump: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let tables = dump["tables"].as_object().expect("tables");
        assert!(
            tables.contains_key("notes"),
            "{args:?}: the dump has its tables"
        );
        assert!(
            tables.keys().all(|t| !t.starts_with("search")),
            "{args:?}: the search index is not exported: {:?}",
            tables.keys().collect::<Vec<_>>()
        );
        if !args.contains(&"--include-private") {
            assert!(!text.contains(CANARY), "{args:?} leaked a private note");
            assert!(text.contains("Talked about the workload"), "{args:?}");
        }
    }
    // What the member sees never comes from search.
    let member_view = env.ok(["session", "show", "--as-member"]);
    assert!(member_view.contains("Talked about the workload"));
    assert!(!member_view.contains(CANARY));

    // An import into a fresh database indexes what it brings in.
    let dump = env.dir.path().join("dump.json");
    env.ok([
        "export",
        "--include-private",
        "--output",
        dump.to_str().expect("path"),
    ]);
    let other = Env::new();
    other.ok(["import", dump.to_str().expect("path")]);
    assert_eq!(kinds(&other.json(["search", "workload"])).len(), 2);
}

#[test]
fn a_database_from_before_search_is_indexed_when_opened() {
    let env = a_week_of_notes();
    // Take the file back to schema 5: no index, no triggers.
    {
        let conn = rusqlite::Connection::open(&env.db).expect("open");
        let triggers: Vec<String> = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'
                 AND (name LIKE 'search_%' OR name LIKE 'open_actions_%')",
            )
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("names");
        for name in triggers {
            conn.execute_batch(&format!("DROP TRIGGER {name}"))
                .expect("drop");
        }
        // Schema 10 had neither the search index nor the undo log (11),
        // nor the notes' from_template flag (12), nor digests (15), nor the
        // counts of open actions (18).
        conn.execute_batch(
            "DROP TABLE search_text; DROP TABLE search_docs; DROP TABLE open_action_counts;
             DROP TABLE undo_rows; DROP TABLE undo_commands;
             ALTER TABLE notes DROP COLUMN from_template;
             DROP TABLE digest_replies; DROP TABLE digests; PRAGMA user_version = 10;",
        )
        .expect("downgrade");
    }
    let hits = env.json(["search", "workload"]);
    assert_eq!(kinds(&hits), ["note", "note"], "{hits}");
    assert_eq!(kinds(&env.json(["search", "refund"])).len(), 2);
}

/// The best of the newest 200 matches (or of as many as --limit asks for)
/// are shown: a match outside them is left out, however good, until a
/// filter or a larger --limit takes it in. Newest is by date, not by when
/// a record was written.
#[test]
fn the_best_of_the_newest_matches_are_ranked() {
    let env = Env::with_team();
    let mut csv = String::from("member,date,rating,comment\n");
    for i in 0..500 {
        csv.push_str(&format!(
            "Jordan Park,2026-10-{:02} {:02}:{:02},4,Asked about a refund for order {i} and then about the invoice\n",
            1 + i % 28,
            8 + i % 9,
            i % 60
        ));
    }
    let file = env.dir.path().join("feedback.csv");
    std::fs::write(&file, csv).expect("write");
    env.ok(["save", "feedback", "--from", file.to_str().expect("path")]);
    // Written last, dated first: the best match, and the oldest.
    env.ok(["session", "new", "alex", "--date", "2024-03-04"]);
    env.ok(["note", "add", "Refund, refund, refund: the refund queue"]);

    let hits = env.json(["search", "refund"]);
    assert_eq!(kinds(&hits), ["feedback"; 20], "{hits}");
    let hits = env.json(["search", "refund", "--limit", "500"]);
    assert_eq!(kinds(&hits), ["feedback"; 500], "still the newest 500");
    let hits = env.json(["search", "refund", "--limit", "501"]);
    assert_eq!(kinds(&hits)[..2], ["note", "feedback"], "{hits}");
    let hits = env.json(["search", "refund", "--member", "alex"]);
    assert_eq!(kinds(&hits), ["note"], "{hits}");
    assert_eq!(
        kinds(&env.json(["search", "refund", "--since", "2024-01-01", "-n", "1000"])).len(),
        501
    );

    // A newer match that is as good comes first.
    env.ok(["session", "new", "alex", "--date", "2026-11-30"]);
    env.ok([
        "note",
        "add",
        "Refund, refund, refund: the refund queue again",
    ]);
    let hits = env.json(["search", "refund"]);
    assert_eq!(kinds(&hits)[..2], ["note", "feedback"], "{hits}");
    assert_eq!(hits[0]["session"]["id"], env.current_session().as_str());
}

/// An import writes the index's text a thousand rows at a time: every
/// row is found, and `doctor` finds the index as the records say.
#[test]
fn every_row_of_a_large_import_is_found() {
    let env = a_week_of_notes();
    let mut csv = String::from("member,comment,rating,date\n");
    for i in 0..2500 {
        csv.push_str(&format!(
            "jordan,Ticket {i} solved kindly marker{i},{},2025-{:02}-{:02}\n",
            i % 5 + 1,
            i % 12 + 1,
            i % 28 + 1
        ));
    }
    let path = env.dir.path().join("feedback.csv");
    std::fs::write(&path, csv).expect("write the file");
    env.ok(["save", "feedback", "--from", path.to_str().expect("utf-8")]);
    for i in [0, 1023, 1024, 2047, 2048, 2499] {
        let hits = env.json(["search", &format!("marker{i}")]);
        assert_eq!(kinds(&hits), ["feedback"], "marker{i}");
    }
    assert_eq!(
        kinds(&env.json(["search", "kindly", "--limit", "5000"])).len(),
        2500
    );
    let report = env.json(["doctor"]);
    assert_eq!(report["ok"], true, "{report}");
}
