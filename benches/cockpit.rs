//! The cockpit's speed bars on a store of 5 years × 30 channels and 1M usage events:
//! the first frame with data (open the store, load, compute every review, draw) within
//! 100 ms, and a view or period switch within one frame (16 ms).
//!
//! Then the budget model: fitting it for the reviewed week (in the loader, while the
//! reviews are already on screen), and a what-if key press with its redraw (one frame).
//!
//! `RHYTHM_BENCH_USAGE` overrides the usage events (default 1,000,000).

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rhythm::charter::Charter;
use rhythm::demo::scale::{Scale, fill};
use rhythm::rhythm::allocation::for_week;
use rhythm::rhythm::clock::Clock;
use rhythm::store::Store;
use rhythm::tui::app::{App, Tab};
use rhythm::tui::snapshot::compute;
use rhythm::tui::theme::Theme;
use rhythm::tui::ui;

fn at() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn draw(app: &App) {
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
    terminal
        .draw(|f| ui::render(app, Theme { color: true }, f))
        .unwrap();
    black_box(terminal.backend().buffer().area);
}

fn bench(c: &mut Criterion) {
    let usage: u64 = std::env::var("RHYTHM_BENCH_USAGE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rhythm.db");
    let charter = Arc::new(
        // The scale store's 30 channels (`channel-00` …) are not the charter's ten: the
        // charter takes them as its own, as `accept_new_channels` lets it.
        Charter::parse(
            &include_str!("../charter/partnership.toml").replacen(
                "accept_new_channels = false",
                "accept_new_channels = true",
                1,
            ),
            Path::new("partnership.toml"),
        )
        .unwrap(),
    );
    {
        let mut store = Store::open(&db).unwrap();
        let started = Instant::now();
        let users: Vec<String> = charter
            .stakeholders
            .iter()
            .flat_map(|s| s.bi_users.clone())
            .collect();
        fill(&mut store, Scale::five_years(usage), 7, &users).unwrap();
        eprintln!(
            "built the scale store (260 weeks × 30 channels, {usage} usage events) in {:.1?}",
            started.elapsed()
        );
    }

    {
        let t = Instant::now();
        let store = Store::open(&db).unwrap();
        let t_open = t.elapsed();
        let data = store.load_dataset(&charter).unwrap();
        let t_load = t.elapsed();
        let snap = compute(&charter, &data, &Clock::end_of(&charter, at()));
        let t_compute = t.elapsed();
        eprintln!(
            "phases: open {t_open:.1?}, load {:.1?}, compute {:.1?} ({} usage-week rows)",
            t_load - t_open,
            t_compute - t_load,
            data.usage_weeks.len()
        );
        black_box(snap);
    }
    let first_frame = || {
        let store = Store::open(&db).unwrap();
        let data = store.load_dataset(&charter).unwrap();
        let mut app = App::new("bench".into(), at());
        app.loaded(Arc::new(compute(
            &charter,
            &data,
            &Clock::end_of(&charter, at()),
        )));
        draw(&app);
    };
    let store = Store::open(&db).unwrap();
    let data = store.load_dataset(&charter).unwrap();
    let mut app = App::new("bench".into(), at());
    app.loaded(Arc::new(compute(
        &charter,
        &data,
        &Clock::end_of(&charter, at()),
    )));

    let mut group = c.benchmark_group("cockpit_5y_30ch");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("first_frame_with_data", |b| b.iter(first_frame));
    group.bench_function("view_switch", |b| {
        b.iter(|| {
            app.tab = Tab::ALL[(app.tab.index() + 1) % 5];
            draw(&app);
        })
    });
    let mut week = 0i64;
    group.bench_function("period_switch", |b| {
        b.iter(|| {
            week = (week + 1) % 52;
            let date = at() - chrono::Duration::days(7 * week);
            app.loaded(Arc::new(compute(
                &charter,
                &data,
                &Clock::end_of(&charter, date),
            )));
            draw(&app);
        })
    });
    group.finish();

    // One plain line per bar, medians of a few runs, for the README.
    let median = |f: &mut dyn FnMut()| {
        let mut times: Vec<Duration> = (0..7)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect();
        times.sort();
        times[3]
    };
    let first = median(&mut || first_frame());
    let view = median(&mut || {
        app.tab = Tab::ALL[(app.tab.index() + 1) % 5];
        draw(&app);
    });
    let period = median(&mut || {
        week = (week + 1) % 52;
        let date = at() - chrono::Duration::days(7 * week);
        app.loaded(Arc::new(compute(
            &charter,
            &data,
            &Clock::end_of(&charter, date),
        )));
        draw(&app);
    });
    eprintln!(
        "cockpit on 5y x 30 channels, {usage} usage events: first frame with data {:.1} ms (bar 100), view switch {:.2} ms (bar 16), period switch {:.1} ms (bar 16)",
        first.as_secs_f64() * 1e3,
        view.as_secs_f64() * 1e3,
        period.as_secs_f64() * 1e3
    );

    // The budget model for the reviewed week, then what-if presses in Monthly's plan.
    app.loaded(Arc::new(compute(
        &charter,
        &data,
        &Clock::end_of(&charter, at()),
    )));
    let week = app.model_week().unwrap();
    let fit = || for_week(&charter, &data, week, &mut |_| true).unwrap();
    let t = Instant::now();
    let plan = Arc::new(fit());
    let fitted = t.elapsed();
    app.model_loaded(week, Ok(plan));
    app.tab = Tab::Monthly;
    let press = |app: &mut App, c: char| {
        app.on_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    };
    press(&mut app, 'b');
    let mut up = true;
    let mut what_if = || {
        // Alternate + and - on the selected channel, so the scenario stays in range.
        press(&mut app, if up { '+' } else { '-' });
        up = !up;
        draw(&app);
    };
    let mut group = c.benchmark_group("cockpit_budget");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("what_if_key_and_redraw", |b| b.iter(&mut what_if));
    group.finish();
    let key = median(&mut what_if);
    eprintln!(
        "budget model on 5y x 30 channels: fit + plan for the reviewed week {:.0} ms (in the background), what-if key + redraw {:.2} ms (bar 16)",
        fitted.as_secs_f64() * 1e3,
        key.as_secs_f64() * 1e3
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
