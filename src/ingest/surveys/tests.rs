//! Recognition, score columns, scores, dates and row hashes of the survey exports.

use super::super::bi_exports::normalise;
use super::response::row_hash;
use super::*;
use chrono::NaiveDate;

const NPS: &str = "How likely are you to recommend the analytics team to a colleague?";

fn charter(question: Option<&str>) -> Charter {
    let mut c = Charter::shipped();
    c.nps.question = question.map(String::from);
    c
}

fn recognised(header: &[&str], c: &Charter) -> Result<Option<Survey>, String> {
    let written: Vec<String> = header.iter().map(|h| h.to_string()).collect();
    let names: Vec<String> = written.iter().map(|h| normalise(h)).collect();
    recognise(&written, &names, c)
}

#[test]
fn each_tool_is_recognised_and_native_nps_is_not() {
    let tool = |h: &[&str]| recognised(h, &charter(Some(NPS))).unwrap().map(|s| s.tool);
    assert_eq!(
        tool(&["Timestamp", "Email Address", NPS]),
        Some(Tool::GoogleForms)
    );
    assert_eq!(
        tool(&[
            "#",
            NPS,
            "Start Date (UTC)",
            "Submit Date (UTC)",
            "Network ID"
        ]),
        Some(Tool::Typeform)
    );
    assert_eq!(
        tool(&[
            "Respondent ID",
            "Collector ID",
            "Start Date",
            "End Date",
            "IP Address",
            NPS
        ]),
        Some(Tool::SurveyMonkey)
    );
    assert_eq!(tool(&["date", "respondent", "score"]), None);
}

#[test]
fn the_named_question_matches_ignoring_case_and_spaces() {
    let c = charter(Some(
        "how likely are you to RECOMMEND the analytics  team to a colleague?",
    ));
    let s = recognised(&["Timestamp", "Other", &format!(" {NPS}")], &c)
        .unwrap()
        .unwrap();
    assert_eq!(s.score, 2);
    let e = recognised(&["Timestamp", "What is your role?"], &c).unwrap_err();
    assert!(e.contains("names no column"), "{e}");
    assert!(e.contains("column 2 \"What is your role?\""), "{e}");
}

#[test]
fn without_a_charter_question_the_only_nps_like_one_is_taken_or_candidates_listed() {
    let c = charter(None);
    let s = recognised(&["Timestamp", "Role", NPS], &c)
        .unwrap()
        .unwrap();
    assert_eq!(s.score, 2);
    assert!(
        s.notices()
            .iter()
            .any(|n| n.contains("names no [nps] question"))
    );
    let e = recognised(
        &[
            "Timestamp",
            NPS,
            "How likely are you to recommend our dashboards?",
        ],
        &c,
    )
    .unwrap_err();
    assert!(e.contains("2 questions"), "{e}");
    assert!(e.contains("column 2") && e.contains("column 3"), "{e}");
    let e = recognised(&["Timestamp", "Role"], &c).unwrap_err();
    assert!(
        e.contains("no question") && e.contains("column 2 \"Role\""),
        "{e}"
    );
}

#[test]
fn scores_are_whole_numbers_0_to_10_and_surveymonkey_labels_are_read() {
    let c = charter(Some(NPS));
    let monkey = recognised(
        &[
            "Respondent ID",
            "Collector ID",
            "Start Date",
            "End Date",
            NPS,
        ],
        &c,
    )
    .unwrap()
    .unwrap();
    assert_eq!(monkey.score("10 - Extremely likely"), Ok(10));
    assert_eq!(monkey.score("0"), Ok(0));
    assert!(monkey.score("11").is_err());
    assert!(monkey.score("Very likely").is_err());
    let google = recognised(&["Timestamp", NPS], &c).unwrap().unwrap();
    assert!(google.score("9 - x").is_err());
    assert!(google.score("7.5").is_err());
}

#[test]
fn dates_are_cut_in_the_charter_zone_unless_wall_clock() {
    let c = charter(Some(NPS));
    let berlin: chrono_tz::Tz = "Europe/Berlin".parse().unwrap();
    let t = NaiveDate::from_ymd_opt(2026, 11, 16)
        .unwrap()
        .and_hms_opt(23, 30, 0)
        .unwrap();
    let google = recognised(&["Timestamp", NPS], &c).unwrap().unwrap();
    assert_eq!(google.date(t, berlin, false).to_string(), "2026-11-17");
    let monkey = recognised(
        &[
            "Respondent ID",
            "Collector ID",
            "Start Date",
            "End Date",
            NPS,
        ],
        &c,
    )
    .unwrap()
    .unwrap();
    assert_eq!(monkey.date(t, berlin, false).to_string(), "2026-11-16");
    // With --tz the wall clock was read in that zone into UTC: cut in the charter's.
    assert_eq!(monkey.date(t, berlin, true).to_string(), "2026-11-17");
}

#[test]
fn row_hashes_are_stable_and_tell_fields_apart() {
    let a = csv::ByteRecord::from(vec!["2026/11/16 9:00:00 AM GMT+1", "9"]);
    let b = csv::ByteRecord::from(vec!["2026/11/16 9:00:00 AM GMT+1", "9"]);
    let c = csv::ByteRecord::from(vec!["2026/11/16 9:00:00 AM GMT+19", ""]);
    assert_eq!(row_hash(&a), row_hash(&b));
    assert_ne!(row_hash(&a), row_hash(&c));
    assert!(row_hash(&a).starts_with("row:") && row_hash(&a).len() == 20);
}
