//! Golden files of the four reports on the demo workspace, and `rhythm check` on it.
//! After an intended change: `UPDATE_GOLDEN=1 cargo test --test reports` and review the diff.

mod common;

use chrono::NaiveDate;
use rhythm::charter::Charter;
use rhythm::cli::report_cmd::{Format, render};
use rhythm::rhythm::Status;
use rhythm::rhythm::clock::{Clock, Review};
use rhythm::rhythm::controls;

/// The date the goldens are taken at: the Monday after the demo history ends.
fn at() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// The report of `review` as of the end of `at`, its default period.
fn report(
    charter: &Charter,
    data: &rhythm::facts::Dataset,
    review: Review,
    at: NaiveDate,
    format: Format,
) -> serde_json::Result<String> {
    render(
        charter,
        data,
        review,
        &Clock::end_of(charter, at),
        false,
        format,
    )
}

fn demo() -> (tempfile::TempDir, Charter, rhythm::facts::Dataset) {
    let charter = common::charter();
    let (dir, data) = common::demo_dataset(&charter);
    (dir, charter, data)
}

fn golden(name: &str, actual: &str) {
    common::golden("reports", name, actual);
}

#[test]
fn the_four_reports_match_their_golden_files() {
    let (_dir, charter, data) = demo();
    for (review, name) in [
        (Review::Weekly, "weekly"),
        (Review::Monthly, "monthly"),
        (Review::Quarterly, "quarterly"),
        (Review::Annual, "annual"),
    ] {
        let md = report(&charter, &data, review, at(), Format::Md).unwrap();
        golden(&format!("{name}.md"), &md);
        let json: serde_json::Value =
            serde_json::from_str(&report(&charter, &data, review, at(), Format::Json).unwrap())
                .unwrap();
        assert_eq!(json["report"], name);
        assert_eq!(json["at"], "2026-11-23");
    }
}

#[test]
fn the_demo_tells_its_stories() {
    let (_dir, charter, data) = demo();
    let md = report(&charter, &data, Review::Weekly, at(), Format::Md).unwrap();
    assert!(md.contains("LinkedIn Ads cost per SQL up"), "{md}");
    assert!(md.contains("Organic search traffic down"), "{md}");
    // The quarter in progress: Q4 to date, where the drift happens.
    let clock = Clock::end_of(&charter, at());
    let md = render(&charter, &data, Review::Quarterly, &clock, true, Format::Md).unwrap();
    assert!(
        md.contains("Lee Brennan has stopped opening the dashboards"),
        "{md}"
    );
    assert!(md.contains("Attribution Deep Dive (legacy)"), "{md}");
}

#[test]
fn check_on_the_demo_reports_real_breaches() {
    let (_dir, charter, data) = demo();
    let report = controls::run(&charter, &data, &Clock::end_of(&charter, at()));
    let status = |id: &str| {
        report
            .checks
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("{id}"))
            .status
    };
    // The streak of late monthly reviews pulls SLA compliance under 90%.
    assert_eq!(status("sla-on-time"), Status::Fail);
    assert_eq!(status("freshness-channels"), Status::Pass);
    assert_eq!(status("insight-to-action"), Status::NoData);
    assert!(report.failed());
    for c in &report.checks {
        assert!(c.value.is_some() || c.status == Status::NoData, "{c:?}");
    }
    // The JSON `rhythm check --json` prints: the SPEC's keys, the detail as a sentence.
    let json = rhythm::present::json::checks(&report).unwrap();
    for key in ["id", "name", "status", "value", "target", "detail"] {
        assert!(json["checks"][0].get(key).is_some(), "{key}");
    }
    assert!(
        json["checks"][0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("deliveries on time")),
        "{}",
        json["checks"][0]
    );
}

#[test]
fn the_annual_review_puts_modelled_roi_next_to_attributed_roas() {
    let (_dir, charter, data) = demo();
    let json: serde_json::Value =
        serde_json::from_str(&report(&charter, &data, Review::Annual, at(), Format::Json).unwrap())
            .unwrap();
    let review = &json["review"];
    assert_eq!(review["model_status"], "pass", "{review}");
    assert!(review["model_note"].as_str().unwrap().starts_with("mmm-1:"));
    for c in review["channels"].as_array().unwrap() {
        let paid = c["spend"].as_f64().unwrap() > 0.0;
        for key in ["modelled_roi", "marginal_roi", "saturation_weekly_spend"] {
            assert_eq!(c[key].is_f64(), paid, "{key} of {c}");
        }
    }
}

#[test]
fn the_weekly_and_monthly_reviews_carry_the_budget_plan() {
    let (_dir, charter, data) = demo();
    for review in [Review::Weekly, Review::Monthly] {
        let json: serde_json::Value =
            serde_json::from_str(&report(&charter, &data, review, at(), Format::Json).unwrap())
                .unwrap();
        let plan = &json["review"]["budget_plan"];
        assert_eq!(plan["horizon_weeks"], 13, "{plan}");
        assert!(plan["channels"].as_array().unwrap().len() >= 6);
        assert!(json["review"]["budget_plan_note"].is_null());
        let md = report(&charter, &data, review, at(), Format::Md).unwrap();
        assert!(md.contains("- Budget model, next 13 weeks: Invest"), "{md}");
    }
    // Without enough history there is no plan, and the report says why.
    let early = chrono::NaiveDate::from_ymd_opt(2025, 3, 3).unwrap();
    let md = report(&charter, &data, Review::Weekly, early, Format::Md).unwrap();
    assert!(
        md.contains("Budget model: no plan — too little data"),
        "{md}"
    );
}
