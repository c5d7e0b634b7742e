//! Weekly anomaly alerts: traffic drops, stage-conversion shifts, cost-per-SQL spikes, spend
//! pacing, creative fatigue, and pipeline moves worth scaling.
//!
//! Baseline: the median of the 8 weeks before the window. Its spread is the smaller of
//! two robust estimates of one week's noise: the median absolute deviation (MAD, scaled
//! to estimate a standard deviation), and the MAD of week-to-week differences over √2,
//! which a baseline that is itself trending does not inflate. A move alerts when its
//! robust z-score |x − median| / (spread / √window weeks) reaches the charter's
//! `anomaly_threshold` AND it is at least `anomaly_min_change` of the median — so a noisy
//! but stable series stays quiet and a real 30% move fires. The window is the review
//! week, or the last four or eight weeks averaged for slow drifts (a CAC that creeps up
//! for two months), whose noise shrinks with √4 or √8; the strongest signal is reported.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::kpis::{Span, Totals, totals};
use super::stats::{mad, median, ratio};
use crate::charter::{Charter, Controls};
use crate::facts::Dataset;

/// Weeks in the baseline.
pub const BASELINE_WEEKS: i64 = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Critical,
    Warning,
    /// Good news worth acting on (scale it).
    Opportunity,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    TrafficDrop,
    ConversionShift,
    /// Spend per SQL up (or down): the funnel's cost, not blended CAC.
    CostPerSqlSpike,
    SpendPacing,
    CreativeFatigue,
    PipelineMove,
}

impl AlertKind {
    /// The kind's stable name, as in its JSON: `cost_per_sql_spike`.
    pub fn as_str(self) -> &'static str {
        match self {
            AlertKind::TrafficDrop => "traffic_drop",
            AlertKind::ConversionShift => "conversion_shift",
            AlertKind::CostPerSqlSpike => "cost_per_sql_spike",
            AlertKind::SpendPacing => "spend_pacing",
            AlertKind::CreativeFatigue => "creative_fatigue",
            AlertKind::PipelineMove => "pipeline_move",
        }
    }
}

/// An alert, as data; `present::alerts` writes its sentence, which its JSON carries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    pub kind: AlertKind,
    pub severity: Severity,
    /// Channel id.
    pub channel: String,
    /// The charter's name for the channel.
    pub channel_name: String,
    /// The measure that moved, e.g. "cost per SQL".
    pub metric: String,
    /// The charter KPI closest to the measure, when there is one.
    pub kpi: Option<String>,
    pub value: f64,
    pub baseline: f64,
    /// Relative change vs the baseline, a fraction (0.3 = +30%).
    pub change: f64,
    /// Robust z-score of the move (0 for rule-based alerts such as pacing).
    pub z: f64,
    /// Weeks the value averages: 1 for the reviewed week, 4 or 8 for a drift.
    pub window_weeks: u32,
    /// The charter marks the channel strategic (efficiency must not cut it).
    pub strategic: bool,
    /// The first day of the month the alert is about (spend pacing) or falls in.
    pub month: NaiveDate,
}

/// A detected move of `value` against a baseline of weekly values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Move {
    pub baseline: f64,
    pub change: f64,
    pub z: f64,
}

/// Tests `value`, the mean of `window` weeks, against `baseline` (weekly values): Some
/// when it is an anomaly.
pub fn detect(
    value: f64,
    baseline: &[f64],
    window: u32,
    threshold: f64,
    min_change: f64,
) -> Option<Move> {
    if baseline.len() < 4 || !value.is_finite() {
        return None;
    }
    let m = median(baseline)?;
    let steps: Vec<f64> = baseline.windows(2).map(|w| w[1] - w[0]).collect();
    let noise = mad(baseline)?.min(mad(&steps)? / std::f64::consts::SQRT_2);
    // A perfectly flat baseline has no noise: floor the spread at 5% of the level so a
    // small wobble in a flat series does not score as infinite.
    let spread = noise.max(m.abs() * 0.05) / f64::from(window.max(1)).sqrt();
    if spread <= 0.0 {
        return None;
    }
    let z = (value - m) / spread;
    let change = ratio(value - m, m.abs())?;
    (z.abs() >= threshold && change.abs() >= min_change).then_some(Move {
        baseline: m,
        change,
        z,
    })
}

/// A measure of a channel's week (or weeks): None where it is undefined.
/// A rule's weekly measure; the charter's controls set its minimum volumes.
type Measure = fn(&Totals, &Controls) -> Option<f64>;

struct Rule {
    kind: AlertKind,
    metric: &'static str,
    kpi: Option<&'static str>,
    measure: Measure,
    /// +1 when a rise is bad, -1 when a fall is bad, 0 when both directions matter.
    bad: i8,
}

const RULES: &[Rule] = &[
    Rule {
        kind: AlertKind::TrafficDrop,
        metric: "traffic",
        kpi: Some("organic-traffic"),
        measure: |t, _| t.sessions.filter(|s| *s > 0.0),
        bad: -1,
    },
    // Spend per SQL: not blended CAC (spend per closed-won customer, a charter KPI),
    // which no single week of a channel holds enough customers to move on.
    Rule {
        kind: AlertKind::CostPerSqlSpike,
        metric: "cost per SQL",
        kpi: None,
        measure: |t, _| t.cost_per_sql(),
        bad: 1,
    },
    Rule {
        kind: AlertKind::ConversionShift,
        metric: "MQL→SQL conversion",
        kpi: Some("sqls"),
        measure: |t, c| ratio(t.sqls, t.mqls).filter(|_| t.mqls >= f64::from(c.alert_min_mqls)),
        bad: -1,
    },
    Rule {
        kind: AlertKind::PipelineMove,
        metric: "pipeline",
        kpi: Some("pipeline"),
        measure: |t, _| Some(t.pipeline).filter(|p| *p > 0.0),
        bad: -1,
    },
];

/// A channel the week's alert rules could not judge: its volume is under the charter's
/// minimum (`alert_min_mqls`, `alert_min_leads`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NotJudged {
    pub channel: String,
    pub channel_name: String,
    /// What was not judged: `conversion_shift` or `creative_fatigue`.
    pub kind: AlertKind,
    /// The week's MQLs or leads.
    pub volume: f64,
    pub minimum: u32,
}

/// The channels of the week starting `week` too small for a rule to judge, by channel.
pub fn not_judged(charter: &Charter, data: &Dataset, week: NaiveDate) -> Vec<NotJudged> {
    let c = &charter.controls;
    let mut out = Vec::new();
    for r in data.channel_weeks.iter().filter(|r| r.week == week) {
        let name = charter
            .channel(&r.channel)
            .map_or(r.channel.as_str(), |ch| ch.name.as_str());
        let mut push = |kind, volume: f64, minimum: u32| {
            if volume < f64::from(minimum) {
                out.push(NotJudged {
                    channel: r.channel.clone(),
                    channel_name: name.to_string(),
                    kind,
                    volume,
                    minimum,
                });
            }
        };
        push(AlertKind::ConversionShift, r.mqls, c.alert_min_mqls);
        // Creative fatigue reads paid channels with sessions only.
        if r.spend > 0.0 && r.sessions.is_some() {
            push(AlertKind::CreativeFatigue, r.leads, c.alert_min_leads);
        }
    }
    out
}

/// All alerts for the week starting `week`, most urgent first.
pub fn weekly_alerts(charter: &Charter, data: &Dataset, week: NaiveDate) -> Vec<Alert> {
    let mut channels: Vec<&str> = data
        .channel_weeks
        .iter()
        .map(|r| r.channel.as_str())
        .collect();
    channels.sort_unstable();
    channels.dedup();
    let mut alerts = Vec::new();
    for channel in channels {
        let name = charter
            .channel(channel)
            .map_or(channel, |c| c.name.as_str());
        // Paid traffic follows spend (flights on and off): a traffic drop is news only
        // for the unpaid channels, where it means search, referrers or tracking broke.
        let paid = charter.channel(channel).is_none_or(|c| c.paid);
        for rule in RULES
            .iter()
            .filter(|r| !(paid && r.kind == AlertKind::TrafficDrop))
        {
            if let Some(alert) = rule_alert(charter, rule, data, week, channel) {
                alerts.push(alert);
            }
        }
        alerts.extend(creative_fatigue(charter, data, week, channel, name));
    }
    alerts.extend(spend_pacing(charter, data, week));
    alerts.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(b.z.abs().total_cmp(&a.z.abs()))
    });
    alerts
}

fn weekly_values(
    controls: &Controls,
    data: &Dataset,
    channel: &str,
    from: NaiveDate,
    weeks: i64,
    measure: Measure,
) -> Vec<f64> {
    (0..weeks)
        .filter_map(|i| {
            let start = from + Duration::days(7 * i);
            let t = totals(
                data,
                Span::new(start, start + Duration::days(7)),
                Some(channel),
            );
            (t.weeks > 0).then(|| measure(&t, controls)).flatten()
        })
        .collect()
}

fn rule_alert(
    charter: &Charter,
    rule: &Rule,
    data: &Dataset,
    week: NaiveDate,
    channel: &str,
) -> Option<Alert> {
    let name = charter
        .channel(channel)
        .map_or(channel, |c| c.name.as_str());
    let (threshold, min_change) = (
        charter.controls.anomaly_threshold,
        charter.controls.anomaly_min_change,
    );
    // The review week against the 8 weeks before it; then the last 4 and 8 weeks
    // averaged against the 8 weeks before those, for drifts. The stronger signal wins.
    let windows = [
        (week, 1i64),
        (week - Duration::days(21), 4),
        (week - Duration::days(49), 8),
    ];
    let mut best: Option<(Move, f64, i64)> = None;
    for (start, len) in windows {
        let t = totals(
            data,
            Span::new(start, start + Duration::days(7 * len)),
            Some(channel),
        );
        if t.weeks as i64 != len {
            continue;
        }
        let Some(value) = (rule.measure)(&t.per_week(len as f64), &charter.controls) else {
            continue;
        };
        let baseline = weekly_values(
            &charter.controls,
            data,
            channel,
            start - Duration::days(7 * BASELINE_WEEKS),
            BASELINE_WEEKS,
            rule.measure,
        );
        if let Some(m) = detect(value, &baseline, len as u32, threshold, min_change)
            && best.is_none_or(|(b, _, _)| m.z.abs() > b.z.abs())
        {
            best = Some((m, value, len));
        }
    }
    let (m, value, len) = best?;
    let bad = (rule.bad as f64) * m.change > 0.0 || rule.bad == 0;
    if rule.kind == AlertKind::TrafficDrop && !bad {
        return None; // more traffic is not an alert
    }
    let severity = if !bad {
        Severity::Opportunity
    } else if m.change.abs() >= 0.5 {
        Severity::Critical
    } else {
        Severity::Warning
    };
    let strategic = charter.channel(channel).is_some_and(|c| c.strategic);
    Some(Alert {
        kind: rule.kind,
        severity,
        channel: channel.to_string(),
        metric: rule.metric.to_string(),
        kpi: rule.kpi.map(str::to_string),
        value,
        baseline: m.baseline,
        change: m.change,
        z: m.z,
        channel_name: name.to_string(),
        window_weeks: len as u32,
        strategic,
        month: crate::calendar::month_start(week),
    })
}

/// Lead rate per session down more than 20% over two weeks (seed 001's creative-fatigue
/// trigger, with leads per session standing in for CTR, which the channel file lacks).
fn creative_fatigue(
    charter: &Charter,
    data: &Dataset,
    week: NaiveDate,
    channel: &str,
    name: &str,
) -> Option<Alert> {
    let rate = |start: NaiveDate| {
        let t = totals(
            data,
            Span::new(start, start + Duration::days(7)),
            Some(channel),
        );
        if t.spend <= 0.0 {
            return None;
        }
        ratio(t.leads, t.sessions?)
            .filter(|_| t.leads >= f64::from(charter.controls.alert_min_leads))
    };
    let now = rate(week)?;
    let before = rate(week - Duration::days(14))?;
    let change = ratio(now - before, before)?;
    (change <= -0.20).then(|| Alert {
        kind: AlertKind::CreativeFatigue,
        severity: Severity::Warning,
        channel: channel.to_string(),
        metric: "leads per session".into(),
        kpi: None,
        value: now,
        baseline: before,
        change,
        z: 0.0,
        channel_name: name.to_string(),
        window_weeks: 1,
        strategic: false,
        month: crate::calendar::month_start(week),
    })
}

/// Front-loading (seed 001): a channel that has spent a larger share of its monthly
/// budget than of the month its data covers, by more than the charter's
/// `anomaly_min_change`. The month is the one holding the reviewed week's last day (as
/// the pipeline flash's); days without the channel's data are not counted as days of no
/// spend.
fn spend_pacing(charter: &Charter, data: &Dataset, week: NaiveDate) -> Vec<Alert> {
    let month = crate::calendar::month_start(week + Duration::days(6));
    let next = crate::calendar::add_months(month, 1);
    let span = Span::new(month, (week + Duration::days(7)).min(next));
    let days_in_month = (next - month).num_days() as f64;
    let mut out = Vec::new();
    for plan in data
        .plan
        .iter()
        .filter(|p| p.month == month && p.budget > 0.0)
    {
        let covered: f64 = super::kpis::weeks_in(data, span)
            .filter(|r| r.channel == plan.channel)
            .map(|r| span.share_of_week(r.week) * 7.0)
            .sum();
        if covered <= 0.0 {
            continue;
        }
        let elapsed = covered.round() / days_in_month;
        let spent = totals(data, span, Some(&plan.channel)).spend;
        let share = spent / plan.budget;
        let over = share - elapsed;
        if over > charter.controls.anomaly_min_change.max(0.10) {
            let name = charter
                .channel(&plan.channel)
                .map_or(plan.channel.as_str(), |c| c.name.as_str());
            out.push(Alert {
                kind: AlertKind::SpendPacing,
                severity: if share > 1.0 {
                    Severity::Critical
                } else {
                    Severity::Warning
                },
                channel: plan.channel.clone(),
                metric: "budget spent".into(),
                kpi: Some("spend".into()),
                value: share,
                baseline: elapsed,
                change: over,
                z: 0.0,
                channel_name: name.to_string(),
                window_weeks: 1,
                strategic: charter.channel(&plan.channel).is_some_and(|c| c.strategic),
                month,
            });
        }
    }
    out
}

#[cfg(test)]
#[path = "alerts_tests.rs"]
mod tests;

#[cfg(test)]
mod pacing_tests {
    use super::*;
    use crate::facts::{ChannelWeek, PlanMonth};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn spend(week: NaiveDate, spend: f64) -> ChannelWeek {
        ChannelWeek {
            week,
            channel: "webinars".into(),
            spend,
            leads: 0.0,
            mqls: 0.0,
            sqls: 0.0,
            pipeline: 0.0,
            sessions: None,
            opportunities: None,
            closed_won: None,
        }
    }

    #[test]
    fn a_missing_week_is_not_a_week_without_spend() {
        // June 2026: 30 days, budget 30,000. The weeks of the 1st and the 15th spent 9,000
        // each; the week of the 8th has no data. The data covers 14 days (46.7% of the
        // month) and 60% of the budget is gone: 13.3 points ahead, over the 10-point
        // rule. Counting the missing week as a week of no spend would have judged 60%
        // against 21 days (70%) and said nothing.
        let data = Dataset {
            channel_weeks: vec![spend(d(2026, 6, 1), 9000.0), spend(d(2026, 6, 15), 9000.0)],
            plan: vec![PlanMonth {
                month: d(2026, 6, 1),
                channel: "webinars".into(),
                budget: 30_000.0,
                pipeline_target: None,
                mql_target: None,
            }],
            ..Dataset::default()
        };
        let alerts = spend_pacing(&Charter::shipped(), &data, d(2026, 6, 15));
        assert_eq!(alerts.len(), 1, "{alerts:?}");
        assert!((alerts[0].value - 0.6).abs() < 1e-12);
        assert!((alerts[0].baseline - 14.0 / 30.0).abs() < 1e-12);
    }
}

#[cfg(test)]
mod minimum_tests {
    use super::*;
    use crate::facts::ChannelWeek;

    #[test]
    fn a_channel_under_the_charters_minimums_is_listed_as_not_judged() {
        let mut c = Charter::shipped();
        let week = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
        let row = |channel: &str, leads: f64, mqls: f64| ChannelWeek {
            week,
            channel: channel.into(),
            spend: 1000.0,
            leads,
            mqls,
            sqls: 1.0,
            pipeline: 10_000.0,
            sessions: Some(500.0),
            opportunities: None,
            closed_won: None,
        };
        let data = Dataset {
            channel_weeks: vec![row("abm", 9.0, 3.0), row("webinars", 30.0, 12.0)],
            ..Dataset::default()
        };
        // Shipped minimums: 5 MQLs, 10 leads. ABM has 3 MQLs and 9 leads.
        let n = not_judged(&c, &data, week);
        let got: Vec<(&str, AlertKind, f64)> = n
            .iter()
            .map(|x| (x.channel.as_str(), x.kind, x.volume))
            .collect();
        assert_eq!(
            got,
            vec![
                ("abm", AlertKind::ConversionShift, 3.0),
                ("abm", AlertKind::CreativeFatigue, 9.0)
            ]
        );
        // The charter decides: with minimums of 0 every channel is judged.
        c.controls.alert_min_mqls = 0;
        c.controls.alert_min_leads = 0;
        assert!(not_judged(&c, &data, week).is_empty());
    }
}
