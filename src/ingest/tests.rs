//! Each import rule, with the reported location and the store left unchanged.

use std::path::Path;

use super::*;

fn charter() -> Charter {
    Charter::shipped()
}

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("rhythm.db")).unwrap();
    (dir, store)
}

fn import(store: &mut Store, kind: Kind, text: &[u8]) -> Result<ImportSummary, ImportError> {
    import_reader(store, &charter(), kind, text, "test.csv")
}

fn row_errors(result: Result<ImportSummary, ImportError>) -> Vec<RowError> {
    match result {
        Err(ImportError::Rows { errors, .. }) => errors,
        other => panic!("expected row errors, got {other:?}"),
    }
}

fn format_error(result: Result<ImportSummary, ImportError>) -> String {
    match result {
        Err(e @ ImportError::Format { .. }) => e.to_string(),
        other => panic!("expected a format error, got {other:?}"),
    }
}

const CHANNELS: &str = "week,channel,spend,leads,mqls,sqls,pipeline\n\
2026-11-16,linkedin,12000,40,15,5,150000\n\
2026-11-18,paid-search,20000.5,80,30,9,210000\n";

/// Rows and log entries, to prove a failed import wrote nothing.
fn footprint(store: &Store) -> (i64, i64) {
    (
        store.count("channel_week").unwrap(),
        store.count("import_log").unwrap(),
    )
}

#[test]
fn a_good_file_imports_and_reimporting_changes_nothing() {
    let (_d, mut s) = store();
    let first = import(&mut s, Kind::Channels, CHANNELS.as_bytes()).unwrap();
    assert_eq!(
        (first.rows, first.new, first.updated, first.unchanged),
        (2, 2, 0, 0)
    );
    let again = import(&mut s, Kind::Channels, CHANNELS.as_bytes()).unwrap();
    assert_eq!((again.new, again.updated, again.unchanged), (0, 0, 2));
    // any date in the week is normalised to the week's first day (Monday)
    let weeks: Vec<String> = s
        .conn
        .prepare("SELECT DISTINCT week FROM channel_week")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(weeks, vec!["2026-11-16".to_string()]);
    assert_eq!(s.count("import_log").unwrap(), 2);
}

#[test]
fn a_corrected_file_updates_rows_with_the_same_key() {
    let (_d, mut s) = store();
    import(&mut s, Kind::Channels, CHANNELS.as_bytes()).unwrap();
    let fixed = CHANNELS.replace("12000,40", "12500,40");
    let r = import(&mut s, Kind::Channels, fixed.as_bytes()).unwrap();
    assert_eq!((r.new, r.updated, r.unchanged), (0, 1, 1));
    let spend: f64 = s
        .conn
        .query_row(
            "SELECT spend FROM channel_week WHERE channel='linkedin'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(spend, 12500.0);
}

#[test]
fn every_bad_row_is_listed_and_nothing_is_written() {
    let (_d, mut s) = store();
    let text = "week,channel,spend,leads,mqls,sqls,pipeline\n\
2026-11-16,linkedin,-5,40,15,5,150000\n\
2026-11-16,paid-search,20000,80,30,9,210000\n\
16/11/2026,events,100,x,1,1,1\n";
    let errors = row_errors(import(&mut s, Kind::Channels, text.as_bytes()));
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert_eq!(errors[0].line, 2);
    assert_eq!(errors[0].column, Some((3, "spend".to_string())));
    assert_eq!(errors[0].value, "-5");
    assert!(errors[0].reason.contains("negative"));
    assert_eq!(
        (errors[1].line, errors[1].column.as_ref().unwrap().0),
        (4, 1)
    );
    assert!(errors[1].reason.contains("YYYY-MM-DD"));
    assert_eq!(errors[2].column, Some((4, "leads".to_string())));
    assert_eq!(footprint(&s), (0, 0));
}

#[test]
fn a_missing_required_column_is_named() {
    let (_d, mut s) = store();
    let msg = format_error(import(
        &mut s,
        Kind::Channels,
        b"week,channel,spend,leads,mqls,pipeline\n",
    ));
    assert!(msg.contains("missing required column sqls"), "{msg}");
    assert_eq!(footprint(&s), (0, 0));
}

#[test]
fn unparseable_timestamps_and_scores_are_caught() {
    let (_d, mut s) = store();
    let errors = row_errors(import(
        &mut s,
        Kind::Usage,
        b"timestamp,user,dashboard\nyesterday,dana,Exec\n",
    ));
    assert_eq!(
        (errors[0].line, errors[0].column.clone().unwrap().1.as_str()),
        (2, "timestamp")
    );
    let errors = row_errors(import(
        &mut s,
        Kind::Nps,
        b"date,respondent,score\n2026-11-02,r1,11\n2026-11-02,r2,-1\n",
    ));
    assert_eq!(errors.len(), 2);
    assert!(errors[0].reason.contains("0 to 10"));
    assert_eq!(s.count("nps_response").unwrap(), 0);
}

#[test]
fn unknown_kpi_and_deliverable_ids_are_refused() {
    let (_d, mut s) = store();
    let errors = row_errors(import(
        &mut s,
        Kind::Kpis,
        b"kpi,period_start,value\nltv-cac,2026-07-01,3.2\nmagic,2026-07-01,1\n",
    ));
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].line, errors[0].value.as_str()), (3, "magic"));
    assert!(errors[0].reason.contains("not a KPI id"));
    let errors = row_errors(import(
        &mut s,
        Kind::Deliveries,
        b"deliverable,period_start,delivered_at\nnope,2026-11-02,2026-11-03T10:00:00Z\n",
    ));
    assert!(errors[0].reason.contains("not a deliverable id"));
    assert_eq!(
        s.count("kpi_value").unwrap() + s.count("delivery").unwrap(),
        0
    );
}

#[test]
fn periods_are_normalised_to_the_cadence() {
    let (_d, mut s) = store();
    // ltv-cac is quarterly; campaign-snapshot is weekly.
    import(
        &mut s,
        Kind::Kpis,
        b"kpi,period_start,value\nltv-cac,2026-08-15,3.2\n",
    )
    .unwrap();
    let p: String = s
        .conn
        .query_row("SELECT period_start FROM kpi_value", [], |r| r.get(0))
        .unwrap();
    assert_eq!(p, "2026-07-01");
    import(
        &mut s,
        Kind::Deliveries,
        b"deliverable,period_start,delivered_at\ncampaign-snapshot,2026-11-19,2026-11-16 11:00\n",
    )
    .unwrap();
    let (p, at): (String, String) = s
        .conn
        .query_row("SELECT period_start, delivered_at FROM delivery", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(
        (p.as_str(), at.as_str()),
        ("2026-11-16", "2026-11-16T11:00:00")
    );
}

#[test]
fn a_duplicate_natural_key_inside_the_file_is_an_error() {
    let (_d, mut s) = store();
    let text = "week,channel,spend,leads,mqls,sqls,pipeline\n\
2026-11-16,linkedin,1,1,1,1,1\n\
2026-11-20,linkedin,2,2,2,2,2\n";
    let errors = row_errors(import(&mut s, Kind::Channels, text.as_bytes()));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].line, 3);
    assert!(
        errors[0]
            .reason
            .contains("duplicate natural key (week, channel, geo)")
    );
    assert_eq!(footprint(&s), (0, 0));
}

#[test]
fn a_ragged_row_is_reported() {
    let (_d, mut s) = store();
    let text = "week,channel,spend,leads,mqls,sqls,pipeline\n2026-11-16,linkedin,1,200,1,1,1,1\n";
    let errors = row_errors(import(&mut s, Kind::Channels, text.as_bytes()));
    assert_eq!(errors[0].line, 2);
    assert!(errors[0].reason.contains("8 fields but the header has 7"));
}

#[test]
fn semicolon_files_are_refused_and_tab_separated_files_read() {
    let (_d, mut s) = store();
    let msg = format_error(import(
        &mut s,
        Kind::Nps,
        b"date;respondent;score\n2026-11-02;r1;9\n",
    ));
    assert!(msg.contains("semicolon-separated"), "{msg}");
    let r = import(
        &mut s,
        Kind::Nps,
        b"date\trespondent\tscore\tcomment\n2026-11-02\tr1\t9\tfine, thanks\n",
    )
    .unwrap();
    assert_eq!(r.new, 1);
    assert!(
        r.notices.iter().any(|n| n.contains("tab-separated")),
        "{:?}",
        r.notices
    );
}

#[test]
fn utf16_files_are_decoded_and_the_powershell_type_line_skipped() {
    let (_d, mut s) = store();
    let text = "date\trespondent\tscore\tcomment\r\n2026-11-02\tr2\t10\tÜberblick\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    let r = import(&mut s, Kind::Nps, &bytes).unwrap();
    assert_eq!(r.new, 1);
    assert!(
        r.notices.iter().any(|n| n.contains("UTF-16LE")),
        "{:?}",
        r.notices
    );
    let comment: String = s
        .conn
        .query_row(
            "SELECT comment FROM nps_response WHERE respondent = 'r2'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(comment, "Überblick");

    let r = import(
        &mut s,
        Kind::Nps,
        b"#TYPE System.Management.Automation.PSCustomObject\n\"date\",\"respondent\",\"score\"\n\"2026-11-02\",\"r3\",\"bad\"\n",
    );
    let errors = row_errors(r);
    // The type line is line 1: the bad row is still line 3.
    assert_eq!(errors[0].line, 3);
    let r = import(
        &mut s,
        Kind::Nps,
        b"#TYPE System.Management.Automation.PSCustomObject\n\"date\",\"respondent\",\"score\"\n\"2026-11-02\",\"r3\",\"7\"\n",
    )
    .unwrap();
    assert_eq!(r.new, 1);
    assert!(
        r.notices.iter().any(|n| n.contains("#TYPE")),
        "{:?}",
        r.notices
    );

    let mut no_mark = Vec::new();
    for u in "date,respondent,score\n".encode_utf16() {
        no_mark.extend(u.to_le_bytes());
    }
    let msg = format_error(import(&mut s, Kind::Nps, &no_mark));
    assert!(
        msg.contains("UTF-16 (little-endian) without a byte-order mark"),
        "{msg}"
    );
}

#[test]
fn non_utf8_bytes_are_located() {
    let (_d, mut s) = store();
    let errors = row_errors(import(
        &mut s,
        Kind::Nps,
        b"date,respondent,score,comment\n2026-11-02,r1,9,caf\xe9\n",
    ));
    assert_eq!(errors[0].line, 2);
    assert_eq!(errors[0].column, Some((4, "comment".to_string())));
    assert!(errors[0].reason.contains("UTF-8"));
}

#[test]
fn bom_crlf_and_quoted_commas_are_accepted() {
    let (_d, mut s) = store();
    let text = "\u{feff}date,respondent,score,comment\r\n2026-11-02,r1,9,\"fast, clear, useful\"\r\n2026-11-02,r2,6,\"two\nlines\"\r\n";
    let r = import(&mut s, Kind::Nps, text.as_bytes()).unwrap();
    assert_eq!(r.new, 2);
    let comment: String = s
        .conn
        .query_row(
            "SELECT comment FROM nps_response WHERE respondent='r1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(comment, "fast, clear, useful");
}

#[test]
fn a_header_only_file_is_fine_and_extra_columns_get_a_notice() {
    let (_d, mut s) = store();
    let r = import(
        &mut s,
        Kind::Reconciliation,
        b"week,metric,map_count,crm_count,owner\n",
    )
    .unwrap();
    assert_eq!(r.rows, 0);
    assert_eq!(
        r.notices,
        vec!["ignored column not used by `reconciliation`: owner".to_string()]
    );
    assert_eq!(s.count("import_log").unwrap(), 1);
}

#[test]
fn the_error_list_is_capped_but_counts_every_bad_row() {
    let (_d, mut s) = store();
    let mut text = String::from("date,respondent,score\n");
    for i in 0..150 {
        text.push_str(&format!("2026-11-02,r{i},99\n"));
    }
    match import(&mut s, Kind::Nps, text.as_bytes()) {
        Err(e @ ImportError::Rows { .. }) => {
            let ImportError::Rows { errors, total, .. } = &e else {
                unreachable!()
            };
            assert_eq!((errors.len(), *total), (MAX_LISTED_ERRORS, 150));
            assert!(e.to_string().contains("… and 50 more"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn every_kind_accepts_its_example() {
    let (_d, mut s) = store();
    let examples: [(Kind, &str); 7] = [
        (Kind::Channels, CHANNELS),
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
            "timestamp,user,dashboard,source\n2026-11-16T09:12:00Z,dana.whitfield@atlas-eor.com,Executive Marketing Summary,looker\n",
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
    for (kind, text) in examples {
        let r = import(&mut s, kind, text.as_bytes()).unwrap_or_else(|e| panic!("{kind}: {e}"));
        assert!(r.new >= 1, "{kind}");
    }
    assert_eq!(s.last_loaded().unwrap().len(), 7);
}

#[test]
fn usage_aggregates_count_new_events_once() {
    let (_d, mut s) = store();
    let text = "timestamp,user,dashboard\n2026-11-16T09:00:00Z,a,Exec\n2026-11-16T10:00:00Z,a,Exec\n2026-11-17T09:00:00Z,b,Funnel\n";
    import(&mut s, Kind::Usage, text.as_bytes()).unwrap();
    import(&mut s, Kind::Usage, text.as_bytes()).unwrap(); // unchanged rows add nothing
    let more = "timestamp,user,dashboard\n2026-11-18T09:00:00Z,a,Exec\n";
    import(&mut s, Kind::Usage, more.as_bytes()).unwrap();
    let views: i64 = s
        .conn
        .query_row("SELECT SUM(views) FROM usage_day", [], |r| r.get(0))
        .unwrap();
    assert_eq!(views, 4);
    let (last, n): (i64, i64) = s
        .conn
        .query_row(
            "SELECT MAX(last_viewed), SUM(views) FROM dashboard_day WHERE dashboard = 'Exec'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(n, 3);
    assert_eq!(
        last,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 18)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
            .and_utc()
            .timestamp()
    );
    // A bad file leaves the aggregates as they were.
    assert!(
        import(
            &mut s,
            Kind::Usage,
            b"timestamp,user,dashboard\n2026-11-19T09:00:00Z,a,Exec\nnope,a,Exec\n"
        )
        .is_err()
    );
    let views: i64 = s
        .conn
        .query_row("SELECT SUM(views) FROM usage_day", [], |r| r.get(0))
        .unwrap();
    assert_eq!(views, 4);
}

#[test]
fn crlf_and_blank_lines_do_not_shift_line_numbers() {
    let (_d, mut s) = store();
    for text in [
        "date,respondent,score\r\n2026-11-02,r1,9\r\n\r\n2026-11-02,r2,11\r\n",
        "date,respondent,score\n2026-11-02,r1,9\n\n2026-11-02,r2,11\n",
        "date,respondent,score\n2026-11-02,r1,9\n\n2026-11-02,r2,11",
    ] {
        let errors = row_errors(import(&mut s, Kind::Nps, text.as_bytes()));
        assert_eq!(errors.len(), 1, "{text:?}");
        assert_eq!(errors[0].line, 4, "{text:?}");
    }
    let errors = row_errors(import(
        &mut s,
        Kind::Nps,
        b"date,respondent,score,comment\r\n2026-11-02,r1,9,\"two\r\nlines\"\r\n2026-11-02,r2,x,\r\n",
    ));
    assert_eq!(errors[0].line, 4);
}

#[test]
fn pseudonymised_usage_stores_keyed_names() {
    let (_d, mut s) = store();
    let options = ImportOptions {
        pseudonym_key: Some(b"k".to_vec()),
        ..ImportOptions::default()
    };
    let already = pseudonym(b"k", "b");
    let text = format!(
        "timestamp,user,dashboard\n2026-11-16T09:00:00Z,Dana.Whitfield@atlas-eor.com,Exec\n2026-11-16T10:00:00Z,{already},Exec\n"
    );
    let summary = import_reader_with(
        &mut s,
        &charter(),
        Kind::Usage,
        text.as_bytes(),
        "u.csv",
        &options,
    )
    .unwrap();
    assert!(summary.notices.iter().any(|n| n.contains("pseudonymised")));
    let users: Vec<String> = s
        .conn
        .prepare("SELECT user FROM usage_day ORDER BY user")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut want = vec![pseudonym(b"k", "dana.whitfield@atlas-eor.com"), already];
    want.sort();
    assert_eq!(users, want);
}

#[test]
fn a_charter_that_pseudonymises_needs_its_key() {
    let text = crate::charter::SHIPPED
        .replace("pseudonymise_usage = false", "pseudonymise_usage = true")
        .replace(
            "pseudonym_key_env = \"RHYTHM_PSEUDONYM_KEY\"",
            "pseudonym_key_env = \"RHYTHM_TEST_KEY_THAT_IS_NEVER_SET\"",
        );
    let charter = Charter::parse(&text, Path::new("partnership.toml")).unwrap();
    let (_d, mut s) = store();
    let e = import_reader(
        &mut s,
        &charter,
        Kind::Usage,
        b"timestamp,user,dashboard\n2026-11-16T09:00:00Z,a,Exec\n".as_slice(),
        "u.csv",
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("RHYTHM_TEST_KEY_THAT_IS_NEVER_SET"),
        "{e}"
    );
    assert_eq!(s.count("usage_event").unwrap(), 0);
    // Other kinds need no key.
    assert!(ImportOptions::from_charter(&charter, Kind::Nps).is_ok());
}

// ── Sane numbers and the charter's channels (issue 13) ───────────────────────────────

/// The errors of one bad channels row `fields` (after the week and channel).
fn channel_row_errors(fields: &str) -> Vec<RowError> {
    let (_d, mut s) = store();
    let text =
        format!("week,channel,spend,leads,mqls,sqls,pipeline\n2026-11-16,linkedin,{fields}\n");
    let errors = row_errors(import(&mut s, Kind::Channels, text.as_bytes()));
    assert_eq!(footprint(&s), (0, 0));
    errors
}

#[test]
fn numbers_out_of_range_are_bad_rows_with_their_place() {
    for (fields, column, name) in [
        ("1.7976931348623157e308,1,1,1,1", 3, "spend"),
        ("inf,1,1,1,1", 3, "spend"),
        ("NaN,1,1,1,1", 3, "spend"),
        ("1000000000000001,1,1,1,1", 3, "spend"),
        ("1,-1,1,1,1", 4, "leads"),
        ("1,1,1e308,1,1", 5, "mqls"),
        ("1,1,1,1e,1", 6, "sqls"),
        ("1,1,1,1,-0.5", 7, "pipeline"),
    ] {
        let errors = channel_row_errors(fields);
        assert_eq!(errors.len(), 1, "{fields}: {errors:?}");
        let e = &errors[0];
        assert_eq!(e.line, 2, "{fields}");
        assert_eq!(e.column, Some((column, name.to_string())), "{fields}");
        assert!(e.reason.contains("1e15"), "{fields}: {}", e.reason);
    }
    // The edges are in range.
    let (_d, mut s) = store();
    let text = "week,channel,spend,leads,mqls,sqls,pipeline\n\
2026-11-16,linkedin,1e15,1000000000000000,0,0,0\n";
    import(&mut s, Kind::Channels, text.as_bytes()).unwrap();
}

#[test]
fn plan_kpi_and_reconciliation_numbers_have_ranges_too() {
    let (_d, mut s) = store();
    let errors = row_errors(import(
        &mut s,
        Kind::Plan,
        b"month,channel,budget,pipeline_target,mql_target\n\
2026-12,linkedin,1e300,,\n2026-12,events,1,-1,\n2026-12,abm,1,1,2e15\n",
    ));
    let places: Vec<(u64, usize)> = errors
        .iter()
        .map(|e| (e.line, e.column.as_ref().unwrap().0))
        .collect();
    assert_eq!(places, vec![(2, 3), (3, 4), (4, 5)], "{errors:?}");
    let errors = row_errors(import(
        &mut s,
        Kind::Kpis,
        b"kpi,period_start,value\nspend-pct-revenue,2026-07-01,22\nltv-cac,2026-07-01,-3\n\
pipeline-coverage,2026-10-01,1.7976931348623157e308\n",
    ));
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(
        errors[0].reason.contains("write 25% as 0.25"),
        "{}",
        errors[0].reason
    );
    assert!(
        errors[1]
            .reason
            .contains("a KPI in ratio takes values from 0 to 1e15")
    );
    assert_eq!(errors[2].column, Some((3, "value".to_string())));
    let errors = row_errors(import(
        &mut s,
        Kind::Reconciliation,
        b"week,metric,map_count,crm_count\n2026-11-16,mqls,1e16,1\n",
    ));
    assert!(errors[0].reason.contains("too large for a count"));
    assert_eq!(s.count("plan").unwrap() + s.count("kpi_value").unwrap(), 0);
}

/// The channel ids stored in `table`, sorted.
fn stored_channels(s: &Store, table: &str) -> Vec<String> {
    s.conn
        .prepare(&format!(
            "SELECT DISTINCT channel FROM {table} ORDER BY channel"
        ))
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn charter_with(edit: impl Fn(String) -> String) -> Charter {
    Charter::parse(
        &edit(crate::charter::SHIPPED.to_string()),
        Path::new("c.toml"),
    )
    .unwrap()
}

#[test]
fn channel_names_and_aliases_map_to_the_charters_id() {
    let c = charter_with(|t| {
        t.replacen(
            "id = \"paid-search\"\n",
            "id = \"paid-search\"\naliases = [\"Paid Search\", \"PAID_SEARCH\"]\n",
            1,
        )
    });
    let (_d, mut s) = store();
    let text = "week,channel,spend,leads,mqls,sqls,pipeline\n\
2026-11-16, LinkedIn ,1,1,1,1,1\n\
2026-11-23,paid search,1,1,1,1,1\n\
2026-11-30,PAID_SEARCH,1,1,1,1,1\n\
2026-12-07,Paid-Search,1,1,1,1,1\n";
    let r = import_reader(&mut s, &c, Kind::Channels, text.as_bytes(), "t.csv").unwrap();
    assert_eq!((r.rows, r.new), (4, 4));
    assert!(r.notices.is_empty(), "{:?}", r.notices);
    assert_eq!(
        stored_channels(&s, "channel_week"),
        vec!["linkedin", "paid-search"]
    );
    // The same week under two spellings of one channel is one key twice.
    let twice = "month,channel,budget\n2026-12,paid-search,1\n2026-12,Paid Search,2\n";
    let errors = row_errors(import_reader(
        &mut s,
        &c,
        Kind::Plan,
        twice.as_bytes(),
        "p.csv",
    ));
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, 3);
}

#[test]
fn an_unknown_channel_is_a_bad_row_naming_the_known_ids_and_the_closest() {
    let (_d, mut s) = store();
    let text = "week,channel,spend,leads,mqls,sqls,pipeline\n\
2026-11-16,Paid Serch,1,1,1,1,1\n\
2026-11-16,+5,1,1,1,1,1\n\
2026-11-16,1e,1,1,1,1,1\n";
    let errors = row_errors(import(&mut s, Kind::Channels, text.as_bytes()));
    assert_eq!(errors.len(), 3, "{errors:?}");
    let e = &errors[0];
    assert_eq!((e.line, e.value.as_str()), (2, "Paid Serch"));
    assert_eq!(e.column, Some((2, "channel".to_string())));
    assert!(
        e.reason
            .starts_with("unknown channel: the charter lists paid-search, linkedin, paid-social"),
        "{}",
        e.reason
    );
    assert!(
        e.reason.contains("; closest: paid-search ("),
        "{}",
        e.reason
    );
    assert!(e.reason.contains("aliases"), "{}", e.reason);
    // Nothing is near `+5`: no closest is guessed.
    assert!(
        !errors[1].reason.contains("closest"),
        "{}",
        errors[1].reason
    );
    assert_eq!(errors[2].line, 4);
    let plan = "month,channel,budget\n2026-12,linkdin,1\n";
    let errors = row_errors(import(&mut s, Kind::Plan, plan.as_bytes()));
    assert!(
        errors[0].reason.contains("closest: linkedin"),
        "{}",
        errors[0].reason
    );
    assert_eq!(footprint(&s), (0, 0));
}

#[test]
fn with_the_opt_in_new_channels_are_imported_and_named() {
    let c = charter_with(|t| {
        t.replacen(
            "accept_new_channels = false",
            "accept_new_channels = true",
            1,
        )
    });
    let (_d, mut s) = store();
    let text = "week,channel,spend,leads,mqls,sqls,pipeline\n\
2026-11-16,tiktok,1,1,1,1,1\n\
2026-11-23,tiktok,1,1,1,1,1\n\
2026-11-16,Podcasts,1,1,1,1,1\n\
2026-11-16,LINKEDIN,1,1,1,1,1\n";
    let r = import_reader(&mut s, &c, Kind::Channels, text.as_bytes(), "t.csv").unwrap();
    assert_eq!(
        r.notices,
        vec![
            "added 2 channels the charter does not list ([definitions] accept_new_channels = true): Podcasts, tiktok"
                .to_string()
        ]
    );
    assert_eq!(
        stored_channels(&s, "channel_week"),
        vec!["Podcasts", "linkedin", "tiktok"]
    );
    // A name without a letter is still a shifted column, not a channel.
    let errors = row_errors(import_reader(
        &mut s,
        &c,
        Kind::Plan,
        b"month,channel,budget\n2026-12,+5,1\n".as_slice(),
        "p.csv",
    ));
    assert!(
        errors[0].reason.contains("at least one letter"),
        "{}",
        errors[0].reason
    );
}

#[test]
fn funnel_records_import_by_their_ids_and_reimport_unchanged() {
    let (_d, mut s) = store();
    let leads = b"id,created,source,mql_at,sql_at,geo,segment,first_response_at\n\
        L1,2026-11-02T09:00:00Z,Paid Search,2026-11-04T10:00:00+01:00,,EMEA,SMB,2026-11-02T09:04:00Z\n\
        L2,2026-11-03,Webinar,,,,,\n";
    let r = import(&mut s, Kind::Leads, leads).unwrap();
    assert_eq!((r.rows, r.new), (2, 2));
    let again = import(&mut s, Kind::Leads, leads).unwrap();
    assert_eq!((again.new, again.unchanged), (0, 2));
    let mql: String = s
        .conn
        .query_row("SELECT mql_at FROM lead WHERE id = 'L1'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mql, "2026-11-04T09:00:00");

    let opps = b"id,created,amount,source,stage,close_date,won,type,geo\n\
        O1,2026-11-05T12:00:00Z,48000,Paid Search,Closed Won,2026-12-01,true,New Business,EMEA\n\
        O2,2026-11-06,12000,Webinar,Negotiation,,,Existing Business,\n";
    let r = import(&mut s, Kind::Opportunities, opps).unwrap();
    assert_eq!(r.new, 2);
    let (won, ty): (Option<i64>, String) = s
        .conn
        .query_row(
            "SELECT won, type FROM opportunity WHERE id = 'O2'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((won, ty.as_str()), (None, "expansion"));

    let errors = row_errors(import(
        &mut s,
        Kind::Opportunities,
        b"id,created,amount,source,stage,won,type\nO3,2026-11-06,10,Web,Open,maybe,partner\n",
    ));
    assert_eq!(errors.len(), 2);
    assert_eq!(errors[0].column, Some((6, "won".to_string())));
    assert!(
        errors[1]
            .reason
            .contains("new business, renewal or expansion")
    );

    let spend = b"week,platform,campaign,cost,impressions,clicks\n\
        2026-11-04,google-ads,Brand,1038.34,12000,450\n";
    let r = import(&mut s, Kind::Spend, spend).unwrap();
    assert_eq!(r.new, 1);
    let duplicate = row_errors(import(
        &mut s,
        Kind::Spend,
        b"date,platform,campaign,cost\n2026-11-04,google-ads,Brand,1\n2026-11-04,google-ads,Brand,2\n",
    ));
    assert_eq!(duplicate[0].line, 3);
}

#[test]
fn an_unmapped_source_is_listed_with_its_count_and_the_closest_channel() {
    let (_d, mut s) = store();
    let leads = b"id,created,source\n\
        L1,2026-11-02,Paid Search\n\
        L2,2026-11-03,Googel Ads\n\
        L3,2026-11-03,Billboard\n\
        L4,2026-11-04,Googel Ads\n";
    let errors = row_errors(import(&mut s, Kind::Leads, leads));
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(
        (errors[0].line, errors[0].value.as_str()),
        (3, "Googel Ads")
    );
    assert_eq!(errors[0].column, Some((3, "source".to_string())));
    assert!(
        errors[0]
            .reason
            .contains("2 rows; the closest channel is 'paid-search'")
    );
    assert_eq!(errors[1].line, 4);
    assert_eq!(s.count("lead").unwrap(), 0, "a refused file writes nothing");

    let bucket = charter_with(|t| t.replace("unmapped = \"refuse\"", "unmapped = \"bucket\""));
    let r = import_reader(&mut s, &bucket, Kind::Leads, &leads[..], "leads.csv").unwrap();
    assert_eq!(r.new, 4);
    let notice = r
        .notices
        .iter()
        .find(|n| n.contains("kept under 'unmapped'"));
    assert!(
        notice.is_some_and(|n| n.starts_with("2 lead source values")
            && n.contains("Googel Ads (2; the closest channel is 'paid-search')")),
        "{:?}",
        r.notices
    );

    let spend = b"date,platform,campaign,cost\n2026-11-04,tiktok,Launch,10\n";
    let errors = row_errors(import(&mut s, Kind::Spend, spend));
    assert_eq!(errors[0].value, "tiktok:Launch");
    assert!(
        errors[0].reason.contains("`campaigns`"),
        "{}",
        errors[0].reason
    );
}
