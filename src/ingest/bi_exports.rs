//! The usage exports of the BI tools teams actually run, recognised from their headers and
//! mapped to usage rows: (timestamp in UTC, user, dashboard, source).
//!
//! - Looker System Activity, History explore (labels like `History Created Time` or field
//!   names like `history.created_time`). Only `History Source` values that are a person
//!   opening a dashboard or Look count; a dashboard open is one row per tile, so the rows of
//!   one `History Dashboard Session` are folded into its first row. An export without
//!   `History Source` is refused: it cannot tell schedules and API calls from people.
//! - Metabase: the raw `view_log` table (or it joined to names) and the Usage analytics
//!   collection's "View log" model download. Rows with no user (public links, embeds),
//!   permission denials (`has_access` false) and the card rows a dashboard open logs
//!   (`context = dashboard`) are skipped.
//! - Tableau: Admin Insights' TS Events data source (Tableau Cloud) and the Tableau Server
//!   repository's `historical_events` (the query is beside [`recognise`]). Only `Access View`
//!   on a view counts.
//! - The Power BI activity log.
//!
//! Rows that are not someone viewing a dashboard are skipped and counted by reason, so the
//! import summary says what was left out.

use std::borrow::Cow;
use std::cell::RefCell;

use rustc_hash::FxHashMap;

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
            Tool::Tableau => "Event Name",
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

/// Looker dashboard sessions remembered at once; past this the memory starts afresh (a
/// later tile of a forgotten session then counts as a view of its own), so memory does not
/// grow with the file.
const SESSIONS_HELD: usize = 1 << 16;

/// The first row of each Looker dashboard session: (timestamp text, user, dashboard).
#[derive(Debug, Clone, Default)]
struct Sessions {
    first: FxHashMap<String, (String, String, String)>,
    /// Rows given their session's first row's fields.
    folded: u64,
}

/// How an export names the columns its skip labels quote.
#[derive(Debug, Clone, Copy)]
struct Labels {
    /// The column that says what kind of event a row is.
    event: &'static str,
    /// Metabase: the user id column.
    user_id: &'static str,
    /// Metabase: the permission column.
    has_access: &'static str,
    /// Metabase: the context column.
    context: &'static str,
}

/// Where a recognised export keeps the fields of a view. Column numbers are 0-based
/// indexes into the file's header.
#[derive(Debug, Clone)]
pub struct Export {
    pub tool: Tool,
    /// The export's name in notices, e.g. "Metabase Usage analytics View log".
    name: &'static str,
    labels: Labels,
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
    /// Tableau: `Item Type` (View, Data Source, Workbook …).
    item_type: Option<usize>,
    /// Metabase: the user id, empty (raw table) or 0 (the View log model) for a public
    /// link or an embed.
    user_id: Option<usize>,
    /// Metabase: `has_access`, false for a permission denial.
    has_access: Option<usize>,
    /// Metabase: `context`; `dashboard` on a card row means the card was loaded as part of
    /// a dashboard open, which is logged as its own row.
    context: Option<usize>,
    /// Looker: `History Dashboard Session`, one id per dashboard open.
    session: Option<usize>,
    sessions: RefCell<Sessions>,
    /// Why the file cannot be imported although its tool is recognised.
    refusal: Option<String>,
    /// Said in the import notice: what the export cannot tell.
    warning: Option<&'static str>,
}

/// One row of an export.
#[derive(Debug, PartialEq)]
pub enum Mapped<'r> {
    View {
        /// Column index and text of the timestamp (read it with `dates::Dates::timestamp`);
        /// owned when it comes from inside a field (Power BI's `AuditData` JSON).
        timestamp: (usize, Cow<'r, str>),
        user: Cow<'r, str>,
        dashboard: Cow<'r, str>,
    },
    /// Not a dashboard view; counted under this label, e.g. `Activity = ExportReport`.
    Skipped(String),
}

/// A field that stops a row: (0-based column index, value, reason).
pub type FieldError = (usize, String, String);

/// The first non-empty field of `cols`, in order: where a view's user or name comes
/// from when an export has several columns that may hold it.
pub(super) fn first_filled<'r>(
    cols: &[usize],
    field: &dyn Fn(usize) -> Result<&'r str, FieldError>,
) -> Result<Option<&'r str>, FieldError> {
    for &c in cols {
        let text = field(c)?;
        if !text.is_empty() {
            return Ok(Some(text));
        }
    }
    Ok(None)
}

/// Recognises a BI tool's usage export from its header (names already `normalise`d).
///
/// The Tableau Server repository has no download of its own: an admin runs this query
/// against the `workgroup` database (as the `readonly` user) and saves the result as CSV,
/// e.g. with psql's `\copy (…) TO 'tableau_events.csv' CSV HEADER`. Table and column
/// names are those of Tableau's workgroup data dictionary; `created_at` is UTC.
///
/// ```sql
/// SELECT he.created_at, het.name AS event_name, het.action_type,
///        hu.name AS user_name, hu.email AS user_email,
///        hv.name AS view_name, hw.name AS workbook_name, hs.name AS site_name
/// FROM historical_events he
/// JOIN historical_event_types het ON het.type_id = he.historical_event_type_id
/// LEFT JOIN hist_users hu ON hu.id = he.hist_actor_user_id
/// LEFT JOIN hist_views hv ON hv.id = he.hist_view_id
/// LEFT JOIN hist_workbooks hw ON hw.id = he.hist_workbook_id
/// LEFT JOIN hist_sites hs ON hs.id = he.hist_actor_site_id
/// WHERE he.created_at >= now() - interval '90 days'
/// ORDER BY he.created_at
/// ```
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
    let export = |tool: Tool, timestamp, users: Vec<usize>, dashboards, event| Export {
        tool,
        name: tool.export_name(),
        labels: Labels {
            event: tool.event_label(),
            user_id: "user_id",
            has_access: "has_access",
            context: "context",
        },
        timestamp,
        users,
        dashboards,
        reports: Vec::new(),
        event,
        item_id: None,
        audit_data: None,
        item_type: None,
        user_id: None,
        has_access: None,
        context: None,
        session: None,
        sessions: RefCell::default(),
        refusal: None,
        warning: None,
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
        let source = find(&["history source"]);
        let mut e = export(Tool::Looker, ts, users, dashboards, source);
        e.session = find(&["history dashboard session"]);
        // Refused rather than imported with a warning: without the source every
        // scheduled delivery, alert, API call and dashboard prefetch would count as a
        // person opening the dashboard, and the adoption figures would be silently high.
        // Adding the field and downloading again takes a minute.
        if source.is_none() {
            e.refusal = Some(
                "this Looker System Activity (History) export has no History Source column, so \
                 schedules, alerts, API calls and dashboard prefetches cannot be told from people \
                 opening dashboards: add History > Source (history.source) to the Explore's fields \
                 (with History > Dashboard Session, history.dashboard_session) and download again"
                    .into(),
            );
        } else if e.session.is_none() {
            e.warning = Some(
                "WARNING: this export has no History Dashboard Session column, so each tile of a \
                 dashboard open that did not run in the same second counts as a view of its own: \
                 add History > Dashboard Session (history.dashboard_session) to the Explore's fields",
            );
        }
        return Some(e);
    }

    // Metabase view_log: the application database table, possibly joined to core_user
    // and report_dashboard for names.
    if let (Some(ts), Some(user_id), Some(model), Some(model_id)) = (
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
        if !e.dashboards.is_empty() || e.users.len() > 1 {
            e.name = "Metabase view_log (joined with names)";
        }
        e.item_id = Some(model_id);
        e.user_id = Some(user_id);
        e.has_access = find(&["has access"]);
        e.context = find(&["context"]);
        return Some(e);
    }

    // Metabase Usage analytics collection, the "View log" model (v_view_log), downloaded
    // with its display names.
    if let (Some(ts), Some(user_id), Some(entity_type), Some(entity_id)) = (
        find(&["timestamp"]),
        find(&["user id"]),
        find(&["entity type"]),
        find(&["entity id"]),
    ) {
        let mut e = export(
            Tool::Metabase,
            ts,
            vec![user_id],
            Vec::new(),
            Some(entity_type),
        );
        e.name = "Metabase Usage analytics View log";
        e.labels = Labels {
            event: "Entity Type",
            user_id: "User ID",
            has_access: "Has Access",
            context: "Context",
        };
        e.item_id = Some(entity_id);
        e.user_id = Some(user_id);
        e.has_access = find(&["has access"]);
        e.context = find(&["context"]);
        return Some(e);
    }

    // Tableau Server repository: historical_events joined to historical_event_types and
    // the hist_* tables (the query above).
    let users = all(&["user email", "user name"]);
    if let (Some(ts), Some(event), Some(view)) = (
        find(&["created at"]),
        find(&["event name"]),
        find(&["view name"]),
    ) && !users.is_empty()
    {
        let mut e = export(Tool::Tableau, ts, users, vec![view], Some(event));
        e.name = "Tableau Server repository (historical_events)";
        e.labels.event = "event_name";
        return Some(e);
    }

    // Tableau Admin Insights, TS Events. Actor User Name holds the email address.
    let users = all(&["actor user name", "actor user id"]);
    if let (Some(ts), Some(item), Some(event)) = (
        find(&["event date"]),
        find(&["item name"]),
        find(&["event name"]),
    ) && !users.is_empty()
    {
        let mut e = export(Tool::Tableau, ts, users, vec![item], Some(event));
        e.item_type = find(&["item type"]);
        return Some(e);
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

/// Looker History sources that are a person opening a dashboard or a Look. Everything
/// else — Scheduled Task, Dashboard Prefetch, Suggest Filter, Renderer, API, Regenerator,
/// SQL Runner, Explore, Public Embed, Other … — is skipped and counted.
fn looker_person_source(source: &str) -> bool {
    matches!(
        source.to_ascii_lowercase().as_str(),
        "dashboard" | "look" | "saved look" | "private embed"
    )
}

/// An id as a formatted download may write it, `1,204`, as the plain number `1204`.
fn plain_id(id: &str) -> Cow<'_, str> {
    if id.contains(',') && id.chars().all(|c| c.is_ascii_digit() || c == ',') {
        Cow::Owned(id.replace(',', ""))
    } else {
        Cow::Borrowed(id)
    }
}

/// A permission column's value for a denial: `false` as Metabase's API and CSV write it,
/// `f` as psql writes a boolean, or `0`/`no`.
fn denied(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "false" | "f" | "0" | "no"
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
            .chain(self.item_type)
            .chain(self.user_id)
            .chain(self.has_access)
            .chain(self.context)
            .chain(self.session)
    }

    /// Why this file cannot be imported although its export is recognised (the header
    /// lacks a column the count depends on); the message says which field to add.
    pub fn refusal(&self) -> Option<&str> {
        self.refusal.as_deref()
    }

    /// Looker: rows that were further tiles of a dashboard open already read, given that
    /// open's timestamp, user and dashboard (so the import counts them once).
    pub fn folded(&self) -> u64 {
        self.sessions.borrow().folded
    }

    /// "12 rows were further tiles of a dashboard open …", when any were.
    pub fn folded_notice(&self) -> Option<String> {
        let n = self.folded();
        (n > 0).then(|| {
            format!(
                "{n} {} of a dashboard open already read (same dashboard session): folded into that open's view",
                if n == 1 {
                    "row was a further tile"
                } else {
                    "rows were further tiles"
                }
            )
        })
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
                let (kind, id) = (
                    self.event.map_or("", |i| header[i].as_str()),
                    self.item_id.map_or("", |i| header[i].as_str()),
                );
                format!("{kind} and {id} (the export has no name column)")
            }
            _ => names(&self.dashboards),
        };
        let mut text = format!(
            "read as a {} export: timestamp <- {} (its own offset if written, else the --tz zone, else UTC), user <- {}, dashboard <- {}; source = {}",
            self.name,
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
        if let Some(session) = self.session {
            text.push_str(&format!("; rows of one {} are one view", header[session]));
        }
        if let Some(warning) = self.warning {
            text.push_str("; ");
            text.push_str(warning);
        }
        text
    }

    /// Maps one row; `field(i)` gives the trimmed text of column `i`.
    pub fn map<'r>(
        &self,
        field: &dyn Fn(usize) -> Result<&'r str, FieldError>,
    ) -> Result<Mapped<'r>, FieldError> {
        let first = |cols: &[usize]| first_filled(cols, field);
        let event = match self.event {
            Some(i) => field(i)?,
            None => "",
        };
        let shown = |what: &'r str| if what.is_empty() { "(empty)" } else { what };
        let skipped = |what: &str| {
            let value = if what.is_empty() { "(empty)" } else { what };
            Ok(Mapped::Skipped(format!("{} = {value}", self.labels.event)))
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
                if !looker_person_source(event) {
                    return skipped(event);
                }
                match first(&self.dashboards)? {
                    Some(d) => Cow::Borrowed(d),
                    // An Explore or SQL Runner query: no dashboard was viewed.
                    None => {
                        return Ok(Mapped::Skipped(format!(
                            "no dashboard or Look (History Source = {})",
                            shown(event)
                        )));
                    }
                }
            }
            Tool::Metabase => {
                let model = event.to_ascii_lowercase();
                if model != "dashboard" && model != "card" {
                    return skipped(event);
                }
                if let Some(i) = self.user_id {
                    let id = field(i)?;
                    if id.is_empty() || id == "0" {
                        return Ok(Mapped::Skipped(format!(
                            "no {} (a public link or an embed)",
                            self.labels.user_id
                        )));
                    }
                }
                if let Some(i) = self.has_access {
                    let access = field(i)?;
                    if denied(access) {
                        return Ok(Mapped::Skipped(format!(
                            "{} = {access} (permission denied)",
                            self.labels.has_access
                        )));
                    }
                }
                if model == "card"
                    && let Some(i) = self.context
                    && field(i)?.eq_ignore_ascii_case("dashboard")
                {
                    return Ok(Mapped::Skipped(format!(
                        "card of a dashboard open ({} = dashboard)",
                        self.labels.context
                    )));
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
                        Cow::Owned(format!("{what} {}", plain_id(id)))
                    }
                }
            }
            Tool::Tableau => {
                // Only opening a view: Access Data Source, Login, Publish Workbook … are
                // not someone looking at a dashboard.
                if !event.eq_ignore_ascii_case("access view") {
                    return skipped(event);
                }
                if let Some(i) = self.item_type {
                    let kind = field(i)?;
                    if !kind.is_empty() && !kind.eq_ignore_ascii_case("view") {
                        return Ok(Mapped::Skipped(format!(
                            "{} = {event} on Item Type = {kind}",
                            self.labels.event
                        )));
                    }
                }
                Cow::Borrowed(named(&self.dashboards, "the viewed item's name")?)
            }
            Tool::PowerBi => return super::powerbi::map(&self.power_bi(), field),
        };
        let user = named(&self.users, "the user who viewed it")?;
        // A Metabase export without names keys users by id, which a formatted download
        // may write as `1,204`.
        let user = if self.tool == Tool::Metabase && self.users.len() == 1 {
            plain_id(user)
        } else {
            Cow::Borrowed(user)
        };
        let timestamp = field(self.timestamp)?;
        if let Some(i) = self.session {
            let session = field(i)?;
            if !session.is_empty() {
                let mut sessions = self.sessions.borrow_mut();
                if let Some((t, u, d)) = sessions.first.get(session) {
                    let view = Mapped::View {
                        timestamp: (self.timestamp, Cow::Owned(t.clone())),
                        user: Cow::Owned(u.clone()),
                        dashboard: Cow::Owned(d.clone()),
                    };
                    sessions.folded += 1;
                    return Ok(view);
                }
                if sessions.first.len() >= SESSIONS_HELD {
                    sessions.first.clear();
                }
                sessions.first.insert(
                    session.to_string(),
                    (
                        timestamp.to_string(),
                        user.to_string(),
                        dashboard.to_string(),
                    ),
                );
            }
        }
        Ok(Mapped::View {
            timestamp: (self.timestamp, Cow::Borrowed(timestamp)),
            user,
            dashboard,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| normalise(n)).collect()
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
                "Event Name",
                "Event Type",
                "Actor User Name",
                "Item Name",
                "Item Type"
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

    /// Maps a row of `names`-headed export `e` given as text fields.
    fn map_row<'r>(e: &Export, fields: &'r [&'r str]) -> Mapped<'r> {
        e.map(&|i| Ok(fields[i])).unwrap()
    }

    #[test]
    fn the_new_headers_are_recognised_by_their_real_names() {
        let name = |names: &[&str]| recognise(&header(names)).map(|e| e.name);
        assert_eq!(
            name(&[
                "created_at",
                "event_name",
                "action_type",
                "user_name",
                "user_email",
                "view_name"
            ]),
            Some("Tableau Server repository (historical_events)")
        );
        assert_eq!(
            name(&[
                "ID",
                "Timestamp",
                "User ID",
                "Entity Type",
                "Entity ID",
                "Entity Qualified ID",
                "Context"
            ]),
            Some("Metabase Usage analytics View log")
        );
        // Tableau's TS Events has no field called Event Type Name.
        assert_eq!(
            name(&[
                "Event Date",
                "Event Type Name",
                "Actor User Name",
                "Item Name"
            ]),
            None
        );
        let looker = recognise(&header(&[
            "History Created Time",
            "User Email",
            "Dashboard Title",
        ]))
        .unwrap();
        assert!(looker.refusal().unwrap().contains("history.source"));
    }

    #[test]
    fn tableau_counts_access_view_on_a_view_only() {
        let e = recognise(&header(&[
            "Event Date",
            "Event Name",
            "Item Type",
            "Item Name",
            "Actor User Name",
        ]))
        .unwrap();
        let t = "11/16/2026 9:12:03 AM";
        assert!(matches!(
            map_row(&e, &[t, "Access View", "View", "Exec", "a@x.com"]),
            Mapped::View { .. }
        ));
        assert_eq!(
            map_row(&e, &[t, "Access View", "Workbook", "Exec", "a@x.com"]),
            Mapped::Skipped("Event Name = Access View on Item Type = Workbook".into())
        );
        assert_eq!(
            map_row(
                &e,
                &[t, "Access Data Source", "Data Source", "Pipe", "a@x.com"]
            ),
            Mapped::Skipped("Event Name = Access Data Source".into())
        );
    }

    #[test]
    fn metabase_formatted_ids_are_plain_numbers() {
        let e = recognise(&header(&[
            "Timestamp",
            "User ID",
            "Entity Type",
            "Entity ID",
        ]))
        .unwrap();
        assert_eq!(
            map_row(&e, &["2026-11-17T08:02:00Z", "1,024", "dashboard", "1,204"]),
            Mapped::View {
                timestamp: (0, Cow::Borrowed("2026-11-17T08:02:00Z")),
                user: Cow::Borrowed("1024"),
                dashboard: Cow::Borrowed("dashboard 1204"),
            }
        );
    }

    #[test]
    fn metabase_denials_read_in_each_spelling() {
        let e = recognise(&header(&[
            "timestamp",
            "user_id",
            "model",
            "model_id",
            "has_access",
        ]))
        .unwrap();
        for denial in ["false", "f", "FALSE", "0"] {
            assert_eq!(
                map_row(
                    &e,
                    &["2026-11-16 09:12:04+00", "3", "dashboard", "12", denial]
                ),
                Mapped::Skipped(format!("has_access = {denial} (permission denied)"))
            );
        }
        assert!(matches!(
            map_row(
                &e,
                &["2026-11-16 09:12:04+00", "3", "dashboard", "12", "true"]
            ),
            Mapped::View { .. }
        ));
    }

    #[test]
    fn looker_rows_of_one_dashboard_session_take_its_first_rows_fields() {
        let e = recognise(&header(&[
            "history.created_time",
            "user.email",
            "dashboard.title",
            "history.source",
            "history.dashboard_session",
        ]))
        .unwrap();
        let first = map_row(
            &e,
            &["2026-11-16 09:12:04", "a@x.com", "Exec", "Dashboard", "s1"],
        );
        let later = map_row(
            &e,
            &["2026-11-16 09:12:09", "a@x.com", "Exec", "Dashboard", "s1"],
        );
        assert_eq!(first, later);
        let other = map_row(
            &e,
            &["2026-11-16 09:12:09", "a@x.com", "Exec", "Dashboard", "s2"],
        );
        assert_ne!(first, other);
        assert_eq!(e.folded(), 1);
        // A prefetch is not a view and does not open a session.
        assert_eq!(
            map_row(
                &e,
                &[
                    "2026-11-16 09:20:00",
                    "a@x.com",
                    "Exec",
                    "Dashboard Prefetch",
                    "s3"
                ]
            ),
            Mapped::Skipped("History Source = Dashboard Prefetch".into())
        );
        assert_eq!(e.folded(), 1);
    }
}
