//! The funnel records' data quality (seed 003: duplicate records, missing detail, wrong
//! codes make dashboards lose credibility). Over the leads and opportunities created in a
//! span (local days) it counts, each record once per problem:
//! - duplicates: a lead whose email another lead of the same system already has, or a
//!   record whose id (after a `system:` prefix) another record of the same system and
//!   kind already has under a different stored id (two files naming one record twice);
//! - missing source: an empty lead-source value;
//! - unmapped: a source value no channel of the charter names (kept under `unmapped`
//!   when the charter buckets them);
//! - impossible stage orders: SQL before MQL, MQL before creation, won without an amount,
//!   close before creation.
//!
//! The share is the records with at least one problem over all the span's records; the
//! control fails above `[funnel] quality_max_share`. Beside the share, not in it (a
//! channel is not a record): spend no channel's `campaigns` names, paid channels with
//! leads but no spend source, and paid channels with spend but no lead or opportunity.

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use chrono::{Duration, NaiveDate};
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::Status;
use super::controls::{Check, Detail, NoData};
use super::derive::local_day;
use super::kpis::Span;
use super::record_recon::bare_id;
use crate::charter::Charter;
use crate::facts::{ByCreated, Created, Dataset, Name, Records};

/// One kind of problem: how many records have it, and the first few ids.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Problem {
    pub count: usize,
    /// Up to [`EXAMPLES`] ids as stored.
    pub examples: Vec<String>,
}

/// How many ids a problem keeps as examples.
pub const EXAMPLES: usize = 10;

impl Problem {
    fn add(&mut self, id: &str) {
        self.count += 1;
        if self.examples.len() < EXAMPLES {
            self.examples.push(id.to_string());
        }
    }
}

/// The span's data-quality problems.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Quality {
    /// First and last local day of the span.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Leads and opportunities created in the span.
    pub records: usize,
    /// Records with at least one problem.
    pub with_problem: usize,
    /// `with_problem / records`, a fraction; `None` without records.
    pub share: Option<f64>,
    /// The charter's `quality_max_share`.
    pub max_share: f64,
    pub duplicate_email: Problem,
    pub duplicate_id: Problem,
    pub missing_source: Problem,
    pub unmapped_source: Problem,
    /// The unmapped source values with their record counts, most first.
    pub unmapped_values: Vec<(String, usize)>,
    pub sql_before_mql: Problem,
    pub mql_before_created: Problem,
    pub won_without_amount: Problem,
    pub close_before_created: Problem,
    /// Spend no channel's `campaigns` names: (platform, campaign), currency.
    pub unmapped_spend: Vec<(String, String, f64)>,
    /// Paid channels with leads or opportunities but no spend source.
    pub leads_without_spend: Vec<String>,
    /// Paid channels with spend but no lead or opportunity in the span.
    pub spend_without_leads: Vec<String>,
}

impl Quality {
    /// Fails above the charter's share; `None` without records.
    pub fn status(&self) -> Status {
        match self.share {
            None => Status::NoData,
            Some(s) if s > self.max_share => Status::Fail,
            Some(_) => Status::Pass,
        }
    }
}

/// The data quality of the records created in `span`. `records` must already be cut to
/// the clock.
pub fn assess(charter: &Charter, records: &Records, span: Span) -> Quality {
    let inside = |t| span.contains(local_day(charter, t));
    let mut q = Quality {
        from: span.from,
        to: span.to - Duration::days(1),
        max_share: charter.funnel.quality_max_share,
        ..Quality::default()
    };
    let mut channel_of: FxHashMap<Name, Option<&str>> = FxHashMap::default();
    let mut channel = |name: Name| {
        *channel_of
            .entry(name)
            .or_insert_with(|| charter.channel_for_source(records.name(name)))
    };
    let mut unmapped: FxHashMap<&str, usize> = FxHashMap::default();
    let mut sourced: BTreeSet<&str> = BTreeSet::new();
    let mut source_problems = |q: &mut Quality, id: &str, source: Name| -> bool {
        let text = records.name(source);
        if text.trim().is_empty() {
            q.missing_source.add(id);
            return true;
        }
        match channel(source) {
            Some(c) => {
                sourced.insert(c);
                false
            }
            None => {
                q.unmapped_source.add(id);
                *unmapped.entry(text).or_default() += 1;
                true
            }
        }
    };
    let (at, flags) = repeats(charter, &records.leads, span, |l| {
        (l.system, &l.id, l.email.as_ref())
    });
    for (i, lead) in records
        .leads
        .indexed(at.clone())
        .filter(|(_, l)| inside(l.created))
    {
        let id = &*lead.id;
        let mut bad = source_problems(&mut q, id, lead.source);
        let flag = flags[i - at.start];
        if flag & EMAIL != 0 {
            q.duplicate_email.add(id);
            bad = true;
        }
        if flag & ID != 0 {
            q.duplicate_id.add(id);
            bad = true;
        }
        if let (Some(m), Some(s)) = (lead.mql_at, lead.sql_at)
            && s < m
        {
            q.sql_before_mql.add(id);
            bad = true;
        }
        if lead.mql_at.is_some_and(|m| m < lead.created) {
            q.mql_before_created.add(id);
            bad = true;
        }
        q.records += 1;
        q.with_problem += usize::from(bad);
    }
    let (at, flags) = repeats(charter, &records.opportunities, span, |o| {
        (o.system, &o.id, None)
    });
    for (i, opp) in records
        .opportunities
        .indexed(at.clone())
        .filter(|(_, o)| inside(o.created))
    {
        let id = &*opp.id;
        let mut bad = source_problems(&mut q, id, opp.source);
        if flags[i - at.start] & ID != 0 {
            q.duplicate_id.add(id);
            bad = true;
        }
        if opp.won == Some(true) && opp.amount <= 0.0 {
            q.won_without_amount.add(id);
            bad = true;
        }
        if opp
            .close_date
            .is_some_and(|d| d < local_day(charter, opp.created))
        {
            q.close_before_created.add(id);
            bad = true;
        }
        q.records += 1;
        q.with_problem += usize::from(bad);
    }
    q.share = (q.records > 0).then(|| q.with_problem as f64 / q.records as f64);
    let mut values: Vec<(String, usize)> = unmapped
        .into_iter()
        .map(|(v, n)| (v.to_string(), n))
        .collect();
    values.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    q.unmapped_values = values;
    spend_sources(charter, records, span, &sourced, &mut q);
    q
}

/// Spend against leads, channel by channel.
fn spend_sources(
    charter: &Charter,
    records: &Records,
    span: Span,
    sourced: &BTreeSet<&str>,
    q: &mut Quality,
) {
    let mut spent: BTreeSet<&str> = BTreeSet::new();
    let mut unmapped: FxHashMap<(&str, &str), f64> = FxHashMap::default();
    for s in records.spend.iter().filter(|s| span.contains(s.date)) {
        let (p, c) = (records.name(s.platform), records.name(s.campaign));
        match charter.channel_for_spend(p, c) {
            Some(ch) if s.cost > 0.0 => {
                spent.insert(ch);
            }
            Some(_) => {}
            None => *unmapped.entry((p, c)).or_default() += s.cost,
        }
    }
    let mut list: Vec<(String, String, f64)> = unmapped
        .into_iter()
        .map(|((p, c), x)| (p.to_string(), c.to_string(), x))
        .collect();
    list.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    q.unmapped_spend = list;
    let has_spend_records = !records.spend.is_empty();
    for c in charter.channels.iter().filter(|c| c.paid) {
        let id = c.id.as_str();
        // Without any spend record the workspace keeps spend in the channels file.
        if has_spend_records && sourced.contains(id) && !spent.contains(id) {
            q.leads_without_spend.push(id.to_string());
        }
        if spent.contains(id) && !sourced.contains(id) && !records.leads.is_empty() {
            q.spend_without_leads.push(id.to_string());
        }
    }
}

/// The records' values no channel names, with their record counts, over `span`: the
/// short data-quality line the weekly and monthly reviews show when there are any.
pub fn unmapped_line(charter: &Charter, data: &Dataset, span: Span) -> Option<(usize, usize)> {
    let q = assess(charter, &data.records, span);
    (q.unmapped_source.count > 0).then_some((q.unmapped_source.count, q.unmapped_values.len()))
}

/// `rhythm check`'s data-quality control, over every record created in the charter's
/// `reconciliation_window` (the weekly detective controls read the same weeks).
pub(super) fn check(charter: &Charter, data: &Dataset, at: NaiveDate) -> Check {
    let span = super::window::span(charter, charter.controls.reconciliation_window, at);
    let q = assess(charter, &data.records, span);
    Check {
        id: "data-quality".into(),
        name: "Funnel data quality".into(),
        status: q.status(),
        value: q.share,
        target: Some(q.max_share),
        detail: match q.share {
            None => Detail::NoData(NoData::NoRecords {
                from: q.from,
                to: q.to,
            }),
            Some(_) => Detail::Quality(Box::new(q)),
        },
        kpi: None,
    }
}

/// A row repeats an earlier row's (pseudonymised) email within its system.
const EMAIL: u8 = 1;
/// A row's id (after a `system:` prefix) is an earlier row's of the same system and
/// kind, under a different stored id.
const ID: u8 = 2;

/// A stored id, compared and hashed by its part after a `system:` prefix.
#[derive(Debug, Clone)]
struct Bare(Arc<str>);

impl PartialEq for Bare {
    fn eq(&self, other: &Self) -> bool {
        bare_id(&self.0) == bare_id(&other.0)
    }
}

impl Eq for Bare {}

impl std::hash::Hash for Bare {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        bare_id(&self.0).hash(state);
    }
}

/// No earlier row.
const NONE: u32 = u32::MAX;

/// For each row from `from`, the nearest earlier row with its key, whatever span is
/// asked: a row repeats a key in a span when such a row, or one before it along the
/// same chain, is in the span. A row's key is the record's, which a cut keeps, so a
/// later clock only adds rows and an earlier one reads fewer; rolling windows (a week,
/// the reconciliation window) need no hashing of their own.
#[derive(Default)]
struct Earlier {
    /// The rows covered: `from..from + email.len()`.
    from: usize,
    /// The nearest earlier row with the same (system, email); `NONE` if none covered.
    email: Vec<u32>,
    /// The nearest earlier row with the same (system, id after its `system:` prefix).
    id: Vec<u32>,
    last_email: FxHashMap<(Option<Name>, Arc<str>), u32>,
    last_id: FxHashMap<(Option<Name>, Bare), u32>,
}

/// How far before a span that starts before the rows covered they are covered again.
const REACH_BACK_DAYS: i64 = 92;

/// [`Earlier`], kept with the rows ([`ByCreated::memo`]).
#[derive(Default)]
struct Repeats(Mutex<Earlier>);

/// Where the rows of `span` are and each one's repeat flags (by index from the
/// range's start), as counting the span's rows oldest first against those before them
/// in it would set them; `keys` gives a row's (system, stored id, email).
fn repeats<T: Created + Clone>(
    charter: &Charter,
    rows: &ByCreated<T>,
    span: Span,
    keys: impl Fn(&T) -> (Option<Name>, &Arc<str>, Option<&Arc<str>>),
) -> (Range<usize>, Vec<u8>) {
    let zone = charter.partnership.timezone;
    let inside = |t| span.contains(crate::calendar::local_day(zone, t));
    let at = rows.around_at(span.from, span.to);
    let memo = rows.memo::<Repeats>();
    let mut seen = memo.0.lock().unwrap_or_else(|e| e.into_inner());
    // Nothing covered yet: cover from the span's start (rows before the first span
    // asked need never be hashed). A span starting before the rows covered: cover again
    // from a quarter before it, so stepping back week by week starts over once a quarter.
    if seen.email.is_empty() || at.start < seen.from {
        let from = if seen.email.is_empty() {
            at.start
        } else {
            rows.around_at(span.from - Duration::days(REACH_BACK_DAYS), span.to)
                .start
        };
        *seen = Earlier {
            from,
            ..Earlier::default()
        };
    }
    let covered = seen.from + seen.email.len();
    for (i, row) in rows.indexed(covered..at.end) {
        let (system, id, email) = keys(row);
        let i = i as u32;
        let e = match email.filter(|e| !e.is_empty()) {
            Some(e) => seen.last_email.insert((system, Arc::clone(e)), i),
            None => None,
        };
        let d = seen.last_id.insert((system, Bare(Arc::clone(id))), i);
        seen.email.push(e.unwrap_or(NONE));
        seen.id.push(d.unwrap_or(NONE));
    }
    // The nearest earlier row along `chain` that is in the span.
    let in_span = |chain: &[u32], mut p: u32| -> Option<usize> {
        while p != NONE && p as usize >= at.start {
            let row = rows.get(p as usize)?;
            if inside(row.created()) {
                return Some(p as usize);
            }
            p = chain[p as usize - seen.from];
        }
        None
    };
    let mut flags = Vec::with_capacity(at.len());
    for (i, row) in rows.indexed(at.clone()) {
        let mut flag = 0;
        let k = i - seen.from;
        if seen.email[k] != NONE && in_span(&seen.email, seen.email[k]).is_some() {
            flag |= EMAIL;
        }
        if seen.id[k] != NONE
            && let Some(p) = in_span(&seen.id, seen.id[k])
            && rows
                .get(p)
                .is_some_and(|other| keys(other).1 != keys(row).1)
        {
            flag |= ID;
        }
        flags.push(flag);
    }
    (at, flags)
}

#[cfg(test)]
#[path = "quality_tests.rs"]
mod tests;
