//! Weekly: the pipeline flash, the week's alerts, the campaign snapshot, what is due,
//! and what to do: the budget model's plan, as the weekly report says it.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Gauge, Paragraph, Widget, Wrap};

use super::{
    TableData, WhatToDo, labelled_lines, or_no_data, plan_line, render_detail, render_pane,
    sparkline,
};
use crate::format;
use crate::present::flash;
use crate::present::weekly::{DUE_HEADER, NUMBERS_HEADER, due_row, nothing_due, numbers};
use crate::rhythm::alerts::Severity;
use crate::rhythm::weekly::Measure;
use crate::tui::app::{App, RowId, TableId};
use crate::tui::snapshot::Snapshot;
use crate::tui::theme::Theme;

pub fn table(s: &Snapshot, _theme: Theme) -> TableData {
    let w = &s.weekly;
    let rows = w
        .snapshot
        .iter()
        .chain(w.total.as_ref())
        .map(|c| {
            let m = &c.this_week;
            vec![
                c.name.clone(),
                format::money(m.spend),
                format::thousands(m.mqls.round() as i64),
                format::thousands(m.sqls.round() as i64),
                format::money(m.pipeline),
                crate::format::signed_change(c.vs_baseline(Measure::Pipeline)),
                m.cpl.map_or("—".into(), format::money),
                m.roas.map_or("—".into(), crate::format::ratio),
            ]
        })
        .collect();
    TableData {
        title: format!("Campaign snapshot — week of {}", w.week),
        header: vec![
            "channel", "spend", "MQLs", "SQLs", "pipeline", "vs 8wk", "CPL", "ROAS",
        ],
        widths: vec![
            Constraint::Fill(2),
            Constraint::Length(7),
            Constraint::Length(5),
            Constraint::Length(5),
            Constraint::Length(8),
            Constraint::Length(6),
            Constraint::Length(7),
            Constraint::Length(6),
        ],
        rows,
        styles: Vec::new(),
    }
}

pub fn render(app: &App, s: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    let tall = area.height > 30;
    // Tall, the week's signals come before the plan, as in the report.
    // The 'unmapped' data-quality line comes first, at any size, as in the report.
    let unmapped = s
        .weekly
        .unmapped
        .map(|(records, values)| crate::present::data_quality::unmapped_line(records, values));
    let todo = WhatToDo {
        before: unmapped
            .into_iter()
            .chain(
                tall.then(|| crate::present::markdown::signals_sentence(&s.charter, &s.weekly))
                    .flatten(),
            )
            .chain(
                tall.then(|| crate::present::alerts::not_judged(&s.weekly))
                    .flatten(),
            )
            .collect(),
        line: plan_line(app),
    };
    // Short, three alerts show (the pane scrolls); tall, as many as the campaign
    // snapshot leaves room for, at least eight.
    let todo_rows = todo.height(area.width);
    let alert_rows = if tall {
        let campaign = s.weekly.snapshot.len() as u16 + 4;
        let room = area
            .height
            .saturating_sub(5 + todo_rows + campaign)
            .max(8 + 2);
        (s.weekly.alerts.len() as u16 + 2).clamp(3, room)
    } else {
        (s.weekly.alerts.len() as u16).clamp(1, 3) + 2
    };
    let [top, alerts, bottom, end] = Layout::vertical([
        Constraint::Length(5),
        Constraint::Length(alert_rows),
        Constraint::Fill(1),
        Constraint::Length(todo_rows),
    ])
    .areas(area);
    render_flash(s, theme, top, buf);
    if s.weekly.alerts.is_empty() {
        Paragraph::new(Line::styled(
            crate::present::alerts::none_line(),
            theme.dim(),
        ))
        .block(Block::bordered().title(" Alerts (0) "))
        .render(alerts, buf);
    } else {
        render_pane(app, s, theme, TableId::Alerts, alerts, buf);
    }
    // Wide, what is due stands beside the campaign snapshot; narrow, it takes the
    // snapshot's place while it has the focus.
    if bottom.width >= 140 {
        let [t, d] = Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(bottom);
        render_pane(app, s, theme, TableId::Campaign, t, buf);
        render_due(app, s, theme, d, buf);
    } else if app.table() == TableId::Due {
        render_due(app, s, theme, bottom, buf);
    } else {
        render_pane(app, s, theme, TableId::Campaign, bottom, buf);
    }
    todo.render(theme, end, buf);
    if app.detail {
        match app.focused_row() {
            Some(RowId::Alert(i)) => render_alert_detail(app, s, i, theme, area, buf),
            Some(RowId::Due(i)) => {
                if let Some(o) = s.weekly.due.get(i) {
                    let cells = due_row(&s.charter, o);
                    let lines = labelled_lines(&DUE_HEADER, &cells, theme);
                    render_detail(app, &cells[0], lines, theme, area, buf);
                }
            }
            Some(row) => render_channel_detail(app, s, row, theme, area, buf),
            None => {}
        }
    }
}

/// The week's alerts, most severe first, each in its sentence (cut to the width; Enter
/// shows it whole, with its figures).
pub fn alerts_table(s: &Snapshot, theme: Theme, width: u16) -> TableData {
    let alerts = &s.weekly.alerts;
    // Width 0 is the filter's: it searches the whole sentence.
    let room = usize::from(width).saturating_sub(4);
    TableData {
        title: format!("Alerts ({})", alerts.len()),
        header: Vec::new(),
        widths: vec![Constraint::Length(1), Constraint::Fill(1)],
        styles: alerts.iter().map(|a| theme.severity(a.severity)).collect(),
        rows: alerts
            .iter()
            .map(|a| {
                let mark = match a.severity {
                    Severity::Critical => "✗",
                    Severity::Warning => "!",
                    Severity::Opportunity => "✓",
                };
                let sentence = crate::present::alerts::sentence(a);
                vec![
                    mark.into(),
                    if width == 0 {
                        sentence
                    } else {
                        super::ellipsis(&sentence, room)
                    },
                ]
            })
            .collect(),
    }
}

/// An alert in full: its sentence, its figures and the charter's definition of its KPI.
fn render_alert_detail(
    app: &App,
    s: &Snapshot,
    i: usize,
    theme: Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let Some(a) = s.weekly.alerts.get(i) else {
        return;
    };
    let mut lines = vec![Line::styled(
        crate::present::alerts::sentence(a),
        theme.severity(a.severity),
    )];
    for (label, value) in crate::present::alerts::figures(a, &s.charter) {
        lines.push(Line::from(vec![
            Span::styled(format!("{label:<14}"), theme.accent()),
            Span::raw(value),
        ]));
    }
    if let Some(kpi) = a.kpi.as_deref().and_then(|k| s.charter.kpi(k)) {
        lines.push(Line::from(vec![
            Span::styled(format!("{:<14}", "definition"), theme.accent()),
            Span::styled(kpi.definition.clone(), theme.dim()),
        ]));
    }
    render_detail(
        app,
        &format!("{} — {}", a.channel_name, a.metric),
        lines,
        theme,
        area,
        buf,
    );
}

fn render_flash(s: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    let f = &s.weekly.flash;
    let [left, right] = Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(area);
    let block = Block::bordered().title(format!(" Pipeline flash — {} ", f.month.format("%B %Y")));
    let inner = block.inner(left);
    block.render(left, buf);
    let [numbers, gauge] =
        Layout::vertical([Constraint::Length(2), Constraint::Length(1)]).areas(inner);
    Paragraph::new(vec![
        Line::from(vec![
            Span::styled(
                or_no_data(f.month_to_date.value, "usd"),
                theme
                    .status(f.month_to_date.status)
                    .add_modifier(ratatui::style::Modifier::BOLD),
            ),
            Span::raw(format!(
                " of {} due by now · {}",
                or_no_data(f.goal_to_date, "usd"),
                flash::gap(f)
            )),
        ]),
        // The most telling first: narrow screens cut the end of the line.
        Line::raw(format!(
            "{} · goal {} · projected {} ({} – {})",
            flash::coverage(f),
            or_no_data(f.goal, "usd"),
            or_no_data(f.projected, "usd"),
            or_no_data(f.projected_low, "usd"),
            or_no_data(f.projected_high, "usd")
        )),
    ])
    .render(numbers, buf);
    let (ratio, label) = match f.pacing {
        Some(p) => (p.clamp(0.0, 1.0), format!("pacing {}", format::percent(p))),
        None => (0.0, "pacing: no data".into()),
    };
    Gauge::default()
        .ratio(ratio)
        .label(label)
        .gauge_style(theme.status(f.month_to_date.status))
        .render(gauge, buf);
    let values: Vec<Option<f64>> = s.weeks.iter().map(|(_, t)| t.map(|t| t.pipeline)).collect();
    sparkline(
        " Pipeline, 12 weeks ".into(),
        &values,
        theme.accent(),
        right,
        buf,
    );
}

/// The deliverables due this week and next, as the weekly report lists them (Enter
/// shows a row whole); or that nothing falls due.
pub fn due_table(s: &Snapshot, theme: Theme) -> TableData {
    let due = &s.weekly.due;
    TableData {
        title: "Deliverables due".into(),
        header: DUE_HEADER.to_vec(),
        widths: vec![
            Constraint::Fill(3),
            Constraint::Length(20),
            Constraint::Fill(2),
        ],
        styles: due
            .iter()
            .map(|o| {
                if o.state.is_breach() {
                    theme.bad()
                } else {
                    theme.dim()
                }
            })
            .collect(),
        rows: due
            .iter()
            .map(|o| due_row(&s.charter, o).to_vec())
            .collect(),
    }
}

/// What is due: the table while it has the focus; else, wide, every row whole, wrapped.
fn render_due(app: &App, s: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    if s.weekly.due.is_empty() {
        Paragraph::new(Line::styled(nothing_due(), theme.dim()))
            .block(Block::bordered().title(" Deliverables due "))
            .render(area, buf);
    } else if app.table() == TableId::Due {
        render_pane(app, s, theme, TableId::Due, area, buf);
    } else {
        let lines: Vec<Line> = s
            .weekly
            .due
            .iter()
            .map(|o| {
                let [name, due, state] = due_row(&s.charter, o);
                let style = if o.state.is_breach() {
                    theme.bad()
                } else {
                    theme.dim()
                };
                Line::from(vec![
                    Span::raw(format!("{due} {name}: ")),
                    Span::styled(state, style),
                ])
            })
            .collect();
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" Deliverables due "))
            .render(area, buf);
    }
}

fn render_channel_detail(
    app: &App,
    s: &Snapshot,
    row: RowId,
    theme: Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let w = &s.weekly;
    let Some(c) = (match row {
        RowId::Channel(i) => w.snapshot.get(i),
        RowId::Total => w.total.as_ref(),
        _ => None,
    }) else {
        return;
    };
    let history = s
        .channel_weeks
        .iter()
        .find(|(ch, _)| *ch == c.channel)
        .map(|(_, h)| h)
        .unwrap_or(&s.weeks);
    let mut lines = vec![
        Line::styled(
            "Pipeline is CRM-attributed (lead source, last touch) — see the charter's 'pipeline' KPI; ROAS = pipeline / spend.",
            theme.dim(),
        ),
        Line::raw(format!(
            "This week {} spend · {} leads · {} MQLs · {} SQLs · {} pipeline",
            format::money(c.this_week.spend),
            format::thousands(c.this_week.leads.round() as i64),
            format::thousands(c.this_week.mqls.round() as i64),
            format::thousands(c.this_week.sqls.round() as i64),
            format::money(c.this_week.pipeline)
        )),
    ];
    // The numbers that matter, as the weekly report's table has them.
    lines.push(Line::styled(
        format!(
            "{:<9}{:>10}{:>14}{:>18}",
            "", NUMBERS_HEADER[0], NUMBERS_HEADER[1], NUMBERS_HEADER[2]
        ),
        theme.accent(),
    ));
    for [name, this, last, median] in numbers(Some(c)) {
        lines.push(Line::raw(format!(
            "{name:<9}{this:>10}{last:>14}{median:>18}"
        )));
    }
    // Newest week first: a short popup opens on the latest ones and scrolls to the rest.
    lines.push(Line::styled(
        "week        spend     MQLs  SQLs  pipeline",
        theme.accent(),
    ));
    for (week, t) in history.iter().rev() {
        lines.push(Line::raw(match t {
            Some(t) => format!(
                "{week}  {:>8}  {:>5}  {:>4}  {:>8}",
                format::money(t.spend),
                t.mqls.round(),
                t.sqls.round(),
                format::money(t.pipeline)
            ),
            None => format!("{week}  no data"),
        }));
    }
    render_detail(app, &c.name, lines, theme, area, buf);
}
