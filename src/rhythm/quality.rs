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

use chrono::{Duration, NaiveDate};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use super::Status;
use super::controls::{Check, Detail, NoData};
use super::derive::local_day;
use super::kpis::Span;
use super::record_recon::bare_id;
use crate::charter::Charter;
use crate::facts::{Dataset, Name, Records};

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
    let mut emails: FxHashSet<(Option<Name>, &str)> = FxHashSet::default();
    let mut ids: FxHashMap<(bool, Option<Name>, &str), &str> = FxHashMap::default();
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
    for lead in records
        .leads
        .around(span.from, span.to)
        .filter(|l| inside(l.created))
    {
        let id = &*lead.id;
        let mut bad = source_problems(&mut q, id, lead.source);
        if let Some(e) = lead.email.as_deref().filter(|e| !e.is_empty())
            && !emails.insert((lead.system, e))
        {
            q.duplicate_email.add(id);
            bad = true;
        }
        if let Some(other) = ids.insert((true, lead.system, bare_id(id)), id)
            && other != id
        {
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
    for opp in records
        .opportunities
        .around(span.from, span.to)
        .filter(|o| inside(o.created))
    {
        let id = &*opp.id;
        let mut bad = source_problems(&mut q, id, opp.source);
        if let Some(other) = ids.insert((false, opp.system, bare_id(id)), id)
            && other != id
        {
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

#[cfg(test)]
#[path = "quality_tests.rs"]
mod tests;
