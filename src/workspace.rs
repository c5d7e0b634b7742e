//! Where a workspace keeps its charter and store, after the global options.

use std::path::{Path, PathBuf};

/// The default charter path under a workspace.
pub const CHARTER_PATH: &str = "charter/partnership.toml";
/// The default store path under a workspace.
pub const DB_PATH: &str = "data/rhythm.db";

#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub charter: PathBuf,
    pub db: PathBuf,
}

impl Workspace {
    /// Resolves `--workspace`, `--charter` and `--db`: the last two override the
    /// defaults under the workspace (default: the current directory).
    pub fn resolve(root: Option<&Path>, charter: Option<&Path>, db: Option<&Path>) -> Workspace {
        let root = root.map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Workspace {
            charter: charter.map_or_else(|| root.join(CHARTER_PATH), Path::to_path_buf),
            db: db.map_or_else(|| root.join(DB_PATH), Path::to_path_buf),
            root,
        }
    }
}
