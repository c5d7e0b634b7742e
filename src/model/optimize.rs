//! Allocating a budget across channels to maximise expected pipeline within per-channel
//! bounds. First the global optimum on a grid of 1/400 of the budget above the floors
//! (dynamic programming, so S-shaped curves do not trap it), then pairwise exchanges in
//! ever smaller steps until no move gains: at the end, every
//! channel strictly inside its bounds has the same marginal ROI (to within the last
//! step), a channel at its cap has a higher one, a channel at its floor a lower one — the
//! KKT conditions of the problem. Works in weekly spend (currency per week).

use serde::{Deserialize, Serialize};

use super::curve::Response;

/// The budget above the floors is first placed in this many units, globally.
const DP_UNITS: usize = 400;
/// The exchange phase stops when its step falls below this share of the budget.
const FINEST_STEP: f64 = 1e-10;

/// A channel's allowed weekly spend, currency per week.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    pub min: f64,
    pub max: f64,
}

/// The budget is outside what the bounds allow: their sums, currency per week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Infeasible {
    pub min: f64,
    pub max: f64,
}

/// Expected weekly pipeline of an allocation (currency per week).
pub fn total_pipeline<R: Response>(curves: &[R], spend: &[f64]) -> f64 {
    curves
        .iter()
        .zip(spend)
        .map(|(c, s)| c.weekly_pipeline(*s))
        .sum()
}

/// The allocation of `weekly_budget` that maximises expected pipeline within `bounds`.
/// A channel with `min == max` is pinned.
pub fn allocate<R: Response>(
    curves: &[R],
    bounds: &[Bounds],
    weekly_budget: f64,
) -> Result<Vec<f64>, Infeasible> {
    let lo: f64 = bounds.iter().map(|b| b.min).sum();
    let hi: f64 = bounds.iter().map(|b| b.max).sum();
    let slack = 1e-9 * hi.max(1.0);
    if weekly_budget < lo - slack || weekly_budget > hi + slack {
        return Err(Infeasible { min: lo, max: hi });
    }
    let budget = weekly_budget.clamp(lo, hi);
    let mut x: Vec<f64> = bounds.iter().map(|b| b.min).collect();
    let remaining = budget - lo;
    if remaining <= 0.0 {
        return Ok(x);
    }
    let unit = remaining / DP_UNITS as f64;
    let units = dynamic_programme(curves, bounds, unit);
    for (xi, k) in x.iter_mut().zip(&units) {
        *xi += *k as f64 * unit;
    }
    // What the grid could not place (a channel's room is not a whole number of units)
    // goes where it gains most.
    let mut left = budget - x.iter().sum::<f64>();
    while left > 1e-12 * budget {
        let best = (0..x.len())
            .filter(|&i| bounds[i].max - x[i] > 0.0)
            .max_by(|&a, &b| {
                let g = |i: usize| curves[i].marginal_roi(x[i]);
                g(a).total_cmp(&g(b)).then(b.cmp(&a))
            });
        let Some(i) = best else { break };
        let d = left.min(bounds[i].max - x[i]);
        x[i] += d;
        left -= d;
    }
    polish(curves, bounds, &mut x, unit, budget);
    Ok(x)
}

/// The global optimum on a grid of `unit` above the lower bounds, whatever the curves'
/// shape (an S-curve defeats a greedy start): units per channel, by dynamic programming
/// over channels — best[b] is the most pipeline the channels so far make of b units.
fn dynamic_programme<R: Response>(curves: &[R], bounds: &[Bounds], unit: f64) -> Vec<usize> {
    let n = curves.len();
    let total = DP_UNITS;
    let mut best = vec![0.0_f64; total + 1];
    let mut choice = vec![vec![0usize; total + 1]; n];
    for i in 0..n {
        let room = ((bounds[i].max - bounds[i].min) / unit + 1e-9)
            .floor()
            .max(0.0) as usize;
        let cap = room.min(total);
        let value: Vec<f64> = (0..=cap)
            .map(|k| curves[i].weekly_pipeline(bounds[i].min + k as f64 * unit))
            .collect();
        let mut next = vec![f64::NEG_INFINITY; total + 1];
        for b in 0..=total {
            for k in 0..=cap.min(b) {
                let v = value[k] + best[b - k];
                if v > next[b] {
                    next[b] = v;
                    choice[i][b] = k;
                }
            }
        }
        best = next;
    }
    // The most pipeline over budgets of at most `total` units (all of it when it fits).
    let mut b = (0..=total)
        .filter(|b| best[*b].is_finite())
        .max_by(|a, c| best[*a].total_cmp(&best[*c]).then(a.cmp(c)))
        .unwrap_or(0);
    let mut units = vec![0; n];
    for i in (0..n).rev() {
        units[i] = choice[i][b];
        b -= units[i];
    }
    units
}

/// Pairwise exchanges: move `delta` from the channel that loses least to the one that
/// gains most while that gains, then quarter `delta`.
fn polish<R: Response>(curves: &[R], bounds: &[Bounds], x: &mut [f64], step: f64, budget: f64) {
    let n = x.len();
    if n < 2 {
        return;
    }
    let mut delta = step;
    let tiny = 1e-14 * total_pipeline(curves, x).abs().max(1.0);
    while delta > FINEST_STEP * budget.max(1.0) {
        for _ in 0..50 * n {
            let mut up: Vec<(f64, usize)> = Vec::with_capacity(n);
            let mut down: Vec<(f64, usize)> = Vec::with_capacity(n);
            for i in 0..n {
                let r = curves[i].weekly_pipeline(x[i]);
                if x[i] + delta <= bounds[i].max {
                    up.push((curves[i].weekly_pipeline(x[i] + delta) - r, i));
                }
                if x[i] - delta >= bounds[i].min {
                    down.push((r - curves[i].weekly_pipeline(x[i] - delta), i));
                }
            }
            // The best pair of distinct channels: top two gains, bottom two losses.
            up.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            down.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let mut best: Option<(f64, usize, usize)> = None;
            for &(g, i) in up.iter().take(2) {
                for &(l, j) in down.iter().take(2) {
                    if i != j && best.is_none_or(|(v, _, _)| g - l > v) {
                        best = Some((g - l, i, j));
                    }
                }
            }
            match best {
                Some((net, i, j)) if net > tiny => {
                    x[i] += delta;
                    x[j] -= delta;
                }
                _ => break,
            }
        }
        delta /= 4.0;
    }
}

/// The least weekly budget, allocated as `allocate` would, whose expected pipeline
/// reaches `weekly_target`; Err with the most the bounds can give when it is out of reach.
pub fn least_spend_for<R: Response>(
    curves: &[R],
    bounds: &[Bounds],
    weekly_target: f64,
) -> Result<Vec<f64>, f64> {
    let lo: f64 = bounds.iter().map(|b| b.min).sum();
    let hi: f64 = bounds.iter().map(|b| b.max).sum();
    let at = |budget: f64| allocate(curves, bounds, budget).expect("within the bounds' sums");
    let floor = at(lo);
    if total_pipeline(curves, &floor) >= weekly_target {
        return Ok(floor);
    }
    let ceiling = at(hi);
    let most = total_pipeline(curves, &ceiling);
    if most < weekly_target {
        return Err(most);
    }
    Ok(bisect_least(lo, hi, ceiling, |budget| {
        let x = at(budget);
        (total_pipeline(curves, &x) >= weekly_target, x)
    }))
}

/// The allocation at the least budget between `lo` and `hi` that reaches a target, by
/// bisection: `at(budget)` says whether its allocation reaches it, and gives the
/// allocation; `ceiling` is the allocation at `hi`, which must reach it.
pub fn bisect_least<T>(lo: f64, hi: f64, ceiling: T, mut at: impl FnMut(f64) -> (bool, T)) -> T {
    let (mut a, mut b, mut best) = (lo, hi, ceiling);
    for _ in 0..60 {
        let mid = 0.5 * (a + b);
        let (reaches, x) = at(mid);
        if reaches {
            b = mid;
            best = x;
        } else {
            a = mid;
        }
        if b - a < 1e-9 * hi {
            break;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::curve::HillCurve;

    fn curves() -> Vec<HillCurve> {
        let c = |decay, half_saturation, shape, max_pipeline| HillCurve {
            decay,
            half_saturation,
            shape,
            max_pipeline,
        };
        vec![
            c(0.3, 50_000.0, 1.2, 700_000.0),
            c(0.5, 60_000.0, 1.0, 480_000.0),
            c(0.35, 30_000.0, 1.6, 230_000.0),
            c(0.65, 70_000.0, 1.0, 580_000.0),
            c(0.55, 45_000.0, 1.3, 480_000.0),
        ]
    }

    fn around(current: &[f64]) -> Vec<Bounds> {
        current
            .iter()
            .map(|c| Bounds {
                min: 0.5 * c,
                max: 2.0 * c,
            })
            .collect()
    }

    const CURRENT: [f64; 5] = [49_000.0, 33_000.0, 17_000.0, 22_000.0, 14_000.0];

    #[test]
    fn unconstrained_channels_end_with_equal_marginal_roi() {
        let curves = curves();
        let bounds = around(&CURRENT);
        let budget: f64 = CURRENT.iter().sum();
        let x = allocate(&curves, &bounds, budget).unwrap();
        assert!((x.iter().sum::<f64>() - budget).abs() < 1e-6 * budget);
        let free: Vec<f64> = (0..x.len())
            .filter(|&i| x[i] > bounds[i].min * 1.0001 && x[i] < bounds[i].max * 0.9999)
            .map(|i| curves[i].marginal_roi(x[i]))
            .collect();
        assert!(free.len() >= 2, "{x:?}");
        let (lo, hi) = free
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), m| (a.min(*m), b.max(*m)));
        assert!(hi - lo < 1e-4 * hi, "marginal ROIs {free:?}");
        // KKT: a channel at its cap has a higher marginal ROI, one at its floor a lower.
        for i in 0..x.len() {
            let m = curves[i].marginal_roi(x[i]);
            if x[i] >= bounds[i].max * 0.9999 {
                assert!(m >= lo * 0.9999);
            }
            if x[i] <= bounds[i].min * 1.0001 {
                assert!(m <= hi * 1.0001);
            }
        }
        // It gains on the current mix.
        assert!(total_pipeline(&curves, &x) > total_pipeline(&curves, &CURRENT));
    }

    #[test]
    fn bounds_and_a_strategic_floor_are_honoured() {
        let curves = curves();
        let mut bounds = around(&CURRENT);
        // Channel 3 is strategic: never below its current run-rate.
        bounds[3].min = CURRENT[3];
        // Channel 0 has a charter cap below 2x.
        bounds[0].max = 55_000.0;
        let budget: f64 = CURRENT.iter().sum::<f64>() * 1.3;
        let x = allocate(&curves, &bounds, budget).unwrap();
        for (xi, b) in x.iter().zip(&bounds) {
            assert!(*xi >= b.min - 1e-6 && *xi <= b.max + 1e-6, "{xi} {b:?}");
        }
        assert!(x[3] >= CURRENT[3]);
        assert!(allocate(&curves, &bounds, 1.0).is_err());
    }

    #[test]
    fn the_least_spend_for_a_target_reaches_it_and_no_less_does() {
        let curves = curves();
        let bounds = around(&CURRENT);
        let budget: f64 = CURRENT.iter().sum();
        let best = allocate(&curves, &bounds, budget).unwrap();
        let target = total_pipeline(&curves, &best);
        let x = least_spend_for(&curves, &bounds, target).unwrap();
        let spend: f64 = x.iter().sum();
        assert!(total_pipeline(&curves, &x) >= target);
        assert!(
            (spend - budget).abs() < 1e-4 * budget,
            "{spend} vs {budget}"
        );
        // An efficient plan for 98% of that target costs less.
        let cheaper = least_spend_for(&curves, &bounds, 0.98 * target).unwrap();
        assert!(cheaper.iter().sum::<f64>() < spend);
        assert!(least_spend_for(&curves, &bounds, 10.0 * target).is_err());
    }

    #[test]
    fn the_same_inputs_give_the_same_allocation_bit_for_bit() {
        let curves = curves();
        let bounds = around(&CURRENT);
        let a = allocate(&curves, &bounds, 140_000.0).unwrap();
        let b = allocate(&curves, &bounds, 140_000.0).unwrap();
        assert_eq!(a, b);
    }
}
