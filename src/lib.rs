//! rhythm — a terminal cockpit for the operating rhythm between a company's analytics
//! team and its CMO. The binary is glue; everything lives here so tests and benches can
//! call it.

pub mod calendar;
pub mod charter;
pub mod cli;
pub mod demo;
pub mod facts;
pub mod format;
pub mod ingest;
pub mod model;
pub mod present;
pub mod rhythm;
pub mod store;
pub mod text;
pub mod tui;
pub mod workspace;
