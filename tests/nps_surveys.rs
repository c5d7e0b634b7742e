//! Issue 15, point 4: NPS read straight from the survey tools' exports (Google Forms,
//! Typeform, SurveyMonkey) with the real binary, from the fixtures in
//! `tests/fixtures/surveys`, under a charter in Europe/Berlin so dates are cut in a zone
//! that is not UTC.

mod common;

use std::path::Path;

use common::cli::{describe, run_without_key};
use common::fixture;
use common::store::{count, db_path, open_db};
use common::workspace::edited_charter_workspace;

const NPS: &str = "How likely are you to recommend the analytics team to a colleague?";

/// The shipped charter in Europe/Berlin, reading the role and comment questions.
fn berlin(charter: String) -> String {
    charter
        .replace("timezone = \"UTC\"", "timezone = \"Europe/Berlin\"")
        .replace(
            "# comment_question = \"What is the one thing we should change?\"",
            "comment_question = \"What is the one thing we should change?\"",
        )
        .replace(
            "# role_question = \"What is your role?\"",
            "role_question = \"What is your role?\"",
        )
}

type Stored = (String, String, i64, Option<String>, Option<String>);

fn stored(ws: &Path) -> Vec<Stored> {
    let conn = open_db(&db_path(ws));
    conn.prepare(
        "SELECT date, respondent, score, role, comment FROM nps_response ORDER BY date, score",
    )
    .unwrap()
    .query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

fn import(ws: &Path, file: &Path) -> std::process::Output {
    run_without_key(ws, &["import", "nps", file.to_str().unwrap()])
}

/// Imports a fixture into a fresh Berlin workspace, then again: the second run must
/// change nothing. Returns what the first run printed and the rows stored.
fn import_twice(name: &str) -> (String, Vec<Stored>) {
    let ws = edited_charter_workspace(berlin);
    let file = fixture(&format!("surveys/{name}"));
    let first = import(ws.path(), &file);
    assert!(first.status.success(), "{}", describe(&first));
    let rows = stored(ws.path());
    let again = import(ws.path(), &file);
    assert!(again.status.success(), "{}", describe(&again));
    let said = String::from_utf8_lossy(&again.stdout);
    let n = rows.len();
    assert!(
        said.contains(&format!(
            "{n} rows of nps — 0 new, 0 updated, {n} unchanged"
        )),
        "{said}"
    );
    assert_eq!(stored(ws.path()), rows);
    (String::from_utf8_lossy(&first.stdout).into_owned(), rows)
}

fn row(date: &str, who: &str, score: i64, role: Option<&str>, comment: Option<&str>) -> Stored {
    (
        date.into(),
        who.into(),
        score,
        role.map(String::from),
        comment.map(String::from),
    )
}

#[test]
fn google_forms_responses_keyed_by_email() {
    let (said, rows) = import_twice("google_forms_responses.csv");
    assert!(said.contains("Google Forms responses export"), "{said}");
    assert!(said.contains("3 rows of nps — 3 new"), "{said}");
    assert!(
        said.contains(
            "skipped 1 response that gives no NPS answer: no answer to the NPS question (1)"
        ),
        "{said}"
    );
    assert_eq!(
        rows,
        vec![
            // 11:50 PM GMT+1 is 22:50 UTC, still the 16th in Berlin.
            row(
                "2026-11-16",
                "lee.brennan@atlas-eor.com",
                6,
                Some("VP Brand & Communications"),
                None
            ),
            // 9:12 GMT+1 is 08:12 UTC, 09:12 in Berlin.
            row(
                "2026-11-16",
                "sam.okafor@atlas-eor.com",
                9,
                Some("VP Demand Generation"),
                Some("Faster turnaround on ad-hoc asks")
            ),
            // 12:20 AM GMT+1 on the 17th is 23:20 UTC on the 16th: the 17th in Berlin.
            row(
                "2026-11-17",
                "dana.whitfield@atlas-eor.com",
                10,
                Some("CMO"),
                Some("Keep the weekly snapshot, it is read")
            ),
        ]
    );
}

#[test]
fn an_anonymous_google_form_is_keyed_by_a_hash_of_each_row() {
    let (said, rows) = import_twice("google_forms_anonymous.csv");
    assert!(said.contains("a hash of the row's fields"), "{said}");
    // The charter names a role question this form does not ask: read without roles.
    assert!(
        said.contains("[nps] role_question \"What is your role?\" names no column")
            && said.contains("no role answers are stored"),
        "{said}"
    );
    assert!(said.contains("3 rows of nps — 3 new"), "{said}");
    let got: Vec<(&str, i64)> = rows.iter().map(|r| (r.0.as_str(), r.2)).collect();
    assert_eq!(
        got,
        vec![("2026-11-16", 8), ("2026-11-16", 10), ("2026-11-17", 3)]
    );
    // Two answers in the same second are two respondents.
    assert!(
        rows.iter()
            .all(|r| r.1.starts_with("row:") && r.1.len() == 20)
    );
    assert_ne!(rows[0].1, rows[1].1);
}

#[test]
fn typeform_responses_keyed_by_token_dated_by_submission_in_berlin() {
    let (said, rows) = import_twice("typeform_responses.csv");
    assert!(said.contains("Typeform responses export"), "{said}");
    assert!(said.contains("\"Submit Date (UTC)\""), "{said}");
    assert!(said.contains("3 rows of nps — 3 new"), "{said}");
    assert!(
        said.contains("skipped 1 response that gives no NPS answer: Response Type = partial (1)"),
        "{said}"
    );
    assert_eq!(
        rows,
        vec![
            row(
                "2026-11-16",
                "k3x9vq2m8d1r7t0yk3x9vq2m8d1wz4ab",
                9,
                Some("VP Demand Generation"),
                Some("Faster turnaround on ad-hoc asks")
            ),
            // Submitted at 23:30 UTC on the 16th: 00:30 on the 17th in Berlin.
            row(
                "2026-11-17",
                "p0w7n4c6s2h9e1ufp0w7n4c6s2h5qg3l",
                7,
                Some("Director of Paid Media"),
                Some("Pipeline numbers differ from Salesforce, explain why")
            ),
            row(
                "2026-11-17",
                "r5j8l1b3f6z0a2ior5j8l1b3f6z4mx7c",
                10,
                Some("CMO"),
                None
            ),
        ]
    );
}

#[test]
fn surveymonkey_responses_skip_the_second_header_row() {
    let (said, rows) = import_twice("surveymonkey_responses.csv");
    assert!(
        said.contains("SurveyMonkey all individual responses export"),
        "{said}"
    );
    assert!(said.contains("\"End Date\""), "{said}");
    assert!(
        said.contains("taken to be the charter's (Europe/Berlin)"),
        "{said}"
    );
    assert!(said.contains("3 rows of nps — 3 new"), "{said}");
    assert!(said.contains("no answer to the NPS question (1)"), "{said}");
    assert_eq!(
        rows,
        vec![
            // 11:50 PM in the account's zone (the charter's): still the 16th.
            row(
                "2026-11-16",
                "118052219785",
                6,
                Some("Other (please specify)"),
                Some("Dashboards are slow, and the filters reset")
            ),
            row(
                "2026-11-16",
                "118052219061",
                9,
                Some("VP Demand Generation"),
                Some("Faster turnaround on ad-hoc asks")
            ),
            row("2026-11-17", "118052230412", 10, Some("CMO"), None),
        ]
    );
}

#[test]
fn a_surveymonkey_file_with_a_bad_score_names_its_real_line_and_writes_nothing() {
    let ws = edited_charter_workspace(berlin);
    let o = import(ws.path(), &fixture("surveys/surveymonkey_bad_score.csv"));
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    // Line 1 and 2 are the two header rows, line 3 a good response.
    assert!(stderr.contains("1 bad row"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "line 4, column 10 ({NPS}): \"11\": NPS score must be from 0 to 10"
        )),
        "{stderr}"
    );
    let conn = open_db(&db_path(ws.path()));
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM nps_response"), 0);
    assert_eq!(count(&conn, "SELECT COUNT(*) FROM import_log"), 0);
}

/// The shipped charter without its `[nps] question`.
fn no_question(charter: String) -> String {
    berlin(charter).replace(&format!("question = \"{NPS}\""), "")
}

#[test]
fn without_a_charter_question_the_one_that_reads_like_nps_is_used_with_a_notice() {
    let ws = edited_charter_workspace(no_question);
    let o = import(ws.path(), &fixture("surveys/typeform_responses.csv"));
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", describe(&o));
    assert!(
        said.contains(&format!(
            "the charter names no [nps] question: the score is read from column 2 \"{NPS}\""
        )),
        "{said}"
    );
    assert_eq!(stored(ws.path()).len(), 3);
}

#[test]
fn two_questions_that_read_like_nps_are_refused_with_the_candidates() {
    let ws = edited_charter_workspace(no_question);
    let file = ws.path().join("two.csv");
    std::fs::write(
        &file,
        format!(
            "#,{NPS},How likely are you to recommend our dashboards to a colleague?,What is your role?,Submit Date (UTC)\nabc,9,8,CMO,2026-11-16 09:00:00\n"
        ),
    )
    .unwrap();
    let o = import(ws.path(), &file);
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("2 questions of this Typeform responses export read like the NPS question"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "column 2 \"{NPS}\", column 3 \"How likely are you to recommend our dashboards to a colleague?\""
        )),
        "{stderr}"
    );
    assert!(stderr.contains("set [nps] question"), "{stderr}");
    assert!(!stderr.contains("What is your role?"), "{stderr}");
    assert_eq!(
        count(
            &open_db(&db_path(ws.path())),
            "SELECT COUNT(*) FROM nps_response"
        ),
        0
    );
}

#[test]
fn a_charter_question_no_column_has_is_refused_with_the_questions() {
    let ws = edited_charter_workspace(|c| {
        berlin(c).replace(
            &format!("question = \"{NPS}\""),
            "question = \"Would you recommend us?\"",
        )
    });
    let o = import(ws.path(), &fixture("surveys/surveymonkey_responses.csv"));
    assert_eq!(o.status.code(), Some(2), "{}", describe(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("[nps] question \"Would you recommend us?\" names no column"),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("column 10 \"{NPS}\"")), "{stderr}");
}

#[test]
fn collected_emails_are_pseudonymised_when_the_charter_says_so() {
    let ws = edited_charter_workspace(|c| {
        berlin(c).replace("pseudonymise_usage = false", "pseudonymise_usage = true")
    });
    let file = fixture("surveys/google_forms_responses.csv");
    let without = import(ws.path(), &file);
    assert_eq!(without.status.code(), Some(2), "{}", describe(&without));
    assert!(
        String::from_utf8_lossy(&without.stderr).contains("RHYTHM_PSEUDONYM_KEY"),
        "{}",
        describe(&without)
    );
    let o = common::cli::command_without_key(ws.path(), &["import", "nps", file.to_str().unwrap()])
        .env("RHYTHM_PSEUDONYM_KEY", "team-secret")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", describe(&o));
    let rows = stored(ws.path());
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.1.starts_with("anon:")), "{rows:?}");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("respondent emails stored pseudonymised"),
        "{}",
        describe(&o)
    );
}

#[test]
fn tz_names_the_zone_of_surveymonkey_dates_but_not_of_typeforms_utc_column() {
    let ws = edited_charter_workspace(berlin);
    let monkey = fixture("surveys/surveymonkey_responses.csv");
    let o = run_without_key(
        ws.path(),
        &[
            "import",
            "nps",
            "--tz",
            "America/New_York",
            monkey.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", describe(&o));
    // 11:50 PM in New York on the 16th is 05:50 on the 17th in Berlin.
    let dates: Vec<(String, String)> = stored(ws.path()).into_iter().map(|r| (r.1, r.0)).collect();
    assert!(
        dates.contains(&("118052219785".into(), "2026-11-17".into())),
        "{dates:?}"
    );
    assert!(
        dates.contains(&("118052219061".into(), "2026-11-16".into())),
        "{dates:?}"
    );
    let ws = edited_charter_workspace(berlin);
    let typeform = fixture("surveys/typeform_responses.csv");
    let o = run_without_key(
        ws.path(),
        &[
            "import",
            "nps",
            "--tz",
            "America/New_York",
            typeform.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", describe(&o));
    let dates: Vec<String> = stored(ws.path()).into_iter().map(|r| r.0).collect();
    assert_eq!(dates, vec!["2026-11-16", "2026-11-17", "2026-11-17"]);
}
