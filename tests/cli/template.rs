//! Templates for recurring check-ins: `coach template`, `session new --template`.

use std::path::PathBuf;

use crate::common::Env;

/// An example template shipped in examples/templates/.
fn example(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/templates")
        .join(name)
        .to_str()
        .expect("path")
        .to_string()
}

/// A world with the two example templates added, as the README shows.
fn with_templates() -> Env {
    let env = Env::with_team();
    env.ok([
        "template",
        "add",
        "weekly",
        "--title",
        "Weekly check-in",
        "--agenda-file",
        &example("weekly-check-in.md"),
    ]);
    env.ok([
        "template",
        "add",
        "monthly goals",
        "--title",
        "Monthly goal-setting",
        "--agenda-file",
        &example("monthly-goals.md"),
    ]);
    env
}

#[test]
fn templates_are_added_listed_shown_and_removed() {
    let env = Env::with_team();
    let added = env.ok([
        "template",
        "add",
        "weekly",
        "--title",
        "Weekly check-in",
        "--agenda",
        "Wins\n\n---\n\nYour topics",
    ]);
    assert!(added.contains("the template"), "{added}");
    assert!(added.contains("\"weekly\" (2 agenda notes)"), "{added}");
    let quick = env.json(["template", "add", "quick", "--title", "Quick sync"]);
    for key in [
        "id",
        "short_id",
        "name",
        "title",
        "agenda",
        "created_at",
        "updated_at",
    ] {
        assert!(quick.get(key).is_some(), "a template has {key}: {quick}");
    }
    assert_eq!(quick["agenda"], serde_json::Value::Null);

    let list = env.json(["template", "list"]);
    let names: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|t| t["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["quick", "weekly"], "by name");
    let table = env.ok(["template", "list"]);
    assert!(
        table.contains("Weekly check-in") && table.contains("no agenda"),
        "{table}"
    );
    assert_eq!(env.ok(["template", "list", "-q"]).lines().count(), 2);

    let shown = env.ok(["template", "show", "WEEKLY"]);
    assert!(shown.contains("Title:   Weekly check-in"), "{shown}");
    assert!(
        shown.contains("Note 2") && shown.contains("Your topics"),
        "{shown}"
    );
    let json = env.json(["template", "show", "week"]);
    assert_eq!(json["agenda"], "Wins\n\n---\n\nYour topics");
    let by_id = env.json(["template", "show", &quick["id"].as_str().expect("id")[..6]]);
    assert_eq!(by_id["name"], "quick");

    let removed = env.ok(["template", "rm", "weekly"]);
    assert!(removed.starts_with("Deleted the template"), "{removed}");
    assert_eq!(env.ok(["template", "list", "-q"]).lines().count(), 1);
    env.fails(3, ["template", "show", "weekly"]);
    env.fails(3, ["template", "rm", "weekly"]);
    // The name is free again.
    env.ok(["template", "add", "Weekly", "--title", "Weekly check-in"]);
}

#[test]
fn a_template_name_is_unique_ignoring_case() {
    let env = with_templates();
    let err = env.fails(3, ["template", "add", "WEEKLY", "--title", "Another"]);
    assert!(
        err.contains("there is already a template named \"weekly\""),
        "{err}"
    );
    assert!(err.contains("coach template rm"), "{err}");
    env.fails(
        3,
        ["template", "add", "Monthly Goals", "--title", "Another"],
    );
}

#[test]
fn bad_templates_are_refused_with_no_change() {
    let env = Env::with_team();
    env.fails(3, ["template", "add", "", "--title", "Weekly check-in"]);
    env.fails(
        3,
        [
            "template",
            "add",
            &"w".repeat(41),
            "--title",
            "Weekly check-in",
        ],
    );
    env.fails(3, ["template", "add", "weekly", "--title", ""]);
    env.fails(3, ["template", "add", "weekly", "--title", "Two\nlines"]);
    env.fails(
        3,
        [
            "template", "add", "weekly", "--title", "T", "--agenda", "   ",
        ],
    );
    let err = env.fails(
        3,
        [
            "template",
            "add",
            "weekly",
            "--title",
            "T",
            "--agenda-file",
            "missing.md",
        ],
    );
    assert!(err.contains("cannot read missing.md"), "{err}");
    std::fs::write(env.dir.path().join("latin1.md"), b"caf\xe9\n").expect("write");
    let err = env.fails(
        3,
        [
            "template",
            "add",
            "weekly",
            "--title",
            "T",
            "--agenda-file",
            "latin1.md",
        ],
    );
    assert!(err.contains("is not UTF-8 text"), "{err}");
    env.fails(
        2,
        [
            "template",
            "add",
            "weekly",
            "--title",
            "T",
            "--agenda",
            "x",
            "--agenda-file",
            "y",
        ],
    );
    env.fails(2, ["template", "add", "weekly"]);
    assert_eq!(env.json(["template", "list"]), serde_json::json!([]));
}

#[test]
fn a_session_starts_with_the_templates_title_and_agenda_notes() {
    let env = with_templates();
    let started = env.ok(["session", "new", "alex", "--template", "weekly"]);
    assert!(
        started.contains("\"Weekly check-in\" with Alex Kim"),
        "{started}"
    );
    assert!(
        started.contains("Added 5 agenda notes from the template \"weekly\""),
        "{started}"
    );
    let view = env.json(["session", "show"]);
    assert_eq!(view["title"], "Weekly check-in");
    let headings: Vec<&str> = view["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| {
            assert_eq!(n["visibility"], "shared");
            assert_eq!(n["author"]["role"], "coach");
            n["body"]
                .as_str()
                .expect("body")
                .lines()
                .next()
                .expect("line")
        })
        .collect();
    assert_eq!(
        headings,
        [
            "## Wins since last week :tada:",
            "## This week's focus metric",
            "## Customer feedback and QA reviews",
            "## Your topics",
            "## Actions",
        ],
        "one shared note per part, in the agenda's order"
    );
    // The member sees the agenda: it is what is shared before the 1:1.
    let theirs = env.json(["session", "show", "--as-member"]);
    assert_eq!(theirs["notes"].as_array().expect("notes").len(), 5);

    // --title wins over the template's title; a unique beginning is enough.
    let json = env.json([
        "session",
        "new",
        "jordan",
        "--template",
        "monthly",
        "--title",
        "Q1 goals",
    ]);
    assert_eq!(json["title"], "Q1 goals");
    let notes = env.json(["note", "list"]);
    assert_eq!(notes.as_array().expect("notes").len(), 5);
    assert!(notes[0]["body"]
        .as_str()
        .expect("body")
        .starts_with("## Looking back on last month's goals"));

    // A template without an agenda gives the title only.
    env.ok(["template", "add", "quick", "--title", "Quick sync"]);
    let quiet = env.ok(["session", "new", "alex", "--template", "quick", "-q"]);
    assert_eq!(quiet.lines().count(), 1, "--quiet prints the id only");
    assert_eq!(env.json(["note", "list"]), serde_json::json!([]));
    assert_eq!(env.json(["session", "show"])["title"], "Quick sync");
}

#[test]
fn the_recap_lists_what_was_noted_before_the_templates_prompts() {
    let env = with_templates();
    env.ok(["session", "new", "alex", "--template", "weekly"]);
    // A script adds a note at once: the coach's own words, not a prompt.
    env.ok(["note", "add", "Alex led the retro"]);
    let notes = env.json(["note", "list"]);
    let flags: Vec<bool> = notes
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| n["from_template"].as_bool().expect("from_template"))
        .collect();
    assert_eq!(flags, [true, true, true, true, true, false]);

    const RECAP: [&str; 6] = [
        "session",
        "show",
        "--as-member",
        "--format",
        "md",
        "--recap",
    ];
    let recap = env.ok(RECAP);
    let noted = recap.find("## Notes").expect("what was noted");
    let retro = recap.find("Alex led the retro").expect("the note");
    let agenda = recap.find("## From the agenda").expect("the prompts");
    let wins = recap.find("Wins since last week").expect("a prompt");
    assert!(noted < retro && retro < agenda && agenda < wins, "{recap}");

    // A prompt the coach edits becomes what was noted.
    let id = notes[3]["id"].as_str().expect("id");
    env.ok(["note", "edit", id, "Alex wants to lead the next retro"]);
    let recap = env.ok(RECAP);
    let edited = recap.find("Alex wants to lead").expect("the edited prompt");
    assert!(
        edited < recap.find("## From the agenda").expect("prompts"),
        "{recap}"
    );
    assert!(!recap[recap.find("## From the agenda").expect("prompts")..].contains("Your topics"));
}

#[test]
fn an_unknown_template_is_an_error_with_a_hint() {
    let empty = Env::with_team();
    let err = empty.fails(3, ["session", "new", "alex", "--template", "weekly"]);
    assert!(err.contains("there is no template \"weekly\""), "{err}");
    assert!(
        err.contains("hint: add one with: coach template add"),
        "{err}"
    );
    assert_eq!(empty.json(["session", "list"]), serde_json::json!([]));

    let env = with_templates();
    let err = env.fails(3, ["session", "new", "alex", "--template", "weekyl"]);
    assert!(err.contains("did you mean \"weekly\"?"), "{err}");
    let err = env.fails(3, ["session", "new", "alex", "--template", "zzz"]);
    assert!(
        err.contains("`coach template list` shows the templates"),
        "{err}"
    );
    env.ok([
        "template",
        "add",
        "monthly review",
        "--title",
        "Monthly review",
    ]);
    let err = env.fails(3, ["template", "show", "monthly"]);
    assert!(err.contains("matches several templates"), "{err}");
    assert_eq!(env.json(["session", "list"]), serde_json::json!([]));
}

#[test]
fn help_has_examples() {
    let env = Env::new();
    let help = env.ok(["template", "--help"]);
    assert!(help.contains("Examples:"), "{help}");
    let help = env.ok(["session", "new", "--help"]);
    assert!(help.contains("--template <NAME>"), "{help}");
    let help = env.ok(["note", "add", "--help"]);
    assert!(help.contains("--on <ITEM>"), "{help}");
}
