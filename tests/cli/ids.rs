//! Ids typed to commands that change or remove what they name: at least 4
//! characters; an ambiguous prefix lists at most 10 candidates and says how
//! many more.

use crate::common::Env;

/// Copies the one note of the world `n` times under ids starting with
/// `prefix`, as crafted records (or an unlucky history) could have them.
fn notes_starting_with(env: &Env, prefix: &str, n: usize) {
    let db = rusqlite::Connection::open(&env.db).expect("open");
    let columns: Vec<String> = db
        .prepare("SELECT name FROM pragma_table_info('notes') WHERE name <> 'id'")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("columns");
    let columns = columns.join(", ");
    for i in 0..n {
        let id = format!("{prefix}{i:0>width$}", width = 32 - prefix.len());
        db.execute(
            &format!(
                "INSERT INTO notes (id, {columns}) SELECT ?1, {columns} FROM notes WHERE id = (SELECT min(id) FROM notes)"
            ),
            [&id],
        )
        .expect("insert");
    }
}

#[test]
fn destructive_commands_need_four_characters_of_an_id() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    let note = env.json(["note", "add", "Keep me"])["id"]
        .as_str()
        .expect("id")
        .to_string();
    let action = env.json(["action", "add", "Send the deck"])["id"]
        .as_str()
        .expect("id")
        .to_string();
    let session = env.current_session();
    for args in [
        vec!["note", "rm", &note[..1]],
        vec!["note", "rm", &note[..3]],
        vec!["note", "edit", &note[..2], "changed"],
        vec!["action", "done", &action[..3]],
        vec!["action", "rm", &action[..1]],
        vec!["action", "edit", &action[..2], "--text", "changed"],
        vec!["session", "delete", &session[..3], "--yes"],
        vec!["session", "edit", &session[..3], "--title", "x"],
    ] {
        let err = env.fails(3, &args);
        assert!(err.contains("at least 4 characters"), "{args:?}: {err}");
    }
    // Four characters are enough.
    env.ok(["action", "done", &action[..4]]);
    env.ok(["note", "rm", &note[..4]]);
}

#[test]
fn an_ambiguous_id_lists_ten_candidates_and_counts_the_rest() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    env.ok(["note", "add", "The original"]);
    notes_starting_with(&env, "abcd", 14);
    let err = env.fails(3, ["note", "rm", "abcd"]);
    assert!(err.contains("matches several notes"), "{err}");
    assert!(err.contains("and 4 more"), "{err}");
    let first_line = err.lines().next().expect("line");
    assert_eq!(
        first_line.matches("abcd").count(),
        11,
        "the query and 10 ids: {err}"
    );
}
