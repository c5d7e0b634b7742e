//! Reviews rendered as documents to send: Markdown for people (`markdown`, `minutes`);
//! JSON is the serde form of the core's types. Renders only: every figure comes from
//! `rhythm/` or `model/`, every number is written by `crate::format`.

/// Implements `serde::Serialize` for types whose JSON form is their sentence (their
/// `Display`): the core's notes and details keep their JSON as the text people read.
macro_rules! serialize_as_sentence {
    ($($t:ty),*) => {$(
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    )*};
}
pub(crate) use serialize_as_sentence;

pub mod agenda;
pub mod alerts;
pub mod backtests;
pub mod checks;
pub mod markdown;
pub mod minutes;
pub mod recommendation;
pub mod scorecard;
pub mod sla;
pub mod suggestions;
