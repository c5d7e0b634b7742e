//! `rhythm recommend` end to end on the demo workspace (issue 14): carry-over in the
//! forecast, the channels' ROI ranges, what the plan held back, and the next experiment —
//! in JSON and in words, the same every run.

mod common;

use common::cli::{rhythm, success_stdout};
use common::workspace::demo_workspace;

#[test]
fn recommend_json_carries_intervals_the_hold_back_and_the_next_experiment() {
    let (_tmp, dir) = demo_workspace();
    let d = dir.to_str().unwrap();
    let args = [
        "--workspace",
        d,
        "recommend",
        "--as-of",
        "2026-08-17",
        "--json",
    ];
    let out = success_stdout(&rhythm(&args));
    let rec: serde_json::Value = serde_json::from_str(&out).unwrap();
    let channels = rec["channels"].as_array().unwrap();
    assert!(!channels.is_empty());
    let mut carried = 0.0;
    for c in channels {
        let (low, roi, high) = (
            c["roi_low"].as_f64().unwrap(),
            c["roi"].as_f64().unwrap(),
            c["roi_high"].as_f64().unwrap(),
        );
        assert!(low <= roi && roi <= high, "{c}");
        assert!(
            c["marginal_roi_low"].as_f64().unwrap() <= c["marginal_roi_high"].as_f64().unwrap()
        );
        let carry = c["carried_in_pipeline"].as_f64().unwrap();
        assert!(carry >= 0.0 && carry <= c["expected_pipeline_current"].as_f64().unwrap() + 1e-6);
        carried += carry;
    }
    // The demo's channels were spending before the horizon: some of it still lands in it.
    assert!(carried > 0.0);
    assert!(rec["held_back"].is_array());
    let voi = rec["value_of_information"].as_array().unwrap();
    assert_eq!(voi.len(), channels.len());
    match &rec["next_experiment"] {
        serde_json::Value::Null => {}
        e => {
            assert_eq!(e["channel"], voi[0]["channel"]);
            let weeks = e["weeks"].as_u64().unwrap();
            assert!((6..=12).contains(&weeks), "{e}");
        }
    }
    // Deterministic: the same answer bit for bit.
    assert_eq!(success_stdout(&rhythm(&args)), out);

    let words = success_stdout(&rhythm(&[
        "--workspace",
        d,
        "recommend",
        "--as-of",
        "2026-08-17",
    ]));
    assert!(words.contains("Next experiment: "), "{words}");
    if rec["next_experiment"].is_object() {
        assert!(words.contains("Run a "), "{words}");
    }
    let md = success_stdout(&rhythm(&[
        "--workspace",
        d,
        "recommend",
        "--as-of",
        "2026-08-17",
        "--markdown",
    ]));
    assert!(md.starts_with("## Budget recommendation"), "{md}");
    assert!(md.contains("- Next experiment: "), "{md}");
}
