//! An alert in one plain sentence: the channel, what moved and by how much, the figure
//! against its baseline, and a suggested action. `rhythm::alerts::Alert` is the data;
//! `present::json` adds this sentence to its JSON as `"sentence"`.

use crate::charter::Charter;
use crate::format::{money, percent, signed_change, thousands};
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

/// One of the alert's values in the unit of its measure: money for a cost or pipeline,
/// a percentage for a rate or a share, a count for traffic.
fn amount(a: &Alert, v: f64) -> String {
    match a.kind {
        AlertKind::CostPerSqlSpike | AlertKind::PipelineMove => money(v),
        AlertKind::ConversionShift | AlertKind::CreativeFatigue | AlertKind::SpendPacing => {
            percent(v)
        }
        AlertKind::TrafficDrop => thousands(v.round() as i64),
    }
}

/// How grave the alert is, in a word.
pub fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "critical",
        Severity::Warning => "warning",
        Severity::Opportunity => "opportunity (good news to act on)",
    }
}

/// The alert's figures, labelled, for its detail: the measure, the window it averages,
/// its value against the baseline, the change, how strong the evidence is (the robust
/// z-score against the charter's threshold) and how grave it is.
pub fn figures(a: &Alert, charter: &Charter) -> Vec<(&'static str, String)> {
    let measure = match &a.kpi {
        Some(kpi) => format!("{} of {} (charter KPI {kpi})", a.metric, a.channel_name),
        None => format!("{} of {}", a.metric, a.channel_name),
    };
    let mut out = vec![("measure", measure)];
    match a.kind {
        AlertKind::SpendPacing => out.extend([
            (
                "spent",
                format!(
                    "{} of its {} budget",
                    amount(a, a.value),
                    a.month.format("%B %Y")
                ),
            ),
            ("month gone", amount(a, a.baseline)),
            ("ahead by", format!("{} of the budget", percent(a.change))),
        ]),
        AlertKind::CreativeFatigue => out.extend([
            ("this week", amount(a, a.value)),
            ("two weeks ago", amount(a, a.baseline)),
            ("change", signed_change(Some(a.change))),
        ]),
        _ => out.extend([
            (
                "value",
                if a.window_weeks == 1 {
                    format!("{} in the reviewed week", amount(a, a.value))
                } else {
                    format!(
                        "{} averaged over the last {} weeks",
                        amount(a, a.value),
                        a.window_weeks
                    )
                },
            ),
            (
                "baseline",
                format!(
                    "{}, the median of the {} weeks before",
                    amount(a, a.baseline),
                    crate::rhythm::alerts::BASELINE_WEEKS
                ),
            ),
            ("change", signed_change(Some(a.change))),
            (
                "evidence",
                format!(
                    "robust z-score {:.1} (the charter alerts from {:.1}, and {} of change)",
                    a.z,
                    charter.controls.anomaly_threshold,
                    crate::format::whole_percent(charter.controls.anomaly_min_change)
                ),
            ),
        ]),
    }
    out.push(("severity", severity(a.severity).into()));
    if a.strategic {
        out.push((
            "strategic",
            "the charter marks the channel strategic: efficiency must not cut it".into(),
        ));
    }
    out
}

/// The alert's figures in one line, in the measure's unit, for the session's evidence:
/// "cost per SQL: $13K vs baseline $5,503 (+130%)", "budget spent: 116.3% with 73.3% of
/// the month gone".
pub fn evidence(a: &Alert) -> String {
    match a.kind {
        AlertKind::SpendPacing => format!(
            "{}: {} of the {} budget with {} of the month gone",
            a.metric,
            amount(a, a.value),
            a.month.format("%B"),
            amount(a, a.baseline)
        ),
        _ => format!(
            "{}: {} vs baseline {} ({})",
            a.metric,
            amount(a, a.value),
            amount(a, a.baseline),
            signed_change(Some(a.change))
        ),
    }
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
            let figure = format!(" ({} vs {})", amount(a, a.value), amount(a, a.baseline));
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

/// The channels the week's alert rules did not judge, in one line: "Not judged this week
/// (under the charter's minimums): ABM MQL→SQL conversion (3 MQLs, minimum 5); …".
pub fn not_judged(r: &crate::rhythm::weekly::WeeklyReview) -> Option<String> {
    use crate::rhythm::alerts::AlertKind;
    if r.not_judged.is_empty() {
        return None;
    }
    let parts: Vec<String> = r
        .not_judged
        .iter()
        .map(|n| {
            let (what, unit) = match n.kind {
                AlertKind::CreativeFatigue => ("creative fatigue", "leads"),
                _ => ("MQL→SQL conversion", "MQLs"),
            };
            format!(
                "{} {what} ({} {unit}, minimum {})",
                n.channel_name,
                crate::format::in_unit(n.volume, "count"),
                n.minimum
            )
        })
        .collect();
    Some(format!(
        "Not judged this week, under the charter's minimum volumes: {}.",
        parts.join("; ")
    ))
}

/// A week short of channels seen in the weeks before: "Data for 9 of 10 channels: none
/// this week for Webinars — its totals are not counted as zero." None when none is short.
pub fn missing_channels(r: &crate::rhythm::weekly::WeeklyReview) -> Option<String> {
    if r.missing_channels.is_empty() || !r.has_data {
        return None;
    }
    Some(format!(
        "Data for {} of {} channels: none this week for {} — the totals cover only the channels with data, and no drop is read into the gap.",
        r.channels_present,
        r.channels_expected,
        r.missing_channels.join(", ")
    ))
}
