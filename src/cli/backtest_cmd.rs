//! `rhythm backtest [--json]`: every saved recommendation whose horizon has data — the
//! model's forecast under the actual spend vs the actual pipeline, adherence (the actual
//! vs the recommended mix), and whether following it paid off.

use clap::Args;
use serde::Serialize;

use super::{Outcome, load_charter, open_store};
use crate::format::{money, percent};
use crate::model::backtest::{BacktestOutcome, Verdict, backtest};
use crate::present::backtests;
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Print JSON: {"backtests": [{"status": "judged", "id", "as_of", "forecast_pipeline",
    /// "actual_pipeline", "forecast_error", "allocation_variance", "followed", "verdict",
    /// "detail", "channels", …} | {"status": "pending", "id", "as_of", "weeks_with_data", …}
    /// | {"status": "error", "id", "detail"}]}
    #[arg(long)]
    pub json: bool,
}

/// One saved recommendation's back-test, or why it has none.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Entry {
    Outcome(BacktestOutcome),
    Error {
        status: &'static str,
        id: i64,
        detail: String,
    },
}

pub fn run(ws: &Workspace, args: BacktestArgs) -> Outcome {
    let charter = load_charter(ws)?;
    let store = open_store(ws)?;
    let data = store.load_dataset(&charter)?;
    let entries: Vec<Entry> = store
        .recommendations()?
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
        super::print_out(
            &(serde_json::to_string_pretty(&serde_json::json!({ "backtests": entries }))? + "\n"),
        );
    } else {
        super::print_out(&human(&entries));
    }
    Ok(())
}

fn human(entries: &[Entry]) -> String {
    if entries.is_empty() {
        return "No saved recommendation yet: `rhythm recommend --save` keeps one to judge later.\n"
            .into();
    }
    let mut out = String::new();
    for entry in entries {
        match entry {
            Entry::Outcome(BacktestOutcome::Judged(b)) => {
                let verdict = match b.verdict {
                    Verdict::PaidOff => "PAID OFF",
                    Verdict::DidNotPayOff => "DID NOT PAY OFF",
                    Verdict::NotFollowed => "NOT FOLLOWED",
                    Verdict::Inconclusive => "INCONCLUSIVE",
                };
                out.push_str(&format!(
                    "Recommendation {} as of {} ({} weeks {} to {}): {verdict}\n  {}\n",
                    b.id,
                    b.as_of,
                    b.horizon_weeks,
                    b.horizon_from,
                    b.horizon_to + chrono::Duration::days(6),
                    backtests::detail(b)
                ));
                out.push_str(&format!(
                    "  forecast under the actual spend {} vs actual {}: {} off (tolerance {}); mix {} from the plan (limit {}); spent {} of {} recommended\n",
                    money(b.forecast_pipeline),
                    money(b.actual_pipeline),
                    percent(b.forecast_error),
                    percent(b.forecast_tolerance),
                    percent(b.allocation_variance),
                    percent(b.allocation_variance_max),
                    money(b.actual_spend),
                    money(b.recommended_spend)
                ));
                let rows: Vec<Vec<String>> = b
                    .channels
                    .iter()
                    .map(|c| {
                        vec![
                            format!("  {}", c.channel),
                            money(c.recommended_spend),
                            money(c.actual_spend),
                            percent(c.recommended_share),
                            percent(c.actual_share),
                        ]
                    })
                    .collect();
                out.push_str(&super::table::render(
                    &["  channel", "recommended", "actual", "plan share", "actual share"],
                    &rows,
                    &[false, true, true, true, true],
                ));
            }
            Entry::Outcome(BacktestOutcome::Pending {
                id,
                as_of,
                horizon_from,
                horizon_weeks,
                weeks_with_data,
            }) => out.push_str(&format!(
                "Recommendation {id} as of {as_of}: waiting for data — {weeks_with_data} of its {horizon_weeks} weeks from {horizon_from} are in\n"
            )),
            Entry::Error { id, detail, .. } => {
                out.push_str(&format!("Recommendation {id}: cannot judge it: {detail}\n"))
            }
        }
    }
    out
}
