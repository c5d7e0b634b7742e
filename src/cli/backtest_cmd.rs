//! `rhythm backtest [--json]`: every saved recommendation whose horizon has data — the
//! model's forecast under the actual spend vs the actual pipeline, adherence (the actual
//! vs the recommended mix), and whether following it paid off.

use clap::Args;

use super::dates::{clock, parse_date};
use super::{Outcome, load_charter, open_store};
use crate::model::backtest::backtest;
use crate::present::backtests::{self, Entry};
use crate::rhythm::as_of::as_of;
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// As of the end of this day (YYYY-MM-DD) in the charter's time zone [default: now]:
    /// only recommendations saved by then, judged on the data that existed then
    #[arg(long, value_parser = parse_date)]
    pub at: Option<chrono::NaiveDate>,
    /// Print JSON: {"backtests": [{"status": "judged", "id", "as_of", "forecast_pipeline",
    /// "actual_pipeline", "forecast_error", "allocation_variance", "followed", "verdict",
    /// "detail", "channels", …} | {"status": "pending", "id", "as_of", "weeks_with_data", …}
    /// | {"status": "error", "id", "detail"}]}
    #[arg(long)]
    pub json: bool,
}

pub fn run(ws: &Workspace, args: BacktestArgs) -> Outcome {
    let charter = load_charter(ws)?;
    let store = open_store(ws)?;
    let clock = clock(&charter, args.at);
    let data = as_of(&charter, &store.load_dataset(&charter)?, &clock);
    let entries: Vec<Entry> = data
        .recommendations
        .iter()
        .map(|saved| match backtest(saved, &data, &charter) {
            Ok(outcome) => Entry::Outcome(outcome),
            Err(e) => Entry::Error {
                status: "error",
                id: saved.id,
                detail: e.to_string(),
            },
        })
        .collect();
    if args.json {
        super::print_json(&(serde_json::to_string_pretty(&backtests::json(&entries)?)? + "\n"));
    } else {
        super::print_out(&backtests::text(&entries));
    }
    Ok(())
}
