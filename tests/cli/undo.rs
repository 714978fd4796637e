//! `coach undo`: the last commands taken back, never over a later change,
//! never an email as if it had not left.

use crate::common::{snapshot, Env};

fn list(env: &Env) -> Vec<(u64, String)> {
    env.json(["undo", "--list", "-n", "200"])
        .as_array()
        .expect("a list")
        .iter()
        .map(|e| {
            (
                e["n"].as_u64().expect("n"),
                e["command"].as_str().expect("command").to_string(),
            )
        })
        .collect()
}

fn note_bodies(env: &Env) -> Vec<String> {
    env.json(["note", "list"])
        .as_array()
        .expect("notes")
        .iter()
        .map(|n| n["body"].as_str().expect("body").to_string())
        .collect()
}

#[test]
fn undo_takes_back_the_last_command_then_the_one_before() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex", "--date", "2026-11-02"]);
    let first = env.current_session();
    env.ok(["note", "add", "Talked about the workload"]);
    let note = env.ok(["search", "workload", "-q"]).trim().to_string();
    env.ok(["note", "edit", &note, "Talked about rotas"]);
    env.ok(["session", "new", "jordan"]);

    let commands = list(&env);
    assert_eq!(commands[0], (1, "session new jordan".to_string()));
    assert_eq!(
        commands[1],
        (2, format!("note edit {note} 'Talked about rotas'"))
    );
    assert_eq!(commands[2].1, "note add 'Talked about the workload'");

    // The new session goes, and the current session is Alex's again.
    let out = env.ok(["undo"]);
    assert!(out.contains("Undid session new jordan"), "{out}");
    assert_eq!(env.current_session(), first);
    assert_eq!(
        env.json(["session", "list"]).as_array().map(Vec::len),
        Some(1)
    );

    // The edit goes: the old text is back, in the notes and in search.
    env.ok(["undo"]);
    assert_eq!(note_bodies(&env), ["Talked about the workload"]);
    assert_eq!(env.ok(["search", "workload", "-q"]).trim(), note);
    assert_eq!(env.ok(["search", "rotas", "-q"]).trim(), "");

    // The note goes: not in the session, not found.
    env.ok(["undo"]);
    assert!(note_bodies(&env).is_empty());
    assert_eq!(env.ok(["search", "workload", "-q"]).trim(), "");
    assert_eq!(list(&env)[0].1, "session new alex --date 2026-11-02");
}

#[test]
fn undo_n_takes_back_several_in_one_transaction() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    env.ok(["action", "add", "Shadow a team lead shift"]);
    let action = env.ok(["action", "list", "-q"]).trim().to_string();
    env.ok(["action", "done", &action]);
    env.ok(["kudos", "Great week"]);

    let undone = env.json(["undo", "3"]);
    let commands: Vec<&str> = undone
        .as_array()
        .expect("list")
        .iter()
        .map(|e| e["command"].as_str().expect("command"))
        .collect();
    assert_eq!(
        commands,
        [
            "kudos 'Great week'",
            &format!("action done {action}") as &str,
            "action add 'Shadow a team lead shift'"
        ]
    );
    assert_eq!(undone[0]["changes"][0]["table"], "kudos");
    assert_eq!(undone[0]["changes"][0]["added"], 1);
    assert_eq!(env.ok(["action", "list", "--all", "-q"]).trim(), "");
    assert_eq!(env.ok(["kudos", "list", "-q"]).trim(), "");
    assert_eq!(list(&env)[0].1, "session new alex");

    // More than there is: an error, and nothing is undone.
    let err = env.fails(3, ["undo", "9"]);
    assert!(err.contains("only 4 commands"), "{err}");
    env.fails(2, ["undo", "0"]);
    env.fails(2, ["undo", "2", "--list"]);
}

#[test]
fn nothing_to_undo_is_said_and_failed_commands_are_not_recorded() {
    let env = Env::new();
    assert_eq!(env.ok(["undo", "--list"]), "", "an empty log lists nothing");
    let err = env.fails(3, ["undo"]);
    assert!(err.contains("nothing to undo"), "{err}");
    env.ok(["init", "--name", "Sam Lee", "--email", "sam@example.com"]);
    let before = list(&env);
    env.fails(3, ["session", "new", "nobody"]);
    env.ok(["member", "list"]);
    assert_eq!(
        list(&env),
        before,
        "failed commands and reads are not recorded"
    );
    // Undo is not recorded either: undoing again goes further back.
    env.ok(["member", "add", "Casey Moss"]);
    env.ok(["undo"]);
    assert_eq!(list(&env), before);
}

#[test]
fn a_change_made_outside_the_log_is_never_overwritten() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    env.ok(["note", "add", "First version"]);
    env.ok(["action", "add", "Read the guide"]);
    // Someone edits the note with the sqlite3 shell.
    {
        let conn = rusqlite::Connection::open(&env.db).expect("open");
        conn.execute(
            "UPDATE notes SET body = 'Edited outside', updated_at = '2030-01-01T00:00:00.000Z'",
            [],
        )
        .expect("edit");
    }
    // The last command does not touch the note: it is undone.
    env.ok(["undo"]);
    // The one before added the note, changed since: refused, and `fails`
    // checks that the file was left exactly as it was.
    let err = env.fails(3, ["undo"]);
    assert!(
        err.contains("cannot undo `note add 'First version'`"),
        "{err}"
    );
    assert!(err.contains("the note"), "{err}");
    assert_eq!(note_bodies(&env), ["Edited outside"]);
}

#[test]
fn a_conflict_in_an_older_command_undoes_none_of_them() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    env.ok(["note", "add", "Keep me"]);
    {
        let conn = rusqlite::Connection::open(&env.db).expect("open");
        conn.execute("UPDATE notes SET body = 'Edited outside'", [])
            .expect("edit");
    }
    env.ok(["kudos", "Great week"]);
    env.fails(3, ["undo", "2"]);
    assert_eq!(
        env.json(["kudos", "list"]).as_array().map(Vec::len),
        Some(1)
    );
}

#[test]
fn a_sent_email_stays_sent_and_only_the_local_record_is_undone_when_asked() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    env.ok(["note", "add", "Agenda point"]);
    env.ok(["share"]);
    let outbox = env.dir.path().join("outbox");
    let sent: Vec<_> = std::fs::read_dir(&outbox).expect("outbox").collect();
    assert_eq!(sent.len(), 1);
    let entry = &env.json(["undo", "--list"])[0];
    assert_eq!(entry["emails"][0]["kind"], "agenda");
    assert_eq!(entry["emails"][0]["outcome"], "sent");
    assert_eq!(entry["emails"][0]["recipients"][0], "alex@example.com");

    let err = env.fails(3, ["undo"]);
    assert!(err.contains("sent the agenda"), "{err}");
    assert!(err.contains("alex@example.com"), "{err}");
    assert!(err.contains("--local-only"), "{err}");

    let output = env.coach(["undo", "--local-only"]).output().expect("run");
    assert!(output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("stays sent"),
        "it says so"
    );
    let session = env.json(["session", "show"]);
    assert_eq!(session["status"], "draft");
    assert_eq!(env.json(["share", "log"]).as_array().map(Vec::len), Some(0));
    assert_eq!(
        std::fs::read_dir(&outbox).expect("outbox").count(),
        1,
        "the message that left is not touched"
    );
    assert_eq!(note_bodies(&env), ["Agenda point"]);
}

#[test]
fn an_undone_attachment_takes_its_file_along_unless_another_uses_it() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    let file = env.dir.path().join("scorecard.csv");
    std::fs::write(&file, "metric,value\nCSAT,4.7\n").expect("write");
    let other = env.dir.path().join("other.csv");
    std::fs::write(&other, "something else\n").expect("write");
    env.ok(["attach", file.to_str().expect("path")]);
    env.ok(["attach", file.to_str().expect("path"), "--name", "copy.csv"]);
    env.ok(["attach", other.to_str().expect("path")]);
    let store = env.dir.path().join("attachments");
    let files = || std::fs::read_dir(&store).expect("store").count();
    assert_eq!(files(), 2);

    env.ok(["undo"]);
    assert_eq!(files(), 1, "other.csv's content went with its attachment");
    env.ok(["undo"]);
    assert_eq!(
        files(),
        1,
        "the first attachment still uses scorecard.csv's content"
    );
    env.ok(["undo"]);
    assert_eq!(files(), 0);
    assert_eq!(env.ok(["attachment", "list", "-q"]).trim(), "");
}

#[test]
fn the_last_hundred_commands_are_kept() {
    let env = Env::initialized();
    let before = snapshot(&env.db);
    for i in 0..103 {
        env.ok([
            "config",
            "set",
            "session.default-title",
            &format!("Check-in {i}"),
        ]);
    }
    assert_ne!(snapshot(&env.db), before);
    let commands = list(&env);
    assert_eq!(commands.len(), 100);
    assert_eq!(
        commands[0].1,
        "config set session.default-title 'Check-in 102'"
    );
    assert_eq!(
        commands[99].1,
        "config set session.default-title 'Check-in 3'"
    );
    env.ok(["undo", "100"]);
    assert_eq!(
        env.json(["config", "get", "session.default-title"])["value"],
        "Check-in 2"
    );
    let err = env.fails(3, ["undo"]);
    assert!(err.contains("nothing to undo"), "{err}");
}

#[test]
fn a_deleted_note_stays_deleted_and_its_text_leaves_the_log() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    env.ok(["note", "add", "--private", "ERASE-ME-canary-41f0"]);
    let note = env.ok(["note", "list", "-q"]).trim().to_string();
    env.ok(["note", "rm", &note]);
    let err = env.fails(3, ["undo"]);
    assert!(err.contains("erased for good"), "{err}");
    let conn = rusqlite::Connection::open(&env.db).expect("open");
    let kept: i64 = conn
        .query_row(
            "SELECT count(*) FROM undo_rows WHERE old LIKE '%ERASE-ME%' OR new LIKE '%ERASE-ME%'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert_eq!(kept, 0, "the undo log keeps no text of a deleted note");
    let changes: i64 = conn
        .query_row(
            "SELECT count(*) FROM undo_rows WHERE tbl = 'notes'",
            [],
            |r| r.get(0),
        )
        .expect("count");
    assert!(changes >= 2, "the changes themselves are still there");
}

/// An import is one command: undone as a whole, its rows gone from lists
/// and from search, whatever the number of rows (they are logged by
/// fingerprint, not by value).
#[test]
fn an_import_is_undone_whole_and_refused_once_a_row_changed_outside() {
    let env = Env::with_team();
    let feedback = env.dir.path().join("feedback.csv");
    let mut csv = String::from("member,comment,rating,date\n");
    for i in 0..600 {
        let who = if i % 2 == 0 { "alex" } else { "jordan" };
        csv.push_str(&format!(
            "{who},Ticket {i}: solved the zebracorn case,{},2026-{:02}-{:02}\n",
            1 + i % 5,
            1 + i % 11,
            1 + i % 27
        ));
    }
    std::fs::write(&feedback, csv).expect("write");
    let metrics = env.dir.path().join("metrics.csv");
    std::fs::write(
        &metrics,
        "member,metric,value,date\nalex,CSAT,75,2026-11-02\nalex,CSAT,4.35,2026-11-09\njordan,AHT,0.1,2026-11-02\n",
    )
    .expect("write");

    env.ok([
        "save",
        "feedback",
        "--from",
        feedback.to_str().expect("path"),
    ]);
    env.ok(["metric", "import", metrics.to_str().expect("path")]);
    let saved = |env: &Env| env.json(["saved", "-n", "1000"]).as_array().map(Vec::len);
    assert_eq!(saved(&env), Some(600));
    assert_eq!(
        env.ok(["search", "zebracorn", "-q", "-n", "1000"])
            .lines()
            .count(),
        600
    );

    // The metric import goes: REAL values (75 is kept as 75.0) match.
    let out = env.ok(["undo"]);
    assert!(out.contains("Undid metric import"), "{out}");
    assert_eq!(
        env.json(["metric", "list", "alex"])
            .as_array()
            .map(Vec::len),
        Some(0)
    );

    // A feedback item changed outside coach: the import is not undone.
    let conn = rusqlite::Connection::open(&env.db).expect("open");
    let last = "(SELECT max(id) FROM feedback)";
    let original: String = conn
        .query_row(
            &format!("SELECT comment FROM feedback WHERE id = {last}"),
            [],
            |r| r.get(0),
        )
        .expect("a comment");
    let set = |comment: &str| {
        conn.execute(
            &format!("UPDATE feedback SET comment = ?1 WHERE id = {last}"),
            [comment],
        )
        .expect("edit");
    };
    set("Edited outside");
    let err = env.fails(3, ["undo"]);
    assert!(err.contains("cannot undo `save feedback --from"), "{err}");
    assert_eq!(saved(&env), Some(600));

    // Put back as the import left it, it is undone whole.
    set(&original);
    let out = env.ok(["undo"]);
    assert!(out.contains("Undid save feedback --from"), "{out}");
    assert_eq!(saved(&env), Some(0));
    assert_eq!(env.ok(["search", "zebracorn", "-q"]), "");
}

/// A command that sent many emails says how many, not each one.
#[test]
fn the_list_counts_the_emails_a_command_sent() {
    let env = Env::with_team();
    for member in ["alex", "jordan"] {
        env.ok(["session", "new", member, "--date", "2026-11-02"]);
        env.ok(["note", "add", "Talked about the rota"]);
    }
    env.ok(["share", "--recap", "--pending"]);
    let list = env.ok(["undo", "--list"]);
    assert!(list.contains("sent 2 recaps"), "{list}");
    assert!(!list.contains("the recap and the recap"), "{list}");
}
