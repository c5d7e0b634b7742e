//! Issue 7, point 5: the BI tools' own exports (Looker, Metabase, Tableau, Power BI)
//! imported as usage with the real binary, from the fixtures in `tests/fixtures`.

mod common;

use common::cli::{describe, run_without_key};
use common::fixture;
use common::store::{State, count, db_path, open_db};
use common::workspace::charter_workspace;

/// Imports a fixture into a fresh workspace; returns the summary printed and the rows
/// stored as (UTC time, user, dashboard, source), in time order.
fn import_fixture(name: &str) -> (String, Vec<(String, String, String, String)>) {
    let ws = charter_workspace();
    let file = fixture(name);
    let o = run_without_key(ws.path(), &["import", "usage", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", describe(&o));
    let conn = open_db(&db_path(ws.path()));
    let rows = conn
        .prepare(
            "SELECT strftime('%Y-%m-%dT%H:%M:%S', timestamp, 'unixepoch'), user, dashboard, source
             FROM usage_event ORDER BY timestamp, user",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let state = State::read(&mut open_db(&db_path(ws.path())));
    assert!(state.consistent(), "{state:?}");
    (String::from_utf8_lossy(&o.stdout).into_owned(), rows)
}

fn row(t: &str, user: &str, dashboard: &str, source: &str) -> (String, String, String, String) {
    (t.into(), user.into(), dashboard.into(), source.into())
}

#[test]
fn looker_system_activity_history_export() {
    let (said, rows) = import_fixture("looker_history.csv");
    assert!(said.contains("Looker System Activity (History)"), "{said}");
    assert!(said.contains("3 rows of usage — 3 new"), "{said}");
    assert!(said.contains("1 row repeated"), "{said}");
    assert!(said.contains("skipped 2 rows"), "{said}");
    assert!(said.contains("Scheduled Task (1)"), "{said}");
    assert_eq!(
        rows,
        vec![
            row(
                "2026-11-16T09:12:04",
                "dana.whitfield@atlas-eor.com",
                "Executive Marketing Summary",
                "looker"
            ),
            row(
                "2026-11-16T10:03:40",
                "sam.okafor@atlas-eor.com",
                "Pipeline by Channel",
                "looker"
            ),
            row(
                "2026-11-17T08:45:00",
                "lee.brennan@atlas-eor.com",
                "Brand, Awareness & Share of Voice",
                "looker"
            ),
        ]
    );
}

#[test]
fn metabase_view_log_export() {
    let (said, rows) = import_fixture("metabase_view_log.csv");
    assert!(said.contains("Metabase view_log"), "{said}");
    assert!(said.contains("3 rows of usage — 3 new"), "{said}");
    assert!(
        said.contains("skipped 1 row that is not a dashboard view: model = table (1)"),
        "{said}"
    );
    assert_eq!(
        rows,
        vec![
            // 10:03:40.5+01:00 is 09:03:40 UTC.
            row(
                "2026-11-16T09:03:40",
                "sam.okafor@atlas-eor.com",
                "question 57",
                "metabase"
            ),
            row(
                "2026-11-16T09:12:04",
                "dana.whitfield@atlas-eor.com",
                "Executive Marketing Summary",
                "metabase"
            ),
            row(
                "2026-11-17T08:45:00",
                "lee.brennan@atlas-eor.com",
                "Brand Health",
                "metabase"
            ),
        ]
    );
}

#[test]
fn tableau_admin_insights_ts_events_export() {
    let (said, rows) = import_fixture("tableau_ts_events.csv");
    assert!(
        said.contains("Tableau Admin Insights (TS Events)"),
        "{said}"
    );
    assert!(said.contains("3 rows of usage — 3 new"), "{said}");
    assert!(said.contains("Event Type Name = Login (1)"), "{said}");
    assert!(
        said.contains("Event Type Name = Publish Workbook (1)"),
        "{said}"
    );
    assert_eq!(
        rows,
        vec![
            row(
                "2026-11-16T09:12:04",
                "dana.whitfield@atlas-eor.com",
                "Executive Summary",
                "tableau"
            ),
            // No email on this row: the user name stands in.
            row(
                "2026-11-16T13:03:40",
                "sokafor",
                "Pipeline Overview",
                "tableau"
            ),
            row(
                "2026-11-17T08:45:00",
                "lee.brennan@atlas-eor.com",
                "Share of Voice",
                "tableau"
            ),
        ]
    );
}

#[test]
fn power_bi_activity_log_export() {
    let (said, rows) = import_fixture("powerbi_activity_log.csv");
    assert!(said.contains("Power BI activity log"), "{said}");
    assert!(said.contains("3 rows of usage — 3 new"), "{said}");
    assert!(said.contains("Activity = ExportReport (1)"), "{said}");
    assert!(said.contains("Activity = ViewTile (1)"), "{said}");
    assert_eq!(
        rows,
        vec![
            row(
                "2026-11-16T09:12:04",
                "dana.whitfield@atlas-eor.com",
                "Executive Marketing Summary",
                "powerbi"
            ),
            row(
                "2026-11-16T10:03:40",
                "sam.okafor@atlas-eor.com",
                "Pipeline by Channel",
                "powerbi"
            ),
            row(
                "2026-11-17T08:45:00",
                "lee.brennan@atlas-eor.com",
                "Share of Voice",
                "powerbi"
            ),
        ]
    );
}

#[test]
fn a_bi_export_with_a_bad_timestamp_names_its_column_and_writes_nothing() {
    let ws = charter_workspace();
    let file = ws.path().join("pbi.csv");
    std::fs::write(
        &file,
        "CreationTime,UserId,Activity,ReportName\n2026-11-16T09:12:04Z,a@x.com,ViewReport,Pipeline\nlast Monday 09:12,b@x.com,ViewReport,Pipeline\n",
    )
    .unwrap();
    let o = run_without_key(ws.path(), &["import", "usage", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("line 3, column 1 (CreationTime)"),
        "{stderr}"
    );
    let conn = open_db(&db_path(ws.path()));
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM usage_event"), 0);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM import_log"), 0);
}
