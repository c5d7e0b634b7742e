//! The charter's data-protection rules, with the real binary: `rhythm purge` applying
//! the retention rule, and usage imported pseudonymised.

mod common;

use std::path::{Path, PathBuf};

use common::cli::{command_without_key, describe, run_without_key};
use common::fixture;
use common::store::{State, count, db_path, integrity, open_db};
use common::workspace::{charter_workspace, edited_charter_workspace};

fn write_dated_files(ws: &Path) -> (PathBuf, PathBuf) {
    let usage = ws.join("usage.csv");
    let nps = ws.join("nps.csv");
    let mut u = String::from("timestamp,user,dashboard\n");
    let mut n = String::from("date,respondent,score\n");
    for (i, date) in [
        "2024-11-01",
        "2025-06-30",
        "2025-10-20",
        "2025-10-21",
        "2026-11-19",
    ]
    .iter()
    .enumerate()
    {
        u.push_str(&format!(
            "{date}T09:00:00Z,dana.whitfield@atlas-eor.com,Exec\n{date}T10:00:00Z,user{i}@example.com,Funnel\n"
        ));
        n.push_str(&format!("{date},r{i},9\n"));
    }
    std::fs::write(&usage, u).unwrap();
    std::fs::write(&nps, n).unwrap();
    (usage, nps)
}

/// Issue 7, point 6: `rhythm purge` applies the charter's retention (395 days): a dry
/// run says what would go and changes nothing; the purge deletes exactly that and
/// rebuilds the usage aggregates.
#[test]
fn purge_deletes_what_the_dry_run_announced() {
    let ws = charter_workspace();
    let (usage, nps) = write_dated_files(ws.path());
    for (kind, file) in [("usage", &usage), ("nps", &nps)] {
        let o = run_without_key(ws.path(), &["import", kind, file.to_str().unwrap()]);
        assert!(o.status.success(), "{}", describe(&o));
    }
    let store = db_path(ws.path());
    // 2026-11-20 - 395 days = 2025-10-21: rows dated before it go.
    let o = run_without_key(ws.path(), &["purge", "--dry-run", "--at", "2026-11-20"]);
    assert!(o.status.success(), "{}", describe(&o));
    let said = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(said.contains("before 2025-10-21"), "{said}");
    assert!(
        said.contains("usage_event   would delete 6 of 10 rows"),
        "{said}"
    );
    assert!(
        said.contains("nps_response  would delete 3 of 5 rows"),
        "{said}"
    );
    let conn = open_db(&store);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM usage_event"), 10);
    drop(conn);

    let o = run_without_key(ws.path(), &["purge", "--at", "2026-11-20"]);
    assert!(o.status.success(), "{}", describe(&o));
    let said = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(
        said.contains("usage_event   deleted 6 of 10 rows"),
        "{said}"
    );
    assert!(said.contains("nps_response  deleted 3 of 5 rows"), "{said}");
    let mut conn = open_db(&store);
    let state = State::read(&mut conn);
    assert_eq!(state.events, 4);
    assert!(state.consistent(), "{state:?}");
    assert_eq!(state.imports, 2, "a purge is not an import");
    assert_eq!(
        count(
            &conn,
            "SELECT MIN(date) FROM nps_response WHERE date < '2025-10-21'"
        ),
        0
    );
    assert_eq!(integrity(&conn), "ok");
}

/// Issue 12, point 6: after a purge, last year's adoption and NPS are "purged" in the
/// annual review, not figures computed from what is left; this year's are figures.
#[test]
fn after_a_purge_the_annual_review_says_purged_for_what_it_deleted() {
    let ws = charter_workspace();
    let (usage, nps) = write_dated_files(ws.path());
    for (kind, file) in [("usage", &usage), ("nps", &nps)] {
        let o = run_without_key(ws.path(), &["import", kind, file.to_str().unwrap()]);
        assert!(o.status.success(), "{}", describe(&o));
    }
    let annual = |ws: &Path| {
        let o = run_without_key(ws, &["report", "annual", "--at", "2026-11-23", "--to-date"]);
        assert!(o.status.success(), "{}", describe(&o));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let row = |md: &str, kpi: &str| {
        md.lines()
            .find(|l| l.starts_with(&format!("| {kpi} |")))
            .unwrap_or_else(|| panic!("no {kpi} row in {md}"))
            .to_string()
    };
    // Before the purge: last year's NPS is the answers of 2024-11-01 … 2025-10-21 that
    // fall in the same stretch of 2025 (all 9s: 100).
    let before = annual(ws.path());
    assert!(
        row(&before, "Analytics team NPS from marketing").contains("| 100 | 100 |"),
        "{before}"
    );
    // 2026-11-20 - 395 days = 2025-10-21: the purge deletes every answer before it.
    let o = run_without_key(ws.path(), &["purge", "--at", "2026-11-20"]);
    assert!(o.status.success(), "{}", describe(&o));
    let after = annual(ws.path());
    for kpi in [
        "Analytics team NPS from marketing",
        "Dashboard adoption rate",
    ] {
        let cells: Vec<String> = row(&after, kpi)
            .split('|')
            .map(|c| c.trim().to_string())
            .collect();
        // | KPI | this year | last year | change | target | status |
        assert_eq!(cells[3], "purged", "{kpi}: {after}");
        assert_eq!(cells[4], "—", "{kpi}: no change against a purged year");
        assert_ne!(cells[2], "purged", "{kpi}: this year is after the horizon");
    }
}

#[test]
fn purge_without_a_retention_rule_is_refused() {
    let ws = edited_charter_workspace(|c| {
        c.lines()
            .filter(|l| !l.starts_with("retention_days"))
            .collect::<Vec<_>>()
            .join("\n")
    });
    let o = run_without_key(ws.path(), &["purge", "--dry-run"]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("retention_days"),
        "{}",
        describe(&o)
    );
}

const KEY: &str = "correct horse battery staple";

fn pseudonymising(c: String) -> String {
    c.replace("pseudonymise_usage = false", "pseudonymise_usage = true")
}

/// Issue 7, point 6: with `pseudonymise_usage = true`, an import without the key is
/// refused and writes nothing; with it, no user name reaches the store in clear, and
/// each is the keyed hash `rhythm::ingest::pseudonym` gives (which the charter's
/// stakeholder mapping uses).
#[test]
fn pseudonymised_usage_needs_the_key_and_stores_no_names() {
    let ws = edited_charter_workspace(pseudonymising);
    let (usage, _) = write_dated_files(ws.path());
    let o = run_without_key(ws.path(), &["import", "usage", usage.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("RHYTHM_PSEUDONYM_KEY"),
        "{}",
        describe(&o)
    );
    assert!(
        !db_path(ws.path()).exists(),
        "nothing is written without the key"
    );

    let looker = fixture("bi/looker_history.csv");
    for file in [&usage, &looker] {
        let o = command_without_key(ws.path(), &["import", "usage", file.to_str().unwrap()])
            .env("RHYTHM_PSEUDONYM_KEY", KEY)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", describe(&o));
        assert!(String::from_utf8_lossy(&o.stdout).contains("pseudonymised"));
    }
    let conn = open_db(&db_path(ws.path()));
    let users: Vec<String> = conn
        .prepare("SELECT DISTINCT user FROM usage_event ORDER BY 1")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(
        users.iter().all(|u| rhythm::ingest::is_pseudonym(u)),
        "{users:?}"
    );
    let dana = rhythm::ingest::pseudonym(KEY.as_bytes(), "Dana.Whitfield@atlas-eor.com");
    assert!(users.contains(&dana), "{users:?}");
    // The CSV and the Looker export agree on who Dana is.
    assert_eq!(
        count(
            &conn,
            &format!(
                "SELECT COUNT(*) FROM usage_event WHERE user = '{dana}' AND source = 'looker'"
            )
        ),
        // Dana opened the Looker dashboard in two sessions.
        2
    );
    assert_eq!(
        count(
            &conn,
            &format!("SELECT SUM(views) FROM usage_day WHERE user = '{dana}'")
        ),
        7
    );
    drop(conn);
    // Not a trace of a name in the store's files.
    for file in ["rhythm.db", "rhythm.db-wal"] {
        if let Ok(bytes) = std::fs::read(ws.path().join("data").join(file)) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("dana.whitfield"), "{file} holds a name");
        }
    }
}
