//! The records summed by week, with no clock in them: what the weekly channel facts,
//! the records' freshness and the reviewed week's unmapped line are read from at any
//! clock (`rhythm::tally` builds and reads them). A sum is over the records of one
//! local week (the charter's zone and week start) and one origin; the first instant a
//! record of the row was created says from which clock on the row exists. Kept in the
//! store (`store::kept`), they give the cockpit its first frame without the records.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Which system a lead lives in, as the derivation asks it (`[funnel] map_system`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LeadSystem {
    /// The record names no system.
    Unnamed,
    /// The charter's MAP.
    Map,
    /// Another system (the CRM's copy of the person).
    Other,
}

/// Leads of one source and system, by week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadTally {
    pub week: NaiveDate,
    /// Index into [`Tallies::names`].
    pub source: u32,
    pub system: LeadSystem,
    /// The first instant a lead of the row was created in the week; None: none was.
    pub first: Option<NaiveDateTime>,
    /// Leads created in the week.
    pub created: u64,
    /// Leads that crossed the stage in the week, created no later than that week.
    pub mqls: u64,
    pub sqls: u64,
}

/// Opportunities of one source, new business or not, by week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpportunityTally {
    pub week: NaiveDate,
    pub source: u32,
    /// New business (or no type said, the CRMs' default).
    pub new_business: bool,
    pub first: Option<NaiveDateTime>,
    /// Created in the week, and the sum of their amounts in millionths of the currency:
    /// whole numbers, so the sum is exact and no order of adding moves a cent.
    pub created: u64,
    pub amount_micros: i128,
    /// Won with a close date in the week, created no later than that week.
    pub won: u64,
}

/// Ad cost of one platform and campaign, by week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpendTally {
    pub week: NaiveDate,
    pub platform: u32,
    pub campaign: u32,
    /// The first day of the week with a row: the row exists once that day is over.
    pub first: NaiveDate,
    /// In millionths of the currency, as the amounts.
    pub cost_micros: i128,
}

/// What a late record crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LateStage {
    Mql,
    Sql,
    Won,
}

/// A stage crossed in a week before its record's creation week (an impossible order the
/// data-quality control names): it counts in its week only from the record's creation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Late {
    pub week: NaiveDate,
    pub source: u32,
    /// The lead's system; None: an opportunity (a new-business one).
    pub system: Option<LeadSystem>,
    pub stage: LateStage,
    /// The record's creation.
    pub created: NaiveDateTime,
}

/// Every record summed (see the module's text).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Tallies {
    /// The source, platform and campaign texts the rows name.
    pub names: Vec<String>,
    /// Sorted by week, source, system.
    pub leads: Vec<LeadTally>,
    /// Sorted by week, source, new business.
    pub opportunities: Vec<OpportunityTally>,
    /// Sorted by week, platform, campaign.
    pub spend: Vec<SpendTally>,
    pub late: Vec<Late>,
    /// By UTC date, oldest first: the first instant a lead was created on it (a kind's
    /// freshness is the UTC date of its newest record).
    pub lead_days: Vec<(NaiveDate, NaiveDateTime)>,
    pub opportunity_days: Vec<(NaiveDate, NaiveDateTime)>,
    /// The dates with spend, oldest first.
    pub spend_days: Vec<NaiveDate>,
}
