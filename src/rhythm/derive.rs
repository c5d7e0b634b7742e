//! The weekly channel facts derived from the systems of record, by the charter's KPI
//! definitions, so the definition on screen is the one applied:
//! - leads: leads created in the week, by the channel their lead source names; where
//!   the MAP's records (`[funnel] map_system`) are there, only theirs (and those that
//!   name no system): the CRM's copies of the same people would count them twice;
//! - MQLs / SQLs: leads that crossed the stage in the week (`mql_at`, `sql_at`);
//! - pipeline and opportunities: new-business opportunities by creation week and lead
//!   source (renewals and expansions excluded; an opportunity without a type counts as
//!   new business, the CRMs' default);
//! - closed-won: new-business opportunities won, by the week of their close date;
//! - spend: ad cost by day, by the channel whose `campaigns` entry names the platform and
//!   campaign; a channel that is not paid spends 0.
//!
//! Days are the charter's time zone's. A record kind covers the weeks from its first
//! record's week to its last's: inside them a channel without records had none (0);
//! outside them the records say nothing. Where the `channels` file has the same week and
//! channel, `[funnel] prefer` says which wins, measure group by measure group (spend;
//! leads, MQLs and SQLs; pipeline, opportunities and closed-won). A derived row needs
//! every group: a paid channel whose spend no record carries (no `campaigns` entry) gets
//! no derived row without a `channels` row, and [`Derived::no_spend_source`] names it.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use rustc_hash::FxHashMap;

use super::clock::Clock;
use crate::charter::{Charter, Prefer, UNMAPPED, Unmapped};
use crate::facts::tally::{LateStage, LeadSystem};
use crate::facts::{ChannelWeek, Name, Records, Tallies};

/// The local day of a UTC instant in the charter's zone.
pub fn local_day(charter: &Charter, utc: NaiveDateTime) -> NaiveDate {
    crate::calendar::local_day(charter.partnership.timezone, utc)
}

/// The leads the funnel counts: where the MAP's records (`[funnel] map_system`, matched
/// ignoring case) are there, only theirs and those that name no system — the CRM's
/// copies of the same people would count them twice; otherwise all. Every lead figure
/// goes through this.
pub fn counted_leads<'r>(
    charter: &Charter,
    records: &'r Records,
) -> impl Iterator<Item = &'r crate::facts::Lead> {
    counted_among(charter, records, records.leads.iter())
}

/// Whether a record's `system` name is the charter's MAP (`[funnel] map_system`, matched
/// ignoring case).
pub fn is_map_system(charter: &Charter, name: &str) -> bool {
    charter
        .funnel
        .map_system
        .as_deref()
        .is_some_and(|m| name.eq_ignore_ascii_case(m))
}

/// [`counted_leads`] among `leads`, a part of `records.leads` (whether the MAP's
/// records are there is asked of all of them).
pub fn counted_among<'r>(
    charter: &Charter,
    records: &Records,
    leads: impl Iterator<Item = &'r crate::facts::Lead>,
) -> impl Iterator<Item = &'r crate::facts::Lead> {
    let is_map: Vec<bool> = match charter.funnel.map_system {
        Some(_) => records
            .names
            .iter()
            .map(|n| is_map_system(charter, n))
            .collect(),
        None => Vec::new(),
    };
    // No name is the MAP's: no lead can be (a million leads need not be asked).
    let named = is_map.contains(&true);
    let any_map = named && any_lead_of(&records.leads, &is_map);
    let of_map = move |l: &crate::facts::Lead| l.system.is_some_and(|s| is_map[s as usize]);
    leads.filter(move |l| !any_map || l.system.is_none() || of_map(l))
}

/// Where each system's first lead is, by index, through some row (kept with the rows,
/// [`crate::facts::ByCreated::memo`]): which systems the records hold is asked by every
/// funnel figure, and a million leads need not be passed over each time. A lead's
/// system is the record's, which a cut keeps.
#[derive(Default)]
struct FirstOfSystem(std::sync::Mutex<(usize, FxHashMap<Name, usize>)>);

/// Whether any of the leads `leads` holds lives in a system `is_system` accepts (by name
/// index).
pub fn any_lead_of(
    leads: &crate::facts::ByCreated<crate::facts::Lead>,
    is_system: &[bool],
) -> bool {
    let memo = leads.memo::<FirstOfSystem>();
    let mut kept = memo.0.lock().unwrap_or_else(|e| e.into_inner());
    let (through, first) = &mut *kept;
    let held = leads.len();
    for (i, l) in leads.indexed(*through..held) {
        if let Some(s) = l.system {
            first.entry(s).or_insert(i);
        }
    }
    *through = (*through).max(held);
    first
        .iter()
        .any(|(&s, &i)| i < held && is_system.get(s as usize).copied().unwrap_or(false))
}

/// What the derivation found beside the rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Derived {
    pub channel_weeks: Vec<ChannelWeek>,
    /// Paid channels with lead or opportunity records but no spend source.
    pub no_spend_source: Vec<String>,
    /// The weeks where a `channels` row and the records both had a figure, and which won.
    pub overlaps: u64,
}

/// A channel id, shared.
type Chan = std::rc::Rc<str>;

/// The channel each distinct name of the tallies maps to, looked up once per name;
/// channels are numbered in the order first met ([`Mapper::ids`]), so a sum's key is two
/// integers.
struct Mapper<'a> {
    charter: &'a Charter,
    names: &'a [String],
    sources: FxHashMap<u32, Option<u32>>,
    spend: FxHashMap<(u32, u32), Option<u32>>,
    ids: Vec<Chan>,
}

impl Mapper<'_> {
    fn number(ids: &mut Vec<Chan>, channel: Option<&str>) -> Option<u32> {
        let channel = channel?;
        Some(match ids.iter().position(|c| &**c == channel) {
            Some(i) => i as u32,
            None => {
                ids.push(channel.into());
                (ids.len() - 1) as u32
            }
        })
    }

    fn bucket(charter: &Charter) -> Option<&'static str> {
        (charter.funnel.unmapped == Unmapped::Bucket).then_some(UNMAPPED)
    }

    fn source(&mut self, name: u32) -> Option<u32> {
        let (charter, names, ids) = (self.charter, self.names, &mut self.ids);
        *self.sources.entry(name).or_insert_with(|| {
            let channel = charter
                .channel_for_source(&names[name as usize])
                .or_else(|| Self::bucket(charter));
            Self::number(ids, channel)
        })
    }

    fn spend(&mut self, platform: u32, campaign: u32) -> Option<u32> {
        let (charter, names, ids) = (self.charter, self.names, &mut self.ids);
        *self.spend.entry((platform, campaign)).or_insert_with(|| {
            let channel = charter
                .channel_for_spend(&names[platform as usize], &names[campaign as usize])
                .or_else(|| Self::bucket(charter));
            Self::number(ids, channel)
        })
    }
}

/// Sums of one week and channel.
#[derive(Debug, Clone, Copy, Default)]
struct Sums {
    /// Millionths of the currency (`tally::micros`), exact in any order.
    spend: i128,
    leads: f64,
    mqls: f64,
    sqls: f64,
    pipeline: i128,
    opportunities: f64,
    closed_won: f64,
}

/// The weeks a record kind covers: first..=last week start.
type Span = Option<(NaiveDate, NaiveDate)>;

fn widen(span: &mut Span, week: NaiveDate) {
    *span = Some(match *span {
        None => (week, week),
        Some((a, b)) => (a.min(week), b.max(week)),
    });
}

/// A sum in millionths, to the cent (half a cent up, as the CRMs' reports round).
fn cents_of(micros: i128) -> f64 {
    let cents = (micros + 5_000).div_euclid(10_000);
    cents as f64 / 100.0
}

fn covers(span: Span, week: NaiveDate) -> bool {
    span.is_some_and(|(a, b)| a <= week && week <= b)
}

/// The channel weeks of `file` (the `channels` rows) merged with those derived from the
/// records `tallies` sums (`rhythm::tally`, of every record) as they stood at `clock`,
/// for the weeks over at it.
pub fn channel_weeks(
    charter: &Charter,
    tallies: &Tallies,
    clock: &Clock,
    file: &[ChannelWeek],
) -> Derived {
    let mut out = Derived::default();
    let now = clock.now;
    let complete = |w: NaiveDate| clock.is_complete(w + chrono::Duration::days(7));
    let exists = |first: Option<NaiveDateTime>| first.is_some_and(|f| f <= now);
    let mut map = Mapper {
        charter,
        names: &tallies.names,
        sources: FxHashMap::default(),
        spend: FxHashMap::default(),
        ids: Vec::new(),
    };
    let mut sums: FxHashMap<(NaiveDate, u32), Sums> = FxHashMap::default();
    let (mut lead_span, mut opp_span, mut spend_span): (Span, Span, Span) = (None, None, None);
    // Where the MAP's leads exist, only theirs and those that name no system count: the
    // CRM's copies of the same people would count them twice (`counted_leads`).
    let any_map = tallies
        .leads
        .iter()
        .any(|r| r.system == LeadSystem::Map && exists(r.first));
    let counted = |s: LeadSystem| !any_map || s != LeadSystem::Other;
    for r in tallies.leads.iter().filter(|r| counted(r.system)) {
        if exists(r.first) {
            widen(&mut lead_span, r.week);
        }
        let Some(channel) = map.source(r.source) else {
            continue;
        };
        // A row of a week not over says only that its channel has records yet.
        if complete(r.week) {
            let s = sums.entry((r.week, channel)).or_default();
            s.leads += r.created as f64;
            s.mqls += r.mqls as f64;
            s.sqls += r.sqls as f64;
        } else if exists(r.first) {
            sums.entry((r.week, channel)).or_default();
        }
    }
    for r in &tallies.opportunities {
        if exists(r.first) {
            widen(&mut opp_span, r.week);
        }
        if !r.new_business {
            continue;
        }
        let Some(channel) = map.source(r.source) else {
            continue;
        };
        if complete(r.week) {
            let s = sums.entry((r.week, channel)).or_default();
            s.pipeline += r.amount_micros;
            s.opportunities += r.created as f64;
            s.closed_won += r.won as f64;
        } else if exists(r.first) {
            sums.entry((r.week, channel)).or_default();
        }
    }
    for late in &tallies.late {
        if late.created > now || !complete(late.week) || late.system.is_some_and(|s| !counted(s)) {
            continue;
        }
        let Some(channel) = map.source(late.source) else {
            continue;
        };
        let s = sums.entry((late.week, channel)).or_default();
        match late.stage {
            LateStage::Mql => s.mqls += 1.0,
            LateStage::Sql => s.sqls += 1.0,
            LateStage::Won => s.closed_won += 1.0,
        }
    }
    for r in &tallies.spend {
        if !clock.is_complete(r.first + chrono::Duration::days(1)) {
            continue;
        }
        widen(&mut spend_span, r.week);
        let Some(channel) = map.spend(r.platform, r.campaign) else {
            continue;
        };
        let s = sums.entry((r.week, channel)).or_default();
        if complete(r.week) {
            s.spend += r.cost_micros;
        }
    }
    if lead_span.is_none() && opp_span.is_none() && spend_span.is_none() {
        out.channel_weeks = file.to_vec();
        return out;
    }
    // Every channel the records name, in every covered week: none that week is 0.
    let mut numbers: Vec<u32> = sums.keys().map(|(_, c)| *c).collect();
    numbers.sort_unstable();
    numbers.dedup();
    let mut channels: Vec<(Chan, u32)> = numbers
        .into_iter()
        .map(|n| (map.ids[n as usize].clone(), n))
        .collect();
    channels.sort();
    let spend_known = |channel: &str| match charter.channel(channel) {
        Some(c) => !c.paid || !c.campaigns.is_empty(),
        // The unmapped bucket's spend is the unmapped campaigns'.
        None => channel == UNMAPPED,
    };
    out.no_spend_source = channels
        .iter()
        .filter(|(c, _)| !spend_known(c))
        .map(|(c, _)| c.to_string())
        .collect();
    let mut weeks: Vec<NaiveDate> = Vec::new();
    for span in [lead_span, opp_span, spend_span].into_iter().flatten() {
        let mut w = span.0;
        while w <= span.1 {
            weeks.push(w);
            w += chrono::Duration::days(7);
        }
    }
    weeks.sort();
    weeks.dedup();
    let by_key: FxHashMap<(NaiveDate, &str), &ChannelWeek> = file
        .iter()
        .map(|r| ((r.week, r.channel.as_str()), r))
        .collect();
    let mut rows: BTreeMap<(NaiveDate, String), ChannelWeek> = file
        .iter()
        .map(|r| ((r.week, r.channel.clone()), r.clone()))
        .collect();
    for &w in weeks.iter().filter(|&&w| complete(w)) {
        for (channel, number) in &channels {
            let s = sums.get(&(w, *number)).copied().unwrap_or_default();
            // Sums of amounts in cents, to the cent: the same number the CRM's report shows.
            let (spend_sum, pipeline_sum) = (cents_of(s.spend), cents_of(s.pipeline));
            let groups = [
                covers(spend_span, w),
                covers(lead_span, w),
                covers(opp_span, w),
            ];
            let unpaid =
                &**channel != UNMAPPED && !charter.channel(channel).is_some_and(|c| c.paid);
            let spend = if unpaid {
                Some(0.0)
            } else if spend_known(channel) && groups[0] {
                Some(spend_sum)
            } else {
                None
            };
            let derived = (
                spend,
                groups[1].then_some((s.leads, s.mqls, s.sqls)),
                groups[2].then_some((pipeline_sum, s.opportunities, s.closed_won)),
            );
            match by_key.get(&(w, &**channel)) {
                Some(f) => {
                    out.overlaps += 1;
                    if charter.funnel.prefer == Prefer::Channels {
                        continue;
                    }
                    let mut r = (*f).clone();
                    if let Some(x) = derived.0 {
                        r.spend = x;
                    }
                    if let Some((l, m, q)) = derived.1 {
                        (r.leads, r.mqls, r.sqls) = (l, m, q);
                    }
                    if let Some((p, o, c)) = derived.2 {
                        r.pipeline = p;
                        (r.opportunities, r.closed_won) = (Some(o), Some(c));
                    }
                    rows.insert((w, channel.to_string()), r);
                }
                None => {
                    let (Some(spend), Some((leads, mqls, sqls)), Some((pipeline, o, c))) = derived
                    else {
                        continue;
                    };
                    rows.insert(
                        (w, channel.to_string()),
                        ChannelWeek {
                            week: w,
                            channel: channel.to_string(),
                            spend,
                            leads,
                            mqls,
                            sqls,
                            pipeline,
                            sessions: None,
                            opportunities: Some(o),
                            closed_won: Some(c),
                        },
                    );
                }
            }
        }
    }
    out.channel_weeks = rows.into_values().collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{ByCreated, Lead};

    #[test]
    fn which_systems_the_leads_hold_kept_with_the_rows_is_a_pass_over_them_at_every_cut() {
        let at = |d: u32| {
            NaiveDate::from_ymd_opt(2026, 3, d)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap()
        };
        // Systems 0, 1, 2 first appear on the 4th, the 9th and the 15th; 3 never.
        let rows: ByCreated<Lead> = (1..=20)
            .map(|d| Lead {
                system: [(15, 2), (9, 1), (4, 0)]
                    .iter()
                    .find(|(from, _)| d >= *from)
                    .map(|(_, s)| (d % 3).min(*s)),
                ..Lead::new(&format!("l{d}"), at(d), 0)
            })
            .collect();
        for d in [12, 2, 20, 5, 9, 16, 1, 14] {
            let cut = rows.cut(at(d), |_| None);
            for s in 0..4usize {
                let mut is = vec![false; 4];
                is[s] = true;
                let by_hand = cut.iter().any(|l| l.system == Some(s as Name));
                assert_eq!(any_lead_of(&cut, &is), by_hand, "system {s} by the {d}th");
            }
        }
    }
}
