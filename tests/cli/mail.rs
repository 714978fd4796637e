//! `coach::mail` against a real SMTP server over TCP on 127.0.0.1 (no mock
//! transport), and the outbox, sendmail and password-command paths.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use coach::mail::{
    build_message, new_message_id, password_from_command, raw, send, Address, MailAttachment,
    OutgoingMail, SmtpSettings, TlsMode, Transport,
};
use coach::ErrorKind;
use mail_parser::{MessageParser, MimeHeaders};

use crate::smtp_server::{self, TestSmtp};

fn sample_mail() -> OutgoingMail {
    OutgoingMail {
        from: Address::new("Carla Coach", "carla@example.com"),
        to: vec![Address::new("Ada Lovelace", "ada@example.com")],
        cc: vec![],
        reply_to: None,
        subject: "Agenda: 1:1 with Ada".into(),
        text: "Hello Ada,\n\nHere is the agenda.\n".into(),
        html: "<p>Hello Ada,</p><p>Here is the agenda.</p>".into(),
        attachments: vec![],
        message_id: new_message_id("carla@example.com"),
        in_reply_to: None,
        calendar: None,
    }
}

fn smtp(port: u16, tls: TlsMode) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        tls,
        ca_file: None,
        timeout: Duration::from_secs(2),
        username: None,
        password: None,
    }
}

fn send_smtp(settings: SmtpSettings, mail: &OutgoingMail) -> coach::Result<coach::mail::Sent> {
    let message = build_message(mail).expect("message builds");
    send(&Transport::Smtp(settings), &message)
}

/// Mail bodies come back with CRLF line endings.
fn lf(text: &str) -> String {
    text.replace("\r\n", "\n")
}

#[test]
fn plain_smtp_delivers_headers_both_parts_and_attachments() {
    let server = TestSmtp::plain();
    let binary: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let parent = new_message_id("carla@example.com");
    let mail = OutgoingMail {
        from: Address::new("Carla Coach", "carla@example.com"),
        to: vec![
            Address::new("Ada Lovelace", "ada@example.com"),
            Address::new("", "bob@example.com"),
        ],
        cc: vec![Address::new("Çem Öz", "cem@example.org")],
        reply_to: Some(Address::new("Coaching desk", "desk@example.com")),
        subject: "Recap: 1:1 with Ada — 12 May ✓".into(),
        text: "Hello Ada,\n\nThanks — see the actions below.\n".into(),
        html: "<p>Hello Ada,</p><p>Thanks — see the <b>actions</b> below.</p>".into(),
        attachments: vec![
            MailAttachment {
                filename: "agenda.ics".into(),
                content_type: "text/calendar; charset=utf-8".into(),
                bytes: b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_vec(),
            },
            MailAttachment {
                filename: "chart (May).png".into(),
                content_type: "image/png".into(),
                bytes: binary.clone(),
            },
        ],
        message_id: new_message_id("carla@example.com"),
        in_reply_to: Some(parent.clone()),
        calendar: None,
    };
    let message = build_message(&mail).expect("message builds");
    let expected_raw = raw(&message);
    assert!(expected_raw.is_ascii(), "the whole message is 7-bit");

    let sent = send(&Transport::Smtp(smtp(server.port, TlsMode::None)), &message)
        .expect("sent through the test server");
    assert_eq!(sent.transport, "smtp");
    assert!(sent.detail.starts_with("250"), "{}", sent.detail);

    let received = server.one_message();
    assert_eq!(received.mail_from, "carla@example.com");
    assert_eq!(
        received.rcpt_to,
        ["ada@example.com", "bob@example.com", "cem@example.org"]
    );
    assert_eq!(received.raw, expected_raw, "arrives byte for byte as raw()");

    let parsed = MessageParser::default()
        .parse(&received.raw)
        .expect("parsable message");
    let from = parsed.from().and_then(|a| a.first()).expect("From");
    assert_eq!(from.name(), Some("Carla Coach"));
    assert_eq!(from.address(), Some("carla@example.com"));
    let to: Vec<_> = parsed
        .to()
        .expect("To")
        .iter()
        .map(|a| (a.name().unwrap_or(""), a.address().unwrap_or("")))
        .collect();
    assert_eq!(
        to,
        [("Ada Lovelace", "ada@example.com"), ("", "bob@example.com")]
    );
    let cc = parsed.cc().and_then(|a| a.first()).expect("Cc");
    assert_eq!(cc.name(), Some("Çem Öz"));
    assert_eq!(cc.address(), Some("cem@example.org"));
    let reply_to = parsed.reply_to().and_then(|a| a.first()).expect("Reply-To");
    assert_eq!(reply_to.address(), Some("desk@example.com"));
    assert_eq!(parsed.subject(), Some("Recap: 1:1 with Ada — 12 May ✓"));
    assert_eq!(parsed.message_id(), Some(mail.message_id.as_str()));
    assert_eq!(parsed.in_reply_to().as_text(), Some(parent.as_str()));
    assert_eq!(parsed.references().as_text(), Some(parent.as_str()));
    assert!(parsed.date().is_some(), "Date header");
    assert!(parsed.header("Bcc").is_none());

    // Structure: mixed { alternative { plain, html }, attachments }.
    assert!(parsed.is_content_type("multipart", "mixed"));
    let text_part = parsed.text_part(0).expect("text part");
    assert!(text_part.is_content_type("text", "plain"));
    assert_eq!(
        text_part
            .content_type()
            .and_then(|ct| ct.attribute("charset"))
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("utf-8")
    );
    assert_eq!(lf(&parsed.body_text(0).expect("text body")), lf(&mail.text));
    assert!(parsed
        .html_part(0)
        .expect("html part")
        .is_content_type("text", "html"));
    assert_eq!(lf(&parsed.body_html(0).expect("html body")), lf(&mail.html));
    let attachments: Vec<_> = parsed.attachments().collect();
    assert_eq!(attachments.len(), 2);
    assert_eq!(attachments[0].attachment_name(), Some("agenda.ics"));
    assert!(attachments[0].is_content_type("text", "calendar"));
    assert_eq!(
        attachments[0].contents(),
        b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    );
    assert_eq!(attachments[1].attachment_name(), Some("chart (May).png"));
    assert!(attachments[1].is_content_type("image", "png"));
    assert_eq!(attachments[1].contents(), binary.as_slice());
}

#[test]
fn without_attachments_there_is_no_mixed_wrapper_nor_threading() {
    let server = TestSmtp::plain();
    let mail = sample_mail();
    send_smtp(smtp(server.port, TlsMode::None), &mail).expect("sent");
    let received = server.one_message();
    let parsed = MessageParser::default()
        .parse(&received.raw)
        .expect("parsable");
    assert!(parsed.is_content_type("multipart", "alternative"));
    assert_eq!(parsed.attachment_count(), 0);
    assert_eq!(lf(&parsed.body_text(0).expect("text")), lf(&mail.text));
    assert_eq!(lf(&parsed.body_html(0).expect("html")), lf(&mail.html));
    let headers = received.header_section();
    assert!(!headers.contains("In-Reply-To:"), "{headers}");
    assert!(!headers.contains("References:"), "{headers}");
    assert_eq!(parsed.message_id(), Some(mail.message_id.as_str()));
}

#[test]
fn message_ids_come_from_the_sender_domain() {
    let id = new_message_id("carla@Example.com");
    let (left, right) = id.split_once('@').expect("left@right");
    assert_eq!(right, "example.com");
    assert_eq!(left.len(), 32);
    assert!(left.chars().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(id, new_message_id("carla@example.com"));
    // Angle brackets around a given id are tolerated, not doubled.
    let mut mail = sample_mail();
    mail.message_id = format!("<{id}>");
    let text = String::from_utf8(raw(&build_message(&mail).expect("builds"))).expect("ascii");
    assert!(text.contains(&format!("Message-ID: <{id}>\r\n")), "{text}");
}

#[test]
fn starttls_with_the_test_ca_in_ca_file_delivers() {
    let (server, ca) = TestSmtp::starttls();
    let mut settings = smtp(server.port, TlsMode::StartTls);
    settings.ca_file = Some(ca);
    let sent = send_smtp(settings, &sample_mail()).expect("sent over STARTTLS");
    assert!(sent.detail.starts_with("250"), "{}", sent.detail);
    let received = server.one_message();
    assert_eq!(received.rcpt_to, ["ada@example.com"]);
}

#[test]
fn starttls_by_host_name_localhost_delivers() {
    let (server, ca) = TestSmtp::starttls();
    let mut settings = smtp(server.port, TlsMode::StartTls);
    settings.host = "localhost".into();
    settings.ca_file = Some(ca);
    send_smtp(settings, &sample_mail()).expect("sent over STARTTLS to localhost");
    assert_eq!(server.messages().len(), 1);
}

#[test]
fn starttls_without_ca_file_is_refused_with_a_hint() {
    let (server, _ca) = TestSmtp::starttls();
    let err = send_smtp(smtp(server.port, TlsMode::StartTls), &sample_mail())
        .expect_err("untrusted certificate");
    assert_eq!(err.kind(), ErrorKind::Input, "{}", err.message());
    assert!(err.message().contains("not trusted"), "{}", err.message());
    assert!(
        err.hint().unwrap_or_default().contains("mail.smtp.ca-file"),
        "{:?}",
        err.hint()
    );
    assert!(!err.message().contains("Error {"), "no debug output");
    assert!(server.messages_now().is_empty());
}

#[test]
fn starttls_with_another_ca_is_refused() {
    let (server, _ca) = TestSmtp::starttls();
    let other = tempfile::tempdir().expect("tempdir");
    let paths = smtp_server::write_certificates(other.path());
    let mut settings = smtp(server.port, TlsMode::StartTls);
    settings.ca_file = Some(paths.ca.clone());
    let err = send_smtp(settings, &sample_mail()).expect_err("wrong CA");
    assert_eq!(err.kind(), ErrorKind::Input);
    let hint = err.hint().unwrap_or_default();
    assert!(hint.contains("mail.smtp.ca-file"), "{hint}");
    assert!(hint.contains(&paths.ca.display().to_string()), "{hint}");
}

#[test]
fn a_ca_file_without_certificates_is_an_input_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ca.pem");
    std::fs::write(&path, "not a certificate\n").expect("write");
    let mut settings = smtp(smtp_server::unused_port(), TlsMode::StartTls);
    settings.ca_file = Some(path);
    let err = send_smtp(settings.clone(), &sample_mail()).expect_err("no certificate");
    assert_eq!(err.kind(), ErrorKind::Input);
    assert!(
        err.message().contains("no PEM certificate"),
        "{}",
        err.message()
    );

    settings.ca_file = Some(dir.path().join("missing.pem"));
    let err = send_smtp(settings, &sample_mail()).expect_err("missing file");
    assert_eq!(err.kind(), ErrorKind::Input);
    assert!(err.message().contains("missing.pem"), "{}", err.message());
}

#[test]
fn plain_smtp_to_a_starttls_port_with_tls_mode_tls_fails_clearly() {
    // Implicit TLS against a server that speaks plain SMTP first.
    let server = TestSmtp::plain();
    let started = Instant::now();
    let err = send_smtp(smtp(server.port, TlsMode::Tls), &sample_mail()).expect_err("no TLS");
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(err.kind(), ErrorKind::Input, "{}", err.message());
    assert!(
        err.hint().unwrap_or_default().contains("465"),
        "{:?}",
        err.hint()
    );
}

#[test]
fn starttls_required_but_not_offered_is_an_input_error() {
    let server = TestSmtp::plain();
    let err =
        send_smtp(smtp(server.port, TlsMode::StartTls), &sample_mail()).expect_err("no STARTTLS");
    assert_eq!(err.kind(), ErrorKind::Input);
    assert!(err.message().contains("STARTTLS"), "{}", err.message());
    assert!(server.messages_now().is_empty());
}

#[test]
fn server_down_is_temporary_and_quick() {
    let port = smtp_server::unused_port();
    let started = Instant::now();
    let err = send_smtp(smtp(port, TlsMode::None), &sample_mail()).expect_err("nothing listens");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(err.kind(), ErrorKind::Temporary);
    assert_eq!(err.kind().exit_code(), 75);
    assert_eq!(
        err.message(),
        format!("cannot send mail through 127.0.0.1:{port}: connection refused")
    );
}

#[test]
fn a_silent_server_times_out_as_temporary() {
    let (_listener, port) = smtp_server::silent_port();
    let mut settings = smtp(port, TlsMode::None);
    settings.timeout = Duration::from_millis(700);
    let started = Instant::now();
    let err = send_smtp(settings, &sample_mail()).expect_err("no greeting");
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(600), "{elapsed:?}");
    assert!(
        elapsed < Duration::from_secs(3),
        "timeout honoured: {elapsed:?}"
    );
    assert_eq!(err.kind(), ErrorKind::Temporary);
    assert!(
        err.message().contains("no answer within 0.7 s"),
        "{}",
        err.message()
    );
}

#[test]
fn a_rejected_recipient_is_a_permanent_input_error_with_the_reason() {
    let server = TestSmtp::rejecting_recipient("bad@example.com");
    let mut mail = sample_mail();
    mail.to.push(Address::new("Bad", "bad@example.com"));
    let err = send_smtp(smtp(server.port, TlsMode::None), &mail).expect_err("rejected");
    assert_eq!(err.kind(), ErrorKind::Input);
    assert_eq!(
        err.message(),
        "the mail server 127.0.0.1 refused the message: 550 5.1.1 <bad@example.com>: Recipient address rejected: User unknown"
    );
    assert!(server.messages_now().is_empty(), "nothing is half-sent");
}

#[test]
fn a_4xx_answer_is_temporary() {
    let server = TestSmtp::answering_recipient(
        "ada@example.com",
        450,
        "4.2.0 Greylisted, try again in 5 minutes",
    );
    let err = send_smtp(smtp(server.port, TlsMode::None), &sample_mail()).expect_err("greylisted");
    assert_eq!(err.kind(), ErrorKind::Temporary);
    assert!(
        err.message()
            .ends_with(": 450 4.2.0 Greylisted, try again in 5 minutes"),
        "{}",
        err.message()
    );
}

#[test]
fn tls_none_is_refused_for_a_host_that_is_not_local() {
    let mut settings = smtp(25, TlsMode::None);
    settings.host = "smtp.invalid".into();
    let started = Instant::now();
    let err = send_smtp(settings, &sample_mail()).expect_err("refused");
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "no connection attempted"
    );
    assert_eq!(err.kind(), ErrorKind::Input);
    assert_eq!(err.hint(), Some("use mail.smtp.tls starttls"));
    assert!(err.message().contains("smtp.invalid"), "{}", err.message());
}

#[test]
fn login_over_starttls_sends_the_credentials() {
    let (server, ca) = TestSmtp::starttls_with_login("carla", "s3cret pass");
    let mut settings = smtp(server.port, TlsMode::StartTls);
    settings.ca_file = Some(ca);
    settings.username = Some("carla".into());
    settings.password = Some("s3cret pass".into());
    send_smtp(settings.clone(), &sample_mail()).expect("logged in and sent");
    assert_eq!(server.one_message().login.as_deref(), Some("carla"));

    settings.password = Some("wrong".into());
    let err = send_smtp(settings.clone(), &sample_mail()).expect_err("bad password");
    assert_eq!(err.kind(), ErrorKind::Input);
    assert!(
        err.message().contains("refused the login: 535"),
        "{}",
        err.message()
    );
    assert!(
        !err.message().contains("wrong"),
        "the password is never shown"
    );
    assert!(err
        .hint()
        .unwrap_or_default()
        .contains("mail.smtp.username"));

    settings.username = None;
    settings.password = None;
    let err = send_smtp(settings, &sample_mail()).expect_err("no login");
    assert_eq!(err.kind(), ErrorKind::Input);
    // mailin answers 503 "Bad sequence of commands" (a real server, 530).
    assert!(
        err.message().contains("refused the message: 503"),
        "{}",
        err.message()
    );
    assert_eq!(server.messages_now().len(), 1);
}

#[test]
fn a_username_without_a_password_is_refused_before_connecting() {
    let mut settings = smtp(smtp_server::unused_port(), TlsMode::None);
    settings.username = Some("carla".into());
    let err = send_smtp(settings, &sample_mail()).expect_err("no password");
    assert_eq!(err.kind(), ErrorKind::Input);
    let hint = err.hint().unwrap_or_default();
    assert!(hint.contains("COACH_SMTP_PASSWORD"), "{hint}");
    assert!(hint.contains("mail.smtp.password-command"), "{hint}");
}

#[test]
fn password_command_output_without_the_newline() {
    assert_eq!(
        password_from_command("printf 'hunter 2\\n'").expect("runs"),
        "hunter 2"
    );
    assert_eq!(
        password_from_command("printf 'two\\nlines'").expect("runs"),
        "two\nlines"
    );
}

#[test]
fn password_command_failure_names_the_status_and_stderr_not_the_output() {
    let err = password_from_command("echo hunter2; echo 'gpg: decryption failed' >&2; exit 1")
        .expect_err("exit 1");
    assert_eq!(err.kind(), ErrorKind::Input);
    assert_eq!(
        err.message(),
        "the SMTP password command failed (exit status 1): gpg: decryption failed"
    );
    assert!(!err.message().contains("hunter2"));
    assert!(err
        .hint()
        .unwrap_or_default()
        .contains("mail.smtp.password-command"));

    let err = password_from_command("exit 3").expect_err("exit 3");
    assert_eq!(
        err.message(),
        "the SMTP password command failed (exit status 3)"
    );
}

#[test]
fn password_command_with_empty_output_is_an_error() {
    for command in ["true", "echo", "   "] {
        let err = password_from_command(command).expect_err("empty");
        assert_eq!(err.kind(), ErrorKind::Input, "{command:?}");
    }
    let err = password_from_command("true").expect_err("empty");
    assert_eq!(err.message(), "the SMTP password command printed nothing");
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn outbox_writes_a_private_eml_equal_to_raw() {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join("coach").join("outbox");
    let message = build_message(&sample_mail()).expect("builds");
    let sent = send(&Transport::Outbox { dir: dir.clone() }, &message).expect("written");
    assert_eq!(sent.transport, "outbox");
    let path = Path::new(&sent.detail);
    assert_eq!(path.parent(), Some(dir.as_path()));
    let name = path.file_name().and_then(|n| n.to_str()).expect("name");
    assert!(name.ends_with("_example.com.eml"), "{name}");
    assert!(
        name.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)),
        "{name}"
    );
    assert_eq!(std::fs::read(path).expect("read"), raw(&message));
    assert_eq!(mode(path), 0o600);
    assert_eq!(mode(&dir), 0o700);
    let entries: Vec<_> = std::fs::read_dir(&dir).expect("list").collect();
    assert_eq!(entries.len(), 1, "no temporary file left");

    // A second message lands beside the first.
    let second = build_message(&sample_mail()).expect("builds");
    send(&Transport::Outbox { dir: dir.clone() }, &second).expect("written");
    assert_eq!(std::fs::read_dir(&dir).expect("list").count(), 2);
}

#[test]
fn an_unwritable_outbox_is_an_error_not_a_panic() {
    let root = tempfile::tempdir().expect("tempdir");
    let file = root.path().join("not-a-dir");
    std::fs::write(&file, "x").expect("write");
    let message = build_message(&sample_mail()).expect("builds");
    let err = send(
        &Transport::Outbox {
            dir: file.join("outbox"),
        },
        &message,
    )
    .expect_err("a file is in the way");
    assert!(
        err.message().contains("cannot create the outbox"),
        "{}",
        err.message()
    );
}

#[test]
fn header_injection_in_a_subject_is_rejected() {
    let mut mail = sample_mail();
    mail.subject = "Hi\r\nBcc: evil@example.com".into();
    let err = build_message(&mail).expect_err("line break in subject");
    assert_eq!(err.kind(), ErrorKind::Input);
    assert!(
        err.message().contains("contains a line break"),
        "{}",
        err.message()
    );
    assert!(
        err.message().contains("Hi\\r\\nBcc"),
        "shown escaped: {}",
        err.message()
    );

    mail.subject = "tab\there".into();
    let err = build_message(&mail).expect_err("control character");
    assert!(
        err.message().contains("control character"),
        "{}",
        err.message()
    );
}

#[test]
fn header_injection_in_names_and_addresses_is_rejected() {
    let injected = [
        (
            Address::new("Ada\nBcc: evil@example.com", "ada@example.com"),
            "line break",
        ),
        (Address::new("Ada\r", "ada@example.com"), "line break"),
        (
            Address::new("Ada", "ada@example.com\r\nBcc: evil@example.com"),
            "line break",
        ),
        (
            Address::new("Ada\u{0}", "ada@example.com"),
            "control character",
        ),
    ];
    for (address, why) in injected {
        for field in ["from", "to", "cc", "reply_to"] {
            let mut mail = sample_mail();
            match field {
                "from" => mail.from = address.clone(),
                "to" => mail.to = vec![address.clone()],
                "cc" => mail.cc = vec![address.clone()],
                _ => mail.reply_to = Some(address.clone()),
            }
            let err = build_message(&mail).expect_err("rejected");
            assert_eq!(err.kind(), ErrorKind::Input);
            assert!(err.message().contains(why), "{field}: {}", err.message());
        }
    }
    let mut mail = sample_mail();
    mail.attachments.push(MailAttachment {
        filename: "a\r\nBcc: evil@example.com".into(),
        content_type: "text/plain".into(),
        bytes: vec![],
    });
    assert!(build_message(&mail).is_err());
    mail.attachments[0].filename = "a.txt".into();
    mail.attachments[0].content_type = "text/plain\r\nBcc: evil@example.com".into();
    assert!(build_message(&mail).is_err());
    let mut mail = sample_mail();
    mail.in_reply_to = Some("x@y>\r\nBcc: evil@example.com".into());
    assert!(build_message(&mail).is_err());
}

#[test]
fn tricky_but_legal_names_arrive_as_one_address_each() {
    let server = TestSmtp::plain();
    let mut mail = sample_mail();
    mail.to = vec![Address::new(
        "Ada \"The Analyst\", <evil@example.com>; Bcc: evil@example.com",
        "ada@example.com",
    )];
    mail.subject = "Bcc: evil@example.com".into();
    send_smtp(smtp(server.port, TlsMode::None), &mail).expect("sent");
    let received = server.one_message();
    assert_eq!(received.rcpt_to, ["ada@example.com"]);
    let headers = received.header_section();
    assert!(
        !headers
            .lines()
            .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
        "{headers}"
    );
    let parsed = MessageParser::default()
        .parse(&received.raw)
        .expect("parsable");
    let to: Vec<_> = parsed.to().expect("To").iter().collect();
    assert_eq!(to.len(), 1);
    assert_eq!(to[0].address(), Some("ada@example.com"));
    assert_eq!(
        to[0].name(),
        Some("Ada \"The Analyst\", <evil@example.com>; Bcc: evil@example.com")
    );
    assert!(parsed.header("Bcc").is_none());
}

#[test]
fn an_invalid_email_address_is_named() {
    let mut mail = sample_mail();
    mail.to = vec![Address::new("Ada", "ada.example.com")];
    let err = build_message(&mail).expect_err("invalid");
    assert_eq!(err.kind(), ErrorKind::Input);
    assert!(
        err.message().contains("\"ada.example.com\""),
        "{}",
        err.message()
    );
    assert!(err.message().contains("To address"), "{}", err.message());

    let mut mail = sample_mail();
    mail.to.clear();
    assert_eq!(
        build_message(&mail).expect_err("no To").kind(),
        ErrorKind::Input
    );

    let mut mail = sample_mail();
    mail.message_id = "no-at-sign".into();
    assert_eq!(
        build_message(&mail).expect_err("bad id").kind(),
        ErrorKind::Input
    );
}

#[test]
fn tls_mode_parses_with_a_clear_error() {
    assert_eq!("starttls".parse::<TlsMode>().ok(), Some(TlsMode::StartTls));
    assert_eq!("tls".parse::<TlsMode>().ok(), Some(TlsMode::Tls));
    assert_eq!("none".parse::<TlsMode>().ok(), Some(TlsMode::None));
    let err = "ssl".parse::<TlsMode>().expect_err("unknown");
    assert_eq!(err.kind(), ErrorKind::Input);
    assert_eq!(err.message(), "\"ssl\" is not a TLS mode");
    assert!(err.hint().unwrap_or_default().contains("starttls"));
}

/// Writes an executable shell script.
fn script(dir: &Path, name: &str, body: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

#[test]
fn sendmail_gets_the_raw_message_and_the_envelope() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out.eml");
    let args = dir.path().join("args");
    let path = script(
        dir.path(),
        "sendmail",
        &format!(
            "echo \"$@\" > '{}'\ncat > '{}'",
            args.display(),
            out.display()
        ),
    );
    let message = build_message(&sample_mail()).expect("builds");
    let sent = send(&Transport::Sendmail { path: path.clone() }, &message).expect("sent");
    assert_eq!(sent.transport, "sendmail");
    assert_eq!(sent.detail, path.display().to_string());
    assert_eq!(std::fs::read(&out).expect("read"), raw(&message));
    let args = std::fs::read_to_string(&args).expect("args");
    assert!(args.contains("-f carla@example.com"), "{args}");
    assert!(args.contains("ada@example.com"), "{args}");
}

#[test]
fn sendmail_failure_is_temporary_with_its_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = script(
        dir.path(),
        "sendmail",
        "cat > /dev/null\necho 'sendmail: queue is full' >&2\nexit 75",
    );
    let message = build_message(&sample_mail()).expect("builds");
    let err = send(&Transport::Sendmail { path }, &message).expect_err("fails");
    assert_eq!(err.kind(), ErrorKind::Temporary);
    assert!(
        err.message().ends_with(": sendmail: queue is full"),
        "{}",
        err.message()
    );

    let err = send(
        &Transport::Sendmail {
            path: dir.path().join("missing"),
        },
        &message,
    )
    .expect_err("missing program");
    assert_eq!(err.kind(), ErrorKind::Input);
    assert!(
        err.message().contains("does not exist"),
        "{}",
        err.message()
    );
}
