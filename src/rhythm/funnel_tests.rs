use chrono::{NaiveDate, NaiveDateTime};

use super::*;
use crate::facts::{Lead, Opportunity, Records};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn t(y: i32, m: u32, day: u32, h: u32, min: u32) -> NaiveDateTime {
    d(y, m, day).and_hms_opt(h, min, 0).unwrap()
}

/// Names: 0 paid-search, 1 an unmapped source, 2 organic, 3 geo DE, 4 stage "Closed".
fn names() -> Vec<Box<str>> {
    ["paid-search", "Mystery Fair", "organic", "DE", "Closed"]
        .iter()
        .map(|s| (*s).into())
        .collect()
}

fn lead(id: usize, source: u32, created: NaiveDateTime) -> Lead {
    Lead::new(&format!("l{id}"), created, source)
}

fn opportunity(
    id: usize,
    source: u32,
    created: NaiveDateTime,
    won: Option<NaiveDate>,
) -> Opportunity {
    Opportunity {
        id: format!("o{id}").into(),
        created,
        amount: 1000.0,
        source,
        stage: 4,
        close_date: won,
        won: won.map(|_| true),
        deal_type: None,
        geo: Some(3),
        system: None,
    }
}

/// March 2026: ten paid-search leads, lead i MQL after `i` days (i = 1..=8) and SQL 2·i
/// days after the MQL for i = 1..=6; three unmapped leads without stages; six paid-search
/// opportunities, three won after 10, 20 and 30 days, two more won after 40 and 50.
fn march() -> Records {
    let mut leads = Vec::new();
    for i in 1..=10usize {
        let created = t(2026, 3, 2, 12, 0);
        let mut l = lead(i, 0, created);
        if i <= 8 {
            l.mql_at = Some(created + chrono::Duration::days(i as i64));
        }
        if i <= 6 {
            l.sql_at = Some(created + chrono::Duration::days(3 * i as i64));
        }
        l.geo = Some(3);
        leads.push(l);
    }
    for i in 11..=13 {
        leads.push(lead(i, 1, t(2026, 3, 20, 9, 0)));
    }
    let created = t(2026, 3, 3, 0, 0);
    let mut opportunities = Vec::new();
    for (i, won) in [Some(10), Some(20), Some(30), Some(40), Some(50), None]
        .into_iter()
        .enumerate()
    {
        let close = won.map(|days| created.date() + chrono::Duration::days(days));
        opportunities.push(opportunity(i, 0, created, close));
    }
    Records {
        names: names(),
        leads: leads.into(),
        opportunities: opportunities.into(),
        spend: Vec::new(),
    }
}

fn clock(day: NaiveDate) -> Clock {
    Clock::end_of(&Charter::shipped(), day)
}

/// Quantiles recomputed by the textbook rule: rank h = (n − 1)·p, between neighbours.
fn by_hand(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let below = sorted[h as usize];
    let above = sorted[(h as usize + 1).min(sorted.len() - 1)];
    below + (h - h.trunc()) * (above - below)
}

#[test]
fn a_hand_made_cohort_recomputed_by_a_second_path() {
    let c = Charter::shipped();
    let r = march();
    let f = review(&c, &r, d(2026, 3, 1), &clock(d(2026, 8, 31)));
    assert_eq!(f.overall.maturity, Maturity::Mature);
    let paid = &f
        .by_channel
        .iter()
        .find(|s| s.name == "paid-search")
        .unwrap()
        .stages;
    // Counted by filtering the rows directly.
    let of = |s: u32| r.leads.iter().filter(move |l| l.source == s);
    assert_eq!(paid.leads, of(0).count() as u64);
    assert_eq!(
        paid.mqls,
        of(0).filter(|l| l.mql_at.is_some()).count() as u64
    );
    assert_eq!(paid.sqls, 6);
    assert_eq!(paid.opportunities, 6);
    assert_eq!(paid.won, 5);
    assert_eq!(paid.lead_to_mql, Some(0.8));
    assert_eq!(paid.mql_to_sql, Some(6.0 / 8.0));
    assert_eq!(paid.sql_to_opportunity, Some(1.0));
    assert_eq!(paid.opportunity_to_won, Some(5.0 / 6.0));
    // Lead→MQL days 1..=8: median 4.5, p80 at rank 5.6 → 6.6.
    let v = paid.lead_to_mql_days.unwrap();
    assert_eq!(v.n, 8);
    assert!((v.median_days - 4.5).abs() < 1e-9);
    assert!((v.p80_days - 6.6).abs() < 1e-9, "{v:?}");
    // MQL→SQL: 3i − i = 2i days for i = 1..=6.
    let gaps: Vec<f64> = (1..=6).map(|i| 2.0 * i as f64).collect();
    let v = paid.mql_to_sql_days.unwrap();
    assert_eq!(Some(v.median_days), crate::rhythm::stats::median(&gaps));
    assert!((v.p80_days - by_hand(&gaps, 0.8)).abs() < 1e-9);
    // Opportunity→won: 10, 20, 30, 40, 50 days.
    let v = paid.opportunity_to_won_days.unwrap();
    assert_eq!((v.median_days, v.p80_days), (30.0, 42.0));
    // The unmapped source counts under 'unmapped', with too few leads for a rate.
    let unmapped = &f
        .by_channel
        .iter()
        .find(|s| s.name == UNMAPPED)
        .unwrap()
        .stages;
    assert_eq!(unmapped.leads, 3);
    assert_eq!(
        unmapped.lead_to_mql, None,
        "3 leads are too few: no data, not 0"
    );
    assert_eq!(f.overall.stages.leads, 13);
    // By geo: the paid leads and opportunities are DE, the unmapped ones have none.
    let geos: Vec<(&str, u64)> = f
        .by_geo
        .iter()
        .map(|g| (g.name.as_str(), g.stages.leads))
        .collect();
    assert_eq!(geos, vec![("DE", 10), (NO_GEO, 3)]);
}

#[test]
fn a_channel_without_records_is_absent_not_zero() {
    let c = Charter::shipped();
    let f = review(&c, &march(), d(2026, 3, 1), &clock(d(2026, 8, 31)));
    assert!(f.channel("organic").is_none());
    assert!(f.by_channel.iter().all(|s| s.name != "organic"));
    // A month with no records has no rates at all.
    let jan = f.cohorts.iter().find(|c| c.month == d(2026, 1, 1)).unwrap();
    assert_eq!(jan.stages.leads, 0);
    assert_eq!(jan.stages.lead_to_mql, None);
    assert_eq!(jan.stages.lead_to_mql_days, None);
}

#[test]
fn a_month_in_progress_is_partial_and_the_one_before_maturing() {
    let c = Charter::shipped();
    let mut r = march();
    let march_leads: Vec<Lead> = r.leads.to_vec();
    for l in march_leads {
        let mut l = l;
        l.created += chrono::Duration::days(31);
        l.mql_at = l.mql_at.map(|x| x + chrono::Duration::days(31));
        l.sql_at = l.sql_at.map(|x| x + chrono::Duration::days(31));
        r.leads.push(l);
    }
    let f = review(&c, &r, d(2026, 4, 1), &clock(d(2026, 4, 20)));
    assert_eq!(f.overall.maturity, Maturity::Partial);
    let march = f.cohorts.iter().find(|c| c.month == d(2026, 3, 1)).unwrap();
    assert_eq!(march.maturity, Maturity::Maturing);
    assert!(
        f.cohorts.iter().all(|c| c.trend.is_none()),
        "no mature pair"
    );
    // Mature months are compared: by September both are, April's rates equal March's.
    let f = review(&c, &r, d(2026, 4, 1), &clock(d(2026, 9, 30)));
    let t = f.overall.trend.unwrap();
    assert_eq!(t.lead_to_mql, Some(0.0));
}

#[test]
fn figures_as_of_a_day_do_not_move_when_later_records_arrive() {
    use crate::facts::Dataset;
    let c = Charter::shipped();
    let day = d(2026, 3, 7);
    let early = Dataset {
        records: march(),
        ..Dataset::default()
    };
    let mut later = early.clone();
    later.records.leads.push({
        let mut l = lead(99, 0, t(2026, 3, 25, 10, 0));
        l.mql_at = Some(t(2026, 3, 26, 10, 0));
        l.first_response_at = Some(t(2026, 3, 25, 10, 1));
        l
    });
    later.records.opportunities.push(opportunity(
        99,
        0,
        t(2026, 3, 28, 0, 0),
        Some(d(2026, 3, 29)),
    ));
    let at = clock(day);
    let seen = |data: &Dataset| {
        let cut = crate::rhythm::as_of::as_of(&c, data, &at);
        review(&c, &cut.records, d(2026, 3, 1), &at)
    };
    let before = seen(&early);
    assert_eq!(before, seen(&later));
    // Cut to the 7th, leads 6 to 8 (MQL on the 8th to the 10th) are not yet MQLs.
    let paid = &before.by_channel[0].stages;
    assert_eq!(paid.mqls, 5);
    assert_eq!(paid.won, 0, "no opportunity had closed by the 7th");
    assert_eq!(
        before.overall.stages.leads, 10,
        "the unmapped leads of the 20th do not exist yet"
    );
}

/// March 2026, paid search: five leads answered after 2 min (all MQL), five after 10 min
/// (two MQL), five after 2 days (none), one answered before it was created, one never.
fn responded() -> Records {
    let created = t(2026, 3, 4, 9, 0);
    let mut leads = Vec::new();
    for (i, (delay, mql)) in [(2, 5), (10, 2), (2 * 1440, 0)].into_iter().enumerate() {
        for k in 0..5 {
            let mut l = lead(10 * i + k, 0, created);
            l.first_response_at = Some(created + chrono::Duration::minutes(delay));
            if k < mql {
                l.mql_at = Some(created + chrono::Duration::days(1));
            }
            leads.push(l);
        }
    }
    let mut early = lead(90, 0, created);
    early.first_response_at = Some(created - chrono::Duration::minutes(3));
    leads.push(early);
    leads.push(lead(91, 0, created));
    Records {
        names: names(),
        leads: leads.into(),
        ..Records::default()
    }
}

#[test]
fn lead_decay_buckets_and_the_response_sla() {
    let c = Charter::shipped();
    let f = review(&c, &responded(), d(2026, 3, 1), &clock(d(2026, 4, 30)));
    let decay = &f.response.decay;
    assert_eq!(decay.len(), 1);
    let paid = &decay[0];
    assert_eq!(paid.channel, "paid-search");
    let by_label = |label: &str| paid.buckets.iter().find(|b| b.label == label).unwrap();
    assert_eq!(by_label("<5 min").to_mql, Some(1.0));
    assert_eq!(by_label("5–30 min").to_mql, Some(0.4));
    assert_eq!(
        by_label(">24 h").to_mql,
        Some(0.0),
        "five leads, none converted: a real 0"
    );
    assert_eq!(by_label("1–24 h").leads, 0);
    assert_eq!(by_label("1–24 h").to_mql, None, "no leads: no data");
    assert_eq!((paid.no_response, paid.invalid), (1, 1));
    // SLA (5 min, paid search among its channels): 17 judged, 5 within.
    let sla = f.response.sla.as_ref().unwrap();
    assert_eq!((sla.judged, sla.within, sla.answered), (17, 5, 16));
    assert_eq!(sla.share, Some(5.0 / 17.0));
    assert_eq!(sla.status, crate::rhythm::Status::Fail);
}

#[test]
fn the_response_control_has_no_data_without_first_responses() {
    use crate::rhythm::Status;
    let c = Charter::shipped();
    let at = d(2026, 3, 31);
    let now = clock(at).now;
    let check = crate::rhythm::funnel_response::check(&c, &march(), at, now);
    assert_eq!(check.status, Status::NoData);
    assert_eq!(check.value, None);
    let check = crate::rhythm::funnel_response::check(&c, &responded(), at, now);
    assert_eq!(check.status, Status::Fail);
    assert_eq!(check.value, Some(5.0 / 17.0));
    // A charter without an SLA has nothing to judge.
    let mut none = c.clone();
    none.funnel.response_minutes = None;
    let check = crate::rhythm::funnel_response::check(&none, &responded(), at, now);
    assert_eq!(check.status, Status::NoData);
}

proptest::proptest! {
    /// Selecting the two ranks is the quantile of the sorted values, linear between
    /// closest ranks (a second path: sort, then read), ties and all.
    #[test]
    fn a_quantile_by_selection_is_the_quantile_of_the_sorted_values(
        values in proptest::collection::vec(0u16..400, 1..200),
        p in 0.0f64..=1.0,
    ) {
        let values: Vec<f64> = values.iter().map(|&v| f64::from(v) / 8.0).collect();
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        let h = (sorted.len() - 1) as f64 * p;
        let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
        let by_hand = sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]);
        proptest::prop_assert_eq!(quantile(&values, p), Some(by_hand));
    }
}
