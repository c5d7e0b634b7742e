//! The funnel through the CLI: native lead and opportunity CSVs imported into a fresh
//! workspace, then `report monthly --format json` and Markdown and `check` read them.

mod common;

use std::fmt::Write;

use common::cli::{describe, rhythm_in};
use common::workspace::charter_workspace;
use serde_json::Value;

/// March 2026: ten paid-search leads from Germany, lead i MQL i days after creation
/// (i ≤ 8) and SQL 3·i days after (i ≤ 6), the first five answered in 2 minutes and the
/// rest in 2 hours; two organic leads; six paid-search opportunities, five won after 10 to
/// 50 days. Plus a lead created after the report's clock, which must count nowhere.
fn files(dir: &std::path::Path) -> (String, String) {
    let mut leads = String::from("id,created,source,mql_at,sql_at,geo,first_response_at\n");
    let at = |day: u32, hour: u32, min: u32| format!("2026-03-{day:02}T{hour:02}:{min:02}:00Z");
    let later = |days: u32| at(2 + days, 12, 0);
    for i in 1..=10u32 {
        let mql = if i <= 8 { later(i) } else { String::new() };
        let sql = if i <= 6 { later(3 * i) } else { String::new() };
        let response = if i <= 5 { at(2, 12, 2) } else { at(2, 14, 0) };
        let _ = writeln!(
            leads,
            "L{i},{},Paid Search,{mql},{sql},DE,{response}",
            at(2, 12, 0)
        );
    }
    leads.push_str("L11,2026-03-20T09:00:00Z,organic,,,,\n");
    leads.push_str("L12,2026-03-21T09:00:00Z,organic,,,,\n");
    leads.push_str("L99,2026-05-02T09:00:00Z,Paid Search,2026-05-03T09:00:00Z,,DE,\n");
    let mut opps = String::from("id,created,amount,source,stage,close_date,won,type,geo\n");
    for (i, days) in [10, 20, 30, 40, 50].iter().enumerate() {
        let close =
            chrono::NaiveDate::from_ymd_opt(2026, 3, 3).unwrap() + chrono::Duration::days(*days);
        let _ = writeln!(
            opps,
            "O{i},2026-03-03T00:00:00Z,1000,Paid Search,Closed Won,{close},true,new business,DE"
        );
    }
    opps.push_str("O9,2026-03-03T00:00:00Z,1000,Paid Search,Proposal,,,new business,DE\n");
    let (l, o) = (dir.join("leads.csv"), dir.join("opportunities.csv"));
    std::fs::write(&l, leads).unwrap();
    std::fs::write(&o, opps).unwrap();
    (l.display().to_string(), o.display().to_string())
}

fn workspace() -> tempfile::TempDir {
    let ws = charter_workspace();
    let (leads, opps) = files(ws.path());
    for (kind, file) in [("leads", leads), ("opportunities", opps)] {
        let out = rhythm_in(ws.path(), &["import", kind, &file]);
        assert!(out.status.success(), "{kind}: {}", describe(&out));
    }
    ws
}

#[test]
fn report_monthly_carries_the_cohort_funnel() {
    let ws = workspace();
    let out = rhythm_in(
        ws.path(),
        &[
            "report",
            "monthly",
            "--at",
            "2026-04-29",
            "--format",
            "json",
        ],
    );
    assert!(out.status.success(), "{}", describe(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    // As of the 29th: the opportunity won on 22 April has closed (as of the 15th it was open).
    let f = &v["review"]["cohort_funnel"];
    assert_eq!(f["month"], "2026-03-01");
    assert_eq!(f["overall"]["maturity"], "maturing");
    assert_eq!(
        f["overall"]["stages"]["leads"], 12,
        "L99 is after the clock"
    );
    let paid = f["by_channel"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "paid-search")
        .unwrap_or_else(|| panic!("{f}"));
    let s = &paid["stages"];
    assert_eq!(
        (
            &s["leads"],
            &s["mqls"],
            &s["sqls"],
            &s["opportunities"],
            &s["won"]
        ),
        (&10.into(), &8.into(), &6.into(), &6.into(), &5.into())
    );
    assert_eq!(s["lead_to_mql"], 0.8);
    assert_eq!(s["mql_to_sql"], 0.75);
    assert_eq!(s["opportunity_to_won"].as_f64().unwrap(), 5.0 / 6.0);
    // Lead→MQL 1..=8 days: median 4.5, p80 6.6; opportunity→won 10..=50: 30 and 42.
    assert_eq!(s["lead_to_mql_days"]["median_days"], 4.5);
    assert!((s["lead_to_mql_days"]["p80_days"].as_f64().unwrap() - 6.6).abs() < 1e-9);
    assert_eq!(s["opportunity_to_won_days"]["p80_days"], 42.0);
    // Two organic leads are too few for a rate: null, not 0.
    let organic = f["by_channel"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "organic")
        .unwrap();
    assert_eq!(organic["stages"]["leads"], 2);
    assert!(organic["stages"]["lead_to_mql"].is_null());
    // The SLA over March: 5 of the 10 paid-search leads answered within 5 minutes (the
    // organic two have no first response and count as missed).
    let sla = &f["response"]["sla"];
    assert_eq!((&sla["judged"], &sla["within"]), (&12.into(), &5.into()));
    assert!(sla["sentence"].as_str().unwrap().contains("within 5 min"));

    let out = rhythm_in(
        ws.path(),
        &["report", "monthly", "--at", "2026-04-29", "--format", "md"],
    );
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("## Funnel by cohort — leads created in March 2026"),
        "{md}"
    );
    assert!(
        md.contains("| paid-search | 10 | 8 | 6 | 6 | 5 | 80.0% | 75.0% | 100.0% | 83.3% |"),
        "{md}"
    );
}

#[test]
fn check_judges_the_lead_response_sla() {
    let ws = workspace();
    let out = rhythm_in(ws.path(), &["check", "--at", "2026-03-31", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "lead-response")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(c["status"], "fail");
    assert_eq!(c["value"].as_f64().unwrap(), 5.0 / 12.0);
    // Before any lead exists there is nothing to judge: no data, not a pass.
    let out = rhythm_in(ws.path(), &["check", "--at", "2026-02-27", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let c = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "lead-response")
        .unwrap();
    assert_eq!(c["status"], "no_data");
    assert!(c["detail"].as_str().unwrap().starts_with("no data"), "{c}");
}
