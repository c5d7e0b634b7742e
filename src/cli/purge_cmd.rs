//! `rhythm purge [--dry-run] [--at DATE]`: the charter's retention rule (seed 001: GDPR
//! and CCPA) applied to the personal data in the store — usage events and NPS answers
//! older than `[privacy] retention_days`.

use chrono::{Days, NaiveDate};
use clap::Args;

use super::dates::{clock, parse_date};
use super::{Failure, Outcome, load_charter, open_store, print_out};
use crate::format::thousands;
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Only say what would be deleted; change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Count the retention back from this date (YYYY-MM-DD) [default: today in the charter's time zone]
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub at: Option<NaiveDate>,
}

pub fn run(ws: &Workspace, args: PurgeArgs) -> Outcome {
    let charter = load_charter(ws)?;
    let Some(days) = charter.privacy.retention_days else {
        return Err(Failure::BadInput(anyhow::anyhow!(
            "{}: the charter sets no retention rule, so there is nothing to purge by: add `retention_days = N` (30 to 3650) under [privacy]",
            ws.charter.display()
        )));
    };
    let at = clock(&charter, args.at).today;
    let cutoff = at
        .checked_sub_days(Days::new(u64::from(days)))
        .ok_or_else(|| anyhow::anyhow!("--at {at} is too early for a {days}-day retention"))?;
    let mut store = open_store(ws)?;
    let tables = store.purge_before(cutoff, args.dry_run)?;
    let verb = if args.dry_run {
        "would delete"
    } else {
        "deleted"
    };
    let mut out = format!(
        "retention {days} days (charter [privacy]) as of {at}: rows dated before {cutoff}{}\n",
        if args.dry_run {
            " — dry run, nothing changed"
        } else {
            ""
        }
    );
    for t in &tables {
        let (table, what) = if t.table == "lead" {
            (
                "lead",
                if args.dry_run {
                    "would erase the email of"
                } else {
                    "erased the email of"
                },
            )
        } else {
            (t.table, verb)
        };
        out.push_str(&format!(
            "  {table:<13} {what} {} of {} rows{}\n",
            thousands(t.older as i64),
            thousands(t.total as i64),
            if t.table == "lead" {
                " (the leads stay: the funnel counts them)"
            } else {
                ""
            }
        ));
    }
    if !args.dry_run
        && tables
            .iter()
            .any(|t| t.table == "usage_event" && t.older > 0)
    {
        out.push_str("  usage aggregates rebuilt from the remaining events\n");
    }
    if !args.dry_run {
        out.push_str(&format!(
            "  recorded: dashboard adoption and analytics NPS over days before {cutoff} now say \"purged\", not a figure from what is left\n"
        ));
    }
    print_out(&out);
    Ok(())
}
