//! The detail popup (Enter): a row in full, over the view; taller contents scroll.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Widget, Wrap};

use super::wrapped_lines;
use crate::tui::app::App;
use crate::tui::theme::Theme;

/// A popup over `area` with a title and lines (the detail pane), as tall as its lines
/// wrapped, up to the area's height. Taller contents scroll (PgUp/PgDn, `app.detail_scroll`);
/// the bottom border then says so and which rows it shows.
pub fn render_detail(
    app: &App,
    title: &str,
    lines: Vec<Line>,
    theme: Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let width = (area.width.saturating_sub(4)).min(100);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines
        .iter()
        .map(|l| {
            let text: String = l.spans.iter().map(|s| s.content.as_ref()).collect();
            wrapped_lines(&text, inner)
        })
        .sum();
    let height = (rows as u16 + 2).clamp(5, area.height.saturating_sub(2));
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    };
    let shown = height.saturating_sub(2);
    let hidden = (rows as u16).saturating_sub(shown);
    app.detail_rows.set((hidden, shown));
    let scroll = app.detail_scroll.min(hidden);
    let mut block = Block::bordered()
        .title(format!(" {title} — Enter or Esc closes "))
        .border_style(theme.accent());
    if hidden > 0 {
        block = block.title_bottom(
            Line::from(format!(
                " PgUp/PgDn scroll · {}–{} of {} ",
                scroll + 1,
                scroll + shown,
                rows
            ))
            .right_aligned(),
        );
    }
    Clear.render(popup, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .block(block)
        .render(popup, buf);
}

/// `text` cut to `width` characters, ending in "…" when cut.
pub fn ellipsis(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// A table's row in full, for its detail: each cell after its column's name.
pub fn labelled_lines(header: &[&str], cells: &[String], theme: Theme) -> Vec<Line<'static>> {
    let room = header.iter().map(|h| h.chars().count()).max().unwrap_or(0) + 2;
    header
        .iter()
        .zip(cells)
        .map(|(h, c)| {
            Line::from(vec![
                Span::styled(format!("{h:<room$}"), theme.accent()),
                Span::raw(c.clone()),
            ])
        })
        .collect()
}
