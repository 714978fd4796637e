//! Every date typed on the command line (`--date`, `--due`, `--since`) is
//! read in the coach's zone (`user.timezone`), and the terminal shows
//! session times in it, whatever the machine's zone (the tests run with
//! TZ=UTC): the nights daylight saving starts and ends.

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
    let err = env.fails(3, ["session", "new", "alex", "--date", "2027-03-14 02:30"]);
    assert!(
        err.contains(
            "2027-03-14 02:30 does not exist in America/Chicago (clocks go from 02:00 to 03:00)"
        ),
        "{err}"
    );
    let err = env.fails(3, ["session", "edit", "--date", "2027-03-14 02:30"]);
    assert!(err.contains("does not exist"), "{err}");
    for args in [
        &[
            "action",
            "add",
            "Shadow a shift",
            "--due",
            "2027-03-14 02:30",
        ][..],
        &[
            "metric",
            "record",
            "alex",
            "aht",
            "300",
            "--date",
            "2027-03-14 02:30",
        ],
        &["session", "list", "--since", "2027-03-14 02:30"],
        &["search", "shift", "--since", "2027-03-14 02:30"],
        &["member", "stream", "alex", "--since", "2027-03-14 02:30"],
    ] {
        let err = env.fails(3, args);
        assert!(
            err.contains("does not exist in America/Chicago"),
            "{args:?}: {err}"
        );
    }
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

#[test]
fn a_due_date_and_a_since_are_read_in_the_coachs_zone_not_the_machines() {
    let env = in_chicago();
    env.ok(["session", "new", "alex", "--date", "2027-01-08 10:00"]);
    let action = env.json([
        "action",
        "add",
        "Shadow a shift",
        "--due",
        "2027-01-10 09:00",
    ]);
    assert_eq!(
        action["due_at"], "2027-01-10T15:00:00Z",
        "09:00 CST is 15:00 UTC"
    );
    env.ok(["session", "new", "alex", "--date", "2027-01-09 20:00"]);
    // 20:00 CST on the 9th is already the 10th in UTC: a --since of the
    // 10th in Chicago leaves it out.
    let since = |day: &str| {
        let listed = env.json(["session", "list", "--member", "alex", "--since", day]);
        listed.as_array().map_or(0, Vec::len)
    };
    assert_eq!(since("2027-01-10"), 0);
    assert_eq!(since("2027-01-09"), 1);
}
