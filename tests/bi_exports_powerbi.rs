//! Issue 15: Power BI activity exports as admins really produce them — PowerShell 7 on
//! en-US and en-GB machines, with and without `Select-Object`, Windows PowerShell 5.1,
//! `Search-UnifiedAuditLog` and the Purview audit search export — imported as usage with
//! the real binary, from the fixtures in `tests/fixtures/powerbi` (sources in its
//! README). Each test checks what is kept, what is skipped (by reason, with counts) and
//! what is stored, in UTC.

mod common;

use common::cli::{describe, run_without_key};
use common::fixture;
use common::store::{State, count, db_path, open_db};
use common::workspace::charter_workspace;

type Stored = (String, String, String, String);

/// Imports `file` into the workspace `ws` with `extra` arguments; returns the summary
/// printed and the rows stored as (UTC time, user, dashboard, source), in time order.
fn import(ws: &std::path::Path, file: &std::path::Path, extra: &[&str]) -> (String, Vec<Stored>) {
    let mut args = vec!["import", "usage", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = run_without_key(ws, &args);
    assert!(o.status.success(), "{}", describe(&o));
    let conn = open_db(&db_path(ws));
    let rows = common::store::usage_rows(&conn);
    let state = State::read(&mut open_db(&db_path(ws)));
    assert!(state.consistent(), "{state:?}");
    (String::from_utf8_lossy(&o.stdout).into_owned(), rows)
}

/// [`import`] of a fixture of `tests/fixtures/powerbi` into a fresh workspace.
fn import_fixture(name: &str, extra: &[&str]) -> (String, Vec<Stored>) {
    let ws = charter_workspace();
    import(ws.path(), &fixture(&format!("powerbi/{name}")), extra)
}

fn row(t: &str, user: &str, dashboard: &str) -> Stored {
    (t.into(), user.into(), dashboard.into(), "powerbi".into())
}

/// What every activity-log fixture holds: four views (a report, a dashboard whose tiles
/// are not counted again, a report from an app on a phone, a report), in UTC.
fn activity_views(brand: &str) -> Vec<Stored> {
    vec![
        row(
            "2026-11-03T14:05:09",
            "dana.whitfield@atlas-eor.com",
            "Pipeline by Channel",
        ),
        row(
            "2026-11-12T16:20:00",
            "sam.okafor@atlas-eor.com",
            "Executive Marketing Summary",
        ),
        row("2026-11-16T09:12:03", "lee.brennan@atlas-eor.com", brand),
        row(
            "2026-11-17T08:45:00",
            "sam.okafor@atlas-eor.com",
            "Pipeline by Channel",
        ),
    ]
}

/// The summary lines every activity-log fixture gives.
fn assert_activity_summary(said: &str) {
    assert!(
        said.contains("read as a Power BI activity log export"),
        "{said}"
    );
    assert!(
        said.contains("timestamp <- CreationTime (Power BI records it in UTC"),
        "{said}"
    );
    assert!(said.contains("4 rows of usage — 4 new"), "{said}");
    assert!(
        said.contains(
            "skipped 4 rows that are not dashboard views: Activity = ViewTile (2), \
             Activity = ExportReport (1), Activity = ViewUsageMetrics (1)"
        ),
        "{said}"
    );
}

const BRAND: &str = "Überblick Markenwahrnehmung";

#[test]
fn powershell_7_en_us_export_of_every_property() {
    let (said, rows) = import_fixture("ps7_en_us.csv", &[]);
    assert_activity_summary(&said);
    assert!(
        said.contains("dates read month-first (MM/DD/YYYY): line 7's 11/16/2026 9:12:03 AM"),
        "{said}"
    );
    // The header is the first event's (a ViewReport): there is no DashboardName column,
    // so the ViewDashboard row is named by its ItemName.
    assert!(
        said.contains("dashboard <- ItemName (ViewDashboard)"),
        "{said}"
    );
    assert_eq!(rows, activity_views(BRAND));
}

#[test]
fn audit_log_times_stay_utc_whatever_zone_the_import_is_given() {
    // AuditData.CreationTime is UTC by the audit schema; --tz is for files in local time.
    let (_, rows) = import_fixture("search_unifiedauditlog.csv", &["--tz", "America/New_York"]);
    assert_eq!(
        rows[0],
        row("2026-11-16T09:12:03", "lee.brennan@atlas-eor.com", BRAND)
    );
}

#[test]
fn powershell_7_export_of_a_select_object_subset_in_the_users_order() {
    let (said, rows) = import_fixture("ps7_select_object.csv", &[]);
    assert_activity_summary(&said);
    assert!(
        said.contains("dashboard <- DashboardName / ItemName (ViewDashboard)"),
        "{said}"
    );
    assert_eq!(rows, activity_views(BRAND));
}

#[test]
fn powershell_7_en_gb_export_is_read_day_first_because_a_day_is_above_12() {
    let (said, rows) = import_fixture("ps7_en_gb.csv", &[]);
    assert_activity_summary(&said);
    // Line 7 is the first that can only be read one way: the file is read again, knowing.
    assert!(
        said.contains("dates read day-first (DD/MM/YYYY): line 7's 16/11/2026 09:12:03"),
        "{said}"
    );
    // 03/11/2026 is the 3rd of November and 12/11/2026 the 12th, not March or December.
    assert_eq!(rows, activity_views(BRAND));
}

#[test]
fn powershell_7_en_gb_export_with_days_only_up_to_12_is_refused_unless_told_the_order() {
    let ws = charter_workspace();
    let file = fixture("powerbi/ps7_en_gb_days_to_12.csv");
    let o = run_without_key(ws.path(), &["import", "usage", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("line 2, column 3 (CreationTime)") && stderr.contains("is ambiguous"),
        "{stderr}"
    );
    assert!(stderr.contains("--date-order dmy"), "{stderr}");
    let conn = open_db(&db_path(ws.path()));
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM usage_event"), 0);
    drop(conn);

    let (said, rows) = import(ws.path(), &file, &["--date-order", "dmy"]);
    assert!(said.contains("2 rows of usage — 2 new"), "{said}");
    assert!(said.contains("as --date-order dmy says"), "{said}");
    assert!(
        said.contains("Activity = ViewTile (2), Activity = ExportReport (1)"),
        "{said}"
    );
    assert_eq!(rows, activity_views(BRAND)[..2].to_vec());
}

/// The Windows PowerShell 5.1 fixture as it would be without its `#TYPE` line.
fn without_type_line(ws: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read(fixture("powerbi/ps51_type_ascii.csv")).unwrap();
    let at = text.iter().position(|&b| b == b'\n').unwrap() + 1;
    assert!(text.starts_with(b"#TYPE System.Management.Automation.PSCustomObject\r\n"));
    let file = ws.join("ps51_no_type.csv");
    std::fs::write(&file, &text[at..]).unwrap();
    file
}

#[test]
fn windows_powershell_5_1_export_keeps_iso_times_and_loses_non_ascii_letters() {
    // What Export-Csv writes with -NoTypeInformation: ConvertFrom-Json leaves
    // CreationTime as its ISO text, and the default ASCII encoding writes Ü as ?.
    let ws = charter_workspace();
    let file = without_type_line(ws.path());
    let (said, rows) = import(ws.path(), &file, &[]);
    assert_activity_summary(&said);
    assert_eq!(rows, activity_views("?berblick Markenwahrnehmung"));
}

#[test]
fn windows_powershell_5_1_export_with_its_type_line() {
    let (said, rows) = import_fixture("ps51_type_ascii.csv", &[]);
    assert!(said.contains("skipped line 1, the `#TYPE` line"), "{said}");
    assert!(said.contains("-Encoding UTF8"), "{said}");
    assert_activity_summary(&said);
    assert_eq!(rows, activity_views("?berblick Markenwahrnehmung"));
}

#[test]
fn search_unifiedauditlog_export_reads_power_bi_records_from_auditdata() {
    let ws = charter_workspace();
    let file = fixture("powerbi/search_unifiedauditlog.csv");
    let (said, rows) = import(ws.path(), &file, &[]);
    assert!(
        said.contains("read as a Microsoft 365 unified audit log (Search-UnifiedAuditLog) export"),
        "{said}"
    );
    assert!(
        said.contains("timestamp <- AuditData.CreationTime (UTC, as the audit log records it; CreationDate is not used)"),
        "{said}"
    );
    assert!(said.contains("3 rows of usage — 3 new"), "{said}");
    assert!(
        said.contains("skipped 5 rows that are not dashboard views"),
        "{said}"
    );
    for skipped in [
        "Workload = Exchange (1)",
        "Workload = SharePoint (1)",
        "Activity = ViewTile (1)",
        "Activity = ExportReport (1)",
        "Activity = ViewUsageMetrics (1)",
    ] {
        assert!(said.contains(skipped), "{skipped}: {said}");
    }
    assert_eq!(
        rows,
        vec![
            row("2026-11-16T09:12:03", "lee.brennan@atlas-eor.com", BRAND),
            row(
                "2026-11-16T10:03:40",
                "dana.whitfield@atlas-eor.com",
                "Executive Marketing Summary",
            ),
            row(
                "2026-11-17T08:45:00",
                "sam.okafor@atlas-eor.com",
                "Pipeline by Channel",
            ),
        ]
    );
    // Re-importing the same file changes nothing.
    let (again, rows_again) = import(ws.path(), &file, &[]);
    assert!(
        again.contains("3 rows of usage — 0 new, 0 updated, 3 unchanged"),
        "{again}"
    );
    assert_eq!(rows_again, rows);
}

#[test]
fn purview_audit_search_export_reads_power_bi_records_from_auditdata() {
    let (said, rows) = import_fixture("purview_audit_search.csv", &[]);
    assert!(
        said.contains("read as a Microsoft Purview audit search export"),
        "{said}"
    );
    assert!(said.contains("2 rows of usage — 2 new"), "{said}");
    assert!(
        said.contains("skipped 3 rows that are not dashboard views"),
        "{said}"
    );
    for skipped in [
        "Workload = AzureActiveDirectory (1)",
        "Activity = ShareReport (1)",
        "Activity = ViewTile (1)",
    ] {
        assert!(said.contains(skipped), "{skipped}: {said}");
    }
    assert_eq!(
        rows,
        vec![
            row(
                "2026-11-16T13:03:40",
                "dana.whitfield@atlas-eor.com",
                "Pipeline by Channel",
            ),
            row(
                "2026-11-17T07:59:12",
                "sam.okafor@atlas-eor.com",
                "Executive Marketing Summary",
            ),
        ]
    );
}

#[test]
fn a_malformed_auditdata_is_a_bad_row_naming_its_line_and_column_and_writes_nothing() {
    let ws = charter_workspace();
    let file = ws.path().join("purview.csv");
    std::fs::write(
        &file,
        "RecordId,CreationDate,RecordType,Operation,UserId,AuditData,AssociatedAdminUnits,AssociatedAdminUnitsNames\n\
         a1,11/16/2026 1:03:40 PM,20,ViewReport,dana@x.com,\"{\"\"CreationTime\"\":\"\"2026-11-16T13:03:40\"\",\"\"Workload\"\":\"\"PowerBI\"\",\"\"Activity\"\":\"\"ViewReport\"\",\"\"UserId\"\":\"\"dana@x.com\"\",\"\"ReportName\"\":\"\"Pipeline\"\"}\",,\n\
         a2,11/16/2026 1:04:00 PM,20,ViewReport,dana@x.com,\"{\"\"CreationTime\"\":\"\"2026-11-16T13:04:00\"\",\"\"Workload\"\":\"\"PowerBI\"\",\"\"Activ\",,\n",
    )
    .unwrap();
    let o = run_without_key(ws.path(), &["import", "usage", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("line 3, column 6 (AuditData)"), "{stderr}");
    assert!(stderr.contains("is not valid JSON"), "{stderr}");
    let conn = open_db(&db_path(ws.path()));
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM usage_event"), 0);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM import_log"), 0);
}
