//! Colours, honouring NO_COLOR (https://no-color.org): with it set, every style is plain
//! and emphasis comes from bold and reverse video only.

use ratatui::style::{Color, Modifier, Style};

use crate::rhythm::Status;
use crate::rhythm::alerts::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless the NO_COLOR environment variable is set (to anything non-empty).
    pub fn from_env() -> Theme {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn dim(&self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    pub fn selected(&self) -> Style {
        if self.color {
            Style::new()
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn good(&self) -> Style {
        self.fg(Color::Green)
    }

    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow)
    }

    pub fn bad(&self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn status(&self, s: Status) -> Style {
        match s {
            Status::Pass => self.good(),
            Status::Warn => self.warn(),
            Status::Fail => self.bad(),
            Status::NoData => self.dim(),
        }
    }

    pub fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::Critical => self.bad(),
            Severity::Warning => self.warn(),
            Severity::Opportunity => self.good(),
        }
    }

    pub fn accent(&self) -> Style {
        self.fg(Color::Cyan)
    }
}

/// A status as a short mark that reads without colour.
pub fn status_mark(s: Status) -> &'static str {
    match s {
        Status::Pass => "✓ pass",
        Status::Warn => "! warn",
        Status::Fail => "✗ fail",
        Status::NoData => "no data",
    }
}
