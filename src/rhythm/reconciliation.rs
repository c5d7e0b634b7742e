//! MAP vs CRM reconciliation (seed 000: funnel metric reconciliation, detective, weekly):
//! every complete week of the charter's `reconciliation_window` judged on its own, each
//! metric's gap |MAP − CRM| / CRM against the charter's tolerance.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::stats::ratio;
use crate::calendar;
use crate::charter::Charter;
use crate::facts::Dataset;

/// A week with at least one metric off by more than the tolerance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailingWeek {
    /// First day of the week.
    pub week: NaiveDate,
    /// The metrics off by more than the tolerance, with their gap (fraction), worst first.
    pub over: Vec<(String, f64)>,
}

/// The window's weeks, judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reconciled {
    /// First day of every complete week in the window, oldest first.
    pub weeks: Vec<NaiveDate>,
    /// Weeks that failed, oldest first.
    pub failing: Vec<FailingWeek>,
    /// Weeks of the window without any counts: not judged.
    pub without_counts: Vec<NaiveDate>,
    /// The largest gap of any metric in any week (fraction); None without counts.
    pub worst: Option<f64>,
}

/// A metric's gap: |MAP − CRM| / CRM; a CRM count of 0 against a MAP count that is not
/// is off by all of it.
fn gap(map: f64, crm: f64) -> f64 {
    ratio((map - crm).abs(), crm).unwrap_or(if map == crm { 0.0 } else { 1.0 })
}

/// Every complete week of the charter's reconciliation window as of the end of `at`.
pub fn judge(charter: &Charter, data: &Dataset, at: NaiveDate) -> Reconciled {
    let window = charter.controls.reconciliation_window;
    let tolerance = charter.controls.reconciliation_tolerance;
    let week_start = charter.partnership.week_start;
    let weeks = super::window::weeks(charter, window, at);
    let mut out = Reconciled {
        weeks: weeks.clone(),
        failing: Vec::new(),
        without_counts: Vec::new(),
        worst: None,
    };
    for week in weeks {
        let gaps: Vec<(String, f64)> = data
            .reconciliation
            .iter()
            .filter(|r| calendar::week_start(r.week, week_start) == week)
            .map(|r| (r.metric.clone(), gap(r.map_count, r.crm_count)))
            .collect();
        if gaps.is_empty() {
            out.without_counts.push(week);
            continue;
        }
        let worst = gaps.iter().map(|(_, g)| *g).fold(0.0, f64::max);
        out.worst = Some(out.worst.map_or(worst, |w: f64| w.max(worst)));
        let mut over: Vec<(String, f64)> =
            gaps.into_iter().filter(|(_, g)| *g > tolerance).collect();
        over.sort_by(|a, b| b.1.total_cmp(&a.1));
        if !over.is_empty() {
            out.failing.push(FailingWeek { week, over });
        }
    }
    out
}

impl Reconciled {
    /// Weeks of the window that had counts.
    pub fn judged(&self) -> usize {
        self.weeks.len() - self.without_counts.len()
    }

    /// The last day of the window.
    pub fn last_day(&self) -> Option<NaiveDate> {
        self.weeks.last().map(|w| *w + Duration::days(6))
    }
}
