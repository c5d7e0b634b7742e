//! Annual: every KPI year over year, channel ROI (attributed next to modelled), and
//! what the charter's annual review must cover.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::{TableData, budget, kpi_lines, or_no_data, render_detail, render_table};
use crate::format;
use crate::present::scorecard::purged_or;
use crate::rhythm::annual;
use crate::tui::app::App;
use crate::tui::budget::ModelState;
use crate::tui::snapshot::Snapshot;
use crate::tui::theme::{Theme, status_mark};

pub fn table(s: &Snapshot, theme: Theme) -> TableData {
    let a = &s.annual;
    TableData {
        title: format!("Year over year — {} to {}", a.year, a.until),
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

pub fn render(app: &App, s: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    let [left, right] = if area.width >= 120 {
        Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(area)
    } else {
        let [t, b] = Layout::vertical([Constraint::Fill(1), Constraint::Length(7)]).areas(area);
        [t, b]
    };
    let selected = render_table(app, s, theme, left, buf);
    // The model's figures joined to the year's channels as the annual report joins them.
    let joined = app
        .model
        .as_ref()
        .and_then(ModelState::allocation)
        .map(|p| annual::with_model(&s.charter, s.annual.clone(), Ok(&p.overview)));
    let a = joined.as_ref().unwrap_or(&s.annual);
    let mut lines: Vec<Line> = a
        .spending_channels()
        .map(|c| {
            let modelled = c.modelled_roi.map_or("—".into(), crate::format::ratio);
            Line::raw(format!(
                "{:<12} {:>7} → {:>7} ROAS {:>5} ({:>5}) ROI {modelled:>5}",
                c.channel.chars().take(12).collect::<String>(),
                format::money(c.spend),
                format::money(c.pipeline),
                c.attributed_roas.map_or("—".into(), crate::format::ratio),
                c.attributed_roas_last_year
                    .map_or("—".into(), crate::format::ratio),
            ))
        })
        .collect();
    lines.push(Line::styled(
        budget::model_line(app).unwrap_or_else(|| {
            "ROI: modelled by the budget model · b: marginal ROI, saturation, response curves"
                .into()
        }),
        theme.dim(),
    ));
    let c = &a.charter_review;
    lines.push(Line::styled(
        format!(
            "Charter review {} {} — {} items incl. every KPI definition",
            if c.overdue { "overdue since" } else { "due" },
            c.due.map_or("—".into(), |d| d.to_string()),
            c.items.len()
        ),
        if c.overdue {
            theme.bad()
        } else {
            theme.accent()
        },
    ));
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(Block::bordered().title(" ROAS this year (last) · ROI modelled over the fit "))
        .render(right, buf);

    if app.detail
        && let Some(crate::tui::app::RowId::AnnualKpi(i)) = selected
        && let Some(line) = a.kpis.get(i)
        && let Some(kpi) = s.charter.kpi(&line.kpi)
    {
        render_detail(
            &line.name,
            kpi_lines(kpi, s.history(&kpi.id), theme),
            theme,
            area,
            buf,
        );
    }
}
