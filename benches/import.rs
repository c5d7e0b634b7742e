//! Import throughput: 1M usage rows (`timestamp,user,dashboard`) through
//! `rhythm::ingest::import_file`, side by side with the sqlite3 CLI's own `.import` of the
//! same file into a table with the same unique key.
//!
//! Goal (from the issue): rhythm is no slower than `sqlite3 .import`. Both sides are
//! measured in one run: a criterion group `import_1m_usage` with the functions `rhythm`
//! and `sqlite3_cli`, then a plain summary of a few interleaved runs (rhythm, sqlite3,
//! rhythm, sqlite3, …) with both medians and the ratio rhythm / sqlite3, which is what to
//! record. Interleaving keeps the ratio honest on a noisy machine.
//!
//! Both sides time the whole job on a fresh database file: rhythm opens (creates and
//! migrates) a store, imports and closes it; sqlite3 is one process that creates the
//! table, imports in one transaction and exits. Both use WAL with synchronous=NORMAL, so
//! both pay the final checkpoint on close. Creating and deleting the temp folders is not
//! timed.
//!
//! Environment:
//! - `RHYTHM_BENCH_ROWS`: rows in the generated file (default 1,000,000; 10,000 when the
//!   binary runs in test mode, e.g. `cargo test --benches`).
//! - `RHYTHM_BENCH_ROUNDS`: interleaved pairs for the summary (default 5; 0 skips it).
//!
//! If `sqlite3` is not on PATH only rhythm is measured, and the summary says so.
//!
//! Run: `cargo bench --bench import` (quick check: `RHYTHM_BENCH_ROWS=50000 cargo bench --bench import`).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput};
use rhythm::charter::Charter;
use rhythm::ingest::{Kind, import_file};
use rhythm::store::Store;

mod common;
use common::{Lcg, UsageLines, sqlite_script, sqlite3_available, sqlite3_run};

const DEFAULT_ROWS: u64 = 1_000_000;
const TEST_MODE_ROWS: u64 = 10_000;
const DEFAULT_ROUNDS: usize = 5;
const USERS: u64 = 200;
const DASHBOARDS: u64 = 40;
/// 2024-01-01T00:00:00Z.
const START: i64 = 1_704_067_200;
/// Two years (2024 is a leap year), in seconds.
const SPAN: i64 = 731 * 86_400;

/// Writes a deterministic usage CSV of `rows` rows: chronological (as a BI tool exports
/// it), spread evenly over two years, ~200 users, ~40 dashboards, and every
/// (timestamp, user, dashboard) triple unique. Several events may share a second.
fn write_usage_csv(path: &Path, rows: u64) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(out, "timestamp,user,dashboard")?;
    let mut rng = Lcg(0x5EED_2024);
    // Mean gap = SPAN / rows, so the file covers about two years whatever its size.
    let max_gap = (2 * SPAN / rows.max(1) as i64).max(1) as u64;
    let mut t = START;
    let mut lines = UsageLines::default();
    // (user, dashboard) pairs already written for the current second.
    let mut this_second: Vec<(u64, u64)> = Vec::new();
    for _ in 0..rows {
        let gap = rng.below(max_gap + 1) as i64;
        if gap > 0 {
            t += gap;
            this_second.clear();
        }
        let (user, dashboard) = loop {
            // Squaring skews activity towards low-numbered users and dashboards.
            let u = rng.below(USERS * USERS);
            let d = rng.below(DASHBOARDS * DASHBOARDS);
            let pair = (u.isqrt(), d.isqrt());
            if !this_second.contains(&pair) {
                break pair;
            }
        };
        this_second.push((user, dashboard));
        lines.write(&mut out, t, user, dashboard)?;
    }
    out.flush()
}

/// One rhythm import into a fresh store: open (create + migrate), import, close.
/// Returns the wall time and the store's usage row count (counted after the clock stops).
fn rhythm_once(charter: &Charter, csv: &Path) -> (Duration, i64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("rhythm.db");
    let started = Instant::now();
    let mut store = Store::open(&db).expect("open store");
    let summary = import_file(&mut store, charter, Kind::Usage, csv).expect("import");
    drop(store);
    let elapsed = started.elapsed();
    let count = Store::open(&db)
        .expect("reopen store")
        .count("usage_event")
        .expect("count");
    assert_eq!(summary.rows as i64, count, "summary rows vs store rows");
    (elapsed, count)
}

/// One `sqlite3 db < script` into a fresh database file, timing the whole process.
fn sqlite3_once(script: &str) -> (Duration, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("sqlite3.db");
    let elapsed = sqlite3_run(script, &db);
    (elapsed, db, dir)
}

fn sqlite3_count(db: &Path) -> i64 {
    let out = Command::new("sqlite3")
        .arg(db)
        .arg("SELECT COUNT(*) FROM usage_event;")
        .stdin(Stdio::null())
        .output()
        .expect("run sqlite3");
    assert!(out.status.success(), "sqlite3 count failed");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("a count")
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    let n = xs.len();
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2
    }
}

/// Seconds with two decimals, three below one second.
fn secs(x: f64) -> String {
    if x < 1.0 {
        format!("{x:.3}")
    } else {
        format!("{x:.2}")
    }
}

/// 1000000 -> "1M", 50000 -> "50k".
fn rows_label(rows: u64) -> String {
    if rows >= 1_000_000 && rows.is_multiple_of(1_000_000) {
        format!("{}M", rows / 1_000_000)
    } else if rows >= 1_000 && rows.is_multiple_of(1_000) {
        format!("{}k", rows / 1_000)
    } else {
        rows.to_string()
    }
}

fn env_number<T: std::str::FromStr>(name: &str) -> Option<T> {
    let text = std::env::var(name).ok()?;
    match text.trim().replace('_', "").parse() {
        Ok(n) => Some(n),
        Err(_) => panic!("{name}={text:?} is not a whole number"),
    }
}

fn main() {
    // `cargo bench` passes --bench; without it (cargo test --benches) criterion runs each
    // function once as a smoke test, so keep the data small and skip the summary.
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let rows: u64 = env_number("RHYTHM_BENCH_ROWS").unwrap_or(if bench_mode {
        DEFAULT_ROWS
    } else {
        TEST_MODE_ROWS
    });
    let rounds: usize = env_number("RHYTHM_BENCH_ROUNDS").unwrap_or(DEFAULT_ROUNDS);
    let rounds = if bench_mode { rounds } else { 0 };
    let label = rows_label(rows);

    let charter_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("charter/partnership.toml");
    let charter = Charter::load(&charter_path).expect("load the charter");

    let data = tempfile::tempdir().expect("temp dir");
    let csv = data.path().join("usage.csv");
    let started = Instant::now();
    write_usage_csv(&csv, rows).expect("write the usage CSV");
    let size = std::fs::metadata(&csv).expect("csv metadata").len();
    eprintln!(
        "generated {rows} usage rows ({:.1} MB) in {:.2?}: {}",
        size as f64 / 1e6,
        started.elapsed(),
        csv.display()
    );

    // Correctness first, so the bench cannot silently measure nothing; the run also
    // sizes criterion's measurement time.
    let (rhythm_est, count) = rhythm_once(&charter, &csv);
    assert_eq!(
        count, rows as i64,
        "rhythm stored {count} usage rows, expected {rows}"
    );
    let script = sqlite_script(&csv);
    let sqlite_est = if sqlite3_available() {
        let (elapsed, db, _dir) = sqlite3_once(&script);
        let count = sqlite3_count(&db);
        assert_eq!(
            count, rows as i64,
            "sqlite3 stored {count} usage rows, expected {rows}"
        );
        Some(elapsed)
    } else {
        eprintln!(
            "NOTE: `sqlite3` is not on PATH: measuring rhythm only (install the sqlite3 package for the comparison)"
        );
        None
    };
    eprintln!(
        "first runs: rhythm {rhythm_est:.2?} ({count} rows stored){}",
        sqlite_est.map_or(String::new(), |t| format!(", sqlite3 .import {t:.2?}"))
    );

    // Ten samples of one import each. Criterion warns that it cannot complete 10 samples
    // in the target time: that is intended (one import per sample keeps the run short).
    const SAMPLES: usize = 10;
    let mut c = Criterion::default().configure_from_args();
    {
        let mut group = c.benchmark_group(format!("import_{}_usage", label.to_lowercase()));
        group.sample_size(SAMPLES);
        group.sampling_mode(SamplingMode::Flat);
        group.warm_up_time(Duration::from_millis(1));
        group.throughput(Throughput::Elements(rows));

        group.measurement_time(rhythm_est.mul_f64(SAMPLES as f64 * 0.9));
        group.bench_function("rhythm", |b| {
            b.iter_custom(|iters| (0..iters).map(|_| rhythm_once(&charter, &csv).0).sum())
        });
        if let Some(est) = sqlite_est {
            group.measurement_time(est.mul_f64(SAMPLES as f64 * 0.9));
            group.bench_function("sqlite3_cli", |b| {
                b.iter_custom(|iters| (0..iters).map(|_| sqlite3_once(&script).0).sum())
            });
        }
        group.finish();
    }
    c.final_summary();

    if rounds == 0 {
        return;
    }
    let mut rhythm_times = Vec::with_capacity(rounds);
    let mut sqlite_times = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        rhythm_times.push(rhythm_once(&charter, &csv).0);
        if sqlite_est.is_some() {
            sqlite_times.push(sqlite3_once(&script).0);
        }
    }
    let r = median(rhythm_times).as_secs_f64();
    if sqlite_times.is_empty() {
        println!(
            "import {label} usage rows: rhythm {} s, sqlite3 .import not measured (sqlite3 not on PATH); median of {rounds}",
            secs(r)
        );
    } else {
        let s = median(sqlite_times).as_secs_f64();
        println!(
            "import {label} usage rows: rhythm {} s, sqlite3 .import {} s, ratio {:.2} (rhythm/sqlite3, medians of {rounds} interleaved runs)",
            secs(r),
            secs(s),
            r / s
        );
    }
}
