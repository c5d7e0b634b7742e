//! The cockpit. `run` owns the terminal (restored on every exit path), the event loop
//! (tokio: input, a tick, and loader results) and nothing else: state lives in `app`,
//! drawing in `ui` and `views`, data in the `loader` thread.

pub mod app;
pub mod keys;
pub mod loader;
pub mod snapshot;
pub mod theme;
pub mod ui;
pub mod views;

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use futures::StreamExt;
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
    EventStream, KeyEventKind,
};
use ratatui::crossterm::execute;

use crate::charter::Charter;
use crate::store::Store;
use crate::workspace::Workspace;
use app::{App, Problem, Request};
use loader::Loaded;
use theme::Theme;

/// Restores the terminal when dropped: on return, on `?`, and while unwinding from a
/// panic (ratatui's own panic hook restores it too, before the message prints).
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = execute!(
            std::io::stdout(),
            DisableMouseCapture,
            DisableBracketedPaste
        );
        // While unwinding, ratatui's panic hook has already restored the terminal and
        // printed the message: leaving the alternate screen again would hide it.
        if !std::thread::panicking() {
            ratatui::restore();
        }
    }
}

/// Logs go to `data/rhythm.log` in the workspace — never to the screen.
fn init_logging(ws: &Workspace) {
    let path = ws.root.join("data/rhythm.log");
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
    {
        let _ = tracing_subscriber::fmt()
            .with_writer(std::sync::Mutex::new(file))
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .try_init();
    }
}

/// Opens the cockpit on a workspace. Refuses when stdout is not a terminal.
pub fn run(ws: &Workspace) -> anyhow::Result<()> {
    open(ws, None)
}

/// Opens the cockpit on the Review view for the week starting `week`.
pub fn run_review(ws: &Workspace, week: chrono::NaiveDate) -> anyhow::Result<()> {
    open(ws, Some(week))
}

fn open(ws: &Workspace, review_week: Option<chrono::NaiveDate>) -> anyhow::Result<()> {
    if !std::io::stdout().is_terminal() {
        bail!(
            "the cockpit needs a terminal, and stdout is not one; for scripts and cron use `rhythm check` or `rhythm report`"
        );
    }
    if !ws.charter.exists() {
        bail!(
            "{}: no charter here. Run rhythm inside a workspace (or pass --workspace DIR); `rhythm demo` builds one to start from",
            ws.charter.display()
        );
    }
    init_logging(ws);
    let today = chrono::Utc::now().date_naive();
    let charter = Charter::load(&ws.charter);
    let store = Store::open(&ws.db);
    let workspace = ws.root.display().to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the event loop")?;
    let _guard = TerminalGuard;
    let mut terminal = ratatui::init();
    // ratatui's hook restores the terminal on a panic; only the UI thread's panic ends
    // the cockpit. A background thread's panic is logged and reported on screen (the
    // fitter turns it into the week's model failure; a dead loader is a store problem).
    let restore = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() == Some("main") {
            restore(info);
        } else {
            tracing::error!("a background thread panicked: {info}");
        }
    }));
    let _ = execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste);
    runtime.block_on(async move {
        let (mut app, loader) = match (charter, store) {
            (Err(e), _) => {
                let mut app = App::new(workspace, today);
                app.problem = Some(Problem::Charter(e.to_string()));
                (app, None)
            }
            (_, Err(e)) => {
                let mut app = App::new(workspace, today);
                app.problem = Some(Problem::Store(e.to_string()));
                (app, None)
            }
            (Ok(charter), Ok(store)) => {
                // Without it the cockpit opens on today: a store problem shows once loaded.
                let last_week = store.last_channel_week().ok().flatten();
                let home = match review_week {
                    // The weekly review covers the last complete week before its date.
                    Some(week) => week + chrono::Duration::days(7),
                    None => app::home_date(today, last_week, charter.partnership.week_start),
                };
                let (req_tx, req_rx) = std::sync::mpsc::channel();
                let (out_tx, out_rx) = tokio::sync::mpsc::unbounded_channel();
                let handle = loader::spawn(store, Arc::new(charter), ws.root.join("minutes"), req_rx, out_tx);
                let _ = req_tx.send(Request::Compute(home));
                let mut app = App::new(workspace, home);
                if review_week.is_some() {
                    app.tab = app::Tab::Review;
                }
                (app, Some((req_tx, out_rx, handle)))
            }
        };
        let theme = Theme::from_env();
        let mut events = EventStream::new();
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        let (requests, mut results) = match loader {
            Some((tx, rx, _handle)) => (Some(tx), Some(rx)),
            None => (None, None),
        };
        let mut dirty = true;
        loop {
            if dirty {
                terminal.draw(|frame| ui::render(&app, theme, frame))?;
                dirty = false;
            }
            tokio::select! {
                event = events.next() => match event {
                    Some(Ok(Event::Key(key))) if key.kind == KeyEventKind::Press => {
                        if let Some(request) = app.on_key(key)
                            && let Some(tx) = &requests
                        {
                            let _ = tx.send(request);
                        }
                        dirty = true;
                    }
                    Some(Ok(Event::Paste(text))) => {
                        app.on_paste(&text);
                        dirty = true;
                    }
                    Some(Ok(Event::Mouse(mouse))) => {
                        app.on_mouse(mouse);
                        dirty = true;
                    }
                    Some(Ok(Event::Resize(..))) => dirty = true,
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(anyhow::Error::from(e).context("reading the terminal")),
                    None => break,
                },
                loaded = async { match results.as_mut() { Some(rx) => rx.recv().await, None => std::future::pending().await } } => {
                    let Some(loaded) = loaded else {
                        // The loader is gone (it panicked): say so, and stop listening.
                        app.problem = Some(Problem::Store(
                            "the background loader stopped unexpectedly (see data/rhythm.log); restart rhythm".into(),
                        ));
                        results = None;
                        dirty = true;
                        continue;
                    };
                    match loaded {
                        Loaded::Snapshot(s) => app.loaded(s),
                        Loaded::Failed(e) => app.problem = Some(Problem::Store(e)),
                        Loaded::Notice(m) => app.status = Some(m),
                        Loaded::Fitting { week, progress } => app.fitting(week, progress),
                        Loaded::Model { week, outcome } => app.model_loaded(week, outcome),
                    }
                    dirty = true;
                }
                _ = tick.tick() => {}
            }
            if app.quit {
                break;
            }
        }
        Ok(())
    })
}
pub mod budget;
pub mod fitter;
pub mod review;
