//! What a refused import tells the user: the file, and for bad rows every line, column,
//! value and reason (up to a cap). Every value from the file (a cell, a header name, the
//! file's name) is shown on one line, its hidden characters escaped and long ones cut
//! (`text`): an error never echoes a file raw or at full length.

use std::fmt;
use std::path::PathBuf;

use super::MAX_FIELD_BYTES;
use crate::text;

/// Values and header names longer than this many characters are cut in error messages.
pub const MAX_SHOWN: usize = 80;

/// A value from the file as an error shows it: cut to [`MAX_SHOWN`] with its length,
/// on one line, hidden characters escaped.
pub(crate) fn shown(value: &str) -> String {
    text::one_line(&text::cut(value, MAX_SHOWN)).into_owned()
}

/// At most this many bad rows are listed; the rest are counted.
pub const MAX_LISTED_ERRORS: usize = 100;

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
            write!(f, ", column {n} ({})", shown(name))?;
        }
        if !self.value.is_empty() {
            write!(f, ": \"{}\"", shown(&self.value))?;
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
    #[error("{}: {message}; nothing was imported", text::one_line(file))]
    Format { file: String, message: String },
    #[error("{}", render_rows(file, errors, *total))]
    Rows {
        file: String,
        errors: Vec<RowError>,
        /// Bad rows in all, listed or not.
        total: usize,
    },
    #[error(
        "{}: the store refused the import: {source}; nothing was imported",
        text::one_line(file)
    )]
    Store {
        file: String,
        source: rusqlite::Error,
    },
    /// The charter asks for pseudonymised usage but the key is not in the environment.
    /// Its message suits readers of the store too (the stakeholder mapping needs the key).
    #[error(transparent)]
    PseudonymKey(#[from] crate::store::privacy::MissingPseudonymKey),
}

fn render_rows(file: &str, errors: &[RowError], total: usize) -> String {
    let file = text::one_line(file);
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

/// Long values are cut where a row error keeps them, so one huge field does not flood the
/// terminal: their first [`MAX_SHOWN`] characters, an ellipsis and their length.
pub(crate) fn truncate(text: &str) -> String {
    text::cut(text, MAX_SHOWN).into_owned()
}

/// The first field of the `used` columns of `record` longer than [`MAX_FIELD_BYTES`],
/// as a bad row.
pub(super) fn oversize_field(
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
        value: truncate(&prefix),
        reason: format!(
            "is {} bytes long, over the limit of {MAX_FIELD_BYTES} bytes for one field: \
             shorten it (a quote left open can swallow the following lines)",
            field.len()
        ),
    })
}
