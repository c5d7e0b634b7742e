//! When things go wrong, with the real binary: an import killed at random moments, the
//! store read and written by other processes during an import, online backups, the
//! retention rule, pseudonymised usage, the BI tools' own exports, and the terminal
//! after a panic.
//!
//! The timing-sensitive tests (kills, concurrent readers, backup during an import) take
//! `HEAVY` so they do not share the two cores with each other.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rusqlite::Connection;

static HEAVY: Mutex<()> = Mutex::new(());

fn heavy() -> std::sync::MutexGuard<'static, ()> {
    HEAVY.lock().unwrap_or_else(|e| e.into_inner())
}

const BIN: &str = env!("CARGO_BIN_EXE_rhythm");

fn rhythm_in(ws: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--workspace").arg(ws).args(args);
    cmd.env_remove("RHYTHM_PSEUDONYM_KEY");
    cmd
}

fn run(ws: &Path, args: &[&str]) -> Output {
    rhythm_in(ws, args).output().expect("the binary runs")
}

fn out(o: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A workspace with the shipped charter, edited by `edit`.
fn workspace(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("charter")).unwrap();
    let charter = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("charter/partnership.toml"),
    )
    .unwrap();
    std::fs::write(tmp.path().join("charter/partnership.toml"), edit(charter)).unwrap();
    tmp
}

fn db(ws: &Path) -> PathBuf {
    ws.join("data/rhythm.db")
}

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

/// What a reader sees, all in one read transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct State {
    events: i64,
    imports: i64,
    day_views: i64,
    total_views: i64,
    dashboard_views: i64,
}

impl State {
    fn read(conn: &mut Connection) -> State {
        let tx = conn.transaction().unwrap();
        let q = |sql: &str| {
            tx.query_row(sql, [], |r| r.get::<_, Option<i64>>(0))
                .unwrap()
                .unwrap_or(0)
        };
        let state = State {
            events: q("SELECT COUNT(*) FROM usage_event"),
            imports: q("SELECT COUNT(*) FROM import_log"),
            day_views: q("SELECT SUM(views) FROM usage_day"),
            total_views: q("SELECT SUM(views) FROM usage_total"),
            dashboard_views: q("SELECT SUM(views) FROM dashboard_use"),
        };
        tx.commit().unwrap();
        state
    }

    /// The usage aggregates agree with the events.
    fn consistent(&self) -> bool {
        self.day_views == self.events
            && self.total_views == self.events
            && self.dashboard_views == self.events
    }
}

fn open(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn
}

fn integrity(conn: &Connection) -> String {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

/// A workspace whose store holds a small usage import (1,000 events, one log entry),
/// and a big usage file of `big_rows` events beside it.
fn with_store_and_big_file(big_rows: usize) -> (tempfile::TempDir, PathBuf, State) {
    let ws = workspace(|c| c);
    let small = ws.path().join("small.csv");
    write_usage(&small, 1_000, JAN_2022);
    let o = run(ws.path(), &["import", "usage", small.to_str().unwrap()]);
    assert!(o.status.success(), "{}", out(&o));
    let big = ws.path().join("big.csv");
    write_usage(&big, big_rows, JAN_2024);
    let base = State::read(&mut open(&db(ws.path())));
    assert_eq!((base.events, base.imports), (1_000, 1));
    (ws, big, base)
}

fn spawn_import(ws: &Path, db: &Path, file: &Path) -> Child {
    rhythm_in(ws, &["--db"])
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
    let base_db = db(ws.path());
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
        assert_eq!(State::read(&mut open(&calibrate)), all);
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

        let mut conn = open(&store);
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
    let store = db(ws.path());
    let nps = ws.path().join("nps.csv");
    std::fs::write(&nps, "date,respondent,score\n2026-11-02,r1,9\n").unwrap();

    let mut import = spawn_import(ws.path(), &store, &big);
    let mut reader = open(&store);
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
                let child = rhythm_in(ws.path(), &args)
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
    assert!(import.status.success(), "{}", out(&import));
    assert!(
        reads_while_running >= 3,
        "the import ended before the readers overlapped it ({reads_while_running} reads)"
    );
    for (name, child) in others {
        let o = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!stderr.contains("locked"), "{name}: {}", out(&o));
        match name {
            "import nps" => assert!(o.status.success(), "{name}: {}", out(&o)),
            // A breach (1) is an answer; 2 would be a failure to read the store.
            _ => assert!(
                matches!(o.status.code(), Some(0 | 1)),
                "{name}: {}",
                out(&o)
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
    let store = db(ws.path());
    let mut cockpit = open(&store);
    let tx = cockpit.transaction().unwrap();
    let seen: i64 = tx
        .query_row("SELECT COUNT(*) FROM usage_event", [], |r| r.get(0))
        .unwrap();
    assert_eq!(seen, base.events);

    let copy = ws.path().join("backups/rhythm-2026-11-23.db");
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    let o = run(ws.path(), &["backup", copy.to_str().unwrap()]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("a consistent copy"));
    let mut conn = open(&copy);
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
    let o = run(ws.path(), &["backup", copy.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("--force"),
        "{}",
        out(&o)
    );
    assert_eq!(std::fs::read_to_string(&copy).unwrap(), "precious");
    // …unless asked.
    let o = run(ws.path(), &["backup", "--force", copy.to_str().unwrap()]);
    assert!(o.status.success(), "{}", out(&o));
    assert_eq!(State::read(&mut open(&copy)), base);
    // The store itself is refused.
    let o = run(ws.path(), &["backup", "--force", store.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    tx.commit().unwrap();
}

/// Issue 7, point 7: a backup taken while another process imports holds the store as
/// it was before the import or after it, never in between, and passes integrity_check.
#[test]
fn backup_during_an_import_holds_the_last_commit() {
    let _heavy = heavy();
    const ROWS: usize = 100_000;
    let (ws, big, base) = with_store_and_big_file(ROWS);
    let store = db(ws.path());
    let mut import = spawn_import(ws.path(), &store, &big);
    std::thread::sleep(Duration::from_millis(300));
    let running = import.try_wait().unwrap().is_none();
    let copy = ws.path().join("during-import.db");
    let o = run(ws.path(), &["backup", copy.to_str().unwrap()]);
    assert!(o.status.success(), "{}", out(&o));
    let import = import.wait_with_output().unwrap();
    assert!(import.status.success(), "{}", out(&import));
    assert!(
        running,
        "the import ended before the backup started: make the file bigger"
    );

    let mut conn = open(&copy);
    assert_eq!(integrity(&conn), "ok");
    let state = State::read(&mut conn);
    assert!(
        state == base || state.events == base.events + ROWS as i64,
        "the copy holds part of the import: {state:?}"
    );
    assert!(state.consistent(), "{state:?}");
}

/// A usage and NPS file spanning two years before 2026-11-20.
fn write_dated_files(ws: &Path) -> (PathBuf, PathBuf) {
    let usage = ws.join("usage.csv");
    let nps = ws.join("nps.csv");
    let mut u = String::from("timestamp,user,dashboard\n");
    let mut n = String::from("date,respondent,score\n");
    for (i, date) in [
        "2024-11-01",
        "2025-06-30",
        "2025-10-20",
        "2025-10-21",
        "2026-11-19",
    ]
    .iter()
    .enumerate()
    {
        u.push_str(&format!(
            "{date}T09:00:00Z,dana.whitfield@atlas-eor.com,Exec\n{date}T10:00:00Z,user{i}@example.com,Funnel\n"
        ));
        n.push_str(&format!("{date},r{i},9\n"));
    }
    std::fs::write(&usage, u).unwrap();
    std::fs::write(&nps, n).unwrap();
    (usage, nps)
}

fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get::<_, Option<i64>>(0))
        .unwrap()
        .unwrap_or(0)
}

/// Issue 7, point 6: `rhythm purge` applies the charter's retention (395 days): a dry
/// run says what would go and changes nothing; the purge deletes exactly that and
/// rebuilds the usage aggregates.
#[test]
fn purge_deletes_what_the_dry_run_announced() {
    let ws = workspace(|c| c);
    let (usage, nps) = write_dated_files(ws.path());
    for (kind, file) in [("usage", &usage), ("nps", &nps)] {
        let o = run(ws.path(), &["import", kind, file.to_str().unwrap()]);
        assert!(o.status.success(), "{}", out(&o));
    }
    let store = db(ws.path());
    // 2026-11-20 - 395 days = 2025-10-21: rows dated before it go.
    let o = run(ws.path(), &["purge", "--dry-run", "--at", "2026-11-20"]);
    assert!(o.status.success(), "{}", out(&o));
    let said = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(said.contains("before 2025-10-21"), "{said}");
    assert!(
        said.contains("usage_event   would delete 6 of 10 rows"),
        "{said}"
    );
    assert!(
        said.contains("nps_response  would delete 3 of 5 rows"),
        "{said}"
    );
    let conn = open(&store);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM usage_event"), 10);
    drop(conn);

    let o = run(ws.path(), &["purge", "--at", "2026-11-20"]);
    assert!(o.status.success(), "{}", out(&o));
    let said = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        said.contains("usage_event   deleted 6 of 10 rows"),
        "{said}"
    );
    assert!(said.contains("nps_response  deleted 3 of 5 rows"), "{said}");
    let mut conn = open(&store);
    let state = State::read(&mut conn);
    assert_eq!(state.events, 4);
    assert!(state.consistent(), "{state:?}");
    assert_eq!(state.imports, 2, "a purge is not an import");
    assert_eq!(
        count(
            &conn,
            "SELECT MIN(date) FROM nps_response WHERE date < '2025-10-21'"
        ),
        0
    );
    assert_eq!(integrity(&conn), "ok");
}

#[test]
fn purge_without_a_retention_rule_is_refused() {
    let ws = workspace(|c| {
        c.lines()
            .filter(|l| !l.starts_with("retention_days"))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let o = run(ws.path(), &["purge", "--dry-run"]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("retention_days"),
        "{}",
        out(&o)
    );
}

const KEY: &str = "correct horse battery staple";

fn pseudonymising(c: String) -> String {
    c.replace("pseudonymise_usage = false", "pseudonymise_usage = true")
}

/// Issue 7, point 6: with `pseudonymise_usage = true`, an import without the key is
/// refused and writes nothing; with it, no user name reaches the store in clear, and
/// each is the keyed hash `rhythm::ingest::pseudonym` gives (which the charter's
/// stakeholder mapping uses).
#[test]
fn pseudonymised_usage_needs_the_key_and_stores_no_names() {
    let ws = workspace(pseudonymising);
    let (usage, _) = write_dated_files(ws.path());
    let o = run(ws.path(), &["import", "usage", usage.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("RHYTHM_PSEUDONYM_KEY"),
        "{}",
        out(&o)
    );
    assert!(
        !db(ws.path()).exists(),
        "nothing is written without the key"
    );

    let looker = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/looker_history.csv");
    for file in [&usage, &looker] {
        let o = rhythm_in(ws.path(), &["import", "usage", file.to_str().unwrap()])
            .env("RHYTHM_PSEUDONYM_KEY", KEY)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", out(&o));
        assert!(String::from_utf8_lossy(&o.stdout).contains("pseudonymised"));
    }
    let conn = open(&db(ws.path()));
    let users: Vec<String> = conn
        .prepare("SELECT DISTINCT user FROM usage_event ORDER BY 1")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        users.iter().all(|u| rhythm::ingest::is_pseudonym(u)),
        "{users:?}"
    );
    let dana = rhythm::ingest::pseudonym(KEY.as_bytes(), "Dana.Whitfield@atlas-eor.com");
    assert!(users.contains(&dana), "{users:?}");
    // The CSV and the Looker export agree on who Dana is.
    assert_eq!(
        count(
            &conn,
            &format!(
                "SELECT COUNT(*) FROM usage_event WHERE user = '{dana}' AND source = 'looker'"
            )
        ),
        1
    );
    assert_eq!(
        count(
            &conn,
            &format!("SELECT SUM(views) FROM usage_day WHERE user = '{dana}'")
        ),
        6
    );
    drop(conn);
    // Not a trace of a name in the store's files.
    for file in ["rhythm.db", "rhythm.db-wal"] {
        if let Ok(bytes) = std::fs::read(ws.path().join("data").join(file)) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("dana.whitfield"), "{file} holds a name");
        }
    }
}

// ── Issue 7, point 5: the BI tools' own exports ───────────────────────────────────────

/// Imports a fixture into a fresh workspace; returns the summary printed and the rows
/// stored as (UTC time, user, dashboard, source), in time order.
fn import_fixture(name: &str) -> (String, Vec<(String, String, String, String)>) {
    let ws = workspace(|c| c);
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let o = run(ws.path(), &["import", "usage", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", out(&o));
    let conn = open(&db(ws.path()));
    let rows = conn
        .prepare(
            "SELECT strftime('%Y-%m-%dT%H:%M:%S', timestamp, 'unixepoch'), user, dashboard, source
             FROM usage_event ORDER BY timestamp, user",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let state = State::read(&mut open(&db(ws.path())));
    assert!(state.consistent(), "{state:?}");
    (String::from_utf8_lossy(&o.stdout).into_owned(), rows)
}

fn row(t: &str, user: &str, dashboard: &str, source: &str) -> (String, String, String, String) {
    (t.into(), user.into(), dashboard.into(), source.into())
}

#[test]
fn looker_system_activity_history_export() {
    let (said, rows) = import_fixture("looker_history.csv");
    assert!(said.contains("Looker System Activity (History)"), "{said}");
    assert!(said.contains("3 rows of usage — 3 new"), "{said}");
    assert!(said.contains("1 row repeated"), "{said}");
    assert!(said.contains("skipped 2 rows"), "{said}");
    assert!(said.contains("Scheduled Task (1)"), "{said}");
    assert_eq!(
        rows,
        vec![
            row(
                "2026-11-16T09:12:04",
                "dana.whitfield@atlas-eor.com",
                "Executive Marketing Summary",
                "looker"
            ),
            row(
                "2026-11-16T10:03:40",
                "sam.okafor@atlas-eor.com",
                "Pipeline by Channel",
                "looker"
            ),
            row(
                "2026-11-17T08:45:00",
                "lee.brennan@atlas-eor.com",
                "Brand, Awareness & Share of Voice",
                "looker"
            ),
        ]
    );
}

#[test]
fn metabase_view_log_export() {
    let (said, rows) = import_fixture("metabase_view_log.csv");
    assert!(said.contains("Metabase view_log"), "{said}");
    assert!(said.contains("3 rows of usage — 3 new"), "{said}");
    assert!(
        said.contains("skipped 1 row that is not a dashboard view: model = table (1)"),
        "{said}"
    );
    assert_eq!(
        rows,
        vec![
            // 10:03:40.5+01:00 is 09:03:40 UTC.
            row(
                "2026-11-16T09:03:40",
                "sam.okafor@atlas-eor.com",
                "question 57",
                "metabase"
            ),
            row(
                "2026-11-16T09:12:04",
                "dana.whitfield@atlas-eor.com",
                "Executive Marketing Summary",
                "metabase"
            ),
            row(
                "2026-11-17T08:45:00",
                "lee.brennan@atlas-eor.com",
                "Brand Health",
                "metabase"
            ),
        ]
    );
}

#[test]
fn tableau_admin_insights_ts_events_export() {
    let (said, rows) = import_fixture("tableau_ts_events.csv");
    assert!(
        said.contains("Tableau Admin Insights (TS Events)"),
        "{said}"
    );
    assert!(said.contains("3 rows of usage — 3 new"), "{said}");
    assert!(said.contains("Event Type Name = Login (1)"), "{said}");
    assert!(
        said.contains("Event Type Name = Publish Workbook (1)"),
        "{said}"
    );
    assert_eq!(
        rows,
        vec![
            row(
                "2026-11-16T09:12:04",
                "dana.whitfield@atlas-eor.com",
                "Executive Summary",
                "tableau"
            ),
            // No email on this row: the user name stands in.
            row(
                "2026-11-16T13:03:40",
                "sokafor",
                "Pipeline Overview",
                "tableau"
            ),
            row(
                "2026-11-17T08:45:00",
                "lee.brennan@atlas-eor.com",
                "Share of Voice",
                "tableau"
            ),
        ]
    );
}

#[test]
fn power_bi_activity_log_export() {
    let (said, rows) = import_fixture("powerbi_activity_log.csv");
    assert!(said.contains("Power BI activity log"), "{said}");
    assert!(said.contains("3 rows of usage — 3 new"), "{said}");
    assert!(said.contains("Activity = ExportReport (1)"), "{said}");
    assert!(said.contains("Activity = ViewTile (1)"), "{said}");
    assert_eq!(
        rows,
        vec![
            row(
                "2026-11-16T09:12:04",
                "dana.whitfield@atlas-eor.com",
                "Executive Marketing Summary",
                "powerbi"
            ),
            row(
                "2026-11-16T10:03:40",
                "sam.okafor@atlas-eor.com",
                "Pipeline by Channel",
                "powerbi"
            ),
            row(
                "2026-11-17T08:45:00",
                "lee.brennan@atlas-eor.com",
                "Share of Voice",
                "powerbi"
            ),
        ]
    );
}

#[test]
fn a_bi_export_with_a_bad_timestamp_names_its_column_and_writes_nothing() {
    let ws = workspace(|c| c);
    let file = ws.path().join("pbi.csv");
    std::fs::write(
        &file,
        "CreationTime,UserId,Activity,ReportName\n2026-11-16T09:12:04Z,a@x.com,ViewReport,Pipeline\n16.11.2026 09:12,b@x.com,ViewReport,Pipeline\n",
    )
    .unwrap();
    let o = run(ws.path(), &["import", "usage", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("line 3, column 1 (CreationTime)"),
        "{stderr}"
    );
    let conn = open(&db(ws.path()));
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM usage_event"), 0);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM import_log"), 0);
}

// ── Issue 7, point 8: the terminal after a panic ──────────────────────────────────────

fn tmux(args: &[&str]) -> String {
    let o = Command::new("tmux").args(args).output().unwrap();
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What the terminal shows after the cockpit panicked in a view (the cockpit's test
/// hook `RHYTHM_TEST_PANIC=1`) and the shell ran `echo` and `stty -a`: the screen, and
/// tmux's `alternate_on` and mouse-reporting flags. `None` without tmux.
fn after_a_panic(name: &str) -> Option<(String, String, String)> {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux is not installed: skipping (.ci/run installs it)");
        return None;
    }
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("demo");
    // A workspace with data, so the cockpit draws its views.
    let o = Command::new(BIN)
        .args(["demo", "--no-open", "--dir"])
        .arg(&ws)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", out(&o));
    let session = format!("rhythm-{name}-{}", std::process::id());
    struct Kill(String);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = Command::new("tmux")
                .args(["kill-session", "-t", &self.0])
                .output();
        }
    }
    let command = format!(
        "RUST_BACKTRACE=0 RHYTHM_TEST_PANIC=1 {BIN} --workspace {}; echo EXITED $?; stty -a; sleep 30",
        ws.display()
    );
    let status = Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-s",
            &session,
            "-x",
            "160",
            "-y",
            "48",
            &command,
        ])
        .status()
        .unwrap();
    assert!(status.success());
    let _kill = Kill(session.clone());
    let started = Instant::now();
    let screen = loop {
        let screen = tmux(&["capture-pane", "-p", "-t", &session]);
        if screen.contains("EXITED") && screen.contains("icanon") {
            break screen;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the cockpit did not exit after the panic:\n{screen}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let flag = |format: &str| {
        tmux(&["display-message", "-p", "-t", &session, format])
            .trim()
            .to_string()
    };
    Some((
        screen,
        flag("#{alternate_on}"),
        flag("#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}#{mouse_sgr_flag}"),
    ))
}

/// A panic inside a view leaves the terminal usable: the shell's `echo` shows in the
/// normal screen, raw mode is off (`stty -a` shows `icanon` and `echo`), the alternate
/// screen is left and mouse reporting is off.
#[test]
fn a_panic_in_a_view_leaves_the_terminal_usable() {
    let Some((screen, alternate, mouse)) = after_a_panic("panic") else {
        return;
    };
    assert!(
        screen.contains("EXITED 101"),
        "a panic exits 101:\n{screen}"
    );
    let words: Vec<&str> = screen.split_whitespace().collect();
    assert!(words.contains(&"icanon"), "raw mode was left on:\n{screen}");
    assert!(words.contains(&"echo"), "echo was left off:\n{screen}");
    assert!(
        !words.contains(&"-icanon") && !words.contains(&"-echo"),
        "{screen}"
    );
    assert_eq!(
        alternate, "0",
        "the alternate screen was not left:\n{screen}"
    );
    // Mouse reporting off, or every click in the shell prints escape codes.
    assert_eq!(mouse, "0000", "mouse capture was left on:\n{screen}");
    assert!(
        !screen.contains("Campaign snapshot"),
        "the cockpit's screen is still showing:\n{screen}"
    );
}

/// The panic's message stays readable after the terminal is restored: the terminal
/// guard does not leave the alternate screen a second time while unwinding (which would
/// put the cursor back where the cockpit started and let the shell overwrite it).
#[test]
fn a_panic_message_stays_on_screen() {
    let Some((screen, _, _)) = after_a_panic("panic-message") else {
        return;
    };
    assert!(
        screen.contains("panicked") && screen.contains("a view panics on purpose"),
        "the panic message was overwritten:\n{screen}"
    );
    let message = screen.find("panicked").unwrap();
    let exited = screen.find("EXITED").unwrap();
    assert!(
        message < exited,
        "the message comes before the shell's output:\n{screen}"
    );
}
