//! `rhythm check [--at DATE] [--json]`: every control and success metric; exit 1 on any fail.

use chrono::NaiveDate;
use clap::Args;

use super::dates::{parse_date, today};
use super::{Failure, Outcome, load_charter, open_store};
use crate::format::value_or_no_data;
use crate::rhythm::Status;
use crate::rhythm::controls::{self, Check};
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
            &(serde_json::to_string_pretty(&crate::present::json::checks(&report))? + "\n"),
        );
    } else {
        super::print_out(&human(&report.checks, report.at));
    }
    if report.failed() {
        Err(Failure::Breach)
    } else {
        Ok(())
    }
}

fn unit_of(check: &Check) -> &'static str {
    if check.id.starts_with("freshness-") {
        "days"
    } else if check.id == "analytics-nps" {
        "score"
    } else if check.id == "cac-ltv-ceiling" || check.id == "budget-backtest" {
        "usd"
    } else {
        "fraction"
    }
}

/// Short: a count line, then one line per failure and warning with the figure.
pub fn human(checks: &[Check], at: NaiveDate) -> String {
    let count = |s: Status| checks.iter().filter(|c| c.status == s).count();
    let mut out = format!(
        "rhythm check {at}: {} failed, {} warning, {} passed, {} no data\n",
        count(Status::Fail),
        count(Status::Warn),
        count(Status::Pass),
        count(Status::NoData)
    );
    for c in checks
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Warn))
    {
        let unit = unit_of(c);
        out.push_str(&format!(
            "{:<4} {}: {}{} — {}\n",
            if c.status == Status::Fail {
                "FAIL"
            } else {
                "WARN"
            },
            c.name,
            value_or_no_data(c.value, unit),
            c.target.map_or(String::new(), |t| format!(
                " (target {})",
                crate::format::in_unit(t, unit)
            )),
            crate::present::checks::detail(&c.detail)
        ));
    }
    let missing: Vec<&str> = checks
        .iter()
        .filter(|c| c.status == Status::NoData)
        .map(|c| c.id.as_str())
        .collect();
    if !missing.is_empty() {
        out.push_str(&format!("no data: {}\n", missing.join(", ")));
    }
    out
}
