//! The Slack transport against a webhook served on 127.0.0.1 by the test: the message
//! arrives whole; 500 and 429 (with Retry-After) are retried, a Retry-After beyond the
//! bound and a server that never answers fail with a clear error; and `rhythm send
//! slack` / `rhythm send --due` end to end, the URL read only from the environment and
//! never printed, a second `--due` run in the same week sending nothing.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Output;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use rhythm::cli::send::slack::{Policy, SlackError, post};

/// What the test server does with one request.
#[derive(Clone)]
enum Reply {
    /// Answer with this status, these extra headers and this body.
    Status(u16, &'static str, &'static str),
    /// Read the request and never answer (until the client gives up).
    Hang,
}

/// Serves one reply per connection, in order, on 127.0.0.1; the bodies it received come
/// back through the channel.
fn serve(replies: Vec<Reply>) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "http://{}/services/T000/B000/secret-token",
        listener.local_addr().unwrap()
    );
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        for reply in replies {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0usize;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
                if line == "\r\n" {
                    break;
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let _ = tx.send(String::from_utf8(body).unwrap());
            let mut stream = stream;
            match reply {
                Reply::Status(status, headers, body) => {
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n{body}",
                        body.len()
                    );
                }
                Reply::Hang => thread::sleep(Duration::from_secs(3)),
            }
        }
    });
    (url, rx)
}

fn quick() -> Policy {
    Policy {
        timeout: Duration::from_millis(800),
        attempts: 3,
        backoff: Duration::from_millis(50),
        max_wait: Duration::from_secs(5),
    }
}

#[test]
fn the_message_arrives_whole() {
    let (url, got) = serve(vec![Reply::Status(200, "", "ok")]);
    let message = r#"{"text":"Weekly digest","blocks":[]}"#;
    post(&url, message, &quick()).unwrap();
    assert_eq!(got.recv().unwrap(), message);
}

#[test]
fn a_500_is_retried_and_a_lasting_one_fails_with_the_body() {
    let (url, got) = serve(vec![
        Reply::Status(500, "", "oops"),
        Reply::Status(200, "", "ok"),
    ]);
    post(&url, "{}", &quick()).unwrap();
    assert_eq!(got.iter().take(2).count(), 2);

    let (url, got) = serve(vec![Reply::Status(503, "", "down for maintenance"); 3]);
    let e = post(&url, "{}", &quick()).unwrap_err();
    assert_eq!(got.iter().take(3).count(), 3, "three attempts");
    assert!(matches!(e, SlackError::Refused { status: 503, .. }), "{e}");
    let message = e.to_string();
    assert!(message.contains("down for maintenance"), "{message}");
    assert!(
        !message.contains("secret-token"),
        "the URL is never in an error: {message}"
    );
}

#[test]
fn a_400_is_not_retried() {
    let (url, got) = serve(vec![Reply::Status(400, "", "invalid_blocks")]);
    let e = post(&url, "{}", &quick()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Slack's webhook answered 400: invalid_blocks"
    );
    assert_eq!(got.iter().count(), 1);
}

#[test]
fn a_429_waits_what_retry_after_says_within_its_bound() {
    let (url, _got) = serve(vec![
        Reply::Status(429, "Retry-After: 1\r\n", "rate_limited"),
        Reply::Status(200, "", "ok"),
    ]);
    let started = Instant::now();
    post(&url, "{}", &quick()).unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "it waited the second asked"
    );

    let (url, got) = serve(vec![Reply::Status(
        429,
        "Retry-After: 3600\r\n",
        "rate_limited",
    )]);
    let started = Instant::now();
    let e = post(&url, "{}", &quick()).unwrap_err();
    assert!(
        matches!(e, SlackError::WaitTooLong { asked: 3600, .. }),
        "{e}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "it did not wait an hour"
    );
    assert_eq!(got.iter().count(), 1);
}

#[test]
fn a_webhook_that_never_answers_times_out_without_a_retry() {
    let (url, got) = serve(vec![Reply::Hang, Reply::Status(200, "", "ok")]);
    let started = Instant::now();
    let e = post(&url, "{}", &quick()).unwrap_err();
    assert!(matches!(e, SlackError::Timeout(_)), "{e}");
    assert!(started.elapsed() < Duration::from_secs(3));
    // A post that timed out may have arrived: it is not posted twice.
    assert_eq!(got.recv_timeout(Duration::from_secs(1)).unwrap(), "{}");
    assert!(got.recv_timeout(Duration::from_millis(300)).is_err());
}

/// A workspace with the shipped charter, its email delivery dropped and its Slack one
/// reading the test's variable, and no data.
fn workspace() -> tempfile::TempDir {
    common::workspace::edited_charter_workspace(|c| {
        let start = c.find("[[delivery]]\nid = \"cmo-weekly-email\"").unwrap();
        let end = start + c[start..].find("\n\n").unwrap() + 2;
        let mut c = c.clone();
        c.replace_range(start..end, "");
        c.replace(
            "webhook_env = \"RHYTHM_SLACK_WEBHOOK\"",
            "webhook_env = \"TEST_DIGEST_HOOK\"",
        )
    })
}

#[test]
fn send_slack_posts_the_digest_from_the_url_in_the_environment() {
    let ws = workspace();
    let (url, got) = serve(vec![Reply::Status(200, "", "ok")]);
    let out = common::cli::command_without_key(
        ws.path(),
        &[
            "send",
            "slack",
            "--webhook-env",
            "TEST_DIGEST_HOOK",
            "--at",
            "2026-11-23",
        ],
    )
    .env("TEST_DIGEST_HOOK", &url)
    .output()
    .unwrap();
    let stdout = common::cli::success_stdout(&out);
    assert!(
        stdout.contains("Posted the Weekly digest — week of 2026-11-16 to Slack."),
        "{stdout}"
    );
    assert!(!stdout.contains("secret-token"));
    let body: serde_json::Value = serde_json::from_str(&got.recv().unwrap()).unwrap();
    assert_eq!(body["blocks"][0]["type"], "header");

    // Unset, the variable is named and the command fails without sending.
    let out = common::cli::command_without_key(
        ws.path(),
        &["send", "slack", "--webhook-env", "TEST_DIGEST_HOOK_UNSET"],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let (_, stderr) = common::cli::text(&out);
    assert!(
        stderr.contains("TEST_DIGEST_HOOK_UNSET is not set"),
        "{stderr}"
    );
}

#[test]
fn a_failed_post_exits_non_zero_with_the_answer_and_never_the_url() {
    let ws = workspace();
    let (url, _got) = serve(vec![Reply::Status(404, "", "no_service")]);
    let out = common::cli::command_without_key(
        ws.path(),
        &["send", "slack", "--webhook-env", "TEST_DIGEST_HOOK"],
    )
    .env("TEST_DIGEST_HOOK", &url)
    .output()
    .unwrap();
    assert_ne!(out.status.code(), Some(0));
    let (stdout, stderr) = common::cli::text(&out);
    assert!(stderr.contains("answered 404: no_service"), "{stderr}");
    assert!(!stderr.contains("secret-token") && !stdout.contains("secret-token"));
}

#[test]
fn send_due_sends_once_per_period_and_records_the_delivery() {
    let ws = workspace();
    let (url, got) = serve(vec![Reply::Status(200, "", "ok"); 2]);
    let run = |at: &str| {
        common::cli::command_without_key(ws.path(), &["send", "--due", "--at", at])
            .env("TEST_DIGEST_HOOK", &url)
            .output()
            .unwrap()
    };
    let first = common::cli::success_stdout(&run("2026-11-24T08:00:00"));
    assert!(
        first.contains("Sent delivery 'cmo-weekly-slack'"),
        "{first}"
    );
    assert!(
        first.contains("Recorded a delivery of anomaly-alerts for the period starting 2026-11-23"),
        "{first}"
    );
    assert!(got.recv_timeout(Duration::from_secs(5)).is_ok());
    // The same week again: nothing is sent.
    let second = common::cli::success_stdout(&run("2026-11-26T08:00:00"));
    assert!(second.contains("Nothing due"), "{second}");
    assert!(got.recv_timeout(Duration::from_millis(300)).is_err());
    // Recorded once, as a delivery of the deliverable the charter names: the SLA counts it.
    let conn = common::store::open_db(&common::store::db_path(ws.path()));
    let n = common::store::count(
        &conn,
        "SELECT COUNT(*) FROM delivery WHERE deliverable = 'anomaly-alerts' AND period_start = '2026-11-23'",
    );
    assert_eq!(n, 1);
}

#[test]
fn digest_and_send_refuse_bad_usage_and_say_what_to_do() {
    let ws = workspace();
    let out = common::cli::run_without_key(
        ws.path(),
        &[
            "digest",
            "monthly",
            "--at",
            "2026-11-23",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&common::cli::success_stdout(&out)).unwrap();
    assert_eq!(json["kind"], "monthly");
    assert_eq!(json["period_start"], "2026-10-01");
    let first = &json["lines"][0];
    assert_eq!(first["part"], "changed");
    assert!(
        first["text"].as_str().unwrap().contains("no data"),
        "{first}"
    );

    let fails = |args: &[&str], says: &str| {
        let out = common::cli::run_without_key(ws.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let (_, stderr) = common::cli::text(&out);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    };
    fails(&["send"], "say what to send");
    fails(
        &["send", "email", "--to", "dana"],
        "not an email address: dana",
    );
    // No SMTP settings in the environment: the missing variable is named.
    fails(
        &["send", "email", "--to", "dana@example.com"],
        "RHYTHM_SMTP_HOST",
    );
}

/// `rhythm` in `ws` with the SMTP settings of a sink on this machine.
fn with_sink(ws: &std::path::Path, args: &[&str], sink: &common::smtp_sink::Sink) -> Output {
    common::cli::command_without_key(ws, args)
        .env("RHYTHM_SMTP_HOST", "127.0.0.1")
        .env("RHYTHM_SMTP_PORT", sink.port.to_string())
        .env("RHYTHM_SMTP_TLS", "none")
        .env("RHYTHM_SMTP_FROM", "Analytics <analytics@example.com>")
        .env_remove("RHYTHM_SMTP_USER")
        .env_remove("RHYTHM_SMTP_PASSWORD")
        .output()
        .unwrap()
}

#[test]
fn send_email_delivers_the_digest_as_text_and_html_to_an_smtp_server() {
    use common::smtp_sink::{Script, Sink};
    let ws = workspace();
    let sink = Sink::start(Script::Accept);
    let out = with_sink(
        ws.path(),
        &[
            "send",
            "email",
            "--to",
            "dana@example.com",
            "--at",
            "2026-11-24",
        ],
        &sink,
    );
    let said = common::cli::success_stdout(&out);
    assert!(said.contains("dana@example.com"), "{said}");
    let got = sink.received(Duration::from_secs(10)).expect("a message");
    assert_eq!(got.rcpt_to, vec!["TO:<dana@example.com>".to_string()]);
    let message = String::from_utf8_lossy(&got.data);
    assert!(message.contains("multipart/alternative"), "{message}");
    assert!(
        message.contains("text/plain") && message.contains("text/html"),
        "{message}"
    );
    // The same digest `rhythm digest weekly` prints: each of its lines is in the text part.
    let digest = common::cli::success_stdout(&common::cli::run_without_key(
        ws.path(),
        &["digest", "weekly", "--at", "2026-11-24", "--format", "json"],
    ));
    let json: serde_json::Value = serde_json::from_str(&digest).unwrap();
    let mail = mailparse::parse_mail(&got.data).unwrap();
    let text = mail.subparts[0].get_body().unwrap();
    for line in json["lines"].as_array().unwrap() {
        let words = line["text"].as_str().unwrap();
        assert!(text.contains(words), "{words} not in:\n{text}");
    }
}

#[test]
fn send_due_emails_the_delivery_the_charter_lists_and_records_it() {
    use common::smtp_sink::{Script, Sink};
    // Only the charter's email delivery: the Slack one is taken out.
    let ws = common::workspace::edited_charter_workspace(|c| {
        let start = c.find("[[delivery]]\nid = \"cmo-weekly-slack\"").unwrap();
        let end = start + c[start..].find("\n\n").unwrap() + 2;
        let mut c = c.clone();
        c.replace_range(start..end, "");
        c
    });
    let sink = Sink::start(Script::Accept);
    let out = with_sink(
        ws.path(),
        &["send", "--due", "--at", "2026-11-24T08:00:00"],
        &sink,
    );
    let said = common::cli::success_stdout(&out);
    assert!(said.contains("Sent delivery 'cmo-weekly-email'"), "{said}");
    let got = sink.received(Duration::from_secs(10)).expect("a message");
    assert_eq!(got.rcpt_to, vec!["TO:<dana@example.com>".to_string()]);
    let conn = common::store::open_db(&common::store::db_path(ws.path()));
    let n = common::store::count(
        &conn,
        "SELECT COUNT(*) FROM delivery WHERE deliverable = 'anomaly-alerts' AND period_start = '2026-11-23'",
    );
    assert_eq!(
        n, 1,
        "the SLA counts the send as the deliverable's delivery"
    );
}
