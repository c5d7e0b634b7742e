//! The lines a formatted CRM report writes before its header row: the report's title,
//! "Filtered By" and "As of" lines, each one cell (see `tests/fixtures/crm/README.md`).
//! A `leads` or `opportunities` header names at least three columns, so a line with at
//! most one non-empty cell is never the header: it is skipped, and the import says so.

use super::Kind;

/// At most this many lines are skipped looking for the header.
pub const MAX_PREAMBLE_LINES: usize = 20;

/// Whether `record`, before any header, is a report's title or filter line for `kind`.
pub fn is_preamble_line(kind: Kind, record: &csv::ByteRecord) -> bool {
    matches!(kind, Kind::Leads | Kind::Opportunities)
        && record
            .iter()
            .filter(|f| !f.iter().all(u8::is_ascii_whitespace))
            .count()
            <= 1
}

/// "skipped 3 report title lines before the header on line 5".
pub fn notice(skipped: usize, header_line: u64) -> Option<String> {
    (skipped > 0).then(|| {
        format!(
            "skipped {skipped} report title line{} before the header on line {header_line}",
            if skipped == 1 { "" } else { "s" }
        )
    })
}
