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
    crate::store::create_private_dir_all(&dir).map_err(|e| {
        bad(format!(
            "{}: cannot create the backup's folder: {e}; create it, or name a file in another folder",
            dir.display()
        ))
    })?;
    // What a killed backup left (a full copy of the store, outside any retention).
    for stale in remove_stale_partials(&dir, &name) {
        print_out(&format!(
            "removed {}, left by an earlier backup that did not finish\n",
            stale.display()
        ));
    }
    let partial = dir.join(format!("{}{}", partial_prefix(&name), std::process::id()));
    crate::store::create_private_file(&partial).map_err(|e| {
        bad(format!(
            "{}: cannot write the backup here: {e}; fix the folder's permissions, or name a file in another folder",
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

/// The start of the partial copy's name for a backup named `name`; the process id follows.
fn partial_prefix(name: &str) -> String {
    format!(".{name}.partial-")
}

/// Removes the partial copies (and their `-journal`) in `dir` that a backup to `name`
/// left when it was killed: files named exactly as [`run`] names them, whose process is
/// gone. Where the system cannot say whether a process lives (no `/proc`), nothing is
/// removed. Returns what was removed.
fn remove_stale_partials(dir: &Path, name: &str) -> Vec<PathBuf> {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let prefix = partial_prefix(name);
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .map(|rest| rest.strip_suffix("-journal").unwrap_or(rest))
            .filter(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if !is_file || pid == std::process::id() || proc.join(pid.to_string()).exists() {
            continue;
        }
        let path = entry.path();
        if std::fs::remove_file(&path).is_ok() {
            removed.push(path);
        }
    }
    removed.sort();
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_partials_of_this_backup_whose_process_is_gone_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // PIDs above the kernel's maximum (4194304) never name a live process.
        let dead = [
            ".copy.db.partial-99999999",
            ".copy.db.partial-99999999-journal",
        ];
        let kept = [
            format!(".copy.db.partial-{}", std::process::id()),
            ".copy.db.partial-1".to_string(), // init: alive
            ".copy.db.partial-99999999x".into(),
            ".copy.db.partial-".into(),
            ".other.db.partial-99999999".into(),
            "copy.db.partial-99999999".into(),
            "copy.db".into(),
        ];
        for f in dead
            .iter()
            .map(|s| s.to_string())
            .chain(kept.iter().cloned())
        {
            std::fs::write(d.join(f), "x").unwrap();
        }
        let removed = remove_stale_partials(d, "copy.db");
        if !Path::new("/proc/self").exists() {
            assert!(removed.is_empty());
            return;
        }
        assert_eq!(removed, dead.map(|f| d.join(f)).to_vec());
        for f in &kept {
            assert!(d.join(f).exists(), "{f} was removed");
        }
    }
}
