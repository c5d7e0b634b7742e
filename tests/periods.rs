//! One clock, honest periods: the cockpit shows the period `rhythm report` shows, with the
//! same figures; a missing week and a missing channel are said, never counted as zero.

mod common;

use std::path::Path;

use chrono::NaiveDate;
use rhythm::charter::Charter;
use rhythm::cli::report_cmd::{Format, render};
use rhythm::facts::Dataset;
use rhythm::rhythm::as_of::as_of;
use rhythm::rhythm::clock::{Clock, Review};
use rhythm::rhythm::controls;
use rhythm::tui::snapshot::{compute, compute_on};
use serde_json::Value;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// The sample, with the channel rows `drop` picks left out.
fn sample(charter: &Charter, dir: &Path, drop: impl Fn(&str) -> bool) -> Dataset {
    common::sample_store_where(charter, dir, |kind, line| kind != "channels" || !drop(line))
        .load_dataset(charter)
        .unwrap()
}

fn json(charter: &Charter, data: &Dataset, review: Review, at: NaiveDate) -> Value {
    let clock = Clock::end_of(charter, at);
    serde_json::from_str(&render(charter, data, review, &clock, false, Format::Json).unwrap())
        .unwrap()
}

fn markdown(charter: &Charter, data: &Dataset, review: Review, at: NaiveDate) -> String {
    let clock = Clock::end_of(charter, at);
    render(charter, data, review, &clock, false, Format::Md).unwrap()
}

/// `v` as the report's JSON text would read back (serde_json's float parsing is not
/// exact without its float_roundtrip feature: compare like with like).
fn as_read(v: Value) -> Value {
    serde_json::from_str(&serde_json::to_string_pretty(&v).unwrap()).unwrap()
}

/// The review as the report has it, without what only the report adds (the budget plan).
/// The cockpit's monthly review as `report monthly --format json` writes it: the review
/// and the cohort funnel the snapshot holds for its month.
fn monthly_with_funnel(snap: &rhythm::tui::snapshot::Snapshot) -> Value {
    let mut m = rhythm::present::json::monthly(&snap.reviews.as_ref().unwrap().monthly).unwrap();
    rhythm::present::json::with_funnel(&mut m, &snap.reviews.as_ref().unwrap().funnel).unwrap();
    m
}

fn review_of(report: &Value) -> Value {
    let mut r = report["review"].clone();
    if let Some(o) = r.as_object_mut() {
        o.remove("budget_plan");
        o.remove("budget_plan_note");
    }
    r
}

#[test]
fn the_cockpit_shows_the_period_and_figures_the_report_shows() {
    let charter = common::charter();
    let (_dir, data) = common::demo_dataset(&charter);
    let shared = std::sync::Arc::new(charter.clone());
    for at in [
        d(2026, 11, 23),
        d(2026, 10, 1),
        d(2026, 7, 15),
        d(2026, 1, 4),
    ] {
        let clock = Clock::end_of(&charter, at);
        let snap = compute(&shared, &data, &clock);
        let weekly = json(&charter, &data, Review::Weekly, at);
        assert_eq!(
            as_read(rhythm::present::json::weekly(&snap.weekly).unwrap()),
            review_of(&weekly),
            "weekly as of {at}"
        );
        let monthly = json(&charter, &data, Review::Monthly, at);
        assert_eq!(
            as_read(monthly_with_funnel(&snap)),
            review_of(&monthly),
            "monthly as of {at}"
        );
        let quarterly = json(&charter, &data, Review::Quarterly, at);
        assert_eq!(
            as_read(
                rhythm::present::json::quarterly(&snap.reviews.as_ref().unwrap().quarterly)
                    .unwrap()
            ),
            review_of(&quarterly),
            "quarterly as of {at}"
        );
        // The annual review's model figures come from the cockpit's fitter later; the
        // year and its KPIs are the snapshot's.
        let annual = json(&charter, &data, Review::Annual, at);
        let cockpit =
            as_read(rhythm::present::json::annual(&snap.reviews.as_ref().unwrap().annual).unwrap());
        for key in ["year", "until", "kpis", "charter_review"] {
            assert_eq!(
                cockpit[key], annual["review"][key],
                "annual {key} as of {at}"
            );
        }
        let check = controls::run(&charter, &as_of(&charter, &data, &clock), &clock);
        assert_eq!(
            rhythm::present::json::checks(&snap.reviews.as_ref().unwrap().checks).unwrap(),
            rhythm::present::json::checks(&check).unwrap(),
            "check as of {at}"
        );
        // The period each review covers, as the report's JSON states it.
        assert_eq!(weekly["period"]["first_day"], snap.weekly.week.to_string());
        assert_eq!(
            monthly["period"]["first_day"],
            snap.reviews.as_ref().unwrap().monthly.month.to_string()
        );
        assert_eq!(
            quarterly["period"]["first_day"],
            snap.reviews.as_ref().unwrap().quarterly.quarter.to_string()
        );
        assert_eq!(
            annual["period"]["first_day"],
            snap.reviews.as_ref().unwrap().annual.year.to_string()
        );
    }
}

#[test]
fn a_missing_week_is_no_data_and_its_month_is_judged_on_the_days_covered() {
    let charter = common::charter();
    let dir = tempfile::tempdir().unwrap();
    // The week of 2026-11-09 has no channel rows.
    let data = sample(&charter, dir.path(), |l| l.starts_with("2026-11-09,"));

    // Its own weekly review says no data, not zeros.
    let r = json(&charter, &data, Review::Weekly, d(2026, 11, 16));
    assert_eq!(r["review"]["has_data"], false);
    assert!(r["review"]["total"].is_null());
    let md = markdown(&charter, &data, Review::Weekly, d(2026, 11, 16));
    assert!(md.contains("No channel data for this week"), "{md}");
    assert!(!md.contains("| Pipeline | $0"), "{md}");

    // The next week's flash covers November's 22 days but only 15 of them have data:
    // it is judged against 15/30 of the goal, by hand from the sample's rows.
    let r = json(&charter, &data, Review::Weekly, d(2026, 11, 23));
    let flash = &r["review"]["flash"];
    assert_eq!(flash["days_gone"], 22);
    assert_eq!(flash["days_with_data"], 15);
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/channels.csv"),
    )
    .unwrap();
    let pipeline_of = |week: &str| -> f64 {
        text.lines()
            .filter(|l| l.starts_with(week))
            .map(|l| l.split(',').nth(6).unwrap().parse::<f64>().unwrap())
            .sum()
    };
    let plan =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/plan.csv"))
            .unwrap();
    let goal: f64 = plan
        .lines()
        .filter(|l| l.starts_with("2026-11,"))
        .map(|l| l.split(',').nth(3).unwrap().parse::<f64>().unwrap())
        .sum();
    // November 2026 starts on a Sunday: the week of 2026-10-26 holds its 1st.
    let mtd =
        pipeline_of("2026-10-26") / 7.0 + pipeline_of("2026-11-02") + pipeline_of("2026-11-16");
    let value = flash["month_to_date"]["value"].as_f64().unwrap();
    assert!((value - mtd).abs() < 0.01, "{value} vs {mtd}");
    let to_date = flash["goal_to_date"].as_f64().unwrap();
    assert!((to_date - goal * 15.0 / 30.0).abs() < 0.01, "{to_date}");
    assert!((flash["pacing"].as_f64().unwrap() - mtd / (goal * 15.0 / 30.0)).abs() < 1e-9);
    let md = markdown(&charter, &data, Review::Weekly, d(2026, 11, 23));
    assert!(md.contains("(15 of 30 days; 7 days without data)"), "{md}");
}

#[test]
fn a_missing_channel_is_named_and_the_total_compares_like_for_like() {
    let charter = common::charter();
    let dir = tempfile::tempdir().unwrap();
    // Webinars sent nothing for the week of 2026-11-16.
    let data = sample(&charter, dir.path(), |l| {
        l.starts_with("2026-11-16,webinars,")
    });
    let r = json(&charter, &data, Review::Weekly, d(2026, 11, 23));
    let review = &r["review"];
    assert_eq!(review["missing_channels"], serde_json::json!(["webinars"]));
    assert_eq!(review["channels_present"], 9);
    assert_eq!(review["channels_expected"], 10);
    let md = markdown(&charter, &data, Review::Weekly, d(2026, 11, 23));
    assert!(
        md.contains("Data for 9 of 10 channels: none this week for webinars"),
        "{md}"
    );
    // The total's week before is the same nine channels: no drop is read into the gap.
    let full_dir = tempfile::tempdir().unwrap();
    let full = sample(&charter, full_dir.path(), |_| false);
    let both = json(&charter, &full, Review::Weekly, d(2026, 11, 23));
    let webinars_before = both["review"]["snapshot"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["channel"] == "webinars")
        .unwrap()["previous_week"]["pipeline"]
        .as_f64()
        .unwrap();
    let total_before = |r: &Value| {
        r["review"]["total"]["previous_week"]["pipeline"]
            .as_f64()
            .unwrap()
    };
    assert!((total_before(&both) - total_before(&r) - webinars_before).abs() < 0.01);
}

#[test]
fn t_in_the_cockpit_shows_the_month_quarter_and_year_to_date() {
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let charter = common::charter();
    let (_dir, data) = common::demo_dataset(&charter);
    let shared = std::sync::Arc::new(charter.clone());
    let at = d(2026, 11, 23);
    let mut app = rhythm::tui::app::App::new("demo".into(), at);
    app.loaded(std::sync::Arc::new(compute(
        &shared,
        &data,
        &Clock::end_of(&charter, at),
    )));
    let shown = |app: &rhythm::tui::app::App| {
        let s = app.snapshot.as_ref().unwrap().reviews.as_ref().unwrap();
        (
            s.monthly.month,
            s.quarterly.quarter,
            s.annual.year,
            s.monthly.complete,
        )
    };
    assert_eq!(
        shown(&app),
        (d(2026, 10, 1), d(2026, 7, 1), d(2025, 1, 1), true)
    );
    // T asks the loader for the periods to date, which computes them so.
    let clock = Clock::end_of(&charter, at);
    let request = app.on_key(KeyEvent::new(KeyCode::Char('T'), KeyModifiers::SHIFT));
    assert!(matches!(request, Some(rhythm::tui::app::Request::ToDate(true, day)) if day == at));
    app.loaded(std::sync::Arc::new(compute_on(
        &shared, &data, &clock, true,
    )));
    assert_eq!(
        shown(&app),
        (d(2026, 11, 1), d(2026, 10, 1), d(2026, 1, 1), false)
    );
    // The month to date is the report's `--to-date`, figure for figure.
    let report: Value = serde_json::from_str(
        &render(&charter, &data, Review::Monthly, &clock, true, Format::Json).unwrap(),
    )
    .unwrap();
    let s = app.snapshot.as_ref().unwrap();
    assert_eq!(as_read(monthly_with_funnel(s)), review_of(&report));
    // T again goes back.
    let request = app.on_key(KeyEvent::new(KeyCode::Char('T'), KeyModifiers::SHIFT));
    assert!(matches!(
        request,
        Some(rhythm::tui::app::Request::ToDate(false, _))
    ));
}

#[test]
fn the_cockpits_annual_model_is_the_reports() {
    // The cockpit's fitter fits `allocation::for_week` for the reviewed week; the annual
    // view adds that model to the snapshot's review. The report does the same fit.
    let charter = common::charter();
    let (_dir, data) = common::demo_dataset(&charter);
    let at = d(2026, 11, 23);
    let clock = Clock::end_of(&charter, at);
    let snap = compute(&std::sync::Arc::new(charter.clone()), &data, &clock);
    let seen = as_of(&charter, &data, &clock);
    let plan =
        rhythm::rhythm::allocation::for_week(&charter, &seen, snap.weekly.week, &mut |_| true)
            .unwrap();
    let cockpit = rhythm::rhythm::annual::with_model(
        &charter,
        snap.reviews.as_ref().unwrap().annual.clone(),
        Ok(&plan.overview),
    );
    let report = json(&charter, &data, Review::Annual, at);
    assert_eq!(
        as_read(rhythm::present::json::annual(&cockpit).unwrap()),
        review_of(&report)
    );
    assert_eq!(report["review"]["model_status"], "pass");
}

/// A channel column of the sample's rows, summed over `from..to` with each week split by
/// its days inside: the report's figure recomputed from the CSV.
fn by_hand(column: usize, from: NaiveDate, to: NaiveDate, channel: Option<&str>) -> f64 {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample/channels.csv"),
    )
    .unwrap();
    text.lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|c| channel.is_none_or(|ch| c[1] == ch))
        .map(|c| {
            let week = NaiveDate::parse_from_str(c[0], "%Y-%m-%d").unwrap();
            let end = week + chrono::Duration::days(7);
            let days = (end.min(to) - week.max(from)).num_days().max(0) as f64;
            c[column].parse::<f64>().unwrap() * days / 7.0
        })
        .sum()
}

#[test]
fn channel_mix_shares_add_to_one_hundred_percent() {
    let charter = common::charter();
    let (_dir, data) = common::demo_dataset(&charter);
    // November 2026 starts on a Sunday and October 2026 ends on a Saturday: both months
    // have weeks that straddle them.
    for at in [d(2026, 12, 1), d(2026, 11, 1), d(2026, 3, 1)] {
        let r = json(&charter, &data, Review::Monthly, at);
        let mix = r["review"]["executive"]["channel_mix"].as_array().unwrap();
        let total: f64 = mix
            .iter()
            .map(|m| m["actual_share"].as_f64().unwrap())
            .sum();
        assert!((total - 1.0).abs() < 1e-9, "{at}: shares add to {total}");
        // Each share by hand: the channel's day-split spend over the month's.
        let from =
            NaiveDate::parse_from_str(r["period"]["first_day"].as_str().unwrap(), "%Y-%m-%d")
                .unwrap();
        let to = NaiveDate::parse_from_str(r["period"]["last_day"].as_str().unwrap(), "%Y-%m-%d")
            .unwrap()
            + chrono::Duration::days(1);
        let month = by_hand(2, from, to, None);
        for m in mix {
            let share = by_hand(2, from, to, Some(m["channel"].as_str().unwrap())) / month;
            assert!(
                (m["actual_share"].as_f64().unwrap() - share).abs() < 1e-9,
                "{m}"
            );
        }
    }
}

#[test]
fn year_over_year_compares_the_same_days_of_both_years() {
    let charter = common::charter();
    let dir = tempfile::tempdir().unwrap();
    // The week of 2026-11-16 has not come in: this year's data stops on the 15th.
    let data = sample(&charter, dir.path(), |l| l.starts_with("2026-11-16,"));
    let clock = Clock::end_of(&charter, d(2026, 11, 23));
    let r: Value = serde_json::from_str(
        &render(&charter, &data, Review::Annual, &clock, true, Format::Json).unwrap(),
    )
    .unwrap();
    let review = &r["review"];
    assert_eq!(review["until"], "2026-11-16");
    assert_eq!(review["days"], 319);
    let pipeline = review["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kpi"] == "pipeline")
        .unwrap()
        .clone();
    let this = by_hand(6, d(2026, 1, 1), d(2026, 11, 16), None);
    let last = by_hand(6, d(2025, 1, 1), d(2025, 11, 16), None);
    assert!(
        (pipeline["this_year"].as_f64().unwrap() - this).abs() < 0.01,
        "{pipeline}"
    );
    assert!(
        (pipeline["last_year"].as_f64().unwrap() - last).abs() < 0.01,
        "{pipeline}"
    );
    assert!((pipeline["change"].as_f64().unwrap() - (this / last - 1.0)).abs() < 1e-9);
}
