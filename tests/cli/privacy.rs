//! The privacy guarantee, end to end: a private note, and a private note
//! dedicated to each kind of item, never leave their author. Every output
//! meant for the team member (or for handing out) is checked, with every
//! item kind present in the session.

use crate::common::Env;

const MARKERS: [&str; 5] = [
    "PRIV-BLOCK-4c1e",
    "PRIV-METRIC-88aa",
    "PRIV-FEEDBACK-19f0",
    "PRIV-QA-7d2b",
    "PRIV-ATTACHMENT-e3c5",
];
const SHARED: &str = "SHARED-VISIBLE-a1b2";

/// A session holding every kind of item, each with a private dedicated
/// note, plus a private note in the block and one shared note.
fn a_session_with_secrets() -> (Env, String) {
    let env = Env::with_team();
    env.ok([
        "metric",
        "record",
        "alex",
        "CSAT",
        "4.6",
        "--target",
        "4.5",
        "--date",
        "2026-11-20",
    ]);
    env.ok([
        "save",
        "feedback",
        "alex",
        "--comment",
        "Great help",
        "--rating",
        "5",
    ]);
    env.ok(["save", "qa", "alex", "--score", "72", "--reviewer", "Riley"]);
    let session = env
        .ok(["session", "new", "alex", "-q", "--date", "2026-11-27 10:00"])
        .trim()
        .to_string();
    env.ok(["session", "add-saved", "--all"]);
    env.ok(["metric", "add", "CSAT"]);
    let file = env.dir.path().join("scorecard.csv");
    std::fs::write(&file, "CSAT,4.6\n").expect("write");
    env.ok(["attach", file.to_str().expect("path")]);
    env.ok(["kudos", "Calm under pressure", "--for", "effort"]);
    env.ok([
        "action",
        "add",
        "Shadow a team lead shift",
        "--due",
        "2026-12-04",
    ]);
    env.ok(["note", "add", SHARED]);
    env.ok(["note", "add", "--private", MARKERS[0]]);

    let view = env.json(["session", "show"]);
    let item = |kind: &str| view[kind][0]["id"].as_str().expect(kind).to_string();
    for (kind, marker) in [
        ("metrics", MARKERS[1]),
        ("feedback", MARKERS[2]),
        ("qa_reviews", MARKERS[3]),
        ("attachments", MARKERS[4]),
    ] {
        env.ok(["note", "add", "--private", "--on", &item(kind), marker]);
        env.ok([
            "note",
            "add",
            "--on",
            &item(kind),
            &format!("{SHARED} on {kind}"),
        ]);
    }
    (env, session)
}

fn assert_clean(what: &str, text: &str) {
    for marker in MARKERS {
        assert!(
            !text.contains(marker),
            "{what} leaks the private note {marker}"
        );
    }
    assert!(
        text.contains(SHARED),
        "{what} should show the shared note (so this check can fail)"
    );
}

#[test]
fn my_own_view_shows_every_private_note() {
    let (env, _) = a_session_with_secrets();
    let mine = env.ok(["session", "show"]);
    let json = env.ok(["session", "show", "--json"]);
    for marker in MARKERS {
        assert!(mine.contains(marker), "my view shows {marker}");
        assert!(json.contains(marker), "my JSON shows {marker}");
    }
}

#[test]
fn nothing_the_member_gets_holds_a_private_note() {
    let (env, session) = a_session_with_secrets();
    let outputs = [
        (
            "show --as-member",
            env.ok(["session", "show", "--as-member"]),
        ),
        (
            "show --as-member --json",
            env.ok(["session", "show", "--as-member", "--json"]),
        ),
        (
            "show --format md",
            env.ok(["session", "show", "--as-member", "--format", "md"]),
        ),
        (
            "show --format md --recap",
            env.ok([
                "session",
                "show",
                "--as-member",
                "--format",
                "md",
                "--recap",
            ]),
        ),
        (
            "show --format html",
            env.ok(["session", "show", "--as-member", "--format", "html"]),
        ),
        (
            "show --format text",
            env.ok(["session", "show", "--as-member", "--format", "text"]),
        ),
        ("share --dry-run", env.ok(["share", "--dry-run"])),
        (
            "share --recap --dry-run",
            env.ok(["share", "--recap", "--dry-run"]),
        ),
        (
            "share --dry-run --json",
            env.ok(["share", "--dry-run", "--json"]),
        ),
        ("member stream", env.ok(["member", "stream", "alex"])),
        (
            "member stream --json",
            env.ok(["member", "stream", "alex", "--json"]),
        ),
        (
            "share --digest --dry-run",
            env.ok([
                "share",
                "--digest",
                "alex",
                "--since",
                "2026-11-01",
                "--dry-run",
            ]),
        ),
        (
            "share --digest --dry-run --json",
            env.ok([
                "share",
                "--digest",
                "alex",
                "--since",
                "2026-11-01",
                "--dry-run",
                "--json",
            ]),
        ),
        ("export", env.ok(["export"])),
        ("export --member", env.ok(["export", "--member", "alex"])),
    ];
    for (what, text) in &outputs {
        if what.starts_with("member stream") {
            // The stream shows notes of the shared block, not item notes.
            for marker in MARKERS {
                assert!(!text.contains(marker), "{what} leaks {marker}");
            }
            continue;
        }
        if what.starts_with("share") {
            // The raw MIME message encodes its parts; decode before looking.
            let decoded = decode_mime(text);
            assert_clean(what, &decoded);
            continue;
        }
        assert_clean(what, text);
    }

    // What actually went out: the .eml files in the outbox.
    env.ok(["share", &session]);
    env.ok(["share", "--recap", &session]);
    env.ok(["share", "--digest", "alex", "--since", "2026-11-01"]);
    let outbox = env.dir.path().join("outbox");
    let mut sent = 0;
    let mut invites = 0;
    for entry in std::fs::read_dir(&outbox).expect("outbox") {
        let raw = std::fs::read(entry.expect("entry").path()).expect("eml");
        let message = mail_parser::MessageParser::default()
            .parse(&raw)
            .expect("a MIME message");
        let text: String = message
            .text_bodies()
            .filter_map(|p| p.text_contents())
            .collect();
        let html: String = message
            .html_bodies()
            .filter_map(|p| p.text_contents())
            .collect();
        assert_clean("the sent text part", &text);
        assert_clean("the sent HTML part", &html);
        assert_clean(
            "the raw message",
            &String::from_utf8_lossy(&raw).replace("=\r\n", ""),
        );
        // The agenda's calendar invite: the part and invite.ics, unfolded.
        if let Some(invite) = crate::invite::calendar_of(&raw) {
            let (_, event) = crate::invite::the_event(&invite.part);
            let description =
                icalendar::Component::property_value(&event, "DESCRIPTION").unwrap_or_default();
            assert_clean("the invite's description", description);
            for ics in [&invite.part, &invite.file] {
                assert_clean("the calendar invite", &ics.replace("\r\n ", ""));
            }
            invites += 1;
        }
        sent += 1;
    }
    assert_eq!(invites, 1, "the agenda carried an invite");
    assert_eq!(
        sent, 3,
        "the agenda, the recap and the digest were written to the outbox"
    );

    let folder = env.dir.path().join("md");
    env.ok([
        "export",
        "--format",
        "markdown",
        "--output",
        folder.to_str().expect("path"),
    ]);
    for entry in std::fs::read_dir(&folder).expect("folder") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("md");
        assert_clean("the Markdown export", &text);
    }
}

/// The readable text of every part of a raw message (or the text as it is
/// when it is not one).
pub(crate) fn decode_mime(text: &str) -> String {
    match mail_parser::MessageParser::default().parse(text.as_bytes()) {
        Some(message) if message.parts.len() > 1 => {
            let mut all = String::new();
            for part in message.parts.iter() {
                if let Some(body) = part.text_contents() {
                    all.push_str(body);
                }
            }
            all.push_str(text);
            all
        }
        _ => text.to_string(),
    }
}

#[test]
fn a_note_with_an_unknown_visibility_is_an_error_never_shared() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex"]);
    env.ok(["note", "add", SHARED]);
    env.ok(["note", "add", "--private", MARKERS[0]]);
    {
        // A file edited by hand, or written by a newer version.
        let conn = rusqlite::Connection::open(&env.db).expect("open");
        conn.execute_batch(&format!(
            "PRAGMA ignore_check_constraints = ON;
             UPDATE notes SET visibility = 'team' WHERE body = '{}';",
            MARKERS[0]
        ))
        .expect("edit");
    }
    let err = env.fails(4, ["session", "show"]);
    assert!(
        err.contains("unknown note visibility \"team\""),
        "the error names the record and the value: {err}"
    );
    // What the member sees reads shared notes only: the unknown one is
    // never taken for shared.
    assert_clean(
        "show --as-member",
        &env.ok(["session", "show", "--as-member", "--json"]),
    );
    assert_clean("export", &env.ok(["export"]));
}
