use chrono::{Duration, NaiveDate};

use super::*;
use crate::facts::{ChannelWeek, KpiValue, Opportunity, Records};
use crate::rhythm::as_of::as_of;
use crate::rhythm::clock::Clock;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

fn week(w: NaiveDate, spend: f64) -> ChannelWeek {
    ChannelWeek {
        week: w,
        channel: "paid-search".into(),
        spend,
        leads: 0.0,
        mqls: 0.0,
        sqls: 0.0,
        pipeline: 0.0,
        sessions: None,
        opportunities: None,
        closed_won: None,
    }
}

/// names: 0 "Google Ads", 1 "Closed Won", 2 "Billboard".
fn opp(id: &str, amount: f64, close: NaiveDate, won: bool, deal: Option<DealType>) -> Opportunity {
    Opportunity {
        id: id.into(),
        created: day(2).and_hms_opt(9, 0, 0).unwrap(),
        amount,
        source: 0,
        stage: 1,
        close_date: Some(close),
        won: Some(won),
        deal_type: deal,
        geo: None,
        system: None,
    }
}

/// Four Monday weeks from 2 November, 10,000 of spend each, and the opportunities.
fn data() -> Dataset {
    let mut billboard = opp("o6", 70_000.0, day(12), true, None);
    billboard.source = 2; // names no channel: not marketing-sourced
    Dataset {
        channel_weeks: (0..4)
            .map(|i| week(day(2) + Duration::days(7 * i), 10_000.0))
            .collect(),
        records: Records {
            names: vec!["Google Ads".into(), "Closed Won".into(), "Billboard".into()],
            opportunities: vec![
                opp("o1", 60_000.0, day(10), true, None),
                opp("o2", 36_000.0, day(20), true, Some(DealType::NewBusiness)),
                opp("o3", 50_000.0, day(11), true, Some(DealType::Renewal)),
                opp("o4", 80_000.0, day(12), false, None),
                opp("o5", 90_000.0, day(30), true, None), // the day after the span
                billboard,
            ]
            .into(),
            ..Records::default()
        },
        ..Dataset::default()
    }
}

fn span() -> Span {
    Span::new(day(2), day(30))
}

#[test]
fn efficiency_cac_and_payback_by_their_definitions() {
    let c = Charter::shipped();
    let m = metrics(&c, &data(), span()).unwrap();
    assert_eq!(
        (m.new_arr, m.customers, m.spend),
        (96_000.0, 2, Some(40_000.0))
    );
    assert_eq!(m.efficiency, Some(2.4));
    assert_eq!(m.cac, Some(20_000.0));
    // Second path: payback = 12 × spend / new ARR (the customers cancel out).
    let by_hand = 12.0 * 40_000.0 / 96_000.0;
    assert!((m.payback_months.unwrap() - by_hand).abs() < 1e-9);
    assert_eq!(m.ltv_cac, None, "no margin or churn: no LTV from revenue");
}

#[test]
fn a_missing_week_has_no_figure_not_a_smaller_one() {
    let c = Charter::shipped();
    let mut d = data();
    d.channel_weeks.remove(2);
    let m = metrics(&c, &d, span()).unwrap();
    assert_eq!((m.weeks, m.weeks_with_spend), (4, 3));
    assert_eq!(
        (m.spend, m.efficiency, m.payback_months),
        (None, None, None)
    );
}

#[test]
fn the_records_replace_the_typed_kpi_and_without_them_it_stays() {
    let c = Charter::shipped();
    let mut d = data();
    d.kpi_values.push(KpiValue {
        kpi: "marketing-efficiency".into(),
        period_start: day(2),
        value: 9.9,
        note: None,
    });
    let v = crate::rhythm::kpis::value(&c, &d, "marketing-efficiency", span());
    assert_eq!(v, Some(2.4));
    d.records = Records::default();
    let v = crate::rhythm::kpis::value(&c, &d, "marketing-efficiency", span());
    assert_eq!(v, Some(9.9));
    // LTV:CAC is never replaced: the records cannot make LTV.
    assert_eq!(replaces(&c, &data(), "ltv-cac", span()), None);
}

#[test]
fn no_look_ahead_a_deal_won_after_the_clock_is_not_yet_won() {
    let c = Charter::shipped();
    let clock = Clock::end_of(&c, day(15));
    let all = as_of(&c, &data(), &clock);
    // Only what existed by the 15th: o2 (won on the 20th) still open, weeks 3-4 absent.
    let mut then = data();
    then.channel_weeks.truncate(2);
    then.records.opportunities.edit(|o| {
        o[1].won = None;
        o[4].won = None;
    });
    let then = as_of(&c, &then, &clock);
    let (a, b) = (metrics(&c, &all, span()), metrics(&c, &then, span()));
    assert_eq!(a, b);
    let a = a.unwrap();
    // By hand: 60,000 won over the two weeks' 20,000.
    assert_eq!((a.weeks, a.new_arr, a.efficiency), (2, 60_000.0, Some(3.0)));
}

#[test]
fn new_arr_kept_with_the_rows_is_new_arr_summed_by_hand_at_every_clock_in_any_order() {
    let c = Charter::shipped();
    // Opportunities created through the month, closing on every sort of day after.
    let mut d = data();
    d.records.opportunities = (0..60u32)
        .map(|i| {
            let mut o = opp(
                &format!("p{i}"),
                1_000.0 * f64::from(1 + i % 7),
                day(1 + (i * 11) % 30),
                i % 3 != 0,
                [None, Some(DealType::NewBusiness), Some(DealType::Expansion)][(i % 3) as usize],
            );
            o.created = day(1 + i % 25).and_hms_opt(i % 24, 0, 0).unwrap();
            o.source = if i % 5 == 0 { 2 } else { 0 };
            o
        })
        .collect();
    let spans = [
        span(),
        Span::new(day(9), day(16)),
        Span::new(day(2), day(9)),
    ];
    for at in [4, 29, 12, 20, 8, 30, 16] {
        let cut = as_of(&c, &d, &Clock::end_of(&c, day(at)));
        for s in spans {
            let m = metrics(&c, &cut, s).unwrap();
            // Second path: every opportunity the cut holds, won, closed in the span,
            // new business, from a marketing source (0: "Google Ads").
            let won: Vec<&Opportunity> = cut
                .records
                .opportunities
                .iter()
                .filter(|o| o.won == Some(true) && o.close_date.is_some_and(|x| s.contains(x)))
                .filter(|o| o.deal_type != Some(DealType::Expansion) && o.source == 0)
                .collect();
            let by_hand: f64 = won.iter().map(|o| o.amount).sum();
            assert_eq!(
                (m.new_arr, m.customers),
                (by_hand, won.len() as u32),
                "as of the {at}th, {s:?}"
            );
        }
    }
}
