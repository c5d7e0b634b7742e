//! What a refused import tells the user: the file, and for bad rows every line, column,
//! value and reason (up to a cap).

use std::fmt;
use std::path::PathBuf;

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
    /// The charter asks for pseudonymised usage but the key is not in the environment.
    /// Its message suits readers of the store too (the stakeholder mapping needs the key).
    #[error(transparent)]
    PseudonymKey(#[from] crate::store::privacy::MissingPseudonymKey),
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

/// Long values are cut in error messages so one huge field does not flood the terminal.
pub(crate) fn truncate(text: &str) -> String {
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let cut: String = text.chars().take(MAX).collect();
        format!("{cut}…")
    }
}
