//! Issue 16, point 2: the ad platforms' own downloads (Google Ads, LinkedIn Campaign
//! Manager, Meta Ads Manager) imported as `spend` with the real binary, from the fixtures
//! in `tests/fixtures/ads` (their README cites where each format comes from). Every sum
//! the store must hold is worked out here a second way, from the fixture's raw text.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::cli::run_without_key;
use common::fixture;
use common::store::{count, db_path, open_db};
use common::workspace::{charter_workspace, edited_charter_workspace};

/// (date, platform, campaign) -> (cost, impressions, clicks) of every stored spend row.
type Stored = BTreeMap<(String, String, String), (f64, Option<i64>, Option<i64>)>;

fn stored(ws: &Path) -> Stored {
    let conn = open_db(&db_path(ws));
    let mut q = conn
        .prepare("SELECT date, platform, campaign, cost, impressions, clicks FROM spend")
        .unwrap();
    q.query_map([], |r| {
        Ok((
            (r.get(0)?, r.get(1)?, r.get(2)?),
            (r.get(3)?, r.get(4)?, r.get(5)?),
        ))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// `rhythm import spend FILE` in `ws`: (succeeded, stdout and stderr).
fn import(ws: &Path, file: &Path) -> (bool, String) {
    let o = run_without_key(ws, &["import", "spend", file.to_str().unwrap()]);
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    (o.status.success(), said)
}

fn import_ok(ws: &Path, name: &str) -> String {
    let (ok, said) = import(ws, &fixture(name));
    assert!(ok, "{said}");
    said
}

/// A line of CSV (or, with `sep` = tab, the Excel variant) split the simple way: quotes
/// only wrap, none are doubled in these fixtures.
fn split(line: &str, sep: char) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in line.trim_end_matches('\r').chars() {
        match c {
            '"' => quoted = !quoted,
            c if c == sep && !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

/// A number as the platforms write it: thousands separators dropped, `--` none.
fn number(text: &str) -> Option<f64> {
    (text != "--" && !text.is_empty()).then(|| text.replace(',', "").parse().unwrap())
}

/// The table below `header_starts` in `text`: rows as maps from header name to value.
fn table(text: &str, header_starts: &str, sep: char) -> Vec<BTreeMap<String, String>> {
    let mut lines = text
        .lines()
        .skip_while(|l| !l.trim_start_matches('"').starts_with(header_starts));
    let header = split(lines.next().expect("the header"), sep);
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| header.iter().cloned().zip(split(l, sep)).collect())
        .collect()
}

fn key(date: &str, platform: &str, campaign: &str) -> (String, String, String) {
    (date.into(), platform.into(), campaign.into())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn google_ads_download_stores_each_campaign_day_and_not_the_total_rows() {
    let ws = charter_workspace();
    let said = import_ok(ws.path(), "ads/google_ads_campaign.csv");
    assert!(said.contains("5 rows of spend — 5 new"), "{said}");
    assert!(said.contains("skipped 2 lines above the header"), "{said}");
    assert!(
        said.contains("skipped 2 summary rows (their cost is already in the rows above them): Total: Account (1), Total: Campaigns (1)"),
        "{said}"
    );

    let text = std::fs::read_to_string(fixture("ads/google_ads_campaign.csv")).unwrap();
    let rows = table(&text, "Campaign status", ',');
    let mut want: BTreeMap<_, f64> = BTreeMap::new();
    let mut account_total = None;
    for r in &rows {
        if r["Campaign status"].starts_with("Total: Account") {
            account_total = number(&r["Cost"]);
        }
        if r["Campaign status"].starts_with("Total:") {
            continue;
        }
        *want
            .entry(key(&r["Day"], "google-ads", &r["Campaign"]))
            .or_default() += number(&r["Cost"]).unwrap_or(0.0);
    }
    let got = stored(ws.path());
    assert_eq!(got.len(), want.len());
    for (k, cost) in &want {
        assert!(close(got[k].0, *cost), "{k:?}: {} vs {cost}", got[k].0);
    }
    // The Total rows were left out: what is stored adds up to the account's total once.
    let sum: f64 = got.values().map(|v| v.0).sum();
    assert!(close(sum, account_total.unwrap()), "{sum}");
    let brand = &got[&key("2026-10-05", "google-ads", "Brand - US")];
    assert_eq!((brand.1, brand.2), (Some(12410), Some(612)));
    // `--` is no value: no clicks known, no cost spent.
    let paused = &got[&key("2026-10-05", "google-ads", "Competitor - Conquest")];
    assert_eq!((paused.0, paused.1, paused.2), (0.0, None, None));

    // Importing it again changes nothing.
    let again = import_ok(ws.path(), "ads/google_ads_campaign.csv");
    assert!(again.contains("0 new, 0 updated, 5 unchanged"), "{again}");
    assert_eq!(stored(ws.path()), got);
}

#[test]
fn the_excel_download_utf16_with_tabs_stores_what_the_csv_download_does() {
    let csv = charter_workspace();
    import_ok(csv.path(), "ads/google_ads_campaign.csv");
    let excel = charter_workspace();
    let said = import_ok(excel.path(), "ads/google_ads_excel_utf16.csv");
    assert!(said.contains("UTF-16LE"), "{said}");
    assert!(said.contains("read as tab-separated"), "{said}");
    assert_eq!(stored(excel.path()), stored(csv.path()));
    // The same rows into a store that has them: all unchanged.
    let into_csv = import_ok(csv.path(), "ads/google_ads_excel_utf16.csv");
    assert!(
        into_csv.contains("0 new, 0 updated, 5 unchanged"),
        "{into_csv}"
    );
}

#[test]
fn a_google_ads_download_without_the_day_segment_is_refused() {
    let text = std::fs::read_to_string(fixture("ads/google_ads_campaign.csv")).unwrap();
    // The same report without the Day column: one row per campaign for the range.
    let undated: String = text
        .lines()
        .map(|l| {
            let f = split(l, ',');
            if f.len() < 3 {
                return format!("{l}\n");
            }
            let kept: Vec<String> = f
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != 2)
                .map(|(_, v)| {
                    if v.contains(',') {
                        format!("\"{v}\"")
                    } else {
                        v.clone()
                    }
                })
                .collect();
            format!("{}\n", kept.join(","))
        })
        .collect();
    let ws = charter_workspace();
    let file = ws.path().join("no_day.csv");
    std::fs::write(&file, undated).unwrap();
    let (ok, said) = import(ws.path(), &file);
    assert!(!ok);
    assert!(said.contains("line 3"), "{said}");
    assert!(said.contains("add the Day segment"), "{said}");
    assert_eq!(
        count(&open_db(&db_path(ws.path())), "SELECT COUNT(*) FROM spend"),
        0
    );
}

#[test]
fn an_export_in_another_currency_than_the_charter_is_refused() {
    let ws = edited_charter_workspace(|c| c.replace("currency = \"USD\"", "currency = \"EUR\""));
    // Google and LinkedIn name the currency in a column, row by row.
    for (name, line, column) in [
        ("ads/google_ads_campaign.csv", 4, "column 5 (Currency code)"),
        (
            "ads/linkedin_campaign_performance.csv",
            7,
            "column 7 (Currency)",
        ),
    ] {
        let (ok, said) = import(ws.path(), &fixture(name));
        assert!(!ok, "{said}");
        assert!(said.contains(&format!("line {line}, {column}")), "{said}");
        assert!(said.contains("is not the charter's currency EUR"), "{said}");
    }
    // Meta names it in the header.
    let (ok, said) = import(ws.path(), &fixture("ads/meta_ads_manager.csv"));
    assert!(!ok);
    assert!(
        said.contains("column 'Amount spent (USD)' is in USD, but the charter's currency is EUR"),
        "{said}"
    );
    assert_eq!(
        count(&open_db(&db_path(ws.path())), "SELECT COUNT(*) FROM spend"),
        0
    );
}

#[test]
fn linkedin_export_reads_its_us_dates_and_leaves_its_leads_out() {
    let ws = charter_workspace();
    let said = import_ok(ws.path(), "ads/linkedin_campaign_performance.csv");
    assert!(said.contains("4 rows of spend — 4 new"), "{said}");
    assert!(said.contains("skipped 5 lines above the header"), "{said}");
    assert!(said.contains("ignored column 'Leads'"), "{said}");

    let text = std::fs::read_to_string(fixture("ads/linkedin_campaign_performance.csv")).unwrap();
    let mut want: BTreeMap<_, (f64, i64)> = BTreeMap::new();
    for r in table(&text, "Start Date (in UTC)", ',') {
        // M/D/YYYY, by hand.
        let mdy: Vec<&str> = r["Start Date (in UTC)"].split('/').collect();
        let date = format!(
            "{}-{:02}-{:02}",
            mdy[2],
            mdy[0].parse::<u32>().unwrap(),
            mdy[1].parse::<u32>().unwrap()
        );
        let e = want
            .entry(key(&date, "linkedin", &r["Campaign Name"]))
            .or_default();
        e.0 += number(&r["Total Spent"]).unwrap();
        e.1 += number(&r["Impressions"]).unwrap() as i64;
    }
    let got = stored(ws.path());
    assert_eq!(got.len(), want.len());
    for (k, (cost, impressions)) in &want {
        assert!(close(got[k].0, *cost), "{k:?}");
        assert_eq!(got[k].1, Some(*impressions), "{k:?}");
    }
    assert!(got.contains_key(&key("2026-10-06", "linkedin", "ABM - Data Leaders")));
    let again = import_ok(ws.path(), "ads/linkedin_campaign_performance.csv");
    assert!(again.contains("0 new, 0 updated, 4 unchanged"), "{again}");
}

#[test]
fn meta_export_keeps_days_and_week_totals_skips_its_summary_and_refuses_a_month() {
    let ws = charter_workspace();
    let said = import_ok(ws.path(), "ads/meta_ads_manager.csv");
    assert!(said.contains("3 rows of spend — 3 new"), "{said}");
    assert!(said.contains("skipped 1 summary row"), "{said}");
    assert!(
        said.contains("1 row covered several days of one week"),
        "{said}"
    );

    let text = std::fs::read_to_string(fixture("ads/meta_ads_manager.csv")).unwrap();
    let rows = table(&text, "Reporting starts", ',');
    let summary: f64 = rows
        .iter()
        .filter(|r| r["Campaign name"].is_empty())
        .map(|r| number(&r["Amount spent (USD)"]).unwrap())
        .sum();
    let got = stored(ws.path());
    let mut want: BTreeMap<_, f64> = BTreeMap::new();
    for r in rows.iter().filter(|r| !r["Campaign name"].is_empty()) {
        *want
            .entry(key(&r["Reporting starts"], "meta", &r["Campaign name"]))
            .or_default() += number(&r["Amount spent (USD)"]).unwrap();
    }
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (k, cost) in &want {
        assert!(close(got[k].0, *cost), "{k:?}");
    }
    // The summary row restates the week: stored once, not twice.
    let sum: f64 = got.values().map(|v| v.0).sum();
    assert!(close(sum, summary), "{sum} vs {summary}");
    // The week's total (Monday 5 to Sunday 11 October) is dated by its Monday.
    let video = &got[&key("2026-10-05", "meta", "Awareness - Video")];
    assert_eq!(video.2, Some(2237));

    let (ok, said) = import(
        ws.path(),
        &fixture("ads/meta_ads_manager_monthly_refused.csv"),
    );
    assert!(!ok);
    assert!(said.contains("line 2, column 2 (Reporting ends)"), "{said}");
    assert!(said.contains("Breakdown → By time → Day"), "{said}");
    assert_eq!(stored(ws.path()), got, "a refused file writes nothing");
}
