//! CSV -> validated rows -> store, one transaction per file. A file with any bad row
//! writes nothing; the error lists every bad row (up to a cap) with line, column, value
//! and reason. Rows are upserted by natural key, so re-importing changes nothing.
//! Usage files may also be a BI tool's own export (`bi_exports`), and usage user names
//! are pseudonymised when the charter says so (`privacy`).
//!
//! Memory does not grow with the file: records are read one at a time, at most
//! [`MAX_RECORD_BYTES`] each, fields at most [`MAX_FIELD_BYTES`], and the natural-key
//! check spills to a temporary file beside the store (`sql::Keys`).

pub mod ad_exports;
pub mod bi_exports;
pub mod cells;
pub mod crm_exports;
mod crm_headers;
mod crm_money;
mod crm_preamble;
pub mod dates;
mod decode;
mod error;
mod experiments;
pub mod kinds;
mod layout;
mod powerbi;
mod preamble;
mod rows;
mod source;
mod sql;
pub mod surveys;
mod vocabulary;

pub use crate::store::privacy::{PSEUDONYM_PREFIX, is_pseudonym, pseudonym, pseudonym_key};
pub use error::{ImportError, MAX_LISTED_ERRORS, RowError};
pub use kinds::{Column, Kind, KindDef, Ty};
pub use source::MAX_RECORD_BYTES;

/// The most bytes one field may hold; a row with a longer one is a bad row.
pub const MAX_FIELD_BYTES: usize = 4096;

/// Usage aggregate entries held before they are added to the store mid-import.
const TALLY_ENTRIES: usize = 1 << 18;
/// Pseudonyms remembered before the cache starts afresh.
const PSEUDONYM_CACHE: usize = 1 << 16;
/// Distinct labels of skipped BI export rows kept apart; the rest are counted together.
const SKIPPED_LABELS: usize = 64;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::Utc;
use rustc_hash::FxHashMap;

use crate::charter::Charter;
use crate::store::Store;
use cells::Cell;
use layout::layout;
use rows::Rows;
use source::Source;

/// What one import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    pub kind: Kind,
    pub file_name: String,
    /// Rows of the kind read (skipped non-view rows of a BI export not included).
    pub rows: u64,
    pub new: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Things the user should know that did not stop the import (ignored columns,
    /// a recognised BI export, skipped rows …).
    pub notices: Vec<String>,
}

/// How an import treats personal data, beyond what the file says.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The key usage user names are pseudonymised with; `None` stores them as they are.
    pub pseudonym_key: Option<Vec<u8>>,
    /// `--date-order`: how the export's numeric dates are written, when the file cannot
    /// show it (see [`dates`]).
    pub date_order: Option<dates::DateOrder>,
    /// `--tz`: the zone of an export's timestamps that carry no offset; `None`: UTC.
    pub zone: Option<chrono_tz::Tz>,
}

impl ImportOptions {
    /// What the charter asks for an import of `kind`: with `[privacy] pseudonymise_usage
    /// = true`, a usage import needs the key from the environment variable the charter
    /// names, and fails without it.
    pub fn from_charter(charter: &Charter, kind: Kind) -> Result<ImportOptions, ImportError> {
        Ok(ImportOptions {
            pseudonym_key: if matches!(kind, Kind::Usage | Kind::Leads) {
                pseudonym_key(charter)?
            } else {
                None
            },
            ..ImportOptions::default()
        })
    }
}

/// Imports one CSV file of `kind` into the store, as the charter asks (see
/// [`ImportOptions::from_charter`]).
pub fn import_file(
    store: &mut Store,
    charter: &Charter,
    kind: Kind,
    path: &Path,
) -> Result<ImportSummary, ImportError> {
    let options = ImportOptions::from_charter(charter, kind)?;
    import_file_with(store, charter, kind, path, &options)
}

/// Imports one CSV file of `kind` with explicit options.
pub fn import_file_with(
    store: &mut Store,
    charter: &Charter,
    kind: Kind,
    path: &Path,
    options: &ImportOptions,
) -> Result<ImportSummary, ImportError> {
    let open = || {
        std::fs::File::open(path)
            .map(|f| std::io::BufReader::with_capacity(1 << 16, f))
            .map_err(|source| ImportError::Io {
                path: path.to_path_buf(),
                source,
            })
    };
    let name = path.display().to_string();
    let dates = dates::Dates::new(options.date_order, options.zone);
    match import_once(store, charter, kind, open()?, &name, options, dates)? {
        Once::Done(summary) => Ok(summary),
        // The file showed its day-first dates only after rows read month-first: read it
        // again, knowing.
        Once::Again(order, seen) => {
            let dates = dates::Dates::shown_by(order, seen, options.zone);
            match import_once(store, charter, kind, open()?, &name, options, dates)? {
                Once::Done(summary) => Ok(summary),
                Once::Again(_, seen) => Err(date_order_late(&name, &seen)),
            }
        }
    }
}

/// A file read once: done, or to be read again knowing its date order.
enum Once {
    Done(ImportSummary),
    Again(dates::DateOrder, dates::Seen),
}

/// The refusal of a file that cannot be read twice whose date order showed late.
fn date_order_late(file: &str, seen: &dates::Seen) -> ImportError {
    ImportError::Format {
        file: file.to_string(),
        message: format!(
            "line {}: {} shows the file's dates are day-first, but rows before it were read \
             before that could be known: pass --date-order dmy (or import the file by its path)",
            seen.line, seen.value
        ),
    }
}

/// Imports CSV text from `reader`, as the charter asks; `file_name` is what errors and
/// the import log call it.
pub fn import_reader<R: Read>(
    store: &mut Store,
    charter: &Charter,
    kind: Kind,
    reader: R,
    file_name: &str,
) -> Result<ImportSummary, ImportError> {
    let options = ImportOptions::from_charter(charter, kind)?;
    import_reader_with(store, charter, kind, reader, file_name, &options)
}

/// Imports CSV text from `reader` with explicit options. A reader cannot be read twice,
/// so a file whose day-first dates show only late is refused (see [`import_file_with`]).
pub fn import_reader_with<R: Read>(
    store: &mut Store,
    charter: &Charter,
    kind: Kind,
    reader: R,
    file_name: &str,
    options: &ImportOptions,
) -> Result<ImportSummary, ImportError> {
    let dates = dates::Dates::new(options.date_order, options.zone);
    match import_once(store, charter, kind, reader, file_name, options, dates)? {
        Once::Done(summary) => Ok(summary),
        Once::Again(_, seen) => Err(date_order_late(file_name, &seen)),
    }
}

fn import_once<R: Read>(
    store: &mut Store,
    charter: &Charter,
    kind: Kind,
    reader: R,
    file_name: &str,
    options: &ImportOptions,
    dates: dates::Dates,
) -> Result<Once, ImportError> {
    let (decoded, mut sniffed) =
        decode::decode(reader, MAX_RECORD_BYTES).map_err(|message| ImportError::Format {
            file: file_name.to_string(),
            message,
        })?;
    let (decoded, preamble) =
        preamble::strip_for(kind, decoded, MAX_RECORD_BYTES).map_err(|e| ImportError::Io {
            path: PathBuf::from(file_name),
            source: e,
        })?;
    if let Some(p) = preamble {
        sniffed.delimiter = p.delimiter;
        sniffed.notices.push(p.notice());
    }
    let mut source = Source::new(decoded);
    let lines = source.lines();
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniffed.delimiter)
        .from_reader(&mut source);
    let read_err = |e: csv::Error| ImportError::Format {
        file: file_name.to_string(),
        message: if source::too_long(&e) {
            format!(
                "line 1: the header row runs past {MAX_RECORD_BYTES} bytes, the most one row \
                 may take: this is not a `{kind}` CSV file"
            )
        } else {
            format!("line 1: cannot be read as CSV: {e}")
        },
    };
    let mut header = csv::ByteRecord::new();
    let mut any = csv.read_byte_record(&mut header).map_err(read_err)?;
    if any && sniffed.type_line && decode::is_type_line(&header) {
        lines.ended(csv.position());
        any = csv.read_byte_record(&mut header).map_err(read_err)?;
    }
    let mut preamble = 0;
    while any
        && preamble < crm_preamble::MAX_PREAMBLE_LINES
        && crm_preamble::is_preamble_line(kind, &header)
    {
        preamble += 1;
        lines.ended(csv.position());
        any = csv.read_byte_record(&mut header).map_err(read_err)?;
    }
    if !any {
        let required: Vec<&str> = kinds::def(kind)
            .columns
            .iter()
            .filter(|c| c.required)
            .map(|c| c.name)
            .collect();
        return Err(ImportError::Format {
            file: file_name.to_string(),
            message: format!(
                "line 1: the file is empty: a `{kind}` file starts with a header row ({})",
                required.join(",")
            ),
        });
    }
    let header_line = lines.start(&header, csv.position());
    lines.ended(csv.position());
    let layout = layout(kind, &header, header_line, file_name, charter)?;
    let def = kinds::def(kind);
    let store_err = |source| ImportError::Store {
        file: file_name.to_string(),
        source,
    };

    let spill_dir = match store.path().parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
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
        notices: sniffed
            .notices
            .iter()
            .chain(&layout.notices)
            .cloned()
            .chain(crm_preamble::notice(preamble, header_line))
            .collect(),
    };
    let mut rows = Rows {
        kind,
        charter,
        def,
        layout: &layout,
        pseudonym_key: options.pseudonym_key.as_deref(),
        pseudonyms: FxHashMap::default(),
        channels: rows::Channels::of(charter),
        dates,
    };
    let mut errors: Vec<RowError> = Vec::new();
    let mut bad_rows = 0usize;
    // (key hash, line) of every good row, for the duplicate check at the end.
    let mut keys = sql::Keys::new(&spill_dir);
    // The columns rows are read from: only their fields have a length limit, so a BI
    // export's long columns that rhythm ignores (a query's text) do not refuse a file.
    let used: Vec<usize> = match (&layout.export, &layout.survey, &layout.ad, &layout.crm) {
        (Some(export), _, _, _) => export.columns().collect(),
        (_, Some(survey), _, _) => survey.columns().collect(),
        (_, _, Some(ad), _) => ad.columns().collect(),
        (_, _, _, Some(crm)) => crm.columns().collect(),
        _ => layout.index.iter().flatten().copied().collect(),
    };
    let spill_err = |dir: &Path, e: std::io::Error| ImportError::Format {
        file: file_name.to_string(),
        message: format!(
            "cannot write the temporary file of the duplicate-key check in {}: {e} \
             (it takes 24 bytes a row; free some space there)",
            dir.display()
        ),
    };
    let mut tally = (kind == Kind::Usage).then(crate::store::usage::UsageTally::default);
    let mut vocabulary = vocabulary::Vocabulary::new(charter, kind);
    // BI export rows that are not views, by what they were.
    let mut skipped: BTreeMap<String, u64> = BTreeMap::new();
    {
        let mut insert = tx.prepare(&sql::insert_sql(def)).map_err(store_err)?;
        let mut update = tx.prepare(&sql::update_sql(def)).map_err(store_err)?;
        let mut record = csv::ByteRecord::new();
        let mut row_errors: Vec<RowError> = Vec::new();
        let mut last_line = header_line;
        // A second header row (SurveyMonkey's) is read like a row, so lines still count.
        let mut second_header = layout.skip_next_record;
        loop {
            match csv.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    // Only reading the file itself can fail here (flexible byte records).
                    let (line, reason) = if source::too_long(&e) {
                        (
                            lines.next(),
                            format!(
                                "the row starting here runs past {MAX_RECORD_BYTES} bytes, the \
                                 most one row may take (a quote left open runs to the end of the \
                                 file): shorten or split it; the rest of the file was not read"
                            ),
                        )
                    } else {
                        (
                            e.position().map_or(last_line + 1, |p| p.line().max(1)),
                            format!("cannot be read as CSV: {e}"),
                        )
                    };
                    bad_rows += 1;
                    if errors.len() < MAX_LISTED_ERRORS {
                        errors.push(RowError {
                            line,
                            column: None,
                            value: String::new(),
                            reason,
                        });
                    }
                    break;
                }
            }
            let line = lines.start(&record, csv.position());
            lines.ended(csv.position());
            last_line = line;
            if record.len() == 1 && record[0].iter().all(u8::is_ascii_whitespace) {
                continue; // a blank line
            }
            if std::mem::take(&mut second_header) {
                continue;
            }
            row_errors.clear();
            if record.as_slice().len() > MAX_FIELD_BYTES
                && let Some(e) = oversize_field(&record, &used, &layout.names, line)
            {
                summary.rows += 1;
                bad_rows += 1;
                if errors.len() < MAX_LISTED_ERRORS {
                    errors.push(e);
                }
                continue;
            }
            let mut row: Vec<Cell> = Vec::with_capacity(def.columns.len());
            if let Some(label) = rows.parse(&record, line, &mut row, &mut row_errors) {
                let label = if skipped.len() < SKIPPED_LABELS || skipped.contains_key(&label) {
                    label
                } else {
                    "other values".to_string()
                };
                *skipped.entry(label).or_insert(0) += 1;
                continue;
            }
            if rows.pseudonyms.len() > PSEUDONYM_CACHE {
                rows.pseudonyms.clear();
            }
            summary.rows += 1;
            if !row_errors.is_empty() {
                bad_rows += 1;
                let room = MAX_LISTED_ERRORS.saturating_sub(errors.len());
                errors.extend(row_errors.drain(..).take(room));
                continue;
            }
            keys.push(sql::key_hash(&row[..def.key_len]), line)
                .map_err(|e| spill_err(&spill_dir, e))?;
            if let Some(v) = vocabulary.as_mut() {
                v.add(&row, line);
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
                    if t.entries() > TALLY_ENTRIES {
                        // The aggregates add up, so a part now and the rest later is the same.
                        std::mem::take(t).flush(&tx).map_err(store_err)?;
                    }
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
    let duplicates = keys
        .duplicates(kind)
        .map_err(|e| spill_err(&spill_dir, e))?;
    if let Some(export) = &layout.export {
        // A BI tool logs one dashboard load as several events in the same second (a
        // query per tile): the same view, counted once. The repeat found its row
        // already written, so it was counted unchanged. Rows folded into their
        // dashboard session (Looker) are such repeats too, and said apart.
        let folded = export.folded();
        if duplicates.count > 0 {
            let n = duplicates.count;
            summary.rows -= n;
            summary.unchanged = summary.unchanged.saturating_sub(n);
            let repeats = n.saturating_sub(folded);
            if repeats > 0 {
                summary.notices.push(format!(
                    "{repeats} row{} repeated an earlier row's timestamp, user and dashboard: counted once",
                    if repeats == 1 { "" } else { "s" }
                ));
            }
        }
        summary.notices.extend(export.folded_notice());
    } else if duplicates.count > 0 {
        bad_rows += duplicates.count as usize;
        errors.extend(duplicates.listed);
        errors.sort_by_key(|e| e.line);
        errors.truncate(MAX_LISTED_ERRORS);
    }
    match rows.dates.outcome() {
        dates::Outcome::Read(notice) => summary.notices.extend(notice),
        dates::Outcome::Again(order, seen) => return Ok(Once::Again(order, seen)),
        dates::Outcome::Undecided(seen) => {
            bad_rows += 1;
            errors.insert(
                0,
                RowError {
                    line: seen.line,
                    column: Some((
                        seen.column + 1,
                        layout.names.get(seen.column).cloned().unwrap_or_default(),
                    )),
                    value: error::truncate(&seen.value),
                    reason: dates::Dates::undecided_reason(&seen),
                },
            );
            errors.truncate(MAX_LISTED_ERRORS);
        }
    }
    if let Some(v) = &vocabulary {
        let column = vocabulary_column(kind, &layout);
        let refused = v.refusals(column);
        if !refused.is_empty() {
            bad_rows += refused.len();
            errors.extend(refused);
            errors.sort_by_key(|e| e.line);
            errors.truncate(MAX_LISTED_ERRORS);
        }
        summary.notices.extend(v.notice());
    }
    if bad_rows > 0 {
        // Dropping the transaction rolls it back: nothing of this file is written.
        return Err(ImportError::Rows {
            file: file_name.to_string(),
            errors,
            total: bad_rows,
        });
    }
    if !skipped.is_empty() {
        summary.notices.push(skipped_notice(kind, &skipped));
    }
    summary
        .notices
        .extend(layout.ad.as_ref().and_then(|ad| ad.closing_notice()));
    summary.notices.extend(rows.channels.added_notice());
    if options.pseudonym_key.is_some() && kind == Kind::Usage {
        summary.notices.push(
            "user names stored pseudonymised (keyed hash, as the charter's [privacy] section asks)"
                .into(),
        );
    }
    if matches!(
        kind,
        Kind::Channels | Kind::Leads | Kind::Opportunities | Kind::Spend
    ) {
        summary
            .notices
            .extend(overlap_notice(&tx, charter).map_err(store_err)?);
    }
    // Read whatever follows the last record so the hash covers the whole file.
    lines.unlimit();
    std::io::copy(&mut source, &mut std::io::sink()).map_err(|e| ImportError::Io {
        path: PathBuf::from(file_name),
        source: e,
    })?;
    let hash = source.finish();
    if let Some(t) = tally {
        t.flush(&tx).map_err(store_err)?;
    }
    crate::store::import_log::record(
        &tx,
        &crate::store::import_log::ImportRecord {
            kind,
            file_name,
            rows: summary.rows,
            new_rows: summary.new,
            updated_rows: summary.updated,
            unchanged_rows: summary.unchanged,
            content_hash: &hash,
            loaded_at: Utc::now().naive_utc(),
        },
    )
    .map_err(store_err)?;
    tx.commit().map_err(store_err)?;
    Ok(Once::Done(summary))
}

/// When the `channels` file and the funnel records cover the same weeks, which wins
/// there (`[funnel] prefer`), said at the import that makes them meet.
fn overlap_notice(
    tx: &rusqlite::Transaction,
    charter: &Charter,
) -> rusqlite::Result<Option<String>> {
    let (weeks, first, last): (i64, Option<String>, Option<String>) = tx.query_row(
        "WITH span AS (
             SELECT MIN(d) AS a, MAX(d) AS b FROM (
                 SELECT substr(created, 1, 10) AS d FROM lead
                 UNION ALL SELECT substr(created, 1, 10) FROM opportunity
                 UNION ALL SELECT date FROM spend))
         SELECT COUNT(DISTINCT week), MIN(week), MAX(week) FROM channel_week, span
         WHERE week >= date(span.a, '-6 days') AND week <= span.b",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let (Some(first), Some(last)) = (first, last) else {
        return Ok(None);
    };
    let rule = match charter.funnel.prefer {
        crate::charter::Prefer::Records => {
            "the records win ([funnel] prefer = \"records\"): spend from spend records, leads, MQLs and SQLs from lead records, pipeline, opportunities and closed-won from opportunity records, each where its records cover the week"
        }
        crate::charter::Prefer::Channels => {
            "the channels file wins ([funnel] prefer = \"channels\"): the records count only in weeks and channels it does not have"
        }
    };
    Ok((weeks > 0).then(|| {
        format!(
            "the channels file and the funnel records both cover {weeks} week{} ({first} to {last}): where both have a week and channel, {rule}",
            if weeks == 1 { "" } else { "s" }
        )
    }))
}

/// Where a funnel record's channel-naming value sits in the file, for an error: the
/// lead source (leads, opportunities) or the campaign (spend), when the file has it under
/// the kind's own name.
fn vocabulary_column(kind: Kind, layout: &layout::Layout) -> Option<(usize, String)> {
    let at = match kind {
        Kind::Leads => 2,
        Kind::Opportunities => 3,
        Kind::Spend => 2,
        _ => return None,
    };
    if let Some(crm) = &layout.crm {
        let index = crm.column_of(at)?;
        return Some((index + 1, layout.names.get(index)?.clone()));
    }
    let index = (*layout.index.get(at)?)?;
    Some((index + 1, layout.names.get(index)?.clone()))
}

/// The first field of the `used` columns of `record` longer than [`MAX_FIELD_BYTES`],
/// as a bad row.
fn oversize_field(
    record: &csv::ByteRecord,
    used: &[usize],
    names: &[String],
    line: u64,
) -> Option<RowError> {
    let (i, field) = used
        .iter()
        .filter_map(|&i| record.get(i).map(|f| (i, f)))
        .filter(|(_, f)| f.len() > MAX_FIELD_BYTES)
        .min_by_key(|&(i, _)| i)?;
    // A short prefix is enough to find it; 400 bytes hold the 80 characters shown.
    let prefix = String::from_utf8_lossy(&field[..field.len().min(400)]);
    Some(RowError {
        line,
        column: Some((i + 1, names.get(i).cloned().unwrap_or_default())),
        value: error::truncate(&prefix),
        reason: format!(
            "is {} bytes long, over the limit of {MAX_FIELD_BYTES} bytes for one field: \
             shorten it (a quote left open can swallow the following lines)",
            field.len()
        ),
    })
}

/// "skipped 12 rows that are not dashboard views: Activity = ExportReport (9), …" (nps:
/// "responses that give no NPS answer").
fn skipped_notice(kind: Kind, skipped: &BTreeMap<String, u64>) -> String {
    const SHOWN: usize = 6;
    let total: u64 = skipped.values().sum();
    let mut by_count: Vec<(&String, &u64)> = skipped.iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let mut parts: Vec<String> = by_count
        .iter()
        .take(SHOWN)
        .map(|(label, n)| format!("{label} ({n})"))
        .collect();
    if by_count.len() > SHOWN {
        parts.push(format!("{} more kinds", by_count.len() - SHOWN));
    }
    let (one, many) = if kind == Kind::Nps {
        (
            "response that gives no NPS answer",
            "responses that give no NPS answer",
        )
    } else if kind == Kind::Spend {
        (
            "summary row (its cost is already in the rows above it)",
            "summary rows (their cost is already in the rows above them)",
        )
    } else if matches!(kind, Kind::Leads | Kind::Opportunities) {
        ("line that is not a record", "lines that are not records")
    } else {
        (
            "row that is not a dashboard view",
            "rows that are not dashboard views",
        )
    };
    format!(
        "skipped {total} {}: {}",
        if total == 1 { one } else { many },
        parts.join(", ")
    )
}

#[cfg(test)]
mod tests;
