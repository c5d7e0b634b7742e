//! Saved budget recommendations (the tables of migration 4): the recommendation as JSON
//! in `body` — `rhythm recommend --json` plus the fitted model it came from, so a later
//! back-test forecasts with the model of the time — and one row per channel.

use chrono::NaiveDateTime;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::model::{Recommendation, ResponseModel, SavedRecommendation};

const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

/// The stored body: the recommendation's own keys, and its model under "model".
#[derive(Serialize, Deserialize)]
struct Body {
    #[serde(flatten)]
    recommendation: Recommendation,
    #[serde(default)]
    model: Option<ResponseModel>,
}

fn to_sql_error(e: serde_json::Error) -> StoreError {
    StoreError::Sql(rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

impl Store {
    /// Saves `recommendation` with the `model` it came from, in one transaction; returns
    /// its id. `created_at` is UTC.
    pub fn save_recommendation(
        &self,
        recommendation: &Recommendation,
        model: &ResponseModel,
        created_at: NaiveDateTime,
    ) -> Result<i64, StoreError> {
        let body = serde_json::to_string(&Body {
            recommendation: recommendation.clone(),
            model: Some(model.clone()),
        })
        .map_err(to_sql_error)?;
        let tx = self.conn.unchecked_transaction()?;
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
                body,
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
            "SELECT id, created_at, model_version, body FROM recommendation ORDER BY id",
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
            let body: String = r.get(3)?;
            let body: Body = serde_json::from_str(&body).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    3,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })?;
            Ok(SavedRecommendation {
                id: r.get(0)?,
                created_at,
                model_version: r.get(2)?,
                recommendation: body.recommendation,
                model: body.model,
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Planner, fit, simulate};

    #[test]
    fn a_saved_recommendation_comes_back_with_its_model_and_channel_rows() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("rhythm.db")).unwrap();
        let sim = simulate::simulate(simulate::hill_truth(), 60, 3);
        let model = fit(&sim.history).unwrap();
        let charter = crate::charter::Charter::parse(
            include_str!("../../charter/partnership.toml"),
            std::path::Path::new("partnership.toml"),
        )
        .unwrap();
        let as_of = *sim.history.weeks.last().unwrap();
        let planner = Planner::new(&model, &sim.history, &charter, as_of, 13).unwrap();
        let rec = planner.recommend(None, None, 0.1).unwrap();
        let at = chrono::NaiveDate::from_ymd_opt(2026, 1, 5)
            .unwrap()
            .and_hms_opt(9, 30, 0)
            .unwrap();
        let id = store.save_recommendation(&rec, &model, at).unwrap();
        let saved = store.recommendations().unwrap();
        assert_eq!(saved.len(), 1);
        assert_eq!(saved[0].id, id);
        assert_eq!(saved[0].created_at, at);
        assert_eq!(saved[0].model_version, model.version);
        // serde_json's default parser may land one unit in the last place off.
        let back = &saved[0].recommendation;
        assert_eq!(back.channels.len(), rec.channels.len());
        assert!(
            (back.expected_pipeline_recommended / rec.expected_pipeline_recommended - 1.0).abs()
                < 1e-12
        );
        let back_model = saved[0].model.as_ref().expect("the model is saved with it");
        assert_eq!(back_model.version, model.version);
        assert_eq!(back_model.channels.len(), model.channels.len());
        let rows: i64 = store
            .conn
            .query_row(
                "SELECT COUNT(*) FROM recommendation_channel WHERE recommendation_id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(rows as usize, rec.channels.len());
    }
}
