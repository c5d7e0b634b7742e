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
    pub monthly: MonthlyReview,
    pub quarterly: QuarterlyReview,
    pub annual: AnnualReview,
    /// True when `monthly`, `quarterly` and `annual` are the periods in progress, to
    /// date; `other` then holds the last complete ones (and the other way round).
    pub to_date: bool,
    pub other: Box<(MonthlyReview, QuarterlyReview, AnnualReview)>,
    pub checks: CheckReport,
    pub freshness: Vec<Freshness>,
    /// No import of any kind has been loaded.
    pub empty: bool,
    /// The 12 weeks ending with the reviewed week, all channels.
    pub weeks: Weeks,
    /// Per channel of the weekly snapshot: its 12 weeks.
    pub channel_weeks: Vec<(String, Weeks)>,
    /// Per charter KPI: its last 12 periods at its cadence, ending with `at`'s period.
    pub kpi_history: Vec<(String, Series)>,
    /// The weekly review session's agenda for the reviewed week.
    pub agenda: Vec<AgendaItem>,
    /// What the session of the reviewed week has recorded so far.
    pub minutes: Minutes,
}

impl Snapshot {
    /// The same snapshot showing the other periods: to date instead of the last complete
    /// ones, or back.
    pub fn flipped(&self) -> Snapshot {
        let mut s = self.clone();
        let (m, q, a) = *s.other;
        s.other = Box::new((
            std::mem::replace(&mut s.monthly, m),
            std::mem::replace(&mut s.quarterly, q),
            std::mem::replace(&mut s.annual, a),
        ));
        s.to_date = !s.to_date;
        s
    }

    pub fn history(&self, kpi: &str) -> Option<&Series> {
        self.kpi_history
            .iter()
            .find(|(k, _)| k == kpi)
            .map(|(_, s)| s)
    }
}

/// All views on `clock`, each of its review's default period (`Review::period`, the
/// rule `rhythm report` follows), from the data as it stood then.
pub fn compute(charter: &Arc<Charter>, data: &Dataset, clock: &Clock) -> Snapshot {
    let data = &as_of(charter, data, clock);
    let at = clock.today;
    let now = clock.now;
    let period = |r: Review| r.period(charter, clock);
    let to_date = |r: Review| r.to_date(charter, clock);
    let week_period = period(Review::Weekly);
    let week = week_period.start;
    let weekly = weekly::review(charter, data, &week_period, clock);
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
        at,
        now,
        charter: Arc::clone(charter),
        to_date: false,
        other: Box::new((
            monthly::review(charter, data, &to_date(Review::Monthly)),
            quarterly::review(charter, data, &to_date(Review::Quarterly), clock),
            annual::review(charter, data, &to_date(Review::Annual), clock),
        )),
        monthly: monthly::review(charter, data, &period(Review::Monthly)),
        quarterly: quarterly::review(charter, data, &period(Review::Quarterly), clock),
        annual: annual::review(charter, data, &period(Review::Annual), clock),
        checks: controls::run(charter, data, clock),
        freshness: data.freshness.clone(),
        empty: data.is_empty(),
        weeks: kpis::weekly_totals(data, week, 12, None),
        channel_weeks,
        kpi_history: charter
            .kpis
            .iter()
            .map(|k| (k.id.clone(), kpis::series(charter, data, &k.id, week, 12)))
            .collect(),
        weekly,
    }
}
