//! A recommendation in the form the store keeps (`facts::SavedRecommendation`'s body): the
//! recommendation's own keys (`rhythm recommend --json`) and, under "model", the fitted
//! model it came from, so a later back-test forecasts with the model of the time.

use serde::{Deserialize, Serialize};

use super::{ModelError, Recommendation, ResponseModel};
use crate::facts::{NewRecommendation, NewRecommendationChannel, SavedRecommendation};

/// The stored body.
#[derive(Serialize, Deserialize)]
struct Body {
    #[serde(flatten)]
    recommendation: Recommendation,
    #[serde(default)]
    model: Option<ResponseModel>,
}

/// A saved recommendation read back: what it recommended and the model it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct RestoredRecommendation {
    pub id: i64,
    /// UTC, when it was saved.
    pub created_at: chrono::NaiveDateTime,
    pub model_version: String,
    pub recommendation: Recommendation,
    /// None for a body saved without it.
    pub model: Option<ResponseModel>,
}

/// What the store writes for `recommendation`, fitted by `model`.
pub fn to_new(recommendation: &Recommendation, model: &ResponseModel) -> NewRecommendation {
    let body = serde_json::to_string(&Body {
        recommendation: recommendation.clone(),
        model: Some(model.clone()),
    })
    .expect("a recommendation of finite numbers serialises");
    NewRecommendation {
        as_of: recommendation.as_of,
        horizon_weeks: recommendation.horizon_weeks,
        total_budget: recommendation.total_budget,
        model_version: recommendation.model_version.clone(),
        expected_pipeline_current: recommendation.expected_pipeline_current,
        expected_pipeline_recommended: recommendation.expected_pipeline_recommended,
        channels: recommendation
            .channels
            .iter()
            .map(|c| NewRecommendationChannel {
                channel: c.channel.clone(),
                current_spend: c.current_spend,
                recommended_spend: c.recommended_spend,
                expected_pipeline_current: c.expected_pipeline_current,
                expected_pipeline_recommended: c.expected_pipeline_recommended,
            })
            .collect(),
        body,
    }
}

/// Reads a saved recommendation's body.
pub fn restore(saved: &SavedRecommendation) -> Result<RestoredRecommendation, ModelError> {
    let body: Body =
        serde_json::from_str(&saved.body).map_err(|e| ModelError::UnreadableSaved {
            id: saved.id,
            reason: e.to_string(),
        })?;
    Ok(RestoredRecommendation {
        id: saved.id,
        created_at: saved.created_at,
        model_version: saved.model_version.clone(),
        recommendation: body.recommendation,
        model: body.model,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Planner, fit, simulate};

    #[test]
    fn a_recommendation_comes_back_from_its_body_with_its_model() {
        let sim = simulate::simulate(simulate::hill_truth(), 60, 3);
        let model = fit(&sim.history).unwrap();
        let charter = crate::charter::Charter::shipped();
        let as_of = *sim.history.weeks.last().unwrap();
        let planner = Planner::new(&model, &sim.history, &charter, as_of, 13).unwrap();
        let rec = planner.recommend(None, None, 0.1).unwrap();
        let new = to_new(&rec, &model);
        assert_eq!(new.channels.len(), rec.channels.len());
        let at = chrono::NaiveDate::from_ymd_opt(2026, 1, 5)
            .unwrap()
            .and_hms_opt(9, 30, 0)
            .unwrap();
        let saved = SavedRecommendation {
            id: 7,
            created_at: at,
            model_version: new.model_version,
            as_of,
            body: new.body,
        };
        let back = restore(&saved).unwrap();
        assert_eq!(back.id, 7);
        assert_eq!(back.model_version, model.version);
        // serde_json's default parser may land one unit in the last place off.
        assert!(
            (back.recommendation.expected_pipeline_recommended / rec.expected_pipeline_recommended
                - 1.0)
                .abs()
                < 1e-12
        );
        let back_model = back.model.expect("the model is saved with it");
        assert_eq!(back_model.channels.len(), model.channels.len());
    }

    #[test]
    fn a_recommendation_saved_before_issue_14_still_loads() {
        let sim = simulate::simulate(simulate::hill_truth(), 60, 3);
        let model = fit(&sim.history).unwrap();
        let charter = crate::charter::Charter::shipped();
        let as_of = *sim.history.weeks.last().unwrap();
        let planner = Planner::new(&model, &sim.history, &charter, as_of, 13).unwrap();
        let rec = planner.recommend(None, None, 0.0).unwrap();
        // The body as an older rhythm wrote it: none of the uncertainty or carry-over
        // fields.
        let mut old = serde_json::to_value(&rec).unwrap();
        for key in ["held_back", "value_of_information", "next_experiment"] {
            old.as_object_mut().unwrap().remove(key);
        }
        for c in old["channels"].as_array_mut().unwrap() {
            for key in [
                "roi_low",
                "roi_high",
                "marginal_roi_low",
                "marginal_roi_high",
                "carried_in_pipeline",
            ] {
                c.as_object_mut().unwrap().remove(key);
            }
        }
        let back: crate::model::Recommendation = serde_json::from_value(old).unwrap();
        assert!(back.held_back.is_empty() && back.next_experiment.is_none());
        assert_eq!(back.channels[0].carried_in_pipeline, 0.0);
        assert_eq!(back.channels.len(), rec.channels.len());
    }

    #[test]
    fn an_unreadable_body_says_which_recommendation() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 1, 5)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let saved = SavedRecommendation {
            id: 3,
            created_at: at,
            model_version: "x".into(),
            as_of: at.date(),
            body: "{".into(),
        };
        let err = restore(&saved).unwrap_err();
        assert!(
            matches!(err, ModelError::UnreadableSaved { id: 3, .. }),
            "{err:?}"
        );
    }
}
