//! CSV -> validated rows -> store, one transaction per file. A file with any bad row
//! writes nothing; the error lists every bad row (up to a cap) with line, column, value
//! and reason. Rows are upserted by natural key, so re-importing changes nothing.
//! Usage files may also be a BI tool's own export (`bi_exports`), and usage user names
//! are pseudonymised when the charter says so (`privacy`).
//!
//! Memory does not grow with the file: records are read one at a time, at most
//! [`MAX_RECORD_BYTES`] each, fields at most [`MAX_FIELD_BYTES`], and the natural-key
//! check spills to a temporary file beside the store (`sql::Keys`).
//!
//! Here: the entry points and what an import reports; `once` reads a file through, row by
//! row, into one transaction; `notices` words what an import says beside its counts.

pub mod ad_exports;
pub mod bi_exports;
pub mod cells;
pub mod crm_exports;
mod crm_headers;
mod crm_money;
pub mod dates;
mod decode;
mod error;
mod experiments;
pub mod kinds;
mod layout;
mod notices;
mod once;
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

use std::io::Read;
use std::path::Path;

use crate::charter::Charter;
use crate::store::Store;
use once::{Once, import_once};

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

#[cfg(test)]
mod tests;
