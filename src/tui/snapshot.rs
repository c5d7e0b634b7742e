//! Everything the cockpit shows for one date, computed off the UI thread by calling the
//! same `rhythm/` functions as the reports and `rhythm check`.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::charter::Charter;
use crate::facts::{Dataset, Freshness};
use crate::rhythm::annual::{self, AnnualReview};
use crate::rhythm::as_of::as_of;
use crate::rhythm::clock::{Clock, Review};
use crate::rhythm::controls::{self, CheckReport};
use crate::rhythm::kpis::{self, Totals};
use crate::rhythm::minutes::{self, Minutes};
use crate::rhythm::monthly::{self, MonthlyReview};
use crate::rhythm::quarterly::{self, QuarterlyReview};
use crate::rhythm::session::{self, AgendaItem};
use crate::rhythm::weekly::{self, WeeklyReview};

/// A 12-period history: (period start, value or no data), oldest first.
pub type Series = Vec<(NaiveDate, Option<f64>)>;

/// Weekly funnel totals, oldest first; None for a week without data.
pub type Weeks = Vec<(NaiveDate, Option<Totals>)>;

#[derive(Debug, Clone)]
pub struct Snapshot {
    pub at: NaiveDate,
    /// The clock's moment, UTC: what the snapshot judged deliveries and actions at.
    pub now: chrono::NaiveDateTime,
    pub charter: Arc<Charter>,
    pub weekly: WeeklyReview,
    /// The reviews that read the records themselves; None in a first frame shown from
    /// the weekly facts a full load kept (`rhythm::kept`), until the records are loaded.
    pub reviews: Option<Reviews>,
    /// True when `monthly`, `quarterly` and `annual` are the periods in progress, to
    /// date, rather than the last complete ones (`T`).
    pub to_date: bool,
    /// The data-freshness checks (`rhythm check`'s), the header's data age.
    pub data_age: CheckReport,
    pub freshness: Vec<Freshness>,
    /// No import of any kind has been loaded.
    pub empty: bool,
    /// The 12 weeks ending with the reviewed week, all channels.
    pub weeks: Weeks,
    /// Per channel of the weekly snapshot: its 12 weeks.
    pub channel_weeks: Vec<(String, Weeks)>,
    /// The weekly review session's agenda for the reviewed week.
    pub agenda: Vec<AgendaItem>,
    /// What the session of the reviewed week has recorded so far.
    pub minutes: Minutes,
    /// What-if scenarios saved from the budget plan, by name (`o` opens them).
    pub scenarios: Vec<crate::facts::SavedScenario>,
}

/// Every review but the weekly one: each reads the records themselves.
#[derive(Debug, Clone)]
pub struct Reviews {
    pub monthly: MonthlyReview,
    /// The cohort funnel of `monthly`'s month (`rhythm::funnel`, as `report monthly`).
    pub funnel: crate::rhythm::funnel::FunnelReview,
    pub quarterly: QuarterlyReview,
    pub annual: AnnualReview,
    pub checks: CheckReport,
    /// Per charter KPI: its last 12 periods at its cadence, ending with `at`'s period.
    pub kpi_history: Vec<(String, Series)>,
}

impl Reviews {
    pub fn history(&self, kpi: &str) -> Option<&Series> {
        self.kpi_history
            .iter()
            .find(|(k, _)| k == kpi)
            .map(|(_, s)| s)
    }
}

/// A scoped thread's result; its panic is the caller's.
fn joined<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// All views on `clock`, each of its review's default period (`Review::period`, the
/// rule `rhythm report` follows), from the data as it stood then.
pub fn compute(charter: &Arc<Charter>, data: &Dataset, clock: &Clock) -> Snapshot {
    compute_on(charter, data, clock, false)
}

/// The same, with the month, quarter and year to date when `to_date` (`rhythm report
/// --to-date`).
pub fn compute_on(
    charter: &Arc<Charter>,
    data: &Dataset,
    clock: &Clock,
    to_date: bool,
) -> Snapshot {
    compute_cut(charter, &as_of(charter, data, clock), clock, to_date)
}

/// [`compute_on`] from data already cut to `clock` by `as_of` (the loader cuts once and
/// hands the same cut to the fitter: on a million leads the cut and the derivation are
/// most of a period switch).
pub fn compute_cut(
    charter: &Arc<Charter>,
    data: &Dataset,
    clock: &Clock,
    to_date: bool,
) -> Snapshot {
    let period = |r: Review| r.period_on(charter, clock, to_date && r != Review::Weekly);
    let week_period = period(Review::Weekly);
    let week = week_period.start;
    // The reviews read the same cut and nothing of each other: on a million leads the
    // funnel's and the controls' passes over the records take a core each.
    let ((funnel, checks, quarterly), (weekly, monthly, annual), kpi_history) =
        std::thread::scope(|s| {
            let funnel = s.spawn(|| {
                crate::rhythm::funnel::review(
                    charter,
                    &data.records,
                    period(Review::Monthly).start,
                    clock,
                )
            });
            let checks = s.spawn(|| controls::run(charter, data, clock));
            let history = s.spawn(|| {
                charter
                    .kpis
                    .iter()
                    .map(|k| (k.id.clone(), kpis::series(charter, data, &k.id, week, 12)))
                    .collect::<Vec<_>>()
            });
            let quarterly = quarterly::review(charter, data, &period(Review::Quarterly), clock);
            let rest = (
                weekly::review(charter, data, &week_period, clock),
                monthly::review(charter, data, &period(Review::Monthly)),
                annual::review(charter, data, &period(Review::Annual), clock),
            );
            (
                (joined(funnel), joined(checks), quarterly),
                rest,
                joined(history),
            )
        });
    let reviews = Reviews {
        monthly,
        funnel,
        quarterly,
        annual,
        checks,
        kpi_history,
    };
    weekly_snapshot(charter, data, clock, to_date, weekly, Some(reviews))
}

/// The snapshot around `weekly` and `reviews`, from the same data.
fn weekly_snapshot(
    charter: &Arc<Charter>,
    data: &Dataset,
    clock: &Clock,
    to_date: bool,
    weekly: WeeklyReview,
    reviews: Option<Reviews>,
) -> Snapshot {
    let (at, now, week) = (clock.today, clock.now, weekly.week);
    let channel_weeks = weekly
        .snapshot
        .iter()
        .map(|s| {
            (
                s.channel.clone(),
                kpis::weekly_totals(data, week, 12, Some(&s.channel)),
            )
        })
        .collect();
    let r = &data.session;
    Snapshot {
        agenda: session::agenda(charter, &weekly, &r.actions, &r.disputes, now),
        minutes: minutes::minutes(charter, r, week, now),
        scenarios: data.scenarios.clone(),
        at,
        now,
        charter: Arc::clone(charter),
        to_date,
        reviews,
        data_age: controls::data_age(charter, data, clock),
        freshness: data.freshness.clone(),
        empty: data.is_empty(),
        weeks: kpis::weekly_totals(data, week, 12, None),
        channel_weeks,
        weekly,
    }
}

/// The first frame on `clock` from a load without the records (`partial`, uncut) that
/// carries the tallies the store kept for them (`rhythm::kept::with_kept`): the Weekly
/// view's figures as [`compute_on`] gives them, the other reviews not yet (`reviews` is
/// None).
pub fn compute_first(
    charter: &Arc<Charter>,
    partial: &Dataset,
    clock: &Clock,
    to_date: bool,
) -> Snapshot {
    let data = as_of(charter, partial, clock);
    let period = Review::Weekly.period_on(charter, clock, to_date);
    let weekly = crate::rhythm::weekly::review(charter, &data, &period, clock);
    weekly_snapshot(charter, &data, clock, to_date, weekly, None)
}
