//! The records' tallies kept for the cockpit's first frame (`rhythm::kept`), with
//! what they were computed from: rhythm's version and the charter (the key), and the
//! store's newest import of the records or the channels file then (its generation).
//! Every write to what the tallies sum is such an import (a purge erases a lead's email,
//! usage and NPS rows, none of which they hold), so a later
//! one makes them old, and they are not read.

use sha2::{Digest, Sha256};

use super::{Store, StoreError};
use crate::charter::Charter;
use crate::facts::Tallies;

/// The store's newest import of the records or the channels file: what the records were
/// as of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation {
    imports: i64,
}

/// The newest import of a kind the kept tallies come from (the records, and the channels
/// file they merge with): a plan's, a KPI's or usage's import, or a purge,
/// leaves them as they were (the first frame reads those kinds afresh).
const GENERATION: &str = "SELECT COALESCE(MAX(id), 0) FROM import_log
                          WHERE kind IN ('leads', 'opportunities', 'spend', 'channels')";

/// What kept tallies were computed under: this build of rhythm (its version and a hash of
/// its source, `build.rs`) and this charter.
fn key(charter: &Charter) -> String {
    let digest = Sha256::digest(format!(
        "{} {}\n{charter:?}",
        env!("CARGO_PKG_VERSION"),
        env!("RHYTHM_SOURCE_HASH")
    ));
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn generation_of(conn: &rusqlite::Connection) -> rusqlite::Result<Generation> {
    conn.query_row(GENERATION, [], |r| Ok(Generation { imports: r.get(0)? }))
}

impl Store {
    /// The store's generation now. Read it before a load: data loaded after it is at
    /// least as new, and [`Store::keep_tallies`] refuses tallies whose generation is not
    /// the store's at the write, so none is kept under a generation its data is newer
    /// than.
    pub fn generation(&self) -> Result<Generation, StoreError> {
        Ok(generation_of(&self.conn)?)
    }

    /// The tallies kept under `charter` at the store's generation now, if any, with that
    /// generation (tallies kept by another build of rhythm, or unreadable, are as if
    /// none were kept).
    pub fn kept_tallies(
        &self,
        charter: &Charter,
    ) -> Result<Option<(Tallies, Generation)>, StoreError> {
        let now = self.generation()?;
        let row: Option<(String, i64, String)> = self
            .conn
            .query_row(
                "SELECT key, imports, body FROM kept_weeks WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })?;
        let Some((kept_key, imports, body)) = row else {
            return Ok(None);
        };
        if kept_key != key(charter) || (Generation { imports }) != now {
            return Ok(None);
        }
        Ok(serde_json::from_str(&body)
            .inspect_err(|e| tracing::warn!("the kept tallies are unreadable: {e}"))
            .ok()
            .map(|kept| (kept, now)))
    }

    /// Whether the store keeps tallies, however old: a cockpit has opened on it.
    pub fn keeps_tallies(&self) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM kept_weeks)", [], |r| r.get(0))?)
    }

    /// Keeps `kept`, computed from data loaded at `generation`, in place of what was
    /// kept; not when the store has moved on since (they would be old at once).
    /// Returns whether it kept them.
    pub fn keep_tallies(
        &mut self,
        charter: &Charter,
        generation: Generation,
        kept: &Tallies,
    ) -> Result<bool, StoreError> {
        let body = match serde_json::to_string(kept) {
            Ok(body) => body,
            Err(e) => {
                tracing::warn!("the tallies cannot be kept: {e}");
                return Ok(false);
            }
        };
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if generation_of(&tx)? != generation {
            return Ok(false);
        }
        tx.execute(
            // `purges` is no longer compared (migration 13 has it): 0.
            "INSERT OR REPLACE INTO kept_weeks (id, key, imports, purges, body)
             VALUES (1, ?1, ?2, ?3, ?4)",
            rusqlite::params![key(charter), generation.imports, 0, body],
        )?;
        tx.commit()?;
        Ok(true)
    }
}
