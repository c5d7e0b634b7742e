//! A channel's outlook for the horizon: what the weeks already spent carry into it, what a
//! sustained weekly spend over it builds, and the value the optimiser gives that spend.
//!
//! Adstock is linear in spend (`ChannelModel::adstock`, whatever its shape: geometric
//! today, perhaps delayed tomorrow), so the adstock in horizon week k at a sustained weekly
//! spend w is carry_k + w·build_k, where carry is the adstock of the past followed by
//! zeros and build the adstock of a spend of 1 a week over the horizon after a silent
//! past. Both are computed once, so a scenario is a few dozen curve evaluations.
//!
//! The objective the optimiser maximises counts everything the horizon's spend causes:
//! the pipeline in the horizon weeks plus what that spend still brings in the `TAIL_WEEKS`
//! after it, so a long-memory channel is not penalised for effects that land after the
//! horizon. The pipeline shown (`horizon_pipeline`) is only the horizon weeks'.

use super::curve::{HillCurve, Response};
use super::fit::ChannelModel;

/// Weeks after the horizon whose pipeline the optimiser still credits to horizon spend.
pub const TAIL_WEEKS: usize = 26;
/// Points of the tabulated objective between no spend and a channel's upper bound.
const GRID: usize = 256;

/// One channel's carry-over into the horizon, under one fitted curve.
#[derive(Debug, Clone, PartialEq)]
pub struct Outlook {
    pub curve: HillCurve,
    /// Horizon weeks.
    pub weeks: usize,
    /// Adstock carried in from the spend already made, each horizon week then each tail
    /// week, currency.
    pub carry: Vec<f64>,
    /// Adstock per unit of sustained weekly horizon spend, each horizon week then each
    /// tail week (currency per currency per week).
    pub build: Vec<f64>,
    /// Pipeline the tail weeks would bring from the carry alone, currency.
    tail_from_carry: f64,
}

impl Outlook {
    /// `past` is the channel's spend from the fit's first week through the as-of week.
    pub fn new(channel: &ChannelModel, past: &[f64], weeks: usize) -> Outlook {
        let p = past.len();
        let ahead = weeks + TAIL_WEEKS;
        let mut series: Vec<f64> = past
            .iter()
            .copied()
            .chain((0..ahead).map(|_| 0.0))
            .collect();
        let carry = channel.adstock(&series)[p..].to_vec();
        series[..p].fill(0.0);
        series[p..p + weeks].fill(1.0);
        let build = channel.adstock(&series)[p..].to_vec();
        let curve = channel.curve;
        let tail_from_carry = carry[weeks..].iter().map(|c| curve.at_adstock(*c)).sum();
        Outlook {
            curve,
            weeks,
            carry,
            build,
            tail_from_carry,
        }
    }

    /// Pipeline each horizon week at a sustained weekly spend (currency per week).
    pub fn weekly(&self, weekly_spend: f64) -> Vec<f64> {
        (0..self.weeks)
            .map(|k| {
                self.curve
                    .at_adstock(self.carry[k] + weekly_spend * self.build[k])
            })
            .collect()
    }

    /// Pipeline over the horizon weeks at a sustained weekly spend, carry-over included
    /// (currency).
    pub fn horizon_pipeline(&self, weekly_spend: f64) -> f64 {
        self.weekly(weekly_spend).iter().sum()
    }

    /// What the optimiser credits to a sustained weekly spend, per horizon week: the
    /// horizon's pipeline plus what the spend adds in the tail weeks (currency per week).
    pub fn value(&self, weekly_spend: f64) -> f64 {
        let tail: f64 = (self.weeks..self.carry.len())
            .map(|k| {
                self.curve
                    .at_adstock(self.carry[k] + weekly_spend * self.build[k])
            })
            .sum::<f64>()
            - self.tail_from_carry;
        (self.horizon_pipeline(weekly_spend) + tail) / self.weeks as f64
    }

    /// The weeks after a single week's spend until 90% of its adstock has been felt:
    /// how long the channel's carry-over takes to play out.
    pub fn carry_over_weeks(channel: &ChannelModel) -> u32 {
        // Four silent weeks first, so the warm start is cold.
        let mut pulse = vec![0.0; 4 + 104];
        pulse[4] = 1.0;
        let adstock = channel.adstock(&pulse);
        let total: f64 = adstock[4..].iter().sum();
        let mut felt = 0.0;
        for (k, a) in adstock[4..].iter().enumerate() {
            felt += a;
            if felt >= 0.9 * total {
                return k as u32 + 1;
            }
        }
        104
    }
}

/// A channel's objective, averaged over several outlooks (the fit and its bootstrap
/// refits) and tabulated on a grid of weekly spend, so the optimiser's many evaluations
/// cost a lookup. Linear between grid points, and beyond the last with the last slope.
#[derive(Debug, Clone, PartialEq)]
pub struct Tabulated {
    step: f64,
    values: Vec<f64>,
}

impl Tabulated {
    /// The mean of `outlooks`' `value` from 0 to `max_weekly` (currency per week).
    pub fn mean_value(outlooks: &[&Outlook], max_weekly: f64) -> Tabulated {
        let step = max_weekly.max(1.0) / GRID as f64;
        let values = (0..=GRID)
            .map(|i| {
                let w = i as f64 * step;
                outlooks.iter().map(|o| o.value(w)).sum::<f64>() / outlooks.len().max(1) as f64
            })
            .collect();
        Tabulated { step, values }
    }
}

impl Response for Tabulated {
    fn weekly_pipeline(&self, weekly_spend: f64) -> f64 {
        let x = weekly_spend.max(0.0) / self.step;
        let i = (x.floor() as usize).min(GRID - 1);
        let f = x - i as f64;
        self.values[i] + f * (self.values[i + 1] - self.values[i])
    }

    fn marginal_roi(&self, weekly_spend: f64) -> f64 {
        let x = weekly_spend.max(0.0) / self.step;
        let i = (x.floor() as usize).min(GRID - 1);
        (self.values[i + 1] - self.values[i]) / self.step
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::simulate;

    fn channel(decay: f64) -> ChannelModel {
        let sim = simulate::simulate(simulate::hill_truth(), 104, 6);
        let model = crate::model::fit(&sim.history).unwrap();
        let mut c = model.channels[0].clone();
        c.curve.decay = decay;
        c
    }

    #[test]
    fn spend_just_before_the_horizon_is_felt_in_its_first_week() {
        let c = channel(0.6);
        let mut past = vec![10_000.0; 60];
        past[59] = 200_000.0;
        let heavy = Outlook::new(&c, &past, 13);
        let quiet = Outlook::new(&c, &vec![10_000.0; 60], 13);
        // At zero plan spend the burst still brings pipeline in week 1.
        assert!(heavy.weekly(0.0)[0] > quiet.weekly(0.0)[0] * 2.0);
        assert!(heavy.weekly(0.0)[0] > 0.0);
        // A second, simple path: geometric adstock week by week from the last week's.
        let mut a = c.adstock(&past)[59];
        let w = 25_000.0;
        let mut by_hand = 0.0;
        for _ in 0..13 {
            a = w + c.curve.decay * a;
            by_hand += c.curve.at_adstock(a);
        }
        let forecast: f64 = c.forecast(&past, &[w; 13]).iter().sum();
        assert!((heavy.horizon_pipeline(w) - by_hand).abs() < 1e-6 * by_hand);
        assert!((heavy.horizon_pipeline(w) - forecast).abs() < 1e-6 * forecast);
    }

    #[test]
    fn the_objective_counts_the_tail_so_long_memory_is_not_penalised() {
        let c = channel(0.8);
        let o = Outlook::new(&c, &vec![0.0; 60], 13);
        let w = 20_000.0;
        // Started cold, the horizon alone sees only part of what the spend does.
        assert!(o.value(w) > o.horizon_pipeline(w) / 13.0 * 1.1);
        // ... and counting the tail is the forecast of the horizon and the tail weeks.
        let mut future = vec![w; 13];
        future.extend([0.0; TAIL_WEEKS]);
        let with: f64 = c.forecast(&vec![0.0; 60], &future).iter().sum();
        assert!((13.0 * o.value(w) - with).abs() < 1e-6 * with);
        assert_eq!(Outlook::carry_over_weeks(&c), 11);
        let t = Tabulated::mean_value(&[&o], 40_000.0);
        assert!((t.weekly_pipeline(w) - o.value(w)).abs() < 1e-3 * o.value(w));
    }
}
