//! Incrementality experiments on a simulated history: what a geo-lift test of each paid
//! channel would have measured, from the pipeline the channel truly caused.

use chrono::Duration;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use super::Simulation;
use crate::facts::{Experiment, ExperimentMethod};

/// A lift test's standard error as a share of the pipeline it measures (0.10 = 10%).
pub const LIFT_STD_ERROR: f64 = 0.10;
/// Tries at finding a window where the channel spends in at least half the weeks.
const WINDOW_TRIES: usize = 20;

impl Simulation {
    /// One geo-lift experiment per paid channel, each over a window of 6–8 whole weeks
    /// inside the history: `incremental_pipeline` is the pipeline the channel truly
    /// caused in those weeks (`caused`, currency) times 1 + 10%·z, z standard normal;
    /// `std_error` is 10% of the true figure. Teams test a channel while it runs, so the
    /// window is one where the channel spends in at least half the weeks when one is
    /// found in a few tries. Seeded: the same simulation and seed give the same tests.
    pub fn lift_tests(&self, seed: u64) -> Vec<Experiment> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let n = self.history.len();
        self.truth
            .channels
            .iter()
            .zip(&self.caused)
            .filter_map(|(c, caused)| {
                let spend = &self.history.channel(&c.channel)?.spend;
                let len = rng.random_range(6..=8).min(n);
                let mut start = rng.random_range(0..=n - len);
                for _ in 0..WINDOW_TRIES {
                    let on = spend[start..start + len].iter().filter(|s| **s > 0.0);
                    if 2 * on.count() >= len {
                        break;
                    }
                    start = rng.random_range(0..=n - len);
                }
                let truth: f64 = caused[start..start + len].iter().sum();
                let z: f64 = rng.sample(StandardNormal);
                Some(Experiment {
                    name: format!("{} geo-lift", c.channel),
                    channel: c.channel.clone(),
                    method: ExperimentMethod::GeoLift,
                    start: self.history.weeks[start],
                    end: self.history.weeks[start + len - 1] + Duration::days(6),
                    incremental_pipeline: truth * (1.0 + LIFT_STD_ERROR * z),
                    std_error: LIFT_STD_ERROR * truth,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::model::fit::tested_weeks;
    use crate::model::simulate::{hill_truth, simulate};

    #[test]
    fn each_test_measures_what_its_channel_caused_in_its_weeks() {
        let sim = simulate(hill_truth(), 104, 7);
        let tests = sim.lift_tests(3);
        assert_eq!(tests.len(), sim.truth.channels.len());
        assert_eq!(tests, sim.lift_tests(3), "seeded");
        for (e, caused) in tests.iter().zip(&sim.caused) {
            let weeks = tested_weeks(&sim.history, e);
            assert!((6..=8).contains(&weeks.len()), "{e:?}");
            let truth: f64 = weeks.iter().map(|&t| caused[t]).sum();
            assert!((e.std_error - 0.1 * truth).abs() < 1e-6 * truth);
            // Five standard errors: a measurement, not a copy and not a wild guess.
            assert!((e.incremental_pipeline - truth).abs() < 5.0 * e.std_error);
            assert!(e.incremental_pipeline != truth);
        }
    }
}
