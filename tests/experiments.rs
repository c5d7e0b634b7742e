//! `rhythm import experiments` (issue 14 item 3): the documented sample imports, every
//! class of bad row is refused with its line and column and nothing written, a re-import
//! by name replaces, an experiment not over by D is not evidence for a model as of D, and
//! `rhythm model` sets each experiment beside the model and flags a disagreement.

mod common;

use std::path::Path;

use rhythm::facts::{ExperimentMethod, Kind};
use rhythm::ingest::{ImportError, import_reader};
use rhythm::rhythm::as_of::as_of;
use rhythm::rhythm::clock::Clock;
use rhythm::store::Store;

use common::cli::{rhythm_in, success_stdout};
use common::workspace::demo_workspace;

const HEADER: &str = "name,channel,method,start,end,incremental_pipeline,std_error,low,high\n";

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("rhythm.db")).unwrap();
    (dir, store)
}

fn import(store: &mut Store, text: &str) -> Result<rhythm::ingest::ImportSummary, ImportError> {
    import_reader(
        store,
        &common::charter(),
        Kind::Experiments,
        text.as_bytes(),
        "experiments.csv",
    )
}

fn sample() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/examples/experiments.csv"),
    )
    .unwrap()
}

#[test]
fn the_documented_sample_imports_and_loads_by_end_day() {
    let (_d, mut s) = store();
    let r = import(&mut s, &sample()).unwrap();
    assert_eq!((r.rows, r.new), (3, 3));
    let again = import(&mut s, &sample()).unwrap();
    assert_eq!((again.new, again.updated, again.unchanged), (0, 0, 3));
    let data = s.load_dataset(&common::charter()).unwrap();
    let names: Vec<&str> = data.experiments.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "linkedin-geo-2026-04",
            "paid-search-holdout-2026-06",
            "paid-social-lift-2026-09"
        ]
    );
    let search = &data.experiments[1];
    assert_eq!(search.method, ExperimentMethod::Holdout);
    // The 90% interval 1.2M–2.1M is kept as its standard error.
    assert!((search.std_error - 900_000.0 / (2.0 * 1.645)).abs() < 1e-6);
    assert_eq!(data.experiments[0].std_error, 180_000.0);
}

#[test]
fn a_re_import_by_name_replaces_the_experiment() {
    let (_d, mut s) = store();
    import(
        &mut s,
        &format!("{HEADER}t1,linkedin,geo-lift,2026-04-06,2026-05-03,100000,20000,,\n"),
    )
    .unwrap();
    let r = import(
        &mut s,
        &format!("{HEADER}t1,LinkedIn,holdout,2026-04-13,2026-05-10,-5000,,-40000,30000\n"),
    )
    .unwrap();
    assert_eq!((r.new, r.updated), (0, 1));
    assert_eq!(s.count("experiment").unwrap(), 1);
    let e = &s.load_dataset(&common::charter()).unwrap().experiments[0];
    assert_eq!(e.method, ExperimentMethod::Holdout);
    assert_eq!(e.incremental_pipeline, -5000.0);
    assert_eq!(e.start.to_string(), "2026-04-13");
}

/// The refused file's message, which must name every bad row.
fn refused(text: &str) -> String {
    let (_d, mut s) = store();
    let e = import(&mut s, text).expect_err("refused");
    assert!(matches!(e, ImportError::Rows { .. }), "{e}");
    assert_eq!(s.count("experiment").unwrap(), 0, "nothing written");
    assert_eq!(s.count("import_log").unwrap(), 0, "nothing logged");
    e.to_string()
}

#[test]
fn every_bad_row_is_named_with_its_line_column_and_fix() {
    // (row, where, what the reason says); each row is line 2 of its own file, and all of
    // them together are refused as one file.
    let cases: [(&str, &str, &str); 15] = [
        (
            "a,linkdin,geo-lift,2026-04-06,2026-05-03,1,1,,",
            "column 2 (channel)",
            "closest: linkedin",
        ),
        (
            "a,linkedin,a/b test,2026-04-06,2026-05-03,1,1,,",
            "column 3 (method)",
            "geo-lift, holdout or conversion-lift",
        ),
        (
            "a,linkedin,holdout,06/04/2026,2026-05-03,1,1,,",
            "column 4 (start)",
            "YYYY-MM-DD",
        ),
        (
            "a,linkedin,holdout,2026-05-03,2026-04-06,1,1,,",
            "column 5 (end)",
            "is before start",
        ),
        (
            "a,linkedin,holdout,2026-04-06,2026-04-10,1,1,,",
            "column 5 (end)",
            "at least a week",
        ),
        (
            "a,linkedin,holdout,2026-04-06,2026-05-03,$1200,1,,",
            "column 6 (incremental_pipeline)",
            "currency sign",
        ),
        (
            "a,linkedin,holdout,2026-04-06,2026-05-03,-2e15,1,,",
            "column 6 (incremental_pipeline)",
            "-1e15 to 1e15",
        ),
        (
            "a,linkedin,holdout,2026-04-06,2026-05-03,1,0,,",
            "column 7 (std_error)",
            "above 0",
        ),
        (
            "a,linkedin,holdout,2026-04-06,2026-05-03,1,-4,,",
            "column 7 (std_error)",
            "negative",
        ),
        (
            "a,linkedin,holdout,2026-04-06,2026-05-03,1,,,",
            "column 7 (std_error)",
            "give the standard error, or the 90% interval",
        ),
        (
            "a,linkedin,holdout,2026-04-06,2026-05-03,1,5,0,2",
            "column 7 (std_error)",
            "give one of the two",
        ),
        (
            "a,linkedin,holdout,2026-04-06,2026-05-03,1,,0,",
            "column 9 (high)",
            "needs both low and high",
        ),
        (
            "a,linkedin,holdout,2026-04-06,2026-05-03,1,,5,2",
            "column 9 (high)",
            "must be above low",
        ),
        (
            "a,linkedin,holdout,2026-04-06,2026-05-03,9,,0,2",
            "column 6 (incremental_pipeline)",
            "outside its own 90% interval",
        ),
        (
            ",linkedin,holdout,2026-04-06,2026-05-03,1,1,,",
            "column 1 (name)",
            "required",
        ),
    ];
    for (row, column, reason) in cases {
        let message = refused(&format!("{HEADER}{row}\n"));
        assert!(
            message.contains(&format!("line 2, {column}")) && message.contains(reason),
            "{row}: {message}"
        );
    }
    let all: String = cases.iter().map(|(row, _, _)| format!("{row}\n")).collect();
    let message = refused(&format!("{HEADER}{all}"));
    assert!(message.contains("15 bad rows"), "{message}");

    // The same name twice is a duplicate key.
    let message = refused(&format!(
        "{HEADER}a,linkedin,holdout,2026-04-06,2026-05-03,1,1,,\n\
         a,abm,holdout,2026-06-01,2026-06-28,1,1,,\n"
    ));
    assert!(
        message.contains("line 3") && message.contains("duplicate natural key (name)"),
        "{message}"
    );
}

#[test]
fn a_header_without_the_uncertainty_is_refused_at_line_1() {
    for (header, says) in [
        (
            "name,channel,method,start,end,incremental_pipeline\n",
            "add a column `std_error`",
        ),
        (
            "name,channel,method,start,end,incremental_pipeline,low\n",
            "needs a column `high`",
        ),
        (
            "name,channel,start,end,incremental_pipeline,std_error\n",
            "missing required column method",
        ),
    ] {
        let (_d, mut s) = store();
        let e = import(&mut s, header).expect_err(header).to_string();
        assert!(e.contains("line 1") && e.contains(says), "{header}: {e}");
    }
    // The interval alone is enough, and a header-only file is fine.
    let (_d, mut s) = store();
    import(
        &mut s,
        "name,channel,method,start,end,incremental_pipeline,low,high\n",
    )
    .unwrap();
}

#[test]
fn an_experiment_not_over_by_d_is_not_evidence_as_of_d() {
    let charter = common::charter();
    let (_d, mut s) = store();
    import(&mut s, &sample()).unwrap();
    let data = s.load_dataset(&charter).unwrap();
    let names = |day: &str| -> Vec<String> {
        let clock = Clock::end_of(&charter, day.parse().unwrap());
        as_of(&charter, &data, &clock)
            .experiments
            .into_iter()
            .map(|e| e.name)
            .collect()
    };
    // paid-social-lift-2026-09 ends on 2026-10-04.
    assert_eq!(names("2026-10-04").len(), 2);
    assert_eq!(names("2026-10-05").len(), 3);
    assert!(names("2026-05-01").is_empty());
}

#[test]
fn rhythm_model_sets_each_experiment_beside_the_model_and_flags_disagreement() {
    let (tmp, dir) = demo_workspace();
    let ws = dir.to_str().unwrap();
    // A lift no saturating curve can produce (a loss, measured tightly) must disagree;
    // a test on a channel without spend is listed as not used; one still running is not
    // listed at all.
    let file = tmp.path().join("experiments.csv");
    std::fs::write(
        &file,
        format!(
            "{HEADER}linkedin-loss,linkedin,geo-lift,2026-04-06,2026-05-03,-500000,10000,,\n\
             organic-holdout,organic,holdout,2026-06-01,2026-06-28,50000,10000,,\n\
             abm-running,abm,holdout,2026-11-02,2026-11-29,50000,10000,,\n"
        ),
    )
    .unwrap();
    let out = success_stdout(&rhythm_in(
        ws,
        &["import", "experiments", file.to_str().unwrap()],
    ));
    assert!(out.contains("3 rows of experiments — 3 new"), "{out}");

    let text = success_stdout(&rhythm_in(ws, &["model", "--at", "2026-11-23"]));
    let line = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} in\n{text}"))
            .to_string()
    };
    let loss = line("linkedin-loss");
    assert!(
        loss.contains("geo-lift")
            && loss.contains("2026-04-06 to 2026-05-03")
            && loss.contains("disagrees: the model says $")
            && loss.contains("the test measured -$500K±$10K"),
        "{loss}"
    );
    assert!(
        line("organic-holdout").contains("not used: the channel is not modelled"),
        "{text}"
    );
    assert!(!text.contains("abm-running"), "{text}");

    let json: serde_json::Value = serde_json::from_str(&success_stdout(&rhythm_in(
        ws,
        &["model", "--json", "--at", "2026-11-23"],
    )))
    .unwrap();
    let experiments = json["experiments"].as_array().unwrap();
    assert_eq!(experiments.len(), 2, "{experiments:?}");
    let loss = &experiments[0];
    assert_eq!(loss["name"], "linkedin-loss");
    assert_eq!(loss["method"], "geo-lift");
    assert_eq!(
        (loss["weeks"].as_u64(), loss["tested_weeks"].as_u64()),
        (Some(4), Some(4))
    );
    assert_eq!(loss["incremental_pipeline"], -500000.0);
    assert_eq!(loss["std_error"], 10000.0);
    assert!(loss["implied_incremental"].as_f64().unwrap() >= 0.0);
    assert_eq!(loss["disagrees"], true);
    assert!(loss["not_used"].is_null());
    assert_eq!(experiments[1]["not_used"], "channel_not_modelled");
    assert!(experiments[1]["implied_incremental"].is_null());
}
