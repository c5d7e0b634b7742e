//! `rhythm check [--at DATE] [--json]`: every control and success metric; exit 1 on any fail.

use chrono::NaiveDate;
use clap::Args;

use super::dates::{clock, parse_date};
use super::{Failure, Outcome, load_charter, open_store};
use crate::rhythm::as_of::as_of;
use crate::rhythm::controls;
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Judge as of the end of this day (YYYY-MM-DD) in the charter's time zone [default: now]
    #[arg(long, value_parser = parse_date)]
    pub at: Option<NaiveDate>,
    /// Print JSON: {"at", "checks": [{"id", "name", "status", "value", "target", "detail"}]}
    #[arg(long)]
    pub json: bool,
}

pub fn run(ws: &Workspace, args: CheckArgs) -> Outcome {
    let charter = load_charter(ws)?;
    let store = open_store(ws)?;
    let data = store.load_dataset(&charter)?;
    let clock = clock(&charter, args.at);
    let report = controls::run(&charter, &as_of(&charter, &data, &clock), &clock);
    if args.json {
        super::print_json(
            &(serde_json::to_string_pretty(&crate::present::json::checks(&report)?)? + "\n"),
        );
    } else {
        super::print_out(&crate::present::checks::text(&report));
    }
    if report.failed() {
        Err(Failure::Breach)
    } else {
        Ok(())
    }
}
