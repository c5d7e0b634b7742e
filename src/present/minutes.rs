//! The minutes of a weekly review session as a document: what was shown, decided and
//! assigned. What they hold is `rhythm::minutes`.

use std::fmt::Write;

use crate::charter::Charter;
use crate::rhythm::minutes::Minutes;
use crate::text::md_inline;

/// A stakeholder's name, or the id recorded, as Markdown text (`text::md_inline`).
fn owner(charter: &Charter, id: &str) -> String {
    md_inline(charter.stakeholder(id).map_or(id, |s| s.name.as_str()))
}

/// A delivery recorded in the session: "Funnel analysis for the period starting
/// 2026-11-01, delivered 2026-12-02 09:14 UTC", the name on one line and cut
/// (`text::field`); the cockpit shows the same words.
pub fn delivery(charter: &Charter, d: &crate::facts::SessionDelivery) -> String {
    let name = charter
        .deliverables
        .iter()
        .find(|x| x.id == d.deliverable)
        .map_or(d.deliverable.as_str(), |x| x.name.as_str());
    format!(
        "{} for the period starting {}, delivered {} UTC",
        crate::text::field(name),
        d.period_start,
        d.delivered_at.format("%Y-%m-%d %H:%M")
    )
}

pub fn markdown(charter: &Charter, m: &Minutes) -> String {
    let mut out = format!(
        "# Weekly review minutes — week of {}\n\n_{}",
        m.week,
        md_inline(&charter.partnership.name)
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
            md_inline(&d.text),
            d.agenda_item
                .as_ref()
                .map_or(String::new(), |a| format!(" _(on {})_", md_inline(a)))
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
            md_inline(&a.text),
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
                md_inline(&a.text),
                owner(charter, &a.owner),
                a.due
            );
        }
    }
    out.push_str("\n## Deliveries recorded\n\n");
    if m.deliveries.is_empty() {
        out.push_str("None.\n");
    }
    for d in &m.deliveries {
        let _ = writeln!(out, "- {}", crate::text::md_line(&delivery(charter, d)));
    }
    out.push_str("\n## Data disputes\n\n");
    if m.disputes.is_empty() {
        out.push_str("None open.\n");
    }
    for (d, level) in &m.disputes {
        let _ = writeln!(
            out,
            "- #{} {} for {}: {} {} vs {} {} (raised by {}) — {}",
            d.id,
            md_inline(&d.metric),
            d.period,
            md_inline(&d.source_a),
            d.figure_a,
            md_inline(&d.source_b),
            d.figure_b,
            owner(charter, &d.raised_by),
            match (&d.resolution, &level.escalation) {
                (Some(r), _) => format!("resolved: {}", md_inline(r)),
                (None, Some(e)) => format!(
                    "open, escalation level {} ({})",
                    e.level,
                    owner(charter, &e.owner)
                ),
                (None, None) => "open, not escalated yet".into(),
            }
        );
    }
    out.push_str("\n## Notes\n\n");
    if m.notes.is_empty() {
        out.push_str("None.\n");
    }
    for n in &m.notes {
        let _ = writeln!(out, "- {}", md_inline(&n.text));
    }
    out.push_str("\n## Insights shown\n\n");
    if m.insights.is_empty() {
        out.push_str("None.\n");
    }
    for i in &m.insights {
        let _ = writeln!(out, "- #{} {}", i.id, md_inline(&i.text));
    }
    out
}
