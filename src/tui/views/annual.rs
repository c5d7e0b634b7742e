//! Annual: every KPI year over year, each channel's year (attributed ROAS next to
//! modelled ROI), and what to do: how to set next year's budget and when to review the
//! charter, as the annual report says it.

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use super::{TableData, WhatToDo, budget, kpi_lines, or_no_data, render_detail, render_pane};
use crate::format;
use crate::present::advice;
use crate::present::scorecard::{model_cell, purged_or, saturation_cell};
use crate::rhythm::annual::{self, AnnualReview, ChannelYear};
use crate::tui::app::{App, RowId, TableId};
use crate::tui::budget::ModelState;
use crate::tui::snapshot::Snapshot;
use crate::tui::theme::{Theme, status_mark};

pub fn table(s: &Snapshot, theme: Theme) -> TableData {
    let Some(r) = &s.reviews else {
        return TableData::pending();
    };
    let a = &r.annual;
    TableData {
        title: format!(
            "Year over year — {}",
            crate::present::scorecard::annual_stretch(a)
        ),
        header: vec!["KPI", "this year", "last year", "change", "status"],
        widths: vec![
            Constraint::Fill(3),
            Constraint::Length(12),
            Constraint::Length(12),
            Constraint::Length(7),
            Constraint::Length(9),
        ],
        styles: a.kpis.iter().map(|l| theme.status(l.status)).collect(),
        rows: a
            .kpis
            .iter()
            .map(|l| {
                vec![
                    l.name.clone(),
                    purged_or(l.this_year_purged, or_no_data(l.this_year, &l.unit)),
                    purged_or(l.last_year_purged, or_no_data(l.last_year, &l.unit)),
                    crate::format::signed_change(l.change),
                    status_mark(l.status).into(),
                ]
            })
            .collect(),
    }
}

/// What the annual charter review covers, under when it is due and when it last was
/// (the annual report's words).
pub fn review_table(s: &Snapshot) -> TableData {
    let Some(r) = &s.reviews else {
        return TableData::pending();
    };
    let c = &r.annual.charter_review;
    TableData {
        title: advice::charter_review(c),
        header: Vec::new(),
        widths: vec![Constraint::Fill(1)],
        styles: Vec::new(),
        rows: c.items.iter().map(|i| vec![i.clone()]).collect(),
    }
}

/// The year joined to the budget model's figures as the annual report joins them, once
/// the model is fitted.
fn joined<'a>(app: &App, s: &Snapshot, year: &'a AnnualReview) -> Cow<'a, AnnualReview> {
    match app.model.as_ref().and_then(ModelState::allocation) {
        Some(p) => Cow::Owned(annual::with_model(
            &s.charter,
            year.clone(),
            Ok(&p.overview),
        )),
        None => Cow::Borrowed(year),
    }
}

/// Each channel's year: spend, pipeline, attributed ROAS this year and last, and once the
/// model is fitted its ROI over the fit window; wide, marginal ROI and saturation too.
pub fn channel_table(app: &App, s: &Snapshot, width: u16) -> TableData {
    let Some(r) = &s.reviews else {
        return TableData::pending();
    };
    let a = joined(app, s, &r.annual);
    let wide = width >= 70;
    let mut header = vec!["channel", "spend", "pipeline", "ROAS", "last yr", "ROI"];
    let mut widths = vec![
        Constraint::Min(10),
        Constraint::Length(6),
        Constraint::Length(8),
        Constraint::Length(5),
        Constraint::Length(7),
        Constraint::Length(5),
    ];
    if wide {
        header.extend(["mROI", "saturation"]);
        widths.extend([Constraint::Length(5), Constraint::Length(10)]);
    }
    let ratio = |v: Option<f64>| v.map_or("—".to_string(), format::ratio);
    TableData {
        title: match budget::model_line(app) {
            Some(line) => format!("Channels this year · {line}"),
            None => "Channels this year: attributed ROAS, modelled ROI".into(),
        },
        header,
        widths,
        styles: Vec::new(),
        rows: a
            .channels
            .iter()
            .map(|c| {
                let mut row = vec![
                    c.channel.clone(),
                    format::money(c.spend),
                    format::money(c.pipeline),
                    ratio(c.attributed_roas),
                    ratio(c.attributed_roas_last_year),
                    model_cell(c.spend, c.modelled_roi, format::ratio),
                ];
                if wide {
                    row.push(model_cell(c.spend, c.marginal_roi, format::ratio));
                    // Short for the column: "none" is below the hurdle from the first dollar.
                    row.push(model_cell(c.spend, c.saturation_weekly_spend, |x| {
                        if x > 0.0 {
                            format!("{}/wk", format::money(x))
                        } else {
                            "none".into()
                        }
                    }));
                }
                row
            })
            .collect(),
    }
}

pub fn render(app: &App, s: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    let Some(r) = &s.reviews else {
        return;
    };
    let todo = WhatToDo {
        before: Vec::new(),
        line: crate::present::advice::annual(&r.annual),
    };
    let [body, end] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(todo.height(area.width)),
    ])
    .areas(area);
    let [left, right] = if body.width >= 120 {
        Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(body)
    } else {
        let rows = (r.annual.channels.len() as u16 + 3).min(8);
        let [t, b] = Layout::vertical([Constraint::Fill(1), Constraint::Length(rows)]).areas(body);
        [t, b]
    };
    // The charter review's items take the year's place while they have the focus.
    let left_table = if app.table() == TableId::CharterReview {
        TableId::CharterReview
    } else {
        TableId::YearOverYear
    };
    render_pane(app, s, theme, left_table, left, buf);
    render_pane(app, s, theme, TableId::ChannelYear, right, buf);
    todo.render(theme, end, buf);

    if !app.detail {
        return;
    }
    let a = joined(app, s, &r.annual);
    match app.focused_row() {
        Some(RowId::AnnualKpi(i)) => {
            if let Some(line) = a.kpis.get(i)
                && let Some(kpi) = s.charter.kpi(&line.kpi)
            {
                render_detail(
                    app,
                    &line.name,
                    kpi_lines(kpi, r.history(&kpi.id), theme),
                    theme,
                    area,
                    buf,
                );
            }
        }
        Some(RowId::CharterItem(i)) => {
            if let Some(item) = a.charter_review.items.get(i) {
                let lines = vec![
                    Line::raw(advice::charter_review(&a.charter_review)),
                    Line::from(vec![
                        Span::styled("Covers  ", theme.accent()),
                        Span::raw(item.clone()),
                    ]),
                ];
                render_detail(app, "Charter review", lines, theme, area, buf);
            }
        }
        Some(RowId::ChannelYear(i)) => {
            if let Some(c) = a.channels.get(i) {
                render_channel_detail(app, &a, c, theme, area, buf);
            }
        }
        _ => {}
    }
}

/// A channel's year in full, with what the annual review says of the budget model.
fn render_channel_detail(
    app: &App,
    a: &AnnualReview,
    c: &ChannelYear,
    theme: Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let ratio = |v: Option<f64>| v.map_or("—".to_string(), format::ratio);
    let label = |l: &'static str| Span::styled(format!("{l:<14}"), theme.accent());
    let lines = vec![
        Line::from(vec![
            label("Attributed"),
            Span::raw(format!(
                "{} spent → {} pipeline (last touch): ROAS {}, last year {}",
                format::money(c.spend),
                format::money(c.pipeline),
                ratio(c.attributed_roas),
                ratio(c.attributed_roas_last_year)
            )),
        ]),
        Line::from(vec![
            label("Modelled"),
            Span::raw(format!(
                "ROI {} over the fit window, marginal ROI {} now, saturation {}",
                model_cell(c.spend, c.modelled_roi, format::ratio),
                model_cell(c.spend, c.marginal_roi, format::ratio),
                saturation_cell(c.spend, c.saturation_weekly_spend)
            )),
        ]),
        Line::from(vec![
            label("Budget model"),
            Span::styled(
                format!(
                    "{} — {}",
                    crate::present::scorecard::model_note(&a.model_note),
                    a.model_status
                ),
                theme.dim(),
            ),
        ]),
    ];
    render_detail(app, &c.channel, lines, theme, area, buf);
}
