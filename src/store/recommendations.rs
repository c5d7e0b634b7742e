//! Saved budget recommendations (the tables of migration 4): the body `model::saved`
//! writes — the recommendation and the fitted model it came from — and one row per channel.

use chrono::NaiveDateTime;
use rusqlite::params;

use super::{Store, StoreError};
use crate::facts::{NewRecommendation, SavedRecommendation};

use super::TIME_FORMAT;

impl Store {
    /// Saves `recommendation` in one transaction; returns its id. `created_at` is UTC.
    pub fn save_recommendation(
        &self,
        recommendation: &NewRecommendation,
        created_at: NaiveDateTime,
    ) -> Result<i64, StoreError> {
        // IMMEDIATE: take the write lock first (waiting out the busy timeout), so a read
        // inside the transaction never has to upgrade and fail at once under contention.
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        tx.execute(
            "INSERT INTO recommendation (created_at, as_of, horizon_weeks, total_budget, model_version,
                 expected_pipeline_current, expected_pipeline_recommended, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                created_at.format(TIME_FORMAT).to_string(),
                recommendation.as_of.format("%Y-%m-%d").to_string(),
                recommendation.horizon_weeks,
                recommendation.total_budget,
                recommendation.model_version,
                recommendation.expected_pipeline_current,
                recommendation.expected_pipeline_recommended,
                recommendation.body,
            ],
        )?;
        let id = tx.last_insert_rowid();
        for c in &recommendation.channels {
            tx.execute(
                "INSERT INTO recommendation_channel (recommendation_id, channel, current_spend,
                     recommended_spend, expected_pipeline_current, expected_pipeline_recommended)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    id,
                    c.channel,
                    c.current_spend,
                    c.recommended_spend,
                    c.expected_pipeline_current,
                    c.expected_pipeline_recommended,
                ],
            )?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// Every saved recommendation, oldest first.
    pub fn recommendations(&self) -> Result<Vec<SavedRecommendation>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, created_at, model_version, as_of, body FROM recommendation ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| {
            let text: String = r.get(1)?;
            let created_at = NaiveDateTime::parse_from_str(&text, TIME_FORMAT).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    1,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?;
            Ok(SavedRecommendation {
                id: r.get(0)?,
                created_at,
                model_version: r.get(2)?,
                as_of: {
                    let text: String = r.get(3)?;
                    chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            3,
                            rusqlite::types::Type::Text,
                            Box::new(e),
                        )
                    })?
                },
                body: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::NewRecommendationChannel;

    #[test]
    fn a_saved_recommendation_comes_back_with_its_body_and_channel_rows() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("rhythm.db")).unwrap();
        let channel = |name: &str| NewRecommendationChannel {
            channel: name.into(),
            current_spend: 100.0,
            recommended_spend: 120.0,
            expected_pipeline_current: 300.0,
            expected_pipeline_recommended: 330.0,
        };
        let new = NewRecommendation {
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 1, 4).unwrap(),
            horizon_weeks: 13,
            total_budget: 240.0,
            model_version: "mmm-1 test".into(),
            expected_pipeline_current: 600.0,
            expected_pipeline_recommended: 660.0,
            channels: vec![channel("search"), channel("social")],
            body: r#"{"as_of":"2026-01-04"}"#.into(),
        };
        let at = chrono::NaiveDate::from_ymd_opt(2026, 1, 5)
            .unwrap()
            .and_hms_opt(9, 30, 0)
            .unwrap();
        let id = store.save_recommendation(&new, at).unwrap();
        let saved = store.recommendations().unwrap();
        assert_eq!(saved.len(), 1);
        assert_eq!(saved[0].id, id);
        assert_eq!(saved[0].created_at, at);
        assert_eq!(saved[0].model_version, "mmm-1 test");
        assert_eq!(saved[0].body, new.body);
        assert_eq!(saved[0].as_of, new.as_of);
        let rows: i64 = store
            .conn
            .query_row(
                "SELECT COUNT(*) FROM recommendation_channel WHERE recommendation_id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(rows, 2);
    }
}
