//! The fitted model as people read it: fit and validation, and per channel the curve's
//! parameters, modelled ROI with its interval next to attributed ROAS, marginal ROI at the
//! current run-rate, the saturation point and the response curve's points. What
//! `rhythm model` prints and the cockpit's Annual view draws.

use chrono::NaiveDate;
use serde::Serialize;

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
    /// Marginal ROI at the current weekly spend.
    pub marginal_roi: f64,
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
    }
}
