//! The records as stored: a stored word or time that coach cannot read
//! (a file edited by hand, or written by a newer version) is an error that
//! names what is wrong, with exit 4; never a panic, never a default.

use crate::common::Env;

/// Runs SQL on the database behind coach's back, CHECK constraints off (a
/// hostile file has none).
fn tamper(env: &Env, sql: &str) {
    let conn = rusqlite::Connection::open(&env.db).expect("open");
    conn.execute_batch(&format!("PRAGMA ignore_check_constraints = ON; {sql}"))
        .expect("tamper");
}

#[test]
fn an_unknown_stored_word_is_an_error_naming_the_record() {
    let cases = [
        (
            "UPDATE sessions SET status = 'archived'",
            vec!["session", "list"],
            "unknown session status \"archived\"",
        ),
        (
            "UPDATE actions SET owner = 'boss'",
            vec!["action", "list"],
            "unknown action owner \"boss\"",
        ),
        (
            "UPDATE kudos SET kind = 'luck'",
            vec!["kudos", "list"],
            "unknown kudos kind \"luck\"",
        ),
        (
            "UPDATE feedback SET tone = 'meh'",
            vec!["session", "show"],
            "unknown saved item tone \"meh\"",
        ),
    ];
    for (sql, args, message) in cases {
        let env = Env::with_team();
        env.ok([
            "save",
            "feedback",
            "alex",
            "--comment",
            "Great help",
            "--positive",
        ]);
        env.ok(["session", "new", "alex"]);
        env.ok(["session", "add-saved", "--all"]);
        env.ok(["action", "add", "Shadow a shift"]);
        env.ok(["kudos", "Calm under pressure", "--for", "effort"]);
        tamper(&env, sql);
        let err = env.fails(4, &args);
        assert!(err.contains(message), "{args:?}: {err}");
    }
}

#[test]
fn a_stored_time_that_cannot_be_read_is_an_error_not_a_panic() {
    for time in ["yesterday", "2026-13-45T99:00:00.000Z", ""] {
        let env = Env::with_team();
        let id = env.ok(["session", "new", "alex", "-q"]);
        tamper(&env, &format!("UPDATE sessions SET held_at = '{time}'"));
        for args in [
            vec!["session", "list"],
            vec!["session", "show", id.trim()],
            vec!["session", "show"],
        ] {
            let err = env.fails(4, &args);
            assert!(
                err.contains("not in the form") && err.contains("held_at"),
                "{args:?} with {time:?}: {err}"
            );
        }
    }
}
