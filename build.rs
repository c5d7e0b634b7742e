//! Names this build's source for what the store keeps computed by it: the weekly facts
//! the cockpit keeps for its first frame (`store::kept`) are keyed by it, so a build that
//! changes how a figure is computed never shows what an earlier build kept, even under
//! the same version number.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn main() {
    println!("cargo:rerun-if-changed=src");
    let mut sources = Vec::new();
    files(Path::new("src"), &mut sources);
    sources.sort();
    let mut hasher = DefaultHasher::new();
    for path in &sources {
        path.hash(&mut hasher);
        std::fs::read(path).unwrap_or_default().hash(&mut hasher);
    }
    println!(
        "cargo:rustc-env=RHYTHM_SOURCE_HASH={:016x}",
        hasher.finish()
    );
}
