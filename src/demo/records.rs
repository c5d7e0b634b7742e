//! leads.csv and opportunities.csv: the funnel's records behind channels.csv, one row per
//! lead and per opportunity, drawn so that the charter's KPI definitions give back the
//! weekly counts of the media history exactly:
//! - each channel-week's `leads` leads are created in that week, with one of the
//!   channel's lead-source values (the charter's `lead_sources`);
//! - its `mqls` leads cross the MQL threshold in that week, chosen among the channel's
//!   leads of the last four weeks not yet qualified, the faster-answered ones more likely
//!   (seed 001's lead decay); its `sqls` likewise among the MQLs;
//! - its `opportunities` new-business opportunities are created in that week, their
//!   amounts summing to its `pipeline` to the cent;
//! - its `closed_won` opportunities are won in that week, chosen among the channel's open
//!   ones of the last 16 weeks; open ones older than 20 weeks are lost.
//!
//! Renewals and expansions come on top, excluded from pipeline by the definition. The MAP
//! (HubSpot) holds every lead; the CRM (Salesforce) a synced copy of each, matched by
//! email, with a few planted disagreements for the reconciliation: a copy missing, an
//! SQL date two days off.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use super::dates::DemoDates;
use super::media::History;
use super::truth::CHANNELS;
use super::world::{csv_text, timestamp};
use crate::charter::Charter;

const GEOS: [(&str, f64); 4] = [("NA", 0.55), ("EMEA", 0.3), ("APAC", 0.1), ("LATAM", 0.05)];
const OPEN_STAGES: [&str; 3] = ["Discovery", "Proposal", "Negotiation"];

/// One lead as drawn: indices into the week's calendar.
struct Lead {
    id: u64,
    channel: usize,
    source: String,
    created: NaiveDateTime,
    mql_at: Option<NaiveDateTime>,
    sql_at: Option<NaiveDateTime>,
    geo: &'static str,
    segment: &'static str,
    response_minutes: Option<f64>,
}

struct Opportunity {
    id: u64,
    channel: usize,
    source: String,
    created: NaiveDateTime,
    amount_cents: i64,
    /// (close day, won)
    closed: Option<(NaiveDate, bool)>,
    deal_type: &'static str,
    geo: &'static str,
}

/// The two files, in import order: leads.csv, opportunities.csv.
pub(super) fn records_csv(
    charter: &Charter,
    history: &History,
    dates: &DemoDates,
    rng: &mut ChaCha8Rng,
) -> (String, String) {
    // Every demo channel names its lead sources in the shipped charter.
    let sources: Vec<&[String]> = CHANNELS
        .iter()
        .map(|id| charter.channel(id).map_or(&[][..], |c| &c.lead_sources[..]))
        .collect();
    let mut leads: Vec<Lead> = Vec::new();
    let mut opps: Vec<Opportunity> = Vec::new();
    for (week, row) in history.iter().enumerate() {
        let start = dates.week_start(week).and_time(NaiveTime::MIN);
        for (channel, facts) in row.iter().enumerate() {
            let first_new = leads.len();
            for _ in 0..facts.leads {
                let id = 100_001 + leads.len() as u64;
                leads.push(new_lead(id, channel, sources[channel], start, rng));
            }
            qualify(
                &mut leads,
                first_new,
                channel,
                start,
                facts.mqls,
                Stage::Mql,
                rng,
            );
            qualify(
                &mut leads,
                first_new,
                channel,
                start,
                facts.sqls,
                Stage::Sql,
                rng,
            );
            let first_opp = opps.len();
            for cents in split_cents(facts.pipeline, facts.opportunities as usize, rng) {
                let id = 500_001 + opps.len() as u64;
                opps.push(Opportunity {
                    id,
                    channel,
                    source: sources[channel][0].clone(),
                    created: moment_in_week(start, rng),
                    amount_cents: cents,
                    closed: None,
                    deal_type: "New Business",
                    geo: geo(rng),
                });
            }
            win(&mut opps, first_opp, channel, start, facts.closed_won, rng);
        }
        // Renewals and expansions: not pipeline by the definition, but in the CRM.
        for _ in 0..rng.random_range(1..=3) {
            let channel = rng.random_range(0..CHANNELS.len());
            let id = 500_001 + opps.len() as u64;
            opps.push(Opportunity {
                id,
                channel,
                source: sources[channel][0].clone(),
                created: moment_in_week(start, rng),
                amount_cents: rng.random_range(1_500_000..6_000_000),
                closed: None,
                deal_type: if rng.random::<f64>() < 0.6 {
                    "Renewal"
                } else {
                    "Expansion"
                },
                geo: geo(rng),
            });
        }
        lose_stale(&mut opps, start);
    }
    (leads_csv(&leads, rng), opportunities_csv(&opps, rng))
}

fn new_lead(
    id: u64,
    channel: usize,
    sources: &[String],
    start: NaiveDateTime,
    rng: &mut ChaCha8Rng,
) -> Lead {
    // Inbound web leads are answered within minutes more often than event and list leads.
    let median_minutes = match CHANNELS[channel] {
        "paid-search" | "paid-social" | "organic" | "direct" => 4.0,
        "linkedin" | "webinars" => 25.0,
        _ => 240.0,
    };
    let response_minutes = (rng.random::<f64>() < 0.93).then(|| {
        let z: f64 = rng.random::<f64>() * 2.0 - 1.0;
        median_minutes * (2.2 * z).exp()
    });
    let segment = match CHANNELS[channel] {
        "abm" | "events" => *["Enterprise", "Enterprise", "Mid-Market"]
            .choose(rng)
            .unwrap(),
        _ => *["SMB", "Mid-Market", "Mid-Market", "Enterprise"]
            .choose(rng)
            .unwrap(),
    };
    Lead {
        id,
        channel,
        source: sources.choose(rng).cloned().unwrap_or_default(),
        created: moment_in_week(start, rng),
        mql_at: None,
        sql_at: None,
        geo: geo(rng),
        segment,
        response_minutes,
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Mql,
    Sql,
}

/// Moves `count` of `channel`'s leads of the last four weeks across `stage` in the week
/// from `start`; those answered faster are likelier. Leads from `first_new` on are this
/// week's, so there are always enough (`count` never exceeds the week's earlier stage).
fn qualify(
    leads: &mut [Lead],
    first_new: usize,
    channel: usize,
    start: NaiveDateTime,
    count: u64,
    stage: Stage,
    rng: &mut ChaCha8Rng,
) {
    let end = start + Duration::days(7);
    let window = start - Duration::days(21);
    let eligible = |l: &Lead| {
        l.channel == channel
            && l.created >= window
            && match stage {
                Stage::Mql => l.mql_at.is_none(),
                Stage::Sql => l.mql_at.is_some() && l.sql_at.is_none(),
            }
    };
    let mut candidates: Vec<usize> = (0..leads.len())
        .rev()
        .take_while(|&i| leads[i].created >= window - Duration::days(7))
        .filter(|&i| eligible(&leads[i]))
        .collect();
    for _ in 0..count {
        // This week's own leads are likelier; faster-answered ones too (seed 001).
        let weight = |&i: &usize| {
            let decay = leads[i]
                .response_minutes
                .map_or(0.05, |m| 1.0 / (1.0 + m / 30.0));
            decay * if i >= first_new { 3.0 } else { 1.0 }
        };
        let Ok(&i) = candidates.choose_weighted(rng, weight) else {
            return;
        };
        candidates.retain(|&j| j != i);
        let lead = &mut leads[i];
        let from = match stage {
            Stage::Mql => lead.created,
            Stage::Sql => lead.mql_at.unwrap_or(lead.created),
        }
        .max(start);
        let at = from + Duration::seconds(rng.random_range(0..(end - from).num_seconds().max(1)));
        match stage {
            Stage::Mql => lead.mql_at = Some(at),
            Stage::Sql => lead.sql_at = Some(at),
        }
    }
}

/// Wins `count` of `channel`'s open new-business opportunities in the week from `start`,
/// older ones first in line.
fn win(
    opps: &mut [Opportunity],
    first_new: usize,
    channel: usize,
    start: NaiveDateTime,
    count: u64,
    rng: &mut ChaCha8Rng,
) {
    let oldest = start - Duration::weeks(16);
    let mut open: Vec<usize> = (0..opps.len())
        .filter(|&i| {
            let o = &opps[i];
            o.channel == channel
                && o.closed.is_none()
                && o.deal_type == "New Business"
                && o.created >= oldest
        })
        .collect();
    for _ in 0..count {
        let Ok(&i) = open.choose_weighted(rng, |&i| if i < first_new { 4.0 } else { 1.0 }) else {
            return;
        };
        open.retain(|&j| j != i);
        let o = &mut opps[i];
        let first_day = o.created.date().max(start.date());
        let days = (start.date() + Duration::days(6) - first_day)
            .num_days()
            .max(0);
        o.closed = Some((first_day + Duration::days(rng.random_range(0..=days)), true));
    }
}

/// Open opportunities older than 20 weeks at `start` are lost that week.
fn lose_stale(opps: &mut [Opportunity], start: NaiveDateTime) {
    for o in opps.iter_mut().filter(|o| o.closed.is_none()) {
        if o.created < start - Duration::weeks(20) {
            o.closed = Some((start.date() + Duration::days(4), false));
        }
    }
}

/// `total` currency split into `n` amounts in cents that sum to it exactly.
fn split_cents(total: f64, n: usize, rng: &mut ChaCha8Rng) -> Vec<i64> {
    if n == 0 {
        return Vec::new();
    }
    let cents = (total * 100.0).round() as i64;
    let weights: Vec<f64> = (0..n).map(|_| 0.5 + rng.random::<f64>()).collect();
    let sum: f64 = weights.iter().sum();
    let mut out: Vec<i64> = weights
        .iter()
        .map(|w| (cents as f64 * w / sum).floor() as i64)
        .collect();
    out[0] += cents - out.iter().sum::<i64>();
    out
}

fn moment_in_week(start: NaiveDateTime, rng: &mut ChaCha8Rng) -> NaiveDateTime {
    // Mostly working days and hours, some weekend sign-ups.
    let day = if rng.random::<f64>() < 0.9 {
        rng.random_range(0..5)
    } else {
        rng.random_range(5..7)
    };
    start + Duration::days(day) + Duration::seconds(rng.random_range(7 * 3600..20 * 3600))
}

fn geo(rng: &mut ChaCha8Rng) -> &'static str {
    GEOS.choose_weighted(rng, |g| g.1)
        .map(|g| g.0)
        .unwrap_or("NA")
}

fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

fn leads_csv(leads: &[Lead], rng: &mut ChaCha8Rng) -> String {
    let header = [
        "id",
        "created",
        "source",
        "mql_at",
        "sql_at",
        "geo",
        "segment",
        "first_response_at",
        "system",
        "email",
    ];
    let ts = |t: Option<NaiveDateTime>| t.map_or(String::new(), timestamp);
    let mut rows: Vec<Vec<String>> = Vec::new();
    for l in leads {
        let email = format!("lead{}@example.com", l.id);
        let responded = l
            .response_minutes
            .map(|m| l.created + Duration::seconds((m * 60.0).round() as i64));
        rows.push(vec![
            l.id.to_string(),
            timestamp(l.created),
            l.source.to_string(),
            ts(l.mql_at),
            ts(l.sql_at),
            l.geo.to_string(),
            l.segment.to_string(),
            ts(responded),
            "hubspot".to_string(),
            email.clone(),
        ]);
        // The CRM's copy (the MAP syncs every lead): 1 in 125 never synced, and 1 in 40
        // sales-qualified ones with the SQL date entered two days late.
        let draw: f64 = rng.random();
        if draw < 0.008 {
            continue;
        }
        let sql = l.sql_at.map(|t| {
            if draw < 0.033 {
                t + Duration::days(2)
            } else {
                t
            }
        });
        rows.push(vec![
            format!("00Q{:09}", l.id),
            timestamp(l.created + Duration::minutes(3)),
            l.source.to_string(),
            ts(l.mql_at),
            ts(sql),
            String::new(),
            String::new(),
            String::new(),
            "salesforce".to_string(),
            email,
        ]);
    }
    csv_text(&header, rows)
}

fn opportunities_csv(opps: &[Opportunity], rng: &mut ChaCha8Rng) -> String {
    let header = [
        "id",
        "created",
        "amount",
        "source",
        "stage",
        "close_date",
        "won",
        "type",
        "geo",
        "system",
    ];
    let rows = opps.iter().map(|o| {
        let (stage, close, won) = match o.closed {
            Some((day, true)) => ("Closed Won", day.to_string(), "true"),
            Some((day, false)) => ("Closed Lost", day.to_string(), "false"),
            None => (*OPEN_STAGES.choose(rng).unwrap(), String::new(), ""),
        };
        vec![
            format!("006{:09}", o.id),
            timestamp(o.created),
            money(o.amount_cents),
            o.source.to_string(),
            stage.to_string(),
            close,
            won.to_string(),
            o.deal_type.to_string(),
            o.geo.to_string(),
            "salesforce".to_string(),
        ]
    });
    csv_text(&header, rows)
}

#[cfg(test)]
mod tests {
    //! channels.csv recounted from leads.csv, opportunities.csv and spend.csv by the
    //! KPI definitions, the simple way: strings, dates and sums, no rhythm code.

    use std::collections::BTreeMap;

    use chrono::{Datelike, NaiveDate};

    use crate::demo::testing::Table;
    use crate::demo::world::demo_charter;

    fn monday(text: &str) -> String {
        let day = NaiveDate::parse_from_str(&text[..10], "%Y-%m-%d").unwrap();
        (day - chrono::Duration::days(day.weekday().num_days_from_monday() as i64)).to_string()
    }

    #[test]
    fn the_records_add_up_to_channels_csv() {
        let charter = demo_charter();
        let channel_of = |source: &str| -> String {
            charter
                .channels
                .iter()
                .find(|c| c.lead_sources.iter().any(|s| s == source))
                .map(|c| c.id.clone())
                .unwrap_or_else(|| panic!("{source} names no channel"))
        };
        // (week, channel) -> [spend, leads, mqls, sqls, pipeline, opportunities, won]
        let mut got: BTreeMap<(String, String), [f64; 7]> = BTreeMap::new();
        let leads = Table::of("leads.csv");
        let col = |t: &Table, name: &str| t.col(name);
        let (created, source, mql, sql, system) = (
            col(&leads, "created"),
            col(&leads, "source"),
            col(&leads, "mql_at"),
            col(&leads, "sql_at"),
            col(&leads, "system"),
        );
        for row in leads.rows.iter().filter(|r| r[system] == "hubspot") {
            let channel = channel_of(&row[source]);
            got.entry((monday(&row[created]), channel.clone()))
                .or_default()[1] += 1.0;
            for (i, at) in [(2, mql), (3, sql)] {
                if !row[at].is_empty() {
                    got.entry((monday(&row[at]), channel.clone())).or_default()[i] += 1.0;
                }
            }
        }
        let opps = Table::of("opportunities.csv");
        let (created, amount, source, close, won, ty) = (
            col(&opps, "created"),
            col(&opps, "amount"),
            col(&opps, "source"),
            col(&opps, "close_date"),
            col(&opps, "won"),
            col(&opps, "type"),
        );
        for row in opps.rows.iter().filter(|r| r[ty] == "New Business") {
            let channel = channel_of(&row[source]);
            let e = got
                .entry((monday(&row[created]), channel.clone()))
                .or_default();
            e[4] += row[amount].parse::<f64>().unwrap();
            e[5] += 1.0;
            if row[won] == "true" {
                got.entry((monday(&row[close]), channel)).or_default()[6] += 1.0;
            }
        }
        let spend = Table::of("spend.csv");
        let platform_channel = |platform: &str| match platform {
            "google-ads" | "microsoft-ads" => "paid-search",
            "linkedin" => "linkedin",
            "meta" => "paid-social",
            "events" => "events",
            "on24" => "webinars",
            "netline" => "content",
            "6sense" => "abm",
            other => panic!("{other}"),
        };
        let (date, platform, cost) = (
            col(&spend, "date"),
            col(&spend, "platform"),
            col(&spend, "cost"),
        );
        for row in &spend.rows {
            let key = (
                monday(&row[date]),
                platform_channel(&row[platform]).to_string(),
            );
            got.entry(key).or_default()[0] += row[cost].parse::<f64>().unwrap();
        }

        let channels = Table::of("channels.csv");
        let names = [
            "spend",
            "leads",
            "mqls",
            "sqls",
            "pipeline",
            "opportunities",
            "closed_won",
        ];
        let mut checked = 0;
        for row in &channels.rows {
            let key = (
                row[channels.col("week")].clone(),
                row[channels.col("channel")].clone(),
            );
            let sums = got.remove(&key).unwrap_or_default();
            for (i, name) in names.iter().enumerate() {
                let want: f64 = row[channels.col(name)].parse().unwrap();
                assert!(
                    (sums[i] - want).abs() < 0.005,
                    "{key:?} {name}: records {} vs channels.csv {want}",
                    sums[i]
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 104 * 10 * 7);
        assert!(
            got.is_empty(),
            "records outside channels.csv: {:?}",
            got.keys().next()
        );
    }

    #[test]
    fn the_crm_holds_the_leads_with_a_few_planted_differences() {
        let leads = Table::of("leads.csv");
        let system = leads.col("system");
        let count = |name: &str| leads.rows.iter().filter(|r| r[system] == name).count();
        let (map, crm) = (count("hubspot"), count("salesforce"));
        assert!(crm < map && crm * 1000 > map * 985, "{crm} of {map}");
    }
}
