//! `member trends`: cadence, kudos, actions, balance and metrics over a
//! window, as text, JSON and an HTML page with charts.

use serde_json::Value;

use crate::common::{snapshot, Env};

/// The window of most tests: from 2025-01-01 09:00 to now.
const SINCE: &str = "2025-01-01";

/// Starts a session (it becomes current) and returns its full id.
fn session(env: &Env, member: &str, date: &str) -> String {
    env.ok(["session", "new", member, "-q", "--date", date])
        .trim()
        .to_string()
}

fn trends(env: &Env, args: &[&str]) -> Value {
    let mut all = vec!["member", "trends"];
    all.extend_from_slice(args);
    env.json(all)
}

fn month<'a>(t: &'a Value, month: &str) -> &'a Value {
    t["cadence"]["per_month"]
        .as_array()
        .expect("per_month")
        .iter()
        .find(|m| m["month"] == month)
        .unwrap_or_else(|| panic!("{month} is in the window"))
}

fn metric<'a>(t: &'a Value, name: &str) -> &'a Value {
    t["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .find(|m| m["metric"] == name)
        .unwrap_or_else(|| panic!("{name} has a trend"))
}

/// Alex: sessions before and in the window (one deleted, one scheduled),
/// kudos of every kind, actions in every state, feedback and QA reviews
/// discussed and waiting. Jordan: a session with kudos of their own.
fn history() -> Env {
    let env = Env::with_team();
    // Before the window: none of it counts, except as the last session.
    session(&env, "alex", "2024-12-02");
    env.ok(["kudos", "Too old", "--for", "success"]);
    env.ok(["action", "add", "Too old", "--due", "2024-12-09"]);

    session(&env, "alex", "2025-02-03");
    env.ok(["kudos", "Great save", "--for", "success"]);
    env.ok(["kudos", "Shared the macro", "--for", "expertise"]);
    env.ok(["kudos", "Thank you"]);
    env.ok(["action", "add", "Overdue one", "--due", "2025-02-10"]);
    let done = env.ok(["action", "add", "Done one", "-q"]);
    env.ok(["action", "done", done.trim()]);

    session(&env, "alex", "2025-02-17");
    env.ok(["kudos", "Stayed late", "--for", "effort"]);
    env.ok(["kudos", "Lived the values", "--for", "values"]);
    env.ok(["action", "add", "Open, due later", "--due", "+30d"]);
    env.ok(["action", "add", "Open, no due date"]);
    for (kind, args) in [
        ("feedback", &["--rating", "5"][..]),
        ("feedback", &["--rating", "5"][..]),
        ("feedback", &["--rating", "2"][..]),
    ] {
        let mut save = vec!["save", kind, "alex", "--comment", "About a call"];
        save.extend_from_slice(args);
        save.extend_from_slice(&["--date", "2025-02-14"]);
        env.ok(save);
    }
    env.ok([
        "save",
        "qa",
        "alex",
        "--score",
        "95",
        "--date",
        "2025-02-14",
    ]);
    env.ok([
        "save",
        "qa",
        "alex",
        "--score",
        "40",
        "--date",
        "2025-02-14",
    ]);
    env.ok(["session", "add-saved", "--all"]);
    // Waiting for the next session.
    env.ok(["save", "qa", "alex", "--score", "50", "--date", "-1d"]);
    env.ok([
        "save",
        "feedback",
        "alex",
        "--comment",
        "Thanks!",
        "--rating",
        "4",
    ]);

    // A deleted session takes its kudos and actions with it.
    let deleted = session(&env, "alex", "2025-03-03");
    env.ok(["kudos", "Gone", "--for", "success"]);
    env.ok(["action", "add", "Gone too"]);
    env.ok(["session", "delete", &deleted, "--yes"]);

    session(&env, "jordan", "2025-02-05");
    env.ok(["kudos", "Jordan's", "--for", "success"]);
    session(&env, "alex", "+3d");
    env
}

#[test]
fn the_numbers_count_the_window_only() {
    let env = history();
    let t = trends(&env, &["alex", "--since", SINCE]);
    assert_eq!(t["member"]["name"], "Alex Kim");
    assert_eq!(t["since"], "2025-01-01T09:00:00Z");

    let c = &t["cadence"];
    assert_eq!(
        c["sessions"], 2,
        "held in the window, not deleted or scheduled"
    );
    assert_eq!(month(&t, "2025-02")["sessions"], 2);
    assert_eq!(month(&t, "2025-01")["sessions"], 0);
    assert_eq!(month(&t, "2025-03")["sessions"], 0, "the deleted one");
    assert_eq!(
        c["per_month"][0]["month"], "2025-01",
        "from --since's month"
    );
    assert_eq!(c["average_days_between"], 14.0);
    assert_eq!(c["last"]["date"], "2025-02-17T09:00:00Z");
    assert!(c["days_since_last"].as_i64().expect("days") > 280);
    assert!(c["next"]["date"].is_string(), "the scheduled session");
    assert!(c["next"]["title"].is_string());

    let k = &t["kudos"];
    assert_eq!(
        [
            &k["total"],
            &k["success"],
            &k["expertise"],
            &k["effort"],
            &k["values"],
            &k["thanks"]
        ],
        [5, 1, 1, 1, 1, 1].map(Value::from).each_ref(),
        "{k}"
    );

    let a = &t["actions"];
    assert_eq!(a["total"], 4);
    assert_eq!(a["done"], 1);
    assert_eq!(a["open"], 3, "open includes overdue");
    assert_eq!(a["overdue"], 1);
    assert_eq!(a["completion_rate"], 0.25);

    let b = &t["balance"];
    assert_eq!(b["feedback"]["positive"], 2);
    assert_eq!(b["feedback"]["improve"], 1);
    assert_eq!(b["qa"]["positive"], 1);
    assert_eq!(b["qa"]["improve"], 1);
    assert_eq!(b["positive"], 3);
    assert_eq!(b["improve"], 2);
    assert_eq!(b["waiting"]["positive"], 1);
    assert_eq!(b["waiting"]["improve"], 1);
}

#[test]
fn a_later_since_narrows_the_window() {
    let env = history();
    let t = trends(&env, &["alex", "--since", "2025-02-10"]);
    assert_eq!(t["cadence"]["sessions"], 1);
    assert!(t["cadence"]["average_days_between"].is_null());
    assert_eq!(t["kudos"]["total"], 2);
    assert_eq!(t["actions"]["total"], 2);
    assert!(t["actions"]["completion_rate"] == 0.0);
    assert_eq!(t["balance"]["positive"], 3, "discussed on 2025-02-17");
    // A session with nothing in it: no rate rather than a division by zero.
    let jordan = trends(&env, &["jordan", "--since", "2025-02-10"]);
    assert!(jordan["actions"]["completion_rate"].is_null());
    assert_eq!(jordan["kudos"]["total"], 0);
    assert_eq!(jordan["cadence"]["last"]["date"], "2025-02-05T09:00:00Z");
}

#[test]
fn the_default_window_is_six_calendar_months() {
    let env = Env::with_team();
    session(&env, "alex", "-400d");
    session(&env, "alex", "-1d");
    let t = trends(&env, &["alex"]);
    let months = t["cadence"]["per_month"].as_array().expect("months");
    assert_eq!(months.len(), 6, "this month and the five before");
    let since = t["since"].as_str().expect("since");
    assert!(
        since.ends_with("-01T00:00:00Z"),
        "a first of the month: {since}"
    );
    assert_eq!(t["cadence"]["sessions"], 1, "the one 400 days ago is out");
    assert_eq!(t["cadence"]["days_since_last"], 1);
    assert!(t["cadence"]["next"].is_null());
}

/// CSAT (higher is better) and AHT (lower is better, its unit and target
/// given once, before the window).
fn metrics() -> Env {
    let env = Env::with_team();
    env.ok(["config", "set", "metric.lower-is-better", "AHT"]);
    let record = |args: &[&str]| {
        let mut all = vec!["metric", "record", "alex"];
        all.extend_from_slice(args);
        env.ok(all);
    };
    record(&[
        "AHT",
        "500",
        "--target",
        "420",
        "--unit",
        "s",
        "--date",
        "2024-12-01",
    ]);
    // Two values in the window's first period: their average.
    record(&[
        "CSAT",
        "3.8",
        "--target",
        "4.5",
        "--date",
        "2025-01-01 09:00",
    ]);
    record(&["CSAT", "4.2", "--date", "2025-01-01 10:00"]);
    record(&["CSAT", "4.6", "--date", "2025-07-01"]);
    record(&["CSAT", "4.8", "--date", "2026-01-01"]);
    record(&["AHT", "450", "--date", "2025-01-01 09:00"]);
    record(&["AHT", "400", "--date", "2025-07-01"]);
    env
}

#[test]
fn metrics_are_averaged_per_period_against_their_target() {
    let env = metrics();
    let t = trends(&env, &["alex", "--since", SINCE]);
    let names: Vec<&str> = t["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .map(|m| m["metric"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["AHT", "CSAT"], "by name; only those in the window");

    let csat = metric(&t, "CSAT");
    assert_eq!(csat["count"], 4);
    assert_eq!(csat["target"], 4.5);
    assert_eq!(csat["lower_is_better"], false);
    assert!(csat["unit"].is_null());
    assert_eq!(csat["latest"]["value"], 4.8);
    assert_eq!(csat["latest"]["measured_at"], "2026-01-01T09:00:00Z");
    assert_eq!(csat["on_target"], true);
    assert_eq!(csat["min"], 3.8);
    assert_eq!(csat["max"], 4.8);
    assert_eq!(csat["mean"], 4.35);
    let points = csat["points"].as_array().expect("points");
    let values: Vec<f64> = points
        .iter()
        .map(|p| p["value"].as_f64().expect("v"))
        .collect();
    assert_eq!(values, [4.0, 4.6, 4.8]);
    assert_eq!(points[0]["count"], 2);
    assert_eq!(
        points[0]["at"], "2025-01-01T09:30:00Z",
        "their average time"
    );
    assert_eq!(points[0]["on_target"], false);
    assert_eq!(points[1]["on_target"], true);
    assert_eq!(points[2]["target"], 4.5, "the target carries forward");
    assert_eq!(csat["on_target_share"], 0.667);
    assert_eq!(csat["sparkline"], "▁▆█");

    let aht = metric(&t, "AHT");
    assert_eq!(aht["unit"], "s", "given before the window");
    assert_eq!(aht["target"], 420.0, "given before the window");
    assert_eq!(aht["lower_is_better"], true);
    assert_eq!(aht["count"], 2, "the value before the window is out");
    assert_eq!(aht["points"][0]["on_target"], false, "450 s > 420 s");
    assert_eq!(aht["points"][1]["on_target"], true);
    assert_eq!(aht["on_target_share"], 0.5);

    let text = env.ok(["member", "trends", "alex", "--since", SINCE]);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("CSAT"))
        .expect("a CSAT line");
    assert!(line.contains("▁▆█"), "{line}");
    assert!(line.contains("4.8 (2026-01-01)"), "{line}");
    assert!(line.contains("≥ 4.5"), "{line}");
    assert!(line.contains("67% (2 of 3)"), "{line}");
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("AHT"))
        .expect("an AHT line");
    assert!(line.contains("400 s"), "{line}");
    assert!(line.contains("≤ 420 s"), "{line}");
}

#[test]
fn the_terminal_page_has_headed_sections_and_bars() {
    let env = Env::with_team();
    session(&env, "alex", "-2d");
    env.ok(["kudos", "Great save", "--for", "success"]);
    env.ok(["action", "add", "Overdue one", "--due", "-1d"]);
    let done = env.ok(["action", "add", "Done one", "-q"]);
    env.ok(["action", "done", done.trim()]);
    env.ok(["save", "qa", "alex", "--score", "95", "--date", "-2d"]);
    env.ok(["session", "add-saved", "--all"]);
    let text = env.ok(["member", "trends", "alex"]);
    assert!(text.starts_with("Trends: Alex Kim ("), "{text}");
    let mut at = 0;
    for heading in [
        "\n1:1 cadence  1 session in the window\n",
        "\nKudos  1 given\n",
        "\nAction items  2 agreed, 50% done\n",
        "\nFeedback and QA reviews  1 discussed\n",
        "\nMetrics  ",
    ] {
        let found = text[at..]
            .find(heading)
            .unwrap_or_else(|| panic!("{heading:?} after the previous section in:\n{text}"));
        at += found + heading.len();
    }
    assert!(text.contains("  last "), "{text}");
    assert!(
        text.contains(" (2 days ago) \u{b7} nothing scheduled"),
        "{text}"
    );
    // A bar per session, in every month of the window.
    let t = trends(&env, &["alex"]);
    for m in t["cadence"]["per_month"].as_array().expect("months") {
        let line = match m["sessions"].as_u64().expect("n") {
            0 => format!("  {}  0\n", m["month"].as_str().expect("month")),
            n => format!(
                "  {}  {} {n}\n",
                m["month"].as_str().expect("month"),
                "▇".repeat(n as usize)
            ),
        };
        assert!(text.contains(&line), "{line:?} in:\n{text}");
    }
    assert!(text.contains("  success                ▇ 1\n"), "{text}");
    assert!(text.contains("  effort                 0\n"), "{text}");
    assert!(text.contains("  done  ▇ 1\n"), "{text}");
    assert!(text.contains("  open  ▇ 1  (1 overdue)\n"), "{text}");
    assert!(
        text.contains("  positive  ▇ 1  (feedback 0, QA 1)\n"),
        "{text}"
    );
    assert!(text.contains("  improve   0  (feedback 0, QA 0)"), "{text}");
    assert!(text.contains("no values in the window"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour without a terminal");
    // Counts only: no kudos or action text.
    for body in ["Great save", "Overdue one", "Done one"] {
        assert!(!text.contains(body), "{body} in:\n{text}");
    }
    assert_eq!(
        env.ok(["member", "trends", "alex", "-q"]).trim(),
        t["member"]["id"].as_str().expect("id")
    );
}

#[test]
fn private_notes_are_never_read() {
    let env = history();
    env.ok(["note", "add", "--private", "PRIVATE-TRENDS-MARKER"]);
    let path = env.dir.path().join("t.html");
    let path = path.to_str().expect("path");
    for args in [
        vec!["member", "trends", "alex", "--since", SINCE],
        vec!["member", "trends", "alex", "--since", SINCE, "--json"],
        vec!["member", "trends", "alex", "--since", SINCE, "--html", path],
    ] {
        assert!(!env.ok(args).contains("PRIVATE-TRENDS-MARKER"));
    }
    let page = std::fs::read_to_string(path).expect("page");
    assert!(!page.contains("PRIVATE-TRENDS-MARKER"));
}

#[test]
fn the_html_page_is_self_contained_with_svg_charts() {
    let env = metrics();
    session(&env, "alex", "2025-02-03");
    env.ok(["kudos", "Nice", "--for", "success"]);
    let path = env.dir.path().join("alex.html");
    let out = env.ok([
        "member",
        "trends",
        "alex",
        "--since",
        SINCE,
        "--html",
        path.to_str().expect("path"),
    ]);
    assert!(
        out.starts_with("Wrote Alex Kim's trends (2025-01-01 to "),
        "{out}"
    );
    let page = std::fs::read_to_string(&path).expect("the page");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.trim_end().ends_with("</html>"));
    assert!(page.contains("<title>Trends: Alex Kim</title>"));
    // A cadence chart and one chart per metric, drawn by plotters.
    assert_eq!(page.matches("<svg ").count(), 3, "cadence, AHT, CSAT");
    assert_eq!(page.matches("</svg>").count(), 3);
    assert!(page.contains("<rect"), "bars and target bands");
    assert!(page.contains("stroke=\"#2B6CB0\""), "the metric lines");
    assert!(page.contains("stroke=\"#2F855A\""), "the target lines");
    assert!(
        page.contains("\nJan 2025\n</text>"),
        "month labels, from --since's"
    );
    // Nothing to fetch, nothing to run.
    for banned in [
        "http://", "https://", "<script", "src=", "href=", "url(", "@import",
    ] {
        assert!(!page.contains(banned), "{banned} in the page");
    }
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "owner-only: it holds a member's data");

    // --json gives the numbers as well.
    let other = env.dir.path().join("again.html");
    let t = env.json([
        "member",
        "trends",
        "alex",
        "--html",
        other.to_str().expect("path"),
    ]);
    assert_eq!(t["member"]["name"], "Alex Kim");
}

#[test]
fn names_are_escaped_in_the_page() {
    let env = Env::initialized();
    env.ok(["member", "add", "Riley <script>alert(1)</script>"]);
    env.ok([
        "metric",
        "record",
        "riley",
        "<script>alert('x')</script>",
        "5",
        "--unit",
        "<b>",
        "--date",
        "-2d",
    ]);
    let path = env.dir.path().join("riley.html");
    env.ok([
        "member",
        "trends",
        "riley",
        "--html",
        path.to_str().expect("path"),
    ]);
    let page = std::fs::read_to_string(&path).expect("page");
    assert!(!page.contains("<script"), "{page}");
    assert!(!page.contains("<b>"), "{page}");
    assert!(page.contains("Riley &lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
}

#[test]
fn an_existing_file_is_kept_unless_forced() {
    let env = metrics();
    let path = env.dir.path().join("page.html");
    let shown = path.to_str().expect("path");
    std::fs::write(&path, "mine").expect("write");
    let err = env.fails(3, ["member", "trends", "alex", "--html", shown]);
    assert!(err.contains("already exists"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&path).expect("read"), "mine");

    env.ok(["member", "trends", "alex", "--html", shown, "--force"]);
    assert!(std::fs::read_to_string(&path)
        .expect("read")
        .starts_with("<!DOCTYPE html>"));
    let leftovers: Vec<_> = std::fs::read_dir(env.dir.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left");

    let err = env.fails(
        3,
        [
            "member",
            "trends",
            "alex",
            "--html",
            env.dir.path().to_str().expect("dir"),
        ],
    );
    assert!(err.contains("is a folder"), "{err}");
    let missing = env.dir.path().join("nope/page.html");
    let err = env.fails(
        3,
        [
            "member",
            "trends",
            "alex",
            "--html",
            missing.to_str().expect("path"),
        ],
    );
    assert!(err.contains("cannot write"), "{err}");
    env.fails(2, ["member", "trends", "alex", "--force"]);
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let env = history();
    let before = snapshot(&env.db);
    let err = env.fails(3, ["member", "trends", "nobody"]);
    assert!(err.contains("no member matches \"nobody\""), "{err}");
    let err = env.fails(3, ["member", "trends", "alex", "--since", "someday"]);
    assert!(err.contains("cannot read \"someday\" as a date"), "{err}");
    let err = env.fails(3, ["member", "trends", "alex", "--since", "+2d"]);
    assert!(err.contains("is not in the past"), "{err}");
    env.fails(2, ["member", "trends"]);
    // Reads never write.
    env.ok(["member", "trends", "alex"]);
    assert_eq!(snapshot(&env.db), before);
}

#[test]
fn trends_help_has_examples() {
    let env = Env::new();
    let help = env.ok(["member", "trends", "--help"]);
    assert!(help.contains("Examples:"), "{help}");
    assert!(help.contains("--html"), "{help}");
    assert!(help.contains("--since"), "{help}");
}
