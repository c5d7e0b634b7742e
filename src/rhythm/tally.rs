//! The records summed by week, once per load (`facts::Tallies`): every figure the
//! records give the Weekly view is read from them at a clock — the derived channel
//! weeks (`derive::channel_weeks`), each record kind's freshness, and the reviewed
//! week's unmapped line — so the full load and the cockpit's first frame from the tallies
//! kept in the store (`store::kept`) compute them the same way, at any clock.
//!
//! What exists at a clock is what `as_of` cuts: a lead or opportunity once created, a
//! stage once crossed and its record created, a win once its close day is over, spend
//! once its day is over. Within a week that is over at the clock every creation, stage
//! and day in it is before the clock, so its sums count whole; only a stage crossed in a
//! week before its record's creation week ([`Late`]) waits for the creation. Of a week
//! not over, a row says only whether a record of it exists yet: its first creation.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rustc_hash::FxHashMap;

use super::clock::Clock;
use super::derive::local_day;
use crate::calendar::week_start;
use crate::charter::Charter;
use crate::facts::tally::{
    Late, LateStage, LeadSystem, LeadTally, OpportunityTally, SpendTally, Tallies,
};
use crate::facts::{DealType, Name, Records};

fn lead_row(week: NaiveDate, system: LeadSystem) -> LeadTally {
    LeadTally {
        week,
        source: 0,
        system,
        first: None,
        created: 0,
        mqls: 0,
        sqls: 0,
    }
}

fn opportunity_row(week: NaiveDate, new_business: bool) -> OpportunityTally {
    OpportunityTally {
        week,
        source: 0,
        new_business,
        first: None,
        created: 0,
        amount_micros: 0,
        won: 0,
    }
}

/// `amount` in millionths (an import reads money from 0 to 1e15: an `i128` holds any
/// sum of them).
pub fn micros(amount: f64) -> i128 {
    (amount * 1e6).round() as i128
}

fn earliest(first: &mut Option<NaiveDateTime>, t: NaiveDateTime) {
    *first = Some(first.map_or(t, |f| f.min(t)));
}

/// The first instant of each UTC date among `times` (in creation order), oldest first.
fn days_first(times: impl Iterator<Item = NaiveDateTime>) -> Vec<(NaiveDate, NaiveDateTime)> {
    let mut days: FxHashMap<NaiveDate, NaiveDateTime> = FxHashMap::default();
    for t in times {
        days.entry(t.date())
            .and_modify(|f| *f = (*f).min(t))
            .or_insert(t);
    }
    let mut days: Vec<_> = days.into_iter().collect();
    days.sort_unstable();
    days
}

/// The texts the tallies name, numbered in the order first asked.
#[derive(Default)]
struct Names {
    texts: Vec<String>,
    index: FxHashMap<Name, u32>,
}

impl Names {
    fn of(&mut self, records: &Records, name: Name) -> u32 {
        let texts = &mut self.texts;
        *self.index.entry(name).or_insert_with(|| {
            texts.push(records.name(name).to_string());
            (texts.len() - 1) as u32
        })
    }
}

/// A late stage as collected: week, source, system (None: an opportunity), stage,
/// creation.
type LateRow = (
    NaiveDate,
    Name,
    Option<LeadSystem>,
    LateStage,
    NaiveDateTime,
);

/// The tallies of `records` (all of them, uncut) under `charter`'s zone, week start and
/// MAP.
pub fn tally(charter: &Charter, records: &Records) -> Tallies {
    let ws = charter.partnership.week_start;
    let week = |t: NaiveDateTime| week_start(local_day(charter, t), ws);
    let systems: Vec<LeadSystem> = records
        .names
        .iter()
        .map(|n| {
            if super::derive::is_map_system(charter, n) {
                LeadSystem::Map
            } else {
                LeadSystem::Other
            }
        })
        .collect();
    let system_of = |s: Option<Name>| s.map_or(LeadSystem::Unnamed, |s| systems[s as usize]);
    let mut late: Vec<LateRow> = Vec::new();

    let mut leads: FxHashMap<(NaiveDate, Name, LeadSystem), LeadTally> = FxHashMap::default();
    for lead in &records.leads {
        let system = system_of(lead.system);
        let w = week(lead.created);
        let row = leads
            .entry((w, lead.source, system))
            .or_insert_with(|| lead_row(w, system));
        earliest(&mut row.first, lead.created);
        row.created += 1;
        for (t, stage) in [(lead.mql_at, LateStage::Mql), (lead.sql_at, LateStage::Sql)] {
            let Some(t) = t else { continue };
            let sw = week(t);
            if sw < w {
                late.push((sw, lead.source, Some(system), stage, lead.created));
                continue;
            }
            let row = leads
                .entry((sw, lead.source, system))
                .or_insert_with(|| lead_row(sw, system));
            match stage {
                LateStage::Mql => row.mqls += 1,
                _ => row.sqls += 1,
            }
        }
    }

    let mut opps: FxHashMap<(NaiveDate, Name, bool), OpportunityTally> = FxHashMap::default();
    for opp in &records.opportunities {
        let new_business = opp.deal_type.is_none_or(|t| t == DealType::NewBusiness);
        let w = week(opp.created);
        let row = opps
            .entry((w, opp.source, new_business))
            .or_insert_with(|| opportunity_row(w, new_business));
        earliest(&mut row.first, opp.created);
        row.created += 1;
        row.amount_micros += micros(opp.amount);
        if new_business
            && opp.won == Some(true)
            && let Some(day) = opp.close_date
        {
            let cw = week_start(day, ws);
            if cw < w {
                late.push((cw, opp.source, None, LateStage::Won, opp.created));
            } else {
                opps.entry((cw, opp.source, true))
                    .or_insert_with(|| opportunity_row(cw, true))
                    .won += 1;
            }
        }
    }

    let mut spend: FxHashMap<(NaiveDate, Name, Name), SpendTally> = FxHashMap::default();
    for row in &records.spend {
        let w = week_start(row.date, ws);
        let t = spend
            .entry((w, row.platform, row.campaign))
            .or_insert(SpendTally {
                week: w,
                platform: 0,
                campaign: 0,
                first: row.date,
                cost_micros: 0,
            });
        t.first = t.first.min(row.date);
        t.cost_micros += micros(row.cost);
    }
    let mut spend_days: Vec<NaiveDate> = records.spend.iter().map(|s| s.date).collect();
    spend_days.sort_unstable();
    spend_days.dedup();

    // Sorted by key, so the sums are read, and kept, in one order.
    fn sorted<K: Ord, V>(map: FxHashMap<K, V>) -> Vec<(K, V)> {
        let mut rows: Vec<_> = map.into_iter().collect();
        rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        rows
    }
    late.sort_unstable();
    let mut names = Names::default();
    let mut out = Tallies {
        leads: sorted(leads)
            .into_iter()
            .map(|((_, source, _), r)| LeadTally {
                source: names.of(records, source),
                ..r
            })
            .collect(),
        opportunities: sorted(opps)
            .into_iter()
            .map(|((_, source, _), r)| OpportunityTally {
                source: names.of(records, source),
                ..r
            })
            .collect(),
        spend: sorted(spend)
            .into_iter()
            .map(|((_, platform, campaign), r)| SpendTally {
                platform: names.of(records, platform),
                campaign: names.of(records, campaign),
                ..r
            })
            .collect(),
        late: late
            .into_iter()
            .map(|(week, source, system, stage, created)| Late {
                week,
                source: names.of(records, source),
                system,
                stage,
                created,
            })
            .collect(),
        lead_days: days_first(records.leads.iter().map(|l| l.created)),
        opportunity_days: days_first(records.opportunities.iter().map(|o| o.created)),
        spend_days,
        names: Vec::new(),
    };
    out.names = names.texts;
    out
}

/// How far a record kind's data reaches at `clock`: the UTC date of its newest lead or
/// opportunity created by then, or its newest day of spend over by then; None: no
/// record of it existed yet (or `kind` is not a record kind).
pub fn data_until(tallies: &Tallies, kind: &str, clock: &Clock) -> Option<NaiveDate> {
    let created = |days: &[(NaiveDate, NaiveDateTime)]| {
        days.iter()
            .rev()
            .find(|(_, first)| *first <= clock.now)
            .map(|(d, _)| *d)
    };
    match kind {
        "leads" => created(&tallies.lead_days),
        "opportunities" => created(&tallies.opportunity_days),
        "spend" => tallies
            .spend_days
            .iter()
            .rev()
            .find(|d| clock.is_complete(**d + Duration::days(1)))
            .copied(),
        _ => None,
    }
}

/// The week of `week`'s records (leads and opportunities created in it, whatever their
/// system or type) whose source no channel of the charter names: (records, distinct
/// values); None when there are none. A blank source is missing, not unmapped. The
/// week must be over at the clock the tallies are read at (every record created in it
/// exists then).
pub fn unmapped_in(
    charter: &Charter,
    tallies: &Tallies,
    week: NaiveDate,
) -> Option<(usize, usize)> {
    let mut counts: FxHashMap<u32, u64> = FxHashMap::default();
    let rows = tallies
        .leads
        .iter()
        .filter(|r| r.week == week)
        .map(|r| (r.source, r.created))
        .chain(
            tallies
                .opportunities
                .iter()
                .filter(|r| r.week == week)
                .map(|r| (r.source, r.created)),
        );
    for (source, n) in rows {
        if n > 0 {
            *counts.entry(source).or_default() += n;
        }
    }
    let (mut records, mut values) = (0, 0);
    for (source, n) in counts {
        let text = &tallies.names[source as usize];
        if !text.trim().is_empty() && charter.channel_for_source(text).is_none() {
            records += n as usize;
            values += 1;
        }
    }
    (records > 0).then_some((records, values))
}
