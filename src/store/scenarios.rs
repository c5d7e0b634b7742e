//! Saved what-if scenarios (the tables of migration 12): one row per scenario, one per
//! channel of it.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::params;

use super::{Store, StoreError, TIME_FORMAT};
use crate::facts::{SavedScenario, ScenarioChannel};

fn parse_failure(i: usize, e: chrono::ParseError) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
}

impl Store {
    /// Saves `scenario` in one transaction, replacing one saved under the same name.
    pub fn save_scenario(&self, scenario: &SavedScenario) -> Result<(), StoreError> {
        let tx = rusqlite::Transaction::new_unchecked(
            &self.conn,
            rusqlite::TransactionBehavior::Immediate,
        )?;
        tx.execute("DELETE FROM scenario WHERE name = ?1", [&scenario.name])?;
        tx.execute(
            "INSERT INTO scenario (name, week, horizon_weeks, mode, saved_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                scenario.name,
                scenario.week.format("%Y-%m-%d").to_string(),
                scenario.horizon_weeks,
                scenario.mode,
                scenario.saved_at.format(TIME_FORMAT).to_string(),
            ],
        )?;
        for c in &scenario.channels {
            tx.execute(
                "INSERT INTO scenario_channel (scenario, channel, spend, held) VALUES (?1, ?2, ?3, ?4)",
                params![scenario.name, c.channel, c.spend, c.held],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Every saved scenario, by name, its channels in the order they were saved.
    pub fn scenarios(&self) -> Result<Vec<SavedScenario>, StoreError> {
        let mut out: Vec<SavedScenario> = self
            .conn
            .prepare(
                "SELECT name, week, horizon_weeks, mode, saved_at FROM scenario ORDER BY name",
            )?
            .query_map([], |r| {
                let week: String = r.get(1)?;
                let saved: String = r.get(4)?;
                Ok(SavedScenario {
                    name: r.get(0)?,
                    week: NaiveDate::parse_from_str(&week, "%Y-%m-%d")
                        .map_err(|e| parse_failure(1, e))?,
                    horizon_weeks: r.get(2)?,
                    mode: r.get(3)?,
                    saved_at: NaiveDateTime::parse_from_str(&saved, TIME_FORMAT)
                        .map_err(|e| parse_failure(4, e))?,
                    channels: Vec::new(),
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT channel, spend, held FROM scenario_channel WHERE scenario = ?1 ORDER BY rowid",
        )?;
        for s in &mut out {
            s.channels = stmt
                .query_map([&s.name], |r| {
                    Ok(ScenarioChannel {
                        channel: r.get(0)?,
                        spend: r.get(1)?,
                        held: r.get(2)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
        }
        Ok(out)
    }
}
