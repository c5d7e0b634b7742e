//! Reviews rendered as documents to send: Markdown for people (`markdown`, `minutes`);
//! JSON is the serde form of the core's types. Renders only: every figure comes from
//! `rhythm/` or `model/`, every number is written by `crate::format`.

pub mod checks;
pub mod markdown;
pub mod minutes;
pub mod suggestions;
