use chrono::{NaiveDate, NaiveDateTime};

use super::*;
use crate::facts::{Lead, Opportunity, Spend};

fn t(day: u32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, day)
        .unwrap()
        .and_hms_opt(hour, 0, 0)
        .unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
}

/// names: 0 "hubspot", 1 "Google Ads", 2 "Billboard", 3 "", 4 "google-ads", 5 "Brand",
/// 6 "tiktok", 7 "Won", 8 "linkedin".
fn names() -> Vec<Box<str>> {
    [
        "hubspot",
        "Google Ads",
        "Billboard",
        "",
        "google-ads",
        "Brand",
        "tiktok",
        "Won",
        "linkedin",
    ]
    .into_iter()
    .map(Into::into)
    .collect()
}

fn lead(id: &str, source: u32, email: &str, created: NaiveDateTime) -> Lead {
    Lead {
        system: Some(0),
        email: (!email.is_empty()).then(|| email.into()),
        ..Lead::new(id, created, source)
    }
}

fn opp(id: &str, amount: f64, created: NaiveDateTime, close: u32, won: bool) -> Opportunity {
    Opportunity {
        id: id.into(),
        created,
        amount,
        source: 1,
        stage: 7,
        close_date: Some(day(close)),
        won: Some(won),
        deal_type: None,
        geo: None,
        system: None,
    }
}

fn spend(d: u32, platform: u32, campaign: u32, cost: f64) -> Spend {
    Spend {
        date: day(d),
        platform,
        campaign,
        account: None,
        cost,
        impressions: None,
        clicks: None,
    }
}

fn span() -> Span {
    Span::new(day(2), day(30))
}

#[test]
fn each_problem_is_counted_and_the_share_is_records_with_any() {
    let charter = Charter::shipped();
    let mut sql_first = lead("hubspot:5", 1, "e5", t(5, 9));
    sql_first.mql_at = Some(t(7, 9));
    sql_first.sql_at = Some(t(6, 9));
    let mut mql_early = lead("hubspot:6", 1, "", t(5, 9));
    mql_early.mql_at = Some(t(4, 9));
    let records = Records {
        names: names(),
        leads: vec![
            lead("hubspot:1", 1, "e1", t(3, 9)),
            lead("hubspot:2", 1, "e1", t(3, 10)), // same email, same system
            lead("3", 2, "", t(3, 11)),           // unmapped source
            lead("hubspot:3", 3, "", t(3, 12)),   // missing source; bare id 3 again
            sql_first,
            mql_early,
            lead("hubspot:7", 1, "e7", t(1, 9)), // before the span: not counted
        ]
        .into(),
        opportunities: vec![
            opp("o1", 0.0, t(3, 9), 20, true),     // won without amount
            opp("o2", 5000.0, t(10, 9), 8, false), // closes before it was created
            opp("o3", 5000.0, t(10, 9), 20, true), // fine
        ]
        .into(),
        spend: vec![
            spend(3, 4, 5, 100.0),
            spend(3, 6, 5, 40.0),
            spend(4, 8, 5, 70.0),
        ],
    };
    let q = assess(&charter, &records, span());
    assert_eq!(q.records, 9);
    assert_eq!(q.duplicate_email.examples, vec!["hubspot:2".to_string()]);
    assert_eq!(q.duplicate_id.examples, vec!["hubspot:3".to_string()]);
    assert_eq!(q.unmapped_source.count, 1);
    assert_eq!(q.unmapped_values, vec![("Billboard".to_string(), 1)]);
    assert_eq!(q.missing_source.count, 1);
    assert_eq!(q.sql_before_mql.examples, vec!["hubspot:5".to_string()]);
    assert_eq!(q.mql_before_created.examples, vec!["hubspot:6".to_string()]);
    assert_eq!(q.won_without_amount.examples, vec!["o1".to_string()]);
    assert_eq!(q.close_before_created.examples, vec!["o2".to_string()]);
    // By hand: hubspot:2, 3, hubspot:3, hubspot:5, hubspot:6, o1, o2 = 7 of 9.
    let by_hand = records
        .leads
        .iter()
        .map(|l| &*l.id)
        .chain(records.opportunities.iter().map(|o| &*o.id))
        .filter(|id| {
            [
                "hubspot:2",
                "3",
                "hubspot:3",
                "hubspot:5",
                "hubspot:6",
                "o1",
                "o2",
            ]
            .contains(id)
        })
        .count();
    assert_eq!(q.with_problem, by_hand);
    assert_eq!(q.share, Some(7.0 / 9.0));
    assert_eq!(q.status(), Status::Fail);
    assert_eq!(
        q.unmapped_spend,
        vec![("tiktok".to_string(), "Brand".to_string(), 40.0)]
    );
    // LinkedIn spent, but no lead names it.
    assert_eq!(q.spend_without_leads, vec!["linkedin".to_string()]);
    assert!(q.leads_without_spend.is_empty());
}

#[test]
fn clean_records_pass_and_no_records_is_no_data_not_zero() {
    let charter = Charter::shipped();
    let clean = Records {
        names: names(),
        leads: vec![lead("hubspot:1", 1, "e1", t(3, 9))].into(),
        ..Records::default()
    };
    let q = assess(&charter, &clean, span());
    assert_eq!((q.share, q.status()), (Some(0.0), Status::Pass));
    let q = assess(&charter, &Records::default(), span());
    assert_eq!((q.share, q.status()), (None, Status::NoData));
    let data = Dataset::default();
    let c = check(&charter, &data, day(20));
    assert_eq!(c.status, Status::NoData);
    assert_eq!(c.value, None);
}

#[test]
fn a_stage_crossed_after_the_clock_is_not_an_impossible_order_yet() {
    use crate::rhythm::as_of::as_of;
    use crate::rhythm::clock::Clock;
    let charter = Charter::shipped();
    let mut l = lead("hubspot:1", 1, "", t(3, 9));
    l.mql_at = Some(t(20, 9));
    l.sql_at = Some(t(6, 9));
    let data = Dataset {
        records: Records {
            names: names(),
            leads: vec![l].into(),
            ..Records::default()
        },
        ..Dataset::default()
    };
    // As of the 25th both stages had happened, in the wrong order.
    let late = as_of(&charter, &data, &Clock::end_of(&charter, day(25)));
    assert_eq!(
        assess(&charter, &late.records, span()).sql_before_mql.count,
        1
    );
    // As of the 10th the MQL had not happened: an SQL alone is no order to judge.
    let early = as_of(&charter, &data, &Clock::end_of(&charter, day(10)));
    assert_eq!(
        assess(&charter, &early.records, span())
            .sql_before_mql
            .count,
        0
    );
}

#[test]
fn the_reviews_unmapped_line_counts_records_and_values() {
    let charter = Charter::shipped();
    let data = Dataset {
        records: Records {
            names: names(),
            leads: vec![
                lead("hubspot:1", 2, "", t(3, 9)),
                lead("hubspot:2", 2, "", t(4, 9)),
                lead("hubspot:3", 1, "", t(4, 9)),
            ]
            .into(),
            ..Records::default()
        },
        ..Dataset::default()
    };
    assert_eq!(unmapped_line(&charter, &data, span()), Some((2, 1)));
    let clean = Span::new(day(4), day(5));
    let mut only_mapped = data.clone();
    only_mapped.records.leads.retain(|l| l.source == 1);
    assert_eq!(unmapped_line(&charter, &only_mapped, clean), None);
}
