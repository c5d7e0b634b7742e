//! Any bytes, given to any importer, end in an import or a refusal that says where — never
//! a panic, a hang or memory that grows with the input (issue #13, bounded resources).
//!
//! The property tests run the library on arbitrary byte strings and on valid files with
//! bytes changed; the deterministic cases run the real binary on the inputs that used to
//! exhaust memory: `/dev/zero`, an endless pipe, a NUL-filled file, a multi-megabyte
//! line and an over-long field.

mod common;

use std::cell::RefCell;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use rhythm::ingest::{ImportError, Kind, MAX_FIELD_BYTES, MAX_RECORD_BYTES, import_reader};
use rhythm::store::Store;

use common::cli::{BIN, describe, rhythm_in, text};
use common::workspace::charter_workspace;

/// A small valid file of each kind.
const EXAMPLES: [(Kind, &str); 7] = [
    (
        Kind::Channels,
        "week,channel,spend,leads,mqls,sqls,pipeline\n2026-11-16,linkedin,12000,40,15,5,150000\n2026-11-16,paid-search,20000.5,80,30,9,210000\n",
    ),
    (
        Kind::Kpis,
        "kpi,period_start,value,note\npipeline-coverage,2026-10-01,3.4,\n",
    ),
    (
        Kind::Plan,
        "month,channel,budget,pipeline_target,mql_target\n2026-11,linkedin,60000,1500000,80\n",
    ),
    (
        Kind::Deliveries,
        "deliverable,period_start,delivered_at,link,note\nperformance-review,2026-11-01,2026-11-04T15:30:00Z,https://bi/x,\n",
    ),
    (
        Kind::Usage,
        "timestamp,user,dashboard,source\n2026-11-16T09:12:00Z,dana@example.com,Executive Summary,looker\n2026-11-16T09:13:00Z,sam@example.com,Pipeline,looker\n",
    ),
    (
        Kind::Nps,
        "date,respondent,score,role,comment\n2026-11-02,sam,9,VP Demand Generation,\n",
    ),
    (
        Kind::Reconciliation,
        "week,metric,map_count,crm_count\n2026-11-16,mqls,118,117\n",
    ),
];

/// Imports `bytes` as `kind`; fails the case unless it imported or was refused with the
/// file's name and a line.
fn check(store: &RefCell<Store>, kind: Kind, bytes: &[u8]) -> Result<(), TestCaseError> {
    let charter = common::charter();
    let result = import_reader(&mut store.borrow_mut(), &charter, kind, bytes, "fuzz.csv");
    match result {
        Ok(_) => Ok(()),
        Err(e @ (ImportError::Format { .. } | ImportError::Rows { .. })) => {
            let message = e.to_string();
            prop_assert!(
                message.starts_with("fuzz.csv: ") && message.contains("line "),
                "{kind}: a refusal without a location: {message}"
            );
            Ok(())
        }
        Err(e) => Err(TestCaseError::fail(format!("{kind}: {e:?}"))),
    }
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn arbitrary_bytes_import_or_are_refused_with_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = RefCell::new(Store::open(&dir.path().join("rhythm.db")).unwrap());
    // Bytes CSV cares about, more often than chance would give them.
    let byte = prop_oneof![
        any::<u8>(),
        prop::sample::select(b",;\t\"\r\n \0".to_vec()),
        prop::sample::select(b"0123456789-:TZ.abc".to_vec()),
    ];
    let input = (0..EXAMPLES.len(), prop::collection::vec(byte, 0..600));
    runner(512)
        .run(&input, |(k, bytes)| check(&store, EXAMPLES[k].0, &bytes))
        .unwrap();
}

#[test]
fn valid_files_with_bytes_changed_import_or_are_refused_with_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = RefCell::new(Store::open(&dir.path().join("rhythm.db")).unwrap());
    // (where, what): overwrite, insert or delete one byte, a few times over.
    let edit = (any::<prop::sample::Index>(), any::<u8>(), 0..3u8);
    let input = (0..EXAMPLES.len(), prop::collection::vec(edit, 1..8));
    runner(512)
        .run(&input, |(k, edits)| {
            let (kind, example) = EXAMPLES[k];
            let mut bytes = example.as_bytes().to_vec();
            for (at, b, op) in edits {
                let i = at.index(bytes.len() + 1);
                match op {
                    0 if i < bytes.len() => bytes[i] = b,
                    1 => bytes.insert(i, b),
                    _ if i < bytes.len() => {
                        bytes.remove(i);
                    }
                    _ => bytes.push(b),
                }
            }
            check(&store, kind, &bytes)
        })
        .unwrap();
}

/// `rhythm import KIND FILE` in a fresh workspace: the exit code and stderr.
fn import_cli(ws: &Path, kind: &str, file: &Path) -> (Option<i32>, String) {
    let out = rhythm_in(ws, &["import", kind, file.to_str().unwrap()]);
    let (_, err) = text(&out);
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "{}",
        describe(&out)
    );
    (out.status.code(), err)
}

#[test]
fn a_nul_filled_file_is_refused_at_line_1() {
    let ws = charter_workspace();
    let file = ws.path().join("zeros.csv");
    std::fs::write(&file, vec![0u8; 3 << 20]).unwrap();
    for kind in ["usage", "channels"] {
        let (code, err) = import_cli(ws.path(), kind, &file);
        assert_eq!(code, Some(2), "{err}");
        assert!(err.contains("zeros.csv: line 1:"), "{err}");
        assert!(err.contains(&MAX_RECORD_BYTES.to_string()), "{err}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn dev_zero_and_an_endless_pipe_end_in_a_refusal() {
    let ws = charter_workspace();
    let (code, err) = import_cli(ws.path(), "usage", Path::new("/dev/zero"));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("/dev/zero: line 1:"), "{err}");

    // A header, then one row that never ends, written until the importer stops reading.
    let mut child = Command::new(BIN)
        .arg("--workspace")
        .arg(ws.path())
        .args(["import", "usage", "/dev/stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(b"timestamp,user,dashboard\n2026-11-16T09:12:00Z,sam,");
        let chunk = [b'x'; 1 << 16];
        while stdin.write_all(&chunk).is_ok() {}
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    let (_, err) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(err.contains("/dev/stdin: 1 bad row"), "{err}");
    assert!(
        err.contains("/dev/stdin: line 2: the row starting here runs past"),
        "{err}"
    );
}

#[test]
fn a_multi_megabyte_line_is_a_bad_row_with_its_line_and_nothing_is_written() {
    let ws = charter_workspace();
    let file = ws.path().join("long.csv");
    let mut bytes = b"timestamp,user,dashboard\r\n2026-11-16T09:12:00Z,sam,Pipeline\r\n\
2026-11-16T09:13:00Z,sam,\"Pipe\r\nline\"\r\n2026-11-16T09:14:00Z,sam,"
        .to_vec();
    bytes.extend(std::iter::repeat_n(b'd', 8 << 20));
    bytes.extend(b"\r\n2026-11-16T09:15:00Z,sam,Pipeline\r\n");
    std::fs::write(&file, &bytes).unwrap();
    let (code, err) = import_cli(ws.path(), "usage", &file);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("long.csv: line 5: the row starting here runs past 1048576 bytes"),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    assert!(
        err.len() < 2_000,
        "the message stays short: {} bytes",
        err.len()
    );
    // The rows before it were not kept.
    let good = ws.path().join("good.csv");
    std::fs::write(
        &good,
        "timestamp,user,dashboard\n2026-11-16T09:12:00Z,sam,Pipeline\n",
    )
    .unwrap();
    let out = rhythm_in(ws.path(), &["import", "usage", good.to_str().unwrap()]);
    assert!(text(&out).0.contains("1 new"), "{}", describe(&out));
}

#[test]
fn a_field_over_the_limit_is_a_bad_row_with_line_column_and_a_prefix() {
    let ws = charter_workspace();
    let file = ws.path().join("name.csv");
    let name = "Executive Summary ".repeat(MAX_FIELD_BYTES / 10);
    std::fs::write(
        &file,
        format!(
            "timestamp,user,dashboard\n2026-11-16T09:12:00Z,sam,Pipeline\n\
2026-11-16T09:13:00Z,sam,{name}\n2026-11-16T09:14:00Z,{name},Pipeline\n"
        ),
    )
    .unwrap();
    let (code, err) = import_cli(ws.path(), "usage", &file);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("name.csv: 2 bad rows"), "{err}");
    assert!(
        err.contains("name.csv: line 3, column 3 (dashboard): \"Executive Summary Executive"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "is {} bytes long, over the limit of 4096 bytes for one field",
            name.len()
        )),
        "{err}"
    );
    assert!(err.contains("name.csv: line 4, column 2 (user)"), "{err}");
    assert!(err.len() < 2_000, "the value is cut: {} bytes", err.len());
}

#[test]
fn the_field_limit_spares_the_columns_a_bi_export_is_not_read_from() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("rhythm.db")).unwrap();
    let charter = common::charter();
    let long = "SELECT 1 ".repeat(MAX_FIELD_BYTES / 4);
    let file = |title: &str| {
        format!(
            "History Created Time,User Email,Dashboard Title,History Source,Query Text\n\
2026-11-16 09:12:04,dana@example.com,{title},Dashboard,{long}\n"
        )
    };
    let ok = import_reader(
        &mut store,
        &charter,
        Kind::Usage,
        file("Pipeline").as_bytes(),
        "looker.csv",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok.new, 1);
    let refused = import_reader(
        &mut store,
        &charter,
        Kind::Usage,
        file(&long).as_bytes(),
        "looker.csv",
    )
    .unwrap_err()
    .to_string();
    assert!(
        refused.contains("looker.csv: line 2, column 3 (Dashboard Title): \"SELECT 1 SELECT"),
        "{refused}"
    );
}

#[test]
fn skipped_bi_rows_with_ever_new_labels_are_counted_under_a_bounded_set() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("rhythm.db")).unwrap();
    let mut file = String::from("CreationTime,UserId,Activity,DashboardName,ReportName\n");
    file.push_str("2026-11-16T09:12:04Z,dana@example.com,ViewDashboard,Pipeline,\n");
    for i in 0..1_000 {
        file.push_str(&format!("2026-11-16T09:12:05Z,dana@example.com,Odd{i},,\n"));
    }
    let summary = import_reader(
        &mut store,
        &common::charter(),
        Kind::Usage,
        file.as_bytes(),
        "powerbi.csv",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary.new, 1);
    let notice = summary
        .notices
        .iter()
        .find(|n| n.starts_with("skipped 1000 rows"))
        .unwrap_or_else(|| panic!("{:?}", summary.notices));
    assert!(notice.contains("other values (936)"), "{notice}");
    assert!(notice.len() < 400, "{notice}");
}
