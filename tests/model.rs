//! The response model's accuracy bar on simulated histories with known truth, and the
//! commands end to end on the demo workspace with the real binary.
//!
//! Accuracy (issue 5): on 156 weeks of ≥ 6 paid channels with flighted spend, trend,
//! seasonality, a holiday dip and 3% noise — once in the model's own world (geometric
//! adstock + Hill) and once in a world it does not assume (normalised adstock, logistic
//! saturation, a holiday dip that hits media too) — the median ROI error across paid
//! channels is at most 20%, and the recommended allocation captures at least 90% of the
//! uplift the true optimum achieves under the same bounds (the true optimum found by the
//! same optimiser on the true curves). The naive rule "move budget to the highest
//! attributed ROAS" is run on the same data and must capture less.
//!
//! The two tests below are one draw each (seeds 1 and 2, chosen before the model was
//! tuned); `accuracy_over_many_seeds` prints the spread over many draws. Over seeds 1–12
//! it reads: own world, ROI error within 20% in 11/12, ≥ 90% captured in 8/12, the 90%
//! ROI intervals holding the true ROI in 73/84 channel fits; the world not assumed,
//! 10/12, 6/12 and 80/84. The capture bar is not met in every draw: with the true
//! curve shapes given and only the scales fitted, 3 of 24 Hill draws still fall short.
//! The misses are not small denominators: the true optimum is worth 8–15% (own world)
//! and 14–32% (the other) more media pipeline than the current mix in every draw.
//!
//! These two hand-built worlds are close to the model's assumptions by construction.
//! Issue 14's bars are measured in `tests/model_heldout.rs`, on worlds drawn from seeds
//! (`simulate::random_world`) with delayed carry-over, logistic curves, quarterly
//! programmes and low-ROI lines, and on held-out seeds.

mod common;

use common::cli::{rhythm_in, success_stdout};
use common::workspace::demo_workspace;
use rhythm::model::optimize::{self, Bounds, total_pipeline};
use rhythm::model::simulate::{self, Simulation};
use rhythm::model::{self, HillCurve};

const WEEKS: usize = 156;
const HORIZON: usize = 13;

struct Judgement {
    roi_errors: Vec<(String, f64, f64, f64)>,
    median_roi_error: f64,
    /// Of the uplift the true optimum achieves under the same bounds as the model.
    capture: f64,
    /// Of the uplift the true optimum achieves under the plain 0.5x-2x bounds, which let
    /// it go past the levels the data has shown (stricter; reported, not the bar).
    capture_loose: f64,
    naive_capture: f64,
    optimum_uplift: f64,
    /// The true weekly pipeline of the current mix (media only).
    current_pipeline: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// Fits, recommends, and scores the recommendation and the naive rule against the true
/// curves. The current mix is the last 13 weeks' run-rate and the budget its total. The
/// model recommends within its own bounds (0.5x-2x run-rate, capped at the highest level
/// its data shows the channel at — the bounds it prints, which the CMO signs off); the
/// true optimum and the naive rule get the same bounds, as the bar says. What the
/// true optimum would add past the levels the data shows (plain 0.5x-2x bounds) is
/// reported beside it. Since the yardstick moves with the bounds, a change that narrows
/// them raises `capture` without delivering more: judge such a change on `capture_loose`,
/// whose optimum ignores the model's bounds. (Tried and rejected: holding channels the
/// data cannot pin down near their run-rate — it raised `capture` and cut real uplift.)
fn judge(sim: &Simulation) -> Judgement {
    let fitted = model::fit(&sim.history).expect("the model fits");
    let truth = &sim.truth.channels;
    let mut roi_errors = Vec::new();
    let mut curves: Vec<HillCurve> = Vec::new();
    let mut roas = Vec::new();
    for (c, true_roi) in truth.iter().zip(&sim.true_roi) {
        let m = fitted
            .channel(&c.channel)
            .expect("every paid channel is modelled");
        roi_errors.push((
            c.channel.clone(),
            m.roi,
            *true_roi,
            (m.roi - true_roi).abs() / true_roi,
        ));
        curves.push(m.curve);
        roas.push(m.attributed_roas);
    }
    let n = sim.history.len();
    let current: Vec<f64> = truth
        .iter()
        .map(|c| {
            let s = &sim.history.channel(&c.channel).unwrap().spend;
            s[n - HORIZON..].iter().sum::<f64>() / HORIZON as f64
        })
        .collect();
    let bounds: Vec<Bounds> = current
        .iter()
        .map(|c| Bounds {
            min: 0.5 * c,
            max: 2.0 * c,
        })
        .collect();
    let budget: f64 = current.iter().sum();
    // The model's own bounds: 0.5x-2x run-rate, capped at the level its data has shown.
    let model_bounds: Vec<Bounds> = truth
        .iter()
        .zip(&current)
        .map(|(c, cur)| model::channel_bounds(fitted.channel(&c.channel).unwrap(), *cur, None).0)
        .collect();
    let room: f64 = model_bounds.iter().map(|b| b.max).sum();
    let recommended = optimize::allocate(&curves, &model_bounds, budget.min(room)).unwrap();
    let spendable = budget.min(room);
    let optimum = optimize::allocate(truth, &model_bounds, spendable).unwrap();
    let loose_optimum = optimize::allocate(truth, &bounds, budget).unwrap();
    let naive = naive_rule(&roas, &model_bounds, spendable);
    let value = |x: &[f64]| total_pipeline(truth, x);
    let base = value(&current);
    let optimum_uplift = value(&optimum) - base;
    Judgement {
        median_roi_error: median(roi_errors.iter().map(|e| e.3).collect()),
        roi_errors,
        capture: (value(&recommended) - base) / optimum_uplift,
        capture_loose: (value(&recommended) - base) / (value(&loose_optimum) - base),
        naive_capture: (value(&naive) - base) / optimum_uplift,
        optimum_uplift,
        current_pipeline: base,
    }
}

/// "Move budget to the highest attributed ROAS": every channel at its lower bound, then
/// the rest poured into channels in order of attributed ROAS, each up to its upper bound.
fn naive_rule(roas: &[f64], bounds: &[Bounds], budget: f64) -> Vec<f64> {
    let mut x: Vec<f64> = bounds.iter().map(|b| b.min).collect();
    let mut left = budget - x.iter().sum::<f64>();
    let mut order: Vec<usize> = (0..roas.len()).collect();
    order.sort_by(|a, b| roas[*b].total_cmp(&roas[*a]));
    for i in order {
        let add = (bounds[i].max - x[i]).min(left);
        x[i] += add;
        left -= add;
    }
    x
}

fn report(world: &str, j: &Judgement) {
    println!(
        "{world}: median ROI error {:.1}%",
        100.0 * j.median_roi_error
    );
    for (c, fitted, truth, err) in &j.roi_errors {
        println!(
            "  {c:<12} ROI fitted {fitted:6.2}  true {truth:6.2}  error {:5.1}%",
            100.0 * err
        );
    }
    println!(
        "  uplift captured: model {:.1}% ({:.1}% of the optimum past the levels seen), naive highest-attributed-ROAS rule {:.1}% (true optimum +{:.0} pipeline/week)",
        100.0 * j.capture,
        100.0 * j.capture_loose,
        100.0 * j.naive_capture,
        j.optimum_uplift
    );
}

fn assert_bar(world: &str, j: &Judgement) {
    report(world, j);
    assert!(
        j.median_roi_error <= 0.20,
        "{world}: median ROI error {:.3}",
        j.median_roi_error
    );
    assert!(
        j.capture >= 0.90,
        "{world}: captured {:.3} of the optimum's uplift",
        j.capture
    );
    assert!(
        j.naive_capture < j.capture,
        "{world}: the naive rule ({:.3}) did not do worse than the model ({:.3})",
        j.naive_capture,
        j.capture
    );
}

#[test]
fn accuracy_in_the_models_own_world() {
    let sim = simulate::simulate(simulate::hill_truth(), WEEKS, 1);
    assert_bar("geometric adstock + Hill", &judge(&sim));
}

#[test]
fn accuracy_in_a_world_the_model_does_not_assume() {
    let sim = simulate::simulate(simulate::logistic_truth(), WEEKS, 2);
    assert_bar("normalised adstock + logistic", &judge(&sim));
}

/// The bar over many seeds, to see the spread rather than one draw:
/// `cargo test --release --test model -- --ignored --nocapture` (SEEDS=n, default 12).
#[test]
#[ignore = "a sweep over seeds; run it in release"]
fn accuracy_over_many_seeds() {
    let seeds: u64 = std::env::var("SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    for (world, truth) in [
        ("geometric adstock + Hill", simulate::hill_truth()),
        ("normalised adstock + logistic", simulate::logistic_truth()),
    ] {
        let (mut errors, mut captures, mut naive, mut coverage) = (vec![], vec![], vec![], (0, 0));
        let mut room = vec![];
        let mut loose = vec![];
        for seed in 1..=seeds {
            let sim = simulate::simulate(truth.clone(), WEEKS, seed);
            let j = judge(&sim);
            errors.push(j.median_roi_error);
            captures.push(j.capture);
            loose.push(j.capture_loose);
            naive.push(j.naive_capture);
            room.push(j.optimum_uplift / j.current_pipeline);
            let fitted = model::fit(&sim.history).unwrap();
            for iv in model::validate::roi_intervals(&fitted, &sim.history, 20) {
                let i = sim
                    .truth
                    .channels
                    .iter()
                    .position(|c| c.channel == iv.channel)
                    .unwrap();
                coverage.1 += 1;
                if iv.low <= sim.true_roi[i] && sim.true_roi[i] <= iv.high {
                    coverage.0 += 1;
                }
            }
        }
        let pass = |v: &[f64], ok: &dyn Fn(f64) -> bool| v.iter().filter(|x| ok(**x)).count();
        let pct = |v: &[f64]| {
            v.iter()
                .map(|x| format!("{:.0}", 100.0 * x))
                .collect::<Vec<_>>()
                .join(" ")
        };
        println!("{world}, {seeds} seeds:");
        println!(
            "  median ROI error % [{}]: median {:.1}%, within 20% in {}/{seeds}",
            pct(&errors),
            100.0 * median(errors.clone()),
            pass(&errors, &|e| e <= 0.20)
        );
        println!(
            "  uplift captured % [{}]: median {:.1}%, at least 90% in {}/{seeds}",
            pct(&captures),
            100.0 * median(captures.clone()),
            pass(&captures, &|c| c >= 0.90)
        );
        println!(
            "  of the optimum with plain 0.5x-2x bounds (past the levels seen) % [{}]: median {:.1}%, at least 90% in {}/{seeds}",
            pct(&loose),
            100.0 * median(loose.clone()),
            pass(&loose, &|c| c >= 0.90)
        );
        println!(
            "  the true optimum's uplift, % of the current mix's media pipeline [{}]",
            room.iter()
                .map(|x| format!("{:.1}", 100.0 * x))
                .collect::<Vec<_>>()
                .join(" ")
        );
        println!(
            "  naive rule captured % [{}]: median {:.1}%",
            pct(&naive),
            100.0 * median(naive.clone())
        );
        println!(
            "  90% ROI intervals held the true ROI for {}/{} channel fits",
            coverage.0, coverage.1
        );
    }
}

#[test]
fn two_fits_and_two_recommendations_are_identical_bit_for_bit() {
    let sim = simulate::simulate(simulate::hill_truth(), 104, 3);
    let a = model::fit(&sim.history).unwrap();
    let b = model::fit(&sim.history).unwrap();
    assert_eq!(a, b);
    let curves: Vec<HillCurve> = a.channels.iter().map(|c| c.curve).collect();
    let bounds: Vec<Bounds> = a
        .channels
        .iter()
        .map(|c| Bounds {
            min: 0.5 * c.mean_weekly_spend,
            max: 2.0 * c.mean_weekly_spend,
        })
        .collect();
    let budget: f64 = a.channels.iter().map(|c| c.mean_weekly_spend).sum();
    assert_eq!(
        optimize::allocate(&curves, &bounds, budget).unwrap(),
        optimize::allocate(&curves, &bounds, budget).unwrap()
    );
}

// ── The commands end to end, with the real binary, on the demo workspace ───────────

#[test]
fn recommend_save_then_backtest_on_the_demo() {
    let (_tmp, dir) = demo_workspace();
    let dir_s = dir.to_str().unwrap();

    // Nothing saved yet.
    let text = success_stdout(&rhythm_in(dir_s, &["backtest"]));
    assert!(text.contains("No saved recommendation yet"), "{text}");

    // SPEC.md's JSON, every key.
    let json: serde_json::Value = serde_json::from_str(&success_stdout(&rhythm_in(
        dir_s,
        &["recommend", "--json", "--as-of", "2026-11-23"],
    )))
    .unwrap();
    for key in [
        "as_of",
        "horizon_weeks",
        "total_budget",
        "expected_pipeline_current",
        "expected_pipeline_recommended",
        "channels",
    ] {
        assert!(json.get(key).is_some(), "no {key} in {json}");
    }
    assert_eq!(json["as_of"], "2026-11-22");
    assert_eq!(json["horizon_weeks"], 13);
    let channels = json["channels"].as_array().unwrap();
    assert_eq!(channels.len(), 7, "the seven paid channels");
    let mut allocated = 0.0;
    for c in channels {
        for key in [
            "channel",
            "current_spend",
            "recommended_spend",
            "min_spend",
            "max_spend",
            "roi",
            "marginal_roi",
            "saturation_spend",
            "expected_pipeline_current",
            "expected_pipeline_recommended",
        ] {
            assert!(c.get(key).is_some(), "no {key} in {c}");
        }
        let spend = c["recommended_spend"].as_f64().unwrap();
        assert!(spend >= c["min_spend"].as_f64().unwrap() - 1e-6);
        assert!(spend <= c["max_spend"].as_f64().unwrap() + 1e-6);
        allocated += spend;
    }
    let budget = json["total_budget"].as_f64().unwrap();
    assert!((allocated - budget).abs() < 1e-6 * budget);
    assert!(
        json["expected_pipeline_recommended"].as_f64().unwrap()
            >= json["expected_pipeline_current"].as_f64().unwrap()
    );

    // The human form: what to do, what it is worth, why — then the table.
    let text = success_stdout(&rhythm_in(dir_s, &["recommend", "--reserve", "0.1"]));
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("Invest") || lines[0].starts_with("Keep"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("Expected pipeline") && lines[1].contains("held in reserve"),
        "{text}"
    );
    assert!(lines[2].starts_with("Why"), "{text}");

    // A recommendation saved 14 weeks before the demo ends is judged by the back-test.
    let text = success_stdout(&rhythm_in(
        dir_s,
        &["recommend", "--save", "--as-of", "2026-08-17"],
    ));
    assert!(text.contains("Saved as recommendation 1"), "{text}");
    let json: serde_json::Value =
        serde_json::from_str(&success_stdout(&rhythm_in(dir_s, &["backtest", "--json"]))).unwrap();
    let tests = json["backtests"].as_array().unwrap();
    assert_eq!(tests.len(), 1);
    let b = &tests[0];
    assert_eq!(b["status"], "judged", "{b}");
    assert_eq!(b["horizon_from"], "2026-08-17");
    let error = b["forecast_error"].as_f64().unwrap();
    assert!(
        error < 0.15,
        "the model forecast its horizon within the charter's 15%: {error}"
    );
    assert!((0.0..=1.0).contains(&b["allocation_variance"].as_f64().unwrap()));
    assert!(
        [
            "paid_off",
            "did_not_pay_off",
            "not_followed",
            "inconclusive"
        ]
        .contains(&b["verdict"].as_str().unwrap())
    );
    let text = success_stdout(&rhythm_in(dir_s, &["backtest"]));
    assert!(text.contains("Recommendation 1 as of 2026-08-16"), "{text}");

    // Bad input is exit 2 with a message, nothing written.
    let out = rhythm_in(dir_s, &["recommend", "--budget", "10"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside what the channel bounds allow"));
    let out = rhythm_in(dir_s, &["recommend", "--as-of", "2025-01-05"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("too little data"));
}

#[test]
fn model_shows_fit_validation_and_curves_on_the_demo() {
    let (_tmp, dir) = demo_workspace();
    let dir_s = dir.to_str().unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&success_stdout(&rhythm_in(dir_s, &["model", "--json"]))).unwrap();
    assert!(
        json["r_squared"].as_f64().unwrap() > 0.8,
        "{}",
        json["r_squared"]
    );
    let v = &json["validation"];
    assert!(v["holdout"]["mape"].as_f64().unwrap() < 0.10, "{v}");
    assert_eq!(v["rolling"].as_array().unwrap().len(), 4);
    for c in json["channels"].as_array().unwrap() {
        let roi = c["roi"].as_f64().unwrap();
        assert!(c["roi_low"].as_f64().unwrap() <= roi && roi <= c["roi_high"].as_f64().unwrap());
        assert!(c["attributed_roas"].as_f64().is_some());
        assert!(c["curve"].as_array().unwrap().len() > 10);
    }
    let excluded: Vec<&str> = json["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["channel"].as_str().unwrap())
        .collect();
    assert_eq!(excluded, ["direct", "organic", "referral"]);
}
