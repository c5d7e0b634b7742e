//! CSV -> validated rows -> store, one transaction per file. A file with any bad row
//! writes nothing; the error lists every bad row (up to a cap) with line, column, value
//! and reason. Rows are upserted by natural key, so re-importing changes nothing.

pub mod cells;
mod kinds;
pub mod usage;

pub use kinds::{Column, Kind, KindDef, Ty};

use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::Utc;
use sha2::{Digest, Sha256};

use crate::charter::Charter;
use crate::store::Store;
use cells::Cell;

/// At most this many bad rows are listed; the rest are counted.
pub const MAX_LISTED_ERRORS: usize = 100;

/// What one import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub kind: Kind,
    pub file_name: String,
    pub rows: u64,
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Things the user should know that did not stop the import (ignored columns …).
    pub notices: Vec<String>,
}

/// One bad field or row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// 1-based line of the file where the record starts.
    pub line: u64,
    /// 1-based column number and its header name, when the problem is one field.
    pub column: Option<(usize, String)>,
    pub value: String,
    pub reason: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some((n, name)) = &self.column {
            write!(f, ", column {n} ({name})")?;
        }
        if !self.value.is_empty() {
            write!(f, ": {:?}", self.value)?;
        }
        write!(f, ": {}", self.reason)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}: cannot read: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file as a whole cannot be read as this kind (header, delimiter, encoding).
    #[error("{file}: {message}; nothing was imported")]
    Format { file: String, message: String },
    #[error("{}", render_rows(file, errors, *total))]
    Rows {
        file: String,
        errors: Vec<RowError>,
        /// Bad rows in all, listed or not.
        total: usize,
    },
    #[error("{file}: the store refused the import: {source}; nothing was imported")]
    Store {
        file: String,
        source: rusqlite::Error,
    },
}

fn render_rows(file: &str, errors: &[RowError], total: usize) -> String {
    let mut out = format!(
        "{file}: {total} bad row{}; nothing was imported. Fix these and import again:",
        if total == 1 { "" } else { "s" }
    );
    for e in errors {
        out.push_str(&format!("\n  {file}: {e}"));
    }
    if total > errors.len() {
        out.push_str(&format!("\n  … and {} more", total - errors.len()));
    }
    out
}

/// Imports one CSV file of `kind` into the store.
pub fn import_file(
    store: &mut Store,
    charter: &Charter,
    kind: Kind,
    path: &Path,
) -> Result<ImportSummary, ImportError> {
    let file = std::fs::File::open(path).map_err(|source| ImportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let name = path.display().to_string();
    import_reader(
        store,
        charter,
        kind,
        std::io::BufReader::with_capacity(1 << 16, file),
        &name,
    )
}

/// A reader that hashes what passes through it, so the import log can record the
/// content hash without reading the file twice.
struct Hashing<R> {
    inner: R,
    hash: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

/// Where each of the kind's columns sits in the file.
struct Layout {
    /// For each column of the kind, its index in the file's header.
    index: Vec<Option<usize>>,
    width: usize,
    notices: Vec<String>,
}

fn layout(kind: Kind, header: &csv::ByteRecord, file: &str) -> Result<Layout, ImportError> {
    let format = |message: String| ImportError::Format {
        file: file.to_string(),
        message,
    };
    if header.len() == 1 {
        let only = &header[0];
        for (sep, name) in [(b';', "semicolon"), (b'\t', "tab"), (b'|', "pipe")] {
            if only.contains(&sep) {
                return Err(format(format!(
                    "line 1 looks {name}-separated; rhythm reads comma-separated CSV: re-export the file with commas"
                )));
            }
        }
    }
    let mut names = Vec::with_capacity(header.len());
    for (i, raw) in header.iter().enumerate() {
        let text = std::str::from_utf8(raw).map_err(|_| {
            format(format!(
                "line 1, column {}: the header is not UTF-8 text: re-save the file as UTF-8",
                i + 1
            ))
        })?;
        let name = text
            .trim_start_matches('\u{feff}')
            .trim()
            .to_ascii_lowercase();
        if !name.is_empty() && names.contains(&name) {
            return Err(format(format!(
                "line 1, column {}: column '{name}' appears twice",
                i + 1
            )));
        }
        names.push(name);
    }
    let def = kind.def();
    let index: Vec<Option<usize>> = def
        .columns
        .iter()
        .map(|c| names.iter().position(|n| n == c.name))
        .collect();
    let missing: Vec<&str> = def
        .columns
        .iter()
        .zip(&index)
        .filter(|(c, i)| c.required && i.is_none())
        .map(|(c, _)| c.name)
        .collect();
    if !missing.is_empty() {
        let required: Vec<&str> = def
            .columns
            .iter()
            .filter(|c| c.required)
            .map(|c| c.name)
            .collect();
        return Err(format(format!(
            "line 1: missing required column{} {} for `{kind}` (required: {}; found: {})",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            required.join(", "),
            names.join(", ")
        )));
    }
    let extra: Vec<&str> = names
        .iter()
        .filter(|n| !def.columns.iter().any(|c| c.name == n.as_str()))
        .map(|n| n.as_str())
        .collect();
    let mut notices = Vec::new();
    if !extra.is_empty() {
        notices.push(format!(
            "ignored column{} not used by `{kind}`: {}",
            if extra.len() == 1 { "" } else { "s" },
            extra.join(", ")
        ));
    }
    Ok(Layout {
        index,
        width: header.len(),
        notices,
    })
}

/// Parses one field of `column`; `first` is the row's already-parsed first cell.
fn parse_field<'a>(
    charter: &Charter,
    column: &Column,
    text: &'a str,
    first: Option<&Cell<'_>>,
) -> Result<Cell<'a>, String> {
    if text.is_empty() {
        return if column.required {
            Err("is empty, but the column is required".into())
        } else if column.name == "geo" {
            Ok(Cell::Text(""))
        } else {
            Ok(Cell::Null)
        };
    }
    let p = &charter.partnership;
    Ok(match column.ty {
        Ty::Week => {
            Cell::Owned(crate::calendar::week_start(cells::date(text)?, p.week_start).to_string())
        }
        Ty::Date => Cell::Owned(cells::date(text)?.to_string()),
        Ty::Month => Cell::Owned(cells::month(text)?.to_string()),
        Ty::Epoch => Cell::Int(cells::timestamp(text)?.and_utc().timestamp()),
        Ty::Timestamp => Cell::Owned(cells::timestamp_text(cells::timestamp(text)?)),
        Ty::Money => Cell::Real(cells::money(text)?),
        Ty::Number => Cell::Real(cells::number(text)?),
        Ty::Count => Cell::Int(cells::count(text)?),
        Ty::Score => Cell::Int(cells::score(text)?),
        Ty::Text => Cell::Text(text),
        Ty::KpiId => {
            if charter.kpi(text).is_none() {
                return Err(
                    "is not a KPI id of the charter: add it to [[kpi]] or fix the id".into(),
                );
            }
            Cell::Text(text)
        }
        Ty::DeliverableId => {
            if charter.deliverable(text).is_none() {
                return Err("is not a deliverable id of the charter: add it to [[deliverable]] or fix the id".into());
            }
            Cell::Text(text)
        }
        Ty::Period => {
            let date = cells::date(text)?;
            let id = first.and_then(Cell::as_str).unwrap_or("");
            let cadence = charter
                .kpi(id)
                .map(|k| k.cadence)
                .or_else(|| charter.deliverable(id).map(|d| d.cadence));
            match cadence {
                Some(c) => Cell::Owned(
                    c.period_start(date, p.week_start, p.fiscal_year_start_month)
                        .to_string(),
                ),
                // The id itself is already reported as unknown.
                None => Cell::Owned(date.to_string()),
            }
        }
    })
}

fn key_hash(cells: &[Cell]) -> u128 {
    let mut halves = [0u64; 2];
    for (salt, half) in halves.iter_mut().enumerate() {
        let mut h = DefaultHasher::new();
        salt.hash(&mut h);
        for cell in cells {
            match cell {
                Cell::Null => 0u8.hash(&mut h),
                Cell::Int(i) => (1u8, i).hash(&mut h),
                Cell::Real(f) => (2u8, f.to_bits()).hash(&mut h),
                Cell::Text(s) => (3u8, *s).hash(&mut h),
                Cell::Owned(s) => (3u8, s.as_str()).hash(&mut h),
            }
        }
        *half = h.finish();
    }
    (u128::from(halves[0]) << 64) | u128::from(halves[1])
}

fn insert_sql(def: &KindDef) -> String {
    let names: Vec<&str> = def.columns.iter().map(|c| c.name).collect();
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT OR IGNORE INTO {} ({}) VALUES ({})",
        def.table,
        names.join(", "),
        marks.join(", ")
    )
}

/// Updates the row with the same key only where a value differs, so `changes()` tells
/// updated (1) from unchanged (0).
fn update_sql(def: &KindDef) -> String {
    let at = |i: usize| format!("?{}", i + 1);
    let sets: Vec<String> = def.columns[def.key_len..]
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} = {}", c.name, at(def.key_len + i)))
        .collect();
    let keys: Vec<String> = def.columns[..def.key_len]
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} = {}", c.name, at(i)))
        .collect();
    let differs: Vec<String> = def.columns[def.key_len..]
        .iter()
        .enumerate()
        .map(|(i, c)| format!("{} IS NOT {}", c.name, at(def.key_len + i)))
        .collect();
    format!(
        "UPDATE {} SET {} WHERE {} AND ({})",
        def.table,
        sets.join(", "),
        keys.join(" AND "),
        differs.join(" OR ")
    )
}

/// Imports CSV text from `reader`; `file_name` is what errors and the import log call it.
pub fn import_reader<R: Read>(
    store: &mut Store,
    charter: &Charter,
    kind: Kind,
    reader: R,
    file_name: &str,
) -> Result<ImportSummary, ImportError> {
    let mut source = Hashing {
        inner: reader,
        hash: Sha256::new(),
    };
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(&mut source);
    let read_err = |e: csv::Error| ImportError::Format {
        file: file_name.to_string(),
        message: format!("cannot be read as CSV: {e}"),
    };
    let mut header = csv::ByteRecord::new();
    if !csv.read_byte_record(&mut header).map_err(read_err)? {
        let required: Vec<&str> = kind
            .def()
            .columns
            .iter()
            .filter(|c| c.required)
            .map(|c| c.name)
            .collect();
        return Err(ImportError::Format {
            file: file_name.to_string(),
            message: format!(
                "the file is empty: a `{kind}` file starts with a header row ({})",
                required.join(",")
            ),
        });
    }
    let layout = layout(kind, &header, file_name)?;
    let def = kind.def();
    let store_err = |source| ImportError::Store {
        file: file_name.to_string(),
        source,
    };

    let tx = store
        .conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(store_err)?;
    let mut summary = ImportSummary {
        kind,
        file_name: file_name.to_string(),
        rows: 0,
        new: 0,
        updated: 0,
        unchanged: 0,
        notices: layout.notices.clone(),
    };
    let mut errors: Vec<RowError> = Vec::new();
    let mut bad_rows = 0usize;
    // (key hash, line) of every good row. Duplicates are found by sorting once at the end
    // rather than with a hash set per row: a million-entry set thrashes the CPU cache that
    // SQLite needs, and any duplicate rolls the whole file back anyway.
    let mut keys: Vec<(u128, u64)> = Vec::new();
    let mut tally = (kind == Kind::Usage).then(usage::UsageTally::default);
    {
        let mut insert = tx.prepare(&insert_sql(def)).map_err(store_err)?;
        let mut update = tx.prepare(&update_sql(def)).map_err(store_err)?;
        let mut record = csv::ByteRecord::new();
        let mut row_errors: Vec<RowError> = Vec::new();
        loop {
            match csv.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let line = e.position().map_or(0, |p| p.line());
                    bad_rows += 1;
                    if errors.len() < MAX_LISTED_ERRORS {
                        errors.push(RowError {
                            line,
                            column: None,
                            value: String::new(),
                            reason: format!("cannot be read as CSV: {e}"),
                        });
                    }
                    break;
                }
            }
            let line = record.position().map_or(0, |p| p.line());
            if record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace) {
                continue; // a blank line
            }
            summary.rows += 1;
            row_errors.clear();
            let mut row: Vec<Cell> = Vec::with_capacity(def.columns.len());
            if record.len() != layout.width {
                row_errors.push(RowError {
                    line,
                    column: None,
                    value: String::new(),
                    reason: format!(
                        "has {} fields but the header has {}: a ragged row (check for an unquoted comma)",
                        record.len(),
                        layout.width
                    ),
                });
            } else {
                for (column, index) in def.columns.iter().zip(&layout.index) {
                    let raw: &[u8] = index.map_or(b"", |i| &record[i]);
                    let located = |value: String, reason: String| RowError {
                        line,
                        column: Some((index.map_or(0, |i| i + 1), column.name.to_string())),
                        value,
                        reason,
                    };
                    let Ok(text) = std::str::from_utf8(raw) else {
                        row_errors.push(located(
                            String::from_utf8_lossy(raw).into_owned(),
                            "is not UTF-8 text: re-save the file as UTF-8".into(),
                        ));
                        row.push(Cell::Null);
                        continue;
                    };
                    match parse_field(charter, column, text.trim(), row.first()) {
                        Ok(cell) => row.push(cell),
                        Err(reason) => {
                            row_errors.push(located(truncate(text), reason));
                            row.push(Cell::Null);
                        }
                    }
                }
                if row_errors.is_empty() {
                    keys.push((key_hash(&row[..def.key_len]), line));
                }
            }
            if !row_errors.is_empty() {
                bad_rows += 1;
                let room = MAX_LISTED_ERRORS.saturating_sub(errors.len());
                errors.extend(row_errors.drain(..).take(room));
                continue;
            }
            if bad_rows > 0 {
                continue; // nothing will be written; keep validating
            }
            if insert
                .execute(rusqlite::params_from_iter(row.iter()))
                .map_err(store_err)?
                == 1
            {
                summary.new += 1;
                if let (Some(t), [Cell::Int(ts), user, dashboard, ..]) =
                    (tally.as_mut(), row.as_slice())
                {
                    t.add(
                        *ts,
                        user.as_str().unwrap_or(""),
                        dashboard.as_str().unwrap_or(""),
                    );
                }
            } else if update
                .execute(rusqlite::params_from_iter(row.iter()))
                .map_err(store_err)?
                == 1
            {
                summary.updated += 1;
            } else {
                summary.unchanged += 1;
            }
        }
    }
    drop(csv);
    let duplicates = duplicate_keys(kind, keys);
    if !duplicates.is_empty() {
        bad_rows += duplicates.len();
        errors.extend(duplicates);
        errors.sort_by_key(|e| e.line);
        errors.truncate(MAX_LISTED_ERRORS);
    }
    if bad_rows > 0 {
        // Dropping the transaction rolls it back: nothing of this file is written.
        return Err(ImportError::Rows {
            file: file_name.to_string(),
            errors,
            total: bad_rows,
        });
    }
    // Read whatever follows the last record so the hash covers the whole file.
    std::io::copy(&mut source, &mut std::io::sink()).map_err(|e| ImportError::Io {
        path: PathBuf::from(file_name),
        source: e,
    })?;
    let hash = format!("{:x}", source.hash.finalize());
    if let Some(t) = tally {
        t.flush(&tx).map_err(store_err)?;
    }
    tx.execute(
        "INSERT INTO import_log (kind, file_name, rows, new_rows, updated_rows, unchanged_rows, content_hash, loaded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        rusqlite::params![
            kind.as_str(),
            file_name,
            summary.rows as i64,
            summary.new as i64,
            summary.updated as i64,
            summary.unchanged as i64,
            hash,
            cells::timestamp_text(Utc::now().naive_utc()),
        ],
    )
    .map_err(store_err)?;
    tx.commit().map_err(store_err)?;
    Ok(summary)
}

/// Rows whose natural key an earlier row of the file already had.
fn duplicate_keys(kind: Kind, mut keys: Vec<(u128, u64)>) -> Vec<RowError> {
    keys.sort_unstable();
    keys.windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| RowError {
            line: w[1].1,
            column: None,
            value: String::new(),
            reason: format!(
                "duplicate natural key ({}): line {} has the same key",
                kind.key_names().join(", "),
                w[0].1
            ),
        })
        .collect()
}

/// Long values are cut in error messages so one huge field does not flood the terminal.
fn truncate(text: &str) -> String {
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests;
