//! The real binary, end to end: demo -> import -> re-import -> a bad file.

mod common;

use std::path::Path;
use std::process::Output;

use common::cli::{rhythm, text};
use common::store::{db_path, open_db};
use common::workspace::{
    charter_workspace, demo_workspace, install_charter, install_edited_charter, run_demo,
};

fn counts(db: &Path) -> (i64, i64, i64) {
    let conn = open_db(db);
    let q = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    (
        q("SELECT COUNT(*) FROM channel_week"),
        q("SELECT COUNT(*) FROM usage_event"),
        q("SELECT COUNT(*) FROM import_log"),
    )
}

#[test]
fn demo_then_import_then_reimport_then_a_bad_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let dir_s = dir.to_str().unwrap();

    let out = run_demo(&dir);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    for kind in [
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
    ] {
        assert!(
            stdout.contains(&format!("rows of {kind}")),
            "{kind} missing in:\n{stdout}"
        );
    }
    let db = db_path(&dir);
    let (channel_rows, usage_rows, imports) = counts(&db);
    assert!(channel_rows >= 8 * 104, "{channel_rows}");
    assert!(usage_rows > 1000);
    assert_eq!(imports, 10);

    // Re-importing the same file changes nothing.
    let sample = dir.join("data/sample/channels.csv");
    let out = rhythm(&[
        "--workspace",
        dir_s,
        "import",
        "channels",
        sample.to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains(&format!(
            "{channel_rows} rows of channels — 0 new, 0 updated, {channel_rows} unchanged"
        )),
        "{stdout}"
    );

    // Rebuilding the demo is idempotent too.
    let out = run_demo(&dir);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(counts(&db).0, channel_rows);

    // A bad file: exit 2, every bad row located, nothing written.
    let before = counts(&db);
    let bad = tmp.path().join("bad.csv");
    std::fs::write(
        &bad,
        "week,channel,spend,leads,mqls,sqls,pipeline\n2030-01-06,linkedin,100,1,1,1,1\n2030-01-06,events,$100,1,1,1,1\n2030-01-06,abm,100,1,1,-1,1\n",
    )
    .unwrap();
    let out = rhythm(&[
        "--workspace",
        dir_s,
        "import",
        "channels",
        bad.to_str().unwrap(),
    ]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("2 bad rows; nothing was imported"),
        "{stderr}"
    );
    assert!(
        stderr.contains("line 3, column 3 (spend): \"$100\": money is a plain decimal"),
        "{stderr}"
    );
    assert!(stderr.contains("line 4, column 6 (sqls)"), "{stderr}");
    assert_eq!(counts(&db), before);
}

#[test]
fn charter_check_validates_and_locates_errors() {
    let tmp = charter_workspace();
    let charter = tmp.path().join("charter/partnership.toml");
    let good = std::fs::read_to_string(&charter).unwrap();
    let ws = tmp.path().to_str().unwrap();

    let out = rhythm(&["--workspace", ws, "charter", "check"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out).0.contains("valid"));

    let out = rhythm(&["--workspace", ws, "charter", "show"]);
    let (stdout, _) = text(&out);
    assert!(
        stdout.contains("KPI dictionary")
            && stdout.contains("Escalation path")
            && stdout.contains("RACI")
    );

    std::fs::write(
        &charter,
        good.replacen("grace_hours = 4", "grace_hours = -4", 1),
    )
    .unwrap();
    let out = rhythm(&["--workspace", ws, "charter", "check"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2));
    let line = good[..good.find("grace_hours = 4").unwrap()]
        .matches('\n')
        .count()
        + 1;
    assert!(
        stderr.contains(&format!(
            "partnership.toml:{line}:15: deliverable 'campaign-snapshot': grace_hours = -4"
        )),
        "{stderr}"
    );
}

#[test]
fn bad_usage_exits_2() {
    let out = rhythm(&["import", "sales", "x.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("unknown kind 'sales'"));
    let tmp = tempfile::tempdir().unwrap();
    let out = rhythm(&[
        "--workspace",
        tmp.path().to_str().unwrap(),
        "charter",
        "check",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("no charter here"));
}

#[test]
fn check_exits_1_on_a_breach_and_0_on_an_empty_workspace() {
    let (tmp, dir) = demo_workspace();
    let dir_s = dir.to_str().unwrap();

    let out = rhythm(&["--workspace", dir_s, "check", "--at", "2026-11-23"]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL SLA on-time delivery"), "{stdout}");

    let out = rhythm(&[
        "--workspace",
        dir_s,
        "check",
        "--at",
        "2026-11-23",
        "--json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["at"], "2026-11-23");
    assert!(json["checks"].as_array().unwrap().len() >= 10);

    let out = rhythm(&["--workspace", dir_s, "check", "--at", "23/11/2026"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("YYYY-MM-DD"));

    let empty = tmp.path().join("empty");
    install_charter(&empty);
    let out = rhythm(&["--workspace", empty.to_str().unwrap(), "check"]);
    assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    assert!(text(&out).0.contains("0 failed"));
    for review in ["weekly", "monthly", "quarterly", "annual"] {
        let out = rhythm(&["--workspace", empty.to_str().unwrap(), "report", review]);
        assert_eq!(out.status.code(), Some(0));
        assert!(text(&out).0.contains("no data"), "{review}");
    }
}

#[test]
fn deliver_records_a_delivery_and_judges_it() {
    let tmp = charter_workspace();
    let ws = tmp.path();
    let ws_s = ws.to_str().unwrap();
    // November 2026's BD3 is Wednesday the 4th, due 17:00, 24 h grace.
    let out = rhythm(&[
        "--workspace",
        ws_s,
        "deliver",
        "performance-review",
        "--period",
        "2026-11-01",
        "--at",
        "2026-11-06T09:00:00Z",
    ]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains(
            "Recorded Marketing performance review for the monthly period starting 2026-11-01"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("late by 40 h"), "{stdout}");
    let out = rhythm(&[
        "--workspace",
        ws_s,
        "deliver",
        "performance-review",
        "--period",
        "2026-11-20",
        "--at",
        "2026-11-04T12:00:00Z",
    ]);
    assert!(
        text(&out).0.contains("Corrected") && text(&out).0.contains("on time"),
        "{:?}",
        text(&out)
    );

    let out = rhythm(&["--workspace", ws_s, "deliver", "weekly-magic"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("not a deliverable of the charter"));
}

#[test]
fn a_saved_recommendation_feeds_the_budget_checks_once_its_horizon_has_data() {
    let (_tmp, dir) = demo_workspace();
    let d = dir.to_str().unwrap();
    let ids = [
        "forecast-accuracy",
        "allocation-variance",
        "budget-backtest",
    ];
    let checks =
        |out: Output| -> serde_json::Value { serde_json::from_slice(&out.stdout).unwrap() };
    let before = checks(rhythm(&[
        "--workspace",
        d,
        "check",
        "--at",
        "2026-11-23",
        "--json",
    ]));
    for id in ids {
        let c = before["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap();
        assert_eq!(c["status"], "no_data", "{id}");
        assert!(c["value"].is_null());
    }
    let out = rhythm(&[
        "--workspace",
        d,
        "recommend",
        "--save",
        "--as-of",
        "2026-08-17",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = checks(rhythm(&[
        "--workspace",
        d,
        "check",
        "--at",
        "2026-11-23",
        "--json",
    ]));
    for id in ids {
        let c = after["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == id)
            .unwrap();
        assert_ne!(c["status"], "no_data", "{id}: {c}");
        assert!(c["value"].is_number(), "{id}");
    }
    let md = String::from_utf8(
        rhythm(&[
            "--workspace",
            d,
            "report",
            "quarterly",
            "--at",
            "2026-11-23",
            "--to-date",
        ])
        .stdout,
    )
    .unwrap();
    assert!(md.contains("recommendation #1"), "{md}");
}

#[test]
fn imports_refuse_unknown_channels_and_numbers_past_the_cap() {
    let tmp = charter_workspace();
    let ws = tmp.path();
    let bad = ws.join("channels.csv");
    std::fs::write(
        &bad,
        "week,channel,spend,leads,mqls,sqls,pipeline\n\
         2030-01-06,linkedin,100,1,1,1,1\n\
         2030-01-06,Paid Serch,100,1,1,1,1\n\
         2030-01-06,events,1.7976931348623157e308,1,1,1,1\n",
    )
    .unwrap();
    let out = common::cli::rhythm_in(ws, &["import", "channels", bad.to_str().unwrap()]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("2 bad rows; nothing was imported"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "line 3, column 2 (channel): \"Paid Serch\": unknown channel: the charter lists paid-search, linkedin,"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("closest: paid-search"), "{stderr}");
    assert!(
        stderr.contains("line 4, column 3 (spend): \"1.7976931348623157e308\": is out of range: money is from 0 to 1e15"),
        "{stderr}"
    );

    // With the charter's opt-in the new channel is imported, and the summary names it.
    install_edited_charter(ws, |c| {
        c.replacen(
            "accept_new_channels = false",
            "accept_new_channels = true",
            1,
        )
    });
    std::fs::write(
        &bad,
        "week,channel,spend,leads,mqls,sqls,pipeline\n2030-01-06,Podcasts,100,1,1,1,1\n",
    )
    .unwrap();
    let out = common::cli::rhythm_in(ws, &["import", "channels", bad.to_str().unwrap()]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains("added 1 channel the charter does not list ([definitions] accept_new_channels = true): Podcasts"),
        "{stdout}"
    );
}

#[test]
fn recommend_scenario_compares_a_saved_scenario_with_the_recommendation() {
    let (_tmp, dir) = demo_workspace();
    let d = dir.to_str().unwrap();
    let out = rhythm(&["--workspace", d, "recommend", "--scenario", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out)
            .1
            .contains("no scenario named 'nope': none is saved yet"),
        "{}",
        text(&out).1
    );

    // The recommendation the cockpit shows for the week of 2026-11-16, and a scenario
    // played on it: its first channel up a fifth, the others as recommended.
    let out = rhythm(&[
        "--workspace",
        d,
        "recommend",
        "--as-of",
        "2026-11-22",
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out).1);
    let rec: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let channels = rec["channels"].as_array().unwrap();
    let first = channels[0]["recommended_spend"].as_f64().unwrap() * 1.2;
    let week = chrono::NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let scenario = rhythm::facts::SavedScenario {
        name: "more <events>".into(),
        week,
        horizon_weeks: rec["horizon_weeks"].as_u64().unwrap() as u32,
        mode: "change-total".into(),
        saved_at: week.and_hms_opt(12, 0, 0).unwrap(),
        channels: channels
            .iter()
            .enumerate()
            .map(|(i, c)| rhythm::facts::ScenarioChannel {
                channel: c["channel"].as_str().unwrap().into(),
                spend: if i == 0 {
                    first
                } else {
                    c["recommended_spend"].as_f64().unwrap()
                },
                held: i == 0,
            })
            .collect(),
    };
    rhythm::store::Store::open(&db_path(&dir))
        .unwrap()
        .save_scenario(&scenario)
        .unwrap();

    // Listed, in words and in JSON, as saved.
    let out = rhythm(&["--workspace", d, "recommend", "--scenarios"]);
    let listed = text(&out).0;
    assert!(out.status.success(), "{}", text(&out).1);
    assert!(
        listed.starts_with("'more <events>' — week of 2026-11-16, next "),
        "{listed}"
    );
    let out = rhythm(&["--workspace", d, "recommend", "--scenarios", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["name"], "more <events>");
    assert_eq!(
        list[0]["channels"].as_array().unwrap().len(),
        scenario.channels.len()
    );

    let out = rhythm(&[
        "--workspace",
        d,
        "recommend",
        "--scenario",
        "more <events>",
        "--json",
    ]);
    assert!(out.status.success(), "{}", text(&out).1);
    let cmp: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cmp["name"], "more <events>");
    assert_eq!(cmp["week"], "2026-11-16");
    let close = |a: &serde_json::Value, b: &serde_json::Value| {
        (a.as_f64().unwrap() - b.as_f64().unwrap()).abs()
            < 1e-6 * b.as_f64().unwrap().abs().max(1.0)
    };
    assert!(close(
        &cmp["expected_pipeline_recommended"],
        &rec["expected_pipeline_recommended"]
    ));
    let per = cmp["channels"].as_array().unwrap();
    assert_eq!(per.len(), channels.len());
    for (i, (c, r)) in per.iter().zip(channels).enumerate() {
        assert_eq!(c["channel"], r["channel"]);
        assert!(
            close(&c["recommended_spend"], &r["recommended_spend"]),
            "{c} vs {r}"
        );
        assert!(close(
            &c["expected_pipeline_recommended"],
            &r["expected_pipeline_recommended"]
        ));
        if i == 0 {
            assert!((c["scenario_spend"].as_f64().unwrap() - first).abs() < 1e-6);
            assert_eq!(c["held"], true);
            assert!(
                c["expected_pipeline_scenario"].as_f64().unwrap()
                    > r["expected_pipeline_recommended"].as_f64().unwrap(),
                "more spend, more expected pipeline: {c}"
            );
        } else {
            assert!(close(&c["scenario_spend"], &r["recommended_spend"]));
            assert!(close(
                &c["expected_pipeline_scenario"],
                &r["expected_pipeline_recommended"]
            ));
        }
    }
    let sum: f64 = per
        .iter()
        .map(|c| {
            c["expected_pipeline_scenario"].as_f64().unwrap()
                - c["expected_pipeline_recommended"].as_f64().unwrap()
        })
        .sum();
    let total = cmp["expected_pipeline_scenario"].as_f64().unwrap()
        - cmp["expected_pipeline_recommended"].as_f64().unwrap();
    assert!(
        (sum - total).abs() < 1e-3 * total.abs().max(1.0),
        "{sum} vs {total}"
    );

    // In words: both pipelines, per channel, the name as typed.
    let out = rhythm(&["--workspace", d, "recommend", "--scenario", "more <events>"]);
    let (stdout, _) = text(&out);
    assert!(
        stdout.starts_with("Scenario 'more <events>' (saved for the week of 2026-11-16)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("scenario pipeline") && stdout.contains("(moved)"),
        "{stdout}"
    );
    let out = rhythm(&["--workspace", d, "recommend", "--scenario", "x"]);
    assert!(
        text(&out).1.contains("the saved ones are 'more <events>'"),
        "{}",
        text(&out).1
    );
}
