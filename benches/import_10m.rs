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
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rhythm::charter::Charter;
use rhythm::ingest::{Kind, import_file};
use rhythm::store::Store;

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
    let mut state: u64 = 0x5EED_0010;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    let max_gap = (2 * SPAN / rows.max(1) as i64).max(2) as u64;
    let mut t = START;
    let mut day = i64::MIN;
    let mut date = String::new();
    for _ in 0..rows {
        t += 1 + (next() % max_gap) as i64;
        // Squaring skews activity towards a core of heavy users and dashboards.
        let user = (next() % (USERS * USERS)).isqrt();
        let dashboard = (next() % (DASHBOARDS * DASHBOARDS)).isqrt();
        if t.div_euclid(86_400) != day {
            day = t.div_euclid(86_400);
            date = chrono::DateTime::from_timestamp(day * 86_400, 0)
                .expect("in range")
                .format("%Y-%m-%d")
                .to_string();
        }
        let s = t.rem_euclid(86_400);
        writeln!(
            out,
            "{date}T{:02}:{:02}:{:02}Z,user{user:04}@example.com,dashboard-{dashboard:02}",
            s / 3600,
            s / 60 % 60,
            s % 60
        )?;
    }
    out.flush()
}

fn sqlite3_import(csv: &Path, db: &Path) -> Option<Duration> {
    let available = Command::new("sqlite3")
        .arg("-version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        return None;
    }
    let script = format!(
        "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\nCREATE TABLE usage_event(timestamp TEXT NOT NULL, user TEXT NOT NULL, dashboard TEXT NOT NULL, PRIMARY KEY(timestamp,user,dashboard)) WITHOUT ROWID;\nBEGIN;\n.mode csv\n.import --skip 1 \"{}\" usage_event\nCOMMIT;\n",
        csv.display().to_string().replace('"', "\\\"")
    );
    let started = Instant::now();
    let mut child = Command::new("sqlite3")
        .arg("-bail")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start sqlite3");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("feed sqlite3");
    let out = child.wait_with_output().expect("wait for sqlite3");
    let elapsed = started.elapsed();
    assert!(
        out.status.success(),
        "sqlite3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(elapsed)
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
