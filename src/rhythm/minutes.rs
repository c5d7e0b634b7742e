//! What the minutes of a weekly session hold: its records, the week's deliveries and
//! disputes (with how far the open ones have escalated), and the actions carried over
//! from earlier weeks. Pure; `present::minutes` writes them as a document.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::session::{DisputeLevel, dispute_level};
use crate::charter::Charter;
use crate::facts::{ActionItem, Decision, Dispute, Insight, Note, SessionDelivery, SessionRecords};

#[derive(Debug, Clone, Serialize)]
pub struct Minutes {
    pub week: NaiveDate,
    pub started_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub insights: Vec<Insight>,
    pub decisions: Vec<Decision>,
    pub actions: Vec<ActionItem>,
    pub notes: Vec<Note>,
    /// Deliveries of the week: marked delivered in the session, or recorded (by
    /// `rhythm deliver` or an import) with a delivery time in the week, local time.
    pub deliveries: Vec<SessionDelivery>,
    /// Disputes opened in the session or in the week, resolved in the week, and any still
    /// open, with where they stand on the charter's escalation path.
    pub disputes: Vec<(Dispute, DisputeLevel)>,
    /// Actions from earlier weeks still open when the session closed (or now).
    pub carried_over: Vec<ActionItem>,
}

/// The minutes of the session of `week`, as of `now`.
pub fn minutes(
    charter: &Charter,
    r: &SessionRecords,
    week: NaiveDate,
    now: NaiveDateTime,
) -> Minutes {
    let session = r.sessions.iter().find(|(w, _, _)| *w == week);
    let end = session.and_then(|s| s.2).unwrap_or(now);
    let this_week = |w: Option<NaiveDate>| w == Some(week);
    let next_week = week + Duration::days(7);
    // A moment (UTC) in the reviewed week, by the charter's calendar.
    let in_week = |utc: NaiveDateTime| {
        let day = super::clock::utc_to_local(charter, utc).date();
        week <= day && day < next_week
    };
    Minutes {
        week,
        started_at: session.map(|s| s.1),
        closed_at: session.and_then(|s| s.2),
        insights: r
            .insights
            .iter()
            .filter(|i| i.week == week)
            .cloned()
            .collect(),
        decisions: r
            .decisions
            .iter()
            .filter(|d| d.week == week)
            .cloned()
            .collect(),
        actions: r
            .actions
            .iter()
            .filter(|a| this_week(a.week))
            .cloned()
            .collect(),
        notes: r.notes.iter().filter(|n| n.week == week).cloned().collect(),
        deliveries: r
            .deliveries
            .iter()
            .filter(|d| this_week(d.week) || (d.delivered_at <= end && in_week(d.delivered_at)))
            .cloned()
            .collect(),
        disputes: r
            .disputes
            .iter()
            .filter(|d| {
                this_week(d.week)
                    || (d.opened_at <= end
                        && (in_week(d.opened_at)
                            || d.resolved_at.is_none_or(|t| t > end || in_week(t))))
            })
            .map(|d| (d.clone(), dispute_level(charter, d, end)))
            .collect(),
        carried_over: r
            .actions
            .iter()
            .filter(|a| {
                !this_week(a.week)
                    && a.created_at < week.and_time(chrono::NaiveTime::MIN) + Duration::days(7)
                    && a.done_at.is_none_or(|t| t > end)
            })
            .cloned()
            .collect(),
    }
}
