//! One file per view, drawing only. Each view's focused table is cells of text, a line
//! per row the state derives from the snapshot (`app::row_ids`, in the same order), so
//! filtering, selection and the detail pane work the same everywhere; each view renders
//! its area.

mod annual;
mod budget;
mod channels;
mod charter;
mod detail;
mod funnel;
mod monthly;
mod quarterly;
mod session;
mod todo;
mod weekly;

pub use detail::{ellipsis, labelled_lines, render_detail};
pub use todo::{WhatToDo, plan_line, wrapped_lines};

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Cell, Paragraph, Row, Sparkline, StatefulWidget, Table, TableState, Widget, Wrap,
};

use super::app::{App, RowId, Tab, TableId};
use super::snapshot::{Series, Snapshot};
use super::theme::Theme;
use crate::charter::Kpi;
use crate::format;

/// The focused table of a view: a header and, for each of the state's row ids in order,
/// the row's cells.
pub struct TableData {
    pub title: String,
    pub header: Vec<&'static str>,
    pub widths: Vec<Constraint>,
    pub rows: Vec<Vec<String>>,
    /// Style per row (status colours), same length as `rows` or empty.
    pub styles: Vec<Style>,
}

impl TableData {
    /// A table of a review that reads the records, before they are loaded: no rows.
    pub fn pending() -> TableData {
        TableData {
            title: "loading the records…".into(),
            header: Vec::new(),
            widths: Vec::new(),
            rows: Vec::new(),
            styles: Vec::new(),
        }
    }
}

fn table_of(app: &App, snap: &Snapshot, theme: Theme, table: TableId, width: u16) -> TableData {
    match table {
        TableId::Campaign => weekly::table(snap, theme),
        TableId::Alerts => weekly::alerts_table(snap, theme, width),
        TableId::Mix => channels::mix_table(snap, theme, width),
        TableId::BudgetVsActual => channels::budget_table(snap, theme, width),
        TableId::Funnel => channels::funnel_table(snap, theme, width >= WIDE),
        TableId::LeadQuality => quarterly::quality_table(snap, theme, width),
        TableId::ChannelYear => annual::channel_table(app, snap, width),
        TableId::Executive => monthly::table(snap, theme),
        TableId::Scorecard => quarterly::table(snap, theme, width >= WIDE),
        TableId::YearOverYear => annual::table(snap, theme),
        TableId::KpiDictionary => charter::table(snap, width >= WIDE),
        TableId::Agenda => session::table(snap),
        TableId::Allocation => budget::allocation_table(app, theme, width >= WIDE),
        TableId::ChannelRoi => budget::model_table(app, theme),
        TableId::Due => weekly::due_table(snap, theme),
        TableId::SlaDeliverables => quarterly::sla_table(snap, theme),
        TableId::UnusedDashboards => quarterly::unused_table(snap, width),
        TableId::CharterReview => annual::review_table(snap),
    }
}

/// The text the filter searches, per row of `table`: the cells every width shows (the
/// narrow table's), so the rows the keys act on are the rows on screen at any width.
pub fn filter_text(app: &App, snap: &Snapshot, table: TableId) -> Vec<Vec<String>> {
    table_of(app, snap, Theme { color: false }, table, 0).rows
}

pub fn render(app: &App, snap: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    match (app.table(), app.tab) {
        (TableId::Allocation, _) => budget::render_allocation(app, snap, theme, area, buf),
        (TableId::ChannelRoi, _) => budget::render_model(app, snap, theme, area, buf),
        (_, Tab::Weekly) => weekly::render(app, snap, theme, area, buf),
        (_, Tab::Monthly) => monthly::render(app, snap, theme, area, buf),
        (_, Tab::Quarterly) => quarterly::render(app, snap, theme, area, buf),
        (_, Tab::Annual) => annual::render(app, snap, theme, area, buf),
        (_, Tab::Charter) => charter::render(app, snap, theme, area, buf),
        (_, Tab::Session) => session::render(app, snap, theme, area, buf),
    }
    // A form opened outside the review (the what-if's `s`) draws over the view.
    if app.tab != Tab::Session
        && let Some(form) = &app.form
    {
        session::render_form(form, theme, area, buf);
    }
}

/// Renders the view's focused table; returns what the selected row is, for the detail.
pub fn render_table(
    app: &App,
    snap: &Snapshot,
    theme: Theme,
    area: Rect,
    buf: &mut Buffer,
) -> Option<RowId> {
    render_pane(app, snap, theme, app.table(), area, buf)
}

/// Renders one of the view's tables — the rows the state lets through, in its order —
/// with its filter, and its selection when it has the focus (its border then stands
/// out). A table scrolls to keep the selection in sight; when its rows do not all fit,
/// its bottom border says which it shows. Returns what the selected row is.
pub fn render_pane(
    app: &App,
    snap: &Snapshot,
    theme: Theme,
    id: TableId,
    area: Rect,
    buf: &mut Buffer,
) -> Option<RowId> {
    render_pane_with(app, snap, theme, id, area, buf, None)
}

/// `render_pane` with a line under the rows inside the border (a table's totals), drawn
/// when it leaves the table at least three rows (or all it has).
pub fn render_pane_with(
    app: &App,
    snap: &Snapshot,
    theme: Theme,
    id: TableId,
    area: Rect,
    buf: &mut Buffer,
    footer: Option<Line<'_>>,
) -> Option<RowId> {
    let focused = app.table() == id;
    let table = table_of(app, snap, theme, id, area.width);
    let rows: Vec<(RowId, &Vec<String>, Style)> = app
        .rows_of(id)
        .into_iter()
        .filter_map(|r| {
            let style = table.styles.get(r.line).copied().unwrap_or_default();
            table.rows.get(r.line).map(|cells| (r.id, cells, style))
        })
        .collect();
    let filter = &app.filter[id];
    let title = if filter.is_empty() {
        format!(" {} ", table.title)
    } else {
        format!(
            " {} — filter \"{}\": {} of {} ",
            table.title,
            filter,
            rows.len(),
            table.rows.len()
        )
    };
    let selected = app.selected[id].min(rows.len().saturating_sub(1));
    let body: Vec<Row> = rows
        .iter()
        .map(|(_, cells, style)| {
            Row::new(cells.iter().map(|c| Cell::from(c.as_str()))).style(*style)
        })
        .collect();
    let block = Block::bordered().border_style(if focused && TableId::in_view(app.tab).len() > 1 {
        theme.accent()
    } else {
        Style::default()
    });
    let mut inner = block.inner(area);
    let header = !table.header.is_empty();
    if let Some(footer) = footer {
        let text: String = footer.spans.iter().map(|s| s.content.as_ref()).collect();
        let lines = wrapped_lines(&text, usize::from(inner.width).max(1)) as u16;
        let keep = u16::from(header) + (rows.len() as u16).min(3);
        if inner.height >= lines + keep {
            // Right under the rows, or at the bottom when they fill the table.
            let rows = (u16::from(header) + rows.len() as u16).min(inner.height - lines);
            let [table, below, _] = Layout::vertical([
                Constraint::Length(rows),
                Constraint::Length(lines),
                Constraint::Fill(1),
            ])
            .areas(inner);
            Paragraph::new(footer)
                .wrap(Wrap { trim: true })
                .render(below, buf);
            inner = table;
        }
    }
    // The selection keeps a marked row's colour (a channel outside its bounds stays
    // yellow), on the selection's background.
    let marked = rows.get(selected).and_then(|r| r.2.fg);
    let mut widget = Table::new(body, table.widths.clone())
        .row_highlight_style(match (focused, marked) {
            (false, _) => Style::default(),
            (true, Some(fg)) if theme.color => theme.selected().fg(fg),
            (true, _) => theme.selected(),
        })
        .column_spacing(1);
    if header {
        widget = widget
            .header(Row::new(table.header.iter().map(|h| Cell::from(*h))).style(theme.title()));
    }
    // An unfocused table keeps its place (the selection stays in sight) without the mark.
    let mut state = TableState::default().with_selected((!rows.is_empty()).then_some(selected));
    StatefulWidget::render(widget, inner, buf, &mut state);
    let room = usize::from(inner.height).saturating_sub(usize::from(header));
    let mut block = block.title(title);
    if rows.len() > room && room > 0 {
        // Which rows it shows, on the bottom border where no title competes for room.
        let first = state.offset().min(rows.len() - room);
        block = block.title_bottom(
            Line::from(format!(
                " {}–{} of {} ",
                first + 1,
                first + room,
                rows.len()
            ))
            .right_aligned(),
        );
    }
    block.render(area, buf);
    rows.get(selected).map(|(id, _, _)| *id)
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
                crate::format::value_or_no_data(*v, &kpi.unit)
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

pub use crate::format::compact_or_no_data as or_no_data;

/// Tables show trend columns from this width on.
pub const WIDE: u16 = 110;

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::charter::Charter;
    use crate::ingest::{Kind, import_reader};
    use crate::store::Store;
    use crate::tui::app::row_ids;
    use crate::tui::snapshot::compute;

    /// The state's rows and the views' tables are drawn from the same lists: a row id
    /// per table line, at every width.
    #[test]
    fn every_table_line_has_its_row_id() {
        let charter = Charter::parse(
            include_str!("../../../charter/partnership.toml"),
            Path::new("charter/partnership.toml"),
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("rhythm.db")).unwrap();
        // The demo workspace's history, as shipped in data/sample/.
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
        for entry in std::fs::read_dir(&sample).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            let kind = Kind::parse(name.trim_end_matches(".csv")).unwrap();
            let file = std::fs::File::open(&path).unwrap();
            import_reader(&mut store, &charter, kind, file, &name).unwrap();
        }
        let data = store.load_dataset(&charter).unwrap();
        let charter = Arc::new(charter);
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let snap = compute(
            &charter,
            &data,
            &crate::rhythm::clock::Clock::end_of(&charter, at),
        );
        let app = App::new("test".into(), at);
        for tab in Tab::ALL {
            for &id in TableId::in_view(tab) {
                let ids = row_ids(id, &snap, None);
                assert!(!ids.is_empty(), "{id:?}");
                for width in [0, 40, 80, WIDE, 160] {
                    let table = table_of(&app, &snap, Theme { color: false }, id, width);
                    assert_eq!(ids.len(), table.rows.len(), "{id:?} at width {width}");
                    assert!(table.styles.is_empty() || table.styles.len() == ids.len());
                    for row in &table.rows {
                        assert_eq!(row.len(), table.widths.len(), "{id:?} at width {width}");
                    }
                }
            }
        }
    }
}
