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
