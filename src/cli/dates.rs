//! Date arguments: parsed at the edge, in ISO 8601, with an error that says the form.

use chrono::{NaiveDate, NaiveDateTime, Utc};

pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("'{text}' is not a date: write it as YYYY-MM-DD"))
}

pub fn parse_datetime(text: &str) -> Result<NaiveDateTime, String> {
    crate::ingest::cells::timestamp(text).map_err(|e| format!("'{text}' is {e}"))
}

/// Today in UTC, the default of every `--at`.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}
