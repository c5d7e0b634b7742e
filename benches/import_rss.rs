//! Import memory: the real binary's peak resident memory (`rhythm import usage FILE` in a
//! fresh workspace, read with `wait4`) on files that used to make it grow — many rows,
//! one key repeated on every row, and a single 300 MB line. The bar is 100 MB whatever
//! the file (issue #13).
//!
//! Prints one line per case: rows, seconds, max RSS and whether it is under the bar; fails
//! at the end if any case is over. `RHYTHM_RSS_ROWS` is a comma-separated list of row
//! counts for the many-rows case (default `1000000,30000000`; 20,000 under `cargo test
//! --benches`), `RHYTHM_RSS_REPEATS` the rows of the repeated-key case (default 1,000,000)
//! and `RHYTHM_RSS_LINE_MB` the long line's size (default 300).
//!
//! Run: `cargo bench --bench import_rss` (30M rows take a few minutes and ~6 GB in the
//! temp folder: the 1.7 GB file, the store and its WAL).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

// The sqlite3 side of the import benches is not used here.
#[allow(dead_code)]
mod common;
use common::{Lcg, UsageLines};

/// The most a usage import may hold in memory.
const BAR_MB: f64 = 100.0;
/// 2022-01-01T00:00:00Z.
const START: i64 = 1_640_995_200;
/// Five years, in seconds.
const SPAN: i64 = 1_826 * 86_400;

/// Writes `rows` chronological usage events over five years of 500 users and 60
/// dashboards; every timestamp is new, so every key is unique.
fn write_unique(path: &Path, rows: u64) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(out, "timestamp,user,dashboard")?;
    let mut rng = Lcg(0x5EED_0055);
    let max_gap = (2 * SPAN / rows.max(1) as i64).max(2) as u64;
    let mut t = START;
    let mut lines = UsageLines::default();
    for _ in 0..rows {
        t += 1 + rng.below(max_gap) as i64;
        lines.write(&mut out, t, rng.below(500), rng.below(60))?;
    }
    out.flush()
}

/// Writes `rows` copies of one event: every row after the first repeats its key.
fn write_repeats(path: &Path, rows: u64) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    writeln!(out, "timestamp,user,dashboard")?;
    for _ in 0..rows {
        out.write_all(b"2026-11-16T09:12:00Z,user0001@example.com,dashboard-01\n")?;
    }
    out.flush()
}

/// Writes a header and one row whose dashboard is `mb` megabytes long.
fn write_long_line(path: &Path, mb: u64) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(1 << 20, File::create(path)?);
    out.write_all(b"timestamp,user,dashboard\n2026-11-16T09:12:00Z,user0001@example.com,")?;
    let chunk = vec![b'd'; 1 << 20];
    for _ in 0..mb {
        out.write_all(&chunk)?;
    }
    out.write_all(b"\n")?;
    out.flush()
}

/// What one run of the binary did.
struct Run {
    code: Option<i32>,
    seconds: f64,
    max_rss_mb: f64,
    stdout: String,
    stderr: String,
}

/// `rhythm --workspace WS import usage FILE`, waited for with `wait4` for its peak RSS.
fn import(ws: &Path, file: &Path) -> Run {
    let out_path = ws.join("stdout.txt");
    let err_path = ws.join("stderr.txt");
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_rhythm"))
        .arg("--workspace")
        .arg(ws)
        .args(["import", "usage"])
        .arg(file)
        .stdin(Stdio::null())
        .stdout(File::create(&out_path).expect("stdout file"))
        .stderr(File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("run the rhythm binary");
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value, and wait4 only writes to the two
    // out-pointers, which live through the call. `child` is not waited for again.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4: {}", std::io::Error::last_os_error());
    let seconds = started.elapsed().as_secs_f64();
    drop(child);
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    Run {
        code,
        seconds,
        // Linux reports ru_maxrss in KiB.
        max_rss_mb: usage.ru_maxrss as f64 * 1024.0 / 1e6,
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    }
}

/// A fresh workspace in `dir` holding the shipped charter.
fn workspace(dir: &Path) -> std::path::PathBuf {
    let ws = dir.join("ws");
    let _ = std::fs::remove_dir_all(&ws);
    std::fs::create_dir_all(ws.join("charter")).expect("workspace");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("charter/partnership.toml"),
        ws.join("charter/partnership.toml"),
    )
    .expect("install the charter");
    ws
}

fn env_count(name: &str) -> Option<u64> {
    std::env::var(name)
        .ok()
        .map(|t| t.replace('_', "").parse().expect("a number"))
}

fn main() {
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let sizes: Vec<u64> = match std::env::var("RHYTHM_RSS_ROWS") {
        Ok(list) => list
            .split(',')
            .map(|t| t.trim().replace('_', "").parse().expect("RHYTHM_RSS_ROWS"))
            .collect(),
        Err(_) if bench_mode => vec![1_000_000, 30_000_000],
        Err(_) => vec![20_000],
    };
    let repeats =
        env_count("RHYTHM_RSS_REPEATS").unwrap_or(if bench_mode { 1_000_000 } else { 20_000 });
    let line_mb = env_count("RHYTHM_RSS_LINE_MB").unwrap_or(if bench_mode { 300 } else { 5 });

    let dir = tempfile::tempdir().expect("temp dir");
    let csv = dir.path().join("usage.csv");
    let mut over = Vec::new();
    let mut report = |case: String, run: &Run| {
        let under = run.max_rss_mb < BAR_MB;
        println!(
            "import_rss {case}: exit {}, {:.1} s, max RSS {:.1} MB ({} {BAR_MB:.0} MB)",
            run.code.map_or("by signal".into(), |c| c.to_string()),
            run.seconds,
            run.max_rss_mb,
            if under { "under" } else { "OVER" }
        );
        if !under {
            over.push(case);
        }
    };

    for rows in sizes {
        let started = Instant::now();
        write_unique(&csv, rows).expect("write the usage CSV");
        eprintln!(
            "generated {rows} unique usage rows ({:.0} MB) in {:.1?}",
            std::fs::metadata(&csv).map_or(0, |m| m.len()) as f64 / 1e6,
            started.elapsed()
        );
        let ws = workspace(dir.path());
        let run = import(&ws, &csv);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        assert!(
            run.stdout
                .contains(&format!("{rows} rows of usage — {rows} new")),
            "{}",
            run.stdout
        );
        report(format!("{rows} unique rows"), &run);
        let _ = std::fs::remove_dir_all(&ws);
    }

    write_repeats(&csv, repeats).expect("write the repeated-key CSV");
    let ws = workspace(dir.path());
    let run = import(&ws, &csv);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(
        run.stderr
            .contains(&format!("{} bad rows", repeats.saturating_sub(1))),
        "{}",
        run.stderr
    );
    report(format!("{repeats} rows of one key (refused)"), &run);

    write_long_line(&csv, line_mb).expect("write the long line");
    let ws = workspace(dir.path());
    let run = import(&ws, &csv);
    assert_eq!(run.code, Some(2), "{}", run.stdout);
    assert!(
        run.stderr
            .contains("line 2: the row starting here runs past"),
        "{}",
        run.stderr
    );
    report(format!("one {line_mb} MB line (refused)"), &run);

    assert!(over.is_empty(), "over {BAR_MB} MB: {}", over.join("; "));
}
