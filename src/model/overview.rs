//! The fitted model as people read it: fit and validation, and per channel the curve's
//! parameters, modelled ROI with its interval next to attributed ROAS, marginal ROI at the
//! current run-rate, the saturation point and the response curve's points. What
//! `rhythm model` prints and the cockpit's Annual view draws.

use chrono::NaiveDate;
use serde::Serialize;

use crate::facts::{Experiment, ExperimentMethod};

use super::curve::Response;
use super::fit::{Baseline, Excluded, ResponseModel};
use super::history::History;
use super::validate::{RoiInterval, Validation};

/// Points on each response curve.
pub const CURVE_POINTS: usize = 24;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelOverview {
    pub version: String,
    pub fit_start: NaiveDate,
    pub fit_end: NaiveDate,
    pub weeks: usize,
    /// In-sample fit (fractions).
    pub r_squared: f64,
    pub mape: Option<f64>,
    pub baseline: Baseline,
    /// None when not computed (the cockpit shows the fit first, validation after).
    pub validation: Option<Validation>,
    pub channels: Vec<ChannelOverview>,
    pub excluded: Vec<Excluded>,
    /// The incrementality experiments beside what the model implies for the same weeks;
    /// None when not computed (the reports), empty when none is imported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experiments: Option<Vec<ExperimentCheck>>,
}

/// One experiment beside the model: what it measured, and what the fitted curve says the
/// channel's spend caused in the same weeks. Money in currency over the tested weeks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExperimentCheck {
    pub name: String,
    pub channel: String,
    /// The method (the file's `kind`); null when the file did not say.
    pub method: Option<ExperimentMethod>,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Weeks the test overlaps, and how many of them are in the fit's window.
    pub weeks: usize,
    pub tested_weeks: usize,
    pub incremental_pipeline: f64,
    pub std_error: f64,
    /// What the model implies for the tested weeks in the fit window; None when unused.
    pub implied_incremental: Option<f64>,
    /// The implied figure lies outside the measured ± [`DISAGREE_STD_ERRORS`] standard
    /// errors.
    pub disagrees: bool,
    /// Why the model could not use it; None when it did.
    pub not_used: Option<NotUsed>,
    /// The file's note, as written; null when none.
    pub note: Option<String>,
}

/// Why an experiment is not evidence for the fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotUsed {
    /// Its channel is not among the modelled media channels.
    ChannelNotModelled,
    /// None of its weeks is in the fit's window.
    OutsideFitWindow,
}

/// How far, in standard errors, the model may sit from a measurement before they
/// disagree (about 95% two-sided).
pub const DISAGREE_STD_ERRORS: f64 = 2.0;

/// Each of `experiments` beside what `model`, fitted on `history`, implies for its weeks.
pub fn experiment_checks(
    model: &ResponseModel,
    history: &History,
    experiments: &[Experiment],
) -> Vec<ExperimentCheck> {
    experiments
        .iter()
        .map(|e| {
            let tested = super::fit::tested_weeks(history, e).len();
            let weeks = history.weeks.first().map_or(0, |&first| {
                let index = |d: NaiveDate| (d - first).num_days().div_euclid(7);
                (index(e.end) - index(e.start) + 1).max(0) as usize
            });
            let not_used = if model.channel(&e.channel).is_none() {
                Some(NotUsed::ChannelNotModelled)
            } else if tested == 0 {
                Some(NotUsed::OutsideFitWindow)
            } else {
                None
            };
            let implied = not_used
                .is_none()
                .then(|| model.implied_incremental(history, e))
                .flatten();
            ExperimentCheck {
                name: e.name.clone(),
                channel: e.channel.clone(),
                method: e.method,
                start: e.start,
                end: e.end,
                weeks,
                tested_weeks: tested,
                incremental_pipeline: e.incremental_pipeline,
                std_error: e.std_error,
                implied_incremental: implied,
                disagrees: implied.is_some_and(|i| {
                    (i - e.incremental_pipeline).abs() > DISAGREE_STD_ERRORS * e.std_error
                }),
                not_used,
                note: e.note.clone(),
            }
        })
        .collect()
}

impl ChannelOverview {
    /// The current run-rate is past the point where the next dollar returns less than the
    /// charter's hurdle.
    pub fn past_saturation(&self) -> bool {
        self.current_weekly_spend > self.saturation_spend
    }
}

/// Money per week unless said otherwise; ROIs are pipeline per unit of spend.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelOverview {
    pub channel: String,
    pub decay: f64,
    /// Adstocked spend at half of the maximum, currency.
    pub half_saturation: f64,
    pub shape: f64,
    pub max_pipeline: f64,
    /// Modelled ROI over the fit window, and its 90% interval when computed.
    pub roi: f64,
    pub roi_low: Option<f64>,
    pub roi_high: Option<f64>,
    /// What last-touch attribution says: attributed pipeline per unit of spend.
    pub attributed_roas: f64,
    /// Average weekly spend of the last 13 weeks.
    pub current_weekly_spend: f64,
    /// Marginal ROI at the current weekly spend, and its 90% interval when computed.
    pub marginal_roi: f64,
    pub marginal_roi_low: Option<f64>,
    pub marginal_roi_high: Option<f64>,
    /// The weekly spend beyond which marginal ROI is below the hurdle.
    pub saturation_spend: f64,
    /// The highest level the data shows the response at.
    pub seen_weekly_max: f64,
    /// Spend and modelled pipeline over the fit window, currency.
    pub spend: f64,
    pub contribution: f64,
    /// (weekly spend, weekly pipeline) from 0 to past the saturation point.
    pub curve: Vec<(f64, f64)>,
}

/// The overview of `model` fitted on `history`, with the charter's `hurdle` (ROI at which
/// a channel counts as saturated), and the intervals and validation if computed.
pub fn overview(
    model: &ResponseModel,
    history: &History,
    hurdle: f64,
    intervals: Option<&[RoiInterval]>,
    validation: Option<Validation>,
) -> ModelOverview {
    let n = history.len();
    let recent = n.saturating_sub(13);
    let channels = model
        .channels
        .iter()
        .map(|c| {
            let current = history.channel(&c.channel).map_or(0.0, |s| {
                s.spend[recent..].iter().sum::<f64>() / (n - recent).max(1) as f64
            });
            let saturation = c.curve.saturation_spend(hurdle);
            let top = (2.0 * current).max(c.seen_weekly_max).max(saturation) * 1.25;
            let interval = intervals.and_then(|iv| iv.iter().find(|r| r.channel == c.channel));
            ChannelOverview {
                channel: c.channel.clone(),
                decay: c.curve.decay,
                half_saturation: c.curve.half_saturation,
                shape: c.curve.shape,
                max_pipeline: c.curve.max_pipeline,
                roi: c.roi,
                roi_low: interval.map(|r| r.low),
                roi_high: interval.map(|r| r.high),
                attributed_roas: c.attributed_roas,
                current_weekly_spend: current,
                marginal_roi: c.curve.marginal_roi(current),
                marginal_roi_low: interval.map(|r| r.marginal_low),
                marginal_roi_high: interval.map(|r| r.marginal_high),
                saturation_spend: saturation,
                seen_weekly_max: c.seen_weekly_max,
                spend: c.spend,
                contribution: c.contribution,
                curve: c.curve.points(top.max(1.0), CURVE_POINTS),
            }
        })
        .collect();
    ModelOverview {
        version: model.version.clone(),
        fit_start: model.fit_start,
        fit_end: model.fit_end,
        weeks: model.weeks,
        r_squared: model.r_squared,
        mape: model.mape,
        baseline: model.baseline,
        validation,
        channels,
        excluded: model.excluded.clone(),
        experiments: None,
    }
}
