//! The cockpit on the demo workspace: every view at 80×24 and 160×48 on a TestBackend,
//! and key handling against the pure `App::on_key`.

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rhythm::charter::Charter;
use rhythm::demo::generate::{DEFAULT_SEED, generate};
use rhythm::ingest::{Kind, import_reader};
use rhythm::store::Store;
use rhythm::tui::app::{App, Request, Tab};
use rhythm::tui::snapshot::{Snapshot, compute};
use rhythm::tui::theme::Theme;
use rhythm::tui::ui;

fn at() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn snapshot_at(date: NaiveDate) -> Arc<Snapshot> {
    let charter = Arc::new(
        Charter::parse(
            include_str!("../charter/partnership.toml"),
            Path::new("charter/partnership.toml"),
        )
        .unwrap(),
    );
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("rhythm.db")).unwrap();
    for (file, text) in generate(DEFAULT_SEED) {
        let kind = Kind::parse(file.trim_end_matches(".csv")).unwrap();
        import_reader(&mut store, &charter, kind, text.as_bytes(), file).unwrap();
    }
    let data = store.load_dataset(&charter).unwrap();
    Arc::new(compute(&charter, &data, date))
}

fn app() -> App {
    let mut app = App::new("rhythm-demo".into(), at());
    app.loaded(snapshot_at(at()));
    app
}

fn screen(app: &App, width: u16, height: u16) -> String {
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

fn press(app: &mut App, code: KeyCode) -> Option<Request> {
    app.on_key(KeyEvent::new(code, KeyModifiers::NONE))
}

#[test]
fn every_view_at_80x24_and_160x48() {
    let mut app = app();
    for tab in Tab::ALL {
        app.tab = tab;
        for (w, h) in [(80, 24), (160, 48)] {
            let text = screen(&app, w, h);
            insta::assert_snapshot!(format!("{}_{w}x{h}", tab.title().to_lowercase()), text);
        }
    }
}

#[test]
fn help_detail_and_too_small_screens() {
    let mut app = app();
    press(&mut app, KeyCode::Char('?'));
    insta::assert_snapshot!("help_80x24", screen(&app, 80, 24));
    press(&mut app, KeyCode::Char('x'));
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("annual_detail_80x24", screen(&app, 80, 24));
    let small = screen(&app, 60, 15);
    assert!(small.contains("rhythm needs at least 80×24"), "{small}");
}

#[test]
fn tabs_switch_with_digits_tab_and_shift_tab() {
    let mut app = app();
    assert_eq!(app.tab, Tab::Weekly);
    press(&mut app, KeyCode::Char('3'));
    assert_eq!(app.tab, Tab::Quarterly);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.tab, Tab::Annual);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.tab, Tab::Weekly, "Tab wraps around");
    press(&mut app, KeyCode::BackTab);
    assert_eq!(app.tab, Tab::Review);
    press(&mut app, KeyCode::Char('5'));
    assert_eq!(app.tab, Tab::Charter);
}

#[test]
fn brackets_move_by_the_views_period_and_t_returns() {
    let mut app = app();
    assert_eq!(
        press(&mut app, KeyCode::Char('[')),
        Some(Request::Compute(
            NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
        ))
    );
    press(&mut app, KeyCode::Char('2'));
    assert_eq!(
        press(&mut app, KeyCode::Char('[')),
        Some(Request::Compute(
            NaiveDate::from_ymd_opt(2026, 10, 16).unwrap()
        ))
    );
    press(&mut app, KeyCode::Char('3'));
    assert_eq!(
        press(&mut app, KeyCode::Char(']')),
        Some(Request::Compute(
            NaiveDate::from_ymd_opt(2027, 1, 16).unwrap()
        ))
    );
    assert!(app.loading);
    assert_eq!(
        press(&mut app, KeyCode::Char('t')),
        Some(Request::Compute(at()))
    );
    // The loader's answer for an older date does not clear the loading state.
    app.loaded(snapshot_at(NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()));
    assert!(app.loading);
    app.loaded(snapshot_at(at()));
    assert!(!app.loading);
}

#[test]
fn selection_moves_and_stays_in_the_table() {
    let mut app = app();
    let rows = app.row_count();
    assert!(rows > 5);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Down);
    assert_eq!(app.selected(), 2);
    press(&mut app, KeyCode::Char('G'));
    assert_eq!(app.selected(), rows - 1);
    press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.selected(), rows - 1, "never past the last row");
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(app.selected(), 0);
    press(&mut app, KeyCode::PageDown);
    assert_eq!(app.selected(), 10.min(rows - 1));
}

#[test]
fn help_opens_with_question_mark_and_any_key_closes_it() {
    let mut app = app();
    press(&mut app, KeyCode::Char('?'));
    assert!(app.help);
    press(&mut app, KeyCode::Char('2'));
    assert!(!app.help);
    assert_eq!(app.tab, Tab::Weekly, "the closing key does nothing else");
    press(&mut app, KeyCode::Char('?'));
    press(&mut app, KeyCode::Esc);
    assert!(!app.help && !app.quit, "Esc closes help without quitting");
}

#[test]
fn slash_filters_the_focused_table() {
    let mut app = app();
    let all = app.row_count();
    press(&mut app, KeyCode::Char('/'));
    assert!(app.editing_filter);
    for c in "linked".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    assert!(!app.editing_filter);
    assert_eq!(app.filter(), "linked");
    assert_eq!(app.row_count(), 1);
    assert!(screen(&app, 80, 24).contains("filter \"linked\": 1 of"));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.row_count(), all, "Esc clears the filter first");
    assert!(!app.quit);
}

#[test]
fn q_esc_and_ctrl_c_quit() {
    for key in [
        KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE),
        KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
        KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL),
    ] {
        let mut app = app();
        app.on_key(key);
        assert!(app.quit, "{key:?}");
    }
}

#[test]
fn an_empty_workspace_says_what_to_import() {
    let charter = Arc::new(
        Charter::parse(
            include_str!("../charter/partnership.toml"),
            Path::new("p.toml"),
        )
        .unwrap(),
    );
    let mut app = App::new("ws".into(), at());
    app.loaded(Arc::new(compute(&charter, &Default::default(), at())));
    let text = screen(&app, 80, 24);
    assert!(text.contains("No data yet."), "{text}");
    assert!(
        text.contains("rhythm --workspace ws import channels"),
        "{text}"
    );
}

#[test]
fn a_charter_error_is_shown_with_its_place() {
    let text = include_str!("../charter/partnership.toml").replacen(
        "week_start = \"monday\"",
        "week_start = \"someday\"",
        1,
    );
    let err = Charter::parse(&text, Path::new("charter/partnership.toml")).unwrap_err();
    let mut app = App::new("ws".into(), at());
    app.problem = Some(rhythm::tui::app::Problem::Charter(err.to_string()));
    let screen = screen(&app, 80, 24);
    assert!(screen.contains("The charter has errors"), "{screen}");
    assert!(screen.contains("charter/partnership.toml:"), "{screen}");
    assert!(
        screen.contains("week_start 'someday' is not a weekday"),
        "{screen}"
    );
}
