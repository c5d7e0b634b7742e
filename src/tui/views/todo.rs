//! The line every review view ends in — what to do, in the sentence its report's
//! recommendations open with (`present::advice`) — and how many rows wrapped text takes.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Padding, Paragraph, Widget, Wrap};

use super::budget;
use crate::tui::app::App;
use crate::tui::budget::ModelState;
use crate::tui::theme::Theme;

/// The line a review view ends in: what to do, in the sentence its report opens its
/// Recommendations with (`present::advice`), after the view's other recommendations.
#[derive(Debug, Clone)]
pub struct WhatToDo {
    /// Recommendations shown before the line (the month's suggestions …), one each.
    pub before: Vec<String>,
    pub line: String,
}

impl WhatToDo {
    const LABEL: &'static str = "What to do: ";

    /// The rows it takes at `width`, wrapped as `render` wraps it.
    pub fn height(&self, width: u16) -> u16 {
        let width = usize::from(width.saturating_sub(2)).max(1);
        let lines: usize = self
            .before
            .iter()
            .map(|b| wrapped_lines(&format!("• {b}"), width))
            .sum::<usize>()
            + wrapped_lines(&format!("{}{}", Self::LABEL, self.line), width);
        lines as u16
    }

    /// The same, with as many of the recommendations before the line as fit in `rows`
    /// at `width` and a count of the rest: the line itself is always kept.
    pub fn fit(mut self, width: u16, rows: u16) -> WhatToDo {
        if self.height(width) <= rows {
            return self;
        }
        let all = self.before.len();
        while !self.before.is_empty() {
            self.before.pop();
            let shown = self.before.len();
            let mut trial = self.clone();
            trial.before.push(format!(
                "… and {} more (the report lists them all)",
                all - shown
            ));
            if trial.height(width) <= rows || shown == 0 {
                return trial;
            }
        }
        self
    }

    pub fn render(&self, theme: Theme, area: Rect, buf: &mut Buffer) {
        let mut lines: Vec<Line> = self
            .before
            .iter()
            .map(|b| Line::raw(format!("• {b}")))
            .collect();
        lines.push(Line::from(vec![
            Span::styled(Self::LABEL, theme.title()),
            Span::styled(self.line.clone(), theme.accent()),
        ]));
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::new().padding(Padding::horizontal(1)))
            .render(area, buf);
    }
}

/// The budget model's plan for the reviewed week in the weekly and monthly reports'
/// sentence (`present::advice::plan`), or, until the fit is done, where it stands.
pub fn plan_line(app: &App) -> String {
    match app.model.as_ref() {
        Some(ModelState::Ready(p)) => crate::present::advice::plan(Ok(&p.recommendation)),
        Some(ModelState::Failed { reason, .. }) => crate::present::advice::plan(Err(reason)),
        _ => budget::model_line(app).unwrap_or_default(),
    }
}

/// The rows `text` takes wrapped at word boundaries into `width` columns, as a
/// `Paragraph` with `Wrap` lays it out (a word longer than the width is broken).
pub fn wrapped_lines(text: &str, width: usize) -> usize {
    let mut lines = 1;
    let mut used = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let len = word.chars().count();
        let need = if used == 0 { len } else { used + 1 + len };
        if need <= width {
            used = need;
        } else {
            // On a line of its own; a word wider than the line is broken across lines.
            lines += usize::from(used > 0) + (len - 1) / width;
            used = (len - 1) % width + 1;
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows the what-to-do line is given are the rows a wrapped paragraph takes.
    #[test]
    fn wrapped_lines_counts_the_rows_a_paragraph_takes() {
        let texts = [
            "What to do: Budget model, next 13 weeks: Invest more in abm (+$89K), paid-social (+$50K), events (+$39K), content (+$17K) and webinars (+$15K); less in linkedin (−$159K) and paid-search (−$51K). Expected pipeline +$412K (+1.2%) over the next 13 weeks.",
            "short",
            "a-word-much-longer-than-the-line-it-is-put-on-for-sure-and-then-some in a line",
            "• LinkedIn Ads spent 116.3% of its $134K budget — rebalance or approve the overrun",
        ];
        for text in texts {
            for width in [20u16, 38, 78, 118, 158] {
                let area = Rect::new(0, 0, width, 40);
                let mut buf = Buffer::empty(area);
                Paragraph::new(text)
                    .wrap(Wrap { trim: true })
                    .render(area, &mut buf);
                let used = (0..40)
                    .filter(|&y| (0..width).any(|x| buf[(x, y)].symbol() != " "))
                    .count();
                assert_eq!(
                    wrapped_lines(text, usize::from(width)),
                    used,
                    "{text:?} at {width}"
                );
            }
        }
    }
}
