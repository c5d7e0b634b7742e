//! Which experiment would make the next plan better: the value of information of each
//! channel's curve under the current plan, and the test that would pin the most valuable
//! one down.
//!
//! A channel's value of information is what knowing its curve would add to the plan, the
//! other channels held at the fitted model's curves: the mean, over the bootstrap's refits,
//! of the pipeline of the plan re-optimised for the refit's curve, less the pipeline under
//! that curve of the plan made without knowing which refit is true (the plan for the
//! refits' average). The reference is that plan rather than the ensemble's plan as a whole,
//! so one channel's value does not pick up what the other channels' uncertainty moved: it
//! is never negative, and zero when every refit calls for the same plan. Deterministic:
//! the refits are seeded and the optimiser is.

use super::optimize::{self, total_pipeline};
use super::outlook::Tabulated;
use super::planner::Planner;
use super::recommendation::{NextExperiment, ValueOfInformation};

/// Information worth less pipeline than this share of the horizon's budget is not worth
/// a test: about what a test costs in pipeline forgone or spent in its regions.
pub const MATERIAL_SHARE: f64 = 0.01;
/// The spend change a test makes in its test regions (fraction of the channel's spend).
pub const TEST_CHANGE: f64 = 0.5;
/// A test runs at least this many weeks, and at most `LONGEST_TEST`.
pub const SHORTEST_TEST: u32 = 6;
pub const LONGEST_TEST: u32 = 12;
/// Weeks of measurement after the channel's carry-over has played out.
const MEASURE_WEEKS: u32 = 4;

/// Each channel's value of information for a plan of `weekly`'s total (currency per week, the
/// planner's order), largest first (name order on ties); over the horizon, currency.
pub fn value_of_information(planner: &Planner, weekly: &[f64]) -> Vec<ValueOfInformation> {
    let n = f64::from(planner.horizon_weeks);
    let bounds: Vec<_> = planner.channels.iter().map(|c| c.bounds).collect();
    let budget: f64 = weekly.iter().sum();
    let point: Vec<Tabulated> = planner
        .channels
        .iter()
        .map(|c| c.point_objective.clone())
        .collect();
    let mut out: Vec<ValueOfInformation> = planner
        .channels
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let top = c.bounds.max.max(c.current_weekly);
            let draws: Vec<Tabulated> = c
                .draws
                .iter()
                .map(|(draw, _)| Tabulated::mean_value(&[draw], top))
                .collect();
            let mut curves = point.clone();
            curves[i] =
                Tabulated::mean_value(&c.draws.iter().map(|(d, _)| d).collect::<Vec<_>>(), top);
            let blind =
                optimize::allocate(&curves, &bounds, budget).unwrap_or_else(|_| weekly.to_vec());
            let gains: Vec<f64> = draws
                .into_iter()
                .filter_map(|draw| {
                    curves[i] = draw;
                    let best = optimize::allocate(&curves, &bounds, budget).ok()?;
                    let gain = total_pipeline(&curves, &best) - total_pipeline(&curves, &blind);
                    Some(gain.max(0.0))
                })
                .collect();
            ValueOfInformation {
                channel: c.channel.clone(),
                value: if gains.is_empty() {
                    0.0
                } else {
                    n * gains.iter().sum::<f64>() / gains.len() as f64
                },
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then_with(|| a.channel.cmp(&b.channel))
    });
    out
}

/// The test to run next: on the channel whose information is worth most, long enough for
/// its carry-over to play out, cutting its spend in test regions (a geo holdout) unless
/// the plan raises it (then a geo lift). None when no channel's information is worth
/// `MATERIAL_SHARE` of `budget` (the horizon's, currency).
pub fn propose(
    planner: &Planner,
    weekly: &[f64],
    values: &[ValueOfInformation],
    budget: f64,
) -> Option<NextExperiment> {
    let best = values.first()?;
    if best.value < MATERIAL_SHARE * budget.abs() || best.value <= 0.0 {
        return None;
    }
    let i = planner
        .channels
        .iter()
        .position(|c| c.channel == best.channel)?;
    let c = &planner.channels[i];
    let raise = weekly[i] > c.current_weekly * (1.0 + 0.05);
    let (roi_low, roi_high) = c.roi_interval();
    Some(NextExperiment {
        channel: c.channel.clone(),
        kind: if raise { "geo lift" } else { "geo holdout" }.into(),
        weeks: (c.carry_over_weeks + MEASURE_WEEKS).clamp(SHORTEST_TEST, LONGEST_TEST),
        spend_change: if raise { TEST_CHANGE } else { -TEST_CHANGE },
        roi_low,
        roi_high,
        value: best.value,
    })
}
