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

use std::fmt::Write;

use super::error::shown;
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
}

mod response;

#[cfg(test)]
mod tests;
