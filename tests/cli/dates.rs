//! `--date` is read in the coach's zone (`user.timezone`), and the
//! terminal shows session times in it, whatever the machine's zone (the
//! tests run with TZ=UTC): the nights daylight saving starts and ends.

use crate::common::Env;

fn in_chicago() -> Env {
    let env = Env::with_team();
    env.ok(["config", "set", "user.timezone", "America/Chicago"]);
    env
}

#[test]
fn a_date_is_read_and_shown_in_the_coachs_zone() {
    let env = in_chicago();
    let out = env.ok(["session", "new", "alex", "--date", "2026-12-03 14:30"]);
    assert!(out.contains("on 2026-12-03 14:30"), "{out}");
    let json = env.json(["session", "show"]);
    assert_eq!(
        json["date"], "2026-12-03T20:30:00Z",
        "14:30 CST is 20:30 UTC"
    );
    let shown = env.ok(["session", "show"]);
    assert!(shown.contains("Date:    2026-12-03 14:30"), "{shown}");
    let list = env.ok(["session", "list"]);
    assert!(list.contains("2026-12-03 14:30"), "{list}");
}

#[test]
fn a_time_that_does_not_exist_is_an_error_naming_the_gap() {
    let env = in_chicago();
    env.ok(["session", "new", "alex", "--date", "2027-03-10 10:00"]);
    let before = crate::common::snapshot(&env.db);
    let err = env.fails(2, ["session", "new", "alex", "--date", "2027-03-14 02:30"]);
    assert!(
        err.contains(
            "2027-03-14 02:30 does not exist in America/Chicago (clocks go from 02:00 to 03:00)"
        ),
        "{err}"
    );
    let err = env.fails(2, ["session", "edit", "--date", "2027-03-14 02:30"]);
    assert!(err.contains("does not exist"), "{err}");
    assert_eq!(crate::common::snapshot(&env.db), before, "nothing changed");
}

#[test]
fn a_time_that_happens_twice_takes_the_first_and_says_so() {
    let env = in_chicago();
    let output = env
        .coach(["session", "new", "alex", "--date", "2026-11-01 01:30"])
        .output()
        .expect("run");
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("2026-11-01 01:30 happens twice in America/Chicago"),
        "{stderr}"
    );
    assert!(stderr.contains("taking the first, 01:30 CDT"), "{stderr}");
    let json = env.json(["session", "show"]);
    assert_eq!(json["date"], "2026-11-01T06:30:00Z", "01:30 CDT (UTC-5)");
}
