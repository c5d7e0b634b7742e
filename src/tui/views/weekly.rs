//! Weekly: the pipeline flash, the week's alerts, the campaign snapshot and what is due.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Gauge, Paragraph, Widget, Wrap};

use super::{TableData, or_no_data, render_detail, render_table, sparkline};
use crate::format;
use crate::present::flash;
use crate::rhythm::weekly::Measure;
use crate::tui::app::App;
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
    let alert_rows =
        (s.weekly.alerts.len() as u16).clamp(1, if area.height > 30 { 8 } else { 4 }) + 2;
    let [top, alerts, bottom] = Layout::vertical([
        Constraint::Length(5),
        Constraint::Length(alert_rows),
        Constraint::Fill(1),
    ])
    .areas(area);
    render_flash(s, theme, top, buf);
    render_alerts(s, theme, alerts, buf);
    let (table_area, due_area) = if bottom.width >= 140 {
        let [t, d] = Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(bottom);
        (t, Some(d))
    } else {
        (bottom, None)
    };
    let selected = render_table(app, s, theme, table_area, buf);
    if let Some(d) = due_area {
        render_due(s, theme, d, buf);
    }
    if app.detail
        && let Some(row) = selected
    {
        render_channel_detail(s, row, theme, area, buf);
    }
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
                " · {} of {} due by now ({} goal) · {}",
                flash::coverage(f),
                or_no_data(f.goal_to_date, "usd"),
                or_no_data(f.goal, "usd"),
                flash::gap(f)
            )),
        ]),
        Line::raw(format!(
            "projected {} ({} – {})",
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

fn render_alerts(s: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    let lines: Vec<Line> = if s.weekly.alerts.is_empty() {
        vec![Line::styled(
            crate::present::alerts::none_line(),
            theme.dim(),
        )]
    } else {
        s.weekly
            .alerts
            .iter()
            .map(|a| {
                let mark = match a.severity {
                    crate::rhythm::alerts::Severity::Critical => "✗ ",
                    crate::rhythm::alerts::Severity::Warning => "! ",
                    crate::rhythm::alerts::Severity::Opportunity => "✓ ",
                };
                let room = area.width.saturating_sub(4) as usize;
                Line::from(vec![
                    Span::styled(mark, theme.severity(a.severity)),
                    Span::raw(ellipsis(&crate::present::alerts::sentence(a), room)),
                ])
            })
            .collect()
    };
    Paragraph::new(lines)
        .block(Block::bordered().title(format!(" Alerts ({}) ", s.weekly.alerts.len())))
        .render(area, buf);
}

/// `text` cut to `width` characters, ending in "…" when cut.
fn ellipsis(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

fn render_due(s: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    let lines: Vec<Line> = s
        .weekly
        .due
        .iter()
        .map(|o| {
            let name = s
                .charter
                .deliverable(&o.expected.deliverable)
                .map_or(o.expected.deliverable.as_str(), |d| d.name.as_str());
            let style = if o.state.is_breach() {
                theme.bad()
            } else {
                theme.dim()
            };
            Line::from(vec![
                Span::raw(format!("{} ", o.expected.due_at.format("%a %d %H:%M"))),
                Span::raw(format!("{name}: ")),
                Span::styled(crate::present::sla::state_text(o), style),
            ])
        })
        .collect();
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(Block::bordered().title(" Deliverables due "))
        .render(area, buf);
}

fn render_channel_detail(
    s: &Snapshot,
    row: crate::tui::app::RowId,
    theme: Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    use crate::tui::app::RowId;
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
        Line::styled("week        spend     MQLs  SQLs  pipeline", theme.accent()),
    ];
    // Newest weeks first to go in, so a short terminal still shows the latest ones.
    let room = (area.height as usize).saturating_sub(lines.len() + 4);
    for (week, t) in history.iter().skip(history.len().saturating_sub(room)) {
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
    render_detail(&c.name, lines, theme, area, buf);
}
