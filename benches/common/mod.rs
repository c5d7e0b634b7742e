//! What the import benches share: the generator's random numbers and CSV lines, and the
//! sqlite3 CLI side of the comparison.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The keyed table sqlite3 imports into: the same unique key as rhythm's usage table.
pub const SQLITE_SCHEMA: &str = "CREATE TABLE usage_event(timestamp TEXT NOT NULL, user TEXT NOT NULL, dashboard TEXT NOT NULL, PRIMARY KEY(timestamp,user,dashboard)) WITHOUT ROWID;";

/// A 64-bit LCG (Knuth's MMIX constants); the high bits are good enough to pick users.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Writes usage CSV lines in time order, formatting each day's date once.
#[derive(Default)]
pub struct UsageLines {
    day: Option<i64>,
    date: String,
}

impl UsageLines {
    /// One `timestamp,user,dashboard` line for the event at Unix time `t`.
    pub fn write(
        &mut self,
        out: &mut impl Write,
        t: i64,
        user: u64,
        dashboard: u64,
    ) -> std::io::Result<()> {
        let day = t.div_euclid(86_400);
        if self.day != Some(day) {
            self.day = Some(day);
            self.date = chrono::DateTime::from_timestamp(day * 86_400, 0)
                .expect("in range")
                .format("%Y-%m-%d")
                .to_string();
        }
        let s = t.rem_euclid(86_400);
        writeln!(
            out,
            "{}T{:02}:{:02}:{:02}Z,user{user:04}@example.com,dashboard-{dashboard:02}",
            self.date,
            s / 3600,
            s / 60 % 60,
            s % 60
        )
    }
}

pub fn sqlite3_available() -> bool {
    Command::new("sqlite3")
        .arg("-version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The sqlite3 CLI's script: same journal settings as rhythm's store, one transaction.
pub fn sqlite_script(csv: &Path) -> String {
    let file = csv.display().to_string().replace('"', "\\\"");
    format!(
        "PRAGMA journal_mode=WAL;\nPRAGMA synchronous=NORMAL;\n{SQLITE_SCHEMA}\nBEGIN;\n.mode csv\n.import --skip 1 \"{file}\" usage_event\nCOMMIT;\n"
    )
}

/// `sqlite3 db < script`, timing the whole process.
pub fn sqlite3_run(script: &str, db: &Path) -> Duration {
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
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.trim().is_empty(),
        "sqlite3 failed ({}): {stderr}",
        out.status
    );
    elapsed
}
