//! A recommendation in plain words: what to do, what it is worth, and why — the three
//! lines `rhythm recommend`, the reports and the cockpit open with, so all say the same
//! thing. The figures are the model's (`model::Recommendation`); the words are here.

use crate::format::{money, percent, signed_money};
use crate::model::{HeldBack, NextExperiment, Recommendation};

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

/// An ROI as people read it: "4.2×".
fn times(roi: f64) -> String {
    format!("{roi:.1}\u{d7}")
}

/// Why the plan held a channel back, in a CMO's words: "linkedin: the data cannot tell
/// 4.0× from 8.0× ROI; held near run-rate".
pub fn held_back(h: &HeldBack) -> String {
    let moved = if h.near_run_rate {
        "held near run-rate".to_string()
    } else {
        format!(
            "moved {} instead of {}",
            signed_money(h.recommended_spend - h.current_spend),
            signed_money(h.point_estimate_spend - h.current_spend)
        )
    };
    format!(
        "{}: the data cannot tell {} from {} ROI; {moved}",
        h.channel,
        times(h.roi_low),
        times(h.roi_high)
    )
}

/// The line naming the channels the plan held back, or None when it held none.
pub fn held_back_line(rec: &Recommendation) -> Option<String> {
    (!rec.held_back.is_empty()).then(|| {
        let items: Vec<String> = rec.held_back.iter().map(held_back).collect();
        format!("Held back where the data is unsure — {}.", items.join("; "))
    })
}

/// The test a CMO can approve: "Run a 8-week geo holdout on linkedin (cut spend by half
/// in test regions): it would tell whether linkedin returns nearer 4.0× or 8.0×, worth
/// about $120K of pipeline over the next 13 weeks."
pub fn experiment(e: &NextExperiment, horizon_weeks: u32) -> String {
    let change = if e.spend_change < 0.0 { "cut" } else { "raise" };
    let by = match (e.spend_change.abs() * 100.0).round() as i64 {
        50 => "by half".to_string(),
        p => format!("by {p}%"),
    };
    format!(
        "Run a {}-week {} on {} ({change} spend {by} in test regions): it would tell whether {} returns nearer {} or {}, worth about {} of pipeline over the next {horizon_weeks} weeks.",
        e.weeks,
        e.kind,
        e.channel,
        e.channel,
        times(e.roi_low),
        times(e.roi_high),
        money(e.value)
    )
}

/// The next-experiment line: the test to run, or that none is worth running; None when
/// the plan was made without the bootstrap (nothing to say).
pub fn experiment_line(rec: &Recommendation) -> Option<String> {
    match &rec.next_experiment {
        Some(e) => Some(format!(
            "Next experiment: {}",
            experiment(e, rec.horizon_weeks)
        )),
        None if !rec.value_of_information.is_empty() => Some(
            "Next experiment: none worth running now — the data pins every channel down well enough that no test would change the plan by much."
                .into(),
        ),
        None => None,
    }
}

/// `rhythm recommend` for people: The three lines, what the plan held back and the next
/// experiment, then a table per channel.
pub fn text(rec: &Recommendation) -> String {
    let mut out = String::new();
    for line in summary(rec)
        .into_iter()
        .chain(held_back_line(rec))
        .chain(experiment_line(rec))
    {
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
                roi_range(c.roi, c.roi_low, c.roi_high),
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
    let carried: f64 = rec.channels.iter().map(|c| c.carried_in_pipeline).sum();
    if carried > 0.0 {
        out.push_str(&format!(
            "carry-over: {} of the expected pipeline comes from spend already made\n",
            money(carried)
        ));
    }
    if rec.channels.iter().any(|c| c.roi_high > c.roi_low) {
        out.push_str("ROI: the fitted figure (in brackets, the range of the bootstrap's refits, 5th–95th percentile)\n");
    }
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

/// `rhythm recommend --markdown`: the same lines as bullets, then the channel table.
pub fn markdown(rec: &Recommendation) -> String {
    use crate::text::md_line;
    let mut out = format!(
        "## Budget recommendation: next {} weeks after {}\n\n",
        rec.horizon_weeks, rec.as_of
    );
    for line in summary(rec)
        .into_iter()
        .chain(held_back_line(rec))
        .chain(experiment_line(rec))
    {
        out.push_str(&format!("- {}\n", md_line(&line)));
    }
    out.push_str("\n| channel | current | recommended | ROI | marginal ROI | pipeline |\n|---|---:|---:|---:|---:|---:|\n");
    for c in &rec.channels {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {:.1} → {:.1} | {} → {} |\n",
            md_line(&c.channel),
            money(c.current_spend),
            money(c.recommended_spend),
            roi_range(c.roi, c.roi_low, c.roi_high),
            c.marginal_roi,
            c.marginal_roi_recommended,
            money(c.expected_pipeline_current),
            money(c.expected_pipeline_recommended)
        ));
    }
    out
}

/// "4.2" or, with an interval, "4.2 (3.1–6.0)".
fn roi_range(roi: f64, low: f64, high: f64) -> String {
    if high > low {
        format!("{roi:.1} ({low:.1}–{high:.1})")
    } else {
        format!("{roi:.1}")
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
        let lines = summary(&planner.recommend(None, None, 0.1).unwrap());
        assert!(
            lines[0].starts_with("Invest") || lines[0].starts_with("Keep"),
            "{lines:?}"
        );
        assert!(lines[1].contains("over the next 13 weeks"), "{lines:?}");
        assert!(lines[2].starts_with("Why: "), "{lines:?}");
    }
}
