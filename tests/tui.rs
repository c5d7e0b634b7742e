//! The cockpit on the demo workspace: every view at 80×24 and 160×48 on a TestBackend,
//! and key handling against the pure `App::on_key`.

mod common;

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;
use common::cockpit::{app, at, charter, demo, model, press, screen, snapshot_at};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rhythm::charter::Charter;
use rhythm::store::Store;
use rhythm::tui::app::{App, Request, Tab};
use rhythm::tui::snapshot::compute;

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
    assert_eq!(app.tab, Tab::Session);
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

/// A workspace of the systems' exports alone (leads, opportunities, ad spend) is not
/// empty: the cockpit shows its derived weeks, and each record kind's age as of the clock.
#[test]
fn a_workspace_of_records_alone_shows_its_weeks() {
    use rhythm::demo::generate::{DEFAULT_SEED, generate};
    use rhythm::ingest::{Kind, import_reader};
    let charter = charter();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("rhythm.db")).unwrap();
    for (file, text) in generate(DEFAULT_SEED, at()) {
        if ["leads.csv", "opportunities.csv", "spend.csv"].contains(&file) {
            let kind = Kind::parse(file.trim_end_matches(".csv")).unwrap();
            import_reader(&mut store, &charter, kind, text.as_bytes(), file).unwrap();
        }
    }
    let data = store.load_dataset(&charter).unwrap();
    let clock = |d| rhythm::rhythm::clock::Clock::end_of(&charter, d);
    let snapshot = compute(&charter, &data, &clock(at()));
    assert!(!snapshot.empty);
    let kinds: Vec<&str> = snapshot.freshness.iter().map(|f| f.kind.as_str()).collect();
    // The weekly facts derived from them are the channels' data, as old as their last week.
    assert_eq!(kinds, ["channels", "leads", "opportunities", "spend"]);
    // As of a month back, no record after it is seen, nor its day as the data's age.
    let earlier = at() - chrono::Duration::days(30);
    let then = compute(&charter, &data, &clock(earlier));
    for f in &then.freshness {
        assert!(f.data_until.is_some_and(|d| d <= earlier), "{f:?}");
    }
    let mut app = App::new("ws".into(), at());
    app.loaded(Arc::new(snapshot));
    let text = screen(&app, 120, 40);
    assert!(!text.contains("No data yet."), "{text}");
    assert!(text.contains("Paid Search"), "{text}");
    assert!(!text.contains("channels never"), "{text}");
}

#[test]
fn an_empty_workspace_says_what_to_import() {
    let charter = charter();
    let mut app = App::new("ws".into(), at());
    app.loaded(Arc::new(compute(
        &charter,
        &Default::default(),
        &rhythm::rhythm::clock::Clock::end_of(&charter, at()),
    )));
    let text = screen(&app, 80, 24);
    assert!(text.contains("No data yet."), "{text}");
    assert!(
        text.contains("rhythm --workspace ws import channels"),
        "{text}"
    );
    assert!(text.contains("import leads|opportunities|spend"), "{text}");
    // All of it at the smallest size, down to the last line.
    assert!(text.contains("rhythm demo"), "{text}");
}

#[test]
fn a_charter_error_is_shown_with_its_place() {
    let text = common::CHARTER.replacen("week_start = \"monday\"", "week_start = \"someday\"", 1);
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

#[test]
fn the_budget_panes_at_80x24_and_160x48() {
    let mut app = app();
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('b'));
    assert!(app.in_what_if());
    for (w, h) in [(80, 24), (160, 48)] {
        insta::assert_snapshot!(format!("monthly_plan_{w}x{h}"), screen(&app, w, h));
    }
    press(&mut app, KeyCode::Char('4'));
    assert!(!app.budget_shown(), "each view keeps its own pane");
    press(&mut app, KeyCode::Char('b'));
    press(&mut app, KeyCode::Char('j'));
    for (w, h) in [(80, 24), (160, 48)] {
        insta::assert_snapshot!(format!("annual_model_{w}x{h}"), screen(&app, w, h));
    }
    let text = screen(&app, 80, 24);
    let second = &model().overview.channels[1].channel;
    assert!(
        text.contains(&format!("{second}: weekly pipeline by weekly spend")),
        "the chart follows the selection: {text}"
    );
    press(&mut app, KeyCode::Char('b'));
    assert!(!app.budget_shown());
}

/// The what-if scenario's spends.
fn spends(app: &App) -> Vec<f64> {
    app.what_if.as_ref().unwrap().scenario.spend.clone()
}

#[test]
fn what_if_keys_move_a_channel_and_rebalance_or_move_the_total() {
    let mut app = app();
    let plan = model();
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('b'));
    let start = spends(&app);
    let total: f64 = start.iter().sum();
    let recommended: Vec<f64> = plan
        .recommendation
        .channels
        .iter()
        .map(|c| c.recommended_spend)
        .collect();
    assert_eq!(
        start, recommended,
        "the scenario starts at the recommendation"
    );
    press(&mut app, KeyCode::Char('j'));
    let step = rhythm::tui::budget::step(&plan, 1);
    assert!(step > 0.0);

    // Rebalance: the channel moves by one step, the total stays.
    press(&mut app, KeyCode::Char('-'));
    let moved = spends(&app);
    assert!((moved[1] - (start[1] - step)).abs() < 1e-6 * total);
    assert!((moved.iter().sum::<f64>() - total).abs() < 1e-6 * total);
    let w = app.what_if.as_ref().unwrap();
    assert_eq!(w.moves, 1);
    assert_eq!(w.scenario, plan.planner.scenario(&moved));
    let text = screen(&app, 80, 24);
    assert!(text.contains("What-if (total stays)"), "{text}");
    assert!(text.contains("vs the recommendation"), "{text}");

    // Change the total: the others stay, the total grows by the step.
    press(&mut app, KeyCode::Char('m'));
    assert!(app.status.as_deref().unwrap().contains("changes the total"));
    press(&mut app, KeyCode::Char('+'));
    let grown = spends(&app);
    assert!((grown.iter().sum::<f64>() - (total + step)).abs() < 1e-6 * total);
    for (i, (a, b)) in grown.iter().zip(&moved).enumerate() {
        if i != 1 {
            assert_eq!(a, b, "channel {i} stays");
        }
    }
    let w = app.what_if.as_ref().unwrap();
    let gap =
        rhythm::rhythm::allocation::gap_to_goal(w.scenario.expected_pipeline, plan.goal).unwrap();
    let shown = if gap < 0.0 {
        format!("{} short", rhythm::format::money(-gap))
    } else {
        format!("{} above", rhythm::format::money(gap))
    };
    let text = screen(&app, 80, 24);
    assert!(text.contains("What-if (total moves)"), "{text}");
    assert!(
        text.contains(&shown),
        "the gap to goal follows the scenario: {text}"
    );

    // 0 goes back to the recommendation; the mode stays.
    press(&mut app, KeyCode::Char('0'));
    assert_eq!(spends(&app), recommended);
    assert!(screen(&app, 80, 24).contains("Recommended"));

    // Outside the pane, + does nothing.
    press(&mut app, KeyCode::Char('b'));
    assert_eq!(press(&mut app, KeyCode::Char('+')), None);
    assert_eq!(spends(&app), recommended);
}

#[test]
fn the_model_is_shown_fitting_then_failing_with_its_reason() {
    let mut app = App::new("rhythm-demo".into(), at());
    app.loaded(snapshot_at(at()));
    let week = app.model_week().unwrap();
    press(&mut app, KeyCode::Char('2'));
    assert!(
        screen(&app, 80, 24).contains("fitting the response model… 0%"),
        "{}",
        screen(&app, 80, 24)
    );
    app.fitting(week, 0.4);
    press(&mut app, KeyCode::Char('b'));
    let text = screen(&app, 80, 24);
    assert!(text.contains("fitting the response model… 40%"), "{text}");
    assert_eq!(
        press(&mut app, KeyCode::Char('+')),
        None,
        "nothing to move yet"
    );
    // An outcome for another week is stale: dropped.
    app.model_loaded(week - chrono::Duration::days(7), Ok(model()));
    assert!(app.model.as_ref().unwrap().allocation().is_none());
    app.model_loaded(week, Err("too little data for the response model".into()));
    let text = screen(&app, 80, 24);
    assert!(text.contains("No budget model for this week."), "{text}");
    assert!(
        text.contains("too little data for the response model"),
        "{text}"
    );
    // A new week waits for its own model.
    app.loaded(snapshot_at(at() - chrono::Duration::days(7)));
    assert!(screen(&app, 80, 24).contains("fitting the response model"));
}

#[test]
fn the_loader_fits_the_model_after_the_reviews_with_progress() {
    use rhythm::tui::loader::{Loaded, spawn};
    let (dir, _) = demo();
    let store = Store::open(&dir.path().join("rhythm.db")).unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let (out, mut results) = tokio::sync::mpsc::unbounded_channel();
    let handle = spawn(store, charter(), dir.path().join("minutes"), rx, out);
    tx.send(Request::Compute(at())).unwrap();
    let mut order = Vec::new();
    let mut progress = Vec::new();
    let plan = loop {
        match results.blocking_recv().expect("the loader answers") {
            Loaded::Snapshot(s) => order.push(format!("snapshot {}", s.weekly.week)),
            Loaded::Fitting { progress: p, .. } => progress.push(p),
            Loaded::Model { week, outcome } => {
                order.push(format!("model {week}"));
                break outcome.unwrap();
            }
            other => panic!("unexpected {other:?}"),
        }
    };
    let week = snapshot_at(at()).weekly.week;
    assert_eq!(order, [format!("snapshot {week}"), format!("model {week}")]);
    assert!(progress.len() >= 2, "{progress:?}");
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
    assert_eq!(plan.recommendation, model().recommendation, "deterministic");
    // The same week again comes from the loader's cache: no refit.
    tx.send(Request::Compute(at())).unwrap();
    let mut refit = false;
    loop {
        match results.blocking_recv().unwrap() {
            Loaded::Fitting { .. } => refit = true,
            Loaded::Model { .. } => break,
            _ => {}
        }
    }
    assert!(!refit);
    drop(tx);
    handle.join().unwrap();
}

#[test]
fn a_job_for_another_week_stops_the_running_fit() {
    use rhythm::tui::fitter::{Job, spawn};
    use rhythm::tui::loader::Loaded;
    let (out, mut results) = tokio::sync::mpsc::unbounded_channel();
    let (jobs, handle) = spawn(charter(), out);
    let data = Arc::new(demo().1.clone());
    let week = snapshot_at(at()).weekly.week;
    let earlier = week - chrono::Duration::days(7);
    let job = |week| Job {
        week,
        data: Arc::clone(&data),
        generation: 1,
    };
    jobs.send(job(earlier)).unwrap();
    // Once the earlier week's fit has started, ask for another week.
    match results.blocking_recv().expect("the fitter answers") {
        Loaded::Fitting { week: w, .. } if w == earlier => {}
        other => panic!("unexpected {other:?}"),
    }
    jobs.send(job(week)).unwrap();
    let first = loop {
        match results.blocking_recv().expect("the fitter answers") {
            Loaded::Model { week, outcome } => break (week, outcome),
            Loaded::Fitting { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    };
    assert_eq!(
        first.0, week,
        "the earlier week's fit was dropped, not finished"
    );
    assert_eq!(
        first.1.unwrap().recommendation,
        model().recommendation,
        "the newest job's model"
    );
    drop(jobs);
    handle.join().unwrap();
}

#[test]
fn what_if_keys_act_on_the_row_on_screen_and_a_refit_keeps_the_scenario() {
    let mut app = app();
    let plan = model();
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('b'));
    // Filter down to one channel: + moves that one, at any width.
    let target = plan.recommendation.channels[4].channel.clone();
    press(&mut app, KeyCode::Char('/'));
    for c in target.chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.row_count(), 1);
    let before = spends(&app);
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Char('+'));
    let after = spends(&app);
    let moved: Vec<usize> = (0..before.len())
        .filter(|i| before[*i] != after[*i])
        .collect();
    assert_eq!(moved, [4], "only {target} moves");
    for (w, h) in [(80, 24), (160, 48)] {
        assert!(screen(&app, w, h).contains(&target));
    }
    // Enter opens nothing in a budget pane.
    press(&mut app, KeyCode::Enter);
    assert!(!app.detail);

    // A refit of the same week (new data) keeps the plan on screen and the scenario.
    let week = app.model_week().unwrap();
    app.fitting(week, 0.3);
    assert!(app.model.as_ref().unwrap().allocation().is_some());
    app.model_loaded(week, Ok(model()));
    assert_eq!(spends(&app), after);
    assert_eq!(app.what_if.as_ref().unwrap().moves, 1);

    // At zero, - is no move.
    press(&mut app, KeyCode::Char('0'));
    for _ in 0..40 {
        press(&mut app, KeyCode::Char('-'));
    }
    let w = app.what_if.as_ref().unwrap();
    assert_eq!(w.scenario.spend[4], 0.0);
    let moves = w.moves;
    press(&mut app, KeyCode::Char('-'));
    assert_eq!(app.what_if.as_ref().unwrap().moves, moves);
}

#[test]
fn what_if_holds_several_channels_saves_and_reopens_a_named_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let store = common::demo_store(dir.path());
    let charter = charter();
    let mut app = app();
    let plan = model();
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('b'));
    let start = spends(&app);
    let total: f64 = start.iter().sum();
    let tol = 1e-6 * total;

    // Two channels moved in turn: the second move rebalances the others but keeps the
    // first channel where it was put.
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('-'));
    let mid = spends(&app);
    let first = mid[1];
    assert!((first - (start[1] - rhythm::tui::budget::step(&plan, 1))).abs() < tol);
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('+'));
    let both = spends(&app);
    assert!(
        (both[1] - first).abs() < tol,
        "the first channel's move is kept: {} vs {first}",
        both[1]
    );
    assert!((both[2] - (mid[2] + rhythm::tui::budget::step(&plan, 2))).abs() < tol);
    assert!(
        (both.iter().sum::<f64>() - total).abs() < tol,
        "the rest rebalance"
    );
    assert_eq!(app.what_if.as_ref().unwrap().held[..3], [false, true, true]);
    let text = screen(&app, 120, 40);
    let c1 = &plan.recommendation.channels[1].channel;
    assert!(
        text.contains(&format!("* {c1}")),
        "moved channels are marked: {text}"
    );

    // s names and saves it; the loader commits it to the store.
    press(&mut app, KeyCode::Char('s'));
    assert!(screen(&app, 80, 24).contains("Save the what-if scenario"));
    press(&mut app, KeyCode::Enter);
    assert!(
        app.form
            .as_ref()
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("name the scenario"),
        "an empty name is refused"
    );
    for c in "cut <linkedin>".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let Some(Request::Write(id, write, _)) = press(&mut app, KeyCode::Enter) else {
        panic!("Enter asks for the scenario's write");
    };
    let minutes = dir.path().join("minutes");
    let now = at().and_hms_opt(10, 0, 0).unwrap();
    let said = rhythm::tui::loader::apply(&store, &charter, &minutes, &write, now).unwrap();
    app.written(id, Ok(said));
    assert!(app.form.is_none());
    assert!(
        app.status
            .as_deref()
            .unwrap()
            .contains("scenario 'cut <linkedin>' saved"),
        "{:?}",
        app.status
    );
    assert!(
        store.session_records().unwrap().sessions.is_empty(),
        "saving a scenario opens no review session"
    );

    // A restart: the scenario is in the store, and o reopens it over the recommendation.
    let reopened = Store::open(&dir.path().join("rhythm.db")).unwrap();
    let data = reopened.load_dataset(&charter).unwrap();
    assert_eq!(data.scenarios.len(), 1);
    let saved = &data.scenarios[0];
    assert_eq!(saved.name, "cut <linkedin>");
    assert_eq!(saved.week, plan.week);
    assert_eq!(saved.channels.iter().filter(|c| c.held).count(), 2);
    let mut app2 = App::new("rhythm-demo".into(), at());
    app2.loaded(Arc::new(compute(
        &charter,
        &data,
        &rhythm::rhythm::clock::Clock::end_of(&charter, at()),
    )));
    let week = app2.model_week().unwrap();
    app2.model_loaded(week, Ok(model()));
    press(&mut app2, KeyCode::Char('2'));
    press(&mut app2, KeyCode::Char('b'));
    assert_eq!(
        spends(&app2),
        start,
        "a new cockpit starts at the recommendation"
    );
    press(&mut app2, KeyCode::Char('o'));
    let back = spends(&app2);
    for (a, b) in back.iter().zip(&both) {
        assert!(
            (a - b).abs() < 1e-6,
            "reopened as saved: {back:?} vs {both:?}"
        );
    }
    let text = screen(&app2, 80, 24);
    assert!(text.contains("'cut <linkedin>' (total stays)"), "{text}");
    // Its held channels stay held: a further move keeps them.
    press(&mut app2, KeyCode::Char('j'));
    press(&mut app2, KeyCode::Char('j'));
    press(&mut app2, KeyCode::Char('j'));
    press(&mut app2, KeyCode::Char('+'));
    let more = spends(&app2);
    assert!((more[1] - both[1]).abs() < tol && (more[2] - both[2]).abs() < tol);
}

#[test]
fn the_out_of_bounds_mark_shows_on_the_selected_row() {
    let mut app = app();
    let plan = model();
    press(&mut app, KeyCode::Char('2'));
    press(&mut app, KeyCode::Char('b'));
    press(&mut app, KeyCode::Char('m'));
    press(&mut app, KeyCode::Char('j'));
    let max = plan.recommendation.channels[1].max_spend;
    for _ in 0..200 {
        if spends(&app)[1] > max * 1.01 {
            break;
        }
        press(&mut app, KeyCode::Char('+'));
    }
    assert!(spends(&app)[1] > max, "pushed past its upper bound");
    let c1 = &plan.recommendation.channels[1].channel;
    // Without colour the row says it; with colour the selected row stays yellow.
    let text = screen(&app, 80, 24);
    let row = text
        .lines()
        .find(|l| l.contains(&format!("! {c1}")))
        .unwrap_or_else(|| panic!("the row is marked: {text}"));
    assert!(row.contains('!'));
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|f| rhythm::tui::ui::render(&app, rhythm::tui::theme::Theme { color: true }, f))
        .unwrap();
    let buffer = terminal.backend().buffer().clone();
    let y = text
        .lines()
        .position(|l| l.contains(&format!("! {c1}")))
        .unwrap() as u16;
    let x = text
        .lines()
        .nth(y as usize)
        .unwrap()
        .chars()
        .position(|c| c == '!')
        .unwrap() as u16;
    let cell = &buffer[(x + 2, y)];
    assert_eq!(cell.fg, ratatui::style::Color::Yellow, "{cell:?}");
    assert_eq!(
        cell.bg,
        ratatui::style::Color::Blue,
        "it is the selected row"
    );
}

/// A session on an earlier week is held today: what it records is dated now, after that
/// week's clock, and still shows in the Review view's "Recorded in this session" pane, as
/// `rhythm review minutes` has it.
#[test]
fn a_session_on_an_earlier_week_shows_what_it_records_today() {
    use rhythm::tui::loader::{Loaded, spawn};
    let dir = tempfile::tempdir().unwrap();
    let store = common::demo_store(dir.path());
    let earlier = at() - chrono::Duration::days(14);
    let week = snapshot_at(earlier).weekly.week;
    let now = chrono::Utc::now().naive_utc();
    store
        .add_note(week, None, "Recheck the snapshot totals", now)
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let (out, mut results) = tokio::sync::mpsc::unbounded_channel();
    let handle = spawn(store, charter(), dir.path().join("minutes"), rx, out);
    tx.send(Request::Compute(earlier)).unwrap();
    let snap = loop {
        if let Loaded::Snapshot(s) = results.blocking_recv().expect("the loader answers") {
            break s;
        }
    };
    assert_eq!(snap.minutes.week, week);
    let notes: Vec<&str> = snap.minutes.notes.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(notes, ["Recheck the snapshot totals"]);
    drop(tx);
    handle.join().unwrap();
}

/// Idle, the loader computes the periods next to the one shown (a week back first), so
/// a switch to one of them is a frame: what it shows is what a computation on request
/// shows, and nothing computed before another process wrote to the store is shown after.
#[test]
fn the_loader_computes_the_next_periods_ahead_and_never_shows_them_stale() {
    use rhythm::rhythm::clock::Clock;
    use rhythm::tui::loader::{Loaded, spawn};
    use rhythm::tui::snapshot::Snapshot;
    let dir = tempfile::tempdir().unwrap();
    let store = common::demo_store(dir.path());
    let db = dir.path().join("rhythm.db");
    let charter = charter();
    let (tx, rx) = std::sync::mpsc::channel();
    let (out, mut results) = tokio::sync::mpsc::unbounded_channel();
    let handle = spawn(
        store,
        Arc::clone(&charter),
        dir.path().join("minutes"),
        rx,
        out,
    );
    // The snapshot with every view for `date` (a quick Weekly frame may come first).
    let mut shown = |date: NaiveDate| {
        tx.send(Request::Compute(date)).unwrap();
        loop {
            if let Loaded::Snapshot(s) = results.blocking_recv().expect("the loader answers")
                && s.at == date
                && s.reviews.is_some()
            {
                break s;
            }
        }
    };
    let figures = |s: &Snapshot| {
        format!(
            "{:?}",
            (
                &s.weekly,
                &s.reviews,
                &s.data_age,
                &s.weeks,
                &s.channel_weeks,
                &s.agenda
            )
        )
    };
    let computed = |date: NaiveDate| {
        let data = Store::open(&db).unwrap().load_dataset(&charter).unwrap();
        figures(&compute(&charter, &data, &Clock::end_of(&charter, date)))
    };
    let (week_back, two_back) = (
        at() - chrono::Duration::days(7),
        at() - chrono::Duration::days(14),
    );
    shown(at());
    // Meanwhile the loader computes a week back, a week on and two weeks back.
    std::thread::sleep(std::time::Duration::from_secs(2));
    assert_eq!(figures(&shown(week_back)), computed(week_back));
    // Another process delivers the flash of the week reviewed two weeks back.
    let before = computed(two_back);
    let reviewed = snapshot_at(two_back).weekly.week;
    let delivered = (reviewed + chrono::Duration::days(7))
        .and_hms_opt(8, 0, 0)
        .unwrap();
    let other = Store::open(&db).unwrap();
    other
        .record_delivery("pipeline-flash", reviewed, delivered, None, None)
        .unwrap();
    let after = computed(two_back);
    assert_ne!(before, after, "the delivery changes a figure of that week");
    assert_eq!(figures(&shown(two_back)), after);
    drop(tx);
    handle.join().unwrap();
}

/// A week's move the loader had not computed ahead (a held `[`) shows the Weekly view from
/// the records' tallies first, the same figures every view then shows; a month's move
/// does not.
#[test]
fn a_weeks_move_not_computed_ahead_shows_the_weekly_view_first_with_the_same_figures() {
    use rhythm::tui::loader::Loaded;
    let dir = tempfile::tempdir().unwrap();
    drop(common::demo_store(dir.path()));
    let db = dir.path().join("rhythm.db");
    let (tx, mut results, handle) = common::cockpit::loader_on(&db, dir.path(), at());
    // The snapshots shown for `date`, up to the one with every view.
    let mut until_whole = |date: NaiveDate| {
        let mut shown = Vec::new();
        loop {
            if let Loaded::Snapshot(s) = results.blocking_recv().expect("the loader answers")
                && s.at == date
            {
                let whole = s.reviews.is_some();
                shown.push(s);
                if whole {
                    return shown;
                }
            }
        }
    };
    until_whole(at());
    let mut quick = 0;
    // Each move is asked as soon as the last is shown, before the loader computed it.
    for week in 1..=6 {
        let date = at() - chrono::Duration::days(7 * week);
        tx.send(Request::Compute(date)).unwrap();
        let shown = until_whole(date);
        let (whole, first) = shown.split_last().unwrap();
        for s in first {
            assert!(s.reviews.is_none());
            assert_eq!(
                common::cockpit::weekly_figures(s),
                common::cockpit::weekly_figures(whole),
                "{date}"
            );
        }
        quick += first.len();
    }
    assert!(quick > 0, "some move was shown before it was computed");
    // A month's move is the Monthly view's: it waits for every view rather than show
    // that view "loading".
    let last = at() - chrono::Duration::days(42);
    for months in 1..=3 {
        let date = last
            .checked_sub_months(chrono::Months::new(months))
            .unwrap();
        tx.send(Request::Compute(date)).unwrap();
        assert_eq!(until_whole(date).len(), 1, "{date}");
    }
    drop(tx);
    handle.join().unwrap();
}

#[test]
fn the_cockpit_opens_on_the_weekly_facts_the_last_load_kept_then_every_view() {
    use rhythm::tui::loader::Loaded;
    use rhythm::tui::snapshot::Snapshot;
    let dir = tempfile::tempdir().unwrap();
    drop(common::demo_store(dir.path()));
    let db = dir.path().join("rhythm.db");
    let charter = charter();
    // Opens the cockpit on the store at `at()` until every view is computed: the
    // snapshots it showed, in order.
    let open = || {
        let (tx, mut results, handle) = common::cockpit::loader_on(&db, dir.path(), at());
        let mut shown: Vec<Arc<Snapshot>> = Vec::new();
        while shown.last().is_none_or(|s| s.reviews.is_none()) {
            if let Loaded::Snapshot(s) = results.blocking_recv().expect("the loader answers") {
                shown.push(s);
            }
        }
        drop(tx);
        handle.join().unwrap();
        shown
    };
    let weekly = common::cockpit::weekly_figures;
    // The first open has nothing kept: its first frame has every view.
    let first_open = open();
    assert_eq!(first_open.len(), 1);
    // The next opens first show the Weekly view from what that load kept, the same
    // figures, then every view.
    let second = open();
    assert_eq!(second.len(), 2, "a first frame, then every view");
    let (first, whole) = (&second[0], &second[1]);
    assert!(first.reviews.is_none());
    assert_eq!(weekly(first), weekly(whole));
    assert_eq!(weekly(whole), weekly(&first_open[0]));
    // On screen, at the smallest size: the Weekly view is all there; the views that
    // read the records say they are loading, and show no figure.
    let mut app = App::new("rhythm-demo".into(), at());
    app.loaded(Arc::clone(first));
    let week = screen(&app, 80, 24);
    assert!(week.contains("Campaign snapshot"), "{week}");
    assert!(week.contains("loading the records"), "{week}");
    for tab in ['2', '3', '4'] {
        press(&mut app, KeyCode::Char(tab));
        let view = screen(&app, 80, 24);
        assert!(view.contains("Loading the records…"), "{view}");
        assert!(!view.contains('$'), "no figure while loading: {view}");
    }
    app.loaded(Arc::clone(whole));
    let monthly = screen(&app, 80, 24);
    assert!(!monthly.contains("Loading the records"), "{monthly}");
    // Another process imports a plan: what was kept still holds, and the first frame
    // reads the new plan beside it — the figures every view then shows.
    let import = |kind, text: &str| {
        let mut store = Store::open(&db).unwrap();
        rhythm::ingest::import_reader(&mut store, &charter, kind, text.as_bytes(), "more.csv")
            .unwrap()
    };
    let plan = "month,channel,budget,pipeline_target,mql_target\n\
                2026-11-01,webinars,100000,900000,50\n";
    import(rhythm::ingest::Kind::Plan, plan);
    let after_plan = open();
    assert_eq!(after_plan.len(), 2);
    assert_eq!(weekly(&after_plan[0]), weekly(&after_plan[1]));
    assert_ne!(
        weekly(&after_plan[1]),
        weekly(whole),
        "the plan moves the flash"
    );
    // It imports leads: what was kept is old, and the next open waits for the records
    // rather than show it.
    let leads = "id,created,source,mql_at,sql_at,geo,segment\n\
                 z-1,2026-11-17T09:00:00Z,Paid Search,,,NA,SMB\n";
    import(rhythm::ingest::Kind::Leads, leads);
    let after_import = open();
    assert_eq!(after_import.len(), 1);
    assert!(after_import[0].reviews.is_some());
}

#[test]
fn two_cockpits_on_one_store_on_different_dates_keep_the_tallies_once_and_do_not_reload_each_other()
{
    use rhythm::tui::loader::Loaded;
    let dir = tempfile::tempdir().unwrap();
    drop(common::demo_store(dir.path()));
    let db = dir.path().join("rhythm.db");
    // Two cockpits on different dates: the tallies are the records', whatever the clock,
    // so the second finds kept what it would keep.
    let open = |date: NaiveDate| common::cockpit::loader_on(&db, dir.path(), date);
    type Results = tokio::sync::mpsc::UnboundedReceiver<Loaded>;
    // Waits for the next snapshot with every view.
    let whole = |results: &mut Results| loop {
        if let Loaded::Snapshot(s) = results.blocking_recv().expect("the loader answers")
            && s.reviews.is_some()
        {
            break;
        }
    };
    let shown = |results: &mut Results| {
        let mut n = 0;
        while let Ok(m) = results.try_recv() {
            n += usize::from(matches!(m, Loaded::Snapshot(_)));
        }
        n
    };
    let probe = Store::open(&db).unwrap();
    let (a_tx, mut a, a_handle) = open(at());
    whole(&mut a);
    // A keeps its facts once it has shown them; B opens after that.
    while !probe.keeps_tallies().unwrap() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let before = probe.data_version().unwrap();
    let (b_tx, mut b, b_handle) = open(at() - chrono::Duration::days(7));
    whole(&mut b);
    // B writes nothing, so A has nothing to reload; nor is anything shown again.
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(shown(&mut a) + shown(&mut b), 0, "no more reloads");
    assert_eq!(probe.data_version().unwrap(), before, "no more writes");
    drop((a_tx, b_tx));
    a_handle.join().unwrap();
    b_handle.join().unwrap();
}
