//! A charter window (`charter::Window`: "quarter", "13 weeks", "90 days") as the days it
//! covers as of a date — the one place a control's or a KPI's window becomes a span.

use chrono::{Duration, NaiveDate};

use super::kpis::Span;
use crate::calendar;
use crate::charter::{Charter, Window};

/// The days `window` covers as of the end of day `at`: the quarter or month to date,
/// the last N days through `at`, or the N complete weeks ending with the last week that
/// is over by the end of `at`.
pub fn span(charter: &Charter, window: Window, at: NaiveDate) -> Span {
    let day_after = at + Duration::days(1);
    match window {
        Window::Quarter => Span::new(
            calendar::quarter_start(at, charter.partnership.fiscal_year_start_month),
            day_after,
        ),
        Window::Month => Span::new(calendar::month_start(at), day_after),
        Window::Weeks(n) => {
            let end = calendar::week_start(day_after, charter.partnership.week_start);
            Span::new(end - Duration::days(7 * i64::from(n)), end)
        }
        Window::Days(n) => Span::new(day_after - Duration::days(i64::from(n)), day_after),
    }
}

/// The first days of the complete weeks of an "N weeks" window as of `at`, oldest first
/// (empty for a window of another form).
pub fn weeks(charter: &Charter, window: Window, at: NaiveDate) -> Vec<NaiveDate> {
    let Window::Weeks(n) = window else {
        return Vec::new();
    };
    let s = span(charter, window, at);
    (0..i64::from(n))
        .map(|i| s.from + Duration::days(7 * i))
        .collect()
}

/// The days of a derived KPI's window for the period `period`: the window as of the
/// period's last day (for "13 weeks": the 13 complete weeks ending with the last one
/// over by the period's end).
pub fn for_period(charter: &Charter, window: Window, period: Span) -> Span {
    span(charter, window, period.to - Duration::days(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn each_form_as_of_a_date() {
        let c = Charter::shipped(); // weeks start on Monday, fiscal year in January
        // Monday 23 November 2026: the week of the 23rd has only begun.
        let at = d(2026, 11, 23);
        assert_eq!(
            span(&c, Window::Quarter, at),
            Span::new(d(2026, 10, 1), d(2026, 11, 24))
        );
        assert_eq!(
            span(&c, Window::Month, at),
            Span::new(d(2026, 11, 1), d(2026, 11, 24))
        );
        // 13 weeks of 7 days back from Monday the 23rd: Monday 24 August.
        assert_eq!(
            span(&c, Window::Weeks(13), at),
            Span::new(d(2026, 8, 24), d(2026, 11, 23))
        );
        // Sunday the 22nd ends the week of the 16th: the same 13 weeks.
        assert_eq!(
            span(&c, Window::Weeks(13), d(2026, 11, 22)),
            Span::new(d(2026, 8, 24), d(2026, 11, 23))
        );
        // Saturday the 21st: the week of the 16th is not over.
        assert_eq!(
            span(&c, Window::Weeks(1), d(2026, 11, 21)),
            Span::new(d(2026, 11, 9), d(2026, 11, 16))
        );
        assert_eq!(
            span(&c, Window::Days(90), at),
            Span::new(d(2026, 8, 26), d(2026, 11, 24))
        );
        assert_eq!(
            weeks(&c, Window::Weeks(3), at),
            vec![d(2026, 11, 2), d(2026, 11, 9), d(2026, 11, 16)]
        );
        // November as a period: the 13 weeks ending with the week of the 23rd (over on
        // the 29th; the week of the 30th runs into December).
        assert_eq!(
            for_period(
                &c,
                Window::Weeks(13),
                Span::new(d(2026, 11, 1), d(2026, 12, 1))
            ),
            Span::new(d(2026, 8, 31), d(2026, 11, 30))
        );
    }
}
