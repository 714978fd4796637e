//! Saved items: customer feedback and QA reviews, saved one at a time or in
//! bulk, listed while they wait, brought into sessions, and shown there.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::common::{snapshot, Env};

/// The repository's examples folder.
fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
        .to_str()
        .expect("path")
        .to_string()
}

/// Writes `text` to a file in the test's folder.
fn file(env: &Env, name: &str, text: &str) -> PathBuf {
    let path = env.dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// Saves one item and returns its full id.
fn save(env: &Env, args: &[&str]) -> String {
    let mut all = vec!["save"];
    all.extend_from_slice(args);
    all.push("-q");
    let id = env.ok(all).trim().to_string();
    assert_eq!(id.len(), 32, "an id: {id}");
    id
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("a list")
        .iter()
        .map(|i| i["id"].as_str().expect("id").to_string())
        .collect()
}

/// Runs `coach ARGS` with `stdin`; returns (exit code, stdout, stderr).
fn run(env: &Env, args: &[&str], stdin: &str) -> (Option<i32>, String, String) {
    let output = env
        .coach(args)
        .write_stdin(stdin.to_string())
        .output()
        .expect("run coach");
    (
        output.status.code(),
        String::from_utf8(output.stdout).expect("utf-8"),
        String::from_utf8(output.stderr).expect("utf-8"),
    )
}

/// A bulk import that must be refused as a whole: exit 3, the bad rows
/// listed as `line N: reason`, then the error and its hint, and the
/// database exactly as it was. Returns the `line N: ...` lines.
fn refused_import(env: &Env, args: &[&str], stdin: &str) -> Vec<String> {
    crate::common::refused_import(env, args, stdin).0
}

#[test]
fn feedback_and_qa_are_saved_listed_newest_first_and_shaped_for_scripts() {
    let env = Env::with_team();
    let shown = env.ok([
        "save",
        "feedback",
        "alex",
        "--comment",
        "Fixed my billing issue in minutes",
        "--rating",
        "5",
        "--customer",
        "Dana Cruz",
        "--channel",
        "Chat",
        "--url",
        "https://support.example.com/c/1",
        "--date",
        "2026-11-02 10:00",
    ]);
    assert!(shown.starts_with("Saved feedback "), "{shown}");
    assert!(shown.contains("for Alex Kim: ★★★★★ positive"), "{shown}");

    let qa = env.json([
        "save",
        "qa",
        "Jordan",
        "--score",
        "72",
        "--reviewer",
        "Riley Chen",
        "--comment",
        "Skipped the ID check",
        "--date",
        "2026-11-03",
    ]);
    for key in [
        "kind",
        "id",
        "short_id",
        "member",
        "session_id",
        "score",
        "reviewer",
        "comment",
        "url",
        "date",
        "tone",
        "created_at",
        "updated_at",
        "notes",
    ] {
        assert!(qa.get(key).is_some(), "a QA review has {key}: {qa}");
    }
    assert_eq!(qa["kind"], "qa");
    assert_eq!(qa["score"], 72);
    assert_eq!(qa["tone"], "improve");
    assert_eq!(qa["member"]["name"], "Jordan Park");
    assert_eq!(qa["session_id"], Value::Null);
    assert_eq!(qa["date"], "2026-11-03T09:00:00Z");

    let newest = save(
        &env,
        &["feedback", "alex", "--comment", "Thanks!", "--positive"],
    );

    let all = env.json(["saved"]);
    assert_eq!(all.as_array().expect("list").len(), 3);
    assert_eq!(ids(&all)[0], newest, "newest first");
    let feedback = &all[2];
    for key in [
        "kind",
        "id",
        "short_id",
        "member",
        "session_id",
        "comment",
        "rating",
        "customer",
        "channel",
        "url",
        "date",
        "tone",
        "created_at",
        "updated_at",
        "notes",
    ] {
        assert!(
            feedback.get(key).is_some(),
            "feedback has {key}: {feedback}"
        );
    }
    assert_eq!(feedback["kind"], "feedback");
    assert_eq!(feedback["rating"], 5);
    assert_eq!(feedback["channel"], "chat", "channels are lowercased");
    assert_eq!(feedback["customer"], "Dana Cruz");
    assert_eq!(all[0]["rating"], Value::Null);

    let table = env.ok(["saved"]);
    let header = table.lines().next().expect("header");
    for column in ["ID", "DATE", "MEMBER", "KIND", "TONE", "SUMMARY"] {
        assert!(header.contains(column), "{header}");
    }
    assert!(table.contains("★★★★★ Dana Cruz (chat): Fixed my billing issue"));
    assert!(table.contains("72/100 Riley Chen: Skipped the ID check"));

    let alex = env.ok(["saved", "alex", "-q"]);
    assert_eq!(alex.lines().count(), 2);
    assert!(alex.lines().all(|id| id.len() == 32));
    assert_eq!(
        env.ok(["saved", "-n", "1", "-q"]).trim(),
        newest,
        "--limit keeps the newest"
    );
    env.fails(3, ["saved", "nobody"]);
}

#[test]
fn nothing_waiting_is_an_empty_list_not_an_error() {
    let env = Env::with_team();
    assert_eq!(env.json(["saved"]), Value::Array(Vec::new()));
    let (code, stdout, stderr) = run(&env, &["saved"], "");
    assert_eq!(code, Some(0));
    assert_eq!(stdout, "");
    assert!(stderr.contains("no saved items are waiting"), "{stderr}");
}

#[test]
fn the_tone_comes_from_the_rating_the_score_the_settings_or_the_flags() {
    let env = Env::with_team();
    let tone = |args: &[&str]| -> String {
        let mut all = vec!["save"];
        all.extend_from_slice(args);
        env.json(all)["tone"].as_str().expect("tone").to_string()
    };
    let feedback = |rating: &str| tone(&["feedback", "alex", "-c", "x", "-r", rating]);
    let qa = |score: &str| tone(&["qa", "alex", "--score", score]);

    assert_eq!(feedback("4"), "positive", "4 stars and up by default");
    assert_eq!(feedback("3"), "improve");
    assert_eq!(qa("80"), "positive", "80 and up by default");
    assert_eq!(qa("79"), "improve");

    env.ok(["config", "set", "feedback.positive-rating", "5"]);
    env.ok(["config", "set", "qa.positive-score", "70"]);
    assert_eq!(feedback("4"), "improve");
    assert_eq!(feedback("5"), "positive");
    assert_eq!(qa("70"), "positive");
    assert_eq!(qa("69"), "improve");

    assert_eq!(
        tone(&["feedback", "alex", "-c", "x", "-r", "1", "--positive"]),
        "positive"
    );
    assert_eq!(
        tone(&["qa", "alex", "--score", "100", "--improve"]),
        "improve"
    );
    assert_eq!(
        tone(&["feedback", "alex", "-c", "x", "--improve"]),
        "improve"
    );

    let err = env.fails(3, ["save", "feedback", "alex", "--comment", "Hmm"]);
    assert!(
        err.contains("feedback without a rating needs a tone"),
        "{err}"
    );
    assert!(err.contains("--positive or --improve"), "{err}");
}

#[test]
fn bad_values_are_refused_with_a_clear_error_and_no_change() {
    let env = Env::with_team();
    let feedback = |extra: &[&str]| -> Vec<String> {
        let mut all = vec![
            "save",
            "feedback",
            "alex",
            "--comment",
            "x",
            "--rating",
            "5",
        ];
        all.extend_from_slice(extra);
        all.into_iter().map(String::from).collect()
    };
    for (args, expected) in [
        (
            vec!["save", "feedback", "alex", "-c", "x", "-r", "6"],
            "not a whole number from 1 to 5",
        ),
        (
            vec!["save", "feedback", "alex", "-c", "x", "-r", "0"],
            "not a whole number from 1 to 5",
        ),
        (
            vec!["save", "feedback", "alex", "-c", "x", "-r", "four"],
            "not a whole number",
        ),
        (
            vec!["save", "qa", "alex", "--score", "101"],
            "not a whole number from 0 to 100",
        ),
        (
            vec!["save", "qa", "alex", "--score", "-5"],
            "not a whole number",
        ),
        (
            vec!["save", "feedback", "nobody", "-c", "x", "-r", "5"],
            "no member matches \"nobody\"",
        ),
        (
            vec!["save", "feedback", "alex", "-c", "   ", "-r", "5"],
            "feedback needs a comment",
        ),
    ] {
        let err = env.fails(3, &args);
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    let err = env.fails(3, feedback(&["--url", "example.com/x"]));
    assert!(err.contains("is not a web address"), "{err}");
    let err = env.fails(3, feedback(&["--url", "https://a b.com"]));
    assert!(err.contains("is not a web address"), "{err}");
    let err = env.fails(3, feedback(&["--date", "someday"]));
    assert!(err.contains("cannot read \"someday\" as a date"), "{err}");
    let err = env.fails(3, feedback(&["--date", "+3w"]));
    assert!(err.contains("is in the future"), "{err}");
    let err = env.fails(3, feedback(&["--customer", "Dana\nBcc: x@example.com"]));
    assert!(err.contains("line break"), "{err}");
    let err = env.fails(
        3,
        [
            "save",
            "feedback",
            "alex",
            "--comment",
            "bell \u{7}",
            "-r",
            "5",
        ],
    );
    assert!(err.contains("control character"), "{err}");

    env.ok(["member", "archive", "jordan"]);
    let err = env.fails(3, ["save", "qa", "jordan", "--score", "90"]);
    assert!(err.contains("Jordan Park is archived"), "{err}");

    // Usage errors (exit 2): what clap refuses.
    env.fails(2, feedback(&["--positive", "--improve"]));
    env.fails(2, ["save", "feedback", "alex", "--rating", "5"]);
    env.fails(2, ["save", "qa", "alex"]);
    env.fails(2, ["save", "feedback", "alex", "--from", "x.csv"]);
    env.fails(2, feedback(&["--skip-bad"]));
    env.fails(2, ["save", "qa", "--from", "x.csv", "--score", "5"]);
    assert_eq!(env.json(["saved"]), Value::Array(Vec::new()));
}

#[test]
fn a_csv_file_is_imported_with_its_tones_and_quoting() {
    let env = Env::with_team();
    let summary = env.json(["save", "feedback", "--from", &example("feedback.csv")]);
    assert_eq!(summary["kind"], "feedback");
    assert_eq!(summary["rows"], 5);
    assert_eq!(summary["saved"], 5);
    assert_eq!(summary["skipped"], 0);
    assert_eq!(summary["bad"], Value::Array(Vec::new()));
    assert!(summary["source"]
        .as_str()
        .expect("source")
        .ends_with("feedback.csv"));

    let alex = env.json(["saved", "alex"]);
    assert_eq!(alex.as_array().expect("list").len(), 3);
    let tones: Vec<&str> = alex
        .as_array()
        .expect("list")
        .iter()
        .map(|i| i["tone"].as_str().expect("tone"))
        .collect();
    assert_eq!(tones, ["improve", "positive", "positive"], "newest first");
    assert_eq!(
        alex[0]["comment"],
        "I was put on hold twice and had to repeat my order number, \"again\"."
    );
    assert_eq!(alex[0]["url"], Value::Null, "an empty field is no value");
    assert_eq!(alex[2]["date"], "2026-11-23T10:12:00Z");

    let human = env.ok(["save", "feedback", "--from", &example("feedback.csv")]);
    assert!(
        human.starts_with("Saved 5 feedback items from ") && human.contains("feedback.csv"),
        "{human}"
    );
}

#[test]
fn json_lines_come_from_a_file_or_standard_input() {
    let env = Env::with_team();
    let summary = env.json(["save", "qa", "--from", &example("qa.jsonl")]);
    assert_eq!(summary["saved"], 4);
    let jordan = env.json(["saved", "jordan"]);
    assert_eq!(jordan[0]["tone"], "improve", "explicit tone, score 64");
    assert_eq!(jordan[1]["score"], 88);
    assert_eq!(jordan[1]["tone"], "positive");

    let jsonl = std::fs::read_to_string(example("qa.jsonl")).expect("read");
    let (code, stdout, _) = run(&env, &["save", "qa", "--from", "-", "-q"], &jsonl);
    assert_eq!(code, Some(0));
    let new_ids: Vec<&str> = stdout.lines().collect();
    assert_eq!(new_ids.len(), 4, "--quiet prints the new ids");
    let saved = ids(&env.json(["saved"]));
    assert!(new_ids.iter().all(|id| saved.iter().any(|s| s == id)));

    // CSV on standard input too: told apart by its first character.
    let csv = "member,score,comment\nAlex Kim,91,Great empathy\n";
    let (code, stdout, _) = run(&env, &["save", "qa", "--from", "-"], csv);
    assert_eq!(code, Some(0));
    assert_eq!(stdout.trim(), "Saved 1 QA review from standard input");

    // A file whose extension says nothing is sniffed as well.
    let txt = file(
        &env,
        "export.txt",
        "\n  {\"member\": \"alex\", \"comment\": \"Lovely\", \"rating\": \"5\"}\n\n",
    );
    let summary = env.json(["save", "feedback", "--from", txt.to_str().expect("path")]);
    assert_eq!(summary["saved"], 1, "{summary}");
}

#[test]
fn one_bad_row_refuses_the_whole_file_and_every_bad_row_is_listed() {
    let env = Env::with_team();
    env.ok(["save", "feedback", "alex", "-c", "Already here", "-r", "5"]);
    let csv = file(
        &env,
        "week.csv",
        "member,rating,comment,date,url\n\
         Alex Kim,5,Great,2026-11-02,\n\
         Alex Kim,9,Too many stars,2026-11-02,\n\
         Nobody,4,Who?,2026-11-02,\n\
         Jordan Park,4,\"Spans\ntwo lines\",2026-11-02,\n\
         Jordan Park,4,Bad date,someday,\n\
         Jordan Park,4,Bad link,2026-11-02,not-a-link\n\
         Jordan Park,3\n",
    );
    let bad = refused_import(
        &env,
        &["save", "feedback", "--from", csv.to_str().expect("path")],
        "",
    );
    assert_eq!(
        bad,
        [
            "line 3: the rating \"9\" is not a whole number from 1 to 5",
            "line 4: no member matches \"Nobody\"",
            "line 7: cannot read \"someday\" as a date",
            "line 8: \"not-a-link\" is not a web address (http:// or https://)",
            "line 9: 2 fields, but the header has 5",
        ]
    );
    assert_eq!(env.json(["saved"]).as_array().expect("list").len(), 1);

    let jsonl = "{\"member\":\"alex\",\"score\":90}\n\
                 {\"member\":\"alex\",\"score\":\"ninety\"}\n\
                 not json\n\
                 {\"member\":\"alex\",\"score\":90,\"rating\":5}\n\
                 {\"member\":\"alex\",\"score\":90,\"grade\":\"A\"}\n\
                 {\"member\":\"alex\"}\n";
    let bad = refused_import(&env, &["save", "qa", "--from", "-"], jsonl);
    let lines: Vec<&str> = bad
        .iter()
        .map(|l| l.split(':').next().expect("line"))
        .collect();
    assert_eq!(lines, ["line 2", "line 3", "line 4", "line 5", "line 6"]);
    assert!(bad[1].contains("not valid JSON"), "{bad:?}");
    // A field of the other kind is unknown, as in every import.
    assert!(bad[2].contains("unknown field \"rating\""), "{bad:?}");
    assert!(bad[3].contains("unknown field \"grade\""), "{bad:?}");
    assert!(bad[4].contains("needs a score"), "{bad:?}");
}

#[test]
fn skip_bad_saves_the_good_rows_and_lists_the_bad_ones() {
    let env = Env::with_team();
    let csv = "member,rating,comment\n\
               Alex Kim,5,Great\n\
               Alex Kim,7,Too many\n\
               Jordan Park,2,Slow answer\n\
               ,4,No member\n";
    let (code, stdout, stderr) = run(
        &env,
        &["save", "feedback", "--from", "-", "--skip-bad"],
        csv,
    );
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        stdout.trim(),
        "Saved 2 feedback items from standard input; skipped 2 bad rows"
    );
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [
            "line 3: the rating \"7\" is not a whole number from 1 to 5",
            "line 5: no member given",
        ]
    );
    assert_eq!(env.json(["saved"]).as_array().expect("list").len(), 2);

    let (code, stdout, _) = run(
        &env,
        &["save", "feedback", "--from", "-", "--skip-bad", "--json"],
        csv,
    );
    assert_eq!(code, Some(0));
    let summary: Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(summary["rows"], 4);
    assert_eq!(summary["saved"], 2);
    assert_eq!(summary["skipped"], 2);
    assert_eq!(summary["bad"][0]["line"], 3);
    assert_eq!(summary["bad"][1]["line"], 5);
    assert_eq!(summary["bad"][1]["reason"], "no member given");

    // --quiet: the ids of the rows saved, in the input's order.
    let (code, stdout, _) = run(
        &env,
        &["save", "feedback", "--from", "-", "--skip-bad", "-q"],
        csv,
    );
    assert_eq!(code, Some(0));
    let listed = env.json(["saved"]);
    let comment = |id: &str| {
        let item = listed
            .as_array()
            .expect("list")
            .iter()
            .find(|i| i["id"] == id);
        item.map(|i| i["comment"].clone())
    };
    let comments: Vec<_> = stdout.lines().map(comment).collect();
    assert_eq!(comments, [Some("Great".into()), Some("Slow answer".into())]);
}

#[test]
fn files_that_cannot_be_read_as_rows_are_refused_up_front() {
    let env = Env::with_team();
    let err = env.fails(3, ["save", "feedback", "--from", "missing.csv"]);
    assert!(
        err.contains("cannot read missing.csv: no such file"),
        "{err}"
    );

    let typo = file(&env, "typo.csv", "member,ratng,comment\nAlex Kim,5,x\n");
    let err = env.fails(
        3,
        ["save", "feedback", "--from", typo.to_str().expect("path")],
    );
    assert!(
        err.contains("unknown column \"ratng\" in the header"),
        "{err}"
    );
    assert!(err.contains("did you mean \"rating\"?"), "{err}");

    let qa_columns = file(&env, "qa.csv", "member,score,customer\nAlex Kim,5,x\n");
    let err = env.fails(
        3,
        ["save", "qa", "--from", qa_columns.to_str().expect("path")],
    );
    assert!(err.contains("\"customer\""), "{err}");

    let no_member = file(&env, "nm.csv", "comment,rating\nx,5\n");
    let err = env.fails(
        3,
        [
            "save",
            "feedback",
            "--from",
            no_member.to_str().expect("path"),
        ],
    );
    assert!(err.contains("no \"member\" column"), "{err}");

    let array = file(&env, "export.json", "[{\"member\": \"alex\"}]");
    let err = env.fails(
        3,
        ["save", "feedback", "--from", array.to_str().expect("path")],
    );
    assert!(err.contains("a JSON array, not JSON Lines"), "{err}");
    assert!(err.contains("jq -c"), "{err}");

    // An empty input is an error (issue 9): most likely the wrong file.
    let (code, stdout, stderr) = run(&env, &["save", "feedback", "--from", "-"], "");
    assert_eq!(code, Some(3), "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("standard input is empty: there is nothing to import"),
        "{stderr}"
    );
}

#[test]
fn saved_items_are_brought_into_a_session_by_id_or_all_at_once() {
    let env = Env::with_team();
    let praise = save(&env, &["feedback", "alex", "-c", "Lovely", "-r", "5"]);
    let review = save(&env, &["qa", "alex", "--score", "91"]);
    let later = save(&env, &["feedback", "alex", "-c", "Slow", "-r", "2"]);
    let jordans = save(&env, &["qa", "jordan", "--score", "60"]);
    let first = env.ok(["session", "new", "alex", "-q"]).trim().to_string();

    let added = env.json(["session", "add-saved", &praise[..8], &review[..8]]);
    assert_eq!(added["session_id"], first.as_str());
    assert_eq!(ids(&added["added"]), [praise.clone(), review.clone()]);
    assert_eq!(added["added"][0]["session_id"], first.as_str());
    assert_eq!(added["balance"]["positive"], 2);
    assert_eq!(added["balance"]["improve"], 0);
    assert_eq!(added["balance"]["kudos"], 0);

    // Once added, they no longer wait.
    assert_eq!(
        ids(&env.json(["saved", "alex"])),
        std::slice::from_ref(&later)
    );

    let err = env.fails(3, ["session", "add-saved", &jordans[..8]]);
    assert!(
        err.contains("is about Jordan Park, but this session is with Alex Kim"),
        "{err}"
    );
    let err = env.fails(3, ["session", "add-saved", &praise[..8]]);
    assert!(err.contains("is already in the session"), "{err}");
    assert!(err.contains("\"Weekly check-in\""), "{err}");
    env.fails(3, ["session", "add-saved", "ffffffffffffffff"]);
    env.fails(3, ["session", "add-saved", "not-an-id"]);
    let err = env.fails(2, ["session", "add-saved"]);
    assert!(err.contains("--all"), "{err}");
    env.fails(2, ["session", "add-saved", "--all", &later[..8]]);

    // A second session takes what still waits, with --all.
    env.ok(["session", "new", "alex"]);
    let out = env.ok(["session", "add-saved", "--all"]);
    assert!(out.contains("Added to "), "{out}");
    assert!(out.contains("feedback to improve: ★★☆☆☆ Slow"), "{out}");
    let err = env.fails(3, ["session", "add-saved", &praise[..8]]);
    assert!(
        err.contains(&format!("the session {}", &first[..4])),
        "{err}"
    );
    assert_eq!(env.json(["saved", "alex"]), Value::Array(Vec::new()));

    // Nothing left: --all adds nothing and is not an error.
    let (code, stdout, stderr) = run(&env, &["session", "add-saved", "--all"], "");
    assert_eq!(code, Some(0));
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("No saved items are waiting for Alex Kim"),
        "{stderr}"
    );
    assert_eq!(
        env.ok(["session", "add-saved", "--all", "-q"]),
        "",
        "--quiet prints the ids added: none"
    );
    assert_eq!(ids(&env.json(["saved"])), [jordans]);
}

#[test]
fn session_new_takes_saved_items_only_when_asked() {
    let env = Env::with_team();
    let a = save(&env, &["feedback", "alex", "-c", "Lovely", "-r", "5"]);
    let b = save(&env, &["qa", "alex", "--score", "55"]);

    // No terminal: nothing is asked, the items keep waiting, and a person
    // is told how to bring them in.
    let (code, _, stderr) = run(&env, &["session", "new", "alex"], "");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("2 saved items wait for Alex Kim: `coach session add-saved --all`"),
        "{stderr}"
    );
    assert_eq!(env.json(["saved"]).as_array().expect("list").len(), 2);
    let (_, _, stderr) = run(&env, &["session", "new", "alex", "--no-input"], "");
    assert!(!stderr.contains("error"), "{stderr}");

    let (code, stdout, stderr) = run(&env, &["session", "new", "alex", "--with-saved"], "");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.starts_with("Started "), "{stdout}");
    assert!(stdout.contains("qa to improve: 55/100"), "{stdout}");
    assert!(!stderr.contains("wait for"), "{stderr}");
    assert_eq!(env.json(["saved"]), Value::Array(Vec::new()));
    let view = env.json(["session", "show"]);
    assert_eq!(ids(&view["feedback"]), [a]);
    assert_eq!(ids(&view["qa_reviews"]), [b]);

    // --json keeps the session's shape.
    save(&env, &["feedback", "alex", "-c", "More", "-r", "4"]);
    let session = env.json(["session", "new", "alex", "--with-saved"]);
    assert_eq!(session["member"]["name"], "Alex Kim");
    assert!(session.get("added").is_none());
}

/// Adds a row to a table of the test database directly, for records that
/// other commands create (kudos, dedicated notes).
fn insert(env: &Env, sql: &str, params: &[&str]) {
    let conn = rusqlite::Connection::open(&env.db).expect("open db");
    conn.execute(sql, rusqlite::params_from_iter(params))
        .expect("insert");
}

fn add_kudos(env: &Env, session: &str, id: &str) {
    insert(
        env,
        "INSERT INTO kudos (id, session_id, body, author, created_at, updated_at)
         VALUES (?1, ?2, 'Thanks for covering the late shift', 'me',
                 '2026-11-02T09:00:00.000Z', '2026-11-02T09:00:00.000Z')",
        &[id, session],
    );
}

#[test]
fn the_balance_hint_shows_when_improvements_outnumber_recognition() {
    let env = Env::with_team();
    let hint = "the 1:1 guide recommends more recognition than criticism";
    save(&env, &["feedback", "alex", "-c", "Slow", "-r", "2"]);
    save(&env, &["qa", "alex", "--score", "40"]);
    save(&env, &["feedback", "alex", "-c", "Great", "-r", "5"]);
    let session = env.ok(["session", "new", "alex", "-q"]).trim().to_string();

    let (_, _, stderr) = run(&env, &["session", "add-saved", "--all"], "");
    assert!(stderr.contains(hint), "2 to improve, 1 positive: {stderr}");
    assert!(
        stderr.contains("2 items to improve and 1 to recognise"),
        "{stderr}"
    );
    let (_, stdout, stderr) = run(&env, &["session", "show"], "");
    assert!(stderr.contains(hint), "{stderr}");
    assert!(!stdout.contains(hint), "the hint is not part of the view");
    let (_, _, stderr) = run(&env, &["session", "show", "--as-member"], "");
    assert!(
        !stderr.contains(hint),
        "advice for the coach only: {stderr}"
    );
    let (_, stdout, stderr) = run(&env, &["session", "show", "--json"], "");
    assert!(!stderr.contains(hint) && !stdout.contains(hint));
    let view: Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(view["balance"]["positive"], 1);
    assert_eq!(view["balance"]["improve"], 2);
    assert_eq!(view["balance"]["kudos"], 0);

    // Kudos count as recognition: 1 positive + 1 kudos = 2 improvements.
    add_kudos(&env, &session, "0123456789abcdef0123456789abcdef");
    let (_, _, stderr) = run(&env, &["session", "show"], "");
    assert!(!stderr.contains(hint), "balanced now: {stderr}");
    assert_eq!(env.json(["session", "show"])["balance"]["kudos"], 1);

    save(&env, &["qa", "alex", "--score", "50"]);
    let (_, _, stderr) = run(&env, &["session", "add-saved", "--all"], "");
    assert!(
        stderr.contains("3 items to improve and 2 to recognise"),
        "{stderr}"
    );

    // A session with only recognition never gets the hint.
    save(&env, &["feedback", "jordan", "-c", "Kind", "-r", "5"]);
    env.ok(["session", "new", "jordan", "--with-saved"]);
    let (_, _, stderr) = run(&env, &["session", "show"], "");
    assert!(!stderr.contains(hint), "{stderr}");
}

#[test]
fn session_show_presents_feedback_and_qa_with_their_dedicated_notes() {
    let env = Env::with_team();
    let feedback = save(
        &env,
        &[
            "feedback",
            "alex",
            "--comment",
            "Fixed my billing issue in minutes",
            "--rating",
            "4",
            "--customer",
            "Dana Cruz",
            "--channel",
            "chat",
            "--url",
            "https://support.example.com/c/1",
            "--date",
            "2026-11-02 10:00",
        ],
    );
    save(
        &env,
        &[
            "qa",
            "alex",
            "--score",
            "72",
            "--reviewer",
            "Riley Chen",
            "--comment",
            "Skipped the ID check",
            "--date",
            "2026-11-03 11:00",
        ],
    );
    let session = env
        .ok(["session", "new", "alex", "--with-saved", "-q"])
        .trim()
        .to_string();
    env.ok(["note", "add", "Shared talking point"]);
    env.ok(["note", "add", "--private", "Private talking point"]);
    let marker = "PRIVATE-ITEM-NOTE-5e1d";
    for (id, body, visibility) in [
        (
            "aaaa0000000000000000000000000001",
            "Use it in the team meeting",
            "shared",
        ),
        ("aaaa0000000000000000000000000002", marker, "private"),
    ] {
        insert(
            &env,
            "INSERT INTO notes (id, session_id, body, visibility, author, created_at, updated_at, item_id)
             VALUES (?1, ?2, ?3, ?4, (SELECT value FROM state WHERE key = 'user.id'),
                     '2026-11-04T09:00:00.000Z', '2026-11-04T09:00:00.000Z', ?5)",
            &[id, &session, body, visibility, &feedback],
        );
    }

    let shown = env.ok(["session", "show"]);
    let at = |text: &str| {
        shown
            .find(text)
            .unwrap_or_else(|| panic!("{text} in:\n{shown}"))
    };
    assert!(at("Notes") < at("Customer feedback"));
    assert!(at("Customer feedback") < at("QA reviews"));
    assert!(at("QA reviews") < at("Private notes"));
    assert!(shown.contains("★★★★☆ · positive · Dana Cruz (chat) · 2026-11-02 10:00"));
    assert!(shown.contains("    Fixed my billing issue in minutes"));
    assert!(shown.contains("    https://support.example.com/c/1"));
    assert!(shown.contains("72/100 · to improve · reviewed by Riley Chen · 2026-11-03 11:00"));
    assert!(shown.contains("      Use it in the team meeting"));
    let private_line = shown
        .lines()
        .find(|l| {
            l.contains("aaaa0000000000000000000000000002")
                || l.contains("private (only you see this)")
        })
        .expect("the private item note is marked");
    assert!(
        private_line.contains("private (only you see this)"),
        "{private_line}"
    );
    assert!(at(marker) < at("QA reviews"), "under its item");

    let theirs = env.ok(["session", "show", "--as-member"]);
    assert!(theirs.contains("Use it in the team meeting"));
    assert!(!theirs.contains(marker), "a private item note leaked");
    let theirs_json = env.ok(["session", "show", "--as-member", "--json"]);
    assert!(!theirs_json.contains(marker), "a private item note leaked");
    let view: Value = serde_json::from_str(&theirs_json).expect("json");
    assert_eq!(
        view["feedback"][0]["notes"]
            .as_array()
            .expect("notes")
            .len(),
        1
    );

    let mine = env.json(["session", "show"]);
    assert_eq!(
        mine["feedback"][0]["notes"]
            .as_array()
            .expect("notes")
            .len(),
        2
    );
    assert_eq!(mine["feedback"][0]["notes"][1]["visibility"], "private");
    assert_eq!(mine["qa_reviews"][0]["score"], 72);
    assert!(mine["feedback"][0].get("kind").is_none());
}

#[test]
fn item_ids_resolve_by_prefix_across_both_kinds() {
    let env = Env::with_team();
    let mut all = Vec::new();
    for i in 0..12 {
        all.push(save(
            &env,
            &["feedback", "alex", "-c", &format!("F{i}"), "-r", "5"],
        ));
        all.push(save(&env, &["qa", "alex", "--score", "90"]));
    }
    env.ok(["session", "new", "alex"]);
    let listed = env.json(["saved"]);
    for item in listed.as_array().expect("list") {
        let short = item["short_id"].as_str().expect("short");
        let id = item["id"].as_str().expect("id");
        assert!(short.len() >= 4 && id.starts_with(short));
        let others = all.iter().filter(|o| o.starts_with(short)).count();
        assert_eq!(others, 1, "{short} is unique across both kinds");
    }
    let shared = all
        .iter()
        .find(|id| all.iter().filter(|o| o[..1] == id[..1]).count() > 1)
        .expect("24 ids share a first character");
    let err = env.fails(3, ["session", "add-saved", &shared[..1]]);
    assert!(err.contains("matches"), "{err}");
    let hyphenated = format!("{}-{}", &all[0][..8], &all[0][8..12]);
    let added = env.json(["session", "add-saved", &hyphenated]);
    assert_eq!(ids(&added["added"]), [all[0].clone()]);
}

#[test]
fn a_large_file_lists_at_most_a_hundred_bad_rows_and_counts_the_rest() {
    let env = Env::with_team();
    let mut csv = String::from("member,score\n");
    for i in 0..5000 {
        let member = if i % 2 == 0 { "Alex Kim" } else { "jordan" };
        csv.push_str(&format!("{member},{}\n", i % 101));
    }
    for _ in 0..150 {
        csv.push_str("Alex Kim,999\n");
    }
    let path = file(&env, "big.csv", &csv);
    let path = path.to_str().expect("path");

    let bad = refused_import(&env, &["save", "qa", "--from", path], "");
    assert_eq!(bad.len(), 101, "100 listed, then a count");
    assert_eq!(
        bad[0],
        "line 5002: the score \"999\" is not a whole number from 0 to 100"
    );
    assert_eq!(bad[100], "... and 50 more bad rows, not listed");

    let summary = env.json(["save", "qa", "--from", path, "--skip-bad"]);
    assert_eq!(summary["rows"], 5150);
    assert_eq!(summary["saved"], 5000);
    assert_eq!(summary["skipped"], 150);
    assert_eq!(summary["bad"].as_array().expect("bad").len(), 100);
    assert_eq!(env.ok(["saved", "jordan", "-q"]).lines().count(), 2500);
}

#[test]
fn a_saved_item_is_corrected_with_the_same_checks_as_saving_it() {
    let env = Env::with_team();
    let feedback = save(
        &env,
        &[
            "feedback",
            "alex",
            "--comment",
            "Fixed my bil fast",
            "--rating",
            "2",
            "--customer",
            "Sam Lee",
            "--date",
            "2026-11-20",
        ],
    );
    let qa = save(&env, &["qa", "alex", "--score", "17", "--improve"]);
    let date = env.json(["saved", "alex"])[1]["date"].clone();

    // The typo and the rating are corrected; the tone follows the new rating,
    // the date and the member stay, a blank value clears the customer.
    let edited = env.json([
        "saved",
        "edit",
        &feedback[..8],
        "--comment",
        "Fixed my bill fast",
        "--rating",
        "5",
        "--customer",
        "",
    ]);
    assert_eq!(edited["id"], feedback.as_str());
    assert_eq!(edited["kind"], "feedback");
    assert_eq!(edited["comment"], "Fixed my bill fast");
    assert_eq!(edited["rating"], 5);
    assert_eq!(edited["tone"], "positive");
    assert!(edited["customer"].is_null(), "{edited}");
    assert_eq!(edited["member"]["name"], "Alex Kim");
    assert_eq!(edited["date"], date, "the date stays unless given");

    // A QA review given a tone by hand keeps it when only the comment changes.
    let out = env.ok([
        "saved",
        "edit",
        &qa[..8],
        "--comment",
        "Skipped the ID check",
    ]);
    assert!(out.starts_with("Changed the QA review"), "{out}");
    let review = env.json(["saved", "edit", &qa[..8], "--reviewer", "Riley Chen"]);
    assert_eq!(review["tone"], "improve");
    assert_eq!(review["score"], 17);
    assert_eq!(review["comment"], "Skipped the ID check");
    assert_eq!(review["reviewer"], "Riley Chen");
    // ... and follows a new score when no tone is given.
    assert_eq!(
        env.json(["saved", "edit", &qa[..8], "--score", "90"])["tone"],
        "positive"
    );

    // Bad values, fields of the other kind, or nothing to change: a clear
    // error, exit 3, and the database as it was.
    let before = snapshot(&env.db);
    for (args, message) in [
        (vec!["--rating", "7"], "not a whole number from 1 to 5"),
        (vec!["--comment", ""], "feedback needs a comment"),
        (vec!["--url", "ftp://x"], "is not a web address"),
        (vec!["--date", "+30d"], "is in the future"),
        (vec!["--score", "80"], "has no field \"score\""),
        (vec![], "nothing to change"),
    ] {
        let mut all = vec!["saved", "edit", &feedback[..8]];
        all.extend(args);
        let err = env.fails(3, all);
        assert!(err.contains(message), "{message}: {err}");
    }
    let err = env.fails(3, ["saved", "edit", &qa[..8], "--score", ""]);
    assert!(err.contains("needs a score"), "{err}");
    let err = env.fails(3, ["saved", "edit", "ffffffff", "--comment", "x"]);
    assert!(err.contains("no feedback or QA review"), "{err}");
    env.fails(2, ["saved", "edit", &qa[..8], "--positive", "--improve"]);
    assert_eq!(snapshot(&env.db), before, "a refused edit changed the db");

    // In a session, the corrected item is what the session shows.
    env.ok(["session", "new", "alex", "--with-saved"]);
    env.ok(["saved", "edit", &feedback[..8], "--channel", "Chat"]);
    let view = env.json(["session", "show"]);
    assert_eq!(view["feedback"][0]["channel"], "chat");
    assert_eq!(view["feedback"][0]["comment"], "Fixed my bill fast");
    // A deleted item cannot be edited.
    env.ok(["saved", "rm", &feedback[..8]]);
    env.fails(3, ["saved", "edit", &feedback[..8], "--rating", "4"]);
}
