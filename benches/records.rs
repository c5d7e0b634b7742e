//! The funnel's records at scale: 1M leads and 200k opportunities (native columns)
//! imported through `rhythm::ingest::import_file` into a fresh store, then loaded and the
//! weekly channel facts derived as of the day after the last record (`as_of`), side by
//! side with the sqlite3 CLI's own `.import` of the same two files into tables keyed by
//! id. Goal (issue 16): rhythm no worse than 1.5× sqlite3.
//!
//! Both sides are timed whole on a fresh database file, interleaved (rhythm, sqlite3,
//! rhythm, …) so the ratio holds on a noisy machine; the medians and the ratio are what
//! to record. The peak RSS of this process (rhythm's side: sqlite3 runs as a child) is
//! printed at the end.
//!
//! Then the cockpit on the last round's store (issue 16: its bars hold on a store of
//! row-level records): opened through its loader as the cockpit opens, the first frame
//! with data (bar 100 ms: the Weekly view from the records' tallies the previous open
//! kept, `rhythm::kept`) and the frame with every view (the records loaded), the first
//! frame on other dates (a week on, forty weeks back: the tallies hold at any clock), and
//! the first open after an import, which has nothing kept; every view computed at once (open the store,
//! load, compute every review, draw 160×48; printed with its parts: the load, the cut to
//! the clock with the derivation, the reviews) and a period switch (compute for another
//! week, draw; bar 16 ms), medians of 5.
//!
//! Environment: `RHYTHM_BENCH_LEADS` (default 1,000,000; opportunities are a fifth of
//! it), `RHYTHM_BENCH_ROUNDS` (default 3). Under `cargo test --benches`: 10,000 leads,
//! one round, no comparison.
//!
//! Run: `cargo bench --bench records`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Duration as Days, NaiveDate};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rhythm::charter::Charter;
use rhythm::ingest::{Kind, import_file};
use rhythm::rhythm::as_of::as_of;
use rhythm::rhythm::clock::Clock;
use rhythm::rhythm::kept::tallied;
use rhythm::store::Store;
use rhythm::tui::app::{App, Request};
use rhythm::tui::loader::{Loaded, spawn};
use rhythm::tui::snapshot::{compute, compute_cut};
use rhythm::tui::theme::Theme;
use rhythm::tui::ui;

#[allow(dead_code)] // the usage benches use the rest
mod common;
use common::{Lcg, sqlite3_available, sqlite3_run};

const SOURCES: [&str; 8] = [
    "Paid Search",
    "LinkedIn",
    "Paid Social",
    "Webinar",
    "Content Syndication",
    "Organic Search",
    "Referrals",
    "Direct Traffic",
];
const GEOS: [&str; 4] = ["NA", "EMEA", "APAC", "LATAM"];
const FIRST_DAY: NaiveDate = NaiveDate::from_ymd_opt(2024, 12, 2).unwrap();
/// Two years of records.
const DAYS: u64 = 728;

fn write_files(dir: &Path, leads: u64) -> std::io::Result<()> {
    let mut rng = Lcg(0x5EED_0016);
    let stamp = |day: u64, second: u64| {
        let t = (FIRST_DAY + Days::days(day as i64))
            .and_hms_opt(0, 0, 0)
            .unwrap()
            + Days::seconds(second as i64);
        t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    };
    let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join("leads.csv"))?);
    writeln!(out, "id,created,source,mql_at,sql_at,geo,segment")?;
    for i in 0..leads {
        let day = i * DAYS / leads;
        let second = rng.below(86_400);
        let source = SOURCES[rng.below(8) as usize];
        let geo = GEOS[rng.below(4) as usize];
        let mql = rng.below(100) < 40;
        let sql = mql && rng.below(100) < 30;
        let later = |rng: &mut Lcg, after: u64| {
            stamp(
                (day + after + rng.below(10)).min(DAYS - 1),
                rng.below(86_400),
            )
        };
        let mql_at = if mql {
            later(&mut rng, 0)
        } else {
            String::new()
        };
        let sql_at = if sql {
            later(&mut rng, 10)
        } else {
            String::new()
        };
        writeln!(
            out,
            "L{i},{},{source},{mql_at},{sql_at},{geo},SMB",
            stamp(day, second)
        )?;
    }
    out.flush()?;
    let mut out = BufWriter::with_capacity(1 << 20, File::create(dir.join("opportunities.csv"))?);
    writeln!(
        out,
        "id,created,amount,source,stage,close_date,won,type,geo"
    )?;
    let opps = leads / 5;
    for i in 0..opps {
        let day = i * DAYS / opps;
        let source = SOURCES[rng.below(8) as usize];
        let amount = 5_000 + rng.below(95_000);
        let (stage, close, won) = match rng.below(3) {
            0 => ("Closed Won", (day + 30).min(DAYS - 1), "true"),
            1 => ("Closed Lost", (day + 45).min(DAYS - 1), "false"),
            _ => ("Proposal", DAYS, ""),
        };
        let close = if close < DAYS {
            (FIRST_DAY + Days::days(close as i64)).to_string()
        } else {
            String::new()
        };
        let ty = ["New Business", "Renewal", "Expansion", "New Business"][rng.below(4) as usize];
        writeln!(
            out,
            "O{i},{},{amount}.00,{source},{stage},{close},{won},{ty},{}",
            stamp(day, rng.below(86_400)),
            GEOS[rng.below(4) as usize]
        )?;
    }
    out.flush()
}

/// Open a fresh store, import both files, load and derive: (time, derived channel weeks,
/// the folder holding the store).
fn rhythm_once(charter: &Charter, dir: &Path) -> (Duration, usize, tempfile::TempDir) {
    let db = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    let mut store = Store::open(&db.path().join("rhythm.db")).expect("open store");
    let mut lap = Instant::now();
    let mut laps = Vec::new();
    let mut split = |name: &str| {
        laps.push(format!("{name} {:.2?}", lap.elapsed()));
        lap = Instant::now();
    };
    for (kind, file) in [
        (Kind::Leads, "leads.csv"),
        (Kind::Opportunities, "opportunities.csv"),
    ] {
        import_file(&mut store, charter, kind, &dir.join(file)).expect("import");
        split(file);
    }
    let data = store.load_dataset(charter).expect("load");
    split("load");
    let clock = Clock::end_of(charter, FIRST_DAY + Days::days(DAYS as i64));
    let weeks = as_of(charter, &data, &clock).channel_weeks.len();
    split("as_of + derive");
    eprintln!("rhythm: {}", laps.join(", "));
    (started.elapsed(), weeks, db)
}

fn draw(app: &App) {
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("test terminal");
    terminal
        .draw(|f| ui::render(app, Theme { color: true }, f))
        .expect("draw");
    std::hint::black_box(terminal.backend().buffer().area);
}

fn median_of(n: usize, f: &mut dyn FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[n / 2]
}

/// The cockpit's first frame with data and a period switch on the store in `db`:
/// (first frame, period switch), and where the first frame's time goes: (loading the
/// store and tallying its records, cutting the data to the clock with the derivation, computing every review).
fn cockpit(charter: &Arc<Charter>, db: &Path) -> ((Duration, Duration), [Duration; 3]) {
    let at = FIRST_DAY + Days::days(DAYS as i64);
    let mut parts: Vec<[Duration; 3]> = Vec::new();
    let mut firsts: Vec<Duration> = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let store = Store::open(db).expect("open store");
        // As the loader loads: the records' tallies with them, for every clock.
        let data = tallied(charter, store.load_dataset(charter).expect("load"));
        let loaded = t.elapsed();
        let clock = Clock::end_of(charter, at);
        let t1 = Instant::now();
        let cut = as_of(charter, &data, &clock);
        let cut_at = t1.elapsed();
        let t2 = Instant::now();
        let snapshot = compute_cut(charter, &cut, &clock, false);
        parts.push([loaded, cut_at, t2.elapsed()]);
        let mut app = App::new("bench".into(), at);
        app.loaded(Arc::new(snapshot));
        draw(&app);
        // The frame is up; the cockpit keeps what it loaded, so freeing it is not timed.
        firsts.push(t.elapsed());
        drop((app, cut, data, store));
    }
    firsts.sort();
    let first = firsts[firsts.len() / 2];
    let part = |i: usize| {
        let mut xs: Vec<Duration> = parts.iter().map(|p| p[i]).collect();
        xs.sort();
        xs[xs.len() / 2]
    };
    let store = Store::open(db).expect("open store");
    let data = tallied(charter, store.load_dataset(charter).expect("load"));
    let mut app = App::new("bench".into(), at);
    app.loaded(Arc::new(compute(
        charter,
        &data,
        &Clock::end_of(charter, at),
    )));
    let mut week = 0i64;
    let period = median_of(5, &mut || {
        week = week % 52 + 1;
        let date = at - Days::days(7 * week);
        app.loaded(Arc::new(compute(
            charter,
            &data,
            &Clock::end_of(charter, date),
        )));
        draw(&app);
    });
    ((first, period), [part(0), part(1), part(2)])
}

/// The cockpit's loader (`tui::loader`) on the store in `db`, spawned as the cockpit
/// spawns it: what to ask it, what it answers, its thread, the folder of its minutes.
struct Loader {
    tx: std::sync::mpsc::Sender<Request>,
    results: tokio::sync::mpsc::UnboundedReceiver<Loaded>,
    handle: std::thread::JoinHandle<()>,
    _minutes: tempfile::TempDir,
}

impl Loader {
    fn on(charter: &Arc<Charter>, db: &Path) -> Loader {
        let minutes = tempfile::tempdir().expect("temp dir");
        let (tx, rx) = std::sync::mpsc::channel();
        let (out, results) = tokio::sync::mpsc::unbounded_channel();
        let handle = spawn(
            Store::open(db).expect("open store"),
            Arc::clone(charter),
            minutes.path().to_path_buf(),
            rx,
            out,
        );
        Loader {
            tx,
            results,
            handle,
            _minutes: minutes,
        }
    }

    fn ask(&self, date: NaiveDate) {
        self.tx
            .send(Request::Compute(date))
            .expect("the loader listens");
    }

    fn end(self) {
        drop(self.tx);
        self.handle.join().expect("the loader ends");
    }
}

/// A period switch as the cockpit makes it, through its loader (`tui::loader`): a week
/// back once the loader has been idle long enough to compute the weeks around the one
/// shown; four weeks back at once, a date it does not compute ahead; and then a week back
/// at once, before it could compute it (of these two the Weekly view comes first, from
/// the records' tallies). Each the time to the first frame of the date and to the frame with every
/// view, medians of 5.
fn switch_through_the_loader(charter: &Arc<Charter>, db: &Path) -> [(Duration, Duration); 3] {
    let at = FIRST_DAY + Days::days(DAYS as i64);
    let mut loader = Loader::on(charter, db);
    let mut app = App::new("bench".into(), at);
    let mut show = |date: NaiveDate| {
        let t = Instant::now();
        loader.ask(date);
        let mut first = None;
        loop {
            match loader.results.blocking_recv().expect("the loader answers") {
                Loaded::Snapshot(s) if s.at == date => {
                    let whole = s.reviews.is_some();
                    app.loaded(s);
                    draw(&app);
                    first.get_or_insert(t.elapsed());
                    if whole {
                        break;
                    }
                }
                Loaded::Failed(e) => panic!("the loader failed: {e}"),
                _ => {}
            }
        }
        (first.expect("a frame"), t.elapsed())
    };
    show(at);
    let mut runs: [Vec<(Duration, Duration)>; 3] = Default::default();
    let mut date = at;
    for _ in 0..5 {
        // The loader computes ahead while idle (and the fitter fits the week shown).
        std::thread::sleep(Duration::from_millis(1500));
        date -= Days::days(7);
        runs[0].push(show(date));
        // Four weeks back from the last date asked, at once: none the loader computes
        // ahead of it (a week on and back, two back), and it may be amid one of those.
        date -= Days::days(28);
        runs[1].push(show(date));
        // A week back at once: the loader is amid computing it ahead, or has not begun.
        date -= Days::days(7);
        runs[2].push(show(date));
    }
    loader.end();
    runs.map(|xs| {
        let (mut firsts, mut alls): (Vec<_>, Vec<_>) = xs.into_iter().unzip();
        firsts.sort();
        alls.sort();
        (firsts[firsts.len() / 2], alls[alls.len() / 2])
    })
}

/// The cockpit opening on the store in `db` as it opens, through its loader: the time to
/// the first frame with data (drawn) and to the frame with every view (the records
/// loaded), medians of 5 opens. The first open after an import has no tallies kept
/// (`rhythm::kept`): its first frame waits for the records, and it keeps them for the
/// next opens; it is returned first, timed alone. Last, the first frame of opens on
/// another date, a week on and forty weeks back (median of the 2 × 3).
fn open_through_the_loader(
    charter: &Arc<Charter>,
    db: &Path,
) -> (Duration, (Duration, Duration), Duration) {
    let at = FIRST_DAY + Days::days(DAYS as i64);
    let open = |at: NaiveDate| {
        let t = Instant::now();
        let mut loader = Loader::on(charter, db);
        loader.ask(at);
        let mut app = App::new("bench".into(), at);
        let mut first = None;
        let all = loop {
            match loader.results.blocking_recv().expect("the loader answers") {
                Loaded::Snapshot(s) => {
                    let whole = s.reviews.is_some();
                    app.loaded(s);
                    draw(&app);
                    first.get_or_insert(t.elapsed());
                    if whole {
                        break t.elapsed();
                    }
                }
                Loaded::Failed(e) => panic!("the loader failed: {e}"),
                _ => {}
            }
        };
        loader.end();
        (first.expect("a frame"), all)
    };
    let after_import = open(at).0;
    let (mut firsts, mut alls): (Vec<_>, Vec<_>) = (0..5).map(|_| open(at)).unzip();
    firsts.sort();
    alls.sort();
    let mut elsewhere: Vec<Duration> = [at + Days::days(7), at - Days::days(280)]
        .into_iter()
        .flat_map(|d| (0..3).map(move |_| d))
        .map(|d| open(d).0)
        .collect();
    elsewhere.sort();
    (
        after_import,
        (firsts[2], alls[2]),
        elsewhere[elsewhere.len() / 2],
    )
}

/// What an import of records adds on a store a cockpit has opened (`rhythm import`'s
/// refresh of the tallies the cockpit keeps): load, tally, keep; median of 3.
fn refresh_after_import(charter: &Arc<Charter>, db: &Path) -> Duration {
    let mut store = Store::open(db).expect("open store");
    median_of(3, &mut || {
        let seen = store.generation().expect("generation");
        let records = store.records().expect("load the records");
        let kept = rhythm::rhythm::tally::tally(charter, &records);
        store.keep_tallies(charter, seen, &kept).expect("keep");
    })
}

fn sqlite_script(dir: &Path) -> String {
    let file = |name: &str| dir.join(name).display().to_string().replace('"', "\\\"");
    format!(
        "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\n\
         CREATE TABLE lead (id TEXT PRIMARY KEY, created TEXT NOT NULL, source TEXT NOT NULL, mql_at TEXT, sql_at TEXT, geo TEXT, segment TEXT) WITHOUT ROWID;\n\
         CREATE TABLE opportunity (id TEXT PRIMARY KEY, created TEXT NOT NULL, amount REAL NOT NULL, source TEXT NOT NULL, stage TEXT NOT NULL, close_date TEXT, won TEXT, type TEXT, geo TEXT) WITHOUT ROWID;\n\
         BEGIN;\n.mode csv\n.import --skip 1 \"{}\" lead\n.import --skip 1 \"{}\" opportunity\nCOMMIT;\n",
        file("leads.csv"),
        file("opportunities.csv")
    )
}

fn median(mut xs: Vec<Duration>) -> f64 {
    xs.sort();
    xs[xs.len() / 2].as_secs_f64()
}

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    Some(
        text.trim()
            .replace('_', "")
            .parse()
            .unwrap_or_else(|_| panic!("{name}={text:?} is not a whole number")),
    )
}

/// This process's peak resident set, from /proc (Linux), in MB.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let leads =
        env_number("RHYTHM_BENCH_LEADS").unwrap_or(if bench_mode { 1_000_000 } else { 10_000 });
    let rounds = if bench_mode {
        env_number("RHYTHM_BENCH_ROUNDS").unwrap_or(3).max(1) as usize
    } else {
        1
    };
    let charter = Arc::new(Charter::shipped());
    let dir = tempfile::tempdir().expect("temp dir");
    let started = Instant::now();
    write_files(dir.path(), leads).expect("write the record files");
    eprintln!(
        "generated {leads} leads and {} opportunities in {:.2?}",
        leads / 5,
        started.elapsed()
    );
    let compare = bench_mode && sqlite3_available();
    let script = sqlite_script(dir.path());
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let mut last_store = None;
    for _ in 0..rounds {
        let (t, weeks, db) = rhythm_once(&charter, dir.path());
        assert!(weeks > 0, "the derivation produced no channel weeks");
        ours.push(t);
        last_store = Some(db);
        if compare {
            let db = tempfile::tempdir().expect("temp dir");
            theirs.push(sqlite3_run(&script, &db.path().join("sqlite3.db")));
        }
    }
    let r = median(ours);
    let rss = peak_rss_mb().map_or(String::new(), |mb| format!("; peak RSS {mb:.0} MB"));
    if theirs.is_empty() {
        println!(
            "records {leads} leads + {} opportunities: rhythm import + derive {r:.2} s (sqlite3 not compared){rss}",
            leads / 5
        );
    } else {
        let s = median(theirs);
        println!(
            "records {leads} leads + {} opportunities: rhythm import + derive {r:.2} s, sqlite3 .import {s:.2} s, ratio {:.2} (medians of {rounds} interleaved runs; goal ≤ 1.5){rss}",
            leads / 5,
            r / s
        );
    }
    let db = last_store.expect("at least one round");
    let (after_import, (first, all), elsewhere) =
        open_through_the_loader(&charter, &db.path().join("rhythm.db"));
    let refresh = refresh_after_import(&charter, &db.path().join("rhythm.db"));
    let ((whole, period), [load, cut, reviews]) = cockpit(&charter, &db.path().join("rhythm.db"));
    let [(ahead, _), (jump_first, jump_all), (week_first, week_all)] =
        switch_through_the_loader(&charter, &db.path().join("rhythm.db"));
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "cockpit on {leads} leads + {} opportunities, opened through its loader: first frame with data {:.0} ms (bar 100), every view {:.0} ms, first frame on another date {:.0} ms, the first open after an import (no tallies kept yet) {:.0} ms, or an import's refresh of the kept tallies where a cockpit opened before {:.0} ms; every view computed at once {:.0} ms (load {:.0}, cut to the clock {:.0}, reviews {:.0}); period switch computed on request {:.0} ms; through the loader: computed ahead {:.1} ms, four weeks back at once: the Weekly view {:.1} ms, every view {:.0} ms; a week back before it could compute it: the Weekly view {:.1} ms, every view {:.0} ms (bar 16)",
        leads / 5,
        ms(first),
        ms(all),
        ms(elsewhere),
        ms(after_import),
        ms(refresh),
        ms(whole),
        ms(load),
        ms(cut),
        ms(reviews),
        ms(period),
        ms(ahead),
        ms(jump_first),
        ms(jump_all),
        ms(week_first),
        ms(week_all)
    );
}
