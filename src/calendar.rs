//! Calendar arithmetic of the operating rhythm: weeks that start on the charter's week
//! start, months, fiscal quarters and years, and business days (Monday–Friday less the
//! charter's holidays).
//! Pure functions; no clock is read here.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// The first day of the week that holds `date`, for weeks starting on `week_start`.
pub fn week_start(date: NaiveDate, week_start: Weekday) -> NaiveDate {
    let back = (7 + date.weekday().num_days_from_monday() as i64
        - week_start.num_days_from_monday() as i64)
        % 7;
    date - Duration::days(back)
}

/// The day in `zone` of the UTC instant `utc`.
///
/// A zone's offset from UTC is looked up once per hour of UTC time and kept (a
/// thread's small cache), since the funnel asks for millions of days a pass and
/// chrono-tz's lookup is most of that cost otherwise. An hour is kept only when the
/// offset at its first and last second agree; an hour holding a transition (which can
/// fall at a half or quarter hour) is looked up instant by instant, so the day is always
/// the zone's own.
pub fn local_day(zone: chrono_tz::Tz, utc: chrono::NaiveDateTime) -> NaiveDate {
    use std::cell::RefCell;
    const SLOTS: usize = 4096;
    thread_local! {
        static OFFSETS: RefCell<Vec<(i64, chrono_tz::Tz, i32)>> =
            RefCell::new(vec![(i64::MIN, chrono_tz::Tz::UTC, 0); SLOTS]);
    }
    if zone == chrono_tz::Tz::UTC {
        return utc.date();
    }
    let offset_at = |secs: i64| -> Option<i32> {
        use chrono::{Offset, TimeZone};
        let t = chrono::DateTime::from_timestamp(secs, 0)?.naive_utc();
        Some(zone.offset_from_utc_datetime(&t).fix().local_minus_utc())
    };
    let secs = utc.and_utc().timestamp();
    let hour = secs.div_euclid(3600);
    let slot = hour.rem_euclid(SLOTS as i64) as usize;
    let cached = OFFSETS.with(|c| {
        let e = c.borrow()[slot];
        (e.0 == hour && e.1 == zone).then_some(e.2)
    });
    let offset = match cached {
        Some(o) => o,
        None => {
            let (first, last) = (offset_at(hour * 3600), offset_at(hour * 3600 + 3599));
            match (first, last) {
                (Some(a), Some(b)) if a == b => {
                    OFFSETS.with(|c| c.borrow_mut()[slot] = (hour, zone, a));
                    a
                }
                _ => match offset_at(secs) {
                    Some(o) => o,
                    None => {
                        use chrono::TimeZone;
                        return zone.from_utc_datetime(&utc).date_naive();
                    }
                },
            }
        }
    };
    // Whole days since 1970-01-01 in local time; chrono counts from year 1 (day 719,163).
    let days = (secs + i64::from(offset)).div_euclid(86_400);
    i32::try_from(days + 719_163)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .unwrap_or_else(|| {
            use chrono::TimeZone;
            zone.from_utc_datetime(&utc).date_naive()
        })
}

/// The first day of the calendar month that holds `date`.
pub fn month_start(date: NaiveDate) -> NaiveDate {
    date.with_day(1).expect("day 1 exists in every month")
}

/// `date` moved by `months` (may be negative), keeping its day of the month; a day the
/// target month lacks becomes its last day (31 January + 1 month = 28 or 29 February).
pub fn add_months(date: NaiveDate, months: i32) -> NaiveDate {
    let index = date.year() * 12 + date.month0() as i32 + months;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
    let last = days_in_month(year, month);
    NaiveDate::from_ymd_opt(year, month, date.day().min(last))
        .expect("a day no later than the month's last is a valid date")
}

/// The first day of the month `months` after (or, negative, before) the month holding
/// `date`: for stepping through month, quarter and year starts.
pub fn month_start_plus(date: NaiveDate, months: i32) -> NaiveDate {
    add_months(month_start(date), months)
}

/// Days in `month` (1–12) of `year`.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    let (next_year, next_month) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    let first = NaiveDate::from_ymd_opt(year, month, 1).expect("a valid month");
    let next = NaiveDate::from_ymd_opt(next_year, next_month, 1).expect("a valid month");
    (next - first).num_days() as u32
}

/// The first day of the fiscal quarter that holds `date` (fiscal year starts in
/// `fy_start_month`, 1–12).
pub fn quarter_start(date: NaiveDate, fy_start_month: u32) -> NaiveDate {
    let offset = (date.month0() as i32 - (fy_start_month as i32 - 1)).rem_euclid(3);
    month_start_plus(date, -offset)
}

/// The first day of the fiscal year that holds `date`.
pub fn year_start(date: NaiveDate, fy_start_month: u32) -> NaiveDate {
    let offset = (date.month0() as i32 - (fy_start_month as i32 - 1)).rem_euclid(12);
    month_start_plus(date, -offset)
}

/// True for Monday to Friday, unless `holidays` lists the day.
pub fn is_business_day(date: NaiveDate, holidays: &[NaiveDate]) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&date)
}

/// The `n`-th business day (1-based) on or after `from`, skipping weekends and `holidays`.
pub fn nth_business_day(from: NaiveDate, n: u32, holidays: &[NaiveDate]) -> NaiveDate {
    let mut day = from;
    let mut seen = 0;
    loop {
        if is_business_day(day, holidays) {
            seen += 1;
            if seen == n {
                return day;
            }
        }
        day += Duration::days(1);
    }
}

/// Parses a weekday written as `mon`, `monday`, `Mon` …
pub fn parse_weekday(text: &str) -> Option<Weekday> {
    match text.trim().to_ascii_lowercase().as_str() {
        "mon" | "monday" => Some(Weekday::Mon),
        "tue" | "tues" | "tuesday" => Some(Weekday::Tue),
        "wed" | "wednesday" => Some(Weekday::Wed),
        "thu" | "thurs" | "thursday" => Some(Weekday::Thu),
        "fri" | "friday" => Some(Weekday::Fri),
        "sat" | "saturday" => Some(Weekday::Sat),
        "sun" | "sunday" => Some(Weekday::Sun),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_day_is_the_zones_own_across_transitions_and_odd_offsets() {
        use chrono::TimeZone;
        // Half-hour and 45-minute offsets, a half-hour daylight shift, both hemispheres.
        let zones = [
            chrono_tz::Europe::Berlin,
            chrono_tz::America::New_York,
            chrono_tz::America::St_Johns,
            chrono_tz::Asia::Kathmandu,
            chrono_tz::Australia::Lord_Howe,
            chrono_tz::Pacific::Apia,
            chrono_tz::UTC,
        ];
        let start = NaiveDate::from_ymd_opt(2024, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        for zone in zones {
            // Every 7 minutes and 13 seconds for two years, forwards and then backwards
            // (the cache is warm either way).
            let steps: Vec<i64> = (0..146_000).collect();
            for &i in steps.iter().chain(steps.iter().rev()) {
                let t = start + Duration::seconds(i * 433);
                let by_chrono = zone.from_utc_datetime(&t).date_naive();
                assert_eq!(local_day(zone, t), by_chrono, "{zone} at {t} UTC");
            }
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weeks_start_on_the_configured_day() {
        assert_eq!(week_start(d(2026, 11, 22), Weekday::Mon), d(2026, 11, 16));
        assert_eq!(week_start(d(2026, 11, 16), Weekday::Mon), d(2026, 11, 16));
        assert_eq!(week_start(d(2026, 11, 21), Weekday::Sun), d(2026, 11, 15));
    }

    #[test]
    fn fiscal_quarters_follow_the_fiscal_year_start() {
        assert_eq!(quarter_start(d(2026, 11, 23), 1), d(2026, 10, 1));
        assert_eq!(quarter_start(d(2026, 1, 5), 2), d(2025, 11, 1));
        assert_eq!(year_start(d(2026, 1, 5), 2), d(2025, 2, 1));
        assert_eq!(year_start(d(2026, 3, 5), 2), d(2026, 2, 1));
    }

    #[test]
    fn business_days_skip_weekends() {
        // 2026-11-01 is a Sunday: BD1 is Monday the 2nd, BD6 is Monday the 9th.
        assert_eq!(nth_business_day(d(2026, 11, 1), 1, &[]), d(2026, 11, 2));
        assert_eq!(nth_business_day(d(2026, 11, 1), 6, &[]), d(2026, 11, 9));
    }

    #[test]
    fn business_days_skip_holidays() {
        // Thanksgiving 2026 is Thursday 26 November: BD1 on or after it is Friday the 27th.
        let thanksgiving = [d(2026, 11, 26)];
        assert!(!is_business_day(d(2026, 11, 26), &thanksgiving));
        assert_eq!(
            nth_business_day(d(2026, 11, 26), 1, &thanksgiving),
            d(2026, 11, 27)
        );
        assert_eq!(
            nth_business_day(d(2026, 11, 23), 4, &thanksgiving),
            d(2026, 11, 27)
        );
    }

    #[test]
    fn months_add_across_years_keeping_the_day() {
        assert_eq!(add_months(d(2026, 11, 23), 3), d(2027, 2, 23));
        assert_eq!(add_months(d(2026, 1, 23), -1), d(2025, 12, 23));
        assert_eq!(add_months(d(2025, 12, 15), 12), d(2026, 12, 15));
    }

    #[test]
    fn a_day_the_month_lacks_becomes_its_last_day() {
        assert_eq!(add_months(d(2026, 1, 31), 1), d(2026, 2, 28));
        assert_eq!(add_months(d(2024, 1, 31), 1), d(2024, 2, 29));
        assert_eq!(add_months(d(2024, 2, 29), 12), d(2025, 2, 28));
        assert_eq!(add_months(d(2026, 5, 31), -1), d(2026, 4, 30));
    }

    #[test]
    fn month_starts_step_by_month() {
        assert_eq!(month_start_plus(d(2026, 11, 23), 3), d(2027, 2, 1));
        assert_eq!(month_start_plus(d(2026, 1, 31), -1), d(2025, 12, 1));
        assert_eq!(days_in_month(2026, 2), 28);
        assert_eq!(days_in_month(2028, 2), 29);
        assert_eq!(days_in_month(2026, 12), 31);
    }
}
