//! The quarterly review: the partnership scorecard, dashboards nobody opens, lead quality
//! by channel, and the back-test of last quarter's recommendation.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::adoption::{self, Drift};
use super::clock::{Clock, Period};
use super::kpis::{self, Span, totals};
use super::nps::{self, Nps};
use super::sla::{self, SlaReport};
use super::stats::{change, ratio};
use super::{Status, judge};
use crate::calendar;
use crate::charter::{Cadence, Charter, Direction, Kpi, KpiSource};
use crate::facts::{DashboardUse, Dataset};

/// One line of the partnership scorecard.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreLine {
    pub id: String,
    pub name: String,
    /// The charter KPI whose definition the value follows.
    pub kpi: Option<String>,
    pub unit: String,
    pub value: Option<f64>,
    pub target: Option<f64>,
    pub status: Status,
    /// The value in each of the last four quarters, oldest first.
    pub trend: Vec<(NaiveDate, Option<f64>)>,
    /// The quarters (of the line's and its trend's) whose personal data `rhythm purge`
    /// deleted before they ended: they have no value and say "purged".
    pub purged: Vec<NaiveDate>,
    /// What the line counts, or why it has no data; `present::scorecard` words it.
    #[serde(skip)]
    pub detail: LineNote,
}

/// The note beside a scorecard line, as data.
#[derive(Debug, Clone, PartialEq)]
pub enum LineNote {
    None,
    Sla {
        on_time: u32,
        late: u32,
        missing: u32,
        pending: u32,
    },
    NoNpsWave,
    NpsWave {
        respondents: u32,
        low: f64,
        high: f64,
    },
    Adoption,
    /// No insight was shown in a review this quarter.
    NoInsightDelivered,
    /// The insights delivered this quarter and how many of them were acted on.
    InsightToAction {
        delivered: u32,
        actioned: u32,
    },
    NoForecastEnded,
    NoRecommendationEnded,
    /// The back-test KPIs' value: the newest saved recommendation ending in the quarter.
    NewestRecommendationEnded,
    NotImported,
    /// Computed from the won opportunities and spend records, replacing any imported
    /// value (`revenue::REPLACED`).
    FromRecords,
    /// The quarter reads personal data the charter's retention rule deleted: rows
    /// dated before `before` are gone.
    Purged {
        before: NaiveDate,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct LeadQuality {
    pub channel: String,
    pub mqls: f64,
    /// MQL→SQL conversion this quarter, a fraction.
    pub mql_to_sql: Option<f64>,
    pub previous_quarter: Option<f64>,
    /// Relative drift vs the previous quarter.
    pub drift: Option<f64>,
    /// Conversion fell more than `stats::LEAD_QUALITY_SLIP` since last quarter.
    pub slipping: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuarterlyReview {
    /// First day of the fiscal quarter.
    pub quarter: NaiveDate,
    /// False for the quarter in progress (quarter to date).
    pub complete: bool,
    /// Days of the quarter gone by on the clock, of `days`.
    pub days_gone: u32,
    pub days: u32,
    pub scorecard: Vec<ScoreLine>,
    pub sla: SlaReport,
    pub nps: Option<Nps>,
    pub drifting_leaders: Vec<Drift>,
    /// Dashboards nobody opened in the last 30 days: candidates to retire.
    pub unused_dashboards: Vec<DashboardUse>,
    pub lead_quality: Vec<LeadQuality>,
    /// The back-test of last quarter's saved recommendation.
    pub backtest_status: Status,
    #[serde(skip)]
    pub backtest_detail: super::controls::Detail,
    /// The data quality of the records created in the quarter; `None` without records.
    pub data_quality: Option<super::quality::Quality>,
    /// The revenue metrics from the records; `None` when they carry no opportunity.
    pub revenue: Option<super::revenue::Revenue>,
}

/// The first day of the charter's SLA window as of `until`.
fn sla_from(charter: &Charter, until: NaiveDateTime) -> NaiveDate {
    super::window::span(charter, charter.controls.sla_window, until.date()).from
}

fn quarter_span(q: NaiveDate) -> Span {
    Span::new(q, calendar::month_start_plus(q, 3))
}

/// The quarterly review of `period` (a fiscal quarter, complete or to date), as of the
/// clock.
pub fn review(
    charter: &Charter,
    data: &Dataset,
    period: &Period,
    clock: &Clock,
) -> QuarterlyReview {
    let now = clock.now;
    let quarter = period.start;
    let span = quarter_span(quarter);
    let until = now.min(span.to.and_time(chrono::NaiveTime::MIN) - Duration::seconds(1));
    // SLA on-time over the charter's `sla_window` as of `until`, as `rhythm check` reads it.
    let sla = sla::evaluate(charter, &data.deliveries, sla_from(charter, until), until);
    let waves = nps::by_quarter(&data.nps, charter);
    let wave = waves
        .iter()
        .find(|(q, _)| *q == quarter)
        .map(|(_, n)| n.clone());
    let last_quarters: Vec<NaiveDate> = (0..4)
        .rev()
        .map(|i| calendar::month_start_plus(quarter, -3 * i))
        .collect();

    let mut scorecard = vec![
        sla_line(charter, data, &sla, &last_quarters),
        nps_line(charter, data, wave.as_ref(), &waves, &last_quarters),
    ];
    scorecard.push(adoption_line(
        charter,
        data,
        span,
        until.date(),
        &last_quarters,
    ));
    if let Some(k) = charter.kpi("insight-to-action") {
        scorecard.push(insight_line(charter, data, k, span, until, &last_quarters));
    }
    // The back-test KPIs, computed once in `kpis` (the same figures `rhythm check` judges).
    for (id, why) in [
        ("forecast-accuracy", LineNote::NoForecastEnded),
        ("allocation-efficiency", LineNote::NoRecommendationEnded),
    ] {
        if let Some(k) = charter.kpi(id) {
            let line = kpi_line(charter, data, k, span, k.target, &last_quarters);
            let detail = if line.value.is_none() {
                why
            } else {
                LineNote::NewestRecommendationEnded
            };
            scorecard.push(ScoreLine { detail, ..line });
        }
    }
    for k in charter
        .kpis
        .iter()
        .filter(|k| k.source == KpiSource::Imported && k.cadence == Cadence::Quarterly)
    {
        let line = kpi_line(charter, data, k, span, k.target, &last_quarters);
        let detail = if super::revenue::replaces(charter, data, &k.id, span).is_some() {
            LineNote::FromRecords
        } else if line.value.is_none() {
            LineNote::NotImported
        } else {
            LineNote::None
        };
        scorecard.push(ScoreLine { detail, ..line });
    }

    // The same check `rhythm check` runs, so the two say the same thing.
    let backtest = super::controls::backtest_checks(charter, data, until.date())
        .into_iter()
        .find(|c| c.id == "budget-backtest")
        .expect("backtest_checks always has the budget-backtest check");
    QuarterlyReview {
        quarter,
        complete: period.is_complete(),
        days_gone: period.days_gone(),
        days: period.days(),
        sla,
        nps: wave,
        drifting_leaders: adoption::drifting_leaders(
            charter,
            &data.usage_weeks,
            calendar::week_start(until.date(), charter.partnership.week_start) - Duration::days(7),
            12,
        ),
        unused_dashboards: adoption::unused_dashboards(&data.dashboards, until.date(), 30),
        lead_quality: lead_quality(data, quarter),
        scorecard,
        backtest_status: backtest.status,
        backtest_detail: backtest.detail,
        data_quality: (!data.records.is_empty())
            .then(|| super::quality::assess(charter, &data.records, span)),
        revenue: super::revenue::metrics(charter, data, span),
    }
}

/// A scorecard line for KPI `k` over `span` against `target`, with its quarterly trend.
fn kpi_line(
    charter: &Charter,
    data: &Dataset,
    k: &Kpi,
    span: Span,
    target: f64,
    quarters: &[NaiveDate],
) -> ScoreLine {
    let value = kpis::value(charter, data, &k.id, span);
    ScoreLine {
        id: k.id.clone(),
        name: k.name.clone(),
        kpi: Some(k.id.clone()),
        unit: k.unit.clone(),
        value,
        target: Some(target),
        status: judge(value, target, k.direction, k.tolerance),
        trend: quarters
            .iter()
            .map(|q| (*q, kpis::value(charter, data, &k.id, quarter_span(*q))))
            .collect(),
        detail: LineNote::None,
        purged: Vec::new(),
    }
}

/// Insight-to-action over every insight delivered in the quarter, as of `until` (the
/// quarter's end, or now while it runs): the counts behind the median in its note.
fn insight_line(
    charter: &Charter,
    data: &Dataset,
    k: &Kpi,
    span: Span,
    until: NaiveDateTime,
    quarters: &[NaiveDate],
) -> ScoreLine {
    let target = charter.controls.insight_to_action_max_days;
    let r = &data.session;
    let m = super::session::insight_to_action(&r.insights, &r.actions, span.from, span.to, until);
    let line = kpi_line(charter, data, k, span, target, quarters);
    ScoreLine {
        value: m.median_days,
        status: judge(m.median_days, target, k.direction, k.tolerance),
        // The quarter under review as of `until`; the quarters before as of their end.
        trend: line
            .trend
            .iter()
            .map(|(q, v)| (*q, if *q == span.from { m.median_days } else { *v }))
            .collect(),
        detail: if m.delivered == 0 {
            LineNote::NoInsightDelivered
        } else {
            LineNote::InsightToAction {
                delivered: m.delivered,
                actioned: m.actioned,
            }
        },
        ..line
    }
}

fn sla_line(
    charter: &Charter,
    data: &Dataset,
    sla: &SlaReport,
    quarters: &[NaiveDate],
) -> ScoreLine {
    let o = &sla.overall;
    ScoreLine {
        id: "sla-on-time".into(),
        name: "SLA on-time delivery".into(),
        kpi: None,
        unit: "fraction".into(),
        value: o.on_time_rate,
        target: Some(sla.target),
        status: sla.status,
        trend: quarters
            .iter()
            .map(|q| {
                let end =
                    quarter_span(*q).to.and_time(chrono::NaiveTime::MIN) - Duration::seconds(1);
                let end = end.min(sla.now);
                (
                    *q,
                    sla::evaluate(charter, &data.deliveries, sla_from(charter, end), end)
                        .overall
                        .on_time_rate,
                )
            })
            .collect(),
        detail: LineNote::Sla {
            on_time: o.on_time,
            late: o.late,
            missing: o.missing,
            pending: o.pending,
        },
        purged: Vec::new(),
    }
}

fn nps_line(
    charter: &Charter,
    data: &Dataset,
    wave: Option<&Nps>,
    waves: &[(NaiveDate, Nps)],
    quarters: &[NaiveDate],
) -> ScoreLine {
    let kind = super::purged::Personal::Nps;
    let purged: Vec<NaiveDate> = quarters
        .iter()
        .copied()
        .filter(|q| super::purged::reaches(data, kind, *q))
        .collect();
    let quarter = quarters.last().copied();
    let this_purged = quarter.is_some_and(|q| purged.contains(&q));
    let wave = wave.filter(|_| !this_purged);
    let value = wave.and_then(|n| n.score);
    let tolerance = charter.kpi("analytics-nps").map_or(0.2, |k| k.tolerance);
    ScoreLine {
        id: "analytics-nps".into(),
        name: "Analytics NPS from marketing".into(),
        kpi: Some("analytics-nps".into()),
        unit: "score".into(),
        value,
        target: Some(charter.controls.nps_target),
        status: judge(
            value,
            charter.controls.nps_target,
            Direction::HigherIsBetter,
            tolerance,
        ),
        trend: quarters
            .iter()
            .map(|q| {
                (
                    *q,
                    waves
                        .iter()
                        .find(|(w, _)| w == q && !purged.contains(q))
                        .and_then(|(_, n)| n.score),
                )
            })
            .collect(),
        detail: match (super::purged::horizon(data, kind), wave) {
            (Some(before), _) if this_purged => LineNote::Purged { before },
            (_, None) => LineNote::NoNpsWave,
            (_, Some(n)) => LineNote::NpsWave {
                respondents: n.respondents,
                low: n.low.unwrap_or(0.0),
                high: n.high.unwrap_or(0.0),
            },
        },
        purged,
    }
}

fn adoption_line(
    charter: &Charter,
    data: &Dataset,
    span: Span,
    until: NaiveDate,
    quarters: &[NaiveDate],
) -> ScoreLine {
    let kind = super::purged::Personal::Usage;
    let purged: Vec<NaiveDate> = quarters
        .iter()
        .copied()
        .filter(|q| super::purged::reaches(data, kind, *q))
        .collect();
    let rate_in = |s: Span| {
        if super::purged::reaches(data, kind, s.from) {
            return None;
        }
        let weeks: Vec<NaiveDate> = kpis::week_starts(charter, s)
            .into_iter()
            .filter(|w| *w + Duration::days(7) <= until + Duration::days(1))
            .collect();
        adoption::average_rate(&adoption::adoption_trend(
            charter,
            &data.usage_weeks,
            &weeks,
        ))
    };
    let value = rate_in(span);
    let k = charter.kpi("dashboard-adoption");
    ScoreLine {
        id: "dashboard-adoption".into(),
        name: "Weekly dashboard adoption (marketing leaders)".into(),
        kpi: k.map(|k| k.id.clone()),
        unit: "fraction".into(),
        value,
        target: Some(charter.controls.dashboard_adoption_target),
        status: judge(
            value,
            charter.controls.dashboard_adoption_target,
            Direction::HigherIsBetter,
            k.map_or(0.1, |k| k.tolerance),
        ),
        trend: quarters
            .iter()
            .map(|q| (*q, rate_in(quarter_span(*q))))
            .collect(),
        detail: match super::purged::horizon(data, kind) {
            Some(before) if super::purged::reaches(data, kind, span.from) => {
                LineNote::Purged { before }
            }
            _ => LineNote::Adoption,
        },
        purged,
    }
}

fn lead_quality(data: &Dataset, quarter: NaiveDate) -> Vec<LeadQuality> {
    let now = quarter_span(quarter);
    let before = quarter_span(calendar::month_start_plus(quarter, -3));
    let mut channels: Vec<&str> = kpis::weeks_in(data, now)
        .map(|r| r.channel.as_str())
        .collect();
    channels.sort_unstable();
    channels.dedup();
    channels
        .into_iter()
        .map(|c| {
            let t = totals(data, now, Some(c));
            let p = totals(data, before, Some(c));
            let conv = ratio(t.sqls, t.mqls);
            let prev = ratio(p.sqls, p.mqls);
            LeadQuality {
                channel: c.to_string(),
                mqls: t.mqls,
                mql_to_sql: conv,
                previous_quarter: prev,
                drift: conv.zip(prev).and_then(|(a, b)| change(a, b)),
                slipping: super::stats::slipping(conv, prev),
            }
        })
        .collect()
}
