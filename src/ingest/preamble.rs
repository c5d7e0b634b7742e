//! Lines before the header row: the report title, date range and time zone that ad
//! platforms, CRMs and MAPs write above their table (Google Ads, LinkedIn Campaign
//! Manager, Salesforce's formatted reports with their "As of" and "Filtered By" lines …).
//! The one mechanism for every kind whose exports carry them: a kind names how its header
//! is recognised ([`recogniser`]).
//!
//! The first [`MAX_PREAMBLE_LINES`] lines are read ahead; the first one a recogniser takes
//! for a vendor's header (split on tabs if it has any outside quotes, else on commas) is
//! the header, and every line before it is handed back blank — so the CSV reader skips
//! it and every later line keeps its own number in error messages. The separator is taken
//! from that header line, not from the title line above it (Google Ads' Excel download:
//! a title without tabs, a date range with commas, a tab-separated table).
//!
//! When no line is recognised, or the first non-blank line already is the header, the
//! text is handed back unchanged.

use std::io::{BufRead, BufReader, Cursor, Read};

/// How many lines are looked at for a header.
pub const MAX_PREAMBLE_LINES: usize = 20;

/// Whether a line's fields (trimmed, a leading byte-order mark dropped) are the header
/// of an export the import reads.
pub type Recognise = fn(&[String]) -> bool;

/// The lines found before the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preamble {
    /// The preamble's non-blank lines, as written (trimmed).
    pub lines: Vec<String>,
    /// The header's separator.
    pub delimiter: u8,
}

impl Preamble {
    /// "skipped 2 lines above the header: 'Campaign report', 'October 1, 2026 - …'".
    pub fn notice(&self) -> String {
        let shown: Vec<String> = self
            .lines
            .iter()
            .map(|l| format!("'{}'", super::error::shown(l)))
            .collect();
        let mut notice = format!(
            "skipped {} line{} above the header (the report's title and settings): {}",
            self.lines.len(),
            if self.lines.len() == 1 { "" } else { "s" },
            shown.join(", ")
        );
        if self.delimiter == b'\t' {
            notice.push_str("; read as tab-separated, as its header is");
        }
        notice
    }
}

/// The header recogniser of a kind whose vendor exports may carry a preamble.
fn recogniser(kind: super::Kind) -> Option<Recognise> {
    match kind {
        super::Kind::Spend => Some(super::ad_exports::is_header),
        super::Kind::Leads | super::Kind::Opportunities => Some(is_record_header),
        _ => None,
    }
}

/// A `leads` or `opportunities` header, native or a CRM's, names at least three columns,
/// so a line with at most one non-empty cell (a formatted report's title, its "As of" and
/// "Filtered By" lines, see `tests/fixtures/crm/README.md`) is never the header: the
/// first line with more is.
fn is_record_header(fields: &[String]) -> bool {
    fields.iter().filter(|f| !f.is_empty()).count() > 1
}

/// [`strip`] with the recogniser of `kind`; a kind without one is read as it is.
pub fn strip_for<'r>(
    kind: super::Kind,
    reader: Box<dyn Read + 'r>,
    limit: u64,
) -> std::io::Result<(Box<dyn Read + 'r>, Option<Preamble>)> {
    match recogniser(kind) {
        Some(recognise) => strip(reader, recognise, limit),
        None => Ok((reader, None)),
    }
}

/// Reads ahead in `reader` for a header `recognise` takes; returns the text to read
/// (preamble lines blanked) and the preamble, if there was one. `limit` bounds each line.
pub fn strip<'r>(
    reader: Box<dyn Read + 'r>,
    recognise: Recognise,
    limit: u64,
) -> std::io::Result<(Box<dyn Read + 'r>, Option<Preamble>)> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let mut found: Option<(usize, u8)> = None;
    let mut first_text: Option<usize> = None;
    for _ in 0..MAX_PREAMBLE_LINES {
        let mut line = Vec::new();
        let n = (&mut reader).take(limit).read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        let full = line.ends_with(b"\n");
        lines.push(line);
        let line = lines.last().map(Vec::as_slice).unwrap_or_default();
        if !line.iter().all(u8::is_ascii_whitespace) {
            first_text.get_or_insert(lines.len() - 1);
            let text = String::from_utf8_lossy(line);
            let delimiter = if count_unquoted(&text, '\t') > 0 {
                b'\t'
            } else {
                b','
            };
            if recognise(&fields(&text, delimiter as char)) {
                found = Some((lines.len() - 1, delimiter));
                break;
            }
        }
        if !full {
            break;
        }
    }
    let preamble = match (found, first_text) {
        (Some((at, delimiter)), Some(first)) if at > first => {
            let kept: Vec<String> = lines[..at]
                .iter()
                .map(|l| String::from_utf8_lossy(l).trim().to_string())
                .filter(|l| !l.is_empty())
                .collect();
            for line in &mut lines[..at] {
                // A blank line of its own keeps the line count; a CR of CRLF stays.
                let crlf = line.ends_with(b"\r\n");
                line.clear();
                line.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            }
            Some(Preamble {
                lines: kept,
                delimiter,
            })
        }
        _ => None,
    };
    let ahead: Vec<u8> = lines.concat();
    Ok((Box::new(Cursor::new(ahead).chain(reader)), preamble))
}

/// `line` split on `sep` outside double quotes, each field unquoted and trimmed, a
/// leading byte-order mark dropped.
pub fn fields(line: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches(['\r', '\n']).chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => out.push(std::mem::take(&mut field)),
            c => field.push(c),
        }
    }
    out.push(field);
    out.iter()
        .map(|f| f.trim_start_matches('\u{feff}').trim().to_string())
        .collect()
}

fn count_unquoted(line: &str, sep: char) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_table(fields: &[String]) -> bool {
        fields.iter().any(|f| f == "Day") && fields.iter().any(|f| f == "Cost")
    }

    fn read(text: &str) -> (String, Option<Preamble>) {
        let (mut r, p) = strip(Box::new(text.as_bytes()), is_table, 1 << 20).unwrap();
        let mut out = String::new();
        r.read_to_string(&mut out).unwrap();
        (out, p)
    }

    #[test]
    fn lines_above_the_header_are_blanked_and_the_header_gives_the_separator() {
        let text = "Campaign report\r\n\"October 1, 2026 - October 31, 2026\"\r\nDay\tCost\r\n2026-10-01\t\"1,038.34\"\r\n";
        let (out, p) = read(text);
        assert_eq!(out, "\r\n\r\nDay\tCost\r\n2026-10-01\t\"1,038.34\"\r\n");
        let p = p.unwrap();
        assert_eq!(p.delimiter, b'\t');
        assert_eq!(
            p.lines,
            vec!["Campaign report", "\"October 1, 2026 - October 31, 2026\""]
        );
        assert!(p.notice().starts_with("skipped 2 lines above the header"));
    }

    #[test]
    fn a_crm_reports_title_lines_are_a_preamble_and_a_native_header_is_none() {
        let text = "\"Opportunities by Lead Source\"\n\"As of 3/31/2026 5:02 PM\",,\n\n\"Opportunity ID\",\"Amount\"\n1,2\n";
        let (mut r, p) = strip_for(
            super::super::Kind::Opportunities,
            Box::new(text.as_bytes()),
            1 << 20,
        )
        .unwrap();
        let mut out = String::new();
        r.read_to_string(&mut out).unwrap();
        assert_eq!(out, "\n\n\n\"Opportunity ID\",\"Amount\"\n1,2\n");
        let p = p.unwrap();
        assert_eq!(
            p.lines,
            vec![
                "\"Opportunities by Lead Source\"",
                "\"As of 3/31/2026 5:02 PM\",,"
            ]
        );
        assert_eq!(p.delimiter, b',');
        let native = "id,created,source\nL1,2026-01-01,x\n";
        let (_, p) = strip_for(
            super::super::Kind::Leads,
            Box::new(native.as_bytes()),
            1 << 20,
        )
        .unwrap();
        assert_eq!(p, None);
    }

    #[test]
    fn a_file_without_a_preamble_or_a_recognised_header_is_unchanged() {
        for text in ["Day,Cost\n1,2\n", "date,cost\n1,2\n", "a\nb\n", ""] {
            assert_eq!(read(text), (text.to_string(), None));
        }
        assert_eq!(
            fields("\u{feff}\"a, b\" ,\"c\"\"d\"", ','),
            vec!["a, b", "c\"d"]
        );
    }
}
