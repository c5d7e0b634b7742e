//! Power BI activity events as admins really export them, mapped to usage rows.
//!
//! Two families of files:
//! - **The activity log** (`Get-PowerBIActivityEvent … | ConvertFrom-Json | Export-Csv`),
//!   from Windows PowerShell 5.1 or PowerShell 7, with every property of the first event
//!   or a `Select-Object` subset in the user's order. One column per event property:
//!   `CreationTime`, `UserId`, `Activity`, `ItemName`, `ReportName`, `DashboardName` …
//! - **The Microsoft 365 unified audit log**: `Search-UnifiedAuditLog | Export-Csv`
//!   (`RunspaceId, RecordType, CreationDate, UserIds, Operations, AuditData, …`) or the
//!   Purview portal's audit search export (`RecordId, CreationDate, RecordType,
//!   Operation, UserId, AuditData, …`). Each record is the JSON object in `AuditData`;
//!   records of other workloads (Exchange, SharePoint …) are skipped by workload.
//!
//! A person viewing is `ViewReport` or `ViewDashboard`. Everything else is skipped and
//! counted by activity — notably `ViewTile`, which Power BI logs once per tile while a
//! dashboard renders (next to that open's `ViewDashboard`: counting tiles would count one
//! open many times), and `ViewUsageMetrics`, which is someone reading the usage report
//! about a report, not the report itself.
//!
//! `CreationTime` is UTC: Power BI records activity in UTC, and PowerShell 7's
//! `ConvertFrom-Json` turns the `…Z` text into a UTC `DateTime` that `Export-Csv` prints
//! in the machine's culture but never converts. An activity-log file is read as the
//! import's dates say (UTC for BI logs unless `--tz` names another zone: the user's word
//! wins, e.g. after `ConvertFrom-Json -DateKind Local`). The audit log's JSON is the
//! service's own record, UTC by its schema, so its zone-less `CreationTime` is marked UTC
//! before it is read and no `--tz` shifts it.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::bi_exports::{FieldError, Mapped};

/// Where a Power BI export keeps what a view needs: 0-based column indexes.
#[derive(Debug, Clone)]
pub(super) struct Recognised {
    /// `CreationTime` (activity log) or `CreationDate` (audit log, not read: the JSON's
    /// `CreationTime` is).
    pub timestamp: usize,
    /// Columns naming the user, first non-empty wins.
    pub users: Vec<usize>,
    /// Columns naming the dashboard of a `ViewDashboard`, first non-empty wins.
    pub dashboards: Vec<usize>,
    /// Columns naming the report of a `ViewReport`, first non-empty wins.
    pub reports: Vec<usize>,
    /// `Activity` (or `Operation`): what the event was.
    pub activity: usize,
    /// The audit log's `AuditData` column: each record as a JSON object.
    pub audit_data: Option<usize>,
}

/// The columns of a recognised export, borrowed from its [`super::bi_exports::Export`].
pub(super) struct Columns<'a> {
    pub timestamp: usize,
    pub users: &'a [usize],
    pub dashboards: &'a [usize],
    pub reports: &'a [usize],
    pub activity: Option<usize>,
    pub audit_data: Option<usize>,
}

/// Recognises a Power BI export from its header (names already
/// [`super::bi_exports::normalise`]d).
pub(super) fn recognise(names: &[String]) -> Option<Recognised> {
    let find = |candidates: &[&str]| -> Option<usize> {
        candidates
            .iter()
            .find_map(|c| names.iter().position(|n| n == c))
    };
    let all = |candidates: &[&str]| -> Vec<usize> {
        candidates
            .iter()
            .filter_map(|c| names.iter().position(|n| n == c))
            .collect()
    };

    // The unified audit log: Search-UnifiedAuditLog, the Purview audit search export, or
    // the older compliance portal's (CreationDate, UserIds, Operations, AuditData).
    if let (Some(audit), Some(created)) = (find(&["auditdata"]), find(&["creationdate"])) {
        return Some(Recognised {
            timestamp: created,
            users: all(&["userids", "userid"]),
            dashboards: Vec::new(),
            reports: Vec::new(),
            activity: find(&["operations", "operation"]).unwrap_or(audit),
            audit_data: Some(audit),
        });
    }

    // The activity log, as Export-Csv writes Get-PowerBIActivityEvent's events.
    let items = all(&["itemname", "item name"]);
    let mut dashboards = all(&["dashboardname", "dashboard name"]);
    let mut reports = all(&["reportname", "report name"]);
    let users = all(&["userid", "user id"]);
    let (Some(timestamp), Some(activity)) = (
        find(&["creationtime", "creation time"]),
        find(&["activity", "operation"]),
    ) else {
        return None;
    };
    if users.is_empty() || (dashboards.is_empty() && reports.is_empty() && items.is_empty()) {
        return None;
    }
    // Export-Csv takes its columns from the first event only: when that was a ViewReport
    // there is no DashboardName column, and ItemName names the dashboard of later
    // ViewDashboard rows (and the report of ViewReport rows).
    dashboards.extend(&items);
    reports.extend(&items);
    Some(Recognised {
        timestamp,
        users,
        dashboards,
        reports,
        activity,
        audit_data: None,
    })
}

/// What a view event is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Viewed {
    Report,
    Dashboard,
}

/// The activities that are a person viewing; `None` for everything else.
fn viewed(activity: &str) -> Option<Viewed> {
    if activity.eq_ignore_ascii_case("ViewReport") {
        Some(Viewed::Report)
    } else if activity.eq_ignore_ascii_case("ViewDashboard") {
        Some(Viewed::Dashboard)
    } else {
        None
    }
}

/// The skip label of a non-view activity, as the import summary counts it.
fn skipped<'r>(activity: &str) -> Mapped<'r> {
    let value = if activity.is_empty() {
        "(empty)"
    } else {
        activity
    };
    Mapped::Skipped(format!("Activity = {value}"))
}

/// `text` marked UTC when it carries no zone of its own (see the module's notes).
fn utc(text: Cow<'_, str>) -> Cow<'_, str> {
    let t = text.trim_end();
    let zoned = t.ends_with(['Z', 'z'])
        || t.ends_with(" UTC")
        || t.ends_with(" GMT")
        || t.rfind('T').is_some_and(|at| t[at..].contains(['+', '-']));
    let iso = t.len() > 10 && t.as_bytes()[..4].iter().all(u8::is_ascii_digit) && t.contains('T');
    if zoned || t.is_empty() {
        text
    } else if iso {
        Cow::Owned(format!("{t}Z"))
    } else {
        Cow::Owned(format!("{t} UTC"))
    }
}

/// Maps one row of a Power BI export; `field(i)` gives the trimmed text of column `i`.
pub(super) fn map<'r>(
    columns: &Columns<'_>,
    field: &dyn Fn(usize) -> Result<&'r str, FieldError>,
) -> Result<Mapped<'r>, FieldError> {
    if let Some(audit) = columns.audit_data {
        return audit_record(audit, field(audit)?);
    }
    let first = |cols: &[usize]| super::bi_exports::first_filled(cols, field);
    let activity = match columns.activity {
        Some(i) => field(i)?,
        None => "",
    };
    // `wanted` names the properties to export when the file has none of the columns.
    let named = |cols: &[usize], what: &str, wanted: &str| -> Result<&'r str, FieldError> {
        if cols.is_empty() {
            let at = columns.activity.unwrap_or(columns.timestamp);
            return Err((
                at,
                activity.to_string(),
                format!(
                    "is a view, but the file has no {wanted} column to name {what}: export \
                     {wanted} too (add it to Select-Object)"
                ),
            ));
        }
        first(cols)?.ok_or_else(|| {
            (
                cols[0],
                String::new(),
                format!("is empty: a view needs {what}"),
            )
        })
    };
    let dashboard = match viewed(activity) {
        Some(Viewed::Dashboard) => named(
            columns.dashboards,
            "the dashboard viewed",
            "DashboardName or ItemName",
        )?,
        Some(Viewed::Report) => named(
            columns.reports,
            "the report viewed",
            "ReportName or ItemName",
        )?,
        None => return Ok(skipped(activity)),
    };
    let user = named(columns.users, "the user who viewed it", "UserId")?;
    Ok(Mapped::View {
        timestamp: (columns.timestamp, Cow::Borrowed(field(columns.timestamp)?)),
        user: Cow::Borrowed(user),
        dashboard: Cow::Borrowed(dashboard),
    })
}

/// One audit log record, the JSON object in column `audit` (0-based).
fn audit_record<'r>(audit: usize, text: &str) -> Result<Mapped<'r>, FieldError> {
    let bad = |reason: String| (audit, text.to_string(), reason);
    let record: Map<String, Value> = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(record)) => record,
        Ok(_) => {
            return Err(bad(
                "is not a JSON object: AuditData holds each audit record as one JSON object; \
                 re-export the audit log and import the file as it was downloaded"
                    .into(),
            ));
        }
        Err(e) => {
            return Err(bad(format!(
                "is not valid JSON ({e}): AuditData holds each audit record as one JSON \
                 object; re-export the audit log and import the file as it was downloaded \
                 (a spreadsheet may have cut or changed it)"
            )));
        }
    };
    let get = |key: &str| -> Option<&str> {
        record
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    match get("Workload") {
        Some(w) if w.eq_ignore_ascii_case("PowerBI") => {}
        other => {
            return Ok(Mapped::Skipped(format!(
                "Workload = {}",
                other.unwrap_or("(none)")
            )));
        }
    }
    let activity = get("Activity").or_else(|| get("Operation")).unwrap_or("");
    let dashboard = match viewed(activity) {
        Some(Viewed::Dashboard) => get("DashboardName").or_else(|| get("ItemName")),
        Some(Viewed::Report) => get("ReportName").or_else(|| get("ItemName")),
        None => return Ok(skipped(activity)),
    };
    let missing = |what: &str| {
        bad(format!(
            "has no {what}: a {activity} record names what was viewed, who viewed it and when"
        ))
    };
    let dashboard = dashboard.ok_or_else(|| {
        missing(if activity.eq_ignore_ascii_case("ViewDashboard") {
            "DashboardName or ItemName"
        } else {
            "ReportName or ItemName"
        })
    })?;
    let user = get("UserId").ok_or_else(|| missing("UserId"))?;
    let created = get("CreationTime").ok_or_else(|| missing("CreationTime"))?;
    Ok(Mapped::View {
        timestamp: (audit, Cow::Owned(utc(Cow::Borrowed(created)).into_owned())),
        user: Cow::Owned(user.to_string()),
        dashboard: Cow::Owned(dashboard.to_string()),
    })
}

/// The import notice that says which Power BI export was recognised and how it maps;
/// `header` holds the file's own column names.
pub(super) fn describe(columns: &Columns<'_>, header: &[String]) -> String {
    let names = |cols: &[usize]| -> String {
        let mut seen: Vec<&str> = Vec::new();
        for &c in cols {
            if !seen.contains(&header[c].as_str()) {
                seen.push(&header[c]);
            }
        }
        seen.join(" / ")
    };
    if columns.audit_data.is_some() {
        let has = |name: &str| header.iter().any(|h| h.eq_ignore_ascii_case(name));
        let export = if has("RunspaceId") {
            "Microsoft 365 unified audit log (Search-UnifiedAuditLog)"
        } else if has("RecordId") {
            "Microsoft Purview audit search"
        } else {
            "Microsoft 365 audit log search"
        };
        return format!(
            "read as a {export} export: Power BI records are read from the JSON in AuditData — \
             timestamp <- AuditData.CreationTime (UTC, as the audit log records it; {} is not \
             used), user <- AuditData.UserId, dashboard <- AuditData.DashboardName or ItemName \
             (ViewDashboard), AuditData.ReportName or ItemName (ViewReport); records of other \
             workloads are skipped; source = powerbi",
            header[columns.timestamp]
        );
    }
    format!(
        "read as a Power BI activity log export: timestamp <- {} (Power BI records it in \
         UTC and PowerShell writes it unconverted), user <- {}, dashboard <- {} \
         (ViewDashboard), {} (ViewReport); source = powerbi",
        header[columns.timestamp],
        names(columns.users),
        names(columns.dashboards),
        names(columns.reports)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names
            .iter()
            .map(|n| super::super::bi_exports::normalise(n))
            .collect()
    }

    #[test]
    fn a_time_without_a_zone_is_marked_utc_and_one_with_a_zone_is_kept() {
        let marked = |t: &'static str| utc(Cow::Borrowed(t)).into_owned();
        assert_eq!(marked("11/16/2026 9:12:03 AM"), "11/16/2026 9:12:03 AM UTC");
        assert_eq!(marked("16/11/2026 09:12:03"), "16/11/2026 09:12:03 UTC");
        assert_eq!(marked("2026-11-16T09:12:03"), "2026-11-16T09:12:03Z");
        assert_eq!(marked("2026-11-16T09:12:03Z"), "2026-11-16T09:12:03Z");
        assert_eq!(
            marked("2026-11-16T09:12:03+01:00"),
            "2026-11-16T09:12:03+01:00"
        );
        assert_eq!(
            marked("2026-11-16T09:12:03-05:00"),
            "2026-11-16T09:12:03-05:00"
        );
        assert_eq!(marked(""), "");
    }

    #[test]
    fn a_view_the_file_cannot_name_says_which_column_to_export() {
        let names = header(&["CreationTime", "UserId", "Activity", "ReportName"]);
        let r = recognise(&names).unwrap();
        let columns = Columns {
            timestamp: r.timestamp,
            users: &r.users,
            dashboards: &r.dashboards,
            reports: &r.reports,
            activity: Some(r.activity),
            audit_data: None,
        };
        let row = ["2026-11-16T09:12:03Z", "dana@x.com", "ViewDashboard", ""];
        let e = map(&columns, &|i| Ok(row[i])).unwrap_err();
        assert_eq!((e.0, e.1.as_str()), (2, "ViewDashboard"));
        assert!(e.2.contains("no DashboardName or ItemName column"), "{e:?}");
        let row = ["2026-11-16T09:12:03Z", "dana@x.com", "ViewReport", ""];
        let e = map(&columns, &|i| Ok(row[i])).unwrap_err();
        assert_eq!(e.0, 3);
        assert!(
            e.2.starts_with("is empty: a view needs the report viewed"),
            "{e:?}"
        );
    }

    #[test]
    fn the_audit_log_exports_are_recognised_by_auditdata_and_creationdate() {
        for names in [
            &[
                "RunspaceId",
                "RecordType",
                "CreationDate",
                "UserIds",
                "Operations",
                "AuditData",
                "ResultIndex",
                "ResultCount",
                "Identity",
                "IsValid",
                "ObjectState",
            ][..],
            &[
                "RecordId",
                "CreationDate",
                "RecordType",
                "Operation",
                "UserId",
                "AuditData",
                "AssociatedAdminUnits",
                "AssociatedAdminUnitsNames",
            ][..],
            &["CreationDate", "UserIds", "Operations", "AuditData"][..],
        ] {
            let r = recognise(&header(names)).expect("recognised");
            assert_eq!(r.audit_data, names.iter().position(|n| *n == "AuditData"));
            assert_eq!(
                Some(r.timestamp),
                names.iter().position(|n| *n == "CreationDate")
            );
        }
        assert!(recognise(&header(&["CreationTime", "UserId", "Activity"])).is_none());
    }

    fn audit(json: &str) -> Result<Mapped<'static>, FieldError> {
        let columns = Columns {
            timestamp: 0,
            users: &[],
            dashboards: &[],
            reports: &[],
            activity: None,
            audit_data: Some(1),
        };
        let json = json.to_string().leak();
        map(&columns, &|i| Ok(["11/16/2026 9:12:03 AM", &*json][i]))
    }

    #[test]
    fn audit_records_are_views_skips_or_bad_rows() {
        match audit(
            r#"{"CreationTime":"2026-11-16T09:12:03","Workload":"PowerBI","Activity":"ViewDashboard","UserId":"dana@x.com","ItemName":"Exec","DashboardName":"Exec"}"#,
        )
        .unwrap()
        {
            Mapped::View {
                timestamp,
                user,
                dashboard,
            } => {
                assert_eq!(timestamp, (1, Cow::Borrowed("2026-11-16T09:12:03Z")));
                assert_eq!((user.as_ref(), dashboard.as_ref()), ("dana@x.com", "Exec"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            audit(r#"{"Workload":"Exchange","Operation":"MailItemsAccessed"}"#).unwrap(),
            Mapped::Skipped("Workload = Exchange".into())
        );
        assert_eq!(
            audit(r#"{"Workload":"PowerBI","Operation":"ExportReport"}"#).unwrap(),
            Mapped::Skipped("Activity = ExportReport".into())
        );
        let cut = audit(r#"{"Workload":"PowerBI","Activity":"ViewRep"#).unwrap_err();
        assert_eq!(cut.0, 1);
        assert!(cut.2.starts_with("is not valid JSON ("), "{cut:?}");
        let nameless = audit(
            r#"{"CreationTime":"2026-11-16T09:12:03","Workload":"PowerBI","Activity":"ViewReport","UserId":"dana@x.com"}"#,
        )
        .unwrap_err();
        assert!(
            nameless.2.contains("has no ReportName or ItemName"),
            "{nameless:?}"
        );
        assert!(
            audit("[1,2]")
                .unwrap_err()
                .2
                .starts_with("is not a JSON object")
        );
    }
}
