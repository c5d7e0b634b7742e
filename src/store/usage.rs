//! Usage aggregates kept at import: views per user per day, per day in all, and per
//! dashboard per day. The cockpit reads these small tables instead of grouping millions of
//! events on open.

use rustc_hash::FxHashMap as HashMap;

use rusqlite::Transaction;

/// Counts of the events new in one import, merged into the store at its end.
#[derive(Debug, Default)]
pub struct UsageTally {
    /// user -> (epoch day -> views)
    days: HashMap<String, HashMap<i64, i64>>,
    /// (dashboard, epoch day) -> (latest timestamp, views)
    dashboards: HashMap<(String, i64), (i64, i64)>,
    /// epoch day -> views by everyone
    totals: HashMap<i64, i64>,
    /// Entries in the three maps (users count with their days).
    entries: usize,
}

impl UsageTally {
    /// Counts one new event (UTC seconds since the epoch).
    pub fn add(&mut self, timestamp: i64, user: &str, dashboard: &str) {
        let day = timestamp.div_euclid(86_400);
        let total = self.totals.entry(day).or_insert(0);
        self.entries += usize::from(*total == 0);
        *total += 1;
        match self.days.get_mut(user) {
            Some(days) => {
                let views = days.entry(day).or_insert(0);
                self.entries += usize::from(*views == 0);
                *views += 1;
            }
            None => {
                self.entries += 2;
                self.days
                    .insert(user.to_string(), HashMap::from_iter([(day, 1)]));
            }
        }
        match self.dashboards.get_mut(&(dashboard.to_string(), day)) {
            Some((last, views)) => {
                *last = (*last).max(timestamp);
                *views += 1;
            }
            None => {
                self.entries += 1;
                self.dashboards
                    .insert((dashboard.to_string(), day), (timestamp, 1));
            }
        }
    }

    /// How much the tally holds: an import adds it to the store (see [`UsageTally::flush`])
    /// and starts afresh once this passes its bound, so memory does not grow with the
    /// number of users, dashboards and days in one file.
    pub fn entries(&self) -> usize {
        self.entries
    }

    /// Adds the counts to the aggregates, inside the import's transaction. The counts add
    /// up, so a tally may be flushed in parts.
    pub fn flush(self, tx: &Transaction) -> rusqlite::Result<()> {
        let mut day = tx.prepare(
            "INSERT INTO usage_day (user, day, views) VALUES (?1, ?2, ?3)
             ON CONFLICT (user, day) DO UPDATE SET views = views + excluded.views",
        )?;
        // In key order, so SQLite appends to its B-tree instead of splitting pages at random.
        let mut users: Vec<&String> = self.days.keys().collect();
        users.sort_unstable_by_key(|u| u.to_lowercase());
        for user in users {
            let mut days: Vec<(&i64, &i64)> = self.days[user].iter().collect();
            days.sort_unstable();
            for (d, views) in days {
                day.execute(rusqlite::params![user, d, views])?;
            }
        }
        let mut dashboard = tx.prepare(
            "INSERT INTO dashboard_day (dashboard, day, last_viewed, views) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (dashboard, day) DO UPDATE SET last_viewed = MAX(last_viewed, excluded.last_viewed),
                 views = views + excluded.views",
        )?;
        for ((name, day), (last, views)) in &self.dashboards {
            dashboard.execute(rusqlite::params![name, day, last, views])?;
        }
        let mut total = tx.prepare(
            "INSERT INTO usage_total (day, views) VALUES (?1, ?2)
             ON CONFLICT (day) DO UPDATE SET views = views + excluded.views",
        )?;
        for (day, views) in &self.totals {
            total.execute(rusqlite::params![day, views])?;
        }
        Ok(())
    }
}

/// Rebuilds both aggregates from the events (after a purge deletes events).
pub fn rebuild(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute_batch(
        "DELETE FROM usage_day;
         INSERT INTO usage_day (user, day, views) SELECT user, timestamp / 86400, COUNT(*) FROM usage_event GROUP BY user COLLATE NOCASE, 2;
         DELETE FROM dashboard_day;
         INSERT INTO dashboard_day (dashboard, day, last_viewed, views) SELECT dashboard, timestamp / 86400, MAX(timestamp), COUNT(*) FROM usage_event GROUP BY 1, 2;
         DELETE FROM usage_total;
         INSERT INTO usage_total (day, views) SELECT timestamp / 86400, COUNT(*) FROM usage_event GROUP BY 1;",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    /// The three aggregates, in key order.
    fn aggregates(store: &Store) -> Vec<String> {
        let mut out = Vec::new();
        for sql in [
            "SELECT user || ' ' || day || ' ' || views FROM usage_day ORDER BY 1",
            "SELECT dashboard || ' ' || day || ' ' || last_viewed || ' ' || views FROM dashboard_day ORDER BY 1",
            "SELECT day || ' ' || views FROM usage_total ORDER BY 1",
        ] {
            let mut stmt = store.conn.prepare(sql).unwrap();
            let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
            out.extend(rows.map(Result::unwrap));
        }
        out
    }

    #[test]
    fn a_tally_flushed_in_parts_adds_up_to_one_flush() {
        let events: Vec<(i64, String, String)> = (0..500i64)
            .map(|i| {
                (
                    1_700_000_000 + i * 7_919 % 400_000,
                    format!("user{}", i % 7),
                    format!("dash{}", i % 5),
                )
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let mut once = Store::open(&dir.path().join("once.db")).unwrap();
        let mut parts = Store::open(&dir.path().join("parts.db")).unwrap();

        let tx = once.conn.transaction().unwrap();
        let mut tally = UsageTally::default();
        for (t, u, d) in &events {
            tally.add(*t, u, d);
        }
        assert!(tally.entries() > 0);
        tally.flush(&tx).unwrap();
        tx.commit().unwrap();

        let tx = parts.conn.transaction().unwrap();
        let mut tally = UsageTally::default();
        for (t, u, d) in &events {
            tally.add(*t, u, d);
            if tally.entries() > 20 {
                std::mem::take(&mut tally).flush(&tx).unwrap();
            }
        }
        tally.flush(&tx).unwrap();
        tx.commit().unwrap();

        assert_eq!(aggregates(&parts), aggregates(&once));
        assert!(!aggregates(&once).is_empty());
    }
}
