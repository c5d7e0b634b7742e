//! The Weekly view's facts from the records, kept for the cockpit's first frame: on a
//! million leads loading the records takes about a second, and the Weekly view reads of
//! them only what the cut derives (the channel weeks, the records' freshness, the week's
//! unmapped line). A full load keeps them with the clocks they hold for; the next first
//! frame whose clock cuts the records the same way shows the Weekly view from them and a
//! load without the records, the same figures as the full computation, while the records
//! load behind it.

use super::as_of::cut_window;
use super::clock::{Clock, Period, Review};
use super::weekly::{self, WeeklyReview};
use crate::charter::Charter;
use crate::facts::{Dataset, KeptWeeks, Window};

/// The import kinds whose freshness the records give: theirs, and the channels' (the
/// derived weeks are the channels' data).
const FROM_RECORDS: [&str; 4] = ["channels", "leads", "opportunities", "spend"];

/// What `cut` — `all` as of `clock`, by `as_of` — gives the Weekly view, and the clocks
/// it holds for; `weekly` is the weekly review computed from `cut`.
pub fn kept_weeks(
    charter: &Charter,
    all: &Dataset,
    cut: &Dataset,
    clock: &Clock,
    weekly: &WeeklyReview,
) -> KeptWeeks {
    let (instants, days) = cut_window(&all.records, clock, charter.partnership.week_start);
    KeptWeeks {
        instants,
        days,
        week: weekly.week,
        channel_weeks: cut.channel_weeks.clone(),
        freshness: cut
            .freshness
            .iter()
            .filter(|f| FROM_RECORDS.contains(&f.kind.as_str()))
            .cloned()
            .collect(),
        unmapped: weekly.unmapped,
    }
}

/// [`kept_weeks`] of `all` as of `clock`, computing what it needs: the cut and the
/// weekly review (an import's refresh of what the cockpit keeps).
pub fn keep_from(charter: &Charter, all: &Dataset, clock: &Clock) -> KeptWeeks {
    let cut = super::as_of::as_of(charter, all, clock);
    let weekly = weekly::review(charter, &cut, &Review::Weekly.period(charter, clock), clock);
    kept_weeks(charter, all, &cut, clock, &weekly)
}

fn within<T: Ord>(at: T, (from, until): &Window<T>) -> bool {
    from.as_ref().is_none_or(|f| *f <= at) && until.as_ref().is_none_or(|u| at < *u)
}

/// Whether `kept` is what the records give as of `clock`: the clock cuts them as the
/// kept one did, and reviews the same week.
pub fn holds(charter: &Charter, kept: &KeptWeeks, clock: &Clock) -> bool {
    within(clock.now, &kept.instants)
        && within(clock.first_day_not_over(), &kept.days)
        && Review::Weekly.period(charter, clock).start == kept.week
}

/// `partial` — a load without the records, cut by `as_of` to a clock `kept` holds for —
/// with what `kept` says the records give.
pub fn with_kept(mut partial: Dataset, kept: &KeptWeeks) -> Dataset {
    partial.channel_weeks = kept.channel_weeks.clone();
    partial
        .freshness
        .retain(|f| !FROM_RECORDS.contains(&f.kind.as_str()));
    partial.freshness.extend(kept.freshness.iter().cloned());
    partial.freshness.sort_by(|a, b| a.kind.cmp(&b.kind));
    partial
}

/// The weekly review of [`with_kept`]'s data: `weekly::review`, with the kept week's
/// unmapped line (the one figure of the review that reads the records themselves).
pub fn weekly_review(
    charter: &Charter,
    data: &Dataset,
    kept: &KeptWeeks,
    period: &Period,
    clock: &Clock,
) -> WeeklyReview {
    WeeklyReview {
        unmapped: kept.unmapped,
        ..weekly::review(charter, data, period, clock)
    }
}
