//! The monthly review: seed 000's executive dashboard, funnel analysis, budget vs
//! actual, the CAC trend and channel suggestions.

use chrono::NaiveDate;
use serde::Serialize;

use super::clock::Period;
use super::kpis::{self, Span, Totals, totals};
use super::stats::{mean, ratio};
use super::{Figure, Status};
use crate::calendar;
use crate::charter::Charter;
use crate::facts::Dataset;

#[derive(Debug, Clone, Serialize)]
pub struct MonthlyReview {
    /// First day of the month.
    pub month: NaiveDate,
    /// Records created in the month under source values no channel names, and how many
    /// distinct values: the 'unmapped' data-quality line; `None` when there are none.
    pub unmapped: Option<(usize, usize)>,
    /// False for the month in progress (month to date).
    pub complete: bool,
    /// Days of the month gone by on the clock.
    pub days_gone: u32,
    /// Days of the month covered by weeks with channel data.
    pub days_with_data: u32,
    pub days_in_month: u32,
    pub executive: Executive,
    pub funnel: Funnel,
    pub budget_vs_actual: Vec<BudgetLine>,
    /// Blended CAC (spend per closed-won customer) for the 12 months ending with this one.
    pub cac_trend: Vec<(NaiveDate, Option<f64>)>,
    /// Worded by `present::suggestions`; their JSON is added by `present::json`.
    #[serde(skip)]
    pub suggestions: Vec<Suggestion>,
    /// Every channel that spent in the 3 months to this month's end against the CAC
    /// ceiling — its pause candidates are in `suggestions`, and the channels it does not
    /// judge (fewer customers than the charter's `cac_min_customers`) are listed here;
    /// None when the charter sets no LTV.
    pub cac_ceiling: Option<super::cac::ByChannel>,
}

/// Seed 000's executive dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct Executive {
    /// Pipeline vs the plan's goal or the KPI target (`[definitions] target_precedence`);
    /// while the month runs, the status is judged against the goal pro rata to the days
    /// the data covers.
    pub pipeline: Figure,
    /// Goal minus actual, currency.
    pub pipeline_gap: Option<f64>,
    pub mqls: Figure,
    /// Actual vs target pro rata to the weeks with data (0.9 = 10% behind).
    pub mql_pacing: Option<f64>,
    pub sqls: Figure,
    pub sql_pacing: Option<f64>,
    /// Blended CAC vs the KPI's budget.
    pub blended_cac: Figure,
    pub spend: Figure,
    /// Spend as a fraction of the month's planned budget.
    pub utilisation: Option<f64>,
    /// Spend share per channel vs the plan's budget share.
    pub channel_mix: Vec<MixLine>,
}

impl Executive {
    /// MQL pacing as a relative difference from the goal (−0.1 = 10% behind).
    pub fn mql_pace_gap(&self) -> Option<f64> {
        self.mql_pacing.map(|p| p - 1.0)
    }

    /// SQL pacing as a relative difference from the goal.
    pub fn sql_pace_gap(&self) -> Option<f64> {
        self.sql_pacing.map(|p| p - 1.0)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct MixLine {
    pub channel: String,
    /// Fraction of the month's spend.
    pub actual_share: f64,
    /// Fraction of the month's planned budget.
    pub plan_share: Option<f64>,
    /// The actual share is more than `OFF_PLAN_SHARE` away from the planned share.
    pub off_plan: bool,
}

/// How far a channel's share of spend may drift from its planned share (a fraction of the
/// month's spend: 0.05 = five points) before the mix shows it as off plan.
pub const OFF_PLAN_SHARE: f64 = 0.05;

#[derive(Debug, Clone, Serialize)]
pub struct Funnel {
    pub stages: Vec<Stage>,
    pub by_channel: Vec<ChannelFunnel>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    pub stage: String,
    pub volume: Option<f64>,
    /// Conversion from the previous stage, a fraction.
    pub conversion: Option<f64>,
    /// The same conversion averaged over the prior 3 months.
    pub prior_3_months: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChannelFunnel {
    pub channel: String,
    pub leads: f64,
    pub mqls: f64,
    pub sqls: f64,
    pub lead_to_mql: Option<f64>,
    pub mql_to_sql: Option<f64>,
    pub mql_to_sql_prior_3_months: Option<f64>,
    /// Conversion fell more than `stats::LEAD_QUALITY_SLIP` below the prior 3 months.
    pub slipping: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct BudgetLine {
    pub channel: String,
    /// Currency for the month.
    pub budget: Option<f64>,
    /// Spend in the month, currency; None when the channel has no data in it.
    pub actual: Option<f64>,
    /// Actual minus budget, currency.
    pub variance: Option<f64>,
    /// Actual as a fraction of the month's budget.
    pub utilisation: Option<f64>,
    /// Utilisation against the budget pro rata to the days the data covers: fail above
    /// `OVER_BUDGET`, warn above 100%, pass within; no data without a budget or data.
    pub status: Status,
}

/// What the month's data suggests for one channel; `present::suggestions::sentence`
/// words it, and `present::json` writes it as channel, kind, sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub channel: String,
    /// The charter's name for the channel.
    pub name: String,
    pub what: Suggested,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Suggested {
    /// Last-touch CAC over the trailing 3 months above the charter's share of LTV.
    PauseCandidate {
        cac: f64,
        ceiling: f64,
        /// The charter's CAC/LTV share (fraction).
        share: f64,
        /// The charter marks the channel strategic: hold, do not cut.
        strategic: bool,
    },
    /// Spent more than `OVER_BUDGET` of its monthly budget.
    OverBudget { utilisation: f64, budget: f64 },
}

impl Suggested {
    /// The kind's stable name in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Suggested::PauseCandidate { .. } => "pause_candidate",
            Suggested::OverBudget { .. } => "over_budget",
        }
    }
}

/// Utilisation above which a channel's spend is an overrun to rebalance or approve.
pub const OVER_BUDGET: f64 = 1.10;

fn month_span(month: NaiveDate) -> Span {
    Span::new(month, calendar::month_start_plus(month, 1))
}

/// Stage volumes over a span: leads, MQLs, SQLs, opportunities, closed-won.
fn stage_volumes(t: &Totals) -> [(&'static str, Option<f64>); 5] {
    let has = t.weeks > 0;
    [
        ("leads", has.then_some(t.leads)),
        ("MQLs", has.then_some(t.mqls)),
        ("SQLs", has.then_some(t.sqls)),
        ("opportunities", t.opportunities),
        ("closed won", t.closed_won),
    ]
}

fn conversions(t: &Totals) -> Vec<Option<f64>> {
    let v = stage_volumes(t);
    (0..v.len())
        .map(|i| {
            if i == 0 {
                None
            } else {
                v[i].1.zip(v[i - 1].1).and_then(|(a, b)| ratio(a, b))
            }
        })
        .collect()
}

/// The monthly review of `period` (a month, complete or to date).
pub fn review(charter: &Charter, data: &Dataset, period: &Period) -> MonthlyReview {
    let month = period.start;
    let span = month_span(month);
    let t = kpis::marketing_totals(charter, data, span);
    let days_in_month = (span.to - span.from).num_days() as u32;
    let days_with_data = kpis::covered_days(data, span);
    let cac_ceiling = charter.controls.ltv.map(|ltv| {
        let ceiling = ltv * charter.controls.cac_ltv_max_share;
        super::cac::by_channel(charter, data, trailing_3_months(month), ceiling)
    });
    MonthlyReview {
        month,
        unmapped: super::quality::unmapped_line(charter, data, span),
        complete: period.is_complete(),
        days_gone: period.days_gone(),
        days_with_data,
        days_in_month,
        executive: executive(
            charter,
            data,
            month,
            &t,
            days_with_data as f64 / days_in_month as f64,
        ),
        funnel: funnel(charter, data, month, &t),
        budget_vs_actual: budget_vs_actual(data, month),
        cac_trend: (0..12)
            .rev()
            .map(|i| {
                let m = calendar::month_start_plus(month, -i);
                (
                    m,
                    kpis::marketing_totals(charter, data, month_span(m)).cac(),
                )
            })
            .collect(),
        suggestions: suggestions(charter, data, month, cac_ceiling.as_ref()),
        cac_ceiling,
    }
}

/// `elapsed`: the fraction of the month the data covers, for pacing.
fn executive(
    charter: &Charter,
    data: &Dataset,
    month: NaiveDate,
    t: &Totals,
    elapsed: f64,
) -> Executive {
    let plan: Vec<_> = data.plan.iter().filter(|p| p.month == month).collect();
    let sum = |f: fn(&crate::facts::PlanMonth) -> Option<f64>| {
        let v: Vec<f64> = plan.iter().filter_map(|p| f(p)).collect();
        (!v.is_empty()).then(|| v.iter().sum::<f64>())
    };
    let has = t.weeks > 0;
    // Sums (pipeline, MQLs, spend) are judged on pace while the month is still running;
    // rates (CAC) as they stand.
    let figure = |id: &str, value: Option<f64>, planned: Option<f64>| {
        let k = charter.kpi(id);
        match k {
            Some(k) => {
                let goal = kpis::month_target(charter, k, planned);
                let pace = if kpis::is_sum(id) {
                    elapsed.max(f64::MIN_POSITIVE)
                } else {
                    1.0
                };
                Figure {
                    status: super::judge(value, goal * pace, k.direction, k.tolerance),
                    ..Figure::against(k, value, goal)
                }
            }
            None => Figure {
                kpi: id.into(),
                value,
                target: planned,
                status: super::Status::NoData,
            },
        }
    };
    let pipeline = figure(
        "pipeline",
        has.then_some(t.pipeline),
        sum(|p| p.pipeline_target),
    );
    let mqls = figure("mqls", has.then_some(t.mqls), sum(|p| p.mql_target));
    let sqls = figure("sqls", has.then_some(t.sqls), None);
    let budget = sum(|p| Some(p.budget));
    let pace = |f: &Figure| {
        f.value
            .zip(f.target)
            .and_then(|(v, g)| ratio(v, g * elapsed))
            .filter(|_| has)
    };
    let total_budget: f64 = plan.iter().map(|p| p.budget).sum();
    // Each channel's share of the month's spend, both split by the days of straddling
    // weeks inside the month, so the shares add up to 100%.
    let mut channels: Vec<&str> = kpis::weeks_in(data, month_span(month))
        .map(|r| r.channel.as_str())
        .collect();
    channels.sort_unstable();
    channels.dedup();
    let mut channel_mix: Vec<MixLine> = channels
        .into_iter()
        .map(|c| MixLine {
            channel: c.to_string(),
            actual_share: totals(data, month_span(month), Some(c)).spend,
            plan_share: None,
            off_plan: false,
        })
        .collect();
    channel_mix.retain(|m| m.actual_share > 0.0);
    for m in &mut channel_mix {
        m.actual_share /= t.spend.max(f64::MIN_POSITIVE);
        m.plan_share = plan
            .iter()
            .find(|p| p.channel == m.channel)
            .and_then(|p| ratio(p.budget, total_budget));
        m.off_plan = m
            .plan_share
            .is_some_and(|p| (m.actual_share - p).abs() > OFF_PLAN_SHARE);
    }
    Executive {
        pipeline_gap: pipeline.target.zip(pipeline.value).map(|(g, v)| g - v),
        mql_pacing: pace(&mqls),
        sql_pacing: pace(&sqls),
        pipeline,
        mqls,
        sqls,
        blended_cac: figure("blended-cac", t.cac(), None),
        spend: figure("spend", has.then_some(t.spend), budget),
        utilisation: budget.and_then(|b| ratio(t.spend, b)).filter(|_| has),
        channel_mix,
    }
}

/// The funnel of the marketing channels (`t`, and the 3 months before), and by channel.
fn funnel(charter: &Charter, data: &Dataset, month: NaiveDate, t: &Totals) -> Funnel {
    let prior: Vec<Totals> = (1..=3)
        .map(|i| {
            let m = calendar::month_start_plus(month, -i);
            kpis::marketing_totals(charter, data, month_span(m))
        })
        .collect();
    let now = conversions(t);
    let stages = stage_volumes(t)
        .iter()
        .enumerate()
        .map(|(i, (stage, volume))| Stage {
            stage: stage.to_string(),
            volume: *volume,
            conversion: now[i],
            prior_3_months: mean(
                &prior
                    .iter()
                    .filter_map(|p| conversions(p)[i])
                    .collect::<Vec<_>>(),
            ),
        })
        .collect();
    let mut channels: Vec<&str> = kpis::weeks_in(data, month_span(month))
        .map(|r| r.channel.as_str())
        .collect();
    channels.sort_unstable();
    channels.dedup();
    let by_channel = channels
        .into_iter()
        .map(|c| {
            let ct = totals(data, month_span(month), Some(c));
            let before: Vec<f64> = (1..=3)
                .filter_map(|i| {
                    let p = totals(
                        data,
                        month_span(calendar::month_start_plus(month, -i)),
                        Some(c),
                    );
                    ratio(p.sqls, p.mqls)
                })
                .collect();
            ChannelFunnel {
                channel: c.to_string(),
                leads: ct.leads,
                mqls: ct.mqls,
                sqls: ct.sqls,
                lead_to_mql: ratio(ct.mqls, ct.leads),
                mql_to_sql: ratio(ct.sqls, ct.mqls),
                mql_to_sql_prior_3_months: mean(&before),
                slipping: super::stats::slipping(ratio(ct.sqls, ct.mqls), mean(&before)),
            }
        })
        .collect();
    Funnel { stages, by_channel }
}

fn budget_vs_actual(data: &Dataset, month: NaiveDate) -> Vec<BudgetLine> {
    let mut channels: Vec<String> = data
        .plan
        .iter()
        .filter(|p| p.month == month)
        .map(|p| p.channel.clone())
        .collect();
    for r in kpis::weeks_in(data, month_span(month)).filter(|r| r.spend > 0.0) {
        if !channels.contains(&r.channel) {
            channels.push(r.channel.clone());
        }
    }
    channels.sort();
    channels
        .into_iter()
        .map(|c| {
            let budget = data
                .plan
                .iter()
                .find(|p| p.month == month && p.channel == c)
                .map(|p| p.budget);
            let t = totals(data, month_span(month), Some(&c));
            let actual = (t.weeks > 0).then_some(t.spend);
            let utilisation = budget.zip(actual).and_then(|(b, a)| ratio(a, b));
            let covered = f64::from(kpis::covered_days(data, month_span(month)))
                / (month_span(month).to - month).num_days() as f64;
            let paced = utilisation.filter(|_| covered > 0.0).map(|u| u / covered);
            BudgetLine {
                variance: budget.zip(actual).map(|(b, a)| a - b),
                utilisation,
                status: match paced {
                    None => Status::NoData,
                    Some(u) if u > OVER_BUDGET => Status::Fail,
                    Some(u) if u > 1.0 => Status::Warn,
                    Some(_) => Status::Pass,
                },
                budget,
                actual,
                channel: c,
            }
        })
        .filter(|l| l.budget.unwrap_or(0.0) > 0.0 || l.actual.unwrap_or(0.0) > 0.0)
        .collect()
}

/// The 3 calendar months ending with `month`, over which the pause rule reads CAC.
fn trailing_3_months(month: NaiveDate) -> Span {
    Span::new(
        calendar::month_start_plus(month, -2),
        calendar::month_start_plus(month, 1),
    )
}

/// Suggestions from the data: channels whose CAC over the trailing 3 months exceeds the
/// charter's share of LTV (seed 001: pause) — those the ceiling judges, `cac_ceiling` —
/// and channels far off their budget.
fn suggestions(
    charter: &Charter,
    data: &Dataset,
    month: NaiveDate,
    cac_ceiling: Option<&super::cac::ByChannel>,
) -> Vec<Suggestion> {
    let mut out = Vec::new();
    if let (Some(ltv), Some(by_channel)) = (charter.controls.ltv, cac_ceiling) {
        let ceiling = ltv * charter.controls.cac_ltv_max_share;
        let mut over = by_channel.over.clone();
        over.sort_by(|a, b| a.channel.cmp(&b.channel));
        for line in over {
            let Some(cac) = line.cac else { continue };
            let c = line.channel.as_str();
            let name = charter.channel(c).map_or(c, |ch| ch.name.as_str());
            let strategic = charter.channel(c).is_some_and(|ch| ch.strategic);
            out.push(Suggestion {
                channel: c.to_string(),
                name: name.to_string(),
                what: Suggested::PauseCandidate {
                    cac,
                    ceiling,
                    share: charter.controls.cac_ltv_max_share,
                    strategic,
                },
            });
        }
    }
    for line in budget_vs_actual(data, month) {
        let (Some(u), Some(b)) = (line.utilisation, line.budget) else {
            continue;
        };
        let name = charter
            .channel(&line.channel)
            .map_or(line.channel.as_str(), |c| c.name.as_str());
        if u > OVER_BUDGET {
            out.push(Suggestion {
                channel: line.channel.clone(),
                name: name.to_string(),
                what: Suggested::OverBudget {
                    utilisation: u,
                    budget: b,
                },
            });
        }
    }
    out
}
