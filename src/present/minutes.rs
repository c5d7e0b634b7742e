//! The minutes of a weekly review session: what was shown, decided and assigned.

use std::fmt::Write;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::charter::Charter;
use crate::facts::SessionRecords;
use crate::facts::{ActionItem, Decision, Dispute, Insight, Note};
use crate::rhythm::session::dispute_level;

#[derive(Debug, Clone, Serialize)]
pub struct Minutes {
    pub week: NaiveDate,
    pub started_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub insights: Vec<Insight>,
    pub decisions: Vec<Decision>,
    pub actions: Vec<ActionItem>,
    pub notes: Vec<Note>,
    /// Disputes opened in the session, and any still open, with their escalation owner.
    pub disputes: Vec<(Dispute, Option<u32>, Option<String>)>,
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
        disputes: r
            .disputes
            .iter()
            .filter(|d| {
                this_week(d.week) || (d.opened_at <= end && d.resolved_at.is_none_or(|t| t > end))
            })
            .map(|d| {
                let l = dispute_level(charter, d, end);
                (d.clone(), l.level, l.owner)
            })
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

fn owner(charter: &Charter, id: &str) -> String {
    charter
        .stakeholder(id)
        .map_or(id.to_string(), |s| s.name.clone())
}

pub fn markdown(charter: &Charter, m: &Minutes) -> String {
    let mut out = format!(
        "# Weekly review minutes — week of {}\n\n_{}",
        m.week, charter.partnership.name
    );
    match (m.started_at, m.closed_at) {
        (None, _) => out.push_str(" · no session was held_\n\n"),
        (Some(s), None) => {
            let _ = write!(
                out,
                " · session opened {}, still open_\n\n",
                s.format("%Y-%m-%d %H:%M")
            );
        }
        (Some(s), Some(c)) => {
            let _ = write!(
                out,
                " · {} – {} UTC_\n\n",
                s.format("%Y-%m-%d %H:%M"),
                c.format("%H:%M")
            );
        }
    }
    out.push_str("## Decisions\n\n");
    if m.decisions.is_empty() {
        out.push_str("None recorded.\n");
    }
    for d in &m.decisions {
        let _ = writeln!(
            out,
            "- {}{}",
            d.text,
            d.agenda_item
                .as_ref()
                .map_or(String::new(), |a| format!(" _(on {a})_"))
        );
    }
    out.push_str("\n## Action items\n\n");
    if m.actions.is_empty() {
        out.push_str("None recorded.\n");
    }
    for a in &m.actions {
        let _ = writeln!(
            out,
            "- [{}] #{} {} — {}, due {}{}",
            if a.done_at.is_some() { "x" } else { " " },
            a.id,
            a.text,
            owner(charter, &a.owner),
            a.due,
            a.insight_id
                .map_or(String::new(), |i| format!(" (acts on insight #{i})"))
        );
    }
    if !m.carried_over.is_empty() {
        out.push_str("\n## Still open from earlier weeks\n\n");
        for a in &m.carried_over {
            let _ = writeln!(
                out,
                "- #{} {} — {}, due {}",
                a.id,
                a.text,
                owner(charter, &a.owner),
                a.due
            );
        }
    }
    out.push_str("\n## Data disputes\n\n");
    if m.disputes.is_empty() {
        out.push_str("None open.\n");
    }
    for (d, level, who) in &m.disputes {
        let _ = writeln!(
            out,
            "- #{} {} for {}: {} {} vs {} {} (raised by {}) — {}",
            d.id,
            d.metric,
            d.period,
            d.source_a,
            d.figure_a,
            d.source_b,
            d.figure_b,
            owner(charter, &d.raised_by),
            match (&d.resolution, level) {
                (Some(r), _) => format!("resolved: {r}"),
                (None, Some(l)) => format!(
                    "open, escalation level {l} ({})",
                    who.as_deref().map_or(String::new(), |w| owner(charter, w))
                ),
                (None, None) => "open".into(),
            }
        );
    }
    out.push_str("\n## Notes\n\n");
    if m.notes.is_empty() {
        out.push_str("None.\n");
    }
    for n in &m.notes {
        let _ = writeln!(out, "- {}", n.text);
    }
    out.push_str("\n## Insights shown\n\n");
    if m.insights.is_empty() {
        out.push_str("None.\n");
    }
    for i in &m.insights {
        let _ = writeln!(out, "- #{} {}", i.id, i.text);
    }
    out
}
