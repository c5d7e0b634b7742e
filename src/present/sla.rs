//! A delivery's state in words: "on time", "late by 3.2 days — escalation L2 (priya)";
//! and where an issue stands on the charter's escalation path. The states and their
//! escalation are `rhythm::sla`'s.

use crate::rhythm::sla::{DeliveryState, EscalationRef, Outcome};

/// Where a breach or a dispute stands on the charter's `[[escalation]]` path:
/// "escalation L2 (priya)" — a level the charter has — or, before its first level's
/// `after_days` have passed, "not escalated yet".
pub fn escalation(e: Option<&EscalationRef>) -> String {
    e.map_or("not escalated yet".into(), |e| {
        format!("escalation L{} ({})", e.level, e.owner)
    })
}

/// An expected delivery's state in words: "on time", "late by 3.2 days — escalation L2
/// (priya)" …
pub fn state_text(o: &Outcome) -> String {
    let hours = crate::format::hours;
    let escalation = format!(" — {}", escalation(o.escalation.as_ref()));
    match &o.state {
        DeliveryState::OnTime => "on time".into(),
        DeliveryState::Pending => "pending".into(),
        DeliveryState::Late { hours_late } => format!("late by {}{escalation}", hours(*hours_late)),
        DeliveryState::Missing { hours_overdue } => {
            format!("missing, {} overdue{escalation}", hours(*hours_overdue))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issue_is_at_a_charter_level_or_not_escalated_yet() {
        let leads = EscalationRef {
            level: 2,
            owner: "priya".into(),
            id: "leads".into(),
        };
        assert_eq!(escalation(Some(&leads)), "escalation L2 (priya)");
        assert_eq!(escalation(None), "not escalated yet");
    }
}
