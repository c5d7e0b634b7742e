//! `rhythm send slack|email` and `rhythm send --due`: the digest delivered where its
//! readers are. Secrets (the webhook's URL, the mail server's login) come only from the
//! environment — never the charter (in git) or the command line (in `ps` and history) —
//! and are never printed.

pub mod slack;

use anyhow::{Context, anyhow};
use chrono::{NaiveDate, NaiveDateTime};
use clap::{Args, Subcommand};

use super::dates::{clock, now, parse_date, parse_datetime};
use super::digest_cmd::{KindArg, compute};
use super::{Failure, Outcome, load_charter, open_store, say, smtp};
use crate::charter::{Charter, DeliveryChannel, DigestKind, looks_like_address};
use crate::present;
use crate::rhythm::clock::Clock;
use crate::rhythm::digest::{Digest, due_sends};
use crate::workspace::Workspace;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SendArgs {
    #[command(subcommand)]
    pub command: Option<SendCommand>,
    /// Send what the charter's [[delivery]] table says is due this period and record each
    /// send as a delivery of its deliverable; a second run in the same period sends nothing
    #[arg(long)]
    pub due: bool,
    /// With --due: judge what is due at this moment (ISO 8601; no offset means UTC) [default: now]
    #[arg(long, value_parser = parse_datetime, requires = "due")]
    pub at: Option<NaiveDateTime>,
}

#[derive(Debug, Subcommand)]
pub enum SendCommand {
    /// Post the digest to a Slack incoming webhook
    Slack {
        /// The environment variable holding the webhook's URL (the URL itself is a secret:
        /// never pass it on the command line)
        #[arg(long, value_name = "VAR")]
        webhook_env: String,
        #[command(flatten)]
        which: Which,
    },
    /// Email the digest (plain text + HTML); the SMTP settings come from the environment
    Email {
        /// The addresses to send to
        #[arg(long, required = true, num_args = 1.., value_name = "ADDR")]
        to: Vec<String>,
        #[command(flatten)]
        which: Which,
    },
}

#[derive(Debug, Args)]
pub struct Which {
    /// Which digest
    #[arg(long, value_enum, default_value = "weekly")]
    pub kind: KindArg,
    /// As of the end of this day (YYYY-MM-DD) in the charter's time zone [default: now]
    #[arg(long, value_parser = parse_date)]
    pub at: Option<NaiveDate>,
}

pub fn run(ws: &Workspace, args: SendArgs) -> Outcome {
    let charter = load_charter(ws)?;
    match args.command {
        Some(SendCommand::Slack { webhook_env, which }) => {
            let url = webhook_url(&webhook_env)?;
            let d = compute(ws, &charter, which.kind.kind(), &clock(&charter, which.at))?;
            to_slack(&charter, &d, &url)?;
            say!("Posted the {} to Slack.", present::digest::title(&d));
            Ok(())
        }
        Some(SendCommand::Email { to, which }) => {
            check_addresses(&to)?;
            let d = compute(ws, &charter, which.kind.kind(), &clock(&charter, which.at))?;
            to_email(&charter, &d, &to)?;
            say!(
                "Emailed the {} to {}.",
                present::digest::title(&d),
                to.join(", ")
            );
            Ok(())
        }
        None if args.due => due(ws, &charter, args.at.unwrap_or_else(now)),
        None => Err(Failure::BadInput(anyhow!(
            "say what to send: `rhythm send slack --webhook-env VAR`, `rhythm send email --to ADDR` or `rhythm send --due`"
        ))),
    }
}

/// The webhook's URL from the environment variable `var`: set, and an http(s) URL —
/// https, or http to this machine (a local relay or a test).
fn webhook_url(var: &str) -> Result<String, Failure> {
    let url = std::env::var(var).map_err(|_| {
        anyhow!(
            "the environment variable {var} is not set: put the Slack incoming webhook's URL in it (export {var}=https://hooks.slack.com/services/…)"
        )
    })?;
    let url = url.trim().to_string();
    let local = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| url.starts_with(p));
    if !url.starts_with("https://") && !local {
        return Err(Failure::BadInput(anyhow!(
            "the environment variable {var} does not hold an https:// URL: put the Slack incoming webhook's URL in it"
        )));
    }
    Ok(url)
}

fn check_addresses(to: &[String]) -> Result<(), Failure> {
    let bad: Vec<String> = to
        .iter()
        .filter(|a| !looks_like_address(a))
        .map(|a| crate::text::field(a))
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        Err(Failure::BadInput(anyhow!(
            "not an email address: {} (write each as name@example.com)",
            bad.join(", ")
        )))
    }
}

fn to_slack(charter: &Charter, d: &Digest, url: &str) -> anyhow::Result<()> {
    let message = serde_json::to_string(&present::digest::slack(charter, d))?;
    slack::post(url, &message, &slack::Policy::default())?;
    Ok(())
}

fn to_email(charter: &Charter, d: &Digest, to: &[String]) -> anyhow::Result<()> {
    let settings = smtp::SmtpSettings::from_env()?;
    let (subject, text, html) = present::digest::email(charter, d);
    smtp::send(&settings, to, &subject, &text, &html)
}

/// Sends every `[[delivery]]` due at `at` and records, per deliverable, one delivery for
/// its period once all of its sends went out. A failed send records nothing for its
/// deliverable (the next run tries it again) and makes the command fail.
fn due(ws: &Workspace, charter: &Charter, at: NaiveDateTime) -> Outcome {
    let clock = Clock::at_instant(charter, at.and_utc());
    let store = open_store(ws)?;
    let data = store.load_dataset(charter)?;
    let due = due_sends(charter, &data.deliveries, &clock);
    if due.is_empty() {
        say!("Nothing due: every [[delivery]] was sent this period.");
        return Ok(());
    }
    let mut failures = Vec::new();
    for send in &due {
        let mut all_sent = true;
        for entry in &send.entries {
            let d = crate::rhythm::digest::digest(charter, &data, entry.kind, &clock);
            let sent = match &entry.channel {
                DeliveryChannel::Slack { webhook_env } => webhook_url(webhook_env)
                    .map_err(|f| match f {
                        Failure::BadInput(e) => e,
                        Failure::Breach => anyhow!("no webhook"),
                    })
                    .and_then(|url| to_slack(charter, &d, &url)),
                DeliveryChannel::Email { to } => to_email(charter, &d, to),
            }
            .with_context(|| {
                format!(
                    "delivery '{}' ({} digest by {})",
                    entry.id,
                    kind_name(entry.kind),
                    entry.channel.as_str()
                )
            });
            match sent {
                Ok(()) => say!(
                    "Sent delivery '{}': the {} by {}.",
                    crate::text::field(&entry.id),
                    present::digest::title(&d),
                    entry.channel.as_str()
                ),
                Err(e) => {
                    all_sent = false;
                    failures.push(super::error_text(&e));
                }
            }
        }
        if all_sent {
            store.record_delivery(send.deliverable, send.period_start, at, None, None)?;
            say!(
                "Recorded a delivery of {} for the period starting {}.",
                crate::text::field(send.deliverable),
                send.period_start
            );
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Failure::BadInput(anyhow!(
            "{} — nothing was recorded for those deliverables; run `rhythm send --due` again once fixed",
            failures.join("; ")
        )))
    }
}

fn kind_name(kind: DigestKind) -> &'static str {
    kind.as_str()
}
