//! The marketing mix model of weekly total pipeline:
//!
//! pipeline_t = baseline_t + Σ_channels max_pipeline_c · Hill(adstock_c,t; K_c, S_c) + noise
//!
//! with baseline_t = intercept + trend·years + two yearly Fourier harmonics + a term for
//! each of the four year-end weeks (`history::holiday_week`). Each channel's decay,
//! half-saturation K and shape S are chosen from a fixed grid by coordinate search (one
//! channel at a time, every candidate tried, the best kept, until a sweep changes
//! nothing); for each candidate the linear effects are fitted exactly by least squares
//! with non-negative channel effects, under weak priors on the curve and on the ROI
//! (`search`). Incrementality experiments, when given, are a further likelihood term on
//! their channel's effect in the tested weeks (`fit_calibrated`). No random start, no iteration order from a hash map, no threads: the same
//! data gives the same model, bit for bit.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::adstock::geometric_adstock;
use super::curve::HillCurve;
use super::history::{HOLIDAY_WEEKS, History, holiday_week, seasonality, years_since};
use super::search::{
    BASELINE_COLUMNS, Candidates, Choice, Search, Trial, baseline_columns, neutral_start,
};
use crate::facts::Experiment;

use super::{MIN_SPEND_WEEKS, MIN_WEEKS, MODEL_NAME, ModelError};

/// Coordinate sweeps at most; the search usually settles in two to four.
const MAX_SWEEPS: usize = 6;

/// A fitted response model: its parameters and how well it fits its window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseModel {
    /// `MODEL_NAME:fit_end:hash of the parameters` — tells two fits apart.
    pub version: String,
    /// First day of the first and of the last week of the fit window.
    pub fit_start: NaiveDate,
    pub fit_end: NaiveDate,
    pub weeks: usize,
    pub baseline: Baseline,
    /// The modelled (paid) channels, in name order.
    pub channels: Vec<ChannelModel>,
    /// Channels the model does not treat as media, with the reason.
    pub excluded: Vec<Excluded>,
    /// In-sample share of the weekly variance explained (0..1).
    pub r_squared: f64,
    /// In-sample mean absolute percentage error (fraction).
    pub mape: Option<f64>,
    /// The experiments the fit used as evidence (those on modelled channels with a
    /// tested week in the window), so a refit of the same window can use them too.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

/// An incrementality experiment as the fit used it: what the channel's spend caused
/// between two days, as measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub channel: String,
    /// First and last day tested (inclusive).
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Measured incremental pipeline over the tested weeks, currency.
    pub incremental_pipeline: f64,
    /// Its standard error, currency (> 0).
    pub std_error: f64,
}

impl Evidence {
    pub fn from_experiment(e: &Experiment) -> Evidence {
        Evidence {
            channel: e.channel.clone(),
            start: e.start,
            end: e.end,
            incremental_pipeline: e.incremental_pipeline,
            std_error: e.std_error,
        }
    }
}

/// Pipeline nobody paid for this week, currency per week.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub intercept: f64,
    /// Change per year since the fit's first week.
    pub trend_per_year: f64,
    /// Coefficients of `history::seasonality`'s four harmonics.
    pub seasonality: [f64; 4],
    /// Added in each year-end week (`history::holiday_week`; negative: a dip).
    pub holiday: [f64; HOLIDAY_WEEKS],
}

/// One modelled channel: its curve and what it did over the fit window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChannelModel {
    pub channel: String,
    pub curve: HillCurve,
    /// Spend over the fit window, currency.
    pub spend: f64,
    pub weeks_with_spend: usize,
    /// Pipeline the model credits to the channel over the fit window, currency.
    pub contribution: f64,
    /// Modelled incremental pipeline per unit of spend over the fit window.
    pub roi: f64,
    /// Pipeline the CRM credits to the channel (last touch) over the fit window.
    pub attributed_pipeline: f64,
    /// Attributed pipeline per unit of spend: what the dashboards call ROAS.
    pub attributed_roas: f64,
    /// Mean weekly spend over the fit window, currency per week.
    pub mean_weekly_spend: f64,
    /// The highest level the data shows the channel's response at, as a sustained
    /// weekly spend: the peak adstock × (1 − decay). Beyond it the curve is extrapolation.
    pub seen_weekly_max: f64,
    /// The curve's place on the search grid (decay, half-saturation, shape indices).
    #[serde(default)]
    pub grid: Choice,
}

impl ChannelModel {
    /// Pipeline the channel causes each week of a spend series starting at the fit's
    /// first week (the warm start reads its first four weeks, as in the fit), currency.
    pub fn contributions(&self, spend: &[f64]) -> Vec<f64> {
        self.adstock(spend)
            .into_iter()
            .map(|x| self.curve.at_adstock(x))
            .collect()
    }

    /// The channel's adstock each week of a spend series starting at the fit's first
    /// week, from the warm start (`adstock::warm_start`), currency. Linear in the spend
    /// once started: a series starting with four zero weeks starts cold.
    pub fn adstock(&self, spend: &[f64]) -> Vec<f64> {
        geometric_adstock(spend, self.curve.decay)
    }

    /// Pipeline per week of `future` spend (currency per week) following `past`, the
    /// spend series from the fit's first week to the last week before `future`: the
    /// carry-over from weeks already spent is included, so the first weeks of a plan
    /// feel what was spent before it.
    pub fn forecast(&self, past: &[f64], future: &[f64]) -> Vec<f64> {
        let all: Vec<f64> = past.iter().chain(future).copied().collect();
        self.contributions(&all)[past.len()..].to_vec()
    }
}

/// Indices of `history`'s weeks that overlap `experiment`'s tested days.
pub fn tested_weeks(history: &History, experiment: &Experiment) -> Vec<usize> {
    weeks_between(history, experiment.start, experiment.end)
}

/// Indices of `history`'s weeks that overlap the days `start..=end`.
fn weeks_between(history: &History, start: NaiveDate, end: NaiveDate) -> Vec<usize> {
    history
        .weeks
        .iter()
        .enumerate()
        .filter(|(_, w)| **w <= end && **w + chrono::Duration::days(6) >= start)
        .map(|(t, _)| t)
        .collect()
}

/// A channel left out of the media model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Excluded {
    pub channel: String,
    /// False for unpaid channels, whose pipeline is part of the baseline.
    pub has_spend: bool,
    pub reason: String,
}

impl Baseline {
    /// Baseline pipeline in `week` for a model fitted from `origin`, currency per week.
    pub fn at(&self, origin: NaiveDate, week: NaiveDate) -> f64 {
        let s = seasonality(week);
        self.intercept
            + self.trend_per_year * years_since(origin, week)
            + (0..4).map(|k| self.seasonality[k] * s[k]).sum::<f64>()
            + holiday_week(week).map_or(0.0, |k| self.holiday[k])
    }
}

impl ResponseModel {
    /// The modelled channel named `channel`.
    pub fn channel(&self, channel: &str) -> Option<&ChannelModel> {
        self.channels.iter().find(|c| c.channel == channel)
    }

    /// Expected total pipeline per week for `weeks` (the first must be `fit_start`) when
    /// channel i of `self.channels` spends `spend[i]` (currency per week, aligned with
    /// `weeks`). The warm start reads the first four weeks, as in the fit.
    pub fn predict(&self, weeks: &[NaiveDate], spend: &[Vec<f64>]) -> Vec<f64> {
        let mut out: Vec<f64> = weeks
            .iter()
            .map(|w| self.baseline.at(self.fit_start, *w))
            .collect();
        for (c, s) in self.channels.iter().zip(spend) {
            for (t, p) in c.contributions(s).into_iter().enumerate() {
                out[t] += p;
            }
        }
        out
    }

    /// The pipeline the model says `experiment`'s channel caused in the tested weeks of
    /// `history` (the fit's window or one holding it), currency: what the experiment
    /// measured, as the model sees it. None when the channel is not modelled or no
    /// tested week is in `history`.
    pub fn implied_incremental(&self, history: &History, experiment: &Experiment) -> Option<f64> {
        let c = self.channel(&experiment.channel)?;
        let spend = history.channel(&c.channel)?;
        let tested = tested_weeks(history, experiment);
        if tested.is_empty() {
            return None;
        }
        let weekly = c.contributions(&spend.spend);
        Some(tested.iter().map(|&t| weekly[t]).sum())
    }

    /// The spend series of the modelled channels in `history` (zeros for a channel it
    /// lacks), in the order of `self.channels`.
    pub fn spend_of(&self, history: &History) -> Vec<Vec<f64>> {
        self.channels
            .iter()
            .map(|c| {
                history
                    .channel(&c.channel)
                    .map_or_else(|| vec![0.0; history.len()], |s| s.spend.clone())
            })
            .collect()
    }
}

/// Fits the model to every week of `history`.
pub fn fit(history: &History) -> Result<ResponseModel, ModelError> {
    fit_from(history, None, MAX_SWEEPS, &[], &mut |_| true)
}

/// `fit_with_progress`, with incrementality experiments as evidence on their channels'
/// curves: each adds (β·m_e − L)²/σ_L², in units of the fit's noise variance, to the
/// search's objective, where β·m_e is the pipeline the candidate curve says the channel
/// caused in the tested weeks, L the measured incremental pipeline and σ_L its standard
/// error. An experiment on a channel the model does not treat as media, or whose tested
/// weeks are outside `history`, is not used.
pub fn fit_calibrated(
    history: &History,
    experiments: &[Experiment],
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<ResponseModel, ModelError> {
    let evidence: Vec<Evidence> = experiments.iter().map(Evidence::from_experiment).collect();
    let model = fit_from(history, None, MAX_SWEEPS, &evidence, progress)?;
    progress(1.0);
    Ok(model)
}

/// `fit`, telling `progress` how far the search is (0..1, then 1 at the end): for a
/// fit run in the background behind a progress bar. `progress` returns whether to go
/// on: false stops the search at once with `ModelError::Cancelled`.
pub fn fit_with_progress(
    history: &History,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<ResponseModel, ModelError> {
    let model = fit_from(history, None, MAX_SWEEPS, &[], progress)?;
    progress(1.0);
    Ok(model)
}

/// Fits with the search started from `start`'s curves (None: a neutral start), at most
/// `max_sweeps` sweeps, and `evidence` (experiments; those that do not apply to this
/// window are dropped); the bootstrap refits this way, from the fit it resamples.
pub(crate) fn fit_from(
    history: &History,
    start: Option<&ResponseModel>,
    max_sweeps: usize,
    evidence: &[Evidence],
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<ResponseModel, ModelError> {
    let n = history.len();
    if n < MIN_WEEKS {
        return Err(ModelError::TooFewWeeks {
            weeks: n,
            needed: MIN_WEEKS,
            through: history.weeks.last().copied().unwrap_or_default(),
            gap: String::new(),
        });
    }
    let (media, excluded) = split_channels(history);
    if media.is_empty() {
        return Err(ModelError::NoPaidChannels);
    }
    let y_scale = history.pipeline.iter().sum::<f64>() / n as f64;
    if y_scale <= 0.0 {
        return Err(ModelError::BadInput(
            "no pipeline in the fit window: nothing to explain".into(),
        ));
    }
    let y: Vec<f64> = history.pipeline.iter().map(|p| p / y_scale).collect();
    let candidates: Vec<Candidates> = media
        .iter()
        .map(|&i| Candidates::new(&history.channels[i].spend))
        .collect();
    let spend: Vec<f64> = media
        .iter()
        .map(|&i| history.channels[i].spend.iter().sum())
        .collect();
    let choices = match start {
        Some(m) => media
            .iter()
            .map(|&i| {
                m.channel(&history.channels[i].channel)
                    .map_or((4, 3, 0), |c| c.grid)
            })
            .collect(),
        None => neutral_start(media.len()),
    };
    let (trials, used) = trials(history, &media, evidence, y_scale);
    let mut search = Search::new(
        baseline_columns(history),
        &y,
        &candidates,
        spend,
        choices,
        trials,
    );
    if !search.run(max_sweeps, progress) {
        return Err(ModelError::Cancelled);
    }
    let beta = search.solve_current();
    let fitted: Vec<f64> = search.fitted(&beta).iter().map(|f| f * y_scale).collect();
    let mut model = assemble(
        history,
        &media,
        excluded,
        &candidates,
        &search,
        &beta,
        y_scale,
        &fitted,
    );
    model.evidence = used;
    model.version = version(&model);
    Ok(model)
}

/// The experiments that apply to this window as the search's trials (scaled by
/// `y_scale`), with the evidence they came from: on a modelled channel, with a tested
/// week in `history` and a positive, finite standard error.
fn trials(
    history: &History,
    media: &[usize],
    evidence: &[Evidence],
    y_scale: f64,
) -> (Vec<Trial>, Vec<Evidence>) {
    let mut trials = Vec::new();
    let mut used = Vec::new();
    for e in evidence {
        let Some(channel) = media
            .iter()
            .position(|&i| history.channels[i].channel == e.channel)
        else {
            continue;
        };
        let weeks = weeks_between(history, e.start, e.end);
        let usable =
            e.std_error > 0.0 && e.std_error.is_finite() && e.incremental_pipeline.is_finite();
        if weeks.is_empty() || !usable {
            continue;
        }
        trials.push(Trial {
            channel,
            weeks,
            lift: e.incremental_pipeline / y_scale,
            std_error: e.std_error / y_scale,
        });
        used.push(e.clone());
    }
    (trials, used)
}

/// Channels with spend in enough weeks are media; the rest are baseline or excluded.
fn split_channels(history: &History) -> (Vec<usize>, Vec<Excluded>) {
    let mut media = Vec::new();
    let mut excluded = Vec::new();
    for (i, c) in history.channels.iter().enumerate() {
        let weeks = c.spend.iter().filter(|s| **s > 0.0).count();
        if weeks >= MIN_SPEND_WEEKS {
            media.push(i);
        } else if weeks == 0 {
            excluded.push(Excluded {
                channel: c.channel.clone(),
                has_spend: false,
                reason: "no spend in the fit window: part of the baseline".into(),
            });
        } else {
            excluded.push(Excluded {
                channel: c.channel.clone(),
                has_spend: true,
                reason: format!(
                    "spend in only {weeks} of {} weeks (the model needs {MIN_SPEND_WEEKS}): no figure rather than a made-up one",
                    c.spend.len()
                ),
            });
        }
    }
    (media, excluded)
}

#[allow(clippy::too_many_arguments)]
fn assemble(
    history: &History,
    media: &[usize],
    excluded: Vec<Excluded>,
    candidates: &[Candidates],
    search: &Search,
    beta: &[f64],
    y_scale: f64,
    fitted: &[f64],
) -> ResponseModel {
    let n = history.len();
    let b = |k: usize| beta[k] * y_scale;
    let baseline = Baseline {
        intercept: b(0),
        trend_per_year: b(1),
        seasonality: [b(2), b(3), b(4), b(5)],
        holiday: [b(6), b(7), b(8), b(9)],
    };
    let channels: Vec<ChannelModel> = media
        .iter()
        .enumerate()
        .map(|(c, &i)| {
            let series = &history.channels[i];
            let grid = search.choices[c];
            let (decay, half_saturation, shape) = candidates[c].curve(grid);
            let curve = HillCurve {
                decay,
                half_saturation,
                shape,
                max_pipeline: b(BASELINE_COLUMNS + c),
            };
            let column = &search.columns[BASELINE_COLUMNS + c];
            let contribution: f64 = column.iter().map(|h| curve.max_pipeline * h).sum();
            let spend: f64 = series.spend.iter().sum();
            let attributed: f64 = series.attributed.iter().sum();
            let seen = geometric_adstock(&series.spend, decay)
                .into_iter()
                .fold(0.0, f64::max);
            ChannelModel {
                channel: series.channel.clone(),
                curve,
                grid,
                spend,
                weeks_with_spend: series.spend.iter().filter(|s| **s > 0.0).count(),
                contribution,
                roi: contribution / spend,
                attributed_pipeline: attributed,
                attributed_roas: attributed / spend,
                mean_weekly_spend: spend / n as f64,
                seen_weekly_max: seen * (1.0 - decay),
            }
        })
        .collect();
    let mean = history.pipeline.iter().sum::<f64>() / n as f64;
    let ss_tot: f64 = history.pipeline.iter().map(|y| (y - mean).powi(2)).sum();
    let ss_res: f64 = history
        .pipeline
        .iter()
        .zip(fitted)
        .map(|(y, f)| (y - f).powi(2))
        .sum();
    let mut model = ResponseModel {
        version: String::new(),
        fit_start: history.weeks[0],
        fit_end: history.weeks[n - 1],
        weeks: n,
        baseline,
        channels,
        excluded,
        r_squared: 1.0 - ss_res / ss_tot.max(1e-300),
        mape: super::validate::mape(&history.pipeline, fitted),
        evidence: Vec::new(),
    };
    model.version = version(&model);
    model
}

/// `MODEL_NAME:fit_end:xxxxxxxx`, the hash over the parameters rounded to six significant
/// digits, so the last bits of a platform's `exp` do not change the name.
fn version(model: &ResponseModel) -> String {
    let mut text = format!("{}{}", model.fit_start, model.fit_end);
    let b = &model.baseline;
    let mut numbers = vec![b.intercept, b.trend_per_year];
    numbers.extend(b.seasonality);
    numbers.extend(b.holiday);
    for c in &model.channels {
        text.push_str(&c.channel);
        numbers.extend([
            c.curve.decay,
            c.curve.half_saturation,
            c.curve.shape,
            c.curve.max_pipeline,
        ]);
    }
    for e in &model.evidence {
        text.push_str(&format!("|{}:{}:{}", e.channel, e.start, e.end));
        numbers.extend([e.incremental_pipeline, e.std_error]);
    }
    for x in numbers {
        text.push_str(&format!("|{x:.5e}"));
    }
    // FNV-1a, 32 bits.
    let mut hash: u32 = 0x811c_9dc5;
    for byte in text.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("{MODEL_NAME}:{}:{hash:08x}", model.fit_end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::simulate;

    #[test]
    fn two_fits_of_the_same_data_are_identical_bit_for_bit() {
        let sim = simulate::simulate(simulate::hill_truth(), 104, 11);
        let a = fit(&sim.history).unwrap();
        let mut heard = Vec::new();
        let b = fit_with_progress(&sim.history, &mut |p| {
            heard.push(p);
            true
        })
        .unwrap();
        assert_eq!(a, b);
        let mut calls = 0;
        let stopped = fit_with_progress(&sim.history, &mut |_| {
            calls += 1;
            calls < 3
        });
        assert_eq!(stopped, Err(ModelError::Cancelled));
        assert_eq!(calls, 3, "the search stops at the first refusal");
        assert!(heard.windows(2).all(|w| w[0] <= w[1]), "{heard:?}");
        assert_eq!(heard.last(), Some(&1.0));
        assert!(a.version.starts_with("mmm-1:"), "{}", a.version);
    }

    #[test]
    fn too_little_data_is_refused_and_a_thin_channel_is_left_out_with_its_reason() {
        let sim = simulate::simulate(simulate::hill_truth(), 60, 4);
        let short = sim.history.slice(0, 40);
        assert!(matches!(
            fit(&short),
            Err(ModelError::TooFewWeeks { weeks: 40, .. })
        ));
        let mut h = sim.history.clone();
        let webinars = h
            .channels
            .iter_mut()
            .find(|c| c.channel == "webinars")
            .unwrap();
        for s in webinars.spend.iter_mut().skip(5) {
            *s = 0.0;
        }
        let m = fit(&h).unwrap();
        assert!(m.channel("webinars").is_none());
        let e = m.excluded.iter().find(|e| e.channel == "webinars").unwrap();
        assert!(
            e.has_spend && e.reason.contains("5 of 60 weeks"),
            "{}",
            e.reason
        );
        assert!(
            m.excluded
                .iter()
                .any(|e| e.channel == "organic" && !e.has_spend)
        );
        assert_eq!(m.channels.len(), 6);
    }

    #[test]
    fn the_fit_explains_its_window_and_predict_reproduces_it() {
        let sim = simulate::simulate(simulate::hill_truth(), 104, 5);
        let m = fit(&sim.history).unwrap();
        assert!(m.r_squared > 0.85, "R² {}", m.r_squared);
        assert!(m.mape.unwrap() < 0.05, "MAPE {:?}", m.mape);
        assert!(m.baseline.intercept > 0.0);
        let pred = m.predict(&sim.history.weeks, &m.spend_of(&sim.history));
        let again = crate::model::validate::mape(&sim.history.pipeline, &pred);
        assert!(
            (again.unwrap() - m.mape.unwrap()).abs() < 1e-9,
            "{again:?} vs {:?}",
            m.mape
        );
        for c in &m.channels {
            assert!(c.roi > 0.0 && c.roi.is_finite(), "{}: {}", c.channel, c.roi);
            assert!((c.contribution / c.spend - c.roi).abs() < 1e-9);
        }
    }

    /// An experiment on `channel` over weeks `from..to` of `history` measuring `lift` ± `se`.
    fn experiment(
        history: &History,
        channel: &str,
        weeks: (usize, usize),
        lift: f64,
        se: f64,
    ) -> Experiment {
        Experiment {
            name: format!("{channel} test"),
            channel: channel.into(),
            method: Some(crate::facts::ExperimentMethod::Holdout),
            note: None,
            start: history.weeks[weeks.0],
            end: history.weeks[weeks.1 - 1] + chrono::Duration::days(6),
            incremental_pipeline: lift,
            std_error: se,
        }
    }

    #[test]
    fn an_experiment_pulls_a_channel_by_its_precision() {
        let sim = simulate::simulate(simulate::hill_truth(), 104, 3);
        let h = &sim.history;
        let plain = fit(h).unwrap();
        // abm is always on: the data can hardly tell its effect from the intercept.
        let probe = experiment(h, "abm", (40, 48), 1.0, 1.0);
        let before = plain.implied_incremental(h, &probe).unwrap();
        let target = 1.6 * before;
        let roi = |e: &Experiment| {
            let m = fit_calibrated(h, std::slice::from_ref(e), &mut |_| true).unwrap();
            let implied = m.implied_incremental(h, e).unwrap();
            (m.channel("abm").unwrap().roi, implied)
        };
        let base_roi = plain.channel("abm").unwrap().roi;
        let (precise_roi, precise) = roi(&experiment(h, "abm", (40, 48), target, 0.02 * target));
        assert!(
            (precise / target - 1.0).abs() < 0.06,
            "{precise} vs {target}"
        );
        assert!(precise_roi > 1.3 * base_roi, "{precise_roi} vs {base_roi}");
        let (vague_roi, vague) = roi(&experiment(h, "abm", (40, 48), target, 10.0 * target));
        assert!((vague / before - 1.0).abs() < 0.05, "{vague} vs {before}");
        assert!(
            (vague_roi / base_roi - 1.0).abs() < 0.05,
            "{vague_roi} vs {base_roi}"
        );
    }

    #[test]
    fn the_true_lift_over_the_window_brings_the_roi_to_the_truth() {
        let sim = simulate::simulate(simulate::hill_truth(), 104, 8);
        let h = &sim.history;
        let n = h.len();
        let c = sim
            .truth
            .channels
            .iter()
            .position(|c| c.channel == "abm")
            .unwrap();
        let spend: f64 = h.channel("abm").unwrap().spend.iter().sum();
        let lift = sim.true_roi[c] * spend;
        let e = experiment(h, "abm", (0, n), lift, 0.03 * lift);
        let plain = fit(h).unwrap().channel("abm").unwrap().roi;
        let m = fit_calibrated(h, &[e], &mut |_| true).unwrap();
        let calibrated = m.channel("abm").unwrap().roi;
        let truth = sim.true_roi[c];
        assert!(
            (calibrated / truth - 1.0).abs() < 0.05,
            "calibrated {calibrated}, truth {truth}, uncalibrated {plain}"
        );
    }

    #[test]
    fn experiments_that_do_not_apply_change_nothing_and_evidence_is_deterministic() {
        let sim = simulate::simulate(simulate::hill_truth(), 104, 5);
        let h = &sim.history;
        let plain = fit(h).unwrap();
        let mut late = experiment(h, "linkedin", (0, 4), 5e5, 1e4);
        late.start = h.weeks[h.len() - 1] + chrono::Duration::days(30);
        late.end = late.start + chrono::Duration::days(27);
        let unpaid = experiment(h, "organic", (10, 14), 5e5, 1e4);
        let ignored = fit_calibrated(h, &[late, unpaid], &mut |_| true).unwrap();
        assert_eq!(ignored, plain);
        let used = [experiment(h, "linkedin", (30, 36), 4e5, 5e4)];
        let a = fit_calibrated(h, &used, &mut |_| true).unwrap();
        let b = fit_calibrated(h, &used, &mut |_| true).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.evidence.len(), 1);
        assert_ne!(a.version, plain.version);
        // The bootstrap's refits keep the evidence.
        let refits = crate::model::validate::bootstrap(&a, h, 2);
        assert!(!refits.is_empty());
        assert!(refits.iter().all(|r| r.evidence.len() == 1));
    }
}
