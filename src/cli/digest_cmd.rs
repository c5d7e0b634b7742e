//! `rhythm digest weekly|monthly [--at DATE] [--format md|slack|json]`: the few lines
//! that say what changed, what to do and what is late.

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use super::dates::{clock, parse_date};
use super::{Outcome, load_charter, open_store};
use crate::charter::{Charter, DigestKind};
use crate::present;
use crate::rhythm::clock::Clock;
use crate::rhythm::digest::{self, Digest};
use crate::workspace::Workspace;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Weekly,
    Monthly,
}

impl KindArg {
    pub fn kind(self) -> DigestKind {
        match self {
            KindArg::Weekly => DigestKind::Weekly,
            KindArg::Monthly => DigestKind::Monthly,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DigestFormat {
    /// Markdown, for people and chat tools that render it
    Md,
    /// Slack Block Kit JSON, as `rhythm send slack` posts it
    Slack,
    /// The lines as JSON, for other tools
    Json,
}

#[derive(Debug, Args)]
pub struct DigestArgs {
    /// Which review the digest sums up: its last complete period
    #[arg(value_enum)]
    pub kind: KindArg,
    /// As of the end of this day (YYYY-MM-DD) in the charter's time zone [default: now]
    #[arg(long, value_parser = parse_date)]
    pub at: Option<NaiveDate>,
    #[arg(long, value_enum, default_value = "md")]
    pub format: DigestFormat,
}

pub fn run(ws: &Workspace, args: DigestArgs) -> Outcome {
    let charter = load_charter(ws)?;
    let d = compute(ws, &charter, args.kind.kind(), &clock(&charter, args.at))?;
    match args.format {
        DigestFormat::Md => super::print_out(&present::digest::markdown(&charter, &d)),
        DigestFormat::Slack => super::print_json(&pretty(&present::digest::slack(&charter, &d))?),
        DigestFormat::Json => super::print_json(&pretty(&present::digest::json(&charter, &d))?),
    }
    Ok(())
}

/// The digest of `kind` on `clock`, from the workspace's store.
pub fn compute(
    ws: &Workspace,
    charter: &Charter,
    kind: DigestKind,
    clock: &Clock,
) -> Result<Digest, super::Failure> {
    let store = open_store(ws)?;
    let data = store.load_dataset(charter)?;
    Ok(digest::digest(charter, &data, kind, clock))
}

fn pretty(v: &serde_json::Value) -> serde_json::Result<String> {
    serde_json::to_string_pretty(v).map(|s| s + "\n")
}
