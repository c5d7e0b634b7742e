//! Quarterly: the partnership scorecard, SLA by cadence, dashboards and leaders drifting
//! away, lead quality by channel.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::{TableData, kpi_lines, or_no_data, render_detail, render_table};
use crate::format;
use crate::present::scorecard;
use crate::rhythm::quarterly::LineNote;
use crate::tui::app::App;
use crate::tui::snapshot::Snapshot;
use crate::tui::theme::{Theme, status_mark};

pub fn table(s: &Snapshot, theme: Theme, wide: bool) -> TableData {
    let q = &s.quarterly;
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
    let [top, bottom] = Layout::vertical([Constraint::Fill(1), Constraint::Length(8)]).areas(area);
    let selected = render_table(app, s, theme, top, buf);
    let [sla, people, quality] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Fill(1),
    ])
    .areas(bottom);
    let q = &s.quarterly;

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

    let lines: Vec<Line> = q
        .lead_quality
        .iter()
        .map(|l| {
            let style = if l.slipping { theme.bad() } else { theme.dim() };
            Line::from(vec![
                Span::raw(format!(
                    "{:<12} {:>6} ",
                    l.channel.chars().take(12).collect::<String>(),
                    l.mql_to_sql.map_or("—".into(), format::percent)
                )),
                Span::styled(crate::format::signed_change(l.drift), style),
            ])
        })
        .collect();
    Paragraph::new(lines)
        .block(Block::bordered().title(" MQL→SQL, drift vs last quarter "))
        .render(quality, buf);

    if app.detail
        && let Some(crate::tui::app::RowId::Scorecard(i)) = selected
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
        render_detail(&line.name, detail, theme, area, buf);
    }
}
