//! An alert in one plain sentence: the channel, what moved and by how much, the figure
//! against its baseline, and a suggested action. `rhythm::alerts::Alert` is the data;
//! `present::json` adds this sentence to its JSON as `"sentence"`.

use crate::format::{money, percent, thousands};
use crate::rhythm::alerts::{Alert, AlertKind, Severity};

/// What to do about an alert of `kind` on `channel`; `bad` when the move hurts.
fn suggested_action(kind: AlertKind, channel: &str, bad: bool) -> &'static str {
    match (kind, bad) {
        (AlertKind::TrafficDrop, _) if channel == "organic" => {
            "investigate technical SEO (indexing, site speed, tracking)"
        }
        (AlertKind::TrafficDrop, _) => "check budget caps, tracking and landing pages",
        (AlertKind::CostPerSqlSpike, true) => {
            "recommend bid reduction on Tier 3 campaigns and an audience-overlap check"
        }
        (AlertKind::CostPerSqlSpike, false) => "efficiency improving: test more budget here",
        (AlertKind::ConversionShift, true) => {
            "review lead quality and the MQL scoring threshold with sales"
        }
        (AlertKind::ConversionShift, false) => {
            "lead quality rising: find what changed and repeat it"
        }
        (AlertKind::PipelineMove, true) => "review the campaign mix and lead routing",
        (AlertKind::PipelineMove, false) => "scale what works here (frequency, budget)",
        (AlertKind::CreativeFatigue, _) => "refresh the creatives",
        (AlertKind::SpendPacing, _) => "pace the remaining spend",
    }
}

/// What the alerts pane and the report say of a week without alerts.
pub fn none_line() -> String {
    format!(
        "No anomalies against the {}-week baselines.",
        crate::rhythm::alerts::BASELINE_WEEKS
    )
}

/// The alert's sentence.
pub fn sentence(a: &Alert) -> String {
    let name = &a.channel_name;
    match a.kind {
        AlertKind::CreativeFatigue => format!(
            "{name} leads per session down {} over two weeks ({} vs {}) — refresh the creatives (fatigue)",
            crate::format::whole_percent(-a.change),
            percent(a.value),
            percent(a.baseline)
        ),
        AlertKind::SpendPacing => format!(
            "{name} has spent {} of its {} budget with {} of the month gone — pace the remaining spend to avoid front-loading",
            percent(a.value),
            a.month.format("%B"),
            percent(a.baseline)
        ),
        kind => {
            let bad = a.severity != Severity::Opportunity;
            let direction = if a.change > 0.0 { "up" } else { "down" };
            let pct = (a.change.abs() * 100.0).round();
            let action = if a.strategic && bad && kind == AlertKind::CostPerSqlSpike {
                "a strategic channel: review its pipeline quality with sales before cutting"
            } else {
                suggested_action(kind, &a.channel, bad)
            };
            let figure = match kind {
                AlertKind::CostPerSqlSpike | AlertKind::PipelineMove => {
                    format!(" ({} vs {})", money(a.value), money(a.baseline))
                }
                AlertKind::ConversionShift => {
                    format!(" ({} vs {})", percent(a.value), percent(a.baseline))
                }
                _ => format!(
                    " ({} vs {})",
                    thousands(a.value.round() as i64),
                    thousands(a.baseline.round() as i64)
                ),
            };
            if a.window_weeks == 1 {
                format!(
                    "{name} {} {direction} {pct}% vs its {}-week median{figure} — {action}",
                    a.metric,
                    crate::rhythm::alerts::BASELINE_WEEKS
                )
            } else {
                format!(
                    "{name} {} {direction} {pct}% over the last {} weeks vs the 8 before{figure} — {action}",
                    a.metric, a.window_weeks
                )
            }
        }
    }
}
