//! The response model's speed bar (issue 5): fit + optimise 156 weeks × 9 paid channels
//! in under 2 s on one core, in release. Also the cockpit's what-if (one channel's
//! budget moved, the rest re-optimised), which must fit well inside a 16 ms frame.
//!
//! The history is `model::simulate`'s nine-channel world (seed 1). One criterion group,
//! `model_156w_9ch`, with small samples; then one plain summary line per bar with the
//! median of a few runs, which is what to record.
//!
//! Run: `cargo bench --bench model`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use rhythm::charter::Charter;
use rhythm::model::simulate::{nine_channel_truth, simulate};
use rhythm::model::{self, Planner, WhatIf};

const WEEKS: usize = 156;

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let charter = Charter::parse(
        include_str!("../charter/partnership.toml"),
        std::path::Path::new("charter/partnership.toml"),
    )
    .expect("the shipped charter is valid");
    let sim = simulate(nine_channel_truth(), WEEKS, 1);
    let history = sim.history;
    let as_of = *history.weeks.last().expect("weeks");
    let fit_and_optimise = || {
        let fitted = model::fit(&history).expect("the model fits");
        let planner = Planner::new(&fitted, &history, &charter, as_of, 13).expect("a planner");
        planner
            .recommend(None, None, 0.0)
            .expect("a recommendation")
    };
    // What `rhythm recommend` and the cockpit run: the fit, its bootstrap refits, and the
    // plan under them with its value of information (issue 14).
    let fit_refits_and_optimise = || {
        let fitted = model::fit(&history).expect("the model fits");
        let refits = model::validate::bootstrap(&fitted, &history, model::planner::PLAN_REPLICATES);
        let planner = Planner::with_ensemble(&fitted, &refits, &history, &charter, as_of, 13)
            .expect("a planner");
        planner
            .recommend(None, None, 0.0)
            .expect("a recommendation")
    };
    let fitted = model::fit(&history).expect("the model fits");
    assert_eq!(fitted.channels.len(), 9, "nine paid channels are modelled");
    let planner = Planner::new(&fitted, &history, &charter, as_of, 13).expect("a planner");
    let rec = planner
        .recommend(None, None, 0.0)
        .expect("a recommendation");
    let spend: Vec<f64> = rec.channels.iter().map(|c| c.recommended_spend).collect();
    let mut step = 0usize;
    let mut what_if = || {
        step += 1;
        let channel = step % spend.len();
        let sign = if step.is_multiple_of(2) { 1.0 } else { -1.0 };
        planner.what_if(
            &spend,
            channel,
            spend[channel] * (1.0 + 0.05 * sign),
            WhatIf::Rebalance,
        )
    };

    let mut group = c.benchmark_group("model_156w_9ch");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    group.bench_function("fit_and_optimise", |b| {
        b.iter(|| black_box(fit_and_optimise()))
    });
    group.bench_function("what_if_rebalance", |b| b.iter(|| black_box(what_if())));
    group.finish();

    let median = |f: &mut dyn FnMut(), runs: usize| {
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect();
        times.sort();
        times[runs / 2]
    };
    let fit = median(&mut || drop(black_box(fit_and_optimise())), 5);
    let play = median(&mut || drop(black_box(what_if())), 101);
    let planned = median(&mut || drop(black_box(fit_refits_and_optimise())), 5);
    println!(
        "model: fit + optimise {WEEKS} weeks x 9 channels: median {fit:.1?} (bar 2 s); what-if rebalance: median {play:.2?} (bar 16 ms)"
    );
    println!(
        "model: fit + {} refits + optimise under them (rhythm recommend): median {planned:.1?} (bar 1 s)",
        model::planner::PLAN_REPLICATES
    );
    c.final_summary();
}
