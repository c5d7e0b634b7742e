//! Seed 000's controls and the charter's success metrics, judged at a date: what
//! `rhythm check` runs headless from cron or CI.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

pub use super::check_detail::{BacktestCheck, Detail, Horizon, NoData};
use super::clock::{Clock, Review};
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

/// Every control and success metric as of the clock. The windows count back from the
/// last day that is over on the clock (`at`: the `--at` day, or yesterday on a live
/// clock), as `Review::period` does; states are judged at the clock's moment.
pub fn run(charter: &Charter, data: &Dataset, clock: &Clock) -> CheckReport {
    let at = clock.last_day_over();
    let now = clock.now;
    let mut checks = vec![
        sla_check(charter, data, at, now),
        super::funnel_response::check(charter, &data.records, at, now),
        nps_check(charter, data, at),
        adoption_check(charter, data, at),
        insight_to_action_check(charter, data, at, now),
        // The three budget-model checks read the back-test of the newest saved
        // recommendation whose horizon has data.
    ];
    checks.extend(backtest_checks(charter, data, at));
    checks.extend([
        reconciliation_check(charter, data, at),
        super::quality::check(charter, data, at),
        cac_ltv_check(charter, data, at),
    ]);
    checks.extend(freshness_checks(charter, data, at));
    CheckReport {
        at: clock.today,
        checks,
    }
}

/// The data-freshness checks of [`run`] alone (the cockpit's header, its first frame).
pub fn data_age(charter: &Charter, data: &Dataset, clock: &Clock) -> CheckReport {
    CheckReport {
        at: clock.today,
        checks: freshness_checks(charter, data, clock.last_day_over()),
    }
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

fn insight_to_action_check(
    charter: &Charter,
    data: &Dataset,
    at: NaiveDate,
    now: NaiveDateTime,
) -> Check {
    let max = charter.controls.insight_to_action_max_days;
    let window = charter.controls.insight_to_action_window;
    let span = super::window::span(charter, window, at);
    let r = &data.session;
    let measured =
        super::session::insight_to_action(&r.insights, &r.actions, span.from, span.to, now);
    let value = measured.median_days;
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
            None => Detail::NoData(NoData::NoInsightDelivered { window }),
            Some(v) => Detail::InsightToAction {
                median_days: v,
                window,
                delivered: measured.delivered,
                actioned: measured.actioned,
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
            // The gain the verdict rests on: actual pipeline minus the old mix's.
            value: Some(b.gain_over_status_quo()),
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
    let window = charter.controls.sla_window;
    let from = super::window::span(charter, window, at).from;
    let report = sla::evaluate(charter, &data.deliveries, from, now);
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
        window,
        from,
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
    let upto: Vec<_> = data.nps.iter().filter(|r| r.date <= at).cloned().collect();
    let latest = nps::by_quarter(&upto, charter)
        .into_iter()
        .rev()
        .find(|(_, n)| n.respondents > 0);
    let tolerance = charter.kpi("analytics-nps").map_or(0.2, |k| k.tolerance);
    // The newest wave's quarter began before the purge horizon: what is left of it is
    // not the wave.
    let purged = latest
        .as_ref()
        .filter(|(q, _)| super::purged::reaches(data, super::purged::Personal::Nps, *q))
        .and(data.purged.nps_before);
    let (value, status, detail) = match (&latest, purged) {
        (None, _) => (None, Status::NoData, Detail::NoData(NoData::NoNpsResponses)),
        (Some(_), Some(before)) => (
            None,
            Status::NoData,
            Detail::NoData(NoData::Purged { before }),
        ),
        (Some((quarter, n)), None) => (
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
    let last = Review::Weekly
        .period(charter, &Clock::end_of(charter, at))
        .start;
    // The complete weeks of the charter's `adoption_window`, averaged.
    let weeks = super::window::weeks(charter, charter.controls.adoption_window, at);
    let n = weeks.len() as i64;
    let purged = weeks
        .first()
        .filter(|w| super::purged::reaches(data, super::purged::Personal::Usage, **w))
        .and(data.purged.usage_before);
    let trend = adoption::adoption_trend(charter, &data.usage_weeks, &weeks);
    let rate = adoption::average_rate(&trend).filter(|_| purged.is_none());
    let target = charter.controls.dashboard_adoption_target;
    let tolerance = charter
        .kpi("dashboard-adoption")
        .map_or(0.1, |k| k.tolerance);
    let mut inactive: Vec<String> = trend.last().map(|a| a.inactive.clone()).unwrap_or_default();
    inactive.sort();
    let detail = match (purged, rate) {
        (Some(before), _) => Detail::NoData(NoData::Purged { before }),
        (None, None) => Detail::NoData(NoData::NoUsage { weeks: n }),
        (None, Some(rate)) => Detail::Adoption {
            rate,
            weeks: n,
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

/// Every complete week of the charter's window: fail when any week has a metric off by
/// more than the tolerance; warn when none does but some weeks have no counts (the
/// weekly control did not run for them); pass when every week was judged and agrees.
fn reconciliation_check(charter: &Charter, data: &Dataset, at: NaiveDate) -> Check {
    // Where the records carry both systems, they are compared record by record.
    if super::record_recon::applies(charter, &data.records) {
        return super::record_recon::check(charter, data, at);
    }
    let tolerance = charter.controls.reconciliation_tolerance;
    let base = Check {
        id: "map-crm-reconciliation".into(),
        name: "MAP vs CRM reconciliation".into(),
        status: Status::NoData,
        value: None,
        target: Some(tolerance),
        detail: Detail::NoData(NoData::NoReconciliation {
            window: charter.controls.reconciliation_window,
        }),
        kpi: None,
    };
    let weeks = super::reconciliation::judge(charter, data, at);
    if weeks.judged() == 0 {
        return base;
    }
    Check {
        status: if !weeks.failing.is_empty() {
            Status::Fail
        } else if !weeks.without_counts.is_empty() {
            Status::Warn
        } else {
            Status::Pass
        },
        value: weeks.worst,
        detail: Detail::Reconciliation {
            window: charter.controls.reconciliation_window,
            tolerance,
            weeks,
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
    let share = charter.controls.cac_ltv_max_share;
    let ceiling = ltv * share;
    let window = charter.controls.cac_ltv_window;
    let span = super::window::span(charter, window, at);
    let (from, to) = (span.from, span.to - Duration::days(1));
    let t = super::kpis::marketing_totals(charter, data, span);
    let weeks = super::window::weeks(charter, window, at).len() as u32;
    // "13 weeks" means 13: a window the channel data covers only in part is not judged.
    if t.weeks < weeks {
        return Check {
            target: Some(ceiling),
            detail: Detail::NoData(NoData::PartialWeeks {
                weeks_with_data: t.weeks,
                weeks,
                from,
                to,
            }),
            ..base
        };
    }
    let Some(cac) = t.cac() else {
        return Check {
            target: Some(ceiling),
            detail: Detail::NoData(NoData::NoClosedWon { window }),
            ..base
        };
    };
    let channels = super::cac::by_channel(charter, data, span, ceiling);
    Check {
        status: if cac > ceiling {
            Status::Fail
        } else if !channels.over.is_empty() {
            Status::Warn
        } else {
            Status::Pass
        },
        value: Some(cac),
        target: Some(ceiling),
        detail: Detail::CacLtv {
            cac,
            window,
            from,
            to,
            ceiling,
            share,
            channels,
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
    crate::facts::Kind::FEEDS
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
#[path = "controls_tests.rs"]
mod tests;
