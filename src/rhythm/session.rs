//! The weekly review session: its agenda, built from the charter and the week's data, and
//! the records it leaves — decisions, action items, notes, data disputes — with
//! insight-to-action time and the escalation of disputes by age. Pure: the store keeps
//! the records, the cockpit and the CLI write them.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::alerts::Alert;
use super::sla::{EscalationRef, Outcome, escalation_at};
use super::stats::median;
use super::weekly::{PipelineFlash, WeeklyReview};
use crate::charter::Charter;
use crate::facts::{ActionItem, Dispute, Insight};

/// Where an open dispute stands on the charter's escalation path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DisputeLevel {
    pub age_days: i64,
    /// The charter's `[[escalation]]` level that owns it by its age; None before the
    /// first level's `after_days` have passed: not escalated yet.
    pub escalation: Option<EscalationRef>,
}

/// The escalation level that owns `dispute` at `now`, by its age in whole days (a
/// resolved dispute stops climbing when it is resolved).
pub fn dispute_level(charter: &Charter, dispute: &Dispute, now: NaiveDateTime) -> DisputeLevel {
    let age_days = (dispute.resolved_at.unwrap_or(now) - dispute.opened_at).num_days();
    DisputeLevel {
        age_days,
        escalation: escalation_at(charter, age_days),
    }
}

/// What kind of thing an agenda item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AgendaKind {
    Deliverable,
    Flash,
    Alert,
    ActionPastDue,
    Dispute,
}

/// One item of the session, in the order it is discussed. `present::agenda` writes its
/// title, its evidence and the text of the insight it delivers.
#[derive(Debug, Clone, PartialEq)]
pub struct AgendaItem {
    /// Stable key: records made against the item carry it.
    pub key: String,
    pub kind: AgendaKind,
    /// What the item is about, with the figures on screen while it is discussed.
    pub subject: Subject,
    /// For deliverables: the deliverable id and period start (so it can be marked delivered).
    pub deliverable: Option<(String, NaiveDate)>,
    /// For alerts and the flash: the key of the insight this item delivers.
    pub insight_key: Option<String>,
}

/// What an agenda item is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    Deliverable {
        /// The charter's name for it.
        name: String,
        outcome: Outcome,
    },
    Alert(Alert),
    Flash(PipelineFlash),
    ActionPastDue {
        action: ActionItem,
        days_late: i64,
    },
    Dispute {
        dispute: Dispute,
        level: DisputeLevel,
    },
}

/// Alerts on the agenda: the top of the ranked list (more is a meeting nobody finishes).
pub const AGENDA_ALERTS: usize = 5;

/// The agenda: deliverables due and their state, the top alerts, the pipeline flash,
/// action items past due, open data disputes.
pub fn agenda(
    charter: &Charter,
    weekly: &WeeklyReview,
    actions: &[ActionItem],
    disputes: &[Dispute],
    now: NaiveDateTime,
) -> Vec<AgendaItem> {
    let mut items = Vec::new();
    for o in &weekly.due {
        let e = &o.expected;
        let name = charter
            .deliverable(&e.deliverable)
            .map_or(e.deliverable.as_str(), |d| d.name.as_str());
        items.push(AgendaItem {
            key: format!("deliverable:{}:{}", e.deliverable, e.period_start),
            kind: AgendaKind::Deliverable,
            subject: Subject::Deliverable {
                name: name.to_string(),
                outcome: o.clone(),
            },
            deliverable: Some((e.deliverable.clone(), e.period_start)),
            insight_key: None,
        });
    }
    for a in weekly.alerts.iter().take(AGENDA_ALERTS) {
        let key = format!("alert:{}:{}", a.kind.as_str(), a.channel).to_lowercase();
        items.push(AgendaItem {
            key: key.clone(),
            kind: AgendaKind::Alert,
            subject: Subject::Alert(a.clone()),
            deliverable: None,
            insight_key: Some(key),
        });
    }
    let f = &weekly.flash;
    items.push(AgendaItem {
        key: format!("flash:{}", f.month),
        kind: AgendaKind::Flash,
        subject: Subject::Flash(f.clone()),
        deliverable: None,
        insight_key: Some(format!("flash:{}", f.month)),
    });
    let today = now.date();
    for a in actions.iter().filter(|a| a.is_past_due(today)) {
        items.push(AgendaItem {
            key: format!("action:{}", a.id),
            kind: AgendaKind::ActionPastDue,
            subject: Subject::ActionPastDue {
                action: a.clone(),
                days_late: (today - a.due).num_days(),
            },
            deliverable: None,
            insight_key: None,
        });
    }
    for d in disputes.iter().filter(|d| d.resolved_at.is_none()) {
        items.push(AgendaItem {
            key: format!("dispute:{}", d.id),
            kind: AgendaKind::Dispute,
            subject: Subject::Dispute {
                dispute: d.clone(),
                level: dispute_level(charter, d, now),
            },
            deliverable: None,
            insight_key: None,
        });
    }
    items
}

/// Insight-to-action time over the insights delivered in a window, as of a moment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct InsightToAction {
    /// Median days from an insight's delivery to the first action referencing it; an
    /// insight not acted on by the as-of moment counts with its age then (it is still
    /// waiting). None when no insight was delivered in the window.
    pub median_days: Option<f64>,
    /// Insights delivered in the window by the as-of moment.
    pub delivered: u32,
    /// Of those, the ones with an action by the as-of moment.
    pub actioned: u32,
}

/// Insight-to-action over every insight delivered on a day in [from, to) by `as_of`,
/// counting only the actions created by `as_of`.
pub fn insight_to_action(
    insights: &[Insight],
    actions: &[ActionItem],
    from: NaiveDate,
    to: NaiveDate,
    as_of: NaiveDateTime,
) -> InsightToAction {
    let mut days = Vec::new();
    let mut actioned = 0;
    for i in insights.iter().filter(|i| {
        let day = i.delivered_at.date();
        from <= day && day < to && i.delivered_at <= as_of
    }) {
        let first = actions
            .iter()
            .filter(|a| a.insight_id == Some(i.id) && a.created_at <= as_of)
            .map(|a| a.created_at)
            .min();
        if first.is_some() {
            actioned += 1;
        }
        let until = first.unwrap_or(as_of).max(i.delivered_at);
        days.push((until - i.delivered_at).num_seconds() as f64 / 86_400.0);
    }
    InsightToAction {
        median_days: median(&days),
        delivered: days.len() as u32,
        actioned,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charter() -> Charter {
        Charter::shipped()
    }

    fn t(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn dispute(opened: NaiveDateTime) -> Dispute {
        Dispute {
            id: 1,
            metric: "mqls".into(),
            period: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            figure_a: 118.0,
            source_a: "HubSpot".into(),
            figure_b: 109.0,
            source_b: "Salesforce".into(),
            raised_by: "sam".into(),
            week: None,
            opened_at: opened,
            resolved_at: None,
            resolution: None,
        }
    }

    #[test]
    fn disputes_climb_the_escalation_path_by_age() {
        let c = charter(); // levels from day 0, 3, 7, 14
        let d = dispute(t(1, 9));
        let level = |now| dispute_level(&c, &d, now).escalation.map(|e| e.level);
        assert_eq!(level(t(3, 8)), Some(1));
        assert_eq!(level(t(4, 9)), Some(2));
        assert_eq!(
            dispute_level(&c, &d, t(8, 9)).escalation.map(|e| e.owner),
            Some("dana".into())
        );
        assert_eq!(level(t(20, 9)), Some(4));
        let resolved = Dispute {
            resolved_at: Some(t(2, 9)),
            ..d
        };
        assert_eq!(
            dispute_level(&c, &resolved, t(20, 9))
                .escalation
                .map(|e| e.level),
            Some(1),
            "a resolved dispute stops climbing"
        );
    }

    #[test]
    fn before_the_first_level_a_dispute_is_not_escalated_and_never_level_0() {
        let mut c = charter();
        // A charter whose first level takes over after 2 days.
        c.escalation[0].after_days = 2;
        let d = dispute(t(1, 9));
        let at = |now| dispute_level(&c, &d, now);
        assert_eq!(at(t(2, 9)).age_days, 1);
        assert_eq!(at(t(2, 9)).escalation, None, "not escalated yet");
        let first = at(t(3, 9)).escalation.expect("day 2: the first level");
        assert_eq!(
            (first.level, first.id.as_str(), first.owner.as_str()),
            (1, "working-level", "alex")
        );
        // Every level it can reach is one of the charter's.
        for day in 1..=30 {
            if let Some(e) = at(t(1, 9) + chrono::Duration::days(day)).escalation {
                assert!(
                    c.escalation
                        .iter()
                        .any(|l| l.level == e.level && l.id == e.id)
                );
            }
        }
    }

    #[test]
    fn insight_to_action_counts_every_insight_delivered_and_ages_the_unactioned() {
        let insight = |id, d| Insight {
            id,
            week: t(2, 0).date(),
            kind: "alert".into(),
            source_key: format!("k{id}"),
            text: String::new(),
            delivered_at: t(d, 9),
        };
        let action = |id, insight_id, d| ActionItem {
            id,
            text: String::new(),
            owner: "sam".into(),
            due: t(30, 0).date(),
            insight_id: Some(insight_id),
            week: None,
            agenda_item: None,
            created_at: t(d, 9),
            done_at: None,
        };
        // Six insights delivered on the 2nd at 09:00; only #1 is acted on, on the 4th
        // (and again later). As of the 20th at 09:00 the other five are 18 days old.
        let insights: Vec<Insight> = (1..=6).map(|id| insight(id, 2)).collect();
        let actions = [action(1, 1, 4), action(2, 1, 12)];
        let (from, to) = (t(1, 0).date(), t(21, 0).date());
        let r = insight_to_action(&insights, &actions, from, to, t(20, 9));
        // By hand: days [2, 18, 18, 18, 18, 18]: the median is 18, not the 2 days of
        // the one insight acted on.
        assert_eq!((r.delivered, r.actioned), (6, 1));
        assert_eq!(r.median_days, Some(18.0));
        // An action made after the as-of moment is not known then.
        let early = insight_to_action(&insights, &actions, from, to, t(3, 9));
        assert_eq!((early.delivered, early.actioned), (6, 0));
        assert_eq!(early.median_days, Some(1.0));
        // Three of four acted on after 2, 10 and 4 days, one waiting 28 days by the 30th.
        let insights: Vec<Insight> = (1..=4).map(|id| insight(id, 2)).collect();
        let actions = [
            action(1, 1, 4),
            action(2, 1, 20),
            action(3, 2, 12),
            action(4, 3, 6),
        ];
        let r = insight_to_action(&insights, &actions, from, t(30, 0).date(), t(30, 9));
        // Days [2, 10, 4, 28]: the median of four is (4 + 10) / 2.
        assert_eq!((r.delivered, r.actioned, r.median_days), (4, 3, Some(7.0)));
        // No insight delivered: no data, not zero.
        let none = insight_to_action(&[], &actions, from, to, t(20, 9));
        assert_eq!((none.delivered, none.median_days), (0, None));
    }

    #[test]
    fn past_due_means_open_and_late() {
        let a = ActionItem {
            id: 1,
            text: "Cut Tier 3 bids".into(),
            owner: "jordan".into(),
            due: t(10, 0).date(),
            insight_id: None,
            week: None,
            agenda_item: None,
            created_at: t(2, 9),
            done_at: None,
        };
        assert!(a.is_past_due(t(11, 0).date()));
        assert!(!a.is_past_due(t(10, 0).date()));
        assert!(
            !ActionItem {
                done_at: Some(t(9, 0)),
                ..a
            }
            .is_past_due(t(11, 0).date())
        );
    }
}
