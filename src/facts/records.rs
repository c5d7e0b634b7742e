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
    pub leads: ByCreated<Lead>,
    pub opportunities: ByCreated<Opportunity>,
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

/// A record with a creation time.
pub trait Created {
    fn created(&self) -> NaiveDateTime;
}

impl Created for Lead {
    fn created(&self) -> NaiveDateTime {
        self.created
    }
}

impl Created for Opportunity {
    fn created(&self) -> NaiveDateTime {
        self.created
    }
}

/// Rows kept oldest first by creation, whoever builds them (equal times keep the order
/// they came in), so a window of days is a binary search. Shared, not copied, when
/// cloned: the data cut to a clock that changes none of them is the same rows.
#[derive(Debug, Clone, PartialEq)]
pub struct ByCreated<T>(std::sync::Arc<Vec<T>>);

impl<T> Default for ByCreated<T> {
    fn default() -> Self {
        ByCreated(std::sync::Arc::new(Vec::new()))
    }
}

impl<T: Created + Clone> ByCreated<T> {
    pub fn new(mut rows: Vec<T>) -> Self {
        if !rows.is_sorted_by_key(Created::created) {
            rows.sort_by_key(Created::created);
        }
        ByCreated(std::sync::Arc::new(rows))
    }

    /// Adds `row` after every row created no later than it.
    pub fn push(&mut self, row: T) {
        let rows = std::sync::Arc::make_mut(&mut self.0);
        let at = rows.partition_point(|r| r.created() <= row.created());
        rows.insert(at, row);
    }

    /// Changes the rows in place; they are put back in order after.
    pub fn edit(&mut self, change: impl FnOnce(&mut Vec<T>)) {
        let rows = std::sync::Arc::make_mut(&mut self.0);
        change(rows);
        if !rows.is_sorted_by_key(Created::created) {
            rows.sort_by_key(Created::created);
        }
    }

    /// Keeps the rows `keep` accepts (the order stays).
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        std::sync::Arc::make_mut(&mut self.0).retain(keep);
    }

    /// Whether `self` and `other` are the same rows in memory (one shared, not copied).
    pub fn shares(&self, other: &ByCreated<T>) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }

    /// The rows that may have been created on the local days `from..to` in any zone
    /// (UTC offsets are within ±14 hours): a superset, to be filtered by local day.
    pub fn around(&self, from: NaiveDate, to: NaiveDate) -> &[T] {
        let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight exists");
        let day = chrono::Duration::days(1);
        let (lo, hi) = (midnight(from) - day, midnight(to) + day);
        let start = self.0.partition_point(|r| r.created() < lo);
        let end = self.0.partition_point(|r| r.created() < hi);
        &self.0[start..end.max(start)]
    }

    /// The rows created no later than `t` (the first ones).
    pub fn until(&self, t: NaiveDateTime) -> &[T] {
        &self.0[..self.0.partition_point(|r| r.created() <= t)]
    }
}

impl<T: Created + Clone> From<Vec<T>> for ByCreated<T> {
    fn from(rows: Vec<T>) -> Self {
        ByCreated::new(rows)
    }
}

impl<T: Created + Clone> FromIterator<T> for ByCreated<T> {
    fn from_iter<I: IntoIterator<Item = T>>(rows: I) -> Self {
        ByCreated::new(rows.into_iter().collect())
    }
}

impl<T> std::ops::Deref for ByCreated<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<'a, T> IntoIterator for &'a ByCreated<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
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
    fn rows_by_creation_stay_in_order_and_a_window_holds_every_lead_of_its_days() {
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
            .leads
            .around(day(4), day(6))
            .iter()
            .map(|l| l.created)
            .collect();
        assert_eq!(got, vec![at(3, 10), at(5, 1), at(6, 12)]);
        assert!(sorted.leads.around(day(20), day(25)).is_empty());
        // Built out of order, or pushed late: kept in order all the same.
        let mut shuffled: Vec<Lead> = times.iter().rev().map(|&t| lead(t)).collect();
        let last = shuffled.remove(2);
        let mut rows = ByCreated::new(shuffled);
        rows.push(last);
        assert_eq!(rows, sorted.leads);
        assert_eq!(rows.until(at(5, 1)).len(), 4);
        // Edited in place: in order again after.
        rows.edit(|rows| rows[0].created = at(10, 0));
        assert_eq!(rows.last().map(|l| l.created), Some(at(10, 0)));
    }
}
