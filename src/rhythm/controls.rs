//! Seed 000's controls and the charter's success metrics, judged at a date: what
//! `rhythm check` runs headless from cron or CI.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::clock::{Clock, Review};
use super::kpis::{Span, totals};
use super::{Status, adoption, judge, nps, sla};
use crate::charter::{Charter, Direction};
use crate::facts::Dataset;

/// One control or success metric, judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    pub id: String,
    pub name: String,
    pub status: Status,
    pub value: Option<f64>,
    pub target: Option<f64>,
    /// What was measured and, when it failed, by how much: `present::checks::detail`
    /// words it, and `present::json` puts that sentence in the JSON.
    #[serde(skip)]
    pub detail: Detail,
    /// The charter KPI whose definition the value follows, when there is one.
    pub kpi: Option<String>,
}

impl CheckReport {
    /// How many checks stand at `status`.
    pub fn count(&self, status: Status) -> usize {
        self.checks.iter().filter(|c| c.status == status).count()
    }

    /// The data-freshness checks, with the import kind each is about.
    pub fn freshness(&self) -> impl Iterator<Item = (&str, &Check)> {
        self.checks
            .iter()
            .filter_map(|c| Some((c.id.strip_prefix("freshness-")?, c)))
    }
}

impl Check {
    /// The unit its value and target are in (a charter KPI unit).
    pub fn unit(&self) -> &'static str {
        if self.id.starts_with("freshness-") {
            "days"
        } else if self.id == "analytics-nps" {
            "score"
        } else if self.id == "cac-ltv-ceiling" || self.id == "budget-backtest" {
            "usd"
        } else {
            "fraction"
        }
    }
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

/// Why a check has no data.
#[derive(Debug, Clone, PartialEq)]
pub enum NoData {
    /// No saved recommendation whose horizon has data, for this back-test check.
    NoBacktest(BacktestCheck),
    NoDeliveryRecorded,
    NoDeliveryDue,
    NoInsightActed {
        window_days: i64,
    },
    NoNpsResponses,
    NoUsage {
        weeks: i64,
    },
    NoReconciliation,
    NoLtv,
    NoClosedWon {
        weeks: i64,
    },
    NeverImported {
        kind: &'static str,
    },
}

/// The three checks that read a back-test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BacktestCheck {
    ForecastAccuracy,
    AllocationVariance,
    Verdict,
}

/// The saved recommendation a back-test check judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Horizon {
    pub id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// What a check measured, as data; `present::checks` words it.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    NoData(NoData),
    /// Median days from an insight shown in a session to its first action.
    InsightToAction {
        median_days: f64,
        window_days: i64,
        max_days: f64,
    },
    /// Forecast under the actual spend vs actual pipeline, currency.
    ForecastAccuracy {
        horizon: Horizon,
        forecast: f64,
        actual: f64,
    },
    AllocationVariance {
        horizon: Horizon,
    },
    /// The back-test behind the verdict.
    Backtest {
        horizon: Horizon,
        backtest: Box<crate::model::Backtest>,
    },
    Sla {
        /// (on time, expected, late, missing); None when no delivery fell due.
        tally: Option<(u32, u32, u32, u32)>,
        window_days: i64,
        /// The most escalated breach: deliverable name, period start, its outcome.
        worst: Option<(String, NaiveDate, sla::Outcome)>,
    },
    Nps {
        quarter: NaiveDate,
        wave: nps::Nps,
    },
    Adoption {
        rate: f64,
        weeks: i64,
        last_week: NaiveDate,
        /// Stakeholders not seen in the last week, sorted.
        inactive: Vec<String>,
    },
    Reconciliation {
        week: NaiveDate,
        tolerance: f64,
        /// Metrics off by more than the tolerance, with their gap (fraction).
        over: Vec<(String, f64)>,
    },
    CacLtv {
        cac: f64,
        weeks: i64,
        ceiling: f64,
        share: f64,
        /// Channels whose reliable CAC is above the ceiling.
        over: Vec<(String, f64)>,
    },
    Freshness {
        kind: &'static str,
        age_days: f64,
        newest: NaiveDate,
        limit_days: u32,
        /// Days past the limit; None within it.
        over_limit_days: Option<f64>,
    },
}

/// Window of the SLA compliance control, in days.
pub const SLA_WINDOW_DAYS: i64 = 90;
/// Weeks averaged by the dashboard-adoption check.
pub const ADOPTION_WEEKS: i64 = 4;

/// The first day of the last complete week on `at`'s clock: the end of the windows that
/// count in whole weeks.
fn last_week(charter: &Charter, at: NaiveDate) -> NaiveDate {
    Review::Weekly
        .period(charter, &Clock::end_of(charter, at))
        .start
}

/// Every control and success metric as of the clock.
pub fn run(charter: &Charter, data: &Dataset, clock: &Clock) -> CheckReport {
    let at = clock.today;
    let mut checks = vec![
        sla_check(charter, data, at, clock.now),
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

fn pending(id: &str, name: &str, kpi: &str, why: NoData) -> Check {
    pending_check(id, name, Some(kpi), why, None)
}

fn pending_check(
    id: &str,
    name: &str,
    kpi: Option<&str>,
    why: NoData,
    target: Option<f64>,
) -> Check {
    Check {
        id: id.into(),
        name: name.into(),
        status: Status::NoData,
        value: None,
        target,
        detail: Detail::NoData(why),
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
            None => Detail::NoData(NoData::NoInsightActed {
                window_days: SLA_WINDOW_DAYS,
            }),
            Some(v) => Detail::InsightToAction {
                median_days: v,
                window_days: SLA_WINDOW_DAYS,
                max_days: max,
            },
        },
        kpi: Some("insight-to-action".into()),
    }
}

/// Forecast accuracy, allocation variance and whether the last recommendation paid off.
pub fn backtest_checks(charter: &Charter, data: &Dataset, at: NaiveDate) -> Vec<Check> {
    let Some(b) = super::kpis::latest_backtest(charter, data, at) else {
        return vec![
            pending(
                "forecast-accuracy",
                "Forecast accuracy",
                "forecast-accuracy",
                NoData::NoBacktest(BacktestCheck::ForecastAccuracy),
            ),
            pending(
                "allocation-variance",
                "Budget allocation variance",
                "allocation-efficiency",
                NoData::NoBacktest(BacktestCheck::AllocationVariance),
            ),
            pending(
                "budget-backtest",
                "Budget recommendation back-test",
                "allocation-efficiency",
                NoData::NoBacktest(BacktestCheck::Verdict),
            ),
        ];
    };
    let tolerance = |id: &str| charter.kpi(id).map_or(0.1, |k| k.tolerance);
    let horizon = Horizon {
        id: b.id,
        from: b.horizon_from,
        to: b.horizon_to,
    };
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
            detail: Detail::ForecastAccuracy {
                horizon: horizon.clone(),
                forecast: b.forecast_pipeline,
                actual: b.actual_pipeline,
            },
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
            detail: Detail::AllocationVariance {
                horizon: horizon.clone(),
            },
            kpi: Some("allocation-efficiency".into()),
        },
        Check {
            id: "budget-backtest".into(),
            name: "Budget recommendation back-test".into(),
            status: verdict,
            value: Some(b.forecast_recommended - b.forecast_status_quo),
            target: None,
            detail: Detail::Backtest {
                horizon,
                backtest: Box::new(b.clone()),
            },
            kpi: None,
        },
    ]
}

fn sla_check(charter: &Charter, data: &Dataset, at: NaiveDate, now: NaiveDateTime) -> Check {
    let report = sla::evaluate(
        charter,
        &data.deliveries,
        at - Duration::days(SLA_WINDOW_DAYS),
        now,
    );
    let o = &report.overall;
    if data.deliveries.is_empty() {
        return pending_check(
            "sla-on-time",
            "SLA on-time delivery",
            None,
            NoData::NoDeliveryRecorded,
            Some(report.target),
        );
    }
    let worst = report
        .breaches
        .iter()
        .max_by_key(|b| b.escalation.as_ref().map_or(0, |e| e.level))
        .map(|worst| {
            let name = charter
                .deliverable(&worst.expected.deliverable)
                .map_or(worst.expected.deliverable.as_str(), |d| d.name.as_str());
            (name.to_string(), worst.expected.period_start, worst.clone())
        });
    let detail = Detail::Sla {
        tally: o
            .on_time_rate
            .map(|_| (o.on_time, o.expected, o.late, o.missing)),
        window_days: SLA_WINDOW_DAYS,
        worst,
    };
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
        None => (None, Status::NoData, Detail::NoData(NoData::NoNpsResponses)),
        Some((quarter, n)) => (
            n.score,
            judge(n.score, target, Direction::HigherIsBetter, tolerance),
            Detail::Nps {
                quarter: *quarter,
                wave: n.clone(),
            },
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
    let last = last_week(charter, at);
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
        None => Detail::NoData(NoData::NoUsage {
            weeks: ADOPTION_WEEKS,
        }),
        Some(rate) => Detail::Adoption {
            rate,
            weeks: ADOPTION_WEEKS,
            last_week: last,
            inactive,
        },
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
        detail: Detail::NoData(NoData::NoReconciliation),
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
    let over: Vec<(String, f64)> = gaps
        .iter()
        .filter(|(_, g)| *g > tolerance)
        .cloned()
        .collect();
    Check {
        status: if over.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        value: Some(worst),
        detail: Detail::Reconciliation {
            week,
            tolerance,
            over,
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
        detail: Detail::NoData(NoData::NoLtv),
        kpi: Some("blended-cac".into()),
    };
    let Some(ltv) = charter.controls.ltv else {
        return base;
    };
    let ceiling = ltv * charter.controls.cac_ltv_max_share;
    let end = last_week(charter, at) + Duration::days(7);
    let span = Span::new(end - Duration::days(91), end);
    let cac = totals(data, span, None).cac();
    let mut over: Vec<(String, f64)> = Vec::new();
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
            over.push((c.to_string(), x));
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
            None => Detail::NoData(NoData::NoClosedWon { weeks: 13 }),
            Some(cac) => Detail::CacLtv {
                cac,
                weeks: 13,
                ceiling,
                share: charter.controls.cac_ltv_max_share,
                over,
            },
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
                    (Some(age_days), Some(newest)) => Detail::Freshness {
                        kind,
                        age_days,
                        newest,
                        limit_days: max,
                        over_limit_days: (age_days > f64::from(max))
                            .then(|| age_days - f64::from(max)),
                    },
                    _ => Detail::NoData(NoData::NeverImported { kind }),
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
        match &check.detail {
            Detail::Reconciliation { over, .. } => {
                assert_eq!(over.len(), 1, "{over:?}");
                assert_eq!(over[0].0, "mqls");
                assert!((over[0].1 - 0.03).abs() < 1e-12, "{over:?}");
            }
            other => panic!("a reconciliation detail, not {other:?}"),
        }

        let none = reconciliation_check(&c, &Dataset::default(), d(2026, 11, 23));
        assert_eq!((none.status, none.value), (Status::NoData, None));
    }

    #[test]
    fn an_empty_store_fails_nothing_and_says_no_data() {
        let report = run(
            &charter(),
            &Dataset::default(),
            &Clock::end_of(&charter(), d(2026, 11, 23)),
        );
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
