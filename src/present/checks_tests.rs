//! Checks' sentences for details built by hand.

use chrono::NaiveDate;

use super::*;
use crate::charter::Window;
use crate::rhythm::reconciliation::{FailingWeek, Reconciled};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn insight_to_action_says_how_many_were_actioned() {
    let detail = Detail::InsightToAction {
        median_days: 21.6,
        window: Window::Days(90),
        delivered: 6,
        actioned: 1,
        max_days: 14.0,
    };
    assert_eq!(
        super::detail(&detail),
        "median 21.6 days from an insight shown in a review to its first action, over the 6 delivered in the last 90 days: 1 of 6 actioned, the others counting their age so far (limit 14)"
    );
}

#[test]
fn a_reconciliation_lists_its_failing_weeks_and_the_weeks_without_counts() {
    let weeks = vec![
        d(2026, 10, 26),
        d(2026, 11, 2),
        d(2026, 11, 9),
        d(2026, 11, 16),
    ];
    let detail = Detail::Reconciliation {
        window: Window::Weeks(4),
        tolerance: 0.02,
        weeks: Reconciled {
            failing: vec![
                FailingWeek {
                    week: weeks[0],
                    over: vec![("mqls".into(), 0.03)],
                },
                FailingWeek {
                    week: weeks[3],
                    over: vec![("mqls".into(), 0.05), ("sqls".into(), 0.025)],
                },
            ],
            without_counts: vec![weeks[2]],
            worst: Some(0.05),
            weeks,
        },
    };
    assert_eq!(
        super::detail(&detail),
        "the last 4 complete weeks (2026-10-26 to 2026-11-22): typed weekly counts: 2 of 4 weeks off by more than 2.0%: week of 2026-10-26 mqls off by 3.0%, week of 2026-11-16 mqls off by 5.0%, sqls off by 2.5% — reconcile before the numbers are reported; no counts for the week of 2026-11-09"
    );
}
