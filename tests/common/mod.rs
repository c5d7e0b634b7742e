//! What the integration tests share: the shipped charter, the demo workspace's store,
//! and, in the sub-modules, the real binary ([`cli`]), the cockpit on a TestBackend
//! ([`cockpit`]), temporary workspaces ([`workspace`]), the store's file ([`store`]) and
//! a tmux session ([`tmux`]), an SMTP sink on 127.0.0.1 ([`smtp_sink`]).
//!
//! Every test binary compiles this tree on its own (`mod common;`), and none uses all of
//! it: a helper one binary leaves unused is dead code there, hence the allow below.
#![allow(dead_code)]

pub mod cli;
pub mod cockpit;
pub mod smtp_sink;
pub mod store;
pub mod tmux;
pub mod workspace;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use chrono::NaiveDate;
use rhythm::charter::Charter;
use rhythm::demo::generate::{DEFAULT_SEED, SAMPLE_TODAY, generate};
use rhythm::facts::Dataset;
use rhythm::ingest::{Kind, import_reader};
use rhythm::store::Store;

/// The shipped charter's text, as the binary was built with it.
pub const CHARTER: &str = include_str!("../../charter/partnership.toml");

/// The shipped charter, parsed.
pub fn charter() -> Charter {
    Charter::parse(CHARTER, Path::new("charter/partnership.toml")).unwrap()
}

/// A store in `dir` holding the demo history (the default seed, the fixed history of
/// data/sample/), every kind imported.
pub fn demo_store(dir: &Path) -> Store {
    demo_store_on(dir, SAMPLE_TODAY)
}

/// A store in `dir` holding the default-seed demo as `rhythm demo` builds it on `today`.
pub fn demo_store_on(dir: &Path, today: NaiveDate) -> Store {
    let charter = charter();
    let mut store = Store::open(&dir.join("rhythm.db")).unwrap();
    for (file, text) in generate(DEFAULT_SEED, today) {
        let kind = Kind::parse(file.trim_end_matches(".csv")).unwrap();
        import_reader(&mut store, &charter, kind, text.as_bytes(), file).unwrap();
    }
    store
}

/// A store in `dir` of the shipped sample (`data/sample/`), every kind imported through
/// the importer, with only the data lines `keep(kind, line)` accepts (headers always).
pub fn sample_store_where(
    charter: &Charter,
    dir: &Path,
    keep: impl Fn(&str, &str) -> bool,
) -> Store {
    let kinds = [
        "channels",
        "kpis",
        "plan",
        "deliveries",
        "usage",
        "nps",
        "reconciliation",
    ];
    sample_store_mapped(charter, dir, &kinds, |kind, line| {
        keep(kind, line).then(|| line.to_string())
    })
}

/// A store of the sample's files of `kinds`, each data line as `map` rewrites it
/// (`None`: left out).
#[allow(dead_code)] // not every test binary rewrites lines
pub fn sample_store_mapped(
    charter: &Charter,
    dir: &Path,
    kinds: &[&str],
    map: impl Fn(&str, &str) -> Option<String>,
) -> Store {
    let mut store = Store::open(&dir.join("rhythm.db")).unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample");
    for kind in kinds {
        let text = std::fs::read_to_string(sample.join(format!("{kind}.csv"))).unwrap();
        let mut lines = text.lines();
        let mut kept = format!("{}\n", lines.next().unwrap());
        for line in lines.filter_map(|l| map(kind, l)) {
            kept.push_str(&line);
            kept.push('\n');
        }
        let kind_of = Kind::parse(kind).unwrap();
        import_reader(&mut store, charter, kind_of, kept.as_bytes(), kind).unwrap();
    }
    store
}

/// The demo history's dataset under `charter`, loaded from a [`demo_store`] in a fresh
/// temporary directory (returned too: the store lives as long as it does).
pub fn demo_dataset(charter: &Charter) -> (tempfile::TempDir, Dataset) {
    let dir = tempfile::tempdir().unwrap();
    let data = demo_store(dir.path()).load_dataset(charter).unwrap();
    (dir, data)
}

/// A file in `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Held by the timing-sensitive tests (an import killed, read and backed up while it
/// runs) so they do not share the two cores with each other.
///
/// The mutex is a static of the test binary, so it orders only the tests of one
/// binary: the heavy tests all live in `tests/hardening_contention.rs`. Tests in
/// different binaries do not overlap under `cargo test`, which runs the binaries one
/// after another.
pub fn heavy() -> MutexGuard<'static, ()> {
    static HEAVY: Mutex<()> = Mutex::new(());
    HEAVY.lock().unwrap_or_else(|e| e.into_inner())
}

/// Compares `actual` with `tests/golden/NAME`, or writes it there under `UPDATE_GOLDEN=1`;
/// `binary` is the test binary to rerun.
pub fn golden(binary: &str, name: &str, actual: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run UPDATE_GOLDEN=1 cargo test --test {binary}",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "{name} differs from its golden file at line {}:\n  golden: {:?}\n  actual: {:?}\nIf the change is intended: UPDATE_GOLDEN=1 cargo test --test {binary}",
            line + 1,
            expected.lines().nth(line).unwrap_or(""),
            actual.lines().nth(line).unwrap_or("")
        );
    }
}
