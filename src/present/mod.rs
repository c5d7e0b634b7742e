//! All wording: the sentences of alerts, checks, the agenda, suggestions, scorecard notes,
//! back-tests and recommendations, and what each review says to do (`advice`); the report rows the cockpit shows too (`weekly`, `quarterly`); the reports as Markdown (`markdown`, `minutes`) and as
//! JSON (`json`: the serde form of the core's data with the sentences added). Renders
//! only: every figure comes from `rhythm/` or `model/`, every number from `crate::format`.

pub mod advice;
pub mod agenda;
pub mod alerts;
pub mod backtests;
pub mod checks;
pub mod data_quality;
pub mod digest;
pub mod flash;
pub mod funnel;
pub mod json;
pub mod markdown;
pub mod minutes;
pub mod model;
pub mod quarterly;
pub mod recommendation;
pub mod scenario;
pub mod scorecard;
pub mod sla;
pub mod suggestions;
pub mod table;
pub mod weekly;
pub mod window;
