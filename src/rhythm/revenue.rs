//! The revenue metrics seed 000 lists, computed from the records instead of typed in:
//! - new ARR: the amount of new-business opportunities won with a close date in the
//!   period (local days) whose lead source names a marketing channel (as `[definitions]
//!   marketing_channels` says); an opportunity's amount is its first-year ARR, and one
//!   without a type counts as new business (the CRMs' default), renewals and expansions
//!   excluded;
//! - customers: those opportunities, one customer each;
//! - spend: marketing spend in the period, by the `spend` KPI's definition (the weekly
//!   channel facts, derived from the ad-spend records where they exist);
//! - marketing efficiency ratio = new ARR / spend;
//! - CAC = spend / customers; CAC payback = CAC / (new ARR per customer / 12), in months:
//!   "months to recover CAC from customer revenue", as seed 000 defines it (revenue, not
//!   gross profit: the charter sets no gross margin);
//! - LTV:CAC needs a gross margin and a churn rate to make LTV from revenue; neither the
//!   charter nor seed 000 gives them, so it is not computed from the records ("no data").
//!
//! A period whose weeks the channel data does not all cover (a missing week) has no
//! figure: a quarter's efficiency from ten of its thirteen weeks' spend would mislead.

use std::sync::Mutex;

use chrono::{Duration, NaiveDate};
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::kpis::{Span, marketing_totals};
use super::stats::ratio;
use crate::calendar::week_start;
use crate::charter::Charter;
use crate::facts::{ByCreated, Dataset, DealType, Opportunity};

/// The KPIs the records' figures replace where records exist.
pub const REPLACED: [&str; 2] = ["marketing-efficiency", "cac-payback"];

/// Why LTV:CAC has no figure from the records.
pub const LTV_CAC_NEEDS: &str = "gross margin and annual churn";

/// The period's revenue metrics from the records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revenue {
    /// First and last day of the period.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Weeks of the period that are over, and how many the channel data covers.
    pub weeks: u32,
    pub weeks_with_spend: u32,
    /// Currency; `None` when a week lacks channel data.
    pub spend: Option<f64>,
    /// Currency.
    pub new_arr: f64,
    pub customers: u32,
    /// New ARR / spend; `None` without spend or with a missing week.
    pub efficiency: Option<f64>,
    /// Currency per customer; `None` without a customer.
    pub cac: Option<f64>,
    /// Months.
    pub payback_months: Option<f64>,
    /// Always `None` from the records: see [`LTV_CAC_NEEDS`].
    pub ltv_cac: Option<f64>,
}

/// Whether the records carry revenue: any opportunity record.
pub fn carries_revenue(data: &Dataset) -> bool {
    !data.records.opportunities.is_empty()
}

/// The weeks (starts) overlapping `span` that are over by the data's clock.
fn weeks_over(charter: &Charter, data: &Dataset, span: Span) -> Vec<NaiveDate> {
    let until = data.as_of.map(|t| t.date());
    let mut w = week_start(span.from, charter.partnership.week_start);
    let mut out = Vec::new();
    while w < span.to {
        if until.is_none_or(|u| w + Duration::days(7) <= u + Duration::days(1)) {
            out.push(w);
        }
        w += Duration::days(7);
    }
    out
}

/// The revenue metrics of `span` (cut to the clock: `data` from `as_of`); `None` when
/// the records carry no opportunity.
pub fn metrics(charter: &Charter, data: &Dataset, span: Span) -> Option<Revenue> {
    if !carries_revenue(data) {
        return None;
    }
    let r = &data.records;
    let (mut new_arr, mut customers) = (0.0, 0u32);
    // Whether a lead source names a marketing channel, looked up once per source: the
    // lookup normalises the text, and a million-lead store has a few dozen sources.
    let mut marketing: rustc_hash::FxHashMap<crate::facts::Name, bool> = Default::default();
    for o in closed_in(&r.opportunities, span)
        .into_iter()
        .filter_map(|i| r.opportunities.get(i))
    {
        let won_here = o.won == Some(true) && o.close_date.is_some_and(|d| span.contains(d));
        let new_business = o.deal_type.is_none_or(|t| t == DealType::NewBusiness);
        if won_here
            && new_business
            && *marketing.entry(o.source).or_insert_with(|| {
                charter
                    .channel_for_source(r.name(o.source))
                    .is_some_and(|c| charter.is_marketing_channel(c))
            })
        {
            new_arr += o.amount;
            customers += 1;
        }
    }
    let weeks = weeks_over(charter, data, span);
    let t = marketing_totals(charter, data, span);
    let full = !weeks.is_empty() && t.weeks as usize >= weeks.len();
    let spend = full.then_some(t.spend);
    let cac = spend.and_then(|s| ratio(s, f64::from(customers)));
    let monthly_per_customer = ratio(new_arr, f64::from(customers)).map(|x| x / 12.0);
    Some(Revenue {
        from: span.from,
        to: span.to - Duration::days(1),
        weeks: weeks.len() as u32,
        weeks_with_spend: t.weeks,
        spend,
        new_arr,
        customers,
        efficiency: spend.and_then(|s| ratio(new_arr, s)),
        cac,
        payback_months: cac.zip(monthly_per_customer).and_then(|(c, m)| ratio(c, m)),
        ltv_cac: None,
    })
}

/// The figure that replaces the imported KPI `id` over `span` where the records carry
/// revenue: `Some(value)` (itself `None` for no data), `None` when the KPI keeps its
/// imported values.
pub fn replaces(charter: &Charter, data: &Dataset, id: &str, span: Span) -> Option<Option<f64>> {
    if !REPLACED.contains(&id) {
        return None;
    }
    let m = metrics(charter, data, span)?;
    Some(match id {
        "marketing-efficiency" => m.efficiency,
        _ => m.payback_months,
    })
}

/// The opportunities whose close date falls in a span, by index, through some row. A
/// close date is the record's, which a cut keeps (only the outcome waits for the
/// clock), so what is kept only grows with a later clock; an earlier one reads fewer.
#[derive(Default)]
struct Closed {
    through: usize,
    rows: Vec<usize>,
}

/// [`Closed`] by span, kept with the rows ([`ByCreated::memo`]): the periods of each
/// revenue KPI's history need not pass over every opportunity on each period switch.
#[derive(Default)]
struct ClosedIn(Mutex<FxHashMap<(NaiveDate, NaiveDate), Closed>>);

/// Spans the memo keeps before it starts over.
const SPANS_KEPT: usize = 64;

/// The indices of the opportunities (of those `rows` holds) whose close date is in `span`.
fn closed_in(rows: &ByCreated<Opportunity>, span: Span) -> Vec<usize> {
    let memo = rows.memo::<ClosedIn>();
    let mut spans = memo.0.lock().unwrap_or_else(|e| e.into_inner());
    if spans.len() >= SPANS_KEPT && !spans.contains_key(&(span.from, span.to)) {
        spans.clear();
    }
    let closed = spans.entry((span.from, span.to)).or_default();
    let held = rows.len();
    for (i, o) in rows.indexed(closed.through..held) {
        if o.close_date.is_some_and(|d| span.contains(d)) {
            closed.rows.push(i);
        }
    }
    closed.through = closed.through.max(held);
    let n = closed.rows.partition_point(|&i| i < held);
    closed.rows[..n].to_vec()
}

#[cfg(test)]
#[path = "revenue_tests.rs"]
mod tests;
