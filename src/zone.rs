//! Time zones: the coach's (`user.timezone`, else the system's) and a
//! member's (`member edit --timezone`, else the coach's), as IANA names
//! read with the time-zone database compiled into chrono-tz.
//!
//! Times are stored in UTC; a zone only says how a time is typed
//! (`--date` is read in the coach's zone) and shown (every email shows the
//! member's zone, with its abbreviation: `Thursday 3 Dec 2026, 14:30 CST`).

use chrono_tz::Tz;

use crate::config::Settings;
use crate::store::Tx;
use crate::{Error, Result};

/// The zone named `name` (`America/Chicago`, `Europe/Paris`, `UTC`),
/// ignoring case.
pub fn parse(name: &str) -> Result<Tz> {
    let name = name.trim();
    name.parse::<Tz>()
        .ok()
        .or_else(|| {
            chrono_tz::TZ_VARIANTS
                .iter()
                .find(|tz| tz.name().eq_ignore_ascii_case(name))
                .copied()
        })
        .ok_or_else(|| {
            Error::input(format!("\"{name}\" is not a time zone"))
                .with_hint("use an IANA name such as America/Chicago, Europe/Paris or UTC")
        })
}

/// The system's zone: `TZ` when it names one, else the zone the system is
/// set to (`/etc/localtime`), else UTC.
pub fn system() -> Tz {
    let from_env = std::env::var("TZ")
        .ok()
        .and_then(|tz| parse(tz.trim_start_matches(':')).ok());
    from_env
        .or_else(|| {
            iana_time_zone::get_timezone()
                .ok()
                .and_then(|name| parse(&name).ok())
        })
        .unwrap_or(Tz::UTC)
}

/// The coach's zone: `user.timezone`, else the system's.
pub fn coach(tx: &Tx<'_>) -> Result<Tz> {
    Ok(Settings::of(tx)?.time_zone()?.unwrap_or_else(system))
}

/// A member's zone: their own when they have one, else the coach's.
pub fn member(tx: &Tx<'_>, own: Option<&str>) -> Result<Tz> {
    match own {
        Some(name) => parse(name),
        None => coach(tx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iana_names_are_read_ignoring_case() {
        assert_eq!(
            parse("America/Chicago").expect("zone"),
            Tz::America__Chicago
        );
        assert_eq!(parse(" europe/paris ").expect("zone"), Tz::Europe__Paris);
        let err = parse("Mars/Olympus").expect_err("not a zone");
        assert_eq!(err.kind(), crate::ErrorKind::Input);
    }
}
