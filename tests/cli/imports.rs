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
