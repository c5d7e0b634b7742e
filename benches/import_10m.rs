//! Import at scale: 10M usage events (five years of a 500-person BI audience) through
//! `rhythm::ingest::import_file` into a fresh store, once, beside the sqlite3 CLI's
//! `.import` of the same file into a table with the same key (as `benches/import.rs`
//! does for 1M rows with repetitions; at 10M one run each keeps this to a few minutes).
//!
//! Prints one line to record: rows, both wall times, rows per second, the ratio, and
//! the store's size. `RHYTHM_BENCH_ROWS` overrides the row count (default 10,000,000;
//! 20,000 under `cargo test --benches`).
//!
//! Run: `cargo bench --bench import_10m` (needs ~1.5 GB free in the temp folder).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use rhythm::charter::Charter;
use rhythm::ingest::{Kind, import_file};
use rhythm::store::Store;

mod common;
use common::{Lcg, UsageLines, sqlite_script, sqlite3_available, sqlite3_run};

const DEFAULT_ROWS: u64 = 10_000_000;
const TEST_MODE_ROWS: u64 = 20_000;
const USERS: u64 = 500;
const DASHBOARDS: u64 = 60;
/// 2022-01-01T00:00:00Z.
const START: i64 = 1_640_995_200;
/// Five years, in seconds.
const SPAN: i64 = 1_826 * 86_400;

/// Writes `rows` chronological usage events over five years; every timestamp is new, so
/// every key is unique.
fn write_usage_csv(path: &Path, rows: u64) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(out, "timestamp,user,dashboard")?;
    let mut rng = Lcg(0x5EED_0010);
    let max_gap = (2 * SPAN / rows.max(1) as i64).max(2) as u64;
    let mut t = START;
    let mut lines = UsageLines::default();
    for _ in 0..rows {
        t += 1 + rng.below(max_gap) as i64;
        // Squaring skews activity towards a core of heavy users and dashboards.
        let user = rng.below(USERS * USERS).isqrt();
        let dashboard = rng.below(DASHBOARDS * DASHBOARDS).isqrt();
        lines.write(&mut out, t, user, dashboard)?;
    }
    out.flush()
}

fn sqlite3_import(csv: &Path, db: &Path) -> Option<Duration> {
    sqlite3_available().then(|| sqlite3_run(&sqlite_script(csv), db))
}

fn main() {
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let rows: u64 = std::env::var("RHYTHM_BENCH_ROWS")
        .ok()
        .map(|t| {
            t.replace('_', "")
                .parse()
                .expect("RHYTHM_BENCH_ROWS is a number")
        })
        .unwrap_or(if bench_mode {
            DEFAULT_ROWS
        } else {
            TEST_MODE_ROWS
        });
    let charter =
        Charter::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("charter/partnership.toml"))
            .expect("load the charter");
    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("usage.csv");
    let started = Instant::now();
    write_usage_csv(&csv, rows).expect("write the usage CSV");
    let csv_size = std::fs::metadata(&csv).expect("csv").len();
    eprintln!(
        "generated {rows} usage rows ({:.0} MB) in {:.1?}",
        csv_size as f64 / 1e6,
        started.elapsed()
    );

    let db = dir.path().join("rhythm.db");
    let started = Instant::now();
    let mut store = Store::open(&db).expect("open the store");
    let summary = import_file(&mut store, &charter, Kind::Usage, &csv).expect("import");
    drop(store);
    let rhythm = started.elapsed();
    assert_eq!(summary.new, rows, "every row is new");
    let stored = Store::open(&db)
        .expect("reopen")
        .count("usage_event")
        .expect("count");
    assert_eq!(stored, rows as i64);
    let db_size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    let _ = std::fs::remove_file(&db);

    let sqlite = sqlite3_import(&csv, &dir.path().join("sqlite3.db"));
    let r = rhythm.as_secs_f64();
    println!(
        "import {rows} usage rows: rhythm {r:.1} s ({:.0}k rows/s, store {:.0} MB with the usage aggregates){}",
        rows as f64 / r / 1e3,
        db_size as f64 / 1e6,
        sqlite.map_or(", sqlite3 not on PATH".to_string(), |s| {
            let s = s.as_secs_f64();
            format!(
                ", sqlite3 .import {s:.1} s, ratio {:.2} (rhythm/sqlite3, one run each)",
                r / s
            )
        })
    );
}
