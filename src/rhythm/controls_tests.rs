//! The checks by hand: rows built here, each expected figure worked out on its own.

use super::*;
use crate::charter::Window;
use crate::facts::{ChannelWeek, Reconciliation};
use crate::rhythm::clock::Period;

fn charter() -> Charter {
    Charter::shipped()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn rec(week: NaiveDate, metric: &str, map: f64, crm: f64) -> Reconciliation {
    Reconciliation {
        week,
        metric: metric.into(),
        map_count: map,
        crm_count: crm,
    }
}

#[test]
fn reconciliation_tolerance_by_hand() {
    let c = charter(); // tolerance 2%, every week of the last 4 complete weeks
    let at = d(2026, 11, 23); // the window: weeks of 26 October to 16 November
    let weeks = [
        d(2026, 10, 26),
        d(2026, 11, 2),
        d(2026, 11, 9),
        d(2026, 11, 16),
    ];
    let ok = Dataset {
        reconciliation: weeks
            .iter()
            .map(|w| rec(*w, "mqls", 102.0, 100.0))
            .collect(),
        ..Dataset::default()
    };
    let check = reconciliation_check(&c, &ok, at);
    assert_eq!(check.status, Status::Pass);
    assert!((check.value.unwrap() - 0.02).abs() < 1e-12);

    // Off in two weeks of the window (3/100 and 5/100), fine in the others; a week
    // before the window is off by 50% and must not count.
    let mut rows: Vec<Reconciliation> = weeks.iter().map(|w| rec(*w, "sqls", 30.0, 30.0)).collect();
    rows.push(rec(weeks[0], "mqls", 103.0, 100.0));
    rows.push(rec(weeks[1], "mqls", 101.0, 100.0));
    rows.push(rec(weeks[2], "mqls", 100.0, 100.0));
    rows.push(rec(weeks[3], "mqls", 95.0, 100.0));
    rows.push(rec(d(2026, 10, 19), "mqls", 150.0, 100.0));
    let off = Dataset {
        reconciliation: rows,
        ..Dataset::default()
    };
    let check = reconciliation_check(&c, &off, at);
    assert_eq!(check.status, Status::Fail);
    assert!(
        (check.value.unwrap() - 0.05).abs() < 1e-12,
        "the window's worst gap"
    );
    match &check.detail {
        Detail::Reconciliation { weeks: r, .. } => {
            let failing: Vec<NaiveDate> = r.failing.iter().map(|w| w.week).collect();
            assert_eq!(failing, vec![weeks[0], weeks[3]]);
            assert_eq!(r.failing[0].over.len(), 1);
            assert_eq!(r.failing[0].over[0].0, "mqls");
            assert!((r.failing[0].over[0].1 - 0.03).abs() < 1e-12);
            assert!((r.failing[1].over[0].1 - 0.05).abs() < 1e-12);
            assert_eq!(r.judged(), 4);
        }
        other => panic!("a reconciliation detail, not {other:?}"),
    }

    // A week of the window without counts is not judged, and says so.
    let gap = Dataset {
        reconciliation: weeks[..3]
            .iter()
            .map(|w| rec(*w, "mqls", 100.0, 100.0))
            .collect(),
        ..Dataset::default()
    };
    let check = reconciliation_check(&c, &gap, at);
    assert_eq!(check.status, Status::Warn);
    match &check.detail {
        Detail::Reconciliation { weeks: r, .. } => assert_eq!(r.without_counts, vec![weeks[3]]),
        other => panic!("a reconciliation detail, not {other:?}"),
    }

    let none = reconciliation_check(&c, &Dataset::default(), at);
    assert_eq!((none.status, none.value), (Status::NoData, None));
}

#[test]
fn an_empty_store_fails_nothing_and_says_no_data() {
    let c = charter();
    let report = run(&c, &Dataset::default(), &Clock::end_of(&c, d(2026, 11, 23)));
    assert!(!report.failed());
    assert!(
        report
            .checks
            .iter()
            .all(|c| c.status == Status::NoData && c.value.is_none()),
        "{:?}",
        report.checks
    );
}

fn channel_week(week: NaiveDate, channel: &str, spend: f64, closed_won: f64) -> ChannelWeek {
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

/// 14 weeks from Monday 17 August 2026 to the week of 16 November: paid search closes 2
/// customers a week on a spend that grows; events 1 customer every other week. The
/// first week is far costlier, so a window of 14 weeks would show.
fn cac_weeks() -> Vec<ChannelWeek> {
    let first = d(2026, 8, 17);
    let mut rows = Vec::new();
    for i in 0..14i64 {
        let week = first + Duration::days(7 * i);
        let search = if i == 0 {
            500_000.0
        } else {
            20_000.0 + 1_000.0 * i as f64
        };
        rows.push(channel_week(week, "events", 15_000.0, (i % 2) as f64));
        rows.push(channel_week(week, "paid-search", search, 2.0));
    }
    rows
}

#[test]
fn the_cac_ceiling_reads_13_weeks_and_names_the_channels_it_does_not_judge() {
    let c = charter(); // ceiling 30% of $125K = $37.5K; at least 10 customers per channel
    let data = Dataset {
        channel_weeks: cac_weeks(),
        ..Dataset::default()
    };
    // As of Monday 23 November, the 13 complete weeks are 24 August to 16 November.
    let at = d(2026, 11, 23);
    let (from, to) = (d(2026, 8, 24), d(2026, 11, 16));
    let (mut spend, mut customers) = (0.0, 0.0);
    let (mut events_spend, mut events_customers) = (0.0, 0.0);
    for r in &data.channel_weeks {
        if r.week >= from && r.week <= to {
            spend += r.spend;
            customers += r.closed_won.unwrap();
            if r.channel == "events" {
                events_spend += r.spend;
                events_customers += r.closed_won.unwrap();
            }
        }
    }
    let check = cac_ltv_check(&c, &data, at);
    assert!((check.value.unwrap() - spend / customers).abs() < 1e-9);
    // Events: 7 customers in the window (the odd weeks 1 to 13), fewer than 10: not
    // judged, though its CAC (15,000 × 13 / 7 = $27.9K) is within the ceiling anyway.
    assert_eq!(events_customers, 7.0);
    match &check.detail {
        Detail::CacLtv {
            channels,
            from: f,
            to: t,
            ..
        } => {
            assert_eq!((*f, *t), (from, d(2026, 11, 22)));
            assert_eq!(channels.not_judged.len(), 1);
            assert_eq!(channels.not_judged[0].channel, "events");
            assert_eq!(channels.not_judged[0].customers, events_customers);
            assert!(
                (channels.not_judged[0].cac.unwrap() - events_spend / events_customers).abs()
                    < 1e-9
            );
            assert_eq!(channels.within[0].channel, "paid-search");
        }
        other => panic!("a CAC detail, not {other:?}"),
    }
    assert_eq!(check.status, Status::Pass);
}

#[test]
fn a_13_week_cac_with_a_week_missing_is_not_judged() {
    let c = charter();
    let data = Dataset {
        channel_weeks: cac_weeks(),
        ..Dataset::default()
    };
    // As of Wednesday 2 December the 13 weeks run to the week of 23 November, which has
    // no data: 12 of 13 weeks, no figure (it used to be judged over the 12, as "13").
    let check = cac_ltv_check(&c, &data, d(2026, 12, 2));
    assert_eq!((check.status, check.value), (Status::NoData, None));
    assert_eq!(
        check.detail,
        Detail::NoData(NoData::PartialWeeks {
            weeks_with_data: 12,
            weeks: 13,
            from: d(2026, 8, 31),
            to: d(2026, 11, 29),
        })
    );
}

#[test]
fn insight_to_action_is_over_every_insight_delivered_and_says_how_many_were_actioned() {
    use crate::facts::{ActionItem, Insight, SessionRecords};
    let c = charter(); // the last 90 days, limit 14 days
    let at = d(2026, 11, 23);
    let delivered = d(2026, 11, 2).and_hms_opt(10, 0, 0).unwrap();
    let insights: Vec<Insight> = (1..=6)
        .map(|id| Insight {
            id,
            week: d(2026, 11, 2),
            kind: "alert".into(),
            source_key: format!("alert:{id}"),
            text: String::new(),
            delivered_at: delivered,
        })
        .collect();
    // Only insight 3 got an action, the same day, 6 hours later.
    let actions = vec![ActionItem {
        id: 1,
        text: "Cut Tier 3 bids".into(),
        owner: "jordan".into(),
        due: d(2026, 11, 30),
        insight_id: Some(3),
        week: None,
        agenda_item: None,
        created_at: delivered + Duration::hours(6),
        done_at: None,
    }];
    let data = Dataset {
        session: SessionRecords {
            insights,
            actions,
            ..SessionRecords::default()
        },
        ..Dataset::default()
    };
    let check = insight_to_action_check(&c, &data, at, Clock::end_of(&c, at).now);
    // By hand: as of 23:59:59 on the 23rd the five waiting insights are 21 days 13:59:59
    // old; the median of six values, five of them that age, is that age.
    let waiting = (Clock::end_of(&c, at).now - delivered).num_seconds() as f64 / 86_400.0;
    assert!(
        (check.value.unwrap() - waiting).abs() < 1e-9,
        "{:?}",
        check.value
    );
    assert_eq!(check.status, Status::Fail, "21.6 days is past 14 + 15%");
    match &check.detail {
        Detail::InsightToAction {
            delivered,
            actioned,
            ..
        } => assert_eq!((*delivered, *actioned), (6, 1)),
        other => panic!("an insight-to-action detail, not {other:?}"),
    }
}

#[test]
fn sla_on_time_is_over_the_charters_window_the_fiscal_quarter_to_date() {
    use crate::facts::Delivery;
    let mut c = charter();
    c.deliverables.retain(|d| d.id == "campaign-snapshot"); // Mondays 12:00, 4 h grace
    let at = d(2026, 11, 23);
    // Every Monday from 31 August: September's are all late (a day after), October's
    // and November's on time (11:00) except 12 October (late) and 2 November (missing).
    let mut deliveries = Vec::new();
    let mut monday = d(2026, 8, 31);
    while monday <= at {
        let when = if monday < d(2026, 10, 1) || monday == d(2026, 10, 12) {
            Some((monday + Duration::days(1)).and_hms_opt(12, 0, 0).unwrap())
        } else if monday == d(2026, 11, 2) {
            None
        } else {
            Some(monday.and_hms_opt(11, 0, 0).unwrap())
        };
        if let Some(delivered_at) = when {
            deliveries.push(Delivery {
                deliverable: "campaign-snapshot".into(),
                period_start: monday,
                delivered_at,
                link: None,
            });
        }
        monday += Duration::days(7);
    }
    let data = Dataset {
        deliveries,
        ..Dataset::default()
    };
    // By hand: the quarter from 1 October holds the Mondays 5, 12, 19, 26 October and
    // 2, 9, 16, 23 November: 8 due, 6 on time. (The last 90 days, from 26 August,
    // would add the five late Mondays 31 August to 28 September: 6 of 13.)
    let check = sla_check(&c, &data, at, Clock::end_of(&c, at).now);
    assert_eq!(check.value, Some(6.0 / 8.0));
    match &check.detail {
        Detail::Sla {
            tally,
            window,
            from,
            ..
        } => {
            assert_eq!(*tally, Some((6, 8, 1, 1)));
            assert_eq!((*window, *from), (Window::Quarter, d(2026, 10, 1)));
        }
        other => panic!("an SLA detail, not {other:?}"),
    }
    // The quarterly review reads the same window: the same figure.
    let q = {
        let (p, k) = Period::on(Review::Quarterly, &c, at, at);
        crate::rhythm::quarterly::review(&c, &data, &p, &k)
    };
    assert_eq!(q.sla.overall.on_time_rate, Some(6.0 / 8.0));
    // A charter that says "90 days" gets 90 days, in both.
    c.controls.sla_window = Window::Days(90);
    let check = sla_check(&c, &data, at, Clock::end_of(&c, at).now);
    assert_eq!(check.value, Some(6.0 / 13.0));
    let q = {
        let (p, k) = Period::on(Review::Quarterly, &c, at, at);
        crate::rhythm::quarterly::review(&c, &data, &p, &k)
    };
    assert_eq!(q.sla.overall.on_time_rate, Some(6.0 / 13.0));
}

#[test]
fn checks_over_purged_days_say_purged_instead_of_reading_what_is_left() {
    use crate::facts::{NpsResponse, Purged, UsageWeek};
    let c = charter();
    let data = Dataset {
        nps: vec![NpsResponse {
            date: d(2026, 5, 20),
            respondent: "dana".into(),
            score: 9,
            role: None,
        }],
        usage_weeks: vec![UsageWeek {
            user: "dana.whitfield@atlas-eor.com".into(),
            week: d(2026, 5, 18),
            views: 2,
        }],
        // Purged up to 15 May 2026: the Q2 wave and April's usage may have lost rows.
        purged: Purged {
            usage_before: Some(d(2026, 5, 15)),
            nps_before: Some(d(2026, 5, 15)),
            ..Purged::default()
        },
        ..Dataset::default()
    };
    // As of 1 June: NPS's newest wave is Q2's, which began before the horizon; the
    // adoption window's 4 weeks start on 4 May, before it too.
    let report = run(&c, &data, &Clock::end_of(&c, d(2026, 6, 1)));
    for id in ["analytics-nps", "dashboard-adoption"] {
        let check = report.checks.iter().find(|x| x.id == id).unwrap();
        assert_eq!((check.status, check.value), (Status::NoData, None), "{id}");
        assert_eq!(
            check.detail,
            Detail::NoData(NoData::Purged {
                before: d(2026, 5, 15)
            }),
            "{id}"
        );
    }
    // Without the horizon the same rows are figures: the guard is what says purged.
    let whole = Dataset {
        purged: Purged::default(),
        ..data
    };
    let report = run(&c, &whole, &Clock::end_of(&c, d(2026, 6, 1)));
    let nps = report
        .checks
        .iter()
        .find(|x| x.id == "analytics-nps")
        .unwrap();
    assert_eq!(nps.value, Some(100.0));
}
