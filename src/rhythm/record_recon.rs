//! MAP-vs-CRM reconciliation record by record (seed 000: funnel metric reconciliation,
//! detective, weekly). The leads whose `system` is the charter's `[funnel] map_system`
//! are set against those of its `crm_system`:
//! - a pair matches by id (the part after a `system:` prefix) or, failing that, by the
//!   (pseudonymised) email;
//! - a lead of either side created in the window (the charter's `reconciliation_window`,
//!   local days) with no match on the other side, among all its leads, is missing there;
//! - a matched pair disagrees on a stage (MQL, SQL) when one side crossed it and the other
//!   did not, or both did more than [`STAGE_TOLERANCE_DAYS`] apart.
//!
//! The control fails when the share of the window's persons with a problem (missing on a
//! side, or a stage that disagrees) exceeds the charter's `reconciliation_tolerance`.
//! A workspace whose records do not carry both systems keeps the typed weekly counts
//! (`reconciliation.rs`).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rustc_hash::FxHashMap;
use serde::Serialize;

use super::Status;
use super::controls::{Check, Detail, NoData};
use super::derive::local_day;
use super::kpis::Span;
use crate::charter::{Charter, key};
use crate::facts::{Dataset, Lead, Records};

/// Two stage dates further apart than this many days disagree (a day's slack absorbs
/// the two systems' sync lag and time zones).
pub const STAGE_TOLERANCE_DAYS: i64 = 1;

/// How many ids a list keeps; its `count` says how many there are.
pub const LIST_CAP: usize = 50;

/// Ids as stored, the first [`LIST_CAP`] sorted, and how many there are in all.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Ids {
    pub count: usize,
    pub ids: Vec<String>,
}

impl Ids {
    fn of(mut ids: Vec<String>) -> Ids {
        ids.sort();
        let count = ids.len();
        ids.truncate(LIST_CAP);
        Ids { count, ids }
    }
}

/// A funnel stage both systems date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Mql,
    Sql,
}

/// A matched pair whose stage dates disagree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageGap {
    /// The MAP record's id as stored.
    pub map_id: String,
    pub crm_id: String,
    pub stage: Stage,
    /// UTC; `None`: that side has not crossed the stage.
    pub map_at: Option<NaiveDateTime>,
    pub crm_at: Option<NaiveDateTime>,
}

/// The two systems' leads over a window, set against each other.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordRecon {
    pub map_system: String,
    pub crm_system: String,
    /// First and last local day of the window.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Leads of each side created in the window.
    pub map_leads: usize,
    pub crm_leads: usize,
    /// Pairs with at least one side created in the window.
    pub matched: usize,
    /// Of the matched pairs, how many matched by email (the rest by id).
    pub matched_by_email: usize,
    /// MAP leads of the window the CRM does not have.
    pub only_map: Ids,
    /// CRM leads of the window the MAP does not have.
    pub only_crm: Ids,
    /// Stage dates that disagree, first [`LIST_CAP`] by MAP id; `gap_count` in all.
    pub stage_gaps: Vec<StageGap>,
    pub gap_count: usize,
    /// Pairs with at least one stage that disagrees.
    pub pairs_disagreeing: usize,
    /// (missing on a side + pairs disagreeing) / (matched + missing on a side), a
    /// fraction; `None` when the window has no lead of either system.
    pub problem_share: Option<f64>,
}

/// The id without its `system:` prefix.
pub fn bare_id(id: &str) -> &str {
    id.split_once(':').map_or(id, |(_, rest)| rest)
}

/// Which of the records' names are `system` (a key), by index: looked up once per name,
/// not once per lead.
fn names_of(records: &Records, system: &str) -> Vec<bool> {
    records.names.iter().map(|n| key(n) == system).collect()
}

fn system_is(names: &[bool], lead: &Lead) -> bool {
    lead.system.is_some_and(|s| names[s as usize])
}

/// The charter's MAP and CRM names as matched (keys), when the charter names both.
fn systems(charter: &Charter) -> Option<(String, String)> {
    let f = &charter.funnel;
    Some((key(f.map_system.as_deref()?), key(f.crm_system.as_deref()?)))
}

/// Whether the record-level reconciliation applies: the charter names both systems and
/// the records carry leads of each.
pub fn applies(charter: &Charter, records: &Records) -> bool {
    let Some((map, crm)) = systems(charter) else {
        return false;
    };
    let has = |s: &str| super::derive::any_lead_of(&records.leads, &names_of(records, s));
    has(&map) && has(&crm)
}

/// One side's leads, indexed by bare id and by email.
struct Side<'a> {
    leads: Vec<&'a Lead>,
    by_id: FxHashMap<&'a str, usize>,
    by_email: FxHashMap<&'a str, usize>,
}

impl<'a> Side<'a> {
    fn of(records: &'a Records, system: &str) -> Side<'a> {
        let names = names_of(records, system);
        let leads: Vec<&Lead> = records
            .leads
            .iter()
            .filter(|l| system_is(&names, l))
            .collect();
        let mut by_id = FxHashMap::default();
        let mut by_email = FxHashMap::default();
        for (i, l) in leads.iter().enumerate() {
            by_id.entry(bare_id(&l.id)).or_insert(i);
            if let Some(e) = l.email.as_deref().filter(|e| !e.is_empty()) {
                by_email.entry(e).or_insert(i);
            }
        }
        Side {
            leads,
            by_id,
            by_email,
        }
    }

    /// The index of `lead`'s match here, and whether by email.
    fn find(&self, lead: &Lead) -> Option<(usize, bool)> {
        if let Some(&i) = self.by_id.get(bare_id(&lead.id)) {
            return Some((i, false));
        }
        let e = lead.email.as_deref().filter(|e| !e.is_empty())?;
        self.by_email.get(e).map(|&i| (i, true))
    }
}

/// Whether two stage dates disagree by the rule above.
fn disagree(a: Option<NaiveDateTime>, b: Option<NaiveDateTime>) -> bool {
    match (a, b) {
        (None, None) => false,
        (Some(a), Some(b)) => (a - b).abs() > Duration::days(STAGE_TOLERANCE_DAYS),
        _ => true,
    }
}

/// The window's leads of the two systems set against each other; `None` when the
/// charter does not name both systems. `records` must already be cut to the clock.
pub fn reconcile(charter: &Charter, records: &Records, span: Span) -> Option<RecordRecon> {
    let (map_key, crm_key) = systems(charter)?;
    let map = Side::of(records, &map_key);
    let crm = Side::of(records, &crm_key);
    let in_window = |l: &Lead| span.contains(local_day(charter, l.created));
    let mut pairs: Vec<(usize, usize, bool)> = Vec::new();
    let (mut only_map, mut only_crm) = (Vec::new(), Vec::new());
    let (mut map_leads, mut crm_leads) = (0, 0);
    for (i, l) in map.leads.iter().enumerate() {
        if !in_window(l) {
            continue;
        }
        map_leads += 1;
        match crm.find(l) {
            Some((j, by_email)) => pairs.push((i, j, by_email)),
            None => only_map.push(l.id.to_string()),
        }
    }
    for (j, l) in crm.leads.iter().enumerate() {
        if !in_window(l) {
            continue;
        }
        crm_leads += 1;
        match map.find(l) {
            // A pair whose MAP side is outside the window is still a pair of the window.
            Some((i, by_email)) => pairs.push((i, j, by_email)),
            None => only_crm.push(l.id.to_string()),
        }
    }
    pairs.sort_unstable();
    pairs.dedup_by_key(|p| (p.0, p.1));
    let mut gaps = Vec::new();
    let mut pairs_disagreeing = 0;
    for &(i, j, _) in &pairs {
        let (m, c) = (map.leads[i], crm.leads[j]);
        let before = gaps.len();
        for (stage, a, b) in [
            (Stage::Mql, m.mql_at, c.mql_at),
            (Stage::Sql, m.sql_at, c.sql_at),
        ] {
            if disagree(a, b) {
                gaps.push(StageGap {
                    map_id: m.id.to_string(),
                    crm_id: c.id.to_string(),
                    stage,
                    map_at: a,
                    crm_at: b,
                });
            }
        }
        pairs_disagreeing += usize::from(gaps.len() > before);
    }
    gaps.sort_by(|a, b| a.map_id.cmp(&b.map_id));
    let gap_count = gaps.len();
    gaps.truncate(LIST_CAP);
    let persons = pairs.len() + only_map.len() + only_crm.len();
    let problems = only_map.len() + only_crm.len() + pairs_disagreeing;
    Some(RecordRecon {
        map_system: charter.funnel.map_system.clone().unwrap_or_default(),
        crm_system: charter.funnel.crm_system.clone().unwrap_or_default(),
        from: span.from,
        to: span.to - Duration::days(1),
        map_leads,
        crm_leads,
        matched: pairs.len(),
        matched_by_email: pairs.iter().filter(|p| p.2).count(),
        only_map: Ids::of(only_map),
        only_crm: Ids::of(only_crm),
        stage_gaps: gaps,
        gap_count,
        pairs_disagreeing,
        problem_share: (persons > 0).then(|| problems as f64 / persons as f64),
    })
}

/// `rhythm check`'s MAP-vs-CRM control where the records carry both systems: fail when
/// the window's problem share exceeds the charter's `reconciliation_tolerance`, pass
/// otherwise; no data when the window has no lead of either system.
pub(super) fn check(charter: &Charter, data: &Dataset, at: NaiveDate) -> Check {
    let window = charter.controls.reconciliation_window;
    let tolerance = charter.controls.reconciliation_tolerance;
    let base = Check {
        id: "map-crm-reconciliation".into(),
        name: "MAP vs CRM reconciliation".into(),
        status: Status::NoData,
        value: None,
        target: Some(tolerance),
        detail: Detail::NoData(NoData::NoReconciliation { window }),
        kpi: None,
    };
    let span = super::window::span(charter, window, at);
    let Some(recon) = reconcile(charter, &data.records, span) else {
        return base;
    };
    let Some(share) = recon.problem_share else {
        return Check {
            detail: Detail::NoData(NoData::NoRecordsOfSystems {
                window,
                map: recon.map_system,
                crm: recon.crm_system,
            }),
            ..base
        };
    };
    Check {
        status: if share > tolerance {
            Status::Fail
        } else {
            Status::Pass
        },
        value: Some(share),
        detail: Detail::RecordReconciliation {
            window,
            tolerance,
            recon: Box::new(recon),
        },
        ..base
    }
}

#[cfg(test)]
#[path = "record_recon_tests.rs"]
mod tests;
