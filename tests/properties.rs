//! Property tests of everything rhythm reads from people: the charter loader and every
//! CSV importer, fed hostile variations of good files — a BOM, CRLF, quoted newlines,
//! wrong delimiters, non-UTF-8 bytes, huge fields, ragged rows, extreme numbers and
//! dates, truncation, garbage. Properties: nothing panics; every rejection is an error
//! that names a line (and a charter problem a line and column) inside the file; a
//! refused file leaves every table and the import log as they were; an accepted one
//! keeps the usage aggregates in step with the events.
//!
//! Runs 64 cases per property with a fixed seed, so `cargo test` is quick and repeatable;
//! `PROPTEST_CASES=5000 PROPTEST_RNG_SEED=$RANDOM cargo test --test properties` digs deeper.

mod common;

use std::cell::RefCell;
use std::path::Path;

use common::{CHARTER, charter};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use rhythm::charter::{Charter, CharterError};
use rhythm::ingest::{ImportError, ImportOptions, Kind, import_reader_with};
use rhythm::store::Store;

fn runner() -> TestRunner {
    let mut config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    if std::env::var_os("PROPTEST_CASES").is_none() {
        config.cases = 64;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        config.rng_seed = RngSeed::Fixed(0x7_2026);
    }
    TestRunner::new(config)
}

// ── The charter ──────────────────────────────────────────────────────────────────────

#[derive(Debug, Clone)]
enum CharterEdit {
    DeleteLine(usize),
    DuplicateLine(usize),
    /// Swap the values of two `key = value` lines.
    SwapValues(usize, usize),
    /// Put this value on a `key = value` line.
    Value(usize, &'static str),
    Insert(usize, String),
    Truncate(usize),
}

fn charter_edit() -> impl Strategy<Value = CharterEdit> {
    let any_line = 0..10_000usize;
    prop_oneof![
        any_line.clone().prop_map(CharterEdit::DeleteLine),
        any_line.clone().prop_map(CharterEdit::DuplicateLine),
        (any_line.clone(), any_line.clone()).prop_map(|(a, b)| CharterEdit::SwapValues(a, b)),
        (
            any_line.clone(),
            prop::sample::select(vec![
                "1e308",
                "-0",
                "nan",
                "inf",
                "-inf",
                "99999999999999999999",
                "-1",
                "0",
                "\"\"",
                "\"\u{202e}\u{0}\"",
                "[]",
                "{}",
                "true",
                "1979-05-27T07:32:00Z",
                "9999-12-31",
                "[[1, 2], \"x\"]",
            ])
        )
            .prop_map(|(l, v)| CharterEdit::Value(l, v)),
        (0..100_000usize, "\\PC{0,12}|[\\[\\]{}=\"'#\\\\\n\t]{1,6}")
            .prop_map(|(at, s)| CharterEdit::Insert(at, s)),
        (0..100_000usize).prop_map(CharterEdit::Truncate),
    ]
}

fn apply_charter_edit(text: &str, edit: &CharterEdit) -> String {
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let n = lines.len().max(1);
    let values: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].contains(" = ") && !lines[i].trim_start().starts_with('#'))
        .collect();
    match edit {
        CharterEdit::DeleteLine(i) => {
            if !lines.is_empty() {
                lines.remove(i % n);
            }
        }
        CharterEdit::DuplicateLine(i) => {
            if !lines.is_empty() {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
        }
        CharterEdit::SwapValues(a, b) if !values.is_empty() => {
            let (a, b) = (values[a % values.len()], values[b % values.len()]);
            let split = |l: &str| {
                let (k, v) = l.split_once(" = ").unwrap();
                (k.to_string(), v.to_string())
            };
            let ((ka, va), (kb, vb)) = (split(&lines[a]), split(&lines[b]));
            lines[a] = format!("{ka} = {vb}");
            lines[b] = format!("{kb} = {va}");
        }
        CharterEdit::Value(i, v) if !values.is_empty() => {
            let at = values[i % values.len()];
            let key = lines[at].split_once(" = ").unwrap().0.to_string();
            lines[at] = format!("{key} = {v}");
        }
        CharterEdit::SwapValues(..) | CharterEdit::Value(..) => {}
        CharterEdit::Insert(at, s) => {
            let mut text = lines.join("\n");
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert_str(at, s);
            return text;
        }
        CharterEdit::Truncate(at) => {
            let text = lines.join("\n");
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            return text[..at].to_string();
        }
    }
    lines.join("\n")
}

#[test]
fn the_charter_loader_never_panics_and_places_every_problem() {
    runner()
        .run(&prop::collection::vec(charter_edit(), 1..5), |edits| {
            let mut text = CHARTER.to_string();
            for e in &edits {
                text = apply_charter_edit(&text, e);
            }
            let lines = text.lines().count().max(1);
            match Charter::parse(&text, Path::new("charter/partnership.toml")) {
                Ok(_) => {}
                Err(CharterError::Invalid { problems, .. }) => {
                    prop_assert!(!problems.is_empty());
                    for p in &problems {
                        prop_assert!(
                            p.line >= 1 && p.line <= lines + 1 && p.column >= 1,
                            "{p:?} outside a {lines}-line file"
                        );
                        prop_assert!(!p.message.trim().is_empty(), "{p:?}");
                    }
                }
                Err(e) => return Err(TestCaseError::fail(format!("unexpected: {e}"))),
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_charter_that_is_not_utf8_is_refused_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("partnership.toml");
    let mut bytes = CHARTER.as_bytes().to_vec();
    bytes.insert(200, 0xff);
    std::fs::write(&path, bytes).unwrap();
    let e = Charter::load(&path).unwrap_err();
    assert!(e.to_string().contains("partnership.toml"), "{e}");
}

// ── The importers ────────────────────────────────────────────────────────────────────

/// A good file of each kind, several rows, every column.
fn good_file(kind: Kind) -> &'static str {
    match kind {
        Kind::Channels => {
            "week,channel,spend,leads,mqls,sqls,pipeline,sessions,opportunities,closed_won,geo\n\
             2026-11-16,linkedin,31250.00,210,84,21,520000,,15,3,\n\
             2026-11-16,paid-search,20000.5,80,30,9,210000,9000,7,1,emea\n\
             2026-11-23,linkedin,30000,200,80,20,500000,,14,2,\n"
        }
        Kind::Kpis => {
            "kpi,period_start,value,note\n\
             ltv-cac,2026-07-01,3.4,Q3 finance close\n\
             pipeline-coverage,2026-10-01,3.1,\n\
             cac-payback,2026-04-01,17.5,\"restated, after audit\"\n"
        }
        Kind::Plan => {
            "month,channel,budget,pipeline_target,mql_target\n\
             2026-12,linkedin,120000,2400000,95\n\
             2026-12,paid-search,90000,,\n\
             2027-01-15,events,40000,800000,20\n"
        }
        Kind::Deliveries => {
            "deliverable,period_start,delivered_at,link,note\n\
             performance-review,2026-11-01,2026-11-04T15:30:00Z,https://bi.example/reviews/2026-11,\n\
             campaign-snapshot,2026-11-16,2026-11-16 11:00,,late data\n\
             mmm,2026-01-01,2026-10-30T17:00:00+02:00,,\n"
        }
        Kind::Usage => {
            "timestamp,user,dashboard,source\n\
             2026-11-16T09:12:00Z,dana.whitfield@atlas-eor.com,Executive Marketing Summary,looker\n\
             2026-11-16T10:00:00+01:00,sam.okafor@atlas-eor.com,Funnel,\n\
             2026-11-17 08:00,lee.brennan@atlas-eor.com,\"Brand, Awareness\",tableau\n"
        }
        Kind::Nps => {
            "date,respondent,score,role,comment\n\
             2026-11-10,sam,9,VP Demand Generation,Fast turnaround\n\
             2026-11-10,lee,6,,\"slow, but \"\"thorough\"\"\"\n\
             2026-11-11,dana,10,CMO,\n"
        }
        Kind::Reconciliation => {
            "week,metric,map_count,crm_count\n\
             2026-11-16,mqls,118,117\n\
             2026-11-16,sqls,30,30\n\
             2026-11-23,mqls,0,1\n"
        }
        Kind::Experiments => {
            "channel,start,end,incremental_pipeline,std_error,low,high,kind,note,name\n\
             linkedin,2026-04-06,2026-05-03,1150000,180000,,,geo-lift,,linkedin-geo\n\
             paid-search,2026-06-01,2026-06-28,1650000,,1200000,2100000,Holdout,\"spring, EMEA\",\n\
             paid-social,2026-09-07,2026-10-04,-20000,40000,,,,a note,\"social, lift\"\n"
        }
        Kind::Leads => {
            "id,created,source,mql_at,sql_at,geo,segment,first_response_at\n\
             L1,2026-11-02T09:00:00Z,Paid Search,2026-11-04T10:00:00+01:00,,EMEA,SMB,2026-11-02T09:04:00Z\n\
             L2,2026-11-03,Webinar,,,,,\n\
             L3,2026-11-03 14:00,\"Events, EMEA\",2026-11-05,2026-11-09,,,\n"
        }
        Kind::Opportunities => {
            "id,created,amount,source,stage,close_date,won,type,geo\n\
             O1,2026-11-05T12:00:00Z,48000,Paid Search,Closed Won,2026-12-01,true,New Business,EMEA\n\
             O2,2026-11-06,12000,Webinar,Negotiation,,,Existing Business,\n\
             O3,2026-11-07,0,Events,Closed Lost,2026-11-30,no,renewal,NA\n"
        }
        Kind::Spend => {
            "date,platform,campaign,cost,account,impressions,clicks\n\
             2026-11-04,google-ads,Brand,1038.34,123-456-7890,12000,450\n\
             2026-11-04,linkedin,\"ABM, Q4\",2500,,30000,\n\
             2026-11-05,google-ads,Brand,990,,,\n"
        }
    }
}

/// A change to a CSV file. Indexes are taken modulo what the file has.
#[derive(Debug, Clone)]
enum CsvEdit {
    Bom,
    Crlf,
    QuotedNewline(usize, usize),
    /// A row (or, with `None`, every row) separated by this byte instead of commas.
    Delimiter(Option<usize>, u8),
    NonUtf8(usize, usize, u8),
    HugeField(usize, usize, usize),
    Ragged(usize, bool),
    Field(usize, usize, &'static str),
    Garbage(usize, usize, String),
    BlankLines(usize),
    UnmatchedQuote(usize, usize),
    DuplicateRow(usize),
    Truncate(usize),
    Nul(usize, usize),
}

const HOSTILE: &[&str] = &[
    "1e308",
    "-1e308",
    "-0",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "99999999999999999999",
    "-99999999999999999999",
    "1e-320",
    "0x10",
    "1,000",
    "$12",
    "",
    " ",
    "0000-01-01",
    "+262143-12-31",
    "-262143-01-01",
    "9999-12-31T23:59:59Z",
    "2026-02-30",
    "2026-13",
    "1970-01-01T00:00:00-23:59",
    "2026-11-16T25:00:00Z",
    "ltv-cac",
    "mmm",
    "\u{feff}",
    "\u{202e}evil",
    "'; DROP TABLE usage_event; --",
];

fn csv_edit() -> impl Strategy<Value = CsvEdit> {
    let row = 0..64usize;
    let col = 0..16usize;
    prop_oneof![
        Just(CsvEdit::Bom),
        Just(CsvEdit::Crlf),
        (row.clone(), col.clone()).prop_map(|(r, c)| CsvEdit::QuotedNewline(r, c)),
        (
            prop::option::of(row.clone()),
            prop::sample::select(vec![b';', b'\t', b'|', b' '])
        )
            .prop_map(|(r, d)| CsvEdit::Delimiter(r, d)),
        (row.clone(), col.clone(), 0x80u8..=0xff).prop_map(|(r, c, b)| CsvEdit::NonUtf8(r, c, b)),
        (row.clone(), col.clone(), 1_000usize..300_000)
            .prop_map(|(r, c, n)| CsvEdit::HugeField(r, c, n)),
        (row.clone(), any::<bool>()).prop_map(|(r, more)| CsvEdit::Ragged(r, more)),
        (row.clone(), col.clone(), prop::sample::select(HOSTILE))
            .prop_map(|(r, c, v)| CsvEdit::Field(r, c, v)),
        (row.clone(), col.clone(), "\\PC{0,20}").prop_map(|(r, c, s)| CsvEdit::Garbage(r, c, s)),
        row.clone().prop_map(CsvEdit::BlankLines),
        (row.clone(), col.clone()).prop_map(|(r, c)| CsvEdit::UnmatchedQuote(r, c)),
        row.clone().prop_map(CsvEdit::DuplicateRow),
        (0..4_000usize).prop_map(CsvEdit::Truncate),
        (row, col).prop_map(|(r, c)| CsvEdit::Nul(r, c)),
    ]
}

/// The file as rows of fields of bytes, plus how it is written out.
struct Draft {
    rows: Vec<Vec<Vec<u8>>>,
    delimiters: Vec<u8>,
    bom: bool,
    crlf: bool,
    truncate: Option<usize>,
}

impl Draft {
    fn new(text: &str) -> Draft {
        // The good files quote no delimiter across lines, so a naive split is enough
        // except for quoted commas: keep each line's quoted parts together.
        let rows: Vec<Vec<Vec<u8>>> = text
            .lines()
            .map(|line| {
                let mut fields = vec![Vec::new()];
                let mut quoted = false;
                for b in line.bytes() {
                    match b {
                        b'"' => {
                            quoted = !quoted;
                            fields.last_mut().unwrap().push(b);
                        }
                        b',' if !quoted => fields.push(Vec::new()),
                        _ => fields.last_mut().unwrap().push(b),
                    }
                }
                fields
            })
            .collect();
        Draft {
            delimiters: vec![b','; rows.len()],
            rows,
            bom: false,
            crlf: false,
            truncate: None,
        }
    }

    fn field(&mut self, r: usize, c: usize) -> &mut Vec<u8> {
        let r = r % self.rows.len();
        let row = &mut self.rows[r];
        let c = c % row.len();
        &mut row[c]
    }

    fn apply(&mut self, edit: &CsvEdit) {
        match edit {
            CsvEdit::Bom => self.bom = true,
            CsvEdit::Crlf => self.crlf = true,
            CsvEdit::QuotedNewline(r, c) => {
                let f = self.field(*r, *c);
                let inner: Vec<u8> = f.iter().copied().filter(|&b| b != b'"').collect();
                *f = [b"\"".as_slice(), &inner, b"\nsecond line\"".as_slice()].concat();
            }
            CsvEdit::Delimiter(None, d) => self.delimiters.iter_mut().for_each(|x| *x = *d),
            CsvEdit::Delimiter(Some(r), d) => {
                let n = self.delimiters.len();
                self.delimiters[r % n] = *d;
            }
            CsvEdit::NonUtf8(r, c, b) => self.field(*r, *c).push(*b),
            CsvEdit::HugeField(r, c, n) => *self.field(*r, *c) = vec![b'x'; *n],
            CsvEdit::Ragged(r, more) => {
                let n = self.rows.len();
                let row = &mut self.rows[r % n];
                if *more {
                    row.push(b"extra".to_vec());
                } else if row.len() > 1 {
                    row.pop();
                }
            }
            CsvEdit::Field(r, c, v) => *self.field(*r, *c) = v.as_bytes().to_vec(),
            CsvEdit::Garbage(r, c, s) => self.field(*r, *c).extend_from_slice(s.as_bytes()),
            CsvEdit::BlankLines(r) => {
                let at = r % (self.rows.len() + 1);
                self.rows.insert(at, vec![Vec::new()]);
                self.delimiters.insert(at, b',');
            }
            CsvEdit::UnmatchedQuote(r, c) => self.field(*r, *c).insert(0, b'"'),
            CsvEdit::DuplicateRow(r) => {
                let at = r % self.rows.len();
                let row = self.rows[at].clone();
                self.rows.insert(at, row);
                let d = self.delimiters[at];
                self.delimiters.insert(at, d);
            }
            CsvEdit::Truncate(at) => self.truncate = Some(*at),
            CsvEdit::Nul(r, c) => self.field(*r, *c).push(0),
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        if self.bom {
            out.extend_from_slice("\u{feff}".as_bytes());
        }
        for (row, &d) in self.rows.iter().zip(&self.delimiters) {
            for (i, f) in row.iter().enumerate() {
                if i > 0 {
                    out.push(d);
                }
                out.extend_from_slice(f);
            }
            out.extend_from_slice(if self.crlf { b"\r\n" } else { b"\n" });
        }
        if let Some(at) = self.truncate {
            out.truncate(at % (out.len() + 1));
        }
        out
    }
}

/// Everything an import may change: rows of every table, the aggregates, the log.
fn footprint(store: &Store) -> Vec<i64> {
    [
        "SELECT COUNT(*) FROM channel_week",
        "SELECT COUNT(*) FROM kpi_value",
        "SELECT COUNT(*) FROM plan",
        "SELECT COUNT(*) FROM delivery",
        "SELECT COUNT(*) FROM usage_event",
        "SELECT COUNT(*) FROM nps_response",
        "SELECT COUNT(*) FROM reconciliation",
        "SELECT COUNT(*) FROM import_log",
        "SELECT COALESCE(SUM(views), 0) FROM usage_day",
        "SELECT COALESCE(SUM(views), 0) FROM usage_total",
        "SELECT COALESCE(SUM(views), 0) FROM dashboard_day",
        "SELECT COALESCE(SUM(spend), 0) + COALESCE(SUM(pipeline), 0) FROM channel_week",
        "SELECT COUNT(*) FROM experiment",
    ]
    .iter()
    .map(|sql| {
        store
            .conn
            .query_row(sql, [], |r| r.get::<_, f64>(0))
            .unwrap() as i64
    })
    .collect()
}

/// Feeds `kind`'s importer hostile variations of a good file (and, every few cases, a
/// BI tool's header) and checks the properties.
fn importer_survives_hostile_files(kind: Kind) {
    let charter = charter();
    let dir = tempfile::tempdir().unwrap();
    let store = RefCell::new(Store::open(&dir.path().join("rhythm.db")).unwrap());
    let options = ImportOptions {
        // Half the usage cases pseudonymise, so that path is fuzzed too.
        pseudonym_key: None,
        ..ImportOptions::default()
    };
    let keyed = ImportOptions {
        pseudonym_key: Some(b"fuzz".to_vec()),
        ..ImportOptions::default()
    };
    let bi_headers = [
        "History Created Time,User Email,Dashboard Title,Look Title,History Source",
        "id,user_id,model,model_id,timestamp,email,dashboard_name",
        "Event Date,Event Type Name,Actor User Name,Item Name",
        "CreationTime,UserId,Activity,DashboardName,ReportName",
    ];
    let strategy = (
        prop::collection::vec(csv_edit(), 1..5),
        0..8usize,
        any::<bool>(),
    );
    runner()
        .run(&strategy, |(edits, header, keyed_run)| {
            let mut text = good_file(kind).to_string();
            if kind == Kind::Usage && header < bi_headers.len() {
                // The same rows under a BI export's header: mostly ragged or
                // misnamed, which is the point.
                let body = text.split_once('\n').unwrap().1.to_string();
                text = format!("{}\n{body}", bi_headers[header]);
            }
            let mut draft = Draft::new(&text);
            for e in &edits {
                draft.apply(e);
            }
            let bytes = draft.bytes();
            let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
            let mut store = store.borrow_mut();
            let before = footprint(&store);
            let options = if keyed_run { &keyed } else { &options };
            let result = import_reader_with(
                &mut store,
                &charter,
                kind,
                bytes.as_slice(),
                "fuzz.csv",
                options,
            );
            let after = footprint(&store);
            match result {
                Ok(summary) => {
                    prop_assert_eq!(after[7], before[7] + 1, "an import is logged");
                    prop_assert!(summary.rows <= lines);
                    // The usage aggregates agree with the events.
                    prop_assert_eq!(after[8], after[4]);
                    prop_assert_eq!(after[9], after[4]);
                    prop_assert_eq!(after[10], after[4]);
                }
                Err(e) => {
                    prop_assert_eq!(&before, &after, "a refused file wrote something: {}", e);
                    let message = e.to_string();
                    prop_assert!(message.contains("nothing was imported"), "{}", message);
                    match &e {
                        ImportError::Format { message, .. } => {
                            prop_assert!(message.contains("line "), "no line in: {}", message);
                        }
                        ImportError::Rows { errors, total, .. } => {
                            prop_assert!(!errors.is_empty() && *total >= 1);
                            for r in errors {
                                prop_assert!(
                                    r.line >= 1 && r.line <= lines,
                                    "line {} outside a {}-line file: {}",
                                    r.line,
                                    lines,
                                    r
                                );
                                prop_assert!(!r.reason.trim().is_empty(), "{}", r);
                                if let Some((n, name)) = &r.column {
                                    prop_assert!(*n >= 1 && !name.is_empty(), "{}", r);
                                }
                            }
                        }
                        other => {
                            return Err(TestCaseError::fail(format!(
                                "not a clear rejection: {other}"
                            )));
                        }
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_channels_importer_survives_hostile_files() {
    importer_survives_hostile_files(Kind::Channels);
}

#[test]
fn the_kpis_importer_survives_hostile_files() {
    importer_survives_hostile_files(Kind::Kpis);
}

#[test]
fn the_plan_importer_survives_hostile_files() {
    importer_survives_hostile_files(Kind::Plan);
}

#[test]
fn the_deliveries_importer_survives_hostile_files() {
    importer_survives_hostile_files(Kind::Deliveries);
}

#[test]
fn the_usage_importer_survives_hostile_files() {
    importer_survives_hostile_files(Kind::Usage);
}

#[test]
fn the_nps_importer_survives_hostile_files() {
    importer_survives_hostile_files(Kind::Nps);
}

#[test]
fn the_reconciliation_importer_survives_hostile_files() {
    importer_survives_hostile_files(Kind::Reconciliation);
}

#[test]
fn the_experiments_importer_survives_hostile_files() {
    importer_survives_hostile_files(Kind::Experiments);
}

/// Arbitrary bytes, for every kind: no panic, and a refusal writes nothing.
#[test]
fn random_bytes_are_refused_cleanly_or_imported() {
    let charter = charter();
    let dir = tempfile::tempdir().unwrap();
    let store = RefCell::new(Store::open(&dir.path().join("rhythm.db")).unwrap());
    let strategy = (
        prop::sample::select(Kind::ALL.to_vec()),
        prop::collection::vec(any::<u8>(), 0..2_000),
    );
    runner()
        .run(&strategy, |(kind, bytes)| {
            let mut store = store.borrow_mut();
            let before = footprint(&store);
            let result = import_reader_with(
                &mut store,
                &charter,
                kind,
                bytes.as_slice(),
                "noise.csv",
                &ImportOptions::default(),
            );
            if let Err(e) = result {
                prop_assert_eq!(&before, &footprint(&store), "{}", e);
                prop_assert!(e.to_string().contains("line "), "{}", e);
            }
            Ok(())
        })
        .unwrap();
}
