//! One record of a survey export -> one `nps` row: the date in the charter's zone, the
//! respondent (id, email or row hash), the score 0-10, the role and the comment.

use std::borrow::Cow;
use std::fmt::Write;

use chrono::{NaiveDate, NaiveDateTime};
use sha2::{Digest, Sha256};

use super::super::bi_exports::FieldError;
use super::super::cells::{self, Cell};
use super::super::error::truncate;
use super::super::{RowError, pseudonym};
use super::{Key, Survey, Tool};

impl Survey {
    /// The survey date in the charter's zone `tz` of a timestamp: `utc` an instant in
    /// UTC, or, for a [wall-clock](Self::wall_clock) export read without `--tz`
    /// (`zone_given` false), the time as written, in the charter's zone.
    pub fn date(&self, utc: NaiveDateTime, tz: chrono_tz::Tz, zone_given: bool) -> NaiveDate {
        if self.wall_clock() && !zone_given {
            utc.date()
        } else {
            crate::calendar::local_day(tz, utc)
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
    pub(super) fn score(&self, answer: &str) -> Result<i64, String> {
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
pub(super) fn row_hash(record: &csv::ByteRecord) -> String {
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
