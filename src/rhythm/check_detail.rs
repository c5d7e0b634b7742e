//! What a check of `rhythm check` measured, as data (`controls::Detail`), and why a
//! check has no data (`NoData`); `present::checks` words them.

use chrono::NaiveDate;

use super::cac::ByChannel;
use super::quality::Quality;
use super::reconciliation::Reconciled;
use super::record_recon::RecordRecon;
use super::{nps, sla};
use crate::charter::Window;

/// Why a check has no data.
#[derive(Debug, Clone, PartialEq)]
pub enum NoData {
    /// No saved recommendation whose horizon has data, for this back-test check.
    NoBacktest(BacktestCheck),
    NoDeliveryRecorded,
    NoDeliveryDue,
    /// No insight was shown in a review in the window.
    NoInsightDelivered {
        window: Window,
    },
    NoNpsResponses,
    NoUsage {
        weeks: i64,
    },
    /// No reconciliation counts for any week of the window.
    NoReconciliation {
        window: Window,
    },
    /// The records carry both systems, but neither has a lead created in the window.
    NoRecordsOfSystems {
        window: Window,
        map: String,
        crm: String,
    },
    /// No lead or opportunity record created in the span the control reads.
    NoRecords {
        from: NaiveDate,
        to: NaiveDate,
    },
    NoLtv,
    /// Channels spent in the window, but no customer closed.
    NoClosedWon {
        window: Window,
    },
    /// An "N weeks" figure over fewer weeks of channel data than N: not judged.
    PartialWeeks {
        weeks_with_data: u32,
        weeks: u32,
        /// First and last day of the window.
        from: NaiveDate,
        to: NaiveDate,
    },
    /// The window reads personal data the charter's retention rule deleted (`rhythm
    /// purge`): rows dated before `before` are gone.
    Purged {
        before: NaiveDate,
    },
    NeverImported {
        kind: &'static str,
    },
    /// The charter sets no lead-response SLA (`[funnel] response_minutes`).
    NoResponseSla,
    /// Too few leads of the window judged, or none carries a `first_response_at`.
    NoFirstResponse {
        window: Window,
        judged: u64,
        answered: u64,
    },
}

/// The three checks that read a back-test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BacktestCheck {
    ForecastAccuracy,
    AllocationVariance,
    Verdict,
}

/// The saved recommendation a back-test check judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Horizon {
    pub id: i64,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// What a check measured, as data; `present::checks` words it.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    NoData(NoData),
    /// Median days from an insight shown in a session to its first action, over every
    /// insight delivered in the window (one not acted on counts its age so far).
    InsightToAction {
        median_days: f64,
        window: Window,
        delivered: u32,
        actioned: u32,
        max_days: f64,
    },
    /// Forecast under the actual spend vs actual pipeline, currency.
    ForecastAccuracy {
        horizon: Horizon,
        forecast: f64,
        actual: f64,
    },
    AllocationVariance {
        horizon: Horizon,
    },
    /// The back-test behind the verdict.
    Backtest {
        horizon: Horizon,
        backtest: Box<crate::model::Backtest>,
    },
    Sla {
        /// (on time, expected, late, missing); None when no delivery fell due.
        tally: Option<(u32, u32, u32, u32)>,
        /// The charter's `sla_window`, and its first day as of the check.
        window: Window,
        from: NaiveDate,
        /// The most escalated breach: deliverable name, period start, its outcome.
        worst: Option<(String, NaiveDate, sla::Outcome)>,
    },
    Nps {
        quarter: NaiveDate,
        wave: nps::Nps,
    },
    Adoption {
        rate: f64,
        weeks: i64,
        last_week: NaiveDate,
        /// Stakeholders not seen in the last week, sorted.
        inactive: Vec<String>,
    },
    /// Every complete week of the window, judged.
    Reconciliation {
        window: Window,
        tolerance: f64,
        weeks: Reconciled,
    },
    /// The two systems' leads of the window, record by record.
    RecordReconciliation {
        window: Window,
        tolerance: f64,
        recon: Box<RecordRecon>,
    },
    /// The records' data-quality problems against `[funnel] quality_max_share`.
    Quality(Box<Quality>),
    /// Blended CAC of the marketing channels over the window vs the ceiling, and every
    /// spending channel: above it, within it, or not judged (too few customers).
    CacLtv {
        cac: f64,
        window: Window,
        /// First and last day of the window.
        from: NaiveDate,
        to: NaiveDate,
        ceiling: f64,
        share: f64,
        channels: ByChannel,
    },
    /// The lead-response SLA over the window (`rhythm::funnel_response`).
    LeadResponse(Box<super::funnel_response::ResponseSla>),
    Freshness {
        kind: &'static str,
        age_days: f64,
        newest: NaiveDate,
        limit_days: u32,
        /// Days past the limit; None within it.
        over_limit_days: Option<f64>,
    },
}
