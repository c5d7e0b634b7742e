//! The Monthly view's cohort funnel: Enter on a channel row opens the channel's cohort
//! months as `report monthly` has them, Esc closes it, at 80×24.

mod common;

use std::sync::Arc;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use common::cockpit::{press, screen};
use ratatui::crossterm::event::KeyCode;
use rhythm::charter::Charter;
use rhythm::facts::{Dataset, Freshness, Lead, Opportunity, Records};
use rhythm::rhythm::clock::Clock;
use rhythm::tui::app::{App, TableId};
use rhythm::tui::snapshot::compute;

fn t(y: i32, m: u32, d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
}

/// Organic leads from June to October 2026, twenty a month: the first 10 + month MQL a
/// day later, half of those SQL two days after; four opportunities a month, one won.
fn organic() -> Dataset {
    let mut records = Records {
        names: vec!["organic".into(), "Closed Won".into()],
        ..Records::default()
    };
    for (k, month) in (6..=10).enumerate() {
        for i in 0..20 {
            let created = t(2026, month, 2 + i);
            let mql = i < 10 + k as u32;
            records.leads.push(Lead {
                id: format!("{month}-{i}").into(),
                created,
                source: 0,
                mql_at: mql.then(|| created + Duration::days(1)),
                sql_at: (mql && i % 2 == 0).then(|| created + Duration::days(3)),
                geo: None,
                segment: None,
                first_response_at: Some(created + Duration::minutes(i64::from(i) * 7)),
                system: None,
                email: None,
            });
        }
        for i in 0..4 {
            let created = t(2026, month, 5 + i);
            records.opportunities.push(Opportunity {
                id: format!("o{month}-{i}").into(),
                created,
                amount: 5000.0,
                source: 0,
                stage: 1,
                close_date: (i == 0).then(|| created.date() + Duration::days(12)),
                won: (i == 0).then_some(true),
                deal_type: None,
                geo: None,
                system: None,
            });
        }
    }
    // As `rhythm import leads` and `opportunities` leave it: each kind loaded.
    let freshness = ["leads", "opportunities"]
        .map(|kind| Freshness {
            kind: kind.into(),
            loaded_at: t(2026, 11, 1),
            data_until: Some(t(2026, 10, 31).date()),
        })
        .to_vec();
    Dataset {
        records,
        freshness,
        ..Dataset::default()
    }
}

#[test]
fn enter_on_a_channel_opens_its_cohort_funnel_and_esc_closes_it() {
    let charter = Arc::new(Charter::shipped());
    let at = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let snap = Arc::new(compute(&charter, &organic(), &Clock::end_of(&charter, at)));
    // The same figures the report reads.
    let reviews = snap.reviews.as_ref().expect("every view");
    let cohorts = &reviews
        .funnel
        .channel("organic")
        .expect("organic has records")
        .cohorts;
    let october = cohorts.last().unwrap();
    assert_eq!(october.stages.leads, 20);
    assert_eq!(october.stages.mqls, 14);
    let row = reviews
        .monthly
        .funnel
        .by_channel
        .iter()
        .position(|c| c.channel == "organic")
        .expect("organic is in the month's funnel");
    let mut app = App::new("funnel".into(), at);
    app.loaded(Arc::clone(&snap));
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('h'));
    assert_eq!(app.table(), TableId::Funnel);
    for _ in 0..row {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    assert!(app.detail);
    let text = screen(&app, 80, 24);
    assert!(text.contains("Cohort funnel"), "{text}");
    // October's row: 20 leads, 14 MQLs (70.0%), maturing so marked.
    let oct = text
        .lines()
        .find(|l| l.contains("2026-10"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(oct.contains("maturing") && oct.contains("70.0%*"), "{oct}");
    insta::assert_snapshot!("monthly_cohort_funnel_80x24", text);
    press(&mut app, KeyCode::Esc);
    assert!(!app.detail);
    assert_eq!(app.table(), TableId::Funnel, "Esc goes back to the table");
}

#[test]
fn a_channel_without_records_says_no_data() {
    let charter = Arc::new(Charter::shipped());
    let at = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let snap = compute(&charter, &organic(), &Clock::end_of(&charter, at));
    assert!(
        snap.reviews
            .as_ref()
            .unwrap()
            .funnel
            .channel("referral")
            .is_none()
    );
    assert!(
        snap.reviews
            .as_ref()
            .unwrap()
            .funnel
            .by_channel
            .iter()
            .all(|s| s.name == "organic")
    );
}

#[test]
fn unmapped_source_values_are_a_data_quality_line_in_the_weekly_and_monthly_views() {
    let charter = Arc::new(Charter::shipped());
    let at = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let mut data = organic();
    // Leads whose source no channel names: one in October (the Monthly view's month),
    // two in the week of 16 November (the Weekly view's week).
    data.records.names.push("Billboard".into());
    let billboard = (data.records.names.len() - 1) as u32;
    for (i, (month, day)) in [(10, 20), (11, 17), (11, 18)].into_iter().enumerate() {
        let mut lead = data.records.leads.iter().next().expect("a lead").clone();
        lead.id = format!("bb-{i}").into();
        lead.created = t(2026, month, day);
        lead.source = billboard;
        data.records.leads.push(lead);
    }
    let snap = Arc::new(compute(&charter, &data, &Clock::end_of(&charter, at)));
    assert_eq!(snap.weekly.unmapped, Some((2, 1)));
    let mut app = App::new("unmapped".into(), at);
    app.loaded(Arc::clone(&snap));
    let flat = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let weekly = flat(screen(&app, 80, 24));
    assert!(
        weekly.contains("Data quality: 2 records carry 1 source value no channel names"),
        "{weekly}"
    );
    press(&mut app, KeyCode::Char('2'));
    let monthly = flat(screen(&app, 120, 40));
    assert!(
        monthly.contains("Data quality: 1 record carries 1 source value no channel names"),
        "{monthly}"
    );
}
