//! A real SMTP server for tests, in this process, on 127.0.0.1.
//!
//! Built on `mailin-embedded` (blocking I/O, one background thread plus a
//! small pool per server). Each server listens on its own free port, chosen
//! by the kernel (it is handed an already bound `127.0.0.1:0` listener, so
//! there is no race for the port).
//!
//! Lifetime: `mailin-embedded` has no way to stop a running server, so the
//! thread and its listening socket live until the test process exits.
//! Dropping a [`TestSmtp`] only deletes its certificate files (the server has
//! already loaded them). Tests therefore create one server per test and never
//! rely on a port being closed after the fact; use [`unused_port`] or
//! [`silent_port`] for a server that is down or hangs.
//!
//! Every message that the server accepts is recorded as a [`Received`]: the
//! SMTP envelope (`MAIL FROM`, `RCPT TO`), the login name if any, and the raw
//! message bytes exactly as sent (dot-unstuffing undone, CRLF kept).
#![allow(dead_code)] // Not every test file uses every helper.

use std::net::{IpAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use mailin_embedded::{response, AuthMechanism, Handler, Response, Server, SslConfig};

/// How long [`TestSmtp::messages`] waits for a message to arrive.
const WAIT: Duration = Duration::from_secs(5);

/// One message accepted by a [`TestSmtp`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Received {
    /// The envelope sender (`MAIL FROM:<…>`), without angle brackets.
    pub(crate) mail_from: String,
    /// The envelope recipients (`RCPT TO:<…>`) the server accepted.
    pub(crate) rcpt_to: Vec<String>,
    /// The user name the client logged in with, if it did.
    pub(crate) login: Option<String>,
    /// The message as sent: headers and body, CRLF line endings; for a
    /// message from lettre, equal to `coach::mail::raw(&message)`.
    pub(crate) raw: Vec<u8>,
}

impl Received {
    /// The raw message as text (lossy).
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.raw).into_owned()
    }

    /// The header section (up to the first empty line).
    pub(crate) fn header_section(&self) -> String {
        let text = self.text();
        match text.find("\r\n\r\n") {
            Some(end) => text[..end + 2].to_string(),
            None => text,
        }
    }
}

/// A running test SMTP server on 127.0.0.1.
pub(crate) struct TestSmtp {
    /// The port it listens on (host is always 127.0.0.1).
    pub(crate) port: u16,
    /// For STARTTLS servers: the PEM file of the CA that signed the server's
    /// certificate (valid for `localhost`, `127.0.0.1` and `::1`).
    pub(crate) ca_file: Option<PathBuf>,
    store: Arc<Mutex<Vec<Received>>>,
    _certs: Option<tempfile::TempDir>,
}

/// What a server answers to a given `RCPT TO`, and which login it accepts.
#[derive(Clone, Default)]
struct Rules {
    rcpt: Option<(String, u16, String)>,
    login: Option<(String, String)>,
}

/// The per-connection handler (mailin clones it for each connection).
#[derive(Clone)]
struct Recorder {
    store: Arc<Mutex<Vec<Received>>>,
    rules: Rules,
    login: Option<String>,
    mail_from: String,
    rcpt_to: Vec<String>,
    data: Vec<u8>,
}

fn lock(store: &Mutex<Vec<Received>>) -> MutexGuard<'_, Vec<Received>> {
    // A panicking test thread must not hide the messages from the others.
    store
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn bare(address: &str) -> String {
    address
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_string()
}

impl Handler for Recorder {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, from: &str) -> Response {
        self.mail_from = bare(from);
        self.rcpt_to.clear();
        self.data.clear();
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        let to = bare(to);
        if let Some((address, code, text)) = &self.rules.rcpt {
            if address.eq_ignore_ascii_case(&to) {
                return Response::custom(*code, text.clone());
            }
        }
        self.rcpt_to.push(to);
        response::OK
    }

    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        _to: &[String],
    ) -> Response {
        self.data.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        // The CRLF before the final "." belongs to the terminator
        // (RFC 5321, 4.1.1.4); lettre sends the message, which already ends
        // in CRLF, then "\r\n.\r\n", so without this `raw` would have one
        // empty line more than the message.
        if self.data.ends_with(b"\r\n") {
            self.data.truncate(self.data.len() - 2);
        }
        lock(&self.store).push(Received {
            mail_from: self.mail_from.clone(),
            rcpt_to: std::mem::take(&mut self.rcpt_to),
            login: self.login.clone(),
            raw: std::mem::take(&mut self.data),
        });
        response::OK
    }

    fn auth_plain(
        &mut self,
        _authorization_id: &str,
        authentication_id: &str,
        password: &str,
    ) -> Response {
        self.auth_login(authentication_id, password)
    }

    fn auth_login(&mut self, username: &str, password: &str) -> Response {
        match &self.rules.login {
            Some((user, pass)) if user == username && pass == password => {
                self.login = Some(username.to_string());
                response::AUTH_OK
            }
            _ => response::INVALID_CREDENTIALS,
        }
    }
}

/// Makes the `ring` provider the process default for rustls. mailin's server
/// side needs a default, and both `ring` and `aws-lc-rs` are compiled into
/// the test binary, so rustls cannot pick one by itself.
pub(crate) fn install_crypto_provider() {
    // Fails only when a provider is already installed: fine.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl TestSmtp {
    /// A plain-text server (no STARTTLS, no login) that accepts everything.
    pub(crate) fn plain() -> TestSmtp {
        start(Rules::default(), None)
    }

    /// A server that offers STARTTLS with a certificate for `localhost` /
    /// `127.0.0.1` / `::1` signed by a throw-away CA; returns the server and
    /// the CA's PEM file (also in [`TestSmtp::ca_file`]).
    pub(crate) fn starttls() -> (TestSmtp, PathBuf) {
        let server = start(Rules::default(), Some(false));
        let ca = server.ca_file.clone().unwrap_or_default();
        (server, ca)
    }

    /// A STARTTLS server that requires a login (AUTH PLAIN or LOGIN, only
    /// after STARTTLS) with exactly `user` and `password`; anything else is
    /// answered 535, and `MAIL FROM` without a login 503 (mailin's answer;
    /// a real server would say 530).
    pub(crate) fn starttls_with_login(user: &str, password: &str) -> (TestSmtp, PathBuf) {
        let rules = Rules {
            login: Some((user.to_string(), password.to_string())),
            ..Rules::default()
        };
        let server = start(rules, Some(true));
        let ca = server.ca_file.clone().unwrap_or_default();
        (server, ca)
    }

    /// A plain server that answers `550 5.1.1 <ADDRESS>: Recipient address
    /// rejected: User unknown` to `RCPT TO:<ADDRESS>` (case-insensitive).
    pub(crate) fn rejecting_recipient(address: &str) -> TestSmtp {
        Self::answering_recipient(
            address,
            550,
            &format!("5.1.1 <{address}>: Recipient address rejected: User unknown"),
        )
    }

    /// A plain server that answers `CODE TEXT` to `RCPT TO:<ADDRESS>`, for
    /// example 450 for a greylisting server.
    pub(crate) fn answering_recipient(address: &str, code: u16, text: &str) -> TestSmtp {
        let rules = Rules {
            rcpt: Some((address.to_string(), code, text.to_string())),
            ..Rules::default()
        };
        start(rules, None)
    }

    /// The messages received so far; waits (up to 5 s) for at least one.
    pub(crate) fn messages(&self) -> Vec<Received> {
        let deadline = Instant::now() + WAIT;
        loop {
            let messages = self.messages_now();
            if !messages.is_empty() || Instant::now() >= deadline {
                return messages;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The messages received so far, without waiting.
    pub(crate) fn messages_now(&self) -> Vec<Received> {
        lock(&self.store).clone()
    }

    /// The only message received (waits for it); panics unless exactly one.
    pub(crate) fn one_message(&self) -> Received {
        let mut messages = self.messages();
        assert_eq!(messages.len(), 1, "expected exactly one message");
        messages.remove(0)
    }
}

/// A TCP port on 127.0.0.1 with nothing listening: connecting is refused at
/// once ("server down"). The port was free a moment ago; another process
/// could take it, but the kernel does not hand out a just-released port
/// again soon.
pub(crate) fn unused_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// A port that accepts TCP connections (the kernel completes them) but never
/// says anything: an SMTP client waits for the greeting until its timeout.
/// Keep the listener alive for as long as the port is used.
pub(crate) fn silent_port() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();
    (listener, port)
}

/// Starts a server. `tls`: `None` for plain text, `Some(login_required)` for STARTTLS.
fn start(rules: Rules, tls: Option<bool>) -> TestSmtp {
    install_crypto_provider();
    let store = Arc::new(Mutex::new(Vec::new()));
    let login_required = tls == Some(true);
    let handler = Recorder {
        store: Arc::clone(&store),
        rules,
        login: None,
        mail_from: String::new(),
        rcpt_to: Vec::new(),
        data: Vec::new(),
    };
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    let port = listener.local_addr().expect("local address").port();

    let mut server = Server::new(handler);
    server
        .with_name("test.smtp.localhost")
        .with_num_threads(2)
        .with_tcp_listener(listener);
    let (certs, ca_file) = match tls {
        None => (None, None),
        Some(_) => {
            let dir = tempfile::tempdir().expect("temporary folder for certificates");
            let paths = write_certificates(dir.path());
            server
                .with_ssl(SslConfig::Trusted {
                    cert_path: path_string(&paths.cert),
                    key_path: path_string(&paths.key),
                    chain_path: path_string(&paths.ca),
                })
                .expect("TLS configuration of the test SMTP server");
            (Some(dir), Some(paths.ca))
        }
    };
    if login_required {
        server
            .with_auth(AuthMechanism::Plain)
            .with_auth(AuthMechanism::Login);
    }
    std::thread::Builder::new()
        .name(format!("test-smtp-{port}"))
        .spawn(move || {
            // Runs until the process exits (see the module documentation).
            let _ = server.serve();
        })
        .expect("spawn the test SMTP server");

    TestSmtp {
        port,
        ca_file,
        store,
        _certs: certs,
    }
}

fn path_string(path: &Path) -> String {
    path.to_str().expect("UTF-8 temporary path").to_string()
}

/// The PEM files of a test certificate.
pub(crate) struct CertificatePaths {
    /// The CA certificate (what a client must trust).
    pub(crate) ca: PathBuf,
    /// The server's certificate, signed by the CA.
    pub(crate) cert: PathBuf,
    /// The server's private key.
    pub(crate) key: PathBuf,
}

/// Writes a fresh CA (`ca.pem`) and a server certificate signed by it
/// (`cert.pem`, `key.pem`) into `dir`. The server certificate has
/// subjectAltNames `localhost`, `127.0.0.1` and `::1` and is not a CA:
/// rustls rejects a CA:TRUE certificate used directly by a server, and any
/// certificate without a subjectAltName.
pub(crate) fn write_certificates(dir: &Path) -> CertificatePaths {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
        KeyPair, KeyUsagePurpose,
    };

    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "coach test CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
    let issuer = Issuer::new(ca_params, ca_key);

    let key = KeyPair::generate().expect("server key");
    let mut params = CertificateParams::new(vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ])
    .expect("server certificate parameters");
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let cert = params.signed_by(&key, &issuer).expect("server certificate");

    let paths = CertificatePaths {
        ca: dir.join("ca.pem"),
        cert: dir.join("cert.pem"),
        key: dir.join("key.pem"),
    };
    std::fs::write(&paths.ca, ca_cert.pem()).expect("write ca.pem");
    std::fs::write(&paths.cert, cert.pem()).expect("write cert.pem");
    std::fs::write(&paths.key, key.serialize_pem()).expect("write key.pem");
    paths
}
