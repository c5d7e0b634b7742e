//! Worlds drawn from a seed, so the accuracy bar is measured on many histories the model
//! was not built on: 4–9 paid channels with their own mixes and flighting, carry-over
//! from none to long (decay up to 0.8) or peaking weeks after the spend, saturation from
//! barely started to well past half, a low-ROI channel with occasional dark weeks, paid
//! media from 15% to 55% of pipeline, 2–4% noise, 104–156 weeks.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{Carryover, Flighting, Saturation, TrueChannel, Truth};
use crate::model::curve::Response;

/// The saturation family of a drawn world, and the carry-over that goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Hill curves after geometric or delayed adstock.
    Hill,
    /// Logistic S-curves after normalised or delayed adstock: a family the model does
    /// not fit.
    Logistic,
}

/// Paid channel names; the first is always in the world (brand-heavy paid search, which
/// the CRM credits with other channels' pipeline).
const NAMES: [&str; 9] = [
    "paid-search",
    "linkedin",
    "paid-social",
    "events",
    "webinars",
    "content",
    "abm",
    "display",
    "podcasts",
];

/// A world and its length in weeks, drawn from `seed` in `family`. The same seed and
/// family give the same world; simulate it with `simulate(truth, weeks, seed)`.
pub fn random_world(seed: u64, family: Family) -> (Truth, usize) {
    let salt = match family {
        Family::Hill => 0x4e11,
        Family::Logistic => 0x1065,
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ (salt << 32));
    let n = rng.random_range(4..=9);
    let mut names: Vec<&str> = vec![NAMES[0]];
    let mut others: Vec<&str> = NAMES[1..].to_vec();
    while names.len() < n {
        names.push(others.remove(rng.random_range(0..others.len())));
    }
    let low_roi = rng.random_range(1..n);
    let channels: Vec<TrueChannel> = names
        .iter()
        .enumerate()
        .map(|(i, name)| draw_channel(name, i == 0, i == low_roi, family, &mut rng))
        .collect();
    // Paid media's share of pipeline at base spend; the unpaid baseline makes up the rest.
    let media: f64 = channels
        .iter()
        .map(|c| c.weekly_pipeline(c.base_spend))
        .sum();
    let share = rng.random_range(0.15..0.55);
    let unpaid_total = media * (1.0 - share) / share;
    let split = [0.3, 0.5, 0.2];
    let unpaid = ["direct", "organic", "referral"]
        .iter()
        .zip(split)
        .map(|(c, s)| (c.to_string(), s * unpaid_total))
        .collect();
    let truth = Truth {
        channels,
        unpaid,
        trend: rng.random_range(-0.05..0.20),
        holiday_dip: rng.random_range(0.2..0.5),
        holiday_hits_media: rng.random_bool(0.5),
        noise: rng.random_range(0.02..0.04),
    };
    (truth, rng.random_range(104..=156))
}

/// `lo`..`hi` drawn evenly on the log scale.
fn log_uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    (rng.random_range(lo.ln()..hi.ln())).exp()
}

/// One channel: spend level and schedule, carry-over, saturation, and a maximum set so
/// that its ROI at base spend is drawn too (0.3–0.9 for the low-ROI channel, 1–6 else).
fn draw_channel(
    name: &str,
    brand: bool,
    low_roi: bool,
    family: Family,
    rng: &mut ChaCha8Rng,
) -> TrueChannel {
    let base_spend = log_uniform(rng, 6_000.0, 60_000.0);
    let flighting = if low_roi {
        Flighting::DarkWeeks {
            dark_share: rng.random_range(0.08..0.2),
        }
    } else if brand {
        Flighting::AlwaysOn
    } else {
        draw_flighting(rng)
    };
    let delayed = rng.random_bool(0.4);
    let (carryover, decay) = match (delayed, family) {
        (true, _) => (
            Carryover::Delayed {
                peak: rng.random_range(1.0..4.0),
            },
            rng.random_range(0.4..0.8),
        ),
        (false, Family::Hill) => (Carryover::Geometric, rng.random_range(0.0..0.8)),
        (false, Family::Logistic) => (Carryover::Normalised, rng.random_range(0.0..0.8)),
    };
    // The adstock a sustained base spend settles at.
    let steady = match carryover {
        Carryover::Geometric => base_spend / (1.0 - decay),
        Carryover::Normalised | Carryover::Delayed { .. } => base_spend,
    };
    let saturation = match family {
        Family::Hill => Saturation::Hill {
            half_saturation: steady / log_uniform(rng, 0.3, 2.0),
            shape: rng.random_range(1.0..2.5),
        },
        Family::Logistic => Saturation::Logistic {
            midpoint: steady * rng.random_range(0.6..1.6),
            steepness: rng.random_range(2.0..5.0),
        },
    };
    let roi = if low_roi {
        rng.random_range(0.3..0.9)
    } else {
        log_uniform(rng, 1.0, 6.0)
    };
    let mut channel = TrueChannel {
        channel: name.into(),
        base_spend,
        flighting,
        decay,
        carryover,
        saturation,
        max_pipeline: 1.0,
        credit: if brand {
            1.0
        } else {
            rng.random_range(0.3..1.0)
        },
    };
    channel.max_pipeline = roi * base_spend / channel.weekly_pipeline(base_spend);
    channel
}

/// A schedule for a channel that is neither paid search nor the low-ROI line.
fn draw_flighting(rng: &mut ChaCha8Rng) -> Flighting {
    match rng.random_range(0..6) {
        0 => Flighting::AlwaysOn,
        // Bursty: short flights, mostly dark between.
        1 => Flighting::Flights {
            on: (2, 4),
            off: (2, 6),
            off_level: rng.random_range(0.0..0.2),
        },
        // Long dark periods between long flights.
        2 => Flighting::Flights {
            on: (6, 12),
            off: (3, 8),
            off_level: 0.0,
        },
        3 => Flighting::Events,
        4 => Flighting::Monthly,
        _ => Flighting::Quarterly { weeks: (3, 6) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::simulate::simulate;

    #[test]
    fn a_seed_draws_the_same_world_and_worlds_differ() {
        let (a, weeks) = random_world(5, Family::Hill);
        assert_eq!(random_world(5, Family::Hill), (a.clone(), weeks));
        assert!((104..=156).contains(&weeks));
        assert!((4..=9).contains(&a.channels.len()));
        assert_ne!(random_world(6, Family::Hill).0, a);
        let (l, _) = random_world(5, Family::Logistic);
        for c in &l.channels {
            assert!(matches!(c.saturation, Saturation::Logistic { .. }));
            assert!(c.carryover != Carryover::Geometric);
        }
    }

    #[test]
    fn every_paid_channel_has_a_positive_true_roi_and_one_is_low() {
        for seed in 1..6 {
            let (truth, weeks) = random_world(seed, Family::Logistic);
            let sim = simulate(truth, weeks, seed);
            assert_eq!(sim.history.len(), weeks);
            assert!(sim.true_roi.iter().all(|r| r.is_finite() && *r > 0.0));
            assert!(sim.true_roi.iter().any(|r| *r < 1.2), "{:?}", sim.true_roi);
        }
    }

    #[test]
    fn delayed_weights_sum_to_one_and_peak_at_the_peak() {
        let w = Carryover::delayed_weights(0.6, 3.0);
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(w[3] > w[2] && w[3] > w[4] && w[0] < w[2]);
    }
}
