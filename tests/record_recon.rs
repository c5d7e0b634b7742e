//! Issue 16 items 6 and 7 through the real binary: leads of the MAP and the CRM imported
//! from native-column CSVs (`system`, `email`), `rhythm check` reconciling them record by
//! record and judging their data quality, with its exit code (SPEC: 1 when a check
//! failed), and the quarterly report's revenue metrics from won opportunities.

mod common;

use common::cli::{describe, rhythm_in, text};
use common::workspace::charter_workspace;

const AT: &str = "2026-11-29";

/// A day after the fourth quarter of 2026: the quarterly report reviews that quarter.
const QUARTER_OVER: &str = "2027-01-05";

/// Native `leads` columns (src/ingest/kinds.rs). The shipped charter's MAP is hubspot and
/// its CRM salesforce; "Google Ads" is a paid-search lead source.
const HEADER: &str = "id,created,source,mql_at,sql_at,system,email\n";

fn import(ws: &std::path::Path, kind: &str, name: &str, body: &str) {
    let file = ws.join(name);
    std::fs::write(&file, body).unwrap();
    let out = rhythm_in(ws, &["import", kind, file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
}

fn check(ws: &std::path::Path) -> (Option<i32>, String, serde_json::Value) {
    let out = rhythm_in(ws, &["check", "--at", AT]);
    let (stdout, _) = text(&out);
    let json = rhythm_in(ws, &["check", "--at", AT, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("check --json");
    (out.status.code(), stdout, v)
}

fn find<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id} in {v}"))
}

#[test]
fn check_names_the_records_missing_on_either_side_and_the_stage_dates_that_disagree() {
    let ws = charter_workspace();
    let ws = ws.path();
    import(
        ws,
        "leads",
        "hubspot.csv",
        &format!(
            "{HEADER}\
             hubspot:1,2026-11-03T09:00:00,Google Ads,2026-11-04T09:00:00,,hubspot,a@example.com\n\
             hubspot:2,2026-11-05T09:00:00,Google Ads,2026-11-06T09:00:00,,hubspot,b@example.com\n\
             hubspot:3,2026-11-10T09:00:00,Google Ads,2026-11-12T09:00:00,2026-11-11T09:00:00,hubspot,c@example.com\n"
        ),
    );
    import(
        ws,
        "leads",
        "salesforce.csv",
        &format!(
            "{HEADER}\
             salesforce:1,2026-11-03T09:05:00,Google Ads,2026-11-04T20:00:00,,Salesforce,\n\
             salesforce:00Q2,2026-11-05T10:00:00,Google Ads,2026-11-09T09:00:00,,Salesforce,B@example.com\n\
             salesforce:4,2026-11-11T09:00:00,Google Ads,,,Salesforce,d@example.com\n"
        ),
    );
    let (code, stdout, v) = check(ws);
    assert_eq!(code, Some(1), "a failed check exits 1: {stdout}");
    let recon = find(&v, "map-crm-reconciliation");
    assert_eq!(recon["status"], "fail", "{recon}");
    let detail = recon["detail"].as_str().unwrap();
    for part in [
        "record by record (hubspot vs salesforce",
        "missing in salesforce: hubspot:3",
        "missing in hubspot: salesforce:4",
        // By email (lower-cased at import); the MQL three days apart.
        "hubspot:2/salesforce:00Q2 MQL 2026-11-06 vs 2026-11-09",
    ] {
        assert!(detail.contains(part), "{part}: {detail}");
    }
    // By hand: 4 persons (1, 2 matched; 3 and 4 missing), 3 with a problem.
    let share = recon["value"].as_f64().unwrap();
    assert!((share - 0.75).abs() < 1e-9, "{share}");
    assert!(
        stdout.contains("FAIL MAP vs CRM reconciliation"),
        "{stdout}"
    );

    // Data quality: hubspot:3's SQL came before its MQL, 1 of 6 records > 2%.
    let q = find(&v, "data-quality");
    assert_eq!(q["status"], "fail", "{q}");
    let detail = q["detail"].as_str().unwrap();
    assert!(detail.contains("1 of 6 records"), "{detail}");
    assert!(detail.contains("SQL before MQL 1 (hubspot:3)"), "{detail}");
}

#[test]
fn agreeing_records_pass_and_one_system_alone_keeps_the_typed_control() {
    let ws = charter_workspace();
    let ws = ws.path();
    import(
        ws,
        "leads",
        "hubspot.csv",
        &format!(
            "{HEADER}hubspot:1,2026-11-03T09:00:00,Google Ads,2026-11-04T09:00:00,,hubspot,a@example.com\n"
        ),
    );
    // The MAP alone: nothing to compare record by record, and no typed counts either.
    let (_, stdout, v) = check(ws);
    let recon = find(&v, "map-crm-reconciliation");
    assert_eq!(recon["status"], "no_data", "{recon}");
    assert!(
        recon["detail"]
            .as_str()
            .unwrap()
            .contains("rhythm import reconciliation"),
        "{recon}"
    );
    assert_eq!(find(&v, "data-quality")["status"], "pass", "{stdout}");
    import(
        ws,
        "leads",
        "salesforce.csv",
        &format!(
            "{HEADER}salesforce:1,2026-11-03T09:00:00,Google Ads,2026-11-04T12:00:00,,salesforce,\n"
        ),
    );
    let (_, stdout, v) = check(ws);
    let recon = find(&v, "map-crm-reconciliation");
    assert_eq!(recon["status"], "pass", "{recon}");
    assert_eq!(recon["value"].as_f64(), Some(0.0));
    assert!(
        recon["detail"]
            .as_str()
            .unwrap()
            .contains("1 hubspot and 1 salesforce leads, 1 matched"),
        "{recon}"
    );
    assert!(!stdout.contains("FAIL MAP vs CRM"), "{stdout}");
}

#[test]
fn the_quarterly_report_computes_efficiency_from_won_opportunities() {
    let ws = charter_workspace();
    let ws = ws.path();
    // Won new business: 60,000 + 36,000; a renewal and a lost deal do not count.
    import(
        ws,
        "opportunities",
        "opps.csv",
        "id,created,amount,source,stage,close_date,won,type\n\
         o1,2026-10-05T09:00:00,60000,Google Ads,Closed Won,2026-10-20,true,new business\n\
         o2,2026-10-05T09:00:00,36000,Google Ads,Closed Won,2026-11-10,true,\n\
         o3,2026-10-05T09:00:00,50000,Google Ads,Closed Won,2026-11-11,true,renewal\n\
         o4,2026-10-05T09:00:00,80000,Google Ads,Closed Lost,2026-11-12,false,new business\n",
    );
    let out = rhythm_in(
        ws,
        &[
            "report",
            "quarterly",
            "--at",
            QUARTER_OVER,
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rev = &v["review"]["revenue"];
    assert_eq!(rev["from"], "2026-10-01", "{rev}");
    assert_eq!(rev["new_arr"].as_f64(), Some(96_000.0), "{rev}");
    assert_eq!(rev["customers"], 2);
    // No spend records and no channels file: the spend is not known, so no ratio.
    assert!(rev["efficiency"].is_null(), "{rev}");
    assert!(rev["ltv_cac"].is_null());
    let md = rhythm_in(ws, &["report", "quarterly", "--at", QUARTER_OVER]);
    let (md, _) = text(&md);
    assert!(md.contains("## Revenue metrics from the records"), "{md}");
    assert!(
        md.contains("LTV from revenue needs gross margin and annual churn"),
        "{md}"
    );
}
