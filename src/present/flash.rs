//! The pipeline flash in words: month to date, how much of the month the data covers,
//! and the goal to date it is judged against — the same phrases in the weekly report and
//! the cockpit's Weekly view.

use crate::format::{self, money, money_or_no_data};
use crate::rhythm::weekly::PipelineFlash;

/// How much of the month the figure covers: "22 of 30 days", with the days gone by that
/// have no data yet named ("22 of 30 days; 7 days without data").
pub fn coverage(f: &PipelineFlash) -> String {
    let mut out = format!("{} of {} days", f.days_with_data, f.days_in_month);
    let missing = f.days_gone.saturating_sub(f.days_with_data);
    if missing > 0 {
        out.push_str(&format!(
            "; {missing} day{} without data",
            if missing == 1 { "" } else { "s" }
        ));
    }
    out
}

/// Month to date against the goal to date: "ahead by $492K" / "behind by $1.2M".
pub fn gap(f: &PipelineFlash) -> String {
    match f.gap {
        None => "no data".into(),
        Some(g) if g > 0.0 => format!("behind by {}", money(g)),
        Some(g) => format!("ahead by {}", money(-g)),
    }
}

/// The flash as one sentence, as the weekly report prints it.
pub fn sentence(f: &PipelineFlash) -> String {
    format!(
        "{} month to date ({}) against {} due by now of a {} month goal — pacing {}, {}; projected month end {} (90% range {} – {}).",
        money_or_no_data(f.month_to_date.value),
        coverage(f),
        money_or_no_data(f.goal_to_date),
        money_or_no_data(f.goal),
        f.pacing.map_or("no data".into(), format::percent),
        gap(f),
        money_or_no_data(f.projected),
        money_or_no_data(f.projected_low),
        money_or_no_data(f.projected_high),
    )
}
