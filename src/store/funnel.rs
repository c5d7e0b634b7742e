//! Loads the funnel's records (`lead`, `opportunity`, `spend`) into `facts::Records`,
//! each repeated text kept once.

use chrono::{NaiveDate, NaiveDateTime};
use rustc_hash::FxHashMap;

use super::{Store, StoreError};
use crate::facts::{DealType, Lead, Name, Opportunity, Records, Spend};

/// Keeps each distinct text once.
#[derive(Default)]
struct Names {
    index: FxHashMap<String, Name>,
    names: Vec<Box<str>>,
}

impl Names {
    fn of(&mut self, text: String) -> Name {
        if let Some(&n) = self.index.get(&text) {
            return n;
        }
        let n = self.names.len() as Name;
        self.names.push(text.clone().into_boxed_str());
        self.index.insert(text, n);
        n
    }

    fn opt(&mut self, text: Option<String>) -> Option<Name> {
        text.filter(|t| !t.is_empty()).map(|t| self.of(t))
    }
}

fn conversion(i: usize, e: chrono::ParseError) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
}

fn time(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Option<NaiveDateTime>> {
    let text: Option<String> = row.get(i)?;
    text.map(|t| {
        NaiveDateTime::parse_from_str(&t, "%Y-%m-%dT%H:%M:%S").map_err(|e| conversion(i, e))
    })
    .transpose()
}

fn day(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    let text: Option<String> = row.get(i)?;
    text.map(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|e| conversion(i, e)))
        .transpose()
}

fn required<T>(v: Option<T>, i: usize) -> rusqlite::Result<T> {
    v.ok_or(rusqlite::Error::InvalidColumnType(
        i,
        "NULL".into(),
        rusqlite::types::Type::Null,
    ))
}

impl Store {
    /// Every lead, opportunity and day of ad spend, oldest first.
    pub(super) fn records(&self) -> Result<Records, StoreError> {
        let c = &self.conn;
        let mut names = Names::default();
        let mut leads = Vec::new();
        let mut stmt = c.prepare(
            "SELECT id, created, source, mql_at, sql_at, geo, segment, first_response_at, system,
                    email
             FROM lead ORDER BY created, id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            leads.push(Lead {
                id: r.get::<_, String>(0)?.into_boxed_str(),
                created: required(time(r, 1)?, 1)?,
                source: names.of(r.get(2)?),
                mql_at: time(r, 3)?,
                sql_at: time(r, 4)?,
                geo: names.opt(r.get(5)?),
                segment: names.opt(r.get(6)?),
                first_response_at: time(r, 7)?,
                system: names.opt(r.get(8)?),
                email: r.get::<_, Option<String>>(9)?.map(String::into_boxed_str),
            });
        }
        let mut opportunities = Vec::new();
        let mut stmt = c.prepare(
            "SELECT id, created, amount, source, stage, close_date, won, \"type\", geo, system
             FROM opportunity ORDER BY created, id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let deal_type: Option<String> = r.get(7)?;
            opportunities.push(Opportunity {
                id: r.get::<_, String>(0)?.into_boxed_str(),
                created: required(time(r, 1)?, 1)?,
                amount: r.get(2)?,
                source: names.of(r.get(3)?),
                stage: names.of(r.get(4)?),
                close_date: day(r, 5)?,
                won: r.get::<_, Option<i64>>(6)?.map(|w| w == 1),
                deal_type: deal_type.as_deref().and_then(DealType::parse),
                geo: names.opt(r.get(8)?),
                system: names.opt(r.get(9)?),
            });
        }
        let mut spend = Vec::new();
        let mut stmt = c.prepare(
            "SELECT date, platform, campaign, account, cost, impressions, clicks
             FROM spend ORDER BY date, platform, campaign",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            spend.push(Spend {
                date: required(day(r, 0)?, 0)?,
                platform: names.of(r.get(1)?),
                campaign: names.of(r.get(2)?),
                account: names.opt(r.get(3)?),
                cost: r.get(4)?,
                impressions: r.get::<_, Option<i64>>(5)?.map(|v| v as u64),
                clicks: r.get::<_, Option<i64>>(6)?.map(|v| v as u64),
            });
        }
        Ok(Records {
            names: names.names,
            leads,
            opportunities,
            spend,
        })
    }
}
