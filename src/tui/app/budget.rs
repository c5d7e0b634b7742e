//! The state's side of the budget model: the fitter's messages for the reviewed week,
//! the pane key, and the what-if keys in Monthly's plan table.

use std::sync::Arc;

use chrono::NaiveDate;

use super::{App, Request, RowId, TableId};
use crate::model::WhatIf;
use crate::rhythm::allocation::Allocation;
use crate::tui::budget::{ModelState, WhatIfState, opened, recommended, step, to_saved};
use crate::tui::keys::Action;
use crate::tui::session::{FieldId, Form, FormKind, Write};

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

    /// The scenario form's Enter: the write that saves the what-if under the typed name,
    /// or why not (in the form).
    pub(super) fn scenario_write(&self, name: &str) -> Result<Write, String> {
        let name = name.trim();
        if name.is_empty() {
            return Err("name the scenario: it is listed and reopened by its name".into());
        }
        if name.chars().count() > 60 || name.chars().any(char::is_control) {
            return Err("a scenario name is one line of at most 60 characters".into());
        }
        let plan = self
            .model
            .as_ref()
            .and_then(ModelState::allocation)
            .ok_or("the budget model is not ready yet")?;
        let w = self
            .what_if
            .clone()
            .unwrap_or_else(|| recommended(plan, crate::model::WhatIf::Rebalance));
        Ok(Write::Scenario {
            week: plan.week,
            scenario: to_saved(plan, &w, name, chrono::Utc::now().naive_utc()),
        })
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
            Action::WhatIfSave => {
                let name = state.name.clone().unwrap_or_default();
                self.form = Some(Form::new(
                    FormKind::Scenario,
                    None,
                    &[(FieldId::ScenarioName, &name)],
                ));
            }
            Action::WhatIfOpen => {
                let saved = &self.snapshot.as_ref()?.scenarios;
                if saved.is_empty() {
                    self.status = Some("no saved scenario yet: s saves this one".into());
                    return None;
                }
                // The one after the scenario open now, by name; the first after the last.
                let next = state
                    .name
                    .as_ref()
                    .and_then(|n| saved.iter().position(|s| &s.name == n))
                    .map_or(0, |i| (i + 1) % saved.len());
                let s = &saved[next];
                *state = opened(&plan, s);
                self.status = Some(format!(
                    "scenario '{}' ({} of {}), saved for the week of {}",
                    crate::text::field(&s.name),
                    next + 1,
                    saved.len(),
                    s.week
                ));
            }
            Action::SpendUp | Action::SpendDown => {
                let Some(RowId::PlannerChannel(i)) = self.focused_row() else {
                    return None;
                };
                let state = self.what_if.as_mut()?;
                let sign = if action == Action::SpendUp { 1.0 } else { -1.0 };
                let to = state.scenario.spend[i] + sign * step(&plan, i);
                // The channels moved before keep their moves: only the others rebalance.
                let next = plan.planner.what_if_holding(
                    &state.scenario.spend,
                    &state.held,
                    i,
                    to,
                    state.mode,
                );
                // At zero, `-` changes nothing: no move to count.
                if next.spend != state.scenario.spend {
                    state.scenario = next;
                    state.moves += 1;
                    if let Some(h) = state.held.get_mut(i) {
                        *h = true;
                    }
                }
            }
            _ => {}
        }
        None
    }
}
