//! The ground floor: the facts every figure is computed from, as plain values — imported
//! rows, the `Dataset` a refresh loads, the weekly sessions' records, saved
//! recommendations and the import kinds' names. Lookups only: no figure is computed here,
//! and nothing here knows SQLite, the model or the terminal.

pub mod kind;
pub mod recommendation;
pub mod records;
pub mod rows;
pub mod scenario;
pub mod session;
pub mod tally;

pub use kind::Kind;
pub use recommendation::{NewRecommendation, NewRecommendationChannel, SavedRecommendation};
pub use records::{ByCreated, Created, DealType, Lead, Name, Opportunity, Records, Spend};
pub use rows::*;
pub use scenario::{SavedScenario, ScenarioChannel};
pub use session::*;
pub use tally::Tallies;
