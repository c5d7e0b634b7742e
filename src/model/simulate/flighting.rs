//! How a simulated channel's spend is scheduled week to week: always on, flights with
//! dark periods, event bursts, monthly pulses, quarterly programmes, and an always-on
//! line with occasional dark weeks.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// How spend is scheduled week to week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Flighting {
    /// Always on, dark for a fortnight once a year.
    AlwaysOn,
    /// Runs of on weeks (full level) and off weeks (at `off_level`).
    Flights {
        on: (usize, usize),
        off: (usize, usize),
        off_level: f64,
    },
    /// A field budget at 0.15× with two to four bursts of 2–3.5× a quarter.
    Events,
    /// Two promotion weeks at 1.7×, two quiet weeks at 0.3×.
    Monthly,
    /// A programme of `weeks` (a range, drawn per quarter) at full level once a quarter,
    /// dark the rest of the quarter.
    Quarterly { weeks: (usize, usize) },
    /// Always on, with each week dark (zero) with probability `dark_share`, single weeks
    /// and short runs: a low-priority line paused when budget is short.
    DarkWeeks { dark_share: f64 },
}

/// `weeks` spend levels in alternating runs of on weeks (1.0, `on` long) and off weeks
/// (`off_level`, `off` long), starting somewhere inside a run: a media flight plan. The
/// demo generator schedules its flighted channels with it too.
pub fn flight_levels(
    weeks: usize,
    on: (usize, usize),
    off: (usize, usize),
    off_level: f64,
    rng: &mut ChaCha8Rng,
) -> Vec<f64> {
    let mut levels = Vec::with_capacity(weeks + on.1 + off.1);
    let mut running = rng.random_bool(0.7);
    while levels.len() < weeks {
        let (len, level) = if running {
            (rng.random_range(on.0..=on.1), 1.0)
        } else {
            (rng.random_range(off.0..=off.1), off_level)
        };
        levels.extend(std::iter::repeat_n(level, len));
        running = !running;
    }
    levels.truncate(weeks);
    levels
}

/// `weeks` spend levels in a four-week cycle, two weeks at `promoted` then two at
/// `quiet`, starting at a random point of the cycle: a monthly webinar or newsletter
/// pulse. The demo generator schedules its webinars with it too.
pub fn monthly_levels(weeks: usize, promoted: f64, quiet: f64, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let phase = rng.random_range(0..4);
    (0..weeks)
        .map(|w| if (w + phase) % 4 < 2 { promoted } else { quiet })
        .collect()
}

/// Spend level per week, as a multiple of the base.
pub(super) fn schedule(flighting: Flighting, weeks: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    match flighting {
        Flighting::AlwaysOn => {
            // Always on, but dark for a fortnight once a year: the incrementality test
            // every analytics team runs on its biggest line.
            let mut levels = vec![1.0; weeks];
            for year in 0..weeks.div_ceil(52) {
                let w = year * 52 + rng.random_range(4..46);
                let end = (w + 2).min(weeks);
                levels[w.min(end)..end].fill(0.1);
            }
            levels
        }
        Flighting::Flights { on, off, off_level } => flight_levels(weeks, on, off, off_level, rng),
        Flighting::Events => {
            let mut levels = vec![0.15; weeks];
            for q in 0..weeks.div_ceil(13) {
                for _ in 0..rng.random_range(2..=4) {
                    let w = q * 13 + rng.random_range(0..13);
                    if w < weeks {
                        levels[w] = rng.random_range(2.0..3.5);
                    }
                }
            }
            levels
        }
        Flighting::Monthly => monthly_levels(weeks, 1.7, 0.3, rng),
        Flighting::Quarterly { weeks: (lo, hi) } => {
            let mut levels = vec![0.0; weeks];
            for q in 0..weeks.div_ceil(13) {
                let len = rng.random_range(lo..=hi).min(13);
                let start = q * 13 + rng.random_range(0..=13 - len);
                let end = (start + len).min(weeks);
                levels[start.min(end)..end].fill(1.0);
            }
            levels
        }
        Flighting::DarkWeeks { dark_share } => {
            let mut levels = vec![1.0; weeks];
            let mut t = 0;
            while t < weeks {
                if rng.random_bool(dark_share.clamp(0.0, 1.0) / 1.5) {
                    // One or two dark weeks: 1.5 on average, hence the division above.
                    let len = rng.random_range(1..=2);
                    levels[t..(t + len).min(weeks)].fill(0.0);
                    t += len;
                }
                t += 1;
            }
            levels
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn a_quarterly_programme_runs_once_a_quarter_and_is_dark_otherwise() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let levels = schedule(Flighting::Quarterly { weeks: (3, 5) }, 52, &mut rng);
        for quarter in levels.chunks(13) {
            let on = quarter.iter().filter(|l| **l > 0.0).count();
            assert!((3..=5).contains(&on), "{quarter:?}");
        }
    }

    #[test]
    fn dark_weeks_come_at_about_the_asked_share() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let levels = schedule(Flighting::DarkWeeks { dark_share: 0.15 }, 1_000, &mut rng);
        let dark = levels.iter().filter(|l| **l == 0.0).count() as f64 / 1_000.0;
        assert!((0.08..0.22).contains(&dark), "{dark}");
    }
}
