//! The weekly review's records: every entry is its own committed transaction, so a crash
//! mid-session loses nothing already entered.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{OptionalExtension, Row, params};

use super::{Store, StoreError};
use crate::facts::SessionRecords;
use crate::facts::{ActionItem, Decision, Dispute, Insight, Note, SessionDelivery};

const TS: &str = "%Y-%m-%dT%H:%M:%S";

fn ts(t: NaiveDateTime) -> String {
    t.format(TS).to_string()
}

fn parse<T>(
    i: usize,
    text: &str,
    f: impl Fn(&str) -> Result<T, chrono::ParseError>,
) -> rusqlite::Result<T> {
    f(text).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn date(r: &Row, i: usize) -> rusqlite::Result<NaiveDate> {
    parse(i, &r.get::<_, String>(i)?, |t| {
        NaiveDate::parse_from_str(t, "%Y-%m-%d")
    })
}

fn opt_date(r: &Row, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    r.get::<_, Option<String>>(i)?
        .map(|t| parse(i, &t, |t| NaiveDate::parse_from_str(t, "%Y-%m-%d")))
        .transpose()
}

fn time(r: &Row, i: usize) -> rusqlite::Result<NaiveDateTime> {
    parse(i, &r.get::<_, String>(i)?, |t| {
        NaiveDateTime::parse_from_str(t, TS)
    })
}

fn opt_time(r: &Row, i: usize) -> rusqlite::Result<Option<NaiveDateTime>> {
    r.get::<_, Option<String>>(i)?
        .map(|t| parse(i, &t, |t| NaiveDateTime::parse_from_str(t, TS)))
        .transpose()
}

/// A new dispute, as entered.
#[derive(Debug, Clone)]
pub struct NewDispute<'a> {
    pub metric: &'a str,
    pub period: NaiveDate,
    pub figure_a: f64,
    pub source_a: &'a str,
    pub figure_b: f64,
    pub source_b: &'a str,
    pub raised_by: &'a str,
    pub week: Option<NaiveDate>,
}

impl Store {
    /// Starts (or resumes) the session of `week`.
    pub fn open_session(&self, week: NaiveDate, now: NaiveDateTime) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO review_session (week, started_at) VALUES (?1, ?2) ON CONFLICT (week) DO NOTHING",
            params![week.to_string(), ts(now)],
        )?;
        Ok(())
    }

    /// Closes the session of `week` (its minutes can be exported any time after).
    pub fn close_session(&self, week: NaiveDate, now: NaiveDateTime) -> Result<(), StoreError> {
        self.open_session(week, now)?;
        self.conn.execute(
            "UPDATE review_session SET closed_at = ?2 WHERE week = ?1",
            params![week.to_string(), ts(now)],
        )?;
        Ok(())
    }

    /// Records that an insight was shown in the review of `week`; returns its id (the
    /// first showing's, if it was shown before in that week).
    pub fn record_insight(
        &self,
        week: NaiveDate,
        kind: &str,
        source_key: &str,
        text: &str,
        now: NaiveDateTime,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO insight (week, kind, source_key, text, delivered_at) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (week, source_key) DO NOTHING",
            params![week.to_string(), kind, source_key, text, ts(now)],
        )?;
        Ok(self.conn.query_row(
            "SELECT id FROM insight WHERE week = ?1 AND source_key = ?2",
            params![week.to_string(), source_key],
            |r| r.get(0),
        )?)
    }

    #[allow(clippy::too_many_arguments)]
    pub fn add_action(
        &self,
        text: &str,
        owner: &str,
        due: NaiveDate,
        insight: Option<i64>,
        week: Option<NaiveDate>,
        agenda_item: Option<&str>,
        now: NaiveDateTime,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO action_item (text, owner, due, insight_id, week, agenda_item, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![text, owner, due.to_string(), insight, week.map(|w| w.to_string()), agenda_item, ts(now)],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Marks an action done; false when no open action has that id.
    pub fn action_done(&self, id: i64, now: NaiveDateTime) -> Result<bool, StoreError> {
        Ok(self.conn.execute(
            "UPDATE action_item SET done_at = ?2 WHERE id = ?1 AND done_at IS NULL",
            params![id, ts(now)],
        )? == 1)
    }

    pub fn insight_exists(&self, id: i64) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM insight WHERE id = ?1", [id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    pub fn add_decision(
        &self,
        week: NaiveDate,
        agenda_item: Option<&str>,
        text: &str,
        now: NaiveDateTime,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO decision (week, agenda_item, text, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![week.to_string(), agenda_item, text, ts(now)],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn add_note(
        &self,
        week: NaiveDate,
        agenda_item: Option<&str>,
        text: &str,
        now: NaiveDateTime,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO note (week, agenda_item, text, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![week.to_string(), agenda_item, text, ts(now)],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn open_dispute(&self, d: &NewDispute, now: NaiveDateTime) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO dispute (metric, period, figure_a, source_a, figure_b, source_b, raised_by, week, opened_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![d.metric, d.period.to_string(), d.figure_a, d.source_a, d.figure_b, d.source_b, d.raised_by, d.week.map(|w| w.to_string()), ts(now)],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Resolves an open dispute; false when no open dispute has that id.
    pub fn resolve_dispute(
        &self,
        id: i64,
        resolution: &str,
        now: NaiveDateTime,
    ) -> Result<bool, StoreError> {
        Ok(self.conn.execute(
            "UPDATE dispute SET resolved_at = ?2, resolution = ?3 WHERE id = ?1 AND resolved_at IS NULL",
            params![id, ts(now), resolution],
        )? == 1)
    }

    /// Every review record, oldest first.
    pub fn session_records(&self) -> Result<SessionRecords, StoreError> {
        let c = &self.conn;
        let insights = c
            .prepare(
                "SELECT id, week, kind, source_key, text, delivered_at FROM insight ORDER BY id",
            )?
            .query_map([], |r| {
                Ok(Insight {
                    id: r.get(0)?,
                    week: date(r, 1)?,
                    kind: r.get(2)?,
                    source_key: r.get(3)?,
                    text: r.get(4)?,
                    delivered_at: time(r, 5)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let actions = c
            .prepare("SELECT id, text, owner, due, insight_id, week, agenda_item, created_at, done_at FROM action_item ORDER BY id")?
            .query_map([], |r| {
                Ok(ActionItem {
                    id: r.get(0)?,
                    text: r.get(1)?,
                    owner: r.get(2)?,
                    due: date(r, 3)?,
                    insight_id: r.get(4)?,
                    week: opt_date(r, 5)?,
                    agenda_item: r.get(6)?,
                    created_at: time(r, 7)?,
                    done_at: opt_time(r, 8)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let decisions = c
            .prepare("SELECT id, week, agenda_item, text, created_at FROM decision ORDER BY id")?
            .query_map([], |r| {
                Ok(Decision {
                    id: r.get(0)?,
                    week: date(r, 1)?,
                    agenda_item: r.get(2)?,
                    text: r.get(3)?,
                    created_at: time(r, 4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let notes = c
            .prepare("SELECT id, week, agenda_item, text, created_at FROM note ORDER BY id")?
            .query_map([], |r| {
                Ok(Note {
                    id: r.get(0)?,
                    week: date(r, 1)?,
                    agenda_item: r.get(2)?,
                    text: r.get(3)?,
                    created_at: time(r, 4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let disputes = c
            .prepare("SELECT id, metric, period, figure_a, source_a, figure_b, source_b, raised_by, week, opened_at, resolved_at, resolution FROM dispute ORDER BY id")?
            .query_map([], |r| {
                Ok(Dispute {
                    id: r.get(0)?,
                    metric: r.get(1)?,
                    period: date(r, 2)?,
                    figure_a: r.get(3)?,
                    source_a: r.get(4)?,
                    figure_b: r.get(5)?,
                    source_b: r.get(6)?,
                    raised_by: r.get(7)?,
                    week: opt_date(r, 8)?,
                    opened_at: time(r, 9)?,
                    resolved_at: opt_time(r, 10)?,
                    resolution: r.get(11)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let deliveries = c
            .prepare("SELECT review_week, deliverable, period_start, delivered_at FROM delivery ORDER BY delivered_at, deliverable")?
            .query_map([], |r| {
                Ok(SessionDelivery {
                    week: opt_date(r, 0)?,
                    deliverable: r.get(1)?,
                    period_start: date(r, 2)?,
                    delivered_at: time(r, 3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let sessions = c
            .prepare("SELECT week, started_at, closed_at FROM review_session ORDER BY week")?
            .query_map([], |r| Ok((date(r, 0)?, time(r, 1)?, opt_time(r, 2)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SessionRecords {
            insights,
            actions,
            decisions,
            notes,
            disputes,
            deliveries,
            sessions,
        })
    }
}
