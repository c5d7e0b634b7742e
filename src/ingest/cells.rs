//! Field parsers: one CSV text field -> one typed value for the store, or the reason why
//! not, in words a person fixing the file can act on.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use rusqlite::types::{ToSql, ToSqlOutput, ValueRef};

/// A parsed value ready to bind; borrows the CSV field where it can.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Owned(String),
}

impl ToSql for Cell<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Cell::Null => ValueRef::Null,
            Cell::Int(i) => ValueRef::Integer(*i),
            Cell::Real(f) => ValueRef::Real(*f),
            Cell::Text(s) => ValueRef::Text(s.as_bytes()),
            Cell::Owned(s) => ValueRef::Text(s.as_bytes()),
        }))
    }
}

impl Cell<'_> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Cell::Text(s) => Some(s),
            Cell::Owned(s) => Some(s),
            _ => None,
        }
    }
}

/// The years a date in a file may fall in. Anything else is a typo (`0226`, `+20260`),
/// and far-off dates would break the calendar arithmetic of the reviews.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

pub(crate) fn in_range(year: i32) -> Result<(), String> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(format!(
            "the year {year} is out of range: rhythm takes years {} to {}",
            YEARS.start(),
            YEARS.end()
        ))
    }
}

/// An ISO 8601 calendar date, `YYYY-MM-DD`, in [`YEARS`].
pub fn date(text: &str) -> Result<NaiveDate, String> {
    let d = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| "not an ISO 8601 date: write it as YYYY-MM-DD".to_string())?;
    in_range(d.year())?;
    Ok(d)
}

/// A month, `YYYY-MM` or any `YYYY-MM-DD` in it; returns the first day.
pub fn month(text: &str) -> Result<NaiveDate, String> {
    date(text)
        .or_else(|_| date(&format!("{text}-01")))
        .map(crate::calendar::month_start)
        .map_err(|_| "not a month: write it as YYYY-MM or YYYY-MM-DD".to_string())
}

/// An ISO 8601 timestamp in UTC: with an offset or `Z` it is converted; without one it is
/// taken as UTC. `T` or a space may separate date and time; a bare date means midnight.
/// The year must be in [`YEARS`].
pub fn timestamp(text: &str) -> Result<NaiveDateTime, String> {
    let t = any_timestamp(text)?;
    in_range(t.year())?;
    Ok(t)
}

/// [`timestamp`] without the range check.
pub(crate) fn any_timestamp(text: &str) -> Result<NaiveDateTime, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc).naive_utc());
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(t);
        }
    }
    for format in ["%Y-%m-%d %H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%#z"] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Ok(t.with_timezone(&Utc).naive_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(d.and_time(chrono::NaiveTime::MIN));
    }
    Err("not an ISO 8601 timestamp: write it as YYYY-MM-DDTHH:MM:SS with Z or an offset (no offset means UTC)".into())
}

/// The store's text form of a UTC timestamp.
pub fn timestamp_text(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// A plain decimal amount of money, zero or more.
pub fn money(text: &str) -> Result<f64, String> {
    if text.contains(['$', '€', '£', '¥']) {
        return Err("money is a plain decimal: drop the currency sign".into());
    }
    if text.contains(',') {
        return Err("money is a plain decimal: drop the thousands separators".into());
    }
    let x: f64 = text
        .parse()
        .map_err(|_| "not a number: money is a plain decimal like 1250.50".to_string())?;
    if !x.is_finite() {
        return Err("not a finite number".into());
    }
    if x < 0.0 {
        return Err("must not be negative".into());
    }
    Ok(x)
}

/// A decimal number (may be negative).
pub fn number(text: &str) -> Result<f64, String> {
    let x: f64 = text
        .parse()
        .map_err(|_| "not a number: write a plain decimal like 0.42".to_string())?;
    if x.is_finite() {
        Ok(x)
    } else {
        Err("not a finite number".into())
    }
}

/// A whole count, zero or more.
pub fn count(text: &str) -> Result<i64, String> {
    match text.parse::<i64>() {
        Ok(n) if n < 0 => Err("must not be negative".into()),
        Ok(n) => Ok(n),
        Err(_) => match text.parse::<f64>() {
            Ok(x) if x.fract() == 0.0 && (0.0..9.0e15).contains(&x) => Ok(x as i64),
            Ok(x) if x < 0.0 => Err("must not be negative".into()),
            Ok(x) if x.is_nan() => Err("not a whole number".into()),
            Ok(x) if x >= 9.0e15 => Err("is too large for a count".into()),
            Ok(_) => Err("must be a whole number".into()),
            Err(_) => Err("not a whole number".into()),
        },
    }
}

/// An NPS answer, 0 to 10.
pub fn score(text: &str) -> Result<i64, String> {
    match text.parse::<i64>() {
        Ok(n) if (0..=10).contains(&n) => Ok(n),
        Ok(_) => Err("NPS score must be from 0 to 10".into()),
        Err(_) => Err("NPS score must be a whole number from 0 to 10".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_convert_to_utc() {
        let t = timestamp("2026-03-02T10:00:00+02:00").unwrap();
        assert_eq!(timestamp_text(t), "2026-03-02T08:00:00");
        assert_eq!(
            timestamp_text(timestamp("2026-03-02 10:00:00").unwrap()),
            "2026-03-02T10:00:00"
        );
        assert_eq!(
            timestamp_text(timestamp("2026-03-02 10:00:00.123").unwrap()),
            "2026-03-02T10:00:00"
        );
        assert!(timestamp("02/03/2026").is_err());
        assert!(timestamp("+262143-12-31T00:00:00Z").is_err());
        assert!(date("0226-11-16").unwrap_err().contains("out of range"));
        assert!(date("+20260-01-01").is_err());
    }

    #[test]
    fn money_rejects_signs_separators_and_negatives() {
        assert_eq!(money("1250.50"), Ok(1250.5));
        assert!(money("$1250").unwrap_err().contains("currency sign"));
        assert!(money("1,250").unwrap_err().contains("thousands"));
        assert!(money("-3").unwrap_err().contains("negative"));
        assert!(money("NaN").is_err());
        assert!(money("1e400").is_err());
    }

    #[test]
    fn counts_are_whole_and_not_negative() {
        assert_eq!(count("12"), Ok(12));
        assert_eq!(count("12.0"), Ok(12));
        assert!(count("12.5").is_err());
        assert!(count("-1").unwrap_err().contains("negative"));
        assert_eq!(count("-0"), Ok(0));
        assert!(
            count("99999999999999999999")
                .unwrap_err()
                .contains("too large")
        );
        assert!(count("1e308").unwrap_err().contains("too large"));
        assert!(count("NaN").is_err());
    }

    #[test]
    fn months_accept_both_forms() {
        assert_eq!(
            month("2026-03").unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        );
        assert_eq!(
            month("2026-03-17").unwrap(),
            NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
        );
    }
}
