//! Temporary workspaces for the real binary: the shipped charter alone (possibly
//! edited), or the demo built by `rhythm demo`.

use std::path::{Path, PathBuf};
use std::process::Output;

use rhythm::demo::generate::SAMPLE_TODAY;

use super::CHARTER;
use super::cli::{describe, rhythm};

/// Writes the shipped charter, edited by `edit`, to `ws/charter/partnership.toml`.
pub fn install_edited_charter(ws: &Path, edit: impl Fn(String) -> String) {
    std::fs::create_dir_all(ws.join("charter")).unwrap();
    std::fs::write(
        ws.join("charter/partnership.toml"),
        edit(CHARTER.to_string()),
    )
    .unwrap();
}

/// Writes the shipped charter to `ws/charter/partnership.toml`.
pub fn install_charter(ws: &Path) {
    install_edited_charter(ws, |c| c);
}

/// A fresh workspace holding the shipped charter and nothing else.
pub fn charter_workspace() -> tempfile::TempDir {
    edited_charter_workspace(|c| c)
}

/// A fresh workspace holding the shipped charter edited by `edit`, and nothing else.
pub fn edited_charter_workspace(edit: impl Fn(String) -> String) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    install_edited_charter(tmp.path(), edit);
    tmp
}

/// `rhythm demo --dir DIR --no-open --at SAMPLE_TODAY`, run to its end: the fixed
/// history of data/sample/, whatever the day the tests run.
pub fn run_demo(dir: &Path) -> Output {
    let at = SAMPLE_TODAY.to_string();
    rhythm(&[
        "demo",
        "--dir",
        dir.to_str().unwrap(),
        "--no-open",
        "--at",
        &at,
    ])
}

/// A fresh temporary directory with the demo workspace built in its `demo/` (checked to
/// have succeeded): the directory, kept for other files, and the workspace's path.
pub fn demo_workspace() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let out = run_demo(&dir);
    assert!(out.status.success(), "{}", describe(&out));
    (tmp, dir)
}
