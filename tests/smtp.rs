//! The email transport (`rhythm::cli::smtp`) against an SMTP sink the test starts on
//! 127.0.0.1: a few lines of std::net speaking the server's side of RFC 5321 (greeting,
//! EHLO, AUTH PLAIN, MAIL, RCPT, DATA with dot-unstuffing, QUIT), which records what it
//! was sent. The message is read back with mailparse, so the checks are on the decoded
//! headers and parts, not on lettre's choice of encoding.

mod common;

use std::collections::HashMap;
use std::env::VarError;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::smtp_sink::{Script, Sink};

use mailparse::{MailHeaderMap, parse_mail};
use rhythm::cli::smtp::{self, SmtpSettings, SmtpTls};

/// Settings from the given variables (nothing from the real environment).
fn settings(vars: &[(&str, &str)]) -> anyhow::Result<SmtpSettings> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    SmtpSettings::from_vars(|name| vars.get(name).cloned().ok_or(VarError::NotPresent))
}

fn local(port: u16, extra: &[(&'static str, &'static str)]) -> SmtpSettings {
    let port = port.to_string();
    let mut vars = vec![
        (smtp::HOST, "127.0.0.1"),
        (smtp::PORT, port.as_str()),
        (smtp::TLS, "none"),
        (smtp::FROM, "Analytics <analytics@example.com>"),
        (smtp::TIMEOUT_SECS, "5"),
    ];
    vars.extend_from_slice(extra);
    settings(&vars).expect("local settings")
}

const TEXT: &str = "Weekly digest — pipeline €1.2M\n\nInvest more in search.\n.\n..a line that starts with dots\nFrom the analytics team\n";
const HTML: &str =
    "<html><body><h1>Weekly digest</h1><p>Pipeline &euro;1.2M</p><p>.</p></body></html>\n";

#[test]
fn the_message_arrives_with_both_parts_and_the_right_headers() {
    let sink = Sink::start(Script::Accept);
    let settings = local(
        sink.port,
        &[(smtp::USER, "lead"), (smtp::PASSWORD, "s3cret pass")],
    );
    let hostile = "Weekly digest <b>\u{202e}moc.live\r\nBcc: victim@evil.example 😀";
    smtp::send(
        &settings,
        &[
            "CMO <cmo@example.com>".to_owned(),
            "head.of.demand@example.com".to_owned(),
            "cmo@example.com".to_owned(),
        ],
        hostile,
        TEXT,
        HTML,
    )
    .expect("sent");
    let received = sink.received(Duration::from_secs(10)).expect("a client");

    assert_eq!(received.login.as_deref(), Some("\0lead\0s3cret pass"));
    assert_eq!(received.mail_from, "FROM:<analytics@example.com>");
    // The duplicate recipient is sent once; the Bcc in the subject is not a recipient.
    assert_eq!(
        received.rcpt_to,
        ["TO:<cmo@example.com>", "TO:<head.of.demand@example.com>"]
    );
    assert_eq!(received.commands.last().map(String::as_str), Some("QUIT"));

    // The header block is ASCII lines: the hostile subject is RFC 2047 encoded, not raw.
    let raw = String::from_utf8(received.data.clone()).expect("utf-8 message");
    let head = &raw[..raw.find("\r\n\r\n").expect("a header block")];
    assert!(head.is_ascii(), "{head}");
    assert!(
        !head
            .lines()
            .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
        "{head}"
    );

    let mail = parse_mail(&received.data).expect("a parseable message");
    let header = |name: &str| mail.headers.get_first_value(name);
    assert_eq!(
        header("Subject").as_deref(),
        Some("Weekly digest <b>\\u{202e}moc.live Bcc: victim@evil.example 😀")
    );
    assert_eq!(
        header("From").as_deref(),
        Some("Analytics <analytics@example.com>")
    );
    let to = header("To").expect("To");
    assert!(
        to.contains("cmo@example.com") && to.contains("head.of.demand@example.com"),
        "{to}"
    );
    assert!(mail.headers.get_first_value("Bcc").is_none());
    assert!(header("Date").is_some());
    assert!(header("Message-ID").is_some_and(|id| id.starts_with('<') && id.contains('@')));
    assert_eq!(header("MIME-Version").as_deref(), Some("1.0"));

    assert_eq!(mail.ctype.mimetype, "multipart/alternative");
    assert_eq!(mail.subparts.len(), 2);
    let (plain, html) = (&mail.subparts[0], &mail.subparts[1]);
    assert_eq!(plain.ctype.mimetype, "text/plain");
    assert_eq!(plain.ctype.charset, "utf-8");
    assert_eq!(plain.get_body().unwrap().replace("\r\n", "\n"), TEXT);
    assert_eq!(html.ctype.mimetype, "text/html");
    assert_eq!(html.ctype.charset, "utf-8");
    assert_eq!(html.get_body().unwrap().replace("\r\n", "\n"), HTML);
}

#[test]
fn a_refused_recipient_is_an_error_quoting_the_server() {
    let sink = Sink::start(Script::RefuseRcpt);
    let settings = local(sink.port, &[]);
    let error = smtp::send(
        &settings,
        &["cmo@example.com".to_owned()],
        "Weekly digest",
        TEXT,
        HTML,
    )
    .expect_err("refused");
    let message = error.to_string();
    assert!(
        message.contains(&format!("127.0.0.1:{}", sink.port)),
        "{message}"
    );
    assert!(message.contains("550"), "{message}");
    assert!(
        message.contains("Recipient address rejected: User unknown"),
        "{message}"
    );
    assert!(message.contains("not sent"), "{message}");
    let received = sink.received(Duration::from_secs(10)).expect("a client");
    assert!(received.data.is_empty(), "no DATA after a refused RCPT");
}

#[test]
fn a_temporary_refusal_says_to_try_again_later() {
    let sink = Sink::start(Script::TryLater);
    let settings = local(sink.port, &[]);
    let error = smtp::send(&settings, &["cmo@example.com".to_owned()], "s", "t", "h")
        .expect_err("refused for now");
    let message = error.to_string();
    assert!(message.contains("451"), "{message}");
    assert!(
        message.contains("4.3.2 Please try again later"),
        "{message}"
    );
    assert!(
        message.contains("try again later; the email was not sent"),
        "{message}"
    );
    let received = sink.received(Duration::from_secs(10)).expect("a client");
    assert!(received.rcpt_to.is_empty() && received.data.is_empty());
}

#[test]
fn a_server_that_never_answers_times_out() {
    let sink = Sink::start(Script::Silent);
    let settings = local(sink.port, &[(smtp::TIMEOUT_SECS, "1")]);
    let started = Instant::now();
    let error = smtp::send(
        &settings,
        &["cmo@example.com".to_owned()],
        "Weekly digest",
        TEXT,
        HTML,
    )
    .expect_err("timed out");
    let took = started.elapsed();
    let message = error.to_string();
    assert!(message.contains("did not answer within 1 s"), "{message}");
    assert!(message.contains(smtp::TIMEOUT_SECS), "{message}");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(10),
        "{took:?}"
    );
}

#[test]
fn no_server_listening_is_an_error_naming_the_server() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let settings = local(port, &[]);
    let error = smtp::send(&settings, &["cmo@example.com".to_owned()], "s", "t", "h")
        .expect_err("nothing listens");
    let message = error.to_string();
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert!(message.contains(smtp::HOST), "{message}");
}

#[test]
fn a_bad_recipient_is_refused_before_connecting() {
    let sink = Sink::start(Script::Accept);
    let settings = local(sink.port, &[]);
    for (to, named) in [
        (
            vec!["cmo@example.com".to_owned(), "not an address".to_owned()],
            "recipient 2 \"not an address\"",
        ),
        (
            vec!["cmo@example.com\r\nRCPT TO:<x@evil.example>".to_owned()],
            "recipient 1 \"cmo@example.com\\r\\nRCPT",
        ),
    ] {
        let error = smtp::send(&settings, &to, "s", "t", "h").expect_err("bad address");
        let message = error.to_string();
        assert!(message.contains(named), "{message}");
        assert!(message.contains("name@example.com"), "{message}");
    }
    let error = smtp::send(&settings, &[], "s", "t", "h").expect_err("no recipient");
    assert!(error.to_string().contains("no recipient"), "{error}");
    assert!(
        sink.received(Duration::from_millis(300)).is_none(),
        "nothing was sent to the server"
    );
}

#[test]
fn a_missing_variable_is_named() {
    let error = settings(&[]).unwrap_err().to_string();
    assert!(error.contains("RHYTHM_SMTP_HOST is not set"), "{error}");
    let error = settings(&[(smtp::HOST, "smtp.example.com")])
        .unwrap_err()
        .to_string();
    assert!(error.contains("RHYTHM_SMTP_FROM is not set"), "{error}");
    let base = [
        (smtp::HOST, "smtp.example.com"),
        (smtp::FROM, "analytics@example.com"),
    ];
    let error = settings(&[base[0], base[1], (smtp::USER, "lead")])
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("RHYTHM_SMTP_USER is set but RHYTHM_SMTP_PASSWORD is not"),
        "{error}"
    );
    let error = settings(&[base[0], base[1], (smtp::PASSWORD, "pw")])
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("RHYTHM_SMTP_PASSWORD is set but RHYTHM_SMTP_USER is not"),
        "{error}"
    );
    // Blank is not set.
    let error = settings(&[(smtp::HOST, "  ")]).unwrap_err().to_string();
    assert!(error.contains("RHYTHM_SMTP_HOST is not set"), "{error}");
}

#[test]
fn bad_values_are_named_with_what_to_write() {
    let base = [
        (smtp::HOST, "smtp.example.com"),
        (smtp::FROM, "analytics@example.com"),
    ];
    for (var, value, says) in [
        (
            smtp::PORT,
            "58x7",
            "RHYTHM_SMTP_PORT \"58x7\" is not a port",
        ),
        (smtp::PORT, "0", "RHYTHM_SMTP_PORT \"0\" is not a port"),
        (
            smtp::TLS,
            "ssl",
            "RHYTHM_SMTP_TLS \"ssl\" is not one of starttls, tls, none",
        ),
        (
            smtp::TIMEOUT_SECS,
            "0",
            "RHYTHM_SMTP_TIMEOUT_SECS \"0\" is not a number of seconds",
        ),
        (
            smtp::TIMEOUT_SECS,
            "1e3",
            "RHYTHM_SMTP_TIMEOUT_SECS \"1e3\"",
        ),
        (
            smtp::FROM,
            "analytics at example",
            "RHYTHM_SMTP_FROM \"analytics at example\" is not an email address",
        ),
        (
            smtp::HOST,
            "smtp.example.com:587",
            "RHYTHM_SMTP_HOST \"smtp.example.com:587\" is not a host name",
        ),
        (
            smtp::HOST,
            "smtp\u{1b}[2J",
            "RHYTHM_SMTP_HOST \"smtp\\x1b[2J\"",
        ),
    ] {
        let mut vars = base.to_vec();
        vars.retain(|(k, _)| *k != var);
        vars.push((var, value));
        let error = settings(&vars).unwrap_err().to_string();
        assert!(error.contains(says), "{error}");
    }
}

#[test]
fn unencrypted_is_for_this_machine_only() {
    let from = (smtp::FROM, "analytics@example.com");
    for host in ["smtp.example.com", "10.0.0.25", "localhost.example.com"] {
        let error = settings(&[(smtp::HOST, host), (smtp::TLS, "none"), from])
            .unwrap_err()
            .to_string();
        assert!(error.contains("RHYTHM_SMTP_TLS=none"), "{error}");
        assert!(
            error.contains(host) && error.contains("localhost"),
            "{error}"
        );
    }
    for host in ["localhost", "127.0.0.1", "::1"] {
        let ok = settings(&[(smtp::HOST, host), (smtp::TLS, "NONE"), from]).expect(host);
        assert_eq!(ok.tls(), SmtpTls::None);
        assert_eq!(ok.port(), 25);
    }
}

#[test]
fn defaults_follow_the_encryption() {
    let base = [
        (smtp::HOST, "smtp.example.com"),
        (smtp::FROM, "analytics@example.com"),
    ];
    let default = settings(&base).unwrap();
    assert_eq!((default.tls(), default.port()), (SmtpTls::StartTls, 587));
    assert_eq!(default.timeout(), Duration::from_secs(30));
    assert_eq!(default.user(), None);
    let tls = settings(&[base[0], base[1], (smtp::TLS, "tls")]).unwrap();
    assert_eq!((tls.tls(), tls.port()), (SmtpTls::Tls, 465));
    let port = settings(&[base[0], base[1], (smtp::PORT, " 2525 ")]).unwrap();
    assert_eq!((port.tls(), port.port()), (SmtpTls::StartTls, 2525));
}

#[test]
fn the_password_is_never_printed() {
    let settings = settings(&[
        (smtp::HOST, "smtp.example.com"),
        (smtp::FROM, "analytics@example.com"),
        (smtp::USER, "lead"),
        (smtp::PASSWORD, "hunter2-very-secret"),
    ])
    .unwrap();
    let debug = format!("{settings:?} {settings:#?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(
        debug.contains("<redacted>") && debug.contains("lead"),
        "{debug}"
    );
    assert_eq!(settings.user(), Some("lead"));

    // Nor by an error from the server after the login.
    let sink = Sink::start(Script::RefuseRcpt);
    let local = local(
        sink.port,
        &[
            (smtp::USER, "lead"),
            (smtp::PASSWORD, "hunter2-very-secret"),
        ],
    );
    let error =
        smtp::send(&local, &["cmo@example.com".to_owned()], "s", "t", "h").expect_err("refused");
    let shown = format!("{error} {error:?} {error:#}");
    assert!(!shown.contains("hunter2"), "{shown}");
}

/// `from_env` reads the real environment: checked in a child process of this test binary,
/// so no test here changes the environment the others run in.
#[test]
fn from_env_reads_the_environment() {
    const CHILD: &str = "RHYTHM_SMTP_TEST_CHILD";
    if std::env::var_os(CHILD).is_some() {
        let error = SmtpSettings::from_env().unwrap_err().to_string();
        assert!(error.contains("RHYTHM_SMTP_FROM is not set"), "{error}");
        return;
    }
    let mut child = std::process::Command::new(std::env::current_exe().unwrap());
    child.args([
        "--exact",
        "from_env_reads_the_environment",
        "--test-threads=1",
    ]);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("RHYTHM_SMTP_") {
            child.env_remove(name);
        }
    }
    let output = child
        .env(CHILD, "1")
        .env(smtp::HOST, "smtp.example.com")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("1 passed"), "{stdout}");
}

/// STARTTLS is required, not hoped for: a server that does not offer it gets no login and
/// no message in clear text. (The sink speaks no TLS, so the encrypted path itself is
/// lettre's and rustls's, not tested here.)
#[test]
fn starttls_never_falls_back_to_clear_text() {
    let sink = Sink::start(Script::Accept);
    let port = sink.port.to_string();
    let settings = settings(&[
        (smtp::HOST, "127.0.0.1"),
        (smtp::PORT, port.as_str()),
        (smtp::TLS, "starttls"),
        (smtp::FROM, "analytics@example.com"),
        (smtp::USER, "lead"),
        (smtp::PASSWORD, "hunter2-very-secret"),
        (smtp::TIMEOUT_SECS, "5"),
    ])
    .unwrap();
    let error = smtp::send(&settings, &["cmo@example.com".to_owned()], "s", "t", "h")
        .expect_err("no STARTTLS offered");
    let message = error.to_string();
    assert!(message.contains("STARTTLS is not supported"), "{message}");
    assert!(message.contains("never sends the login"), "{message}");
    assert!(message.contains(smtp::TLS), "{message}");
    let received = sink.received(Duration::from_secs(10)).expect("a client");
    assert!(
        received
            .commands
            .iter()
            .all(|c| c.starts_with("EHLO") || c == "QUIT"),
        "{:?}",
        received.commands
    );
    assert!(received.login.is_none() && received.data.is_empty());
}

/// Implicit TLS against a server that answers in clear text fails in the handshake: the
/// client sends no SMTP command before the connection is encrypted.
#[test]
fn implicit_tls_sends_nothing_before_the_handshake() {
    let sink = Sink::start(Script::Accept);
    let port = sink.port.to_string();
    let settings = settings(&[
        (smtp::HOST, "127.0.0.1"),
        (smtp::PORT, port.as_str()),
        (smtp::TLS, "tls"),
        (smtp::FROM, "analytics@example.com"),
        (smtp::TIMEOUT_SECS, "5"),
    ])
    .unwrap();
    let error = smtp::send(&settings, &["cmo@example.com".to_owned()], "s", "t", "h")
        .expect_err("the sink speaks no TLS");
    let message = error.to_string();
    assert!(message.contains(&format!("127.0.0.1:{port}")), "{message}");
    assert!(
        message.contains("for port 587 set RHYTHM_SMTP_TLS=starttls"),
        "{message}"
    );
    let received = sink.received(Duration::from_secs(10)).expect("a client");
    assert!(
        !received
            .commands
            .iter()
            .any(|c| c.starts_with("EHLO") || c.starts_with("MAIL")),
        "{:?}",
        received.commands
    );
}
