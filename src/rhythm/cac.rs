//! The CAC-within-LTV ceiling per channel (seed 001: pause a channel when its CAC exceeds
//! a share of LTV): which spending channels are above it over a span, and which it does
//! not judge because fewer customers closed than the charter's `cac_min_customers`.
//! `rhythm check` and the monthly review's pause suggestions both read it.

use serde::Serialize;

use super::kpis::{Span, totals};
use crate::charter::Charter;
use crate::facts::Dataset;

/// A spending channel's CAC over a span.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelCac {
    pub channel: String,
    /// Closed-won customers in the span (a week straddling its edge counts pro rata).
    pub customers: f64,
    /// Spend per closed-won customer, currency; None without a customer.
    pub cac: Option<f64>,
}

/// The ceiling's verdict on every channel that spent in a span.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ByChannel {
    /// Judged and above the ceiling, highest CAC first.
    pub over: Vec<ChannelCac>,
    /// Judged and within the ceiling.
    pub within: Vec<ChannelCac>,
    /// Not judged: fewer customers than the charter's minimum (no CAC without one).
    pub not_judged: Vec<ChannelCac>,
    /// The charter's `cac_min_customers`.
    pub min_customers: u32,
}

/// Every channel with spend in `span`, judged against `ceiling` (currency per customer),
/// in channel order.
pub fn by_channel(charter: &Charter, data: &Dataset, span: Span, ceiling: f64) -> ByChannel {
    let min = charter.controls.cac_min_customers;
    let mut channels: Vec<&str> = super::kpis::weeks_in(data, span)
        .map(|r| r.channel.as_str())
        .collect();
    channels.sort_unstable();
    channels.dedup();
    let mut out = ByChannel {
        min_customers: min,
        ..ByChannel::default()
    };
    for c in channels {
        let t = totals(data, span, Some(c));
        if t.spend <= 0.0 {
            continue; // no spend, no acquisition cost: nothing to pause
        }
        let customers = t.closed_won.unwrap_or(0.0);
        let line = ChannelCac {
            channel: c.to_string(),
            customers,
            cac: t.cac(),
        };
        match line.cac {
            Some(_) if customers + 1e-9 < f64::from(min) => out.not_judged.push(line),
            None => out.not_judged.push(line),
            Some(x) if x > ceiling => out.over.push(line),
            Some(_) => out.within.push(line),
        }
    }
    out.over
        .sort_by(|a, b| b.cac.unwrap_or(0.0).total_cmp(&a.cac.unwrap_or(0.0)));
    out
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate};

    use super::*;
    use crate::facts::ChannelWeek;

    fn week(week: NaiveDate, channel: &str, spend: f64, closed_won: f64) -> ChannelWeek {
        ChannelWeek {
            week,
            channel: channel.into(),
            spend,
            leads: 0.0,
            mqls: 0.0,
            sqls: 0.0,
            pipeline: 0.0,
            sessions: None,
            opportunities: None,
            closed_won: Some(closed_won),
        }
    }

    #[test]
    fn channels_below_the_minimum_are_not_judged_and_say_so() {
        let mut charter = Charter::shipped();
        charter.controls.cac_min_customers = 5;
        let from = NaiveDate::from_ymd_opt(2026, 8, 24).unwrap();
        let mut rows = Vec::new();
        for i in 0..4 {
            let w = from + Duration::days(7 * i);
            rows.push(week(w, "events", 50_000.0, 1.0)); // 4 customers: not judged
            rows.push(week(w, "linkedin", 40_000.0, 2.0)); // 8 customers, $20K each
            rows.push(week(w, "organic", 0.0, 3.0)); // no spend: no CAC to judge
            rows.push(week(w, "search", 10_000.0, 2.0)); // 8 customers, $5K each
        }
        rows.sort_by(|a, b| a.week.cmp(&b.week).then(a.channel.cmp(&b.channel)));
        let data = Dataset {
            channel_weeks: rows,
            ..Dataset::default()
        };
        let span = Span::new(from, from + Duration::days(28));
        let r = by_channel(&charter, &data, span, 15_000.0);
        // By hand: linkedin 160,000 / 8 = 20,000 > 15,000; search 40,000 / 8 = 5,000.
        assert_eq!(r.over.len(), 1);
        assert_eq!(r.over[0].channel, "linkedin");
        assert_eq!(r.over[0].cac, Some(20_000.0));
        assert_eq!(r.within[0].channel, "search");
        assert_eq!(r.not_judged.len(), 1);
        assert_eq!(
            (r.not_judged[0].channel.as_str(), r.not_judged[0].customers),
            ("events", 4.0)
        );
        // With no minimum, events (200,000 / 4 = 50,000) is judged and over.
        charter.controls.cac_min_customers = 0;
        let r = by_channel(&charter, &data, span, 15_000.0);
        assert!(r.not_judged.is_empty());
        assert_eq!(r.over[0].channel, "events");
        assert_eq!(r.over[0].cac, Some(50_000.0));
    }
}
