//! Reviews rendered as documents to send: Markdown for people, JSON for other tools.
//! Renders only; every figure comes from `rhythm/`.

pub mod markdown;

pub use crate::format::{signed_change, value_or_no_data};

pub mod minutes;
