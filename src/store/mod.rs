//! The SQLite store: opening, migrating, and queries that return domain types.
//! Knows nothing of the terminal.

mod schema;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension};

pub use rusqlite;

/// How the store writes UTC timestamps as text.
pub(crate) const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}: cannot open the store: {source}", path.display())]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error(
        "{}: cannot create the store's folder: {source}; create it yourself, or pass --db PATH to a store elsewhere",
        path.display()
    )]
    Folder {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{}: the store has schema version {found}, newer than this rhythm understands ({known}); upgrade rhythm, or point --db at another file",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    /// `PRAGMA user_version` says 0 but rhythm's tables are there: another tool reset it.
    #[error("{}", reset_schema_text(path, *detected))]
    ResetSchema {
        path: PathBuf,
        /// The schema version the tables present match, if they match one.
        detected: Option<i64>,
    },
    /// The store or its folder cannot be written by this user.
    #[error("{}", not_writable_text(path, dir, *file_read_only))]
    NotWritable {
        path: PathBuf,
        dir: PathBuf,
        /// The store file itself refused writing (else its folder did).
        file_read_only: bool,
    },
    /// The pseudonym key given is not the one the store's usage was pseudonymised with.
    #[error(
        "the pseudonym key in ${var} is not the one this store's usage was pseudonymised with (the store's key has fingerprint {stored}, this one {given}): under it every BI user would get a new pseudonym and adoption would read 0%. Set {var} to the original key; if the key was changed on purpose, start a new store (--db PATH) and import the usage again under the new key"
    )]
    KeyMismatch {
        var: String,
        stored: String,
        given: String,
    },
    #[error("store: {0}")]
    Sql(#[from] rusqlite::Error),
    /// The charter pseudonymises usage and the key to match its BI users is missing.
    #[error("{0}")]
    Privacy(String),
}

/// An open, migrated store.
pub struct Store {
    pub conn: Connection,
    path: PathBuf,
}

/// The newest schema version this build knows.
pub fn schema_version() -> i64 {
    schema::MIGRATIONS.len() as i64
}

impl Store {
    /// Opens (creating if needed) and migrates the store at `path`. The file is created
    /// readable by its owner only: usage logs hold personal data.
    /// A folder it creates for the store is its owner's only too.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        create_private_dir_all(dir).map_err(|source| StoreError::Folder {
            path: dir.to_path_buf(),
            source,
        })?;
        let not_writable = || StoreError::NotWritable {
            path: path.to_path_buf(),
            dir: dir.to_path_buf(),
            // Opening for writing changes nothing (no create, no truncate).
            file_read_only: std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .is_err_and(|e| is_permission(&e)),
        };
        create_private(path).map_err(|source| {
            if is_permission(&source) {
                not_writable()
            } else {
                StoreError::Folder {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })?;
        let open_err = |source: rusqlite::Error| {
            if is_read_only(&source) && !path.is_dir() {
                not_writable()
            } else {
                StoreError::Open {
                    path: path.to_path_buf(),
                    source,
                }
            }
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open_err)?;
        // SQLite falls back to read-only when it may not write the file: every command
        // would then fail at its first write, with SQLite's words and no hint.
        if conn.is_readonly(rusqlite::MAIN_DB).map_err(open_err)? {
            return Err(not_writable());
        }
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(open_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        // A page cache of up to 32 MB (SQLite's default is 2 MB): a million-row import
        // then writes its pages once at commit instead of spilling them mid-way.
        conn.pragma_update(None, "cache_size", -32_768)
            .map_err(open_err)?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.migrate().map_err(|e| match e {
            StoreError::Sql(source) => open_err(source),
            other => other,
        })?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let found: i64 = self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?;
        let known = schema_version();
        if found > known {
            return Err(StoreError::NewerSchema {
                path: self.path.clone(),
                found,
                known,
            });
        }
        if found == known {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while we waited for the lock.
        let found: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if found == 0 {
            // Version 0 is a new store — unless rhythm's tables are there, when migrating
            // again would fail on the first CREATE TABLE.
            let present = schema::MARKERS
                .iter()
                .map(|sql| tx.query_row(sql, [], |r| r.get::<_, i64>(0)).map(|n| n > 0))
                .collect::<Result<Vec<bool>, _>>()?;
            if present.iter().any(|&p| p) {
                let prefix = present.iter().take_while(|&&p| p).count();
                let detected = (!present[prefix..].iter().any(|&p| p)).then_some(prefix as i64);
                return Err(StoreError::ResetSchema {
                    path: self.path.clone(),
                    detected,
                });
            }
        }
        for sql in &schema::MIGRATIONS[found.clamp(0, known) as usize..] {
            tx.execute_batch(sql)?;
        }
        tx.pragma_update(None, "user_version", known)?;
        tx.commit()?;
        Ok(())
    }

    /// When each import kind was last loaded (UTC `YYYY-MM-DDTHH:MM:SS`), newest first per kind.
    pub fn last_loaded(&self) -> Result<Vec<(String, String)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT kind, MAX(loaded_at) FROM import_log GROUP BY kind ORDER BY kind")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    /// Rows in a table (for summaries and tests). `table` must be one of the store's tables.
    pub fn count(&self, table: &str) -> Result<i64, StoreError> {
        let known = [
            "channel_week",
            "kpi_value",
            "plan",
            "delivery",
            "usage_event",
            "nps_response",
            "reconciliation",
            "experiment",
            "lead",
            "opportunity",
            "spend",
            "import_log",
        ];
        assert!(known.contains(&table), "unknown table {table}");
        Ok(self
            .conn
            .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
    }

    /// The newest import log entry for `kind`, if any: (file name, rows, loaded_at).
    pub fn last_import(&self, kind: &str) -> Result<Option<(String, i64, String)>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT file_name, rows, loaded_at FROM import_log WHERE kind = ?1 ORDER BY id DESC LIMIT 1",
                [kind],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
    }
}

fn not_writable_text(path: &Path, dir: &Path, file_read_only: bool) -> String {
    let (what, fix) = if file_read_only {
        (
            format!(
                "{}: the store file is read-only for this user",
                path.display()
            ),
            "the file's permissions",
        )
    } else {
        (
            format!("{}: the folder is not writable by this user", dir.display()),
            "the folder's permissions",
        )
    };
    format!(
        "{what}: rhythm needs to write {} and its -wal and -shm files in {}; fix {fix} (e.g. chmod u+w), or pass --db PATH to a store in a writable folder",
        path.display(),
        dir.display()
    )
}

fn reset_schema_text(path: &Path, detected: Option<i64>) -> String {
    let head = format!(
        "{}: the store has rhythm's tables but its schema version (PRAGMA user_version) is 0 — another tool reset it, and rhythm will not migrate it again",
        path.display()
    );
    match detected {
        Some(n) => format!(
            "{head}; its tables are those of schema version {n}: restore the version with `sqlite3 {} 'PRAGMA user_version = {n}'` while nothing has the store open, or restore a backup",
            path.display()
        ),
        None => format!("{head}; its tables match no version of rhythm's schema: restore a backup"),
    }
}

/// Whether an I/O error means this user may not write there.
fn is_permission(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
    )
}

/// Whether SQLite failed because it may not write the file or create its -wal/-shm.
fn is_read_only(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen)
    )
}

/// Creates the store file if it is not there, readable by its owner only. SQLite gives
/// the `-wal` and `-shm` files it creates beside it the same mode.
fn create_private(path: &Path) -> std::io::Result<()> {
    match create_private_file(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Creates the new file `path` (an error if it exists) for writing, readable and
/// writable by its owner only (0600) whatever the umask: rhythm's files hold what the
/// store holds, personal data included.
pub fn create_private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let file = options.mode(0o600).open(path)?;
        // The mode above is masked by the umask; set it exactly.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
}

/// Creates `dir` and its missing parents, each folder it creates open to its owner only
/// (0700) whatever the umask. Folders already there are left as they are: they are the
/// user's.
pub fn create_private_dir_all(dir: &Path) -> std::io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_private_dir_all(parent)?;
    }
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    match builder.create(dir) {
        Ok(()) => {}
        // Another process made it meanwhile: its folder, its mode.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => {
            return Ok(());
        }
        Err(e) => return Err(e),
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_migrates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data/rhythm.db");
        let store = Store::open(&path).unwrap();
        let mode: String = store
            .conn
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        assert_eq!(store.count("channel_week").unwrap(), 0);
        drop(store);
        let store = Store::open(&path).unwrap();
        let v: i64 = store
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, schema_version());
    }

    #[cfg(unix)]
    #[test]
    fn the_store_file_is_private_to_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rhythm.db");
        Store::open(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn every_migration_has_a_marker() {
        assert_eq!(schema::MARKERS.len(), schema::MIGRATIONS.len());
    }

    #[test]
    fn a_reset_schema_version_is_refused_with_the_version_to_restore() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rhythm.db");
        let store = Store::open(&path).unwrap();
        store.conn.pragma_update(None, "user_version", 0).unwrap();
        drop(store);
        let err = Store::open(&path).err().expect("refused");
        assert!(
            matches!(err, StoreError::ResetSchema { detected: Some(n), .. } if n == schema_version()),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains(&format!("PRAGMA user_version = {}", schema_version())),
            "{text}"
        );
        assert!(!text.contains("already exists"), "{text}");
        // Restoring the version as the message says makes the store open again.
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", schema_version())
            .unwrap();
        drop(conn);
        Store::open(&path).unwrap();
    }

    #[test]
    fn tables_of_no_known_version_ask_for_a_backup() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rhythm.db");
        let conn = Connection::open(&path).unwrap();
        // Migration 7's table without the tables before it.
        conn.execute_batch(schema::MIGRATIONS[6]).unwrap();
        drop(conn);
        let err = Store::open(&path).err().expect("refused");
        assert!(matches!(
            err,
            StoreError::ResetSchema { detected: None, .. }
        ));
        assert!(err.to_string().contains("restore a backup"), "{err}");
    }

    #[test]
    fn sqlite_read_only_errors_read_as_a_folder_to_fix() {
        let read_only = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
            Some("attempt to write a readonly database".into()),
        );
        assert!(is_read_only(&read_only));
        let busy = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        );
        assert!(!is_read_only(&busy));
        let text = |file_read_only| {
            StoreError::NotWritable {
                path: PathBuf::from("data/rhythm.db"),
                dir: PathBuf::from("data"),
                file_read_only,
            }
            .to_string()
        };
        let folder = text(false);
        assert!(
            folder.starts_with("data: the folder is not writable by this user"),
            "{folder}"
        );
        assert!(
            folder.contains("-wal") && folder.contains("--db"),
            "{folder}"
        );
        let file = text(true);
        assert!(
            file.starts_with("data/rhythm.db: the store file is read-only"),
            "{file}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn folders_the_store_creates_are_private_and_others_are_left_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = dir.path().join("a/b/rhythm.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(mode(&dir.path().join("a")), 0o700);
        assert_eq!(mode(&dir.path().join("a/b")), 0o700);
        assert_eq!(mode(dir.path()), 0o755);
        // SQLite gives the -wal and -shm the store file's mode.
        store
            .conn
            .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
        for suffix in ["-wal", "-shm"] {
            let side = dir.path().join(format!("a/b/rhythm.db{suffix}"));
            assert_eq!(mode(&side), 0o600, "{}", side.display());
        }
    }

    #[test]
    fn a_store_from_a_newer_rhythm_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rhythm.db");
        let store = Store::open(&path).unwrap();
        store
            .conn
            .pragma_update(None, "user_version", schema_version() + 1)
            .unwrap();
        drop(store);
        let err = Store::open(&path).err().expect("refused");
        assert!(matches!(err, StoreError::NewerSchema { .. }));
        assert!(err.to_string().contains("upgrade rhythm"));
    }
}

mod funnel;
pub mod import_log;
mod kept;
pub use kept::Generation;
pub mod privacy;
mod queries;
mod records;
mod session;
pub use session::NewDispute;
mod maintenance;
pub use maintenance::{BackupCopy, PurgedTable};
mod recommendations;
mod scenarios;
pub mod usage;
