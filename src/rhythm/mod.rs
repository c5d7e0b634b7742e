//! The operating rhythm's reviews and controls as pure computations over a `Dataset`
//! and the charter. No SQLite, no terminal.

pub mod stats;
pub mod status;

pub use status::{Figure, Status, judge};
pub mod adoption;
pub mod alerts;
pub mod allocation;
pub mod annual;
pub mod as_of;
pub mod cac;
mod check_detail;
pub mod clock;
pub mod controls;
pub mod derive;
pub mod digest;
pub mod entries;
pub mod funnel;
pub mod funnel_response;
pub mod kept;
pub mod kpis;
pub mod minutes;
pub mod monthly;
pub mod nps;
pub mod purged;
pub mod quality;
pub mod quarterly;
pub mod reconciliation;
pub mod record_recon;
pub mod revenue;
pub mod session;
pub mod sla;
pub mod tally;
pub mod weekly;
pub mod window;
