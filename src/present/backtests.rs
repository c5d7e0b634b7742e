//! A back-test's verdict in words: `model::Backtest` holds the figures, this module says
//! what they mean for the recommendation (the `backtest` command, its JSON `"detail"` and
//! the `budget-backtest` check).

use crate::format::{money, percent, signed_money};
use crate::model::{Backtest, Verdict};

/// One or two sentences: was the advice followed, did the forecast hold, what the old mix
/// would have brought.
pub fn detail(b: &Backtest) -> String {
    match b.verdict {
        Verdict::NotFollowed => format!(
            "not followed: the actual mix differed from the recommended by {} (limit {}); by the model, following it would have brought {} pipeline",
            percent(b.allocation_variance),
            percent(b.allocation_variance_max),
            signed_money(b.forecast_recommended - b.forecast_pipeline)
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
            signed_money(b.forecast_pipeline - b.forecast_status_quo)
        ),
    }
}
