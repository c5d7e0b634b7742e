//! Issue 7, point 5 and issue 15: the BI tools' own exports (Looker, Metabase, Tableau,
//! Power BI) imported as usage with the real binary, from the fixtures in
//! `tests/fixtures/bi` (their README cites where each format comes from) and
//! `tests/fixtures`.

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
    let rows = common::store::usage_rows(&conn);
    let state = State::read(&mut open_db(&db_path(ws.path())));
    assert!(state.consistent(), "{state:?}");
    (String::from_utf8_lossy(&o.stdout).into_owned(), rows)
}

fn row(t: &str, user: &str, dashboard: &str, source: &str) -> (String, String, String, String) {
    (t.into(), user.into(), dashboard.into(), source.into())
}

/// The skipped-rows notice of a summary, for exact comparison.
fn skipped_line(said: &str) -> &str {
    said.lines()
        .find(|l| l.contains("note: skipped"))
        .map_or("", str::trim)
}

#[test]
fn looker_history_export_counts_one_view_per_dashboard_session() {
    let (said, rows) = import_fixture("bi/looker_history.csv");
    assert!(said.contains("Looker System Activity (History)"), "{said}");
    assert!(said.contains("4 rows of usage — 4 new"), "{said}");
    // Dana's first open logged three tiles, Lee's two, Dana's second two.
    assert!(
        said.contains("4 rows were further tiles of a dashboard open already read"),
        "{said}"
    );
    assert!(!said.contains("repeated an earlier row"), "{said}");
    assert_eq!(
        skipped_line(&said),
        "note: skipped 5 rows that are not dashboard views: History Source = API (1), \
         History Source = Dashboard Prefetch (1), History Source = Explore (1), \
         History Source = Scheduled Task (1), History Source = Suggest Filter (1)"
    );
    let ems = "Executive Marketing Summary";
    assert_eq!(
        rows,
        vec![
            // The session's first tile (09:12:04), not the prefetch at 09:12:02.
            row(
                "2026-11-16T09:12:04",
                "dana.whitfield@atlas-eor.com",
                ems,
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
            row(
                "2026-11-17T14:00:10",
                "dana.whitfield@atlas-eor.com",
                ems,
                "looker"
            ),
        ]
    );
}

#[test]
fn looker_history_export_re_imported_changes_nothing() {
    let ws = charter_workspace();
    let file = fixture("bi/looker_history.csv");
    let args = ["import", "usage", file.to_str().unwrap()];
    let first = run_without_key(ws.path(), &args);
    assert!(first.status.success(), "{}", describe(&first));
    let again = run_without_key(ws.path(), &args);
    assert!(again.status.success(), "{}", describe(&again));
    let said = String::from_utf8_lossy(&again.stdout);
    assert!(
        said.contains("4 rows of usage — 0 new, 0 updated, 4 unchanged"),
        "{said}"
    );
    let conn = open_db(&db_path(ws.path()));
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM usage_event"), 4);
}

#[test]
fn looker_history_export_with_field_names() {
    let (said, rows) = import_fixture("bi/looker_history_fields.csv");
    assert!(said.contains("timestamp <- history.created_time"), "{said}");
    assert!(said.contains("2 rows of usage — 2 new"), "{said}");
    assert!(said.contains("1 row was a further tile"), "{said}");
    assert_eq!(
        skipped_line(&said),
        "note: skipped 1 row that is not a dashboard view: History Source = Scheduled Task (1)"
    );
    assert_eq!(
        rows,
        vec![
            row(
                "2026-11-16T09:12:04",
                "dana.whitfield@atlas-eor.com",
                "Executive Marketing Summary",
                "looker"
            ),
            // An embedded dashboard opened by a person counts.
            row(
                "2026-11-16T11:05:00",
                "lee.brennan@atlas-eor.com",
                "Executive Marketing Summary",
                "looker"
            ),
        ]
    );
}

#[test]
fn a_looker_export_without_history_source_is_refused_and_says_which_field_to_add() {
    let ws = charter_workspace();
    let file = ws.path().join("history.csv");
    std::fs::write(
        &file,
        "History Created Time,User Email,Dashboard Title\n\
         2026-11-16 09:12:04,dana@x.com,Executive Marketing Summary\n\
         2026-11-16 11:00:00,,Executive Marketing Summary\n",
    )
    .unwrap();
    let o = run_without_key(ws.path(), &["import", "usage", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("line 1:"), "{stderr}");
    assert!(stderr.contains("no History Source column"), "{stderr}");
    assert!(
        stderr.contains("add History > Source (history.source)"),
        "{stderr}"
    );
    let conn = open_db(&db_path(ws.path()));
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM usage_event"), 0);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM import_log"), 0);
}

#[test]
fn a_looker_export_without_dashboard_session_is_imported_with_a_warning() {
    let ws = charter_workspace();
    let file = ws.path().join("history.csv");
    std::fs::write(
        &file,
        "History Created Time,User Email,Dashboard Title,History Source\n\
         2026-11-16 09:12:04,dana@x.com,Executive Marketing Summary,Dashboard\n\
         2026-11-16 09:12:04,dana@x.com,Executive Marketing Summary,Dashboard\n\
         2026-11-16 09:12:06,dana@x.com,Executive Marketing Summary,Dashboard\n",
    )
    .unwrap();
    let o = run_without_key(ws.path(), &["import", "usage", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", describe(&o));
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        said.contains("WARNING: this export has no History Dashboard Session column"),
        "{said}"
    );
    assert!(said.contains("history.dashboard_session"), "{said}");
    // Same-second tiles still count once; the one two seconds later cannot be told apart.
    assert!(said.contains("2 rows of usage — 2 new"), "{said}");
    assert!(said.contains("1 row repeated an earlier row"), "{said}");
}

#[test]
fn metabase_raw_view_log_skips_anonymous_denied_and_dashboard_card_rows() {
    let (said, rows) = import_fixture("bi/metabase_view_log.csv");
    assert!(
        said.contains("read as a Metabase view_log export"),
        "{said}"
    );
    assert!(said.contains("users are Metabase user ids"), "{said}");
    assert!(said.contains("3 rows of usage — 3 new"), "{said}");
    assert_eq!(
        skipped_line(&said),
        "note: skipped 6 rows that are not dashboard views: \
         card of a dashboard open (context = dashboard) (3), \
         has_access = f (permission denied) (1), model = table (1), \
         no user_id (a public link or an embed) (1)"
    );
    assert_eq!(
        rows,
        vec![
            // 10:03:40.5+01 is 09:03:40 UTC; a question opened on its own counts.
            row("2026-11-16T09:03:40", "4", "question 57", "metabase"),
            row("2026-11-16T09:12:04", "3", "dashboard 12", "metabase"),
            row("2026-11-17T08:45:00", "5", "dashboard 14", "metabase"),
        ]
    );
}

#[test]
fn metabase_view_log_joined_with_names() {
    let (said, rows) = import_fixture("bi/metabase_view_log_joined.csv");
    assert!(
        said.contains("Metabase view_log (joined with names)"),
        "{said}"
    );
    assert!(said.contains("3 rows of usage — 3 new"), "{said}");
    assert_eq!(
        skipped_line(&said),
        "note: skipped 5 rows that are not dashboard views: \
         card of a dashboard open (context = dashboard) (2), \
         has_access = f (permission denied) (1), model = table (1), \
         no user_id (a public link or an embed) (1)"
    );
    assert_eq!(
        rows,
        vec![
            row(
                "2026-11-16T09:03:40",
                "sam.okafor@atlas-eor.com",
                "Pipeline by Channel",
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
fn metabase_usage_analytics_view_log_download() {
    let (said, rows) = import_fixture("bi/metabase_usage_view_log.csv");
    assert!(said.contains("Metabase Usage analytics View log"), "{said}");
    assert!(said.contains("3 rows of usage — 3 new"), "{said}");
    assert_eq!(
        skipped_line(&said),
        "note: skipped 4 rows that are not dashboard views: \
         card of a dashboard open (Context = dashboard) (2), Entity Type = table (1), \
         no User ID (a public link or an embed) (1)"
    );
    assert_eq!(
        rows,
        vec![
            row("2026-11-17T08:02:00", "3", "dashboard 12", "metabase"),
            row("2026-11-17T09:40:00", "4", "question 57", "metabase"),
            row("2026-11-18T16:30:00", "5", "dashboard 14", "metabase"),
        ]
    );
}

#[test]
fn tableau_admin_insights_ts_events_export() {
    // The file starts with a UTF-8 BOM, as Tableau's downloads do.
    let (said, rows) = import_fixture("bi/tableau_ts_events.csv");
    assert!(
        said.contains("Tableau Admin Insights (TS Events)"),
        "{said}"
    );
    assert!(said.contains("3 rows of usage — 3 new"), "{said}");
    assert_eq!(
        skipped_line(&said),
        "note: skipped 3 rows that are not dashboard views: \
         Event Name = Access Data Source (1), Event Name = Login (1), \
         Event Name = Publish Workbook (1)"
    );
    assert_eq!(
        rows,
        vec![
            row(
                "2026-11-16T09:12:03",
                "dana.whitfield@atlas-eor.com",
                "Executive Summary",
                "tableau"
            ),
            row(
                "2026-11-16T13:03:40",
                "sam.okafor@atlas-eor.com",
                "Pipeline Overview",
                "tableau"
            ),
            row(
                "2026-11-17T08:45:00",
                "lee.brennan@atlas-eor.com",
                "Share of Voice, by Region",
                "tableau"
            ),
        ]
    );
}

#[test]
fn tableau_server_repository_historical_events_export() {
    let (said, rows) = import_fixture("bi/tableau_repository_events.csv");
    assert!(
        said.contains("Tableau Server repository (historical_events)"),
        "{said}"
    );
    assert!(said.contains("3 rows of usage — 3 new"), "{said}");
    assert_eq!(
        skipped_line(&said),
        "note: skipped 3 rows that are not dashboard views: \
         event_name = Access Data Source (1), event_name = Login (1), \
         event_name = Publish Workbook (1)"
    );
    assert_eq!(
        rows,
        vec![
            row(
                "2026-11-16T09:12:03",
                "dana.whitfield@atlas-eor.com",
                "Executive Summary",
                "tableau"
            ),
            // No email on this user: the user name stands in.
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
