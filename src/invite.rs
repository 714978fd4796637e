//! Calendar invites (iCalendar, RFC 5545 with iTIP methods, RFC 5546): the
//! agenda email carries one VEVENT so that Gmail, Outlook and Apple Mail
//! offer to add the 1:1; deleting a session whose agenda was sent can
//! cancel it.
//!
//! As those clients expect (and as Google Calendar's own invitations are
//! built), the event travels twice: as a `text/calendar; method=...` part
//! beside the plain text and HTML, and as an `invite.ics` attachment
//! (`mail.rs` places both). Times are written in UTC, which every client
//! shows in its own zone; the email's text shows the member's.
//!
//! What goes in comes from the member's view only (the title and the
//! shared talking points): a private note has no way in.

use chrono::{DateTime, Duration, Utc};
use icalendar::{Attendee, Calendar, Component, EventLike, EventStatus, PartStat, Property, Role};

use crate::mail::Address;

/// What the invite asks of the member's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Add the 1:1, or update it (same UID, higher SEQUENCE).
    Request,
    /// Remove it.
    Cancel,
}

impl Method {
    /// The iTIP method, as in `METHOD:` and `text/calendar; method=`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// One 1:1 as a calendar event.
#[derive(Debug, Clone)]
pub struct Event {
    /// Stable per session: see [`uid`].
    pub uid: String,
    /// 0 for the first invite; one more for each change of its time, and
    /// for the cancellation.
    pub sequence: u32,
    pub start: DateTime<Utc>,
    pub minutes: u64,
    /// The session's title.
    pub summary: String,
    /// The talking points as plain text; empty for none.
    pub description: String,
    /// The coach.
    pub organizer: Address,
    /// The member.
    pub attendee: Address,
}

/// The event's UID: the session's id, so every invite and cancellation of
/// one session names the same event.
pub fn uid(session_id: &str) -> String {
    format!("{session_id}@coach")
}

/// The next SEQUENCE: the same while the time is unchanged, one more when
/// it moved (RFC 5546 3.2.2: a new time is a significant change).
pub fn next_sequence(last: Option<(DateTime<Utc>, u32)>, start: DateTime<Utc>) -> u32 {
    match last {
        None => 0,
        Some((sent_start, sequence)) if sent_start == start => sequence,
        Some((_, sequence)) => sequence.saturating_add(1),
    }
}

/// When the event ends: `minutes` after its start (`session.duration`,
/// at most 480; a length that cannot be a time leaves it at its start,
/// rather than at a default of its own).
fn end(event: &Event) -> DateTime<Utc> {
    i64::try_from(event.minutes)
        .ok()
        .and_then(Duration::try_minutes)
        .and_then(|length| event.start.checked_add_signed(length))
        .unwrap_or(event.start)
}

/// The VCALENDAR text (CRLF lines, folded at 75 octets) of `event` sent
/// with `method`, stamped `now`.
pub fn calendar(event: &Event, method: Method, now: DateTime<Utc>) -> String {
    let mut vevent = icalendar::Event::new();
    vevent
        .uid(&event.uid)
        .sequence(event.sequence)
        .timestamp(now)
        .starts(event.start)
        .ends(end(event))
        .summary(&event.summary)
        .append_property(organizer(&event.organizer))
        .attendee(
            Attendee::new(mailto(&event.attendee))
                .cn(event.attendee.name.clone())
                .role(Role::ReqParticipant)
                .partstat(PartStat::NeedsAction)
                .rsvp(true),
        );
    if !event.description.trim().is_empty() {
        vevent.description(&event.description);
    }
    vevent.status(match method {
        Method::Request => EventStatus::Confirmed,
        Method::Cancel => EventStatus::Cancelled,
    });
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//coach//1:1 sessions//EN"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", method.as_str()))
        .push(vevent.done());
    calendar.to_string()
}

fn mailto(address: &Address) -> String {
    format!("mailto:{}", address.email.trim())
}

fn organizer(coach: &Address) -> Property {
    let mut property = Property::new("ORGANIZER", mailto(coach));
    if !coach.name.trim().is_empty() {
        property.add_parameter("CN", coach.name.trim());
    }
    property.done()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn event() -> Event {
        Event {
            uid: uid(&"a".repeat(32)),
            sequence: 0,
            start: Utc
                .with_ymd_and_hms(2026, 12, 3, 20, 30, 0)
                .single()
                .expect("time"),
            minutes: 45,
            summary: "Weekly check-in; Q4, \"goals\"".into(),
            description: "- Wins, kudos; and more\n- Long line ".repeat(5),
            organizer: Address::new("Sam Lee, PhD", "sam@example.com"),
            attendee: Address::new("Zoë Ñúñez", "zoe@example.com"),
        }
    }

    #[test]
    fn an_invite_parses_back_with_what_was_put_in() {
        let text = calendar(&event(), Method::Request, Utc::now());
        assert!(text.lines().all(|l| l.len() <= 76), "{text}");
        let parsed: Calendar = text.parse().expect("parses");
        assert_eq!(parsed.property_value("METHOD"), Some("REQUEST"));
        let events: Vec<_> = parsed.events().collect();
        assert_eq!(events.len(), 1);
        let e = events[0];
        assert_eq!(e.get_uid(), Some(event().uid.as_str()));
        assert_eq!(e.get_summary(), Some("Weekly check-in; Q4, \"goals\""));
        assert_eq!(e.get_description(), Some(event().description.as_str()));
        assert_eq!(e.get_sequence(), Some(0));
        assert_eq!(
            e.get_start(),
            Some(icalendar::DatePerhapsTime::DateTime(
                icalendar::CalendarDateTime::Utc(event().start)
            ))
        );
        assert!(text.contains("DTEND:20261203T211500Z"), "{text}");
        assert!(
            text.contains("ORGANIZER;CN=\"Sam Lee, PhD\":mailto:sam@example.com"),
            "{text}"
        );
        assert!(text.contains("mailto:zoe@example.com"), "{text}");
    }

    #[test]
    fn a_cancellation_names_the_same_event() {
        let text = calendar(&event(), Method::Cancel, Utc::now());
        assert!(text.contains("METHOD:CANCEL\r\n"), "{text}");
        assert!(text.contains("STATUS:CANCELLED\r\n"), "{text}");
        assert!(text.contains(&format!("UID:{}\r\n", event().uid)), "{text}");
    }

    #[test]
    fn the_sequence_moves_only_with_the_time() {
        let at = event().start;
        assert_eq!(next_sequence(None, at), 0);
        assert_eq!(next_sequence(Some((at, 2)), at), 2);
        assert_eq!(next_sequence(Some((at + Duration::hours(1), 2)), at), 3);
    }
}
