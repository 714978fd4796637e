//! The checked-in completions/ and man/ are what the code generates.
//!
//! After changing the command line, rewrite them with:
//!     COACH_REGENERATE=1 cargo test --test cli generated

use std::path::Path;

use coach::generate;

fn check_or_write(folder: &str, files: Vec<(String, Vec<u8>)>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let regenerate = std::env::var_os("COACH_REGENERATE").is_some();
    let mut stale = Vec::new();
    for (name, content) in &files {
        let path = dir.join(name);
        if regenerate {
            std::fs::write(&path, content).expect("write a generated file");
        } else if std::fs::read(&path).ok().as_ref() != Some(content) {
            stale.push(name.clone());
        }
    }
    // Files for commands that no longer exist.
    let expected: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    for entry in std::fs::read_dir(&dir).expect("the folder exists") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        if !expected.contains(&name.as_str()) && !name.starts_with('.') {
            if regenerate {
                std::fs::remove_file(dir.join(&name)).expect("remove a stale file");
            } else {
                stale.push(name);
            }
        }
    }
    assert!(
        stale.is_empty(),
        "{folder}/ is out of date ({}); run: COACH_REGENERATE=1 cargo test --test cli generated",
        stale.join(", ")
    );
}

#[test]
fn completions_are_current() {
    let files = generate::SHELLS
        .iter()
        .map(|(shell, file)| {
            (
                file.to_string(),
                generate::completion_script(shell).expect("script"),
            )
        })
        .collect();
    check_or_write("completions", files);
}

#[test]
fn man_pages_are_current() {
    check_or_write("man", generate::man_pages().expect("man pages"));
}

#[test]
fn the_man_page_reads_with_man() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("man/coach.1");
    if which("man").is_none() {
        // `man` itself is installed by .ci/run; without it, check the roff.
        let text = std::fs::read_to_string(&page).expect("coach.1");
        assert!(text.contains(".SH EXIT STATUS"));
        return;
    }
    let output = std::process::Command::new("man")
        .args(["-l", page.to_str().expect("path")])
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "80")
        .output()
        .expect("run man");
    // man marks bold and underline by overstriking (c, backspace, c).
    let mut text = String::new();
    for c in String::from_utf8_lossy(&output.stdout).chars() {
        if c == '\u{8}' {
            text.pop();
        } else {
            text.push(c);
        }
    }
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for section in [
        "NAME",
        "SYNOPSIS",
        "EXAMPLES",
        "FILES",
        "ENVIRONMENT",
        "EXIT STATUS",
    ] {
        assert!(text.contains(section), "coach.1 has {section}:\n{text}");
    }
    assert!(text.contains("COACH_SMTP_PASSWORD"));
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|path| path.is_file())
    })
}
