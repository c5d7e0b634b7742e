//! The Slack transport: one JSON message POSTed to an incoming webhook. The webhook's URL
//! is a secret (anyone holding it can post to the channel): it is passed in by the caller
//! from the environment and never appears in an error or a log line.

use std::time::Duration;

/// How hard a post tries.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// The whole exchange (connect, send, answer) of one attempt.
    pub timeout: Duration,
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// The wait before the second attempt when the answer names none (doubling after).
    pub backoff: Duration,
    /// The longest wait rhythm honours: a `Retry-After` asking for more ends the post.
    pub max_wait: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            timeout: Duration::from_secs(10),
            attempts: 4,
            backoff: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
        }
    }
}

/// Why a post failed.
#[derive(Debug, thiserror::Error)]
pub enum SlackError {
    #[error("Slack's webhook answered {status}: {body}")]
    Refused { status: u16, body: String },
    #[error(
        "Slack's webhook answered {status} and asked to wait {asked} s, more than the {max} s rhythm waits: run it again later"
    )]
    WaitTooLong { status: u16, asked: u64, max: u64 },
    #[error(
        "Slack's webhook did not answer within {0} s: the message may or may not have been posted; check the channel before running it again"
    )]
    Timeout(u64),
    #[error("could not reach Slack's webhook: {0}")]
    Transport(String),
}

/// What the webhook answered: status, `Retry-After` in seconds, body.
struct Answer {
    status: u16,
    retry_after: Option<u64>,
    body: String,
}

/// Posts `message` (JSON text) to the webhook at `url`: retries on 429 and 5xx, waiting
/// what `Retry-After` says (or a doubling backoff), up to `policy.attempts`. A timeout is
/// not retried: the message may have arrived, and a second post would repeat it.
pub fn post(url: &str, message: &str, policy: &Policy) -> Result<(), SlackError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(policy.timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let mut backoff = policy.backoff;
    let mut attempt = 1;
    loop {
        let answer = send(&agent, url, message, policy)?;
        let retryable = answer.status == 429 || (500..600).contains(&answer.status);
        if (200..300).contains(&answer.status) {
            return Ok(());
        }
        if !retryable || attempt >= policy.attempts {
            return Err(SlackError::Refused {
                status: answer.status,
                body: answer.body,
            });
        }
        let wait = match answer.retry_after {
            Some(asked) if asked > policy.max_wait.as_secs() => {
                return Err(SlackError::WaitTooLong {
                    status: answer.status,
                    asked,
                    max: policy.max_wait.as_secs(),
                });
            }
            Some(asked) => Duration::from_secs(asked),
            None => backoff.min(policy.max_wait),
        };
        tracing::info!(
            status = answer.status,
            wait_ms = wait.as_millis() as u64,
            attempt,
            "slack webhook: retrying"
        );
        std::thread::sleep(wait);
        backoff *= 2;
        attempt += 1;
    }
}

fn send(
    agent: &ureq::Agent,
    url: &str,
    message: &str,
    policy: &Policy,
) -> Result<Answer, SlackError> {
    // Never let the URL reach a message: the error's text is rewritten without it.
    let hide = |e: ureq::Error| match e {
        ureq::Error::Timeout(_) => SlackError::Timeout(policy.timeout.as_secs().max(1)),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
            SlackError::Timeout(policy.timeout.as_secs().max(1))
        }
        other => SlackError::Transport(other.to_string().replace(url, "the webhook URL")),
    };
    let mut response = agent
        .post(url)
        .header("Content-Type", "application/json; charset=utf-8")
        .send(message)
        .map_err(hide)?;
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .unwrap_or_default();
    Ok(Answer {
        status,
        retry_after,
        body: crate::text::field(body.trim()),
    })
}
