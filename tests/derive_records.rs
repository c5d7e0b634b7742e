//! The weekly channel facts derived from the funnel's records, through the real binary:
//! leads, deals and spend in native columns in, `report weekly --format json` out, every
//! figure worked out by hand below from the files' lines by the charter's definitions
//! (leads by creation week; MQLs and SQLs in the week the stage was crossed; pipeline =
//! new-business amount by creation week, renewals and expansions out; closed-won by
//! close week; spend by day, by the channel whose `campaigns` names the platform).

mod common;

use common::cli::{describe, rhythm_in, text};
use common::workspace::{charter_workspace, edited_charter_workspace};
use serde_json::Value;

const LEADS: &str = "id,created,source,mql_at,sql_at,geo\n\
L1,2026-11-03T10:00:00Z,Paid Search,,,NA\n\
L2,2026-11-10T10:00:00Z,Google Ads,2026-11-17T09:00:00Z,2026-11-19T09:00:00Z,NA\n\
L3,2026-11-16T08:00:00Z,paid  search,2026-11-18T12:00:00Z,,EMEA\n\
L4,2026-11-18T15:00:00Z,PAID_SEARCH,,,NA\n\
L5,2026-11-20T11:00:00Z,Organic Search,2026-11-20T12:00:00Z,,APAC\n\
L6,2026-11-11T09:00:00Z,LinkedIn,2026-11-12T09:00:00Z,,NA\n";

const DEALS: &str = "id,created,amount,source,stage,close_date,won,type\n\
O1,2026-11-17T10:00:00Z,10000,Paid Search,Proposal,,,New Business\n\
O2,2026-11-18T10:00:00Z,5000,Paid Search,Closed Won,2026-11-19,true,Renewal\n\
O3,2026-11-19T10:00:00Z,2500.50,Google Ads,Discovery,,,\n\
O4,2026-11-12T10:00:00Z,7000,Paid Search,Closed Won,2026-11-20,true,New Business\n\
O5,2026-11-04T10:00:00Z,3000,Organic Search,Closed Lost,2026-11-18,false,New Business\n";

const SPEND: &str = "date,platform,campaign,cost\n\
2026-11-10,google-ads,Brand,300\n\
2026-11-11,linkedin,Prospecting,1200\n\
2026-11-16,google-ads,Brand,100\n\
2026-11-17,google-ads,Brand,100\n\
2026-11-18,google-ads,Generic,1000.25\n\
2026-11-20,microsoft-ads,Bing,50\n\
2026-11-22,google-ads,Brand,100\n";

fn write(ws: &std::path::Path, name: &str, body: &str) -> String {
    let path = ws.join(name);
    std::fs::write(&path, body).unwrap();
    path.display().to_string()
}

fn import(ws: &std::path::Path, kind: &str, body: &str) -> String {
    let path = write(ws, &format!("{kind}.csv"), body);
    let out = rhythm_in(ws, &["import", kind, &path]);
    assert!(out.status.success(), "{}", describe(&out));
    text(&out).0
}

fn weekly(ws: &std::path::Path) -> Value {
    let out = rhythm_in(
        ws,
        &["report", "weekly", "--at", "2026-11-23", "--format", "json"],
    );
    assert!(out.status.success(), "{}", describe(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// This week's row of `channel` in the weekly snapshot.
fn this_week<'a>(report: &'a Value, channel: &str) -> &'a Value {
    report["review"]["snapshot"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["channel"] == channel)
        .map(|r| &r["this_week"])
        .unwrap_or_else(|| panic!("no {channel} row"))
}

fn records_workspace(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let ws = edited_charter_workspace(edit);
    import(ws.path(), "leads", LEADS);
    import(ws.path(), "opportunities", DEALS);
    import(ws.path(), "spend", SPEND);
    ws
}

#[test]
fn the_weeks_figures_follow_the_definitions() {
    let ws = records_workspace(|c| c);
    let report = weekly(ws.path());
    assert_eq!(report["review"]["week"], "2026-11-16");
    let ps = this_week(&report, "paid-search");
    // Leads created 16-22 Nov: L3, L4 (L2 was created the week before).
    assert_eq!(ps["leads"], 2.0);
    // MQLs crossed 16-22 Nov: L2 (created the week before) and L3.
    assert_eq!(ps["mqls"], 2.0);
    assert_eq!(ps["sqls"], 1.0);
    // New business created this week: O1 and O3 (no type: new business); O2 is a renewal.
    assert_eq!(ps["pipeline"], 12500.5);
    // Google Ads 100 + 100 + 1000.25 + 100, Microsoft Ads 50.
    assert_eq!(ps["spend"], 1350.25);
    // The week before: L2 created, O4 created, 300 spent.
    let prev = report["review"]["snapshot"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["channel"] == "paid-search")
        .unwrap()["previous_week"]
        .clone();
    assert_eq!(prev["leads"], 1.0);
    assert_eq!(prev["pipeline"], 7000.0);
    assert_eq!(prev["spend"], 300.0);

    // A channel inside the records' weeks with none this week had none: LinkedIn
    // spent 1,200 the week before and nothing since.
    let li = this_week(&report, "linkedin");
    assert_eq!(
        (li["leads"].clone(), li["spend"].clone()),
        (0.0.into(), 0.0.into())
    );
    let organic = this_week(&report, "organic");
    assert_eq!(
        (organic["leads"].clone(), organic["spend"].clone()),
        (1.0.into(), 0.0.into())
    );
    assert_eq!(organic["pipeline"], 0.0);
    let total = &report["review"]["total"]["this_week"];
    assert_eq!(total["leads"], 3.0);
    assert_eq!(total["mqls"], 3.0);
}

#[test]
fn no_figure_as_of_the_report_changes_when_later_records_arrive() {
    let ws = records_workspace(|c| c);
    let before = weekly(ws.path());
    // A lead created after the week; an earlier lead's SQL after it; a deal of this
    // week won after it; spend after it.
    import(
        ws.path(),
        "leads",
        &format!("{LEADS}L7,2026-11-24T10:00:00Z,Paid Search,,,NA\n").replace(
            "L3,2026-11-16T08:00:00Z,paid  search,2026-11-18T12:00:00Z,,EMEA",
            "L3,2026-11-16T08:00:00Z,paid  search,2026-11-18T12:00:00Z,2026-11-25T12:00:00Z,EMEA",
        ),
    );
    import(
        ws.path(),
        "opportunities",
        &DEALS.replace(
            "O1,2026-11-17T10:00:00Z,10000,Paid Search,Proposal,,,New Business",
            "O1,2026-11-17T10:00:00Z,10000,Paid Search,Closed Won,2026-11-26,true,New Business",
        ),
    );
    import(
        ws.path(),
        "spend",
        &format!("{SPEND}2026-11-23,google-ads,Brand,999\n"),
    );
    assert_eq!(weekly(ws.path()), before);
}

#[test]
fn a_week_after_the_records_end_has_no_data() {
    let ws = charter_workspace();
    // Only records up to the week of 9 Nov.
    let leads = "id,created,source\nL1,2026-11-03T10:00:00Z,Paid Search\nL2,2026-11-10T10:00:00Z,Paid Search\n";
    import(ws.path(), "leads", leads);
    import(
        ws.path(),
        "opportunities",
        "id,created,amount,source,stage\nO1,2026-11-12T10:00:00Z,100,Paid Search,Open\n",
    );
    import(
        ws.path(),
        "spend",
        "date,platform,campaign,cost\n2026-11-10,google-ads,Brand,300\n",
    );
    let report = weekly(ws.path());
    assert_eq!(
        report["review"]["has_data"], false,
        "{:#}",
        report["review"]
    );
}

#[test]
fn where_the_channels_file_has_the_week_too_the_charter_says_which_wins() {
    let row =
        "week,channel,spend,leads,mqls,sqls,pipeline\n2026-11-16,paid-search,5000,99,40,9,80000\n";
    let ws = records_workspace(|c| c);
    let said = import(ws.path(), "channels", row);
    assert!(said.contains("the records win"), "{said}");
    assert_eq!(this_week(&weekly(ws.path()), "paid-search")["leads"], 2.0);

    let ws = records_workspace(|c| c.replace("prefer = \"records\"", "prefer = \"channels\""));
    let said = import(ws.path(), "channels", row);
    assert!(said.contains("the channels file wins"), "{said}");
    let report = weekly(ws.path());
    assert_eq!(this_week(&report, "paid-search")["leads"], 99.0);
    assert_eq!(this_week(&report, "paid-search")["spend"], 5000.0);
}

#[test]
fn an_unmapped_source_is_refused_or_kept_under_unmapped_as_the_charter_says() {
    let leads = format!("{LEADS}L8,2026-11-17T10:00:00Z,Billboard,,,NA\n");
    let ws = charter_workspace();
    let path = write(ws.path(), "leads.csv", &leads);
    let out = rhythm_in(ws.path(), &["import", "leads", &path]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let (_, err) = text(&out);
    assert!(err.contains("line 8") && err.contains("Billboard"), "{err}");

    let ws = records_workspace(|c| c.replace("unmapped = \"refuse\"", "unmapped = \"bucket\""));
    let said = import(ws.path(), "leads", &leads);
    assert!(said.contains("kept under 'unmapped'"), "{said}");
    let report = weekly(ws.path());
    assert_eq!(this_week(&report, "unmapped")["leads"], 1.0);
    assert_eq!(report["review"]["total"]["this_week"]["leads"], 4.0);
}

#[test]
fn the_crms_copies_of_the_maps_leads_are_not_counted_twice() {
    let ws = charter_workspace();
    let leads = "id,created,source,mql_at,system,email\n\
        H1,2026-11-17T10:00:00Z,Paid Search,2026-11-18T10:00:00Z,hubspot,a@example.com\n\
        H2,2026-11-18T10:00:00Z,Paid Search,,HubSpot,b@example.com\n\
        S1,2026-11-17T10:05:00Z,Paid Search,2026-11-18T10:00:00Z,salesforce,a@example.com\n\
        S2,2026-11-19T10:00:00Z,Paid Search,,salesforce,c@example.com\n";
    import(ws.path(), "leads", leads);
    import(
        ws.path(),
        "opportunities",
        "id,created,amount,source,stage\nO1,2026-11-17T10:00:00Z,100,Paid Search,Open\n",
    );
    import(ws.path(), "spend", SPEND);
    let report = weekly(ws.path());
    // The MAP (the charter's map_system, hubspot, matched ignoring case) holds H1 and H2.
    assert_eq!(this_week(&report, "paid-search")["leads"], 2.0);
    assert_eq!(this_week(&report, "paid-search")["mqls"], 1.0);
}
