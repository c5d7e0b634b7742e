//! What weekly review sessions record: insights shown, action items, decisions, notes and
//! data disputes. Plain values; `rhythm::session` computes from them.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

/// An insight shown in a session: an alert, the pipeline flash, a recommendation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Insight {
    pub id: i64,
    pub week: NaiveDate,
    pub kind: String,
    pub source_key: String,
    pub text: String,
    /// UTC: when it was first shown in a review.
    pub delivered_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionItem {
    pub id: i64,
    pub text: String,
    /// Stakeholder id.
    pub owner: String,
    pub due: NaiveDate,
    pub insight_id: Option<i64>,
    pub week: Option<NaiveDate>,
    pub agenda_item: Option<String>,
    pub created_at: NaiveDateTime,
    pub done_at: Option<NaiveDateTime>,
}

impl ActionItem {
    pub fn is_open(&self) -> bool {
        self.done_at.is_none()
    }

    /// Open and past its due date on `today`.
    pub fn is_past_due(&self, today: NaiveDate) -> bool {
        self.is_open() && self.due < today
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub id: i64,
    pub week: NaiveDate,
    pub agenda_item: Option<String>,
    pub text: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Note {
    pub id: i64,
    pub week: NaiveDate,
    pub agenda_item: Option<String>,
    pub text: String,
    pub created_at: NaiveDateTime,
}

/// Two figures for the same metric and period that disagree, and who raised it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dispute {
    pub id: i64,
    pub metric: String,
    pub period: NaiveDate,
    pub figure_a: f64,
    pub source_a: String,
    pub figure_b: f64,
    pub source_b: String,
    /// Stakeholder id.
    pub raised_by: String,
    pub week: Option<NaiveDate>,
    pub opened_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolution: Option<String>,
}

/// A delivery as the minutes see it: marked in a weekly review session, or recorded
/// another way (`rhythm deliver`, an import).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SessionDelivery {
    /// First day of the week whose review marked it delivered; `None` when no session did.
    pub week: Option<NaiveDate>,
    pub deliverable: String,
    /// First day of the period delivered for.
    pub period_start: NaiveDate,
    /// UTC.
    pub delivered_at: NaiveDateTime,
}

/// What weekly review sessions recorded.
#[derive(Debug, Clone, Default)]
pub struct SessionRecords {
    pub insights: Vec<Insight>,
    pub actions: Vec<ActionItem>,
    pub decisions: Vec<Decision>,
    pub notes: Vec<Note>,
    pub disputes: Vec<Dispute>,
    /// Every delivery recorded, with the session that marked it, if one did.
    pub deliveries: Vec<SessionDelivery>,
    /// (week, started_at, closed_at) of each session.
    pub sessions: Vec<(NaiveDate, NaiveDateTime, Option<NaiveDateTime>)>,
}
