//! Completion in a real bash: the generated script, sourced, asked for
//! candidates the way bash asks on Tab.

use std::process::Command;

use crate::common::Env;

/// What bash offers for `words` (the last one is being completed).
fn complete(env: &Env, words: &[&str]) -> Vec<String> {
    let binary = assert_cmd::cargo::cargo_bin("coach");
    let folder = binary.parent().expect("the binary's folder");
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let current = words.last().copied().unwrap_or_default();
    let previous = if words.len() > 1 {
        words[words.len() - 2]
    } else {
        ""
    };
    let script = format!(
        r#"source <(coach completions bash)
COMP_WORDS=({words})
COMP_CWORD={cword}
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
COMP_TYPE=9
_clap_complete_coach coach '{current}' '{previous}'
printf '%s\n' "${{COMPREPLY[@]}}"
"#,
        words = quoted.join(" "),
        cword = words.len() - 1,
    );
    let path = format!(
        "{}:{}",
        folder.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .env("PATH", path)
        .env("COACH_DB", &env.db)
        .output()
        .expect("run bash");
    assert!(
        output.status.success(),
        "bash failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.trim().to_string())
        .filter(|line| !line.is_empty())
        .collect()
}

#[test]
fn bash_offers_member_names_and_session_ids() {
    let env = Env::with_team();
    let session = env.ok(["session", "new", "alex", "-q"]).trim().to_string();
    let short = env.json(["session", "show"])["short_id"]
        .as_str()
        .expect("short")
        .to_string();
    assert!(session.starts_with(&short));

    let members = complete(&env, &["coach", "session", "new", ""]);
    assert!(
        members.iter().any(|m| m.contains("Alex Kim")),
        "{members:?}"
    );
    assert!(
        members.iter().any(|m| m.contains("Jordan Park")),
        "{members:?}"
    );
    let only_jordan = complete(&env, &["coach", "member", "show", "Jo"]);
    assert!(
        only_jordan.iter().all(|m| m.contains("Jordan")) && !only_jordan.is_empty(),
        "{only_jordan:?}"
    );

    let sessions = complete(&env, &["coach", "session", "show", ""]);
    assert!(
        sessions.iter().any(|s| s.starts_with(&short)),
        "{sessions:?}"
    );

    let keys = complete(&env, &["coach", "config", "get", "mail.smtp."]);
    assert!(
        keys.iter().any(|k| k.starts_with("mail.smtp.host")),
        "{keys:?}"
    );

    let commands = complete(&env, &["coach", "sess"]);
    assert!(
        commands.iter().any(|c| c.starts_with("session")),
        "{commands:?}"
    );
}

#[test]
fn completion_never_creates_or_changes_the_database() {
    let env = Env::new();
    let offered = complete(&env, &["coach", "session", "new", ""]);
    assert!(
        offered.iter().all(|o| o.starts_with('-')),
        "only flags: {offered:?}"
    );
    assert!(!env.db.exists(), "completion created a database");
}

#[test]
fn member_names_complete_ignoring_case_and_accents() {
    let env = Env::with_team();
    env.ok(["member", "add", "Zoë Ångström"]);
    env.ok(["member", "add", "Álvaro Díaz"]);
    let offered = |typed: &str| complete(&env, &["coach", "session", "new", typed]);
    let al = offered("al");
    assert!(al.iter().any(|m| m.contains("Alex Kim")), "{al:?}");
    assert!(al.iter().any(|m| m.contains("Álvaro Díaz")), "{al:?}");
    assert!(!al.iter().any(|m| m.contains("Jordan")), "{al:?}");
    let zoe = offered("zoe");
    assert!(zoe.len() == 1 && zoe[0].contains("Zoë Ångström"), "{zoe:?}");
    let angs = offered("ANGS");
    assert!(
        angs.len() == 1 && angs[0].contains("Zoë"),
        "a word of the name: {angs:?}"
    );
    let kim = offered("KIM");
    assert!(kim.len() == 1 && kim[0].contains("Alex Kim"), "{kim:?}");
    assert!(offered("zzz").is_empty());
    // --by and --member complete the same way.
    let by = complete(&env, &["coach", "note", "add", "--by", "jo"]);
    assert!(by.len() == 1 && by[0].contains("Jordan Park"), "{by:?}");
}

#[test]
fn under_a_command_its_own_options_and_the_global_ones_are_offered() {
    // Only the command being completed under is built in full; the
    // global options still reach it, and the other commands' names are
    // still offered where a command is completed.
    let env = Env::with_team();
    let options = complete(&env, &["coach", "note", "add", "--"]);
    for option in ["--session", "--private", "--db", "--json"] {
        assert!(options.iter().any(|o| o == option), "{option}: {options:?}");
    }
    let helped = complete(&env, &["coach", "help", "no"]);
    assert!(helped.iter().any(|c| c == "note"), "{helped:?}");
    let commands = complete(&env, &["coach", "att"]);
    assert!(commands.iter().any(|c| c == "attach"), "{commands:?}");
    assert!(commands.iter().any(|c| c == "attachment"), "{commands:?}");
    let members = complete(
        &env,
        &[
            "coach",
            "--db",
            &env.db.to_string_lossy(),
            "session",
            "new",
            "jo",
        ],
    );
    assert!(
        members.iter().any(|m| m.contains("Jordan Park")),
        "{members:?}"
    );
}
