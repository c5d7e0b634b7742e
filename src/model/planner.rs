//! The budget recommendation for the next N weeks, and the what-if scenarios the cockpit
//! plays with it. A channel's expected pipeline over the horizon is N times its weekly
//! pipeline at the sustained weekly spend (the response once carryover has built up), so
//! a long-memory channel is not penalised for effects that land after the horizon; the
//! baseline's forecast for the horizon weeks comes on top.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::curve::{HillCurve, Response};
use super::fit::{Excluded, ResponseModel};
use super::history::History;
use super::optimize::{self, Bounds};
use super::recommendation::{ChannelRecommendation, MAX_RESERVE, Recommendation, channel_bounds};
use super::{ModelError, fit_calibrated};
use crate::charter::Charter;
use crate::facts::Dataset;

/// What to recommend, and for when.
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendOptions {
    /// Data through the week holding this date; the horizon starts the week after.
    pub as_of: NaiveDate,
    pub horizon_weeks: u32,
    /// Total budget over the horizon, currency [default: the current run-rate].
    pub budget: Option<f64>,
    /// Target-efficiency mode: the least spend whose expected total pipeline over the
    /// horizon reaches this (currency).
    pub target: Option<f64>,
    /// Share of the budget held back as a contingency reserve (fraction, 0..0.5).
    pub reserve: f64,
}

/// The model's channels with their bounds, ready to allocate and to play what-if with.
#[derive(Debug, Clone, PartialEq)]
pub struct Planner {
    pub as_of: NaiveDate,
    pub horizon_weeks: u32,
    /// First day of each horizon week.
    pub horizon: Vec<NaiveDate>,
    /// Expected baseline pipeline over the horizon, currency.
    pub baseline_pipeline: f64,
    pub channels: Vec<PlannerChannel>,
    /// The charter's ROI hurdle for saturation points.
    pub hurdle: f64,
    pub model_version: String,
    pub excluded: Vec<Excluded>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PlannerChannel {
    pub channel: String,
    pub curve: HillCurve,
    /// Average ROI over the fit window.
    pub roi: f64,
    /// Current run-rate, currency per week.
    pub current_weekly: f64,
    /// Allowed weekly spend.
    pub bounds: Bounds,
    pub bounds_reason: String,
}

/// A scenario: spends and what they are expected to bring over the horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    /// Per channel, in the planner's order: horizon spend, currency.
    pub spend: Vec<f64>,
    /// Per channel: expected pipeline over the horizon, currency.
    pub pipeline: Vec<f64>,
    /// Per channel: marginal ROI at its spend.
    pub marginal_roi: Vec<f64>,
    pub total_spend: f64,
    /// Baseline included.
    pub expected_pipeline: f64,
}

/// How a what-if move is balanced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhatIf {
    /// The total stays: the other channels are re-optimised within their bounds.
    Rebalance,
    /// The other channels stay: the total moves.
    ChangeTotal,
}

/// Fits the model on the data through `options.as_of` and recommends.
pub fn fit_and_recommend(
    charter: &Charter,
    data: &Dataset,
    options: &RecommendOptions,
) -> Result<(ResponseModel, Planner, Recommendation), ModelError> {
    recommend_with_progress(charter, data, options, &mut |_| true)
}

/// `fit_and_recommend`, with the fit's progress (see `fit_with_progress`; false from `progress`
/// stops it with `ModelError::Cancelled`).
pub fn recommend_with_progress(
    charter: &Charter,
    data: &Dataset,
    options: &RecommendOptions,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<(ResponseModel, Planner, Recommendation), ModelError> {
    let history = History::from_dataset(data, options.as_of)?;
    let model = fit_calibrated(&history, &data.experiments, progress)?;
    let planner = Planner::new(
        &model,
        &history,
        charter,
        options.as_of,
        options.horizon_weeks,
    )?;
    let rec = planner.recommend(options.budget, options.target, options.reserve)?;
    Ok((model, planner, rec))
}

impl Planner {
    /// `history` must end with the as-of week (the fit's window).
    pub fn new(
        model: &ResponseModel,
        history: &History,
        charter: &Charter,
        as_of: NaiveDate,
        horizon_weeks: u32,
    ) -> Result<Planner, ModelError> {
        if !(1..=52).contains(&horizon_weeks) {
            return Err(ModelError::BadHorizon(horizon_weeks));
        }
        let n = horizon_weeks as usize;
        let last = *history.weeks.last().ok_or(ModelError::NoData(as_of))?;
        let horizon: Vec<NaiveDate> = (1..=n as i64)
            .map(|k| last + Duration::days(7 * k))
            .collect();
        let baseline_pipeline = horizon
            .iter()
            .map(|w| model.baseline.at(model.fit_start, *w))
            .sum();
        let recent = history.len().saturating_sub(n);
        let channels = model
            .channels
            .iter()
            .map(|c| {
                let spend = history
                    .channel(&c.channel)
                    .map_or(&[][..], |s| &s.spend[recent..]);
                let current_weekly = spend.iter().sum::<f64>() / n.min(spend.len()).max(1) as f64;
                let (bounds, bounds_reason) =
                    channel_bounds(c, current_weekly, charter.channel(&c.channel));
                PlannerChannel {
                    channel: c.channel.clone(),
                    curve: c.curve,
                    roi: c.roi,
                    current_weekly,
                    bounds,
                    bounds_reason,
                }
            })
            .collect();
        Ok(Planner {
            as_of,
            horizon_weeks,
            horizon,
            baseline_pipeline,
            channels,
            hurdle: charter.controls.roi_hurdle,
            model_version: model.version.clone(),
            excluded: model
                .excluded
                .iter()
                .filter(|e| e.has_spend)
                .cloned()
                .collect(),
        })
    }

    fn weeks(&self) -> f64 {
        f64::from(self.horizon_weeks)
    }

    fn curves(&self) -> Vec<HillCurve> {
        self.channels.iter().map(|c| c.curve).collect()
    }

    /// The current run-rate mix, as horizon spends.
    pub fn current(&self) -> Vec<f64> {
        self.channels
            .iter()
            .map(|c| c.current_weekly * self.weeks())
            .collect()
    }

    /// Expected pipeline and marginal ROIs of horizon spends `spend` (one per channel).
    /// Microseconds: the cockpit calls it on every key press.
    pub fn scenario(&self, spend: &[f64]) -> Scenario {
        let n = self.weeks();
        let pipeline: Vec<f64> = self
            .channels
            .iter()
            .zip(spend)
            .map(|(c, s)| n * c.curve.weekly_pipeline(s / n))
            .collect();
        Scenario {
            marginal_roi: self
                .channels
                .iter()
                .zip(spend)
                .map(|(c, s)| c.curve.marginal_roi(s / n))
                .collect(),
            total_spend: spend.iter().sum(),
            expected_pipeline: self.baseline_pipeline + pipeline.iter().sum::<f64>(),
            pipeline,
            spend: spend.to_vec(),
        }
    }

    /// `spend` with channel `channel` moved to `new_spend` (horizon total, at least 0);
    /// with `Rebalance` the others are re-optimised for the same total within their
    /// bounds (as far as their bounds allow), with `ChangeTotal` they stay. Well under a
    /// millisecond.
    pub fn what_if(&self, spend: &[f64], channel: usize, new_spend: f64, mode: WhatIf) -> Scenario {
        let mut next = spend.to_vec();
        next[channel] = new_spend.max(0.0);
        if mode == WhatIf::Rebalance && self.channels.len() > 1 {
            let n = self.weeks();
            let total: f64 = spend.iter().sum();
            let mut bounds: Vec<Bounds> = self.channels.iter().map(|c| c.bounds).collect();
            bounds[channel] = Bounds {
                min: next[channel] / n,
                max: next[channel] / n,
            };
            let lo: f64 = bounds.iter().map(|b| b.min).sum();
            let hi: f64 = bounds.iter().map(|b| b.max).sum();
            let weekly = (total / n).clamp(lo, hi);
            if let Ok(x) = optimize::allocate(&self.curves(), &bounds, weekly) {
                next = x.iter().map(|w| w * n).collect();
                next[channel] = new_spend.max(0.0);
            }
        }
        self.scenario(&next)
    }

    /// Points (weekly spend, weekly pipeline) of channel `channel`'s curve up to twice
    /// its upper bound, for a chart.
    pub fn curve_points(&self, channel: usize, n: usize) -> Vec<(f64, f64)> {
        let c = &self.channels[channel];
        c.curve.points(2.0 * c.bounds.max.max(c.current_weekly), n)
    }

    /// The recommendation: `budget` (horizon total, default the current run-rate) less
    /// the `reserve` allocated for the most pipeline; or, with `target`, the least spend
    /// that reaches it.
    pub fn recommend(
        &self,
        budget: Option<f64>,
        target: Option<f64>,
        reserve: f64,
    ) -> Result<Recommendation, ModelError> {
        if !(0.0..=MAX_RESERVE).contains(&reserve) || reserve.is_nan() {
            return Err(ModelError::BadReserve(reserve));
        }
        if budget.is_some() && target.is_some() {
            return Err(ModelError::BadInput(
                "give a budget or a pipeline target, not both".into(),
            ));
        }
        let n = self.weeks();
        let curves = self.curves();
        let bounds: Vec<Bounds> = self.channels.iter().map(|c| c.bounds).collect();
        let current = self.current();
        let (weekly, total_budget) = if let Some(target) = target {
            let media = (target - self.baseline_pipeline) / n;
            let x = optimize::least_spend_for(&curves, &bounds, media).map_err(|most| {
                ModelError::TargetUnreachable {
                    target,
                    max: self.baseline_pipeline + n * most,
                }
            })?;
            let spend: f64 = x.iter().sum::<f64>() * n;
            (x, spend / (1.0 - reserve))
        } else {
            let total = budget.unwrap_or_else(|| current.iter().sum());
            let x =
                optimize::allocate(&curves, &bounds, total * (1.0 - reserve) / n).map_err(|e| {
                    ModelError::BudgetOutOfBounds {
                        budget: total * (1.0 - reserve),
                        min: e.min * n,
                        max: e.max * n,
                    }
                })?;
            (x, total)
        };
        let recommended: Vec<f64> = weekly.iter().map(|w| w * n).collect();
        let now = self.scenario(&current);
        let next = self.scenario(&recommended);
        let channels = self
            .channels
            .iter()
            .enumerate()
            .map(|(i, c)| ChannelRecommendation {
                channel: c.channel.clone(),
                current_spend: current[i],
                recommended_spend: recommended[i],
                min_spend: c.bounds.min * n,
                max_spend: c.bounds.max * n,
                roi: c.roi,
                marginal_roi: now.marginal_roi[i],
                saturation_spend: c.curve.saturation_spend(self.hurdle) * n,
                expected_pipeline_current: now.pipeline[i],
                expected_pipeline_recommended: next.pipeline[i],
                marginal_roi_recommended: next.marginal_roi[i],
                bounds: c.bounds_reason.clone(),
            })
            .collect();
        Ok(Recommendation {
            as_of: self.as_of,
            horizon_weeks: self.horizon_weeks,
            total_budget,
            expected_pipeline_current: now.expected_pipeline,
            expected_pipeline_recommended: next.expected_pipeline,
            channels,
            reserve: total_budget - next.total_spend,
            target_pipeline: target,
            expected_pipeline_baseline: self.baseline_pipeline,
            model_version: self.model_version.clone(),
            excluded: self.excluded.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::simulate;

    fn charter() -> Charter {
        Charter::shipped()
    }

    fn planner() -> Planner {
        let sim = simulate::simulate(simulate::hill_truth(), 104, 6);
        let model = crate::model::fit(&sim.history).unwrap();
        let as_of = *sim.history.weeks.last().unwrap();
        Planner::new(&model, &sim.history, &charter(), as_of, 13).unwrap()
    }

    #[test]
    fn the_recommendation_spends_the_budget_within_every_bound() {
        let p = planner();
        let rec = p.recommend(None, None, 0.0).unwrap();
        let current: f64 = rec.channels.iter().map(|c| c.current_spend).sum();
        let recommended: f64 = rec.channels.iter().map(|c| c.recommended_spend).sum();
        assert!((recommended - current).abs() < 1e-6 * current);
        assert!((rec.total_budget - current).abs() < 1e-6 * current);
        assert!(rec.expected_pipeline_recommended >= rec.expected_pipeline_current);
        for c in &rec.channels {
            let slack = 1e-6 * c.max_spend;
            assert!(c.recommended_spend >= c.min_spend - slack, "{c:?}");
            assert!(c.recommended_spend <= c.max_spend + slack, "{c:?}");
        }
        // The shipped charter: events is strategic, paid search has a floor of 20,000/wk.
        let events = rec.channels.iter().find(|c| c.channel == "events").unwrap();
        assert!(events.recommended_spend >= events.current_spend - 1e-6);
        assert!(events.bounds.contains("strategic"));
        let search = rec
            .channels
            .iter()
            .find(|c| c.channel == "paid-search")
            .unwrap();
        assert!(search.min_spend >= 20_000.0 * 13.0 - 1e-6);
    }

    #[test]
    fn a_reserve_is_held_back_and_a_target_is_reached_at_the_least_spend() {
        let p = planner();
        let rec = p.recommend(None, None, 0.1).unwrap();
        let allocated: f64 = rec.channels.iter().map(|c| c.recommended_spend).sum();
        assert!((allocated - 0.9 * rec.total_budget).abs() < 1e-6 * rec.total_budget);
        assert!((rec.reserve - 0.1 * rec.total_budget).abs() < 1e-6 * rec.total_budget);

        let full = p.recommend(None, None, 0.0).unwrap();
        let target = full.expected_pipeline_recommended;
        let lean = p.recommend(None, Some(target), 0.0).unwrap();
        let spend: f64 = lean.channels.iter().map(|c| c.recommended_spend).sum();
        assert!(lean.expected_pipeline_recommended >= target * (1.0 - 1e-9));
        assert!(
            spend <= full.total_budget * (1.0 + 1e-6),
            "{spend} > {}",
            full.total_budget
        );
        let lower = p.recommend(None, Some(0.99 * target), 0.0).unwrap();
        assert!(
            lower
                .channels
                .iter()
                .map(|c| c.recommended_spend)
                .sum::<f64>()
                < spend
        );
    }

    #[test]
    fn impossible_requests_say_why() {
        let p = planner();
        assert!(matches!(
            p.recommend(None, None, 0.7),
            Err(ModelError::BadReserve(_))
        ));
        assert!(matches!(
            p.recommend(Some(1_000.0), None, 0.0),
            Err(ModelError::BudgetOutOfBounds { .. })
        ));
        let err = p.recommend(None, Some(1e12), 0.0).unwrap_err();
        assert!(matches!(err, ModelError::TargetUnreachable { .. }));
        assert!(err.to_string().contains("out of reach"));
    }

    #[test]
    fn what_if_rebalances_or_moves_the_total() {
        let p = planner();
        let rec = p.recommend(None, None, 0.0).unwrap();
        let spend: Vec<f64> = rec.channels.iter().map(|c| c.recommended_spend).collect();
        let total: f64 = spend.iter().sum();
        let base = p.scenario(&spend);
        assert!((base.expected_pipeline - rec.expected_pipeline_recommended).abs() < 1e-6 * total);
        let step = 0.05 * spend[0];
        let moved = p.what_if(&spend, 0, spend[0] + step, WhatIf::ChangeTotal);
        assert!((moved.total_spend - (total + step)).abs() < 1e-6 * total);
        assert_eq!(moved.spend[1..], spend[1..]);
        let rebalanced = p.what_if(&spend, 0, spend[0] + step, WhatIf::Rebalance);
        assert!((rebalanced.total_spend - total).abs() < 1e-6 * total);
        assert!((rebalanced.spend[0] - (spend[0] + step)).abs() < 1e-9);
        // Moving away from the optimum at the same total costs pipeline.
        assert!(rebalanced.expected_pipeline <= base.expected_pipeline + 1e-6 * total);
        assert_eq!(p.curve_points(0, 10).len(), 11);
    }
}
