//! The alert rules by hand: series and rows built here, each expected move worked out on its own.

use super::*;

/// A stable series with ±8% noise around 100.
const NOISY: [f64; 8] = [100.0, 108.0, 93.0, 104.0, 97.0, 92.0, 106.0, 101.0];

#[test]
fn a_noisy_stable_series_stays_quiet() {
    for value in [92.0, 95.0, 100.0, 108.0, 110.0, 112.0] {
        assert_eq!(detect(value, &NOISY, 1, 3.5, 0.10), None, "{value}");
    }
    // Every week of the series itself, judged against the rest, is quiet too.
    for (i, value) in NOISY.iter().enumerate() {
        let rest: Vec<f64> = NOISY
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, v)| *v)
            .collect();
        assert_eq!(detect(*value, &rest, 1, 3.5, 0.10), None);
    }
}

#[test]
fn a_real_thirty_percent_move_fires() {
    let up = detect(130.0, &NOISY, 1, 3.5, 0.10).expect("fires");
    assert!((up.change - 0.3).abs() < 0.02, "{up:?}");
    let down = detect(70.0, &NOISY, 1, 3.5, 0.10).expect("fires");
    assert!(down.change < -0.25 && down.z < -3.5);
}

#[test]
fn a_cost_that_creeps_up_for_weeks_fires_on_the_four_week_window() {
    // Cost per SQL drifting up through the baseline, then 20% above its median.
    let baseline = [
        8461.0, 8419.0, 7268.0, 9781.0, 10258.0, 12099.0, 11044.0, 9991.0,
    ];
    let m = detect(11994.0, &baseline, 4, 3.5, 0.10).expect("fires");
    assert!(m.change > 0.15);
    // The same value as one noisy week is not enough evidence.
    assert_eq!(detect(11994.0, &baseline, 1, 3.5, 0.10), None);
}

#[test]
fn a_rise_in_spend_per_sql_is_called_cost_per_sql_not_cac() {
    use crate::facts::ChannelWeek;
    let charter = Charter::shipped();
    let first = NaiveDate::from_ymd_opt(2026, 8, 31).unwrap();
    // 8 baseline weeks at $10,000 for 10 SQLs ($1,000 per SQL, ±2%), then a week at
    // $15,000 for 10 SQLs ($1,500 per SQL: +50%).
    let rows: Vec<ChannelWeek> = (0..9i64)
        .map(|i| ChannelWeek {
            week: first + Duration::days(7 * i),
            channel: "linkedin".into(),
            spend: if i == 8 {
                15_000.0
            } else {
                10_000.0 + 200.0 * (i % 2) as f64
            },
            leads: 100.0,
            mqls: 40.0,
            sqls: 10.0,
            pipeline: 0.0,
            sessions: None,
            opportunities: None,
            closed_won: Some(1.0),
        })
        .collect();
    let data = Dataset {
        channel_weeks: rows,
        ..Dataset::default()
    };
    let alerts = weekly_alerts(&charter, &data, first + Duration::days(56));
    let a = alerts
        .iter()
        .find(|a| a.kind == AlertKind::CostPerSqlSpike)
        .expect("a cost-per-SQL alert");
    assert_eq!(a.metric, "cost per SQL");
    assert_eq!(
        a.kpi, None,
        "no charter KPI is spend per SQL; blended CAC is per customer"
    );
    assert_eq!(a.value, 15_000.0 / 10.0);
    // Baseline: the median of 1,000 and 1,020 per SQL, four weeks each.
    assert_eq!(a.baseline, 1_010.0);
    assert_eq!(AlertKind::CostPerSqlSpike.as_str(), "cost_per_sql_spike");
    assert_eq!(
        serde_json::to_value(a.kind).unwrap(),
        serde_json::json!("cost_per_sql_spike")
    );
}

#[test]
fn too_little_history_never_alerts() {
    assert_eq!(detect(1000.0, &[100.0, 100.0, 100.0], 1, 3.5, 0.1), None);
}

#[test]
fn a_flat_series_does_not_alert_on_a_wobble() {
    assert_eq!(detect(103.0, &[100.0; 8], 1, 3.5, 0.1), None);
    assert!(detect(140.0, &[100.0; 8], 1, 3.5, 0.1).is_some());
}
