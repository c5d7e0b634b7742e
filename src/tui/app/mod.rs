//! The cockpit's state and its pure `update`: a key in, a new state and at most one
//! request for the background loader out. No terminal, no store.
//!
//! `App` has its methods here and in the files beside this one, one per
//! responsibility: `rows.rs` (what each row of a table is, the selection and the
//! filter), `budget.rs` (the budget model's messages and keys), `session.rs` (the weekly
//! review session's keys and forms). This file keeps the rest: periods, views, the
//! focus among a view's tables, what Esc closes, and the dispatch of a key to them.

use std::cell::Cell;
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
    /// Write a review record (committed at once, or retried while another process
    /// holds the store), then reload and compute for the date. The id comes back with
    /// the outcome ([`App::written`]).
    Write(WriteId, Write, NaiveDate),
    /// Show the month, quarter and year to date (true) or the last complete ones, then
    /// compute for the date.
    ToDate(bool, NaiveDate),
}

/// Names one requested write, so its outcome finds the form that asked for it.
pub type WriteId = u64;

#[derive(Debug, Clone)]
pub struct App {
    pub workspace: String,
    pub tab: Tab,
    /// The date the reviews are as of; `[` and `]` move it by the view's period.
    pub at: NaiveDate,
    /// Where `t` returns to.
    /// Monthly, Quarterly and Annual show the periods in progress, to date (`T`).
    pub to_date: bool,
    pub home: NaiveDate,
    /// The day the cockpit runs on (the charter's zone): a session held now dates its
    /// defaults (an action's due date) from it, whatever week it reviews.
    pub today: NaiveDate,
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
    /// How far the open detail popup is scrolled, in rows (PgUp/PgDn while it is open).
    pub detail_scroll: u16,
    /// The open detail as the last frame drew it: (rows below its height, rows it
    /// shows). Only the draw knows the popup's size, so it leaves it here for PgUp/PgDn
    /// to scroll by a page and stop at the end (gitui's scroll state does the same).
    pub detail_rows: Cell<(u16, u16)>,
    pub help: bool,
    pub quit: bool,
    /// A review entry being typed (action item, decision, note, dispute).
    pub form: Option<Form>,
    /// Writes asked of the loader and not yet committed or refused.
    pub unsaved: std::collections::BTreeSet<WriteId>,
    /// The id the next write gets.
    next_write: WriteId,
    /// Quit was asked while writes were unsaved: the cockpit quits once they are saved,
    /// or at once on a second quit.
    pub leaving: bool,
    /// A one-line message for the footer (a write that failed, a session closed …).
    pub status: Option<String>,
    /// Per view: it shows the budget model's pane (`b`; Monthly and Annual have one).
    pub budget_pane: ByTab<bool>,
    /// Per view: which of its tables (`TableId::in_view`) has the focus (`h`/`l`).
    pub focus: ByTab<usize>,
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
            today: home,
            to_date: false,
            snapshot: None,
            loading: true,
            problem: None,
            selected: ByTable::default(),
            filter: ByTable::default(),
            editing_filter: false,
            detail: false,
            detail_scroll: 0,
            detail_rows: Cell::new((0, 0)),
            help: false,
            quit: false,
            form: None,
            unsaved: std::collections::BTreeSet::new(),
            next_write: 0,
            leaving: false,
            status: None,
            budget_pane: ByTab::default(),
            focus: ByTab::default(),
            model: None,
            what_if: None,
        }
    }

    /// The table in focus: the budget pane's when it is shown, else the view's table
    /// that `h`/`l` gave the focus to.
    pub fn table(&self) -> TableId {
        match TableId::pane_of(self.tab) {
            Some(pane) if self.budget_pane[self.tab] => pane,
            _ => {
                let tables = TableId::in_view(self.tab);
                tables[self.focus[self.tab].min(tables.len() - 1)]
            }
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
            tables: TableId::in_view(self.tab).len() > 1 && !self.budget_shown(),
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
            // Esc closes what is open before it quits; q and Ctrl-C quit at once.
            Action::Quit => self.quit = key.code != KeyCode::Esc || !self.close_innermost(),
            Action::FocusNext => self.move_focus(1),
            Action::FocusPrev => self.move_focus(-1),
            Action::Tab(tab) => self.switch(tab),
            Action::NextTab => self.switch(self.tab.next()),
            Action::PrevTab => self.switch(self.tab.previous()),
            Action::PrevPeriod => return self.shift(false),
            Action::NextPeriod => return self.shift(true),
            Action::ToDate => {
                self.to_date = !self.to_date;
                self.loading = true;
                self.status = Some(
                    if self.to_date {
                        "month, quarter and year to date (T: the last complete ones)"
                    } else {
                        "the last complete month, quarter and year (T: to date)"
                    }
                    .into(),
                );
                return Some(Request::ToDate(self.to_date, self.at));
            }
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
            | Action::WhatIfReset
            | Action::WhatIfSave
            | Action::WhatIfOpen => return self.on_budget_action(action),
            // An open detail scrolls; else the selection moves a page.
            Action::PageUp if self.detail => self.scroll_detail(false),
            Action::PageDown if self.detail => self.scroll_detail(true),
            Action::PageUp => self.move_selection(-(PAGE as isize)),
            Action::PageDown => self.move_selection(PAGE as isize),
            Action::Top => self.move_selection(isize::MIN / 2),
            Action::Bottom => self.move_selection(isize::MAX / 2),
            // The budget panes show their detail beside the table already.
            Action::Detail => {
                self.detail = !self.detail && self.row_count() > 0 && !self.budget_shown();
                self.detail_scroll = 0;
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

    /// Esc: closes the innermost thing open — the detail popup, the focused table's
    /// filter, the budget pane, then gives the focus back to the view's first table.
    /// False when nothing was open: then Esc quits. (Help, the filter being typed and a
    /// review entry's form take their keys before this.)
    fn close_innermost(&mut self) -> bool {
        let (tab, table) = (self.tab, self.table());
        if self.detail {
            self.detail = false;
        } else if !self.filter[table].is_empty() {
            self.filter[table].clear();
        } else if self.budget_pane[tab] {
            self.budget_pane[tab] = false;
        } else if self.focus[tab] != 0 {
            self.focus[tab] = 0;
        } else {
            return false;
        }
        self.clamp_selection();
        true
    }

    /// PgDn/PgUp on an open detail: a page of it (less a row, kept for context) down
    /// or up, within what it has.
    fn scroll_detail(&mut self, down: bool) {
        let (hidden, shown) = self.detail_rows.get();
        let page = shown.saturating_sub(1).max(1);
        self.detail_scroll = if down {
            (self.detail_scroll + page).min(hidden)
        } else {
            self.detail_scroll.min(hidden).saturating_sub(page)
        };
    }

    /// `h`/`l`: the focus to the view's previous or next table, round the end.
    fn move_focus(&mut self, step: isize) {
        if self.budget_shown() {
            return;
        }
        let n = TableId::in_view(self.tab).len() as isize;
        let at = self.focus[self.tab].min(n as usize - 1) as isize;
        self.focus[self.tab] = (at + step).rem_euclid(n) as usize;
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
