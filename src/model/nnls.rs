//! Least squares with non-negative channel effects, on the normal equations: minimise
//! ½·βᵀAβ − bᵀβ with β_j ≥ 0 where `nonneg[j]`, the others free (the baseline may go
//! either way; a channel may not destroy pipeline). Lawson–Hanson's active-set method,
//! which ends at the exact optimum in a finite number of steps; small enough (p ≤ ~30)
//! that a dense Cholesky per step is the fast way.

/// Most active-set steps before giving up and returning the best feasible point.
const MAX_STEPS: usize = 200;

/// The constrained minimiser of ½βᵀAβ − bᵀβ. `a` is p×p row-major and must be positive
/// definite on every subset of variables (add a ridge if unsure). `start` lists the
/// variables believed positive (a warm start; any list is correct, a good one is faster).
pub fn solve(a: &[f64], b: &[f64], nonneg: &[bool], start: &[bool]) -> Vec<f64> {
    let p = b.len();
    debug_assert_eq!(a.len(), p * p);
    let mut passive: Vec<bool> = (0..p).map(|j| !nonneg[j] || start[j]).collect();
    // The warm start: drop guessed-positive variables until the solve on the rest is
    // feasible, a point Lawson–Hanson can continue from.
    let mut s = sub_solve(a, b, &passive);
    loop {
        let mut dropped = false;
        for j in 0..p {
            if passive[j] && nonneg[j] && s[j] <= 0.0 {
                passive[j] = false;
                dropped = true;
            }
        }
        if !dropped {
            break;
        }
        s = sub_solve(a, b, &passive);
    }
    let mut x = s;
    for _ in 0..MAX_STEPS {
        // The most promising variable held at 0, by the gradient b − Ax.
        let mut best: Option<(usize, f64)> = None;
        for j in 0..p {
            if passive[j] || !nonneg[j] {
                continue;
            }
            let w = b[j] - (0..p).map(|k| a[j * p + k] * x[k]).sum::<f64>();
            let scale = 1e-12 * (b[j].abs() + a[j * p + j].sqrt());
            if w > scale && best.is_none_or(|(_, bw)| w > bw) {
                best = Some((j, w));
            }
        }
        let Some((j, _)) = best else { break };
        passive[j] = true;
        s = sub_solve(a, b, &passive);
        if s[j] <= 0.0 {
            // Numerically stuck: the optimum is where we are.
            passive[j] = false;
            break;
        }
        // Keep x feasible: step toward s until the first constrained variable hits 0,
        // drop those at 0, re-solve.
        let mut inner = 0;
        while let Some(alpha) = step_to_bound(&x, &s, &passive, nonneg) {
            for k in 0..p {
                if passive[k] {
                    x[k] += alpha * (s[k] - x[k]);
                }
            }
            let tol = 1e-12 * x.iter().fold(1.0_f64, |m, v| m.max(v.abs()));
            for k in 0..p {
                if passive[k] && nonneg[k] && x[k] <= tol {
                    passive[k] = false;
                    x[k] = 0.0;
                }
            }
            s = sub_solve(a, b, &passive);
            inner += 1;
            if inner > p {
                break;
            }
        }
        for k in 0..p {
            x[k] = if passive[k] { s[k] } else { 0.0 };
        }
    }
    x
}

/// Solves A_PP s_P = b_P for the passive set P by Cholesky; s is 0 off P.
fn sub_solve(a: &[f64], b: &[f64], passive: &[bool]) -> Vec<f64> {
    let p = b.len();
    let idx: Vec<usize> = (0..p).filter(|&j| passive[j]).collect();
    let m = idx.len();
    let mut l = vec![0.0; m * m];
    for r in 0..m {
        for c in 0..=r {
            let mut sum = a[idx[r] * p + idx[c]];
            for k in 0..c {
                sum -= l[r * m + k] * l[c * m + k];
            }
            if r == c {
                // A tiny floor keeps a near-singular subset solvable instead of NaN.
                l[r * m + r] = sum
                    .max(1e-12 * a[idx[r] * p + idx[r]].abs().max(1e-300))
                    .sqrt();
            } else {
                l[r * m + c] = sum / l[c * m + c];
            }
        }
    }
    let mut z = vec![0.0; m];
    for r in 0..m {
        let mut sum = b[idx[r]];
        for k in 0..r {
            sum -= l[r * m + k] * z[k];
        }
        z[r] = sum / l[r * m + r];
    }
    for r in (0..m).rev() {
        let mut sum = z[r];
        for k in r + 1..m {
            sum -= l[k * m + r] * z[k];
        }
        z[r] = sum / l[r * m + r];
    }
    let mut s = vec![0.0; p];
    for (r, &j) in idx.iter().enumerate() {
        s[j] = z[r];
    }
    s
}

/// When s leaves the feasible set, the fraction of the way from x to s at which the first
/// constrained variable reaches 0; None when s is feasible.
fn step_to_bound(x: &[f64], s: &[f64], passive: &[bool], nonneg: &[bool]) -> Option<f64> {
    let mut alpha: Option<f64> = None;
    for j in 0..x.len() {
        if passive[j] && nonneg[j] && s[j] <= 0.0 {
            let a = if x[j] - s[j] > 0.0 {
                x[j] / (x[j] - s[j])
            } else {
                0.0
            };
            alpha = Some(alpha.map_or(a, |b: f64| b.min(a)));
        }
    }
    alpha
}

/// ½βᵀAβ − bᵀβ, for tests and comparisons.
pub fn objective(a: &[f64], b: &[f64], x: &[f64]) -> f64 {
    let p = b.len();
    let mut q = 0.0;
    for i in 0..p {
        let ax: f64 = (0..p).map(|k| a[i * p + k] * x[k]).sum();
        q += 0.5 * x[i] * ax - b[i] * x[i];
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// AᵀA and Aᵀy of a random n×p design.
    fn normal_equations(rng: &mut ChaCha8Rng, n: usize, p: usize) -> (Vec<f64>, Vec<f64>) {
        let x: Vec<f64> = (0..n * p).map(|_| rng.random_range(-1.0..1.0)).collect();
        let y: Vec<f64> = (0..n).map(|_| rng.random_range(-1.0..1.0)).collect();
        let mut a = vec![0.0; p * p];
        let mut b = vec![0.0; p];
        for i in 0..p {
            for j in 0..p {
                a[i * p + j] = (0..n).map(|r| x[r * p + i] * x[r * p + j]).sum();
            }
            b[i] = (0..n).map(|r| x[r * p + i] * y[r]).sum();
        }
        (a, b)
    }

    #[test]
    fn without_constraints_it_is_ordinary_least_squares() {
        let a = vec![2.0, 0.0, 0.0, 4.0];
        let b = vec![2.0, -8.0];
        let x = solve(&a, &b, &[false, false], &[false, false]);
        assert!((x[0] - 1.0).abs() < 1e-12 && (x[1] + 2.0).abs() < 1e-12);
    }

    #[test]
    fn a_constrained_variable_that_wants_to_be_negative_stays_at_zero() {
        let a = vec![2.0, 0.0, 0.0, 4.0];
        let b = vec![2.0, -8.0];
        let x = solve(&a, &b, &[false, true], &[true, true]);
        assert!((x[0] - 1.0).abs() < 1e-12);
        assert_eq!(x[1], 0.0);
    }

    #[test]
    fn the_solution_satisfies_the_kkt_conditions_and_beats_random_feasible_points() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for case in 0..50 {
            let p = 2 + case % 9;
            let (a, b) = normal_equations(&mut rng, 40, p);
            let nonneg: Vec<bool> = (0..p).map(|j| j % 3 != 0).collect();
            let start: Vec<bool> = (0..p).map(|j| (j + case) % 2 == 0).collect();
            let x = solve(&a, &b, &nonneg, &start);
            for j in 0..p {
                let grad: f64 = b[j] - (0..p).map(|k| a[j * p + k] * x[k]).sum::<f64>();
                if nonneg[j] {
                    assert!(x[j] >= 0.0);
                    if x[j] > 0.0 {
                        assert!(grad.abs() < 1e-8, "case {case}: {grad}");
                    } else {
                        assert!(grad < 1e-8, "case {case}: {grad}");
                    }
                } else {
                    assert!(grad.abs() < 1e-8, "case {case}: {grad}");
                }
            }
            let best = objective(&a, &b, &x);
            for _ in 0..20 {
                let y: Vec<f64> = (0..p)
                    .map(|j| {
                        let v = x[j] + rng.random_range(-0.1..0.1);
                        if nonneg[j] { v.max(0.0) } else { v }
                    })
                    .collect();
                assert!(objective(&a, &b, &y) >= best - 1e-12);
            }
        }
    }

    #[test]
    fn warm_and_cold_starts_agree() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let (a, b) = normal_equations(&mut rng, 30, 8);
        let nonneg = vec![true; 8];
        let cold = solve(&a, &b, &nonneg, &[false; 8]);
        let warm = solve(&a, &b, &nonneg, &[true; 8]);
        for j in 0..8 {
            assert!((cold[j] - warm[j]).abs() < 1e-10);
        }
    }
}
