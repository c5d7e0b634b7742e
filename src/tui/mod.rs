//! The cockpit. State lives in `app` (pure), drawing in `ui` and `views`, data in the
//! `loader` and `fitter` threads; `run` is the loop that ties them to the terminal
//! (`terminal`: taken over, and given back on every exit path).

pub mod app;
pub mod budget;
pub mod fitter;
pub mod keys;
pub mod loader;
mod run;
pub mod session;
pub mod snapshot;
pub mod tab;
mod terminal;
pub mod theme;
pub mod ui;
pub mod views;

use crate::workspace::Workspace;

/// Opens the cockpit on a workspace. Refuses when stdout is not a terminal.
pub fn run(ws: &Workspace) -> anyhow::Result<()> {
    run::open(ws, None)
}

/// Opens the cockpit on the Review view for the week starting `week`.
pub fn run_session(ws: &Workspace, week: chrono::NaiveDate) -> anyhow::Result<()> {
    run::open(ws, Some(week))
}
