//! KPI values by hand: rows built here, the expected figure summed by a loop of its own.

use chrono::{Duration, NaiveDate};

use super::*;
use crate::charter::MarketingChannels;
use crate::facts::ChannelWeek;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn row(week: NaiveDate, channel: &str, spend: f64, pipeline: f64) -> ChannelWeek {
    ChannelWeek {
        week,
        channel: channel.into(),
        spend,
        leads: 10.0,
        mqls: 5.0,
        sqls: 2.0,
        pipeline,
        sessions: None,
        opportunities: None,
        closed_won: None,
    }
}

/// 30 weeks from Monday 4 May 2026 to the week of 23 November: paid search with spend
/// and pipeline that grow week by week, and organic with pipeline but no spend.
fn weeks() -> Vec<ChannelWeek> {
    let first = d(2026, 5, 4);
    let mut rows = Vec::new();
    for i in 0..30 {
        let week = first + Duration::days(7 * i);
        let i = i as f64;
        rows.push(row(week, "organic", 0.0, 20_000.0 + 500.0 * i));
        rows.push(row(
            week,
            "paid-search",
            10_000.0 + 100.0 * i,
            40_000.0 + 3_000.0 * i,
        ));
    }
    rows.sort_by(|a, b| a.week.cmp(&b.week).then(a.channel.cmp(&b.channel)));
    rows
}

#[test]
fn marketing_roi_is_pipeline_over_spend_of_the_trailing_13_complete_weeks() {
    let charter = Charter::shipped();
    let data = Dataset {
        channel_weeks: weeks(),
        ..Dataset::default()
    };
    let november = Span::new(d(2026, 11, 1), d(2026, 12, 1));
    // By hand: the 13 weeks that are over by 30 November are those starting 31 August
    // to 23 November (the week of 30 November runs into December).
    let (from, to) = (d(2026, 8, 31), d(2026, 11, 23));
    let (mut pipeline, mut spend) = (0.0, 0.0);
    for r in &data.channel_weeks {
        if r.week >= from && r.week <= to {
            pipeline += r.pipeline;
            spend += r.spend;
        }
    }
    let expected = pipeline / spend;
    let roi = value(&charter, &data, "marketing-roi", november).unwrap();
    assert!((roi - expected).abs() < 1e-9, "{roi} vs {expected}");
    // Not the month's own ratio: November alone (4 weeks and 2 days of the 30th) is
    // another number, so the test tells the two apart.
    let month = totals(&data, november, None);
    assert!((month.pipeline / month.spend - expected).abs() > 0.01);
}

#[test]
fn marketing_roi_without_all_13_weeks_is_no_data() {
    let charter = Charter::shipped();
    let mut rows = weeks();
    rows.retain(|r| r.week != d(2026, 10, 5));
    let data = Dataset {
        channel_weeks: rows,
        ..Dataset::default()
    };
    let november = Span::new(d(2026, 11, 1), d(2026, 12, 1));
    assert_eq!(value(&charter, &data, "marketing-roi", november), None);
    // December's 13 weeks end with the week of 28 December, past the data: no data too.
    let data = Dataset {
        channel_weeks: weeks(),
        ..Dataset::default()
    };
    let december = Span::new(d(2026, 12, 1), d(2027, 1, 1));
    assert_eq!(value(&charter, &data, "marketing-roi", december), None);
}

#[test]
fn paid_marketing_channels_leave_organic_pipeline_out() {
    let mut charter = Charter::shipped();
    let data = Dataset {
        channel_weeks: weeks(),
        ..Dataset::default()
    };
    let october = Span::new(d(2026, 10, 1), d(2026, 11, 1));
    // By hand: October holds the weeks of 5, 12, 19 and 26 October (the last runs to
    // 1 November, so 6 of its 7 days count) and 4 of the 7 days of the week of 28
    // September. Week i from 4 May: 28 September is week 21.
    let share = |i: i64| match i {
        21 => 4.0 / 7.0,
        22..=24 => 1.0,
        25 => 6.0 / 7.0,
        _ => 0.0,
    };
    let (mut all, mut paid) = (0.0, 0.0);
    for i in 0..30i64 {
        let x = i as f64;
        let organic = 20_000.0 + 500.0 * x;
        let search = 40_000.0 + 3_000.0 * x;
        all += share(i) * (organic + search);
        paid += share(i) * search;
    }
    let got = value(&charter, &data, "pipeline", october).unwrap();
    assert!((got - all).abs() < 1e-6, "{got} vs {all}");
    charter.definitions.marketing_channels = MarketingChannels::Paid;
    let got = value(&charter, &data, "pipeline", october).unwrap();
    assert!((got - paid).abs() < 1e-6, "{got} vs {paid}");
}
