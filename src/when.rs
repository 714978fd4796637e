//! Dates and times as people type them.
//!
//! `--date WHEN`, `--since WHEN` and `--due WHEN` take the forms read by
//! [`parse_when`]; [`display_local`] and [`display_local_date`] show instants
//! back to people, and [`to_storage`] / [`from_storage`] are the one text form
//! kept in the database.
//!
//! Crates checked before writing this parser by hand (their versions at the
//! time): `parse_datetime` 0.17 (uutils) follows GNU `date`, is built on `jiff`
//! rather than chrono, reads `monday` as today when today is Monday, puts a bare
//! date at midnight and has no `+3d`; `chrono-english` 0.2.1 is unmaintained and
//! `interim` 0.2.2 (its fork) also put dates at midnight, read `friday` as this
//! Friday including today and have no signed `+3d` / `-2w`; `dateparser` 0.3.1
//! reads absolute formats only. None matches the grammar below, which is small
//! enough to read here in full.

use chrono::{
    DateTime, Datelike, Days, Local, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, TimeDelta,
    TimeZone, Timelike, Utc, Weekday,
};

use crate::{Error, Result};

/// The time of day a date means when no time is given.
///
/// A 1:1 is a working-hours thing: `--due friday` or `--date 2026-12-01`
/// should land on that day's working morning, not at midnight, where it would
/// show as "00:00" and, in a zone west of UTC, be stored on the day before.
const WORKDAY_START: NaiveTime = match NaiveTime::from_hms_opt(9, 0, 0) {
    Some(time) => time,
    None => NaiveTime::MIN,
};

/// The largest count in an offset such as `+3d`: 10000 weeks is about 190
/// years, far enough for any real use and far from chrono's limits.
const MAX_OFFSET_COUNT: u32 = 10_000;

/// The longest stretch of wall-clock time a zone has ever skipped (Samoa
/// skipped all of 2011-12-30), with a margin; see [`resolve_local`].
const MAX_GAP_MINUTES: i64 = 25 * 60;

/// The hint shown with every date that cannot be read.
const WHEN_HINT: &str =
    "use a date like 2026-12-01, 2026-12-01 14:30, today, tomorrow, friday, +3d or -2w";

/// Parses WHEN, as typed on a command line, relative to `now` in `now`'s
/// time zone (the caller passes `Local::now()`; tests pass a fixed offset or
/// `Utc`).
///
/// Accepted, case-insensitive, surrounding whitespace ignored:
/// - `2026-12-01` (09:00 that day), `2026-12-01 14:30`, `2026-12-01T14:30`,
///   `2026-12-01T14:30:15` (local time), and RFC 3339 with an offset or `Z`
///   (`2026-12-01T14:30:00Z`, `2026-12-01T14:30:00+01:00`);
/// - `now`; `today`, `tomorrow`, `yesterday` (09:00, or the time that follows);
/// - a weekday, full or short (`friday`, `fri`, also `tues`, `thurs`): the next
///   one strictly after today, at 09:00 or the time that follows; `next friday`
///   is the same, `last friday` is the most recent one strictly before today;
/// - a time alone, `14:30` or `9:00` (24-hour, optional `:SS`): today;
/// - `+3d`, `-2w`, `+5h` (sign required, count 1 to 10000), and the spelled
///   `in 3 days`, `2 weeks ago`, `in 1 hour`: hours are exact instants, days and
///   weeks move the calendar date and keep the local time of day.
///
/// An optional `at` may stand before a time (`tomorrow at 14:30`). A local
/// time skipped by a daylight-saving change means the first minute after the
/// gap; a local time that happens twice means the earlier one.
///
/// Every other text, and impossible values such as `2026-02-30` or `25:00`,
/// is an [`Error::input`] with a hint that shows the accepted forms.
pub fn parse_when<Tz: TimeZone>(input: &str, now: DateTime<Tz>) -> Result<DateTime<Utc>> {
    let typed = input.trim();
    read_when(&typed.to_lowercase(), &now)
        .filter(is_storable)
        .ok_or_else(|| unreadable(typed))
}

/// A WHEN read in a named zone, as `--date` is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InZone {
    pub at: DateTime<Utc>,
    /// Said on standard error: a local time that happens twice, of which the
    /// first was taken.
    pub warning: Option<String>,
}

/// Reads WHEN as [`parse_when`] does, in `zone` (the coach's, for
/// `--date`), and stricter about the two nights of daylight saving: a
/// local time that does not exist (the spring gap) is an error naming
/// the gap, and one that happens twice (the autumn fold) is taken the
/// first time, with a warning that says so.
pub fn parse_in_zone(input: &str, now: DateTime<Utc>, zone: &chrono_tz::Tz) -> Result<InZone> {
    let local_now = now.with_timezone(zone);
    let at = parse_when(input, local_now)?;
    let typed = input.trim().to_lowercase();
    let exact = typed == "now"
        || read_offset(&typed).is_some()
        || DateTime::parse_from_rfc3339(&typed.to_uppercase()).is_ok();
    let local = if exact {
        None
    } else {
        calendar_local(&words_of(&typed), &local_now)
    };
    let mut warning = None;
    if let Some(local) = local {
        match zone.from_local_datetime(&local) {
            chrono::LocalResult::None => {
                // `at` is the first minute after the gap; the clocks
                // showed the gap's start just before it.
                let from = (at - TimeDelta::seconds(1))
                    .with_timezone(zone)
                    .naive_local()
                    + TimeDelta::seconds(1);
                let to = at.with_timezone(zone).naive_local();
                return Err(Error::input(format!(
                    "{} does not exist in {} (clocks go from {} to {})",
                    local.format("%Y-%m-%d %H:%M"),
                    zone.name(),
                    from.format("%H:%M"),
                    to.format("%H:%M")
                ))
                .with_hint(format!(
                    "daylight saving time starts that night: choose a time before {} or from {}",
                    from.format("%H:%M"),
                    to.format("%H:%M")
                )));
            }
            chrono::LocalResult::Ambiguous(first, second) => {
                warning = Some(format!(
                    "{} happens twice in {} ({} and {}): taking the first, {}",
                    local.format("%Y-%m-%d %H:%M"),
                    zone.name(),
                    first.format("%Z"),
                    second.format("%Z"),
                    first.format("%H:%M %Z")
                ));
            }
            chrono::LocalResult::Single(_) => {}
        }
    }
    Ok(InZone { at, warning })
}

/// Formats a UTC instant for people, in `zone`: `2026-12-01 09:00`.
pub fn display_in_zone(at: DateTime<Utc>, zone: &chrono_tz::Tz) -> String {
    display_in(at, zone)
}

/// The zone of times shown on the terminal: the coach's (`user.timezone`),
/// set once the database is open; until then, the system's.
static DISPLAY_ZONE: std::sync::OnceLock<chrono_tz::Tz> = std::sync::OnceLock::new();

/// Sets the zone [`display_local`] shows times in (the first call wins).
pub fn set_display_zone(zone: chrono_tz::Tz) {
    let _ = DISPLAY_ZONE.set(zone);
}

/// Formats a UTC instant for people, in the coach's zone (see
/// [`set_display_zone`]; the system's before it is set): `2026-12-01 09:00`.
pub fn display_local(at: DateTime<Utc>) -> String {
    match DISPLAY_ZONE.get() {
        Some(zone) => display_in(at, zone),
        None => display_in(at, &Local),
    }
}

/// Formats the date only, as [`display_local`]: `2026-12-01`.
pub fn display_local_date(at: DateTime<Utc>) -> String {
    match DISPLAY_ZONE.get() {
        Some(zone) => display_date_in(at, zone),
        None => display_date_in(at, &Local),
    }
}

/// An instant for a person in `tz`, with the zone's abbreviation:
/// `Thursday 3 Dec 2026, 14:30 CST`.
pub fn display_long<Tz: TimeZone>(at: DateTime<Utc>, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    at.with_timezone(tz)
        .format("%A %-d %b %Y, %H:%M %Z")
        .to_string()
}

/// A day for a person in `tz`: `3 Dec 2026`.
pub fn display_day<Tz: TimeZone>(at: DateTime<Utc>, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    // As `format("%-d %b %Y")` writes it, without reading the format at
    // every call: an email lists a day for each of a member's actions.
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let local = at.with_timezone(tz);
    let day = local.date_naive();
    if !(0..=9999).contains(&day.year()) {
        return local.format("%-d %b %Y").to_string();
    }
    format!(
        "{} {} {:04}",
        day.day(),
        MONTHS[day.month0() as usize],
        day.year()
    )
}

/// The calendar day in `zone` that holds `at`, as the instants it starts
/// and ends (the start of the next day): a session "on the same day", the
/// day an action is due.
pub fn day_in(at: DateTime<Utc>, zone: &chrono_tz::Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    let day = at.with_timezone(zone).date_naive();
    // Midnight, or 01:00 where a daylight-saving change skips midnight.
    let start_of = |date: chrono::NaiveDate| {
        [0, 1]
            .into_iter()
            .find_map(|hour| {
                date.and_hms_opt(hour, 0, 0)?
                    .and_local_timezone(*zone)
                    .earliest()
            })
            .map(|start| start.with_timezone(&Utc))
    };
    let start = start_of(day).filter(|s| *s <= at).unwrap_or(at);
    let end = day
        .succ_opt()
        .and_then(start_of)
        .filter(|e| *e > at)
        .unwrap_or(at + chrono::TimeDelta::days(1));
    (start, end)
}

/// The storage form: RFC 3339 in UTC with milliseconds and a `Z`, such as
/// `2026-12-01T09:00:00.000Z`.
///
/// Every instant that [`parse_when`] returns (years 1 to 9999) has the same
/// width in this form, so text order is time order and SQLite can sort and
/// compare the column as text. Anything finer than a millisecond is dropped.
pub fn to_storage(at: DateTime<Utc>) -> String {
    match storage_form(at) {
        Some(text) => String::from_utf8_lossy(&text).into_owned(),
        None => at.to_rfc3339_opts(SecondsFormat::Millis, true),
    }
}

/// [`to_storage`]'s text, digit by digit, for the years it is used with
/// (every row of a bulk import is written with it; `format!` with padding
/// costs several times more); `None` for other years and leap seconds.
fn storage_form(at: DateTime<Utc>) -> Option<[u8; 24]> {
    let (date, time) = (at.date_naive(), at.time());
    if !(0..=9999).contains(&date.year()) || time.nanosecond() >= 1_000_000_000 {
        return None;
    }
    let mut text = *b"0000-00-00T00:00:00.000Z";
    put_digits(&mut text[0..4], date.year().unsigned_abs());
    put_digits(&mut text[5..7], date.month());
    put_digits(&mut text[8..10], date.day());
    put_digits(&mut text[11..13], time.hour());
    put_digits(&mut text[14..16], time.minute());
    put_digits(&mut text[17..19], time.second());
    put_digits(&mut text[20..23], time.nanosecond() / 1_000_000);
    Some(text)
}

/// Serializes `at` exactly as chrono's `Serialize` does (RFC 3339 with
/// `Z`, the fraction only when there is one; a test compares), digit by
/// digit for the instants coach stores (whole milliseconds, years 0-9999):
/// chrono's writer went through the formatter a character at a time, a
/// fifth of a long list's `--json`. For `#[serde(serialize_with)]`.
pub fn serialize_json<S: serde::Serializer>(
    at: &DateTime<Utc>,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    let nanos = at.time().nanosecond();
    if let Some(mut text) = storage_form(*at).filter(|_| nanos.is_multiple_of(1_000_000)) {
        let text = if nanos == 0 {
            text[19] = b'Z';
            &text[..20]
        } else {
            &text[..]
        };
        if let Ok(text) = std::str::from_utf8(text) {
            return serializer.serialize_str(text);
        }
    }
    serde::Serialize::serialize(at, serializer)
}

/// [`serialize_json`] of an optional instant (`null` for none).
pub fn serialize_json_opt<S: serde::Serializer>(
    at: &Option<DateTime<Utc>>,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    struct Json<'a>(&'a DateTime<Utc>);
    impl serde::Serialize for Json<'_> {
        fn serialize<S: serde::Serializer>(
            &self,
            serializer: S,
        ) -> std::result::Result<S::Ok, S::Error> {
            serialize_json(self.0, serializer)
        }
    }
    match at {
        Some(at) => serializer.serialize_some(&Json(at)),
        None => serializer.serialize_none(),
    }
}

/// Writes `n` in decimal into `out`, zero-padded on the left (the lowest
/// digits when `n` is too long).
fn put_digits(out: &mut [u8], mut n: u32) {
    for digit in out.iter_mut().rev() {
        *digit = b'0' + (n % 10) as u8;
        n /= 10;
    }
}

/// Parses the storage form written by [`to_storage`] back into an instant.
///
/// Any other text, even another valid RFC 3339 form, is an
/// [`Error::internal`]: the database only ever holds the one form, so
/// anything else there is a bug or a damaged file, not a user's typo.
pub fn from_storage(text: &str) -> Result<DateTime<Utc>> {
    // Lists read several times per row, thousands of rows: the fixed form
    // is read field by field first; anything else goes the slow, general
    // way below, which decides what is accepted.
    if let Some(at) = read_storage_form(text) {
        return Ok(at);
    }
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|at| at.with_timezone(&Utc))
        // Reformatting and comparing rejects other offsets, precisions and
        // separators, which would break the text order of the column.
        .filter(|at| to_storage(*at) == text)
        .ok_or_else(|| {
            Error::database(format!(
                "the database holds the time \"{}\", not in the form 2026-12-01T09:00:00.000Z",
                text.escape_debug()
            ))
        })
}

/// Reads exactly `YYYY-MM-DDTHH:MM:SS.mmmZ` (what [`to_storage`] writes for
/// a valid instant), without allocating; `None` for any other text.
fn read_storage_form(text: &str) -> Option<DateTime<Utc>> {
    let b = text.as_bytes();
    if b.len() != 24
        || [b[4], b[7], b[10], b[13], b[16], b[19], b[23]]
            != [b'-', b'-', b'T', b':', b':', b'.', b'Z']
    {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(number(0, 4)?).ok()?,
        number(5, 7)?,
        number(8, 10)?,
    )?;
    // Seconds up to 59 only: a leap second is left to the general way.
    let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
    if second > 59 || date.year() < 1 {
        return None;
    }
    let time = NaiveTime::from_hms_milli_opt(hour, minute, second, number(20, 23)?)?;
    Some(Utc.from_utc_datetime(&date.and_time(time)))
}

/// [`display_local`] in any zone, so that tests do not depend on the
/// machine's time zone.
fn display_in<Tz: TimeZone>(at: DateTime<Utc>, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    // Digit by digit: `format` reads its pattern every time, and lists
    // show thousands of dates. The same text for years 0 to 9999.
    let local = at.with_timezone(tz).naive_local();
    if !(0..=9999).contains(&local.year()) {
        return local.format("%Y-%m-%d %H:%M").to_string();
    }
    let mut text = *b"0000-00-00 00:00";
    put_digits(&mut text[0..4], local.year().unsigned_abs());
    put_digits(&mut text[5..7], local.month());
    put_digits(&mut text[8..10], local.day());
    put_digits(&mut text[11..13], local.hour());
    put_digits(&mut text[14..16], local.minute());
    String::from_utf8_lossy(&text).into_owned()
}

/// [`display_local_date`] in any zone.
fn display_date_in<Tz: TimeZone>(at: DateTime<Utc>, tz: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    // As display_in: digit by digit.
    let local = at.with_timezone(tz).date_naive();
    if !(0..=9999).contains(&local.year()) {
        return local.format("%Y-%m-%d").to_string();
    }
    let mut text = *b"0000-00-00";
    put_digits(&mut text[0..4], local.year().unsigned_abs());
    put_digits(&mut text[5..7], local.month());
    put_digits(&mut text[8..10], local.day());
    String::from_utf8_lossy(&text).into_owned()
}

/// The error for any WHEN that cannot be read.
fn unreadable(typed: &str) -> Error {
    Error::input(format!("cannot read \"{typed}\" as a date")).with_hint(WHEN_HINT)
}

/// Whether `at` keeps the fixed width of the storage form (4-digit year).
fn is_storable(at: &DateTime<Utc>) -> bool {
    (1..=9999).contains(&at.year())
}

/// Reads lowercased, trimmed `text`; `None` when it is not a WHEN.
fn read_when<Tz: TimeZone>(text: &str, now: &DateTime<Tz>) -> Option<DateTime<Utc>> {
    if text == "now" {
        return Some(now.with_timezone(&Utc));
    }
    if let Some((forward, count, unit)) = read_offset(text) {
        return shift(now, forward, count, unit);
    }
    // RFC 3339 carries its own offset, so it names an exact instant. Its
    // letters are upper case in the standard; the text was lowercased.
    if let Ok(at) = DateTime::parse_from_rfc3339(&text.to_uppercase()) {
        return Some(at.with_timezone(&Utc));
    }
    read_calendar(&words_of(text), now)
}

/// How far an offset moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Hours,
    Days,
    Weeks,
}

/// Reads `+3d` / `-2w` / `+5h`, or `in 3 days` / `2 weeks ago`, as
/// (forward, count, unit).
fn read_offset(text: &str) -> Option<(bool, u32, Unit)> {
    if let Some(rest) = text.strip_prefix('+') {
        return read_short_offset(rest).map(|(count, unit)| (true, count, unit));
    }
    if let Some(rest) = text.strip_prefix('-') {
        return read_short_offset(rest).map(|(count, unit)| (false, count, unit));
    }
    match text.split_whitespace().collect::<Vec<_>>()[..] {
        ["in", count, unit] => Some((true, read_count(count)?, read_unit_word(unit)?)),
        [count, unit, "ago"] => Some((false, read_count(count)?, read_unit_word(unit)?)),
        _ => None,
    }
}

/// Reads the `3d` of `+3d`.
fn read_short_offset(text: &str) -> Option<(u32, Unit)> {
    let unit = match text.chars().last()? {
        'h' => Unit::Hours,
        'd' => Unit::Days,
        'w' => Unit::Weeks,
        _ => return None,
    };
    let count = read_count(text.get(..text.len() - 1)?)?;
    Some((count, unit))
}

/// Reads the unit of a spelled offset: `hour(s)`, `day(s)`, `week(s)`.
fn read_unit_word(word: &str) -> Option<Unit> {
    match word {
        "hour" | "hours" => Some(Unit::Hours),
        "day" | "days" => Some(Unit::Days),
        "week" | "weeks" => Some(Unit::Weeks),
        _ => None,
    }
}

/// Reads a count of 1 to [`MAX_OFFSET_COUNT`], digits only (no sign, so
/// `+-3d` is not read; no overflow whatever the length).
fn read_count(digits: &str) -> Option<u32> {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let count = digits.parse::<u32>().ok()?;
    (1..=MAX_OFFSET_COUNT).contains(&count).then_some(count)
}

/// Moves `now` by an offset. Hours are exact elapsed time; days and weeks
/// move the local calendar date and keep the local time of day, so `+1d`
/// across a daylight-saving change is still "same time tomorrow".
fn shift<Tz: TimeZone>(
    now: &DateTime<Tz>,
    forward: bool,
    count: u32,
    unit: Unit,
) -> Option<DateTime<Utc>> {
    let now_utc = now.with_timezone(&Utc);
    let days = match unit {
        Unit::Hours => {
            let delta = TimeDelta::try_hours(i64::from(count))?;
            return if forward {
                now_utc.checked_add_signed(delta)
            } else {
                now_utc.checked_sub_signed(delta)
            };
        }
        Unit::Days => Days::new(u64::from(count)),
        Unit::Weeks => Days::new(u64::from(count) * 7),
    };
    let local = now.naive_local();
    let moved = if forward {
        local.checked_add_days(days)
    } else {
        local.checked_sub_days(days)
    }?;
    resolve_local(&now.timezone(), moved)
}

/// Splits text into words, and `2026-12-01t14:30` into its date and time.
fn words_of(text: &str) -> Vec<&str> {
    let mut words = Vec::new();
    for word in text.split_whitespace() {
        match split_iso_t(word) {
            Some((date, time)) => words.extend([date, time]),
            None => words.push(word),
        }
    }
    words
}

/// Splits `2026-12-01t14:30` at its `t`; `None` for any other word.
fn split_iso_t(word: &str) -> Option<(&str, &str)> {
    if word.as_bytes().get(10) != Some(&b't') {
        return None;
    }
    let date = word.get(..10)?;
    parse_iso_date(date)?;
    Some((date, word.get(11..)?))
}

/// Reads `[DAY] [[at] TIME]` where at least one of the two is given: a day
/// alone means 09:00, a time alone means today.
fn read_calendar<Tz: TimeZone>(words: &[&str], now: &DateTime<Tz>) -> Option<DateTime<Utc>> {
    resolve_local(&now.timezone(), calendar_local(words, now)?)
}

/// The local date and time `[DAY] [[at] TIME]` names.
fn calendar_local<Tz: TimeZone>(words: &[&str], now: &DateTime<Tz>) -> Option<NaiveDateTime> {
    let today = now.date_naive();
    let (day, time) = match read_day(words, today) {
        Some((day, [])) => (day, WORKDAY_START),
        Some((day, rest)) => (day, read_time(rest)?),
        None => (today, read_time(words)?),
    };
    Some(day.and_time(time))
}

/// Reads `TIME` or `at TIME`, and nothing after it.
fn read_time(words: &[&str]) -> Option<NaiveTime> {
    match words {
        [clock] | ["at", clock] => parse_clock(clock),
        _ => None,
    }
}

/// Reads the day at the start of `words`, returning it and the words left.
fn read_day<'w, 'a>(words: &'w [&'a str], today: NaiveDate) -> Option<(NaiveDate, &'w [&'a str])> {
    match words {
        ["today", rest @ ..] => Some((today, rest)),
        ["tomorrow", rest @ ..] => Some((today.succ_opt()?, rest)),
        ["yesterday", rest @ ..] => Some((today.pred_opt()?, rest)),
        ["next", name, rest @ ..] => Some((next_weekday(today, weekday(name)?)?, rest)),
        ["last", name, rest @ ..] => Some((last_weekday(today, weekday(name)?)?, rest)),
        [word, rest @ ..] => {
            let day = match weekday(word) {
                Some(wanted) => next_weekday(today, wanted)?,
                None => parse_iso_date(word)?,
            };
            Some((day, rest))
        }
        [] => None,
    }
}

/// Reads a weekday name: full, 3 letters, or the common `tues` / `thurs`.
fn weekday(name: &str) -> Option<Weekday> {
    let day = match name {
        "monday" | "mon" => Weekday::Mon,
        "tuesday" | "tue" | "tues" => Weekday::Tue,
        "wednesday" | "wed" => Weekday::Wed,
        "thursday" | "thu" | "thurs" => Weekday::Thu,
        "friday" | "fri" => Weekday::Fri,
        "saturday" | "sat" => Weekday::Sat,
        "sunday" | "sun" => Weekday::Sun,
        _ => return None,
    };
    Some(day)
}

/// The first `wanted` strictly after `today`: on a Monday, `monday` is in a
/// week, because "see you monday" said on a Monday never means today.
fn next_weekday(today: NaiveDate, wanted: Weekday) -> Option<NaiveDate> {
    let ahead = days_between(today.weekday(), wanted);
    today.checked_add_days(Days::new(if ahead == 0 { 7 } else { ahead }))
}

/// The last `wanted` strictly before `today`.
fn last_weekday(today: NaiveDate, wanted: Weekday) -> Option<NaiveDate> {
    let back = days_between(wanted, today.weekday());
    today.checked_sub_days(Days::new(if back == 0 { 7 } else { back }))
}

/// Days from weekday `from` forward to weekday `to`, 0 to 6.
fn days_between(from: Weekday, to: Weekday) -> u64 {
    u64::from((to.num_days_from_monday() + 7 - from.num_days_from_monday()) % 7)
}

/// Reads exactly `YYYY-MM-DD` (4-2-2 digits) as a real calendar date.
fn parse_iso_date(word: &str) -> Option<NaiveDate> {
    let mut parts = word.split('-');
    let year = digits_of_width(parts.next()?, 4)?;
    let month = digits_of_width(parts.next()?, 2)?;
    let day = digits_of_width(parts.next()?, 2)?;
    if parts.next().is_some() {
        return None;
    }
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// Reads `H:MM`, `HH:MM` or `HH:MM:SS` (24-hour) as a real time of day.
fn parse_clock(word: &str) -> Option<NaiveTime> {
    let mut parts = word.split(':');
    let hour_text = parts.next()?;
    let hour = match hour_text.len() {
        1 | 2 => digits_of_width(hour_text, hour_text.len())?,
        _ => return None,
    };
    let minute = digits_of_width(parts.next()?, 2)?;
    let second = match parts.next() {
        Some(text) => digits_of_width(text, 2)?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    NaiveTime::from_hms_opt(hour, minute, second)
}

/// Reads exactly `width` ASCII digits.
fn digits_of_width(text: &str, width: usize) -> Option<u32> {
    if text.len() != width || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The instant of a local wall-clock time in `tz`.
///
/// Twice in a year a zone with daylight saving has local times that happen
/// twice (the autumn fold: the earlier one is taken, as a person would still
/// be on summer time) or not at all (the spring gap: the first minute after
/// the gap is taken, so `02:30` on that night means `03:00`). Stepping minute
/// by minute is simple and, bounded by [`MAX_GAP_MINUTES`], cheap.
fn resolve_local<Tz: TimeZone>(tz: &Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    if let Some(at) = tz.from_local_datetime(&local).earliest() {
        return Some(at.with_timezone(&Utc));
    }
    let minute_start = local.with_second(0)?.with_nanosecond(0)?;
    (1..=MAX_GAP_MINUTES).find_map(|minutes| {
        let later = minute_start.checked_add_signed(TimeDelta::try_minutes(minutes)?)?;
        let at = tz.from_local_datetime(&later).earliest()?;
        Some(at.with_timezone(&Utc))
    })
}

#[cfg(test)]
// A failed unwrap in a test is a failed test, which is what it should be.
#[allow(clippy::unwrap_used)]
mod tests {
    #[test]
    fn days_are_written_as_chrono_formats_them() {
        let zone: chrono_tz::Tz = "Pacific/Auckland".parse().expect("zone");
        let mut at = DateTime::<Utc>::from_timestamp(-62_167_219_200, 0).expect("year 0");
        let end = DateTime::<Utc>::from_timestamp(253_402_300_799, 0).expect("year 9999");
        // Every 1,000 hours or so from year 0 to 9999, at uneven times of day.
        while at < end {
            let chrono = at.with_timezone(&zone).format("%-d %b %Y").to_string();
            assert_eq!(super::display_day(at, &zone), chrono, "{at}");
            assert_eq!(
                super::display_day(at, &Utc),
                at.format("%-d %b %Y").to_string()
            );
            at += chrono::TimeDelta::minutes(60_017);
        }
        for edge in [DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC] {
            assert_eq!(
                super::display_day(edge, &Utc),
                edge.format("%-d %b %Y").to_string()
            );
        }
    }

    #[test]
    fn json_times_are_written_as_chrono_writes_them() {
        #[derive(serde::Serialize)]
        struct Ours(#[serde(serialize_with = "super::serialize_json")] DateTime<Utc>);
        let base = chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .and_then(|d| d.and_hms_opt(9, 5, 7))
            .expect("date")
            .and_utc();
        let mut instants = vec![
            base,
            base + chrono::TimeDelta::milliseconds(7),
            base + chrono::TimeDelta::milliseconds(120),
            base + chrono::TimeDelta::milliseconds(999),
            base + chrono::TimeDelta::microseconds(1),
            base + chrono::TimeDelta::nanoseconds(5),
            DateTime::<Utc>::MIN_UTC,
            DateTime::<Utc>::MAX_UTC,
            DateTime::<Utc>::UNIX_EPOCH,
        ];
        instants.extend(
            chrono::NaiveDate::from_ymd_opt(2016, 12, 31)
                .and_then(|d| d.and_hms_milli_opt(23, 59, 59, 1_500))
                .map(|t| t.and_utc()),
        );
        for at in instants {
            assert_eq!(
                serde_json::to_string(&Ours(at)).expect("ours"),
                serde_json::to_string(&at).expect("chrono's"),
                "{at:?}"
            );
        }
    }

    use super::*;
    use crate::ErrorKind;
    use chrono::{FixedOffset, MappedLocalTime, Offset};

    /// +01:00, the zone of the fixed `now`.
    fn plus_one() -> FixedOffset {
        FixedOffset::east_opt(3600).unwrap()
    }

    /// Wednesday 2026-12-02 17:30 at +01:00.
    fn now_plus_one() -> DateTime<FixedOffset> {
        plus_one()
            .with_ymd_and_hms(2026, 12, 2, 17, 30, 0)
            .single()
            .unwrap()
    }

    /// Wednesday 2026-12-02 17:30 UTC.
    fn now_utc() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 2, 17, 30, 0).unwrap()
    }

    /// The UTC instant of a local time at +01:00.
    fn at_plus_one(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        plus_one()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn the_fast_storage_reader_agrees_with_the_general_one() {
        let mut at = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap();
        while at.year() < 9999 {
            let text = to_storage(at);
            assert_eq!(text, at.to_rfc3339_opts(SecondsFormat::Millis, true));
            assert_eq!(
                display_in(at, &plus_one()),
                at.with_timezone(&plus_one())
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            );
            assert_eq!(
                display_date_in(at, &plus_one()),
                at.with_timezone(&plus_one()).format("%Y-%m-%d").to_string()
            );
            let odd = at + TimeDelta::nanoseconds(999_999);
            assert_eq!(
                to_storage(odd),
                odd.to_rfc3339_opts(SecondsFormat::Millis, true)
            );
            assert_eq!(read_storage_form(&text), Some(at), "{text}");
            assert_eq!(from_storage(&text).unwrap(), at);
            at += TimeDelta::milliseconds(86_399_987 * 53 + 7);
        }
        for bad in [
            "2026-12-01T09:00:00Z",
            "2026-12-01T09:00:00.000+00:00",
            "2026-12-01 09:00:00.000Z",
            "2026-02-30T09:00:00.000Z",
            "2026-12-01T24:00:00.000Z",
            "2026-12-01T09:00:0x.000Z",
            "+026-12-01T09:00:00.000Z",
            "2026-12-01T09:00:00.000z",
        ] {
            assert_eq!(read_storage_form(bad), None, "{bad}");
            assert!(from_storage(bad).is_err(), "{bad}");
        }
    }

    /// Parses at the fixed +01:00 `now`, panicking with the input on error.
    fn p1(input: &str) -> DateTime<Utc> {
        parse_when(input, now_plus_one())
            .unwrap_or_else(|e| panic!("{input:?} should parse: {}", e.message()))
    }

    fn pu(input: &str) -> DateTime<Utc> {
        parse_when(input, now_utc())
            .unwrap_or_else(|e| panic!("{input:?} should parse: {}", e.message()))
    }

    fn assert_unreadable(input: &str) {
        let err = parse_when(input, now_plus_one()).expect_err(input);
        assert_eq!(err.kind(), ErrorKind::Input, "{input:?}");
        assert_eq!(
            err.message(),
            format!("cannot read \"{}\" as a date", input.trim())
        );
        assert_eq!(err.hint(), Some(WHEN_HINT));
    }

    #[test]
    fn a_date_in_the_spring_gap_is_an_error_naming_the_gap() {
        let chicago = chrono_tz::America::Chicago;
        let err = parse_in_zone("2027-03-14 02:30", now_utc(), &chicago).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Input);
        assert_eq!(
            err.message(),
            "2027-03-14 02:30 does not exist in America/Chicago (clocks go from 02:00 to 03:00)"
        );
        let fine = parse_in_zone("2027-03-14 03:30", now_utc(), &chicago).unwrap();
        assert_eq!(fine.at, utc(2027, 3, 14, 8, 30));
        assert_eq!(fine.warning, None);
    }

    #[test]
    fn a_date_in_the_autumn_fold_takes_the_first_and_says_so() {
        let chicago = chrono_tz::America::Chicago;
        let read = parse_in_zone("2026-11-01 01:30", now_utc(), &chicago).unwrap();
        assert_eq!(read.at, utc(2026, 11, 1, 6, 30), "01:30 CDT");
        let warning = read.warning.unwrap();
        assert!(
            warning.contains("happens twice in America/Chicago"),
            "{warning}"
        );
        assert!(warning.contains("taking the first, 01:30 CDT"), "{warning}");
        // Exact forms are never ambiguous.
        let exact = parse_in_zone("2026-11-01T01:30:00-06:00", now_utc(), &chicago).unwrap();
        assert_eq!((exact.at, exact.warning), (utc(2026, 11, 1, 7, 30), None));
    }

    #[test]
    fn iso_date_means_nine_in_the_morning_local() {
        assert_eq!(p1("2026-12-01"), at_plus_one(2026, 12, 1, 9, 0));
        assert_eq!(pu("2026-12-01"), utc(2026, 12, 1, 9, 0));
    }

    #[test]
    fn iso_date_and_time_are_local() {
        let expected = at_plus_one(2026, 12, 1, 14, 30);
        assert_eq!(p1("2026-12-01 14:30"), expected);
        assert_eq!(p1("2026-12-01T14:30"), expected);
        assert_eq!(p1("2026-12-01t14:30"), expected);
        assert_eq!(p1("2026-12-01 at 14:30"), expected);
        assert_eq!(p1("2026-12-01T14:30:15"), expected + TimeDelta::seconds(15));
        assert_eq!(pu("2026-12-01 14:30"), utc(2026, 12, 1, 14, 30));
    }

    #[test]
    fn rfc3339_with_offset_is_exact() {
        assert_eq!(p1("2026-12-01T14:30:00Z"), utc(2026, 12, 1, 14, 30));
        assert_eq!(p1("2026-12-01t14:30:00z"), utc(2026, 12, 1, 14, 30));
        assert_eq!(p1("2026-12-01T14:30:00+01:00"), utc(2026, 12, 1, 13, 30));
        assert_eq!(pu("2026-12-01T14:30:00-05:00"), utc(2026, 12, 1, 19, 30));
    }

    #[test]
    fn now_is_now() {
        assert_eq!(p1("now"), now_plus_one().with_timezone(&Utc));
        assert_eq!(pu("  NOW "), now_utc());
    }

    #[test]
    fn relative_days_at_nine_or_given_time() {
        assert_eq!(p1("today"), at_plus_one(2026, 12, 2, 9, 0));
        assert_eq!(p1("tomorrow"), at_plus_one(2026, 12, 3, 9, 0));
        assert_eq!(p1("yesterday"), at_plus_one(2026, 12, 1, 9, 0));
        assert_eq!(p1("tomorrow 14:30"), at_plus_one(2026, 12, 3, 14, 30));
        assert_eq!(p1("today 9:00"), at_plus_one(2026, 12, 2, 9, 0));
        assert_eq!(p1("yesterday at 18:05"), at_plus_one(2026, 12, 1, 18, 5));
        assert_eq!(pu("tomorrow"), utc(2026, 12, 3, 9, 0));
    }

    #[test]
    fn relative_days_follow_the_zone_of_now() {
        // 23:30 UTC on the 2nd is already the 3rd at +01:00.
        let late = Utc.with_ymd_and_hms(2026, 12, 2, 23, 30, 0).unwrap();
        let at = parse_when("today", late.with_timezone(&plus_one())).unwrap();
        assert_eq!(at, at_plus_one(2026, 12, 3, 9, 0));
    }

    #[test]
    fn weekday_is_the_next_one_strictly_after_today() {
        // now is Wednesday 2026-12-02.
        assert_eq!(p1("thursday"), at_plus_one(2026, 12, 3, 9, 0));
        assert_eq!(p1("fri"), at_plus_one(2026, 12, 4, 9, 0));
        assert_eq!(p1("sun"), at_plus_one(2026, 12, 6, 9, 0));
        assert_eq!(p1("monday"), at_plus_one(2026, 12, 7, 9, 0));
        assert_eq!(p1("tue"), at_plus_one(2026, 12, 8, 9, 0));
        assert_eq!(p1("tues"), at_plus_one(2026, 12, 8, 9, 0));
        assert_eq!(p1("thurs"), at_plus_one(2026, 12, 3, 9, 0));
        assert_eq!(p1("wednesday"), at_plus_one(2026, 12, 9, 9, 0));
        assert_eq!(p1("wed"), at_plus_one(2026, 12, 9, 9, 0));
        assert_eq!(p1("sat"), at_plus_one(2026, 12, 5, 9, 0));
        assert_eq!(p1("fri 15:00"), at_plus_one(2026, 12, 4, 15, 0));
        assert_eq!(pu("fri 15:00"), utc(2026, 12, 4, 15, 0));
    }

    #[test]
    fn next_and_last_weekday() {
        assert_eq!(p1("next monday"), at_plus_one(2026, 12, 7, 9, 0));
        assert_eq!(p1("next wed"), at_plus_one(2026, 12, 9, 9, 0));
        assert_eq!(p1("last monday"), at_plus_one(2026, 11, 30, 9, 0));
        assert_eq!(p1("last wednesday"), at_plus_one(2026, 11, 25, 9, 0));
        assert_eq!(p1("last thu"), at_plus_one(2026, 11, 26, 9, 0));
        assert_eq!(p1("last tue 10:15"), at_plus_one(2026, 12, 1, 10, 15));
    }

    #[test]
    fn time_alone_is_today() {
        assert_eq!(p1("14:30"), at_plus_one(2026, 12, 2, 14, 30));
        assert_eq!(p1("9:05"), at_plus_one(2026, 12, 2, 9, 5));
        assert_eq!(p1("00:00"), at_plus_one(2026, 12, 2, 0, 0));
        assert_eq!(
            p1("23:59:59"),
            at_plus_one(2026, 12, 2, 23, 59) + TimeDelta::seconds(59)
        );
        assert_eq!(pu("14:30"), utc(2026, 12, 2, 14, 30));
    }

    #[test]
    fn offsets_keep_the_time_of_day() {
        let now = now_plus_one().with_timezone(&Utc);
        assert_eq!(p1("+3d"), now + TimeDelta::days(3));
        assert_eq!(p1("-2w"), now - TimeDelta::days(14));
        assert_eq!(p1("+5h"), now + TimeDelta::hours(5));
        assert_eq!(p1("-1h"), now - TimeDelta::hours(1));
        assert_eq!(p1("+03d"), now + TimeDelta::days(3));
        assert_eq!(p1("+10000w"), now + TimeDelta::days(70_000));
        assert_eq!(pu("+1d"), now_utc() + TimeDelta::days(1));
    }

    #[test]
    fn spelled_offsets() {
        let now = now_plus_one().with_timezone(&Utc);
        assert_eq!(p1("in 3 days"), now + TimeDelta::days(3));
        assert_eq!(p1("in 1 week"), now + TimeDelta::days(7));
        assert_eq!(p1("in 2 hours"), now + TimeDelta::hours(2));
        assert_eq!(p1("2 weeks ago"), now - TimeDelta::days(14));
        assert_eq!(p1("1 day ago"), now - TimeDelta::days(1));
        assert_eq!(p1("IN  3   DAYS"), now + TimeDelta::days(3));
    }

    #[test]
    fn case_and_surrounding_space_do_not_matter() {
        assert_eq!(p1("  Tomorrow 14:30\n"), at_plus_one(2026, 12, 3, 14, 30));
        assert_eq!(p1("FRIDAY"), at_plus_one(2026, 12, 4, 9, 0));
        assert_eq!(p1("Next Mon"), at_plus_one(2026, 12, 7, 9, 0));
        assert_eq!(p1("LAST MONDAY"), at_plus_one(2026, 11, 30, 9, 0));
        assert_eq!(p1("+3D"), p1("+3d"));
        assert_eq!(p1("ToDaY"), at_plus_one(2026, 12, 2, 9, 0));
    }

    #[test]
    fn garbage_is_an_input_error_with_a_hint() {
        for input in [
            "",
            "   ",
            "garbage",
            "+0x",
            "+0d",
            "+3",
            "3d",
            "+d",
            "+-3d",
            "+3dd",
            "+ 3d",
            "+99999999d",
            "-10001d",
            "+99999999999999999999999999w",
            "2026-13-01",
            "2026-02-30",
            "2026-2-3",
            "26-12-01",
            "2026-12-01-01",
            "2026-12-01 25:00",
            "2026-12-01 24:00",
            "2026-12-01 14:60",
            "2026-12-01 14:30:60",
            "2026-12-01 14",
            "2026-12-01 143:0",
            "2026-12-01T14:30Z",
            "2026-12-01Tfoo",
            "25:00",
            "today tomorrow",
            "tomorrow 14:30 15:00",
            "next",
            "last",
            "next week",
            "next today",
            "monday next",
            "14:30 tomorrow",
            "at",
            "in 3",
            "in 0 days",
            "3 months ago",
            "in 3 fortnights",
            "now 14:30",
            "2026-12-01é",
            "ünïcödé",
            "９:00",
        ] {
            assert_unreadable(input);
        }
    }

    #[test]
    fn no_overflow_at_the_edges_of_time() {
        let far = Utc.with_ymd_and_hms(9999, 12, 31, 12, 0, 0).unwrap();
        assert!(parse_when("+10000w", far).is_err());
        assert!(parse_when("+1d", far).is_err());
        assert!(parse_when("tomorrow", far).is_err());
        assert!(parse_when("next monday", far).is_err());
        let early = Utc.with_ymd_and_hms(1, 1, 1, 12, 0, 0).unwrap();
        assert!(parse_when("-10000h", early).is_err());
        assert!(parse_when("yesterday", early).is_err());
        // Would land in year 10000 in UTC: rejected so storage keeps its width.
        let minus_one = FixedOffset::west_opt(3600).unwrap();
        let now = minus_one.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert!(parse_when("9999-12-31 23:30", now).is_err());
        assert!(parse_when("9999-12-31 22:30", now).is_ok());
        // chrono's own extremes as `now` do not panic either.
        for input in ["+10000w", "-10000w", "+10000h", "tomorrow", "last sun"] {
            assert!(parse_when(input, DateTime::<Utc>::MAX_UTC).is_err());
            assert!(parse_when(input, DateTime::<Utc>::MIN_UTC).is_err());
        }
    }

    /// A zone with European-style daylight saving in 2026 only: +01:00, and
    /// +02:00 from 2026-03-29 01:00 UTC (02:00 local jumps to 03:00) until
    /// 2026-10-25 01:00 UTC (03:00 local falls back to 02:00).
    #[derive(Debug, Clone, Copy)]
    struct DstZone;

    impl DstZone {
        fn summer_starts() -> NaiveDateTime {
            NaiveDate::from_ymd_opt(2026, 3, 29)
                .unwrap()
                .and_hms_opt(1, 0, 0)
                .unwrap()
        }

        fn summer_ends() -> NaiveDateTime {
            NaiveDate::from_ymd_opt(2026, 10, 25)
                .unwrap()
                .and_hms_opt(1, 0, 0)
                .unwrap()
        }

        fn offset_at_utc(utc: &NaiveDateTime) -> FixedOffset {
            let hours = if (Self::summer_starts()..Self::summer_ends()).contains(utc) {
                2
            } else {
                1
            };
            FixedOffset::east_opt(hours * 3600).unwrap()
        }
    }

    impl TimeZone for DstZone {
        type Offset = FixedOffset;

        fn from_offset(_: &FixedOffset) -> Self {
            DstZone
        }

        fn offset_from_local_date(&self, local: &NaiveDate) -> MappedLocalTime<FixedOffset> {
            self.offset_from_local_datetime(&local.and_time(NaiveTime::MIN))
        }

        fn offset_from_local_datetime(
            &self,
            local: &NaiveDateTime,
        ) -> MappedLocalTime<FixedOffset> {
            // Earliest instant first, as chrono's zones do: the larger offset.
            let fits: Vec<FixedOffset> = [2, 1]
                .into_iter()
                .map(|h| FixedOffset::east_opt(h * 3600).unwrap())
                .filter(|off| {
                    let utc = *local - TimeDelta::seconds(off.local_minus_utc().into());
                    Self::offset_at_utc(&utc) == *off
                })
                .collect();
            match fits[..] {
                [] => MappedLocalTime::None,
                [one] => MappedLocalTime::Single(one),
                [early, late] => MappedLocalTime::Ambiguous(early, late),
                _ => unreachable!(),
            }
        }

        fn offset_from_utc_date(&self, utc: &NaiveDate) -> FixedOffset {
            Self::offset_at_utc(&utc.and_time(NaiveTime::MIN))
        }

        fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> FixedOffset {
            Self::offset_at_utc(utc)
        }
    }

    #[test]
    fn test_zone_behaves() {
        assert_eq!(
            DstZone
                .offset_from_utc_datetime(&DstZone::summer_starts())
                .fix(),
            FixedOffset::east_opt(7200).unwrap()
        );
    }

    #[test]
    fn daylight_saving_gap_takes_the_first_minute_after_it() {
        let now = DstZone.with_ymd_and_hms(2026, 3, 28, 12, 0, 0).unwrap();
        // 02:30 does not exist on 2026-03-29: 03:00 local (+02:00) is taken.
        assert_eq!(
            parse_when("2026-03-29 02:30", now).unwrap(),
            utc(2026, 3, 29, 1, 0)
        );
        assert_eq!(
            parse_when("tomorrow 02:00", now).unwrap(),
            utc(2026, 3, 29, 1, 0)
        );
        assert_eq!(
            parse_when("2026-03-29 03:00", now).unwrap(),
            utc(2026, 3, 29, 1, 0)
        );
        // +1d from 02:30 the day before lands in the gap too.
        let before_gap = DstZone.with_ymd_and_hms(2026, 3, 28, 2, 30, 0).unwrap();
        assert_eq!(
            parse_when("+1d", before_gap).unwrap(),
            utc(2026, 3, 29, 1, 0)
        );
    }

    #[test]
    fn daylight_saving_fold_takes_the_earlier_instant() {
        let now = DstZone.with_ymd_and_hms(2026, 10, 24, 12, 0, 0).unwrap();
        // 02:30 happens at +02:00 (00:30 UTC) and again at +01:00 (01:30 UTC).
        assert_eq!(
            parse_when("2026-10-25 02:30", now).unwrap(),
            utc(2026, 10, 25, 0, 30)
        );
        // `+1d` keeps the wall-clock time across the change; `+24h` does not.
        assert_eq!(parse_when("+1d", now).unwrap(), utc(2026, 10, 25, 11, 0));
        assert_eq!(parse_when("+24h", now).unwrap(), utc(2026, 10, 25, 10, 0));
    }

    #[test]
    fn display_in_a_fixed_zone() {
        let at = utc(2026, 12, 1, 8, 0);
        assert_eq!(display_in(at, &plus_one()), "2026-12-01 09:00");
        assert_eq!(display_in(at, &Utc), "2026-12-01 08:00");
        assert_eq!(display_date_in(at, &plus_one()), "2026-12-01");
        // The local date can differ from the UTC date.
        let late = utc(2026, 12, 1, 23, 30);
        assert_eq!(display_date_in(late, &plus_one()), "2026-12-02");
        assert_eq!(display_in(late, &plus_one()), "2026-12-02 00:30");
        // The Local versions have the same shape, whatever the machine's zone.
        assert_eq!(display_local(at).len(), "2026-12-01 09:00".len());
        assert_eq!(display_local_date(at).len(), "2026-12-01".len());
    }

    #[test]
    fn storage_form_is_fixed_width_utc_with_millis() {
        assert_eq!(
            to_storage(utc(2026, 12, 1, 9, 0)),
            "2026-12-01T09:00:00.000Z"
        );
        let precise = utc(2026, 12, 1, 9, 0) + TimeDelta::nanoseconds(123_456_789);
        assert_eq!(to_storage(precise), "2026-12-01T09:00:00.123Z");
        assert_eq!(to_storage(utc(1, 1, 1, 0, 0)), "0001-01-01T00:00:00.000Z");
    }

    #[test]
    fn storage_round_trips() {
        for at in [
            utc(2026, 12, 1, 9, 0),
            utc(1970, 1, 1, 0, 0),
            utc(9999, 12, 31, 23, 59) + TimeDelta::milliseconds(59_999),
            utc(2026, 12, 1, 9, 0) + TimeDelta::milliseconds(7),
        ] {
            assert_eq!(from_storage(&to_storage(at)).unwrap(), at);
        }
        let parsed = p1("tomorrow 14:30");
        assert_eq!(from_storage(&to_storage(parsed)).unwrap(), parsed);
    }

    #[test]
    fn storage_rejects_other_forms() {
        for text in [
            "",
            "garbage",
            "2026-12-01",
            "2026-12-01T09:00:00Z",
            "2026-12-01T09:00:00.000+00:00",
            "2026-12-01T10:00:00.000+01:00",
            "2026-12-01T09:00:00.000000Z",
            "2026-12-01 09:00:00.000Z",
            "2026-12-01t09:00:00.000z",
            " 2026-12-01T09:00:00.000Z",
            "2026-13-01T09:00:00.000Z",
        ] {
            let err = from_storage(text).expect_err(text);
            assert_eq!(err.kind(), ErrorKind::Database, "{text:?}");
            assert!(err.message().contains(text), "{text:?}");
        }
    }

    #[test]
    fn storage_text_order_is_time_order() {
        let mut instants = vec![
            utc(2026, 12, 1, 9, 0),
            utc(2026, 12, 1, 9, 0) + TimeDelta::milliseconds(1),
            utc(2026, 11, 30, 23, 59),
            utc(999, 1, 1, 0, 0),
            utc(2027, 1, 1, 0, 0),
            utc(2026, 2, 1, 0, 0),
            utc(2026, 10, 1, 0, 0),
            utc(1970, 1, 1, 0, 0),
            utc(9999, 12, 31, 23, 59),
        ];
        let mut texts: Vec<String> = instants.iter().copied().map(to_storage).collect();
        instants.sort();
        texts.sort();
        let sorted: Vec<String> = instants.into_iter().map(to_storage).collect();
        assert_eq!(texts, sorted);
        assert!(texts.iter().all(|t| t.len() == 24));
    }
}
