//! The budget model's accuracy bar on worlds it was not built on (issue 14), measured on
//! seeds nobody looked at while developing.
//!
//! Each draw is a world from `simulate::random_world` (4–9 paid channels, mixes and
//! flighting from the seed, decays up to 0.8, geometric or delayed carry-over with Hill
//! curves, or normalised or delayed carry-over with logistic curves, a low-ROI channel
//! with dark weeks, paid media 15–55% of pipeline, 2–4% noise, 104–156 weeks), simulated
//! with the same seed. Per draw: the median over paid channels of |fitted ROI − true
//! ROI| / true ROI; the uplift the model's plan captures of what the true optimum
//! achieves under the same bounds (the model's own, `model::channel_bounds`, the budget
//! the run-rate's); the same capture for the plan made under the fit and its
//! `planner::PLAN_REPLICATES` bootstrap refits, the pipeline averaged over their curves
//! as `rhythm recommend` plans (at steady state); the same two with one lift test per
//! channel (`fit_calibrated`); and
//! whether the 90% intervals of `validate::roi_intervals` hold the true ROI and the true
//! marginal ROI at the run-rate.
//!
//! Development seeds are 1–200 (`SEEDS` of them, default 20); the held-out seeds are
//! 9001 on (`HELDOUT=1`, `SEEDS` of them, default 40), to be run once, for the report.
//! For development runs, `COVERAGE=0` skips the intervals (their bootstrap is most of
//! the time) and `DETAIL=1` prints each channel's truth beside its fit.
//!
//! - `cargo test --release --test model_heldout -- --ignored --nocapture heldout_table`
//! - `HELDOUT=1 SEEDS=40 cargo test --release --test model_heldout -- --ignored --nocapture heldout_table`
//! - `cargo test --release --test model_heldout -- --ignored --nocapture calibrate_spreads`
//!   (development seeds only: the coverage of the intervals at several spreads)

use rhythm::model::curve::Response;
use rhythm::model::optimize::{self, Bounds, total_pipeline};
use rhythm::model::planner::PLAN_REPLICATES;
use rhythm::model::simulate::{self, Family, Simulation};
use rhythm::model::validate::{self, BOOTSTRAP_REPLICATES};
use rhythm::model::{self, HillCurve, ResponseModel};

/// The first held-out seed.
const HELDOUT_FROM: u64 = 9001;
/// The seed lift tests are drawn with, for every world.
const LIFT_SEED: u64 = 77;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// The draw for `seed` in `family`.
fn world(seed: u64, family: Family) -> Simulation {
    let (truth, weeks) = simulate::random_world(seed, family);
    simulate::simulate(truth, weeks, seed)
}

/// Run-rate per paid channel of the truth, currency per week.
fn run_rates(sim: &Simulation) -> Vec<f64> {
    sim.truth
        .channels
        .iter()
        .map(|c| validate::run_rate(&sim.history.channel(&c.channel).unwrap().spend))
        .collect()
}

/// A channel's response averaged over the fit's curve and its bootstrap refits' curves:
/// what `rhythm recommend` plans under (`Planner::with_ensemble`), at steady state.
struct Averaged(Vec<HillCurve>);

impl Response for Averaged {
    fn weekly_pipeline(&self, weekly_spend: f64) -> f64 {
        self.0
            .iter()
            .map(|c| c.weekly_pipeline(weekly_spend))
            .sum::<f64>()
            / self.0.len() as f64
    }
}

/// How one fit did on one draw.
struct Judged {
    /// Median over paid channels of the relative ROI error (fraction).
    roi_error: f64,
    /// Share of the true optimum's uplift the model's plan captures (fraction).
    capture: f64,
    /// The true optimum's uplift over the current mix, as a share of its media pipeline.
    room: f64,
    /// Share of the window's pipeline the fit credits to paid media, and the truth's.
    media_share: (f64, f64),
    /// The same capture for the plan made under the fit and its `PLAN_REPLICATES`
    /// bootstrap refits, as `rhythm recommend` makes it (None when not asked).
    ensemble_capture: Option<f64>,
}

/// Scores `fitted` against `sim`'s truth. A channel the model left out counts as ROI 0
/// (error 100%) and a flat curve in the plan.
fn judge(sim: &Simulation, fitted: &ResponseModel, refits: Option<&[ResponseModel]>) -> Judged {
    let truth = &sim.truth.channels;
    let flat = HillCurve {
        decay: 0.0,
        half_saturation: 1.0,
        shape: 1.0,
        max_pipeline: 0.0,
    };
    let errors: Vec<f64> = truth
        .iter()
        .zip(&sim.true_roi)
        .map(|(c, t)| {
            fitted
                .channel(&c.channel)
                .map_or(1.0, |m| (m.roi - t).abs() / t)
        })
        .collect();
    let curves: Vec<HillCurve> = truth
        .iter()
        .map(|c| fitted.channel(&c.channel).map_or(flat, |m| m.curve))
        .collect();
    let current = run_rates(sim);
    let bounds: Vec<Bounds> = truth
        .iter()
        .zip(&current)
        .map(|(c, cur)| match fitted.channel(&c.channel) {
            Some(m) => model::channel_bounds(m, *cur, None).0,
            None => Bounds {
                min: *cur,
                max: *cur,
            },
        })
        .collect();
    let budget: f64 = current
        .iter()
        .sum::<f64>()
        .min(bounds.iter().map(|b| b.max).sum());
    let recommended = optimize::allocate(&curves, &bounds, budget).unwrap();
    let ensemble = refits.map(|refits| {
        let averaged: Vec<Averaged> = truth
            .iter()
            .zip(&curves)
            .map(|(c, point)| {
                let mut all = vec![*point];
                all.extend(
                    refits
                        .iter()
                        .filter_map(|r| r.channel(&c.channel).map(|m| m.curve)),
                );
                Averaged(all)
            })
            .collect();
        optimize::allocate(&averaged, &bounds, budget).unwrap()
    });
    let optimum = optimize::allocate(truth, &bounds, budget).unwrap();
    let base = total_pipeline(truth, &current);
    let uplift = total_pipeline(truth, &optimum) - base;
    let pipeline: f64 = sim.history.pipeline.iter().sum();
    let fitted_media: f64 = fitted.channels.iter().map(|c| c.contribution).sum();
    let true_media: f64 = sim.caused.iter().flatten().sum();
    Judged {
        media_share: (fitted_media / pipeline, true_media / pipeline),
        roi_error: median(errors),
        capture: (total_pipeline(truth, &recommended) - base) / uplift,
        ensemble_capture: ensemble.map(|e| (total_pipeline(truth, &e) - base) / uplift),
        room: uplift / base,
    }
}

/// Whether each paid channel's 90% intervals hold its true ROI and its true marginal ROI
/// at the run-rate: (ROI held, marginal held) per channel the model kept.
fn coverage(sim: &Simulation, fitted: &ResponseModel, replicates: usize) -> Vec<(bool, bool)> {
    let rates = run_rates(sim);
    validate::roi_intervals(fitted, &sim.history, replicates)
        .iter()
        .map(|iv| {
            let i = sim
                .truth
                .channels
                .iter()
                .position(|c| c.channel == iv.channel)
                .unwrap();
            let marginal = sim.truth.channels[i].marginal_roi(rates[i]);
            (
                iv.low <= sim.true_roi[i] && sim.true_roi[i] <= iv.high,
                iv.marginal_low <= marginal && marginal <= iv.marginal_high,
            )
        })
        .collect()
}

/// The seeds to run: development 1.. or held-out 9001.., `SEEDS` of them.
fn seeds() -> (Vec<u64>, &'static str) {
    let heldout = std::env::var("HELDOUT").is_ok_and(|v| v == "1");
    let default = if heldout { 40 } else { 20 };
    let n: u64 = std::env::var("SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    if heldout {
        ((HELDOUT_FROM..HELDOUT_FROM + n).collect(), "held-out")
    } else {
        ((1..=n.min(200)).collect(), "development")
    }
}

fn share(v: &[f64], ok: impl Fn(f64) -> bool) -> f64 {
    v.iter().filter(|x| ok(**x)).count() as f64 / v.len() as f64
}

/// The table the README reports, one row per family.
#[test]
#[ignore = "a sweep over seeds; run it in release"]
fn heldout_table() {
    let (seeds, kind) = seeds();
    println!(
        "{} {kind} seeds ({}..={}), {BOOTSTRAP_REPLICATES} bootstrap refits per interval",
        seeds.len(),
        seeds[0],
        seeds[seeds.len() - 1]
    );
    println!(
        "| family | median ROI error | draws ≤ 15% | median capture | draws ≥ 90% captured | plan under the refits: median capture | draws ≥ 90% | with lift tests: median ROI error | draws ≤ 10% | ROI 90% coverage | marginal ROI 90% coverage |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    for family in [Family::Hill, Family::Logistic] {
        let (mut errors, mut captures, mut lifted) = (vec![], vec![], vec![]);
        let mut ensemble = vec![];
        let (mut roi_held, mut marginal_held, mut intervals) = (0, 0, 0);
        for &seed in &seeds {
            let sim = world(seed, family);
            let fitted = model::fit(&sim.history).expect("the model fits");
            let refits = validate::bootstrap(&fitted, &sim.history, PLAN_REPLICATES);
            let j = judge(&sim, &fitted, Some(&refits));
            let tests = sim.lift_tests(LIFT_SEED);
            let calibrated = model::fit_calibrated(&sim.history, &tests, &mut |_| true)
                .expect("the calibrated model fits");
            let c = judge(&sim, &calibrated, None);
            // COVERAGE=0 skips the intervals' bootstrap, for quick development runs.
            let cover = if std::env::var("COVERAGE").is_ok_and(|v| v == "0") {
                Vec::new()
            } else {
                coverage(&sim, &fitted, BOOTSTRAP_REPLICATES)
            };
            intervals += cover.len();
            roi_held += cover.iter().filter(|c| c.0).count();
            marginal_held += cover.iter().filter(|c| c.1).count();
            println!(
                "  seed {seed:>5} {family:?}: {} channels, {} weeks, ROI error {:.0}%, captured {:.0}% (room {:.1}%, under the refits {:.0}%), media share {:.0}% (true {:.0}%), with lift tests {:.0}% / {:.0}%",
                sim.truth.channels.len(),
                sim.history.len(),
                100.0 * j.roi_error,
                100.0 * j.capture,
                100.0 * j.room,
                100.0 * j.ensemble_capture.unwrap_or(f64::NAN),
                100.0 * j.media_share.0,
                100.0 * j.media_share.1,
                100.0 * c.roi_error,
                100.0 * c.capture
            );
            if std::env::var("DETAIL").is_ok_and(|v| v == "1") {
                for (c, t) in sim.truth.channels.iter().zip(&sim.true_roi) {
                    let m = fitted.channel(&c.channel);
                    println!(
                        "      {:<12} {:?} decay {:.2} {:?} roi {:.2} fitted {:.2} (decay {:.1}, half-saturation {:.2}× mean spend, shape {:.2})",
                        c.channel,
                        c.carryover,
                        c.decay,
                        c.flighting,
                        t,
                        m.map_or(0.0, |m| m.roi),
                        m.map_or(0.0, |m| m.curve.decay),
                        m.map_or(0.0, |m| m.curve.half_saturation / m.mean_weekly_spend),
                        m.map_or(0.0, |m| m.curve.shape),
                    );
                }
            }
            errors.push(j.roi_error);
            captures.push(j.capture);
            ensemble.push(j.ensemble_capture.unwrap_or(f64::NAN));
            lifted.push(c.roi_error);
        }
        println!(
            "| {family:?} | {:.1}% | {:.0}% | {:.1}% | {:.0}% | {:.1}% | {:.0}% | {:.1}% | {:.0}% | {:.1}% ({roi_held}/{intervals}) | {:.1}% ({marginal_held}/{intervals}) |",
            100.0 * median(errors.clone()),
            100.0 * share(&errors, |e| e <= 0.15),
            100.0 * median(captures.clone()),
            100.0 * share(&captures, |c| c >= 0.90),
            100.0 * median(ensemble.clone()),
            100.0 * share(&ensemble, |c| c >= 0.90),
            100.0 * median(lifted.clone()),
            100.0 * share(&lifted, |e| e <= 0.10),
            100.0 * roi_held as f64 / intervals as f64,
            100.0 * marginal_held as f64 / intervals as f64,
        );
    }
}

/// The coverage of 90% ROI and marginal-ROI intervals at several model spreads, on
/// development seeds only: what `validate::MODEL_SPREAD` and `MARGINAL_SPREAD` are
/// chosen from.
#[test]
#[ignore = "a sweep over seeds; run it in release"]
fn calibrate_spreads() {
    let n: u64 = std::env::var("SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let spreads = [
        0.0, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2,
    ];
    let mut roi_held = vec![0usize; spreads.len()];
    let mut marginal_held = vec![0usize; spreads.len()];
    let mut total = 0;
    for seed in 1..=n.min(200) {
        for family in [Family::Hill, Family::Logistic] {
            let sim = world(seed, family);
            let fitted = model::fit(&sim.history).unwrap();
            let refits = validate::bootstrap(&fitted, &sim.history, BOOTSTRAP_REPLICATES);
            let rates = run_rates(&sim);
            for (i, c) in sim.truth.channels.iter().enumerate() {
                let Some(m) = fitted.channel(&c.channel) else {
                    continue;
                };
                let draws = |f: &dyn Fn(&model::ChannelModel) -> f64| -> Vec<f64> {
                    refits
                        .iter()
                        .filter_map(|r| r.channel(&c.channel).map(f))
                        .collect()
                };
                let roi_draws = draws(&|r| r.roi);
                let marginal_draws = draws(&|r| r.curve.marginal_roi(rates[i]));
                let true_marginal = c.marginal_roi(rates[i]);
                total += 1;
                for (k, s) in spreads.iter().enumerate() {
                    let (lo, hi) = validate::interval(m.roi, roi_draws.clone(), *s);
                    roi_held[k] += usize::from(lo <= sim.true_roi[i] && sim.true_roi[i] <= hi);
                    let (lo, hi) = validate::interval(
                        m.curve.marginal_roi(rates[i]),
                        marginal_draws.clone(),
                        *s,
                    );
                    marginal_held[k] += usize::from(lo <= true_marginal && true_marginal <= hi);
                }
            }
        }
    }
    println!("{total} channel fits over development seeds 1..={n}, both families");
    for (k, s) in spreads.iter().enumerate() {
        println!(
            "  spread {s:.2}: ROI held {:.1}%, marginal ROI held {:.1}%",
            100.0 * roi_held[k] as f64 / total as f64,
            100.0 * marginal_held[k] as f64 / total as f64
        );
    }
}

/// The harness end to end on two development draws, quick enough for a debug build:
/// loose sanity bars (the bars are measured by `heldout_table`). With today's fit
/// these draws read ROI error 106% and 38%, captured 81% and 98%.
#[test]
fn the_harness_scores_two_development_draws() {
    for (seed, family) in [(3, Family::Hill), (4, Family::Logistic)] {
        let sim = world(seed, family);
        let fitted = model::fit(&sim.history).expect("the model fits");
        let j = judge(&sim, &fitted, None);
        assert!(
            j.roi_error.is_finite() && j.roi_error < 2.0,
            "{seed}: {}",
            j.roi_error
        );
        assert!(j.room > 0.0 && j.capture > 0.5, "{seed}: {}", j.capture);
        let tests = sim.lift_tests(LIFT_SEED);
        assert_eq!(tests.len(), sim.truth.channels.len());
        let calibrated = model::fit_calibrated(&sim.history, &tests, &mut |_| true).unwrap();
        assert!(judge(&sim, &calibrated, None).roi_error < 2.0);
        let cover = coverage(&sim, &fitted, 3);
        assert_eq!(cover.len(), fitted.channels.len());
    }
}
