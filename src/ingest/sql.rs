//! The upsert statements each kind's table is written with, and the natural-key check
//! across a file's rows.

use std::hash::{DefaultHasher, Hash, Hasher};

use super::cells::Cell;
use super::{Kind, KindDef, RowError};

pub(super) fn key_hash(cells: &[Cell]) -> u128 {
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

pub(super) fn insert_sql(def: &KindDef) -> String {
    // Quoted: `end` (experiments) is an SQL keyword.
    let names: Vec<String> = def
        .columns
        .iter()
        .map(|c| format!("\"{}\"", c.name))
        .collect();
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
pub(super) fn update_sql(def: &KindDef) -> String {
    let at = |i: usize| format!("?{}", i + 1);
    let sets: Vec<String> = def.columns[def.key_len..]
        .iter()
        .enumerate()
        .map(|(i, c)| format!("\"{}\" = {}", c.name, at(def.key_len + i)))
        .collect();
    let keys: Vec<String> = def.columns[..def.key_len]
        .iter()
        .enumerate()
        .map(|(i, c)| format!("\"{}\" = {}", c.name, at(i)))
        .collect();
    let differs: Vec<String> = def.columns[def.key_len..]
        .iter()
        .enumerate()
        .map(|(i, c)| format!("\"{}\" IS NOT {}", c.name, at(def.key_len + i)))
        .collect();
    format!(
        "UPDATE {} SET {} WHERE {} AND ({})",
        def.table,
        sets.join(", "),
        keys.join(" AND "),
        differs.join(" OR ")
    )
}

/// One good row as the duplicate check keeps it: its key hash and line (24 bytes; in
/// this order, so sorting groups equal keys with their earliest line first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    hi: u64,
    lo: u64,
    line: u64,
}

const ENTRY_BYTES: usize = 24;

impl Entry {
    fn to_bytes(self) -> [u8; ENTRY_BYTES] {
        let mut out = [0u8; ENTRY_BYTES];
        out[..8].copy_from_slice(&self.hi.to_le_bytes());
        out[8..16].copy_from_slice(&self.lo.to_le_bytes());
        out[16..].copy_from_slice(&self.line.to_le_bytes());
        out
    }

    fn from_bytes(b: &[u8]) -> Entry {
        let word = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        Entry {
            hi: word(0),
            lo: word(8),
            line: word(16),
        }
    }
}

/// Entries held in memory before a sorted run of them is written to the temporary file
/// (24 MiB). A file with fewer good rows never touches the disk.
const RUN_ENTRIES: usize = 1 << 20;

/// Bytes of read buffer the merge shares among the runs.
const MERGE_BUFFER_BYTES: usize = 8 << 20;

/// The natural keys of a file's good rows, for finding the rows that repeat an earlier
/// row's key, in bounded memory: an external sort. Keys are sorted in runs of
/// [`RUN_ENTRIES`] that spill to an anonymous temporary file beside the store, and merged
/// at the end. (A hash set per row thrashes the CPU cache that SQLite needs, and any
/// duplicate rolls the whole file back anyway, so the check can wait for the end.)
pub(super) struct Keys {
    run: Vec<Entry>,
    /// The temporary file and its runs' (first entry, entries).
    spill: Option<(std::fs::File, Vec<(u64, u64)>)>,
    dir: std::path::PathBuf,
}

/// What the duplicate check found.
#[derive(Debug, Default)]
pub(super) struct Duplicates {
    /// Rows that repeat an earlier row's key.
    pub count: u64,
    /// The first [`MAX_LISTED_ERRORS`](super::MAX_LISTED_ERRORS) of them by line.
    pub listed: Vec<RowError>,
}

impl Keys {
    /// Keys that spill, if they must, to a temporary file in `dir`.
    pub fn new(dir: &std::path::Path) -> Keys {
        Keys {
            run: Vec::new(),
            spill: None,
            dir: dir.to_path_buf(),
        }
    }

    /// Adds a good row's key hash and line.
    pub fn push(&mut self, hash: u128, line: u64) -> std::io::Result<()> {
        if self.run.len() == RUN_ENTRIES {
            self.spill_run()?;
        }
        self.run.push(Entry {
            hi: (hash >> 64) as u64,
            lo: hash as u64,
            line,
        });
        Ok(())
    }

    fn spill_run(&mut self) -> std::io::Result<()> {
        use std::io::Write;
        if self.spill.is_none() {
            self.spill = Some((tempfile::tempfile_in(&self.dir)?, Vec::new()));
        }
        let (file, runs) = self.spill.as_mut().expect("just set");
        self.run.sort_unstable();
        let first = runs.last().map_or(0, |&(start, len)| start + len);
        let mut out = std::io::BufWriter::with_capacity(1 << 16, &*file);
        for entry in &self.run {
            out.write_all(&entry.to_bytes())?;
        }
        out.flush()?;
        runs.push((first, self.run.len() as u64));
        self.run.clear();
        Ok(())
    }

    /// Finds the rows whose key an earlier row had (each named with the nearest earlier
    /// line with that key). Memory stays bounded however many there are.
    pub fn duplicates(mut self, kind: Kind) -> std::io::Result<Duplicates> {
        self.run.sort_unstable();
        let mut found = Found::new(kind);
        match self.spill.take() {
            None => self.run.iter().for_each(|&e| found.see(e)),
            Some((file, runs)) => {
                let block = (MERGE_BUFFER_BYTES / ENTRY_BYTES / (runs.len() + 1)).clamp(256, 4096);
                let mut readers: Vec<RunReader> = runs
                    .iter()
                    .map(|&(start, len)| RunReader {
                        next: start,
                        end: start + len,
                        buf: Vec::new(),
                        at: 0,
                        block,
                    })
                    .collect();
                let mut heap = std::collections::BinaryHeap::new();
                for (i, r) in readers.iter_mut().enumerate() {
                    if let Some(e) = r.next(&file)? {
                        heap.push(std::cmp::Reverse((e, i)));
                    }
                }
                // The run still in memory takes part as the last source.
                let mut rest = self.run.iter().copied();
                let last = readers.len();
                if let Some(e) = rest.next() {
                    heap.push(std::cmp::Reverse((e, last)));
                }
                while let Some(std::cmp::Reverse((e, i))) = heap.pop() {
                    found.see(e);
                    let next = if i == last {
                        rest.next()
                    } else {
                        readers[i].next(&file)?
                    };
                    if let Some(e) = next {
                        heap.push(std::cmp::Reverse((e, i)));
                    }
                }
            }
        }
        Ok(found.finish())
    }
}

/// One sorted run of the temporary file, read a block at a time.
struct RunReader {
    /// The next entry to read from the file, and the end of the run (entry indices).
    next: u64,
    end: u64,
    buf: Vec<u8>,
    at: usize,
    /// Entries per read.
    block: usize,
}

impl RunReader {
    fn next(&mut self, file: &std::fs::File) -> std::io::Result<Option<Entry>> {
        use std::io::{Read, Seek, SeekFrom};
        if self.at == self.buf.len() {
            if self.next == self.end {
                return Ok(None);
            }
            let n = (self.end - self.next).min(self.block as u64);
            self.buf.resize(n as usize * ENTRY_BYTES, 0);
            let mut f = file;
            f.seek(SeekFrom::Start(self.next * ENTRY_BYTES as u64))?;
            f.read_exact(&mut self.buf)?;
            self.next += n;
            self.at = 0;
        }
        let e = Entry::from_bytes(&self.buf[self.at..self.at + ENTRY_BYTES]);
        self.at += ENTRY_BYTES;
        Ok(Some(e))
    }
}

/// Walks entries in key order, counting repeats and keeping the earliest by line.
struct Found {
    kind: Kind,
    previous: Option<Entry>,
    count: u64,
    /// (line, earlier line), the greatest line on top, at most MAX_LISTED_ERRORS.
    earliest: std::collections::BinaryHeap<(u64, u64)>,
}

impl Found {
    fn new(kind: Kind) -> Found {
        Found {
            kind,
            previous: None,
            count: 0,
            earliest: std::collections::BinaryHeap::new(),
        }
    }

    fn see(&mut self, e: Entry) {
        if let Some(p) = self.previous
            && (p.hi, p.lo) == (e.hi, e.lo)
        {
            self.count += 1;
            self.earliest.push((e.line, p.line));
            if self.earliest.len() > super::MAX_LISTED_ERRORS {
                self.earliest.pop();
            }
        }
        self.previous = Some(e);
    }

    fn finish(self) -> Duplicates {
        let keys = super::kinds::key_names(self.kind).join(", ");
        Duplicates {
            count: self.count,
            listed: self
                .earliest
                .into_sorted_vec()
                .into_iter()
                .map(|(line, earlier)| RowError {
                    line,
                    column: None,
                    value: String::new(),
                    reason: format!(
                        "duplicate natural key ({keys}): line {earlier} has the same key"
                    ),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every key of `lines` (line -> key) through `Keys`, with runs of `run` entries.
    fn duplicates_of(keys: &[(u128, u64)], spill_every: usize) -> Duplicates {
        let dir = tempfile::tempdir().unwrap();
        let mut set = Keys::new(dir.path());
        for (i, &(hash, line)) in keys.iter().enumerate() {
            set.push(hash, line).unwrap();
            if spill_every > 0 && (i + 1) % spill_every == 0 {
                set.spill_run().unwrap();
            }
        }
        set.duplicates(Kind::Usage).unwrap()
    }

    fn lines(d: &Duplicates) -> Vec<(u64, String)> {
        d.listed
            .iter()
            .map(|e| (e.line, e.reason.rsplit("line ").next().unwrap().to_string()))
            .collect()
    }

    #[test]
    fn spilled_runs_find_the_same_duplicates_as_memory() {
        // Keys repeat every 7 rows: line l has key l % 7, so line l repeats line l - 7.
        let keys: Vec<(u128, u64)> = (1..=500u64)
            .map(|l| ((u128::from(l % 7) << 64) | u128::from(l % 7 * 3), l))
            .collect();
        let memory = duplicates_of(&keys, 0);
        assert_eq!(memory.count, 493);
        assert_eq!(memory.listed.len(), super::super::MAX_LISTED_ERRORS);
        assert_eq!(memory.listed[0].line, 8);
        assert!(memory.listed[0].reason.ends_with("line 1 has the same key"));
        for every in [1, 3, 64, 499] {
            let spilled = duplicates_of(&keys, every);
            assert_eq!(spilled.count, memory.count, "runs of {every}");
            assert_eq!(lines(&spilled), lines(&memory), "runs of {every}");
        }
    }

    #[test]
    fn distinct_keys_have_no_duplicates_however_they_spill() {
        let keys: Vec<(u128, u64)> = (1..=300u64)
            .map(|l| {
                (
                    u128::from(l).wrapping_mul(0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C835),
                    l,
                )
            })
            .collect();
        for every in [0, 1, 10, 299] {
            let d = duplicates_of(&keys, every);
            assert_eq!((d.count, d.listed.len()), (0, 0), "runs of {every}");
        }
    }
}
