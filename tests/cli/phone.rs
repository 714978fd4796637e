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

/// The "done when": the agenda, recap and trends of a rich session
/// (every item kind, a long URL, non-ASCII names, a date across a
/// daylight-saving change), read as the member receives them.
#[test]
fn a_rich_session_reads_well_everywhere_and_keeps_its_secrets() {
    const SECRET: &str = "PRIVATE-CANARY-5e1d";
    const SHARED: &str = "SHARED-MARKER-77c0";
    let env = Env::with_team();
    // The coach in Chicago, the member in Berlin. Created in winter, the
    // 1:1 falls the day after Chicago moves to summer time (Berlin not yet).
    env.ok(["config", "set", "user.timezone", "America/Chicago"]);
    env.ok([
        "member",
        "edit",
        "alex",
        "--name",
        "Zoë Åström-Kim",
        "--timezone",
        "Europe/Berlin",
    ]);
    let session = env
        .ok([
            "session",
            "new",
            "zoe",
            "-q",
            "--title",
            "Wöchentliches 1:1 ☕",
            "--date",
            "2027-03-15 10:00",
        ])
        .trim()
        .to_string();
    env.ok([
        "note",
        "add",
        &format!(
            "{SHARED}: *new* `macro_v2` shipped. Thanks! :tada: See \
             https://support.example.com/tickets/48213?tab=conversation&highlight=refund_policy_v2_and_more"
        ),
    ]);
    env.ok([
        "note",
        "add",
        "--by",
        "zoe",
        "Ich möchte über die Teamleitung sprechen",
    ]);
    env.ok(["note", "add", "--private", SECRET]);
    env.ok([
        "metric",
        "add",
        "Average handle time",
        "380",
        "--target",
        "420",
    ]);
    env.ok([
        "save",
        "feedback",
        "zoe",
        "--comment",
        "Très bien, merci",
        "--rating",
        "5",
        "--url",
        "https://support.example.com/t/1",
    ]);
    env.ok(["session", "add-saved", "--all"]);
    env.ok(["save", "qa", "zoe", "--score", "91", "--reviewer", "Øyvind"]);
    env.ok(["session", "add-saved", "--all"]);
    let file = env.dir.path().join("Übersicht.csv");
    std::fs::write(&file, "AHT,380\n").expect("write");
    env.ok(["attach", file.to_str().expect("path")]);
    env.ok([
        "kudos",
        "Calm, thorough incident review",
        "--for",
        "expertise",
    ]);
    env.ok([
        "action",
        "add",
        "Shadow a team-lead shift",
        "--due",
        "2027-03-20",
    ]);
    let view = env.json(["session", "show"]);
    for kind in ["metrics", "feedback", "qa_reviews", "attachments"] {
        let id = view[kind][0]["id"].as_str().expect(kind);
        env.ok(["note", "add", "--private", "--on", id, SECRET]);
    }

    // Every page fits a phone.
    let dir = env.dir.path();
    let shown = |recap: bool, format: &str| {
        let mut args = vec!["session", "show", "--as-member", "--format", format];
        if recap {
            args.push("--recap");
        }
        env.ok(args)
    };
    std::fs::write(dir.join("agenda.html"), shown(false, "html")).expect("page");
    std::fs::write(dir.join("recap.html"), shown(true, "html")).expect("page");
    let trends = dir.join("trends.html");
    env.ok([
        "member",
        "trends",
        "zoe",
        "--html",
        &trends.display().to_string(),
    ]);
    match chromium() {
        Some(browser) => {
            for name in ["agenda.html", "recap.html", "trends.html"] {
                let width = width_on_a_phone(browser, &dir.join(name));
                assert!(
                    width <= PHONE,
                    "{name} is {width} px wide on a {PHONE} px phone"
                );
            }
        }
        None => assert!(std::env::var("CI").is_err(), "chromium is missing"),
    }

    // Plain text without Markdown, the check-off commands whole.
    for recap in [false, true] {
        let text = shown(recap, "plain");
        for marker in ["\\*", "\\_", "\\!", "**", "`", ":tada:", "####"] {
            assert!(!text.contains(marker), "{marker} in {text}");
        }
        assert!(text.contains("🎉"), "{text}");
        assert!(
            text.contains("refund_policy_v2_and_more"),
            "the URL whole: {text}"
        );
        let short = env.json(["action", "list"])[0]["short_id"]
            .as_str()
            .expect("id")
            .to_string();
        assert!(text.contains(&format!("done {short}")), "{text}");
    }

    // The emails as sent: size, invite, and no secret in any part.
    env.ok(["share", &session]);
    env.ok(["share", "--recap", &session]);
    let mut sent: Vec<_> = std::fs::read_dir(dir.join("outbox"))
        .expect("outbox")
        .map(|e| e.expect("entry").path())
        .collect();
    sent.sort();
    assert_eq!(sent.len(), 2);
    let mut invites = 0;
    for path in &sent {
        let raw = std::fs::read(path).expect("eml");
        let message = mail_parser::MessageParser::default()
            .parse(&raw)
            .expect("MIME");
        let html: String = message
            .html_bodies()
            .filter_map(|p| p.text_contents())
            .collect();
        let text: String = message
            .text_bodies()
            .filter_map(|p| p.text_contents())
            .collect();
        assert!(html.len() < 80 * 1024, "{} bytes of HTML", html.len());
        let preheader_at = html.find("mso-hide:all").expect("a preheader");
        let preheader = &html[preheader_at..][..html[preheader_at..].find("</div>").expect("end")];
        for (part, body) in [
            ("HTML", html.as_str()),
            ("plain text", text.as_str()),
            ("preheader", preheader),
        ] {
            assert!(!body.contains(SECRET), "the {part} leaks the private note");
        }
        assert!(html.contains(SHARED) && text.contains(SHARED));
        assert!(text.contains("CET"), "the member's zone: {text}");
        if let Some(invite) = crate::invite::calendar_of(&raw) {
            let (_, event) = crate::invite::the_event(&invite.part);
            let start = crate::invite::utc(icalendar::Component::get_start(&event));
            assert_eq!(
                start
                    .with_timezone(&chrono_tz::Europe::Berlin)
                    .format("%Y-%m-%d %H:%M %Z")
                    .to_string(),
                "2027-03-15 16:00 CET",
                "10:00 in Chicago (CDT, since the day before) is 16:00 in Berlin"
            );
            for ics in [&invite.part, &invite.file] {
                let unfolded = ics.replace("\r\n ", "");
                assert!(
                    !unfolded.contains(SECRET),
                    "the invite leaks the private note"
                );
                assert!(unfolded.contains(SHARED), "{unfolded}");
            }
            invites += 1;
        }
    }
    assert_eq!(invites, 1, "the agenda carries the invite, the recap none");
}
