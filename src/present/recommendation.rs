//! A recommendation in plain words: what to do, what it is worth, and why — the three
//! lines `rhythm recommend`, the reports and the cockpit open with, so all say the same
//! thing. The figures are the model's (`model::Recommendation`); the words are here.

use crate::format::{money, percent, signed_money};
use crate::model::Recommendation;

/// "a", "a and b", "a, b and c".
pub(super) fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Three lines (a fourth names the channels the model could not judge), wording
/// `Recommendation::digest`.
pub fn summary(rec: &Recommendation) -> Vec<String> {
    let d = rec.digest();
    let named = |moves: &[(String, f64)]| -> Vec<String> {
        moves
            .iter()
            .map(|(c, delta)| format!("{c} ({})", signed_money(*delta)))
            .collect()
    };
    let what = match (d.more.is_empty(), d.less.is_empty()) {
        (true, true) => {
            "Keep the current mix: no move within the bounds is worth making.".to_string()
        }
        (false, true) => format!("Invest more in {}.", list(&named(&d.more))),
        (true, false) => format!("Invest less in {}.", list(&named(&d.less))),
        (false, false) => format!(
            "Invest more in {}; less in {}.",
            list(&named(&d.more)),
            list(&named(&d.less))
        ),
    };
    let what = match rec.target_pipeline {
        Some(t) => format!(
            "To reach {} of pipeline at the least spend: {what}",
            money(t)
        ),
        None => what,
    };

    let spend = match d.spend_change {
        None => format!("for the same spend of {}", money(d.allocated)),
        Some(change) => format!(
            "for a spend of {} ({} on the current run-rate)",
            money(d.allocated),
            signed_money(change)
        ),
    };
    let mut worth = format!(
        "Expected pipeline {} ({}{}) over the next {} weeks: {} instead of {}, {spend}",
        signed_money(d.gain),
        if d.gain < 0.0 { "\u{2212}" } else { "+" },
        percent(d.gain_share.abs()),
        rec.horizon_weeks,
        money(rec.expected_pipeline_recommended),
        money(rec.expected_pipeline_current),
    );
    if let Some((amount, share)) = d.reserve {
        worth.push_str(&format!(
            "; {} ({}) held in reserve",
            money(amount),
            percent(share)
        ));
    }
    worth.push('.');

    let (lo, hi) = d.marginal_roi_range;
    let held: Vec<String> = d
        .at_upper
        .iter()
        .map(|c| format!("{c} at its upper bound"))
        .chain(d.at_lower.iter().map(|c| format!("{c} at its lower bound")))
        .collect();
    let mut why = format!(
        "Why: the next dollar now returns {lo:.1} to {hi:.1} in pipeline depending on the channel"
    );
    if let Some(mean) = d.marginal_roi_after {
        why.push_str(&format!(
            "; after the move {mean:.1} on every channel its bounds leave free"
        ));
    }
    if !held.is_empty() {
        why.push_str(&format!(" ({})", list(&held)));
    }
    why.push_str(" — bounds and ROIs per channel below.");
    let mut lines = vec![what, worth, why];
    if !rec.excluded.is_empty() {
        let names: Vec<String> = rec
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

/// `rhythm recommend` for people: The three lines, then a table per channel.
pub fn text(rec: &Recommendation) -> String {
    let mut out = String::new();
    for line in summary(rec) {
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&format!(
        "\nNext {} weeks after {} (spends and pipeline are totals over the horizon; ROI = pipeline per $):\n",
        rec.horizon_weeks, rec.as_of
    ));
    let rows: Vec<Vec<String>> = rec
        .channels
        .iter()
        .map(|c| {
            vec![
                c.channel.clone(),
                money(c.current_spend),
                money(c.recommended_spend),
                crate::format::signed_money(c.spend_change()),
                format!("{}–{}", money(c.min_spend), money(c.max_spend)),
                format!("{:.1}", c.roi),
                format!("{:.1} → {:.1}", c.marginal_roi, c.marginal_roi_recommended),
                money(c.saturation_spend),
                format!(
                    "{} → {}",
                    money(c.expected_pipeline_current),
                    money(c.expected_pipeline_recommended)
                ),
            ]
        })
        .collect();
    out.push_str(&super::table::render(
        &[
            "channel",
            "current",
            "recommended",
            "change",
            "bounds",
            "ROI",
            "marginal ROI",
            "saturation",
            "pipeline",
        ],
        &rows,
        &[false, true, true, true, true, true, true, true, true],
    ));
    out.push_str(&format!(
        "baseline (unpaid demand, trend, season): {} of the expected pipeline\n",
        money(rec.expected_pipeline_baseline)
    ));
    out.push_str("bounds: ");
    let reasons: Vec<String> = rec
        .channels
        .iter()
        .map(|c| format!("{} {}", c.channel, c.bounds))
        .collect();
    out.push_str(&reasons.join(" | "));
    out.push('\n');
    out
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
        let lines = summary(&planner.recommend(None, None, 0.1).unwrap());
        assert!(
            lines[0].starts_with("Invest") || lines[0].starts_with("Keep"),
            "{lines:?}"
        );
        assert!(lines[1].contains("over the next 13 weeks"), "{lines:?}");
        assert!(lines[2].starts_with("Why: "), "{lines:?}");
    }
}
