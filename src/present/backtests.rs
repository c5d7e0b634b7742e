//! A back-test's verdict in words: `model::Backtest` holds the figures, this module says
//! what they mean for the recommendation (the `backtest` command, its JSON `"detail"` and
//! the `budget-backtest` check).

use serde::Serialize;

use crate::format::{money, percent, signed_money};
use crate::model::{Backtest, BacktestOutcome, Verdict};

/// One or two sentences: was the advice followed, did the forecast hold, what the old mix
/// would have brought.
pub fn detail(b: &Backtest) -> String {
    match b.verdict {
        Verdict::NotFollowed => format!(
            "not followed: the actual mix differed from the recommended by {} (limit {}); by the model, following it would have brought {} pipeline",
            percent(b.allocation_variance),
            percent(b.allocation_variance_max),
            signed_money(b.gain_if_followed())
        ),
        Verdict::Inconclusive => format!(
            "followed (mix within {} of the plan), but the forecast missed actual pipeline by {} (tolerance {}): no verdict",
            percent(b.allocation_variance),
            percent(b.forecast_error),
            percent(b.forecast_tolerance)
        ),
        Verdict::PaidOff | Verdict::DidNotPayOff => format!(
            "followed (mix within {} of the plan); actual pipeline {} vs forecast {} ({} off); the same spend in the old mix would have brought {} ({})",
            percent(b.allocation_variance),
            money(b.actual_pipeline),
            money(b.forecast_pipeline),
            percent(b.forecast_error),
            money(b.forecast_status_quo),
            signed_money(b.gain_over_status_quo())
        ),
    }
}

/// One saved recommendation's back-test, or why it has none.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Entry {
    Outcome(BacktestOutcome),
    Error {
        status: &'static str,
        id: i64,
        detail: String,
    },
}

/// `{"backtests": [...]}`: each entry's serde form, a judged one with its verdict in
/// words as `"detail"`, as the text shows it.
pub fn json(entries: &[Entry]) -> serde_json::Result<serde_json::Value> {
    let all = entries
        .iter()
        .map(|entry| {
            let mut value = serde_json::to_value(entry)?;
            if let (Entry::Outcome(BacktestOutcome::Judged(b)), Some(map)) =
                (entry, value.as_object_mut())
            {
                map.insert("detail".into(), detail(b).into());
            }
            Ok(value)
        })
        .collect::<serde_json::Result<Vec<_>>>()?;
    Ok(serde_json::json!({ "backtests": all }))
}

/// `rhythm backtest` for people: each saved recommendation's verdict, its figures and
/// its mix.
pub fn text(entries: &[Entry]) -> String {
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
                    detail(b)
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
