//! No look-ahead, proved by a metamorphic test: a store built from all of the shipped
//! sample and one built from only what existed by the end of day D give the same JSON for
//! every report kind and for `rhythm check`, at many dates D.
//!
//! "What existed by D" is cut here from the raw CSV lines, by a second, simple path that
//! does not use `rhythm::as_of`: events (deliveries, usage, NPS) dated on or before D;
//! weekly rows (channels, reconciliation) whose week ended by D; KPI values whose period
//! ended by D; plan months begun by D; the funnel's records as they stood at D (a lead
//! without the stages it crossed later, a deal that closed later still open, spend of
//! the days over). Both stores also hold a review session's records,
//! written the way the session writes them: an insight shown, an action on it done
//! weeks later, a dispute resolved weeks later — in the second store only as far as
//! they had got by D.

mod common;

use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate};
use rhythm::charter::{Cadence, Charter};
use rhythm::cli::report_cmd::{Format, render};
use rhythm::rhythm::as_of::as_of;
use rhythm::rhythm::clock::{Clock, Review};
use rhythm::rhythm::controls;
use rhythm::store::Store;

fn date(text: &str) -> NaiveDate {
    let day = &text[..text.len().min(10)];
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&format!("{day}-01"), "%Y-%m-%d"))
        .unwrap_or_else(|_| panic!("not a date: {text}"))
}

fn next_period(cadence: Cadence, start: NaiveDate) -> NaiveDate {
    let months = match cadence {
        Cadence::Weekly => return start + Duration::days(7),
        Cadence::Monthly => 1,
        Cadence::Quarterly => 3,
        Cadence::Annual => 12,
    };
    let m = start.year() * 12 + start.month0() as i32 + months;
    NaiveDate::from_ymd_opt(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1).unwrap()
}

/// Whether a sample row of `kind` existed by the end of day `d`.
fn existed(charter: &Charter, kind: &str, cells: &[&str], d: NaiveDate) -> bool {
    // The end of day D ends a period whose last day is D.
    let over = |end: NaiveDate| end <= d + Duration::days(1);
    let week_over = |w: &str| over(date(w) + Duration::days(7));
    match kind {
        "channels" | "reconciliation" => week_over(cells[0]),
        "kpis" => {
            let cadence = charter.kpi(cells[0]).unwrap().cadence;
            over(next_period(cadence, date(cells[1])))
        }
        "plan" => date(cells[0]) <= d,
        "deliveries" => date(cells[2]) <= d,
        "usage" | "nps" => date(cells[0]) <= d,
        other => panic!("no rule for {other}"),
    }
}

/// A funnel record's line as it stood at the end of `d`, if it existed: a lead created
/// by then, without the stages it crossed later; an opportunity created by then, open
/// (no outcome, stage "open") if it closed later; a day of spend over by then.
fn record_then(kind: &str, line: &str, d: NaiveDate) -> Option<String> {
    let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
    let later = |cell: &str| !cell.is_empty() && date(cell) > d;
    match kind {
        "leads" => {
            if later(&cells[1]) {
                return None;
            }
            // mql_at, sql_at, first_response_at
            for i in [3, 4, 7] {
                if later(&cells[i]) {
                    cells[i].clear();
                }
            }
        }
        "opportunities" => {
            if later(&cells[1]) {
                return None;
            }
            // close_date 5, won 6, stage 4
            if later(&cells[5]) && !cells[6].is_empty() {
                cells[6].clear();
                cells[4] = "open".into();
            }
        }
        "spend" => {
            if later(&cells[0]) {
                return None;
            }
        }
        other => panic!("no record rule for {other}"),
    }
    Some(cells.join(","))
}

const KINDS: [&str; 10] = [
    "channels",
    "kpis",
    "plan",
    "deliveries",
    "usage",
    "nps",
    "reconciliation",
    "leads",
    "opportunities",
    "spend",
];

/// A store of the sample as it stood at the end of `d` (`None`: all of it).
fn store(charter: &Charter, dir: &Path, d: Option<NaiveDate>) -> Store {
    // The sample has no quoted commas before the date columns the rules read.
    let store = common::sample_store_mapped(charter, dir, &KINDS, |kind, line| match d {
        None => Some(line.to_string()),
        Some(d) if matches!(kind, "leads" | "opportunities" | "spend") => {
            record_then(kind, line, d)
        }
        Some(d) => existed(charter, kind, &line.split(',').collect::<Vec<_>>(), d)
            .then(|| line.to_string()),
    });
    session(&store, d);
    store
}

fn at(text: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
}

/// The session's records as they stood at the end of `d` (`None`: as they are now).
fn session(store: &Store, d: Option<NaiveDate>) {
    let by = |t: &str| d.is_none_or(|d| at(t).date() <= d);
    let week = date("2026-09-07");
    if !by("2026-09-14 09:05") {
        return;
    }
    let insight = store
        .record_insight(
            week,
            "alert",
            "alert:cac_spike:linkedin",
            "LinkedIn CAC up",
            at("2026-09-14 09:05"),
        )
        .unwrap();
    let action = store
        .add_action(
            "Cut Tier 3 bids",
            "jordan",
            date("2026-09-21"),
            Some(insight),
            Some(week),
            None,
            at("2026-09-14 09:10"),
        )
        .unwrap();
    let dispute = store
        .open_dispute(
            &rhythm::store::NewDispute {
                metric: "mqls",
                period: week,
                figure_a: 118.0,
                source_a: "HubSpot",
                figure_b: 109.0,
                source_b: "Salesforce",
                raised_by: "sam",
                week: Some(week),
            },
            at("2026-09-14 09:15"),
        )
        .unwrap();
    if by("2026-10-20 12:00") {
        store.action_done(action, at("2026-10-20 12:00")).unwrap();
    }
    if by("2026-10-25 12:00") {
        store
            .resolve_dispute(
                dispute,
                "HubSpot counted test leads",
                at("2026-10-25 12:00"),
            )
            .unwrap();
    }
}

/// Every report (each review's default period and its period to date) and the checks
/// as of the end of `d`, as JSON text.
fn documents(charter: &Charter, data: &rhythm::facts::Dataset, d: NaiveDate) -> Vec<String> {
    let clock = Clock::end_of(charter, d);
    let mut out = Vec::new();
    for review in Review::ALL {
        for to_date in [false, true] {
            if to_date && review == Review::Weekly {
                continue;
            }
            out.push(render(charter, data, review, &clock, to_date, Format::Json).unwrap());
        }
    }
    let checks = controls::run(charter, &as_of(charter, data, &clock), &clock);
    out.push(
        serde_json::to_string_pretty(&rhythm::present::json::checks(&checks).unwrap()).unwrap(),
    );
    out
}

fn first_difference(a: &str, b: &str) -> String {
    let line = a
        .lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or(0);
    format!(
        "line {}:\n  all data:      {:?}\n  data by then:  {:?}",
        line + 1,
        a.lines().nth(line).unwrap_or(""),
        b.lines().nth(line).unwrap_or("")
    )
}

#[test]
fn no_figure_as_of_d_changes_when_data_after_d_is_added() {
    let charter = common::charter();
    let all_dir = tempfile::tempdir().unwrap();
    let all = store(&charter, all_dir.path(), None)
        .load_dataset(&charter)
        .unwrap();
    // Mid-week, month ends and starts, quarter and year boundaries, a Sunday, the day
    // after the history ends.
    let dates = [
        "2025-03-05",
        "2025-06-30",
        "2025-10-01",
        "2025-12-31",
        "2026-01-01",
        "2026-03-29",
        "2026-08-17",
        "2026-10-01",
        "2026-11-11",
        "2026-11-23",
    ];
    std::thread::scope(|scope| {
        let handles: Vec<_> = dates
            .iter()
            .map(|text| {
                let (charter, all) = (&charter, &all);
                scope.spawn(move || {
                    let d = date(text);
                    let dir = tempfile::tempdir().unwrap();
                    let then = store(charter, dir.path(), Some(d))
                        .load_dataset(charter)
                        .unwrap();
                    let kinds = [
                        "weekly",
                        "monthly",
                        "monthly to date",
                        "quarterly",
                        "quarterly to date",
                        "annual",
                        "annual to date",
                        "check",
                    ];
                    let pairs = documents(charter, all, d)
                        .into_iter()
                        .zip(documents(charter, &then, d));
                    for ((a, b), kind) in pairs.zip(kinds) {
                        assert!(
                            a == b,
                            "{kind} as of {d} moved with later data, {}",
                            first_difference(&a, &b)
                        );
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
    });
}
