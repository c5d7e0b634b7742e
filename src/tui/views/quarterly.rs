//! Quarterly: the partnership scorecard, SLA by cadence, dashboards and leaders drifting
//! away, lead quality by channel, and what to change in how the partnership runs, as
//! the quarterly report says it.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::channels::short_name;
use super::{
    TableData, WhatToDo, kpi_lines, labelled_lines, or_no_data, render_detail, render_pane,
    render_pane_with,
};
use crate::format;
use crate::present::quarterly::{
    BACKTEST_TITLE, SLA_HEADER, UNUSED_TITLE, backtest, sla_row, unused_dashboard,
};
use crate::present::scorecard;
use crate::rhythm::quarterly::LineNote;
use crate::tui::app::{App, RowId, TableId};
use crate::tui::snapshot::Snapshot;
use crate::tui::theme::{Theme, status_mark};

pub fn table(s: &Snapshot, theme: Theme, wide: bool) -> TableData {
    let Some(r) = &s.reviews else {
        return TableData::pending();
    };
    let q = &r.quarterly;
    let mut widths = vec![
        Constraint::Fill(3),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(7),
    ];
    let mut header = vec!["metric", "value", "target", "status"];
    if wide {
        widths.push(Constraint::Fill(2));
        header.push("last 4 quarters");
    }
    TableData {
        title: format!("Partnership scorecard — quarter from {}", q.quarter),
        header,
        widths,
        styles: q.scorecard.iter().map(|l| theme.status(l.status)).collect(),
        rows: q
            .scorecard
            .iter()
            .map(|l| {
                let mut row = vec![
                    l.name.clone(),
                    scorecard::purged_or(
                        matches!(l.detail, LineNote::Purged { .. }),
                        or_no_data(l.value, &l.unit),
                    ),
                    or_no_data(l.target, &l.unit),
                    status_mark(l.status).into(),
                ];
                if wide {
                    row.push(
                        l.trend
                            .iter()
                            .map(|(q, v)| {
                                scorecard::trend_point(l, *q, *v, |v| format::compact(v, &l.unit))
                            })
                            .collect::<Vec<_>>()
                            .join(" "),
                    );
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
    let q = &r.quarterly;
    let todo = WhatToDo {
        // The records' data-quality control, as `rhythm check` and the report say it.
        before: q
            .data_quality
            .iter()
            .map(crate::present::data_quality::view_line)
            .collect(),
        line: crate::present::advice::quarterly(&s.charter, q),
    };
    // Tall, every channel's lead quality fits; short, its table scrolls.
    let bottom_rows = if area.height > 30 {
        (q.lead_quality.len() as u16 + 3).clamp(8, 14)
    } else {
        8
    };
    let [top, bottom, end] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(bottom_rows),
        Constraint::Length(todo.height(area.width)),
    ])
    .areas(area);
    // SLA by deliverable and the dashboards to retire take the scorecard's place while
    // they have the focus.
    match app.table() {
        TableId::SlaDeliverables => {
            let footer = Line::from(vec![
                Span::styled(format!("{BACKTEST_TITLE}: "), theme.accent()),
                Span::raw(backtest(q)),
            ]);
            render_pane_with(
                app,
                s,
                theme,
                TableId::SlaDeliverables,
                top,
                buf,
                Some(footer),
            );
        }
        TableId::UnusedDashboards if q.unused_dashboards.is_empty() => {
            Paragraph::new(Line::styled("None.", theme.dim()))
                .block(Block::bordered().title(format!(" {UNUSED_TITLE} ")))
                .render(top, buf);
        }
        TableId::UnusedDashboards => {
            render_pane(app, s, theme, TableId::UnusedDashboards, top, buf);
        }
        _ => {
            render_pane(app, s, theme, TableId::Scorecard, top, buf);
        }
    }
    let [sla, people, quality] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Fill(1),
    ])
    .areas(bottom);

    let mut lines: Vec<Line> = q
        .sla
        .cadences
        .iter()
        .map(|c| {
            Line::raw(format!(
                "{:<9} {:>6} on time ({}/{})",
                c.cadence.to_string(),
                c.tally
                    .on_time_rate
                    .map_or("no data".into(), format::percent),
                c.tally.on_time,
                c.tally.expected
            ))
        })
        .collect();
    lines.push(Line::styled(
        format!("breaches: {}", q.sla.breaches.len()),
        if q.sla.breaches.is_empty() {
            theme.dim()
        } else {
            theme.bad()
        },
    ));
    Paragraph::new(lines)
        .block(Block::bordered().title(" SLA by cadence "))
        .render(sla, buf);

    let mut lines: Vec<Line> = q
        .drifting_leaders
        .iter()
        .map(|d| {
            Line::styled(
                format!(
                    "drifting: {} (last {})",
                    d.name,
                    d.last_seen.map_or("never".into(), |w| w.to_string())
                ),
                theme.warn(),
            )
        })
        .collect();
    for d in &q.unused_dashboards {
        lines.push(Line::from(vec![
            Span::styled("retire? ", theme.dim()),
            // Short, so the box keeps every dashboard; their table has the report's words.
            Span::raw(format!("{} ({})", d.dashboard, d.last_viewed)),
        ]));
    }
    if lines.is_empty() {
        lines.push(Line::styled(
            "Every leader active; every dashboard used.",
            theme.dim(),
        ));
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(Block::bordered().title(" Adoption "))
        .render(people, buf);

    render_pane(app, s, theme, TableId::LeadQuality, quality, buf);
    todo.render(theme, end, buf);

    if app.detail
        && let Some(RowId::LeadQuality(i)) = app.focused_row()
    {
        render_quality_detail(app, s, i, theme, area, buf);
    }
    if app.detail
        && let Some(RowId::SlaDeliverable(i)) = app.focused_row()
        && let Some(d) = q.sla.deliverables_due().nth(i)
    {
        let cells = sla_row(d);
        let lines = labelled_lines(&SLA_HEADER, &cells, theme);
        render_detail(app, &d.name, lines, theme, area, buf);
    }
    if app.detail
        && let Some(RowId::UnusedDashboard(i)) = app.focused_row()
        && let Some(d) = q.unused_dashboards.get(i)
    {
        let lines = vec![Line::raw(unused_dashboard(d))];
        render_detail(app, UNUSED_TITLE, lines, theme, area, buf);
    }
    if app.detail
        && let Some(RowId::Scorecard(i)) = app.focused_row()
        && let Some(line) = q.scorecard.get(i)
    {
        let mut detail = match line.kpi.as_deref().and_then(|k| s.charter.kpi(k)) {
            Some(kpi) => kpi_lines(kpi, None, theme),
            None => vec![Line::raw(format!(
                "Share of deliveries the charter expects that arrived by due + grace; target {}.",
                or_no_data(line.target, &line.unit)
            ))],
        };
        detail.push(Line::raw(crate::present::scorecard::line_note(
            &line.detail,
        )));
        detail.push(Line::styled("Last four quarters", theme.accent()));
        for (q, v) in &line.trend {
            let cell = scorecard::purged_or(line.purged.contains(q), or_no_data(*v, &line.unit));
            detail.push(Line::raw(format!("  {q}  {cell}")));
        }
        render_detail(app, &line.name, detail, theme, area, buf);
    }
}

/// SLA by deliverable over the quarter, as the quarterly report's table has it (Enter
/// shows a row whole); the back-test's status goes under it.
pub fn sla_table(s: &Snapshot, theme: Theme) -> TableData {
    let Some(r) = &s.reviews else {
        return TableData::pending();
    };
    let sla = &r.quarterly.sla;
    TableData {
        title: "SLA by deliverable".into(),
        header: SLA_HEADER.to_vec(),
        widths: vec![
            Constraint::Fill(1),
            Constraint::Length(9),
            Constraint::Length(3),
            Constraint::Length(7),
            Constraint::Length(4),
            Constraint::Length(7),
            Constraint::Length(9),
        ],
        styles: sla
            .deliverables_due()
            .map(|d| {
                if d.tally.late + d.tally.missing > 0 {
                    theme.bad()
                } else {
                    theme.dim()
                }
            })
            .collect(),
        rows: sla
            .deliverables_due()
            .map(|d| sla_row(d).to_vec())
            .collect(),
    }
}

/// The dashboards nobody opened in 30 days, each in the report's words (cut to the
/// width; Enter shows it whole).
pub fn unused_table(s: &Snapshot, width: u16) -> TableData {
    let Some(r) = &s.reviews else {
        return TableData::pending();
    };
    // Width 0 is the filter's: it searches the whole line.
    let room = usize::from(width).saturating_sub(2);
    TableData {
        title: UNUSED_TITLE.into(),
        header: Vec::new(),
        widths: vec![Constraint::Fill(1)],
        styles: Vec::new(),
        rows: r
            .quarterly
            .unused_dashboards
            .iter()
            .map(|d| {
                let line = unused_dashboard(d);
                vec![if width == 0 {
                    line
                } else {
                    super::ellipsis(&line, room)
                }]
            })
            .collect(),
    }
}

/// Lead quality by channel: MQL→SQL this quarter and its drift since the last; wide, the
/// MQLs and last quarter's conversion too. A slipping channel stands out.
pub fn quality_table(s: &Snapshot, theme: Theme, width: u16) -> TableData {
    let Some(r) = &s.reviews else {
        return TableData::pending();
    };
    let lq = &r.quarterly.lead_quality;
    let wide = width >= 48;
    let pct = |v: Option<f64>| v.map_or("—".to_string(), format::percent);
    let (header, widths) = if wide {
        (
            vec!["channel", "MQLs", "MQL→SQL", "last qtr", "drift"],
            vec![
                Constraint::Fill(1),
                Constraint::Length(6),
                Constraint::Length(7),
                Constraint::Length(8),
                Constraint::Length(5),
            ],
        )
    } else {
        (
            Vec::new(),
            vec![
                Constraint::Length(12),
                Constraint::Length(6),
                Constraint::Length(5),
            ],
        )
    };
    TableData {
        title: if wide {
            "Lead quality by channel".into()
        } else {
            "MQL→SQL, drift vs last q".into()
        },
        header,
        widths,
        styles: lq
            .iter()
            .map(|l| if l.slipping { theme.bad() } else { theme.dim() })
            .collect(),
        rows: lq
            .iter()
            .map(|l| {
                let mut row = vec![if wide {
                    s.charter
                        .channel(&l.channel)
                        .map_or(l.channel.clone(), |c| c.name.clone())
                } else {
                    short_name(s, &l.channel)
                }];
                if wide {
                    row.push(format::thousands(l.mqls.round() as i64));
                }
                row.push(pct(l.mql_to_sql));
                if wide {
                    row.push(pct(l.previous_quarter));
                }
                row.push(format::signed_change(l.drift));
                row
            })
            .collect(),
    }
}

/// A channel's lead quality in full, and what to do when it slips.
fn render_quality_detail(
    app: &App,
    s: &Snapshot,
    i: usize,
    theme: Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let Some(r) = &s.reviews else {
        return;
    };
    let Some(l) = r.quarterly.lead_quality.get(i) else {
        return;
    };
    let pct = |v: Option<f64>| v.map_or("—".to_string(), format::percent);
    let mut lines = vec![Line::raw(format!(
        "{} MQLs this quarter; MQL→SQL {} against {} last quarter ({})",
        format::thousands(l.mqls.round() as i64),
        pct(l.mql_to_sql),
        pct(l.previous_quarter),
        format::signed_change(l.drift)
    ))];
    if l.slipping {
        lines.push(Line::styled(
            crate::present::advice::slipping(&s.charter, l),
            theme.bad(),
        ));
    }
    if let Some(kpi) = s.charter.kpi("sqls") {
        lines.push(Line::from(vec![
            Span::styled("SQL  ", theme.accent()),
            Span::styled(kpi.definition.clone(), theme.dim()),
        ]));
    }
    let name = s
        .charter
        .channel(&l.channel)
        .map_or(l.channel.as_str(), |c| c.name.as_str());
    render_detail(app, name, lines, theme, area, buf);
}
