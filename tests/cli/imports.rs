//! Every bulk import reads its input the same way (`save feedback|qa
//! --from`, `metric import`): an empty input is an error, and no line may
//! be longer than 1 MiB, so one endless line costs bounded memory.

use std::process::Stdio;

use crate::common::Env;
use crate::files::run_measured;

/// The import commands, each given its input as FILE (`-`: standard input).
fn imports(file: &str) -> [Vec<String>; 3] {
    [
        vec!["save", "feedback", "--from", file],
        vec!["save", "qa", "--from", file],
        vec!["metric", "import", file],
    ]
    .map(|args| args.into_iter().map(String::from).collect())
}

#[test]
fn an_empty_import_file_is_an_error_that_changes_nothing() {
    let env = Env::with_team();
    std::fs::write(env.dir.path().join("empty.csv"), "").expect("write");
    std::fs::write(env.dir.path().join("bom.csv"), "\u{feff}").expect("write");
    let before = crate::common::snapshot(&env.db);
    for file in ["empty.csv", "bom.csv"] {
        for args in imports(file) {
            let err = env.fails(3, &args);
            assert!(
                err.contains(&format!("{file} is empty: there is nothing to import")),
                "{args:?}: {err}"
            );
        }
    }
    assert_eq!(crate::common::snapshot(&env.db), before);
}

#[test]
fn an_endless_line_is_refused_with_bounded_memory() {
    let env = Env::with_team();
    // A 300 MB file of one line (sparse: no disk used).
    let huge = env.dir.path().join("one-line.csv");
    std::fs::File::create(&huge)
        .expect("create")
        .set_len(300_000_000)
        .expect("set_len");
    let before = crate::common::snapshot(&env.db);
    for args in imports("one-line.csv") {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, err, peak) = run_measured(&env, &args, Stdio::null());
        assert_eq!(code, Some(3), "{args:?}: {err}");
        assert!(
            err.contains("line 1 is longer than 1 MiB"),
            "{args:?}: {err}"
        );
        assert!(
            peak < 50_000,
            "{args:?}: peak RSS {peak} kB on a 300 MB line"
        );
    }
    for args in imports("-") {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let zero = std::fs::File::open("/dev/zero").expect("open /dev/zero");
        let (code, err, peak) = run_measured(&env, &args, Stdio::from(zero));
        assert_eq!(code, Some(3), "{args:?}: {err}");
        assert!(err.contains("longer than 1 MiB"), "{args:?}: {err}");
        assert!(peak < 50_000, "{args:?}: peak RSS {peak} kB on /dev/zero");
    }
    assert_eq!(crate::common::snapshot(&env.db), before);
}

/// The same faults in a feedback file and in a metric file: both imports
/// answer them the same way (the empty file is above).
#[test]
fn every_import_meets_the_same_faults_the_same_way() {
    let env = Env::with_team();
    let write = |name: &str, text: &str| {
        let path = env.dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        path.display().to_string()
    };
    let imports = [
        (
            &["save", "feedback", "--from"][..],
            "member,comment,rating",
            "Alex Kim,Great call,5",
            r#"{"MEMBER": "Alex Kim", "Comment": "Clear answer", "Rating": 5}"#,
        ),
        (
            &["metric", "import"][..],
            "member,metric,value,date",
            "Alex Kim,CSAT,4.5,2026-11-30",
            r#"{"MEMBER": "Alex Kim", "Metric": "CSAT", "VALUE": 4.6, "Date": "2026-12-01"}"#,
        ),
    ];
    for (command, header, good, upper_keys) in imports {
        // The command, its FILE, then its flags.
        let run = |file: &str, extra: &[&str]| -> Vec<String> {
            let mut args: Vec<String> = command.iter().map(|a| a.to_string()).collect();
            args.push(file.to_string());
            args.extend(extra.iter().map(|a| a.to_string()));
            args
        };
        let what = command[0];
        let bad = format!(
            "{header}\n{good}\nNobody,{}\n",
            &good[good.find(',').expect("comma") + 1..]
        );

        // A bad row: nothing is imported, the error names its line.
        let file = write("bad.csv", &bad);
        let before = crate::common::snapshot(&env.db);
        let output = env.coach(run(&file, &[])).output().expect("run");
        assert_eq!(output.status.code(), Some(3), "{what}");
        let err = String::from_utf8_lossy(&output.stderr);
        assert!(
            err.contains("line 3") && err.contains("no member matches \"Nobody\""),
            "{what}: {err}"
        );
        assert_eq!(crate::common::snapshot(&env.db), before, "{what}");

        // --skip-bad: the good row goes in, the bad one is listed by line.
        let summary = env.json(run(&file, &["--skip-bad"]));
        assert_eq!(summary["bad"][0]["line"], 3, "{what}: {summary}");
        assert_eq!(
            summary["bad"][0]["reason"], "no member matches \"Nobody\"",
            "{what}: {summary}"
        );
        let output = env
            .coach(run(&file, &["--skip-bad"]))
            .output()
            .expect("run");
        assert!(output.status.success(), "{what}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("line 3: no member matches \"Nobody\""),
            "{what}: {stderr}"
        );

        // A byte order mark and CRLF line ends are read as if absent.
        let file = write("bom.csv", &format!("\u{feff}{header}\r\n{good}\r\n"));
        env.ok(run(&file, &[]));

        // A JSON array is refused the same way, whatever the file's name.
        for name in ["array.json", "array.jsonl", "array.txt"] {
            let file = write(name, &format!("[{upper_keys}]\n"));
            let err = env.fails(3, run(&file, &[]));
            assert!(
                err.contains("holds a JSON array, not JSON Lines") && err.contains("jq -c"),
                "{what} {name}: {err}"
            );
        }

        // JSON keys ignore case; an unknown one makes the row bad.
        let file = write("keys.jsonl", &format!("{upper_keys}\n"));
        env.ok(run(&file, &[]));
        let unknown = upper_keys.replace("MEMBER", "colleague");
        let file = write("unknown.jsonl", &format!("{upper_keys}\n{unknown}\n"));
        let summary = env.json(run(&file, &["--skip-bad"]));
        assert_eq!(summary["bad"][0]["line"], 2, "{what}: {summary}");
        assert!(
            summary["bad"][0]["reason"]
                .as_str()
                .expect("reason")
                .contains("unknown field \"colleague\""),
            "{what}: {summary}"
        );
    }
    // Feedback: the good row of bad.csv twice (--skip-bad twice), bom.csv,
    // keys.jsonl and unknown.jsonl's first row. Metrics: two dates, each
    // import of the same date replacing the value.
    assert_eq!(env.json(["saved"]).as_array().expect("saved").len(), 5);
    assert_eq!(
        env.json(["metric", "list", "alex"])
            .as_array()
            .expect("metrics")
            .len(),
        2
    );
}
