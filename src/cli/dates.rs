//! Date arguments: parsed at the edge, in ISO 8601, with an error that says the form.

use chrono::{NaiveDate, NaiveDateTime, Utc};

use crate::charter::Charter;
use crate::rhythm::clock::Clock;

pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("'{text}' is not a date: write it as YYYY-MM-DD"))
}

pub fn parse_datetime(text: &str) -> Result<NaiveDateTime, String> {
    crate::ingest::cells::timestamp(text).map_err(|e| format!("'{text}' is {e}"))
}

/// The clock of every command: the end of `--at` day in the charter's zone, or now.
pub fn clock(charter: &Charter, at: Option<NaiveDate>) -> Clock {
    Clock::of(charter, at, Utc::now())
}

/// Now in UTC: the time stored with what a command records.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}
