//! Every HTML page coach makes fits a 390 px phone, measured in a real
//! browser: Debian's `chromium`, headless. Chromium will not lay a window
//! out narrower than 500 px, so each page is loaded into a 390 px
//! `<iframe>` of a wrapper page, which writes the frame's
//! `document.documentElement.scrollWidth` into its DOM for `--dump-dom`.
//!
//! Without Chromium the test says so and passes on a developer's machine;
//! in CI (`CI=true`) it fails: `.ci/run` installs it.

use std::path::Path;
use std::process::Command;

use crate::common::Env;

const PHONE: u32 = 390;

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"].into_iter().find(|name| {
        Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// The width the page at `page` takes in a 390 px frame.
fn width_on_a_phone(browser: &str, page: &Path) -> u32 {
    let dir = page.parent().expect("folder");
    let wrapper = dir.join(format!(
        "phone-{}.html",
        page.file_name().expect("name").to_string_lossy()
    ));
    std::fs::write(
        &wrapper,
        format!(
            "<html><body><iframe id=\"f\" src=\"{}\" style=\"width:{PHONE}px;height:800px;border:0\"></iframe>\
             <script>document.getElementById('f').onload = function () {{\
             document.body.setAttribute('data-width', this.contentDocument.documentElement.scrollWidth); }};\
             </script></body></html>",
            page.file_name().expect("name").to_string_lossy()
        ),
    )
    .expect("wrapper");
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("file://{}", wrapper.display()))
        .output()
        .expect("run chromium");
    let dom = String::from_utf8_lossy(&output.stdout);
    let start = dom
        .find("data-width=\"")
        .unwrap_or_else(|| panic!("no width measured: {dom}"))
        + "data-width=\"".len();
    let digits: String = dom[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().expect("a width")
}

#[test]
fn the_agenda_recap_trends_and_digest_fit_a_phone_in_chromium() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var("CI").is_err(),
            "chromium is missing: .ci/run installs it (apt-get install chromium)"
        );
        eprintln!("skipped: chromium is not installed (CI installs it)");
        return;
    };
    let env = Env::with_team();
    env.ok(["member", "edit", "alex", "--name", "Zoë Åström-Kim"]);
    env.ok([
        "session",
        "new",
        "zoe",
        "--title",
        "Weekly check-in",
        "--date",
        "-1d",
    ]);
    env.ok([
        "note",
        "add",
        "See https://support.example.com/tickets/48213?tab=conversation&highlight=refund_policy_v2_and_more \
         and supercalifragilisticexpialidocious_identifier_name_without_spaces",
    ]);
    env.ok([
        "metric",
        "add",
        "Average handle time",
        "380",
        "--target",
        "420",
    ]);
    env.ok([
        "kudos",
        "Calm, thorough incident review",
        "--for",
        "expertise",
    ]);
    env.ok(["action", "add", "Shadow a team-lead shift", "--due", "+2d"]);
    let dir = env.dir.path();
    let pages = [
        (
            "agenda.html",
            vec!["session", "show", "--as-member", "--format", "html"],
        ),
        (
            "recap.html",
            vec![
                "session",
                "show",
                "--as-member",
                "--format",
                "html",
                "--recap",
            ],
        ),
    ];
    for (name, args) in pages {
        std::fs::write(dir.join(name), env.ok(args)).expect("page");
    }
    let trends = dir.join("trends.html");
    env.ok([
        "member",
        "trends",
        "zoe",
        "--html",
        &trends.display().to_string(),
    ]);
    // The digest: its HTML part, as the member's mail client gets it.
    env.ok([
        "metric",
        "record",
        "zoe",
        "Average handle time",
        "380",
        "--target",
        "420",
        "--date",
        "-2d",
    ]);
    let dry = env.ok(["share", "--digest", "zoe", "--dry-run"]);
    let message = mail_parser::MessageParser::default()
        .parse(dry.as_bytes())
        .expect("the digest parses");
    let html = message.body_html(0).expect("an HTML part");
    assert!(html.contains("█"), "the digest has its bars");
    std::fs::write(dir.join("digest.html"), html.as_bytes()).expect("page");
    for name in ["agenda.html", "recap.html", "trends.html", "digest.html"] {
        let width = width_on_a_phone(browser, &dir.join(name));
        assert!(
            width <= PHONE,
            "{name} is {width} px wide on a {PHONE} px phone"
        );
    }
}
