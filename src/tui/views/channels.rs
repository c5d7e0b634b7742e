//! Monthly's tables by channel: the channel mix vs plan, budget vs actual, and the funnel
//! — every channel the month has, each a table that scrolls and opens its detail — and
//! the funnel's all-channels line. Drawing only: the figures are `rhythm::monthly`'s.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{TableData, render_detail, render_pane_with};
use crate::format;
use crate::rhythm::Status;
use crate::rhythm::monthly::{OFF_PLAN_SHARE, Stage};
use crate::tui::app::{App, RowId, TableId};
use crate::tui::snapshot::Snapshot;
use crate::tui::theme::Theme;

/// A bar of `fraction` of `width` cells, in eighths.
fn bar(fraction: f64, width: usize) -> String {
    const EIGHTHS: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let cells = (fraction.clamp(0.0, 1.0) * width as f64 * 8.0).round() as usize;
    format!("{}{}", "█".repeat(cells / 8), EIGHTHS[cells % 8])
}

/// The charter's name for a channel, cut to 12 characters for a column.
pub fn short_name(s: &Snapshot, id: &str) -> String {
    s.charter
        .channel(id)
        .map_or(id, |c| c.name.as_str())
        .chars()
        .take(12)
        .collect()
}

fn name(s: &Snapshot, id: &str) -> String {
    s.charter
        .channel(id)
        .map_or(id.to_string(), |c| c.name.clone())
}

/// The cells a bar column has at a table `width`: what the other columns, the borders
/// and the spacing leave.
fn bar_room(width: u16, others: usize) -> usize {
    usize::from(width).saturating_sub(2 + others).max(4)
}

/// Channel mix: the spend share as a bar, the plan's share after it.
pub fn mix_table(s: &Snapshot, theme: Theme, width: u16) -> TableData {
    let Some(r) = &s.reviews else {
        return TableData::pending();
    };
    let mix = &r.monthly.executive.channel_mix;
    let room = bar_room(width, 12 + 4 + 8 + 3);
    let top = mix
        .iter()
        .map(|m| m.actual_share.max(m.plan_share.unwrap_or(0.0)))
        .fold(0.01, f64::max);
    TableData {
        title: "Channel mix (spend) vs plan".into(),
        header: Vec::new(),
        widths: vec![
            Constraint::Length(12),
            Constraint::Length(4),
            Constraint::Length(room as u16),
            Constraint::Length(8),
        ],
        styles: mix
            .iter()
            .map(|m| {
                if m.off_plan {
                    theme.warn()
                } else {
                    theme.accent()
                }
            })
            .collect(),
        rows: mix
            .iter()
            .map(|m| {
                vec![
                    short_name(s, &m.channel),
                    format!("{:>4}", format::whole_percent(m.actual_share)),
                    bar(m.actual_share / top, room),
                    m.plan_share.map_or("plan —".into(), |p| {
                        format!("plan {}", format::whole_percent(p))
                    }),
                ]
            })
            .collect(),
    }
}

/// From this width Budget vs actual shows the budget and the variance, under a header.
pub const BUDGET_WIDE: u16 = 64;

/// Budget vs actual: utilisation as a bar against the budget (100% = full width − 1/4);
/// wide, the budget and the variance too.
pub fn budget_table(s: &Snapshot, theme: Theme, width: u16) -> TableData {
    let Some(r) = &s.reviews else {
        return TableData::pending();
    };
    let lines = &r.monthly.budget_vs_actual;
    let wide = width >= BUDGET_WIDE;
    let others = 12 + 7 + 7 + 3 + if wide { 7 + 8 + 2 } else { 0 };
    let room = bar_room(width, others);
    let mut widths = vec![Constraint::Length(12)];
    if wide {
        widths.extend([Constraint::Length(7), Constraint::Length(8)]);
    }
    widths.extend([
        Constraint::Length(7),
        Constraint::Length(room as u16),
        Constraint::Length(7),
    ]);
    TableData {
        title: "Budget vs actual".into(),
        // Wide, three amounts side by side: a header says which is which.
        header: if wide {
            vec!["", " budget", "variance", " actual", "", "   used"]
        } else {
            Vec::new()
        },
        widths,
        styles: lines
            .iter()
            .map(|b| match b.status {
                Status::Fail => theme.bad(),
                Status::Warn => theme.warn(),
                _ => theme.accent(),
            })
            .collect(),
        rows: lines
            .iter()
            .map(|b| {
                let mut row = vec![short_name(s, &b.channel)];
                if wide {
                    row.push(format!("{:>7}", format::money_or_no_data(b.budget)));
                    row.push(format!("{:>8}", format::money_or_no_data(b.variance)));
                }
                row.extend([
                    format!("{:>7}", format::money_or_no_data(b.actual)),
                    bar(b.utilisation.unwrap_or(0.0) / 1.25, room),
                    b.utilisation.map_or("no plan".into(), |u| {
                        format!("{:>7}", format::whole_percent(u))
                    }),
                ]);
                row
            })
            .collect(),
    }
}

/// The funnel by channel with MQL→SQL against the prior 3 months; a slipping channel
/// stands out.
pub fn funnel_table(s: &Snapshot, theme: Theme, wide: bool) -> TableData {
    let Some(r) = &s.reviews else {
        return TableData::pending();
    };
    let f = &r.monthly.funnel;
    let pct = |v: Option<f64>| v.map_or("—".to_string(), format::percent);
    let count = |v: f64| format::thousands(v.round() as i64);
    TableData {
        title: format!("Funnel by channel — {}", r.monthly.month.format("%B %Y")),
        header: vec![
            "channel",
            "leads",
            "MQLs",
            "SQLs",
            "lead→MQL",
            "MQL→SQL",
            "prior 3 mo",
        ],
        widths: vec![
            if wide {
                Constraint::Length(24)
            } else {
                Constraint::Fill(1)
            },
            Constraint::Length(6),
            Constraint::Length(6),
            Constraint::Length(6),
            Constraint::Length(8),
            Constraint::Length(8),
            Constraint::Length(10),
        ],
        styles: f
            .by_channel
            .iter()
            .map(|c| {
                if c.slipping {
                    theme.warn()
                } else {
                    Style::new()
                }
            })
            .collect(),
        rows: f
            .by_channel
            .iter()
            .map(|c| {
                vec![
                    name(s, &c.channel),
                    count(c.leads),
                    count(c.mqls),
                    count(c.sqls),
                    pct(c.lead_to_mql),
                    pct(c.mql_to_sql),
                    pct(c.mql_to_sql_prior_3_months),
                ]
            })
            .collect(),
    }
}

/// The all-channels funnel in one line: each stage's volume, its conversion from the
/// stage before and that conversion over the prior 3 months.
fn stages_line(stages: &[Stage]) -> String {
    let stage = |st: &Stage| {
        let volume = st
            .volume
            .map_or("no data".into(), |v| format::thousands(v.round() as i64));
        match st.conversion {
            Some(c) => format!(
                "{} {volume} ({}, prior 3 mo {})",
                st.stage,
                format::percent(c),
                st.prior_3_months.map_or("—".into(), format::percent)
            ),
            None => format!("{} {volume}", st.stage),
        }
    };
    let all: Vec<String> = stages.iter().map(stage).collect();
    format!("All channels: {}", all.join(" → "))
}

/// The funnel: its table, and the all-channels line under its rows.
pub fn render_funnel(app: &App, s: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    let Some(r) = &s.reviews else {
        return;
    };
    let line = Line::styled(stages_line(&r.monthly.funnel.stages), theme.accent());
    render_pane_with(app, s, theme, TableId::Funnel, area, buf, Some(line));
}

/// The detail of a channel row of Monthly: its mix, budget and funnel lines, whichever
/// table it is selected in, and the funnel of all channels. (What an MQL and an SQL are
/// is the executive summary's detail, and the Charter's.)
pub fn render_detail_of(
    app: &App,
    s: &Snapshot,
    row: RowId,
    theme: Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let Some(r) = &s.reviews else {
        return;
    };
    let m = &r.monthly;
    let channel = match row {
        RowId::MixChannel(i) => m.executive.channel_mix.get(i).map(|x| &x.channel),
        RowId::BudgetLine(i) => m.budget_vs_actual.get(i).map(|x| &x.channel),
        RowId::FunnelChannel(i) => m.funnel.by_channel.get(i).map(|x| &x.channel),
        _ => None,
    };
    let Some(channel) = channel else {
        return;
    };
    let label = |l: &'static str| Span::styled(format!("{l:<12}"), theme.accent());
    let pct = |v: Option<f64>| v.map_or("—".to_string(), format::percent);
    let mut lines = super::funnel::cohort_lines(s, channel, theme);
    if let Some(x) = m
        .executive
        .channel_mix
        .iter()
        .find(|x| &x.channel == channel)
    {
        lines.push(Line::from(vec![
            label("Mix"),
            Span::raw(format!(
                "{} of the month's spend; the plan gives it {}{}",
                format::percent(x.actual_share),
                pct(x.plan_share),
                if x.off_plan {
                    format!(
                        " — off plan (more than {} of the spend from the plan's share)",
                        format::whole_percent(OFF_PLAN_SHARE)
                    )
                } else {
                    String::new()
                }
            )),
        ]));
    }
    if let Some(b) = m.budget_vs_actual.iter().find(|b| &b.channel == channel) {
        lines.push(Line::from(vec![
            label("Budget"),
            Span::raw(format!(
                "{} budget, {} spent, variance {}, utilisation {} — {}",
                format::money_or_no_data(b.budget),
                format::money_or_no_data(b.actual),
                format::money_or_no_data(b.variance),
                pct(b.utilisation),
                b.status
            )),
        ]));
    }
    if let Some(c) = m.funnel.by_channel.iter().find(|c| &c.channel == channel) {
        let count = |v: f64| format::thousands(v.round() as i64);
        lines.push(Line::from(vec![
            label("Funnel"),
            Span::raw(format!(
                "{} leads → {} MQLs ({}) → {} SQLs ({}); MQL→SQL over the prior 3 months {}{}",
                count(c.leads),
                count(c.mqls),
                pct(c.lead_to_mql),
                count(c.sqls),
                pct(c.mql_to_sql),
                pct(c.mql_to_sql_prior_3_months),
                if c.slipping { " — slipping" } else { "" }
            )),
        ]));
    }
    lines.push(Line::styled(stages_line(&m.funnel.stages), theme.dim()));
    render_detail(app, &name(s, channel), lines, theme, area, buf);
}
