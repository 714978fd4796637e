//! Property tests: generated notes go through every renderer a member
//! receives, and generated export documents go through `coach import`.
//! Whatever the text, coach does not panic, and a private note never
//! reaches a member-facing output.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::common::Env;
use crate::privacy::decode_mime;

const CANARY: &str = "PRIVCANARY7f3e";
const SHARED: &str = "SHAREDMARK91bd";

/// Text a coach or a hostile file could hold: any character but NUL,
/// mixed with the pieces of Markdown and HTML that change how it renders.
fn note_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<char>()
            .prop_filter("NUL is refused", |c| *c != '\0')
            .prop_map(String::from),
        prop::sample::select(vec![
            "**",
            "_",
            "`",
            "```\n",
            "\n",
            "\n\n",
            "---\n",
            "# ",
            "> ",
            "- [ ] ",
            "1. ",
            "|a|b|\n",
            "<script>",
            "</div>",
            "<!--",
            "[x](javascript:alert(1))",
            "![i](file:///etc/passwd)",
            ":tada:",
            "\\",
            "&amp;",
            "\u{1b}[31m",
            "\u{202e}",
            "\r\n",
            "\t",
            "https://example.com/",
        ])
        .prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

/// Fails the case when a command panicked or exited with a code that is
/// not one of coach's documented ones.
fn assert_no_crash(what: &str, output: &std::process::Output) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{what} panicked: {stderr}");
    let code = output.status.code();
    assert!(
        matches!(code, Some(0 | 2 | 3 | 4 | 75)),
        "{what} exited {code:?}: {stderr}"
    );
}

fn member_outputs(env: &Env) -> Vec<(&'static str, std::process::Output)> {
    let runs: [(&str, &[&str]); 9] = [
        ("show --as-member", &["session", "show", "--as-member"]),
        (
            "show --as-member --json",
            &["session", "show", "--as-member", "--json"],
        ),
        (
            "show --format md --recap",
            &[
                "session",
                "show",
                "--as-member",
                "--format",
                "md",
                "--recap",
            ],
        ),
        (
            "show --format html",
            &["session", "show", "--as-member", "--format", "html"],
        ),
        (
            "show --format text --recap",
            &[
                "session",
                "show",
                "--as-member",
                "--format",
                "text",
                "--recap",
            ],
        ),
        ("share --dry-run", &["share", "--dry-run"]),
        (
            "share --recap --dry-run",
            &["share", "--recap", "--dry-run"],
        ),
        ("member stream", &["member", "stream", "alex", "--json"]),
        ("export --member", &["export", "--member", "alex"]),
    ];
    runs.iter()
        .map(|(what, args)| (*what, env.coach(*args).output().expect("run coach")))
        .collect()
}

#[test]
fn generated_notes_render_everywhere_without_a_panic_or_a_private_note() {
    let env = Env::with_team();
    let mut runner = TestRunner::new(Config {
        cases: 12,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&(note_text(), note_text()), |(shared, private)| {
            let session = env.ok(["session", "new", "alex", "-q"]);
            let session = session.trim();
            let shared_note = format!("{SHARED}\n\n{shared}");
            let private_note = format!("{CANARY}\n\n{private}");
            for args in [
                vec!["note", "add", "--session", session, &shared_note],
                vec![
                    "note",
                    "add",
                    "--session",
                    session,
                    "--private",
                    &private_note,
                ],
                vec!["note", "add", "--session", session, "--private", &private],
            ] {
                let output = env.coach(&args).output().expect("run coach");
                assert_no_crash("note add", &output);
            }
            for (what, output) in member_outputs(&env) {
                assert_no_crash(what, &output);
                assert!(output.status.success(), "{what} failed: {output:?}");
                // A message's parts may be encoded: decode them first.
                let text = decode_mime(&String::from_utf8_lossy(&output.stdout));
                assert!(!text.contains(CANARY), "{what} leaks the private note");
                if !what.starts_with("member stream") {
                    assert!(text.contains(SHARED), "{what} shows the shared note");
                }
            }
            Ok(())
        })
        .expect("the property holds");
}

/// A JSON value a hostile export could put in any field.
fn field_value() -> impl Strategy<Value = serde_json::Value> {
    prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        note_text().prop_map(serde_json::Value::from),
        prop::sample::select(vec![
            "",
            "shared",
            "private",
            "member",
            "coach",
            "sent",
            "../../etc/passwd",
            "0000",
            "2026-13-45T99:99:99.000Z",
            "2026-12-02T10:00:00.000Z",
            "ffffffffffffffffffffffffffffffff",
            "9999-12-31T23:59:59.999Z",
        ])
        .prop_map(serde_json::Value::from),
    ]
}

/// Every (table, row, field) of an export document.
fn fields(doc: &serde_json::Value) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    if let Some(tables) = doc["tables"].as_object() {
        for (table, rows) in tables {
            for (i, row) in rows.as_array().into_iter().flatten().enumerate() {
                for key in row.as_object().into_iter().flat_map(|o| o.keys()) {
                    out.push((table.clone(), i, key.clone()));
                }
            }
        }
    }
    out
}

#[test]
fn generated_export_documents_never_crash_import_or_a_later_command() {
    let source = Env::with_team();
    source.ok(["session", "new", "alex", "-q"]);
    source.ok(["note", "add", "A shared topic"]);
    source.ok(["note", "add", "--private", CANARY]);
    source.ok(["kudos", "Calm under pressure", "--for", "effort"]);
    source.ok(["action", "add", "Shadow a team lead shift"]);
    let document: serde_json::Value =
        serde_json::from_str(&source.ok(["export", "--include-private"])).expect("export JSON");
    let places = fields(&document);
    assert!(places.len() > 20, "the export has rows to mutate");

    let target = Env::with_team();
    let file = target.dir.path().join("hostile.json");
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    let mutation = (
        prop::collection::vec((0..places.len(), field_value()), 1..4),
        any::<bool>(),
    );
    runner
        .run(&mutation, |(changes, drop_a_field)| {
            let mut doc = document.clone();
            for (place, value) in &changes {
                let (table, row, key) = &places[*place];
                let row = &mut doc["tables"][table][*row];
                if drop_a_field {
                    if let Some(object) = row.as_object_mut() {
                        object.remove(key);
                    }
                } else {
                    row[key] = value.clone();
                }
            }
            std::fs::write(&file, serde_json::to_vec(&doc).expect("JSON")).expect("write");
            let import = target
                .coach(["import", file.to_str().expect("path")])
                .output()
                .expect("run coach");
            assert_no_crash("import", &import);
            // Whatever was accepted, every later command still reads it,
            // and a note that is private in the database stays out of
            // every output meant for the member.
            let canary_is_private = private_canary_only(&target);
            for (args, for_the_member) in [
                (&["session", "list", "--json"][..], false),
                (&["doctor", "--json"], false),
                (&["session", "show", "--as-member"], true),
                (&["member", "stream", "alex"], true),
                (&["team", "--json"], true),
                (&["export", "--member", "alex"], true),
            ] {
                let output = target.coach(args).output().expect("run coach");
                assert_no_crash(&args.join(" "), &output);
                if for_the_member && canary_is_private {
                    let text = String::from_utf8_lossy(&output.stdout);
                    assert!(
                        !text.contains(CANARY),
                        "{} shows a private note",
                        args.join(" ")
                    );
                }
            }
            Ok(())
        })
        .expect("the property holds");
}

/// Whether every live note holding the canary is private, as the coach's
/// own full export says (a generated document may legitimately have
/// turned it into a shared note, which the member may then see).
fn private_canary_only(env: &Env) -> bool {
    let dump: serde_json::Value =
        serde_json::from_str(&env.ok(["export", "--include-private"])).expect("export JSON");
    dump["tables"]["notes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|note| note["body"].as_str().is_some_and(|b| b.contains(CANARY)))
        .all(|note| note["visibility"] == "private")
}
