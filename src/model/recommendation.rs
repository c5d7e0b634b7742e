//! What a recommendation is (`rhythm recommend --json`, the body the store keeps) and
//! where each channel's bounds come from.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::fit::{ChannelModel, Excluded};
use super::optimize::Bounds;
use crate::format::money;

/// Default bounds around a channel's current run-rate.
pub const DEFAULT_MIN_SHARE: f64 = 0.5;
pub const DEFAULT_MAX_SHARE: f64 = 2.0;
/// The largest reserve a recommendation may hold back (fraction).
pub const MAX_RESERVE: f64 = 0.5;

/// A budget recommendation: `rhythm recommend --json`. Spends and pipelines are totals
/// over the horizon (currency); ROIs are pipeline per unit of spend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub as_of: NaiveDate,
    pub horizon_weeks: u32,
    /// The budget, reserve included.
    pub total_budget: f64,
    /// Expected total pipeline (baseline included) at the current run-rate mix.
    pub expected_pipeline_current: f64,
    /// Expected total pipeline with the recommended allocation.
    pub expected_pipeline_recommended: f64,
    pub channels: Vec<ChannelRecommendation>,
    /// Held back from the allocation (currency).
    pub reserve: f64,
    /// The target of the target-efficiency mode, if it was used.
    pub target_pipeline: Option<f64>,
    /// Expected baseline pipeline over the horizon, in both totals above.
    pub expected_pipeline_baseline: f64,
    pub model_version: String,
    /// Channels with spend that the model could not judge, with the reason.
    pub excluded: Vec<Excluded>,
    /// Channels the plan moved less than the point estimate alone would have, because
    /// the data cannot pin their response down (empty without the bootstrap ensemble).
    #[serde(default)]
    pub held_back: Vec<HeldBack>,
    /// Per channel, the expected pipeline over the horizon that knowing its curve would
    /// add to the plan (currency), largest first; empty without the ensemble.
    #[serde(default)]
    pub value_of_information: Vec<ValueOfInformation>,
    /// The experiment that would improve the next plan most; None when none is worth
    /// anything material (or without the ensemble).
    #[serde(default)]
    pub next_experiment: Option<NextExperiment>,
}

/// A channel the plan held back: spends over the horizon, currency; ROIs are the
/// bootstrap's 5th–95th percentile of the channel's average ROI.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldBack {
    pub channel: String,
    /// What the fitted model alone would have spent.
    pub point_estimate_spend: f64,
    pub recommended_spend: f64,
    pub current_spend: f64,
    pub roi_low: f64,
    pub roi_high: f64,
    /// The plan kept the channel within a quarter of the move the point estimate wanted.
    pub near_run_rate: bool,
}

/// What knowing one channel's curve would be worth to the plan: the mean over the
/// bootstrap's refits of the pipeline the plan re-optimised under that refit's curve for
/// the channel gains over the current plan under it, over the horizon (currency).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueOfInformation {
    pub channel: String,
    pub value: f64,
}

/// A test the CMO can approve: on which channel, for how long, with which spend change,
/// and what it would settle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextExperiment {
    pub channel: String,
    /// "geo holdout" (spend cut in test regions) or "geo lift" (spend raised there).
    pub kind: String,
    pub weeks: u32,
    /// The spend change in the test regions (fraction: −0.5 halves it).
    pub spend_change: f64,
    /// The range of the channel's ROI it would settle (bootstrap 5th–95th percentile).
    pub roi_low: f64,
    pub roi_high: f64,
    /// Its value of information: expected pipeline over the horizon (currency).
    pub value: f64,
}

impl Recommendation {
    /// Expected pipeline the recommendation adds to the current mix over the horizon.
    pub fn gain(&self) -> f64 {
        self.expected_pipeline_recommended - self.expected_pipeline_current
    }

    /// What the recommendation allocates: the budget less the reserve.
    pub fn allocated(&self) -> f64 {
        self.channels.iter().map(|c| c.recommended_spend).sum()
    }

    /// What the recommendation amounts to: the figures its three plain lines word
    /// (`present::recommendation`).
    pub fn digest(&self) -> Digest {
        let budget = self.total_budget.abs().max(1.0);
        let notable = |x: f64| x.abs() >= NOTABLE_MOVE * budget;
        let mut more: Vec<(String, f64)> = Vec::new();
        let mut less: Vec<(String, f64)> = Vec::new();
        for c in &self.channels {
            let delta = c.spend_change();
            if notable(delta) {
                if delta > 0.0 {
                    more.push((c.channel.clone(), delta));
                } else {
                    less.push((c.channel.clone(), delta));
                }
            }
        }
        more.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        less.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let current_spend: f64 = self.channels.iter().map(|c| c.current_spend).sum();
        let allocated = self.allocated();
        let gain = self.gain();
        let at = |c: &ChannelRecommendation, bound: f64| {
            (c.recommended_spend - bound).abs() <= 1e-6 * c.max_spend.max(1.0)
        };
        let free: Vec<f64> = self
            .channels
            .iter()
            .filter(|c| {
                let slack = 1e-6 * c.max_spend.max(1.0);
                c.recommended_spend > c.min_spend + slack
                    && c.recommended_spend < c.max_spend - slack
            })
            .map(|c| c.marginal_roi_recommended)
            .collect();
        Digest {
            more,
            less,
            allocated,
            spend_change: notable(allocated - current_spend).then_some(allocated - current_spend),
            gain,
            gain_share: gain / self.expected_pipeline_current.abs().max(1.0),
            reserve: (self.reserve > NOTABLE_MOVE * budget)
                .then(|| (self.reserve, self.reserve / budget)),
            marginal_roi_range: self
                .channels
                .iter()
                .map(|c| c.marginal_roi)
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), m| {
                    (lo.min(m), hi.max(m))
                }),
            marginal_roi_after: (!free.is_empty())
                .then(|| free.iter().sum::<f64>() / free.len() as f64),
            at_upper: self
                .channels
                .iter()
                .filter(|c| at(c, c.max_spend))
                .map(|c| c.channel.clone())
                .collect(),
            at_lower: self
                .channels
                .iter()
                .filter(|c| at(c, c.min_spend))
                .map(|c| c.channel.clone())
                .collect(),
        }
    }
}

/// A move smaller than this share of the budget is not worth a sentence.
pub const NOTABLE_MOVE: f64 = 0.005;

/// The figures behind a recommendation's summary. Money over the horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    /// Channels to invest more in, largest move first: (channel, spend change).
    pub more: Vec<(String, f64)>,
    /// Channels to invest less in, largest cut first (negative changes).
    pub less: Vec<(String, f64)>,
    pub allocated: f64,
    /// Allocated minus the current run-rate; None when it is not a notable move.
    pub spend_change: Option<f64>,
    /// Expected pipeline, recommended minus current mix.
    pub gain: f64,
    /// The gain as a fraction of the current mix's expected pipeline.
    pub gain_share: f64,
    /// (amount, fraction of the budget) held back, when notable.
    pub reserve: Option<(f64, f64)>,
    /// The next dollar's return now, lowest and highest over the channels.
    pub marginal_roi_range: (f64, f64),
    /// Mean marginal ROI after the move over the channels no bound holds; None when
    /// every channel sits at a bound.
    pub marginal_roi_after: Option<f64>,
    /// Channels the recommendation puts at their upper / lower bound.
    pub at_upper: Vec<String>,
    pub at_lower: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelRecommendation {
    pub channel: String,
    /// The run-rate of the N weeks up to as-of, over N weeks.
    pub current_spend: f64,
    pub recommended_spend: f64,
    /// The bounds the optimiser honoured.
    pub min_spend: f64,
    pub max_spend: f64,
    /// Average ROI over the fit window.
    pub roi: f64,
    /// Marginal ROI at the current spend.
    pub marginal_roi: f64,
    /// Horizon spend beyond which marginal ROI is below the charter's hurdle.
    pub saturation_spend: f64,
    pub expected_pipeline_current: f64,
    pub expected_pipeline_recommended: f64,
    /// Marginal ROI at the recommended spend (equal across unconstrained channels).
    pub marginal_roi_recommended: f64,
    /// Where the bounds come from, in words.
    pub bounds: String,
    /// The bootstrap's 5th–95th percentile of the average ROI (both `roi` without it).
    #[serde(default)]
    pub roi_low: f64,
    #[serde(default)]
    pub roi_high: f64,
    /// The same for the marginal ROI at the current spend.
    #[serde(default)]
    pub marginal_roi_low: f64,
    #[serde(default)]
    pub marginal_roi_high: f64,
    /// Pipeline over the horizon from the weeks already spent alone (at no horizon
    /// spend): the carry-over in `expected_pipeline_*`, currency.
    #[serde(default)]
    pub carried_in_pipeline: f64,
}

impl ChannelRecommendation {
    /// Recommended minus current spend over the horizon: what the recommendation moves.
    pub fn spend_change(&self) -> f64 {
        self.recommended_spend - self.current_spend
    }
}

/// A channel's weekly bounds and why: 0.5×–2× its run-rate (0 to 2× its fit-window
/// average when it has not spent lately), no higher than the level the data has shown its response at
/// (beyond that the curve is extrapolation, and allocators that extrapolate surprise
/// people), inside the charter's floor and cap; a strategic channel is never cut below
/// its run-rate. The charter wins a conflict. Currency per week.
pub fn channel_bounds(
    model: &ChannelModel,
    current: f64,
    charter: Option<&crate::charter::Channel>,
) -> (Bounds, String) {
    let mut min = DEFAULT_MIN_SHARE * current;
    let (mut max, mut why) = if current > 0.0 {
        (
            DEFAULT_MAX_SHARE * current,
            vec![format!(
                "{DEFAULT_MIN_SHARE}x-{DEFAULT_MAX_SHARE}x run-rate"
            )],
        )
    } else {
        (
            DEFAULT_MAX_SHARE * model.mean_weekly_spend,
            vec![format!(
                "no recent spend: 0-{DEFAULT_MAX_SHARE}x the fit-window average"
            )],
        )
    };
    let seen = model.seen_weekly_max.max(current);
    if seen < max {
        max = seen.max(min);
        why.push(format!("up to the highest level seen, {}/wk", money(seen)));
    }
    if let Some(c) = charter {
        if c.strategic && current > min {
            min = current;
            max = max.max(min);
            why.push("strategic: not below run-rate".into());
        }
        if let Some(floor) = c.floor.filter(|f| *f > min) {
            min = floor;
            max = max.max(floor);
            why.push(format!("charter floor {}/wk", money(floor)));
        }
        if let Some(cap) = c.cap.filter(|cap| *cap < max) {
            max = cap;
            min = min.min(cap);
            why.push(format!("charter cap {}/wk", money(cap)));
        }
    }
    (Bounds { min, max }, why.join("; "))
}
