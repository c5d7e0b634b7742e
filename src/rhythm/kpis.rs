//! KPI values for a period, computed exactly as the charter's definitions say. The one
//! place a KPI is computed: the reviews, the checks, the reports and the cockpit call it.

use chrono::NaiveDate;

use super::adoption;
use super::nps;
use super::stats::{mean, ratio};
use crate::charter::{Cadence, Charter, Kpi, KpiSource, TargetPrecedence, Window};
use crate::facts::{ChannelWeek, Dataset};
use crate::model::{Backtest, BacktestOutcome, backtest};

/// A span of days, `from` inclusive, `to` exclusive. A weekly row counts toward a span
/// in proportion to the days of its week inside the span, so a week that straddles two
/// months is split between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Span {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Span {
        Span { from, to }
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date < self.to
    }

    /// The share (0..=1) of the 7-day week starting `week` that lies inside the span.
    pub fn share_of_week(&self, week: NaiveDate) -> f64 {
        let start = week.max(self.from);
        let end = (week + chrono::Duration::days(7)).min(self.to);
        ((end - start).num_days().max(0) as f64) / 7.0
    }
}

/// Channel-week rows whose week overlaps `span`. The rows are sorted by week, so this
/// is a binary search, not a scan: reviews call it thousands of times.
pub fn weeks_in(data: &Dataset, span: Span) -> impl Iterator<Item = &ChannelWeek> {
    let first = span.from - chrono::Duration::days(6);
    let rows = &data.channel_weeks;
    let lo = rows.partition_point(|r| r.week < first);
    let hi = rows.partition_point(|r| r.week < span.to);
    rows[lo..hi.max(lo)].iter()
}

/// Sums of the funnel over a span (all channels, or one).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Totals {
    pub weeks: u32,
    pub spend: f64,
    pub leads: f64,
    pub mqls: f64,
    pub sqls: f64,
    pub pipeline: f64,
    pub sessions: Option<f64>,
    pub opportunities: Option<f64>,
    pub closed_won: Option<f64>,
}

fn add(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
    }
}

/// Funnel totals over `span`, for one channel or (None) all.
pub fn totals(data: &Dataset, span: Span, channel: Option<&str>) -> Totals {
    totals_of(data, span, |c| channel.is_none_or(|one| c == one))
}

/// Funnel totals over `span` of the marketing channels, as the charter's
/// `[definitions] marketing_channels` says: what the KPI definitions sum.
pub fn marketing_totals(charter: &Charter, data: &Dataset, span: Span) -> Totals {
    totals_of(data, span, |c| charter.is_marketing_channel(c))
}

/// Funnel totals over `span` of the channels `keep` accepts.
fn totals_of(data: &Dataset, span: Span, keep: impl Fn(&str) -> bool) -> Totals {
    let mut t = Totals::default();
    let mut weeks: Vec<NaiveDate> = Vec::new();
    for r in weeks_in(data, span).filter(|r| keep(&r.channel)) {
        let w = span.share_of_week(r.week);
        if weeks.last() != Some(&r.week) {
            weeks.push(r.week);
        }
        t.spend += w * r.spend;
        t.leads += w * r.leads;
        t.mqls += w * r.mqls;
        t.sqls += w * r.sqls;
        t.pipeline += w * r.pipeline;
        t.sessions = add(t.sessions, r.sessions.map(|x| w * x));
        t.opportunities = add(t.opportunities, r.opportunities.map(|x| w * x));
        t.closed_won = add(t.closed_won, r.closed_won.map(|x| w * x));
    }
    t.weeks = weeks.len() as u32;
    t
}

impl Totals {
    /// Funnel totals over `span` of the channels in `channels` only (a like-for-like
    /// total when a week lacks some channels).
    pub fn of_channels(data: &Dataset, span: Span, channels: &[&str]) -> Totals {
        let mut t = Totals::default();
        for c in channels {
            let x = totals(data, span, Some(c));
            t.weeks = t.weeks.max(x.weeks);
            t.spend += x.spend;
            t.leads += x.leads;
            t.mqls += x.mqls;
            t.sqls += x.sqls;
            t.pipeline += x.pipeline;
            t.sessions = add(t.sessions, x.sessions);
            t.opportunities = add(t.opportunities, x.opportunities);
            t.closed_won = add(t.closed_won, x.closed_won);
        }
        t
    }

    /// The sums divided by `weeks`: a multi-week window as an average week, so it
    /// compares with weekly baselines. Ratios are unchanged.
    pub fn per_week(&self, weeks: f64) -> Totals {
        let d = |x: f64| x / weeks;
        Totals {
            weeks: 1,
            spend: d(self.spend),
            leads: d(self.leads),
            mqls: d(self.mqls),
            sqls: d(self.sqls),
            pipeline: d(self.pipeline),
            sessions: self.sessions.map(d),
            opportunities: self.opportunities.map(d),
            closed_won: self.closed_won.map(d),
        }
    }

    /// Cost per lead, currency.
    pub fn cpl(&self) -> Option<f64> {
        ratio(self.spend, self.leads).filter(|_| self.spend > 0.0)
    }
    /// Cost per MQL, currency.
    pub fn cost_per_mql(&self) -> Option<f64> {
        ratio(self.spend, self.mqls).filter(|_| self.spend > 0.0)
    }
    /// Cost per SQL, currency.
    pub fn cost_per_sql(&self) -> Option<f64> {
        ratio(self.spend, self.sqls).filter(|_| self.spend > 0.0)
    }
    /// CAC: spend per closed-won customer, currency.
    pub fn cac(&self) -> Option<f64> {
        ratio(self.spend, self.closed_won?).filter(|_| self.spend > 0.0)
    }

    /// Attributed ROAS: CRM-attributed pipeline per unit of spend.
    pub fn roas(&self) -> Option<f64> {
        ratio(self.pipeline, self.spend)
    }
}

/// The value of KPI `id` over `span`, or None when the data does not hold it (or held
/// it before `rhythm purge`).
/// Derived KPIs are computed from the dataset; imported ones are the mean of the values
/// whose period starts in the span (one value when the span is one period).
pub fn value(charter: &Charter, data: &Dataset, id: &str, span: Span) -> Option<f64> {
    let kpi = charter.kpi(id)?;
    // A period that starts before the purge horizon of the personal data it reads would
    // be computed from what is left: it has no value (`purged::kpi_reaches` says why).
    if super::purged::kpi_reaches(data, id, span.from) {
        return None;
    }
    // Where the records carry revenue, they replace the typed efficiency and payback.
    if let Some(computed) = super::revenue::replaces(charter, data, id, span) {
        return computed;
    }
    if kpi.source == KpiSource::Imported {
        let values: Vec<f64> = data
            .kpi_values
            .iter()
            .filter(|v| v.kpi == id && span.contains(v.period_start))
            .map(|v| v.value)
            .collect();
        return mean(&values);
    }
    // A KPI whose definition states a window ("13 weeks") is computed over it, as of
    // the period's end, and only when every week of it has channel data.
    let (span, full) = match kpi.window {
        Some(w @ Window::Weeks(n)) => (super::window::for_period(charter, w, span), Some(n)),
        // The charter accepts only "N weeks" for a KPI.
        _ => (span, None),
    };
    let t = marketing_totals(charter, data, span);
    if full.is_some_and(|n| t.weeks != n) {
        return None;
    }
    let has_weeks = t.weeks > 0;
    match id {
        "pipeline" => has_weeks.then_some(t.pipeline),
        "mqls" => has_weeks.then_some(t.mqls),
        "sqls" => has_weeks.then_some(t.sqls),
        "spend" => has_weeks.then_some(t.spend),
        "blended-cac" => t.cac(),
        "marketing-roi" => t.roas(),
        "organic-traffic" => totals(data, span, Some("organic")).sessions,
        "dashboard-adoption" => {
            let weeks: Vec<NaiveDate> = week_starts(charter, span);
            adoption::average_rate(&adoption::adoption_trend(
                charter,
                &data.usage_weeks,
                &weeks,
            ))
        }
        // The survey waves the charter assigns to the quarters of the span.
        "analytics-nps" => nps::of_quarters_in(&data.nps, charter, span.from, span.to).score,
        // Every insight delivered in the period, as of the period's end: one not acted on
        // by then counts with its age then.
        "insight-to-action" => {
            let r = &data.session;
            // A period still running ages its unactioned insights to the data's moment.
            let end = span.to.and_time(chrono::NaiveTime::MIN);
            let as_of = data.as_of.map_or(end, |now| now.min(end));
            super::session::insight_to_action(&r.insights, &r.actions, span.from, span.to, as_of)
                .median_days
        }
        // The back-test KPIs: the newest saved recommendation whose horizon ends in the span.
        "forecast-accuracy" => backtest_ending_in(charter, data, span).map(|b| b.forecast_error),
        "allocation-efficiency" => {
            backtest_ending_in(charter, data, span).map(|b| b.allocation_variance)
        }
        _ => None,
    }
}

/// The newest saved recommendation, made by `through`, whose horizon has data and ends by
/// `through`, judged by `model::backtest`.
pub fn latest_backtest(charter: &Charter, data: &Dataset, through: NaiveDate) -> Option<Backtest> {
    newest_judged(charter, data, through, |b| b.horizon_to <= through)
}

/// The newest saved recommendation whose horizon ends inside `span`, judged.
fn backtest_ending_in(charter: &Charter, data: &Dataset, span: Span) -> Option<Backtest> {
    let last_day = span.to - chrono::Duration::days(1);
    newest_judged(charter, data, last_day, |b| span.contains(b.horizon_to))
}

fn newest_judged(
    charter: &Charter,
    data: &Dataset,
    made_by: NaiveDate,
    keep: impl Fn(&Backtest) -> bool,
) -> Option<Backtest> {
    data.recommendations
        .iter()
        .rev()
        .filter(|r| r.as_of <= made_by)
        .find_map(|saved| match backtest(saved, data, charter) {
            Ok(BacktestOutcome::Judged(b)) if keep(&b) => Some(b),
            _ => None,
        })
}

/// Days of `span` covered by weeks that have channel data.
pub fn covered_days(data: &Dataset, span: Span) -> u32 {
    let mut weeks: Vec<NaiveDate> = weeks_in(data, span).map(|r| r.week).collect();
    weeks.dedup();
    weeks
        .iter()
        .map(|w| (span.share_of_week(*w) * 7.0).round() as u32)
        .sum()
}

/// The first days of the weeks that start in `span`.
pub fn week_starts(charter: &Charter, span: Span) -> Vec<NaiveDate> {
    let mut week = crate::calendar::week_start(span.from, charter.partnership.week_start);
    if week < span.from {
        week += chrono::Duration::days(7);
    }
    let mut out = Vec::new();
    while week < span.to {
        out.push(week);
        week += chrono::Duration::days(7);
    }
    out
}

/// Periods of `cadence` in `days` days, for scaling a per-period target of a sum.
pub fn periods(cadence: Cadence, days: i64) -> f64 {
    let d = days as f64;
    match cadence {
        Cadence::Weekly => d / 7.0,
        Cadence::Monthly => d / (365.25 / 12.0),
        Cadence::Quarterly => d / (365.25 / 4.0),
        Cadence::Annual => d / 365.25,
    }
}

/// The target a month's figure of `kpi` is judged against when the imported plan may set
/// one too (`planned`): the plan's or the KPI's, as the charter's `[definitions]
/// target_precedence` says; the KPI's whenever the plan sets none.
pub fn month_target(charter: &Charter, kpi: &Kpi, planned: Option<f64>) -> f64 {
    match (charter.definitions.target_precedence, planned) {
        (TargetPrecedence::Plan, Some(plan)) => plan,
        _ => kpi.target,
    }
}

/// True for the derived KPIs computed from the weekly channel data (so the days that data
/// covers say how much of a period they stand for).
pub fn from_channel_data(id: &str) -> bool {
    is_sum(id) || matches!(id, "blended-cac" | "marketing-roi")
}

/// True for KPIs that are sums over their period (so a target for a longer span scales).
pub fn is_sum(id: &str) -> bool {
    matches!(
        id,
        "pipeline" | "mqls" | "sqls" | "spend" | "organic-traffic"
    )
}

/// The last `n` values of KPI `id` at its cadence, ending with the period holding `end`,
/// oldest first: the 12-period trends the cockpit draws.
pub fn series(
    charter: &Charter,
    data: &Dataset,
    id: &str,
    end: NaiveDate,
    n: u32,
) -> Vec<(NaiveDate, Option<f64>)> {
    let Some(kpi) = charter.kpi(id) else {
        return Vec::new();
    };
    let p = &charter.partnership;
    let mut start = kpi
        .cadence
        .period_start(end, p.week_start, p.fiscal_year_start_month);
    let mut out = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let next = kpi.cadence.next_period(start);
        out.push((start, value(charter, data, id, Span::new(start, next))));
        start = kpi.cadence.previous_period(start);
    }
    out.reverse();
    out
}

/// Funnel totals of each of the `n` weeks ending with the week starting `last`, oldest
/// first (None for a week without data).
pub fn weekly_totals(
    data: &Dataset,
    last: NaiveDate,
    n: u32,
    channel: Option<&str>,
) -> Vec<(NaiveDate, Option<Totals>)> {
    (0..n as i64)
        .rev()
        .map(|i| {
            let week = last - chrono::Duration::days(7 * i);
            let t = totals(
                data,
                Span::new(week, week + chrono::Duration::days(7)),
                channel,
            );
            (week, (t.weeks > 0).then_some(t))
        })
        .collect()
}

#[cfg(test)]
#[path = "kpis_tests.rs"]
mod tests;
