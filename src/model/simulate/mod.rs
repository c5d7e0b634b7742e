//! Histories with known truth, for the accuracy tests and the benchmark: weekly spend that
//! moves like real media plans (always-on lines with quarterly budget shifts, flights,
//! event bursts, monthly webinar pulses, quarterly programmes, lines with dark weeks, a
//! holiday pause), true responses per channel (geometric, normalised or delayed
//! carry-over; Hill or logistic saturation), a trending seasonal baseline with a year-end
//! dip, noise, and last-touch attribution that moves credit between channels the way a
//! CRM does. The hand-built worlds (`worlds`) and worlds drawn from a seed
//! (`random_world`); lift tests a team could have run on each (`Simulation::lift_tests`).
//! Seeded (ChaCha8): the same seed gives the same history.

use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

mod flighting;
mod lift;
mod random;
mod worlds;

pub use flighting::{Flighting, flight_levels, monthly_levels};
pub use random::{Family, random_world};
pub use worlds::{hill_truth, logistic_truth, nine_channel_truth};

use flighting::schedule;

use super::curve::Response;
use super::history::{ChannelSeries, History, holiday_week, seasonality, years_since};

/// How a channel's spend carries over.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Carryover {
    /// x_t = s_t + d·x_{t−1} (what the model assumes).
    Geometric,
    /// x_t = (1 − d)·s_t + d·x_{t−1}: a weighted average of past spend.
    Normalised,
    /// x_t = Σ_l w_l·s_{t−l} over `DELAYED_LAGS` lags, w_l ∝ d^((l − peak)²), the weights
    /// summing to 1: the effect peaks `peak` weeks after the spend (PyMC-Marketing's
    /// delayed adstock). A sustained spend settles at adstock = spend.
    Delayed { peak: f64 },
}

/// Lags of the delayed adstock, weeks (this week and the twelve before).
pub const DELAYED_LAGS: usize = 13;

impl Carryover {
    /// The weights of the delayed adstock for retention `decay` (0..1) and `peak` weeks,
    /// lag 0 first, summing to 1.
    pub fn delayed_weights(decay: f64, peak: f64) -> [f64; DELAYED_LAGS] {
        let mut w = [0.0; DELAYED_LAGS];
        for (l, x) in w.iter_mut().enumerate() {
            *x = decay.powf((l as f64 - peak).powi(2));
        }
        let total: f64 = w.iter().sum();
        w.map(|x| x / total)
    }
}

/// How a channel saturates, as a share (0..1) of its maximum at adstock x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Saturation {
    Hill {
        half_saturation: f64,
        shape: f64,
    },
    /// A logistic S-curve through `midpoint`, shifted to start at 0 and rescaled to end at 1.
    Logistic {
        midpoint: f64,
        steepness: f64,
    },
}

/// One paid channel's truth.
#[derive(Debug, Clone, PartialEq)]
pub struct TrueChannel {
    pub channel: String,
    /// Weekly spend at full level, currency per week.
    pub base_spend: f64,
    pub flighting: Flighting,
    /// Share of last week's adstock carried over (geometric, normalised), or the
    /// retention of the delayed weights (0..1).
    pub decay: f64,
    pub carryover: Carryover,
    pub saturation: Saturation,
    /// Weekly pipeline at full saturation, currency per week.
    pub max_pipeline: f64,
    /// Share of the pipeline it causes that the CRM credits to it (the rest goes to the
    /// first unpaid channel and to the first paid one: direct traffic and brand search).
    pub credit: f64,
}

/// A world to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct Truth {
    pub channels: Vec<TrueChannel>,
    /// Unpaid channels and their weekly baseline pipeline, currency per week.
    pub unpaid: Vec<(String, f64)>,
    /// Baseline growth per year (fraction).
    pub trend: f64,
    /// Depth of the year-end dip in its deepest week (fraction); the week before
    /// Christmas week and the first full week of January dip less (`HOLIDAY_SHAPE`).
    pub holiday_dip: f64,
    /// True: the dip hits media too (the model assumes it hits the baseline only).
    pub holiday_hits_media: bool,
    /// Weekly noise on total pipeline (fraction, 0.03 = 3%).
    pub noise: f64,
}

/// A simulated history and the truth behind it.
#[derive(Debug, Clone)]
pub struct Simulation {
    pub history: History,
    pub truth: Truth,
    /// Per paid channel: true pipeline caused over the history / spend over the history.
    pub true_roi: Vec<f64>,
    /// Per paid channel (in `truth.channels` order), per history week: the pipeline its
    /// spend truly caused that week, currency per week.
    pub caused: Vec<Vec<f64>>,
}

impl TrueChannel {
    /// Share of maximum at adstock `x`.
    pub fn share(&self, x: f64) -> f64 {
        match self.saturation {
            Saturation::Hill {
                half_saturation,
                shape,
            } => crate::model::adstock::hill(x, half_saturation, shape),
            Saturation::Logistic {
                midpoint,
                steepness,
            } => {
                let f = |x: f64| 1.0 / (1.0 + (-steepness * (x / midpoint - 1.0)).exp());
                ((f(x) - f(0.0)) / (1.0 - f(0.0))).max(0.0)
            }
        }
    }

    /// Adstock each week of `spend` (currency), starting cold.
    fn adstock(&self, spend: &[f64]) -> Vec<f64> {
        let w = match self.carryover {
            Carryover::Geometric => 1.0,
            Carryover::Normalised => 1.0 - self.decay,
            Carryover::Delayed { peak } => {
                let w = Carryover::delayed_weights(self.decay, peak);
                return (0..spend.len())
                    .map(|t| {
                        (0..DELAYED_LAGS.min(t + 1))
                            .map(|l| w[l] * spend[t - l])
                            .sum()
                    })
                    .collect();
            }
        };
        let mut carry = 0.0;
        spend
            .iter()
            .map(|s| {
                carry = w * s + self.decay * carry;
                carry
            })
            .collect()
    }
}

impl Response for TrueChannel {
    fn weekly_pipeline(&self, weekly_spend: f64) -> f64 {
        let x = match self.carryover {
            Carryover::Geometric => weekly_spend / (1.0 - self.decay),
            Carryover::Normalised | Carryover::Delayed { .. } => weekly_spend,
        };
        self.max_pipeline * self.share(x)
    }
}

/// The first week of every simulated history.
pub const START: NaiveDate = match NaiveDate::from_ymd_opt(2023, 1, 2) {
    Some(d) => d,
    None => panic!("a date"),
};
/// How deep each year-end week dips relative to the deepest (the week before Christmas
/// week, Christmas week, New Year week, the first full week of January): demand slows,
/// collapses, then recovers.
const HOLIDAY_SHAPE: [f64; 4] = [0.3, 1.0, 0.9, 0.4];
/// Weeks simulated before the history starts, so the adstock is warm.
const BURN_IN: usize = 52;

/// Simulates `weeks` weeks of `truth` with `seed`.
pub fn simulate(truth: Truth, weeks: usize, seed: u64) -> Simulation {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let total_weeks = BURN_IN + weeks;
    let dates: Vec<NaiveDate> = (0..total_weeks)
        .map(|t| START + Duration::days(7 * (t as i64 - BURN_IN as i64)))
        .collect();
    let holiday = |t: usize| holiday_week(dates[t]).map_or(0.0, |k| HOLIDAY_SHAPE[k]);
    let dip = |t: usize| 1.0 - truth.holiday_dip * holiday(t);
    let spend: Vec<Vec<f64>> = truth
        .channels
        .iter()
        .map(|c| {
            let plan = schedule(c.flighting, total_weeks, &mut rng);
            // Budget decisions: a level per quarter, adjusted month by month.
            let quarter: Vec<f64> = (0..total_weeks / 13 + 1)
                .map(|_| rng.random_range(0.65..1.35))
                .collect();
            let month: Vec<f64> = (0..total_weeks / 4 + 1)
                .map(|_| rng.random_range(0.75..1.25))
                .collect();
            (0..total_weeks)
                .map(|t| {
                    let pause = 1.0 - 0.6 * holiday(t);
                    c.base_spend
                        * plan[t]
                        * quarter[t / 13]
                        * month[t / 4]
                        * pause
                        * wobble(&mut rng, 0.15)
                })
                .collect()
        })
        .collect();
    let caused: Vec<Vec<f64>> = truth
        .channels
        .iter()
        .zip(&spend)
        .map(|(c, s)| {
            c.adstock(s)
                .into_iter()
                .enumerate()
                .map(|(t, x)| {
                    c.max_pipeline
                        * c.share(x)
                        * if truth.holiday_hits_media {
                            dip(t)
                        } else {
                            1.0
                        }
                })
                .collect()
        })
        .collect();
    let n_paid = truth.channels.len();
    let mut channels: Vec<ChannelSeries> = truth
        .channels
        .iter()
        .map(|c| c.channel.clone())
        .chain(truth.unpaid.iter().map(|(c, _)| c.clone()))
        .map(|channel| ChannelSeries {
            channel,
            spend: Vec::with_capacity(weeks),
            attributed: Vec::with_capacity(weeks),
        })
        .collect();
    let mut pipeline = Vec::with_capacity(weeks);
    for t in BURN_IN..total_weeks {
        let s = seasonality(dates[t]);
        let season = 1.0 + 0.06 * s[1] + 0.03 * s[2];
        let level = (1.0 + truth.trend * years_since(START, dates[t])) * season * dip(t);
        let mut credit = vec![0.0; channels.len()];
        for (i, (_, weekly)) in truth.unpaid.iter().enumerate() {
            credit[n_paid + i] += weekly * level;
        }
        for (c, truth_c) in truth.channels.iter().enumerate() {
            let p = caused[c][t];
            credit[c] += truth_c.credit * p;
            // Brand search and direct traffic pick up the rest.
            credit[0] += 0.5 * (1.0 - truth_c.credit) * p;
            credit[n_paid.min(channels.len() - 1)] += 0.5 * (1.0 - truth_c.credit) * p;
        }
        let total: f64 = credit.iter().sum();
        let noisy = total * (1.0 + truth.noise * rng.sample::<f64, _>(StandardNormal));
        for (i, ch) in channels.iter_mut().enumerate() {
            ch.spend.push(if i < n_paid {
                round_cents(spend[i][t])
            } else {
                0.0
            });
            ch.attributed.push(credit[i] * noisy / total);
        }
        pipeline.push(noisy);
    }
    channels.sort_by(|a, b| a.channel.cmp(&b.channel));
    let true_roi = (0..n_paid)
        .map(|c| {
            caused[c][BURN_IN..].iter().sum::<f64>()
                / spend[c][BURN_IN..]
                    .iter()
                    .map(|s| round_cents(*s))
                    .sum::<f64>()
        })
        .collect();
    Simulation {
        history: History {
            weeks: dates[BURN_IN..].to_vec(),
            pipeline,
            channels,
        },
        truth,
        true_roi,
        caused: caused.into_iter().map(|c| c[BURN_IN..].to_vec()).collect(),
    }
}

/// `x` rounded to whole cents, as a spend column holds it.
pub fn round_cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A multiplicative log-normal wobble with median 1: exp(`sigma`·z), z standard normal.
/// The demo generator draws its noise with it too.
pub fn wobble(rng: &mut ChaCha8Rng, sigma: f64) -> f64 {
    (sigma * rng.sample::<f64, _>(StandardNormal)).exp()
}

/// The history as the store would hand it over: one row per channel per week (spend and
/// the attributed pipeline; funnel counts left at zero), sorted by week then channel.
pub fn to_dataset(history: &History) -> crate::facts::Dataset {
    let mut data = crate::facts::Dataset::default();
    for (t, week) in history.weeks.iter().enumerate() {
        for c in &history.channels {
            data.channel_weeks.push(crate::facts::ChannelWeek {
                week: *week,
                channel: c.channel.clone(),
                spend: c.spend[t],
                leads: 0.0,
                mqls: 0.0,
                sqls: 0.0,
                pipeline: c.attributed[t],
                sessions: None,
                opportunities: None,
                closed_won: None,
            });
        }
    }
    data
}
