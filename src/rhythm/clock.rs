//! The one clock and the one rule for each review's default period. Every shell — the
//! cockpit, `report`, `check`, `review`, `recommend`, `backtest` — builds a `Clock` here
//! and asks `Review::period` which period to show, so the same day gives the same figures
//! everywhere.
//!
//! The rule, written once:
//! - `--at D` is the end of day D in the charter's time zone; no `--at` is now, read in
//!   that zone. `today` is the zone's calendar date of that moment.
//! - A period is complete once its last day is over: at the end of day D a week ending
//!   on D is complete; on a live clock it is complete from midnight.
//! - Weekly: the last complete week. Monthly, quarterly, annual: the last complete
//!   month, fiscal quarter, fiscal year; `to_date` gives the one in progress instead,
//!   covered up to the end of today and labelled as such.
//! - Nothing dated after the clock is seen: `as_of` (in `as_of.rs`) keeps only what
//!   existed by then.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

use crate::charter::{Cadence, Charter};

/// A moment: the day it falls on in the charter's zone, and the instant itself in UTC
/// (stored times are UTC, so they compare with `now` as they are).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    /// The calendar date of the moment in the charter's zone.
    pub today: NaiveDate,
    /// The moment, UTC.
    pub now: NaiveDateTime,
    /// True at the end of `today` (`--at`): the day itself is over.
    pub day_over: bool,
}

impl Clock {
    /// The end of day `day` in the charter's zone (23:59:59 there): what `--at DAY` means.
    pub fn end_of(charter: &Charter, day: NaiveDate) -> Clock {
        let local = day.and_time(NaiveTime::from_hms_opt(23, 59, 59).expect("valid time"));
        Clock {
            today: day,
            now: local_to_utc(charter, local),
            day_over: true,
        }
    }

    /// The moment `instant`, with its day read in the charter's zone.
    pub fn at_instant(charter: &Charter, instant: DateTime<Utc>) -> Clock {
        Clock {
            today: instant
                .with_timezone(&charter.partnership.timezone)
                .date_naive(),
            now: instant.naive_utc(),
            day_over: false,
        }
    }

    /// `--at D` when given, else the moment `instant` (the shells pass `Utc::now()`).
    pub fn of(charter: &Charter, at: Option<NaiveDate>, instant: DateTime<Utc>) -> Clock {
        at.map_or_else(
            || Clock::at_instant(charter, instant),
            |day| Clock::end_of(charter, day),
        )
    }

    /// The first day not yet over: tomorrow at the end of a day, today while it runs.
    pub fn first_day_not_over(&self) -> NaiveDate {
        if self.day_over {
            self.today + Duration::days(1)
        } else {
            self.today
        }
    }

    /// The last day that is over: `today` at its end, yesterday while it runs.
    pub fn last_day_over(&self) -> NaiveDate {
        self.first_day_not_over() - Duration::days(1)
    }

    /// True when a period ending (exclusive) on `end` is over by this clock.
    pub fn is_complete(&self, end: NaiveDate) -> bool {
        end <= self.first_day_not_over()
    }
}

/// A wall-clock time in the charter's zone (a due time) as a UTC instant. In a spring
/// gap the time does not exist and the instant just after it is used; in an autumn
/// overlap, the later of the two.
pub fn local_to_utc(charter: &Charter, local: NaiveDateTime) -> NaiveDateTime {
    let tz = charter.partnership.timezone;
    let mut probe = local;
    for _ in 0..4 {
        if let Some(t) = tz.from_local_datetime(&probe).latest() {
            return t.naive_utc();
        }
        probe += Duration::minutes(30);
    }
    local
}

/// A UTC instant as wall-clock time in the charter's zone.
pub fn utc_to_local(charter: &Charter, utc: NaiveDateTime) -> NaiveDateTime {
    utc.and_utc()
        .with_timezone(&charter.partnership.timezone)
        .naive_local()
}

/// The four reviews of the operating rhythm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Review {
    Weekly,
    Monthly,
    Quarterly,
    Annual,
}

impl Review {
    pub const ALL: [Review; 4] = [
        Review::Weekly,
        Review::Monthly,
        Review::Quarterly,
        Review::Annual,
    ];

    pub fn cadence(self) -> Cadence {
        match self {
            Review::Weekly => Cadence::Weekly,
            Review::Monthly => Cadence::Monthly,
            Review::Quarterly => Cadence::Quarterly,
            Review::Annual => Cadence::Annual,
        }
    }

    pub fn as_str(self) -> &'static str {
        self.cadence().as_str()
    }

    /// The period this review shows by default: the last complete one.
    pub fn period(self, charter: &Charter, clock: &Clock) -> Period {
        let current = self.current_start(charter, clock.first_day_not_over());
        let start = self.cadence().previous_period(current);
        Period::new(self, start, current, clock)
    }

    /// The last complete period, or with `to_date` the one in progress.
    pub fn period_on(self, charter: &Charter, clock: &Clock, to_date: bool) -> Period {
        if to_date {
            self.to_date(charter, clock)
        } else {
            self.period(charter, clock)
        }
    }

    /// The period in progress on `clock.today`, to date. The weekly review has none: a
    /// week in progress has no weekly data yet, so it gives the last complete week.
    pub fn to_date(self, charter: &Charter, clock: &Clock) -> Period {
        if self == Review::Weekly {
            return self.period(charter, clock);
        }
        let start = self.current_start(charter, clock.today);
        Period::new(self, start, self.cadence().next_period(start), clock)
    }

    fn current_start(self, charter: &Charter, day: NaiveDate) -> NaiveDate {
        let p = &charter.partnership;
        self.cadence()
            .period_start(day, p.week_start, p.fiscal_year_start_month)
    }
}

/// One period of a review: its days, and how much of it has gone by on the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub review: Review,
    /// First day.
    pub start: NaiveDate,
    /// The day after the last day.
    pub end: NaiveDate,
    /// The day after the last day gone by on the clock: `end` for a complete period,
    /// tomorrow for one in progress.
    pub through: NaiveDate,
}

impl Period {
    fn new(review: Review, start: NaiveDate, end: NaiveDate, clock: &Clock) -> Period {
        Period {
            review,
            start,
            end,
            through: end.min(clock.today + Duration::days(1)),
        }
    }

    /// The period of `review` that holds `day`, as seen on `clock`.
    pub fn holding(review: Review, charter: &Charter, day: NaiveDate, clock: &Clock) -> Period {
        let start = review.current_start(charter, day);
        Period::new(review, start, review.cadence().next_period(start), clock)
    }

    pub fn is_complete(&self) -> bool {
        self.through == self.end
    }

    /// The period of `review` holding `day` and the clock at the end of `at`: a period
    /// named by a day in it, for tests and for tools that ask for one period.
    pub fn on(review: Review, charter: &Charter, day: NaiveDate, at: NaiveDate) -> (Period, Clock) {
        let clock = Clock::end_of(charter, at);
        (Period::holding(review, charter, day, &clock), clock)
    }

    /// The period's last day.
    pub fn last_day(&self) -> NaiveDate {
        self.end - Duration::days(1)
    }

    /// Days in the period.
    pub fn days(&self) -> u32 {
        (self.end - self.start).num_days() as u32
    }

    /// Days of the period gone by on the clock.
    pub fn days_gone(&self) -> u32 {
        (self.through - self.start).num_days().max(0) as u32
    }

    /// The period before this one (complete).
    pub fn previous(&self) -> Period {
        let start = self.review.cadence().previous_period(self.start);
        Period {
            review: self.review,
            start,
            end: self.start,
            through: self.start,
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
    fn default_periods_are_the_last_complete_ones() {
        let c = Charter::shipped(); // weeks start Monday, fiscal year in January
        let clock = Clock::end_of(&c, d(2026, 12, 2)); // a Wednesday
        let w = Review::Weekly.period(&c, &clock);
        assert_eq!((w.start, w.end), (d(2026, 11, 23), d(2026, 11, 30)));
        let m = Review::Monthly.period(&c, &clock);
        assert_eq!(
            (m.start, m.end, m.is_complete()),
            (d(2026, 11, 1), d(2026, 12, 1), true)
        );
        let q = Review::Quarterly.period(&c, &clock);
        assert_eq!((q.start, q.end), (d(2026, 7, 1), d(2026, 10, 1)));
        let y = Review::Annual.period(&c, &clock);
        assert_eq!((y.start, y.end), (d(2025, 1, 1), d(2026, 1, 1)));
    }

    #[test]
    fn a_period_to_date_says_how_far_it_has_gone() {
        let c = Charter::shipped();
        let m = Review::Monthly.to_date(&c, &Clock::end_of(&c, d(2026, 11, 22)));
        assert_eq!(
            (m.start, m.end, m.through),
            (d(2026, 11, 1), d(2026, 12, 1), d(2026, 11, 23))
        );
        assert_eq!((m.days_gone(), m.days(), m.is_complete()), (22, 30, false));
    }

    #[test]
    fn a_sunday_week_completes_at_the_end_of_sunday() {
        let c = Charter::shipped();
        // The end of Sunday 2026-11-29 ends the week of the 23rd.
        let w = Review::Weekly.period(&c, &Clock::end_of(&c, d(2026, 11, 29)));
        assert_eq!(w.start, d(2026, 11, 23));
        // On Sunday afternoon it is still running.
        let afternoon = DateTime::parse_from_rfc3339("2026-11-29T15:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let w = Review::Weekly.period(&c, &Clock::at_instant(&c, afternoon));
        assert_eq!(w.start, d(2026, 11, 16));
        // The end of Saturday: the week of the 16th is the last one over.
        let w = Review::Weekly.period(&c, &Clock::end_of(&c, d(2026, 11, 28)));
        assert_eq!(w.start, d(2026, 11, 16));
        // The end of 30 November ends November.
        let m = Review::Monthly.period(&c, &Clock::end_of(&c, d(2026, 11, 30)));
        assert_eq!(m.start, d(2026, 11, 1));
        let m = Review::Monthly.to_date(&c, &Clock::end_of(&c, d(2026, 11, 30)));
        assert_eq!((m.start, m.is_complete()), (d(2026, 11, 1), true));
    }

    fn new_york() -> Charter {
        let text = crate::charter::SHIPPED.replacen(
            "timezone = \"UTC\"",
            "timezone = \"America/New_York\"",
            1,
        );
        Charter::parse(&text, std::path::Path::new("partnership.toml")).unwrap()
    }

    #[test]
    fn due_rules_are_wall_clock_times_in_the_charters_zone() {
        let c = new_york();
        let due = |from: NaiveDate| {
            let until = Clock::end_of(&c, from + Duration::days(6)).now;
            crate::rhythm::sla::expected_deliveries(&c, from, until)
                .into_iter()
                .find(|e| e.deliverable == "campaign-snapshot")
                .unwrap()
                .due_at
        };
        // "mon 12:00" in New York: 17:00 UTC in winter (EST), 16:00 UTC in summer (EDT).
        assert_eq!(
            due(d(2026, 11, 16)),
            d(2026, 11, 16).and_hms_opt(17, 0, 0).unwrap()
        );
        assert_eq!(
            due(d(2026, 7, 13)),
            d(2026, 7, 13).and_hms_opt(16, 0, 0).unwrap()
        );
    }

    #[test]
    fn now_is_read_in_the_charters_zone() {
        let c = new_york();
        // 03:00 UTC on 2 December is 22:00 on 1 December in New York.
        let instant = DateTime::parse_from_rfc3339("2026-12-02T03:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let clock = Clock::of(&c, None, instant);
        assert_eq!(clock.today, d(2026, 12, 1));
        assert_eq!(clock.now, instant.naive_utc());
        // The end of 1 December in New York (UTC−5) is 04:59:59 UTC on the 2nd.
        let end = Clock::of(&c, Some(d(2026, 12, 1)), instant);
        assert_eq!(end.now, d(2026, 12, 2).and_hms_opt(4, 59, 59).unwrap());
    }
}
