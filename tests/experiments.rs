//! `rhythm import experiments` (issue 14 item 3; SPEC.md's table): the documented sample
//! imports, every class of bad row is refused with its line and column and nothing
//! written, a re-import of the same channel + start + end replaces, `kind`, `note` and
//! `name` are optional, an experiment not over by D is not evidence for a model as of D,
//! and `rhythm model` sets each experiment beside the model and flags a disagreement.

mod common;

use std::path::Path;

use rhythm::facts::{ExperimentMethod, Kind};
use rhythm::ingest::{ImportError, import_reader};
use rhythm::rhythm::as_of::as_of;
use rhythm::rhythm::clock::Clock;
use rhythm::store::Store;

use common::cli::{rhythm_in, success_stdout};
use common::workspace::demo_workspace;

/// Every column, in an order that is not the store's.
const HEADER: &str = "name,channel,kind,start,end,incremental_pipeline,std_error,low,high\n";

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
    // The third row has no name: it is named from its channel and days.
    assert_eq!(
        names,
        [
            "linkedin-geo-2026-04",
            "paid-search-holdout-2026-06",
            "paid-social 2026-09-07..2026-10-04"
        ]
    );
    assert_eq!(
        data.experiments[0].note.as_deref(),
        Some("illustrative numbers, not measured")
    );
    assert_eq!(data.experiments[1].note, None);
    let search = &data.experiments[1];
    assert_eq!(search.method, Some(ExperimentMethod::Holdout));
    // The 90% interval 1.2M–2.1M is kept as its standard error.
    assert!((search.std_error - 900_000.0 / (2.0 * 1.645)).abs() < 1e-6);
    assert_eq!(data.experiments[0].std_error, 180_000.0);
}

#[test]
fn a_re_import_of_the_same_channel_start_and_end_replaces_the_experiment() {
    let (_d, mut s) = store();
    import(
        &mut s,
        &format!("{HEADER}t1,linkedin,geo-lift,2026-04-06,2026-05-03,100000,20000,,\n"),
    )
    .unwrap();
    // Same channel (by alias) and days, a new name and result: the same experiment.
    let r = import(
        &mut s,
        &format!("{HEADER}t2,LinkedIn,holdout,2026-04-06,2026-05-03,-5000,,-40000,30000\n"),
    )
    .unwrap();
    assert_eq!((r.new, r.updated), (0, 1));
    assert_eq!(s.count("experiment").unwrap(), 1);
    let e = &s.load_dataset(&common::charter()).unwrap().experiments[0];
    assert_eq!(e.name, "t2");
    assert_eq!(e.method, Some(ExperimentMethod::Holdout));
    assert_eq!(e.incremental_pipeline, -5000.0);
    // The same name on other days is another experiment: the name is not the key.
    let r = import(
        &mut s,
        &format!("{HEADER}t2,linkedin,holdout,2026-04-13,2026-05-10,-5000,,-40000,30000\n"),
    )
    .unwrap();
    assert_eq!((r.new, r.updated), (1, 0));
    assert_eq!(s.count("experiment").unwrap(), 2);
}

#[test]
fn kind_note_and_name_are_optional_and_method_is_read_as_kind() {
    // The SPEC's required columns only.
    let (_d, mut s) = store();
    let r = import(
        &mut s,
        "channel,start,end,incremental_pipeline,std_error\n\
         linkedin,2026-03-02,2026-04-26,250000,50000\n",
    )
    .unwrap();
    assert_eq!(r.new, 1);
    let e = &s.load_dataset(&common::charter()).unwrap().experiments[0];
    assert_eq!(e.name, "linkedin 2026-03-02..2026-04-26");
    assert_eq!((e.method, e.note.as_deref()), (None, None));

    // `method` is a synonym of `kind`, and empty cells are as good as absent columns.
    let (_d, mut s) = store();
    let r = import(
        &mut s,
        "channel,start,end,incremental_pipeline,std_error,method,note,name\n\
         linkedin,2026-03-02,2026-04-26,250000,50000,Geo Lift,spring test,\n\
         abm,2026-03-02,2026-04-26,250000,50000,,,abm-holdout\n",
    )
    .unwrap();
    assert!(
        !r.notices.iter().any(|n| n.contains("ignored")),
        "{:?}",
        r.notices
    );
    let data = s.load_dataset(&common::charter()).unwrap();
    let by = |c: &str| data.experiments.iter().find(|e| e.channel == c).unwrap();
    assert_eq!(by("linkedin").method, Some(ExperimentMethod::GeoLift));
    assert_eq!(by("linkedin").note.as_deref(), Some("spring test"));
    assert_eq!(by("linkedin").name, "linkedin 2026-03-02..2026-04-26");
    assert_eq!(
        (by("abm").method, by("abm").name.as_str()),
        (None, "abm-holdout")
    );

    // Both names for the one column is refused at the header.
    let (_d, mut s) = store();
    let e = import(
        &mut s,
        "channel,start,end,incremental_pipeline,std_error,kind,method\n",
    )
    .expect_err("kind and method")
    .to_string();
    assert!(
        e.contains("line 1") && e.contains("'kind' and 'method'"),
        "{e}"
    );
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
            "column 3 (kind)",
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
            "a,,holdout,2026-04-06,2026-05-03,1,1,,",
            "column 2 (channel)",
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

    // The same channel, start and end twice is a duplicate key, whatever the names; the
    // same name twice is not.
    let message = refused(&format!(
        "{HEADER}a,linkedin,holdout,2026-04-06,2026-05-03,1,1,,\n\
         b,LinkedIn,geo-lift,2026-04-06,2026-05-03,2,1,,\n"
    ));
    assert!(
        message.contains("line 3")
            && message.contains("duplicate natural key (channel, start, end)"),
        "{message}"
    );
    let (_d, mut s) = store();
    import(
        &mut s,
        &format!(
            "{HEADER}a,linkedin,holdout,2026-04-06,2026-05-03,1,1,,\n\
             a,abm,holdout,2026-04-06,2026-05-03,1,1,,\n"
        ),
    )
    .unwrap();
}

#[test]
fn a_header_without_the_uncertainty_is_refused_at_line_1() {
    for (header, says) in [
        (
            "name,channel,kind,start,end,incremental_pipeline\n",
            "add a column `std_error`",
        ),
        (
            "name,channel,kind,start,end,incremental_pipeline,low\n",
            "needs a column `high`",
        ),
        (
            "name,channel,kind,start,incremental_pipeline,std_error\n",
            "missing required column end",
        ),
    ] {
        let (_d, mut s) = store();
        let e = import(&mut s, header).expect_err(header).to_string();
        assert!(e.contains("line 1") && e.contains(says), "{header}: {e}");
    }
    // The interval alone is enough, and a header-only file is fine.
    let (_d, mut s) = store();
    import(&mut s, "channel,start,end,incremental_pipeline,low,high\n").unwrap();
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
    // The paid-social test ends on 2026-10-04.
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
    // listed at all. A test without a kind shows "—"; a note is shown sanitised.
    let file = tmp.path().join("experiments.csv");
    std::fs::write(
        &file,
        "name,channel,kind,start,end,incremental_pipeline,std_error,low,high,note\n\
         linkedin-loss,linkedin,geo-lift,2026-04-06,2026-05-03,-500000,10000,,,\"rerun \u{1b}[2J\nsoon\"\n\
         organic-holdout,organic,,2026-06-01,2026-06-28,50000,10000,,,\n\
         abm-running,abm,holdout,2026-11-02,2026-11-29,50000,10000,,,\n",
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
    let organic = line("organic-holdout");
    assert!(
        organic.contains("not used: the channel is not modelled") && organic.contains(" — "),
        "{text}"
    );
    assert!(
        text.contains("note on linkedin-loss: rerun \\x1b[2J\\nsoon\n") && !text.contains('\u{1b}'),
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
    assert_eq!(loss["note"], "rerun \u{1b}[2J\nsoon");
    assert_eq!(experiments[1]["not_used"], "channel_not_modelled");
    assert!(experiments[1]["method"].is_null() && experiments[1]["note"].is_null());
    assert!(experiments[1]["implied_incremental"].is_null());
}
