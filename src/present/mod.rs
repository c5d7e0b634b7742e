//! Reviews rendered as documents to send: Markdown for people, JSON for other tools.
//! Renders only; every figure comes from `rhythm/`.

pub mod format;
pub mod markdown;

/// A figure's value in a KPI unit, or "no data".
pub fn value_or_no_data(value: Option<f64>, unit: &str) -> String {
    value.map_or_else(|| "no data".to_string(), |v| format::in_unit(v, unit))
}

/// A relative change as a signed percentage, or "—" when undefined.
pub fn signed_change(change: Option<f64>) -> String {
    change.map_or_else(|| "—".to_string(), |c| format!("{:+.0}%", c * 100.0))
}

/// An expected delivery's state in words: "on time", "late by 3.2 days (L2 priya)" …
pub fn state_text(o: &crate::rhythm::sla::Outcome) -> String {
    use crate::rhythm::sla::DeliveryState;
    let hours = |h: f64| {
        if h >= 48.0 {
            format!("{:.1} days", h / 24.0)
        } else {
            format!("{h:.0} h")
        }
    };
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
pub mod minutes;
