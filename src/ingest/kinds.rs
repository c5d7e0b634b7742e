//! The import kinds' columns, types and natural keys (SPEC.md's table).

pub use crate::facts::Kind;

/// How a field is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// A date; normalised to the first day of its week (charter week_start).
    Week,
    Date,
    /// `YYYY-MM` or a date; normalised to the first of the month.
    Month,
    /// A timestamp stored as UTC seconds since the epoch.
    Epoch,
    /// A timestamp stored as UTC text.
    Timestamp,
    /// Money: a plain decimal from 0 to [`cells::MAX_AMOUNT`](super::cells::MAX_AMOUNT).
    Money,
    /// The value of the row's KPI (the first column), in the range the charter allows
    /// that KPI's unit ([`cells::kpi_value`](super::cells::kpi_value)).
    KpiValue,
    /// A whole count from 0 to [`cells::MAX_COUNT`](super::cells::MAX_COUNT).
    Count,
    /// An NPS answer, 0 to 10.
    Score,
    Text,
    /// A channel of the charter, by id or alias (ignoring case); stored as the id.
    Channel,
    /// A KPI id of the charter.
    KpiId,
    /// A deliverable id of the charter.
    DeliverableId,
    /// A date normalised to the start of the period of the row's KPI or deliverable
    /// (the row's first column).
    Period,
    /// An experiment's method: geo-lift, holdout or conversion-lift; stored in that form.
    Method,
    /// A measured lift, currency: a plain decimal from -1e15 to 1e15 (a test can measure
    /// a loss).
    Lift,
    /// A standard error, currency: a plain decimal above 0, at most 1e15.
    StdError,
    /// Yes or no: `true`/`false`, `yes`/`no`, `1`/`0`, `won`/`lost`; stored as 1 or 0.
    Flag,
    /// An opportunity's type: new business, renewal or expansion (see
    /// [`cells::deal_type`](super::cells::deal_type)).
    DealType,
    /// An e-mail address: trimmed and lower-cased, then pseudonymised under the store's
    /// key when the charter pseudonymises personal data; only ever used to match records.
    Email,
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    pub ty: Ty,
}

const fn req(name: &'static str, ty: Ty) -> Column {
    Column {
        name,
        required: true,
        ty,
    }
}

const fn opt(name: &'static str, ty: Ty) -> Column {
    Column {
        name,
        required: false,
        ty,
    }
}

/// Columns in store order; the first `key_len` form the natural key.
pub struct KindDef {
    pub table: &'static str,
    pub columns: &'static [Column],
    pub key_len: usize,
}

const CHANNELS: KindDef = KindDef {
    table: "channel_week",
    columns: &[
        req("week", Ty::Week),
        req("channel", Ty::Channel),
        opt("geo", Ty::Text),
        req("spend", Ty::Money),
        req("leads", Ty::Count),
        req("mqls", Ty::Count),
        req("sqls", Ty::Count),
        req("pipeline", Ty::Money),
        opt("sessions", Ty::Count),
        opt("opportunities", Ty::Count),
        opt("closed_won", Ty::Count),
    ],
    key_len: 3,
};

const KPIS: KindDef = KindDef {
    table: "kpi_value",
    columns: &[
        req("kpi", Ty::KpiId),
        req("period_start", Ty::Period),
        req("value", Ty::KpiValue),
        opt("note", Ty::Text),
    ],
    key_len: 2,
};

const PLAN: KindDef = KindDef {
    table: "plan",
    columns: &[
        req("month", Ty::Month),
        req("channel", Ty::Channel),
        req("budget", Ty::Money),
        opt("pipeline_target", Ty::Money),
        opt("mql_target", Ty::Count),
    ],
    key_len: 2,
};

const DELIVERIES: KindDef = KindDef {
    table: "delivery",
    columns: &[
        req("deliverable", Ty::DeliverableId),
        req("period_start", Ty::Period),
        req("delivered_at", Ty::Timestamp),
        opt("link", Ty::Text),
        opt("note", Ty::Text),
    ],
    key_len: 2,
};

const USAGE: KindDef = KindDef {
    table: "usage_event",
    columns: &[
        req("timestamp", Ty::Epoch),
        req("user", Ty::Text),
        req("dashboard", Ty::Text),
        opt("source", Ty::Text),
    ],
    key_len: 3,
};

const NPS: KindDef = KindDef {
    table: "nps_response",
    columns: &[
        req("date", Ty::Date),
        req("respondent", Ty::Text),
        req("score", Ty::Score),
        opt("role", Ty::Text),
        opt("comment", Ty::Text),
    ],
    key_len: 2,
};

const RECONCILIATION: KindDef = KindDef {
    table: "reconciliation",
    columns: &[
        req("week", Ty::Week),
        req("metric", Ty::Text),
        req("map_count", Ty::Count),
        req("crm_count", Ty::Count),
    ],
    key_len: 2,
};

/// One row per experiment, keyed by channel + start + end (SPEC.md): a re-import of the
/// same channel and days replaces it. Each row gives `std_error` or the 90% interval
/// `low`, `high` (`experiments` checks the row as a whole; the store keeps the standard
/// error either way). `kind` is the method (the header may say `method`), unknown when
/// empty; `name`, when empty, is made from the channel and days on load.
const EXPERIMENTS: KindDef = KindDef {
    table: "experiment",
    columns: &[
        req("channel", Ty::Channel),
        req("start", Ty::Date),
        req("end", Ty::Date),
        req("incremental_pipeline", Ty::Lift),
        opt("std_error", Ty::StdError),
        opt("low", Ty::Lift),
        opt("high", Ty::Lift),
        opt("kind", Ty::Method),
        opt("note", Ty::Text),
        opt("name", Ty::Text),
    ],
    key_len: 3,
};

/// One row per lead or contact, keyed by the source system's id. Timestamps are UTC
/// (a bare date is midnight); `mql_at` and `sql_at` are when the lead crossed each stage,
/// empty if it has not. `system` names where the record lives (`hubspot`, `salesforce`,
/// `marketo`, or as a native file says): the MAP-vs-CRM reconciliation compares systems.
/// A vendor export's ids are stored as `system:id`, so two systems' ids never collide.
const LEADS: KindDef = KindDef {
    table: "lead",
    columns: &[
        req("id", Ty::Text),
        req("created", Ty::Timestamp),
        req("source", Ty::Text),
        opt("mql_at", Ty::Timestamp),
        opt("sql_at", Ty::Timestamp),
        opt("geo", Ty::Text),
        opt("segment", Ty::Text),
        opt("first_response_at", Ty::Timestamp),
        opt("system", Ty::Text),
        opt("email", Ty::Email),
    ],
    key_len: 1,
};

/// One row per CRM opportunity, keyed by its id. `won` is empty while it is open.
const OPPORTUNITIES: KindDef = KindDef {
    table: "opportunity",
    columns: &[
        req("id", Ty::Text),
        req("created", Ty::Timestamp),
        req("amount", Ty::Money),
        req("source", Ty::Text),
        req("stage", Ty::Text),
        opt("close_date", Ty::Date),
        opt("won", Ty::Flag),
        opt("type", Ty::DealType),
        opt("geo", Ty::Text),
        opt("system", Ty::Text),
    ],
    key_len: 1,
};

/// Ad cost per day (the header may say `week`: a week's total, dated by any day in it),
/// platform and campaign.
const SPEND: KindDef = KindDef {
    table: "spend",
    columns: &[
        req("date", Ty::Date),
        req("platform", Ty::Text),
        req("campaign", Ty::Text),
        req("cost", Ty::Money),
        opt("account", Ty::Text),
        opt("impressions", Ty::Count),
        opt("clicks", Ty::Count),
    ],
    key_len: 3,
};

/// Other header names a column of a kind is read from: (kind, column, synonym). A header
/// with both names is refused.
pub const SYNONYMS: &[(Kind, &str, &str)] = &[
    (Kind::Experiments, "kind", "method"),
    (Kind::Spend, "date", "week"),
];

/// What `kind`'s file holds: its table, columns and natural key.
pub fn def(kind: Kind) -> &'static KindDef {
    match kind {
        Kind::Channels => &CHANNELS,
        Kind::Kpis => &KPIS,
        Kind::Plan => &PLAN,
        Kind::Deliveries => &DELIVERIES,
        Kind::Usage => &USAGE,
        Kind::Nps => &NPS,
        Kind::Reconciliation => &RECONCILIATION,
        Kind::Experiments => &EXPERIMENTS,
        Kind::Leads => &LEADS,
        Kind::Opportunities => &OPPORTUNITIES,
        Kind::Spend => &SPEND,
    }
}

/// The names of `kind`'s natural key's columns.
pub fn key_names(kind: Kind) -> Vec<&'static str> {
    let def = def(kind);
    def.columns[..def.key_len].iter().map(|c| c.name).collect()
}
