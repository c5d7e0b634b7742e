//! A recommendation in plain words: what to do, what it is worth, and why — the three
//! lines `rhythm recommend`, the reports and the cockpit open with, so all say the same
//! thing. The figures are the model's (`model::Recommendation`); the words are here.

use crate::format::{money, percent, signed_money};
use crate::model::Recommendation;

/// A move smaller than this share of the budget is not worth a sentence.
const NOTABLE_MOVE: f64 = 0.005;

/// "a", "a and b", "a, b and c".
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

impl Recommendation {
    /// Three lines (a fourth names the channels the model could not judge).
    pub fn summary(&self) -> Vec<String> {
        let budget = self.total_budget.abs().max(1.0);
        let mut up: Vec<(f64, &str)> = Vec::new();
        let mut down: Vec<(f64, &str)> = Vec::new();
        for c in &self.channels {
            let delta = c.spend_change();
            if delta.abs() >= NOTABLE_MOVE * budget {
                if delta > 0.0 {
                    up.push((delta, &c.channel));
                } else {
                    down.push((delta, &c.channel));
                }
            }
        }
        up.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        down.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
        let named = |moves: &[(f64, &str)]| -> Vec<String> {
            moves
                .iter()
                .map(|(d, c)| format!("{c} ({})", signed_money(*d)))
                .collect()
        };
        let what = match (up.is_empty(), down.is_empty()) {
            (true, true) => {
                "Keep the current mix: no move within the bounds is worth making.".to_string()
            }
            (false, true) => format!("Invest more in {}.", list(&named(&up))),
            (true, false) => format!("Invest less in {}.", list(&named(&down))),
            (false, false) => format!(
                "Invest more in {}; less in {}.",
                list(&named(&up)),
                list(&named(&down))
            ),
        };
        let what = match self.target_pipeline {
            Some(t) => format!(
                "To reach {} of pipeline at the least spend: {what}",
                money(t)
            ),
            None => what,
        };

        let gain = self.gain();
        let current_spend: f64 = self.channels.iter().map(|c| c.current_spend).sum();
        let allocated = self.allocated();
        let spend = if (allocated - current_spend).abs() < NOTABLE_MOVE * budget {
            format!("for the same spend of {}", money(allocated))
        } else {
            format!(
                "for a spend of {} ({} on the current run-rate)",
                money(allocated),
                signed_money(allocated - current_spend)
            )
        };
        let share = gain / self.expected_pipeline_current.abs().max(1.0);
        let mut worth = format!(
            "Expected pipeline {} ({}{}) over the next {} weeks: {} instead of {}, {spend}",
            signed_money(gain),
            if gain < 0.0 { "\u{2212}" } else { "+" },
            percent(share.abs()),
            self.horizon_weeks,
            money(self.expected_pipeline_recommended),
            money(self.expected_pipeline_current),
        );
        if self.reserve > NOTABLE_MOVE * budget {
            worth.push_str(&format!(
                "; {} ({}) held in reserve",
                money(self.reserve),
                percent(self.reserve / budget)
            ));
        }
        worth.push('.');

        let before: Vec<f64> = self.channels.iter().map(|c| c.marginal_roi).collect();
        let (lo, hi) = before
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), m| {
                (a.min(*m), b.max(*m))
            });
        let free: Vec<f64> = self
            .channels
            .iter()
            .filter(|c| {
                let slack = 1e-6 * c.max_spend.max(1.0);
                c.recommended_spend > c.min_spend + slack
                    && c.recommended_spend < c.max_spend - slack
            })
            .map(|c| c.marginal_roi_recommended)
            .collect();
        let held: Vec<String> = self
            .channels
            .iter()
            .filter(|c| (c.recommended_spend - c.max_spend).abs() <= 1e-6 * c.max_spend.max(1.0))
            .map(|c| format!("{} at its upper bound", c.channel))
            .chain(
                self.channels
                    .iter()
                    .filter(|c| {
                        (c.recommended_spend - c.min_spend).abs() <= 1e-6 * c.max_spend.max(1.0)
                    })
                    .map(|c| format!("{} at its lower bound", c.channel)),
            )
            .collect();
        let mut why = format!(
            "Why: the next dollar now returns {lo:.1} to {hi:.1} in pipeline depending on the channel"
        );
        if !free.is_empty() {
            let mean = free.iter().sum::<f64>() / free.len() as f64;
            why.push_str(&format!(
                "; after the move {mean:.1} on every channel its bounds leave free"
            ));
        }
        if !held.is_empty() {
            why.push_str(&format!(" ({})", list(&held)));
        }
        why.push_str(" — bounds and ROIs per channel below.");
        let mut lines = vec![what, worth, why];
        if !self.excluded.is_empty() {
            let names: Vec<String> = self
                .excluded
                .iter()
                .map(|e| format!("{} ({})", e.channel, e.reason))
                .collect();
            lines.push(format!(
                "Not modelled, spend left as it is: {}.",
                list(&names)
            ));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::signed_money;

    #[test]
    fn lists_read_like_sentences() {
        let s = |v: &[&str]| list(&v.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&["a"]), "a");
        assert_eq!(s(&["a", "b"]), "a and b");
        assert_eq!(s(&["a", "b", "c"]), "a, b and c");
        assert_eq!(signed_money(-300_000.0), "\u{2212}$300K");
    }

    #[test]
    fn a_recommendation_opens_with_what_to_do_and_what_it_is_worth() {
        use crate::model::{Planner, fit, simulate};
        let sim = simulate::simulate(simulate::hill_truth(), 60, 3);
        let model = fit(&sim.history).unwrap();
        let charter = crate::charter::Charter::shipped();
        let as_of = *sim.history.weeks.last().unwrap();
        let planner = Planner::new(&model, &sim.history, &charter, as_of, 13).unwrap();
        let lines = planner.recommend(None, None, 0.1).unwrap().summary();
        assert!(
            lines[0].starts_with("Invest") || lines[0].starts_with("Keep"),
            "{lines:?}"
        );
        assert!(lines[1].contains("over the next 13 weeks"), "{lines:?}");
        assert!(lines[2].starts_with("Why: "), "{lines:?}");
    }
}
