//! The search behind `fit`: every channel's candidate curves on a fixed grid, tried one
//! channel at a time against the rest held fixed, each candidate's linear effects fitted
//! exactly (least squares, non-negative channel effects) with two weak priors:
//!
//! - on the curve: half-saturation near the channel's mean adstock, shape near 1.2 (but
//!   free to reach the steep S-curves of 3–3.5 that logistic-like responses need when the
//!   data show them), decay near 0.4 — wide enough that data which can tell wins, firm
//!   enough that a flat likelihood (a channel that never went dark) does not pick an
//!   extreme curve;
//! - on the ROI: each channel's ROI near the pooled ROI of all paid media (factor-of-two
//!   spread), so a channel whose spend barely moved borrows strength from the portfolio
//!   instead of taking the intercept's share. The pooled ROI is itself re-estimated each
//!   sweep (empirical Bayes).
//!
//! Both priors enter in units of the noise variance, so they weigh like −2·log density.

use super::adstock::geometric_adstock;
use super::history::{HOLIDAY_WEEKS, History, holiday_week, seasonality, years_since};
use super::nnls;

/// Candidate decays (share of adstock carried into the next week).
pub const DECAYS: [f64; 9] = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
/// Candidate half-saturations, as multiples of the channel's mean adstock.
pub const KAPPAS: [f64; 8] = [0.3, 0.45, 0.65, 0.9, 1.25, 1.75, 2.5, 3.5];
/// Candidate Hill shapes. Up to 3.5: a response that switches on over a narrow range of
/// spend (a logistic S-curve) is a Hill curve of shape 3 or more; capped at 2.5 and held
/// near 1.2, the fit made such channels look linear and over-moved budget into them.
pub const SHAPES: [f64; 7] = [1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 3.5];
/// Baseline regressors: intercept, trend, four Fourier terms, the holiday weeks.
pub const BASELINE_COLUMNS: usize = 6 + HOLIDAY_WEEKS;

/// The curve prior: centres and widths (log scale for the half-saturation multiple).
const PRIOR_KAPPA: (f64, f64) = (1.0, 0.9);
const PRIOR_SHAPE: (f64, f64) = (1.2, 0.75);
const PRIOR_DECAY: (f64, f64) = (0.4, 0.4);
/// The ROI prior's relative width.
const ROI_SPREAD: f64 = 0.5;
/// A token ridge, for numerical safety only.
const CHANNEL_RIDGE: f64 = 1e-6;
const BASELINE_RIDGE: f64 = 1e-7;

/// Grid indices (decay, half-saturation multiple, shape).
pub type Choice = (usize, usize, usize);

/// Where every channel starts: mid decay, half-saturation at about the mean, shape 1.
pub fn neutral_start(channels: usize) -> Vec<Choice> {
    vec![(4, 3, 0); channels]
}

/// −2·log of the curve prior.
fn curve_penalty(choice: Choice) -> f64 {
    let (d, k, s) = choice;
    let kappa = (KAPPAS[k] / PRIOR_KAPPA.0).ln() / PRIOR_KAPPA.1;
    let shape = (SHAPES[s] - PRIOR_SHAPE.0) / PRIOR_SHAPE.1;
    let decay = (DECAYS[d] - PRIOR_DECAY.0) / PRIOR_DECAY.1;
    kappa * kappa + shape * shape + decay * decay
}

/// The baseline's columns over `history`.
pub fn baseline_columns(history: &History) -> Vec<Vec<f64>> {
    let origin = history.weeks[0];
    let mut cols: Vec<Vec<f64>> = (0..BASELINE_COLUMNS)
        .map(|_| Vec::with_capacity(history.len()))
        .collect();
    for &w in &history.weeks {
        let s = seasonality(w);
        cols[0].push(1.0);
        cols[1].push(years_since(origin, w));
        for k in 0..4 {
            cols[2 + k].push(s[k]);
        }
        let h = holiday_week(w);
        for k in 0..HOLIDAY_WEEKS {
            cols[6 + k].push(if h == Some(k) { 1.0 } else { 0.0 });
        }
    }
    cols
}

/// One channel's adstock under every candidate decay, as logarithms (Hill needs only
/// ln x), with the mean adstock that scales the candidate half-saturations.
pub struct Candidates {
    ln_adstock: Vec<Vec<f64>>,
    mean_adstock: Vec<f64>,
}

impl Candidates {
    pub fn new(spend: &[f64]) -> Candidates {
        let mut ln_adstock = Vec::with_capacity(DECAYS.len());
        let mut mean_adstock = Vec::with_capacity(DECAYS.len());
        for &d in &DECAYS {
            let a = geometric_adstock(spend, d);
            mean_adstock.push(a.iter().sum::<f64>() / a.len() as f64);
            ln_adstock.push(
                a.iter()
                    .map(|x| if *x > 0.0 { x.ln() } else { f64::NEG_INFINITY })
                    .collect(),
            );
        }
        Candidates {
            ln_adstock,
            mean_adstock,
        }
    }

    /// (decay, half-saturation in currency, shape) of a candidate.
    pub fn curve(&self, choice: Choice) -> (f64, f64, f64) {
        let (d, k, s) = choice;
        (DECAYS[d], KAPPAS[k] * self.mean_adstock[d], SHAPES[s])
    }

    /// The Hill column of a candidate: share of maximum per week.
    pub fn column(&self, choice: Choice, out: &mut Vec<f64>) {
        let (_, k, shape) = self.curve(choice);
        let ln_k = k.ln();
        out.clear();
        out.extend(
            self.ln_adstock[choice.0]
                .iter()
                .map(|ln_x| 1.0 / (1.0 + (shape * (ln_k - ln_x)).exp())),
        );
    }
}

/// The coordinate search: the design's columns, their Gram matrix, the current choices.
pub struct Search<'a> {
    pub columns: Vec<Vec<f64>>,
    y: &'a [f64],
    yy: f64,
    gram: Vec<f64>,
    xty: Vec<f64>,
    candidates: &'a [Candidates],
    pub choices: Vec<Choice>,
    nonneg: Vec<bool>,
    ridge: Vec<f64>,
    positive: Vec<bool>,
    /// Spend per channel over the window, currency.
    spend: Vec<f64>,
    /// Σ_t of each channel's current column.
    mass: Vec<f64>,
    /// (pooled ROI in scaled pipeline per unit of spend, noise variance).
    roi_prior: Option<(f64, f64)>,
}

impl<'a> Search<'a> {
    /// `y` is the scaled pipeline; `choices` the starting curves.
    pub fn new(
        mut columns: Vec<Vec<f64>>,
        y: &'a [f64],
        candidates: &'a [Candidates],
        spend: Vec<f64>,
        choices: Vec<Choice>,
    ) -> Self {
        let mut col = Vec::new();
        for (c, choice) in candidates.iter().zip(&choices) {
            c.column(*choice, &mut col);
            columns.push(col.clone());
        }
        let p = columns.len();
        let mut gram = vec![0.0; p * p];
        for i in 0..p {
            for j in 0..=i {
                let v = dot(&columns[i], &columns[j]);
                gram[i * p + j] = v;
                gram[j * p + i] = v;
            }
        }
        let xty = columns.iter().map(|c| dot(c, y)).collect();
        let mass = columns[BASELINE_COLUMNS..]
            .iter()
            .map(|c| c.iter().sum())
            .collect();
        Search {
            y,
            yy: dot(y, y),
            gram,
            xty,
            candidates,
            choices,
            nonneg: (0..p).map(|j| j >= BASELINE_COLUMNS).collect(),
            ridge: (0..p)
                .map(|j| {
                    if j >= BASELINE_COLUMNS {
                        CHANNEL_RIDGE
                    } else {
                        BASELINE_RIDGE
                    }
                })
                .collect(),
            positive: vec![true; p],
            spend,
            mass,
            roi_prior: None,
            columns,
        }
    }

    /// Sweeps over the channels until a sweep changes nothing (or `max_sweeps`).
    /// `progress` hears the share of the largest possible search done (0..1) after each
    /// channel (the search usually ends well before 1) and says whether to go on.
    /// Returns false when it said stop.
    pub fn run(&mut self, max_sweeps: usize, progress: &mut dyn FnMut(f64) -> bool) -> bool {
        let mut z = Vec::new();
        let dof = (self.y.len() as f64 - self.columns.len() as f64).max(1.0);
        let steps = (max_sweeps * self.candidates.len()).max(1) as f64;
        for sweep in 0..max_sweeps {
            let sigma2 = self.sse(&self.solve_current()) / dof;
            self.roi_prior = Some((self.pooled_roi(), sigma2));
            let mut changed = false;
            for c in 0..self.candidates.len() {
                let j = BASELINE_COLUMNS + c;
                let current = self.choices[c];
                let mut best =
                    self.objective(j, &self.columns[j].clone()).0 + sigma2 * curve_penalty(current);
                let mut best_choice = current;
                for d in 0..DECAYS.len() {
                    for k in 0..KAPPAS.len() {
                        for s in 0..SHAPES.len() {
                            let choice = (d, k, s);
                            if choice == current {
                                continue;
                            }
                            self.candidates[c].column(choice, &mut z);
                            let obj = self.objective(j, &z).0 + sigma2 * curve_penalty(choice);
                            if obj < best - 1e-12 * self.yy {
                                best = obj;
                                best_choice = choice;
                            }
                        }
                    }
                }
                if best_choice != current {
                    self.candidates[c].column(best_choice, &mut z);
                    self.replace(j, &z);
                    self.choices[c] = best_choice;
                    changed = true;
                }
                if !progress((sweep * self.candidates.len() + c + 1) as f64 / steps) {
                    return false;
                }
            }
            if !changed {
                break;
            }
        }
        true
    }

    /// The penalised residual sum of squares with column `j` replaced by `z`, and the
    /// coefficients of the (unscaled) columns.
    fn objective(&mut self, j: usize, z: &[f64]) -> (f64, Vec<f64>) {
        let p = self.columns.len();
        let mut a = self.gram.clone();
        let mut b = self.xty.clone();
        for k in 0..p {
            let v = if k == j {
                dot(z, z)
            } else {
                dot(&self.columns[k], z)
            };
            a[j * p + k] = v;
            a[k * p + j] = v;
        }
        b[j] = dot(z, self.y);
        let mut mass = self.mass.clone();
        if j >= BASELINE_COLUMNS {
            mass[j - BASELINE_COLUMNS] = z.iter().sum();
        }
        let shrink = self.shrink(&mass);
        let (beta, obj) = solve_scaled(
            &a,
            &b,
            &self.nonneg,
            &self.ridge,
            &self.positive,
            self.yy,
            &shrink,
        );
        for (positive, b) in self.positive.iter_mut().zip(&beta) {
            *positive = *b > 0.0;
        }
        (obj, beta)
    }

    /// The ROI prior as (κ, target) per column: ½κ(β − target)² is added to the
    /// objective, target being the effect that gives the channel the pooled ROI.
    fn shrink(&self, mass: &[f64]) -> Vec<(f64, f64)> {
        let mut out = vec![(0.0, 0.0); self.columns.len()];
        if let Some((pooled, sigma2)) = self.roi_prior {
            for (c, m) in mass.iter().enumerate() {
                if *m > 0.0 && pooled > 0.0 {
                    let target = pooled * self.spend[c] / m;
                    out[BASELINE_COLUMNS + c] = (sigma2 / (ROI_SPREAD * target).powi(2), target);
                }
            }
        }
        out
    }

    /// Pooled ROI of the current fit (scaled pipeline per unit of spend).
    fn pooled_roi(&self) -> f64 {
        let beta = self.solve_current();
        let contribution: f64 = (0..self.candidates.len())
            .map(|c| beta[BASELINE_COLUMNS + c] * self.mass[c])
            .sum();
        contribution / self.spend.iter().sum::<f64>().max(1e-300)
    }

    fn sse(&self, beta: &[f64]) -> f64 {
        let fitted = self.fitted(beta);
        self.y
            .iter()
            .zip(&fitted)
            .map(|(y, f)| (y - f).powi(2))
            .sum()
    }

    fn replace(&mut self, j: usize, z: &[f64]) {
        let p = self.columns.len();
        for k in 0..p {
            let v = if k == j {
                dot(z, z)
            } else {
                dot(&self.columns[k], z)
            };
            self.gram[j * p + k] = v;
            self.gram[k * p + j] = v;
        }
        self.xty[j] = dot(z, self.y);
        self.columns[j] = z.to_vec();
        if j >= BASELINE_COLUMNS {
            self.mass[j - BASELINE_COLUMNS] = z.iter().sum();
        }
    }

    /// Coefficients of the current columns (in units of the scaled pipeline).
    pub fn solve_current(&self) -> Vec<f64> {
        let shrink = self.shrink(&self.mass);
        solve_scaled(
            &self.gram,
            &self.xty,
            &self.nonneg,
            &self.ridge,
            &self.positive,
            self.yy,
            &shrink,
        )
        .0
    }

    /// Fitted values of `beta` (scaled pipeline).
    pub fn fitted(&self, beta: &[f64]) -> Vec<f64> {
        (0..self.y.len())
            .map(|t| self.columns.iter().zip(beta).map(|(c, b)| c[t] * b).sum())
            .collect()
    }
}

/// Solves the normal equations `a`·β = `b` on unit-norm columns with the ridge, the ROI
/// prior (`shrink`: κ and target per column, in raw units) and the sign constraints;
/// returns the coefficients of the original columns and the penalised residual sum of
/// squares (`yy` is yᵀy; constants of the prior left out).
fn solve_scaled(
    a: &[f64],
    b: &[f64],
    nonneg: &[bool],
    ridge: &[f64],
    start: &[bool],
    yy: f64,
    shrink: &[(f64, f64)],
) -> (Vec<f64>, f64) {
    let p = b.len();
    let norm: Vec<f64> = (0..p)
        .map(|k| {
            let v = a[k * p + k].sqrt();
            if v > 0.0 { v } else { 1.0 }
        })
        .collect();
    let mut scaled = vec![0.0; p * p];
    for i in 0..p {
        for k in 0..p {
            scaled[i * p + k] = a[i * p + k] / (norm[i] * norm[k]);
        }
        // An all-zero column (no holiday week in the window) is pinned at 0.
        scaled[i * p + i] += if a[i * p + i] > 0.0 { ridge[i] } else { 1e6 };
    }
    let mut bs: Vec<f64> = (0..p).map(|k| b[k] / norm[k]).collect();
    for (k, &(kappa, target)) in shrink.iter().enumerate() {
        if kappa > 0.0 {
            scaled[k * p + k] += kappa / (norm[k] * norm[k]);
            bs[k] += kappa * target / norm[k];
        }
    }
    let beta = nnls::solve(&scaled, &bs, nonneg, start);
    let obj = yy + 2.0 * nnls::objective(&scaled, &bs, &beta);
    ((0..p).map(|k| beta[k] / norm[k]).collect(), obj)
}

pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
