//! The run loop: refuse without a terminal or a charter, open the charter and the store,
//! take the terminal over, start the loader (which starts the fitter), then turn input
//! and the loader's messages into state changes — redrawing only when something changed.

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::Duration;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use futures::StreamExt;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{Event, EventStream, KeyEventKind};
use tokio::sync::mpsc::UnboundedReceiver;

use super::app::{App, Problem, Request, Tab};
use super::loader::{self, Loaded};
use super::terminal;
use super::theme::Theme;
use super::ui;
use crate::charter::{Charter, CharterError};
use crate::store::{Store, StoreError};
use crate::workspace::Workspace;

/// Opens the cockpit on `ws`; on the Review view of the week starting `session_week`
/// when there is one.
pub fn open(ws: &Workspace, session_week: Option<NaiveDate>) -> anyhow::Result<()> {
    refuse_without_terminal_or_charter(ws)?;
    init_logging(ws);
    let charter = Charter::load(&ws.charter);
    // Today in the charter's zone (UTC when the charter does not load).
    let today = match &charter {
        Ok(c) => crate::rhythm::clock::Clock::at_instant(c, chrono::Utc::now()).today,
        Err(_) => chrono::Utc::now().date_naive(),
    };
    let store = Store::open(&ws.db);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the event loop")?;
    let (_guard, terminal) = terminal::enter();
    let (app, link) = start(ws, today, session_week, charter, store);
    runtime.block_on(event_loop(terminal, app, link, Painter::from_env()))
}

fn refuse_without_terminal_or_charter(ws: &Workspace) -> anyhow::Result<()> {
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
    Ok(())
}

/// Logs go to `data/rhythm.log` in the workspace — never to the screen. The log and a
/// `data/` folder it creates are its owner's only, whatever the umask.
fn init_logging(ws: &Workspace) {
    if let Ok(file) = open_log(&ws.root.join("data/rhythm.log")) {
        let _ = tracing_subscriber::fmt()
            .with_writer(std::sync::Mutex::new(file))
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .try_init();
    }
}

/// Opens the log for appending, creating it (and its folder) owner-only; a log already
/// there is rhythm's, so it is made owner-only too.
fn open_log(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    if let Some(dir) = path.parent() {
        crate::store::create_private_dir_all(dir)?;
    }
    match crate::store::create_private_file(path) {
        Ok(file) => Ok(file),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let file = std::fs::OpenOptions::new().append(true).open(path)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
            }
            Ok(file)
        }
        Err(e) => Err(e),
    }
}

/// The run loop's ends of the loader: requests out, results in.
struct Link {
    requests: Sender<Request>,
    results: UnboundedReceiver<Loaded>,
}

/// The first state, and the loader computing its first snapshot — or, when the charter
/// or the store did not open, the state that says why (and no loader).
fn start(
    ws: &Workspace,
    today: NaiveDate,
    session_week: Option<NaiveDate>,
    charter: Result<Charter, CharterError>,
    store: Result<Store, StoreError>,
) -> (App, Option<Link>) {
    let workspace = ws.root.display().to_string();
    let (charter, store) = match (charter, store) {
        (Err(e), _) => {
            return (
                failed(workspace, today, Problem::Charter(e.to_string())),
                None,
            );
        }
        (_, Err(e)) => {
            return (
                failed(workspace, today, Problem::Store(e.to_string())),
                None,
            );
        }
        (Ok(charter), Ok(store)) => (charter, store),
    };
    // The cockpit opens on today, on the same clock as `rhythm report`; a review session
    // of last week is held now, on today's clock too, so what it records counts at once;
    // one of an earlier week opens on the day that week was the last complete one.
    let last_week = crate::rhythm::clock::Review::Weekly
        .period(
            &charter,
            &crate::rhythm::clock::Clock::end_of(&charter, today),
        )
        .start;
    let home = match session_week {
        Some(week) if week != last_week => week + chrono::Duration::days(7),
        _ => today,
    };
    let (req_tx, req_rx) = std::sync::mpsc::channel();
    let (out_tx, out_rx) = tokio::sync::mpsc::unbounded_channel();
    // The loader (and its fitter) end when `requests` is dropped; nobody joins them.
    let _loader = loader::spawn(
        store,
        Arc::new(charter),
        ws.root.join("minutes"),
        req_rx,
        out_tx,
    );
    let _ = req_tx.send(Request::Compute(home));
    let mut app = App::new(workspace, home);
    app.today = today;
    if session_week.is_some() {
        app.tab = Tab::Session;
    }
    let link = Link {
        requests: req_tx,
        results: out_rx,
    };
    (app, Some(link))
}

fn failed(workspace: String, today: NaiveDate, problem: Problem) -> App {
    let mut app = App::new(workspace, today);
    app.problem = Some(problem);
    app
}

/// Input, the loader's messages and a tick, until the user quits or the terminal closes.
async fn event_loop(
    mut terminal: DefaultTerminal,
    mut app: App,
    link: Option<Link>,
    painter: Painter,
) -> anyhow::Result<()> {
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let (requests, mut results) = match link {
        Some(l) => (Some(l.requests), Some(l.results)),
        None => (None, None),
    };
    let mut dirty = true;
    loop {
        if dirty {
            painter.draw(&mut terminal, &app)?;
            dirty = false;
        }
        tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => dirty |= on_event(&mut app, event, requests.as_ref()),
                Some(Err(e)) => return Err(anyhow::Error::from(e).context("reading the terminal")),
                None => break,
            },
            loaded = next_result(&mut results) => {
                if !on_loaded(&mut app, loaded) {
                    results = None;
                }
                dirty = true;
            }
            _ = tick.tick() => {}
        }
        if app.quit && app.may_quit() {
            break;
        }
    }
    Ok(())
}

/// One terminal event into the state; true when the screen must be redrawn.
fn on_event(app: &mut App, event: Event, requests: Option<&Sender<Request>>) -> bool {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => {
            if let Some(request) = app.on_key(key)
                && let Some(tx) = requests
            {
                let _ = tx.send(request);
            }
            true
        }
        Event::Paste(text) => {
            app.on_paste(&text);
            true
        }
        Event::Mouse(mouse) => {
            app.on_mouse(mouse);
            true
        }
        Event::Resize(..) => true,
        _ => false,
    }
}

/// The loader's next message; never, once it is gone.
async fn next_result(results: &mut Option<UnboundedReceiver<Loaded>>) -> Option<Loaded> {
    match results.as_mut() {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

/// One message of the loader (or of the fitter through it) into the state; false when
/// the loader is gone.
fn on_loaded(app: &mut App, loaded: Option<Loaded>) -> bool {
    let Some(loaded) = loaded else {
        // The loader panicked: say so, and stop listening.
        app.problem = Some(Problem::Store(
            "the background loader stopped unexpectedly (see data/rhythm.log); restart rhythm"
                .into(),
        ));
        return false;
    };
    match loaded {
        Loaded::Snapshot(s) => app.loaded(s),
        Loaded::Failed(e) => app.problem = Some(Problem::Store(e)),
        Loaded::Written { id, outcome } => app.written(id, outcome),
        Loaded::Saving { id, why } => app.saving(id, why),
        Loaded::Fitting { week, progress } => app.fitting(week, progress),
        Loaded::Model { week, outcome } => app.model_loaded(week, outcome),
    }
    true
}

/// Set, a frame that would show a view panics instead: the fault `tests/terminal_panic.rs`
/// injects to prove that a panic while drawing leaves the terminal usable. It lives
/// here, around the drawing, so that the views only draw.
const TEST_PANIC: &str = "RHYTHM_TEST_PANIC";

/// Draws frames with the theme the environment asks for.
struct Painter {
    theme: Theme,
    panic_in_view: bool,
}

impl Painter {
    fn from_env() -> Painter {
        Painter {
            theme: Theme::from_env(),
            panic_in_view: std::env::var_os(TEST_PANIC).is_some(),
        }
    }

    fn draw(&self, terminal: &mut DefaultTerminal, app: &App) -> anyhow::Result<()> {
        terminal.draw(|frame| {
            if self.panic_in_view && ui::shows_view(app, frame.area()) {
                panic!("{TEST_PANIC} is set: a view panics on purpose");
            }
            ui::render(app, self.theme, frame);
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[cfg(unix)]
    #[test]
    fn the_log_and_its_folder_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        let log = dir.path().join("data/rhythm.log");
        super::open_log(&log).unwrap();
        assert_eq!(mode(&dir.path().join("data")), 0o700);
        assert_eq!(mode(&log), 0o600);
        // A log an older rhythm left world-readable is rhythm's: made owner-only.
        std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o666)).unwrap();
        use std::io::Write;
        writeln!(super::open_log(&log).unwrap(), "appended").unwrap();
        assert_eq!(mode(&log), 0o600);
        assert_eq!(std::fs::read_to_string(&log).unwrap(), "appended\n");
    }
}
