//! A what-if scenario saved from the cockpit's budget plan under a name: the spend per
//! channel it holds over the horizon, and which channels the user moved. Plain values;
//! the store keeps them (migration 12), `rhythm::allocation` reads them against a plan.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

/// A saved what-if scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SavedScenario {
    /// The name it was saved under (unique: saving again under it replaces it).
    pub name: String,
    /// The reviewed week whose plan it was played on (the model saw the data through it).
    pub week: NaiveDate,
    /// Weeks the spends cover.
    pub horizon_weeks: u32,
    /// `rebalance` or `change-total`: how the cockpit balanced the moves.
    pub mode: String,
    /// UTC.
    pub saved_at: NaiveDateTime,
    pub channels: Vec<ScenarioChannel>,
}

impl SavedScenario {
    /// The spend it holds over its horizon, all channels.
    pub fn total_spend(&self) -> f64 {
        self.channels.iter().map(|c| c.spend).sum()
    }
}

/// One channel of a saved scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioChannel {
    pub channel: String,
    /// Spend over the horizon, currency.
    pub spend: f64,
    /// The user moved it (it stays where it was put when others move).
    pub held: bool,
}
