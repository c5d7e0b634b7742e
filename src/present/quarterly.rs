//! The quarterly report's rows and sentences that the cockpit shows too: SLA by
//! deliverable, the budget recommendation back-test's status, a dashboard nobody opens.

use crate::facts::DashboardUse;
use crate::format;
use crate::rhythm::quarterly::QuarterlyReview;
use crate::rhythm::sla::DeliverableSla;

/// The columns of SLA by deliverable.
pub const SLA_HEADER: [&str; 7] = [
    "deliverable",
    "cadence",
    "due",
    "on time",
    "late",
    "missing",
    "on-time %",
];

/// A deliverable's SLA over the quarter: name, cadence, deliveries due, on time, late,
/// missing and the on-time rate.
pub fn sla_row(d: &DeliverableSla) -> [String; 7] {
    [
        d.name.clone(),
        d.cadence.to_string(),
        d.tally.expected.to_string(),
        d.tally.on_time.to_string(),
        d.tally.late.to_string(),
        d.tally.missing.to_string(),
        d.tally
            .on_time_rate
            .map_or("no data".into(), format::percent),
    ]
}

/// The budget recommendation back-test's heading.
pub const BACKTEST_TITLE: &str = "Budget recommendation back-test";

/// The back-test's status and what it rests on: "Status pass. …".
pub fn backtest(r: &QuarterlyReview) -> String {
    format!(
        "Status {}. {}",
        r.backtest_status,
        super::checks::detail(&r.backtest_detail)
    )
}

/// The heading of the dashboards to retire.
pub const UNUSED_TITLE: &str = "Dashboards nobody opened in 30 days";

/// A dashboard nobody opened in 30 days: "Name — last opened 2026-04-15 (265 views in all)".
pub fn unused_dashboard(d: &DashboardUse) -> String {
    format!(
        "{} — last opened {} ({} views in all)",
        d.dashboard, d.last_viewed, d.views
    )
}
