//! The hostile corpus (tests/hostile/): crafted inputs, each run through
//! the real binary against a copy of one known world. Every case must fail
//! with a clear one-line error (and at most a hint), the documented exit
//! code and the expected words, without a panic, and leave every file of
//! the user's folder (the database, its WAL, attachments, outbox) exactly
//! as it was. The format of the `*.cases` files is in
//! tests/hostile/README.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use crate::common::{assert_failed, Env};

/// The corpus folder.
fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile")
}

/// The alex session of world.json, made current in the world.
pub(crate) const WORLD_SESSION: &str = "8f67cc887e7043c1bbbfa9d7620a24f3";

/// One line of a `*.cases` file.
#[derive(Debug)]
struct Case {
    /// Where it was written: `file.cases:LINE`.
    origin: String,
    /// The input under tests/hostile/, or `None` (`-`).
    input: Option<PathBuf>,
    exit: i32,
    args: Vec<String>,
    /// Words the error must contain (ignoring case).
    says: String,
}

/// The world every case starts from, built once: world.json imported into
/// a new database, `coach init`, the alex session current.
fn world() -> &'static Env {
    static WORLD: OnceLock<Env> = OnceLock::new();
    WORLD.get_or_init(|| {
        let env = Env::new();
        let world = corpus().join("world.json");
        env.ok(["import", world.to_str().expect("path")]);
        env.ok(["init", "--name", "Sam Lee", "--email", "sam@example.com"]);
        env.ok(["session", "use", WORLD_SESSION]);
        env
    })
}

/// A fresh copy of the world, in a new temporary folder.
fn copy_of_world() -> Env {
    let env = Env::new();
    copy_dir(world().dir.path(), env.dir.path());
    env
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read world") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every file under `dir` with its bytes (SQLite's shared-memory index,
/// `-shm`, is not data and is left out, and so is an empty WAL, which a
/// read leaves in place).
fn folder_snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("read folder") {
            let entry = entry.expect("entry");
            let path = entry.path();
            if entry.file_type().expect("type").is_dir() {
                stack.push(path);
            } else if !path.to_string_lossy().ends_with("-shm") {
                let bytes = std::fs::read(&path).unwrap_or_default();
                if bytes.is_empty() && path.to_string_lossy().ends_with("-wal") {
                    continue;
                }
                files.insert(path.strip_prefix(dir).expect("inside").to_path_buf(), bytes);
            }
        }
    }
    files
}

/// Reads every `*.cases` file of the corpus.
fn cases() -> Vec<Case> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("tests/hostile")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "cases"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read cases");
        let name = file
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            cases.push(parse_case(&format!("{name}:{}", i + 1), line));
        }
    }
    cases
}

fn parse_case(origin: &str, line: &str) -> Case {
    let fields: Vec<&str> = line.splitn(4, '|').map(str::trim).collect();
    assert_eq!(fields.len(), 4, "{origin}: input | exit | arguments | says");
    let input = match fields[0] {
        "-" => None,
        path => {
            let full = corpus().join(path);
            assert!(full.exists(), "{origin}: no such input {path}");
            Some(full)
        }
    };
    Case {
        origin: origin.to_string(),
        input,
        exit: fields[1]
            .parse()
            .unwrap_or_else(|_| panic!("{origin}: exit")),
        args: split_args(origin, fields[2]),
        says: fields[3].to_string(),
    }
}

/// Splits arguments at spaces; "double quotes" group, and inside or
/// outside them `\n`, `\r`, `\t`, `\e`, `\\`, `\"` and `\u{XXXX}` stand
/// for the character.
fn split_args(origin: &str, text: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut current: Option<String> = None;
    let mut quoted = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                current.get_or_insert_with(String::new);
            }
            ' ' if !quoted => {
                if let Some(arg) = current.take() {
                    args.push(arg);
                }
            }
            '\\' => {
                let escaped = match chars.next() {
                    Some('n') => '\n',
                    Some('r') => '\r',
                    Some('t') => '\t',
                    Some('e') => '\u{1b}',
                    Some('u') => {
                        let code: String = chars
                            .by_ref()
                            .skip_while(|c| *c == '{')
                            .take_while(|c| *c != '}')
                            .collect();
                        u32::from_str_radix(&code, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .unwrap_or_else(|| panic!("{origin}: bad \\u{{{code}}}"))
                    }
                    Some(other) => other,
                    None => panic!("{origin}: a lone \\ at the end"),
                };
                current.get_or_insert_with(String::new).push(escaped);
            }
            other => current.get_or_insert_with(String::new).push(other),
        }
    }
    assert!(!quoted, "{origin}: unbalanced quotes");
    args.extend(current);
    args
}

/// Runs one case in a fresh copy of the world; `Err` says what was wrong.
fn run_case(case: &Case) -> Result<(), String> {
    let env = copy_of_world();
    let input = case.input.as_deref();
    if let Some(sql) = input.filter(|p| p.extension().is_some_and(|e| e == "sql")) {
        // A hostile database: the SQL is applied to the world first.
        let conn = rusqlite::Connection::open(&env.db).expect("open world");
        conn.execute_batch(&std::fs::read_to_string(sql).expect("read sql"))
            .map_err(|e| format!("the SQL does not apply: {e}"))?;
        drop(conn);
    }
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| match input {
            Some(path) => a.replace("FILE", path.to_str().expect("path")),
            None => a.clone(),
        })
        .collect();
    let stdin = match input {
        Some(path) if path.extension().is_none_or(|e| e != "sql") => {
            std::fs::read(path).expect("read input")
        }
        _ => Vec::new(),
    };
    let before = folder_snapshot(env.dir.path());
    let output = env
        .coach(&args)
        .write_stdin(stdin)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("run coach");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let said = if case.exit == 0 {
        // Hostile but harmless: it works, and changes nothing.
        if !output.status.success() || stderr.contains("panicked") {
            return Err(format!(
                "exit {:?}, stderr:\n{stderr}",
                output.status.code()
            ));
        }
        String::from_utf8_lossy(&output.stdout).into_owned()
    } else {
        let error = without_bad_rows(&output);
        std::panic::catch_unwind(|| assert_failed(&error, case.exit))
            .map_err(|_| format!("exit {:?}, stderr:\n{stderr}", output.status.code()))?;
        // A report (`coach doctor`) names the problems on standard output.
        format!("{stderr}{}", String::from_utf8_lossy(&output.stdout))
    };
    // Colours are off (NO_COLOR): an escape character printed as it is
    // came from the input, and would drive the user's terminal.
    if [&output.stdout, &output.stderr]
        .iter()
        .any(|printed| printed.contains(&0x1b))
    {
        return Err(format!("an escape character printed raw:\n{said:?}"));
    }
    if !said.to_lowercase().contains(&case.says.to_lowercase()) {
        return Err(format!(
            "the output does not say \"{}\":\n{said}",
            case.says
        ));
    }
    let after = folder_snapshot(env.dir.path());
    if after != before {
        let changed: Vec<_> = after
            .keys()
            .chain(before.keys())
            .filter(|k| after.get(*k) != before.get(*k))
            .collect();
        return Err(format!("files changed: {changed:?}\n{stderr}"));
    }
    Ok(())
}

/// The output with the bad rows an import lists before its error (`line
/// N: reason`, then `... and N more bad rows, not listed`) taken out of
/// standard error: what is left is the error, as for any command.
fn without_bad_rows(output: &Output) -> Output {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let listed = stderr
        .lines()
        .take_while(|l| {
            let bad_row = l
                .strip_prefix("line ")
                .and_then(|rest| rest.split_once(": "));
            bad_row.is_some_and(|(n, _)| n.parse::<u64>().is_ok())
                || (l.starts_with("... and ") && l.ends_with(" more bad rows, not listed"))
        })
        .count();
    let rest: Vec<&str> = stderr.lines().skip(listed).collect();
    Output {
        status: output.status,
        stdout: output.stdout.clone(),
        stderr: format!("{}\n", rest.join("\n")).into_bytes(),
    }
}

#[test]
fn every_hostile_input_is_refused_cleanly_and_changes_nothing() {
    let cases = cases();
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            run_case(case)
                .err()
                .map(|why| format!("{} ({:?}): {why}", case.origin, case.args))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} hostile cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_world_of_the_corpus_is_what_the_cases_expect() {
    let env = copy_of_world();
    let shown = env.ok(["session", "show"]);
    assert!(
        shown.contains("WORLD-SHARED-NOTE") && shown.contains("WORLD-PRIVATE-NOTE"),
        "{shown}"
    );
    let attachment = env.json(["attachment", "list"])[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    env.ok(["attachment", "save", &attachment, "-"]);
}

#[test]
fn case_arguments_split_like_a_shell_with_escapes() {
    assert_eq!(
        split_args("t", r#"member add "Alex \e[31m" --team a\u{202e}b"#),
        vec!["member", "add", "Alex \u{1b}[31m", "--team", "a\u{202e}b"]
    );
    assert_eq!(split_args("t", r#"note add """#), vec!["note", "add", ""]);
}
