//! Review: the weekly review session — the agenda stepped through item by item, the
//! evidence of the item in focus, what the session has recorded so far, and what to do:
//! the budget model's plan, as the weekly report says it.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use super::{TableData, WhatToDo, plan_line, render_table};
use crate::present::agenda;
use crate::rhythm::session::AgendaKind;
use crate::tui::app::{App, RowId};
use crate::tui::session::Form;
use crate::tui::snapshot::Snapshot;
use crate::tui::theme::Theme;

fn kind(k: AgendaKind) -> &'static str {
    match k {
        AgendaKind::Deliverable => "due",
        AgendaKind::Flash => "flash",
        AgendaKind::Alert => "alert",
        AgendaKind::ActionPastDue => "late",
        AgendaKind::Dispute => "dispute",
    }
}

pub fn table(s: &Snapshot) -> TableData {
    TableData {
        title: format!("Agenda — review of the week of {}", s.weekly.week),
        header: vec!["#", "item", "what"],
        widths: vec![
            Constraint::Length(3),
            Constraint::Length(7),
            Constraint::Fill(1),
        ],
        styles: Vec::new(),
        rows: s
            .agenda
            .iter()
            .enumerate()
            .map(|(i, a)| vec![(i + 1).to_string(), kind(a.kind).into(), agenda::title(a)])
            .collect(),
    }
}

pub fn render(app: &App, s: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    // The session reviews the week: it ends in the weekly report's line, the budget
    // model's plan — the decision on the table.
    let todo = WhatToDo {
        before: Vec::new(),
        line: plan_line(app),
    };
    let [body, end] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(todo.height(area.width)),
    ])
    .areas(area);
    todo.render(theme, end, buf);
    let [left, right] = Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(body);
    let selected = render_table(app, s, theme, left, buf);
    let [evidence, recorded] =
        Layout::vertical([Constraint::Length(8), Constraint::Fill(1)]).areas(right);
    let mut lines: Vec<Line> = Vec::new();
    let item = match selected {
        Some(RowId::Agenda(i)) => s.agenda.get(i),
        _ => None,
    };
    if let Some(item) = item {
        lines.push(Line::styled(agenda::title(item), theme.title()));
        lines.extend(agenda::evidence(item).into_iter().map(Line::raw));
        let keys = match item.kind {
            AgendaKind::Deliverable => "m delivered · a action · d decision · w note",
            AgendaKind::Dispute => "a action · d decision · w note",
            _ => "a action · d decision · x dispute · w note",
        };
        lines.push(Line::styled(keys, theme.dim()));
    } else {
        lines.push(Line::styled("Nothing on the agenda.", theme.dim()));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(Block::bordered().title(" Evidence "))
        .render(evidence, buf);

    let m = &s.minutes;
    let mut lines: Vec<Line> = Vec::new();
    let session = match (m.started_at, m.closed_at) {
        (None, _) => "no entry yet — entries are saved as you make them".to_string(),
        (Some(t), None) => format!("session open since {} UTC", t.format("%a %H:%M")),
        (Some(_), Some(t)) => format!(
            "session closed {} UTC — minutes written",
            t.format("%a %H:%M")
        ),
    };
    lines.push(Line::styled(session, theme.dim()));
    for d in &m.decisions {
        lines.push(Line::from(vec![
            Span::styled("decision ", theme.accent()),
            Span::raw(d.text.clone()),
        ]));
    }
    for a in &m.actions {
        lines.push(Line::from(vec![
            Span::styled(format!("action #{} ", a.id), theme.accent()),
            Span::raw(format!(
                "{} — {}, due {}",
                a.text,
                crate::present::minutes::stakeholder(&s.charter, &a.owner),
                a.due
            )),
        ]));
    }
    // The week's other deliveries are in the minutes; this pane holds the session's entries.
    for d in m.deliveries.iter().filter(|d| d.week == Some(m.week)) {
        lines.push(Line::from(vec![
            Span::styled("delivered ", theme.accent()),
            Span::raw(crate::present::minutes::delivery(&s.charter, d)),
        ]));
    }
    for (d, level) in &m.disputes {
        lines.push(Line::from(vec![
            Span::styled(format!("dispute #{} ", d.id), theme.warn()),
            Span::raw(format!(
                "{} — {}",
                crate::present::minutes::dispute(&s.charter, d),
                crate::present::sla::escalation(level.escalation.as_ref())
            )),
        ]));
    }
    for n in &m.notes {
        lines.push(Line::from(vec![
            Span::styled("note ", theme.dim()),
            Span::raw(n.text.clone()),
        ]));
    }
    for a in &m.carried_over {
        lines.push(Line::from(vec![
            Span::styled(format!("open #{} ", a.id), theme.dim()),
            Span::raw(format!(
                "{} — {}, due {}",
                a.text,
                crate::present::minutes::stakeholder(&s.charter, &a.owner),
                a.due
            )),
        ]));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(Block::bordered().title(" Recorded in this session "))
        .render(recorded, buf);

    if let Some(form) = &app.form {
        render_form(form, theme, area, buf);
    }
}

/// The entry being typed, with a visible cursor.
pub(super) fn render_form(form: &Form, theme: Theme, area: Rect, buf: &mut Buffer) {
    let width = area.width.saturating_sub(6).min(90);
    let height =
        (form.fields.len() as u16 * 2 + 5 + u16::from(form.saving.is_some())).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    Clear.render(popup, buf);
    let mut lines: Vec<Line> = Vec::new();
    if let Some(item) = &form.item {
        lines.push(Line::styled(
            format!("on: {}", agenda::title(item)),
            theme.dim(),
        ));
    }
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        lines.push(Line::styled(
            f.label(),
            if focused { theme.accent() } else { theme.dim() },
        ));
        if focused {
            let split = f
                .value
                .char_indices()
                .nth(f.cursor)
                .map_or(f.value.len(), |(b, _)| b);
            let (before, after) = f.value.split_at(split);
            let mut rest = after.chars();
            let at = rest.next().map_or(" ".to_string(), |c| c.to_string());
            lines.push(Line::from(vec![
                Span::raw(format!("> {before}")),
                Span::styled(at, theme.selected()),
                Span::raw(rest.as_str().to_string()),
            ]));
        } else {
            lines.push(Line::raw(format!("  {}", f.value)));
        }
    }
    if let Some(e) = &form.error {
        lines.push(Line::styled(e.clone(), theme.bad()));
    }
    if form.saving.is_some() {
        lines.push(Line::styled(
            match &form.waiting {
                Some(why) => format!("saving… {why}"),
                None => "saving…".into(),
            },
            theme.warn(),
        ));
    }
    let title = if form.saving.is_some() {
        format!(" {} — saving; kept until the store takes it ", form.title())
    } else {
        format!(
            " {} — Enter saves · Esc cancels · Tab next field ",
            form.title()
        )
    };
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(Block::bordered().title(title).border_style(theme.accent()))
        .render(popup, buf);
}
