//! The weekly session's agenda in words: each item's title, the evidence shown while it
//! is discussed, and the text of the insight it delivers (recorded when it is shown).
//! Which items, in which order, is `rhythm::session::agenda`.

use crate::format::{percent, value_or_no_data};
use crate::present::sla::state_text;
use crate::rhythm::session::{AgendaItem, Subject};
use crate::rhythm::weekly::PipelineFlash;

/// The item's title, one line.
pub fn title(item: &AgendaItem) -> String {
    match &item.subject {
        Subject::Deliverable { name, outcome } => format!("{name} — {}", state_text(outcome)),
        Subject::Alert(a) => super::alerts::sentence(a),
        Subject::Flash(_) => "Pipeline flash".into(),
        Subject::ActionPastDue { action, .. } => format!(
            "Past due: {} ({}, due {})",
            action.text, action.owner, action.due
        ),
        // Figures with separators (the unit needs the charter: the minutes write it).
        Subject::Dispute { dispute: d, .. } => format!(
            "Data dispute: {} for {} — {} says {}, {} says {}",
            d.metric,
            d.period,
            d.source_a,
            crate::format::number(d.figure_a),
            d.source_b,
            crate::format::number(d.figure_b)
        ),
    }
}

/// The figures on screen while the item is discussed.
pub fn evidence(item: &AgendaItem) -> Vec<String> {
    match &item.subject {
        Subject::Deliverable { outcome, .. } => vec![
            format!(
                "due {}",
                outcome.expected.due_at.format("%a %Y-%m-%d %H:%M")
            ),
            outcome
                .delivered_at
                .map_or("not delivered yet".into(), |d| {
                    format!("delivered {}", d.format("%a %Y-%m-%d %H:%M"))
                }),
        ],
        Subject::Alert(a) => vec![super::alerts::evidence(a)],
        Subject::Flash(f) => vec![flash(f)],
        Subject::ActionPastDue { days_late, .. } => vec![format!("{days_late} days late")],
        Subject::Dispute { dispute, level } => vec![format!(
            "raised by {} {} days ago; {}",
            dispute.raised_by,
            level.age_days,
            super::sla::escalation(level.escalation.as_ref())
        )],
    }
}

/// The insight the item delivers, (key, text), for alerts and the flash.
pub fn insight(item: &AgendaItem) -> Option<(String, String)> {
    let key = item.insight_key.clone()?;
    let text = match &item.subject {
        Subject::Alert(a) => super::alerts::sentence(a),
        Subject::Flash(f) => flash(f),
        _ => title(item),
    };
    Some((key, text))
}

fn flash(f: &PipelineFlash) -> String {
    format!(
        "Pipeline {} month to date against {} — pacing {}, projected {}",
        value_or_no_data(f.month_to_date.value, "usd"),
        value_or_no_data(f.goal, "usd"),
        f.pacing.map_or("no data".into(), percent),
        value_or_no_data(f.projected, "usd"),
    )
}
