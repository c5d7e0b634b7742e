//! The demo's world: the fixed weeks of data/sample/ (104 ending on DEMO_END;
//! `demo::dates` moves them to the day the demo is built) on which its media plan is laid
//! out, the demand of a week's holidays and season, the weeks its planted stories start,
//! its seeded random streams, its charter and the way its CSV text is written. Every
//! other file of the demo builds on these.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::charter::Charter;
use crate::model::history::{HOLIDAY_WEEKS, holiday_week};

/// The last day of the fixed history of data/sample/ (a Sunday): it covers the 104
/// weeks ending here.
pub const DEMO_END: NaiveDate = ymd(2026, 11, 22);

// ── The fixed weeks of data/sample/ ──────────────────────────────────────────────────

pub(super) const WEEKS: usize = 104;
/// Monday of week 0: 103 weeks before the week that ends on DEMO_END.
pub(super) const FIRST_WEEK: NaiveDate = ymd(2024, 11, 25);
/// The week that holds DEMO_END: "this week" of the demo.
pub(super) const CURRENT_WEEK: NaiveDate = ymd(2026, 11, 16);

pub(super) const fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("not a calendar date"),
    }
}

/// The first day of week `week` of the fixed weeks (0 = FIRST_WEEK). The media plan
/// (flights, field events, quarterly budget shifts) is laid out on these weeks and moves
/// with them; the files' dates and the demand of holidays and seasons are the moved
/// calendar's (`DemoDates`).
pub(super) fn week_start(week: usize) -> NaiveDate {
    FIRST_WEEK + Duration::days(7 * week as i64)
}

/// Quarters of the media plan, counted from 2024-Q4 (= 0) on the fixed weeks; a week
/// belongs to the quarter of its Thursday, like an ISO week belongs to the year of its
/// Thursday.
pub(super) const QUARTERS: usize = 9;

pub(super) fn quarter_of_date(date: NaiveDate) -> usize {
    let index = date.year() * 4 + date.month0() as i32 / 3 - (2024 * 4 + 3);
    index.clamp(0, QUARTERS as i32 - 1) as usize
}

pub(super) fn quarter_of_week(week: usize) -> usize {
    quarter_of_date(week_start(week) + Duration::days(3))
}

/// Demand in the week starting `monday` relative to a normal week (a factor, 1 outside
/// the holidays): the week before Christmas slows, Christmas and New Year weeks collapse,
/// the first full week of January recovers. The year-end weeks are the model's
/// (`history::holiday_week`).
pub(super) fn holiday_demand(monday: NaiveDate) -> f64 {
    const DEMAND: [f64; HOLIDAY_WEEKS] = [0.85, 0.5, 0.55, 0.8];
    holiday_week(monday).map_or(1.0, |k| DEMAND[k])
}

/// Yearly seasonality of B2B demand in the week starting `monday` (a factor around 1):
/// strong in March, a summer lull in August, a second peak in October.
pub(super) fn season(monday: NaiveDate) -> f64 {
    let day = f64::from(monday.ordinal());
    let year = 365.25;
    let tau = std::f64::consts::TAU;
    1.0 + 0.05 * (tau * (day - 80.0) / year).cos() + 0.04 * (2.0 * tau * (day - 100.0) / year).cos()
}

/// Slow organic growth of the business: +8% a year.
pub(super) fn trend(week: usize) -> f64 {
    1.0 + 0.08 * week as f64 / 52.0
}

// ── When the stories happen ──────────────────────────────────────────────────────────

/// LinkedIn and content run without flights from here, so stories (a) and (c) have a
/// clean "before".
pub(super) const STORY_STEADY_FROM: usize = WEEKS - 20;
/// Stories (a) and (c) start here: the last nine weeks.
pub(super) const SHIFT_FROM: usize = WEEKS - 9;
/// Story (b): the SEO issue hits the last three weeks.
pub(super) const SEO_ISSUE_FROM: usize = WEEKS - 3;
/// Story (e): lee.brennan's views thin out from here …
pub(super) const LEE_DRIFT_FROM: usize = WEEKS - 13;
/// … and stop here.
pub(super) const LEE_GONE_FROM: usize = WEEKS - 5;
/// The first quarter (index) in which the story channels run exactly at plan.
pub(super) const STORY_QUARTERS_FROM: usize = 7;

// ── Randomness ───────────────────────────────────────────────────────────────────────

/// The stream of one part of the demo: same seed, independent parts.
pub(super) fn stream(seed: u64, part: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(part);
    rng
}

/// Rounds up with probability equal to the fraction, so counts keep their expected value.
pub(super) fn stochastic_round(x: f64, rng: &mut ChaCha8Rng) -> u64 {
    let floor = x.max(0.0).floor();
    floor as u64 + u64::from(rng.random::<f64>() < x - floor)
}

pub(super) fn demo_charter() -> Charter {
    Charter::shipped()
}

// ── CSV writing ──────────────────────────────────────────────────────────────────────

/// CSV text with a header row and '\n' line ends.
pub(super) fn csv_text(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    out.write_record(header).expect("writing to memory");
    for row in rows {
        out.write_record(&row).expect("writing to memory");
    }
    let bytes = out.into_inner().expect("writing to memory");
    String::from_utf8(bytes).expect("the demo writes UTF-8")
}

pub(super) fn timestamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}
