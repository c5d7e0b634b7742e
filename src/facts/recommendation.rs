//! Budget recommendations as the store keeps them. The model writes and reads the body; the
//! store only keeps it, with the columns that let SQL find a recommendation.

use chrono::{NaiveDate, NaiveDateTime};

/// A recommendation saved with `rhythm recommend --save`, as the store returns it.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedRecommendation {
    pub id: i64,
    /// UTC, when it was saved.
    pub created_at: NaiveDateTime,
    pub model_version: String,
    /// The date the recommendation was made as of.
    pub as_of: NaiveDate,
    /// JSON: the recommendation (`rhythm recommend --json`) and, under "model", the fitted
    /// model it came from. `model::saved` reads and writes it.
    pub body: String,
}

/// A recommendation to save: the body and the columns the store indexes.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRecommendation {
    pub as_of: NaiveDate,
    pub horizon_weeks: u32,
    /// Currency over the horizon.
    pub total_budget: f64,
    pub model_version: String,
    pub expected_pipeline_current: f64,
    pub expected_pipeline_recommended: f64,
    pub channels: Vec<NewRecommendationChannel>,
    pub body: String,
}

/// One channel of a recommendation to save; money over the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRecommendationChannel {
    pub channel: String,
    pub current_spend: f64,
    pub recommended_spend: f64,
    pub expected_pipeline_current: f64,
    pub expected_pipeline_recommended: f64,
}
