//! One pass over a file: decode, blank a preamble, read the header and recognise the
//! layout, then every row parsed, checked and upserted in one transaction; the
//! duplicate-key, date-order and vocabulary checks at the end, and the commit only when
//! no row was bad.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::Utc;
use rustc_hash::FxHashMap;

use super::cells::Cell;
use super::error::oversize_field;
use super::layout::layout;
use super::notices::{overlap_notice, skipped_notice};
use super::rows::{self, Rows};
use super::source::{self, Source};
use super::vocabulary::{self, vocabulary_column};
use super::{
    ImportError, ImportOptions, ImportSummary, Kind, MAX_FIELD_BYTES, MAX_LISTED_ERRORS,
    MAX_RECORD_BYTES, RowError, dates, decode, error, kinds, preamble, sql,
};
use crate::charter::Charter;
use crate::store::Store;

/// Usage aggregate entries held before they are added to the store mid-import.
const TALLY_ENTRIES: usize = 1 << 18;
/// Pseudonyms remembered before the cache starts afresh.
const PSEUDONYM_CACHE: usize = 1 << 16;
/// Distinct labels of skipped BI export rows kept apart; the rest are counted together.
const SKIPPED_LABELS: usize = 64;

/// A file read once: done, or to be read again knowing its date order.
pub(super) enum Once {
    Done(ImportSummary),
    Again(dates::DateOrder, dates::Seen),
}

pub(super) fn import_once<R: Read>(
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
