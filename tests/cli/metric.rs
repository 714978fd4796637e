//! Metrics: record, import, scorecard, list, and metrics in a session.

use predicates::prelude::*;
use serde_json::Value;

use crate::common::{refused_import, snapshot, Env};

/// A small export: Alex's CSAT rising over four weeks, AHT falling.
const ALEX_CSV: &str = "\
member,metric,value,date,target,unit
Alex Kim,CSAT,4.2,2026-11-02,4.5,
Alex Kim,CSAT,4.4,2026-11-09,4.5,
Alex Kim,CSAT,4.3,2026-11-16,4.5,
Alex Kim,CSAT,4.6,2026-11-23,4.5,
Alex Kim,AHT,455,2026-11-02,420,s
Alex Kim,AHT,440,2026-11-09,420,s
Alex Kim,AHT,431,2026-11-16,420,s
Alex Kim,AHT,412,2026-11-23,420,s
";

fn env_with_file(name: &str, content: &str) -> (Env, String) {
    let env = Env::with_team();
    let path = env.dir.path().join(name);
    std::fs::write(&path, content).expect("write the file");
    (env, path.display().to_string())
}

/// Runs `coach ARGS` with `stdin` and returns (status code, stdout, stderr).
fn run_with_stdin(env: &Env, args: &[&str], stdin: &str) -> (Option<i32>, String, String) {
    let output = env
        .coach(args)
        .write_stdin(stdin.to_string())
        .output()
        .expect("run coach");
    (
        output.status.code(),
        String::from_utf8(output.stdout).expect("utf-8"),
        String::from_utf8(output.stderr).expect("utf-8"),
    )
}

fn line_of<'a>(text: &'a str, start: &str) -> &'a str {
    text.lines()
        .find(|l| l.trim_start().starts_with(start))
        .unwrap_or_else(|| panic!("no line starting with {start:?} in:\n{text}"))
}

#[test]
fn values_are_recorded_and_listed() {
    let env = Env::with_team();
    let out = env.ok([
        "metric",
        "record",
        "alex",
        "CSAT",
        "4.6",
        "--target",
        "4.5",
        "--date",
        "2026-11-30",
    ]);
    assert_eq!(
        out.trim(),
        "Recorded CSAT 4.6 for Alex Kim on 2026-11-30 09:00"
    );
    // The name is matched ignoring case and kept as first recorded.
    let value = env.json([
        "metric",
        "record",
        "alex",
        "csat",
        "4.7",
        "--date",
        "2026-12-07",
    ]);
    for key in [
        "id",
        "short_id",
        "member",
        "metric",
        "value",
        "target",
        "unit",
        "measured_at",
        "created_at",
        "updated_at",
    ] {
        assert!(
            value.get(key).is_some(),
            "a metric value has {key}: {value}"
        );
    }
    assert_eq!(value["metric"], "CSAT");
    assert_eq!(value["value"], 4.7);
    assert_eq!(value["target"], Value::Null);
    assert_eq!(value["member"]["name"], "Alex Kim");
    assert_eq!(value["measured_at"], "2026-12-07T09:00:00Z");
    assert_eq!(value["id"].as_str().expect("id").len(), 32);

    // Negative numbers are values, not options; a unit is kept.
    env.ok([
        "metric",
        "record",
        "jordan",
        "Net score",
        "-3",
        "--unit",
        "pts",
    ]);
    let id = env.ok(["metric", "record", "jordan", "FCR", "78.5", "-u", "%", "-q"]);
    assert_eq!(id.trim().len(), 32);

    let listed = env.json(["metric", "list", "alex"]);
    let values: Vec<f64> = listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v["value"].as_f64().expect("value"))
        .collect();
    assert_eq!(values, [4.6, 4.7], "oldest first");
    let table = env.ok(["metric", "list", "jordan"]);
    assert!(table.contains("78.5%"), "{table}");
    assert!(table.contains("-3 pts"), "{table}");
    assert_eq!(
        env.ok(["metric", "list", "jordan", "-q"]).lines().count(),
        2
    );
}

#[test]
fn recording_the_same_date_again_replaces_the_value() {
    let env = Env::with_team();
    env.ok([
        "metric",
        "record",
        "alex",
        "CSAT",
        "4.2",
        "-d",
        "2026-11-30",
        "-t",
        "4.5",
    ]);
    let out = env.ok([
        "metric",
        "record",
        "alex",
        "CSAT",
        "4.4",
        "-d",
        "2026-11-30",
    ]);
    assert_eq!(
        out.trim(),
        "Replaced CSAT 4.2 with 4.4 for Alex Kim on 2026-11-30 09:00"
    );
    let listed = env.json(["metric", "list", "alex"]);
    assert_eq!(listed.as_array().expect("list").len(), 1);
    assert_eq!(listed[0]["value"], 4.4);
    assert_eq!(
        listed[0]["target"], 4.5,
        "the target stays when none is given"
    );
}

#[test]
fn bad_values_are_refused_and_change_nothing() {
    let env = Env::with_team();
    env.ok(["metric", "record", "alex", "CSAT", "4.2"]);
    let err = env.fails(3, ["metric", "record", "alex", "CSAT", "abc"]);
    assert!(err.contains("the value \"abc\" is not a number"), "{err}");
    for bad in ["NaN", "inf", "infinity", "1e999"] {
        let err = env.fails(3, ["metric", "record", "alex", "CSAT", bad]);
        assert!(err.contains("not a finite number"), "{bad}: {err}");
    }
    let err = env.fails(
        3,
        ["metric", "record", "alex", "CSAT", "4", "--target", "x"],
    );
    assert!(err.contains("the target \"x\" is not a number"), "{err}");
    let err = env.fails(3, ["metric", "record", "alex", " ", "4"]);
    assert!(err.contains("a metric needs a name"), "{err}");
    env.fails(3, ["metric", "record", "alex", "CS\nAT", "4"]);
    env.fails(
        3,
        ["metric", "record", "alex", "CSAT", "4", "--unit", "a\tb"],
    );
    let err = env.fails(
        3,
        ["metric", "record", "alex", "CSAT", "4", "--date", "someday"],
    );
    assert!(err.contains("cannot read \"someday\" as a date"), "{err}");
    let err = env.fails(3, ["metric", "record", "nobody", "CSAT", "4"]);
    assert!(err.contains("no member matches \"nobody\""), "{err}");
    env.fails(2, ["metric", "record", "alex", "CSAT"]);
    let err = env.fails(3, ["metric", "list", "alex", "--metric", "CSTA"]);
    assert!(err.contains("did you mean \"CSAT\"?"), "{err}");
    env.fails(3, ["metric", "list", "alex", "--since", "someday"]);
}

#[test]
fn a_csv_export_is_imported_and_importing_it_again_changes_nothing() {
    let (env, file) = env_with_file("weekly.csv", ALEX_CSV);
    let out = env.ok(["metric", "import", &file]);
    assert_eq!(out.trim(), "Imported 8 values for 1 member");
    let summary = env.json(["metric", "import", &file]);
    assert_eq!(summary["imported"], 8);
    assert_eq!(summary["replaced"], 8, "the same dates replace, not double");
    assert_eq!(summary["members"], 1);
    assert_eq!(summary["bad_count"], 0);
    assert_eq!(summary["bad"], serde_json::json!([]));
    assert_eq!(summary["dry_run"], false);
    let listed = env.json(["metric", "list", "alex", "--metric", "aht"]);
    assert_eq!(listed.as_array().expect("list").len(), 4);
    assert_eq!(listed[3]["value"], 412.0);
    assert_eq!(listed[3]["unit"], "s");
    let since = env.json(["metric", "list", "alex", "--since", "2026-11-16"]);
    assert_eq!(since.as_array().expect("list").len(), 4);
    // --quiet prints nothing: there is no one id to print.
    assert_eq!(env.ok(["metric", "import", &file, "-q"]), "");
}

#[test]
fn a_target_and_unit_given_long_ago_still_apply() {
    // 500 daily values: only the first carries a target and a unit.
    let mut csv = String::from("member,metric,value,date,target,unit\n");
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
    for day in 0..500 {
        let date = start + chrono::Duration::days(day);
        let (target, unit) = if day == 0 { ("420", "s") } else { ("", "") };
        csv.push_str(&format!(
            "Alex Kim,AHT,{},{date},{target},{unit}\n",
            400 + day % 7
        ));
    }
    let (env, file) = env_with_file("aht.csv", &csv);
    env.ok(["metric", "import", &file]);
    let card = env.json(["metric", "scorecard", "alex"]);
    let aht = &card["metrics"][0];
    assert_eq!(aht["metric"], "AHT");
    assert_eq!(aht["target"], 420.0, "{aht}");
    assert_eq!(aht["unit"], "s", "{aht}");
}

#[test]
fn csv_columns_in_any_order_with_a_bom_crlf_and_quotes() {
    let csv = "\u{feff}Date,Value,Metric,Member\r\n\
               2026-11-30,4.5,\"Quality, overall\",alex@example.com\r\n\
               2026-11-30 14:00,92,QA,Jordan\r\n";
    let (env, file) = env_with_file("export.txt", csv);
    let summary = env.json(["metric", "import", &file]);
    assert_eq!(summary["imported"], 2);
    assert_eq!(summary["members"], 2);
    let jordan = env.json(["metric", "list", "jordan"]);
    assert_eq!(jordan[0]["measured_at"], "2026-11-30T14:00:00Z");
    let alex = env.json(["metric", "list", "alex"]);
    assert_eq!(alex[0]["metric"], "Quality, overall");
}

#[test]
fn json_lines_come_from_a_file_or_standard_input() {
    let jsonl = r#"{"member": "Alex Kim", "metric": "CSAT", "value": 4.6, "date": "2026-11-30", "target": 4.5}

{"member": "Jordan Park", "metric": "FCR", "value": 74, "date": "2026-11-30", "unit": "%", "target": null}
"#;
    let (env, file) = env_with_file("export.jsonl", jsonl);
    let summary = env.json(["metric", "import", &file]);
    assert_eq!(summary["imported"], 2);
    assert_eq!(env.json(["metric", "list", "jordan"])[0]["unit"], "%");

    // Standard input: the first character tells JSON Lines from CSV.
    let line = r#"{"member": "alex", "metric": "csat", "value": 4.8, "date": "2026-12-07"}"#;
    let (code, out, _) = run_with_stdin(&env, &["metric", "import", "-", "--json"], line);
    assert_eq!(code, Some(0));
    let summary: Value = serde_json::from_str(&out).expect("json");
    assert_eq!(summary["imported"], 1);
    let csv = "member,metric,value,date\nAlex Kim,CSAT,4.9,2026-12-14\n";
    let (code, out, _) = run_with_stdin(&env, &["metric", "import", "-"], csv);
    assert_eq!(code, Some(0));
    assert!(out.starts_with("Imported 1 value for 1 member"), "{out}");
    let csat = env.json(["metric", "list", "alex", "--metric", "CSAT"]);
    assert_eq!(csat.as_array().expect("list").len(), 3);
    assert_eq!(csat[2]["metric"], "CSAT", "the name as first recorded");

    // --format overrides the guess.
    let (code, _, err) = run_with_stdin(&env, &["metric", "import", "-", "--format", "csv"], line);
    assert_eq!(code, Some(3), "{err}");
}

#[test]
fn a_bad_row_fails_the_whole_import_and_changes_nothing() {
    let csv = "\
member,metric,value,date,target,unit
Alex Kim,CSAT,4.1,2026-12-01,,
Alx,CSAT,4,2026-12-01,,
Alex Kim,CSAT,abc,2026-12-01,,
Alex Kim,,4,2026-12-01,,
Alex Kim,CSAT,4,someday,,
Alex Kim,CSAT,inf,2026-12-01,,
Alex Kim,CSAT
Jordan Park,FCR,78,2026-12-01,seventy,%
";
    let (env, file) = env_with_file("bad.csv", csv);
    let (bad, err) = refused_import(&env, &["metric", "import", &file], "");
    assert_eq!(bad.len(), 7, "every bad row is listed: {bad:?}");
    assert_eq!(bad[0], "line 3: no member matches \"Alx\"");
    assert!(
        err.contains("bad.csv, line 3: no member matches \"Alx\" (and 6 more bad rows); nothing was imported"),
        "{err}"
    );
    assert_eq!(env.json(["metric", "list", "alex"]), serde_json::json!([]));

    // A dry run lists every bad row and writes nothing.
    let before = snapshot(&env.db);
    let output = env
        .coach(["metric", "import", "--dry-run", &file])
        .output()
        .expect("run");
    assert!(output.status.success());
    assert_eq!(snapshot(&env.db), before, "a dry run wrote to the database");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("1 value for 1 member would be imported; 7 bad rows"),
        "{stdout}"
    );

    // --skip-bad takes the good rows and lists the bad ones by line.
    let output = env
        .coach(["metric", "import", "--skip-bad", &file])
        .output()
        .expect("run");
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    let expected = [
        "line 3: no member matches \"Alx\"",
        "line 4: the value \"abc\" is not a number",
        "line 5: a metric needs a name",
        "line 6: cannot read \"someday\" as a date",
        "line 7: the value \"inf\" is not a finite number",
        "line 8: 2 fields, but the header has 6",
        "line 9: the target \"seventy\" is not a number",
    ];
    assert_eq!(stderr.lines().collect::<Vec<_>>(), expected, "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("(7 bad rows skipped)"), "{stdout}");
    assert_eq!(env.json(["metric", "list", "alex"])[0]["value"], 4.1);

    let summary = env.json(["metric", "import", "--skip-bad", &file]);
    assert_eq!(summary["bad_count"], 7);
    assert_eq!(summary["bad"][0]["line"], 3);
    assert_eq!(summary["bad"][0]["reason"], "no member matches \"Alx\"");
    assert_eq!(summary["bad"][6]["line"], 9);
}

#[test]
fn bad_json_lines_are_reported_by_line() {
    let jsonl = "\
{\"member\": \"Alex Kim\", \"metric\": \"CSAT\", \"value\": 4.6, \"date\": \"2026-11-30\"}
{\"member\": \"Alex Kim\", \"metric\": \"CSAT\", \"value\": \"4.6\", \"date\": \"2026-12-01\"}
{\"member\": \"Alex Kim\", \"metric\": \"CSAT\", \"date\": \"2026-12-02\"}
not json
{\"member\": \"Alex Kim\", \"metric\": \"CSAT\", \"value\": 1, \"date\": \"2026-12-03\", \"colour\": \"red\"}
";
    let (env, file) = env_with_file("bad.jsonl", jsonl);
    let (_, err) = refused_import(&env, &["metric", "import", &file], "");
    // A number may be a JSON string, as in every import: line 2 is good.
    assert!(
        err.contains("line 3: not a valid row: missing field `value` (and 2 more bad rows)"),
        "{err}"
    );
    let summary = env.json(["metric", "import", "--skip-bad", &file]);
    assert_eq!(summary["imported"], 2);
    let lines: Vec<u64> = summary["bad"]
        .as_array()
        .expect("bad")
        .iter()
        .map(|b| b["line"].as_u64().expect("line"))
        .collect();
    assert_eq!(lines, [3, 4, 5]);
    assert!(summary["bad"][0]["reason"]
        .as_str()
        .expect("reason")
        .contains("missing field `value`"));
}

#[test]
fn a_file_that_cannot_be_imported_is_a_clear_error() {
    let env = Env::with_team();
    let err = env.fails(3, ["metric", "import", "missing.csv"]);
    assert!(
        err.contains("cannot read missing.csv: no such file or directory"),
        "{err}"
    );
    for (name, content, expected) in [
        (
            "no-value.csv",
            "member,metric,date\n",
            "the header has no \"value\" column",
        ),
        (
            "extra.csv",
            "member,metric,value,date,team\n",
            "unknown column \"team\" in the header",
        ),
        (
            "semicolons.csv",
            "member;metric;value;date\n",
            "the header is not separated by commas",
        ),
        (
            "twice.csv",
            "member,metric,value,date,Value\n",
            "the column \"value\" appears twice",
        ),
        (
            "array.json",
            "[{\"member\": \"Alex Kim\"}]\n",
            "holds a JSON array",
        ),
    ] {
        let path = env.dir.path().join(name);
        std::fs::write(&path, content).expect("write");
        let err = env.fails(3, ["metric", "import", &path.display().to_string()]);
        assert!(err.contains(expected), "{name}: {err}");
    }
    // Not UTF-8: a bad row, like any other.
    let path = env.dir.path().join("latin1.csv");
    std::fs::write(
        &path,
        b"member,metric,value,date\nAlex Kim,Satisfaction \xe9,4,2026-12-01\nAlex Kim,CSAT,4,2026-12-01\n",
    )
    .expect("write");
    let summary = env.json([
        "metric",
        "import",
        "--skip-bad",
        &path.display().to_string(),
    ]);
    assert_eq!(summary["imported"], 1);
    assert_eq!(summary["bad"][0]["line"], 2);
    assert_eq!(summary["bad"][0]["reason"], "the metric is not UTF-8 text");
    // A header alone imports nothing, successfully.
    let path = env.dir.path().join("empty.csv");
    std::fs::write(&path, "member,metric,value,date\n").expect("write");
    assert_eq!(
        env.json(["metric", "import", &path.display().to_string()])["imported"],
        0
    );
}

#[test]
fn the_scorecard_shows_targets_trends_and_sparklines() {
    let (env, file) = env_with_file("weekly.csv", ALEX_CSV);
    env.ok(["metric", "import", &file]);
    // Without the setting, a target is a minimum: AHT 412 is "below" 420.
    let card = env.ok(["metric", "scorecard", "alex"]);
    assert!(card.starts_with("Scorecard: Alex Kim"), "{card}");
    let aht = line_of(&card, "AHT");
    assert!(
        aht.contains("≥ 420 s") && aht.contains("below (-8 s)"),
        "{aht}"
    );

    env.ok(["config", "set", "metric.lower-is-better", "AHT, Hold time"]);
    let card = env.ok(["metric", "scorecard", "alex"]);
    let aht = line_of(&card, "AHT");
    for part in [
        "412 s",
        "2026-11-23",
        "≤ 420 s",
        "on target",
        "↓ -19 s",
        "█▆▄▁",
    ] {
        assert!(aht.contains(part), "{part} in {aht}");
    }
    let csat = line_of(&card, "CSAT");
    for part in ["4.6", "≥ 4.5", "on target", "↑ +0.3", "▁▅▃█"] {
        assert!(csat.contains(part), "{part} in {csat}");
    }

    let json = env.json(["metric", "scorecard", "alex"]);
    assert_eq!(json["member"]["name"], "Alex Kim");
    let metrics = json["metrics"].as_array().expect("metrics");
    assert_eq!(metrics.len(), 2);
    let aht = &metrics[0];
    for key in [
        "metric",
        "value",
        "unit",
        "target",
        "lower_is_better",
        "on_target",
        "measured_at",
        "previous",
        "trend",
        "delta",
        "recent",
        "sparkline",
    ] {
        assert!(aht.get(key).is_some(), "a scorecard line has {key}: {aht}");
    }
    assert_eq!(aht["metric"], "AHT");
    assert_eq!(aht["lower_is_better"], true);
    assert_eq!(aht["on_target"], true);
    assert_eq!(aht["trend"], "down");
    assert_eq!(aht["delta"], -19.0);
    assert_eq!(aht["previous"]["value"], 431.0);
    assert_eq!(
        aht["recent"],
        serde_json::json!([455.0, 440.0, 431.0, 412.0])
    );
    assert_eq!(metrics[1]["delta"], 0.3, "rounded: not 0.2999999999999998");
    assert_eq!(
        env.ok(["metric", "scorecard", "alex", "-q"])
            .lines()
            .collect::<Vec<_>>(),
        ["AHT", "CSAT"]
    );
}

#[test]
fn the_scorecard_keeps_the_last_twelve_values_and_the_latest_known_target() {
    let env = Env::with_team();
    env.ok([
        "metric",
        "record",
        "jordan",
        "FCR",
        "70",
        "-d",
        "2026-01-05",
        "-t",
        "75",
        "-u",
        "%",
    ]);
    // Fourteen later values, without a target or unit.
    let mut csv = String::from("member,metric,value,date\n");
    for day in 1..=14 {
        csv.push_str(&format!("Jordan Park,fcr,80,2026-02-{day:02}\n"));
    }
    let path = env.dir.path().join("daily.csv");
    std::fs::write(&path, csv).expect("write");
    env.ok(["metric", "import", &path.display().to_string()]);
    let json = env.json(["metric", "scorecard", "jordan"]);
    let fcr = &json["metrics"][0];
    assert_eq!(fcr["recent"].as_array().expect("recent").len(), 12);
    assert_eq!(fcr["sparkline"], "▄▄▄▄▄▄▄▄▄▄▄▄");
    assert_eq!(fcr["trend"], "flat");
    assert_eq!(fcr["delta"], 0.0);
    assert_eq!(fcr["target"], 75.0, "from the first value, 14 values back");
    assert_eq!(fcr["unit"], "%");
    let card = env.ok(["metric", "scorecard", "jordan"]);
    assert!(line_of(&card, "FCR").contains("→ 0"), "{card}");

    // A member without metrics has an empty scorecard.
    let output = env
        .coach(["metric", "scorecard", "alex"])
        .output()
        .expect("run");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("Alex Kim has no metrics yet"));
    assert_eq!(
        env.json(["metric", "scorecard", "alex"])["metrics"],
        serde_json::json!([])
    );
}

#[test]
fn one_focus_metric_is_added_to_a_session_with_its_latest_value() {
    let (env, file) = env_with_file("weekly.csv", ALEX_CSV);
    env.ok(["metric", "import", &file]);
    env.ok(["session", "new", "alex", "--title", "Weekly check-in"]);
    let out = env.ok(["metric", "add", "csat"]);
    assert_eq!(
        out.trim(),
        "Added CSAT: 4.6, target ≥ 4.5: on target, measured 2026-11-23"
    );
    let added = env.json(["metric", "add", "CSAT", "4.1"]);
    for key in [
        "id",
        "short_id",
        "session_id",
        "metric",
        "value",
        "target",
        "unit",
        "measured_at",
        "lower_is_better",
        "on_target",
        "notes",
        "created_at",
        "updated_at",
    ] {
        assert!(
            added.get(key).is_some(),
            "a session metric has {key}: {added}"
        );
    }
    assert_eq!(added["value"], 4.1);
    assert_eq!(added["target"], 4.5, "the latest known target");
    assert_eq!(added["on_target"], false);
    assert_eq!(added["session_id"], env.current_session());
    // The same metric again replaces its value; the session has it once.
    let out = env.ok(["metric", "add", "Csat"]);
    assert!(out.starts_with("Updated CSAT: 4.6 (was 4.1)"), "{out}");
    let view = env.json(["session", "show"]);
    assert_eq!(view["metrics"].as_array().expect("metrics").len(), 1);
    // A value given in the session is not recorded in the history.
    assert_eq!(
        env.json(["metric", "list", "alex", "-m", "csat"])
            .as_array()
            .expect("list")
            .len(),
        4
    );

    // A new metric with a value; target and unit from the flags.
    let added = env.json([
        "metric",
        "add",
        "Quality score",
        "92",
        "--target",
        "90",
        "--unit",
        "pts",
        "--date",
        "2026-11-30",
    ]);
    assert_eq!(added["measured_at"], "2026-11-30T09:00:00Z");
    assert_eq!(added["unit"], "pts");
    let id = env.ok(["metric", "add", "AHT", "-q"]);
    assert_eq!(id.trim().len(), 32);
}

#[test]
fn a_metric_without_a_recorded_value_is_an_error_with_a_hint() {
    let (env, file) = env_with_file("weekly.csv", ALEX_CSV);
    env.fails(3, ["metric", "add", "CSAT"]);
    env.ok(["session", "new", "jordan"]);
    let err = env.fails(3, ["metric", "add", "CSAT"]);
    assert!(
        err.contains("Jordan Park has no recorded value for \"CSAT\""),
        "{err}"
    );
    assert!(
        err.contains("hint: give the value: coach metric add CSAT VALUE, or record it first: coach metric record \"Jordan Park\" CSAT VALUE"),
        "{err}"
    );
    let err = env.fails(3, ["metric", "add", "--scorecard"]);
    assert!(err.contains("Jordan Park has no recorded metrics"), "{err}");

    env.ok(["metric", "import", &file]);
    env.ok(["session", "new", "alex"]);
    let err = env.fails(3, ["metric", "add", "FCR"]);
    assert!(err.contains("Alex Kim's metrics are: AHT, CSAT"), "{err}");
    let err = env.fails(3, ["metric", "add", "CSTA"]);
    assert!(err.contains("did you mean \"CSAT\"?"), "{err}");
    env.fails(3, ["metric", "add", "CSAT", "lots"]);
    env.fails(2, ["metric", "add"]);
    env.fails(2, ["metric", "add", "--scorecard", "CSAT"]);
    env.fails(2, ["metric", "add", "CSAT", "--date", "2026-12-01"]);
}

#[test]
fn the_full_scorecard_is_added_and_shown_in_the_session() {
    let (env, file) = env_with_file("weekly.csv", ALEX_CSV);
    env.ok(["config", "set", "metric.lower-is-better", "aht"]);
    env.ok(["metric", "import", &file]);
    env.ok(["session", "new", "alex", "--title", "Monthly review"]);
    env.ok(["note", "add", "Celebrate the CSAT streak"]);
    let out = env.ok(["metric", "add", "--scorecard"]);
    assert!(
        out.starts_with("Added Alex Kim's scorecard to the session "),
        "{out}"
    );
    assert!(
        out.contains("  Added AHT: 412 s, target ≤ 420 s: on target"),
        "{out}"
    );
    let added = env.json(["metric", "add", "--scorecard"]);
    assert_eq!(added.as_array().expect("an array").len(), 2);
    assert_eq!(
        env.ok(["metric", "add", "--scorecard", "-q"])
            .lines()
            .count(),
        2
    );

    let shown = env.ok(["session", "show"]);
    let metrics_at = shown.find("\nMetrics\n").expect("a metrics section");
    assert!(
        shown.find("Celebrate the CSAT streak").expect("notes") < metrics_at,
        "metrics come after the notes"
    );
    let table = &shown[metrics_at..];
    let header = line_of(table, "ID");
    for column in ["METRIC", "VALUE", "TARGET", "VS TARGET"] {
        assert!(header.contains(column), "{header}");
    }
    let aht = table.lines().find(|l| l.contains("AHT")).expect("AHT row");
    assert!(aht.contains("412 s") && aht.contains("≤ 420 s") && aht.contains("on target"));
    let csat = table
        .lines()
        .find(|l| l.contains("CSAT"))
        .expect("CSAT row");
    assert!(csat.contains("4.6") && csat.contains("≥ 4.5"), "{csat}");

    let member_view = env.ok(["session", "show", "--as-member"]);
    assert!(
        member_view.contains("\nMetrics\n"),
        "the member sees the metrics"
    );
    let json = env.json(["session", "show"]);
    assert_eq!(json["metrics"][0]["metric"], "AHT");
    assert_eq!(json["metrics"][0]["notes"], serde_json::json!([]));

    // Take one out again.
    let out = env.ok(["metric", "rm", "aht"]);
    assert!(out.starts_with("Removed AHT from the session "), "{out}");
    let json = env.json(["session", "show"]);
    assert_eq!(json["metrics"].as_array().expect("metrics").len(), 1);
    let err = env.fails(3, ["metric", "rm", "AHT"]);
    assert!(err.contains("the session has no metric \"AHT\""), "{err}");
    assert!(err.contains("its metrics are: CSAT"), "{err}");
    let id = json["metrics"][0]["id"].as_str().expect("id").to_string();
    let removed = env.json(["metric", "rm", &id[..8]]);
    assert_eq!(removed["metric"], "CSAT");
    let shown = env.ok(["session", "show"]);
    assert!(!shown.contains("\nMetrics\n"), "no section without metrics");
}

#[test]
fn dedicated_notes_show_under_the_metrics_and_private_ones_stay_private() {
    let (env, file) = env_with_file("weekly.csv", ALEX_CSV);
    env.ok(["metric", "import", &file]);
    env.ok(["session", "new", "alex"]);
    let csat = env.json(["metric", "add", "CSAT"]);
    let item = csat["id"].as_str().expect("id");
    let session = env.current_session();
    // Until `note add` can dedicate a note to an item, write them directly.
    let db = rusqlite::Connection::open(&env.db).expect("open");
    let me: String = db
        .query_row("SELECT value FROM state WHERE key = 'user.id'", [], |r| {
            r.get(0)
        })
        .expect("owner");
    for (id, body, visibility) in [
        ("a1", "Ask what changed on the 16th", "shared"),
        (
            "b2",
            "PRIVATE-METRIC-NOTE dip after the rota change",
            "private",
        ),
    ] {
        db.execute(
            "INSERT INTO notes (id, session_id, body, visibility, author, created_at, updated_at, item_id)
             VALUES (?1, ?2, ?3, ?4, ?5, '2026-11-30T09:00:00.000Z', '2026-11-30T09:00:00.000Z', ?6)",
            rusqlite::params![format!("{id:0<32}"), session, body, visibility, me, item],
        )
        .expect("insert a note");
    }
    drop(db);

    let mine = env.ok(["session", "show"]);
    let on = mine
        .find("On CSAT")
        .expect("dedicated notes under the table");
    assert!(mine[on..].contains("Ask what changed on the 16th"));
    assert!(mine[on..].contains("PRIVATE-METRIC-NOTE"));
    assert!(line_of(&mine[on..], "b2").contains("(private)"));
    assert!(
        !mine[..on].contains("Ask what changed"),
        "not in the shared notes block"
    );

    let theirs = env.ok(["session", "show", "--as-member"]);
    assert!(theirs.contains("Ask what changed on the 16th"));
    assert!(!theirs.contains("PRIVATE-METRIC-NOTE"), "{theirs}");
    let theirs_json = env.ok(["session", "show", "--as-member", "--json"]);
    assert!(!theirs_json.contains("PRIVATE-METRIC-NOTE"));
    let view: Value = serde_json::from_str(&theirs_json).expect("json");
    assert_eq!(
        view["metrics"][0]["notes"].as_array().expect("notes").len(),
        1
    );
    let mine_json = env.json(["session", "show"]);
    assert_eq!(
        mine_json["metrics"][0]["notes"]
            .as_array()
            .expect("notes")
            .len(),
        2
    );
}

#[test]
fn a_failed_import_from_standard_input_changes_nothing() {
    let env = Env::with_team();
    env.ok(["metric", "record", "alex", "CSAT", "4.2"]);
    let (_, err) = refused_import(
        &env,
        &["metric", "import", "-"],
        "member,metric,value,date\nAlex Kim,CSAT,4.5,2026-12-01\nAlex Kim,CSAT,x,2026-12-02\n",
    );
    assert!(
        err.contains("standard input, line 3: the value \"x\" is not a number"),
        "{err}"
    );
}

#[test]
fn metric_help_has_examples() {
    let env = Env::new();
    for command in [
        vec!["metric", "--help"],
        vec!["metric", "import", "--help"],
        vec!["metric", "add", "--help"],
        vec!["metric", "record", "--help"],
        vec!["metric", "scorecard", "--help"],
    ] {
        env.coach(command)
            .assert()
            .success()
            .stdout(predicate::str::contains("Examples:"));
    }
}
