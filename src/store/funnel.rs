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
    fn of(&mut self, text: &str) -> Name {
        if let Some(&n) = self.index.get(text) {
            return n;
        }
        let n = self.names.len() as Name;
        self.names.push(text.into());
        self.index.insert(text.to_string(), n);
        n
    }

    /// Column `i` of `row`, read in place (a million rows would otherwise allocate a
    /// million strings for a few dozen distinct values).
    fn at(&mut self, row: &rusqlite::Row, i: usize) -> rusqlite::Result<Name> {
        Ok(self.of(text(row, i)?))
    }

    fn opt(&mut self, row: &rusqlite::Row, i: usize) -> rusqlite::Result<Option<Name>> {
        Ok(match text_opt(row, i)? {
            Some(t) if !t.is_empty() => Some(self.of(t)),
            _ => None,
        })
    }
}

/// Column `i` as text, borrowed from the row.
fn text<'r>(row: &'r rusqlite::Row, i: usize) -> rusqlite::Result<&'r str> {
    row.get_ref(i)?.as_str().map_err(|e| from_sql(i, e))
}

fn text_opt<'r>(row: &'r rusqlite::Row, i: usize) -> rusqlite::Result<Option<&'r str>> {
    row.get_ref(i)?.as_str_or_null().map_err(|e| from_sql(i, e))
}

fn from_sql(i: usize, e: rusqlite::types::FromSqlError) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
}

fn conversion(i: usize, e: chrono::ParseError) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e))
}

/// The store's `YYYY-MM-DDTHH:MM:SS` read by position; anything else through chrono's
/// parser (which says what is wrong).
fn parse_time(t: &str) -> Result<NaiveDateTime, chrono::ParseError> {
    match stamp(t.as_bytes()) {
        Some(t) => Ok(t),
        None => NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S"),
    }
}

/// `YYYY-MM-DDTHH:MM:SS` read by position, if `b` is one.
fn stamp(b: &[u8]) -> Option<NaiveDateTime> {
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b.get(r)?.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() == 19 && b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' {
        let date = NaiveDate::from_ymd_opt(
            num(0..4).unwrap_or(0) as i32,
            num(5..7).unwrap_or(0),
            num(8..10).unwrap_or(0),
        );
        let time = chrono::NaiveTime::from_hms_opt(
            num(11..13).unwrap_or(99),
            num(14..16).unwrap_or(99),
            num(17..19).unwrap_or(99),
        );
        if let (Some(d), Some(t)) = (date, time) {
            return Some(d.and_time(t));
        }
    }
    None
}

fn time(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Option<NaiveDateTime>> {
    // The bytes, not the text: the fast path reads digits by position, so checking the
    // UTF-8 of three million timestamps first (in a profile, part of the tenth of the
    // load spent reading text) buys nothing; only text off the fast path is checked.
    let Some(b) = row
        .get_ref(i)?
        .as_bytes_or_null()
        .map_err(|e| from_sql(i, e))?
    else {
        return Ok(None);
    };
    if let Some(t) = stamp(b) {
        return Ok(Some(t));
    }
    let t = std::str::from_utf8(b)
        .map_err(|e| from_sql(i, rusqlite::types::FromSqlError::Other(Box::new(e))))?;
    parse_time(t).map(Some).map_err(|e| conversion(i, e))
}

fn day(row: &rusqlite::Row, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    text_opt(row, i)?
        .map(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|e| conversion(i, e)))
        .transpose()
}

fn required<T>(v: Option<T>, i: usize) -> rusqlite::Result<T> {
    v.ok_or(rusqlite::Error::InvalidColumnType(
        i,
        "NULL".into(),
        rusqlite::types::Type::Null,
    ))
}

/// Sorts `rows` by creation time, then id, in place. (Sorting indices and then moving
/// each row along its cycle was measured slower: a million rows moved at random miss
/// the cache where the sort's own moves do not.)
fn oldest_first<T>(rows: &mut [T], key: impl Fn(&T) -> (NaiveDateTime, &str)) {
    if !rows.is_sorted_by(|a, b| key(a) <= key(b)) {
        rows.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
    }
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
             FROM lead",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            leads.push(Lead {
                id: text(r, 0)?.into(),
                created: required(time(r, 1)?, 1)?,
                source: names.at(r, 2)?,
                mql_at: time(r, 3)?,
                sql_at: time(r, 4)?,
                geo: names.opt(r, 5)?,
                segment: names.opt(r, 6)?,
                first_response_at: time(r, 7)?,
                system: names.opt(r, 8)?,
                email: text_opt(r, 9)?.map(Into::into),
            });
        }
        let mut opportunities = Vec::new();
        let mut stmt = c.prepare(
            "SELECT id, created, amount, source, stage, close_date, won, \"type\", geo, system
             FROM opportunity",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            opportunities.push(Opportunity {
                id: text(r, 0)?.into(),
                created: required(time(r, 1)?, 1)?,
                amount: r.get(2)?,
                source: names.at(r, 3)?,
                stage: names.at(r, 4)?,
                close_date: day(r, 5)?,
                won: r.get::<_, Option<i64>>(6)?.map(|w| w == 1),
                deal_type: text_opt(r, 7)?.and_then(DealType::parse),
                geo: names.opt(r, 8)?,
                system: names.opt(r, 9)?,
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
                platform: names.at(r, 1)?,
                campaign: names.at(r, 2)?,
                account: names.opt(r, 3)?,
                cost: r.get(4)?,
                impressions: r.get::<_, Option<i64>>(5)?.map(|v| v as u64),
                clicks: r.get::<_, Option<i64>>(6)?.map(|v| v as u64),
            });
        }
        // Oldest first, whatever order the table keeps (sorting here is cheaper than
        // SQLite sorting a million rows it has no index for).
        oldest_first(&mut leads, |l| (l.created, &l.id));
        oldest_first(&mut opportunities, |o| (o.created, &o.id));
        Ok(Records {
            names: names.names,
            leads: leads.into(),
            opportunities: opportunities.into(),
            spend,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_put_oldest_first_in_any_order_are_the_rows_sorted_by_time_then_id() {
        let day = |d: u32| {
            NaiveDate::from_ymd_opt(2026, 3, d)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap()
        };
        // Every order of a small set, ties at the same time broken by id.
        let rows: Vec<(NaiveDateTime, String)> =
            [(3, "b"), (1, "z"), (3, "a"), (2, "m"), (1, "y"), (5, "c")]
                .iter()
                .map(|(d, id)| (day(*d), id.to_string()))
                .collect();
        let mut sorted = rows.clone();
        sorted.sort();
        let mut order: Vec<usize> = (0..rows.len()).collect();
        let mut seen = 0;
        loop {
            let mut these: Vec<_> = order.iter().map(|&i| rows[i].clone()).collect();
            oldest_first(&mut these, |r| (r.0, r.1.as_str()));
            assert_eq!(these, sorted, "from the order {order:?}");
            seen += 1;
            // The next permutation, lexicographically.
            let Some(i) = (0..order.len() - 1)
                .rev()
                .find(|&i| order[i] < order[i + 1])
            else {
                break;
            };
            let j = (i + 1..order.len())
                .rev()
                .find(|&j| order[j] > order[i])
                .unwrap();
            order.swap(i, j);
            order[i + 1..].reverse();
        }
        assert_eq!(seen, 720);
    }
}
