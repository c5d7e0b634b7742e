//! The file as the CSV reader consumes it: its content hash for the import log, and
//! what it takes to give each record the line it really starts on.
//!
//! The csv crate reports a record's position at the end of the record before it: that
//! is before any blank lines between them, and — in a CRLF file — before the LF of the
//! previous line break, one line early. So the line is worked out from where the record
//! ends instead: the reader's line after it, less the line breaks inside its fields and
//! its own LF when the file's lines end in one.
//!
//! It also bounds how much of the file one record may hold in memory: once the reader is
//! more than [`MAX_RECORD_BYTES`] past where the last record ended, it fails with
//! [`RecordTooLong`], so a 300 MB line or `/dev/zero` never grows the CSV reader's buffer
//! beyond that.

use std::cell::Cell;
use std::fmt;
use std::io::Read;
use std::rc::Rc;

use sha2::{Digest, Sha256};

/// The most bytes one record (a row, with any blank lines before it) may take.
pub const MAX_RECORD_BYTES: u64 = 1 << 20;

/// The read error of a record over [`MAX_RECORD_BYTES`].
#[derive(Debug)]
pub(super) struct RecordTooLong;

impl fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a record runs past {} bytes", MAX_RECORD_BYTES)
    }
}

impl std::error::Error for RecordTooLong {}

/// Whether the CSV reader failed because a record ran past [`MAX_RECORD_BYTES`].
pub(super) fn too_long(e: &csv::Error) -> bool {
    matches!(e.kind(), csv::ErrorKind::Io(io)
        if io.get_ref().is_some_and(|inner| inner.is::<RecordTooLong>()))
}

/// What the reader has seen so far, shared with the import loop while the CSV reader
/// owns the reader.
#[derive(Debug, Clone, Copy, Default)]
struct Seen {
    /// Bytes read.
    total: u64,
    /// The last byte read.
    last: u8,
    /// The first line-break byte of the file: `\n`, or `\r` for CRLF (and CR) files.
    first_break: Option<u8>,
    /// Where the last record read ended (a byte offset); `u64::MAX` lifts the limit.
    mark: u64,
    /// The line the record after it starts on (blank lines before it aside).
    next_line: u64,
}

/// A reader that hashes what passes through it and notes how its lines end.
pub(super) struct Source<R> {
    inner: R,
    hash: Sha256,
    seen: Rc<Cell<Seen>>,
}

impl<R: Read> Source<R> {
    pub fn new(inner: R) -> Source<R> {
        Source {
            inner,
            hash: Sha256::new(),
            seen: Rc::default(),
        }
    }

    /// The line finder for records read from this source.
    pub fn lines(&self) -> Lines {
        Lines {
            seen: Rc::clone(&self.seen),
        }
    }

    /// The SHA-256 of everything read, in hex.
    pub fn finish(self) -> String {
        format!("{:x}", self.hash.finalize())
    }
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let seen = self.seen.get();
        if seen.total.saturating_sub(seen.mark) > MAX_RECORD_BYTES {
            return Err(std::io::Error::other(RecordTooLong));
        }
        let n = self.inner.read(buf)?;
        let read = &buf[..n];
        self.hash.update(read);
        if let Some(&last) = read.last() {
            let mut seen = self.seen.get();
            seen.total += n as u64;
            seen.last = last;
            if seen.first_break.is_none() {
                seen.first_break = read.iter().copied().find(|&b| b == b'\n' || b == b'\r');
            }
            self.seen.set(seen);
        }
        Ok(n)
    }
}

/// Gives records the line they start on.
pub(super) struct Lines {
    seen: Rc<Cell<Seen>>,
}

impl Lines {
    /// Notes that a record ended at `after` (the reader's position once it has read the
    /// record), which restarts the record size limit.
    pub fn ended(&self, after: &csv::Position) {
        let mut seen = self.seen.get();
        seen.mark = after.byte();
        // A CRLF record leaves its LF, and so its line break, to the next record.
        let crlf = seen.first_break == Some(b'\r');
        seen.next_line = after.line().max(1) + u64::from(crlf && after.byte() > 0);
        self.seen.set(seen);
    }

    /// Lifts the record size limit, to read whatever follows the last record.
    pub fn unlimit(&self) {
        let mut seen = self.seen.get();
        seen.mark = u64::MAX;
        self.seen.set(seen);
    }

    /// The line the record after the last one ended starts on (blank lines before it
    /// aside): where a record that could not be read begins.
    pub fn next(&self) -> u64 {
        self.seen.get().next_line.max(1)
    }

    /// The 1-based line on which `record` starts; `after` is the reader's position
    /// once it has read the record.
    pub fn start(&self, record: &csv::ByteRecord, after: &csv::Position) -> u64 {
        let reported = record.position().map_or(1, |p| p.line());
        let inner: u64 = record
            .iter()
            .map(|f| f.iter().filter(|&&b| b == b'\n').count() as u64)
            .sum();
        let seen = self.seen.get();
        // The CSV reader consumes an LF that ends a record at once, and the LF of a
        // CRLF only with the next record. The last record of a file may have none.
        let lf_files = seen.first_break != Some(b'\r');
        let at_end_without_break = after.byte() == seen.total && seen.last != b'\n';
        let own_lf = u64::from(lf_files && !at_end_without_break);
        after
            .line()
            .saturating_sub(inner + own_lf)
            .max(reported)
            .max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (first field, line) of every record of `text`.
    fn lines(text: &str) -> Vec<(String, u64)> {
        let mut source = Source::new(text.as_bytes());
        let lines = source.lines();
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(&mut source);
        let mut record = csv::ByteRecord::new();
        let mut out = Vec::new();
        while csv.read_byte_record(&mut record).unwrap() {
            let line = lines.start(&record, csv.position());
            out.push((String::from_utf8_lossy(&record[0]).into_owned(), line));
        }
        out
    }

    fn want(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
        pairs.iter().map(|(f, l)| (f.to_string(), *l)).collect()
    }

    #[test]
    fn records_get_their_own_line_after_blank_lines_crlf_and_quoted_breaks() {
        let expected = want(&[("h", 1), ("a", 3), ("c", 6), ("f", 8)]);
        assert_eq!(lines("h,x\n\na,b\n\n\nc,\"d\ne\"\nf,g"), expected);
        assert_eq!(lines("h,x\n\na,b\n\n\nc,\"d\ne\"\nf,g\n"), expected);
        assert_eq!(
            lines("h,x\r\n\r\na,b\r\n\r\n\r\nc,\"d\r\ne\"\r\nf,g\r\n"),
            expected
        );
        assert_eq!(
            lines("h,x\r\n\r\na,b\r\n\r\n\r\nc,\"d\r\ne\"\r\nf,g"),
            expected
        );
        assert_eq!(lines("\n\nh,x\na,b\n"), want(&[("h", 3), ("a", 4)]));
        assert_eq!(
            lines("h\r\na\r\nb\r\n"),
            want(&[("h", 1), ("a", 2), ("b", 3)])
        );
    }
}
