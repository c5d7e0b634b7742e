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

/// An e-mail address as records are matched by: trimmed and lower-cased. Empty is
/// refused by the caller's optional-column rule; something without `@` is refused here.
pub fn email(text: &str) -> Result<String, String> {
    let t = text.trim();
    match t.split_once('@') {
        Some((local, domain)) if !local.is_empty() && domain.contains('.') => Ok(t.to_lowercase()),
        _ => Err("is not an e-mail address (name@domain): fix it or leave it empty".into()),
    }
}

/// Yes or no, as CRMs export it: `true`/`false`, `yes`/`no`, `1`/`0`, `won`/`lost`
/// (any case).
pub fn flag(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "won" => Ok(true),
        "false" | "no" | "n" | "0" | "lost" => Ok(false),
        _ => Err(
            "is not yes or no: write true or false (yes/no, 1/0 and won/lost are read too)".into(),
        ),
    }
}

/// An opportunity's type in its stored form: `new business` (also `new`, `new logo`,
/// `new customer`), `renewal`, or `expansion` (also `upsell`, `cross-sell`, `existing
/// business`, as Salesforce's default picklist says), ignoring case, `_` and `-`.
pub fn deal_type(text: &str) -> Result<&'static str, String> {
    let t = text.to_ascii_lowercase().replace(['_', '-'], " ");
    match t.split_whitespace().collect::<Vec<_>>().join(" ").as_str() {
        "new business" | "new" | "new logo" | "new customer" => Ok("new business"),
        "renewal" | "renew" => Ok("renewal"),
        "expansion" | "upsell" | "up sell" | "cross sell" | "existing business" => {
            Ok("expansion")
        }
        _ => Err(
            "is not an opportunity type: write new business, renewal or expansion (or leave it empty)"
                .into(),
        ),
    }
}

/// The store's text form of a UTC timestamp, `YYYY-MM-DDTHH:MM:SS`: its digits written
/// into a fixed template (`format!` with padded fields took 7% of a million-lead import in
/// a profile; chrono's formatter, which interprets its pattern on every call, more).
pub fn timestamp_text(t: NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    if !(0..=9999).contains(&t.year()) {
        return t.format("%Y-%m-%dT%H:%M:%S").to_string();
    }
    let mut text = *b"0000-00-00T00:00:00";
    let fields = [
        (0..4, t.year() as u32),
        (5..7, t.month()),
        (8..10, t.day()),
        (11..13, t.hour()),
        (14..16, t.minute()),
        (17..19, t.second()),
    ];
    for (at, mut n) in fields {
        for digit in text[at].iter_mut().rev() {
            *digit = b'0' + (n % 10) as u8;
            n /= 10;
        }
    }
    text.iter().map(|&b| char::from(b)).collect()
}

/// The largest amount of money a file may hold, in the charter's currency: the cap the
/// charter puts on its own amounts. Anything larger is a unit mistake or a corrupt cell,
/// and sums of it would overflow the reports to `inf`.
pub const MAX_AMOUNT: f64 = 1e15;

/// The largest count a file may hold (leads, MQLs, sessions, MAP and CRM counts …).
pub const MAX_COUNT: i64 = 1_000_000_000_000_000;

/// A finite decimal, or why not ("not a number", "not a finite number").
fn decimal(text: &str) -> Result<f64, &'static str> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err("not a finite number"),
        Err(_) => Err("not a number"),
    }
}

/// A plain decimal amount of money, from 0 to [`MAX_AMOUNT`].
pub fn money(text: &str) -> Result<f64, String> {
    if text.contains(['$', '€', '£', '¥']) {
        return Err("money is a plain decimal: drop the currency sign".into());
    }
    if text.contains(',') {
        return Err("money is a plain decimal: drop the thousands separators".into());
    }
    let x = decimal(text)
        .map_err(|e| format!("{e}: money is a plain decimal from 0 to 1e15, like 1250.50"))?;
    if x < 0.0 {
        return Err("must not be negative: money is from 0 to 1e15".into());
    }
    if x > MAX_AMOUNT {
        return Err(
            "is out of range: money is from 0 to 1e15 (check the unit, or a shifted column)".into(),
        );
    }
    Ok(x + 0.0) // -0 is 0
}

/// The range a value in a charter KPI unit may take: the one the charter allows the
/// unit's targets in (`fraction` -1 to 1, `score` -100 to 100, the rest 0 to 1e15).
/// An unknown unit (or no KPI) allows ±1e15.
pub fn unit_range(unit: Option<&str>) -> (f64, f64) {
    match unit {
        Some("fraction") => (-1.0, 1.0),
        Some("score") => (-100.0, 100.0),
        Some("usd" | "count" | "ratio" | "days" | "months") => (0.0, MAX_AMOUNT),
        _ => (-MAX_AMOUNT, MAX_AMOUNT),
    }
}

/// A KPI value: a finite decimal in [`unit_range`] of the KPI's `unit`.
pub fn kpi_value(text: &str, unit: Option<&str>) -> Result<f64, String> {
    let (lo, hi) = unit_range(unit);
    let x = match decimal(text) {
        Ok(x) if (lo..=hi).contains(&x) => return Ok(x + 0.0),
        Ok(x) => x,
        Err(e) => return Err(format!("{e}: write a plain decimal like 0.42")),
    };
    let show = |v: f64| {
        if v.abs() >= 1e6 {
            format!("{v:e}")
        } else {
            v.to_string()
        }
    };
    let mut reason = match unit {
        Some(u) => format!(
            "is out of range: a KPI in {u} takes values from {} to {}",
            show(lo),
            show(hi)
        ),
        None => format!(
            "is out of range: a KPI value is from {} to {}",
            show(lo),
            show(hi)
        ),
    };
    if unit == Some("fraction") && x.abs() <= 100.0 {
        reason.push_str(" (a fraction, not a percentage: write 25% as 0.25)");
    }
    Err(reason)
}

/// A whole count, from 0 to [`MAX_COUNT`].
pub fn count(text: &str) -> Result<i64, String> {
    const RANGE: &str = "counts are whole numbers from 0 to 1e15";
    match text.parse::<i64>() {
        Ok(n) if n < 0 => Err(format!("must not be negative: {RANGE}")),
        Ok(n) if n > MAX_COUNT => Err(format!("is too large for a count: {RANGE}")),
        Ok(n) => Ok(n),
        Err(_) => match text.parse::<f64>() {
            Ok(x) if x.is_nan() => Err(format!("not a whole number: {RANGE}")),
            Ok(x) if x < 0.0 => Err(format!("must not be negative: {RANGE}")),
            Ok(x) if x > MAX_COUNT as f64 => Err(format!("is too large for a count: {RANGE}")),
            Ok(x) if x.fract() == 0.0 => Ok(x as i64),
            Ok(_) => Err(format!("must be a whole number: {RANGE}")),
            Err(_) => Err(format!("not a whole number: {RANGE}")),
        },
    }
}

/// A measured lift in money: a plain decimal from -[`MAX_AMOUNT`] to [`MAX_AMOUNT`].
pub fn lift(text: &str) -> Result<f64, String> {
    match text.strip_prefix('-') {
        Some(rest) if !rest.starts_with(['-', '+']) => money(rest)
            .map(|x| -x + 0.0)
            .map_err(|e| e.replace("from 0 to 1e15", "from -1e15 to 1e15")),
        _ => money(text).map_err(|e| e.replace("from 0 to 1e15", "from -1e15 to 1e15")),
    }
}

/// A standard error in money: above 0, at most [`MAX_AMOUNT`].
pub fn std_error(text: &str) -> Result<f64, String> {
    let x = money(text)?;
    if x == 0.0 {
        return Err("must be above 0: a measurement without error is not an experiment (write its standard error, or low and high)".into());
    }
    Ok(x)
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
mod timestamp_tests {
    use super::timestamp_text;

    #[test]
    fn the_stores_timestamp_text_is_chronos() {
        for text in [
            "2026-11-04T09:05:07",
            "0999-01-01T00:00:00",
            "9999-12-31T23:59:59",
        ] {
            let t = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").unwrap();
            assert_eq!(timestamp_text(t), text);
            assert_eq!(timestamp_text(t), t.format("%Y-%m-%dT%H:%M:%S").to_string());
        }
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
        let padded = NaiveDate::from_ymd_opt(999, 1, 2)
            .unwrap()
            .and_hms_opt(3, 4, 5)
            .unwrap();
        assert_eq!(timestamp_text(padded), "0999-01-02T03:04:05");
        assert_eq!(
            timestamp_text(timestamp("2026-12-31T23:59:59Z").unwrap()),
            "2026-12-31T23:59:59"
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
    fn money_is_finite_and_at_most_the_cap() {
        assert_eq!(money("0"), Ok(0.0));
        assert_eq!(money("-0"), Ok(0.0));
        assert_eq!(money("1e15"), Ok(MAX_AMOUNT));
        assert_eq!(money("1000000000000000"), Ok(MAX_AMOUNT));
        for big in ["1000000000000000.5", "1.7976931348623157e308", "1e16"] {
            let e = money(big).unwrap_err();
            assert!(
                e.contains("out of range") && e.contains("0 to 1e15"),
                "{big}: {e}"
            );
        }
        for text in ["inf", "-inf", "NaN", "infinity", "1e400"] {
            assert!(
                money(text).unwrap_err().contains("not a finite number"),
                "{text}"
            );
        }
        assert!(money("1e").unwrap_err().contains("not a number"));
        assert!(money("-0.01").unwrap_err().contains("0 to 1e15"));
    }

    #[test]
    fn counts_stop_at_the_cap() {
        assert_eq!(count("1000000000000000"), Ok(MAX_COUNT));
        assert_eq!(count("1e15"), Ok(MAX_COUNT));
        assert_eq!(count("+5"), Ok(5));
        for big in ["1000000000000001", "1.1e15", "inf"] {
            let e = count(big).unwrap_err();
            assert!(
                e.contains("too large") && e.contains("0 to 1e15"),
                "{big}: {e}"
            );
        }
        assert!(count("-inf").unwrap_err().contains("negative"));
        assert!(count("1e").unwrap_err().contains("not a whole number"));
    }

    #[test]
    fn kpi_values_take_their_units_range() {
        assert_eq!(kpi_value("-1", Some("fraction")), Ok(-1.0));
        assert_eq!(kpi_value("1", Some("fraction")), Ok(1.0));
        let e = kpi_value("25", Some("fraction")).unwrap_err();
        assert!(
            e.contains("-1 to 1") && e.contains("write 25% as 0.25"),
            "{e}"
        );
        assert_eq!(kpi_value("-100", Some("score")), Ok(-100.0));
        assert!(kpi_value("100.5", Some("score")).is_err());
        assert_eq!(kpi_value("1e15", Some("ratio")), Ok(1e15));
        let e = kpi_value("-0.5", Some("months")).unwrap_err();
        assert!(
            e.contains("a KPI in months takes values from 0 to 1e15"),
            "{e}"
        );
        assert!(kpi_value("1.7976931348623157e308", Some("usd")).is_err());
        assert_eq!(kpi_value("-1e15", None), Ok(-1e15));
        assert!(kpi_value("2e15", None).is_err());
        assert!(kpi_value("NaN", None).unwrap_err().contains("finite"));
    }

    #[test]
    fn lifts_may_be_negative_and_errors_must_be_positive() {
        assert_eq!(lift("-1200.5"), Ok(-1200.5));
        assert_eq!(lift("-0"), Ok(0.0));
        assert_eq!(lift("1e15"), Ok(MAX_AMOUNT));
        assert!(lift("--3").is_err());
        assert!(lift("-2e15").unwrap_err().contains("-1e15 to 1e15"));
        assert!(lift("$5").unwrap_err().contains("currency sign"));
        assert_eq!(std_error("10"), Ok(10.0));
        assert!(std_error("0").unwrap_err().contains("above 0"));
        assert!(std_error("-1").unwrap_err().contains("negative"));
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
