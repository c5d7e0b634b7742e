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
            "followed (mix within {} of the plan): actual pipeline {} vs {} had the old mix been kept: {}. The old-mix figure is the actual moved by the difference the model forecasts between the two mixes over the same weeks ({} for the spend as it happened, {} for the same spend in the old mix; its forecast was {} off, tolerance {})",
            percent(b.allocation_variance),
            money(b.actual_pipeline),
            money(b.old_mix_pipeline),
            signed_money(b.gain_over_status_quo()),
            money(b.forecast_pipeline),
            money(b.forecast_status_quo),
            percent(b.forecast_error),
            percent(b.forecast_tolerance)
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

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    /// Followed, and the actual above what the model forecast for the old mix — yet the
    /// model's own forecast of the new mix was below it: the case that read as a win
    /// under "did not pay off".
    fn judged(actual: f64, forecast: f64, status_quo: f64) -> Backtest {
        let gain = forecast - status_quo;
        let day = NaiveDate::from_ymd_opt(2026, 8, 17).unwrap();
        Backtest {
            id: 1,
            as_of: day,
            created_at: day.and_hms_opt(9, 0, 0).unwrap(),
            model_version: "m".into(),
            horizon_from: day,
            horizon_to: NaiveDate::from_ymd_opt(2026, 11, 9).unwrap(),
            horizon_weeks: 13,
            forecast_pipeline: forecast,
            actual_pipeline: actual,
            forecast_error: (forecast - actual).abs() / actual,
            forecast_tolerance: 0.15,
            recommended_spend: 2.2e6,
            actual_spend: 2.4e6,
            allocation_variance: 0.05,
            allocation_variance_max: 0.15,
            followed: true,
            forecast_status_quo: status_quo,
            old_mix_pipeline: actual - gain,
            forecast_recommended: forecast,
            verdict: if gain > 0.0 {
                Verdict::PaidOff
            } else {
                Verdict::DidNotPayOff
            },
            channels: Vec::new(),
        }
    }

    #[test]
    fn the_verdict_and_the_figures_it_shows_agree() {
        // Actual $36.8M; the model forecast $36.3M for the spend as it happened and
        // $36.5M for the old mix: the new mix lost $200K by the model, so had the old mix
        // been kept the horizon would have brought $36.8M + $0.2M = $37.0M.
        let b = judged(36.8e6, 36.3e6, 36.5e6);
        let lost = text(&[Entry::Outcome(BacktestOutcome::Judged(b))]);
        assert!(lost.contains("DID NOT PAY OFF"), "{lost}");
        assert!(
            lost.contains("actual pipeline $36.8M vs $37.0M had the old mix been kept: −$200K"),
            "{lost}"
        );
        // And the other way round: a forecast gain of $222K is a win, said as one.
        let b = judged(36.8e6, 36.722e6, 36.5e6);
        let won = text(&[Entry::Outcome(BacktestOutcome::Judged(b))]);
        assert!(won.contains(": PAID OFF"), "{won}");
        assert!(
            won.contains("actual pipeline $36.8M vs $36.6M had the old mix been kept: +$222K"),
            "{won}"
        );
    }
}
