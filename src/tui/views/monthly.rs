//! Monthly: the executive dashboard, 12-month trends, channel mix vs plan, budget vs
//! actual and the funnel (the tables by channel are `channels.rs`), then the month's
//! suggestions and what to do: the budget model's plan, as the monthly report says it.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};

use super::{
    TableData, WhatToDo, channels, kpi_lines, or_no_data, plan_line, render_detail, render_pane,
    sparkline,
};
use crate::format;
use crate::format::signed_change;
use crate::rhythm::Figure;
use crate::tui::app::{App, ExecutiveLine, RowId, TableId};
use crate::tui::snapshot::Snapshot;
use crate::tui::theme::{Theme, status_mark};

/// The executive lines: (label, figure, unit, pacing or utilisation text).
fn lines(s: &Snapshot) -> Vec<(&'static str, &Figure, &'static str, String)> {
    let Some(r) = &s.reviews else {
        return Vec::new();
    };
    let e = &r.monthly.executive;
    vec![
        (
            "Pipeline",
            &e.pipeline,
            "usd",
            format!("gap {}", or_no_data(e.pipeline_gap, "usd")),
        ),
        (
            "MQLs",
            &e.mqls,
            "count",
            format!("pacing {}", signed_change(e.mql_pace_gap())),
        ),
        (
            "SQLs",
            &e.sqls,
            "count",
            format!("pacing {}", signed_change(e.sql_pace_gap())),
        ),
        ("Blended CAC", &e.blended_cac, "usd", String::new()),
        (
            "Spend",
            &e.spend,
            "usd",
            format!("used {}", e.utilisation.map_or("—".into(), format::percent)),
        ),
    ]
}

pub fn table(s: &Snapshot, theme: Theme) -> TableData {
    let Some(r) = &s.reviews else {
        return TableData::pending();
    };
    let l = lines(s);
    TableData {
        title: format!(
            "Executive summary — {} · {}",
            r.monthly.month.format("%B %Y"),
            crate::present::scorecard::month_coverage(&r.monthly)
        ),
        header: vec!["", "actual", "goal", "status", ""],
        widths: vec![
            Constraint::Length(11),
            Constraint::Length(7),
            Constraint::Length(7),
            Constraint::Length(7),
            Constraint::Fill(1),
        ],
        styles: l
            .iter()
            .map(|(_, f, _, _)| theme.status(f.status))
            .collect(),
        rows: l
            .iter()
            .map(|(name, f, unit, extra)| {
                vec![
                    name.to_string(),
                    or_no_data(f.value, unit),
                    or_no_data(f.target, unit),
                    status_mark(f.status).into(),
                    extra.clone(),
                ]
            })
            .collect(),
    }
}

pub fn render(app: &App, s: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    let Some(r) = &s.reviews else {
        return;
    };
    let tall = area.height > 30;
    // The month's suggestions, then the budget model's plan: the report's
    // recommendations, with the plan last as the line the view ends in.
    let mut before: Vec<String> = if r.monthly.suggestions.is_empty() {
        vec![crate::present::suggestions::none_line().into()]
    } else {
        r.monthly
            .suggestions
            .iter()
            .map(crate::present::suggestions::sentence)
            .collect()
    };
    before.extend(crate::present::suggestions::not_judged(
        &s.charter, &r.monthly,
    ));
    // The 'unmapped' data-quality line comes first, as in the report.
    if let Some((records, values)) = r.monthly.unmapped {
        before.insert(
            0,
            crate::present::data_quality::unmapped_line(records, values),
        );
    }
    let todo = WhatToDo {
        before,
        line: plan_line(app),
    };
    // Tall, every channel of the mix and the budget, and the budget's header when wide.
    let bars = r
        .monthly
        .budget_vs_actual
        .len()
        .max(r.monthly.executive.channel_mix.len()) as u16
        + 2
        + u16::from(area.width / 2 >= channels::BUDGET_WIDE);
    // Short, the funnel takes the channels' place while it has the focus.
    let funnel_focused = app.table() == TableId::Funnel;
    // Every line of the summary, its header and borders, always; the suggestions give way
    // to at least one row of the table below (its borders, header and a row: 4).
    let summary_rows = ExecutiveLine::ALL.len() as u16 + 3 + u16::from(tall);
    let todo = todo.fit(area.width, area.height.saturating_sub(summary_rows + 4));
    let [top, middle, funnel, end] = Layout::vertical([
        Constraint::Length(summary_rows),
        match (tall, funnel_focused) {
            (true, _) => Constraint::Length(bars),
            (false, false) => Constraint::Fill(1),
            (false, true) => Constraint::Length(0),
        },
        match (tall, funnel_focused) {
            (false, false) => Constraint::Length(0),
            _ => Constraint::Fill(1),
        },
        Constraint::Length(todo.height(area.width)),
    ])
    .areas(area);
    let [summary, trends] =
        Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(top);
    render_pane(app, s, theme, TableId::Executive, summary, buf);
    let [pipe, cac] = Layout::vertical([Constraint::Fill(1), Constraint::Fill(1)]).areas(trends);
    let series = |id: &str| {
        r.history(id)
            .map(|h| h.iter().map(|(_, v)| *v).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    sparkline(
        " Pipeline, 12 months ".into(),
        &series("pipeline"),
        theme.accent(),
        pipe,
        buf,
    );
    let cac_values: Vec<Option<f64>> = r.monthly.cac_trend.iter().map(|(_, v)| *v).collect();
    sparkline(
        " Blended CAC, 12 months ".into(),
        &cac_values,
        theme.warn(),
        cac,
        buf,
    );
    if middle.height > 0 {
        let [mix, budget] =
            Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(middle);
        render_pane(app, s, theme, TableId::Mix, mix, buf);
        render_pane(app, s, theme, TableId::BudgetVsActual, budget, buf);
    }
    if funnel.height > 0 {
        channels::render_funnel(app, s, theme, funnel, buf);
    }
    todo.render(theme, end, buf);

    if !app.detail {
        return;
    }
    match app.focused_row() {
        Some(RowId::Executive(line)) => {
            if let Some((name, f, _, _)) = lines(s).get(line.index())
                && let Some(kpi) = s.charter.kpi(&f.kpi)
            {
                render_detail(
                    app,
                    name,
                    kpi_lines(kpi, r.history(&kpi.id), theme),
                    theme,
                    area,
                    buf,
                );
            }
        }
        Some(row) => channels::render_detail_of(app, s, row, theme, area, buf),
        None => {}
    }
}
