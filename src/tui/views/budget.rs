//! The budget model's panes (`b`): in Monthly the plan for the next weeks with its
//! what-if scenario, in Annual channel ROI, marginal ROI and saturation with the selected
//! channel's response curve. Drawing only: the figures come from `rhythm::allocation` and the
//! planner's scenario.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Block, Chart, Dataset as Series, Gauge, GraphType, LegendPosition, Paragraph, Widget,
    Wrap,
};

use super::{TableData, render_table};
use crate::format::money;
use crate::format::signed_money;
use crate::model::WhatIf;
use crate::rhythm::allocation::Allocation;
use crate::tui::app::App;
use crate::tui::budget::{ModelState, WhatIfState, recommended};
use crate::tui::snapshot::Snapshot;
use crate::tui::theme::Theme;

/// One line on where the model stands: None when it is ready.
pub fn model_line(app: &App) -> Option<String> {
    match app.model.as_ref() {
        None => Some("Budget model: waiting for the reviews".into()),
        Some(ModelState::Fitting { progress, .. }) => Some(format!(
            "Budget model: fitting the response model… {}",
            crate::format::whole_percent(*progress)
        )),
        Some(ModelState::Failed { reason, .. }) => Some(format!("Budget model: {reason}")),
        Some(ModelState::Ready(_)) => None,
    }
}

/// A saturation point: the spend where marginal ROI falls to the hurdle, or "none" when
/// even the first dollar returns less.
fn saturation(spend: f64) -> String {
    if spend > 0.0 {
        money(spend)
    } else {
        "none".into()
    }
}

/// The scenario shown: the user's what-if, or the recommendation itself.
fn scenario(app: &App, plan: &Allocation) -> WhatIfState {
    app.what_if
        .clone()
        .filter(|w| w.scenario.spend.len() == plan.planner.channels.len())
        .unwrap_or_else(|| recommended(plan, WhatIf::Rebalance))
}

/// The Monthly pane's table: per channel the run-rate, the scenario's spend, its marginal
/// ROI and expected pipeline over the horizon.
pub fn allocation_table(app: &App, theme: Theme, wide: bool) -> TableData {
    let mut header = vec!["channel", "current", "plan", "change", "mROI", "pipeline"];
    let mut widths = vec![
        Constraint::Length(14),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(5),
        Constraint::Length(8),
    ];
    if wide {
        header.extend(["bounds", "saturation"]);
        widths.extend([Constraint::Length(15), Constraint::Length(10)]);
    }
    let Some(plan) = app.model.as_ref().and_then(ModelState::allocation) else {
        return TableData {
            title: "Budget plan".into(),
            header,
            widths,
            rows: Vec::new(),
            styles: Vec::new(),
        };
    };
    let w = scenario(app, plan);
    let s = &w.scenario;
    let reading = plan.read(s);
    let rec = &plan.recommendation;
    let mut rows = Vec::new();
    let mut styles = Vec::new();
    for (i, c) in rec.channels.iter().enumerate() {
        let spend = s.spend[i];
        // "!" marks a spend outside the bounds without colour too; "*" a channel moved.
        let mark = if reading.outside_bounds[i] {
            "! "
        } else if w.held.get(i).copied().unwrap_or(false) {
            "* "
        } else {
            ""
        };
        let mut row = vec![
            format!("{mark}{}", c.channel),
            money(c.current_spend),
            money(spend),
            signed_money(reading.spend_vs_current[i]),
            format!("{:.1}", s.marginal_roi[i]),
            money(s.pipeline[i]),
        ];
        if wide {
            row.push(format!("{}–{}", money(c.min_spend), money(c.max_spend)));
            row.push(saturation(c.saturation_spend));
        }
        rows.push(row);
        styles.push(if reading.outside_bounds[i] {
            theme.warn()
        } else if reading.moved[i] {
            theme.accent()
        } else {
            Style::new()
        });
    }
    TableData {
        title: format!("Channels · model {}", plan.planner.model_version),
        header,
        widths,
        rows,
        styles,
    }
}

/// The Monthly pane: the recommendation in words, the scenario against it and the goal,
/// the table, and the selected channel's bounds.
pub fn render_allocation(app: &App, s: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    let Some(plan) = app.model.as_ref().and_then(ModelState::allocation) else {
        render_waiting(app, theme, area, buf);
        return;
    };
    let rec = &plan.recommendation;
    let w = scenario(app, plan);
    let sc = &w.scenario;
    let reading = plan.read(sc);
    let scenario_line = if w.moves == 0 {
        Line::from(vec![
            Span::styled("Recommended  ", theme.accent()),
            Span::raw(format!(
                "{} → {} pipeline ({} vs the current mix)",
                money(sc.total_spend),
                money(sc.expected_pipeline),
                signed_money(reading.vs_current),
            )),
        ])
    } else {
        Line::from(vec![
            Span::styled(
                match (w.mode, &w.name) {
                    (WhatIf::Rebalance, None) => "What-if (total stays)  ".to_string(),
                    (WhatIf::ChangeTotal, None) => "What-if (total moves)  ".to_string(),
                    (WhatIf::Rebalance, Some(n)) => {
                        format!("'{}' (total stays)  ", crate::text::field(n))
                    }
                    (WhatIf::ChangeTotal, Some(n)) => {
                        format!("'{}' (total moves)  ", crate::text::field(n))
                    }
                },
                theme.warn(),
            ),
            Span::raw(format!(
                "{}{} → {} pipeline, {} vs the recommendation",
                money(sc.total_spend),
                if reading.spend_moved() {
                    format!(" ({})", signed_money(reading.extra_spend))
                } else {
                    String::new()
                },
                money(sc.expected_pipeline),
                signed_money(reading.vs_recommended)
            )),
        ])
    };
    let goal_line = match reading.gap_to_goal {
        Some(gap) => Line::from(vec![
            Span::styled("Goal  ", theme.accent()),
            Span::raw(format!(
                "{} pipeline over the {} weeks: ",
                money(plan.goal.unwrap_or_default()),
                rec.horizon_weeks
            )),
            Span::styled(
                if gap < 0.0 {
                    format!("{} short", money(-gap))
                } else {
                    format!("{} above", money(gap))
                },
                if gap < 0.0 { theme.bad() } else { theme.good() },
            ),
        ]),
        None => Line::styled("Goal  no pipeline KPI in the charter", theme.dim()),
    };
    // Wide terminals name the next experiment under the goal; narrow ones beside the
    // channel it is on.
    let experiment = crate::present::recommendation::experiment_line(rec);
    let mut top_lines = vec![scenario_line, goal_line];
    let wide = area.width >= 100;
    if wide && let Some(line) = &experiment {
        top_lines.push(Line::styled(line.clone(), theme.dim()));
    }
    let [top, table, foot] = Layout::vertical([
        Constraint::Length(if wide {
            // Each line as many rows as it wraps to, and the borders.
            let inner = area.width.saturating_sub(2).max(1) as usize;
            top_lines
                .iter()
                .map(|l| l.width().div_ceil(inner).max(1) as u16)
                .sum::<u16>()
                + 2
        } else {
            5
        }),
        Constraint::Length(rec.channels.len() as u16 + 3),
        Constraint::Fill(1),
    ])
    .areas(area);
    Paragraph::new(top_lines)
        .wrap(Wrap { trim: true })
        .block(Block::bordered().title(format!(
            " Budget plan — the next {} weeks after {} ",
            rec.horizon_weeks, rec.as_of
        )))
        .render(top, buf);
    let selected = render_table(app, s, theme, table, buf);
    let Some((i, c)) = (match selected {
        Some(crate::tui::app::RowId::PlannerChannel(i)) => rec.channels.get(i).map(|c| (i, c)),
        _ => None,
    }) else {
        return;
    };
    // The next experiment first when it is on this channel and not shown above: it
    // names the same uncertainty a hold-back does, and what would settle it.
    let note = rec
        .next_experiment
        .as_ref()
        .filter(|e| e.channel == c.channel && !wide)
        .map(|e| crate::present::recommendation::experiment(e, rec.horizon_weeks))
        .or_else(|| {
            rec.held_back
                .iter()
                .find(|h| h.channel == c.channel)
                .map(|h| {
                    format!(
                        "Held back: {}.",
                        crate::present::recommendation::held_back(h)
                    )
                })
        });
    let mut text = vec![
        Line::from(vec![
            Span::styled(format!("{}  ", c.channel), theme.accent()),
            Span::raw(format!(
                "bounds {}–{} ({}); ROI {:.1}{} over the fit window, marginal ROI {:.1} now, {:.1} recommended; saturation {}",
                money(c.min_spend),
                money(c.max_spend),
                c.bounds,
                c.roi,
                if c.roi_high > c.roi_low {
                    format!(" ({:.1}–{:.1})", c.roi_low, c.roi_high)
                } else {
                    String::new()
                },
                c.marginal_roi,
                c.marginal_roi_recommended,
                money(c.saturation_spend)
            )),
        ]),
        Line::styled(
            "+/- a step · * moved, kept · ! outside bounds · m mode · 0 the recommendation",
            theme.dim(),
        ),
    ];
    let words_height = if note.is_some() { 6 } else { 4 };
    if let Some(note) = note {
        text.insert(1, Line::styled(note, theme.warn()));
    }
    // Tall terminals draw the channel's curve with the plan on it.
    let [words, chart] = if foot.height >= 16 {
        Layout::vertical([Constraint::Length(words_height), Constraint::Fill(1)]).areas(foot)
    } else {
        [foot, Rect::default()]
    };
    Paragraph::new(text)
        .wrap(Wrap { trim: true })
        .render(words, buf);
    if let Some(o) = plan
        .overview
        .channels
        .iter()
        .find(|o| o.channel == c.channel)
        && chart.height > 0
    {
        let mut m = marks(o, plan.planner.hurdle, theme);
        m.push(Mark {
            name: if w.moves == 0 {
                "recommended"
            } else {
                "what-if"
            }
            .into(),
            weekly_spend: plan.per_week(sc.spend[i]),
            style: theme.warn(),
        });
        render_curve(o, &m, theme, chart, buf);
    }
}

/// The Annual pane's table: attributed ROAS next to modelled ROI, marginal ROI at the
/// current run-rate and the saturation point, weekly.
pub fn model_table(app: &App, theme: Theme) -> TableData {
    let header = vec!["channel", "ROAS", "ROI", "mROI", "now/wk", "sat./wk"];
    let widths = vec![
        Constraint::Length(14),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Length(7),
        Constraint::Length(7),
    ];
    let Some(plan) = app.model.as_ref().and_then(ModelState::allocation) else {
        return TableData {
            title: "Channel ROI".into(),
            header,
            widths,
            rows: Vec::new(),
            styles: Vec::new(),
        };
    };
    let o = &plan.overview;
    TableData {
        title: format!("Channel ROI · fit {} to {}", o.fit_start, o.fit_end),
        header,
        widths,
        styles: o
            .channels
            .iter()
            .map(|c| {
                if c.past_saturation() {
                    theme.warn()
                } else {
                    Style::new()
                }
            })
            .collect(),
        rows: o
            .channels
            .iter()
            .map(|c| {
                vec![
                    c.channel.clone(),
                    crate::format::ratio(c.attributed_roas),
                    crate::format::ratio(c.roi),
                    format!("{:.1}", c.marginal_roi),
                    money(c.current_weekly_spend),
                    saturation(c.saturation_spend),
                ]
            })
            .collect(),
    }
}

/// The Annual pane: the table and the selected channel's response curve.
pub fn render_model(app: &App, s: &Snapshot, theme: Theme, area: Rect, buf: &mut Buffer) {
    let Some(plan) = app.model.as_ref().and_then(ModelState::allocation) else {
        render_waiting(app, theme, area, buf);
        return;
    };
    let rows = plan.overview.channels.len() as u16 + 3;
    let [table, chart] = if area.width >= 120 {
        Layout::horizontal([Constraint::Fill(1), Constraint::Fill(1)]).areas(area)
    } else {
        Layout::vertical([Constraint::Length(rows), Constraint::Fill(1)]).areas(area)
    };
    let [table, note] =
        Layout::vertical([Constraint::Length(rows), Constraint::Fill(1)]).areas(table);
    let selected = render_table(app, s, theme, table, buf);
    let o = &plan.overview;
    if note.height > 0 {
        Paragraph::new(vec![
            Line::raw(format!(
                "Model {} on {} weeks: in-sample R² {:.2}, error {}.",
                o.version,
                o.weeks,
                o.r_squared,
                o.mape.map_or("no data".into(), crate::format::percent)
            )),
            Line::styled(
                "ROAS: last-touch attributed pipeline per $ · ROI: modelled, over the fit window · mROI: the next $ at the current run-rate · sat.: the weekly spend where mROI falls to the charter's hurdle (none: below it at any spend)",
                theme.dim(),
            ),
        ])
        .wrap(Wrap { trim: true })
        .render(note, buf);
    }
    if let Some(crate::tui::app::RowId::RoiChannel(i)) = selected
        && let Some(c) = o.channels.get(i)
    {
        render_curve(c, &marks(c, plan.planner.hurdle, theme), theme, chart, buf);
    }
}

/// A point marked on a response curve: its legend, weekly spend and colour.
struct Mark {
    name: String,
    weekly_spend: f64,
    style: Style,
}

/// A channel's response curve: weekly pipeline by weekly spend once carryover has built
/// up, with marks (where it spends now, where it saturates, the plan).
fn render_curve(
    c: &crate::model::overview::ChannelOverview,
    marks: &[Mark],
    theme: Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    if c.curve.len() < 2 {
        return;
    }
    let x_max = c
        .curve
        .last()
        .map_or(1.0, |p| p.0)
        .max(marks.iter().map(|m| m.weekly_spend).fold(1.0, f64::max));
    // The curve's value at x, by interpolating its points (the chart's own scale); past
    // the last point it is flat enough to hold the last value.
    let at = |x: f64| {
        let i = c
            .curve
            .partition_point(|p| p.0 < x)
            .clamp(1, c.curve.len() - 1);
        let (a, b) = (c.curve[i - 1], c.curve[i]);
        let t = if b.0 > a.0 {
            ((x - a.0) / (b.0 - a.0)).min(1.0)
        } else {
            0.0
        };
        a.1 + t * (b.1 - a.1)
    };
    let y_max = c.curve.iter().map(|p| p.1).fold(1.0, f64::max) * 1.05;
    let points: Vec<[(f64, f64); 1]> = marks
        .iter()
        .map(|m| [(m.weekly_spend, at(m.weekly_spend))])
        .collect();
    let mut series = vec![
        Series::default()
            .name("response")
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.accent())
            .data(&c.curve),
    ];
    for (m, p) in marks.iter().zip(&points) {
        series.push(
            Series::default()
                .name(m.name.clone())
                .marker(Marker::Block)
                .graph_type(GraphType::Scatter)
                .style(m.style)
                .data(p),
        );
    }
    let labels = |max: f64| {
        vec![
            Span::raw("0"),
            Span::raw(money(max / 2.0)),
            Span::raw(money(max)),
        ]
    };
    Chart::new(series)
        .block(Block::bordered().title(format!(" {}: weekly pipeline by weekly spend ", c.channel)))
        .legend_position(Some(LegendPosition::TopLeft))
        .hidden_legend_constraints((Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)))
        .x_axis(
            Axis::default()
                .bounds([0.0, x_max])
                .labels(labels(x_max))
                .style(theme.dim()),
        )
        .y_axis(
            Axis::default()
                .bounds([0.0, y_max])
                .labels(labels(y_max))
                .style(theme.dim()),
        )
        .render(area, buf);
}

/// The marks every curve shows: the current run-rate and the saturation point.
fn marks(c: &crate::model::overview::ChannelOverview, hurdle: f64, theme: Theme) -> Vec<Mark> {
    let mut marks = vec![Mark {
        name: "now".into(),
        weekly_spend: c.current_weekly_spend,
        style: theme.good(),
    }];
    if c.saturation_spend > 0.0 {
        marks.push(Mark {
            name: format!("saturation (mROI {hurdle})"),
            weekly_spend: c.saturation_spend,
            style: theme.bad(),
        });
    }
    marks
}

/// The pane while the model fits, or why it could not.
fn render_waiting(app: &App, theme: Theme, area: Rect, buf: &mut Buffer) {
    let [_, middle, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(5),
        Constraint::Fill(1),
    ])
    .areas(area);
    match app.model.as_ref() {
        Some(ModelState::Failed { reason, .. }) => Paragraph::new(vec![
            Line::styled("No budget model for this week.", theme.title()),
            Line::raw(reason.clone()),
        ])
        .wrap(Wrap { trim: true })
        .block(Block::bordered().title(" Budget model "))
        .render(middle, buf),
        Some(ModelState::Fitting { progress, .. }) => Gauge::default()
            .block(Block::bordered().title(" Budget model "))
            .gauge_style(theme.accent())
            .ratio(progress.clamp(0.0, 1.0))
            .label(format!(
                "fitting the response model… {}",
                crate::format::whole_percent(*progress)
            ))
            .render(middle, buf),
        _ => Paragraph::new(model_line(app).unwrap_or_default())
            .block(Block::bordered().title(" Budget model "))
            .render(middle, buf),
    }
}
