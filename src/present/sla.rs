//! A delivery's state in words: "on time", "late by 3.2 days — escalation L2 (priya)".
//! The states and their escalation are `rhythm::sla`'s.

use crate::rhythm::sla::{DeliveryState, Outcome};

/// An expected delivery's state in words: "on time", "late by 3.2 days (L2 priya)" …
pub fn state_text(o: &Outcome) -> String {
    let hours = crate::format::hours;
    let escalation = o.escalation.as_ref().map_or(String::new(), |e| {
        format!(" — escalation L{} ({})", e.level, e.owner)
    });
    match &o.state {
        DeliveryState::OnTime => "on time".into(),
        DeliveryState::Pending => "pending".into(),
        DeliveryState::Late { hours_late } => format!("late by {}{escalation}", hours(*hours_late)),
        DeliveryState::Missing { hours_overdue } => {
            format!("missing, {} overdue{escalation}", hours(*hours_overdue))
        }
    }
}
