//! The bytes of a file as the CSV reader should see them: UTF-8 text, comma- or
//! tab-separated.
//!
//! - A UTF-8 byte-order mark is dropped; UTF-16 LE or BE with a mark (Excel's "Unicode
//!   text", some BI downloads) is decoded to UTF-8 by `encoding_rs_io`. UTF-16 without a
//!   mark, and UTF-32, are refused naming the encoding. Other bytes pass through
//!   unchanged: a field that is not UTF-8 is a bad row that says which encoding it looks
//!   like ([`not_utf8`]).
//! - A header with tabs and no commas is tab-separated (what Excel's Unicode text and
//!   Google Ads' Excel download write).
//! - Windows PowerShell 5.1's `Export-Csv` writes `#TYPE …` on the first line unless
//!   told `-NoTypeInformation`: the import skips it with a notice ([`is_type_line`]).

use std::io::{BufRead, BufReader, Cursor, Read};

use encoding_rs_io::DecodeReaderBytesBuilder;

/// How the file was written, as far as its first bytes and first lines tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Sniffed {
    /// The byte-order mark found, if any: "UTF-8", "UTF-16LE", "UTF-16BE".
    pub bom: Option<&'static str>,
    /// The field separator.
    pub delimiter: u8,
    /// Whether the first line is PowerShell's `#TYPE` line.
    pub type_line: bool,
    pub notices: Vec<String>,
}

/// Whether a first record is Windows PowerShell 5.1's `#TYPE System.…` line.
pub(super) fn is_type_line(record: &csv::ByteRecord) -> bool {
    record.len() == 1 && record[0].starts_with(b"#TYPE ")
}

/// The reason a field that is not UTF-8 is refused, naming what its bytes look like.
pub(crate) fn not_utf8(raw: &[u8]) -> String {
    if raw.contains(&0) {
        "holds NUL bytes: the file looks UTF-16 without a byte-order mark; re-save it as \
         UTF-8 (or UTF-16 with a byte-order mark)"
            .into()
    } else {
        "is not UTF-8 text: its bytes look like Windows-1252 or ISO-8859-1 (what Excel's plain \
         \"CSV\" and older tools write); re-save the file as UTF-8 (Excel: \"CSV UTF-8\")"
            .into()
    }
}

/// Wraps `reader` so it yields UTF-8, and says how the file was written; `Err` is the
/// message of a file that cannot be read as text.
pub(super) fn decode<'r, R: Read + 'r>(
    reader: R,
    limit: u64,
) -> Result<(Box<dyn Read + 'r>, Sniffed), String> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut head = Vec::with_capacity(4);
    (&mut reader)
        .take(4)
        .read_to_end(&mut head)
        .map_err(|e| format!("cannot be read: {e}"))?;
    let bom = match head.as_slice() {
        [0xFF, 0xFE, 0, 0, ..] | [0, 0, 0xFE, 0xFF, ..] => {
            return Err(
                "line 1: the file is UTF-32 text, which rhythm does not read: re-save it as UTF-8"
                    .into(),
            );
        }
        [0xEF, 0xBB, 0xBF, ..] => Some("UTF-8"),
        [0xFF, 0xFE, ..] => Some("UTF-16LE"),
        [0xFE, 0xFF, ..] => Some("UTF-16BE"),
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 => {
            return Err(
                "line 1: the file looks UTF-16 (little-endian) without a byte-order mark: \
                 re-save it as UTF-8, or as UTF-16 with a byte-order mark (Excel: \"Unicode text\")"
                    .into(),
            );
        }
        [0, a, 0, b, ..] if *a != 0 && *b != 0 => {
            return Err(
                "line 1: the file looks UTF-16 (big-endian) without a byte-order mark: \
                 re-save it as UTF-8, or as UTF-16 with a byte-order mark"
                    .into(),
            );
        }
        _ => None,
    };
    let decoded = DecodeReaderBytesBuilder::new()
        .strip_bom(true)
        .utf8_passthru(true)
        .build(Cursor::new(head).chain(reader));
    let mut decoded = BufReader::with_capacity(1 << 16, decoded);

    // The first lines, read ahead to find the separator, then given back.
    let mut ahead = Vec::new();
    let mut line = Vec::new();
    let mut type_line = false;
    let mut header: Option<Vec<u8>> = None;
    for _ in 0..16 {
        line.clear();
        let n = (&mut decoded)
            .take(limit)
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("cannot be read: {e}"))?;
        ahead.extend_from_slice(&line);
        if n == 0 || n as u64 >= limit {
            break;
        }
        if ahead.len() == line.len() && line.starts_with(b"#TYPE ") {
            type_line = true;
            continue;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        header = Some(line.clone());
        break;
    }
    let mut notices = Vec::new();
    if let Some(enc) = bom.filter(|b| b.starts_with("UTF-16")) {
        notices.push(format!(
            "read as {enc} text (it starts with a byte-order mark)"
        ));
    }
    let delimiter = match header {
        Some(h) if count_unquoted(&h, b',') == 0 && count_unquoted(&h, b'\t') > 0 => {
            notices.push("read as tab-separated: the header has tabs and no commas".into());
            b'\t'
        }
        _ => b',',
    };
    if type_line {
        notices.push(
            "skipped line 1, the `#TYPE` line Windows PowerShell 5.1's Export-Csv writes \
             (add -NoTypeInformation to leave it out)"
                .into(),
        );
        if bom.is_none() {
            notices.push(
                "Windows PowerShell 5.1 writes ASCII unless told -Encoding UTF8: any letter \
                 outside ASCII (Ü, é, ø) arrived as '?' and is stored so; re-export with \
                 -Encoding UTF8 to keep names right"
                    .into(),
            );
        }
    }
    Ok((
        Box::new(Cursor::new(ahead).chain(decoded)),
        Sniffed {
            bom,
            delimiter,
            type_line,
            notices,
        },
    ))
}

/// How many `sep` bytes lie outside double quotes in `line`.
fn count_unquoted(line: &[u8], sep: u8) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for &b in line {
        if b == b'"' {
            quoted = !quoted;
        } else if b == sep && !quoted {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<(String, Sniffed), String> {
        let (mut r, s) = decode(bytes, 1 << 20)?;
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        Ok((String::from_utf8_lossy(&out).into_owned(), s))
    }

    fn utf16(text: &str, big: bool) -> Vec<u8> {
        let mut out = if big {
            vec![0xFE, 0xFF]
        } else {
            vec![0xFF, 0xFE]
        };
        for u in text.encode_utf16() {
            out.extend(if big {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            });
        }
        out
    }

    #[test]
    fn utf16_with_a_mark_is_decoded_and_its_tabs_are_the_separator() {
        let text = "Report\tÜberblick\n2026-11-16\t1\n";
        for big in [false, true] {
            let (out, s) = read(&utf16(text, big)).unwrap();
            assert_eq!(out, text);
            assert_eq!(s.delimiter, b'\t');
            assert_eq!(s.bom, Some(if big { "UTF-16BE" } else { "UTF-16LE" }));
        }
    }

    #[test]
    fn a_utf8_mark_is_dropped_and_other_bytes_pass_through() {
        let (out, s) = read(b"\xEF\xBB\xBFa,b\n1,\xFC\n").unwrap();
        assert_eq!(out, "a,b\n1,\u{FFFD}\n");
        assert_eq!((s.bom, s.delimiter), (Some("UTF-8"), b','));
    }

    #[test]
    fn utf16_without_a_mark_and_utf32_are_named() {
        let mut le = Vec::new();
        for u in "a,b\n".encode_utf16() {
            le.extend(u.to_le_bytes());
        }
        assert!(read(&le).unwrap_err().contains("UTF-16 (little-endian)"));
        assert!(
            read(&[0xFF, 0xFE, 0, 0, b'a', 0, 0, 0])
                .unwrap_err()
                .contains("UTF-32")
        );
    }

    #[test]
    fn the_powershell_type_line_is_noticed() {
        let (out, s) =
            read(b"#TYPE System.Management.Automation.PSCustomObject\n\"Id\",\"Activity\"\n")
                .unwrap();
        assert!(out.starts_with("#TYPE"));
        assert!(s.type_line && s.delimiter == b',');
        assert!(s.notices.iter().any(|n| n.contains("ASCII")));
        // A tab inside quotes does not make a comma file tab-separated.
        let (_, s) = read(b"\"a\tb\",c\n").unwrap();
        assert_eq!(s.delimiter, b',');
    }
}
