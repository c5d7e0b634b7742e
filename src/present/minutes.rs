//! The minutes of a weekly review session as a document: what was shown, decided and
//! assigned. What they hold is `rhythm::minutes`.

use std::fmt::Write;

use chrono::NaiveDateTime;

use crate::charter::Charter;
use crate::facts::Dispute;
use crate::format::{in_unit, money_exact, number};
use crate::rhythm::minutes::Minutes;
use crate::text::md_inline;

/// A stakeholder's name, or the id recorded, as Markdown text (`text::md_inline`).
fn owner(charter: &Charter, id: &str) -> String {
    md_inline(stakeholder(charter, id))
}

/// A stakeholder's name from the charter, or the id recorded when the charter no longer
/// has it. Plain text.
pub fn stakeholder<'a>(charter: &'a Charter, id: &'a str) -> &'a str {
    charter.stakeholder(id).map_or(id, |s| s.name.as_str())
}

/// What a disputed metric is called: the charter KPI's name for a KPI id, else the
/// measure as typed. Plain text.
pub fn metric_name<'a>(charter: &'a Charter, metric: &'a str) -> &'a str {
    charter.kpi(metric).map_or(metric, |k| k.name.as_str())
}

/// One side of a dispute in the metric's unit, to the digit (the two sides are compared
/// digit by digit, so money is not shortened): a charter KPI in its unit, a measure of
/// money ($9,400,000) or a count (1,180) by its name, anything else as a number.
pub fn dispute_figure(charter: &Charter, metric: &str, x: f64) -> String {
    let unit = charter
        .kpi(metric)
        .map(|k| k.unit.as_str())
        .unwrap_or_else(|| {
            let m = metric.trim().to_lowercase();
            let money = [
                "pipeline", "spend", "budget", "revenue", "cost", "cac", "bookings",
            ];
            if money.iter().any(|w| m.contains(w)) {
                "usd"
            } else {
                "number"
            }
        });
    match unit {
        "usd" => money_exact(x),
        "ratio" | "fraction" | "days" | "months" | "score" => in_unit(x, unit),
        _ => number(x),
    }
}

/// A dispute in one line of plain text, names for ids and figures in their unit:
/// "Pipeline for 2026-11-23: HubSpot $9,400,000 vs Salesforce $9,100,000.50".
pub fn dispute(charter: &Charter, d: &Dispute) -> String {
    dispute_in(charter, d, crate::text::field)
}

/// `dispute`, with others' text made safe by `safe` (one line, or Markdown-safe).
fn dispute_in(charter: &Charter, d: &Dispute, safe: fn(&str) -> String) -> String {
    format!(
        "{} for {}: {} {} vs {} {}",
        safe(metric_name(charter, &d.metric)),
        d.period,
        safe(&d.source_a),
        dispute_figure(charter, &d.metric, d.figure_a),
        safe(&d.source_b),
        dispute_figure(charter, &d.metric, d.figure_b),
    )
}

/// What an agenda item's stable key refers to, in words, for a record made against it:
/// "the Events & Field cost per SQL alert, insight #1". Plain text; a key of a shape
/// this version does not know is "an agenda item", never the key itself.
pub fn agenda_item(charter: &Charter, m: &Minutes, key: &str) -> String {
    let mut parts = key.splitn(3, ':');
    let (kind, a, b) = (parts.next(), parts.next(), parts.next());
    let insight = m
        .insights
        .iter()
        .find(|i| i.source_key == key)
        .map_or(String::new(), |i| format!(", insight #{}", i.id));
    match (kind, a, b) {
        (Some("alert"), Some(alert), Some(channel)) => {
            let measure = match alert {
                "traffic_drop" => "traffic",
                "conversion_shift" => "conversion",
                "cost_per_sql_spike" => "cost per SQL",
                "spend_pacing" => "spend pacing",
                "creative_fatigue" => "creative fatigue",
                "pipeline_move" => "pipeline",
                _ => "",
            };
            let channel = charter
                .channel(channel)
                .map_or(channel, |c| c.name.as_str());
            let what = if measure.is_empty() {
                "alert".to_string()
            } else {
                format!("{measure} alert")
            };
            format!("the {} {what}{insight}", crate::text::field(channel))
        }
        (Some("deliverable"), Some(id), Some(period)) => {
            let name = charter.deliverable(id).map_or(id, |d| d.name.as_str());
            format!(
                "{} for the period starting {}",
                crate::text::field(name),
                crate::text::field(period)
            )
        }
        (Some("flash"), Some(month), None) => {
            match chrono::NaiveDate::parse_from_str(month, "%Y-%m-%d") {
                Ok(m) => format!("the pipeline flash for {}{insight}", m.format("%B %Y")),
                Err(_) => format!("the pipeline flash{insight}"),
            }
        }
        (Some("action"), Some(id), None) if id.parse::<i64>().is_ok() => {
            format!("past-due action #{id}")
        }
        (Some("dispute"), Some(id), None) if id.parse::<i64>().is_ok() => {
            format!("data dispute #{id}")
        }
        _ => "an agenda item".into(),
    }
}

/// Whether an entry recorded at `at` came after the session closed.
fn is_late(m: &Minutes, at: NaiveDateTime) -> bool {
    m.closed_at.is_some_and(|c| at > c)
}

/// The mark after an entry recorded once the session had closed, else nothing.
fn late(m: &Minutes, at: NaiveDateTime) -> String {
    if is_late(m, at) {
        format!(
            " _(recorded after closing, {} UTC)_",
            at.format("%Y-%m-%d %H:%M")
        )
    } else {
        String::new()
    }
}

/// How many entries were recorded after the session closed.
fn late_entries(m: &Minutes) -> usize {
    let times = m
        .decisions
        .iter()
        .map(|d| d.created_at)
        .chain(m.actions.iter().map(|a| a.created_at))
        .chain(m.notes.iter().map(|n| n.created_at))
        .chain(
            m.disputes
                .iter()
                .filter(|(d, _)| d.week == Some(m.week))
                .map(|(d, _)| d.opened_at),
        );
    times.filter(|t| is_late(m, *t)).count()
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
                " · {} – {} UTC",
                s.format("%Y-%m-%d %H:%M"),
                c.format("%H:%M")
            );
            match late_entries(m) {
                0 => {}
                1 => out.push_str(" · 1 entry recorded after closing, marked below"),
                n => {
                    let _ = write!(out, " · {n} entries recorded after closing, marked below");
                }
            }
            out.push_str("_\n\n");
        }
    }
    out.push_str("## Decisions\n\n");
    if m.decisions.is_empty() {
        out.push_str("None recorded.\n");
    }
    for d in &m.decisions {
        let _ = writeln!(
            out,
            "- {}{}{}",
            md_inline(&d.text),
            d.agenda_item.as_ref().map_or(String::new(), |a| format!(
                " _(on {})_",
                md_inline(&agenda_item(charter, m, a))
            )),
            late(m, d.created_at)
        );
    }
    out.push_str("\n## Action items\n\n");
    if m.actions.is_empty() {
        out.push_str("None recorded.\n");
    }
    for a in &m.actions {
        let _ = writeln!(
            out,
            "- [{}] #{} {} — {}, due {}{}{}",
            if a.done_at.is_some() { "x" } else { " " },
            a.id,
            md_inline(&a.text),
            owner(charter, &a.owner),
            a.due,
            a.insight_id
                .map_or(String::new(), |i| format!(" (acts on insight #{i})")),
            late(m, a.created_at)
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
    out.push_str("\n## Deliveries this week\n\n");
    if m.deliveries.is_empty() {
        out.push_str("None.\n");
    }
    for d in &m.deliveries {
        let _ = writeln!(
            out,
            "- {}{}",
            crate::text::md_line(&delivery(charter, d)),
            if d.week == Some(m.week) {
                " (marked in the review)"
            } else {
                ""
            }
        );
    }
    out.push_str("\n## Data disputes\n\n");
    if m.disputes.is_empty() {
        out.push_str("None open.\n");
    }
    for (d, level) in &m.disputes {
        let _ = writeln!(
            out,
            "- #{} {} (raised by {}) — {}{}",
            d.id,
            dispute_in(charter, d, md_inline),
            owner(charter, &d.raised_by),
            match (&d.resolution, &level.escalation) {
                (Some(r), _) => format!("resolved: {}", md_inline(r)),
                (None, Some(e)) => format!(
                    "open, escalation level {} ({})",
                    e.level,
                    owner(charter, &e.owner)
                ),
                (None, None) => "open, not escalated yet".into(),
            },
            if d.week == Some(m.week) {
                late(m, d.opened_at)
            } else {
                String::new()
            }
        );
    }
    out.push_str("\n## Notes\n\n");
    if m.notes.is_empty() {
        out.push_str("None.\n");
    }
    for n in &m.notes {
        let _ = writeln!(
            out,
            "- {}{}{}",
            md_inline(&n.text),
            n.agenda_item.as_ref().map_or(String::new(), |a| format!(
                " _(on {})_",
                md_inline(&agenda_item(charter, m, a))
            )),
            late(m, n.created_at)
        );
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
