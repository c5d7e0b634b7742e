//! The weekly report's rows that the cockpit shows too: "the numbers that matter" (this
//! week, vs last week, vs the 8-week median) and a deliverable due, so the two say them
//! in the same words.

use crate::charter::Charter;
use crate::format::{self, signed_change};
use crate::rhythm::sla::Outcome;
use crate::rhythm::weekly::{ChannelSnapshot, Measure};

/// The columns of "the numbers that matter", after the measure's name.
pub const NUMBERS_HEADER: [&str; 3] = ["this week", "vs last week", "vs 8-week median"];

/// "The numbers that matter" of a channel's week (or all channels'): per measure, its
/// name, this week, the change vs last week and vs the 8-week median. Without the week,
/// "no data" and dashes.
pub fn numbers(c: Option<&ChannelSnapshot>) -> Vec<[String; 4]> {
    [
        ("Pipeline", Measure::Pipeline, "usd"),
        ("Spend", Measure::Spend, "usd"),
        ("MQLs", Measure::Mqls, "count"),
        ("SQLs", Measure::Sqls, "count"),
    ]
    .into_iter()
    .map(|(name, m, unit)| match c {
        None => [name.into(), "no data".into(), "—".into(), "—".into()],
        Some(c) => [
            name.into(),
            format::in_unit(c.this_week.get(m), unit),
            signed_change(c.vs_previous_week(m)),
            signed_change(c.vs_baseline(m)),
        ],
    })
    .collect()
}

/// The columns of a deliverable due.
pub const DUE_HEADER: [&str; 3] = ["deliverable", "due", "state"];

/// A deliverable due this week: its charter name, when it is due (local) and its state
/// in words ("on time", "missing, 12 h overdue — escalation L1 (alex)" …).
pub fn due_row(charter: &Charter, o: &Outcome) -> [String; 3] {
    [
        charter
            .deliverable(&o.expected.deliverable)
            .map_or(o.expected.deliverable.clone(), |d| d.name.clone()),
        o.expected.due_at.format("%a %Y-%m-%d %H:%M").to_string(),
        super::sla::state_text(o),
    ]
}

/// What the deliverables-due section says when nothing falls due.
pub fn nothing_due() -> &'static str {
    "Nothing falls due."
}
