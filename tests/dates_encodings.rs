//! Issue 15, items 2 and 3: an export's dates are never read in a guessed day/month
//! order, its zone is honoured, and UTF-16 / PowerShell files are read, with the real
//! binary. The files are written here, so each case states its own bytes.

mod common;

use common::cli::{describe, run_without_key};
use common::store::{count, db_path, open_db};
use common::workspace::charter_workspace;

/// Imports `bytes` as usage with `flags`; returns (exit code, stdout + stderr, rows as
/// (UTC time, user, dashboard)).
fn import(bytes: &[u8], flags: &[&str]) -> (Option<i32>, String, Vec<(String, String, String)>) {
    let ws = charter_workspace();
    let file = ws.path().join("export.csv");
    std::fs::write(&file, bytes).unwrap();
    let mut args = vec!["import", "usage", file.to_str().unwrap()];
    args.extend(flags);
    let o = run_without_key(ws.path(), &args);
    if !db_path(ws.path()).exists() {
        // Refused before the store was opened (a bad flag).
        return (o.status.code(), describe(&o), Vec::new());
    }
    let conn = open_db(&db_path(ws.path()));
    let rows = conn
        .prepare(
            "SELECT strftime('%Y-%m-%dT%H:%M:%S', timestamp, 'unixepoch'), user, dashboard
             FROM usage_event ORDER BY timestamp, user",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    if !o.status.success() {
        assert_eq!(count(&conn, "SELECT COUNT(*) FROM import_log"), 0);
    }
    (o.status.code(), describe(&o), rows)
}

fn row(t: &str, user: &str, dashboard: &str) -> (String, String, String) {
    (t.into(), user.into(), dashboard.into())
}

const HEADER: &str = "CreationTime,UserId,Activity,ReportName\n";

#[test]
fn a_day_first_file_whose_deciding_date_comes_late_is_read_right() {
    // en-GB PowerShell 7: the 5th of November comes before any day above 12.
    let text = format!(
        "{HEADER}05/11/2026 09:12:03,a@x.com,ViewReport,Pipeline\n16/11/2026 10:00:00,b@x.com,ViewReport,Pipeline\n"
    );
    let (code, said, rows) = import(text.as_bytes(), &[]);
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(
        rows,
        vec![
            row("2026-11-05T09:12:03", "a@x.com", "Pipeline"),
            row("2026-11-16T10:00:00", "b@x.com", "Pipeline"),
        ]
    );
    assert!(
        said.contains("day-first") && said.contains("line 3"),
        "{said}"
    );
}

#[test]
fn a_day_first_file_with_only_days_up_to_12_is_refused_until_the_order_is_given() {
    let text = format!(
        "{HEADER}05/11/2026 09:12:03,a@x.com,ViewReport,Pipeline\n12/11/2026 10:00:00,b@x.com,ViewReport,Pipeline\n"
    );
    let (code, said, rows) = import(text.as_bytes(), &[]);
    assert_eq!(code, Some(2), "{said}");
    assert!(rows.is_empty());
    assert!(
        said.contains("line 2, column 1 (CreationTime)") && said.contains("--date-order dmy"),
        "{said}"
    );

    let (code, said, rows) = import(text.as_bytes(), &["--date-order", "dmy"]);
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(rows[0].0, "2026-11-05T09:12:03");
    assert_eq!(rows[1].0, "2026-11-12T10:00:00");
    assert!(said.contains("as --date-order dmy says"), "{said}");

    // The flag cannot override what the file shows.
    let text = format!("{HEADER}11/16/2026 9:12:03 AM,a@x.com,ViewReport,Pipeline\n");
    let (code, said, _) = import(text.as_bytes(), &["--date-order", "dmy"]);
    assert_eq!(code, Some(2), "{said}");
    assert!(said.contains("month-first"), "{said}");
}

#[test]
fn a_file_that_mixes_orders_is_refused_at_the_odd_row() {
    let text = format!(
        "{HEADER}16/11/2026 09:12:03,a@x.com,ViewReport,Pipeline\n11/17/2026 10:00:00,b@x.com,ViewReport,Pipeline\n"
    );
    let (code, said, rows) = import(text.as_bytes(), &[]);
    assert_eq!(code, Some(2), "{said}");
    assert!(rows.is_empty());
    assert!(
        said.contains("line 3") && said.contains("mixes date orders"),
        "{said}"
    );
}

#[test]
fn a_zone_is_honoured_for_timestamps_without_an_offset() {
    let text = format!(
        "{HEADER}2026-11-16 09:12:03,a@x.com,ViewReport,Pipeline\n2026-07-16T09:12:03Z,b@x.com,ViewReport,Pipeline\n"
    );
    let (code, said, rows) = import(text.as_bytes(), &["--tz", "Europe/Berlin"]);
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(
        rows,
        vec![
            // An offset in the value wins over --tz.
            row("2026-07-16T09:12:03", "b@x.com", "Pipeline"),
            row("2026-11-16T08:12:03", "a@x.com", "Pipeline"),
        ]
    );
    let (code, said, _) = import(text.as_bytes(), &["--tz", "Mars/Olympus"]);
    assert_eq!(code, Some(2), "{said}");
    assert!(said.contains("IANA"), "{said}");
}

#[test]
fn utf16_with_a_mark_is_decoded_and_without_one_is_named() {
    let text = "CreationTime\tUserId\tActivity\tReportName\r\n2026-11-16T09:12:03Z\tjörg@x.com\tViewReport\tÜberblick\r\n";
    for big in [false, true] {
        let mut bytes = if big {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for u in text.encode_utf16() {
            bytes.extend(if big {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            });
        }
        let (code, said, rows) = import(&bytes, &[]);
        assert_eq!(code, Some(0), "{said}");
        assert_eq!(
            rows,
            vec![row("2026-11-16T09:12:03", "jörg@x.com", "Überblick")]
        );
        assert!(
            said.contains("UTF-16") && said.contains("tab-separated"),
            "{said}"
        );
    }
    let mut bytes = Vec::new();
    for u in text.encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    let (code, said, _) = import(&bytes, &[]);
    assert_eq!(code, Some(2), "{said}");
    assert!(
        said.contains("UTF-16 (little-endian) without a byte-order mark"),
        "{said}"
    );
}

#[test]
fn windows_1252_bytes_are_named_at_their_row() {
    let text = b"CreationTime,UserId,Activity,ReportName\n2026-11-16T09:12:03Z,j\xf6rg@x.com,ViewReport,Pipeline\n";
    let (code, said, _) = import(text, &[]);
    assert_eq!(code, Some(2), "{said}");
    assert!(
        said.contains("line 2") && said.contains("Windows-1252"),
        "{said}"
    );
}

#[test]
fn the_powershell_5_type_line_is_skipped_and_its_ascii_named() {
    let text = "#TYPE System.Management.Automation.PSCustomObject\r\n\"CreationTime\",\"UserId\",\"Activity\",\"ReportName\"\r\n\"2026-11-16T09:12:03Z\",\"a@x.com\",\"ViewReport\",\"?berblick\"\r\n";
    let (code, said, rows) = import(text.as_bytes(), &[]);
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(
        rows,
        vec![row("2026-11-16T09:12:03", "a@x.com", "?berblick")]
    );
    assert!(
        said.contains("#TYPE") && said.contains("-Encoding UTF8"),
        "{said}"
    );
}
