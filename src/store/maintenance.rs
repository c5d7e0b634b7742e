//! Keeping the store: the charter's retention rule (`purge_before`) and online backups
//! (`backup_to`). Both are safe while the cockpit or an import has the store open.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};

use super::{Store, StoreError};

/// Rows of one table that a purge deletes (or, in a dry run, would delete).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurgedTable {
    pub table: &'static str,
    /// Rows dated before the cutoff.
    pub older: u64,
    /// Rows in the table before the purge.
    pub total: u64,
}

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupCopy {
    /// Database pages copied.
    pub pages: u64,
    /// The copy's size in bytes.
    pub bytes: u64,
    /// The copy's newest import (UTC `YYYY-MM-DDTHH:MM:SS`), if any.
    pub last_import: Option<String>,
}

/// How long a backup waits for a store that another process is recovering or locking.
const BUSY_WAIT: Duration = Duration::from_secs(10);

impl Store {
    /// Deletes the usage events and NPS answers dated before `cutoff` (usage: before
    /// its 00:00 UTC), erases the email of leads created before it (table `lead`: the
    /// lead stays, its personal data goes), rebuilds the usage aggregates from what is left and records the
    /// horizon in `purge_log` (the Dataset's `purged`), in one transaction. With `dry_run` nothing changes: the counts say what would go.
    /// Deleted personal data is overwritten on disk (`secure_delete`), not just
    /// unlinked from the B-tree.
    pub fn purge_before(
        &mut self,
        cutoff: NaiveDate,
        dry_run: bool,
    ) -> Result<Vec<PurgedTable>, StoreError> {
        let epoch = cutoff
            .and_time(chrono::NaiveTime::MIN)
            .and_utc()
            .timestamp();
        let day = cutoff.to_string();
        let tables: [(&'static str, &str, &str, &dyn rusqlite::ToSql); 3] = [
            ("usage_event", "usage", "timestamp < ?1", &epoch),
            ("nps_response", "nps", "date < ?1", &day),
            (
                "lead",
                "lead_email",
                "created < ?1 AND email IS NOT NULL",
                &day,
            ),
        ];
        if !dry_run {
            self.conn.pragma_update(None, "secure_delete", true)?;
        }
        let tx = self.conn.transaction_with_behavior(if dry_run {
            rusqlite::TransactionBehavior::Deferred
        } else {
            rusqlite::TransactionBehavior::Immediate
        })?;
        let mut out = Vec::new();
        for (table, kind, older_than, param) in tables {
            // Table names are the constants above, never input.
            let older: i64 = tx.query_row(
                &format!("SELECT COUNT(*) FROM {table} WHERE {older_than}"),
                [param],
                |r| r.get(0),
            )?;
            let total: i64 =
                tx.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
            if !dry_run && older > 0 && table == "lead" {
                tx.execute(
                    &format!("UPDATE lead SET email = NULL WHERE {older_than}"),
                    [param],
                )?;
            } else if !dry_run && older > 0 {
                tx.execute(&format!("DELETE FROM {table} WHERE {older_than}"), [param])?;
                if table == "usage_event" {
                    super::usage::rebuild(&tx)?;
                }
            }
            if !dry_run {
                // The horizon, even when nothing was old enough: by the charter's rule
                // the store holds nothing of this kind before `cutoff` from now on.
                tx.execute(
                    "INSERT INTO purge_log (kind, before, rows, purged_at)
                     VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%S', 'now'))",
                    rusqlite::params![kind, day, older],
                )?;
            }
            out.push(PurgedTable {
                table,
                older: older as u64,
                total: total as u64,
            });
        }
        if dry_run {
            tx.rollback()?;
        } else {
            tx.commit()?;
            // Move the overwritten pages from the WAL into the file now, so the deleted
            // rows do not linger in the log. A reader (the cockpit) may keep part of the
            // log alive until it moves on; SQLite finishes the job later.
            let _ = self
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
        Ok(out)
    }

    /// Copies the store into the empty or new SQLite file `dest` with SQLite's online
    /// backup: all pages in one step, inside one read transaction, so the copy is one
    /// consistent snapshot — the last commit before the step — while the cockpit reads
    /// and imports go on (WAL readers and the writer do not block each other). The copy
    /// is a single file (rollback journal, no `-wal` beside it) and passes
    /// `PRAGMA quick_check` before this returns.
    pub fn backup_to(&self, dest: &Path) -> Result<BackupCopy, StoreError> {
        let open_err = |source| StoreError::Open {
            path: dest.to_path_buf(),
            source,
        };
        let mut copy = Connection::open(dest).map_err(open_err)?;
        copy.busy_timeout(BUSY_WAIT).map_err(open_err)?;
        let pages = {
            let backup = Backup::new(&self.conn, &mut copy)?;
            let started = Instant::now();
            loop {
                match backup.step(-1)? {
                    StepResult::Done => break,
                    StepResult::More => {}
                    // Another process holds a lock it is about to release (a WAL
                    // recovery, a checkpoint): wait as the busy timeout would.
                    StepResult::Busy | StepResult::Locked if started.elapsed() < BUSY_WAIT => {
                        std::thread::sleep(Duration::from_millis(25));
                    }
                    _ => {
                        return Err(StoreError::Sql(rusqlite::Error::SqliteFailure(
                            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                            Some("the store stayed locked for 10 s".into()),
                        )));
                    }
                }
            }
            backup.progress().pagecount as u64
        };
        copy.pragma_update(None, "journal_mode", "DELETE")?;
        let check: String = copy.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(StoreError::Sql(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(format!("the copy failed its check: {check}")),
            )));
        }
        let last_import: Option<String> =
            copy.query_row("SELECT MAX(loaded_at) FROM import_log", [], |r| r.get(0))?;
        copy.close().map_err(|(_, e)| e)?;
        let bytes = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
        Ok(BackupCopy {
            pages,
            bytes,
            last_import,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with(usage: &[(&str, &str)], nps: &[&str]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("rhythm.db")).unwrap();
        let tx = store.conn.transaction().unwrap();
        for (at, user) in usage {
            let t = chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S")
                .unwrap()
                .and_utc()
                .timestamp();
            tx.execute(
                "INSERT INTO usage_event (timestamp, user, dashboard) VALUES (?1, ?2, 'Exec')",
                rusqlite::params![t, user],
            )
            .unwrap();
        }
        for (i, date) in nps.iter().enumerate() {
            tx.execute(
                "INSERT INTO nps_response (date, respondent, score) VALUES (?1, ?2, 9)",
                rusqlite::params![date, format!("r{i}")],
            )
            .unwrap();
        }
        crate::store::usage::rebuild(&tx).unwrap();
        tx.commit().unwrap();
        (dir, store)
    }

    fn count(store: &Store, sql: &str) -> i64 {
        store
            .conn
            .query_row(sql, [], |r| r.get::<_, Option<i64>>(0))
            .unwrap()
            .unwrap_or(0)
    }

    #[test]
    fn purge_deletes_before_the_cutoff_and_rebuilds_the_aggregates() {
        let (_d, mut s) = store_with(
            &[
                ("2025-01-09T23:59:59", "a"),
                ("2025-01-10T00:00:00", "a"),
                ("2025-03-01T12:00:00", "b"),
            ],
            &["2025-01-09", "2025-01-10"],
        );
        s.conn
            .execute_batch(
                "INSERT INTO lead (id, created, source, email) VALUES
                 ('L1', '2025-01-09T23:59:59', 'Webinar', 'a@example.com'),
                 ('L2', '2025-01-10T00:00:00', 'Webinar', 'b@example.com');",
            )
            .unwrap();
        let cutoff = NaiveDate::from_ymd_opt(2025, 1, 10).unwrap();
        let dry = s.purge_before(cutoff, true).unwrap();
        assert_eq!(
            dry,
            vec![
                PurgedTable {
                    table: "usage_event",
                    older: 1,
                    total: 3
                },
                PurgedTable {
                    table: "nps_response",
                    older: 1,
                    total: 2
                },
                PurgedTable {
                    table: "lead",
                    older: 1,
                    total: 2
                },
            ]
        );
        assert_eq!(count(&s, "SELECT COUNT(*) FROM usage_event"), 3);
        s.purge_before(cutoff, false).unwrap();
        assert_eq!(count(&s, "SELECT COUNT(*) FROM usage_event"), 2);
        assert_eq!(count(&s, "SELECT COUNT(*) FROM nps_response"), 1);
        // The lead stays; its email goes.
        assert_eq!(count(&s, "SELECT COUNT(*) FROM lead"), 2);
        assert_eq!(count(&s, "SELECT COUNT(email) FROM lead"), 1);
        assert_eq!(
            count(
                &s,
                "SELECT COUNT(*) FROM lead WHERE id = 'L2' AND email IS NOT NULL"
            ),
            1
        );
        assert_eq!(count(&s, "SELECT SUM(views) FROM usage_day"), 2);
        assert_eq!(count(&s, "SELECT SUM(views) FROM usage_total"), 2);
        assert_eq!(count(&s, "SELECT SUM(views) FROM dashboard_day"), 2);
        // Nothing left to purge: a second run deletes nothing.
        let again = s.purge_before(cutoff, false).unwrap();
        assert!(again.iter().all(|t| t.older == 0));
        // The horizon is on record for the figures; the dry run left none.
        assert_eq!(count(&s, "SELECT COUNT(*) FROM purge_log"), 6);
        assert_eq!(
            count(&s, "SELECT SUM(rows) FROM purge_log WHERE kind = 'usage'"),
            1
        );
        let charter = crate::charter::Charter::shipped();
        let purged = s.load_dataset(&charter).unwrap().purged;
        assert_eq!(purged.usage_before, Some(cutoff));
        assert_eq!(purged.nps_before, Some(cutoff));
        assert_eq!(purged.lead_emails_before, Some(cutoff));
    }

    #[test]
    fn a_backup_is_a_consistent_single_file() {
        let (dir, s) = store_with(&[("2025-01-09T10:00:00", "a")], &["2025-01-09"]);
        let dest = dir.path().join("copy.db");
        let copy = s.backup_to(&dest).unwrap();
        assert!(copy.pages > 0 && copy.bytes > 0);
        assert!(!dir.path().join("copy.db-wal").exists());
        let conn = Connection::open(&dest).unwrap();
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete");
        let n: i64 = conn
            .query_row("SELECT COUNT(*) FROM usage_event", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }
}
