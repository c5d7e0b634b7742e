//! Charter: the KPI dictionary, objectives, the escalation path and the RACI — the
//! agreement every other view is measured against.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::{TableData, kpi_lines, render_detail, render_table};
use crate::format;
use crate::tui::app::App;
use crate::tui::snapshot::Snapshot;
use crate::tui::theme::Theme;

/// The KPI dictionary; the id column only where there is room for it.
pub fn table(s: &Snapshot, wide: bool) -> TableData {
    let mut header = vec!["name", "cadence", "target", "source"];
    let mut widths = vec![
        Constraint::Fill(1),
        Constraint::Length(9),
        Constraint::Length(8),
        Constraint::Length(8),
    ];
    if wide {
        header.insert(0, "id");
        widths.insert(0, Constraint::Length(22));
    }
    TableData {
        title: "KPI dictionary".into(),
        header,
        widths,
        styles: Vec::new(),
        rows: s
            .charter
            .kpis
            .iter()
            .map(|k| {
                let mut row = vec![
                    k.name.clone(),
                    k.cadence.to_string(),
                    format::compact(k.target, &k.unit),
                    if k.source == crate::charter::KpiSource::Derived {
                        "derived"
                    } else {
                        "imported"
                    }
                    .into(),
                ];
                if wide {
                    row.insert(0, k.id.clone());
                }
                row
            })
            .collect(),
    }
}

pub fn render(app: &App, s: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    let c = &s.charter;
    let [left, right] = Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(area);
    let selected = render_table(app, s, theme, left, buf);
    let [objectives, escalation, raci] = Layout::vertical([
        Constraint::Fill(2),
        Constraint::Fill(1),
        Constraint::Fill(2),
    ])
    .areas(right);
    let name = |id: &str| c.stakeholder(id).map_or(id.to_string(), |s| s.name.clone());
    let lines: Vec<Line> = c
        .objectives
        .iter()
        .map(|o| {
            Line::from(vec![
                Span::styled("• ", theme.accent()),
                Span::raw(o.statement.clone()),
            ])
        })
        .collect();
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(Block::bordered().title(" Shared objectives "))
        .render(objectives, buf);
    let lines: Vec<Line> = c
        .escalation
        .iter()
        .map(|l| {
            Line::raw(format!(
                "L{} day {:>2}+ {}",
                l.level,
                l.after_days,
                name(&l.owner)
            ))
        })
        .collect();
    Paragraph::new(lines)
        .block(Block::bordered().title(" Escalation path "))
        .render(escalation, buf);
    let lines: Vec<Line> = c
        .raci
        .iter()
        .map(|r| {
            Line::from(vec![
                Span::raw(format!("{}: ", r.workstream)),
                Span::styled(format!("A {}", name(&r.accountable)), theme.accent()),
                Span::raw(format!(" · R {}", r.responsible.join(", "))),
            ])
        })
        .collect();
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(Block::bordered().title(" RACI "))
        .render(raci, buf);

    if app.detail
        && let Some(crate::tui::app::RowId::CharterKpi(i)) = selected
        && let Some(kpi) = c.kpis.get(i)
    {
        let history = s.reviews.as_ref().and_then(|r| r.history(&kpi.id));
        let mut lines = kpi_lines(kpi, history, theme);
        if s.reviews.is_none() {
            lines.push(Line::styled(
                "History     loading the records…",
                theme.dim(),
            ));
        }
        render_detail(app, &kpi.name, lines, theme, area, buf);
    }
}
