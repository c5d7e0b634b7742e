//! The response model behind budget recommendations: pure numeric code, no SQLite, no
//! terminal, no clock, deterministic (the same data gives the same answer bit for bit).
//!
//! - `history`: the weekly series the model reads (total pipeline, spend per channel).
//! - `adstock`: geometric adstock (carryover) and Hill saturation.
//! - `nnls`: least squares with non-negative channel effects.
//! - `search`: the grid and coordinate search behind `fit`, with its priors.
//! - `fit`: the marketing mix model — a baseline (intercept, trend, yearly seasonality, the
//!   year-end holidays) plus one adstocked, saturating response per paid channel — found
//!   by a deterministic grid and coordinate search.
//! - `curve`: a channel's response curve at a sustained weekly spend: ROI, marginal ROI,
//!   saturation point, points for a chart.
//! - `validate`: time-ordered holdout, rolling-origin back-test, bootstrap ROI intervals.
//! - `optimize`: allocating a budget for equal marginal ROI within bounds.
//! - `outlook`: a channel's carry-over into the horizon and the optimiser's objective.
//! - `experiment_design`: what pinning each channel down is worth; the next experiment.
//! - `planner`: the recommendation for the next N weeks and its what-if scenarios.
//! - `recommendation`: what a recommendation holds, and each channel's bounds.
//! - `overview`: the fitted model as people read it (`rhythm model`, the Annual view).
//! - `backtest`: judging a saved recommendation once its horizon has data.
//! - `simulate`: histories with known truth, for the accuracy tests and the benchmark.
//!
//! Units: money is in the charter's currency; "weekly" figures are currency per week;
//! horizon figures are totals over the horizon; ROI is pipeline per unit of spend.

pub mod adstock;
pub mod backtest;
pub mod curve;
pub mod experiment_design;
pub mod fit;
pub mod history;
pub mod nnls;
pub mod optimize;
pub mod outlook;
pub mod overview;
pub mod planner;
pub mod recommendation;
pub mod saved;
pub mod search;
pub mod simulate;
pub mod validate;

pub use backtest::{Adherence, Backtest, BacktestOutcome, Verdict, adherence, backtest};
pub use curve::{HillCurve, Response};
pub use fit::{
    Baseline, ChannelModel, Excluded, ResponseModel, fit, fit_calibrated, fit_with_progress,
};
pub use history::History;
pub use optimize::Bounds;
pub use planner::{
    Planner, PlannerChannel, RecommendOptions, Scenario, WhatIf, fit_and_recommend,
    recommend_with_progress,
};
pub use recommendation::{
    ChannelRecommendation, HeldBack, NextExperiment, Recommendation, ValueOfInformation,
    channel_bounds,
};
pub use saved::RestoredRecommendation;
pub use validate::{RoiInterval, Validation};

use chrono::NaiveDate;

use crate::format::money;

/// Fewer consecutive weeks than this and the model refuses: a year is needed to tell
/// seasonality from media.
pub const MIN_WEEKS: usize = 52;
/// A channel needs spend in at least this many weeks of the fit window to be modelled.
pub const MIN_SPEND_WEEKS: usize = 8;
/// The fit uses at most the last this many weeks (three years): older behaviour is less
/// relevant to the next quarter, and the fit stays fast.
pub const MAX_FIT_WEEKS: usize = 156;
/// The horizon of recommendations and of the validation holdout, in weeks.
pub const DEFAULT_HORIZON_WEEKS: u32 = 13;
/// The name and revision of the model; part of every model version string.
pub const MODEL_NAME: &str = "mmm-1";

/// What can go wrong in the model; every message says what to do about it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error(
        "no channel data on or before {0}: import channels first (rhythm import channels FILE.csv)"
    )]
    NoData(NaiveDate),
    #[error(
        "too little data for the response model: {weeks} consecutive weeks of channel data up to {through}, it needs at least {needed}{gap}"
    )]
    TooFewWeeks {
        weeks: usize,
        needed: usize,
        through: NaiveDate,
        /// " (a gap: no data in the week of YYYY-MM-DD)" when a missing week cut the run.
        gap: String,
    },
    #[error(
        "no channel has spend in at least {MIN_SPEND_WEEKS} weeks of the fit window: nothing to model"
    )]
    NoPaidChannels,
    #[error(
        "a budget of {} over the horizon is outside what the channel bounds allow: between {} and {}",
        money(*budget), money(*min), money(*max)
    )]
    BudgetOutOfBounds { budget: f64, min: f64, max: f64 },
    #[error(
        "a pipeline target of {} is out of reach within the channel bounds: at most {} over the horizon",
        money(*target), money(*max)
    )]
    TargetUnreachable { target: f64, max: f64 },
    #[error("the reserve must be a fraction between 0 and 0.5 (0.10 holds back 10%), not {0}")]
    BadReserve(f64),
    #[error("the horizon must be 1 to 52 weeks, not {0}")]
    BadHorizon(u32),
    #[error("{0}")]
    BadInput(String),
    #[error(
        "saved recommendation {id} cannot be read back ({reason}): it was saved by another version of rhythm; save a new one with rhythm recommend --save"
    )]
    UnreadableSaved { id: i64, reason: String },
    /// The caller stopped the fit (the cockpit moved on to another week).
    #[error("the fit was stopped before it finished")]
    Cancelled,
}
