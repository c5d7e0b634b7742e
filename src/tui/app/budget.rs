//! The state's side of the budget model: the fitter's messages for the reviewed week,
//! the pane key, and the what-if keys in Monthly's plan table.

use std::sync::Arc;

use chrono::NaiveDate;

use super::{App, Request, RowId, TableId};
use crate::model::WhatIf;
use crate::rhythm::allocation::Allocation;
use crate::tui::budget::{ModelState, WhatIfState, recommended, step};
use crate::tui::keys::Action;

impl App {
    /// The week the budget model is for: the reviewed week of the current snapshot.
    pub fn model_week(&self) -> Option<NaiveDate> {
        self.snapshot.as_ref().map(|s| s.weekly.week)
    }

    /// The fitter reports the fit's progress for `week`. A plan already shown for the
    /// week stays (with the user's scenario) while a refit on new data runs.
    pub fn fitting(&mut self, week: NaiveDate, progress: f64) {
        let shown = self
            .model
            .as_ref()
            .and_then(ModelState::allocation)
            .is_some_and(|p| p.week == week);
        if self.model_week() == Some(week) && !shown {
            self.model = Some(ModelState::Fitting { week, progress });
        }
    }

    /// The loader's outcome for `week`; stale outcomes (the user moved on) are dropped.
    pub fn model_loaded(&mut self, week: NaiveDate, outcome: Result<Arc<Allocation>, String>) {
        if self.model_week() != Some(week) {
            return;
        }
        match outcome {
            Ok(plan) => {
                // A refit of the same week keeps the user's scenario when the channels
                // are the same; anything else starts again from the recommendation.
                let same_channels = self
                    .model
                    .as_ref()
                    .and_then(ModelState::allocation)
                    .is_some_and(|old| {
                        old.week == plan.week
                            && old.planner.channels.len() == plan.planner.channels.len()
                            && old
                                .planner
                                .channels
                                .iter()
                                .zip(&plan.planner.channels)
                                .all(|(a, b)| a.channel == b.channel)
                    });
                self.what_if = Some(match self.what_if.take() {
                    Some(w) if same_channels && w.moves > 0 => WhatIfState {
                        scenario: plan.planner.scenario(&w.scenario.spend),
                        ..w
                    },
                    w => recommended(&plan, w.map_or(WhatIf::Rebalance, |w| w.mode)),
                });
                self.model = Some(ModelState::Ready(plan));
            }
            Err(reason) => {
                self.what_if = None;
                self.model = Some(ModelState::Failed { week, reason });
            }
        }
    }

    /// A new snapshot for another week: the model for it is not there yet.
    pub(super) fn model_pending(&mut self) {
        if let Some(week) = self.model_week()
            && self.model.as_ref().is_none_or(|m| m.week() != week)
        {
            self.model = Some(ModelState::Fitting {
                week,
                progress: 0.0,
            });
            self.what_if = None;
        }
    }

    /// The budget plan's table has the focus (Monthly, after `b`).
    pub fn in_what_if(&self) -> bool {
        self.table() == TableId::Allocation
    }

    /// The budget keys: the pane toggle, and the what-if moves in the plan table.
    pub(super) fn on_budget_action(&mut self, action: Action) -> Option<Request> {
        if action == Action::BudgetPane {
            let tab = self.tab;
            self.budget_pane[tab] = !self.budget_pane[tab];
            self.detail = false;
            self.clamp_selection();
            return None;
        }
        let plan = Arc::clone(self.model.as_ref()?.allocation()?);
        let state = self
            .what_if
            .get_or_insert_with(|| recommended(&plan, WhatIf::Rebalance));
        match action {
            Action::WhatIfMode => {
                state.mode = match state.mode {
                    WhatIf::Rebalance => WhatIf::ChangeTotal,
                    WhatIf::ChangeTotal => WhatIf::Rebalance,
                };
                self.status = Some(match state.mode {
                    WhatIf::Rebalance => {
                        "what-if: a move rebalances the other channels; the total stays".into()
                    }
                    WhatIf::ChangeTotal => {
                        "what-if: a move changes the total; the other channels stay".into()
                    }
                });
            }
            Action::WhatIfReset => *state = recommended(&plan, state.mode),
            Action::SpendUp | Action::SpendDown => {
                let Some(RowId::PlannerChannel(i)) = self.focused_row() else {
                    return None;
                };
                let state = self.what_if.as_mut()?;
                let sign = if action == Action::SpendUp { 1.0 } else { -1.0 };
                let to = state.scenario.spend[i] + sign * step(&plan, i);
                let next = plan
                    .planner
                    .what_if(&state.scenario.spend, i, to, state.mode);
                // At zero, `-` changes nothing: no move to count.
                if next.spend != state.scenario.spend {
                    state.scenario = next;
                    state.moves += 1;
                }
            }
            _ => {}
        }
        None
    }
}
