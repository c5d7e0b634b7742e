//! A workspace's store, read directly with SQLite from the test's side.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

/// Where the workspace `ws` keeps its store.
pub fn db_path(ws: &Path) -> PathBuf {
    ws.join("data/rhythm.db")
}

/// A connection to the store at `path` that waits up to 10 s for another process's lock.
pub fn open_db(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn
}

/// What `PRAGMA integrity_check` says ("ok" when the file is sound).
pub fn integrity(conn: &Connection) -> String {
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

/// The one integer `sql` selects; NULL reads as 0.
/// Every usage row stored, as (UTC time, user, dashboard, source), in time order.
#[allow(dead_code)] // not every test binary reads usage
pub fn usage_rows(conn: &Connection) -> Vec<(String, String, String, String)> {
    conn.prepare(
        "SELECT strftime('%Y-%m-%dT%H:%M:%S', timestamp, 'unixepoch'), user, dashboard, source
         FROM usage_event ORDER BY timestamp, user",
    )
    .unwrap()
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

pub fn count(conn: &Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get::<_, Option<i64>>(0))
        .unwrap()
        .unwrap_or(0)
}

/// What a reader sees of the usage data and the import log, all in one read transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub events: i64,
    pub imports: i64,
    pub day_views: i64,
    pub total_views: i64,
    pub dashboard_views: i64,
}

impl State {
    pub fn read(conn: &mut Connection) -> State {
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
            dashboard_views: q("SELECT SUM(views) FROM dashboard_day"),
        };
        tx.commit().unwrap();
        state
    }

    /// The usage aggregates agree with the events.
    pub fn consistent(&self) -> bool {
        self.day_views == self.events
            && self.total_views == self.events
            && self.dashboard_views == self.events
    }
}
