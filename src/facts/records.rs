//! The funnel's records as the systems of record hold them (`rhythm import leads`,
//! `opportunities`, `spend`): one value per lead, opportunity and day of ad cost. Text
//! that repeats across a million rows (a lead source, a geo) is kept once, in
//! `Records::names`, and rows refer to it by index.

use chrono::{NaiveDate, NaiveDateTime};

/// An index into [`Records::names`].
pub type Name = u32;

/// One lead or contact. Timestamps are UTC.
#[derive(Debug, Clone, PartialEq)]
pub struct Lead {
    /// As stored: a vendor export's id is `system:id`.
    /// Shared, not copied, when the records are cut to a clock.
    pub id: std::sync::Arc<str>,
    pub created: NaiveDateTime,
    /// The lead-source value as the system writes it.
    pub source: Name,
    pub mql_at: Option<NaiveDateTime>,
    pub sql_at: Option<NaiveDateTime>,
    pub geo: Option<Name>,
    pub segment: Option<Name>,
    pub first_response_at: Option<NaiveDateTime>,
    /// Where the record lives (`hubspot`, `salesforce`, `marketo` …); `None`: not said.
    pub system: Option<Name>,
    /// Lower-cased, pseudonymised when the charter says so: only for matching records.
    pub email: Option<std::sync::Arc<str>>,
}

/// An opportunity's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DealType {
    NewBusiness,
    Renewal,
    Expansion,
}

impl DealType {
    /// The stored form (`new business`, `renewal`, `expansion`).
    pub fn parse(text: &str) -> Option<DealType> {
        match text {
            "new business" => Some(DealType::NewBusiness),
            "renewal" => Some(DealType::Renewal),
            "expansion" => Some(DealType::Expansion),
            _ => None,
        }
    }
}

/// One CRM opportunity.
#[derive(Debug, Clone, PartialEq)]
pub struct Opportunity {
    pub id: std::sync::Arc<str>,
    pub created: NaiveDateTime,
    /// Currency.
    pub amount: f64,
    pub source: Name,
    pub stage: Name,
    pub close_date: Option<NaiveDate>,
    /// `None`: open.
    pub won: Option<bool>,
    /// `None`: the file did not say (counted as new business, the CRM default).
    pub deal_type: Option<DealType>,
    pub geo: Option<Name>,
    pub system: Option<Name>,
}

/// Ad cost of one campaign on one day (a week's total is dated by a day in the week).
#[derive(Debug, Clone, PartialEq)]
pub struct Spend {
    pub date: NaiveDate,
    pub platform: Name,
    pub campaign: Name,
    pub account: Option<Name>,
    /// Currency.
    pub cost: f64,
    pub impressions: Option<u64>,
    pub clicks: Option<u64>,
}

/// Every record, oldest first by creation (spend by date).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Records {
    /// The distinct texts rows refer to by [`Name`].
    pub names: Vec<Box<str>>,
    pub leads: Vec<Lead>,
    pub opportunities: Vec<Opportunity>,
    pub spend: Vec<Spend>,
}

impl Records {
    /// The text of `name`.
    pub fn name(&self, name: Name) -> &str {
        &self.names[name as usize]
    }

    pub fn is_empty(&self) -> bool {
        self.leads.is_empty() && self.opportunities.is_empty() && self.spend.is_empty()
    }
}
