//! NPS answers read straight from the survey tools' own exports — Google Forms (the
//! responses CSV), Typeform (the responses CSV) and SurveyMonkey ("All individual
//! responses", expanded columns, with its second header row) — recognised from their
//! headers and mapped to `nps` rows: (date, respondent, score, role, comment).
//!
//! The score column is found by its question: the one the charter's `[nps] question`
//! names, or else the only question that reads like the NPS question ("recommend" and
//! "likely"). The survey's timestamp is cut to its date in the charter's time zone. A
//! response is keyed by its own id (Typeform's `#`, SurveyMonkey's `Respondent ID`), the
//! collected email (Google Forms), or else a hash of the row's fields, so re-importing
//! the same export changes nothing.

use std::borrow::Cow;
use std::fmt::Write;

use chrono::{NaiveDate, NaiveDateTime};
use sha2::{Digest, Sha256};

use super::bi_exports::FieldError;
use super::cells::{self, Cell};
use super::error::{shown, truncate};
use super::{RowError, pseudonym};
use crate::charter::{Charter, NpsSurvey};

/// A survey tool whose responses export rhythm reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    GoogleForms,
    Typeform,
    SurveyMonkey,
}

impl Tool {
    /// The export's name, as its users know it.
    pub fn export_name(self) -> &'static str {
        match self {
            Tool::GoogleForms => "Google Forms responses",
            Tool::Typeform => "Typeform responses",
            Tool::SurveyMonkey => "SurveyMonkey all individual responses",
        }
    }

    /// Columns the tool adds to every export that are not questions (names
    /// `bi_exports::normalise`d; Typeform's `#` normalises to nothing).
    fn metadata(self, name: &str) -> bool {
        match self {
            // A quiz adds `Score` ("7 / 10"): the quiz's, not an answer.
            Tool::GoogleForms => matches!(name, "timestamp" | "email address" | "score"),
            Tool::Typeform => matches!(
                name,
                "" | "response id"
                    | "token"
                    | "response type"
                    | "start date utc"
                    | "stage date utc"
                    | "submit date utc"
                    | "network id"
                    | "tags"
                    | "ending"
                    | "score"
            ),
            Tool::SurveyMonkey => {
                matches!(
                    name,
                    "respondent id"
                        | "collector id"
                        | "start date"
                        | "end date"
                        | "ip address"
                        | "email address"
                        | "first name"
                        | "last name"
                ) || name.starts_with("custom data")
            }
        }
    }
}

/// What identifies a response across exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    /// The tool's own response id.
    Id(usize),
    /// The email the form collected; a hash of the row where it is empty.
    Email(usize),
    /// An anonymous form: a hash of the row's fields.
    RowHash,
}

/// Where a recognised export keeps the fields of a response (0-based column indexes).
#[derive(Debug, Clone)]
pub struct Survey {
    pub tool: Tool,
    timestamp: usize,
    key: Key,
    score: usize,
    comment: Option<usize>,
    role: Option<usize>,
    /// Typeform's `Response Type` (completed, partial).
    status: Option<usize>,
    /// The file's second record is a second header row (SurveyMonkey): not a response.
    pub second_header: bool,
    /// Set when the charter pseudonymises personal data: emails are stored as keyed hashes.
    pseudonym_key: Option<Vec<u8>>,
    notices: Vec<String>,
}

/// The most candidate columns an error lists.
const LISTED: usize = 12;

fn quoted(header: &[String], cols: &[usize]) -> String {
    let mut out: Vec<String> = cols
        .iter()
        .take(LISTED)
        .map(|&c| format!("column {} \"{}\"", c + 1, shown(&header[c])))
        .collect();
    if cols.len() > LISTED {
        out.push(format!("… and {} more", cols.len() - LISTED));
    }
    out.join(", ")
}

/// Recognises a survey tool's export from its header: `header` as written (trimmed),
/// `names` the same `bi_exports::normalise`d. `Ok(None)`: not a survey export. An error
/// says why a recognised export cannot be read (no NPS question found, or several).
pub fn recognise(
    header: &[String],
    names: &[String],
    charter: &Charter,
) -> Result<Option<Survey>, String> {
    let find = |candidates: &[&str]| -> Option<usize> {
        candidates
            .iter()
            .find_map(|c| names.iter().position(|n| n == c))
    };
    let (tool, timestamp, key, status) = if let (Some(_), Some(_), Some(end), Some(id)) = (
        find(&["collector id"]),
        find(&["start date"]),
        find(&["end date"]),
        find(&["respondent id"]),
    ) {
        (Tool::SurveyMonkey, end, Key::Id(id), None)
    } else if let Some(submit) = find(&["submit date utc"]) {
        let id = header
            .iter()
            .position(|h| h == "#")
            .or_else(|| find(&["response id", "token"]));
        (
            Tool::Typeform,
            submit,
            id.map_or(Key::RowHash, Key::Id),
            find(&["response type"]),
        )
    } else if names.first().is_some_and(|n| n == "timestamp") {
        let key = find(&["email address"]).map_or(Key::RowHash, Key::Email);
        (Tool::GoogleForms, 0, key, None)
    } else {
        return Ok(None);
    };
    let questions: Vec<usize> = (0..header.len())
        .filter(|&i| !tool.metadata(&names[i]) && !header[i].is_empty())
        .collect();
    let reads_like_nps = |i: &usize| {
        let h = header[*i].to_lowercase();
        h.contains("recommend") && h.contains("likely")
    };
    let like_nps: Vec<usize> = questions.iter().copied().filter(reads_like_nps).collect();
    let candidates = if like_nps.is_empty() {
        &questions
    } else {
        &like_nps
    };
    let named = |setting: &str, text: &str, candidates: &[usize]| -> Result<usize, String> {
        let want = NpsSurvey::key(text);
        let found: Vec<usize> = (0..header.len())
            .filter(|&i| NpsSurvey::key(&header[i]) == want)
            .collect();
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(format!(
                "the charter's [nps] {setting} \"{}\" names no column of this {} export (case and spacing aside): {}; set [nps] {setting} to the question as the header writes it",
                shown(text),
                tool.export_name(),
                if candidates.is_empty() {
                    "the export has no question columns".to_string()
                } else {
                    format!("its questions are {}", quoted(header, candidates))
                }
            )),
            several => Err(format!(
                "the charter's [nps] {setting} \"{}\" names several columns of this export: {}; rename the question in the survey so it is unique",
                shown(text),
                quoted(header, several)
            )),
        }
    };
    let mut notices = Vec::new();
    let score = match &charter.nps.question {
        Some(q) => named("question", q, candidates)?,
        None => match like_nps.as_slice() {
            [one] => {
                notices.push(format!(
                    "the charter names no [nps] question: the score is read from column {} \"{}\", the only question that reads like the NPS question; set [nps] question in the charter to make it explicit",
                    one + 1,
                    shown(&header[*one])
                ));
                *one
            }
            [] => {
                return Err(format!(
                    "no question of this {} export reads like the NPS question (\"How likely are you to recommend …\"), and the charter names none: set [nps] question in the charter to the NPS question's header; the questions are {}",
                    tool.export_name(),
                    if questions.is_empty() {
                        "none".to_string()
                    } else {
                        quoted(header, &questions)
                    }
                ));
            }
            several => {
                return Err(format!(
                    "{} questions of this {} export read like the NPS question, and the charter names none: set [nps] question in the charter to the one that is; the candidates are {}",
                    several.len(),
                    tool.export_name(),
                    quoted(header, several)
                ));
            }
        },
    };
    // The comment and the role are extras: an export without them is read without them,
    // and the notice says why none were stored.
    let mut extra = |setting: &str, question: &Option<String>| match question {
        Some(q) => match named(setting, q, &questions) {
            Ok(c) => Some(c),
            Err(e) => {
                notices.push(format!(
                    "{e}; no {setting} answers are stored",
                    setting = &setting[..setting.len() - "_question".len()]
                ));
                None
            }
        },
        None => None,
    };
    let comment = extra("comment_question", &charter.nps.comment_question);
    let role = extra("role_question", &charter.nps.role_question);
    let mut survey = Survey {
        tool,
        timestamp,
        key,
        score,
        comment,
        role,
        status,
        second_header: tool == Tool::SurveyMonkey,
        pseudonym_key: None,
        notices: Vec::new(),
    };
    survey
        .notices
        .push(survey.describe(header, &charter.partnership.timezone));
    survey.notices.extend(notices);
    Ok(Some(survey))
}

impl Survey {
    /// Whether the respondent is an email the form collected (personal data).
    pub fn keys_on_email(&self) -> bool {
        matches!(self.key, Key::Email(_))
    }

    /// Stores collected emails as keyed hashes (`privacy::pseudonym`), as the charter's
    /// `[privacy] pseudonymise_usage` asks for the people in usage logs.
    pub fn pseudonymise_with(&mut self, key: Vec<u8>) {
        self.pseudonym_key = Some(key);
        self.notices.push(
            "respondent emails stored pseudonymised (keyed hash, as the charter's [privacy] section asks)"
                .into(),
        );
    }

    /// The import notices: which export was read, how it maps, and what was assumed.
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// The columns a row's mapping reads (for the field length limit).
    pub fn columns(&self) -> impl Iterator<Item = usize> + '_ {
        let key = match self.key {
            Key::Id(i) | Key::Email(i) => Some(i),
            Key::RowHash => None,
        };
        [
            Some(self.timestamp),
            Some(self.score),
            key,
            self.comment,
            self.role,
            self.status,
        ]
        .into_iter()
        .flatten()
    }

    /// Whether the timestamp is a wall-clock time without a zone (SurveyMonkey's, in the
    /// account's time zone), rather than an instant.
    pub fn wall_clock(&self) -> bool {
        self.tool == Tool::SurveyMonkey
    }

    fn describe(&self, header: &[String], tz: &chrono_tz::Tz) -> String {
        let name = |c: usize| format!("\"{}\"", shown(&header[c]));
        let when = match self.tool {
            Tool::GoogleForms => format!(
                "{} (with its own GMT offset), cut to the day in {tz}",
                name(self.timestamp)
            ),
            Tool::Typeform => format!(
                "{} (UTC: the submission, not the start), cut to the day in {tz}",
                name(self.timestamp)
            ),
            Tool::SurveyMonkey => format!(
                "{}, the response's completion (not its start); it carries no time zone: SurveyMonkey writes the account's, taken to be the charter's ({tz}) unless --tz names it — if the account is set to another zone, pass --tz with it",
                name(self.timestamp)
            ),
        };
        let respondent = match self.key {
            Key::Id(c) => format!("{} (the response's own id)", name(c)),
            Key::Email(c) => format!("{} (a hash of the row where it is empty)", name(c)),
            Key::RowHash => {
                "a hash of the row's fields (the export names no respondent: an anonymous survey)"
                    .to_string()
            }
        };
        let mut text = format!(
            "read as a {} export: date <- {when}; respondent <- {respondent}; score <- column {} {}",
            self.tool.export_name(),
            self.score + 1,
            name(self.score)
        );
        if let Some(c) = self.role {
            let _ = write!(text, "; role <- {}", name(c));
        }
        if let Some(c) = self.comment {
            let _ = write!(text, "; comment <- {}", name(c));
        }
        if self.second_header {
            text.push_str(
                "; its second header row (Response, Open-Ended Response …) is not a response",
            );
        }
        text
    }

    /// The survey date in the charter's zone `tz` of a timestamp: `utc` an instant in
    /// UTC, or, for a [wall-clock](Self::wall_clock) export read without `--tz`
    /// (`zone_given` false), the time as written, in the charter's zone.
    pub fn date(&self, utc: NaiveDateTime, tz: chrono_tz::Tz, zone_given: bool) -> NaiveDate {
        if self.wall_clock() && !zone_given {
            utc.date()
        } else {
            super::dates::local_date(utc, tz)
        }
    }

    /// Parses one record into `row` (date, respondent, score, role, comment), or says why
    /// not in `errors`; returns the label under which a response without an NPS answer
    /// is skipped. `zones` are the charter's zone and the one `--tz` gave, if any;
    /// `timestamp(text, column)` reads the timestamp (in UTC; a value without an offset
    /// is read in `--tz`'s zone, else as written).
    #[allow(clippy::too_many_arguments)]
    pub fn parse<'r>(
        &self,
        record: &'r csv::ByteRecord,
        line: u64,
        names: &[String],
        zones: (chrono_tz::Tz, Option<chrono_tz::Tz>),
        timestamp: &mut dyn FnMut(&str, usize) -> Result<NaiveDateTime, String>,
        row: &mut Vec<Cell<'r>>,
        errors: &mut Vec<RowError>,
    ) -> Option<String> {
        let located = |(i, value, reason): FieldError| RowError {
            line,
            column: Some((i + 1, names.get(i).cloned().unwrap_or_default())),
            value: truncate(&value),
            reason,
        };
        let field = |i: usize| -> Result<&'r str, FieldError> {
            let raw: &'r [u8] = record.get(i).unwrap_or_default();
            std::str::from_utf8(raw).map(str::trim).map_err(|_| {
                (
                    i,
                    String::from_utf8_lossy(raw).into_owned(),
                    "is not UTF-8 text: re-save the file as UTF-8".to_string(),
                )
            })
        };
        match self.map(record, &field, timestamp, zones) {
            Err(e) => {
                errors.push(located(e));
                None
            }
            Ok(Mapped::Skipped(label)) => Some(label),
            Ok(Mapped::Response {
                date,
                respondent,
                score,
                role,
                comment,
            }) => {
                row.push(Cell::Owned(date.to_string()));
                row.push(match respondent {
                    Cow::Borrowed(r) => Cell::Text(r),
                    Cow::Owned(r) => Cell::Owned(r),
                });
                row.push(Cell::Int(score));
                for text in [role, comment] {
                    row.push(match text {
                        Some(t) if !t.is_empty() => Cell::Text(t),
                        _ => Cell::Null,
                    });
                }
                None
            }
        }
    }

    fn map<'r>(
        &self,
        record: &'r csv::ByteRecord,
        field: &dyn Fn(usize) -> Result<&'r str, FieldError>,
        timestamp: &mut dyn FnMut(&str, usize) -> Result<NaiveDateTime, String>,
        (tz, given): (chrono_tz::Tz, Option<chrono_tz::Tz>),
    ) -> Result<Mapped<'r>, FieldError> {
        if let Some(s) = self.status {
            let status = field(s)?;
            if !status.is_empty() && !status.eq_ignore_ascii_case("completed") {
                return Ok(Mapped::Skipped(format!("Response Type = {status}")));
            }
        }
        let answer = field(self.score)?;
        if answer.is_empty() {
            return Ok(Mapped::Skipped("no answer to the NPS question".into()));
        }
        let when = field(self.timestamp)?;
        if when.is_empty() {
            if self.tool == Tool::Typeform {
                return Ok(Mapped::Skipped("not submitted (no Submit Date)".into()));
            }
            return Err((
                self.timestamp,
                String::new(),
                "is empty: a response needs the time it was submitted".into(),
            ));
        }
        // Typeform's header says the column is UTC; its values do not.
        let text: Cow<str> = if self.tool == Tool::Typeform && !when.ends_with("UTC") {
            Cow::Owned(format!("{when} UTC"))
        } else {
            Cow::Borrowed(when)
        };
        let date = timestamp(&text, self.timestamp)
            .map(|t| self.date(t, tz, given.is_some()))
            .map_err(|reason| (self.timestamp, when.to_string(), reason))?;
        let score = self
            .score(answer)
            .map_err(|reason| (self.score, answer.to_string(), reason))?;
        let respondent = match self.key {
            Key::Id(c) => {
                let id = field(c)?;
                if id.is_empty() {
                    return Err((c, String::new(), "is empty: a response needs its id".into()));
                }
                Cow::Borrowed(id)
            }
            Key::Email(c) => match field(c)? {
                "" => Cow::Owned(row_hash(record)),
                email => match &self.pseudonym_key {
                    Some(key) => Cow::Owned(pseudonym(key, email)),
                    None => Cow::Borrowed(email),
                },
            },
            Key::RowHash => Cow::Owned(row_hash(record)),
        };
        Ok(Mapped::Response {
            date,
            respondent,
            score,
            role: self.role.map(field).transpose()?,
            comment: self.comment.map(field).transpose()?,
        })
    }

    /// An NPS answer: a whole number 0–10. SurveyMonkey may label the scale's ends
    /// ("10 - Extremely likely"); the number before ` - ` is read.
    fn score(&self, answer: &str) -> Result<i64, String> {
        let number = match answer.split_once(" - ") {
            Some((n, _)) if self.tool == Tool::SurveyMonkey => n.trim(),
            _ => answer,
        };
        cells::score(number).map_err(|e| {
            format!("{e} (an answer to another question? the charter's [nps] question names the 0-10 one)")
        })
    }
}

/// One response of a survey export.
#[derive(Debug, PartialEq)]
enum Mapped<'r> {
    Response {
        date: NaiveDate,
        respondent: Cow<'r, str>,
        score: i64,
        role: Option<&'r str>,
        comment: Option<&'r str>,
    },
    /// Not an NPS answer; counted under this label.
    Skipped(String),
}

/// What every row-hash respondent starts with.
const ROW_HASH_PREFIX: &str = "row:";

/// The respondent of an anonymous response: `row:` and the first 8 bytes (16 hex digits)
/// of SHA-256 over the record's fields as written, each preceded by its length, so the
/// same row of the same export always gets the same key.
fn row_hash(record: &csv::ByteRecord) -> String {
    let mut hash = Sha256::new();
    for field in record {
        hash.update((field.len() as u64).to_le_bytes());
        hash.update(field);
    }
    let digest = hash.finalize();
    let mut out = String::with_capacity(ROW_HASH_PREFIX.len() + 16);
    out.push_str(ROW_HASH_PREFIX);
    for byte in &digest[..8] {
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::bi_exports::normalise;
    use super::*;

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
}
