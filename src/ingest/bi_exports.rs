//! The usage exports of the BI tools teams actually run — Looker System Activity
//! (History explore), Metabase `view_log`, Tableau Admin Insights (TS Events) and the
//! Power BI activity log — recognised from their headers and mapped to usage rows:
//! (timestamp in UTC, user, dashboard, source). Rows that are not someone viewing a
//! dashboard (a Tableau login, a Power BI export, a Looker schedule) are skipped and
//! counted, so the import summary says what was left out.

use std::borrow::Cow;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// A BI tool whose usage export rhythm reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Looker,
    Metabase,
    Tableau,
    PowerBi,
}

impl Tool {
    /// The value stored in `usage_event.source`.
    pub fn source(self) -> &'static str {
        match self {
            Tool::Looker => "looker",
            Tool::Metabase => "metabase",
            Tool::Tableau => "tableau",
            Tool::PowerBi => "powerbi",
        }
    }

    /// The export's name, as its users know it.
    pub fn export_name(self) -> &'static str {
        match self {
            Tool::Looker => "Looker System Activity (History)",
            Tool::Metabase => "Metabase view_log",
            Tool::Tableau => "Tableau Admin Insights (TS Events)",
            Tool::PowerBi => "Power BI activity log",
        }
    }

    /// The column that says what kind of event a row is, as the tool names it.
    fn event_label(self) -> &'static str {
        match self {
            Tool::Looker => "History Source",
            Tool::Metabase => "model",
            Tool::Tableau => "Event Type Name",
            Tool::PowerBi => "Activity",
        }
    }
}

/// A header name reduced to lower-case words, so `History Created Time`,
/// `history.created_time` and `HISTORY_CREATED_TIME` are all `history created time`.
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name
        .trim_start_matches('\u{feff}')
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.to_lowercase());
    }
    out
}

/// Where a recognised export keeps the fields of a view. Column numbers are 0-based
/// indexes into the file's header.
#[derive(Debug, Clone)]
pub struct Export {
    pub tool: Tool,
    timestamp: usize,
    /// Columns naming the user, most useful first: the first non-empty one wins.
    users: Vec<usize>,
    /// Columns naming the dashboard (Power BI: for ViewDashboard), first non-empty wins.
    dashboards: Vec<usize>,
    /// Power BI: columns naming the report, for ViewReport.
    reports: Vec<usize>,
    /// The column that says what kind of event a row is.
    event: Option<usize>,
    /// Metabase: `model_id`, to name an item when the export has no name column.
    item_id: Option<usize>,
    /// Power BI, the Microsoft 365 audit log: `AuditData`, each record as JSON.
    audit_data: Option<usize>,
}

/// One row of an export.
#[derive(Debug, PartialEq)]
pub enum Mapped<'r> {
    View {
        /// Column index and text of the timestamp (parse it with [`timestamp`]); owned
        /// when it comes from inside a field (Power BI's `AuditData` JSON).
        timestamp: (usize, Cow<'r, str>),
        user: Cow<'r, str>,
        dashboard: Cow<'r, str>,
    },
    /// Not a dashboard view; counted under this label, e.g. `Activity = ExportReport`.
    Skipped(String),
}

/// A field that stops a row: (0-based column index, value, reason).
pub type FieldError = (usize, String, String);

/// Recognises a BI tool's usage export from its header (names already `normalise`d).
pub fn recognise(names: &[String]) -> Option<Export> {
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
    let export = |tool, timestamp, users: Vec<usize>, dashboards, event| Export {
        tool,
        timestamp,
        users,
        dashboards,
        reports: Vec::new(),
        event,
        item_id: None,
        audit_data: None,
    };

    // Looker System Activity, History explore (labels or field names).
    let created = find(&[
        "history created time",
        "history created at",
        "history created date",
    ]);
    let users = all(&["user email", "user name", "user id"]);
    let dashboards = all(&["dashboard title", "look title"]);
    if let Some(ts) = created
        && !users.is_empty()
        && !dashboards.is_empty()
    {
        return Some(export(
            Tool::Looker,
            ts,
            users,
            dashboards,
            find(&["history source"]),
        ));
    }

    // Metabase view_log (the application database table, possibly joined to core_user
    // and report_dashboard for names).
    if let (Some(ts), Some(_), Some(model), Some(model_id)) = (
        find(&["timestamp"]),
        find(&["user id"]),
        find(&["model"]),
        find(&["model id"]),
    ) {
        let users = all(&[
            "email",
            "user email",
            "user",
            "user name",
            "common name",
            "user display name",
            "user id",
        ]);
        let dashboards = all(&[
            "dashboard name",
            "dashboard",
            "dashboard title",
            "entity name",
            "item name",
            "card name",
            "question name",
            "model name",
        ]);
        let mut e = export(Tool::Metabase, ts, users, dashboards, Some(model));
        e.item_id = Some(model_id);
        return Some(e);
    }

    // Tableau Admin Insights, TS Events.
    let users = all(&["actor user email", "actor email", "actor user name"]);
    if let (Some(ts), Some(item), Some(event)) = (
        find(&["event date"]),
        find(&["item name"]),
        find(&["event type name"]),
    ) && !users.is_empty()
    {
        return Some(export(Tool::Tableau, ts, users, vec![item], Some(event)));
    }

    // Power BI: the activity log from any PowerShell, or the Microsoft 365 audit log.
    if let Some(p) = super::powerbi::recognise(names) {
        let mut e = export(
            Tool::PowerBi,
            p.timestamp,
            p.users,
            p.dashboards,
            Some(p.activity),
        );
        e.reports = p.reports;
        e.audit_data = p.audit_data;
        return Some(e);
    }
    None
}

/// Looker History sources that are machines, not people, looking at a dashboard.
fn automated_looker_source(source: &str) -> bool {
    let s = source.to_ascii_lowercase();
    s.starts_with("api")
        || s.contains("schedul")
        || s.contains("alert")
        || s.contains("regenerator")
        || s.contains("pdt")
        || s == "suggest"
        || s == "renderer"
}

/// Tableau event types that are someone opening a view.
fn tableau_view(event: &str) -> bool {
    matches!(
        event.to_ascii_lowercase().as_str(),
        "access view" | "access authoring view" | "access" | "view"
    )
}

impl Export {
    /// The Power BI columns, for [`super::powerbi`].
    fn power_bi(&self) -> super::powerbi::Columns<'_> {
        super::powerbi::Columns {
            timestamp: self.timestamp,
            users: &self.users,
            dashboards: &self.dashboards,
            reports: &self.reports,
            activity: self.event,
            audit_data: self.audit_data,
        }
    }

    /// The columns a row's mapping may read (for encoding checks). Power BI's
    /// `AuditData` is not among them: the audit log's records of other workloads can be
    /// long, and only a Power BI record's few fields are read from it.
    pub fn columns(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.timestamp)
            .chain(self.users.iter().copied())
            .chain(self.dashboards.iter().copied())
            .chain(self.reports.iter().copied())
            .chain(self.event)
            .chain(self.item_id)
    }

    /// The import notice that says which export was recognised and how it maps;
    /// `header` holds the file's own column names.
    pub fn describe(&self, header: &[String]) -> String {
        if self.tool == Tool::PowerBi {
            return super::powerbi::describe(&self.power_bi(), header);
        }
        let names = |cols: &[usize]| -> String {
            let mut seen: Vec<&str> = Vec::new();
            for &c in cols {
                if !seen.contains(&header[c].as_str()) {
                    seen.push(&header[c]);
                }
            }
            seen.join(" / ")
        };
        let dashboards = match self.tool {
            Tool::Metabase if self.dashboards.is_empty() => {
                "model and model_id (the export has no name column)".to_string()
            }
            _ => names(&self.dashboards),
        };
        let mut text = format!(
            "read as a {} export: timestamp <- {} (UTC unless it carries an offset), user <- {}, dashboard <- {}; source = {}",
            self.tool.export_name(),
            header[self.timestamp],
            names(&self.users),
            dashboards,
            self.tool.source()
        );
        if self.tool == Tool::Metabase && self.users.len() == 1 {
            text.push_str(
                "; this export has no user email or name column, so users are Metabase user ids: list them in the charter's bi_users",
            );
        }
        text
    }

    /// Maps one row; `field(i)` gives the trimmed text of column `i`.
    pub fn map<'r>(
        &self,
        field: &dyn Fn(usize) -> Result<&'r str, FieldError>,
    ) -> Result<Mapped<'r>, FieldError> {
        let first = |cols: &[usize]| -> Result<Option<&'r str>, FieldError> {
            for &c in cols {
                let text = field(c)?;
                if !text.is_empty() {
                    return Ok(Some(text));
                }
            }
            Ok(None)
        };
        let event = match self.event {
            Some(i) => field(i)?,
            None => "",
        };
        let skipped = |what: &str| {
            let value = if what.is_empty() { "(empty)" } else { what };
            Ok(Mapped::Skipped(format!(
                "{} = {value}",
                self.tool.event_label()
            )))
        };
        let named = |cols: &[usize], what: &str| -> Result<&'r str, FieldError> {
            first(cols)?.ok_or_else(|| {
                let at = cols
                    .first()
                    .copied()
                    .or(self.event)
                    .unwrap_or(self.timestamp);
                (at, String::new(), format!("is empty: a view needs {what}"))
            })
        };
        let dashboard: Cow<'r, str> = match self.tool {
            Tool::Looker => {
                if automated_looker_source(event) {
                    return skipped(event);
                }
                match first(&self.dashboards)? {
                    Some(d) => Cow::Borrowed(d),
                    // An Explore or SQL Runner query: no dashboard was viewed.
                    None => {
                        return Ok(Mapped::Skipped(format!(
                            "no dashboard or Look (History Source = {})",
                            if event.is_empty() { "(empty)" } else { event }
                        )));
                    }
                }
            }
            Tool::Metabase => {
                let model = event.to_ascii_lowercase();
                if model != "dashboard" && model != "card" {
                    return skipped(event);
                }
                match first(&self.dashboards)? {
                    Some(d) => Cow::Borrowed(d),
                    None => {
                        let id = match self.item_id {
                            Some(i) => field(i)?,
                            None => "",
                        };
                        if id.is_empty() {
                            let at = self.item_id.unwrap_or(self.timestamp);
                            return Err((at, String::new(), "is empty: a view needs the id of what was viewed (or a dashboard name column)".into()));
                        }
                        let what = if model == "card" {
                            "question"
                        } else {
                            "dashboard"
                        };
                        Cow::Owned(format!("{what} {id}"))
                    }
                }
            }
            Tool::Tableau => {
                if !tableau_view(event) {
                    return skipped(event);
                }
                Cow::Borrowed(named(&self.dashboards, "the viewed item's name")?)
            }
            Tool::PowerBi => return super::powerbi::map(&self.power_bi(), field),
        };
        let user = named(&self.users, "the user who viewed it")?;
        Ok(Mapped::View {
            timestamp: (self.timestamp, Cow::Borrowed(field(self.timestamp)?)),
            user: Cow::Borrowed(user),
            dashboard,
        })
    }
}

/// A timestamp as BI tools export it, in UTC: ISO 8601 with or without an offset (an
/// offset is converted; none means UTC), a trailing ` UTC`, Postgres' `+00`, or the
/// US `M/D/YYYY h:mm:ss AM/PM` that Tableau and Power BI write through Excel.
/// The year must be in [`super::cells::YEARS`].
pub fn timestamp(text: &str) -> Result<NaiveDateTime, String> {
    let t = any_timestamp(text)?;
    super::cells::in_range(t.year())?;
    Ok(t)
}

fn any_timestamp(text: &str) -> Result<NaiveDateTime, String> {
    if let Ok(t) = super::cells::any_timestamp(text) {
        return Ok(t);
    }
    let bare = text
        .strip_suffix(" UTC")
        .or_else(|| text.strip_suffix(" GMT"))
        .unwrap_or(text)
        .trim();
    if bare != text
        && let Ok(t) = super::cells::any_timestamp(bare)
    {
        return Ok(t);
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%#z",
        "%Y-%m-%d %H:%M:%S%.f %#z",
        "%Y-%m-%dT%H:%M:%S%.f %#z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(bare, format) {
            return Ok(t.with_timezone(&Utc).naive_utc());
        }
    }
    for format in [
        "%m/%d/%Y %I:%M:%S %p",
        "%m/%d/%Y %I:%M %p",
        "%m/%d/%Y %H:%M:%S",
        "%m/%d/%Y %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(bare, format) {
            return Ok(t);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(bare, "%m/%d/%Y") {
        return Ok(d.and_time(NaiveTime::MIN));
    }
    Err("not a timestamp rhythm reads: write YYYY-MM-DDTHH:MM:SS with Z or an offset (none means UTC), or M/D/YYYY h:mm:ss AM/PM".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| normalise(n)).collect()
    }

    fn text(t: NaiveDateTime) -> String {
        super::super::cells::timestamp_text(t)
    }

    #[test]
    fn header_names_are_normalised() {
        assert_eq!(normalise("History Created Time"), "history created time");
        assert_eq!(
            normalise("\u{feff}history.created_time"),
            "history created time"
        );
        assert_eq!(normalise(" CreationTime "), "creationtime");
    }

    #[test]
    fn each_tool_is_recognised_and_plain_usage_is_not() {
        let tool = |names: &[&str]| recognise(&header(names)).map(|e| e.tool);
        assert_eq!(
            tool(&[
                "History Created Time",
                "User Email",
                "Dashboard Title",
                "Look Title",
                "History Source"
            ]),
            Some(Tool::Looker)
        );
        assert_eq!(
            tool(&[
                "id",
                "timestamp",
                "user_id",
                "model",
                "model_id",
                "has_access"
            ]),
            Some(Tool::Metabase)
        );
        assert_eq!(
            tool(&[
                "Event Date",
                "Actor User Name",
                "Event Type Name",
                "Item Name"
            ]),
            Some(Tool::Tableau)
        );
        assert_eq!(
            tool(&[
                "Id",
                "CreationTime",
                "UserId",
                "Activity",
                "ReportName",
                "DashboardName"
            ]),
            Some(Tool::PowerBi)
        );
        assert_eq!(tool(&["timestamp", "user", "dashboard", "source"]), None);
    }

    #[test]
    fn timestamps_in_the_tools_formats_become_utc() {
        let cases = [
            ("2026-03-02 10:15:00", "2026-03-02T10:15:00"),
            ("2026-03-02 10:15:00 UTC", "2026-03-02T10:15:00"),
            ("2026-03-02T10:15:00.1234567Z", "2026-03-02T10:15:00"),
            ("2026-03-02 10:15:00.123456+00", "2026-03-02T10:15:00"),
            ("2026-03-02T10:15:00.123+01", "2026-03-02T09:15:00"),
            ("2026-03-02 10:15:00 -0500", "2026-03-02T15:15:00"),
            ("3/2/2026 2:05:09 PM", "2026-03-02T14:05:09"),
            ("03/02/2026 12:05 AM", "2026-03-02T00:05:00"),
            ("3/2/2026 14:05", "2026-03-02T14:05:00"),
        ];
        for (input, want) in cases {
            assert_eq!(timestamp(input).map(text).as_deref(), Ok(want), "{input}");
        }
        assert!(timestamp("13/30/2026 1:00 PM").is_err());
        assert!(timestamp("yesterday").is_err());
        assert!(
            timestamp("3/2/1066 2:05:09 PM")
                .unwrap_err()
                .contains("out of range")
        );
    }

    #[test]
    fn power_bi_rows_pick_the_dashboard_or_report_and_skip_the_rest() {
        let names = header(&[
            "CreationTime",
            "UserId",
            "Activity",
            "DashboardName",
            "ReportName",
            "ItemName",
        ]);
        let e = recognise(&names).unwrap();
        let row = |fields: [&'static str; 6]| e.map(&|i| Ok(fields[i])).unwrap();
        match row([
            "2026-03-02T10:00:00Z",
            "dana@x.com",
            "ViewReport",
            "",
            "Pipeline",
            "Pipeline",
        ]) {
            Mapped::View {
                user, dashboard, ..
            } => assert_eq!(
                (user.as_ref(), dashboard.as_ref()),
                ("dana@x.com", "Pipeline")
            ),
            other => panic!("{other:?}"),
        }
        match row([
            "2026-03-02T10:00:00Z",
            "dana@x.com",
            "ViewDashboard",
            "Exec",
            "",
            "Exec",
        ]) {
            Mapped::View { dashboard, .. } => assert_eq!(dashboard, "Exec"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            row([
                "2026-03-02T10:00:00Z",
                "dana@x.com",
                "ExportReport",
                "",
                "Pipeline",
                ""
            ]),
            Mapped::Skipped("Activity = ExportReport".into())
        );
        let missing = e
            .map(&|i| Ok(["2026-03-02T10:00:00Z", "", "ViewReport", "", "Pipeline", ""][i]))
            .unwrap_err();
        assert_eq!(missing.0, 1);
        assert!(missing.2.contains("user"), "{missing:?}");
    }
}
