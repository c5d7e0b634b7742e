//! A saved what-if scenario against the recommendation (`rhythm recommend --scenario`):
//! the expected pipeline of both over the horizon, in total and per channel.

use std::fmt::Write;

use crate::facts::SavedScenario;
use crate::format::{money, signed_money};
use crate::rhythm::allocation::ScenarioComparison;
use crate::text::field;

/// The comparison as plain text, a table per channel.
pub fn text(c: &ScenarioComparison) -> String {
    let mut out = format!(
        "Scenario '{}' (saved for the week of {}) against the recommendation, next {} weeks\n\n",
        field(&c.name),
        c.week,
        c.horizon_weeks
    );
    let gap = c.expected_pipeline_scenario - c.expected_pipeline_recommended;
    let _ = writeln!(
        out,
        "Expected pipeline: {} with the scenario, {} recommended ({}), for {} of spend against {}.",
        money(c.expected_pipeline_scenario),
        money(c.expected_pipeline_recommended),
        signed_money(gap),
        money(c.total_spend_scenario),
        money(c.total_spend_recommended)
    );
    out.push('\n');
    let rows: Vec<Vec<String>> = c
        .channels
        .iter()
        .map(|ch| {
            vec![
                format!(
                    "{}{}",
                    field(&ch.channel),
                    match (ch.outside_bounds, ch.held) {
                        (true, _) => " (outside its bounds)",
                        (false, true) => " (moved)",
                        _ => "",
                    }
                ),
                money(ch.scenario_spend),
                money(ch.recommended_spend),
                money(ch.expected_pipeline_scenario),
                money(ch.expected_pipeline_recommended),
                signed_money(ch.expected_pipeline_scenario - ch.expected_pipeline_recommended),
            ]
        })
        .collect();
    out.push_str(&super::table::render(
        &[
            "channel",
            "scenario spend",
            "recommended",
            "scenario pipeline",
            "recommended",
            "difference",
        ],
        &rows,
        &[false, true, true, true, true, true],
    ));
    if !c.not_in_scenario.is_empty() {
        let _ = writeln!(
            out,
            "\nNot in the scenario (compared at the recommended spend): {}.",
            c.not_in_scenario
                .iter()
                .map(|s| field(s))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if !c.not_modelled.is_empty() {
        let _ = writeln!(
            out,
            "\nIn the scenario but not modelled now (left out): {}.",
            c.not_modelled
                .iter()
                .map(|s| field(s))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out
}

/// The saved scenarios (`rhythm recommend --scenarios`), newest week first: each one's
/// name, week, horizon, total spend and the channels the user moved.
pub fn list(saved: &[SavedScenario]) -> String {
    if saved.is_empty() {
        return "No scenario is saved yet: save one with `s` in the cockpit's Monthly budget plan.\n"
            .into();
    }
    let mut saved: Vec<&SavedScenario> = saved.iter().collect();
    saved.sort_by(|a, b| b.week.cmp(&a.week).then_with(|| a.name.cmp(&b.name)));
    let mut out = String::new();
    for s in saved {
        let moved: Vec<String> = s
            .channels
            .iter()
            .filter(|c| c.held)
            .map(|c| format!("{} {}", field(&c.channel), money(c.spend)))
            .collect();
        let _ = writeln!(
            out,
            "'{}' — week of {}, next {} weeks, {} of spend ({}); moved: {}; saved {} UTC",
            field(&s.name),
            s.week,
            s.horizon_weeks,
            money(s.total_spend()),
            field(&s.mode),
            if moved.is_empty() {
                "none".to_string()
            } else {
                moved.join(", ")
            },
            s.saved_at.format("%Y-%m-%d %H:%M")
        );
    }
    out.push_str("Compare one with the recommendation: rhythm recommend --scenario NAME\n");
    out
}
