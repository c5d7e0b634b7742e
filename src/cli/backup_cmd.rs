//! `rhythm backup FILE [--force]`: an online, consistent copy of the store, safe while
//! the cockpit is open or an import runs. Restore = put the copy back in place while
//! nothing has the store open (README, "Backup and restore").

use std::path::{Path, PathBuf};

use clap::Args;

use super::{Failure, Outcome, print_out};
use crate::store::Store;
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy (a new file; see --force)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Replace FILE if it exists
    #[arg(long)]
    pub force: bool,
}

pub fn run(ws: &Workspace, args: BackupArgs) -> Outcome {
    let bad = |message: String| Failure::BadInput(anyhow::anyhow!(message));
    if !ws.db.exists() {
        return Err(bad(format!(
            "{}: no store here, so nothing to back up (pass --workspace DIR or --db PATH)",
            ws.db.display()
        )));
    }
    let dest = &args.file;
    if same_file(&ws.db, dest) {
        return Err(bad(format!(
            "{}: that is the store itself: back up to another file",
            dest.display()
        )));
    }
    if dest.is_dir() {
        return Err(bad(format!(
            "{}: is a folder; name the backup file, e.g. {}",
            dest.display(),
            dest.join("rhythm-backup.db").display()
        )));
    }
    if dest.exists() && !args.force {
        return Err(bad(format!(
            "{}: the file exists; choose a new name, or pass --force to replace it",
            dest.display()
        )));
    }
    let store = Store::open(&ws.db)?;
    // Write beside the target and rename: FILE is either the old file or a complete
    // copy, never half of one.
    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = dest.file_name().map_or_else(
        || "rhythm-backup".to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let partial = dir.join(format!(".{name}.partial-{}", std::process::id()));
    create_private(&partial).map_err(|e| {
        bad(format!(
            "{}: cannot write the backup here: {e}",
            dir.display()
        ))
    })?;
    let written = store.backup_to(&partial).and_then(|copy| {
        std::fs::rename(&partial, dest)
            .map(|()| copy)
            .map_err(|source| crate::store::StoreError::Folder {
                path: dest.clone(),
                source,
            })
    });
    let copy = match written {
        Ok(copy) => copy,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            let mut journal = partial.clone().into_os_string();
            journal.push("-journal");
            let _ = std::fs::remove_file(journal);
            return Err(Failure::BadInput(anyhow::Error::from(e).context(format!(
                "backing up {} to {}",
                ws.db.display(),
                dest.display()
            ))));
        }
    };
    print_out(&format!(
        "{} -> {}: a consistent copy, {} pages ({:.1} MiB), checked; {}\n",
        ws.db.display(),
        dest.display(),
        copy.pages,
        copy.bytes as f64 / (1024.0 * 1024.0),
        copy.last_import
            .map_or("no imports yet".to_string(), |t| format!(
                "newest import {t} UTC"
            ))
    ));
    Ok(())
}

/// Whether two paths name the same file (the second may not exist yet).
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Creates `path` empty and readable by its owner only: the copy holds what the store
/// holds, personal data included.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map(drop)
}
