//! Judging a saved recommendation once its horizon has data: was the model's forecast
//! right (under the spend that actually happened), was the advice followed (the charter's
//! allocation variance between the actual and the recommended mix), and did following it
//! pay off (the same spend in the old mix, forecast by the same model over the same weeks).
//! Every forecast runs the model over the whole series from its fit's first week, so the
//! horizon weeks feel the carry-over of the weeks before them — the forecast the planner
//! showed when it recommended (`outlook`).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use super::fit::{ResponseModel, fit};
use super::history::History;
use super::{ModelError, RestoredRecommendation};
use crate::charter::Charter;
use crate::facts::Dataset;

/// What a back-test concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Followed, the forecast held, and the new mix beat the old one.
    PaidOff,
    /// Followed, the forecast held, and the new mix did no better than the old one.
    DidNotPayOff,
    /// The actual mix strayed beyond the charter's allocation variance: the advice was
    /// not tested.
    NotFollowed,
    /// Followed, but the model missed the horizon by more than the charter's tolerance:
    /// it cannot say what the old mix would have done.
    Inconclusive,
}

/// A judged recommendation. Money in currency over the horizon; shares and errors are
/// fractions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    pub id: i64,
    pub as_of: NaiveDate,
    pub created_at: NaiveDateTime,
    pub model_version: String,
    /// First day of the first and of the last horizon week.
    pub horizon_from: NaiveDate,
    pub horizon_to: NaiveDate,
    pub horizon_weeks: u32,
    /// The model's forecast of total pipeline under the spend that actually happened.
    pub forecast_pipeline: f64,
    pub actual_pipeline: f64,
    /// |forecast − actual| / actual: the charter KPI `forecast-accuracy`.
    pub forecast_error: f64,
    pub forecast_tolerance: f64,
    pub recommended_spend: f64,
    pub actual_spend: f64,
    /// Half the L1 distance between the actual and the recommended spend shares: the
    /// charter KPI `allocation-efficiency`.
    pub allocation_variance: f64,
    pub allocation_variance_max: f64,
    pub followed: bool,
    /// The actual total spend in the old (run-rate) mix, forecast by the same model.
    pub forecast_status_quo: f64,
    /// What the horizon would have brought had the old mix been kept: the actual
    /// pipeline less the model's gain of the spend as it happened over the same spend in
    /// the old mix (`gain_over_status_quo`). Actual minus this is that gain, so it reads
    /// with the verdict: paid off exactly when the actual is above it.
    pub old_mix_pipeline: f64,
    /// The recommended allocation (at its own total), forecast by the same model.
    pub forecast_recommended: f64,
    pub verdict: Verdict,
    pub channels: Vec<BacktestChannel>,
}

impl Backtest {
    /// What the spend that happened brought over the same spend in the old mix, by the
    /// model: the actual pipeline minus `old_mix_pipeline`. The verdict rests on it.
    pub fn gain_over_status_quo(&self) -> f64 {
        self.forecast_pipeline - self.forecast_status_quo
    }

    /// What following the recommendation would have brought over what happened, by the
    /// model.
    pub fn gain_if_followed(&self) -> f64 {
        self.forecast_recommended - self.forecast_pipeline
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BacktestChannel {
    pub channel: String,
    pub recommended_spend: f64,
    pub actual_spend: f64,
    pub recommended_share: f64,
    pub actual_share: f64,
}

/// A saved recommendation, judged or still waiting for its horizon's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum BacktestOutcome {
    Judged(Backtest),
    Pending {
        id: i64,
        as_of: NaiveDate,
        horizon_from: NaiveDate,
        horizon_weeks: u32,
        weeks_with_data: u32,
    },
}

/// Reads `saved` back and judges it (`judge`).
pub fn backtest(
    saved: &crate::facts::SavedRecommendation,
    data: &Dataset,
    charter: &Charter,
) -> Result<BacktestOutcome, ModelError> {
    judge(&super::saved::restore(saved)?, data, charter)
}

/// Judges `saved` against the data, with the model saved alongside it (or, for a body
/// without one, a refit on the data through its as-of date).
pub fn judge(
    saved: &RestoredRecommendation,
    data: &Dataset,
    charter: &Charter,
) -> Result<BacktestOutcome, ModelError> {
    let rec = &saved.recommendation;
    let model: ResponseModel = match &saved.model {
        Some(m) => m.clone(),
        None => fit(&History::from_dataset(data, rec.as_of)?)?,
    };
    let n = rec.horizon_weeks as usize;
    let horizon_from = horizon_start(saved, charter);
    let horizon_end = horizon_from + Duration::days(7 * n as i64 - 1);
    let history = History::consecutive_through(data, horizon_end)?;
    let weeks_with_data = history
        .weeks
        .iter()
        .filter(|w| **w >= horizon_from && **w <= horizon_end)
        .count();
    let (Some(start), Some(first)) = (
        history.index_of(model.fit_start),
        history.index_of(horizon_from),
    ) else {
        return Ok(pending(saved, horizon_from, weeks_with_data));
    };
    if weeks_with_data < n || first + n > history.len() {
        return Ok(pending(saved, horizon_from, weeks_with_data));
    }
    let window = history.slice(start, first + n);
    let h = first - start..first - start + n;
    let actual_spend_series = model.spend_of(&window);
    let forecast =
        |spend: &[Vec<f64>]| -> f64 { model.predict(&window.weeks, spend)[h.clone()].iter().sum() };
    let forecast_pipeline = forecast(&actual_spend_series);
    let actual_pipeline: f64 = window.pipeline[h.clone()].iter().sum();

    // The recommendation's channels: what was recommended, what was spent.
    let channels: Vec<BacktestChannel> = rec
        .channels
        .iter()
        .map(|c| BacktestChannel {
            channel: c.channel.clone(),
            recommended_spend: c.recommended_spend,
            actual_spend: window
                .channel(&c.channel)
                .map_or(0.0, |s| s.spend[h.clone()].iter().sum()),
            recommended_share: 0.0,
            actual_share: 0.0,
        })
        .collect();
    let recommended_spend: f64 = channels.iter().map(|c| c.recommended_spend).sum();
    let actual_spend: f64 = channels.iter().map(|c| c.actual_spend).sum();
    let channels: Vec<BacktestChannel> = channels
        .into_iter()
        .map(|c| BacktestChannel {
            recommended_share: share(c.recommended_spend, recommended_spend),
            actual_share: share(c.actual_spend, actual_spend),
            ..c
        })
        .collect();
    let allocation_variance = allocation_variance(
        &channels.iter().map(|c| c.actual_spend).collect::<Vec<_>>(),
        &channels
            .iter()
            .map(|c| c.recommended_spend)
            .collect::<Vec<_>>(),
    );

    // Counterfactuals over the same weeks: the old mix at the actual total, and the plan.
    let current_total: f64 = rec.channels.iter().map(|c| c.current_spend).sum();
    let with_horizon = |weekly: &dyn Fn(&str) -> Option<f64>| -> Vec<Vec<f64>> {
        model
            .channels
            .iter()
            .zip(&actual_spend_series)
            .map(|(c, s)| {
                let mut s = s.clone();
                if let Some(w) = weekly(&c.channel) {
                    s[h.clone()].fill(w);
                }
                s
            })
            .collect()
    };
    let lookup = |name: &str| rec.channels.iter().find(|c| c.channel == name);
    let forecast_status_quo = forecast(&with_horizon(&|name| {
        lookup(name).map(|c| share(c.current_spend, current_total) * actual_spend / n as f64)
    }));
    let forecast_recommended = forecast(&with_horizon(&|name| {
        lookup(name).map(|c| c.recommended_spend / n as f64)
    }));

    let controls = &charter.controls;
    let forecast_error =
        (forecast_pipeline - actual_pipeline).abs() / actual_pipeline.abs().max(1e-9);
    let followed = allocation_variance <= controls.allocation_variance_max;
    let gain = forecast_pipeline - forecast_status_quo;
    let verdict = if !followed {
        Verdict::NotFollowed
    } else if forecast_error > controls.forecast_tolerance {
        Verdict::Inconclusive
    } else if gain > 0.0 {
        Verdict::PaidOff
    } else {
        Verdict::DidNotPayOff
    };
    Ok(BacktestOutcome::Judged(Backtest {
        id: saved.id,
        as_of: rec.as_of,
        created_at: saved.created_at,
        model_version: saved.model_version.clone(),
        horizon_from,
        horizon_to: horizon_from + Duration::days(7 * (n as i64 - 1)),
        horizon_weeks: rec.horizon_weeks,
        forecast_pipeline,
        actual_pipeline,
        forecast_error,
        forecast_tolerance: controls.forecast_tolerance,
        recommended_spend,
        actual_spend,
        allocation_variance,
        allocation_variance_max: controls.allocation_variance_max,
        followed,
        forecast_status_quo,
        old_mix_pipeline: actual_pipeline - gain,
        forecast_recommended,
        verdict,
        channels,
    }))
}

/// How closely the spend so far follows a saved recommendation whose horizon has begun:
/// the charter's allocation variance over the horizon weeks with data — what `rhythm
/// check` can watch mid-quarter, before the back-test can judge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Adherence {
    pub id: i64,
    pub horizon_from: NaiveDate,
    pub horizon_weeks: u32,
    pub weeks_with_data: u32,
    /// Half the L1 distance between the actual and the recommended spend shares (0..1).
    pub allocation_variance: f64,
}

/// The first day of `saved`'s horizon: the week after the last week its model saw (the
/// week after the one holding as-of when the body has no model).
pub fn horizon_start(saved: &RestoredRecommendation, charter: &Charter) -> NaiveDate {
    match &saved.model {
        Some(m) => m.fit_end + Duration::days(7),
        None => {
            crate::calendar::week_start(saved.recommendation.as_of, charter.partnership.week_start)
                + Duration::days(7)
        }
    }
}

/// `saved`'s adherence so far; None until a horizon week has data.
pub fn adherence(
    saved: &RestoredRecommendation,
    data: &Dataset,
    charter: &Charter,
) -> Option<Adherence> {
    let rec = &saved.recommendation;
    let from = horizon_start(saved, charter);
    let to = from + Duration::days(7 * i64::from(rec.horizon_weeks));
    let rows = &data.channel_weeks;
    let window =
        &rows[rows.partition_point(|r| r.week < from)..rows.partition_point(|r| r.week < to)];
    let mut weeks: Vec<NaiveDate> = window.iter().map(|r| r.week).collect();
    weeks.dedup();
    if weeks.is_empty() {
        return None;
    }
    let actual: Vec<f64> = rec
        .channels
        .iter()
        .map(|c| {
            window
                .iter()
                .filter(|r| r.channel == c.channel)
                .map(|r| r.spend)
                .sum()
        })
        .collect();
    // The plan for the weeks so far is the recommended mix: shares do not depend on time.
    let planned: Vec<f64> = rec.channels.iter().map(|c| c.recommended_spend).collect();
    Some(Adherence {
        id: saved.id,
        horizon_from: from,
        horizon_weeks: rec.horizon_weeks,
        weeks_with_data: weeks.len() as u32,
        allocation_variance: allocation_variance(&actual, &planned),
    })
}

fn pending(
    saved: &RestoredRecommendation,
    horizon_from: NaiveDate,
    weeks: usize,
) -> BacktestOutcome {
    BacktestOutcome::Pending {
        id: saved.id,
        as_of: saved.recommendation.as_of,
        horizon_from,
        horizon_weeks: saved.recommendation.horizon_weeks,
        weeks_with_data: weeks as u32,
    }
}

fn share(part: f64, total: f64) -> f64 {
    if total > 0.0 { part / total } else { 0.0 }
}

/// Half the sum over channels of |actual share − recommended share| (0..1): the
/// total-variation distance between two spend mixes, the charter's allocation variance.
pub fn allocation_variance(actual: &[f64], recommended: &[f64]) -> f64 {
    let ta: f64 = actual.iter().sum();
    let tr: f64 = recommended.iter().sum();
    0.5 * actual
        .iter()
        .zip(recommended)
        .map(|(a, r)| (share(*a, ta) - share(*r, tr)).abs())
        .sum::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::planner::{RecommendOptions, fit_and_recommend};
    use crate::model::simulate;

    fn charter() -> Charter {
        Charter::shipped()
    }

    #[test]
    fn a_recommendation_is_judged_once_its_horizon_has_data_and_waits_before() {
        let sim = simulate::simulate(simulate::hill_truth(), 130, 8);
        let data = simulate::to_dataset(&sim.history);
        let charter = charter();
        let as_of = sim.history.weeks[116];
        let options = RecommendOptions {
            as_of,
            horizon_weeks: 13,
            budget: None,
            target: None,
            reserve: 0.0,
        };
        let (model, _, rec) = fit_and_recommend(&charter, &data, &options).unwrap();
        let promised = rec.expected_pipeline_recommended;
        let saved = RestoredRecommendation {
            id: 7,
            created_at: as_of.and_hms_opt(12, 0, 0).unwrap(),
            model_version: model.version.clone(),
            recommendation: rec,
            model: Some(model),
        };
        let BacktestOutcome::Judged(b) = judge(&saved, &data, &charter).unwrap() else {
            panic!("the horizon has data")
        };
        assert_eq!(b.horizon_from, sim.history.weeks[117]);
        assert_eq!(b.horizon_to, sim.history.weeks[129]);
        assert!(b.forecast_error < 0.10, "{b:?}");
        // The back-test forecasts the plan as the planner did: the same carry-over from
        // the weeks before the horizon, the same weeks.
        assert!(
            (b.forecast_recommended - promised).abs() < 1e-6 * promised,
            "{} vs {promised}",
            b.forecast_recommended
        );
        assert!((0.0..=1.0).contains(&b.allocation_variance));
        assert_eq!(
            b.followed,
            b.allocation_variance <= charter.controls.allocation_variance_max
        );
        let shares: f64 = b.channels.iter().map(|c| c.actual_share).sum();
        assert!((shares - 1.0).abs() < 1e-9);
        if !b.followed {
            assert_eq!(b.verdict, Verdict::NotFollowed);
        }
        // What the words compare — the actual against the old mix — has the verdict's
        // sign: the old-mix figure is the actual less the model's forecast gain.
        let forecast_gain = b.forecast_pipeline - b.forecast_status_quo;
        assert!((b.actual_pipeline - b.old_mix_pipeline - forecast_gain).abs() < 1e-6);
        if matches!(b.verdict, Verdict::PaidOff | Verdict::DidNotPayOff) {
            assert_eq!(
                b.verdict == Verdict::PaidOff,
                b.actual_pipeline > b.old_mix_pipeline
            );
        }

        let so_far = adherence(&saved, &data, &charter).unwrap();
        assert_eq!(so_far.weeks_with_data, 13);
        assert!((so_far.allocation_variance - b.allocation_variance).abs() < 1e-12);

        // Four weeks in: not yet.
        let early = simulate::to_dataset(&sim.history.slice(0, 121));
        assert_eq!(
            adherence(&saved, &early, &charter).unwrap().weeks_with_data,
            4
        );
        let before = simulate::to_dataset(&sim.history.slice(0, 117));
        assert_eq!(adherence(&saved, &before, &charter), None);
        assert_eq!(
            judge(&saved, &early, &charter).unwrap(),
            BacktestOutcome::Pending {
                id: 7,
                as_of,
                horizon_from: sim.history.weeks[117],
                horizon_weeks: 13,
                weeks_with_data: 4,
            }
        );
    }

    #[test]
    fn allocation_variance_is_half_the_l1_distance_of_the_shares() {
        assert_eq!(allocation_variance(&[50.0, 50.0], &[100.0, 100.0]), 0.0);
        assert!((allocation_variance(&[75.0, 25.0], &[50.0, 50.0]) - 0.25).abs() < 1e-12);
        assert!((allocation_variance(&[1.0, 0.0], &[0.0, 1.0]) - 1.0).abs() < 1e-12);
    }
}
