//! `rhythm check [--at DATE] [--json]`: every control and success metric; exit 1 on any fail.

use chrono::NaiveDate;
use clap::Args;

use super::dates::{parse_date, today};
use super::{Failure, Outcome, load_charter, open_store};
use crate::rhythm::controls;
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Judge as of this date (YYYY-MM-DD) [default: today, UTC]
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
    let report = controls::run(&charter, &data, args.at.unwrap_or_else(today));
    if args.json {
        super::print_out(
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
