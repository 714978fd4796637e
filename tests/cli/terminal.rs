//! Terminals and text: no escape sequence reaches a terminal, whether it
//! was typed in a note or stored before coach refused it; names compare in
//! NFC.

use crate::common::Env;

const ESC: char = '\u{1b}';

/// No raw escape, bell or bidirectional override in `text`.
fn safe_for_a_terminal(text: &str) {
    for c in [ESC, '\u{7}', '\u{202e}', '\u{9b}', '\r'] {
        assert!(!text.contains(c), "{c:?} reached the terminal: {text:?}");
    }
}

#[test]
fn a_note_with_escape_sequences_is_shown_escaped() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    env.ok([
        "note",
        "add",
        "Line one\n\tindented \u{1b}]0;pwned\u{7} and \u{1b}[2J cleared \u{202e}esrever",
    ]);
    let shown = env.ok(["session", "show"]);
    safe_for_a_terminal(&shown);
    assert!(
        shown.contains("\\e]0;pwned\\u{7} and \\e[2J cleared \\u{202e}esrever"),
        "{shown}"
    );
    assert!(shown.contains("Line one\n"), "line breaks stay: {shown}");
    assert!(shown.contains("\tindented"), "tabs stay: {shown}");
    let listed = env.ok(["note", "list"]);
    safe_for_a_terminal(&listed);

    // JSON keeps the text exactly, escaped the JSON way.
    let raw = env
        .coach(["session", "show", "--json"])
        .output()
        .expect("run")
        .stdout;
    let raw = String::from_utf8(raw).expect("utf-8");
    safe_for_a_terminal(&raw);
    let json: serde_json::Value = serde_json::from_str(&raw).expect("json");
    assert!(json.to_string().contains("\\u001b[2J"), "{json}");
    assert!(raw.contains("\\u202e"), "{raw}");
}

#[test]
fn text_stored_before_the_checks_is_shown_escaped() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex", "--title", "Weekly"]);
    // A name and a title written straight into the file, as an older coach
    // (or another program) could have.
    let db = rusqlite::Connection::open(&env.db).expect("open");
    db.execute(
        "UPDATE members SET name = 'Alex \u{1b}[2J\u{202e}miK' WHERE name = 'Alex Kim'",
        [],
    )
    .expect("update");
    db.execute(
        "UPDATE sessions SET title = 'Weekly\u{1b}]0;pwned\u{7}'",
        [],
    )
    .expect("update");
    drop(db);
    for args in [
        vec!["member", "list"],
        vec!["session", "list"],
        vec!["session", "show"],
        vec!["team"],
    ] {
        let shown = env.ok(&args);
        safe_for_a_terminal(&shown);
    }
    let shown = env.ok(["member", "list"]);
    assert!(shown.contains("Alex \\e[2J\\u{202e}miK"), "{shown}");
    // And in an error message.
    let output = env
        .coach(["member", "show", "nobody-like-that"])
        .output()
        .expect("run");
    safe_for_a_terminal(&String::from_utf8_lossy(&output.stderr));
    let output = env
        .coach(["member", "add", "Evil \u{1b}[2J"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(3));
    let err = String::from_utf8_lossy(&output.stderr);
    safe_for_a_terminal(&err);
    assert!(err.contains("Evil \\e[2J"), "{err}");
}

#[test]
fn a_name_typed_two_ways_is_one_member() {
    let env = Env::initialized();
    let precomposed = "Jos\u{e9} Garc\u{ed}a";
    let combining = "Jose\u{301} Garci\u{301}a";
    env.ok(["member", "add", combining]);
    let listed = env.json(["member", "list"]);
    assert_eq!(listed[0]["name"], precomposed, "stored in NFC");
    let err = env.fails(3, ["member", "add", precomposed]);
    assert!(err.contains("already a member named"), "{err}");
    let shown = env.json(["member", "show", combining]);
    assert_eq!(shown["name"], precomposed);
}
