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

/// Records whose keys repeat across a month, stages crossed at all sorts of times.
fn repeating() -> Records {
    let mut leads = Vec::new();
    for i in 0..120u32 {
        let created = t(1 + i % 28, i % 24);
        let mut l = lead(
            &format!("hubspot:{}", i % 37),
            1 + i % 3,
            &format!("e{}", i % 23),
            created,
        );
        l.id = if i % 5 == 0 {
            format!("{}", i % 37)
        } else {
            l.id.to_string()
        }
        .into();
        l.mql_at = (i % 2 == 0).then(|| t(1 + (i * 7) % 28, 3));
        l.sql_at = (i % 4 == 0).then(|| t(1 + (i * 5) % 28, 4));
        leads.push(l);
    }
    let opportunities = (0..40u32)
        .map(|i| {
            let mut o = opp(
                &format!("o{}", i % 17),
                f64::from(i % 3) * 10.0,
                t(1 + i % 28, 9),
                1 + (i * 3) % 28,
                i % 2 == 0,
            );
            o.system = Some(0);
            o
        })
        .collect::<Vec<_>>();
    Records {
        names: names(),
        leads: leads.into(),
        opportunities: opportunities.into(),
        ..Records::default()
    }
}

/// The duplicates of `span` by a second, plain path: every record in the span, oldest
/// first, against every earlier one in it.
fn repeats_by_hand(charter: &Charter, records: &Records, span: Span) -> (Problem, Problem) {
    let inside = |t| span.contains(local_day(charter, t));
    let leads: Vec<&Lead> = records.leads.iter().filter(|l| inside(l.created)).collect();
    let opps: Vec<&Opportunity> = records
        .opportunities
        .iter()
        .filter(|o| inside(o.created))
        .collect();
    let (mut email, mut id) = (Problem::default(), Problem::default());
    for (i, l) in leads.iter().enumerate() {
        let e = l.email.as_deref().filter(|e| !e.is_empty());
        if e.is_some()
            && leads[..i]
                .iter()
                .any(|k| k.system == l.system && k.email.as_deref() == e)
        {
            email.add(&l.id);
        }
        let last = leads[..i]
            .iter()
            .rev()
            .find(|k| k.system == l.system && bare_id(&k.id) == bare_id(&l.id));
        if last.is_some_and(|k| k.id != l.id) {
            id.add(&l.id);
        }
    }
    for (i, o) in opps.iter().enumerate() {
        let last = opps[..i]
            .iter()
            .rev()
            .find(|k| k.system == o.system && bare_id(&k.id) == bare_id(&o.id));
        if last.is_some_and(|k| k.id != o.id) {
            id.add(&o.id);
        }
    }
    (email, id)
}

#[test]
fn quality_kept_with_the_rows_is_quality_counted_afresh_at_every_clock_in_any_order() {
    let charter = Charter::shipped();
    let data = Dataset {
        records: repeating(),
        ..Dataset::default()
    };
    // One store's rows asked at clocks out of order (first one before a span starts),
    // over spans that start or end on the same day, as period switches ask them.
    let spans = [
        span(),
        Span::new(day(2), day(16)),
        Span::new(day(9), day(23)),
    ];
    for d in [3, 27, 8, 15, 28, 21, 12, 30] {
        let clock = crate::rhythm::clock::Clock::end_of(&charter, day(d));
        let cut = crate::rhythm::as_of::as_of(&charter, &data, &clock);
        for s in spans {
            let kept = assess(&charter, &cut.records, s);
            // The same rows, their own: nothing kept from an earlier clock.
            let afresh = Records {
                leads: cut.records.leads.to_vec().into(),
                opportunities: cut.records.opportunities.to_vec().into(),
                ..cut.records.clone()
            };
            assert_eq!(kept, assess(&charter, &afresh, s), "as of the {d}th, {s:?}");
            let (email, id) = repeats_by_hand(&charter, &cut.records, s);
            assert_eq!(kept.duplicate_email, email, "as of the {d}th, {s:?}");
            assert_eq!(kept.duplicate_id, id, "as of the {d}th, {s:?}");
        }
    }
    // Enough repeats that the comparison says something.
    let full = assess(&charter, &data.records, span());
    assert!(
        full.duplicate_email.count > 20 && full.duplicate_id.count > 20,
        "{full:?}"
    );
}
