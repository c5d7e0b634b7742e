//! The weekly review session end to end: driven by keys on the pure App, its writes
//! committed through the loader's `apply` into a real store, persisted across a restart,
//! and its minutes as a golden file. Plus the CLI peers.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use common::cli::rhythm;
use common::demo_store;
use common::workspace::charter_workspace;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use rhythm::charter::Charter;
use rhythm::present::minutes;
use rhythm::rhythm::clock::Clock;
use rhythm::rhythm::minutes::minutes as session_minutes;
use rhythm::store::Store;
use rhythm::tui::app::{App, Request, Tab};
use rhythm::tui::loader::apply;
use rhythm::tui::snapshot::compute;

fn at() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn now(minute: u32) -> NaiveDateTime {
    at().and_hms_opt(9, minute, 0).unwrap()
}

fn charter() -> Arc<Charter> {
    Arc::new(common::charter())
}

/// The loader, synchronously: apply a write at a fixed time, reload, recompute.
struct Session {
    app: App,
    store: Store,
    charter: Arc<Charter>,
    minutes_dir: PathBuf,
    clock: u32,
}

impl Session {
    fn refresh(&mut self) {
        let data = self.store.load_dataset(&self.charter).unwrap();
        self.app.loaded(Arc::new(compute(
            &self.charter,
            &data,
            &Clock::end_of(&self.charter, self.app.at),
        )));
    }

    fn key(&mut self, code: KeyCode) {
        if let Some(Request::Write(id, w, _)) =
            self.app.on_key(KeyEvent::new(code, KeyModifiers::NONE))
        {
            self.clock += 1;
            let message = apply(
                &self.store,
                &self.charter,
                &self.minutes_dir,
                &w,
                now(self.clock),
            )
            .unwrap();
            self.app.written(id, Ok(message));
            self.refresh();
        }
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    fn focus(&mut self, title_contains: &str) {
        self.key(KeyCode::Char('g'));
        for _ in 0..40 {
            let s = self.app.snapshot.clone().unwrap();
            if rhythm::present::agenda::title(&s.agenda[self.app.selected()])
                .contains(title_contains)
            {
                return;
            }
            self.key(KeyCode::Char('n'));
        }
        panic!("no agenda item contains {title_contains:?}");
    }
}

#[test]
fn a_whole_session_by_keys_persists_and_writes_its_minutes() {
    let dir = tempfile::tempdir().unwrap();
    let charter = charter();
    let mut s = Session {
        app: App::new("demo".into(), at()),
        store: demo_store(dir.path()),
        charter: Arc::clone(&charter),
        minutes_dir: dir.path().join("minutes"),
        clock: 0,
    };
    s.refresh();
    s.key(KeyCode::Char('6'));
    assert_eq!(s.app.tab, Tab::Session);

    // An alert: record an action item against it, with editing on the way.
    s.focus("LinkedIn Ads cost per SQL");
    s.key(KeyCode::Char('a'));
    assert!(s.app.form.is_some());
    s.type_text("Cut Tier 3 bids by 2O%");
    s.key(KeyCode::Left);
    s.key(KeyCode::Backspace);
    s.type_text("0");
    s.key(KeyCode::Tab);
    s.type_text("nobody");
    s.key(KeyCode::Enter);
    let error = s.app.form.as_ref().unwrap().error.clone().unwrap();
    assert!(error.contains("not a stakeholder"), "{error}");
    for _ in 0..6 {
        s.key(KeyCode::Backspace);
    }
    s.type_text("jordan");
    s.key(KeyCode::Enter);
    assert!(s.app.form.is_none());
    assert!(
        s.app
            .status
            .as_deref()
            .unwrap()
            .starts_with("action #1 recorded for jordan")
    );

    // A decision; an entry cancelled with Esc writes nothing.
    s.key(KeyCode::Char('d'));
    s.type_text("Hold LinkedIn spend flat until CAC recovers");
    s.key(KeyCode::Enter);
    s.key(KeyCode::Char('w'));
    s.type_text("never mind");
    s.key(KeyCode::Esc);

    // A data dispute.
    s.key(KeyCode::Char('x'));
    s.type_text("mqls");
    s.key(KeyCode::Tab);
    s.key(KeyCode::Tab);
    s.type_text("118");
    s.key(KeyCode::Tab);
    s.type_text("HubSpot");
    s.key(KeyCode::Tab);
    s.type_text("109");
    s.key(KeyCode::Tab);
    s.type_text("Salesforce");
    s.key(KeyCode::Tab);
    s.type_text("sam");
    s.key(KeyCode::Enter);
    assert!(
        s.app
            .status
            .as_deref()
            .unwrap()
            .contains("dispute #1 opened"),
        "{:?}",
        s.app.status
    );

    // A deliverable marked delivered from the agenda.
    s.focus("Pipeline flash report — missing");
    s.key(KeyCode::Char('m'));
    // The form offers the snapshot's moment; Enter records it as typed.
    let form = s.app.form.as_ref().expect("m opens the delivery form");
    assert_eq!(form.fields[0].value, "2026-11-23 23:59");
    s.key(KeyCode::Enter);
    assert!(
        s.app
            .snapshot
            .as_ref()
            .unwrap()
            .agenda
            .iter()
            .all(|i| !rhythm::present::agenda::title(i).contains("Pipeline flash report — missing"))
    );

    s.key(KeyCode::Char('c'));
    let written = std::fs::read_to_string(dir.path().join("minutes/2026-11-16.md")).unwrap();

    // Restart: a new store connection sees everything, and the minutes match the golden.
    drop(s);
    let store = Store::open(&dir.path().join("rhythm.db")).unwrap();
    let records = store.session_records().unwrap();
    assert_eq!(records.actions.len(), 1);
    assert_eq!(records.actions[0].text, "Cut Tier 3 bids by 20%");
    assert!(
        records.actions[0].insight_id.is_some(),
        "the action closes an insight's loop"
    );
    assert_eq!(records.decisions.len(), 1);
    assert!(records.notes.is_empty(), "Esc cancelled the note");
    assert_eq!(records.disputes[0].raised_by, "sam");
    let m = session_minutes(
        &charter,
        &records,
        NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
        now(59),
    );
    let md = minutes::markdown(&charter, &m);
    assert_eq!(md, written);
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/minutes.md");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &md).unwrap();
    }
    assert_eq!(
        md,
        std::fs::read_to_string(&golden).unwrap(),
        "UPDATE_GOLDEN=1 cargo test --test review if intended"
    );

    // Next week the open action is on the record: insight-to-action feeds the check,
    // over every insight the session delivered — the ones nobody acted on keep ageing.
    let data = store.load_dataset(&charter).unwrap();
    let at = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let report = rhythm::rhythm::controls::run(&charter, &data, &Clock::end_of(&charter, at));
    let check = report
        .checks
        .iter()
        .find(|c| c.id == "insight-to-action")
        .unwrap();
    // By hand: each insight's days to its first action, or to the end of the 30th.
    let end = at.and_hms_opt(23, 59, 59).unwrap();
    let mut days: Vec<f64> = data
        .session
        .insights
        .iter()
        .map(|i| {
            let first = data
                .session
                .actions
                .iter()
                .filter(|a| a.insight_id == Some(i.id))
                .map(|a| a.created_at)
                .min();
            (first.unwrap_or(end) - i.delivered_at).num_seconds() as f64 / 86_400.0
        })
        .collect();
    days.sort_by(f64::total_cmp);
    let n = days.len();
    assert!(
        n >= 2,
        "the session delivered its alerts and the flash as insights"
    );
    let median = if n % 2 == 1 {
        days[n / 2]
    } else {
        (days[n / 2 - 1] + days[n / 2]) / 2.0
    };
    assert!(
        check.value.is_some_and(|v| (v - median).abs() < 1e-9),
        "{check:?} vs {median}"
    );
    match &check.detail {
        rhythm::rhythm::controls::Detail::InsightToAction {
            delivered,
            actioned,
            ..
        } => assert_eq!((*delivered as usize, *actioned), (n, 1)),
        other => panic!("an insight-to-action detail, not {other:?}"),
    }
}

#[test]
fn text_fields_edit_like_text_fields() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path());
    let charter = charter();
    let mut app = App::new("demo".into(), at());
    app.loaded(Arc::new(compute(
        &charter,
        &store.load_dataset(&charter).unwrap(),
        &Clock::end_of(&charter, at()),
    )));
    app.tab = Tab::Session;
    let press = |app: &mut App, code| app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
    press(&mut app, KeyCode::Char('w'));
    for c in "helo".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Home);
    press(&mut app, KeyCode::Delete);
    press(&mut app, KeyCode::Char('H'));
    press(&mut app, KeyCode::End);
    app.on_paste(" world\nsecond line");
    let field = &app.form.as_ref().unwrap().fields[0];
    assert_eq!(field.value, "Hello world second line");
    assert_eq!(field.cursor, field.value.chars().count());
}

#[test]
fn the_cli_peers_write_the_same_records() {
    let tmp = charter_workspace();
    let w = tmp.path().to_str().unwrap();
    let out = rhythm(&[
        "--workspace",
        w,
        "action",
        "add",
        "Refresh the webinar creatives",
        "--owner",
        "sam",
        "--due",
        "2026-12-04",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = rhythm(&[
        "--workspace",
        w,
        "action",
        "add",
        "x",
        "--owner",
        "mallory",
        "--due",
        "2026-12-04",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'mallory' is not a stakeholder"));
    let list: serde_json::Value =
        serde_json::from_slice(&rhythm(&["--workspace", w, "action", "list", "--json"]).stdout)
            .unwrap();
    assert_eq!(list[0]["owner"], "sam");
    assert!(
        rhythm(&["--workspace", w, "action", "done", "1"])
            .status
            .success()
    );
    assert_eq!(
        rhythm(&["--workspace", w, "action", "done", "1"])
            .status
            .code(),
        Some(2)
    );

    let out = rhythm(&[
        "--workspace",
        w,
        "dispute",
        "open",
        "--metric",
        "mqls",
        "--period",
        "2026-11-09",
        "--figure-a",
        "118",
        "--source-a",
        "HubSpot",
        "--figure-b",
        "109",
        "--source-b",
        "Salesforce",
        "--raised-by",
        "lena",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: serde_json::Value =
        serde_json::from_slice(&rhythm(&["--workspace", w, "dispute", "list", "--json"]).stdout)
            .unwrap();
    assert_eq!(list[0]["escalation"]["level"], 1);
    assert!(
        rhythm(&[
            "--workspace",
            w,
            "dispute",
            "resolve",
            "1",
            "--resolution",
            "CRM is the system of record"
        ])
        .status
        .success()
    );
    let list: serde_json::Value =
        serde_json::from_slice(&rhythm(&["--workspace", w, "dispute", "list", "--json"]).stdout)
            .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 0);
    let out = rhythm(&[
        "--workspace",
        w,
        "review",
        "minutes",
        "--week",
        "2026-11-16",
        "--format",
        "json",
    ]);
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(m["week"], "2026-11-16");
}

/// Issue 13, point 1: a note typed while another process holds the store's write lock
/// is not lost. The form stays open with its text and says "saving…" while the loader
/// retries; a refusal keeps the text for another Enter; quitting waits for the save.
#[test]
fn an_entry_typed_while_the_store_is_busy_is_kept_until_it_is_saved() {
    let dir = tempfile::tempdir().unwrap();
    let charter = charter();
    let store = demo_store(dir.path());
    let mut app = App::new("demo".into(), at());
    let data = store.load_dataset(&charter).unwrap();
    app.loaded(Arc::new(compute(
        &charter,
        &data,
        &Clock::end_of(&charter, at()),
    )));
    let press = |app: &mut App, code| app.on_key(KeyEvent::new(code, KeyModifiers::NONE));
    press(&mut app, KeyCode::Char('6'));
    press(&mut app, KeyCode::Char('w'));
    for c in "Budget call moved to Thursday".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let Some(Request::Write(id, write, _)) = press(&mut app, KeyCode::Enter) else {
        panic!("Enter asks for the write");
    };
    let form = app
        .form
        .as_ref()
        .expect("the form stays until the write is saved");
    assert_eq!(form.saving, Some(id));
    assert_eq!(form.fields[0].value, "Budget call moved to Thursday");
    // While it saves, the form takes no edits: what is saved is what is shown.
    assert!(press(&mut app, KeyCode::Char('x')).is_none());
    assert_eq!(
        app.form.as_ref().unwrap().fields[0].value,
        "Budget call moved to Thursday"
    );
    app.saving(id, "the store is busy".into());
    assert_eq!(
        app.form.as_ref().unwrap().waiting.as_deref(),
        Some("the store is busy")
    );
    // Quitting now waits for the save and says so; the save done, the cockpit quits.
    // (q would be text in a form; while saving the form ignores keys but Ctrl-C.)
    app.on_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    assert!(app.quit);
    assert!(!app.may_quit(), "an unsaved entry holds the quit");
    assert!(
        app.status
            .as_deref()
            .unwrap()
            .contains("saving 1 entry before quitting")
    );
    // Refused (not busy: some other failure), the text stays for another try.
    app.written(id, Err("disk I/O error".into()));
    let form = app.form.as_ref().expect("a refused entry keeps its form");
    assert_eq!(form.saving, None);
    assert!(form.error.as_deref().unwrap().contains("your text is kept"));
    assert_eq!(form.fields[0].value, "Budget call moved to Thursday");
    assert!(
        app.quit,
        "nothing unsaved is left with the loader: the quit goes ahead"
    );

    // The loader for real: another connection holds the write lock for two seconds.
    use rhythm::tui::loader::{Loaded, spawn};
    let db = dir.path().join("rhythm.db");
    let (tx, rx) = std::sync::mpsc::channel();
    let (out, mut results) = tokio::sync::mpsc::unbounded_channel();
    let handle = spawn(
        store,
        Arc::clone(&charter),
        dir.path().join("minutes"),
        rx,
        out,
    );
    let blocker = rusqlite::Connection::open(&db).unwrap();
    blocker.execute_batch("BEGIN IMMEDIATE").unwrap();
    let started = std::time::Instant::now();
    tx.send(Request::Write(7, write, at())).unwrap();
    let mut saving = false;
    let outcome = loop {
        match results.blocking_recv().expect("the loader answers") {
            Loaded::Saving { id, why } => {
                assert_eq!(id, 7);
                assert!(why.contains("busy"), "{why}");
                saving = true;
                if started.elapsed() < std::time::Duration::from_secs(2) {
                    std::thread::sleep(std::time::Duration::from_secs(2) - started.elapsed());
                }
                blocker.execute_batch("COMMIT").unwrap();
            }
            Loaded::Written { id, outcome } => {
                assert_eq!(id, 7);
                break outcome;
            }
            _ => {}
        }
    };
    assert!(saving, "the UI heard the write was waiting");
    assert!(outcome.is_ok(), "{outcome:?}");
    drop(tx);
    handle.join().unwrap();
    let notes = Store::open(&db).unwrap().session_records().unwrap().notes;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].text, "Budget call moved to Thursday");
}

#[test]
fn an_entry_after_closing_goes_into_the_minutes_file_marked() {
    let dir = tempfile::tempdir().unwrap();
    let charter = charter();
    let mut s = Session {
        app: App::new("demo".into(), at()),
        store: demo_store(dir.path()),
        charter: Arc::clone(&charter),
        minutes_dir: dir.path().join("minutes"),
        clock: 0,
    };
    s.refresh();
    s.key(KeyCode::Char('6'));
    s.focus("LinkedIn Ads cost per SQL");
    s.key(KeyCode::Char('d'));
    s.type_text("Hold LinkedIn spend flat");
    s.key(KeyCode::Enter);
    s.key(KeyCode::Char('c'));
    let file = dir.path().join("minutes/2026-11-16.md");
    let closed = std::fs::read_to_string(&file).unwrap();
    assert!(!closed.contains("after closing"), "{closed}");

    // A note after closing: the file is written again, with the note marked.
    s.key(KeyCode::Char('w'));
    s.type_text("Sales confirmed the Tier 3 list");
    s.key(KeyCode::Enter);
    assert!(
        s.app
            .status
            .as_deref()
            .unwrap()
            .contains("minutes rewritten"),
        "{:?}",
        s.app.status
    );
    let rewritten = std::fs::read_to_string(&file).unwrap();
    assert!(
        rewritten.contains("1 entry recorded after closing, marked below"),
        "{rewritten}"
    );
    let note = rewritten
        .lines()
        .find(|l| l.contains("Sales confirmed the Tier 3 list"))
        .unwrap_or_else(|| panic!("the late note is in the file: {rewritten}"));
    assert!(
        note.contains("_(recorded after closing, 2026-11-23 09:"),
        "{note}"
    );
    assert!(
        rewritten
            .lines()
            .any(|l| l.starts_with("- Hold LinkedIn spend flat") && !l.contains("after closing")),
        "the decision made in the session is not marked: {rewritten}"
    );
    // The file and `review minutes` say the same.
    let records = s.store.session_records().unwrap();
    let week = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let m = session_minutes(&charter, &records, week, now(59));
    assert_eq!(minutes::markdown(&charter, &m), rewritten);
}

#[test]
fn the_action_forms_due_date_is_a_week_after_the_session_is_held() {
    let dir = tempfile::tempdir().unwrap();
    let charter = charter();
    let store = demo_store(dir.path());
    // A past week reviewed today: the cockpit is on that week's date, the session today.
    let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let mut app = App::new("demo".into(), at());
    app.today = today;
    app.loaded(Arc::new(compute(
        &charter,
        &store.load_dataset(&charter).unwrap(),
        &Clock::end_of(&charter, at()),
    )));
    app.tab = Tab::Session;
    app.on_key(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE));
    let form = app.form.as_ref().expect("a opens the action form");
    assert_eq!(form.fields[2].value, "2026-12-10", "a week after today");
    assert!(NaiveDate::parse_from_str(&form.fields[2].value, "%Y-%m-%d").unwrap() > today);
}

#[test]
fn the_minutes_word_figures_and_names_not_ids_and_raw_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let charter = charter();
    let store = demo_store(dir.path());
    let week = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    store.open_session(week, now(0)).unwrap();
    let d = rhythm::store::NewDispute {
        metric: "pipeline",
        period: week,
        figure_a: 9_400_000.0,
        source_a: "HubSpot",
        figure_b: 9_100_000.5,
        source_b: "Salesforce",
        raised_by: "sam",
        week: Some(week),
    };
    store.open_dispute(&d, now(1)).unwrap();
    store
        .add_decision(
            week,
            Some("flash:2026-11-01"),
            "Keep the flash weekly",
            now(2),
        )
        .unwrap();
    store
        .add_note(
            week,
            Some("something:else:entirely"),
            "A note on an old item",
            now(3),
        )
        .unwrap();
    let records = store.session_records().unwrap();
    let md = minutes::markdown(&charter, &session_minutes(&charter, &records, week, now(9)));
    assert!(
        md.contains("HubSpot $9,400,000 vs Salesforce $9,100,000.50"),
        "{md}"
    );
    assert!(md.contains("(raised by Sam Okafor)"), "{md}");
    assert!(
        md.contains("_(on the pipeline flash for November 2026)_"),
        "{md}"
    );
    assert!(
        md.contains("A note on an old item _(on an agenda item)_"),
        "{md}"
    );
    for raw in ["9400000", "flash:", "something:else", " sam", "alert:"] {
        assert!(!md.contains(raw), "{raw:?} leaks: {md}");
    }
    // The week's deliveries, however they were recorded (here: the demo's import).
    assert!(md.contains("## Deliveries this week\n\n- "), "{md}");

    // The alert evidence the session shows is in the measure's unit.
    let snapshot = compute(
        &charter,
        &store.load_dataset(&charter).unwrap(),
        &Clock::end_of(&charter, at()),
    );
    let mut alerts = 0;
    for item in &snapshot.agenda {
        if let rhythm::rhythm::session::Subject::Alert(a) = &item.subject {
            alerts += 1;
            let line = rhythm::present::agenda::evidence(item).join(" ");
            for raw in [format!("{:.2}", a.value), format!("{:.2}", a.baseline)] {
                assert!(!line.contains(&raw), "{raw} raw in {line}");
            }
            assert!(line.contains('$') || line.contains('%'), "{line}");
        }
    }
    assert!(alerts > 0, "the demo's week has alerts");
}
