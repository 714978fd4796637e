//! Mail under faults, end to end: a raw SMTP peer on 127.0.0.1 that
//! answers slowly or hangs, claims left by processes that died (kill -9 of
//! `share --pending`), and a claim held by a live process.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::common::{host, Env};

/// How the peer behaves.
#[derive(Clone, Copy)]
enum Peer {
    /// Answers every command, each after this delay (a trickling server).
    Slow(Duration),
    /// Answers up to DATA, takes the message, then never answers.
    HangsAfterData,
    /// Stores each message (counts it); the first time, drops the
    /// connection instead of answering 250.
    DropsAfterStoringOnce(&'static AtomicUsize),
}

/// A tiny SMTP server on 127.0.0.1: just enough of RFC 5321 for lettre.
fn start_peer(peer: Peer) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream, peer));
        }
    });
    port
}

fn serve(stream: TcpStream, peer: Peer) {
    let mut out = stream.try_clone().expect("clone");
    let mut lines = BufReader::new(stream);
    let answer = |out: &mut TcpStream, text: &str| {
        if let Peer::Slow(delay) = peer {
            std::thread::sleep(delay);
        }
        let _ = out.write_all(text.as_bytes());
    };
    answer(&mut out, "220 peer ESMTP\r\n");
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => answer(&mut out, "250-peer\r\n250 8BITMIME\r\n"),
            "DATA" => {
                answer(&mut out, "354 go on\r\n");
                loop {
                    line.clear();
                    if lines.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if line == ".\r\n" {
                        break;
                    }
                }
                if let Peer::HangsAfterData = peer {
                    std::thread::sleep(Duration::from_secs(3600));
                }
                if let Peer::DropsAfterStoringOnce(stored) = peer {
                    if stored.fetch_add(1, Ordering::SeqCst) == 0 {
                        return;
                    }
                }
                answer(&mut out, "250 stored\r\n");
            }
            "QUIT" => {
                answer(&mut out, "221 bye\r\n");
                return;
            }
            _ => answer(&mut out, "250 ok\r\n"),
        }
    }
}

/// A coach, two members, mail to 127.0.0.1:`port` given up after
/// `timeout` seconds, and a past session with Alex holding a shared note.
fn with_past_session(port: u16, timeout: &str) -> Env {
    let env = Env::with_team();
    env.mail_through_smtp(port);
    env.ok(["config", "set", "mail.smtp.timeout", timeout]);
    env.ok([
        "session",
        "new",
        "alex",
        "--title",
        "Weekly",
        "--date",
        "2025-06-02 14:30",
    ]);
    env.ok(["note", "add", "Shared marker"]);
    env
}

fn outcomes(env: &Env) -> Vec<(String, String)> {
    let db = rusqlite::Connection::open(&env.db).expect("open");
    let mut stmt = db
        .prepare("SELECT outcome, coalesce(detail, '') FROM shares ORDER BY created_at, id")
        .expect("prepare");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

#[test]
fn one_deadline_covers_the_whole_smtp_transaction() {
    // Each answer comes within the timeout (1.5 s < 2 s), the whole
    // transaction would take ~10 s: the deadline stops it at ~2 s.
    let port = start_peer(Peer::Slow(Duration::from_millis(1500)));
    let env = with_past_session(port, "2");
    let start = Instant::now();
    let (code, _) = run_pending(&env, &[]);
    let took = start.elapsed();
    assert_eq!(code, Some(75));
    assert!(took < Duration::from_secs(6), "took {took:?}");
    let recorded = outcomes(&env);
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(recorded[0].0, "failed");
    assert!(recorded[0].1.contains("within 2 s"), "{recorded:?}");
}

#[test]
fn a_server_hanging_after_data_cannot_stall_cron() {
    let port = start_peer(Peer::HangsAfterData);
    let env = with_past_session(port, "2");
    let start = Instant::now();
    let (code, stderr) = run_pending(&env, &[]);
    let took = start.elapsed();
    assert_eq!(code, Some(75));
    assert!(took < Duration::from_secs(6), "took {took:?}");
    assert!(
        stderr.contains("within 2 s") || stderr.contains("not sent"),
        "{stderr}"
    );
    let recorded = outcomes(&env);
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(recorded[0].0, "failed");
    assert!(recorded[0].1.contains("mail.smtp.timeout"), "{recorded:?}");
}

/// Inserts a `sending` claim for the session's recap, made now by `detail`.
fn plant_claim(env: &Env, detail: &str) {
    let session = env.current_session();
    let db = rusqlite::Connection::open(&env.db).expect("open");
    let me: String = db
        .query_row("SELECT value FROM state WHERE key = 'me'", [], |r| r.get(0))
        .unwrap_or_else(|_| "0".repeat(32));
    let now = chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    db.execute(
        "INSERT INTO shares (id, session_id, kind, recipients, transport, message_id,
                             outcome, detail, author, created_at, updated_at)
         VALUES (?1, ?2, 'recap', '[\"alex@example.com\"]', 'outbox', 'x@example.com',
                 'sending', ?3, ?4, ?5, ?5)",
        rusqlite::params!["f".repeat(32), session, detail, me, now],
    )
    .expect("insert claim");
}

#[test]
fn a_claim_of_a_live_process_is_busy_and_pending_exits_75() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex", "--date", "2025-06-02 14:30"]);
    plant_claim(&env, &format!("pid {} on {}", std::process::id(), host()));
    let output = env
        .coach(["share", "--recap", "--pending"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(75), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("being sent by another coach process"),
        "{stdout}"
    );
    assert!(!env.dir.path().join("outbox").exists(), "nothing sent");
}

#[test]
fn a_claim_of_a_process_gone_from_this_host_is_taken_over_at_once() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex", "--date", "2025-06-02 14:30"]);
    // A pid that no process has (above the kernel's pid_max).
    plant_claim(&env, &format!("pid 4194305 on {}", host()));
    env.ok(["share", "--recap", "--pending"]);
    let recorded = outcomes(&env);
    assert_eq!(recorded.len(), 2, "{recorded:?}");
    assert_eq!(recorded[0].0, "failed");
    assert!(
        recorded[0].1.contains("ended without recording"),
        "{recorded:?}"
    );
    assert_eq!(recorded[1].0, "sent");
}

#[test]
fn a_claim_from_another_host_waits_for_the_claim_timeout() {
    let env = Env::with_team();
    env.ok(["session", "new", "alex", "--date", "2025-06-02 14:30"]);
    plant_claim(&env, "pid 4194305 on another-machine");
    let output = env
        .coach(["share", "--recap", "--pending"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(75));
    // Ten minutes later (the default timeout is 5), it is taken over.
    let db = rusqlite::Connection::open(&env.db).expect("open");
    db.execute(
        "UPDATE shares SET created_at = '2025-01-01T00:00:00.000Z' WHERE outcome = 'sending'",
        [],
    )
    .expect("age the claim");
    drop(db);
    env.ok(["share", "--recap", "--pending"]);
    assert_eq!(
        outcomes(&env).last().map(|o| o.0.clone()),
        Some("sent".into())
    );
}

#[test]
fn share_pending_killed_mid_send_is_taken_over_by_the_next_run() {
    let port = start_peer(Peer::HangsAfterData);
    let env = with_past_session(port, "60");
    let mut child = env.spawn(&["share", "--recap", "--pending"]);
    let start = Instant::now();
    while !outcomes(&env).iter().any(|(o, _)| o == "sending") {
        assert!(start.elapsed() < Duration::from_secs(30), "never claimed");
        std::thread::sleep(Duration::from_millis(50));
    }
    // Give it time to reach DATA, then kill -9 while the server hangs.
    std::thread::sleep(Duration::from_millis(300));
    let killed = std::process::Command::new("kill")
        .args(["-9", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    child.wait().expect("wait");
    // The next run (to a working outbox) takes the claim over at once.
    env.ok(["config", "set", "mail.transport", "outbox"]);
    env.ok(["share", "--recap", "--pending"]);
    let recorded = outcomes(&env);
    assert_eq!(recorded.len(), 2, "{recorded:?}");
    assert_eq!(recorded[0].0, "failed");
    assert!(
        recorded[0].1.contains("ended without recording"),
        "{recorded:?}"
    );
    assert_eq!(recorded[1].0, "sent");
}

fn run_pending(env: &Env, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["share", "--recap", "--pending"];
    args.extend_from_slice(extra);
    let output = env.coach(&args).output().expect("run");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_permanent_refusal_is_not_retried_until_retry() {
    let server = crate::smtp_server::TestSmtp::rejecting_recipient("alex@example.com");
    let env = with_past_session(server.port, "5");
    let (code, err) = run_pending(&env, &[]);
    assert_eq!(code, Some(3), "{err}");
    assert_eq!(outcomes(&env).len(), 1);
    // The next cron run reports it and sends nothing.
    let (code, err) = run_pending(&env, &[]);
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("NOT RETRIED the recap"), "{err}");
    assert!(err.contains("refused for good"), "{err}");
    assert!(err.contains("--retry"), "{err}");
    assert_eq!(outcomes(&env).len(), 1, "not tried again");
    // share log shows it failed, not temporary.
    let log = env.ok(["share", "log"]);
    assert!(log.contains("failed"), "{log}");
    // --retry tries it once more.
    let (code, _) = run_pending(&env, &["--retry"]);
    assert_eq!(code, Some(3));
    assert_eq!(outcomes(&env).len(), 2);
}

/// A sendmail program that reads the message, says `said` and exits `code`.
fn sendmail_exiting(env: &Env, code: i32, said: &str) {
    env.mail_through_sendmail(
        &format!("sendmail-{code}"),
        &format!("cat > /dev/null\necho '{said}' >&2\nexit {code}\n"),
    );
}

#[test]
fn sendmail_refusing_for_good_is_held_back_and_a_full_queue_is_retried() {
    let env = with_past_session(crate::smtp_server::unused_port(), "5");
    // EX_NOUSER: the address will never be accepted.
    sendmail_exiting(&env, 67, "alex@example.com... User unknown");
    let (code, _) = run_pending(&env, &[]);
    assert_eq!(code, Some(3));
    let recorded = outcomes(&env);
    assert_eq!(recorded[0].0, "failed");
    assert!(recorded[0].1.contains("User unknown"), "{recorded:?}");
    let (code, err) = run_pending(&env, &[]);
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("NOT RETRIED the recap"), "{err}");
    assert_eq!(outcomes(&env).len(), 1, "not tried again");

    // EX_TEMPFAIL: the next run tries again.
    let env = with_past_session(crate::smtp_server::unused_port(), "5");
    sendmail_exiting(&env, 75, "queue is full");
    assert_eq!(run_pending(&env, &[]).0, Some(75));
    assert_eq!(run_pending(&env, &[]).0, Some(75));
    assert_eq!(outcomes(&env).len(), 2, "tried on each run");
}

#[test]
fn temporary_failures_are_retried_at_most_max_attempts_times() {
    let port = crate::smtp_server::unused_port();
    let env = with_past_session(port, "2");
    env.ok(["config", "set", "mail.max-attempts", "2"]);
    assert_eq!(run_pending(&env, &[]).0, Some(75));
    assert_eq!(run_pending(&env, &[]).0, Some(75));
    let (code, err) = run_pending(&env, &[]);
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("failed 2 times in a row"), "{err}");
    assert_eq!(outcomes(&env).len(), 2, "the third run did not try");
    // With the server back, --retry sends it.
    let server = crate::smtp_server::TestSmtp::plain();
    env.ok(["config", "set", "mail.smtp.port", &server.port.to_string()]);
    assert_eq!(run_pending(&env, &["--retry"]).0, Some(0));
    assert_eq!(server.messages().len(), 1);
    assert_eq!(run_pending(&env, &[]).0, Some(0), "nothing pending");
}

#[test]
fn a_server_that_stores_then_drops_causes_one_duplicate_not_one_per_run() {
    static STORED: AtomicUsize = AtomicUsize::new(0);
    let port = start_peer(Peer::DropsAfterStoringOnce(&STORED));
    let env = with_past_session(port, "5");
    assert_eq!(run_pending(&env, &[]).0, Some(75), "the drop is temporary");
    assert_eq!(STORED.load(Ordering::SeqCst), 1);
    assert_eq!(run_pending(&env, &[]).0, Some(0));
    assert_eq!(STORED.load(Ordering::SeqCst), 2, "one duplicate");
    for _ in 0..2 {
        assert_eq!(run_pending(&env, &[]).0, Some(0));
    }
    assert_eq!(STORED.load(Ordering::SeqCst), 2, "no more");
}
