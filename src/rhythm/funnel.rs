//! Funnel analytics from the records (`Dataset.records`, already cut to the clock by
//! `as_of`): per stage lead → MQL → SQL → opportunity → won, the volume, the conversion
//! and the velocity, for the review month's cohort overall, by channel and by geo, and
//! for each of the 12 cohort months ending with it, with the month-over-month trend.
//!
//! Definitions (no soft terms, seed 002):
//! - **Cohort month**: the month, in the charter's time zone, a lead or an opportunity
//!   was created in. Every figure of a cohort counts only records created in it.
//! - **Lead**: a lead record. **MQL**: a lead with `mql_at` on or before the clock.
//!   **SQL**: a lead with `sql_at` on or before the clock.
//! - **Opportunity**: a new-business opportunity (renewals and expansions excluded; no
//!   type counts as new business) created in the cohort month whose lead source names
//!   the channel (geo: whose `geo` is the geo). The records carry no link from a lead
//!   to its opportunity, so this stage is matched by channel (or geo) and cohort month,
//!   not lead by lead. **Won**: such an opportunity marked won with its close date over
//!   on the clock.
//! - **Conversion** of a stage: the next stage's count over this stage's count —
//!   lead→MQL = MQLs / leads; MQL→SQL = leads that are both MQL and SQL / MQLs;
//!   SQL→opportunity = opportunities / SQLs (not lead by lead: it can exceed 1);
//!   opportunity→won = won / opportunities. A base under [`MIN_BASE`] records is "no
//!   data" (`None`), never 0.
//! - **Velocity** of a stage: the median and the 80th percentile (linear interpolation
//!   between closest ranks) of the days between the two stages' times, over the records
//!   that crossed both — lead→MQL `created`→`mql_at`, MQL→SQL `mql_at`→`sql_at` (an
//!   interval that would be negative is left out), opportunity→won `created`→close date
//!   (a close date before the creation day counts 0). SQL→opportunity has no velocity: no lead is linked to an opportunity. Fewer
//!   than [`MIN_BASE`] intervals: no data.
//! - **Channel**: the channel the record's lead source names (`Charter::channel_for_source`);
//!   a source no channel names is counted under `unmapped`. **Geo**: the record's `geo`;
//!   none is counted under `unknown`.
//! - **Maturity**: a cohort whose month is not over is `partial`; one whose month ended
//!   less than [`MATURITY_DAYS`] days before the clock is `maturing` (its leads may still
//!   convert). Neither is compared in the trend, which is each stage's conversion minus
//!   the previous cohort month's, both mature.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::clock::Clock;
use super::derive::local_day;
use crate::calendar::{add_months, month_start};
use crate::charter::{Charter, UNMAPPED};
use crate::facts::{DealType, Lead, Name, Opportunity, Records};

/// The fewest records a conversion or a velocity is computed over.
pub const MIN_BASE: u64 = 5;
/// Days after a cohort month's end before its conversions are final enough to compare.
pub const MATURITY_DAYS: i64 = 90;
/// Cohort months in the trend, ending with the review month.
pub const COHORT_MONTHS: u32 = 12;
/// Where records without a geo are counted.
pub const NO_GEO: &str = "unknown";

/// Days between two stages: median and 80th percentile over `n` intervals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Velocity {
    pub n: u64,
    pub median_days: f64,
    pub p80_days: f64,
}

/// Volume, conversion and velocity of each stage of one segment.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stages {
    pub leads: u64,
    pub mqls: u64,
    pub sqls: u64,
    pub opportunities: u64,
    pub won: u64,
    pub lead_to_mql: Option<f64>,
    pub mql_to_sql: Option<f64>,
    pub sql_to_opportunity: Option<f64>,
    pub opportunity_to_won: Option<f64>,
    pub lead_to_mql_days: Option<Velocity>,
    pub mql_to_sql_days: Option<Velocity>,
    pub opportunity_to_won_days: Option<Velocity>,
}

/// A cohort month's stage of maturity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Maturity {
    /// The month is not over: leads are still being created.
    Partial,
    /// The month is over but less than [`MATURITY_DAYS`] ago.
    Maturing,
    Mature,
}

/// Each stage's conversion minus the previous cohort month's (fraction points).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Trend {
    pub lead_to_mql: Option<f64>,
    pub mql_to_sql: Option<f64>,
    pub sql_to_opportunity: Option<f64>,
    pub opportunity_to_won: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cohort {
    /// First day of the month.
    pub month: NaiveDate,
    pub maturity: Maturity,
    pub stages: Stages,
    /// None unless this cohort and the month before are both mature and share a rate.
    pub trend: Option<Trend>,
}

/// One channel's or geo's stages for the review month's cohort.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    pub name: String,
    pub stages: Stages,
}

/// One channel's cohort months, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelCohorts {
    pub channel: String,
    pub cohorts: Vec<Cohort>,
}

/// The funnel of a review month, as `report monthly` and the Monthly view show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelReview {
    /// First day of the review month.
    pub month: NaiveDate,
    /// The last day over on the clock, the maturity is judged at its end.
    pub as_of: NaiveDate,
    pub min_base: u64,
    pub maturity_days: i64,
    /// The review month's cohort, all channels.
    pub overall: Cohort,
    /// The review month's cohort by channel (charter order, then `unmapped`).
    pub by_channel: Vec<Segment>,
    /// The review month's cohort by geo (by name, `unknown` last).
    pub by_geo: Vec<Segment>,
    /// The 12 cohort months ending with the review month, all channels, oldest first.
    pub cohorts: Vec<Cohort>,
    pub channel_cohorts: Vec<ChannelCohorts>,
    /// Seed 001's lead decay and the lead-response SLA.
    pub response: super::funnel_response::Response,
}

impl FunnelReview {
    /// The cohort months of `channel`, if it has records.
    pub fn channel(&self, channel: &str) -> Option<&ChannelCohorts> {
        self.channel_cohorts.iter().find(|c| c.channel == channel)
    }
}

/// The counts and intervals a segment's stages are computed from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Tally {
    pub leads: u64,
    pub mqls: u64,
    pub sqls: u64,
    pub mql_and_sql: u64,
    pub opportunities: u64,
    pub won: u64,
    pub to_mql: Vec<f64>,
    pub to_sql: Vec<f64>,
    pub to_won: Vec<f64>,
}

fn days(from: NaiveDateTime, to: NaiveDateTime) -> f64 {
    (to - from).num_seconds() as f64 / 86_400.0
}

impl Tally {
    pub fn lead(&mut self, l: &Lead) {
        self.leads += 1;
        if let Some(m) = l.mql_at {
            self.mqls += 1;
            if m >= l.created {
                self.to_mql.push(days(l.created, m));
            }
        }
        if let Some(s) = l.sql_at {
            self.sqls += 1;
            if let Some(m) = l.mql_at {
                self.mql_and_sql += 1;
                if s >= m {
                    self.to_sql.push(days(m, s));
                }
            }
        }
    }

    pub fn opportunity(&mut self, o: &Opportunity) {
        self.opportunities += 1;
        if o.won == Some(true) {
            self.won += 1;
            if let Some(close) = o.close_date {
                let closed = close.and_hms_opt(0, 0, 0).unwrap_or(o.created);
                self.to_won.push(days(o.created, closed).max(0.0));
            }
        }
    }

    pub fn stages(&self) -> Stages {
        let rate = |n: u64, base: u64| (base >= MIN_BASE).then(|| n as f64 / base as f64);
        Stages {
            leads: self.leads,
            mqls: self.mqls,
            sqls: self.sqls,
            opportunities: self.opportunities,
            won: self.won,
            lead_to_mql: rate(self.mqls, self.leads),
            mql_to_sql: rate(self.mql_and_sql, self.mqls),
            sql_to_opportunity: rate(self.opportunities, self.sqls),
            opportunity_to_won: rate(self.won, self.opportunities),
            lead_to_mql_days: velocity(&self.to_mql),
            mql_to_sql_days: velocity(&self.to_sql),
            opportunity_to_won_days: velocity(&self.to_won),
        }
    }
}

/// The `p` quantile (0..=1) of `values`, linear between closest ranks; None when empty.
pub fn quantile(values: &[f64], p: f64) -> Option<f64> {
    quantile_of(&mut values.to_vec(), p)
}

/// [`quantile`], reordering `values`: only the two ranks it needs are selected (O(n)),
/// not the whole sorted, so a year of intervals is not sorted once per figure.
fn quantile_of(values: &mut [f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let h = (values.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    let (_, &mut at_lo, above) = values.select_nth_unstable_by(lo, f64::total_cmp);
    // The next rank up is the least of those above.
    let at_hi = if hi == lo {
        at_lo
    } else {
        above.iter().copied().min_by(f64::total_cmp)?
    };
    Some(at_lo + (h - lo as f64) * (at_hi - at_lo))
}

fn velocity(values: &[f64]) -> Option<Velocity> {
    if (values.len() as u64) < MIN_BASE {
        return None;
    }
    let mut v = values.to_vec();
    Some(Velocity {
        n: values.len() as u64,
        median_days: quantile_of(&mut v, 0.5)?,
        p80_days: quantile_of(&mut v, 0.8)?,
    })
}

/// Whether an opportunity counts in the funnel: new business (no type counts as such).
pub(crate) fn new_business(o: &Opportunity) -> bool {
    matches!(o.deal_type, None | Some(DealType::NewBusiness))
}

/// The channel each lead-source name counts under, looked up once per name.
pub(crate) struct Channels<'a> {
    charter: &'a Charter,
    records: &'a Records,
    /// By name index: `None` not yet looked up.
    seen: Vec<Option<usize>>,
}

impl<'a> Channels<'a> {
    pub fn new(charter: &'a Charter, records: &'a Records) -> Self {
        Channels {
            charter,
            records,
            seen: Vec::new(),
        }
    }

    /// The index of the channel in `charter.channels`, or `channels.len()` for unmapped.
    pub fn of(&mut self, source: Name) -> usize {
        let (charter, records) = (self.charter, self.records);
        let i = source as usize;
        if i >= self.seen.len() {
            self.seen.resize(records.names.len().max(i + 1), None);
        }
        *self.seen[i].get_or_insert_with(|| {
            charter
                .channel_for_source(records.name(source))
                .and_then(|id| charter.channels.iter().position(|c| c.id == id))
                .unwrap_or(charter.channels.len())
        })
    }

    pub fn name(&self, index: usize) -> &'a str {
        self.charter
            .channels
            .get(index)
            .map_or(UNMAPPED, |c| c.id.as_str())
    }
}

/// The maturity of the cohort of `month` when `today` is the first day not over.
pub fn maturity(month: NaiveDate, today: NaiveDate) -> Maturity {
    let end = add_months(month, 1);
    if today < end {
        Maturity::Partial
    } else if today < end + Duration::days(MATURITY_DAYS) {
        Maturity::Maturing
    } else {
        Maturity::Mature
    }
}

fn trend(now: &Cohort, before: &Cohort) -> Option<Trend> {
    if now.maturity != Maturity::Mature || before.maturity != Maturity::Mature {
        return None;
    }
    let d = |a: Option<f64>, b: Option<f64>| Some(a? - b?);
    let (a, b) = (&now.stages, &before.stages);
    let t = Trend {
        lead_to_mql: d(a.lead_to_mql, b.lead_to_mql),
        mql_to_sql: d(a.mql_to_sql, b.mql_to_sql),
        sql_to_opportunity: d(a.sql_to_opportunity, b.sql_to_opportunity),
        opportunity_to_won: d(a.opportunity_to_won, b.opportunity_to_won),
    };
    // Two months without a single rate to compare have no trend.
    (t != Trend::default()).then_some(t)
}

/// Cohorts from one tally per month (oldest first), with maturity and trend.
fn cohorts(months: &[NaiveDate], tallies: &[Tally], today: NaiveDate) -> Vec<Cohort> {
    let mut out: Vec<Cohort> = Vec::with_capacity(months.len());
    for (month, tally) in months.iter().zip(tallies) {
        let mut c = Cohort {
            month: *month,
            maturity: maturity(*month, today),
            stages: tally.stages(),
            trend: None,
        };
        c.trend = out.last().and_then(|before| trend(&c, before));
        out.push(c);
    }
    out
}

/// The funnel of the review month starting `month`, from records cut to `clock`.
pub fn review(
    charter: &Charter,
    records: &Records,
    month: NaiveDate,
    clock: &Clock,
) -> FunnelReview {
    let month = month_start(month);
    // The first day not over on the clock: a month ending by it is over.
    let today = clock.last_day_over() + Duration::days(1);
    let first = add_months(month, 1 - COHORT_MONTHS as i32);
    let months: Vec<NaiveDate> = (0..COHORT_MONTHS as i32)
        .map(|i| add_months(first, i))
        .collect();
    let index = |created: NaiveDateTime| {
        let m = month_start(local_day(charter, created));
        months.iter().position(|x| *x == m)
    };
    let n_channels = charter.channels.len() + 1;
    let mut channels = Channels::new(charter, records);
    let mut all = vec![Tally::default(); months.len()];
    let mut by_channel = vec![vec![Tally::default(); months.len()]; n_channels];
    let mut by_geo: std::collections::BTreeMap<&str, Tally> = Default::default();
    let last = months.len() - 1;
    let geo = |g: Option<Name>| g.map_or(NO_GEO, |g| records.name(g));
    let end = add_months(month, 1);
    for l in super::derive::counted_among(charter, records, records.leads.around(first, end)) {
        let Some(i) = index(l.created) else { continue };
        let c = channels.of(l.source);
        all[i].lead(l);
        by_channel[c][i].lead(l);
        if i == last {
            by_geo.entry(geo(l.geo)).or_default().lead(l);
        }
    }
    for o in records
        .opportunities
        .around(first, end)
        .filter(|o| new_business(o))
    {
        let Some(i) = index(o.created) else { continue };
        let c = channels.of(o.source);
        all[i].opportunity(o);
        by_channel[c][i].opportunity(o);
        if i == last {
            by_geo.entry(geo(o.geo)).or_default().opportunity(o);
        }
    }
    let cohorts_all = cohorts(&months, &all, today);
    let channel_cohorts: Vec<ChannelCohorts> = by_channel
        .iter()
        .enumerate()
        .filter(|(_, t)| t.iter().any(|t| t.leads + t.opportunities > 0))
        .map(|(c, t)| ChannelCohorts {
            channel: channels.name(c).to_string(),
            cohorts: cohorts(&months, t, today),
        })
        .collect();
    let by_channel = channel_cohorts
        .iter()
        .map(|c| Segment {
            name: c.channel.clone(),
            stages: c.cohorts[last].stages.clone(),
        })
        .collect();
    let mut by_geo: Vec<Segment> = by_geo
        .into_iter()
        .map(|(name, t)| Segment {
            name: name.to_string(),
            stages: t.stages(),
        })
        .collect();
    by_geo.sort_by_key(|s| s.name == NO_GEO);
    FunnelReview {
        month,
        as_of: clock.last_day_over(),
        min_base: MIN_BASE,
        maturity_days: MATURITY_DAYS,
        overall: cohorts_all[last].clone(),
        by_channel,
        by_geo,
        cohorts: cohorts_all,
        channel_cohorts,
        response: super::funnel_response::response(charter, records, first, month, clock),
    }
}

#[cfg(test)]
#[path = "funnel_tests.rs"]
mod tests;
