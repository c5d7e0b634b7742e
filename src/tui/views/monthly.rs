//! Monthly: the executive dashboard, channel mix vs plan, budget vs actual, 12-month
//! trends and the month's suggestions.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Widget, Wrap};

use super::{TableData, budget, kpi_lines, or_no_data, render_detail, render_table, sparkline};
use crate::format;
use crate::format::signed_change;
use crate::rhythm::{Figure, Status};
use crate::tui::app::App;
use crate::tui::budget::ModelState;
use crate::tui::snapshot::Snapshot;
use crate::tui::theme::{Theme, status_mark};

/// The executive lines: (label, figure, unit, pacing or utilisation text).
fn lines(s: &Snapshot) -> Vec<(&'static str, &Figure, &'static str, String)> {
    let e = &s.monthly.executive;
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
    let l = lines(s);
    TableData {
        title: format!("Executive summary — {}", s.monthly.month.format("%B %Y")),
        header: vec!["", "actual", "goal", "status", ""],
        widths: vec![
            Constraint::Length(11),
            Constraint::Length(6),
            Constraint::Length(6),
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
    let tall = area.height > 30;
    let bars = s
        .monthly
        .budget_vs_actual
        .len()
        .max(s.monthly.executive.channel_mix.len()) as u16
        + 2;
    let [top, middle, funnel, bottom] = Layout::vertical([
        Constraint::Length(if tall { 9 } else { 7 }),
        if tall {
            Constraint::Length(bars)
        } else {
            Constraint::Fill(1)
        },
        if tall {
            Constraint::Fill(1)
        } else {
            Constraint::Length(0)
        },
        Constraint::Length(if tall { 8 } else { 4 }),
    ])
    .areas(area);
    if tall {
        render_funnel(s, theme, funnel, buf);
    }
    let [summary, trends] =
        Layout::horizontal([Constraint::Fill(3), Constraint::Fill(2)]).areas(top);
    let selected = render_table(app, s, theme, summary, buf);
    let [pipe, cac] = Layout::vertical([Constraint::Fill(1), Constraint::Fill(1)]).areas(trends);
    let series = |id: &str| {
        s.history(id)
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
    let cac_values: Vec<Option<f64>> = s.monthly.cac_trend.iter().map(|(_, v)| *v).collect();
    sparkline(
        " Blended CAC, 12 months ".into(),
        &cac_values,
        theme.warn(),
        cac,
        buf,
    );

    let [mix, budget] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(middle);
    render_mix(s, theme, mix, buf);
    render_budget(s, theme, budget, buf);

    // The month's breaches first; the budget model's plan in the title, and in full
    // below them on tall terminals.
    let plan = app.model.as_ref().and_then(ModelState::allocation);
    let mut text: Vec<Line> = if s.monthly.suggestions.is_empty() {
        vec![Line::styled(
            "No channel breaches its CAC ceiling or budget this month.",
            theme.dim(),
        )]
    } else {
        s.monthly
            .suggestions
            .iter()
            .map(|x| Line::raw(format!("• {}", crate::present::suggestions::sentence(x))))
            .collect()
    };
    if let Some(line) = crate::present::suggestions::not_judged(&s.charter, &s.monthly) {
        text.push(Line::styled(format!("• {line}"), theme.dim()));
    }
    if tall && let Some(plan) = plan {
        text.extend(
            crate::present::recommendation::summary(&plan.recommendation)
                .into_iter()
                .take(2)
                .map(|l| Line::styled(format!("• {l}"), theme.accent())),
        );
    }
    let title = match plan {
        Some(p) => {
            let r = &p.recommendation;
            format!(
                " Suggestions · budget plan (b): {} pipeline over {} weeks ",
                crate::format::signed_money(r.gain()),
                r.horizon_weeks
            )
        }
        None => format!(
            " Suggestions · {} ",
            budget::model_line(app).unwrap_or_default()
        ),
    };
    Paragraph::new(text)
        .wrap(Wrap { trim: true })
        .block(Block::bordered().title(title))
        .render(bottom, buf);

    if app.detail
        && let Some(crate::tui::app::RowId::Executive(line)) = selected
        && let Some((name, f, _, _)) = lines(s).get(line.index())
        && let Some(kpi) = s.charter.kpi(&f.kpi)
    {
        render_detail(
            name,
            kpi_lines(kpi, s.history(&kpi.id), theme),
            theme,
            area,
            buf,
        );
    }
}

/// The funnel by channel with conversion vs the prior 3 months (tall terminals).
fn render_funnel(s: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    let f = &s.monthly.funnel;
    let pct = |v: Option<f64>| v.map_or("—".to_string(), format::percent);
    let mut lines = vec![Line::styled(
        format!(
            "{:<20} {:>7} {:>7} {:>7} {:>9} {:>9} {:>14}",
            "channel", "leads", "MQLs", "SQLs", "lead→MQL", "MQL→SQL", "prior 3 months"
        ),
        theme.title(),
    )];
    for c in &f.by_channel {
        let slipping = c.slipping;
        lines.push(Line::styled(
            format!(
                "{:<20} {:>7} {:>7} {:>7} {:>9} {:>9} {:>14}",
                short_name(s, &c.channel),
                format::thousands(c.leads.round() as i64),
                format::thousands(c.mqls.round() as i64),
                format::thousands(c.sqls.round() as i64),
                pct(c.lead_to_mql),
                pct(c.mql_to_sql),
                pct(c.mql_to_sql_prior_3_months)
            ),
            if slipping {
                theme.warn()
            } else {
                ratatui::style::Style::new()
            },
        ));
    }
    let stages: Vec<String> = f
        .stages
        .iter()
        .map(|st| {
            format!(
                "{} {}",
                st.stage,
                st.volume
                    .map_or("no data".into(), |v| format::thousands(v.round() as i64))
            )
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!("All channels: {}", stages.join(" → ")),
        theme.accent(),
    ));
    Paragraph::new(lines)
        .block(Block::bordered().title(" Funnel by channel "))
        .render(area, buf);
}

/// A bar of `fraction` of `width` cells, in eighths.
fn bar(fraction: f64, width: usize) -> String {
    const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let cells = (fraction.clamp(0.0, 1.0) * width as f64 * 8.0).round() as usize;
    format!("{}{}", "█".repeat(cells / 8), EIGHTHS[cells % 8])
}

fn short_name(s: &Snapshot, id: &str) -> String {
    s.charter
        .channel(id)
        .map_or(id, |c| c.name.as_str())
        .chars()
        .take(12)
        .collect()
}

/// Channel mix: the spend share as a bar, the plan's share after it.
fn render_mix(s: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    let room = (area.width as usize).saturating_sub(2 + 13 + 5 + 10).max(4);
    let top = s
        .monthly
        .executive
        .channel_mix
        .iter()
        .map(|m| m.actual_share.max(m.plan_share.unwrap_or(0.0)))
        .fold(0.01, f64::max);
    let lines: Vec<Line> = s
        .monthly
        .executive
        .channel_mix
        .iter()
        .map(|m| {
            let off = m.off_plan;
            Line::from(vec![
                Span::raw(format!(
                    "{:<12} {:>4} ",
                    short_name(s, &m.channel),
                    format::whole_percent(m.actual_share)
                )),
                Span::styled(
                    format!("{:<room$}", bar(m.actual_share / top, room)),
                    if off { theme.warn() } else { theme.accent() },
                ),
                Span::styled(
                    m.plan_share.map_or(" plan —".into(), |p| {
                        format!(" plan {}", format::whole_percent(p))
                    }),
                    theme.dim(),
                ),
            ])
        })
        .collect();
    Paragraph::new(lines)
        .block(Block::bordered().title(" Channel mix (spend) vs plan "))
        .render(area, buf);
}

/// Budget vs actual: utilisation as a bar against the budget (100% = full width − 1/4).
fn render_budget(s: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    let room = (area.width as usize).saturating_sub(2 + 13 + 8 + 7).max(4);
    let lines: Vec<Line> = s
        .monthly
        .budget_vs_actual
        .iter()
        .map(|b| {
            let used = b.utilisation.unwrap_or(0.0);
            let style = match b.status {
                Status::Fail => theme.bad(),
                Status::Warn => theme.warn(),
                _ => theme.accent(),
            };
            Line::from(vec![
                Span::raw(format!(
                    "{:<12} {:>7} ",
                    short_name(s, &b.channel),
                    format::money(b.actual)
                )),
                Span::styled(format!("{:<room$}", bar(used / 1.25, room)), style),
                Span::styled(
                    b.utilisation.map_or(" no plan".into(), |u| {
                        format!(" {:>6}", format::whole_percent(u))
                    }),
                    style,
                ),
            ])
        })
        .collect();
    Paragraph::new(lines)
        .block(Block::bordered().title(" Budget vs actual "))
        .render(area, buf);
}
