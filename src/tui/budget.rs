//! The budget model in the cockpit: the fit's progress, the plan once fitted, and the
//! what-if scenario played on the Monthly view's plan table. Pure: the loader fits, and
//! a what-if move is one call to `Planner::what_if` (well under a millisecond), so the
//! expected pipeline, marginal ROIs and the gap to goal update within the frame. The
//! state's side — what a message or a key does to them — is `app/budget.rs`.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::facts::{SavedScenario, ScenarioChannel};
use crate::model::{Scenario, WhatIf};
use crate::rhythm::allocation::Allocation;

/// Where the budget model stands for the reviewed week.
#[derive(Debug, Clone)]
pub enum ModelState {
    /// Fitting on the data through `week`; `progress` from 0 to 1.
    Fitting {
        week: NaiveDate,
        progress: f64,
    },
    Ready(Arc<Allocation>),
    /// The model could not be fitted on the data through `week`: why, and what to do.
    Failed {
        week: NaiveDate,
        reason: String,
    },
}

impl ModelState {
    pub fn week(&self) -> NaiveDate {
        match self {
            ModelState::Fitting { week, .. } | ModelState::Failed { week, .. } => *week,
            ModelState::Ready(p) => p.week,
        }
    }

    pub fn allocation(&self) -> Option<&Arc<Allocation>> {
        match self {
            ModelState::Ready(p) => Some(p),
            _ => None,
        }
    }
}

/// A scenario the user is playing with, on top of the recommendation.
#[derive(Debug, Clone, PartialEq)]
pub struct WhatIfState {
    pub mode: WhatIf,
    pub scenario: Scenario,
    /// Moves made since the recommendation (0: the scenario is the recommendation).
    pub moves: usize,
    /// Per channel (planner order): the user moved it, so it stays where it was put
    /// when another channel's move rebalances the rest.
    pub held: Vec<bool>,
    /// The saved scenario this one was opened from, if any.
    pub name: Option<String>,
}

/// A step is this share of the channel's current run-rate over the horizon.
pub const STEP_SHARE: f64 = 0.10;

/// What a what-if move changes by for channel `i`: a tenth of its run-rate, or of its
/// upper bound when it has not spent lately, or a hundredth of the total.
pub fn step(plan: &Allocation, i: usize) -> f64 {
    let p = &plan.planner;
    let weeks = f64::from(p.horizon_weeks);
    let c = &p.channels[i];
    let base = if c.current_weekly > 0.0 {
        c.current_weekly
    } else {
        c.bounds.max
    } * weeks;
    if base > 0.0 {
        STEP_SHARE * base
    } else {
        0.01 * plan.recommendation.total_budget
    }
}

/// The scenario of the recommendation itself.
pub fn recommended(plan: &Allocation, mode: WhatIf) -> WhatIfState {
    let spend: Vec<f64> = plan
        .recommendation
        .channels
        .iter()
        .map(|c| c.recommended_spend)
        .collect();
    WhatIfState {
        mode,
        held: vec![false; spend.len()],
        scenario: plan.planner.scenario(&spend),
        moves: 0,
        name: None,
    }
}

/// The scenario saved as `saved`, opened on `plan`: its spends where it has the channel
/// (the recommendation's where it has not), its moved channels held.
pub fn opened(plan: &Allocation, saved: &SavedScenario) -> WhatIfState {
    let (spend, held, _, _) =
        crate::rhythm::allocation::scenario_spend(&plan.recommendation, saved);
    WhatIfState {
        mode: if saved.mode == CHANGE_TOTAL {
            WhatIf::ChangeTotal
        } else {
            WhatIf::Rebalance
        },
        moves: held.iter().filter(|h| **h).count().max(1),
        held,
        scenario: plan.planner.scenario(&spend),
        name: Some(saved.name.clone()),
    }
}

/// How a scenario's mode is stored.
pub const REBALANCE: &str = "rebalance";
pub const CHANGE_TOTAL: &str = "change-total";

/// The scenario `w` on `plan`, to save under `name` at `now` (UTC).
pub fn to_saved(
    plan: &Allocation,
    w: &WhatIfState,
    name: &str,
    now: chrono::NaiveDateTime,
) -> SavedScenario {
    SavedScenario {
        name: name.to_string(),
        week: plan.week,
        horizon_weeks: plan.recommendation.horizon_weeks,
        mode: match w.mode {
            WhatIf::Rebalance => REBALANCE,
            WhatIf::ChangeTotal => CHANGE_TOTAL,
        }
        .into(),
        saved_at: now,
        channels: plan
            .recommendation
            .channels
            .iter()
            .enumerate()
            .map(|(i, c)| ScenarioChannel {
                channel: c.channel.clone(),
                spend: w.scenario.spend[i],
                held: w.held.get(i).copied().unwrap_or(false),
            })
            .collect(),
    }
}
