//! The imported rows and the `Dataset` the figures are computed from.

use chrono::{NaiveDate, NaiveDateTime};

use super::{SavedRecommendation, SessionRecords};

/// One channel's results in one week (summed over geos).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ChannelWeek {
    /// First day of the week.
    pub week: NaiveDate,
    pub channel: String,
    /// Currency.
    pub spend: f64,
    pub leads: f64,
    pub mqls: f64,
    pub sqls: f64,
    /// CRM-attributed (lead source) pipeline, currency.
    pub pipeline: f64,
    pub sessions: Option<f64>,
    pub opportunities: Option<f64>,
    pub closed_won: Option<f64>,
}

/// One channel's plan for one month.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PlanMonth {
    /// First day of the month.
    pub month: NaiveDate,
    pub channel: String,
    /// Currency per month.
    pub budget: f64,
    pub pipeline_target: Option<f64>,
    pub mql_target: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct KpiValue {
    pub kpi: String,
    pub period_start: NaiveDate,
    pub value: f64,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Delivery {
    pub deliverable: String,
    pub period_start: NaiveDate,
    /// UTC.
    pub delivered_at: NaiveDateTime,
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NpsResponse {
    pub date: NaiveDate,
    pub respondent: String,
    pub score: u8,
    pub role: Option<String>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Reconciliation {
    pub week: NaiveDate,
    pub metric: String,
    pub map_count: f64,
    pub crm_count: f64,
}

/// Dashboard views of one BI user in one week. A row with an empty `user` holds the
/// week's views by everyone, so a week that leaders skipped still shows as loaded.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct UsageWeek {
    pub user: String,
    /// First day of the week.
    pub week: NaiveDate,
    pub views: u64,
}

/// One dashboard's views per day (UTC), oldest first: so its use can be read as of any
/// day.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardDays {
    pub dashboard: String,
    /// (UTC day, views that day), ascending.
    pub days: Vec<(NaiveDate, u64)>,
}

/// One dashboard's use over the days seen: its latest view and all its views.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DashboardUse {
    pub dashboard: String,
    /// UTC date of the latest view.
    pub last_viewed: NaiveDate,
    pub views: u64,
}

/// When an import kind was last loaded.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Freshness {
    pub kind: String,
    /// UTC.
    pub loaded_at: NaiveDateTime,
    /// The latest date the kind's data itself covers, if it has dates.
    pub data_until: Option<NaiveDate>,
}

/// Everything the reviews read, loaded once per refresh.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// The moment (UTC) the data is as of, when `rhythm::as_of` cut it to a clock: what
    /// is still open ages to then, not past it.
    pub as_of: Option<NaiveDateTime>,
    /// Sorted by week, then channel.
    pub channel_weeks: Vec<ChannelWeek>,
    pub plan: Vec<PlanMonth>,
    pub kpi_values: Vec<KpiValue>,
    pub deliveries: Vec<Delivery>,
    pub nps: Vec<NpsResponse>,
    pub reconciliation: Vec<Reconciliation>,
    pub usage_weeks: Vec<UsageWeek>,
    pub dashboards: Vec<DashboardDays>,
    pub freshness: Vec<Freshness>,
    /// The weekly sessions' records.
    pub session: SessionRecords,
    /// Budget recommendations saved with `rhythm recommend --save`, oldest first.
    pub recommendations: Vec<SavedRecommendation>,
    /// What-if scenarios saved from the cockpit's budget plan, by name.
    pub scenarios: Vec<super::SavedScenario>,
    /// What the charter's retention rule (`rhythm purge`) deleted.
    pub purged: Purged,
    /// Incrementality experiments (`rhythm import experiments`), by end day then channel.
    pub experiments: Vec<Experiment>,
    /// Leads, opportunities and ad spend as the systems of record export them; `as_of`
    /// derives channel weeks from them (`rhythm::derive`).
    pub records: super::Records,
    /// What `rhythm::as_of` read the weekly record figures from: the tallies of every
    /// record (`rhythm::tally`), clock-free; None before a cut.
    pub tallies: Option<std::sync::Arc<super::Tallies>>,
}

/// How an incrementality experiment was run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExperimentMethod {
    /// Test and control regions (matched markets, synthetic control).
    GeoLift,
    /// The channel withheld from a random holdout audience or turned off for a period.
    Holdout,
    /// The platform's own randomised exposed-versus-control study.
    ConversionLift,
}

/// One incrementality experiment on one paid channel: the pipeline the channel's spend
/// caused in the tested weeks, as the experiment measured it, scaled to the whole market.
/// The model uses it as evidence on that channel's curve (`model::fit_calibrated`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Experiment {
    /// The name the analytics team gave it, or, when the file gave none, one made from
    /// the channel and days ([`Experiment::default_name`]). Channel, start and end are
    /// the key; the name is not.
    pub name: String,
    pub channel: String,
    /// The file's `kind`: None when it did not say.
    pub method: Option<ExperimentMethod>,
    /// First and last day tested (inclusive); a history week counts as tested when it
    /// overlaps these days.
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Measured incremental pipeline over the tested weeks, currency.
    pub incremental_pipeline: f64,
    /// Its standard error, currency (> 0).
    pub std_error: f64,
    /// The file's free-text note, as written (sanitise it where shown).
    pub note: Option<String>,
}

impl Experiment {
    /// The name of an experiment the file did not name: `linkedin 2026-03-02..2026-04-26`.
    pub fn default_name(channel: &str, start: NaiveDate, end: NaiveDate) -> String {
        format!("{channel} {start}..{end}")
    }
}

/// The purge horizon per kind of personal data: rows dated before the day were deleted
/// by `rhythm purge`, so a figure over earlier days cannot be computed from what is left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Purged {
    /// Usage events before this day (00:00 UTC) are gone.
    pub usage_before: Option<NaiveDate>,
    /// NPS answers dated before this day are gone.
    pub nps_before: Option<NaiveDate>,
    /// Leads created before this day have lost their email (the leads stay: the funnel
    /// counts them; only matching a record by email is gone).
    pub lead_emails_before: Option<NaiveDate>,
}

impl Dataset {
    /// True when no import of any kind has been loaded.
    pub fn is_empty(&self) -> bool {
        self.freshness.is_empty()
    }

    /// The first day of the newest week with channel data.
    pub fn last_channel_week(&self) -> Option<NaiveDate> {
        self.channel_weeks.last().map(|r| r.week)
    }
}
