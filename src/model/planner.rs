//! The budget recommendation for the next N weeks, and the what-if scenarios the cockpit
//! plays with it.
//!
//! Carry-over: a channel's expected pipeline over the horizon is the model's forecast for
//! those weeks (`outlook::Outlook`), so it includes what the weeks already spent still
//! bring; the baseline's forecast comes on top. The optimiser's objective also counts what
//! the horizon's spend brings in the weeks after it, so a long-memory channel is not
//! penalised for effects that land after the horizon.
//!
//! Uncertainty: with the bootstrap's refits (`Planner::with_ensemble`), the optimiser
//! maximises the pipeline expected over the refits' curves, not the point estimate's: a
//! channel the data cannot pin down moves less, and the recommendation says which it held
//! back and why. It also values what pinning each channel down would be worth, and names
//! the experiment that would (`experiment_design`).

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::curve::{HillCurve, Response};
use super::experiment_design;
use super::fit::{Excluded, ResponseModel};
use super::history::History;
use super::optimize::{self, Bounds};
use super::outlook::{Outlook, Tabulated};
use super::recommendation::{
    ChannelRecommendation, HeldBack, MAX_RESERVE, NOTABLE_MOVE, Recommendation, channel_bounds,
};
use super::validate::{INTERVAL, bootstrap};
use super::{ModelError, fit_calibrated};
use crate::charter::Charter;
use crate::facts::Dataset;

/// Bootstrap refits behind a recommendation's uncertainty: few enough that fit + refits +
/// optimise stay under a second for 156 weeks × 9 channels on one core (a refit costs
/// about half a fit), enough to tell a channel the data pins down from one it does not.
/// With so few, the interval the recommendation shows is the refits' range.
pub const PLAN_REPLICATES: usize = 5;

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
    /// The fitted model's carry-over into the horizon: what the shown pipeline is.
    pub outlook: Outlook,
    /// The same under each bootstrap refit that models the channel (empty without an
    /// ensemble), with the refit's average ROI over the fit window.
    pub draws: Vec<(Outlook, f64)>,
    /// What the optimiser maximises: the fit's objective alone, and averaged over the
    /// fit and its refits (the same without an ensemble).
    pub point_objective: Tabulated,
    pub objective: Tabulated,
    /// Weeks until 90% of a week's spend has been felt (`Outlook::carry_over_weeks`).
    pub carry_over_weeks: u32,
}

impl PlannerChannel {
    /// The refits' spread of the channel's average ROI: the `validate::INTERVAL`
    /// percentiles, the fit's own ROI at both ends without an ensemble.
    pub fn roi_interval(&self) -> (f64, f64) {
        spread(self.roi, self.draws.iter().map(|(_, r)| *r).collect())
    }

    /// The refits' spread of the marginal ROI (full effect, tail included) at a weekly
    /// spend.
    pub fn marginal_roi_interval(&self, weekly_spend: f64) -> (f64, f64) {
        let at = |o: &Outlook| {
            let h = 1e-3 * weekly_spend.max(1.0);
            let lo = (weekly_spend - h).max(0.0);
            (o.value(weekly_spend + h) - o.value(lo)) / (weekly_spend + h - lo)
        };
        spread(
            at(&self.outlook),
            self.draws.iter().map(|(o, _)| at(o)).collect(),
        )
    }
}

/// The `INTERVAL` percentiles of `draws`, always holding `point`.
fn spread(point: f64, mut draws: Vec<f64>) -> (f64, f64) {
    if draws.is_empty() {
        return (point, point);
    }
    draws.sort_by(f64::total_cmp);
    let q = |p: f64| {
        let pos = p * (draws.len() - 1) as f64;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        draws[lo] + (pos - lo as f64) * (draws[hi] - draws[lo])
    };
    (q(INTERVAL.0).min(point), q(INTERVAL.1).max(point))
}

/// A scenario: spends and what they are expected to bring over the horizon.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    /// Per channel, in the planner's order: horizon spend, currency.
    pub spend: Vec<f64>,
    /// Per channel: expected pipeline over the horizon, carry-over from the weeks
    /// already spent included, currency.
    pub pipeline: Vec<f64>,
    /// Per channel: marginal ROI at its spend — what the next dollar is expected to
    /// bring, wherever it lands (the weeks after the horizon included).
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
/// stops it with `ModelError::Cancelled`). The plan is made under the fit's bootstrap
/// refits (`PLAN_REPLICATES`).
pub fn recommend_with_progress(
    charter: &Charter,
    data: &Dataset,
    options: &RecommendOptions,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<(ResponseModel, Planner, Recommendation), ModelError> {
    let history = History::from_dataset(data, options.as_of)?;
    let model = fit_calibrated(&history, &data.experiments, progress)?;
    let window = history
        .index_of(model.fit_start)
        .map_or(history.clone(), |i| history.slice(i, history.len()));
    let refits = bootstrap(&model, &window, PLAN_REPLICATES);
    let planner = Planner::with_ensemble(
        &model,
        &refits,
        &window,
        charter,
        options.as_of,
        options.horizon_weeks,
    )?;
    let rec = planner.recommend(options.budget, options.target, options.reserve)?;
    Ok((model, planner, rec))
}

impl Planner {
    /// The planner of the fitted model alone (no ensemble: no hold-back, no value of
    /// information). `history` must end with the as-of week (the fit's window).
    pub fn new(
        model: &ResponseModel,
        history: &History,
        charter: &Charter,
        as_of: NaiveDate,
        horizon_weeks: u32,
    ) -> Result<Planner, ModelError> {
        Planner::with_ensemble(model, &[], history, charter, as_of, horizon_weeks)
    }

    /// The planner under the fitted model and its bootstrap refits (`validate::bootstrap`
    /// on `history`, the fit's window, which must end with the as-of week).
    pub fn with_ensemble(
        model: &ResponseModel,
        refits: &[ResponseModel],
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
        // The spend since the fit's first week: what carries into the horizon.
        let start = history.index_of(model.fit_start).unwrap_or(0);
        let channels = model
            .channels
            .iter()
            .map(|c| {
                let series = history
                    .channel(&c.channel)
                    .map_or_else(|| vec![0.0; history.len()], |s| s.spend.clone());
                let spend = &series[recent..];
                let current_weekly = spend.iter().sum::<f64>() / n.min(spend.len()).max(1) as f64;
                let (bounds, bounds_reason) =
                    channel_bounds(c, current_weekly, charter.channel(&c.channel));
                let past = &series[start..];
                let outlook = Outlook::new(c, past, n);
                let draws: Vec<(Outlook, f64)> = refits
                    .iter()
                    .filter_map(|r| r.channel(&c.channel))
                    .map(|rc| (Outlook::new(rc, past, n), rc.roi))
                    .collect();
                let top = bounds.max.max(current_weekly);
                let point_objective = Tabulated::mean_value(&[&outlook], top);
                let objective = if draws.is_empty() {
                    point_objective.clone()
                } else {
                    let all: Vec<&Outlook> = std::iter::once(&outlook)
                        .chain(draws.iter().map(|(o, _)| o))
                        .collect();
                    Tabulated::mean_value(&all, top)
                };
                PlannerChannel {
                    channel: c.channel.clone(),
                    curve: c.curve,
                    roi: c.roi,
                    current_weekly,
                    bounds,
                    bounds_reason,
                    outlook,
                    draws,
                    point_objective,
                    objective,
                    carry_over_weeks: Outlook::carry_over_weeks(c),
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

    /// What the optimiser maximises, per channel.
    pub fn objectives(&self) -> Vec<Tabulated> {
        self.channels.iter().map(|c| c.objective.clone()).collect()
    }

    pub(crate) fn bounds(&self) -> Vec<Bounds> {
        self.channels.iter().map(|c| c.bounds).collect()
    }

    /// True when the plan is made under the bootstrap's refits.
    pub fn has_ensemble(&self) -> bool {
        self.channels.iter().any(|c| !c.draws.is_empty())
    }

    /// The current run-rate mix, as horizon spends.
    pub fn current(&self) -> Vec<f64> {
        self.channels
            .iter()
            .map(|c| c.current_weekly * self.weeks())
            .collect()
    }

    /// Expected pipeline (the fitted model's forecast for the horizon weeks, carry-over
    /// included) and marginal ROIs of horizon spends `spend` (one per channel).
    /// Microseconds: the cockpit calls it on every key press.
    pub fn scenario(&self, spend: &[f64]) -> Scenario {
        let n = self.weeks();
        let pipeline: Vec<f64> = self
            .channels
            .iter()
            .zip(spend)
            .map(|(c, s)| c.outlook.horizon_pipeline(s / n))
            .collect();
        Scenario {
            marginal_roi: self
                .channels
                .iter()
                .zip(spend)
                .map(|(c, s)| c.objective.marginal_roi(s / n))
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
        self.what_if_holding(spend, &[], channel, new_spend, mode)
    }

    /// `what_if`, with the channels marked in `held` (planner order; missing entries are
    /// not held) kept at their spend in `spend` when the others rebalance: a scenario
    /// that moves several channels keeps every move made.
    pub fn what_if_holding(
        &self,
        spend: &[f64],
        held: &[bool],
        channel: usize,
        new_spend: f64,
        mode: WhatIf,
    ) -> Scenario {
        let mut next = spend.to_vec();
        next[channel] = new_spend.max(0.0);
        let is_held = |i: usize| i == channel || held.get(i).copied().unwrap_or(false);
        let free = (0..self.channels.len()).filter(|&i| !is_held(i)).count();
        if mode == WhatIf::Rebalance && free > 0 {
            let n = self.weeks();
            let total: f64 = spend.iter().sum();
            let mut bounds = self.bounds();
            for (i, b) in bounds.iter_mut().enumerate() {
                if is_held(i) {
                    *b = Bounds {
                        min: next[i] / n,
                        max: next[i] / n,
                    };
                }
            }
            let lo: f64 = bounds.iter().map(|b| b.min).sum();
            let hi: f64 = bounds.iter().map(|b| b.max).sum();
            let weekly = (total / n).clamp(lo, hi);
            if let Ok(x) = optimize::allocate(&self.objectives(), &bounds, weekly) {
                let moved: Vec<f64> = x.iter().map(|w| w * n).collect();
                for (i, s) in moved.into_iter().enumerate() {
                    if !is_held(i) {
                        next[i] = s;
                    }
                }
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
        let objectives = self.objectives();
        let bounds = self.bounds();
        let current = self.current();
        let (weekly, total_budget) = if let Some(target) = target {
            // The target is on the shown pipeline; the objective counts the tail too,
            // so search the least objective level whose plan's horizon forecast reaches it.
            let x = self.least_spend_for(target, &objectives, &bounds)?;
            let spend: f64 = x.iter().sum::<f64>() * n;
            (x, spend / (1.0 - reserve))
        } else {
            let total = budget.unwrap_or_else(|| current.iter().sum());
            let x = optimize::allocate(&objectives, &bounds, total * (1.0 - reserve) / n).map_err(
                |e| ModelError::BudgetOutOfBounds {
                    budget: total * (1.0 - reserve),
                    min: e.min * n,
                    max: e.max * n,
                },
            )?;
            (x, total)
        };
        let recommended: Vec<f64> = weekly.iter().map(|w| w * n).collect();
        let now = self.scenario(&current);
        let next = self.scenario(&recommended);
        let held_back = self.held_back(&weekly, &bounds, total_budget);
        let value_of_information = if self.has_ensemble() {
            experiment_design::value_of_information(self, &weekly)
        } else {
            Vec::new()
        };
        let next_experiment =
            experiment_design::propose(self, &weekly, &value_of_information, total_budget);
        let channels = self
            .channels
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let (roi_low, roi_high) = c.roi_interval();
                let (marginal_roi_low, marginal_roi_high) =
                    c.marginal_roi_interval(c.current_weekly);
                ChannelRecommendation {
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
                    roi_low,
                    roi_high,
                    marginal_roi_low,
                    marginal_roi_high,
                    carried_in_pipeline: c.outlook.horizon_pipeline(0.0),
                }
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
            held_back,
            value_of_information,
            next_experiment,
        })
    }

    /// The least weekly spend, allocated for the objective, whose horizon forecast
    /// (baseline included) reaches `target`.
    fn least_spend_for(
        &self,
        target: f64,
        objectives: &[Tabulated],
        bounds: &[Bounds],
    ) -> Result<Vec<f64>, ModelError> {
        let n = self.weeks();
        let lo: f64 = bounds.iter().map(|b| b.min).sum();
        let hi: f64 = bounds.iter().map(|b| b.max).sum();
        let at = |weekly: f64| {
            let x = optimize::allocate(objectives, bounds, weekly).expect("within the bounds");
            let spend: Vec<f64> = x.iter().map(|w| w * n).collect();
            (self.scenario(&spend).expected_pipeline, x)
        };
        let (most, ceiling) = at(hi);
        if most < target {
            return Err(ModelError::TargetUnreachable { target, max: most });
        }
        let (least, floor) = at(lo);
        if least >= target {
            return Ok(floor);
        }
        Ok(optimize::bisect_least(lo, hi, ceiling, |weekly| {
            let (p, x) = at(weekly);
            (p >= target, x)
        }))
    }

    /// The channels the ensemble moved notably less than the point estimate alone would
    /// have, at the same total: where the data's uncertainty held the plan back.
    fn held_back(&self, weekly: &[f64], bounds: &[Bounds], total_budget: f64) -> Vec<HeldBack> {
        if !self.has_ensemble() {
            return Vec::new();
        }
        let n = self.weeks();
        let point: Vec<Tabulated> = self
            .channels
            .iter()
            .map(|c| c.point_objective.clone())
            .collect();
        let Ok(bold) = optimize::allocate(&point, bounds, weekly.iter().sum()) else {
            return Vec::new();
        };
        let notable = NOTABLE_MOVE * total_budget.abs().max(1.0);
        self.channels
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let wanted = (bold[i] - c.current_weekly) * n;
                let made = (weekly[i] - c.current_weekly) * n;
                let held = wanted.abs() >= notable
                    && (made.signum() != wanted.signum() || made.abs() <= 0.75 * wanted.abs());
                held.then(|| {
                    let (roi_low, roi_high) = c.roi_interval();
                    HeldBack {
                        channel: c.channel.clone(),
                        point_estimate_spend: bold[i] * n,
                        recommended_spend: weekly[i] * n,
                        current_spend: c.current_weekly * n,
                        roi_low,
                        roi_high,
                        near_run_rate: made.abs() <= 0.25 * wanted.abs(),
                    }
                })
            })
            .collect()
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

    #[test]
    fn spend_just_before_the_horizon_carries_into_its_first_week() {
        let sim = simulate::simulate(simulate::hill_truth(), 104, 6);
        let model = crate::model::fit(&sim.history).unwrap();
        let as_of = *sim.history.weeks.last().unwrap();
        let quiet = Planner::new(&model, &sim.history, &charter(), as_of, 13).unwrap();
        let mut burst = sim.history.clone();
        let name = model.channels[0].channel.clone();
        let i = burst
            .channels
            .iter()
            .position(|c| c.channel == name)
            .unwrap();
        let last = burst.len() - 1;
        burst.channels[i].spend[last] *= 20.0;
        let loud = Planner::new(&model, &burst, &charter(), as_of, 13).unwrap();
        let zero = vec![0.0; loud.channels.len()];
        // At zero plan spend the burst still brings pipeline in the first horizon week.
        let week1 = |p: &Planner| p.channels[0].outlook.weekly(0.0)[0];
        assert!(
            week1(&loud) > 1.5 * week1(&quiet),
            "{} vs {}",
            week1(&loud),
            week1(&quiet)
        );
        assert!(loud.scenario(&zero).pipeline[0] > quiet.scenario(&zero).pipeline[0]);
        // A second path: the channel's forecast of the whole series, horizon weeks summed.
        let w = loud.channels[0].current_weekly;
        let mut spend = zero.clone();
        spend[0] = 13.0 * w;
        let by_forecast: f64 = model.channels[0]
            .forecast(&burst.channels[i].spend, &[w; 13])
            .iter()
            .sum();
        let shown = loud.scenario(&spend).pipeline[0];
        assert!(
            (shown - by_forecast).abs() < 1e-9 * by_forecast,
            "{shown} vs {by_forecast}"
        );
    }

    #[test]
    fn under_the_ensemble_uncertain_channels_are_held_back_and_a_test_is_named() {
        let sim = simulate::simulate(simulate::hill_truth(), 104, 6);
        let model = crate::model::fit(&sim.history).unwrap();
        let as_of = *sim.history.weeks.last().unwrap();
        let refits = crate::model::validate::bootstrap(&model, &sim.history, 4);
        let p =
            Planner::with_ensemble(&model, &refits, &sim.history, &charter(), as_of, 13).unwrap();
        assert!(p.has_ensemble());
        let rec = p.recommend(None, None, 0.0).unwrap();
        let again = p.recommend(None, None, 0.0).unwrap();
        assert_eq!(rec, again, "deterministic");
        for c in &rec.channels {
            assert!(c.roi_low <= c.roi && c.roi <= c.roi_high, "{c:?}");
            assert!(c.marginal_roi_low <= c.marginal_roi_high, "{c:?}");
        }
        assert_eq!(rec.value_of_information.len(), rec.channels.len());
        assert!(
            rec.value_of_information
                .windows(2)
                .all(|w| w[0].value >= w[1].value)
        );
        assert!(rec.value_of_information.iter().all(|v| v.value >= 0.0));
        if let Some(e) = &rec.next_experiment {
            assert_eq!(e.channel, rec.value_of_information[0].channel);
            assert!((6..=12).contains(&e.weeks));
            assert!(e.value > 0.0);
        }
        for h in &rec.held_back {
            // Held back: the plan moved less than the point estimate wanted.
            assert!(
                (h.recommended_spend - h.current_spend).abs()
                    < (h.point_estimate_spend - h.current_spend).abs()
                    || (h.recommended_spend - h.current_spend).signum()
                        != (h.point_estimate_spend - h.current_spend).signum()
            );
        }
        // The point estimate alone holds nothing back and names no test.
        let alone = planner().recommend(None, None, 0.0).unwrap();
        assert!(alone.held_back.is_empty() && alone.next_experiment.is_none());
        assert!(alone.value_of_information.is_empty());
    }
}
