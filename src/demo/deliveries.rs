//! deliveries.csv: when each of the charter's deliverables arrived, period by period:
//! mostly just before due, a few within grace, some late, a rare few never; story (d)
//! makes the monthly performance review slip in the last four months (August to
//! November 2026 in the fixed history). Periods are the demo calendar's, and every
//! delivery arrived before today.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use super::dates::DemoDates;
use super::world::{csv_text, timestamp};
use crate::calendar;
use crate::charter::{Cadence, Charter, Deliverable};

/// One delivery per deliverable and period that fell due before today, except the few
/// that never arrived (and a slipping review not in yet). What fell due in the history's
/// weeks draws from `rng`; what fell due since, in today's week, draws from
/// `recent(deliverable's index)` and arrived on time, so the history is the same
/// whichever weekday the demo is built on.
pub(super) fn deliveries_csv(
    charter: &Charter,
    dates: &DemoDates,
    rng: &mut ChaCha8Rng,
    recent: impl Fn(usize) -> ChaCha8Rng,
) -> String {
    let mut rows = Vec::new();
    for (i, deliverable) in charter.deliverables.iter().enumerate() {
        let mut recent_rng = recent(i);
        for (period, due) in falling_due(charter, deliverable, dates) {
            let recent = due >= dates.end_moment();
            let rng = if recent { &mut recent_rng } else { &mut *rng };
            let Some((at, note)) = delivery(deliverable, period, due, dates, recent, rng) else {
                continue;
            };
            let id = &deliverable.id;
            rows.push(vec![
                id.clone(),
                period.to_string(),
                timestamp(at),
                format!("https://bi.atlas-eor.example/reports/{id}/{period}"),
                note,
            ]);
        }
    }
    let header = [
        "deliverable",
        "period_start",
        "delivered_at",
        "link",
        "note",
    ];
    csv_text(&header, rows)
}

/// The periods of a deliverable that fall due from the demo's first week to today, with
/// their due moments.
fn falling_due(
    charter: &Charter,
    deliverable: &Deliverable,
    dates: &DemoDates,
) -> Vec<(NaiveDate, NaiveDateTime)> {
    let p = &charter.partnership;
    let cadence = deliverable.cadence;
    let first = dates.first_week();
    let demo = first.and_hms_opt(0, 0, 0).expect("midnight exists")..dates.now();
    let mut period = cadence.period_start(first, p.week_start, p.fiscal_year_start_month);
    let mut due = Vec::new();
    while period < dates.today() {
        let at = deliverable.due.due_at(period);
        if demo.contains(&at) {
            due.push((period, at));
        }
        period = cadence.next_period(period);
    }
    due
}

/// When a delivery arrived and a note, or None when it never did: most arrive in the
/// hours before due, ~5% within grace, ~8% late, ~3% never (weekly and monthly only).
/// The newest week's weekly deliveries, and the `recent` ones due since, are on time.
fn delivery(
    deliverable: &Deliverable,
    period: NaiveDate,
    due: NaiveDateTime,
    dates: &DemoDates,
    recent: bool,
    rng: &mut ChaCha8Rng,
) -> Option<(NaiveDateTime, String)> {
    let grace_minutes = i64::from(deliverable.grace_hours) * 60;
    let minutes = |rng: &mut ChaCha8Rng, lo: i64, hi: i64| {
        Duration::seconds(rng.random_range(lo * 60..=hi * 60))
    };
    // Story (d): the review slips from the month three before the history's last.
    let slip_from = calendar::month_start_plus(dates.end(), -3);
    if deliverable.id == "performance-review" && period >= slip_from {
        let at = due + minutes(rng, 48 * 60, 120 * 60);
        let note = review_slip_note(rng);
        // Not in yet by today: the cockpit shows it overdue, which is the story.
        return (at < dates.now()).then_some((at, note));
    }
    let cadence = deliverable.cadence;
    let on_time = recent || (cadence == Cadence::Weekly && period == dates.current_week());
    let roll: f64 = if on_time { 1.0 } else { rng.random() };
    // A missing weekly or monthly delivery is a gap; a missing quarterly or annual one
    // would be a crisis, which is not this demo's story.
    let may_go_missing = matches!(cadence, Cadence::Weekly | Cadence::Monthly);
    let early = |rng: &mut ChaCha8Rng| {
        // Mostly just before the deadline, sometimes the evening before.
        let before = 20.0 * 60.0 * rng.random::<f64>().powi(2);
        due - Duration::seconds((before * 60.0) as i64 + 60)
    };
    let (at, note) = if roll < 0.03 && may_go_missing {
        return None;
    } else if roll < 0.11 {
        let late = minutes(rng, grace_minutes + 60, grace_minutes + 72 * 60);
        (due + late, late_note(rng))
    } else if roll < 0.16 {
        (due + minutes(rng, 5, grace_minutes - 5), String::new())
    } else {
        (early(rng), String::new())
    };
    // A late delivery cannot have happened after the history's end (or, for a recent
    // one, after today's start).
    let latest = if recent {
        dates.now()
    } else {
        dates.end_moment()
    };
    if at >= latest {
        Some((early(rng), String::new()))
    } else {
        Some((at, note))
    }
}

fn review_slip_note(rng: &mut ChaCha8Rng) -> String {
    const NOTES: [&str; 3] = [
        "waiting on finance close for spend actuals",
        "rework after attribution questions",
        "reviewer out; rescheduled",
    ];
    NOTES.choose(rng).expect("notes exist").to_string()
}

fn late_note(rng: &mut ChaCha8Rng) -> String {
    const NOTES: [&str; 5] = [
        "CRM export failed overnight",
        "waiting on corrected spend from the agency",
        "owner out sick",
        "held for MAP-CRM reconciliation",
        "",
    ];
    NOTES.choose(rng).expect("notes exist").to_string()
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, NaiveDate, NaiveDateTime};

    use crate::demo::dates::DemoDates;
    use crate::demo::testing::Table;
    use crate::demo::world::demo_charter;

    #[test]
    fn story_d_performance_reviews_slip_for_four_months() {
        let charter = demo_charter();
        let review = charter.deliverable("performance-review").unwrap();
        let t = Table::of("deliveries.csv");
        let (d, p, at) = (
            t.col("deliverable"),
            t.col("period_start"),
            t.col("delivered_at"),
        );
        let late: Vec<i64> = t
            .rows
            .iter()
            .filter(|r| r[d] == review.id && r[p].as_str() >= "2026-08-01")
            .map(|r| {
                let period = NaiveDate::parse_from_str(&r[p], "%Y-%m-%d").unwrap();
                let delivered =
                    NaiveDateTime::parse_from_str(&r[at], "%Y-%m-%dT%H:%M:%SZ").unwrap();
                (delivered - review.due.due_at(period)).num_hours()
            })
            .collect();
        assert_eq!(late.len(), 4);
        assert!(
            late.iter().all(|h| (48..=120).contains(h)),
            "hours late: {late:?}"
        );
    }

    #[test]
    fn deliveries_are_mostly_on_time_and_this_week_is() {
        let charter = demo_charter();
        let dates = DemoDates::sample();
        let t = Table::of("deliveries.csv");
        let (d, p, at) = (
            t.col("deliverable"),
            t.col("period_start"),
            t.col("delivered_at"),
        );
        let mut on_time = 0;
        for row in &t.rows {
            let deliverable = charter.deliverable(&row[d]).unwrap();
            let period = NaiveDate::parse_from_str(&row[p], "%Y-%m-%d").unwrap();
            let delivered = NaiveDateTime::parse_from_str(&row[at], "%Y-%m-%dT%H:%M:%SZ").unwrap();
            let deadline = deliverable.due.due_at(period)
                + Duration::hours(i64::from(deliverable.grace_hours));
            assert!(
                delivered < dates.end_moment(),
                "{row:?} is in the demo's future"
            );
            on_time += usize::from(delivered <= deadline);
            if row[p] == dates.current_week().to_string() {
                assert!(delivered <= deadline, "this week's {} is on time", row[d]);
            }
        }
        let share = on_time as f64 / t.rows.len() as f64;
        assert!((0.85..=0.95).contains(&share), "on-time share {share:.2}");
    }
}
