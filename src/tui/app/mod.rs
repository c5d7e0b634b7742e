//! The cockpit's state and its pure `update`: a key in, a new state and at most one
//! request for the background loader out. No terminal, no store.
//!
//! `App` has its methods here and in the files beside this one, one per
//! responsibility: `rows.rs` (what each row of a table is, the selection and the
//! filter), `budget.rs` (the budget model's messages and keys), `session.rs` (the weekly
//! review session's keys and forms). This file keeps the rest: periods, views, and the
//! dispatch of a key to them.

use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use ratatui::crossterm::event::{KeyCode, KeyEvent, MouseEvent, MouseEventKind};

mod budget;
mod rows;
mod session;

use super::budget::{ModelState, WhatIfState};
use super::keys::{Action, Context, action_for};
pub use super::session::{Form, Write};
use super::snapshot::Snapshot;
pub use super::tab::{ByTab, Tab};
pub use rows::{ByTable, ExecutiveLine, PAGE, Row, RowId, TableId, row_ids};

/// What the cockpit can show instead of the views.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The charter did not load: its error, with file:line:column.
    Charter(String),
    /// The store did not open or a query failed.
    Store(String),
}

/// A request for the loader thread.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// Compute every review as of this date.
    Compute(NaiveDate),
    /// Reload the dataset from the store, then compute.
    Reload(NaiveDate),
    /// Write a review record (committed at once), then reload and compute for the date.
    Write(Write, NaiveDate),
}

#[derive(Debug, Clone)]
pub struct App {
    pub workspace: String,
    pub tab: Tab,
    /// The date the reviews are as of; `[` and `]` move it by the view's period.
    pub at: NaiveDate,
    /// Where `t` returns to.
    pub home: NaiveDate,
    pub snapshot: Option<Arc<Snapshot>>,
    /// A computation is running for `at`.
    pub loading: bool,
    pub problem: Option<Problem>,
    /// Selected row per table (its place among the rows the filter lets through).
    pub selected: ByTable<usize>,
    /// Table filter per table.
    pub filter: ByTable<String>,
    pub editing_filter: bool,
    pub detail: bool,
    pub help: bool,
    pub quit: bool,
    /// A review entry being typed (action item, decision, note, dispute).
    pub form: Option<Form>,
    /// A one-line message for the footer (a write that failed, a session closed …).
    pub status: Option<String>,
    /// Per view: it shows the budget model's pane (`b`; Monthly and Annual have one).
    pub budget_pane: ByTab<bool>,
    /// The budget model for the reviewed week: fitting, ready or why not.
    pub model: Option<ModelState>,
    /// The what-if scenario on the budget plan.
    pub what_if: Option<WhatIfState>,
}

impl App {
    pub fn new(workspace: String, home: NaiveDate) -> App {
        App {
            workspace,
            tab: Tab::Weekly,
            at: home,
            home,
            snapshot: None,
            loading: true,
            problem: None,
            selected: ByTable::default(),
            filter: ByTable::default(),
            editing_filter: false,
            detail: false,
            help: false,
            quit: false,
            form: None,
            status: None,
            budget_pane: ByTab::default(),
            model: None,
            what_if: None,
        }
    }

    /// The table in focus: the view's, or its budget pane's.
    pub fn table(&self) -> TableId {
        match TableId::pane_of(self.tab) {
            Some(pane) if self.budget_pane[self.tab] => pane,
            _ => TableId::of(self.tab),
        }
    }

    /// The budget model's pane is shown (Monthly or Annual, after `b`).
    pub fn budget_shown(&self) -> bool {
        self.table().is_pane()
    }

    /// Where the cockpit is, for keys, hints and help.
    pub fn context(&self) -> Context {
        Context {
            session: self.tab == Tab::Session,
            budget: matches!(self.tab, Tab::Monthly | Tab::Annual),
            what_if: self.in_what_if(),
            pane: self.budget_shown(),
        }
    }

    /// A fresh snapshot arrived from the loader.
    pub fn loaded(&mut self, snapshot: Arc<Snapshot>) {
        if snapshot.at == self.at {
            self.loading = false;
        }
        self.snapshot = Some(snapshot);
        self.model_pending();
        self.clamp_selection();
    }

    /// Moves `at` by one period of the current view.
    fn shift(&mut self, forward: bool) -> Option<Request> {
        let months = |n: u32| {
            let n = chrono::Months::new(n);
            if forward {
                self.at.checked_add_months(n)
            } else {
                self.at.checked_sub_months(n)
            }
        };
        self.at = match self.tab {
            Tab::Weekly | Tab::Charter | Tab::Session => {
                self.at + Duration::days(if forward { 7 } else { -7 })
            }
            Tab::Monthly => months(1)?,
            Tab::Quarterly => months(3)?,
            Tab::Annual => months(12)?,
        };
        self.loading = true;
        Some(Request::Compute(self.at))
    }

    /// Handles one key press; returns work for the loader, if any.
    pub fn on_key(&mut self, key: KeyEvent) -> Option<Request> {
        self.status = None;
        if self.form.is_some() {
            return self.on_form_key(key);
        }
        if self.editing_filter {
            self.on_filter_key(key);
            return None;
        }
        if self.help {
            // Any key closes help; q and Ctrl-C still quit.
            self.help = false;
            if matches!(action_for(&key, Context::default()), Some(Action::Quit))
                && key.code != KeyCode::Esc
            {
                self.quit = true;
            }
            return None;
        }
        let action = action_for(&key, self.context())?;
        match action {
            Action::Quit => {
                if key.code == KeyCode::Esc && (self.detail || !self.filter().is_empty()) {
                    if self.detail {
                        self.detail = false;
                    } else {
                        let table = self.table();
                        self.filter[table].clear();
                    }
                } else {
                    self.quit = true;
                }
            }
            Action::Tab(tab) => self.switch(tab),
            Action::NextTab => self.switch(self.tab.next()),
            Action::PrevTab => self.switch(self.tab.previous()),
            Action::PrevPeriod => return self.shift(false),
            Action::NextPeriod => return self.shift(true),
            Action::Today => {
                self.at = self.home;
                self.loading = true;
                return Some(Request::Compute(self.at));
            }
            Action::Up | Action::PrevItem => {
                self.move_selection(-1);
                return self.insight_shown();
            }
            Action::Down | Action::NextItem => {
                self.move_selection(1);
                return self.insight_shown();
            }
            Action::AddAction
            | Action::AddDecision
            | Action::AddNote
            | Action::OpenDispute
            | Action::MarkDelivered
            | Action::CloseSession => {
                return self.on_session_action(action);
            }
            Action::BudgetPane
            | Action::SpendUp
            | Action::SpendDown
            | Action::WhatIfMode
            | Action::WhatIfReset => return self.on_budget_action(action),
            Action::PageUp => self.move_selection(-(PAGE as isize)),
            Action::PageDown => self.move_selection(PAGE as isize),
            Action::Top => self.move_selection(isize::MIN / 2),
            Action::Bottom => self.move_selection(isize::MAX / 2),
            // The budget panes show their detail beside the table already.
            Action::Detail => {
                self.detail = !self.detail && self.row_count() > 0 && !self.budget_shown();
            }
            Action::Filter => {
                self.editing_filter = true;
                self.detail = false;
            }
            Action::Help => self.help = true,
            Action::Reload => {
                self.loading = true;
                return Some(Request::Reload(self.at));
            }
        }
        None
    }

    fn switch(&mut self, tab: Tab) {
        self.tab = tab;
        self.detail = false;
        self.clamp_selection();
    }

    /// Text pasted into the terminal (bracketed paste): goes into the form or the filter.
    pub fn on_paste(&mut self, text: &str) {
        if let Some(form) = self.form.as_mut() {
            form.insert(text);
        } else if self.editing_filter {
            let table = self.table();
            self.filter[table].push_str(text.lines().next().unwrap_or(""));
        }
    }

    pub fn on_mouse(&mut self, mouse: MouseEvent) {
        match mouse.kind {
            MouseEventKind::ScrollDown => self.move_selection(SCROLL),
            MouseEventKind::ScrollUp => self.move_selection(-SCROLL),
            _ => {}
        }
    }
}

/// Rows a notch of the mouse wheel moves.
const SCROLL: isize = 3;
