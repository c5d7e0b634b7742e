//! The month's suggestions in words: `rhythm::monthly::Suggestion` is data; its sentence
//! (its Display, and the `"sentence"` `present::json` adds) is written here.

use std::fmt;

use crate::charter::Charter;
use crate::format::{in_unit, money, percent};
use crate::rhythm::monthly::{MonthlyReview, Suggested, Suggestion};

struct SuggestionText<'a>(&'a Suggestion);

impl fmt::Display for SuggestionText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = &self.0.name;
        match self.0.what {
            Suggested::PauseCandidate {
                cac,
                ceiling,
                share,
                strategic: true,
            } => write!(
                f,
                "{name} CAC {} is above {} of LTV ({}), but the charter marks it strategic — hold spend and review its brand and enterprise impact",
                money(cac),
                percent(share),
                money(ceiling)
            ),
            Suggested::PauseCandidate {
                cac,
                ceiling,
                share,
                strategic: false,
            } => write!(
                f,
                "{name} last-touch CAC {} over 3 months is above {} of LTV ({}) — pause candidate: cut its weakest campaigns first",
                money(cac),
                percent(share),
                money(ceiling)
            ),
            Suggested::OverBudget {
                utilisation,
                budget,
            } => write!(
                f,
                "{name} spent {} of its {} budget — rebalance or approve the overrun",
                percent(utilisation),
                money(budget)
            ),
        }
    }
}

/// What the month's recommendations say when no channel breaches a limit.
pub fn none_line() -> &'static str {
    "No channel breaches its CAC ceiling or budget this month."
}

/// A suggestion's sentence.
pub fn sentence(s: &Suggestion) -> String {
    SuggestionText(s).to_string()
}

/// The channels the CAC ceiling does not judge this month, in one sentence; None when
/// it judges every spending channel (or the charter sets no LTV).
pub fn not_judged(charter: &Charter, r: &MonthlyReview) -> Option<String> {
    let c = r.cac_ceiling.as_ref()?;
    if c.not_judged.is_empty() {
        return None;
    }
    let names: Vec<String> = c
        .not_judged
        .iter()
        .map(|x| {
            let name = charter
                .channel(&x.channel)
                .map_or(x.channel.as_str(), |ch| ch.name.as_str());
            format!("{name} {}", in_unit(x.customers, "count"))
        })
        .collect();
    Some(format!(
        "Not judged against the CAC ceiling — fewer than the charter's {} closed-won customers over 3 months: {}",
        c.min_customers,
        names.join(", ")
    ))
}
