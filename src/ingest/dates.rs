//! Dates and times as the tools' exports write them, read without guessing.
//!
//! Exports write ISO 8601 (with or without an offset), the machine's locale
//! (`11/16/2026 9:12:03 AM` on en-US, `16/11/2026 09:12:03` on en-GB,
//! `16.11.2026 09:12` on de-DE), year-first slashes (`2026/10/30 3:08:44 PM GMT+1`,
//! Google Forms) or named months (`November 17, 2026, 8:02 AM`, Metabase).
//!
//! A numeric `A/B/YYYY` date is ambiguous until the file shows which of A and B is the
//! month: [`Dates`] decides the order once per file, from the first value that can only
//! be read one way (a day above 12) or from the user's `--date-order`, and never from a
//! guess. A file whose dates are all ambiguous is refused with an error that says so;
//! values that contradict the file's order are bad rows. Dotted dates are day-first in
//! every locale that writes them.
//!
//! Time zones: an offset or zone written in the value (`Z`, `+01:00`, ` UTC`, `GMT+1`)
//! is honoured; a value without one is local time in the zone the import was given
//! (`--tz`), or the importer's default (UTC for BI logs), and the summary says so.

use chrono::{
    Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
use chrono_tz::Tz;

/// Which of a numeric date's first two numbers is the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// Day first: `16/11/2026` (en-GB, most of the world).
    Dmy,
    /// Month first: `11/16/2026` (en-US).
    Mdy,
}

impl DateOrder {
    /// The value of `--date-order` that names it.
    pub fn flag(self) -> &'static str {
        match self {
            DateOrder::Dmy => "dmy",
            DateOrder::Mdy => "mdy",
        }
    }

    fn words(self) -> &'static str {
        match self {
            DateOrder::Dmy => "day-first (DD/MM/YYYY)",
            DateOrder::Mdy => "month-first (MM/DD/YYYY)",
        }
    }
}

/// Where a date value sits in the file: 1-based line, 0-based column, the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub line: u64,
    pub column: usize,
    pub value: String,
}

/// What the file's dates came to, once every row is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Every date was read right; the notice to print, if the file had numeric dates.
    Read(Option<String>),
    /// The order became known only after ambiguous rows had been read month-first, and it
    /// is day-first: the file must be read again with this order.
    Again(DateOrder, Seen),
    /// No value shows the order: the first ambiguous one, to name in the refusal.
    Undecided(Seen),
}

/// The reading of one file's dates (see the module documentation).
#[derive(Debug, Clone)]
pub struct Dates {
    /// The user's `--date-order`.
    given: Option<DateOrder>,
    /// The order the file showed, and the value that showed it.
    shown: Option<(DateOrder, Seen)>,
    /// The first ambiguous value read month-first before the order was known.
    provisional: Option<Seen>,
    /// Whether the order was shown after provisional rows, the other way.
    late: bool,
    /// Whether any numeric day/month date was read.
    numeric: bool,
    /// The zone of values written without one; `None` is UTC.
    zone: Option<Tz>,
}

impl Dates {
    /// `order` is the user's `--date-order`; `zone` the zone of values without an offset
    /// (`None`: UTC).
    pub fn new(order: Option<DateOrder>, zone: Option<Tz>) -> Dates {
        Dates {
            given: order,
            shown: None,
            provisional: None,
            late: false,
            numeric: false,
            zone,
        }
    }

    /// A second reading of a file whose order was shown by `seen`.
    pub fn shown_by(order: DateOrder, seen: Seen, zone: Option<Tz>) -> Dates {
        let mut d = Dates::new(None, zone);
        d.shown = Some((order, seen));
        d
    }

    /// The zone values without an offset are read in.
    pub fn zone(&self) -> Option<Tz> {
        self.zone
    }

    /// The timestamp written as `text` (at `line`, `column`), in UTC.
    pub fn timestamp(
        &mut self,
        text: &str,
        line: u64,
        column: usize,
    ) -> Result<NaiveDateTime, String> {
        let t = self.read(text, line, column)?;
        super::cells::in_range(t.year())?;
        Ok(t)
    }

    /// The calendar date written as `text` (a close date): read like [`Dates::timestamp`]
    /// but never moved by the zone, since a date is a day, not an instant.
    pub fn date(&mut self, text: &str, line: u64, column: usize) -> Result<NaiveDate, String> {
        let zone = self.zone.take();
        let t = self.read(text, line, column);
        self.zone = zone;
        let t = t?;
        super::cells::in_range(t.year())?;
        Ok(t.date())
    }

    /// What the file's dates came to (call once every row is read).
    pub fn outcome(&self) -> Outcome {
        if self.late
            && let Some((order, seen)) = &self.shown
        {
            return Outcome::Again(*order, seen.clone());
        }
        if self.given.is_none()
            && self.shown.is_none()
            && let Some(seen) = &self.provisional
        {
            return Outcome::Undecided(seen.clone());
        }
        if !self.numeric {
            return Outcome::Read(None);
        }
        Outcome::Read(Some(match (&self.given, &self.shown) {
            (Some(order), _) => format!(
                "dates read {}, as --date-order {} says",
                order.words(),
                order.flag()
            ),
            (None, Some((order, seen))) => format!(
                "dates read {}: line {}'s {} can only be read that way",
                order.words(),
                seen.line,
                seen.value
            ),
            // Every numeric date had its day above 12 and its month in place: none ambiguous.
            (None, None) => "dates read as written: none was ambiguous".to_string(),
        }))
    }

    /// The reason a file with only ambiguous dates is refused.
    pub fn undecided_reason(seen: &Seen) -> String {
        format!(
            "is ambiguous: it could be day-first or month-first, and no date in the file has a \
             day above 12 to tell: pass --date-order dmy (DD/MM/YYYY) or --date-order mdy \
             (MM/DD/YYYY) to say how the tool wrote {}",
            seen.value
        )
    }

    fn read(&mut self, text: &str, line: u64, column: usize) -> Result<NaiveDateTime, String> {
        if self.zone.is_none()
            && let Ok(t) = super::cells::any_timestamp(text)
        {
            return Ok(t);
        }
        let (rest, offset) = split_zone(text)?;
        let parts = parts(rest).ok_or_else(not_a_timestamp)?;
        let date = match parts.date {
            DatePart::Ymd(y, m, d) => ymd(y, m, d)?,
            DatePart::Numeric(a, b, y) => {
                self.numeric = true;
                let order = self.order_of(a, b, text, line, column)?;
                match order {
                    DateOrder::Dmy => ymd(y, b, a)?,
                    DateOrder::Mdy => ymd(y, a, b)?,
                }
            }
        };
        let local = date.and_time(parts.time);
        match offset {
            Some(o) => match o.from_local_datetime(&local) {
                LocalResult::Single(t) => Ok(t.with_timezone(&Utc).naive_utc()),
                _ => Err(not_a_timestamp()),
            },
            None => match self.zone {
                None => Ok(local),
                Some(zone) => match zone.from_local_datetime(&local) {
                    LocalResult::Single(t) => Ok(t.with_timezone(&Utc).naive_utc()),
                    // The hour the clocks go back happens twice: the first is taken.
                    LocalResult::Ambiguous(first, _) => Ok(first.with_timezone(&Utc).naive_utc()),
                    LocalResult::None => Err(format!(
                        "does not exist in {zone}: the clocks went forward over it (write it with \
                         an offset)"
                    )),
                },
            },
        }
    }

    /// The order a numeric `a/b/year` date is read in, deciding the file's order when the
    /// value shows it.
    fn order_of(
        &mut self,
        a: u32,
        b: u32,
        text: &str,
        line: u64,
        column: usize,
    ) -> Result<DateOrder, String> {
        let only = match (a > 12, b > 12) {
            (true, true) => {
                return Err(format!(
                    "has no month: neither {a} nor {b} is 1 to 12 (rhythm reads D/M/YYYY or M/D/YYYY)"
                ));
            }
            (true, false) => Some(DateOrder::Dmy),
            (false, true) => Some(DateOrder::Mdy),
            (false, false) => None,
        };
        let seen = || Seen {
            line,
            column,
            value: text.to_string(),
        };
        if let Some(given) = self.given {
            return match only {
                Some(o) if o != given => Err(format!(
                    "can only be read {}, but --date-order {} says {}: check the flag",
                    o.words(),
                    given.flag(),
                    given.words()
                )),
                _ => Ok(given),
            };
        }
        match (&self.shown, only) {
            (Some((order, _)), None) => Ok(*order),
            (Some((order, _)), Some(o)) if o == *order => Ok(o),
            (Some((order, by)), Some(o)) => Err(format!(
                "can only be read {}, but line {}'s {} can only be read {}: the file mixes date \
                 orders; fix the odd rows or split the file",
                o.words(),
                by.line,
                by.value,
                order.words()
            )),
            (None, Some(o)) => {
                if self.provisional.is_some() && o == DateOrder::Dmy {
                    self.late = true;
                }
                self.shown = Some((o, seen()));
                Ok(o)
            }
            (None, None) => {
                if self.provisional.is_none() {
                    self.provisional = Some(seen());
                }
                // Read month-first for now: the outcome asks for a second reading (or
                // refuses the file) unless the file shows month-first.
                Ok(DateOrder::Mdy)
            }
        }
    }
}

/// A calendar date, or why not.
fn ymd(y: i32, m: u32, d: u32) -> Result<NaiveDate, String> {
    NaiveDate::from_ymd_opt(y, m, d)
        .ok_or_else(|| format!("is not a date: {y}-{m:02}-{d:02} does not exist"))
}

fn not_a_timestamp() -> String {
    "is not a date and time rhythm reads: write YYYY-MM-DD HH:MM:SS (with Z or an offset; \
     none means the import's zone), or the tool's own form (11/16/2026 9:12:03 AM, \
     16/11/2026 09:12:03, November 17, 2026, 8:02 AM)"
        .into()
}

/// A value's zone, cut from its end: `Z`, ` UTC`, ` GMT`, `GMT+1`, `UTC-05:00`, or an
/// ISO offset after the time (`+01:00`, `+0100`, `+01`, ` -0500`).
fn split_zone(text: &str) -> Result<(&str, Option<FixedOffset>), String> {
    let text = text.trim();
    if let Some(rest) = text.strip_suffix('Z')
        && rest.ends_with(|c: char| c.is_ascii_digit())
    {
        return Ok((rest, Some(FixedOffset::east_opt(0).expect("UTC"))));
    }
    let upper = text.to_ascii_uppercase();
    for name in ["GMT", "UTC"] {
        if let Some(at) = upper.rfind(name)
            && at > 0
        {
            let after = &text[at + name.len()..];
            let offset = if after.is_empty() {
                Some(0)
            } else {
                offset_seconds(after)
            };
            if let Some(seconds) = offset {
                let offset = FixedOffset::east_opt(seconds)
                    .ok_or_else(|| format!("has an offset out of range: {after}"))?;
                return Ok((text[..at].trim_end(), Some(offset)));
            }
        }
    }
    // An ISO offset follows the time, so it comes after a ':'.
    if let Some(at) = text.rfind(['+', '-'])
        && text[..at].contains(':')
        && let Some(seconds) = offset_seconds(&text[at..])
    {
        let offset = FixedOffset::east_opt(seconds)
            .ok_or_else(|| format!("has an offset out of range: {}", &text[at..]))?;
        return Ok((text[..at].trim_end(), Some(offset)));
    }
    Ok((text, None))
}

/// `+1`, `+01`, `+0100`, `+01:00`, `-5` as seconds east of UTC.
fn offset_seconds(text: &str) -> Option<i32> {
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|&c| c != ':').collect();
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        3 => (digits[..1].parse().ok()?, digits[1..].parse().ok()?),
        _ => (digits[..2].parse().ok()?, digits[2..].parse().ok()?),
    };
    (h <= 14 && m < 60).then_some(sign * (h * 3600 + m * 60))
}

/// A date as written: its parts, and whether they still need the file's order.
#[derive(Debug, Clone, Copy, PartialEq)]
enum DatePart {
    /// Year, month, day, each known (year-first, a named month, or dotted day-first).
    Ymd(i32, u32, u32),
    /// `a/b/year`: which of a and b is the month is the file's order.
    Numeric(u32, u32, i32),
}

struct Parts {
    date: DatePart,
    time: NaiveTime,
}

/// Splits a value without its zone into a date and a time of day (midnight if none).
fn parts(text: &str) -> Option<Parts> {
    // ISO's `T` between date and time.
    let text = match text.find('T') {
        Some(at) if at >= 8 && text[..at].bytes().all(|b| b.is_ascii_digit() || b == b'-') => {
            format!("{} {}", &text[..at], &text[at + 1..])
        }
        _ => text.to_string(),
    };
    let mut date_tokens: Vec<&str> = Vec::new();
    let mut clock: Option<&str> = None;
    let mut meridiem: Option<bool> = None; // Some(true) = PM
    for token in text.split([' ', ',']).filter(|t| !t.is_empty()) {
        let lower = token.to_ascii_lowercase();
        match lower.as_str() {
            "am" | "a.m." => meridiem = Some(false),
            "pm" | "p.m." => meridiem = Some(true),
            "at" => {}
            _ if is_weekday(&lower) => {}
            _ if token.contains(':') => {
                if clock.replace(token).is_some() {
                    return None;
                }
            }
            _ => date_tokens.push(token),
        }
    }
    let date = date_of(&date_tokens)?;
    let time = match clock {
        None if meridiem.is_none() => NaiveTime::MIN,
        None => return None,
        Some(c) => time_of(c, meridiem)?,
    };
    Some(Parts { date, time })
}

/// `H:MM`, `H:MM:SS`, `H:MM:SS.fff`, on a 12-hour clock when `pm` says which half.
fn time_of(text: &str, pm: Option<bool>) -> Option<NaiveTime> {
    let mut it = text.split(':');
    let h: u32 = number(it.next()?)?;
    let m: u32 = number(it.next()?)?;
    let (s, nanos) = match it.next() {
        None => (0, 0),
        Some(sec) => {
            let (whole, frac) = sec.split_once('.').unwrap_or((sec, ""));
            let s: u32 = number(whole)?;
            if !frac.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let digits = &frac[..frac.len().min(9)];
            let nanos = if digits.is_empty() {
                0
            } else {
                digits.parse::<u32>().ok()? * 10u32.pow(9 - digits.len() as u32)
            };
            (s, nanos)
        }
    };
    if it.next().is_some() {
        return None;
    }
    let h = match pm {
        None => h,
        Some(_) if !(1..=12).contains(&h) => return None,
        Some(false) => h % 12,
        Some(true) => h % 12 + 12,
    };
    NaiveTime::from_hms_nano_opt(h, m, s, nanos)
}

/// One to four ASCII digits as a number.
fn number(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn date_of(tokens: &[&str]) -> Option<DatePart> {
    let (pieces, sep): (Vec<&str>, Option<char>) = match tokens {
        [one] => {
            let sep = ['/', '-', '.'].into_iter().find(|&c| one.contains(c))?;
            (one.split(sep).collect(), Some(sep))
        }
        [_, _, _] => (
            tokens.iter().map(|t| t.trim_end_matches('.')).collect(),
            None,
        ),
        _ => return None,
    };
    let [p, q, r] = pieces[..] else {
        return None;
    };
    let named = [p, q, r].iter().position(|t| month_named(t).is_some());
    if let Some(at) = named {
        let month = month_named([p, q, r][at])?;
        let others: Vec<&str> = [p, q, r]
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != at)
            .map(|(_, t)| *t)
            .collect();
        let (year, day) = match (others[0].len(), others[1].len()) {
            (4, 1 | 2) => (others[0], others[1]),
            (1 | 2, 4) => (others[1], others[0]),
            _ => return None,
        };
        let day = day.trim_end_matches(|c: char| c.is_ascii_alphabetic()); // 17th
        return Some(DatePart::Ymd(number(year)? as i32, month, number(day)?));
    }
    if p.len() == 4 {
        return Some(DatePart::Ymd(number(p)? as i32, number(q)?, number(r)?));
    }
    if r.len() != 4 || p.len() > 2 || q.len() > 2 {
        return None;
    }
    let (a, b, y) = (number(p)?, number(q)?, number(r)? as i32);
    if sep == Some('.') {
        return Some(DatePart::Ymd(y, b, a));
    }
    Some(DatePart::Numeric(a, b, y))
}

/// `mon`, `Monday`, `tue.` …: a weekday some tools write before the date.
fn is_weekday(lower: &str) -> bool {
    const DAYS: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let word = lower.trim_end_matches('.');
    word.len() >= 3 && DAYS.iter().any(|d| d.starts_with(word))
}

/// An English month name or its abbreviation (`Nov`, `Sept`), any case.
fn month_named(text: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let lower = text.to_ascii_lowercase();
    if lower.len() < 3 || !lower.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    MONTHS
        .iter()
        .position(|m| m.starts_with(&lower))
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(d: &mut Dates, text: &str) -> Result<String, String> {
        d.timestamp(text, 2, 0)
            .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
    }

    #[test]
    fn the_tools_forms_are_read_in_utc() {
        let mut d = Dates::new(None, None);
        let cases = [
            ("2026-03-02 10:15:00", "2026-03-02T10:15:00"),
            ("2026-03-02 10:15:00 UTC", "2026-03-02T10:15:00"),
            ("2026-03-02T10:15:00.1234567Z", "2026-03-02T10:15:00"),
            ("2026-03-02 10:15:00.123456+00", "2026-03-02T10:15:00"),
            ("2026-03-02T10:15:00.123+01", "2026-03-02T09:15:00"),
            ("2026-03-02 10:15:00 -0500", "2026-03-02T15:15:00"),
            ("2026/10/30 3:08:44 PM GMT+1", "2026-10-30T14:08:44"),
            ("2026/10/30 3:08:44 AM GMT-05:00", "2026-10-30T08:08:44"),
            ("November 17, 2026, 8:02 AM", "2026-11-17T08:02:00"),
            ("November 17, 2026, 12:02 AM", "2026-11-17T00:02:00"),
            ("Nov 17, 2026 12:30 PM", "2026-11-17T12:30:00"),
            ("17 Nov 2026 08:02", "2026-11-17T08:02:00"),
            ("17-Nov-2026", "2026-11-17T00:00:00"),
            ("16.11.2026 09:12:03", "2026-11-16T09:12:03"),
            ("2.11.2026 09:12", "2026-11-02T09:12:00"),
        ];
        for (input, want) in cases {
            assert_eq!(read(&mut d, input).as_deref(), Ok(want), "{input}");
        }
        assert_eq!(d.outcome(), Outcome::Read(None));
        for bad in [
            "yesterday",
            "3/2/26 1:00 PM",
            "13:00",
            "2026-02-30",
            "25/13/2026",
        ] {
            assert!(read(&mut d, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_day_above_12_decides_the_order_and_later_values_follow_it() {
        let mut d = Dates::new(None, None);
        assert_eq!(
            read(&mut d, "11/16/2026 9:12:03 AM").as_deref(),
            Ok("2026-11-16T09:12:03")
        );
        assert_eq!(
            read(&mut d, "3/2/2026 2:05:09 PM").as_deref(),
            Ok("2026-03-02T14:05:09")
        );
        assert!(matches!(d.outcome(), Outcome::Read(Some(n)) if n.contains("month-first")));
        let err = read(&mut d, "16/11/2026 09:12").unwrap_err();
        assert!(err.contains("mixes date orders"), "{err}");
    }

    #[test]
    fn ambiguous_values_before_the_deciding_one_ask_for_a_second_reading() {
        let mut d = Dates::new(None, None);
        read(&mut d, "05/11/2026 09:12:03").unwrap();
        read(&mut d, "16/11/2026 09:12:03").unwrap();
        match d.outcome() {
            Outcome::Again(DateOrder::Dmy, seen) => {
                assert_eq!(seen.value, "16/11/2026 09:12:03");
                let mut again = Dates::shown_by(DateOrder::Dmy, seen, None);
                assert_eq!(
                    read(&mut again, "05/11/2026 09:12:03").as_deref(),
                    Ok("2026-11-05T09:12:03")
                );
                assert!(matches!(again.outcome(), Outcome::Read(Some(_))));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_file_of_only_ambiguous_dates_is_refused_unless_the_order_is_given() {
        let mut d = Dates::new(None, None);
        read(&mut d, "05/11/2026 09:12:03").unwrap();
        read(&mut d, "06/11/2026 09:12:03").unwrap();
        assert!(matches!(d.outcome(), Outcome::Undecided(s) if s.value == "05/11/2026 09:12:03"));

        let mut d = Dates::new(Some(DateOrder::Dmy), None);
        assert_eq!(
            read(&mut d, "05/11/2026 09:12:03").as_deref(),
            Ok("2026-11-05T09:12:03")
        );
        assert!(
            read(&mut d, "11/16/2026 09:12:03")
                .unwrap_err()
                .contains("--date-order dmy")
        );
    }

    #[test]
    fn a_zone_places_values_without_an_offset() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let mut d = Dates::new(None, Some(berlin));
        assert_eq!(
            read(&mut d, "2026-11-16 09:12:03").as_deref(),
            Ok("2026-11-16T08:12:03")
        );
        // An offset in the value wins over the zone.
        assert_eq!(
            read(&mut d, "2026-11-16T09:12:03Z").as_deref(),
            Ok("2026-11-16T09:12:03")
        );
        assert!(
            read(&mut d, "2026-03-29 02:30")
                .unwrap_err()
                .contains("clocks went forward")
        );
        let late = NaiveDate::from_ymd_opt(2026, 11, 16)
            .unwrap()
            .and_hms_opt(23, 30, 0)
            .unwrap();
        assert_eq!(
            crate::calendar::local_day(berlin, late),
            NaiveDate::from_ymd_opt(2026, 11, 17).unwrap()
        );
    }
}
