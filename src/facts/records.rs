//! The funnel's records as the systems of record hold them (`rhythm import leads`,
//! `opportunities`, `spend`): one value per lead, opportunity and day of ad cost. Text
//! that repeats across a million rows (a lead source, a geo) is kept once, in
//! `Records::names`, and rows refer to it by index.

use std::any::Any;
use std::sync::{Arc, Mutex};

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

impl Lead {
    /// A lead with only what every lead has: nothing crossed, nothing optional known.
    pub fn new(id: &str, created: NaiveDateTime, source: Name) -> Lead {
        Lead {
            id: id.into(),
            created,
            source,
            mql_at: None,
            sql_at: None,
            geo: None,
            segment: None,
            first_response_at: None,
            system: None,
            email: None,
        }
    }
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
    /// Whether `other` is this record with only what a cut to a clock may change
    /// changed: its stages (a lead's stage times; an opportunity's stage and outcome).
    /// Everything else (creation, ids, keys, source, amounts, dates of record) stays,
    /// which is what a [`Memo`] may keep.
    fn same_but_stages(&self, other: &Self) -> bool;
}

impl Created for Lead {
    fn created(&self) -> NaiveDateTime {
        self.created
    }

    fn same_but_stages(&self, o: &Self) -> bool {
        self.id == o.id
            && self.created == o.created
            && self.source == o.source
            && self.geo == o.geo
            && self.segment == o.segment
            && self.system == o.system
            && self.email == o.email
    }
}

impl Created for Opportunity {
    fn created(&self) -> NaiveDateTime {
        self.created
    }

    fn same_but_stages(&self, o: &Self) -> bool {
        self.id == o.id
            && self.created == o.created
            && self.amount.to_bits() == o.amount.to_bits()
            && self.source == o.source
            && self.close_date == o.close_date
            && self.deal_type == o.deal_type
            && self.geo == o.geo
            && self.system == o.system
    }
}

/// What a floor above keeps about a set of rows to answer faster (an index, tallies
/// carried forward), one value per type, made on first use. Every clone and every cut
/// of the same rows shares it, so what it keeps may only rest on what a cut leaves as
/// it is ([`Created::same_but_stages`]) and on rows the asking cut holds; any change to
/// the rows themselves starts an empty one.
#[derive(Default)]
pub struct Memo(Mutex<Vec<Arc<dyn Any + Send + Sync>>>);

impl Memo {
    /// The memo of type `M`, made empty on first use.
    pub fn get<M: Any + Send + Sync + Default>(&self) -> Arc<M> {
        let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(m) = kept.iter().find_map(|m| Arc::clone(m).downcast::<M>().ok()) {
            return m;
        }
        let m = Arc::new(M::default());
        kept.push(Arc::clone(&m) as Arc<dyn Any + Send + Sync>);
        m
    }
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

/// Rows kept oldest first by creation, whoever builds them (equal times keep the order
/// they came in), so a window of days is a binary search.
///
/// Shared, not copied: a clone is the same rows, and the rows as they stood at a clock
/// ([`ByCreated::cut`]) are the first of them with the few the clock changes kept beside
/// (a lead whose MQL date is after the clock is, as of it, not yet an MQL). A cut never
/// changes a row's creation time, so the order holds and every window is still a binary
/// search.
#[derive(Debug, Clone)]
pub struct ByCreated<T> {
    rows: Arc<Vec<T>>,
    /// The rows seen are `rows[..end]`…
    end: usize,
    /// …with these in place of the ones at their index (ascending, each below `end`).
    changed: Arc<Vec<(usize, T)>>,
    /// Shared with every clone and cut of `rows`.
    memo: Arc<Memo>,
}

impl<T> Default for ByCreated<T> {
    fn default() -> Self {
        ByCreated {
            rows: Arc::new(Vec::new()),
            end: 0,
            changed: Arc::new(Vec::new()),
            memo: Arc::default(),
        }
    }
}

impl<T: Created + Clone> ByCreated<T> {
    pub fn new(mut rows: Vec<T>) -> Self {
        if !rows.is_sorted_by_key(Created::created) {
            rows.sort_by_key(Created::created);
        }
        ByCreated {
            end: rows.len(),
            rows: Arc::new(rows),
            changed: Arc::new(Vec::new()),
            memo: Arc::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.end
    }

    pub fn is_empty(&self) -> bool {
        self.end == 0
    }

    /// Every row, oldest first.
    pub fn iter(&self) -> Iter<'_, T> {
        self.range(0, self.end)
    }

    fn range(&self, from: usize, to: usize) -> Iter<'_, T> {
        let changed = &self.changed[self.changed.partition_point(|(i, _)| *i < from)..];
        Iter {
            rows: &self.rows,
            at: from,
            end: to,
            changed,
        }
    }

    /// How many rows were created before `t`.
    fn before(&self, t: NaiveDateTime) -> usize {
        self.rows[..self.end].partition_point(|r| r.created() < t)
    }

    /// How many rows were created no later than `t`.
    fn through(&self, t: NaiveDateTime) -> usize {
        self.rows[..self.end].partition_point(|r| r.created() <= t)
    }

    /// The rows that may have been created on the local days `from..to` in any zone
    /// (UTC offsets are within ±14 hours): a superset, to be filtered by local day.
    pub fn around(&self, from: NaiveDate, to: NaiveDate) -> Iter<'_, T> {
        let at = self.around_at(from, to);
        self.range(at.start, at.end)
    }

    /// Where [`ByCreated::around`]'s rows are: their indices. A row's index is the same
    /// in every cut that holds it.
    pub fn around_at(&self, from: NaiveDate, to: NaiveDate) -> std::ops::Range<usize> {
        let midnight = |d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight exists");
        let day = chrono::Duration::days(1);
        let start = self.before(midnight(from) - day);
        let stop = self.before(midnight(to) + day).max(start);
        start..stop
    }

    /// The rows at `at` (cut to the rows held), each with its index.
    pub fn indexed(&self, at: std::ops::Range<usize>) -> impl Iterator<Item = (usize, &T)> {
        let (from, to) = (at.start.min(self.end), at.end.min(self.end));
        (from..to).zip(self.range(from, to))
    }

    /// The row at index `i`, as this cut holds it.
    pub fn get(&self, i: usize) -> Option<&T> {
        if i >= self.end {
            return None;
        }
        Some(match self.changed.binary_search_by_key(&i, |(j, _)| *j) {
            Ok(k) => &self.changed[k].1,
            Err(_) => &self.rows[i],
        })
    }

    /// The rows' memo of type `M` (see [`Memo`]).
    pub fn memo<M: Any + Send + Sync + Default>(&self) -> Arc<M> {
        self.memo.get::<M>()
    }

    /// The rows created no later than `t`, each as `change` makes it (`None`: as it
    /// is). `change` may change only a row's stages ([`Created::same_but_stages`]).
    pub fn cut(&self, t: NaiveDateTime, change: impl Fn(&T) -> Option<T>) -> ByCreated<T> {
        let end = self.through(t);
        // A row changed by an earlier cut and not by this one stays as it was changed.
        let mut before = self.changed.iter().peekable();
        let mut changed: Vec<(usize, T)> = Vec::new();
        let mut any_new = false;
        for (i, row) in self.range(0, end).enumerate() {
            let was = before.next_if(|(j, _)| *j == i);
            if let Some(new) = change(row) {
                debug_assert!(new.same_but_stages(row), "a cut changes only stages");
                changed.push((i, new));
                any_new = true;
            } else if let Some((_, old)) = was {
                changed.push((i, old.clone()));
            }
        }
        if end == self.end && !any_new {
            return self.clone();
        }
        ByCreated {
            rows: Arc::clone(&self.rows),
            end,
            changed: Arc::new(changed),
            memo: Arc::clone(&self.memo),
        }
    }

    /// The rows as owned, to change them (a cut's rows become its own).
    fn own(&mut self) -> &mut Vec<T> {
        if self.end != self.rows.len() || !self.changed.is_empty() {
            let rows: Vec<T> = self.iter().cloned().collect();
            *self = ByCreated::new(rows);
        }
        // Rows changed in place are not the rows the memo was made of.
        self.memo = Arc::default();
        Arc::make_mut(&mut self.rows)
    }

    /// Adds `row` after every row created no later than it.
    pub fn push(&mut self, row: T) {
        let rows = self.own();
        let at = rows.partition_point(|r| r.created() <= row.created());
        rows.insert(at, row);
        self.end += 1;
    }

    /// Changes the rows in place; they are put back in order after.
    pub fn edit(&mut self, change: impl FnOnce(&mut Vec<T>)) {
        let rows = self.own();
        change(rows);
        if !rows.is_sorted_by_key(Created::created) {
            rows.sort_by_key(Created::created);
        }
        self.end = self.rows.len();
    }

    /// Keeps the rows `keep` accepts (the order stays).
    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.own().retain(keep);
        self.end = self.rows.len();
    }

    /// The rows as a vector of their own.
    pub fn to_vec(&self) -> Vec<T> {
        self.iter().cloned().collect()
    }

    pub fn last(&self) -> Option<&T> {
        self.range(self.end.saturating_sub(1), self.end).next()
    }

    /// Whether `self` and `other` are the same rows in memory, none changed (one
    /// shared, not copied).
    pub fn shares(&self, other: &ByCreated<T>) -> bool {
        Arc::ptr_eq(&self.rows, &other.rows)
            && self.end == other.end
            && self.changed.is_empty()
            && other.changed.is_empty()
    }
}

/// The rows of a [`ByCreated`] in order, changed ones in their place.
pub struct Iter<'a, T> {
    rows: &'a [T],
    at: usize,
    end: usize,
    changed: &'a [(usize, T)],
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        if self.at >= self.end {
            return None;
        }
        let row = match self.changed.split_first() {
            Some(((i, row), rest)) if *i == self.at => {
                self.changed = rest;
                row
            }
            _ => &self.rows[self.at],
        };
        self.at += 1;
        Some(row)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.end.saturating_sub(self.at);
        (n, Some(n))
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

impl<T: PartialEq + Created + Clone> PartialEq for ByCreated<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
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

impl<'a, T: Created + Clone> IntoIterator for &'a ByCreated<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lead(created: NaiveDateTime) -> Lead {
        Lead::new("x", created, 0)
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
            .map(|l| l.created)
            .collect();
        assert_eq!(got, vec![at(3, 10), at(5, 1), at(6, 12)]);
        assert_eq!(sorted.leads.around(day(20), day(25)).len(), 0);
        // Built out of order, or pushed late: kept in order all the same.
        let mut shuffled: Vec<Lead> = times.iter().rev().map(|&t| lead(t)).collect();
        let last = shuffled.remove(2);
        let mut rows = ByCreated::new(shuffled);
        rows.push(last);
        assert_eq!(rows, sorted.leads);
        assert_eq!(rows.cut(at(5, 1), |_| None).len(), 4);
        // Edited in place: in order again after.
        rows.edit(|rows| rows[0].created = at(10, 0));
        assert_eq!(rows.last().map(|l| l.created), Some(at(10, 0)));
    }

    #[test]
    fn a_cut_is_the_first_rows_with_the_changed_ones_in_place_and_a_cut_of_a_cut_keeps_both() {
        let at = |d: u32| {
            NaiveDate::from_ymd_opt(2026, 3, d)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap()
        };
        let rows: ByCreated<Lead> = (1..=10).map(|d| lead(at(d))).collect();
        // A cut changes only stages: the mark is an MQL `on` hours after creation.
        let mark = |l: &Lead, on: u32| Lead {
            mql_at: Some(l.created + chrono::Duration::hours(i64::from(on))),
            ..l.clone()
        };
        let tag = |l: &Lead| l.mql_at.map(|m| (m - l.created).num_hours() as u32);
        // Through the 8th; the 3rd and the 6th changed.
        let first = rows.cut(at(8), |l| {
            [at(3), at(6)].contains(&l.created).then(|| mark(l, 1))
        });
        let by_hand: Vec<Lead> = rows
            .iter()
            .filter(|l| l.created <= at(8))
            .map(|l| {
                if [at(3), at(6)].contains(&l.created) {
                    mark(l, 1)
                } else {
                    l.clone()
                }
            })
            .collect();
        assert_eq!(first.to_vec(), by_hand);
        assert!(!first.shares(&rows));
        // A window inside the cut sees the changed rows; one past its end sees nothing.
        let window: Vec<_> = first
            .around(at(4).date(), at(6).date())
            .map(|l| (l.created, tag(l)))
            .collect();
        assert_eq!(
            window,
            vec![
                (at(3), Some(1)),
                (at(4), None),
                (at(5), None),
                (at(6), Some(1))
            ]
        );
        assert_eq!(first.around(at(10).date(), at(12).date()).len(), 0);
        // Cut again through the 5th, changing the 4th: the 3rd stays changed, the 6th is gone.
        let second = first.cut(at(5), |l| (l.created == at(4)).then(|| mark(l, 2)));
        let tags: Vec<_> = second.iter().map(tag).collect();
        assert_eq!(tags, vec![None, None, Some(1), Some(2), None]);
        // A cut that changes nothing and keeps every row is the same rows.
        assert!(rows.cut(at(30), |_| None).shares(&rows));
        // Rows of a cut pushed to are its own, in order.
        let mut own = second.clone();
        own.push(lead(at(1)));
        assert_eq!(own.len(), 6);
        assert_eq!(own.iter().nth(3).map(tag), Some(Some(1)));
        assert_eq!(second.len(), 5);
    }
}
