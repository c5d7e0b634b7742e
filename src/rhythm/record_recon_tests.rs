use chrono::{NaiveDate, NaiveDateTime};

use super::*;
use crate::facts::Lead;

fn t(day: u32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, day)
        .unwrap()
        .and_hms_opt(hour, 0, 0)
        .unwrap()
}

/// names: 0 "hubspot", 1 "salesforce", 2 "Google Ads".
fn lead(id: &str, system: u32, email: &str, created: NaiveDateTime) -> Lead {
    Lead {
        id: id.into(),
        created,
        source: 2,
        mql_at: None,
        sql_at: None,
        geo: None,
        segment: None,
        first_response_at: None,
        system: Some(system),
        email: (!email.is_empty()).then(|| email.into()),
    }
}

fn records(leads: Vec<Lead>) -> Records {
    Records {
        names: vec!["hubspot".into(), "Salesforce".into(), "Google Ads".into()],
        leads: leads.into(),
        ..Records::default()
    }
}

fn window() -> Span {
    Span::new(
        NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    )
}

/// The same question answered by brute force: every pair of the two sides compared.
fn by_hand(r: &Records, span: Span, charter: &Charter) -> (Vec<String>, Vec<String>, usize) {
    let side = |s: u32| r.leads.iter().filter(move |l| l.system == Some(s));
    let same = |a: &Lead, b: &Lead| {
        bare_id(&a.id) == bare_id(&b.id) || (a.email.is_some() && a.email == b.email)
    };
    let inside = |l: &Lead| span.contains(local_day(charter, l.created));
    let only_map: Vec<String> = side(0)
        .filter(|m| inside(m) && !side(1).any(|c| same(m, c)))
        .map(|l| l.id.to_string())
        .collect();
    let only_crm: Vec<String> = side(1)
        .filter(|c| inside(c) && !side(0).any(|m| same(m, c)))
        .map(|l| l.id.to_string())
        .collect();
    let mut disagreeing = 0;
    for m in side(0) {
        for c in side(1) {
            if same(m, c) && (inside(m) || inside(c)) {
                let off = |a: Option<NaiveDateTime>, b: Option<NaiveDateTime>| match (a, b) {
                    (Some(a), Some(b)) => (a - b).num_seconds().abs() > 86_400,
                    (a, b) => a.is_some() != b.is_some(),
                };
                disagreeing += usize::from(off(m.mql_at, c.mql_at) || off(m.sql_at, c.sql_at));
            }
        }
    }
    (only_map, only_crm, disagreeing)
}

#[test]
fn missing_records_and_disagreeing_stages_are_named() {
    let charter = Charter::shipped();
    let mut a = lead("hubspot:1", 0, "e1", t(3, 9));
    a.mql_at = Some(t(4, 9));
    let mut a2 = lead("salesforce:1", 1, "", t(3, 9));
    // Within a day: agrees.
    a2.mql_at = Some(t(5, 8));
    // By email, ids differ; MQL three days apart; SQL on one side only.
    let mut b = lead("hubspot:2", 0, "e2", t(5, 9));
    b.mql_at = Some(t(6, 9));
    b.sql_at = Some(t(8, 9));
    let mut b2 = lead("salesforce:00Q2", 1, "e2", t(5, 10));
    b2.mql_at = Some(t(9, 9));
    let only_map = lead("hubspot:3", 0, "e3", t(10, 9));
    let only_crm = lead("salesforce:4", 1, "e4", t(11, 9));
    // Outside the window and unmatched: not this window's problem.
    let old = lead("hubspot:5", 0, "e5", t(1, 9));
    let r = records(vec![a, a2, b, b2, only_map, only_crm, old]);
    assert!(applies(&charter, &r));
    let got = reconcile(&charter, &r, window()).unwrap();
    assert_eq!(got.only_map.ids, vec!["hubspot:3".to_string()]);
    assert_eq!(got.only_crm.ids, vec!["salesforce:4".to_string()]);
    assert_eq!((got.matched, got.matched_by_email), (2, 1));
    assert_eq!(got.gap_count, 2);
    assert_eq!(got.pairs_disagreeing, 1);
    assert!(got.stage_gaps.iter().all(|g| g.map_id == "hubspot:2"));
    // By hand: 4 persons, 3 with a problem (two missing, one pair disagreeing).
    assert_eq!(got.problem_share, Some(3.0 / 4.0));
    let (m, c, d) = by_hand(&r, window(), &charter);
    assert_eq!((m, c, d), (got.only_map.ids, got.only_crm.ids, 1));
}

#[test]
fn a_stage_crossed_after_the_clock_is_not_yet_a_disagreement_of_its_day() {
    use crate::facts::Dataset;
    use crate::rhythm::as_of::as_of;
    use crate::rhythm::clock::Clock;
    let charter = Charter::shipped();
    let mut m = lead("hubspot:1", 0, "", t(3, 9));
    m.mql_at = Some(t(4, 9));
    let mut c = lead("salesforce:1", 1, "", t(3, 9));
    // The CRM catches up on the 20th: as of the 10th the MAP alone has the MQL.
    c.mql_at = Some(t(20, 9));
    let data = Dataset {
        records: records(vec![m, c]),
        ..Dataset::default()
    };
    let early = as_of(&charter, &data, &Clock::end_of(&charter, t(10, 0).date()));
    let got = reconcile(&charter, &early.records, window()).unwrap();
    assert_eq!(got.stage_gaps[0].crm_at, None, "no look-ahead: {got:?}");
    let late = as_of(&charter, &data, &Clock::end_of(&charter, t(25, 0).date()));
    let got = reconcile(&charter, &late.records, window()).unwrap();
    assert_eq!(got.stage_gaps[0].crm_at, Some(t(20, 9)));
    // A record created after the clock is not missing from the other side yet.
    let mut data = data;
    data.records.leads.push(lead("hubspot:9", 0, "", t(15, 9)));
    let early = as_of(&charter, &data, &Clock::end_of(&charter, t(10, 0).date()));
    let got = reconcile(&charter, &early.records, window()).unwrap();
    assert_eq!(got.only_map.count, 0);
}

#[test]
fn one_system_alone_does_not_apply_and_an_empty_window_has_no_share() {
    let charter = Charter::shipped();
    let r = records(vec![lead("hubspot:1", 0, "", t(3, 9))]);
    assert!(!applies(&charter, &r));
    let r = records(vec![
        lead("hubspot:1", 0, "", t(1, 9)),
        lead("salesforce:1", 1, "", t(1, 9)),
    ]);
    assert!(applies(&charter, &r));
    // Both created on the 1st, before the window: nothing to judge, not 0%.
    assert_eq!(
        reconcile(&charter, &r, window()).unwrap().problem_share,
        None
    );
    let mut none = charter.clone();
    none.funnel.crm_system = None;
    assert!(reconcile(&none, &r, window()).is_none());
}

#[test]
fn long_lists_keep_the_first_ids_and_the_count() {
    let charter = Charter::shipped();
    let mut leads: Vec<Lead> = (0..LIST_CAP + 7)
        .map(|i| lead(&format!("hubspot:{i:03}"), 0, "", t(3, 9)))
        .collect();
    leads.push(lead("salesforce:x", 1, "", t(3, 9)));
    let got = reconcile(&charter, &records(leads), window()).unwrap();
    assert_eq!(got.only_map.count, LIST_CAP + 7);
    assert_eq!(got.only_map.ids.len(), LIST_CAP);
    assert_eq!(got.only_map.ids[0], "hubspot:000");
}
