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

    /// The leads that may have been created on the local days `from..to` in any zone
    /// (UTC offsets are within ±14 hours): a superset, to be filtered by local day.
    /// Leads are kept oldest first; should they not be (a hand-built set), all of them.
    pub fn leads_around(&self, from: NaiveDate, to: NaiveDate) -> &[Lead] {
        around(&self.leads, |l| l.created, from, to)
    }

    /// [`Records::leads_around`] for opportunities.
    pub fn opportunities_around(&self, from: NaiveDate, to: NaiveDate) -> &[Opportunity] {
        around(&self.opportunities, |o| o.created, from, to)
    }

    pub fn is_empty(&self) -> bool {
        self.leads.is_empty() && self.opportunities.is_empty() && self.spend.is_empty()
    }
}

/// The rows of `rows` (oldest first by `created`) created from a day before `from` to a
/// day after `to`, by binary search; all of them when they are not in that order.
fn around<T>(
    rows: &[T],
    created: impl Fn(&T) -> NaiveDateTime,
    from: NaiveDate,
    to: NaiveDate,
) -> &[T] {
    if !rows.is_sorted_by_key(&created) {
        return rows;
    }
    let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight exists");
    let day = chrono::Duration::days(1);
    let (lo, hi) = (midnight(from) - day, midnight(to) + day);
    let start = rows.partition_point(|r| created(r) < lo);
    let end = rows.partition_point(|r| created(r) < hi);
    &rows[start..end.max(start)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(created: NaiveDateTime) -> Lead {
        Lead {
            id: "x".into(),
            created,
            source: 0,
            mql_at: None,
            sql_at: None,
            geo: None,
            segment: None,
            first_response_at: None,
            system: None,
            email: None,
        }
    }

    #[test]
    fn leads_around_days_hold_every_lead_of_those_days_in_any_zone() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
        let at = |d: u32, h: u32| day(d).and_hms_opt(h, 0, 0).unwrap();
        let times = [
            at(1, 0),
            at(2, 23),
            at(3, 10),
            at(5, 1),
            at(6, 12),
            at(9, 0),
        ];
        let sorted = Records {
            leads: times.iter().map(|&t| lead(t)).collect(),
            ..Records::default()
        };
        // Local days 4..6 in any zone: UTC from the 3rd 00:00 to before the 7th 00:00.
        let got: Vec<_> = sorted
            .leads_around(day(4), day(6))
            .iter()
            .map(|l| l.created)
            .collect();
        assert_eq!(got, vec![at(3, 10), at(5, 1), at(6, 12)]);
        assert!(sorted.leads_around(day(20), day(25)).is_empty());
        // Out of order: every lead, for the caller's own filter.
        let mut shuffled = sorted.clone();
        shuffled.leads.swap(0, 4);
        assert_eq!(shuffled.leads_around(day(4), day(6)).len(), times.len());
    }
}
