//! The digest in words: at most ten lines — what changed most and why, what to do, what
//! is late — each naming where its figure is defined (a charter KPI, a charter section,
//! the budget model). One list of lines (`lines`) rendered as Markdown, Slack Block Kit,
//! JSON and email (plain text + HTML). The sentences are the reports' and the cockpit's
//! own: an alert's (`alerts::sentence`), the plan's (`advice::plan`), the week's signals
//! (`markdown::signals_sentence`), the month's suggestions (`suggestions::sentence`).

use std::fmt::Write;

use serde_json::{Value, json};

use crate::charter::Charter;
use crate::rhythm::alerts::Alert;
use crate::rhythm::digest::{Digest, DigestKind, Reviewed};
use crate::rhythm::monthly::Suggested;
use crate::text;

/// Slack allows 50 blocks in a message.
pub const MAX_SLACK_BLOCKS: usize = 50;
/// Slack's limit on a section's text (characters); longer text is cut.
const MAX_SLACK_TEXT: usize = 3000;
/// Slack's limit on a header's plain text.
const MAX_SLACK_HEADER: usize = 150;
/// Lines shown per late category before "and N more".
const MAX_NAMED: usize = 3;

/// The digest's three parts, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Changed,
    ToDo,
    Late,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Changed, Part::ToDo, Part::Late];

    pub fn heading(self) -> &'static str {
        match self {
            Part::Changed => "What changed most",
            Part::ToDo => "What to do",
            Part::Late => "What is late",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Part::Changed => "changed",
            Part::ToDo => "to_do",
            Part::Late => "late",
        }
    }
}

/// One line of the digest: its sentence and where the figure is defined, both plain
/// text (every renderer escapes them for its format).
#[derive(Debug, Clone, PartialEq)]
pub struct DigestLine {
    pub part: Part,
    pub text: String,
    pub definition: String,
}

/// "Weekly digest — week of 2026-11-23" / "Monthly digest — November 2026".
pub fn title(d: &Digest) -> String {
    match d.kind {
        DigestKind::Weekly => format!("Weekly digest — week of {}", d.period.start),
        DigestKind::Monthly => format!("Monthly digest — {}", d.period.start.format("%B %Y")),
    }
}

/// "Acme partnership · as of 2026-11-30": the line under the title.
pub fn byline(charter: &Charter, d: &Digest) -> String {
    format!(
        "{} · as of {} UTC",
        charter.partnership.name,
        d.now.format("%Y-%m-%d %H:%M")
    )
}

/// The digest's lines, every part in order; a part with nothing in it says so.
pub fn lines(charter: &Charter, d: &Digest) -> Vec<DigestLine> {
    let mut out = Vec::new();
    let line = |part, text: String, definition: String| DigestLine {
        part,
        text,
        definition,
    };
    if !d.has_data {
        out.push(line(
            Part::Changed,
            "No channel data for this period: no data to compare — import it with `rhythm import channels FILE.csv`.".into(),
            "charter [[kpi]] definitions (rhythm charter show)".into(),
        ));
    } else if d.changes.is_empty() {
        out.push(line(
            Part::Changed,
            "No move strong enough to alert on.".into(),
            "charter [controls] anomaly_threshold, anomaly_min_change".into(),
        ));
    }
    for a in &d.changes {
        out.push(line(
            Part::Changed,
            super::alerts::sentence(a) + ".",
            alert_definition(charter, a),
        ));
    }
    match &d.reviewed {
        Reviewed::Weekly(r) => {
            if let Some(s) = super::markdown::signals_sentence(charter, r) {
                out.push(line(
                    Part::ToDo,
                    s,
                    "charter [controls] anomaly_threshold".into(),
                ));
            }
        }
        Reviewed::Monthly(r) => {
            for s in r.suggestions.iter().take(2) {
                let definition = match s.what {
                    Suggested::PauseCandidate { .. } => {
                        "charter [controls] cac_ltv_max_share, cac_ltv_window".to_string()
                    }
                    Suggested::OverBudget { .. } => {
                        "the plan's monthly budget (rhythm import plan)".to_string()
                    }
                };
                out.push(line(
                    Part::ToDo,
                    super::suggestions::sentence(s) + ".",
                    definition,
                ));
            }
        }
    }
    out.push(line(
        Part::ToDo,
        super::markdown::allocation_sentence(&d.plan),
        "the budget model (rhythm model, rhythm recommend)".into(),
    ));
    late_lines(charter, d, &mut out);
    out
}

fn alert_definition(charter: &Charter, a: &Alert) -> String {
    match a.kpi.as_deref().and_then(|id| charter.kpi(id)) {
        Some(k) => format!("charter KPI {} ({})", k.id, k.name),
        None => "charter [controls] anomaly_threshold, anomaly_min_change".into(),
    }
}

fn and_more(shown: &[String], all: usize) -> String {
    let mut s = shown.join("; ");
    if all > shown.len() {
        let _ = write!(s, "; and {} more", all - shown.len());
    }
    s
}

fn late_lines(charter: &Charter, d: &Digest, out: &mut Vec<DigestLine>) {
    if !d.anything_late() {
        out.push(DigestLine {
            part: Part::Late,
            text: "Nothing is late: every deliverable, action item and dispute is on time.".into(),
            definition: "charter [[deliverable]], [[escalation]]".into(),
        });
        return;
    }
    if !d.late_deliverables.is_empty() {
        let named: Vec<String> = d
            .late_deliverables
            .iter()
            .take(MAX_NAMED)
            .map(|o| {
                let name = charter
                    .deliverable(&o.expected.deliverable)
                    .map_or(o.expected.deliverable.as_str(), |d| d.name.as_str());
                format!(
                    "{name} for the period from {} ({})",
                    o.expected.period_start,
                    super::sla::state_text(o)
                )
            })
            .collect();
        let mut ids: Vec<&str> = d
            .late_deliverables
            .iter()
            .map(|o| o.expected.deliverable.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        out.push(DigestLine {
            part: Part::Late,
            text: format!(
                "{}: {}.",
                count(
                    d.late_deliverables.len(),
                    "deliverable overdue",
                    "deliverables overdue"
                ),
                and_more(&named, d.late_deliverables.len())
            ),
            definition: format!("charter [[deliverable]] {}", ids.join(", ")),
        });
    }
    if !d.late_actions.is_empty() {
        let named: Vec<String> = d
            .late_actions
            .iter()
            .take(MAX_NAMED)
            .map(|a| {
                let owner = charter
                    .stakeholder(&a.owner)
                    .map_or(a.owner.as_str(), |s| s.name.as_str());
                format!("“{}” ({owner}, due {})", text::cut(&a.text, 80), a.due)
            })
            .collect();
        out.push(DigestLine {
            part: Part::Late,
            text: format!(
                "{} past due: {}.",
                count(d.late_actions.len(), "action item", "action items"),
                and_more(&named, d.late_actions.len())
            ),
            definition: "rhythm action list".into(),
        });
    }
    if !d.escalated_disputes.is_empty() {
        let named: Vec<String> = d
            .escalated_disputes
            .iter()
            .take(MAX_NAMED)
            .map(|(dispute, level)| {
                format!(
                    "{} for {} ({} days open, {})",
                    text::cut(&dispute.metric, 60),
                    dispute.period,
                    level.age_days,
                    super::sla::escalation(level.escalation.as_ref())
                )
            })
            .collect();
        let mut levels: Vec<&str> = d
            .escalated_disputes
            .iter()
            .filter_map(|(_, l)| l.escalation.as_ref().map(|e| e.id.as_str()))
            .collect();
        levels.sort_unstable();
        levels.dedup();
        out.push(DigestLine {
            part: Part::Late,
            text: format!(
                "{} past escalation: {}.",
                count(d.escalated_disputes.len(), "data dispute", "data disputes"),
                and_more(&named, d.escalated_disputes.len())
            ),
            definition: format!("charter [[escalation]] {}", levels.join(", ")),
        });
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The digest as Markdown: a heading, a byline, and each part's lines as a list, each
/// line ending in where its figure is defined.
pub fn markdown(charter: &Charter, d: &Digest) -> String {
    let head = format!(
        "# {}\n\n_{}_\n",
        text::md_line(&title(d)),
        text::md_inline(&byline(charter, d))
    );
    listed(charter, d, head, "**", |l| {
        format!(
            "{} _(definition: {})_",
            // The crate's sentence around others' values: no raw HTML either.
            text::md_line(&l.text).replace('<', "\\<"),
            text::md_inline(&l.definition)
        )
    })
}

/// The digest as plain text: the email's text part and Slack's `text` fallback.
pub fn plain(charter: &Charter, d: &Digest) -> String {
    let head = format!(
        "{}\n{}\n",
        text::one_line(&title(d)),
        text::one_line(&byline(charter, d))
    );
    listed(charter, d, head, "", |l| {
        format!(
            "{} (definition: {})",
            text::one_line(&l.text),
            text::one_line(&l.definition)
        )
    })
}

/// `head`, then each part's heading (between `mark`s, a blank line after it when marked)
/// and its lines as a `- ` list, each written by `line`.
fn listed(
    charter: &Charter,
    d: &Digest,
    mut out: String,
    mark: &str,
    line: impl Fn(&DigestLine) -> String,
) -> String {
    let all = lines(charter, d);
    for part in Part::ALL {
        let gap = if mark.is_empty() { "" } else { "\n" };
        let _ = write!(out, "\n{mark}{}{mark}\n{gap}", part.heading());
        for l in all.iter().filter(|l| l.part == part) {
            let _ = writeln!(out, "- {}", line(l));
        }
    }
    out
}

/// The digest as a Slack message: Block Kit blocks (a header, a context byline, a
/// section of fields counting what is late, and per part a mrkdwn section with a context
/// line of definitions) and a plain `text` fallback for notifications. `& < >` are
/// escaped in every mrkdwn text; at most `MAX_SLACK_BLOCKS` blocks.
pub fn slack(charter: &Charter, d: &Digest) -> Value {
    let all = lines(charter, d);
    let mrkdwn =
        |s: &str| json!({"type": "mrkdwn", "text": text::cut(s, MAX_SLACK_TEXT - 20).into_owned()});
    let safe = |s: &str| text::slack(&text::one_line(s));
    let mut blocks = vec![
        json!({"type": "header", "text": {
            "type": "plain_text",
            "text": text::cut(&text::one_line(&title(d)), MAX_SLACK_HEADER - 20).into_owned(),
        }}),
        json!({"type": "context", "elements": [mrkdwn(&safe(&byline(charter, d)))]}),
        json!({"type": "section", "fields": [
            mrkdwn(&format!("*Deliverables late*\n{}", d.late_deliverables.len())),
            mrkdwn(&format!("*Action items past due*\n{}", d.late_actions.len())),
            mrkdwn(&format!("*Disputes past escalation*\n{}", d.escalated_disputes.len())),
            mrkdwn(&format!("*Moves alerted*\n{}", d.changes.len())),
        ]}),
    ];
    for part in Part::ALL {
        blocks.push(json!({"type": "divider"}));
        let mine: Vec<&DigestLine> = all.iter().filter(|l| l.part == part).collect();
        let body: Vec<String> = mine
            .iter()
            .map(|l| format!("• {}", safe(&l.text)))
            .collect();
        blocks.push(json!({"type": "section", "text": mrkdwn(&format!(
            "*{}*\n{}",
            part.heading(),
            body.join("\n")
        ))}));
        let definitions: Vec<String> = mine.iter().map(|l| safe(&l.definition)).collect();
        blocks.push(json!({"type": "context", "elements": [mrkdwn(&format!(
            "Definitions: {}",
            definitions.join(" · ")
        ))]}));
    }
    blocks.truncate(MAX_SLACK_BLOCKS);
    json!({
        // Slack reads the fallback as mrkdwn too (notifications): escaped like the blocks.
        "text": text::slack(&text::cut(&plain(charter, d), MAX_SLACK_TEXT - 200)),
        "blocks": blocks,
    })
}

/// The digest as JSON for other tools: its kind, period, clock and lines.
pub fn json(charter: &Charter, d: &Digest) -> Value {
    let lines: Vec<Value> = lines(charter, d)
        .into_iter()
        .map(|l| json!({"part": l.part.key(), "text": l.text, "definition": l.definition}))
        .collect();
    json!({
        "kind": d.kind.as_str(),
        "period_start": d.period.start,
        "period_end": d.period.last_day(),
        "at": d.now.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "title": title(d),
        "lines": lines,
    })
}

/// The digest as an email: (subject, plain text, HTML), from the same lines.
pub fn email(charter: &Charter, d: &Digest) -> (String, String, String) {
    let subject =
        text::one_line(&format!("{} · {}", title(d), charter.partnership.name)).into_owned();
    let all = lines(charter, d);
    let mut html = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n<h1>{}</h1>\n<p><em>{}</em></p>\n",
        text::html(&subject),
        text::html(&title(d)),
        text::html(&byline(charter, d))
    );
    for part in Part::ALL {
        let _ = writeln!(html, "<h2>{}</h2>\n<ul>", part.heading());
        for l in all.iter().filter(|l| l.part == part) {
            let _ = writeln!(
                html,
                "<li>{} <small>(definition: {})</small></li>",
                text::html(&text::one_line(&l.text)),
                text::html(&text::one_line(&l.definition))
            );
        }
        html.push_str("</ul>\n");
    }
    html.push_str("</body></html>\n");
    (subject, plain(charter, d), html)
}
