//! The records' tallies kept for the cockpit's first frame: on a million leads loading
//! the records takes about a second, and the Weekly view reads of them only what their
//! tallies give at its clock (`rhythm::tally`: the channel weeks, the records' freshness,
//! the reviewed week's unmapped line). A full load, or an import of records, keeps them
//! in the store (`store::kept`); the next first frame, at any clock, shows the Weekly
//! view from them and a load without the records — the same figures as the full
//! computation, which reads the same tallies — while the records load behind it.

use std::sync::Arc;

use crate::charter::Charter;
use crate::facts::{Dataset, Tallies};

/// `all`, a load of every record, with its records' tallies: what `as_of` reads at
/// every clock it is cut to, and what the store keeps.
pub fn tallied(charter: &Charter, mut all: Dataset) -> Dataset {
    all.tallies = Some(Arc::new(super::tally::tally(charter, &all.records)));
    all
}

/// `all`, a tallied load, without its records: what the Weekly view reads at any clock
/// (`tui::snapshot::compute_first`), without cutting a million records to it.
pub fn without_records(all: &Dataset) -> Dataset {
    Dataset {
        records: Default::default(),
        ..all.clone()
    }
}

/// `partial`, a load without the records, with the tallies the store kept for them.
pub fn with_kept(mut partial: Dataset, kept: Tallies) -> Dataset {
    debug_assert!(partial.records.is_empty(), "a load without the records");
    partial.tallies = Some(Arc::new(kept));
    partial
}
