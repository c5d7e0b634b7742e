//! The digest: the few things a leader reads first — what changed most and why, what to
//! do (the budget model's plan with its expected pipeline impact, the week's signals or
//! the month's suggestions), and what is late (deliverables, action items, disputes past
//! their escalation). Data only, computed from the same reviews the reports and the
//! cockpit show; `present::digest` words it (Markdown, Slack, JSON, email).

use chrono::NaiveDateTime;

use super::alerts::Alert;
use super::allocation::{self, Allocation};
use super::as_of::as_of;
use super::clock::{Clock, Period, Review};
use super::monthly::{self, MonthlyReview};
use super::session::{DisputeLevel, dispute_level};
use super::sla::{self, Outcome};
use super::weekly::{self, WeeklyReview};
use crate::charter::Charter;
use crate::facts::{ActionItem, Dataset, Dispute};
use crate::model::ModelError;

/// The moves a digest leads with.
pub const MAX_CHANGES: usize = 3;

pub use crate::charter::DigestKind;

/// The review a digest of `kind` sums up.
pub fn review_of(kind: DigestKind) -> Review {
    match kind {
        DigestKind::Weekly => Review::Weekly,
        DigestKind::Monthly => Review::Monthly,
    }
}

/// The review a digest sums up, whole: its words come from the same functions as the
/// report's and the cockpit's.
#[derive(Debug, Clone)]
pub enum Reviewed {
    Weekly(Box<WeeklyReview>),
    Monthly(Box<MonthlyReview>),
}

/// The digest of one review period, as of a clock.
#[derive(Debug, Clone)]
pub struct Digest {
    pub kind: DigestKind,
    pub period: Period,
    /// When it was computed (UTC).
    pub now: NaiveDateTime,
    pub reviewed: Reviewed,
    /// Whether the period has any channel data: without it no move can be judged.
    pub has_data: bool,
    /// The moves that changed most: the strongest alerts of the last complete week (the
    /// month's last week for a monthly digest), at most `MAX_CHANGES`, one per channel
    /// and kind, strongest (|z|) first.
    pub changes: Vec<Alert>,
    /// The budget model's plan for the weeks after the last complete week, or why none.
    pub plan: Result<Allocation, ModelError>,
    /// Deliverables due since the period began and still not delivered past their
    /// deadline at `now` (one delivered late is the SLA's history, not late any more).
    pub late_deliverables: Vec<Outcome>,
    /// Open action items whose due date has passed.
    pub late_actions: Vec<ActionItem>,
    /// Open disputes old enough to have passed their first escalation level.
    pub escalated_disputes: Vec<(Dispute, DisputeLevel)>,
}

impl Digest {
    /// Whether the digest has anything late to report.
    pub fn anything_late(&self) -> bool {
        !self.late_deliverables.is_empty()
            || !self.late_actions.is_empty()
            || !self.escalated_disputes.is_empty()
    }
}

/// The digest of `kind`'s last complete period on `clock`, from the data as it stood
/// then.
pub fn digest(charter: &Charter, data: &Dataset, kind: DigestKind, clock: &Clock) -> Digest {
    let data = &as_of(charter, data, clock);
    let period = review_of(kind).period(charter, clock);
    let week = Review::Weekly.period(charter, clock).start;
    let (reviewed, alert_week) = match kind {
        DigestKind::Weekly => {
            let r = weekly::review(charter, data, &period, clock);
            (Reviewed::Weekly(Box::new(r)), week)
        }
        DigestKind::Monthly => {
            let r = monthly::review(charter, data, &period);
            // The last week starting in the month.
            let p = &charter.partnership;
            let last = crate::charter::Cadence::Weekly.period_start(
                period.last_day(),
                p.week_start,
                p.fiscal_year_start_month,
            );
            (Reviewed::Monthly(Box::new(r)), last)
        }
    };
    let alerts = match &reviewed {
        Reviewed::Weekly(r) if alert_week == r.week => r.alerts.clone(),
        _ => super::alerts::weekly_alerts(charter, data, alert_week),
    };
    let now = clock.now;
    let today = clock.today;
    let has_data = match &reviewed {
        Reviewed::Weekly(r) => r.has_data,
        Reviewed::Monthly(r) => r.days_with_data > 0,
    };
    Digest {
        has_data,
        kind,
        now,
        changes: strongest(alerts),
        plan: allocation::for_week(charter, data, week, &mut |_| true),
        late_deliverables: sla::evaluate(charter, &data.deliveries, period.start, now)
            .breaches
            .into_iter()
            .filter(|o| matches!(o.state, sla::DeliveryState::Missing { .. }))
            .collect(),
        late_actions: {
            let mut late: Vec<ActionItem> = data
                .session
                .actions
                .iter()
                .filter(|a| a.created_at <= now && a.done_at.is_none_or(|d| d > now))
                .filter(|a| a.due < today)
                .cloned()
                .collect();
            late.sort_by_key(|a| (a.due, a.id));
            late
        },
        escalated_disputes: {
            let mut open: Vec<(Dispute, DisputeLevel)> = data
                .session
                .disputes
                .iter()
                .filter(|d| d.opened_at <= now && d.resolved_at.is_none_or(|r| r > now))
                .map(|d| (d.clone(), dispute_level(charter, d, now)))
                .filter(|(_, l)| past_first_level(charter, l))
                .collect();
            open.sort_by_key(|(d, _)| (d.opened_at, d.id));
            open
        },
        reviewed,
        period,
    }
}

/// A dispute is past its escalation when a level above the first owns it.
fn past_first_level(charter: &Charter, level: &DisputeLevel) -> bool {
    let first = charter.escalation.iter().map(|l| l.level).min();
    level
        .escalation
        .as_ref()
        .is_some_and(|e| first.is_some_and(|f| e.level > f))
}

/// The strongest moves, one per channel and kind.
fn strongest(mut alerts: Vec<Alert>) -> Vec<Alert> {
    alerts.sort_by(|a, b| {
        b.z.abs()
            .total_cmp(&a.z.abs())
            .then(a.severity.cmp(&b.severity))
    });
    let mut out: Vec<Alert> = Vec::new();
    for a in alerts {
        if out.len() == MAX_CHANGES {
            break;
        }
        if !out
            .iter()
            .any(|o| o.channel == a.channel && o.kind == a.kind)
        {
            out.push(a);
        }
    }
    out
}

/// The `[[delivery]]` entries due at `clock` for one deliverable's period: the period
/// holding today (in the charter's zone) has no delivery recorded yet. Sending them and
/// recording the delivery makes the next run that period find nothing due.
#[derive(Debug, Clone, PartialEq)]
pub struct DueSend<'a> {
    pub deliverable: &'a str,
    pub period_start: chrono::NaiveDate,
    pub entries: Vec<&'a crate::charter::DigestDelivery>,
}

/// What `rhythm send --due` sends at `clock`, grouped by deliverable, in charter order;
/// nothing before the charter's effective date.
pub fn due_sends<'a>(
    charter: &'a Charter,
    deliveries: &[crate::facts::Delivery],
    clock: &Clock,
) -> Vec<DueSend<'a>> {
    let p = &charter.partnership;
    if clock.today < p.effective_date {
        return Vec::new();
    }
    let mut out: Vec<DueSend<'a>> = Vec::new();
    for entry in &charter.delivery {
        let Some(d) = charter.deliverable(&entry.deliverable) else {
            continue;
        };
        let period_start =
            d.cadence
                .period_start(clock.today, p.week_start, p.fiscal_year_start_month);
        let delivered = deliveries.iter().any(|x| {
            x.deliverable == d.id && x.period_start == period_start && x.delivered_at <= clock.now
        });
        if delivered {
            continue;
        }
        match out.iter_mut().find(|s| s.deliverable == d.id) {
            Some(s) => s.entries.push(entry),
            None => out.push(DueSend {
                deliverable: &d.id,
                period_start,
                entries: vec![entry],
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rhythm::alerts::{AlertKind, Severity};
    use chrono::NaiveDate;

    fn alert(channel: &str, kind: AlertKind, z: f64) -> Alert {
        Alert {
            kind,
            severity: Severity::Warning,
            channel: channel.into(),
            channel_name: channel.into(),
            metric: "pipeline".into(),
            kpi: None,
            value: 1.0,
            baseline: 1.0,
            change: 0.3,
            z,
            window_weeks: 1,
            strategic: false,
            month: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        }
    }

    #[test]
    fn the_strongest_three_moves_one_per_channel_and_kind() {
        let picked = strongest(vec![
            alert("a", AlertKind::PipelineMove, 2.0),
            alert("b", AlertKind::PipelineMove, -9.0),
            alert("b", AlertKind::PipelineMove, 8.0),
            alert("c", AlertKind::TrafficDrop, 5.0),
            alert("d", AlertKind::TrafficDrop, 4.0),
        ]);
        let got: Vec<(&str, f64)> = picked.iter().map(|a| (a.channel.as_str(), a.z)).collect();
        assert_eq!(got, [("b", -9.0), ("c", 5.0), ("d", 4.0)]);
    }

    #[test]
    fn a_delivery_is_due_until_its_period_is_delivered() {
        let charter = Charter::shipped();
        let entry = &charter.delivery[0];
        let clock = Clock::end_of(&charter, NaiveDate::from_ymd_opt(2026, 11, 25).unwrap());
        let due = due_sends(&charter, &[], &clock);
        let first = due
            .iter()
            .find(|s| s.deliverable == entry.deliverable)
            .unwrap();
        // Both shipped deliveries count as the same deliverable: sent together.
        assert_eq!(first.entries.len(), 2);
        // The week holding Wednesday 2026-11-25 starts on Monday 2026-11-23.
        assert_eq!(
            first.period_start,
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
        let done = crate::facts::Delivery {
            deliverable: entry.deliverable.clone(),
            period_start: first.period_start,
            delivered_at: clock.now - chrono::Duration::hours(1),
            link: None,
        };
        assert!(due_sends(&charter, std::slice::from_ref(&done), &clock).is_empty());
        // The next week it is due again.
        let next = Clock::end_of(&charter, NaiveDate::from_ymd_opt(2026, 12, 1).unwrap());
        assert_eq!(due_sends(&charter, &[done], &next).len(), 1);
    }
}
