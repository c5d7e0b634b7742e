//! The cockpit on the demo workspace, for the TestBackend tests: the date the views are
//! taken at, the demo's snapshot and budget model (each built once per test binary),
//! the pure `App` loaded with them, a key press, and a screen read as text.

use std::sync::{Arc, OnceLock};

use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rhythm::charter::Charter;
use rhythm::facts::Dataset;
use rhythm::rhythm::allocation::{Allocation, for_week};
use rhythm::tui::app::{App, Request};
use rhythm::tui::snapshot::{Snapshot, compute};
use rhythm::tui::theme::Theme;
use rhythm::tui::ui;

/// The Monday after the demo history ends.
pub fn at() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// The shipped charter.
pub fn charter() -> Arc<Charter> {
    Arc::new(super::charter())
}

/// The demo workspace's store (kept for the loader test) and dataset, built once.
pub fn demo() -> &'static (tempfile::TempDir, Dataset) {
    static DEMO: OnceLock<(tempfile::TempDir, Dataset)> = OnceLock::new();
    DEMO.get_or_init(|| super::demo_dataset(&charter()))
}

/// Everything the cockpit shows as of `date`.
pub fn snapshot_at(date: NaiveDate) -> Arc<Snapshot> {
    let charter = charter();
    Arc::new(compute(
        &charter,
        &demo().1,
        &rhythm::rhythm::clock::Clock::end_of(&charter, date),
    ))
}

/// The budget model for the week of `at()`, fitted once.
pub fn model() -> Arc<Allocation> {
    static MODEL: OnceLock<Arc<Allocation>> = OnceLock::new();
    Arc::clone(MODEL.get_or_init(|| {
        let week = snapshot_at(at()).weekly.week;
        Arc::new(for_week(&charter(), &demo().1, week, &mut |_| true).unwrap())
    }))
}

/// The cockpit on the demo, as of `at()`, with its budget model fitted.
pub fn app() -> App {
    let mut app = App::new("rhythm-demo".into(), at());
    app.loaded(snapshot_at(at()));
    let week = app.model_week().unwrap();
    app.model_loaded(week, Ok(model()));
    app
}

/// The screen `app` draws at `width`×`height`, as text (trailing blanks trimmed).
pub fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| ui::render(app, Theme { color: false }, frame))
        .unwrap();
    let buffer = terminal.backend().buffer().clone();
    (0..height)
        .map(|y| {
            let line: String = (0..width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect();
            line.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One key press, without modifiers.
pub fn press(app: &mut App, code: KeyCode) -> Option<Request> {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// The lines inside the detail popup on `screen`, each trimmed.
pub fn popup_lines(screen: &str) -> Vec<String> {
    let lines: Vec<Vec<char>> = screen.lines().map(|l| l.chars().collect()).collect();
    let top = lines
        .iter()
        .position(|l| l.iter().collect::<String>().contains("Enter or Esc closes"))
        .expect("a detail popup");
    // The popup's corners are the ones nearest its title (it sits over the panes).
    let title = lines[top].iter().position(|c| *c == '—').unwrap();
    let left = lines[top][..title].iter().rposition(|c| *c == '┌').unwrap();
    let right = title + lines[top][title..].iter().position(|c| *c == '┐').unwrap();
    let mut out = Vec::new();
    for line in &lines[top + 1..] {
        if line.get(left) == Some(&'└') {
            break;
        }
        let inner: String = line[left + 1..right.min(line.len())].iter().collect();
        out.push(inner.trim().to_string());
    }
    out
}

/// The text inside the detail popup on `screen`, its lines joined with spaces.
pub fn popup_text(screen: &str) -> String {
    popup_lines(screen).join(" ")
}

/// What the Weekly and Session views and the header show: everything of a snapshot but
/// the reviews that read the records (`Snapshot::reviews`), as text to compare.
pub fn weekly_figures(s: &Snapshot) -> String {
    format!(
        "{:?}",
        (
            &s.weekly,
            &s.weeks,
            &s.channel_weeks,
            &s.agenda,
            &s.minutes,
            &s.data_age,
            &s.freshness,
            s.empty,
            &s.scenarios,
        )
    )
}

/// The cockpit's loader on the store `db` (minutes into `dir/minutes`), as the cockpit
/// spawns it, asked for `date`: where to ask it, what it answers, its thread.
pub fn loader_on(
    db: &std::path::Path,
    dir: &std::path::Path,
    date: NaiveDate,
) -> (
    std::sync::mpsc::Sender<Request>,
    tokio::sync::mpsc::UnboundedReceiver<rhythm::tui::loader::Loaded>,
    std::thread::JoinHandle<()>,
) {
    let (tx, rx) = std::sync::mpsc::channel();
    let (out, results) = tokio::sync::mpsc::unbounded_channel();
    let handle = rhythm::tui::loader::spawn(
        rhythm::store::Store::open(db).unwrap(),
        charter(),
        dir.join("minutes"),
        rx,
        out,
    );
    tx.send(Request::Compute(date)).unwrap();
    (tx, results, handle)
}
