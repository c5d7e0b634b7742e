//! The frame: header with data freshness, view tabs, the view, the hint bar, and the
//! help overlay. Renders state; computes nothing.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph, Tabs, Widget, Wrap};

use super::app::{App, Problem, Tab};
use super::keys;
use super::snapshot::Snapshot;
use super::theme::Theme;
use super::views;
use crate::rhythm::Status;

/// The smallest terminal the cockpit lays out in.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// What the frame's body shows.
enum Body<'a> {
    Problem(&'a Problem),
    /// The first snapshot is being computed.
    Loading,
    /// No data imported yet (every view but the Charter).
    Empty,
    /// A first frame from the kept weekly facts, on a view that reads the records.
    Records,
    View(&'a Snapshot),
}

fn body(app: &App) -> Body<'_> {
    if let Some(problem) = &app.problem {
        return Body::Problem(problem);
    }
    match app.snapshot.as_deref() {
        None => Body::Loading,
        Some(snap) if snap.empty && app.tab != Tab::Charter => Body::Empty,
        Some(snap)
            if snap.reviews.is_none()
                && matches!(app.tab, Tab::Monthly | Tab::Quarterly | Tab::Annual) =>
        {
            Body::Records
        }
        Some(snap) => Body::View(snap),
    }
}

fn fits(area: Rect) -> bool {
    area.width >= MIN_WIDTH && area.height >= MIN_HEIGHT
}

/// A frame of `area` draws the view of the current tab (not a problem, the loading
/// gauge, the empty workspace or the too-small message).
pub fn shows_view(app: &App, area: Rect) -> bool {
    fits(area) && matches!(body(app), Body::View(_))
}

pub fn render(app: &App, theme: Theme, frame: &mut Frame) {
    let area = frame.area();
    draw(app, theme, area, frame.buffer_mut());
}

/// Draws the whole cockpit into `buf` (used by tests with a TestBackend too).
pub fn draw(app: &App, theme: Theme, area: Rect, buf: &mut Buffer) {
    if !fits(area) {
        too_small(area, buf);
        return;
    }
    let [header, tabs, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(app, theme, header, buf);
    render_tabs(app, theme, tabs, buf);
    render_body(app, theme, body, buf);
    render_footer(app, theme, footer, buf);
    if app.help {
        render_help(app, theme, area, buf);
    }
    strip_hidden(buf);
}

/// Drops what `text::is_hidden` names from every cell drawn: ratatui already drops C0
/// and C1 controls, but bidi overrides, zero-width spaces and tags from a CSV or the
/// charter would reach the terminal and reorder or hide what the cockpit shows.
fn strip_hidden(buf: &mut Buffer) {
    for cell in &mut buf.content {
        if let std::borrow::Cow::Owned(clean) = crate::text::strip_hidden(cell.symbol()) {
            cell.set_symbol(if clean.is_empty() { " " } else { &clean });
        }
    }
}

fn too_small(area: Rect, buf: &mut Buffer) {
    let text = format!(
        "The terminal is {}×{}; rhythm needs at least {MIN_WIDTH}×{MIN_HEIGHT}.\nEnlarge the window, or press q to quit.",
        area.width, area.height
    );
    Paragraph::new(text)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

fn period_label(app: &App, s: Option<&Snapshot>) -> String {
    let Some(s) = s else {
        return format!("as of {}", app.at);
    };
    let to_date = if s.to_date { " to date" } else { "" };
    let r = s.reviews.as_ref();
    match (app.tab, r) {
        (Tab::Weekly, _) => format!("week of {}", s.weekly.week),
        (Tab::Monthly, Some(r)) => format!("{}{to_date}", r.monthly.month.format("%B %Y")),
        (Tab::Quarterly, Some(r)) => format!("quarter from {}{to_date}", r.quarterly.quarter),
        (Tab::Annual, Some(r)) => format!("year from {}{to_date}", r.annual.year),
        (Tab::Monthly | Tab::Quarterly | Tab::Annual, None) => format!("as of {}", s.at),
        (Tab::Charter, _) => "the agreement".into(),
        (Tab::Session, _) => format!("review of the week of {}", s.weekly.week),
    }
}

fn render_header(app: &App, theme: Theme, area: Rect, buf: &mut Buffer) {
    let snap = app.snapshot.as_deref();
    let name = snap.map_or("rhythm".to_string(), |s| s.charter.partnership.name.clone());
    let [top, bottom] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    let mut spans = vec![
        Span::styled(" rhythm ", theme.title()),
        Span::styled(period_label(app, snap), theme.accent()),
    ];
    if app.loading {
        spans.push(Span::styled(" · loading…", theme.dim()));
    } else if snap.is_some_and(|s| s.reviews.is_none()) {
        spans.push(Span::styled(" · loading the records…", theme.dim()));
    }
    spans.push(Span::raw(format!(" · {name} · {}", app.workspace)));
    Line::from(spans).render(top, buf);

    let mut fresh = vec![Span::styled(" data age ", theme.dim())];
    match snap {
        None => fresh.push(Span::styled("…", theme.dim())),
        Some(s) => {
            for (kind, c) in s.data_age.freshness() {
                let short = match kind {
                    "channels" => "channels",
                    "deliveries" => "deliv",
                    "reconciliation" => "recon",
                    other => other,
                };
                let age = c
                    .value
                    .map_or("never".to_string(), crate::format::days_short);
                let style = match c.status {
                    Status::Fail => theme.bad(),
                    Status::NoData => theme.dim(),
                    _ => theme.good(),
                };
                fresh.push(Span::styled(format!("{short} {age}"), style));
                fresh.push(Span::raw(" "));
            }
        }
    }
    Line::from(fresh).render(bottom, buf);
}

fn render_tabs(app: &App, theme: Theme, area: Rect, buf: &mut Buffer) {
    let titles: Vec<Line> = Tab::ALL
        .iter()
        .enumerate()
        .map(|(i, t)| Line::from(format!("{} {}", i + 1, t.title())))
        .collect();
    Tabs::new(titles)
        .select(app.tab.index())
        .highlight_style(theme.selected())
        .divider("│")
        .render(area, buf);
}

fn render_body(app: &App, theme: Theme, area: Rect, buf: &mut Buffer) {
    match body(app) {
        Body::Problem(problem) => render_problem(problem, theme, area, buf),
        Body::Loading => render_loading(theme, area, buf),
        Body::Empty => render_empty(app, theme, area, buf),
        Body::Records => render_records_loading(theme, area, buf),
        Body::View(snap) => views::render(app, snap, theme, area, buf),
    }
}

fn render_problem(problem: &Problem, theme: Theme, area: Rect, buf: &mut Buffer) {
    let (title, text) = match problem {
        Problem::Charter(e) => (
            "The charter has errors",
            format!("{e}\n\nFix the charter, then run `rhythm charter check` and reopen."),
        ),
        Problem::Store(e) => ("The store cannot be read", e.clone()),
    };
    Paragraph::new(text)
        .wrap(Wrap { trim: false })
        .block(Block::bordered().title(title).border_style(theme.bad()))
        .render(area, buf);
}

fn render_loading(theme: Theme, area: Rect, buf: &mut Buffer) {
    let [_, gauge, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(3),
        Constraint::Fill(1),
    ])
    .areas(area);
    Gauge::default()
        .block(Block::bordered().title("Loading the store"))
        .gauge_style(theme.accent())
        .ratio(0.5)
        .label("computing the reviews…")
        .render(gauge, buf);
}

fn render_records_loading(theme: Theme, area: Rect, buf: &mut Buffer) {
    let lines = vec![
        Line::styled("Loading the records…", theme.title()),
        Line::raw(""),
        Line::raw(
            "This view reads the leads, opportunities and spend themselves; it appears once they are read for this date, in a moment.",
        ),
        Line::raw(
            "The Weekly, Charter and Review views are up already, from the records' weekly tallies.",
        ),
    ];
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(Block::bordered().title("Records"))
        .render(area, buf);
}

fn render_empty(app: &App, theme: Theme, area: Rect, buf: &mut Buffer) {
    let ws = &app.workspace;
    let lines = vec![
        Line::styled("No data yet.", theme.title()),
        Line::raw(""),
        Line::raw(
            "Import what analytics already has — one CSV per kind (see the README for the columns):",
        ),
        Line::raw(""),
        Line::styled(
            format!("  rhythm --workspace {ws} import channels data/channels.csv"),
            theme.accent(),
        ),
        Line::styled(
            format!("  rhythm --workspace {ws} import plan data/plan.csv"),
            theme.accent(),
        ),
        Line::styled(
            format!("  rhythm --workspace {ws} import deliveries data/deliveries.csv"),
            theme.accent(),
        ),
        Line::styled(
            format!("  rhythm --workspace {ws} import usage data/usage.csv"),
            theme.accent(),
        ),
        Line::styled(
            format!("  rhythm --workspace {ws} import nps data/nps.csv"),
            theme.accent(),
        ),
        Line::styled(
            format!("  rhythm --workspace {ws} import kpis data/kpis.csv"),
            theme.accent(),
        ),
        Line::styled(
            format!("  rhythm --workspace {ws} import reconciliation data/reconciliation.csv"),
            theme.accent(),
        ),
        Line::raw(
            "or the CRM's, MAP's and ad platforms' own exports (the weeks derive from them):",
        ),
        Line::styled(
            format!("  rhythm --workspace {ws} import leads|opportunities|spend FILE"),
            theme.accent(),
        ),
        Line::raw(""),
        Line::raw(
            "The cockpit refreshes by itself when an import commits. To explore first: rhythm demo",
        ),
    ];
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(Block::bordered().title("Empty workspace"))
        .render(area, buf);
}

fn render_footer(app: &App, theme: Theme, area: Rect, buf: &mut Buffer) {
    if app.editing_filter {
        Line::from(vec![
            Span::styled(" filter: ", theme.accent()),
            Span::raw(app.filter().to_string()),
            Span::styled("▏ Enter keep · Esc clear", theme.dim()),
        ])
        .render(area, buf);
        return;
    }
    if let Some(status) = &app.status {
        Line::styled(format!(" {status}"), theme.accent()).render(area, buf);
        return;
    }
    // Help and quit are always shown; the other hints come first while they fit.
    let (pinned, rest): (Vec<_>, Vec<_>) = keys::hints(app.context())
        .into_iter()
        .partition(|(_, what)| matches!(*what, "help" | "quit"));
    let width = |hints: &[(&str, &str)]| -> usize {
        hints
            .iter()
            .map(|(k, w)| k.chars().count() + w.chars().count() + 3)
            .sum()
    };
    let mut room = (area.width as usize).saturating_sub(width(&pinned));
    let mut shown = Vec::new();
    for hint in rest {
        let w = width(&[hint]);
        if w > room {
            break;
        }
        room -= w;
        shown.push(hint);
    }
    let mut spans = Vec::new();
    for (key, what) in shown.iter().chain(&pinned) {
        spans.push(Span::styled(format!(" {key}"), theme.accent()));
        spans.push(Span::styled(format!(" {what} "), theme.dim()));
    }
    Line::from(spans).render(area, buf);
}

fn render_help(app: &App, theme: Theme, area: Rect, buf: &mut Buffer) {
    let lines: Vec<Line> = keys::help_lines(app.context())
        .into_iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(format!("{k:>12}  "), theme.accent()),
                Span::raw(what),
            ])
        })
        .collect();
    let height = (lines.len() as u16 + 2).min(area.height);
    let width = 76.min(area.width);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .title(" Keys — any key closes ")
                .border_style(theme.accent()),
        )
        .render(popup, buf);
}
