//! Issue 16, point 2: the CRM and MAP exports (HubSpot contacts and deals, Salesforce lead
//! and opportunity reports, Marketo leads) imported as `leads` and `opportunities` from
//! `tests/fixtures/crm` (its README cites where each format comes from). Expected values
//! are recomputed from the raw fixture text by a second, simpler reading.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::cli::{describe, run_without_key};
use common::store::{count, db_path, open_db};
use common::workspace::charter_workspace;
use rhythm::ingest::{ImportOptions, ImportSummary, Kind, import_file_with, pseudonym};
use rhythm::store::Store;

fn crm(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/crm")
        .join(name)
}

/// The fixture's records as header name -> value maps (the second reading): the lines
/// from the header on, up to the first blank line after it.
fn raw_records(name: &str) -> Vec<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(crm(name)).unwrap();
    let from_header: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains(','))
        .take_while(|l| !l.trim().is_empty())
        .collect();
    let bytes = from_header.join("\n").into_bytes();
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// An amount as the report wrote it, read the simple way: currency and commas dropped.
fn amount(text: &str) -> f64 {
    text.replace(['$', ','], "")
        .trim_start_matches("USD")
        .trim()
        .parse()
        .unwrap()
}

fn import(store: &mut Store, kind: Kind, name: &str, key: Option<&[u8]>) -> ImportSummary {
    let charter = common::charter();
    let options = ImportOptions {
        pseudonym_key: key.map(<[u8]>::to_vec),
        ..ImportOptions::default()
    };
    import_file_with(store, &charter, kind, &crm(name), &options)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("rhythm.db")).unwrap();
    (dir, store)
}

fn strings(store: &Store, sql: &str) -> Vec<Vec<Option<String>>> {
    let mut stmt = store.conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n)
            .map(|i| {
                r.get::<_, rusqlite::types::Value>(i).map(|v| match v {
                    rusqlite::types::Value::Null => None,
                    rusqlite::types::Value::Integer(i) => Some(i.to_string()),
                    rusqlite::types::Value::Real(x) => Some(x.to_string()),
                    rusqlite::types::Value::Text(t) => Some(t),
                    rusqlite::types::Value::Blob(_) => Some("<blob>".into()),
                })
            })
            .collect()
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

fn by_source(records: &[BTreeMap<String, String>], column: &str) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for r in records {
        *out.entry(r[column].clone()).or_insert(0) += 1;
    }
    out
}

fn stored_by_source(store: &Store, table: &str) -> BTreeMap<String, i64> {
    strings(
        store,
        &format!("SELECT source, COUNT(*) FROM {table} GROUP BY source"),
    )
    .into_iter()
    .map(|r| {
        (
            r[0].clone().unwrap(),
            r[1].clone().unwrap().parse().unwrap(),
        )
    })
    .collect()
}

/// HubSpot writes `2026-03-04 11:02`; the store keeps `2026-03-04T11:02:00` (UTC).
fn hubspot_time(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| format!("{}:00", text.replace(' ', "T")))
}

#[test]
fn hubspot_contacts_export_is_read_as_leads() {
    let (_dir, mut store) = fresh();
    let summary = import(&mut store, Kind::Leads, "hubspot_contacts.csv", None);
    assert!(
        summary
            .notices
            .iter()
            .any(|n| n.contains("HubSpot contacts export")),
        "{:?}",
        summary.notices
    );
    let raw = raw_records("hubspot_contacts.csv");
    assert_eq!(summary.new, raw.len() as u64);
    assert_eq!(
        stored_by_source(&store, "lead"),
        by_source(&raw, "Original Source")
    );
    let stored = strings(
        &store,
        "SELECT id, mql_at, sql_at, system, geo, email FROM lead ORDER BY id",
    );
    for (row, r) in stored.iter().zip(&raw) {
        assert_eq!(
            row[0].as_deref(),
            Some(format!("hubspot:{}", r["Record ID"]).as_str())
        );
        assert_eq!(
            row[1],
            hubspot_time(&r["Became a Marketing Qualified Lead Date"])
        );
        assert_eq!(
            row[2],
            hubspot_time(&r["Became a Sales Qualified Lead Date"])
        );
        assert_eq!(row[3].as_deref(), Some("hubspot"));
        assert_eq!(row[4].as_deref(), Some(r["Country/Region"].as_str()));
        let email = r["Email"].to_lowercase();
        assert_eq!(row[5], (!email.is_empty()).then_some(email));
    }
}

#[test]
fn lead_emails_are_pseudonymised_in_a_vendor_export_too() {
    let (_dir, mut store) = fresh();
    let key = b"test key".as_slice();
    import(&mut store, Kind::Leads, "marketo_leads.csv", Some(key));
    let raw = raw_records("marketo_leads.csv");
    let stored = strings(&store, "SELECT id, email FROM lead ORDER BY id");
    assert_eq!(stored.len(), raw.len());
    for (row, r) in stored.iter().zip(&raw) {
        let email = &r["Email Address"];
        let want = (!email.is_empty()).then(|| pseudonym(key, email));
        assert_eq!(row[1], want, "{:?}", row[0]);
        assert!(!row[1].as_deref().unwrap_or("").contains('@'));
    }
}

#[test]
fn hubspot_deals_export_is_read_as_opportunities() {
    let (_dir, mut store) = fresh();
    import(&mut store, Kind::Opportunities, "hubspot_deals.csv", None);
    let raw = raw_records("hubspot_deals.csv");
    let stored = strings(
        &store,
        "SELECT id, amount, won, type, close_date, system FROM opportunity ORDER BY id",
    );
    assert_eq!(stored.len(), raw.len());
    for (row, r) in stored.iter().zip(&raw) {
        assert_eq!(
            row[0].as_deref(),
            Some(format!("hubspot:{}", r["Record ID"]).as_str())
        );
        assert_eq!(
            row[1].as_deref().map(|a| a.parse::<f64>().unwrap()),
            Some(amount(&r["Amount"]))
        );
        let won = match r["Deal Stage"].as_str() {
            "Closed Won" => Some("1".to_string()),
            "Closed Lost" => Some("0".to_string()),
            _ => None,
        };
        assert_eq!(row[2], won, "{}", r["Deal Stage"]);
        let new = r["Deal Type"].to_lowercase().replace(' ', "") == "newbusiness";
        assert_eq!(
            row[3].as_deref(),
            Some(if new { "new business" } else { "expansion" })
        );
        assert_eq!(row[4], r["Close Date"].get(..10).map(String::from));
        assert_eq!(row[5].as_deref(), Some("hubspot"));
    }
}

#[test]
fn salesforce_lead_report_is_read_as_leads() {
    let (_dir, mut store) = fresh();
    import(
        &mut store,
        Kind::Leads,
        "salesforce_leads_details.csv",
        None,
    );
    let raw = raw_records("salesforce_leads_details.csv");
    assert_eq!(
        stored_by_source(&store, "lead"),
        by_source(&raw, "Lead Source")
    );
    let ids: Vec<String> = strings(&store, "SELECT id FROM lead ORDER BY id")
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .collect();
    let want: Vec<String> = raw
        .iter()
        .map(|r| format!("salesforce:{}", r["Lead ID"]))
        .collect();
    assert_eq!(ids, want);
    // 3/17/2026 shows the report's dates are month-first.
    assert_eq!(
        count(
            &open_db(store.path()),
            "SELECT COUNT(*) FROM lead WHERE created = '2026-03-17T00:00:00'"
        ),
        1
    );
}

#[test]
fn salesforce_opportunity_report_formatted_equals_details_and_reimport_changes_nothing() {
    let (_dir, mut store) = fresh();
    let first = import(
        &mut store,
        Kind::Opportunities,
        "salesforce_opportunities_details.csv",
        None,
    );
    let raw = raw_records("salesforce_opportunities_details.csv");
    assert_eq!(first.new, raw.len() as u64);
    let all = "SELECT * FROM opportunity ORDER BY id";
    let details = strings(&store, all);
    let formatted = import(
        &mut store,
        Kind::Opportunities,
        "salesforce_opportunities_formatted.csv",
        None,
    );
    assert_eq!((formatted.new, formatted.updated), (0, 0), "{formatted:?}");
    assert_eq!(formatted.unchanged, raw.len() as u64);
    assert!(
        formatted
            .notices
            .iter()
            .any(|n| n.contains("skipped 3 lines above the header")),
        "{:?}",
        formatted.notices
    );
    assert!(
        formatted
            .notices
            .iter()
            .any(|n| n.contains("report footer (2), report totals (1)")),
        "{:?}",
        formatted.notices
    );
    assert_eq!(strings(&store, all), details);
    let again = import(
        &mut store,
        Kind::Opportunities,
        "salesforce_opportunities_details.csv",
        None,
    );
    assert_eq!(
        (again.new, again.updated, again.unchanged),
        (0, 0, raw.len() as u64)
    );

    // Amounts from the formatted report's currency text, read the simple way.
    let shown = raw_records("salesforce_opportunities_formatted.csv");
    let stored = strings(
        &store,
        "SELECT id, amount, won, type FROM opportunity ORDER BY id",
    );
    for ((row, r), d) in stored.iter().zip(&shown).zip(&raw) {
        assert_eq!(
            row[0].as_deref(),
            Some(format!("salesforce:{}", r["Opportunity ID"]).as_str())
        );
        let a: f64 = row[1].as_deref().unwrap().parse().unwrap();
        assert_eq!(a, amount(&r["Amount"]));
        assert_eq!(a, amount(&d["Amount"]));
        // Won is false while an opportunity is open: open is not lost.
        let won = (r["Closed"] == "1").then(|| r["Won"].clone());
        assert_eq!(row[2], won, "{}", r["Stage"]);
        let new = r["Type"] == "New Customer";
        assert_eq!(
            row[3].as_deref(),
            Some(if new { "new business" } else { "expansion" })
        );
    }
}

#[test]
fn marketo_lead_export_carries_its_mql_and_sql_dates() {
    let (_dir, mut store) = fresh();
    import(&mut store, Kind::Leads, "marketo_leads.csv", None);
    let raw = raw_records("marketo_leads.csv");
    assert_eq!(
        stored_by_source(&store, "lead"),
        by_source(&raw, "Lead Source")
    );
    let stored = strings(
        &store,
        "SELECT id, mql_at, sql_at, system FROM lead ORDER BY id",
    );
    for (row, r) in stored.iter().zip(&raw) {
        assert_eq!(
            row[0].as_deref(),
            Some(format!("marketo:{}", r["Id"]).as_str())
        );
        let iso = |t: &str| (!t.is_empty()).then(|| t.trim_end_matches('Z').to_string());
        assert_eq!(row[1], iso(&r["MQL Date"]));
        assert_eq!(row[2], iso(&r["SQL Date"]));
        assert_eq!(row[3].as_deref(), Some("marketo"));
    }
}

#[test]
fn another_currency_is_refused_at_its_line_and_column() {
    let ws = charter_workspace();
    let file = crm("salesforce_opportunities_other_currency.csv");
    let o = run_without_key(
        ws.path(),
        &["import", "opportunities", file.to_str().unwrap()],
    );
    assert!(!o.status.success(), "{}", describe(&o));
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(
        said.contains("line 6, column 6 (Amount): \"EUR 42,000.00\": is in EUR, but the charter's currency is USD"),
        "{said}"
    );
    let conn = open_db(&db_path(ws.path()));
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM opportunity"), 0);
}

#[test]
fn a_vendor_source_no_channel_names_is_refused_not_guessed() {
    // HubSpot's "Offline Sources" (imports, integrations, contacts made by hand) names no
    // one channel: the shipped charter leaves it unmapped, so the import refuses it.
    let text = std::fs::read_to_string(crm("hubspot_contacts.csv"))
        .unwrap()
        .replace("\"Direct Traffic\"", "\"Offline Sources\"");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("contacts.csv");
    std::fs::write(&path, text).unwrap();
    let mut store = Store::open(&dir.path().join("rhythm.db")).unwrap();
    let charter = common::charter();
    let e = import_file_with(
        &mut store,
        &charter,
        Kind::Leads,
        &path,
        &ImportOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("Offline Sources") && e.contains("column 7"),
        "{e}"
    );
    assert_eq!(
        strings(&store, "SELECT COUNT(*) FROM lead")[0][0].as_deref(),
        Some("0")
    );
}

/// A Salesforce report's `4/6/2026 1:10 PM`, read the simple way, as the store keeps it.
fn salesforce_time(text: &str) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    let (date, time) = text.split_once(' ').unwrap();
    let (time, half) = time.split_once(' ').unwrap();
    let d: Vec<u32> = date.split('/').map(|p| p.parse().unwrap()).collect();
    let (h, m) = time.split_once(':').unwrap();
    let h: u32 = h.parse().unwrap();
    let h = match (half, h) {
        ("AM", 12) => 0,
        ("PM", 12) => 12,
        ("PM", h) => h + 12,
        (_, h) => h,
    };
    Some(format!("{}-{:02}-{:02}T{h:02}:{m}:00", d[2], d[0], d[1]))
}

/// Imports the lead export `name` and checks every lead's stored segment and first
/// response against the raw file: the segment as written, the first response the
/// earliest of the `response` columns (read by `time`). Returns the stored pairs by id.
fn check_segment_and_response(
    name: &str,
    id: (&str, &str),
    response: [&str; 2],
    time: fn(&str) -> Option<String>,
) -> BTreeMap<String, (Option<String>, Option<String>)> {
    let (_dir, mut store) = fresh();
    import(&mut store, Kind::Leads, name, None);
    let stored: BTreeMap<String, (Option<String>, Option<String>)> = strings(
        &store,
        "SELECT id, segment, first_response_at FROM lead ORDER BY id",
    )
    .into_iter()
    .map(|r| (r[0].clone().unwrap(), (r[1].clone(), r[2].clone())))
    .collect();
    let raw = raw_records(name);
    assert_eq!(stored.len(), raw.len());
    for r in &raw {
        let earliest = response.iter().filter_map(|c| time(&r[*c])).min();
        let segment = Some(r["Segment"].clone()).filter(|s| !s.is_empty());
        assert_eq!(
            stored[&format!("{}:{}", id.0, r[id.1])],
            (segment, earliest),
            "{r:?}"
        );
    }
    stored
}

#[test]
fn hubspot_first_response_is_the_earliest_outreach_or_engagement_and_segment_is_kept() {
    check_segment_and_response(
        "hubspot_contacts_response.csv",
        ("hubspot", "Record ID"),
        ["First outreach date", "First Engagement Date"],
        hubspot_time,
    );
}

#[test]
fn salesforce_first_response_is_the_first_call_or_email_whichever_came_first() {
    let stored = check_segment_and_response(
        "salesforce_leads_activity.csv",
        ("salesforce", "Lead ID"),
        ["First Call Date", "First Email Date"],
        salesforce_time,
    );
    // The email came first for the second lead: the call a day later is not its response.
    assert_eq!(
        stored["salesforce:00Q5g00000XyZaB02"].1.as_deref(),
        Some("2026-04-06T15:45:00")
    );
}
