//! Loads the funnel's records (`lead`, `opportunity`, `spend`) into `facts::Records`,
//! each repeated text kept once.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::types::ValueRef;
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
    fn at(&mut self, row: &impl Cols, i: usize) -> rusqlite::Result<Name> {
        Ok(self.of(text(row, i)?))
    }

    fn opt(&mut self, row: &impl Cols, i: usize) -> rusqlite::Result<Option<Name>> {
        Ok(match text_opt(row, i)? {
            Some(t) if !t.is_empty() => Some(self.of(t)),
            _ => None,
        })
    }
}

/// Column `i` as text, borrowed from the row.
fn text(row: &impl Cols, i: usize) -> rusqlite::Result<&str> {
    row.value(i)?.as_str().map_err(|e| from_sql(i, e))
}

fn text_opt(row: &impl Cols, i: usize) -> rusqlite::Result<Option<&str>> {
    row.value(i)?.as_str_or_null().map_err(|e| from_sql(i, e))
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

fn time(row: &impl Cols, i: usize) -> rusqlite::Result<Option<NaiveDateTime>> {
    // The bytes, not the text: the fast path reads digits by position, so checking the
    // UTF-8 of three million timestamps first (in a profile, part of the tenth of the
    // load spent reading text) buys nothing; only text off the fast path is checked.
    let Some(b) = row
        .value(i)?
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

fn day(row: &impl Cols, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    text_opt(row, i)?
        .map(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|e| conversion(i, e)))
        .transpose()
}

fn real(row: &impl Cols, i: usize) -> rusqlite::Result<f64> {
    use rusqlite::types::FromSql;
    f64::column_result(row.value(i)?).map_err(|e| from_sql(i, e))
}

fn int_opt(row: &impl Cols, i: usize) -> rusqlite::Result<Option<i64>> {
    use rusqlite::types::FromSql;
    Option::<i64>::column_result(row.value(i)?).map_err(|e| from_sql(i, e))
}

/// A row's columns, as SQLite's own row or as a row of a [`Batch`] handed to another
/// thread.
trait Cols {
    fn value(&self, i: usize) -> rusqlite::Result<ValueRef<'_>>;
}

/// SQLite's own row (named apart from the cockpit's table `Row`).
type SqlRow<'s> = rusqlite::Row<'s>;

impl Cols for SqlRow<'_> {
    fn value(&self, i: usize) -> rusqlite::Result<ValueRef<'_>> {
        self.get_ref(i)
    }
}

/// A value as SQLite handed it over; text and blobs as a range of the batch's bytes.
#[derive(Debug, Clone, Copy)]
enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(usize, usize),
    Blob(usize, usize),
}

/// Rows read from SQLite, copied out so that another thread can build from them while
/// the next rows are read: on a million leads SQLite's stepping and rhythm's building
/// (timestamps, interned names, the rows' memory) each take about half the load.
struct Batch {
    columns: usize,
    cells: Vec<Cell>,
    bytes: Vec<u8>,
}

/// Rows a batch holds before it is handed over.
const BATCH_ROWS: usize = 4096;

impl Batch {
    fn new(columns: usize) -> Batch {
        Batch {
            columns,
            cells: Vec::with_capacity(columns * BATCH_ROWS),
            bytes: Vec::with_capacity(columns * BATCH_ROWS * 16),
        }
    }

    fn rows(&self) -> usize {
        self.cells.len() / self.columns
    }

    fn push(&mut self, row: &rusqlite::Row) -> rusqlite::Result<()> {
        for i in 0..self.columns {
            let mut range = |b: &[u8]| {
                let start = self.bytes.len();
                self.bytes.extend_from_slice(b);
                (start, self.bytes.len())
            };
            let cell = match row.get_ref(i)? {
                ValueRef::Null => Cell::Null,
                ValueRef::Integer(n) => Cell::Integer(n),
                ValueRef::Real(x) => Cell::Real(x),
                ValueRef::Text(t) => {
                    let (a, b) = range(t);
                    Cell::Text(a, b)
                }
                ValueRef::Blob(t) => {
                    let (a, b) = range(t);
                    Cell::Blob(a, b)
                }
            };
            self.cells.push(cell);
        }
        Ok(())
    }
}

/// Row `row` of a batch.
struct BatchRow<'b> {
    batch: &'b Batch,
    row: usize,
}

impl Cols for BatchRow<'_> {
    fn value(&self, i: usize) -> rusqlite::Result<ValueRef<'_>> {
        if i >= self.batch.columns {
            return Err(rusqlite::Error::InvalidColumnIndex(i));
        }
        let bytes = &self.batch.bytes;
        Ok(match self.batch.cells[self.row * self.batch.columns + i] {
            Cell::Null => ValueRef::Null,
            Cell::Integer(n) => ValueRef::Integer(n),
            Cell::Real(x) => ValueRef::Real(x),
            Cell::Text(a, b) => ValueRef::Text(&bytes[a..b]),
            Cell::Blob(a, b) => ValueRef::Blob(&bytes[a..b]),
        })
    }
}

/// The rows of `sql` built by `build`, which runs on its own thread while SQLite reads
/// on: what it builds and the first error either side meets are what a plain loop
/// would give.
fn scan<T: Send>(
    conn: &rusqlite::Connection,
    sql: &str,
    build: impl FnMut(&BatchRow) -> rusqlite::Result<T> + Send,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare(sql)?;
    let columns = stmt.column_count();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(2);
    std::thread::scope(|s| {
        let builder = s.spawn(move || {
            let mut build = build;
            let mut out = Vec::new();
            for batch in rx {
                for row in 0..batch.rows() {
                    out.push(build(&BatchRow { batch: &batch, row })?);
                }
            }
            Ok::<_, rusqlite::Error>(out)
        });
        let read = (|| {
            let mut rows = stmt.query([])?;
            let mut batch = Batch::new(columns);
            while let Some(r) = rows.next()? {
                batch.push(r)?;
                if batch.rows() == BATCH_ROWS {
                    // The builder stopped at an error: it is the one to report.
                    if tx
                        .send(std::mem::replace(&mut batch, Batch::new(columns)))
                        .is_err()
                    {
                        return Ok(());
                    }
                }
            }
            let _ = tx.send(batch);
            Ok::<_, rusqlite::Error>(())
        })();
        drop(tx);
        let built = builder
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
        // In the order a plain loop meets them: a row the builder refused came before any
        // the reader could not read.
        let built = built?;
        read?;
        Ok(built)
    })
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
    /// Every lead, opportunity and day of ad spend, oldest first (what a load holds of
    /// the records, alone: all an import's refresh of the kept tallies reads).
    pub fn records(&self) -> Result<Records, StoreError> {
        let c = &self.conn;
        let mut names = Names::default();
        let mut leads = scan(
            c,
            "SELECT id, created, source, mql_at, sql_at, geo, segment, first_response_at, system,
                    email
             FROM lead",
            |r| {
                Ok(Lead {
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
                })
            },
        )?;
        let mut opportunities = scan(
            c,
            "SELECT id, created, amount, source, stage, close_date, won, \"type\", geo, system
             FROM opportunity",
            |r| {
                Ok(Opportunity {
                    id: text(r, 0)?.into(),
                    created: required(time(r, 1)?, 1)?,
                    amount: real(r, 2)?,
                    source: names.at(r, 3)?,
                    stage: names.at(r, 4)?,
                    close_date: day(r, 5)?,
                    won: int_opt(r, 6)?.map(|w| w == 1),
                    deal_type: text_opt(r, 7)?.and_then(DealType::parse),
                    geo: names.opt(r, 8)?,
                    system: names.opt(r, 9)?,
                })
            },
        )?;
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
                cost: real(r, 4)?,
                impressions: int_opt(r, 5)?.map(|v| v as u64),
                clicks: int_opt(r, 6)?.map(|v| v as u64),
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

    /// A table of `n` rows: an integer, a text, a real and a null or a blob.
    fn table(n: i64) -> rusqlite::Connection {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch("CREATE TABLE t (n INTEGER, s TEXT, x REAL, b BLOB)")
            .unwrap();
        let mut ins = c.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4)").unwrap();
        for i in 0..n {
            let blob = (i % 3 == 0).then(|| vec![i as u8; (i % 7) as usize]);
            ins.execute(rusqlite::params![
                i,
                format!("row {i}"),
                i as f64 / 4.0,
                blob
            ])
            .unwrap();
        }
        drop(ins);
        c
    }

    type Plain = (i64, String, f64, Option<Vec<u8>>);

    #[test]
    fn a_scan_builds_what_a_plain_loop_builds_across_batches() {
        let n = 2 * BATCH_ROWS as i64 + 17;
        let c = table(n);
        let sql = "SELECT n, s, x, b FROM t ORDER BY n";
        let scanned: Vec<Plain> = scan(&c, sql, |r| {
            Ok((
                int_opt(r, 0)?.unwrap(),
                text(r, 1)?.to_string(),
                real(r, 2)?,
                r.value(3)?.as_blob_or_null().unwrap().map(<[u8]>::to_vec),
            ))
        })
        .unwrap();
        let mut stmt = c.prepare(sql).unwrap();
        let plain: Vec<Plain> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(scanned.len(), n as usize);
        assert_eq!(scanned, plain);
        // None: an empty result.
        let none: Vec<i64> = scan(&c, "SELECT n FROM t WHERE n < 0", |r| {
            Ok(int_opt(r, 0)?.unwrap())
        })
        .unwrap();
        assert!(none.is_empty());
    }

    #[test]
    fn a_row_the_builder_refuses_is_the_scans_error_and_it_stops_there() {
        let c = table(3 * BATCH_ROWS as i64);
        let mut built = 0usize;
        let err = scan(&c, "SELECT n, s FROM t ORDER BY n", |r| {
            built += 1;
            let n = int_opt(r, 0)?.unwrap();
            if n == BATCH_ROWS as i64 + 5 {
                // A text column read as a time: the error a bad stored value gives.
                return time(r, 1).map(|_| n);
            }
            Ok(n)
        })
        .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Sql(rusqlite::Error::FromSqlConversionFailure(1, _, _))
            ),
            "{err}"
        );
        assert_eq!(
            built,
            BATCH_ROWS + 6,
            "nothing is built after the refused row"
        );
        // A column the query does not have.
        let err = scan(&c, "SELECT n FROM t", |r| text(r, 1).map(str::len)).unwrap_err();
        assert!(matches!(
            err,
            StoreError::Sql(rusqlite::Error::InvalidColumnIndex(1))
        ));
    }

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
