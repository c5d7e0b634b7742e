//! The search behind `fit`: every channel's candidate curves on a fixed grid, tried one
//! channel at a time against the rest held fixed, each candidate's linear effects fitted
//! exactly (least squares, non-negative channel effects) with two weak priors:
//!
//! - on the curve: half-saturation near the channel's mean adstock, shape near 1.2 (but
//!   free to reach the steep S-curves of 3–3.5 that logistic-like responses need when the
//!   data show them), decay near 0.4 ± 0.2 — wide enough that data which can tell wins,
//!   firm enough that a flat likelihood (a channel that never went dark) does not pick an
//!   extreme curve. The decay's width matters most: a long carry-over turns a channel's
//!   column into a slow drift that can stand in for the baseline, so the weekly data
//!   rarely pin a high decay down; at ±0.4 channels drifted to 0.8 and soaked up
//!   baseline (on development seeds 1–80 of `simulate::random_world`, ±0.2 lowered the
//!   median ROI error in both the Hill and the logistic worlds);
//! - on the ROI: each channel's ROI near the pooled ROI of all paid media (factor-of-two
//!   spread), so a channel whose spend barely moved borrows strength from the portfolio
//!   instead of taking the intercept's share. The pooled ROI is itself re-estimated each
//!   sweep (empirical Bayes).
//!
//! Both priors enter in units of the noise variance, so they weigh like −2·log density.
//!
//! Experiments (`Trial`) enter the same way, as a Gaussian likelihood on what the
//! channel caused in the tested weeks: σ²·(β·m_e − L)²/σ_L², where m_e is the sum of the
//! channel's column over the tested weeks. It is quadratic in β, so it joins the ROI
//! prior in `Penalty`; its constant part σ²·L²/σ_L² stays in the objective, so that
//! candidates whose curves put different mass m_e in the tested weeks (including none)
//! compare on the same footing.
//!
//! Each candidate is solved on the channels alone: the baseline has no prior and no sign
//! constraint, so it is projected out of the pipeline and of every channel's column once
//! (`BaselineBasis`) and the candidate's solve is the channels' m×m problem rather than
//! the whole design's (Frisch–Waugh–Lovell; the same optimum, a few times faster).

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
const PRIOR_DECAY: (f64, f64) = (0.4, 0.2);
/// The ROI prior's relative width.
const ROI_SPREAD: f64 = 0.5;
/// A token ridge, for numerical safety only.
const CHANNEL_RIDGE: f64 = 1e-6;
const BASELINE_RIDGE: f64 = 1e-7;

/// An incrementality experiment as the search sees it: the channel, the weeks it tested
/// and what it measured, in scaled pipeline (pipeline / the fit's mean weekly pipeline).
#[derive(Debug, Clone, PartialEq)]
pub struct Trial {
    /// Index of the channel among the modelled ones.
    pub channel: usize,
    /// Indices of the tested weeks in the fit window.
    pub weeks: Vec<usize>,
    /// Measured incremental pipeline over the tested weeks (scaled).
    pub lift: f64,
    /// Its standard error (scaled, > 0).
    pub std_error: f64,
}

/// A sum of quadratic penalties on one coefficient, Σ κ_i·(β − t_i)², kept as its three
/// moments: κ = Σκ_i, linear = Σκ_i·t_i, constant = Σκ_i·t_i². Adding quadratics adds
/// moments, so the ROI prior and any number of experiments combine exactly.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Penalty {
    kappa: f64,
    linear: f64,
    constant: f64,
}

impl Penalty {
    /// Adds κ·(β − target)².
    fn add(&mut self, kappa: f64, target: f64) {
        self.kappa += kappa;
        self.linear += kappa * target;
        self.constant += kappa * target * target;
    }

    /// Adds w·(β·m − lift)² (= w·m²·(β − lift/m)², written so m = 0 is no special case).
    fn add_scaled(&mut self, w: f64, m: f64, lift: f64) {
        self.kappa += w * m * m;
        self.linear += w * m * lift;
        self.constant += w * lift * lift;
    }
}

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

/// The baseline's columns as an orthonormal basis of the space they span (modified
/// Gram–Schmidt; a column with nothing left after the earlier ones, such as a holiday
/// week the window lacks, is dropped): what projects the baseline out of a column.
struct BaselineBasis {
    basis: Vec<Vec<f64>>,
}

impl BaselineBasis {
    fn new(columns: &[Vec<f64>]) -> Self {
        let mut basis: Vec<Vec<f64>> = Vec::with_capacity(columns.len());
        for col in columns {
            let norm0 = dot(col, col).sqrt();
            if norm0 == 0.0 {
                continue;
            }
            let mut v = col.clone();
            for q in &basis {
                let r = dot(q, &v);
                for (x, qx) in v.iter_mut().zip(q) {
                    *x -= r * qx;
                }
            }
            let norm = dot(&v, &v).sqrt();
            if norm > 1e-9 * norm0 {
                v.iter_mut().for_each(|x| *x /= norm);
                basis.push(v);
            }
        }
        BaselineBasis { basis }
    }

    /// `z` less its projection on the baseline, into `out`.
    fn residual(&self, z: &[f64], out: &mut Vec<f64>) {
        out.clear();
        out.extend_from_slice(z);
        for q in &self.basis {
            let r = dot(q, out);
            for (x, qx) in out.iter_mut().zip(q) {
                *x -= r * qx;
            }
        }
    }
}

/// The coordinate search: the design's columns, the channels' columns with the baseline
/// projected out and their Gram matrix, the current choices. The baseline's coefficients
/// have no prior and no sign constraint, so for any channel effects the best baseline is
/// the least-squares one and the objective depends on the channels only through the
/// parts of their columns and of the pipeline the baseline cannot explain
/// (Frisch–Waugh–Lovell): each candidate is solved on the channels alone, exactly as
/// on the whole design, and the baseline's coefficients are recovered at the end.
pub struct Search<'a> {
    /// Baseline columns, then one column per channel.
    pub columns: Vec<Vec<f64>>,
    y: &'a [f64],
    basis: BaselineBasis,
    /// The pipeline less its projection on the baseline, and its square.
    ry: Vec<f64>,
    yy: f64,
    /// The channels' columns less their projections on the baseline.
    rcols: Vec<Vec<f64>>,
    gram: Vec<f64>,
    xty: Vec<f64>,
    candidates: &'a [Candidates],
    pub choices: Vec<Choice>,
    positive: Vec<bool>,
    /// Spend per channel over the window, currency.
    spend: Vec<f64>,
    /// Σ_t of each channel's current column.
    mass: Vec<f64>,
    /// (pooled ROI in scaled pipeline per unit of spend, noise variance).
    roi_prior: Option<(f64, f64)>,
    trials: Vec<Trial>,
    /// Σ over each trial's tested weeks of its channel's current column.
    trial_mass: Vec<f64>,
}

impl<'a> Search<'a> {
    /// `columns` are the baseline's, `y` is the scaled pipeline; `choices` the starting
    /// curves.
    pub fn new(
        mut columns: Vec<Vec<f64>>,
        y: &'a [f64],
        candidates: &'a [Candidates],
        spend: Vec<f64>,
        choices: Vec<Choice>,
        trials: Vec<Trial>,
    ) -> Self {
        let basis = BaselineBasis::new(&columns);
        let mut ry = Vec::new();
        basis.residual(y, &mut ry);
        let mut col = Vec::new();
        let mut rcols = Vec::with_capacity(candidates.len());
        for (c, choice) in candidates.iter().zip(&choices) {
            c.column(*choice, &mut col);
            let mut r = Vec::new();
            basis.residual(&col, &mut r);
            rcols.push(r);
            columns.push(col.clone());
        }
        let m = rcols.len();
        let mut gram = vec![0.0; m * m];
        for i in 0..m {
            for j in 0..=i {
                let v = dot(&rcols[i], &rcols[j]);
                gram[i * m + j] = v;
                gram[j * m + i] = v;
            }
        }
        let xty = rcols.iter().map(|c| dot(c, &ry)).collect();
        let mass = columns[BASELINE_COLUMNS..]
            .iter()
            .map(|c| c.iter().sum())
            .collect();
        let trial_mass = trials
            .iter()
            .map(|e| tested_mass(&columns[BASELINE_COLUMNS + e.channel], &e.weeks))
            .collect();
        Search {
            y,
            yy: dot(&ry, &ry),
            ry,
            basis,
            rcols,
            gram,
            xty,
            candidates,
            choices,
            positive: vec![true; m],
            spend,
            mass,
            roi_prior: None,
            trials,
            trial_mass,
            columns,
        }
    }

    /// Sweeps over the channels until a sweep changes nothing (or `max_sweeps`).
    /// `progress` hears the share of the largest possible search done (0..1) after each
    /// channel (the search usually ends well before 1) and says whether to go on.
    /// Returns false when it said stop.
    pub fn run(&mut self, max_sweeps: usize, progress: &mut dyn FnMut(f64) -> bool) -> bool {
        let mut z = Vec::new();
        let mut rz = Vec::new();
        let dof = (self.y.len() as f64 - self.columns.len() as f64).max(1.0);
        let steps = (max_sweeps * self.candidates.len()).max(1) as f64;
        for sweep in 0..max_sweeps {
            let sigma2 = self.sse(&self.solve_current()) / dof;
            self.roi_prior = Some((self.pooled_roi(), sigma2));
            let mut changed = false;
            for c in 0..self.candidates.len() {
                let current = self.choices[c];
                let own = self.columns[BASELINE_COLUMNS + c].clone();
                let own_r = self.rcols[c].clone();
                let mut best = self.objective(c, &own, &own_r).0 + sigma2 * curve_penalty(current);
                let mut best_choice = current;
                for d in 0..DECAYS.len() {
                    for k in 0..KAPPAS.len() {
                        for s in 0..SHAPES.len() {
                            let choice = (d, k, s);
                            if choice == current {
                                continue;
                            }
                            self.candidates[c].column(choice, &mut z);
                            self.basis.residual(&z, &mut rz);
                            let obj = self.objective(c, &z, &rz).0 + sigma2 * curve_penalty(choice);
                            if obj < best - 1e-12 * self.yy {
                                best = obj;
                                best_choice = choice;
                            }
                        }
                    }
                }
                if best_choice != current {
                    self.candidates[c].column(best_choice, &mut z);
                    self.replace(c, &z);
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

    /// The penalised residual sum of squares with channel `c`'s column replaced by `z`
    /// (`rz` with the baseline projected out), and the channels' coefficients.
    fn objective(&mut self, c: usize, z: &[f64], rz: &[f64]) -> (f64, Vec<f64>) {
        let m = self.rcols.len();
        let mut a = self.gram.clone();
        let mut b = self.xty.clone();
        for k in 0..m {
            let v = if k == c {
                dot(rz, rz)
            } else {
                dot(&self.rcols[k], rz)
            };
            a[c * m + k] = v;
            a[k * m + c] = v;
        }
        b[c] = dot(rz, &self.ry);
        let mut mass = self.mass.clone();
        let mut trial_mass = self.trial_mass.clone();
        mass[c] = z.iter().sum();
        for (tm, e) in trial_mass.iter_mut().zip(&self.trials) {
            if e.channel == c {
                *tm = tested_mass(z, &e.weeks);
            }
        }
        let shrink = self.penalties(&mass, &trial_mass);
        let (beta, obj) = solve_scaled(&a, &b, &self.positive, self.yy, &shrink);
        for (positive, b) in self.positive.iter_mut().zip(&beta) {
            *positive = *b > 0.0;
        }
        (obj, beta)
    }

    /// The penalties per channel, in units of the noise variance: the ROI prior
    /// σ²·((β − target)/(ROI_SPREAD·target))², target being the effect that gives the
    /// channel the pooled ROI, plus each experiment's σ²·(β·m_e − L)²/σ_L². `mass` and
    /// `trial_mass` are the channels' column sums over the window and over each trial's
    /// tested weeks. None before the first sweep sets the noise variance.
    fn penalties(&self, mass: &[f64], trial_mass: &[f64]) -> Vec<Penalty> {
        let mut out = vec![Penalty::default(); self.rcols.len()];
        let Some((pooled, sigma2)) = self.roi_prior else {
            return out;
        };
        for (c, m) in mass.iter().enumerate() {
            if *m > 0.0 && pooled > 0.0 {
                let target = pooled * self.spend[c] / m;
                out[c].add(sigma2 / (ROI_SPREAD * target).powi(2), target);
            }
        }
        for (e, m) in self.trials.iter().zip(trial_mass) {
            out[e.channel].add_scaled(sigma2 / (e.std_error * e.std_error), *m, e.lift);
        }
        out
    }

    /// Pooled ROI of the current fit (scaled pipeline per unit of spend).
    fn pooled_roi(&self) -> f64 {
        let beta = self.solve_channels();
        let contribution: f64 = (0..self.candidates.len())
            .map(|c| beta[c] * self.mass[c])
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

    fn replace(&mut self, c: usize, z: &[f64]) {
        let m = self.rcols.len();
        let mut rz = Vec::new();
        self.basis.residual(z, &mut rz);
        for k in 0..m {
            let v = if k == c {
                dot(&rz, &rz)
            } else {
                dot(&self.rcols[k], &rz)
            };
            self.gram[c * m + k] = v;
            self.gram[k * m + c] = v;
        }
        self.xty[c] = dot(&rz, &self.ry);
        self.rcols[c] = rz;
        self.columns[BASELINE_COLUMNS + c] = z.to_vec();
        self.mass[c] = z.iter().sum();
        for (tm, e) in self.trial_mass.iter_mut().zip(&self.trials) {
            if e.channel == c {
                *tm = tested_mass(z, &e.weeks);
            }
        }
    }

    /// The channels' coefficients under the current curves (scaled pipeline).
    fn solve_channels(&self) -> Vec<f64> {
        let shrink = self.penalties(&self.mass, &self.trial_mass);
        solve_scaled(&self.gram, &self.xty, &self.positive, self.yy, &shrink).0
    }

    /// Coefficients of the current columns, baseline then channels (in units of the
    /// scaled pipeline): the channels' from the search, the baseline's the least-squares
    /// fit of what the channels leave (a token ridge; a column that is zero throughout,
    /// such as a holiday week the window lacks, gets 0).
    pub fn solve_current(&self) -> Vec<f64> {
        let channels = self.solve_channels();
        let n = self.y.len();
        let mut rest = self.y.to_vec();
        for (c, b) in channels.iter().enumerate() {
            let col = &self.columns[BASELINE_COLUMNS + c];
            for t in 0..n {
                rest[t] -= b * col[t];
            }
        }
        let p = BASELINE_COLUMNS;
        let mut a = vec![0.0; p * p];
        for i in 0..p {
            for j in 0..=i {
                let v = dot(&self.columns[i], &self.columns[j]);
                a[i * p + j] = v;
                a[j * p + i] = v;
            }
        }
        let b: Vec<f64> = (0..p).map(|i| dot(&self.columns[i], &rest)).collect();
        let no_penalty = vec![Penalty::default(); p];
        let free = vec![false; p];
        let (baseline, _) = solve_with(&a, &b, &free, &free, BASELINE_RIDGE, 0.0, &no_penalty);
        baseline.into_iter().chain(channels).collect()
    }

    /// Fitted values of `beta` (scaled pipeline).
    pub fn fitted(&self, beta: &[f64]) -> Vec<f64> {
        (0..self.y.len())
            .map(|t| self.columns.iter().zip(beta).map(|(c, b)| c[t] * b).sum())
            .collect()
    }
}

/// The channels' solve: non-negative effects, the token channel ridge.
fn solve_scaled(
    a: &[f64],
    b: &[f64],
    start: &[bool],
    yy: f64,
    shrink: &[Penalty],
) -> (Vec<f64>, f64) {
    let nonneg = vec![true; b.len()];
    solve_with(a, b, &nonneg, start, CHANNEL_RIDGE, yy, shrink)
}

/// Solves the normal equations `a`·β = `b` on unit-norm columns with the ridge, the
/// penalties (`shrink`, per column, in raw units) and the sign constraints; returns the
/// coefficients of the original columns and the penalised residual sum of squares
/// (`yy` is yᵀy), constants of the penalties included.
fn solve_with(
    a: &[f64],
    b: &[f64],
    nonneg: &[bool],
    start: &[bool],
    ridge: f64,
    yy: f64,
    shrink: &[Penalty],
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
        scaled[i * p + i] += if a[i * p + i] > 0.0 { ridge } else { 1e6 };
    }
    let mut bs: Vec<f64> = (0..p).map(|k| b[k] / norm[k]).collect();
    let mut constant = 0.0;
    for (k, q) in shrink.iter().enumerate() {
        scaled[k * p + k] += q.kappa / (norm[k] * norm[k]);
        bs[k] += q.linear / norm[k];
        constant += q.constant;
    }
    let beta = nnls::solve(&scaled, &bs, nonneg, start);
    let obj = yy + 2.0 * nnls::objective(&scaled, &bs, &beta) + constant;
    ((0..p).map(|k| beta[k] / norm[k]).collect(), obj)
}

/// Σ of `column` over `weeks`.
fn tested_mass(column: &[f64], weeks: &[usize]) -> f64 {
    weeks.iter().map(|&t| column[t]).sum()
}

pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
