//! The data as it stood at a moment: what existed by the clock, nothing dated after it.
//! Every shell passes its dataset through `as_of` before asking the core for a figure, so
//! no figure as of D can move when data from after D arrives (a metamorphic test in
//! `tests/look_ahead.rs` holds this for every report and `check`).
//!
//! A row exists by the clock when what it measures is over:
//! - weekly rows (channels, reconciliation, usage) once their week is complete;
//! - imported KPI values once their period (at the KPI's cadence) is complete;
//! - dated rows (NPS responses) on their day; timed rows (deliveries, session records)
//!   at their time; saved recommendations on the day they are made as of; an action done or a dispute resolved after
//!   the clock is still open as of it;
//! - plan months once they have begun (a plan for a month not yet started is not yet
//!   the month's plan);
//! - dashboard use through the end of the clock's day.
//!
//! Channel and plan rows are the charter's channels only (unless the charter accepts new
//! ones): a row an older import stored under a name the charter does not list counts in
//! no figure, so the flash, the reviews, the alerts and the model agree on what a week
//! holds.

use chrono::{Duration, NaiveDate};

use super::clock::Clock;
use crate::charter::Charter;
use std::sync::Arc;

use crate::facts::{
    DashboardDays, Dataset, Freshness, Lead, Name, Opportunity, Records, SessionRecords, Tallies,
};

/// The part of `data` that existed at `clock`. The weekly record figures are read from
/// the records' tallies (`rhythm::tally`): those `data` carries when it is uncut (a load
/// tallies its records once for every clock it is cut to; a load without the records
/// carries those the store kept for them), else those of `data.records`.
pub fn as_of(charter: &Charter, data: &Dataset, clock: &Clock) -> Dataset {
    let tallies = match (&data.tallies, data.as_of) {
        (Some(t), None) => Arc::clone(t),
        _ => Arc::new(super::tally::tally(charter, &data.records)),
    };
    let tallies = &tallies;
    let today = clock.today;
    let now = clock.now;
    let week_over = |week: NaiveDate| clock.is_complete(week + Duration::days(7));
    let period_over = |kpi: &str, start: NaiveDate| {
        charter
            .kpi(kpi)
            .is_some_and(|k| clock.is_complete(k.cadence.next_period(start)))
    };
    // The records as they stood: a stage crossed after the clock is not yet crossed.
    let records = records(&data.records, clock);
    let derived = super::derive::channel_weeks(charter, tallies, clock, &data.channel_weeks);
    let mut out = Dataset {
        as_of: Some(now),
        channel_weeks: keep(&derived.channel_weeks, |r| {
            week_over(r.week) && charter.covers_channel(&r.channel)
        }),
        records,
        plan: keep(&data.plan, |p| {
            p.month <= today && charter.covers_channel(&p.channel)
        }),
        kpi_values: keep(&data.kpi_values, |v| period_over(&v.kpi, v.period_start)),
        deliveries: keep(&data.deliveries, |d| d.delivered_at <= now),
        nps: keep(&data.nps, |r| r.date <= today),
        reconciliation: keep(&data.reconciliation, |r| week_over(r.week)),
        usage_weeks: keep(&data.usage_weeks, |u| week_over(u.week)),
        dashboards: data
            .dashboards
            .iter()
            .map(|d| DashboardDays {
                dashboard: d.dashboard.clone(),
                days: d
                    .days
                    .iter()
                    .copied()
                    .filter(|(day, _)| *day <= today)
                    .collect(),
            })
            .filter(|d| !d.days.is_empty())
            .collect(),
        freshness: Vec::new(),
        // What a purge deleted is gone whenever the report is as of: it says "purged".
        purged: data.purged,
        session: session(&data.session, clock),
        // A recommendation is dated by the day it is made as of (it sees only the data
        // through then), whenever it was saved.
        recommendations: keep(&data.recommendations, |r| r.as_of <= today),
        // A scenario is played on the plan of a reviewed week, as a recommendation is.
        scenarios: keep(&data.scenarios, |s| s.week <= today),
        // An experiment's result exists once its last tested day is over.
        experiments: keep(&data.experiments, |e| {
            e.end < today && charter.covers_channel(&e.channel)
        }),
        tallies: Some(Arc::clone(tallies)),
    };
    out.freshness = freshness(data, &out, tallies, clock);
    out
}

/// The records that existed at `clock`: leads and opportunities created by then, with
/// the stages they had crossed by then (an opportunity closing after it is still open),
/// and spend of the days over.
fn records(records: &Records, clock: &Clock) -> Records {
    let now = clock.now;
    let by = |t: Option<chrono::NaiveDateTime>| t.filter(|t| *t <= now);
    // A deal closed after the clock was still open: its stage then is not known, only
    // that it was open.
    let mut names = records.names.clone();
    let open = match names.iter().position(|n| &**n == OPEN_STAGE) {
        Some(i) => i as Name,
        None => {
            names.push(OPEN_STAGE.into());
            (names.len() - 1) as Name
        }
    };
    // Rows the clock changes nothing of are shared, not copied: at a live clock, all.
    let later = |t: Option<chrono::NaiveDateTime>| t.is_some_and(|t| t > now);
    let leads = records.leads.cut(now, |l| {
        (later(l.mql_at) || later(l.sql_at) || later(l.first_response_at)).then(|| Lead {
            mql_at: by(l.mql_at),
            sql_at: by(l.sql_at),
            first_response_at: by(l.first_response_at),
            ..l.clone()
        })
    });
    let opportunities = records.opportunities.cut(now, |o| {
        let closed = o
            .close_date
            .is_some_and(|d| clock.is_complete(d + Duration::days(1)));
        (o.won.is_some() && !closed).then(|| Opportunity {
            won: None,
            stage: open,
            ..o.clone()
        })
    });
    Records {
        names,
        leads,
        opportunities,
        spend: keep(&records.spend, |s| {
            clock.is_complete(s.date + Duration::days(1))
        }),
    }
}

/// The stage of a deal that had not closed yet as of the clock.
pub const OPEN_STAGE: &str = "open";

fn keep<T: Clone>(rows: &[T], exists: impl Fn(&T) -> bool) -> Vec<T> {
    rows.iter().filter(|r| exists(r)).cloned().collect()
}

fn session(r: &SessionRecords, clock: &Clock) -> SessionRecords {
    let now = clock.now;
    SessionRecords {
        insights: keep(&r.insights, |i| i.delivered_at <= now),
        actions: r
            .actions
            .iter()
            .filter(|a| a.created_at <= now)
            .map(|a| {
                let mut a = a.clone();
                a.done_at = a.done_at.filter(|d| *d <= now);
                a
            })
            .collect(),
        decisions: keep(&r.decisions, |d| d.created_at <= now),
        notes: keep(&r.notes, |n| n.created_at <= now),
        disputes: r
            .disputes
            .iter()
            .filter(|d| d.opened_at <= now)
            .map(|d| {
                let mut d = d.clone();
                if d.resolved_at.is_some_and(|t| t > now) {
                    d.resolved_at = None;
                    d.resolution = None;
                }
                d
            })
            .collect(),
        deliveries: keep(&r.deliveries, |d| d.delivered_at <= now),
        sessions: r
            .sessions
            .iter()
            .filter(|(_, started, _)| *started <= now)
            .map(|(week, started, closed)| (*week, *started, closed.filter(|c| *c <= now)))
            .collect(),
    }
}

/// Each kind's freshness as of the clock: how far the data that existed then reaches.
/// A kind none of whose rows existed yet is as if never imported.
fn freshness(all: &Dataset, seen: &Dataset, tallies: &Tallies, clock: &Clock) -> Vec<Freshness> {
    let week_end = |w: NaiveDate| w + Duration::days(6);
    let mut out: Vec<Freshness> = all
        .freshness
        .iter()
        .filter_map(|f| {
            let until = match f.kind.as_str() {
                "channels" => seen.channel_weeks.iter().map(|r| week_end(r.week)).max(),
                "reconciliation" => seen.reconciliation.iter().map(|r| week_end(r.week)).max(),
                "kpis" => seen.kpi_values.iter().map(|v| v.period_start).max(),
                // A month's plan covers the month.
                "plan" => seen
                    .plan
                    .iter()
                    .map(|p| crate::calendar::add_months(p.month, 1) - Duration::days(1))
                    .max(),
                "deliveries" => seen.deliveries.iter().map(|d| d.delivered_at.date()).max(),
                "usage" => seen
                    .dashboards
                    .iter()
                    .filter_map(|d| d.days.last().map(|(day, _)| *day))
                    .max(),
                "nps" => seen.nps.iter().map(|r| r.date).max(),
                "leads" | "opportunities" | "spend" => {
                    super::tally::data_until(tallies, &f.kind, clock)
                }
                "experiments" => seen.experiments.iter().map(|e| e.end).max(),
                _ => f.data_until,
            };
            until.map(|data_until| Freshness {
                kind: f.kind.clone(),
                loaded_at: f.loaded_at,
                data_until: Some(data_until),
            })
        })
        .collect();
    // Weekly channel facts derived from the records alone are the channels' data: their
    // age is the newest derived week's, loaded with the newest record import.
    let derived_from =
        |f: &&Freshness| matches!(f.kind.as_str(), "leads" | "opportunities" | "spend");
    if !out.iter().any(|f| f.kind == "channels")
        && let Some(week) = seen.channel_weeks.iter().map(|r| r.week).max()
        && let Some(loaded_at) = out.iter().filter(derived_from).map(|f| f.loaded_at).max()
    {
        out.push(Freshness {
            kind: "channels".into(),
            loaded_at,
            data_until: Some(week_end(week)),
        });
        out.sort_by(|a, b| a.kind.cmp(&b.kind));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::Insight;
    use crate::rhythm::kpis::{Span, value};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn an_unactioned_insight_ages_to_the_clock_not_to_the_end_of_its_quarter() {
        let c = Charter::shipped();
        let shown = d(2026, 10, 5).and_hms_opt(9, 0, 0).unwrap();
        let data = Dataset {
            session: SessionRecords {
                insights: vec![Insight {
                    id: 1,
                    week: d(2026, 9, 28),
                    kind: "alert".into(),
                    source_key: "alert:x".into(),
                    text: "x".into(),
                    delivered_at: shown,
                }],
                ..SessionRecords::default()
            },
            ..Dataset::default()
        };
        let clock = Clock::end_of(&c, d(2026, 10, 15));
        let quarter = Span::new(d(2026, 10, 1), d(2027, 1, 1));
        let days = value(&c, &as_of(&c, &data, &clock), "insight-to-action", quarter).unwrap();
        // By hand: from 09:00 on the 5th to 23:59:59 on the 15th.
        let by_hand = (clock.now - shown).num_seconds() as f64 / 86_400.0;
        assert!((days - by_hand).abs() < 1e-9, "{days} vs {by_hand}");
        // Seen as of a later day it is older; the quarter's end is never reached early.
        let later = Clock::end_of(&c, d(2026, 11, 15));
        let days = value(&c, &as_of(&c, &data, &later), "insight-to-action", quarter).unwrap();
        assert!((days - (later.now - shown).num_seconds() as f64 / 86_400.0).abs() < 1e-9);
    }

    #[test]
    fn records_the_clock_changes_nothing_of_are_shared_and_a_later_stage_is_not_yet_crossed() {
        use crate::facts::{Lead, Records};
        let c = Charter::shipped();
        let at = |day: u32, h: u32| d(2026, 3, day).and_hms_opt(h, 0, 0).unwrap();
        let lead = |created, mql_at| Lead {
            mql_at,
            ..Lead::new("l", created, 0)
        };
        let data = Dataset {
            records: Records {
                names: vec!["Webinar".into()],
                leads: vec![lead(at(2, 9), Some(at(9, 9))), lead(at(5, 9), None)].into(),
                ..Records::default()
            },
            ..Dataset::default()
        };
        let live = as_of(&c, &data, &Clock::end_of(&c, d(2026, 3, 20)));
        assert!(live.records.leads.shares(&data.records.leads));
        // As of the 6th: both leads exist, the first not yet an MQL; nothing shared.
        let then = as_of(&c, &data, &Clock::end_of(&c, d(2026, 3, 6)));
        assert!(!then.records.leads.shares(&data.records.leads));
        let mqls: Vec<_> = then.records.leads.iter().map(|l| l.mql_at).collect();
        assert_eq!(mqls, vec![None, None]);
        // As of the 3rd: only the first lead.
        let early = as_of(&c, &data, &Clock::end_of(&c, d(2026, 3, 3)));
        assert_eq!(early.records.leads.len(), 1);
    }

    #[test]
    fn rows_of_channels_the_charter_does_not_list_count_in_no_figure() {
        use crate::facts::{ChannelWeek, PlanMonth};
        let mut c = Charter::shipped();
        let known = c.channels[0].id.clone();
        let row = |channel: &str| ChannelWeek {
            week: d(2026, 11, 9),
            channel: channel.into(),
            spend: 100.0,
            leads: 1.0,
            mqls: 1.0,
            sqls: 0.0,
            pipeline: 500.0,
            sessions: None,
            opportunities: None,
            closed_won: None,
        };
        let plan = |channel: &str| PlanMonth {
            month: d(2026, 11, 1),
            channel: channel.into(),
            budget: 1000.0,
            pipeline_target: None,
            mql_target: None,
        };
        let data = Dataset {
            channel_weeks: vec![row(&known), row("Paid Search")],
            plan: vec![plan(&known), plan("Paid Search")],
            ..Dataset::default()
        };
        let clock = Clock::end_of(&c, d(2026, 11, 23));
        let seen = as_of(&c, &data, &clock);
        let channels = |s: &Dataset| -> Vec<String> {
            s.channel_weeks.iter().map(|r| r.channel.clone()).collect()
        };
        assert_eq!(channels(&seen), vec![known.clone()]);
        assert_eq!(seen.plan.len(), 1);
        // The charter's opt-in makes such a name one of its channels.
        c.definitions.accept_new_channels = true;
        let seen = as_of(&c, &data, &clock);
        assert_eq!(channels(&seen), vec![known, "Paid Search".to_string()]);
        assert_eq!(seen.plan.len(), 2);
    }
}
