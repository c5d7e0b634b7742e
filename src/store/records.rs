//! Records written by commands rather than imports (deliveries now; review records later).

use chrono::{NaiveDate, NaiveDateTime};

use super::{Store, StoreError};

impl Store {
    /// Records (or corrects) the delivery of `deliverable` for the period starting
    /// `period_start`. Returns true when a delivery for that period already existed.
    pub fn record_delivery(
        &self,
        deliverable: &str,
        period_start: NaiveDate,
        delivered_at: NaiveDateTime,
        link: Option<&str>,
        review_week: Option<NaiveDate>,
    ) -> Result<bool, StoreError> {
        // IMMEDIATE: take the write lock first (waiting out the busy timeout), so a read
        // inside the transaction never has to upgrade and fail at once under contention.
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        let existed: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM delivery WHERE deliverable = ?1 AND period_start = ?2)",
            rusqlite::params![deliverable, period_start.to_string()],
            |r| r.get(0),
        )?;
        tx.execute(
            "INSERT INTO delivery (deliverable, period_start, delivered_at, link, review_week) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (deliverable, period_start) DO UPDATE SET delivered_at = excluded.delivered_at,
                 link = COALESCE(excluded.link, delivery.link),
                 review_week = COALESCE(excluded.review_week, delivery.review_week)",
            rusqlite::params![
                deliverable,
                period_start.to_string(),
                delivered_at.format("%Y-%m-%dT%H:%M:%S").to_string(),
                link,
                review_week.map(|w| w.to_string())
            ],
        )?;
        tx.commit()?;
        Ok(existed)
    }
}
