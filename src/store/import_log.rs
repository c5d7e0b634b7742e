//! The import log: one row per committed import (kind, file, row counts, content hash,
//! when). The data-freshness control reads it; ingest and the scale demo write it here.

use chrono::NaiveDateTime;
use rusqlite::Transaction;

use crate::facts::Kind;

/// One committed import.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRecord<'a> {
    pub kind: Kind,
    pub file_name: &'a str,
    pub rows: u64,
    pub new_rows: u64,
    pub updated_rows: u64,
    pub unchanged_rows: u64,
    /// SHA-256 of the file, hex; empty for a store filled without a file.
    pub content_hash: &'a str,
    /// UTC.
    pub loaded_at: NaiveDateTime,
}

/// Adds `record` to the import log inside the import's own transaction.
pub fn record(tx: &Transaction, record: &ImportRecord) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO import_log (kind, file_name, rows, new_rows, updated_rows, unchanged_rows, content_hash, loaded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            record.kind.as_str(),
            record.file_name,
            record.rows as i64,
            record.new_rows as i64,
            record.updated_rows as i64,
            record.unchanged_rows as i64,
            record.content_hash,
            record.loaded_at.format(super::TIME_FORMAT).to_string(),
        ],
    )?;
    Ok(())
}
