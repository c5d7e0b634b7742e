//! Where the demo's history sits on the calendar. The weeks of data/sample/
//! (`world::FIRST_WEEK` to `world::DEMO_END`) move by a whole number of weeks so that the
//! newest is the last complete week before the day the demo is built on. Whole weeks
//! keep weekdays and weekly due rules; the media plan (flights, field events, quarterly
//! budget shifts) and the stories keep their weeks. What follows the calendar is the
//! moved calendar's: the demand of the year-end holidays and the seasons (the response
//! model's year-end weeks and seasons are dates, so they must find the dips where they
//! are), and the months and quarters of KPI periods, plans, monthly and quarterly
//! deliverables and NPS waves.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};

use super::world::{CURRENT_WEEK, FIRST_WEEK, WEEKS, holiday_demand, season, ymd};
use crate::calendar;

/// The day data/sample/ is built for: the Monday after `world::DEMO_END`, so the
/// committed files are the fixed history, not moved, with nothing after it.
pub const SAMPLE_TODAY: NaiveDate = ymd(2026, 11, 23);

/// The demo's calendar: how far the fixed history moves, and the day it is built on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoDates {
    /// Days the fixed history moves by: a whole number of weeks, negative for a day
    /// before the fixed history ends.
    shift_days: i64,
    today: NaiveDate,
}

impl DemoDates {
    /// The demo built on `today`, for weeks that start on `week_start`: its newest week
    /// is the last complete week before the week that holds `today`.
    ///
    /// The fixed weeks start on a Monday; for a charter whose weeks start on another day
    /// the history still moves by whole weeks, its newest week ending before `today`.
    pub fn for_today(today: NaiveDate, week_start: Weekday) -> DemoDates {
        let newest_week = calendar::week_start(today, week_start) - Duration::days(7);
        let weeks = (newest_week - CURRENT_WEEK).num_days().div_euclid(7);
        DemoDates {
            shift_days: 7 * weeks,
            today,
        }
    }

    /// The calendar of data/sample/: the fixed history, built on [`SAMPLE_TODAY`].
    pub fn sample() -> DemoDates {
        DemoDates::for_today(SAMPLE_TODAY, FIRST_WEEK.weekday())
    }

    /// Whole weeks the fixed history moves by (negative: back).
    pub fn shift_weeks(&self) -> i64 {
        self.shift_days / 7
    }

    /// The day the demo is built on.
    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// The first day of the demo's first week.
    pub fn first_week(&self) -> NaiveDate {
        self.moved(FIRST_WEEK)
    }

    /// The first day of the demo's newest week: the last complete week before today.
    pub fn current_week(&self) -> NaiveDate {
        self.moved(CURRENT_WEEK)
    }

    /// The last day of the demo's history (the newest week's last day).
    pub fn end(&self) -> NaiveDate {
        self.current_week() + Duration::days(6)
    }

    /// The first moment after the history's newest week.
    pub(super) fn end_moment(&self) -> NaiveDateTime {
        midnight(self.end() + Duration::days(1))
    }

    /// The first moment of today: nothing the demo writes happens at or after it.
    pub(super) fn now(&self) -> NaiveDateTime {
        midnight(self.today)
    }

    /// The first day of demo week `week` (0 = the first of the 104; `WEEKS` is the week
    /// that holds today).
    pub(super) fn week_start(&self, week: usize) -> NaiveDate {
        self.first_week() + Duration::days(7 * week as i64)
    }

    /// The demo week (0..WEEKS) that holds `date`, if any.
    pub(super) fn week_of(&self, date: NaiveDate) -> Option<usize> {
        let days = (date - self.first_week()).num_days();
        (0..7 * WEEKS as i64)
            .contains(&days)
            .then_some((days / 7) as usize)
    }

    /// A day of the fixed history, moved onto the demo's calendar.
    pub(super) fn moved(&self, fixed: NaiveDate) -> NaiveDate {
        fixed + Duration::days(self.shift_days)
    }

    /// The day of the fixed history that `date` of the demo's calendar was moved from.
    pub(super) fn fixed(&self, date: NaiveDate) -> NaiveDate {
        date - Duration::days(self.shift_days)
    }

    /// Demand in demo week `week` relative to a normal week, for the holidays of the
    /// demo's calendar (`world::holiday_demand`: a factor, 1 outside them).
    pub(super) fn holiday_factor(&self, week: usize) -> f64 {
        holiday_demand(self.week_start(week))
    }

    /// The season's demand in demo week `week` on the demo's calendar (`world::season`:
    /// a factor around 1).
    pub(super) fn seasonality(&self, week: usize) -> f64 {
        season(self.week_start(week))
    }
}

fn midnight(date: NaiveDate) -> NaiveDateTime {
    date.and_hms_opt(0, 0, 0).expect("midnight exists")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::world::DEMO_END;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_sample_is_the_fixed_history() {
        let dates = DemoDates::sample();
        assert_eq!(dates.shift_weeks(), 0);
        assert_eq!(dates.first_week(), FIRST_WEEK);
        assert_eq!(dates.end(), DEMO_END);
        assert_eq!(dates.end_moment(), dates.now(), "nothing after the history");
    }

    #[test]
    fn the_newest_week_is_the_last_complete_week_before_today() {
        // (today, the newest week's Monday): a Monday, a Wednesday, a Sunday, and days
        // before the fixed history ends.
        let cases = [
            (d(2026, 11, 23), d(2026, 11, 16)),
            (d(2026, 11, 29), d(2026, 11, 16)),
            (d(2026, 11, 30), d(2026, 11, 23)),
            (d(2026, 12, 2), d(2026, 11, 23)),
            (d(2027, 3, 15), d(2027, 3, 8)),
            (d(2027, 3, 21), d(2027, 3, 8)),
            (d(2026, 6, 10), d(2026, 6, 1)),
        ];
        for (today, newest) in cases {
            let dates = DemoDates::for_today(today, Weekday::Mon);
            assert_eq!(dates.current_week(), newest, "built on {today}");
            assert_eq!(dates.end(), newest + Duration::days(6));
            assert!(dates.end() < today && today - dates.end() <= Duration::days(7));
            assert_eq!(dates.first_week().weekday(), Weekday::Mon);
            assert_eq!(dates.week_start(WEEKS - 1), newest);
            assert_eq!(dates.week_of(newest + Duration::days(6)), Some(WEEKS - 1));
            assert_eq!(dates.week_of(today), None, "today's week is not history");
            assert_eq!(dates.fixed(dates.moved(FIRST_WEEK)), FIRST_WEEK);
        }
    }

    #[test]
    fn a_sunday_start_still_ends_before_today() {
        for today in [d(2026, 12, 2), d(2027, 3, 14), d(2027, 3, 15)] {
            let dates = DemoDates::for_today(today, Weekday::Sun);
            let this_week = calendar::week_start(today, Weekday::Sun);
            assert!(dates.end() < this_week, "built on {today}: {}", dates.end());
            assert!(this_week - dates.end() <= Duration::days(7));
        }
    }
}
