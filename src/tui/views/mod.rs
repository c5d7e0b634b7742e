//! One file per view. Each view offers its focused table as plain rows (so filtering,
//! selection and the detail pane work the same everywhere) and renders its area.

mod annual;
mod budget;
mod charter;
mod monthly;
mod quarterly;
mod review;
mod weekly;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Cell, Clear, Paragraph, Row, Sparkline, StatefulWidget, Table, TableState, Widget, Wrap,
};

use super::app::{App, Tab, TableId};
use super::snapshot::{Series, Snapshot};
use super::theme::Theme;
use crate::charter::Kpi;
use crate::present::format;

/// The focused table of a view: a header and rows of cells, each row with the index it
/// had before filtering.
pub struct TableData {
    pub title: String,
    pub header: Vec<&'static str>,
    pub widths: Vec<Constraint>,
    pub rows: Vec<Vec<String>>,
    /// Style per row (status colours), same length as `rows` or empty.
    pub styles: Vec<Style>,
}

fn table_of(app: &App, snap: &Snapshot, theme: Theme, width: u16) -> TableData {
    match app.table() {
        TableId::Campaign => weekly::table(snap, theme),
        TableId::Executive => monthly::table(snap, theme),
        TableId::Scorecard => quarterly::table(snap, theme, width >= WIDE),
        TableId::YearOverYear => annual::table(snap, theme),
        TableId::KpiDictionary => charter::table(snap, width >= WIDE),
        TableId::Agenda => review::table(snap),
        TableId::BudgetPlan => budget::plan_table(app, theme, width >= WIDE),
        TableId::ChannelRoi => budget::model_table(app, theme),
    }
}

/// The focused table's rows after the filter: (index before filtering, cells). The
/// filter matches the cells every width shows (the narrow table's), so the rows the keys
/// act on are the rows on screen at any width.
pub fn rows(app: &App, snap: &Snapshot) -> Vec<(usize, Vec<String>)> {
    let table = table_of(app, snap, Theme { color: false }, 0);
    filtered(&table, app.filter())
}

fn filtered(table: &TableData, filter: &str) -> Vec<(usize, Vec<String>)> {
    let needle = filter.to_lowercase();
    table
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| needle.is_empty() || r.iter().any(|c| c.to_lowercase().contains(&needle)))
        .map(|(i, r)| (i, r.clone()))
        .collect()
}

pub fn render(app: &App, snap: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    match app.table() {
        TableId::BudgetPlan => return budget::render_plan(app, snap, theme, area, buf),
        TableId::ChannelRoi => return budget::render_model(app, snap, theme, area, buf),
        _ => {}
    }
    match app.tab {
        Tab::Weekly => weekly::render(app, snap, theme, area, buf),
        Tab::Monthly => monthly::render(app, snap, theme, area, buf),
        Tab::Quarterly => quarterly::render(app, snap, theme, area, buf),
        Tab::Annual => annual::render(app, snap, theme, area, buf),
        Tab::Charter => charter::render(app, snap, theme, area, buf),
        Tab::Review => review::render(app, snap, theme, area, buf),
    }
}

/// Renders the view's focused table with selection and filter; returns the index (before
/// filtering) of the selected row, for the detail pane.
pub fn render_table(
    app: &App,
    snap: &Snapshot,
    theme: Theme,
    area: Rect,
    buf: &mut Buffer,
) -> Option<usize> {
    let table = table_of(app, snap, theme, area.width);
    let rows: Vec<(usize, Vec<String>)> = rows(app, snap)
        .into_iter()
        .filter_map(|(i, _)| table.rows.get(i).map(|r| (i, r.clone())))
        .collect();
    let title = if app.filter().is_empty() {
        format!(" {} ", table.title)
    } else {
        format!(
            " {} — filter \"{}\": {} of {} ",
            table.title,
            app.filter(),
            rows.len(),
            table.rows.len()
        )
    };
    let selected = app.selected().min(rows.len().saturating_sub(1));
    let body: Vec<Row> = rows
        .iter()
        .map(|(i, cells)| {
            let style = table.styles.get(*i).copied().unwrap_or_default();
            Row::new(cells.iter().map(|c| Cell::from(c.clone()))).style(style)
        })
        .collect();
    let widget = Table::new(body, table.widths.clone())
        .header(Row::new(table.header.iter().map(|h| Cell::from(*h))).style(theme.title()))
        .block(Block::bordered().title(title))
        .row_highlight_style(theme.selected())
        .column_spacing(1);
    let mut state = TableState::default().with_selected((!rows.is_empty()).then_some(selected));
    StatefulWidget::render(widget, area, buf, &mut state);
    rows.get(selected).map(|(i, _)| *i)
}

/// A popup over `area` with a title and lines (the detail pane).
pub fn render_detail(title: &str, lines: Vec<Line>, theme: Theme, area: Rect, buf: &mut Buffer) {
    let width = (area.width.saturating_sub(4)).min(100);
    let height = (lines.len() as u16 + 2).clamp(5, area.height.saturating_sub(2));
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(
            Block::bordered()
                .title(format!(" {title} — Enter or Esc closes "))
                .border_style(theme.accent()),
        )
        .render(popup, buf);
}

/// The lines a KPI's detail shows: its charter definition, target and history.
pub fn kpi_lines(kpi: &Kpi, history: Option<&Series>, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::from(vec![
            Span::styled("Definition  ", theme.accent()),
            Span::raw(kpi.definition.clone()),
        ]),
        Line::from(vec![
            Span::styled("Target      ", theme.accent()),
            Span::raw(format!(
                "{} {} per {} period (warn within {}), {} — {}",
                if kpi.direction == crate::charter::Direction::HigherIsBetter {
                    "at least"
                } else {
                    "at most"
                },
                format::in_unit(kpi.target, &kpi.unit),
                kpi.cadence,
                format::percent(kpi.tolerance),
                if kpi.source == crate::charter::KpiSource::Derived {
                    "derived from channel data"
                } else {
                    "imported (rhythm import kpis)"
                },
                kpi.id
            )),
        ]),
    ];
    if let Some(h) = history {
        lines.push(Line::styled("History", theme.accent()));
        for (start, v) in h {
            lines.push(Line::raw(format!(
                "  {start}  {}",
                crate::present::value_or_no_data(*v, &kpi.unit)
            )));
        }
    }
    lines
}

/// A sparkline of a series; periods without data are drawn empty, never as zero.
pub fn sparkline(
    title: String,
    values: &[Option<f64>],
    style: Style,
    area: Rect,
    buf: &mut Buffer,
) {
    let data: Vec<Option<u64>> = values
        .iter()
        .map(|v| v.map(|x| x.max(0.0).round() as u64))
        .collect();
    Sparkline::default()
        .block(Block::bordered().title(title))
        .data(data)
        .style(style)
        .render(area, buf);
}

/// A figure in a table cell, or "no data".
pub fn or_no_data(v: Option<f64>, unit: &str) -> String {
    v.map_or_else(|| "no data".to_string(), |x| format::compact(x, unit))
}

/// Tables show trend columns from this width on.
pub const WIDE: u16 = 110;
