//! Seed 001's lead decay by source and the lead-response SLA, from the records cut to
//! the clock.
//!
//! Definitions:
//! - **First-response delay**: `first_response_at` minus `created`, in minutes. A lead
//!   with no first response by the clock has no delay; one whose first response precedes
//!   its creation is counted as `invalid` and in no bucket.
//! - **Lead decay** of a channel: its leads of the 12 cohort months bucketed by delay
//!   ([`BUCKETS`]: under 5 min, 5–30 min, 30 min–1 h, 1–24 h, over 24 h — lower bound
//!   included, upper excluded), and per bucket the share that became MQL and SQL by the
//!   clock. A bucket of fewer than `funnel::MIN_BASE` leads: no data.
//! - **Lead-response SLA** (`[funnel] response_minutes`, `response_channels`): of the
//!   leads created in the window (the review month; `rhythm check`: `[controls]
//!   sla_window`) on those channels (none listed: every channel), the share whose first
//!   response came within `response_minutes`. A lead with no first response counts as
//!   missed once its limit has passed on the clock, and is not judged before. The share is
//!   judged against `[controls] sla_on_time_target`, warning within 5% of it (the delivery
//!   SLA's rule). No data: the charter sets no `response_minutes`, no lead of the window
//!   carries a `first_response_at`, or fewer than `funnel::MIN_BASE` leads are judged.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::clock::Clock;
use super::controls::{Check, Detail, NoData};
use super::derive::local_day;
use super::funnel::{Channels, MIN_BASE};
use super::sla::SLA_WARN_TOLERANCE;
use super::{Status, judge};
use crate::calendar::add_months;
use crate::charter::{Charter, Direction};
use crate::facts::{Lead, Records};

/// The delay buckets: (label, from minutes, to minutes; None: no upper bound).
pub const BUCKETS: [(&str, i64, Option<i64>); 5] = [
    ("<5 min", 0, Some(5)),
    ("5–30 min", 5, Some(30)),
    ("30 min–1 h", 30, Some(60)),
    ("1–24 h", 60, Some(1440)),
    (">24 h", 1440, None),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DecayBucket {
    pub label: &'static str,
    pub from_minutes: i64,
    pub to_minutes: Option<i64>,
    pub leads: u64,
    pub mqls: u64,
    pub sqls: u64,
    pub to_mql: Option<f64>,
    pub to_sql: Option<f64>,
}

/// One channel's lead decay.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decay {
    pub channel: String,
    pub buckets: Vec<DecayBucket>,
    /// Leads with no first response by the clock.
    pub no_response: u64,
    /// Leads whose first response is dated before their creation.
    pub invalid: u64,
}

/// The lead-response SLA over a window.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseSla {
    pub minutes: u32,
    /// Empty: every channel.
    pub channels: Vec<String>,
    /// First and last day of the window.
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Leads of the window on the SLA's channels.
    pub leads: u64,
    /// Of them, answered by the clock, and judged (answered, or unanswered past the limit).
    pub answered: u64,
    pub judged: u64,
    pub within: u64,
    pub share: Option<f64>,
    pub target: f64,
    pub status: Status,
}

/// What the funnel section says of response times.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Response {
    /// First day of the decay's leads (the first cohort month).
    pub from: NaiveDate,
    pub decay: Vec<Decay>,
    /// None: the charter sets no `response_minutes`.
    pub sla: Option<ResponseSla>,
}

fn delay_minutes(l: &Lead) -> Option<i64> {
    l.first_response_at
        .map(|r| (r - l.created).num_seconds().div_euclid(60))
}

/// Decay from the first cohort month `first` through the review month `month`, and the
/// SLA over the review month.
pub fn response(
    charter: &Charter,
    records: &Records,
    first: NaiveDate,
    month: NaiveDate,
    clock: &Clock,
) -> Response {
    let end = add_months(month, 1);
    let mut channels = Channels::new(charter, records);
    let n = charter.channels.len() + 1;
    let mut decay: Vec<Decay> = (0..n)
        .map(|c| Decay {
            channel: channels.name(c).to_string(),
            buckets: BUCKETS
                .iter()
                .map(|(label, from, to)| DecayBucket {
                    label,
                    from_minutes: *from,
                    to_minutes: *to,
                    ..DecayBucket::default()
                })
                .collect(),
            no_response: 0,
            invalid: 0,
        })
        .collect();
    let mut seen = vec![false; n];
    for l in super::derive::counted_among(charter, records, records.leads.around(first, end)) {
        let day = local_day(charter, l.created);
        if day < first || day >= end {
            continue;
        }
        let c = channels.of(l.source);
        seen[c] = true;
        let d = &mut decay[c];
        match delay_minutes(l) {
            None => d.no_response += 1,
            Some(m) if m < 0 => d.invalid += 1,
            Some(m) => {
                let b = BUCKETS
                    .iter()
                    .position(|(_, from, to)| m >= *from && to.is_none_or(|t| m < t))
                    .unwrap_or(BUCKETS.len() - 1);
                let b = &mut d.buckets[b];
                b.leads += 1;
                b.mqls += u64::from(l.mql_at.is_some());
                b.sqls += u64::from(l.sql_at.is_some());
            }
        }
    }
    for d in &mut decay {
        for b in &mut d.buckets {
            let rate = |k: u64| (b.leads >= MIN_BASE).then(|| k as f64 / b.leads as f64);
            b.to_mql = rate(b.mqls);
            b.to_sql = rate(b.sqls);
        }
    }
    let decay = decay
        .into_iter()
        .zip(seen)
        .filter_map(|(d, s)| s.then_some(d))
        .collect();
    Response {
        from: first,
        decay,
        sla: sla(charter, records, month, end, clock.now),
    }
}

/// The lead-response SLA over the leads created on the days `from..to` (local), judged
/// at `now`. None: the charter sets no SLA.
pub fn sla(
    charter: &Charter,
    records: &Records,
    from: NaiveDate,
    to: NaiveDate,
    now: NaiveDateTime,
) -> Option<ResponseSla> {
    let minutes = charter.funnel.response_minutes?;
    let listed = &charter.funnel.response_channels;
    let mut channels = Channels::new(charter, records);
    let limit = Duration::minutes(i64::from(minutes));
    let (mut leads, mut answered, mut judged, mut within) = (0, 0, 0, 0);
    for l in super::derive::counted_among(charter, records, records.leads.around(from, to)) {
        let day = local_day(charter, l.created);
        if day < from || day >= to {
            continue;
        }
        let c = channels.of(l.source);
        if !listed.is_empty() && !listed.iter().any(|x| x == channels.name(c)) {
            continue;
        }
        leads += 1;
        match l.first_response_at {
            Some(r) => {
                answered += 1;
                judged += 1;
                within += u64::from(r >= l.created && r - l.created <= limit);
            }
            None if l.created + limit <= now => judged += 1,
            None => {}
        }
    }
    let share = (answered > 0 && judged >= MIN_BASE).then(|| within as f64 / judged as f64);
    let target = charter.controls.sla_on_time_target;
    Some(ResponseSla {
        minutes,
        channels: listed.clone(),
        from,
        to: to - Duration::days(1),
        leads,
        answered,
        judged,
        within,
        share,
        target,
        status: judge(share, target, Direction::HigherIsBetter, SLA_WARN_TOLERANCE),
    })
}

/// The `lead-response` control of `rhythm check`: the SLA over `[controls] sla_window`.
pub fn check(charter: &Charter, records: &Records, at: NaiveDate, now: NaiveDateTime) -> Check {
    let window = charter.controls.sla_window;
    let span = super::window::span(charter, window, at);
    let base = Check {
        id: "lead-response".into(),
        name: "Lead response time".into(),
        status: Status::NoData,
        value: None,
        target: Some(charter.controls.sla_on_time_target),
        detail: Detail::NoData(NoData::NoResponseSla),
        kpi: None,
    };
    let Some(s) = sla(charter, records, span.from, span.to, now) else {
        return base;
    };
    Check {
        status: s.status,
        value: s.share,
        detail: match s.share {
            None => Detail::NoData(NoData::NoFirstResponse {
                window,
                judged: s.judged,
                answered: s.answered,
            }),
            Some(_) => Detail::LeadResponse(Box::new(s)),
        },
        ..base
    }
}
