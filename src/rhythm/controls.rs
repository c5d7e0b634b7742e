//! Seed 000's controls and the charter's success metrics, judged at a date: what
//! `rhythm check` runs headless from cron or CI.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;

use super::kpis::{Span, totals};
use super::{Status, adoption, judge, nps, sla, weekly};
use crate::charter::{Charter, Direction};
use crate::facts::Dataset;
use crate::format;

/// One control or success metric, judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub id: String,
    pub name: String,
    pub status: Status,
    pub value: Option<f64>,
    pub target: Option<f64>,
    /// One sentence: what was measured and, when it failed, by how much.
    pub detail: String,
    /// The charter KPI whose definition the value follows, when there is one.
    pub kpi: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub at: NaiveDate,
    pub checks: Vec<Check>,
}

impl CheckReport {
    /// True when any check failed (exit 1).
    pub fn failed(&self) -> bool {
        self.checks.iter().any(|c| c.status == Status::Fail)
    }
}

/// Window of the SLA compliance control, in days.
pub const SLA_WINDOW_DAYS: i64 = 90;
/// Weeks averaged by the dashboard-adoption check.
pub const ADOPTION_WEEKS: i64 = 4;

/// The end of day `at`, the moment checks are judged as of.
pub fn end_of(at: NaiveDate) -> NaiveDateTime {
    at.and_time(NaiveTime::from_hms_opt(23, 59, 59).expect("valid time"))
}

pub fn run(charter: &Charter, data: &Dataset, at: NaiveDate) -> CheckReport {
    let mut checks = vec![
        sla_check(charter, data, at),
        nps_check(charter, data, at),
        adoption_check(charter, data, at),
        insight_to_action_check(charter, data, at),
        // The three budget-model checks read the back-test of the newest saved
        // recommendation whose horizon has data.
    ];
    checks.extend(backtest_checks(charter, data, at));
    checks.extend([
        reconciliation_check(charter, data, at),
        cac_ltv_check(charter, data, at),
    ]);
    checks.extend(freshness_checks(charter, data, at));
    CheckReport { at, checks }
}

fn pending(id: &str, name: &str, kpi: &str, why: &str) -> Check {
    pending_check(id, name, Some(kpi), why, None)
}

fn pending_check(id: &str, name: &str, kpi: Option<&str>, why: &str, target: Option<f64>) -> Check {
    Check {
        id: id.into(),
        name: name.into(),
        status: Status::NoData,
        value: None,
        target,
        detail: format!("no data: {why}"),
        kpi: kpi.map(str::to_string),
    }
}

fn insight_to_action_check(charter: &Charter, data: &Dataset, at: NaiveDate) -> Check {
    let max = charter.controls.insight_to_action_max_days;
    let span = Span::new(at - Duration::days(SLA_WINDOW_DAYS), at + Duration::days(1));
    let value = super::kpis::value(charter, data, "insight-to-action", span);
    let tolerance = charter
        .kpi("insight-to-action")
        .map_or(0.15, |k| k.tolerance);
    Check {
        id: "insight-to-action".into(),
        name: "Insight-to-action time".into(),
        status: judge(value, max, Direction::LowerIsBetter, tolerance),
        value,
        target: Some(max),
        detail: match value {
            None => format!(
                "no data: no insight shown in a review was acted on in the last {SLA_WINDOW_DAYS} days (rhythm review records them)"
            ),
            Some(v) => format!(
                "median {v:.1} days from an insight shown in a review to its first action, last {SLA_WINDOW_DAYS} days (limit {max:.0})"
            ),
        },
        kpi: Some("insight-to-action".into()),
    }
}

/// Forecast accuracy, allocation variance and whether the last recommendation paid off.
fn backtest_checks(charter: &Charter, data: &Dataset, at: NaiveDate) -> Vec<Check> {
    let Some(b) = super::kpis::latest_backtest(charter, data, at) else {
        return vec![
            pending(
                "forecast-accuracy",
                "Forecast accuracy",
                "forecast-accuracy",
                "no saved recommendation whose horizon has data (rhythm recommend --save, then wait out its horizon)",
            ),
            pending(
                "allocation-variance",
                "Budget allocation variance",
                "allocation-efficiency",
                "no saved recommendation whose horizon has data to compare the actual mix with",
            ),
            pending(
                "budget-backtest",
                "Budget recommendation back-test",
                "allocation-efficiency",
                "no saved recommendation whose horizon has data yet",
            ),
        ];
    };
    let tolerance = |id: &str| charter.kpi(id).map_or(0.1, |k| k.tolerance);
    let horizon = format!(
        "recommendation #{} ({} to {})",
        b.id, b.horizon_from, b.horizon_to
    );
    let verdict = match b.verdict {
        crate::model::Verdict::PaidOff => Status::Pass,
        crate::model::Verdict::DidNotPayOff => Status::Fail,
        crate::model::Verdict::NotFollowed | crate::model::Verdict::Inconclusive => Status::Warn,
    };
    vec![
        Check {
            id: "forecast-accuracy".into(),
            name: "Forecast accuracy".into(),
            status: judge(
                Some(b.forecast_error),
                b.forecast_tolerance,
                Direction::LowerIsBetter,
                tolerance("forecast-accuracy"),
            ),
            value: Some(b.forecast_error),
            target: Some(b.forecast_tolerance),
            detail: format!(
                "{horizon}: forecast under the actual spend {} vs actual pipeline {}",
                format::money(b.forecast_pipeline),
                format::money(b.actual_pipeline)
            ),
            kpi: Some("forecast-accuracy".into()),
        },
        Check {
            id: "allocation-variance".into(),
            name: "Budget allocation variance".into(),
            status: judge(
                Some(b.allocation_variance),
                b.allocation_variance_max,
                Direction::LowerIsBetter,
                tolerance("allocation-efficiency"),
            ),
            value: Some(b.allocation_variance),
            target: Some(b.allocation_variance_max),
            detail: format!("{horizon}: actual spend mix vs the recommended mix"),
            kpi: Some("allocation-efficiency".into()),
        },
        Check {
            id: "budget-backtest".into(),
            name: "Budget recommendation back-test".into(),
            status: verdict,
            value: Some(b.forecast_recommended - b.forecast_status_quo),
            target: None,
            detail: format!("{horizon}: {}", b.detail),
            kpi: None,
        },
    ]
}

fn sla_check(charter: &Charter, data: &Dataset, at: NaiveDate) -> Check {
    let report = sla::evaluate(
        charter,
        &data.deliveries,
        at - Duration::days(SLA_WINDOW_DAYS),
        end_of(at),
    );
    let o = &report.overall;
    if data.deliveries.is_empty() {
        return pending_check(
            "sla-on-time",
            "SLA on-time delivery",
            None,
            "no delivery recorded yet (rhythm import deliveries FILE.csv, or rhythm deliver ID)",
            Some(report.target),
        );
    }
    let mut detail = match o.on_time_rate {
        None => "no data: no delivery fell due in the window".to_string(),
        Some(_) => format!(
            "{} of {} deliveries on time in the last {SLA_WINDOW_DAYS} days; {} late, {} missing",
            o.on_time, o.expected, o.late, o.missing
        ),
    };
    if let Some(worst) = report
        .breaches
        .iter()
        .max_by_key(|b| b.escalation.as_ref().map_or(0, |e| e.level))
    {
        let name = charter
            .deliverable(&worst.expected.deliverable)
            .map_or(worst.expected.deliverable.as_str(), |d| d.name.as_str());
        detail.push_str(&format!(
            "; most escalated: {name} ({}) {}",
            worst.expected.period_start,
            crate::rhythm::sla::state_text(worst)
        ));
    }
    Check {
        id: "sla-on-time".into(),
        name: "SLA on-time delivery".into(),
        status: report.status,
        value: o.on_time_rate,
        target: Some(report.target),
        detail,
        kpi: None,
    }
}

fn nps_check(charter: &Charter, data: &Dataset, at: NaiveDate) -> Check {
    let target = charter.controls.nps_target;
    let fy = charter.partnership.fiscal_year_start_month;
    let upto: Vec<_> = data.nps.iter().filter(|r| r.date <= at).cloned().collect();
    let latest = nps::by_quarter(&upto, fy)
        .into_iter()
        .rev()
        .find(|(_, n)| n.respondents > 0);
    let tolerance = charter.kpi("analytics-nps").map_or(0.2, |k| k.tolerance);
    let (value, status, detail) = match &latest {
        None => (
            None,
            Status::NoData,
            "no data: no NPS responses imported".to_string(),
        ),
        Some((quarter, n)) => (
            n.score,
            judge(n.score, target, Direction::HigherIsBetter, tolerance),
            format!(
                "wave of the quarter starting {quarter}: NPS {:.0} (95% interval {:.0} to {:.0}, n = {}; {} promoters, {} detractors)",
                n.score.unwrap_or(0.0),
                n.low.unwrap_or(0.0),
                n.high.unwrap_or(0.0),
                n.respondents,
                n.promoters,
                n.detractors
            ),
        ),
    };
    Check {
        id: "analytics-nps".into(),
        name: "Analytics NPS from marketing".into(),
        status,
        value,
        target: Some(target),
        detail,
        kpi: Some("analytics-nps".into()),
    }
}

fn adoption_check(charter: &Charter, data: &Dataset, at: NaiveDate) -> Check {
    let last = weekly::last_complete_week(charter, at + Duration::days(1));
    let weeks: Vec<NaiveDate> = (0..ADOPTION_WEEKS)
        .rev()
        .map(|i| last - Duration::days(7 * i))
        .collect();
    let trend = adoption::adoption_trend(charter, &data.usage_weeks, &weeks);
    let rate = adoption::average_rate(&trend);
    let target = charter.controls.dashboard_adoption_target;
    let tolerance = charter
        .kpi("dashboard-adoption")
        .map_or(0.1, |k| k.tolerance);
    let mut inactive: Vec<String> = trend.last().map(|a| a.inactive.clone()).unwrap_or_default();
    inactive.sort();
    let detail = match rate {
        None => "no data: no dashboard usage in the last 4 weeks".to_string(),
        Some(r) => format!(
            "{} of marketing leaders opened a dashboard per week over the last {ADOPTION_WEEKS} weeks{}",
            format::percent(r),
            if inactive.is_empty() {
                String::new()
            } else {
                format!("; not seen in the week of {last}: {}", inactive.join(", "))
            }
        ),
    };
    Check {
        id: "dashboard-adoption".into(),
        name: "Weekly dashboard adoption".into(),
        status: judge(rate, target, Direction::HigherIsBetter, tolerance),
        value: rate,
        target: Some(target),
        detail,
        kpi: Some("dashboard-adoption".into()),
    }
}

fn reconciliation_check(charter: &Charter, data: &Dataset, at: NaiveDate) -> Check {
    let tolerance = charter.controls.reconciliation_tolerance;
    let latest = data
        .reconciliation
        .iter()
        .filter(|r| r.week <= at)
        .map(|r| r.week)
        .max();
    let base = Check {
        id: "map-crm-reconciliation".into(),
        name: "MAP vs CRM reconciliation".into(),
        status: Status::NoData,
        value: None,
        target: Some(tolerance),
        detail: "no data: no reconciliation counts imported".into(),
        kpi: None,
    };
    let Some(week) = latest else { return base };
    let gaps: Vec<(String, f64)> = data
        .reconciliation
        .iter()
        .filter(|r| r.week == week)
        .map(|r| {
            (
                r.metric.clone(),
                super::stats::ratio((r.map_count - r.crm_count).abs(), r.crm_count)
                    .unwrap_or(if r.map_count == r.crm_count { 0.0 } else { 1.0 }),
            )
        })
        .collect();
    let worst = gaps.iter().map(|(_, g)| *g).fold(0.0, f64::max);
    let over: Vec<String> = gaps
        .iter()
        .filter(|(_, g)| *g > tolerance)
        .map(|(m, g)| format!("{m} off by {}", format::percent(*g)))
        .collect();
    Check {
        status: if over.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        value: Some(worst),
        detail: if over.is_empty() {
            format!(
                "week of {week}: MAP and CRM agree within {} on every metric",
                format::percent(tolerance)
            )
        } else {
            format!(
                "week of {week}: {} (tolerance {}) — reconcile before the numbers are reported",
                over.join(", "),
                format::percent(tolerance)
            )
        },
        ..base
    }
}

fn cac_ltv_check(charter: &Charter, data: &Dataset, at: NaiveDate) -> Check {
    let base = Check {
        id: "cac-ltv-ceiling".into(),
        name: "CAC within the LTV ceiling".into(),
        status: Status::NoData,
        value: None,
        target: None,
        detail: "no data: the charter sets no LTV ([controls] ltv)".into(),
        kpi: Some("blended-cac".into()),
    };
    let Some(ltv) = charter.controls.ltv else {
        return base;
    };
    let ceiling = ltv * charter.controls.cac_ltv_max_share;
    let end = weekly::last_complete_week(charter, at + Duration::days(1)) + Duration::days(7);
    let span = Span::new(end - Duration::days(91), end);
    let cac = totals(data, span, None).cac();
    let mut over: Vec<String> = Vec::new();
    let mut channels: Vec<&str> = data
        .channel_weeks
        .iter()
        .map(|r| r.channel.as_str())
        .collect();
    channels.sort_unstable();
    channels.dedup();
    for c in channels {
        if let Some(x) = totals(data, span, Some(c))
            .reliable_cac()
            .filter(|x| *x > ceiling)
        {
            over.push(format!("{c} {}", format::money(x)));
        }
    }
    Check {
        status: match cac {
            None => Status::NoData,
            Some(x) if x > ceiling => Status::Fail,
            Some(_) if !over.is_empty() => Status::Warn,
            Some(_) => Status::Pass,
        },
        value: cac,
        target: Some(ceiling),
        detail: match cac {
            None => "no data: no closed-won customers in the last 13 weeks".into(),
            Some(x) => format!(
                "blended CAC {} over 13 weeks vs ceiling {} ({} of LTV){}",
                format::money(x),
                format::money(ceiling),
                format::percent(charter.controls.cac_ltv_max_share),
                if over.is_empty() {
                    String::new()
                } else {
                    format!("; pause candidates above the ceiling: {}", over.join(", "))
                }
            ),
        },
        ..base
    }
}

/// The last day covered by any imported KPI value: the end of its cadence period.
fn kpi_data_until(charter: &Charter, data: &Dataset) -> Option<NaiveDate> {
    data.kpi_values
        .iter()
        .filter_map(|v| {
            let kpi = charter.kpi(&v.kpi)?;
            Some(kpi.cadence.next_period(v.period_start) - Duration::days(1))
        })
        .max()
}

fn freshness_checks(charter: &Charter, data: &Dataset, at: NaiveDate) -> Vec<Check> {
    crate::facts::Kind::ALL
        .iter()
        .map(|kind| {
            let kind = kind.as_str();
            let max = charter.controls.freshness_limit(kind).unwrap_or(30);
            let found = data.freshness.iter().find(|f| f.kind == kind);
            let newest = if kind == "kpis" {
                kpi_data_until(charter, data).or(found.map(|f| f.loaded_at.date()))
            } else {
                found.map(|f| f.data_until.unwrap_or(f.loaded_at.date()))
            };
            // Plans and deliveries may reach into the future: that is fresh, not negative age.
            let age = newest.map(|d| (at - d).num_days().max(0) as f64);
            Check {
                id: format!("freshness-{kind}"),
                name: format!("Data freshness: {kind}"),
                status: match age {
                    None => Status::NoData,
                    Some(a) if a > f64::from(max) => Status::Fail,
                    Some(_) => Status::Pass,
                },
                value: age,
                target: Some(f64::from(max)),
                detail: match (age, newest) {
                    (Some(a), Some(d)) if a > f64::from(max) => format!("newest {kind} data is {a:.0} days old ({d}), {:.0} days past the {max}-day limit — import a fresh file", a - f64::from(max)),
                    (Some(a), Some(d)) => format!("newest {kind} data is {a:.0} days old ({d}); limit {max} days"),
                    _ => format!("no data: `{kind}` was never imported (rhythm import {kind} FILE.csv)"),
                },
                kpi: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Reconciliation;

    fn charter() -> Charter {
        Charter::shipped()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn rec(week: NaiveDate, metric: &str, map: f64, crm: f64) -> Reconciliation {
        Reconciliation {
            week,
            metric: metric.into(),
            map_count: map,
            crm_count: crm,
        }
    }

    #[test]
    fn reconciliation_tolerance_by_hand() {
        let c = charter(); // tolerance 2%
        let ok = Dataset {
            reconciliation: vec![rec(d(2026, 11, 16), "mqls", 102.0, 100.0)],
            ..Dataset::default()
        };
        let check = reconciliation_check(&c, &ok, d(2026, 11, 23));
        assert_eq!(check.status, Status::Pass);
        assert!((check.value.unwrap() - 0.02).abs() < 1e-12);

        let off = Dataset {
            reconciliation: vec![
                rec(d(2026, 11, 16), "mqls", 103.0, 100.0),
                rec(d(2026, 11, 16), "sqls", 30.0, 30.0),
                rec(d(2026, 11, 9), "mqls", 150.0, 100.0),
            ],
            ..Dataset::default()
        };
        let check = reconciliation_check(&c, &off, d(2026, 11, 23));
        assert_eq!(check.status, Status::Fail);
        assert!(
            (check.value.unwrap() - 0.03).abs() < 1e-12,
            "only the latest week counts"
        );
        assert!(
            check.detail.contains("mqls off by 3.0%"),
            "{}",
            check.detail
        );

        let none = reconciliation_check(&c, &Dataset::default(), d(2026, 11, 23));
        assert_eq!((none.status, none.value), (Status::NoData, None));
    }

    #[test]
    fn an_empty_store_fails_nothing_and_says_no_data() {
        let report = run(&charter(), &Dataset::default(), d(2026, 11, 23));
        assert!(!report.failed());
        assert!(
            report
                .checks
                .iter()
                .all(|c| c.status == Status::NoData && c.value.is_none()),
            "{:?}",
            report.checks
        );
    }
}
