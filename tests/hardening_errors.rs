//! Issue 13, items 6 and 7: nothing left behind, keys checked, and errors that say where
//! and what to do — the charter read only from a regular file of bounded size, in UTF-8;
//! a reset schema version, an unwritable store and a foreign pseudonym key refused in
//! words; each SQLite message said once; stale backup copies removed; rhythm's files
//! and folders owner-only whatever the umask.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::CHARTER;
use common::cli::{BIN, command_without_key, describe, rhythm_in, text};
use common::store::{count, db_path, open_db};
use common::workspace::{charter_workspace, edited_charter_workspace};
use proptest::prelude::*;
use rhythm::charter::{Charter, CharterError, MAX_CHARTER_BYTES};

/// Runs `cmd` and kills it if it has not ended within `limit`: a hang fails the test
/// instead of stalling the suite.
fn output_within(cmd: &mut Command, limit: Duration) -> std::process::Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("{:?} did not end within {limit:?}", cmd.get_args());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn with_charter(ws: &Path, charter: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("--workspace")
        .arg(ws)
        .arg("--charter")
        .arg(charter)
        .args(args);
    output_within(&mut cmd, Duration::from_secs(20))
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_device_as_the_charter_is_refused_at_once() {
    let ws = charter_workspace();
    let fifo = ws.path().join("charter.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    let mut cases = vec![(Path::new("/dev/zero").to_path_buf(), "a device")];
    if made.is_ok_and(|s| s.success()) {
        cases.push((fifo, "a named pipe (FIFO)"));
    } else {
        eprintln!("skipping the FIFO case: mkfifo is not available here");
    }
    cases.push((ws.path().join("charter"), "a folder"));
    for (path, kind) in cases {
        let o = with_charter(ws.path(), &path, &["charter", "check"]);
        assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
        let (_, err) = text(&o);
        assert!(
            err.contains(&format!("{}: the charter is {kind}", path.display()))
                && err.contains("not a regular file")
                && err.contains("--charter"),
            "{}",
            describe(&o)
        );
    }
}

#[test]
fn a_charter_over_the_size_limit_is_refused() {
    let ws = charter_workspace();
    let big = ws.path().join("big.toml");
    let mut text = CHARTER.to_string();
    while text.len() as u64 <= MAX_CHARTER_BYTES {
        text.push_str("# padding padding padding padding padding padding padding\n");
    }
    std::fs::write(&big, &text).unwrap();
    let err = Charter::load(&big).unwrap_err();
    assert!(matches!(err, CharterError::TooBig { .. }), "{err:?}");
    assert!(err.to_string().contains("1024 KiB"), "{err}");
    // At the limit exactly, the charter is read.
    text.truncate(MAX_CHARTER_BYTES as usize - 1);
    let end = text.rfind('\n').unwrap() + 1;
    text.truncate(end);
    std::fs::write(&big, &text).unwrap();
    Charter::load(&big).expect("a charter under the limit loads");
}

#[test]
fn a_charter_not_in_utf8_is_refused_at_the_line_and_column_of_the_first_bad_byte() {
    let ws = charter_workspace();
    let path = ws.path().join("latin1.toml");
    // "Atlas EOR" → "Atlas EÖR" in Latin-1 (0xD6) on the company line.
    let (line_no, line) = CHARTER
        .lines()
        .enumerate()
        .find(|(_, l)| l.starts_with("company"))
        .expect("the shipped charter names its company");
    let column = line.find('"').unwrap() + 2 + 1;
    let mut bytes = Vec::new();
    for (i, l) in CHARTER.lines().enumerate() {
        if i == line_no {
            let (head, tail) = l.split_at(column - 1);
            bytes.extend_from_slice(head.as_bytes());
            bytes.push(0xD6);
            bytes.extend_from_slice(tail.as_bytes());
        } else {
            bytes.extend_from_slice(l.as_bytes());
        }
        bytes.push(b'\n');
    }
    std::fs::write(&path, &bytes).unwrap();
    let o = with_charter(ws.path(), &path, &["charter", "check"]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let (_, err) = text(&o);
    let place = format!("{}:{}:{column}: byte 0xD6", path.display(), line_no + 1);
    assert!(err.contains(&place), "want {place}\n{}", describe(&o));
    assert!(err.contains("save it as UTF-8"), "{}", describe(&o));
}

/// What every refused charter must be: one or more problems, each at a 1-based line
/// and column, and the message naming the file at that place.
fn located(result: Result<Charter, CharterError>) -> Result<(), String> {
    match result {
        Ok(_) => Ok(()),
        Err(CharterError::Invalid { problems, .. }) if !problems.is_empty() => {
            for p in &problems {
                if p.line == 0 || p.column == 0 || p.message.is_empty() {
                    return Err(format!("unlocated problem {p:?}"));
                }
            }
            Ok(())
        }
        Err(other) => Err(format!("an error without a location: {other:?}")),
    }
}

/// A mutation of the shipped charter's bytes: at a position, insert, replace or delete.
fn mutated() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..8).prop_map(
        |edits| {
            let mut bytes = CHARTER.as_bytes().to_vec();
            for (at, byte, op) in edits {
                let i = at.index(bytes.len().max(1));
                match op {
                    0 => bytes.insert(i, byte),
                    1 if !bytes.is_empty() => bytes[i] = byte,
                    _ if !bytes.is_empty() => {
                        bytes.remove(i);
                    }
                    _ => {}
                }
            }
            bytes
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_bytes_load_or_fail_at_a_place(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let path = Path::new("charter/partnership.toml");
        located(Charter::from_bytes(&bytes, path)).map_err(TestCaseError::fail)?;
    }

    #[test]
    fn a_mutated_shipped_charter_loads_or_fails_at_a_place(bytes in mutated()) {
        let path = Path::new("charter/partnership.toml");
        located(Charter::from_bytes(&bytes, path)).map_err(TestCaseError::fail)?;
    }
}

/// Issue 13: a store whose `user_version` another tool reset failed with "table
/// channel_week already exists"; now it says so and how to restore the version.
#[test]
fn a_reset_schema_version_says_which_version_to_restore() {
    let ws = charter_workspace();
    let o = rhythm_in(ws.path(), &["check"]);
    assert_ne!(o.status.code(), Some(2), "{}", describe(&o));
    let db = db_path(ws.path());
    open_db(&db).pragma_update(None, "user_version", 0).unwrap();
    let o = rhythm_in(ws.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let (_, err) = text(&o);
    let n = rhythm::store::schema_version();
    assert!(
        err.contains("its schema version (PRAGMA user_version) is 0")
            && err.contains(&format!(
                "sqlite3 {} 'PRAGMA user_version = {n}'",
                db.display()
            ))
            && !err.contains("already exists"),
        "{}",
        describe(&o)
    );
}

/// Issue 13: SQLite's message came three times (the store's error quoting it, then
/// rusqlite's and SQLite's own as its causes). It comes once, after where.
#[test]
fn a_sqlite_message_is_said_once() {
    let ws = charter_workspace();
    let folder = ws.path().join("a-folder.db");
    std::fs::create_dir(&folder).unwrap();
    let o = rhythm_in(
        ws.path(),
        &["--db", folder.to_str().unwrap(), "action", "list"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let (_, err) = text(&o);
    assert_eq!(
        err.matches("unable to open database file").count(),
        1,
        "{}",
        describe(&o)
    );
    assert!(
        err.starts_with(&format!(
            "error: {}: cannot open the store",
            folder.display()
        )),
        "{}",
        describe(&o)
    );
}

/// The binary, run as a user file permissions hold: this one, or — when this one writes
/// into a read-only folder anyway (root) — `nobody` through `setpriv`. None when neither
/// is possible here.
#[cfg(unix)]
fn unprivileged(probe_dir: &Path) -> Option<Command> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(probe_dir, std::fs::Permissions::from_mode(0o500)).unwrap();
    let probe = probe_dir.join("probe");
    let held = std::fs::write(&probe, "x").is_err();
    let _ = std::fs::remove_file(&probe);
    std::fs::set_permissions(probe_dir, std::fs::Permissions::from_mode(0o700)).unwrap();
    if held {
        return Some(Command::new(BIN));
    }
    let setpriv = Command::new("setpriv").arg("--version").output();
    if !setpriv.is_ok_and(|o| o.status.success()) {
        return None;
    }
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN]);
    Some(cmd)
}

/// A read-only store folder gave "attempt to write a readonly database" three times and
/// no hint; now one line says which — the folder or the file — and what to do.
#[cfg(unix)]
#[test]
fn a_read_only_store_folder_or_file_says_what_to_fix() {
    use std::os::unix::fs::PermissionsExt;
    let chmod = |p: &Path, mode| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    let ws = charter_workspace();
    let o = rhythm_in(ws.path(), &["action", "list"]);
    assert!(o.status.success(), "{}", describe(&o));
    let data = ws.path().join("data");
    let db = db_path(ws.path());
    let Some(mut cmd) = unprivileged(&data) else {
        eprintln!(
            "skipping: this user writes into read-only folders (root) and setpriv is not here to run as another"
        );
        return;
    };
    // Another user (setpriv) must reach the workspace and read the charter.
    chmod(ws.path(), 0o755);
    chmod(&ws.path().join("charter"), 0o755);
    chmod(&ws.path().join("charter/partnership.toml"), 0o644);
    cmd.arg("--workspace").arg(ws.path()).arg("check");
    for (dir_mode, file_mode, says) in [
        (
            0o555,
            0o666,
            format!(
                "{}: the folder is not writable by this user",
                data.display()
            ),
        ),
        (
            0o777,
            0o444,
            format!(
                "{}: the store file is read-only for this user",
                db.display()
            ),
        ),
    ] {
        chmod(&data, dir_mode);
        chmod(&db, file_mode);
        let o = output_within(&mut cmd, Duration::from_secs(20));
        chmod(&data, 0o700);
        chmod(&db, 0o600);
        assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
        let (_, err) = text(&o);
        assert_eq!(err.lines().count(), 1, "{}", describe(&o));
        assert!(
            err.contains(&says) && err.contains("-wal") && err.contains("--db"),
            "want {says}\n{}",
            describe(&o)
        );
    }
}

const KEY: &str = "correct horse battery staple";

fn usage_csv(ws: &Path) -> std::path::PathBuf {
    let path = ws.join("usage.csv");
    std::fs::write(
        &path,
        "timestamp,user,dashboard\n2026-11-02T09:00:00Z,dana.whitfield@atlas-eor.com,Exec\n",
    )
    .unwrap();
    path
}

/// Issue 13: a wrong pseudonym key imported under new pseudonyms without a word, and
/// `check` then read adoption 0%. The store keeps the first key's fingerprint and
/// refuses another, on import and on check (exit 2), writing nothing.
#[test]
fn a_different_pseudonym_key_is_refused_on_import_and_on_check() {
    let ws = edited_charter_workspace(|c| {
        c.replace("pseudonymise_usage = false", "pseudonymise_usage = true")
    });
    let usage = usage_csv(ws.path());
    let run = |key: &str, args: &[&str]| {
        command_without_key(ws.path(), args)
            .env("RHYTHM_PSEUDONYM_KEY", key)
            .output()
            .unwrap()
    };
    let import = ["import", "usage", usage.to_str().unwrap()];
    let o = run(KEY, &import);
    assert!(o.status.success(), "{}", describe(&o));
    let conn = open_db(&db_path(ws.path()));
    let stored: String = conn
        .query_row(
            "SELECT group_concat(key || value) FROM store_meta",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        !stored.contains(KEY),
        "the key itself is not kept: {stored}"
    );
    let events = count(&conn, "SELECT COUNT(*) FROM usage_event");

    std::fs::write(
        &usage,
        "timestamp,user,dashboard\n2026-11-03T09:00:00Z,sam.okafor@atlas-eor.com,Exec\n",
    )
    .unwrap();
    for args in [&import[..], &["check"]] {
        let o = run("another key", args);
        assert_eq!(o.status.code(), Some(2), "{args:?}\n{}", describe(&o));
        let (_, err) = text(&o);
        assert!(
            err.contains("the pseudonym key in $RHYTHM_PSEUDONYM_KEY is not the one this store's usage was pseudonymised with")
                && err.contains(&rhythm::store::privacy::key_fingerprint(KEY.as_bytes()))
                && err.contains("Set RHYTHM_PSEUDONYM_KEY to the original key")
                && !err.contains("another key"),
            "{args:?}\n{}",
            describe(&o)
        );
    }
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM usage_event"), events);
    // The original key still works.
    let o = run(KEY, &import);
    assert!(o.status.success(), "{}", describe(&o));
    let o = run(KEY, &["check"]);
    assert_ne!(o.status.code(), Some(2), "{}", describe(&o));
}

/// Issue 13: a killed backup left `.FILE.partial-PID`, a full copy of personal data,
/// that no later run removed. The next backup to that name removes it and says so.
#[test]
fn a_backup_removes_the_partial_copy_a_killed_backup_left() {
    let ws = charter_workspace();
    let o = rhythm_in(ws.path(), &["action", "list"]);
    assert!(o.status.success(), "{}", describe(&o));
    let out = ws.path().join("backups");
    std::fs::create_dir(&out).unwrap();
    // A PID above the kernel's maximum: no process has it.
    let stale = out.join(".copy.db.partial-99999999");
    let journal = out.join(".copy.db.partial-99999999-journal");
    let other = out.join(".other.db.partial-99999999");
    for f in [&stale, &journal, &other] {
        std::fs::write(f, "personal data").unwrap();
    }
    let dest = out.join("copy.db");
    let o = rhythm_in(ws.path(), &["backup", dest.to_str().unwrap()]);
    assert!(o.status.success(), "{}", describe(&o));
    let (stdout, _) = text(&o);
    if !Path::new("/proc/self").exists() {
        eprintln!("skipping the removal check: no /proc to tell a live backup from a dead one");
        return;
    }
    for f in [&stale, &journal] {
        assert!(!f.exists(), "{} left", f.display());
        assert!(
            stdout.contains(&format!("removed {}", f.display())),
            "{}",
            describe(&o)
        );
    }
    assert!(
        other.exists(),
        "another backup's partial copy is not this one's"
    );
    let left: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".copy.db"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Issue 13: `data/` and the files in it followed the umask (666 under umask 000).
/// Under umask 000 the demo workspace's folders rhythm creates are 0700, its store and
/// a backup 0600.
#[cfg(unix)]
#[test]
fn folders_and_files_rhythm_creates_are_owner_only_under_umask_000() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("demo");
    let at = rhythm::demo::generate::SAMPLE_TODAY.to_string();
    let script = format!(
        "umask 000 && \"$0\" demo --dir \"$1\" --no-open --at {at} >/dev/null && \"$0\" --workspace \"$1\" backup \"$1/backups/copy.db\""
    );
    let o = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(BIN)
        .arg(&ws)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", describe(&o));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for dir in ["", "data", "charter", "data/sample", "backups"] {
        assert_eq!(mode(&ws.join(dir)), 0o700, "{dir}/");
    }
    for file in ["data/rhythm.db", "backups/copy.db"] {
        assert_eq!(mode(&ws.join(file)), 0o600, "{file}");
    }
}
