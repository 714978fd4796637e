//! Calendar invites: the agenda email carries the 1:1 as an iCalendar
//! event (a `text/calendar; method=REQUEST` part and `invite.ics`), a
//! resend after a new date updates the same event, and deleting the
//! session can cancel it. Every invite is read back with a real parser
//! (mail-parser for the MIME, icalendar's parser for the event).

use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use icalendar::{CalendarDateTime, Component, DatePerhapsTime};
use mail_parser::MimeHeaders;

use crate::common::Env;

/// The calendar carried by one sent email: the `method=` of its
/// text/calendar part, that part's text, and the invite.ics attachment's.
pub(crate) struct Carried {
    pub(crate) method: String,
    pub(crate) part: String,
    pub(crate) file: String,
}

/// The calendar of the raw message `raw`, or `None` when it carries none.
pub(crate) fn calendar_of(raw: &[u8]) -> Option<Carried> {
    let message = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("a MIME message");
    let mut method = None;
    let mut part = None;
    let mut file = None;
    for p in message.parts.iter() {
        let Some(ct) = p.content_type() else { continue };
        let essence = format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or_default());
        if essence == "text/calendar" {
            method = ct.attribute("method").map(str::to_string);
            part = p.text_contents().map(str::to_string);
        } else if essence == "application/ics" {
            assert_eq!(p.attachment_name(), Some("invite.ics"));
            file = Some(String::from_utf8(p.contents().to_vec()).expect("UTF-8 ics"));
        }
    }
    Some(Carried {
        method: method?,
        part: part.expect("the calendar part's text"),
        file: file.expect("invite.ics beside the part"),
    })
}

/// The one event of an iCalendar text, parsed, with its METHOD.
pub(crate) fn the_event(ics: &str) -> (String, icalendar::Event) {
    let calendar: icalendar::Calendar = ics.parse().expect("the invite parses");
    let events: Vec<icalendar::Event> = calendar.events().cloned().collect();
    assert_eq!(events.len(), 1, "one VEVENT: {ics}");
    let method = calendar
        .property_value("METHOD")
        .expect("METHOD")
        .to_string();
    (method, events.into_iter().next().expect("event"))
}

/// A UTC instant of a parsed DTSTART/DTEND.
pub(crate) fn utc(at: Option<DatePerhapsTime>) -> DateTime<Utc> {
    match at {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(at))) => at,
        other => panic!("a UTC date-time, not {other:?}"),
    }
}

/// The .eml files of the outbox, oldest first.
fn sent(env: &Env) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(env.dir.path().join("outbox"))
        .map(|dir| dir.map(|e| e.expect("entry").path()).collect())
        .unwrap_or_default();
    files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    files
}

fn invite_in(path: &Path) -> (Carried, String, icalendar::Event) {
    let raw = std::fs::read(path).expect("eml");
    let carried = calendar_of(&raw).expect("an invite");
    assert_eq!(
        carried.part.replace("\r\n", "\n").trim_end(),
        carried.file.replace("\r\n", "\n").trim_end(),
        "the part and the file are the same invite"
    );
    let (method, event) = the_event(&carried.part);
    assert_eq!(method, carried.method, "METHOD inside = method= outside");
    (carried, method, event)
}

/// Alex in Chicago; a 1:1 at 20:30 UTC (14:30 in Chicago, CST), 45 minutes.
fn a_shared_agenda() -> (Env, String) {
    let env = Env::with_team();
    env.ok(["member", "edit", "alex", "--timezone", "America/Chicago"]);
    env.ok(["config", "set", "session.duration", "45"]);
    let session = env
        .ok([
            "session",
            "new",
            "alex",
            "-q",
            "--title",
            "Weekly check-in; Q4, \"goals\"",
            "--date",
            "2026-12-03 20:30",
        ])
        .trim()
        .to_string();
    env.ok(["note", "add", "Talk about the **retro**, and the roadmap"]);
    env.ok(["note", "add", "--by", "alex", "Team lead role"]);
    env.ok(["note", "add", "--private", "PRIVATE-CANARY-91f2"]);
    env.ok(["share", &session]);
    (env, session)
}

#[test]
fn the_agenda_carries_the_1_1_as_an_invite_in_the_members_zone() {
    let (env, session) = a_shared_agenda();
    let files = sent(&env);
    assert_eq!(files.len(), 1);
    let (_, method, event) = invite_in(&files[0]);
    assert_eq!(method, "REQUEST");
    assert_eq!(event.get_uid(), Some(format!("{session}@coach").as_str()));
    assert_eq!(event.get_sequence(), Some(0));
    assert_eq!(event.get_summary(), Some("Weekly check-in; Q4, \"goals\""));

    let start = utc(event.get_start());
    let chicago = start.with_timezone(&chrono_tz::America::Chicago);
    assert_eq!(
        chicago.format("%Y-%m-%d %H:%M %Z").to_string(),
        "2026-12-03 14:30 CST",
        "the member's time"
    );
    assert_eq!(
        utc(event.get_end()) - start,
        chrono::Duration::minutes(45),
        "session.duration"
    );

    let description = event.get_description().expect("the talking points");
    assert!(
        description.contains("Talk about the retro, and the roadmap"),
        "{description}"
    );
    assert!(
        description.contains("Alex Kim:\nTeam lead role"),
        "{description}"
    );
    assert!(!description.contains("**"), "plain text: {description}");
    assert!(!description.contains("PRIVATE-CANARY"), "{description}");

    let raw = String::from_utf8_lossy(&std::fs::read(&files[0]).expect("eml")).replace("=\r\n", "");
    let ics = calendar_of(raw.as_bytes()).expect("invite").part;
    assert!(
        ics.contains("ORGANIZER;CN=Sam Lee:mailto:sam@example.com"),
        "{ics}"
    );
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains("CN=Alex Kim;"), "{unfolded}");
    assert!(unfolded.contains(":mailto:alex@example.com"), "{unfolded}");

    // The log keeps what the invite said, for the next one.
    let db = rusqlite::Connection::open(&env.db).expect("db");
    let (start_stored, sequence): (String, i64) = db
        .query_row(
            "SELECT event_start, event_sequence FROM shares WHERE kind = 'agenda'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the share");
    assert_eq!(
        (start_stored.as_str(), sequence),
        ("2026-12-03T20:30:00.000Z", 0)
    );
}

#[test]
fn a_resend_after_a_new_date_updates_the_same_event() {
    let (env, session) = a_shared_agenda();
    // Same time again: the same event, the same SEQUENCE.
    env.ok(["share", &session, "--resend"]);
    env.ok(["session", "edit", &session, "--date", "2026-12-04 16:00"]);
    env.ok(["share", &session, "--resend"]);
    let events: Vec<icalendar::Event> = sent(&env).iter().map(|p| invite_in(p).2).collect();
    assert_eq!(events.len(), 3);
    let uids: Vec<_> = events
        .iter()
        .map(|e| e.get_uid().expect("uid").to_string())
        .collect();
    assert!(
        uids.iter().all(|u| *u == format!("{session}@coach")),
        "{uids:?}"
    );
    let sequences: Vec<_> = events
        .iter()
        .map(|e| e.get_sequence().expect("seq"))
        .collect();
    assert_eq!(sequences, [0, 0, 1]);
    assert_eq!(
        utc(events[2].get_start()),
        Utc.with_ymd_and_hms(2026, 12, 4, 16, 0, 0)
            .single()
            .expect("time")
    );
}

#[test]
fn deleting_a_session_whose_invite_went_out_offers_to_cancel_it() {
    let (env, session) = a_shared_agenda();
    env.ok(["session", "edit", &session, "--date", "2026-12-05 16:00"]);
    env.ok(["share", &session, "--resend"]);

    // No terminal, no flag: say what to do, delete nothing.
    let before = crate::common::snapshot(&env.db);
    let err = env.fails(2, ["session", "delete", &session, "--yes"]);
    assert!(err.contains("calendar invite"), "{err}");
    assert!(
        err.contains("--cancel-invite") && err.contains("--no-cancel-invite"),
        "{err}"
    );
    assert_eq!(crate::common::snapshot(&env.db), before, "nothing changed");
    assert_eq!(sent(&env).len(), 2, "nothing sent");

    let out = env.ok(["session", "delete", &session, "--yes", "--cancel-invite"]);
    assert!(out.contains("cancellation"), "{out}");
    let files = sent(&env);
    assert_eq!(files.len(), 3);
    let (carried, method, event) = invite_in(&files[2]);
    assert_eq!(
        (method.as_str(), carried.method.as_str()),
        ("CANCEL", "CANCEL")
    );
    assert_eq!(event.get_uid(), Some(format!("{session}@coach").as_str()));
    assert_eq!(
        event.get_sequence(),
        Some(2),
        "one more than the last invite"
    );
    assert_eq!(event.property_value("STATUS"), Some("CANCELLED"));
    assert_eq!(
        utc(event.get_start()),
        Utc.with_ymd_and_hms(2026, 12, 5, 16, 0, 0)
            .single()
            .expect("time")
    );
    let raw = std::fs::read_to_string(&files[2]).expect("eml");
    assert!(
        raw.contains("Subject: Cancelled: 1:1 with Alex Kim"),
        "{raw}"
    );
    assert!(!raw.contains("PRIVATE-CANARY"));
    assert!(env
        .fails(3, ["session", "show", &session])
        .contains("no session"));
}

#[test]
fn a_session_without_a_sent_invite_is_deleted_without_asking_about_one() {
    let env = Env::with_team();
    let session = env.ok(["session", "new", "alex", "-q"]).trim().to_string();
    env.ok(["session", "delete", &session, "--yes"]);
    assert!(sent(&env).is_empty());

    // --no-cancel-invite deletes and sends nothing.
    let (env, session) = a_shared_agenda();
    env.ok(["session", "delete", &session, "--yes", "--no-cancel-invite"]);
    assert_eq!(sent(&env).len(), 1, "only the agenda");
}

#[test]
fn the_recap_carries_no_invite() {
    let (env, session) = a_shared_agenda();
    env.ok(["share", "--recap", &session]);
    let files = sent(&env);
    assert_eq!(files.len(), 2);
    assert!(calendar_of(&std::fs::read(&files[1]).expect("eml")).is_none());
}
