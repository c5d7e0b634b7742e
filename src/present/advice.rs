//! What each review says to do, in one plain sentence: the line a report's
//! Recommendations open with and the cockpit's review view ends in, so the two say the
//! same thing. The weekly and monthly reviews (and the weekly review session) say what
//! the budget model's plan for the next weeks is; the quarterly review what to change in
//! how the partnership runs; the annual review how to set next year's budget and when
//! the charter is reviewed. The figures are the core's; the words are here.

use std::fmt::Display;

use super::recommendation::list;
use crate::charter::Charter;
use crate::format::{percent, ratio};
use crate::model::Recommendation;
use crate::rhythm::annual::AnnualReview;
use crate::rhythm::quarterly::{LeadQuality, QuarterlyReview};

/// What the quarterly review says when nothing needs changing.
pub const NOTHING_THIS_QUARTER: &str =
    "Nothing to change in how the partnership runs this quarter.";

/// The budget model's plan for the next weeks ("invest more in X, less in Y" and the
/// expected pipeline impact), or why there is none.
pub fn plan(plan: Result<&Recommendation, &dyn Display>) -> String {
    match plan {
        Ok(rec) => {
            let words = super::recommendation::summary(rec);
            format!(
                "Budget model, next {} weeks: {} {}",
                rec.horizon_weeks,
                words[0],
                words.get(1).map_or("", String::as_str)
            )
        }
        Err(why) => format!("Budget model: no plan — {why}."),
    }
}

/// The quarter's changes in one sentence: the leaders to win back, the dashboards to
/// retire, the channels whose lead scoring to recalibrate — or that nothing changes.
pub fn quarterly(charter: &Charter, r: &QuarterlyReview) -> String {
    let mut moves = Vec::new();
    let leaders: Vec<String> = r.drifting_leaders.iter().map(|d| d.name.clone()).collect();
    if !leaders.is_empty() {
        moves.push(format!(
            "ask {} what they need from analytics",
            list(&leaders)
        ));
    }
    match r.unused_dashboards.len() {
        0 => {}
        1 => moves.push("retire the dashboard nobody opened in 30 days".into()),
        n => moves.push(format!(
            "retire the {n} dashboards nobody opened in 30 days"
        )),
    }
    let slipping: Vec<String> = r
        .lead_quality
        .iter()
        .filter(|l| l.slipping)
        .map(|l| {
            charter
                .channel(&l.channel)
                .map_or(l.channel.clone(), |c| c.name.clone())
        })
        .collect();
    if !slipping.is_empty() {
        moves.push(format!(
            "recalibrate the lead scoring of {}",
            list(&slipping)
        ));
    }
    if moves.is_empty() {
        return NOTHING_THIS_QUARTER.into();
    }
    capitalised(&format!("{}.", list(&moves)))
}

/// A channel whose lead quality is slipping, and what to do about it.
pub fn slipping(charter: &Charter, l: &LeadQuality) -> String {
    format!(
        "{} lead quality is slipping: MQL→SQL {} vs {} last quarter — recalibrate its lead scoring.",
        charter
            .channel(&l.channel)
            .map_or(l.channel.as_str(), |c| c.name.as_str()),
        l.mql_to_sql.map_or("—".into(), percent),
        l.previous_quarter.map_or("—".into(), percent)
    )
}

/// The year's two decisions: set next year's budget by the budget model rather than by
/// last-touch ROAS (its best and worst channel named), and hold the charter review.
pub fn annual(r: &AnnualReview) -> String {
    let budget = match r.roas_extremes() {
        None => "No spend recorded this year: nothing to reallocate".to_string(),
        Some((best, worst)) => {
            let roas = |c: &crate::rhythm::annual::ChannelYear| {
                format!(
                    "{} {}",
                    c.channel,
                    c.attributed_roas.map_or("—".into(), ratio)
                )
            };
            let range = if best.channel == worst.channel {
                roas(best)
            } else {
                format!("{} to {}", roas(best), roas(worst))
            };
            format!(
                "Set next year's budget by the budget model's marginal ROI, not by last-touch ROAS ({range})"
            )
        }
    };
    let c = &r.charter_review;
    let review = match c.due {
        Some(due) if c.overdue => format!("hold the charter review, overdue since {due}"),
        Some(due) => format!("hold the charter review by {due}"),
        None => "schedule the charter review".into(),
    };
    format!("{budget}; {review}.")
}

/// When the charter is due for review and when it last was: "Charter review due
/// 2026-12-01 (last reviewed 2025-12-15)." — or "overdue since" once the date has passed.
pub fn charter_review(c: &crate::rhythm::annual::CharterReview) -> String {
    format!(
        "Charter review {} {} (last reviewed {}).",
        if c.overdue { "overdue since" } else { "due" },
        c.due.map_or("—".into(), |d| d.to_string()),
        c.last_reviewed.map_or("never".into(), |d| d.to_string())
    )
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or(String::new(), |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sentence_starts_with_a_capital() {
        assert_eq!(capitalised("ask Lee."), "Ask Lee.");
        assert_eq!(capitalised(""), "");
    }

    #[test]
    fn no_plan_says_why() {
        let why = "too little data for the response model";
        assert_eq!(
            plan(Err(&why)),
            "Budget model: no plan — too little data for the response model."
        );
    }
}
