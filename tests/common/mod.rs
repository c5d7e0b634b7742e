//! What the integration tests share: the shipped charter and the demo workspace's store.

use std::path::Path;

use rhythm::charter::Charter;
use rhythm::demo::generate::{DEFAULT_SEED, generate};
use rhythm::ingest::{Kind, import_reader};
use rhythm::store::Store;

/// The shipped charter, parsed.
pub fn charter() -> Charter {
    Charter::parse(
        include_str!("../../charter/partnership.toml"),
        Path::new("charter/partnership.toml"),
    )
    .unwrap()
}

/// A store in `dir` holding the demo history (the default seed), every kind imported.
pub fn demo_store(dir: &Path) -> Store {
    let charter = charter();
    let mut store = Store::open(&dir.join("rhythm.db")).unwrap();
    for (file, text) in generate(DEFAULT_SEED) {
        let kind = Kind::parse(file.trim_end_matches(".csv")).unwrap();
        import_reader(&mut store, &charter, kind, text.as_bytes(), file).unwrap();
    }
    store
}
