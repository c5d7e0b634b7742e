//! When processes contend for the store, with the real binary: an import killed at
//! random moments, the store read and written by other processes during an import, and
//! online backups while a reader holds a transaction or an import runs.
//!
//! The timing-sensitive tests (kills, concurrent readers, backup during an import) take
//! `common::heavy()` so they do not share the two cores with each other; the mutex
//! orders only the tests of one binary, which is why they all live here.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::cli::{command_without_key, describe, run_without_key};
use common::heavy;
use common::store::{State, db_path, integrity, open_db};
use common::workspace::charter_workspace;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Writes `rows` usage events, one every 7 s from `start` (UTC seconds), 200 users,
/// 40 dashboards: every key unique.
fn write_usage(path: &Path, rows: usize, start: i64) {
    use std::io::Write;
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(f, "timestamp,user,dashboard").unwrap();
    for i in 0..rows {
        let t = chrono::DateTime::from_timestamp(start + 7 * i as i64, 0).unwrap();
        writeln!(
            f,
            "{},user{:03}@example.com,dashboard-{:02}",
            t.format("%Y-%m-%dT%H:%M:%SZ"),
            i % 200,
            i % 40
        )
        .unwrap();
    }
    f.flush().unwrap();
}

/// 2024-01-01T00:00:00Z.
const JAN_2024: i64 = 1_704_067_200;
/// 2022-01-01T00:00:00Z: the small base file, well before the big one.
const JAN_2022: i64 = 1_640_995_200;

/// A workspace whose store holds a small usage import (1,000 events, one log entry),
/// and a big usage file of `big_rows` events beside it.
fn with_store_and_big_file(big_rows: usize) -> (tempfile::TempDir, PathBuf, State) {
    let ws = charter_workspace();
    let small = ws.path().join("small.csv");
    write_usage(&small, 1_000, JAN_2022);
    let o = run_without_key(ws.path(), &["import", "usage", small.to_str().unwrap()]);
    assert!(o.status.success(), "{}", describe(&o));
    let big = ws.path().join("big.csv");
    write_usage(&big, big_rows, JAN_2024);
    let base = State::read(&mut open_db(&db_path(ws.path())));
    assert_eq!((base.events, base.imports), (1_000, 1));
    (ws, big, base)
}

fn spawn_import(ws: &Path, db: &Path, file: &Path) -> Child {
    command_without_key(ws, &["--db"])
        .arg(db)
        .args(["import", "usage"])
        .arg(file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Issue 7, point 1: an import killed (SIGKILL) at random moments leaves the store with
/// none or all of the file, passing `integrity_check`, with aggregates that agree.
#[test]
fn an_import_killed_at_random_moments_leaves_none_or_all_of_the_file() {
    let _heavy = heavy();
    const ROWS: usize = 60_000;
    const KILLS: usize = 24;
    let seed: u64 = std::env::var("RHYTHM_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let (ws, big, base) = with_store_and_big_file(ROWS);
    let base_db = db_path(ws.path());
    let all = State {
        events: base.events + ROWS as i64,
        imports: base.imports + 1,
        day_views: base.events + ROWS as i64,
        total_views: base.events + ROWS as i64,
        dashboard_views: base.events + ROWS as i64,
    };

    // How long an import takes here, uninterrupted (the faster of two runs, the first
    // one warms the caches): the kills spread over that.
    let mut full = Duration::MAX;
    for _ in 0..2 {
        let calibrate = ws.path().join("calibrate.db");
        std::fs::copy(&base_db, &calibrate).unwrap();
        let started = Instant::now();
        let mut child = spawn_import(ws.path(), &calibrate, &big);
        assert!(child.wait().unwrap().success());
        full = full.min(started.elapsed());
        assert_eq!(State::read(&mut open_db(&calibrate)), all);
        std::fs::remove_file(&calibrate).unwrap();
    }

    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut none, mut whole, mut while_running) = (0, 0, 0);
    let mut log = Vec::new();
    for round in 0..KILLS {
        let store = ws.path().join(format!("kill-{round}.db"));
        std::fs::copy(&base_db, &store).unwrap();
        // Most kills land anywhere in the import; every third near its end, where
        // the commit and the checkpoint on close are.
        let at = if round % 3 == 2 {
            full.mul_f64(rng.random_range(0.8..1.1))
        } else {
            full.mul_f64(rng.random_range(0.0..0.9))
        };
        let mut child = spawn_import(ws.path(), &store, &big);
        std::thread::sleep(at);
        if child.try_wait().unwrap().is_none() {
            while_running += 1;
        }
        let _ = child.kill(); // SIGKILL on Unix
        let status = child.wait().unwrap();

        let mut conn = open_db(&store);
        let check = integrity(&conn);
        let state = State::read(&mut conn);
        log.push(format!(
            "round {round}: kill at {at:?} of {full:?} ({status}) -> {} events, {} imports",
            state.events, state.imports
        ));
        assert_eq!(check, "ok", "seed {seed}\n{}", log.join("\n"));
        if state == base {
            none += 1;
        } else if state == all {
            whole += 1;
        } else {
            panic!(
                "seed {seed}: the store holds part of the file or aggregates that disagree: {state:?} (before {base:?}, after {all:?})\n{}",
                log.join("\n")
            );
        }
        assert!(state.consistent());
        drop(conn);
        let _ = std::fs::remove_file(&store);
    }
    eprintln!(
        "seed {seed}: {KILLS} kills over an import of {full:?}: {while_running} while it ran; store held none of the file {none} times, all of it {whole} times"
    );
    assert!(
        while_running >= KILLS / 2 && none >= 1,
        "too few kills landed during the import (seed {seed}):\n{}",
        log.join("\n")
    );
}

/// Issue 7, point 2: while one process imports, readers in others see the old file or
/// the new one, never part of it; another writer waits instead of failing; no
/// "database is locked" reaches the user.
#[test]
fn readers_and_writers_during_an_import_see_old_or_new_and_never_locked() {
    let _heavy = heavy();
    const ROWS: usize = 100_000;
    let (ws, big, base) = with_store_and_big_file(ROWS);
    let store = db_path(ws.path());
    let nps = ws.path().join("nps.csv");
    std::fs::write(&nps, "date,respondent,score\n2026-11-02,r1,9\n").unwrap();

    let mut import = spawn_import(ws.path(), &store, &big);
    let mut reader = open_db(&store);
    let mut reads_while_running = 0;
    let mut others: Vec<(&str, Child)> = Vec::new();
    let started = Instant::now();
    loop {
        let running = import.try_wait().unwrap().is_none();
        let state = State::read(&mut reader);
        assert!(
            state.events == base.events || state.events == base.events + ROWS as i64,
            "a reader saw part of the file: {state:?}"
        );
        assert!(state.consistent(), "{state:?}");
        if !running {
            break;
        }
        reads_while_running += 1;
        if reads_while_running == 3 {
            // Another writer and a headless check, both while the import holds the lock.
            for (name, args) in [
                ("import nps", vec!["import", "nps", nps.to_str().unwrap()]),
                ("check", vec!["check", "--json"]),
            ] {
                let child = command_without_key(ws.path(), &args)
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap();
                others.push((name, child));
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the import hangs"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let import = import.wait_with_output().unwrap();
    assert!(import.status.success(), "{}", describe(&import));
    assert!(
        reads_while_running >= 3,
        "the import ended before the readers overlapped it ({reads_while_running} reads)"
    );
    for (name, child) in others {
        let o = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!stderr.contains("locked"), "{name}: {}", describe(&o));
        match name {
            "import nps" => assert!(o.status.success(), "{name}: {}", describe(&o)),
            // A breach (1) is an answer; 2 would be a failure to read the store.
            _ => assert!(
                matches!(o.status.code(), Some(0 | 1)),
                "{name}: {}",
                describe(&o)
            ),
        }
    }
    let end = State::read(&mut reader);
    assert_eq!(end.events, base.events + ROWS as i64);
    assert_eq!(end.imports, base.imports + 2);
}

fn file_mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Issue 7, point 7: a backup while another connection holds a read transaction (as the
/// cockpit does) is complete, checked and private; an existing file is kept unless
/// `--force`.
#[test]
fn backup_while_a_reader_holds_a_transaction() {
    let (ws, _big, base) = with_store_and_big_file(10);
    let store = db_path(ws.path());
    let mut cockpit = open_db(&store);
    let tx = cockpit.transaction().unwrap();
    let seen: i64 = tx
        .query_row("SELECT COUNT(*) FROM usage_event", [], |r| r.get(0))
        .unwrap();
    assert_eq!(seen, base.events);

    let copy = ws.path().join("backups/rhythm-2026-11-23.db");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    let o = run_without_key(ws.path(), &["backup", copy.to_str().unwrap()]);
    assert!(o.status.success(), "{}", describe(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("a consistent copy"));
    let mut conn = open_db(&copy);
    assert_eq!(integrity(&conn), "ok");
    assert_eq!(State::read(&mut conn), base);
    drop(conn);
    assert_eq!(file_mode(&copy), 0o600);
    let leftovers: Vec<_> = std::fs::read_dir(copy.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(leftovers, vec!["rhythm-2026-11-23.db".to_string()]);

    // An existing file is not overwritten…
    std::fs::write(&copy, "precious").unwrap();
    let o = run_without_key(ws.path(), &["backup", copy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--force"),
        "{}",
        describe(&o)
    );
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), "precious");
    // …unless asked.
    let o = run_without_key(ws.path(), &["backup", "--force", copy.to_str().unwrap()]);
    assert!(o.status.success(), "{}", describe(&o));
    assert_eq!(State::read(&mut open_db(&copy)), base);
    // The store itself is refused.
    let o = run_without_key(ws.path(), &["backup", "--force", store.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    tx.commit().unwrap();
}

/// Issue 7, point 7: a backup taken while another process imports holds the store as
/// it was before the import or after it, never in between, and passes integrity_check.
#[test]
fn backup_during_an_import_holds_the_last_commit() {
    let _heavy = heavy();
    // The test build is optimised: an import reads about a million rows a second, and
    // must still be running 300 ms after it starts.
    const ROWS: usize = 1_500_000;
    let (ws, big, base) = with_store_and_big_file(ROWS);
    let store = db_path(ws.path());
    let mut import = spawn_import(ws.path(), &store, &big);
    std::thread::sleep(Duration::from_millis(300));
    let running = import.try_wait().unwrap().is_none();
    let copy = ws.path().join("during-import.db");
    let o = run_without_key(ws.path(), &["backup", copy.to_str().unwrap()]);
    assert!(o.status.success(), "{}", describe(&o));
    let import = import.wait_with_output().unwrap();
    assert!(import.status.success(), "{}", describe(&import));
    assert!(
        running,
        "the import ended before the backup started: make the file bigger"
    );

    let mut conn = open_db(&copy);
    assert_eq!(integrity(&conn), "ok");
    let state = State::read(&mut conn);
    assert!(
        state == base || state.events == base.events + ROWS as i64,
        "the copy holds part of the import: {state:?}"
    );
    assert!(state.consistent(), "{state:?}");
}

/// Issue 13, point 1: `rhythm deliver` while another connection holds the write lock
/// waits for it and records the delivery, where a deferred transaction failed at once
/// with "database is locked" (exit 2).
#[test]
fn deliver_waits_for_a_writer_and_records() {
    let _heavy = heavy();
    let ws = charter_workspace();
    // Create the store first.
    let o = run_without_key(ws.path(), &["check", "--at", "2026-11-23"]);
    assert!(o.status.code().is_some_and(|c| c <= 1), "{}", describe(&o));
    let writer = open_db(&db_path(ws.path()));
    writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    let child = command_without_key(
        ws.path(),
        &[
            "deliver",
            "campaign-snapshot",
            "--period",
            "2026-11-16",
            "--at",
            "2026-11-16T09:00:00",
        ],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    writer.execute_batch("COMMIT").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let n: i64 = writer
        .query_row(
            "SELECT COUNT(*) FROM delivery WHERE deliverable = 'campaign-snapshot'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
}

/// Issue 13, points 1 and 8: every command that writes to the store, started while
/// another connection holds the write lock, waits for it and then does its work: exit
/// 0, its record there. (`backup` only reads the store; it is here because it must not
/// fail either.)
#[test]
fn every_write_command_waits_for_a_writer_and_lands() {
    let _heavy = heavy();
    let (_tmp, ws) = common::workspace::demo_workspace();
    let usage = ws.join("more-usage.csv");
    std::fs::write(
        &usage,
        "timestamp,user,dashboard\n2026-11-20T10:00:00Z,late@example.com,Pipeline\n",
    )
    .unwrap();
    let backup = ws.join("copy.db");
    let usage_arg = usage.to_str().unwrap();
    let backup_arg = backup.to_str().unwrap();
    // Each command, and the query whose count it must raise by one (or, for backup, a
    // file it must write).
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["import", "usage", usage_arg],
            "SELECT COUNT(*) FROM usage_event",
        ),
        (
            vec![
                "deliver",
                "campaign-snapshot",
                "--period",
                "2026-11-16",
                "--at",
                "2026-11-16T09:00:00",
            ],
            // The demo has this delivery already, at another moment: it is replaced.
            "SELECT COUNT(*) FROM delivery WHERE delivered_at = '2026-11-16T09:00:00'",
        ),
        (
            vec![
                "action",
                "add",
                "Cut Tier 3 bids",
                "--owner",
                "priya",
                "--due",
                "2026-12-01",
            ],
            "SELECT COUNT(*) FROM action_item",
        ),
        (
            vec!["action", "done", "1"],
            "SELECT COUNT(*) FROM action_item WHERE done_at IS NOT NULL",
        ),
        (
            vec![
                "dispute",
                "open",
                "--metric",
                "mqls",
                "--period",
                "2026-11-16",
                "--figure-a",
                "118",
                "--source-a",
                "HubSpot",
                "--figure-b",
                "109",
                "--source-b",
                "Salesforce",
                "--raised-by",
                "priya",
            ],
            "SELECT COUNT(*) FROM dispute",
        ),
        (
            vec![
                "dispute",
                "resolve",
                "1",
                "--resolution",
                "Salesforce governs",
            ],
            "SELECT COUNT(*) FROM dispute WHERE resolved_at IS NOT NULL",
        ),
        (
            vec!["recommend", "--as-of", "2026-11-23", "--save"],
            "SELECT COUNT(*) FROM recommendation",
        ),
        (
            vec!["purge", "--at", "2026-11-23"],
            "SELECT COUNT(*) > 0 FROM purge_log",
        ),
        (vec!["backup", backup_arg], ""),
    ];
    let db = db_path(&ws);
    for (args, count) in cases {
        let reader = open_db(&db);
        let before: i64 = if count.is_empty() {
            0
        } else {
            reader.query_row(count, [], |r| r.get(0)).unwrap()
        };
        let writer = open_db(&db);
        writer.execute_batch("BEGIN IMMEDIATE").unwrap();
        let mut child = command_without_key(&ws, &args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(1200));
        let waited = child.try_wait().unwrap().is_none();
        writer.execute_batch("COMMIT").unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", describe(&out));
        if count.is_empty() {
            assert!(backup.exists(), "{args:?} wrote its file");
        } else {
            assert!(
                waited,
                "{args:?} waited for the lock instead of ending at once"
            );
            let after: i64 = reader.query_row(count, [], |r| r.get(0)).unwrap();
            assert_eq!(after, before + 1, "{args:?} wrote exactly its record");
        }
    }
}
