//! Cadences and due rules: when a deliverable falls due within its period.

use std::sync::Arc;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

use crate::calendar;

/// How often something recurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cadence {
    Weekly,
    Monthly,
    Quarterly,
    Annual,
}

impl Cadence {
    pub const ALL: [Cadence; 4] = [
        Cadence::Weekly,
        Cadence::Monthly,
        Cadence::Quarterly,
        Cadence::Annual,
    ];

    pub fn parse(text: &str) -> Option<Cadence> {
        match text.trim().to_ascii_lowercase().as_str() {
            "weekly" => Some(Cadence::Weekly),
            "monthly" => Some(Cadence::Monthly),
            "quarterly" => Some(Cadence::Quarterly),
            "annual" | "annually" | "yearly" => Some(Cadence::Annual),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Cadence::Weekly => "weekly",
            Cadence::Monthly => "monthly",
            Cadence::Quarterly => "quarterly",
            Cadence::Annual => "annual",
        }
    }

    /// The first day of the period of this cadence that holds `date`.
    pub fn period_start(self, date: NaiveDate, week_start: Weekday, fy_month: u32) -> NaiveDate {
        match self {
            Cadence::Weekly => calendar::week_start(date, week_start),
            Cadence::Monthly => calendar::month_start(date),
            Cadence::Quarterly => calendar::quarter_start(date, fy_month),
            Cadence::Annual => calendar::year_start(date, fy_month),
        }
    }

    /// The first day of the period after the one starting at `start`.
    pub fn next_period(self, start: NaiveDate) -> NaiveDate {
        match self {
            Cadence::Weekly => start + Duration::days(7),
            Cadence::Monthly => calendar::month_start_plus(start, 1),
            Cadence::Quarterly => calendar::month_start_plus(start, 3),
            Cadence::Annual => calendar::month_start_plus(start, 12),
        }
    }

    /// The first day of the period before the one starting at `start`.
    pub fn previous_period(self, start: NaiveDate) -> NaiveDate {
        match self {
            Cadence::Weekly => start - Duration::days(7),
            Cadence::Monthly => calendar::month_start_plus(start, -1),
            Cadence::Quarterly => calendar::month_start_plus(start, -3),
            Cadence::Annual => calendar::month_start_plus(start, -12),
        }
    }
}

/// When, within its period, a deliverable is due. The period of a delivery is the one
/// in which it falls due.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DueRule {
    /// Weekly: a weekday and time of the period's week, e.g. `mon 10:00`. Holidays do not
    /// move it.
    Weekday { day: Weekday, time: NaiveTime },
    /// Monthly or quarterly: business day N (1-based), e.g. `BD3 17:00`. Weekends and
    /// the charter's holidays (`[definitions] holidays`, carried here) are skipped.
    BusinessDay {
        n: u32,
        time: NaiveTime,
        holidays: Arc<[NaiveDate]>,
    },
    /// Annual: a month and day in the fiscal year, e.g. `11-15 17:00`.
    MonthDay {
        month: u32,
        day: u32,
        time: NaiveTime,
    },
}

/// Business days that exist in every period of the cadence (February has 20).
fn max_business_day(cadence: Cadence) -> u32 {
    match cadence {
        Cadence::Quarterly => 60,
        _ => 20,
    }
}

impl DueRule {
    /// Parses a due rule for a deliverable of `cadence`. The error says what form is expected.
    pub fn parse(text: &str, cadence: Cadence) -> Result<DueRule, String> {
        let mut parts = text.split_whitespace();
        let head = parts.next().unwrap_or("");
        let time = match parts.next() {
            None => NaiveTime::from_hms_opt(17, 0, 0).expect("valid time"),
            Some(t) => NaiveTime::parse_from_str(t, "%H:%M")
                .map_err(|_| format!("time '{t}' is not HH:MM (24-hour)"))?,
        };
        if parts.next().is_some() {
            return Err(format!("due rule '{text}' has extra words"));
        }
        match cadence {
            Cadence::Weekly => calendar::parse_weekday(head)
                .map(|day| DueRule::Weekday { day, time })
                .ok_or_else(|| {
                    format!(
                        "weekly due rule '{text}' must be a weekday and time, e.g. \"mon 10:00\""
                    )
                }),
            Cadence::Monthly | Cadence::Quarterly => {
                let max = max_business_day(cadence);
                let n = head
                    .strip_prefix("BD")
                    .or_else(|| head.strip_prefix("bd"))
                    .and_then(|n| n.parse::<u32>().ok())
                    .ok_or_else(|| {
                        format!(
                            "{cadence} due rule '{text}' must be a business day and time, e.g. \"BD3 17:00\""
                        )
                    })?;
                if n == 0 || n > max {
                    return Err(format!(
                        "business day {n} is out of range: a {cadence} period always has business days 1 to {max}"
                    ));
                }
                Ok(DueRule::BusinessDay {
                    n,
                    time,
                    holidays: Arc::from(Vec::new()),
                })
            }
            Cadence::Annual => {
                let bad = || {
                    format!(
                        "annual due rule '{text}' must be a month-day and time, e.g. \"11-15 17:00\""
                    )
                };
                let (m, d) = head.split_once('-').ok_or_else(bad)?;
                let month: u32 = m.parse().map_err(|_| bad())?;
                let day: u32 = d.parse().map_err(|_| bad())?;
                // 2025 is not a leap year: 02-29 is refused because it does not occur every year.
                if NaiveDate::from_ymd_opt(2025, month, day).is_none() {
                    return Err(format!("'{head}' is not a date that occurs every year"));
                }
                Ok(DueRule::MonthDay { month, day, time })
            }
        }
    }

    /// The same rule counting business days in a calendar with `holidays`.
    pub fn with_holidays(self, holidays: &Arc<[NaiveDate]>) -> DueRule {
        match self {
            DueRule::BusinessDay { n, time, .. } => DueRule::BusinessDay {
                n,
                time,
                holidays: Arc::clone(holidays),
            },
            other => other,
        }
    }

    /// The moment a delivery for the period starting at `period_start` is due.
    pub fn due_at(&self, period_start: NaiveDate) -> NaiveDateTime {
        match *self {
            DueRule::Weekday { day, time } => {
                let offset = (7 + day.num_days_from_monday() as i64
                    - period_start.weekday().num_days_from_monday() as i64)
                    % 7;
                (period_start + Duration::days(offset)).and_time(time)
            }
            DueRule::BusinessDay {
                n,
                time,
                ref holidays,
            } => calendar::nth_business_day(period_start, n, holidays).and_time(time),
            DueRule::MonthDay { month, day, time } => {
                let this_year = NaiveDate::from_ymd_opt(period_start.year(), month, day)
                    .expect("validated month-day");
                let date = if this_year >= period_start {
                    this_year
                } else {
                    NaiveDate::from_ymd_opt(period_start.year() + 1, month, day)
                        .expect("validated month-day")
                };
                date.and_time(time)
            }
        }
    }

    /// The rule as written in the charter.
    pub fn describe(&self) -> String {
        match self {
            DueRule::Weekday { day, time } => format!("{day} {}", time.format("%H:%M")),
            DueRule::BusinessDay { n, time, .. } => format!("BD{n} {}", time.format("%H:%M")),
            DueRule::MonthDay { month, day, time } => {
                format!("{month:02}-{day:02} {}", time.format("%H:%M"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekly_rules_fall_in_the_period_week() {
        let rule = DueRule::parse("thu 12:00", Cadence::Weekly).unwrap();
        assert_eq!(
            rule.due_at(d(2026, 11, 16)),
            d(2026, 11, 19).and_hms_opt(12, 0, 0).unwrap()
        );
    }

    #[test]
    fn business_day_rules_skip_weekends() {
        let rule = DueRule::parse("BD3 17:00", Cadence::Monthly).unwrap();
        // November 2026 starts on a Sunday: BD3 is Wednesday the 4th.
        assert_eq!(
            rule.due_at(d(2026, 11, 1)),
            d(2026, 11, 4).and_hms_opt(17, 0, 0).unwrap()
        );
    }

    #[test]
    fn business_day_rules_skip_the_charters_holidays() {
        // January 2026: Thu 1st (a holiday here), Fri 2nd, Mon 5th, Tue 6th. Without the
        // holiday BD3 is Mon 5th; with it, Fri 2nd is BD1, Mon 5th BD2, Tue 6th BD3.
        let rule = DueRule::parse("BD3 17:00", Cadence::Monthly).unwrap();
        assert_eq!(
            rule.due_at(d(2026, 1, 1)),
            d(2026, 1, 5).and_hms_opt(17, 0, 0).unwrap()
        );
        let holidays: Arc<[NaiveDate]> = Arc::from(vec![d(2026, 1, 1)]);
        let rule = rule.with_holidays(&holidays);
        assert_eq!(
            rule.due_at(d(2026, 1, 1)),
            d(2026, 1, 6).and_hms_opt(17, 0, 0).unwrap()
        );
        // A weekday rule does not move for a holiday.
        let weekly = DueRule::parse("thu 12:00", Cadence::Weekly)
            .unwrap()
            .with_holidays(&holidays);
        assert_eq!(
            weekly.due_at(d(2025, 12, 29)),
            d(2026, 1, 1).and_hms_opt(12, 0, 0).unwrap()
        );
    }

    #[test]
    fn annual_rules_are_dates_in_the_fiscal_year() {
        let rule = DueRule::parse("01-15 09:00", Cadence::Annual).unwrap();
        // Fiscal year starting February 2026: 15 January falls in 2027.
        assert_eq!(
            rule.due_at(d(2026, 2, 1)),
            d(2027, 1, 15).and_hms_opt(9, 0, 0).unwrap()
        );
    }

    #[test]
    fn malformed_rules_say_what_is_expected() {
        assert!(
            DueRule::parse("someday", Cadence::Weekly)
                .unwrap_err()
                .contains("weekday")
        );
        assert!(
            DueRule::parse("BD0", Cadence::Monthly)
                .unwrap_err()
                .contains("out of range")
        );
        assert!(DueRule::parse("BD21", Cadence::Monthly).is_err());
        assert!(DueRule::parse("BD40", Cadence::Quarterly).is_ok());
        assert!(DueRule::parse("02-29", Cadence::Annual).is_err());
        assert!(
            DueRule::parse("mon 25:00", Cadence::Weekly)
                .unwrap_err()
                .contains("HH:MM")
        );
    }
}
