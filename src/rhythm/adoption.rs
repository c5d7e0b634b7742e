//! Dashboard adoption among the charter's marketing leaders, leaders drifting away, and
//! dashboards nobody opens any more (seed 000: "dashboards nobody asked for").
//!
//! A week is identified by its first day under the charter's week start; usage rows
//! (`UsageWeek`) are keyed the same way. A week without any usage row for anyone is
//! treated as not loaded: its rate is no data, never 0%.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use crate::calendar;
use crate::charter::{Charter, Stakeholder};
use crate::facts::{DashboardDays, DashboardUse, UsageWeek};

/// Weeks that make up "recently" for drift.
const RECENT_WEEKS: i64 = 4;

/// Adoption in one week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Adoption {
    /// First day of the week.
    pub week: NaiveDate,
    /// Stakeholders flagged `marketing_leader` in the charter.
    pub leaders: u32,
    /// Leader stakeholder ids with at least one dashboard view in the week (charter order).
    pub active: Vec<String>,
    /// Leader stakeholder ids without a view in the week; empty when the week has no
    /// usage data at all.
    pub inactive: Vec<String>,
    /// active / leaders as a fraction 0..1; None when the charter names no leaders or no
    /// usage was loaded for the week.
    pub rate: Option<f64>,
}

/// A marketing leader who used the dashboards regularly and has stopped.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Drift {
    /// Stakeholder id.
    pub stakeholder: String,
    pub name: String,
    /// First day of the latest week with a view, up to the week looked at.
    pub last_seen: Option<NaiveDate>,
    /// Weeks with a view in the lookback window before the last 4 weeks.
    pub weeks_active_before: u32,
}

fn leaders(charter: &Charter) -> impl Iterator<Item = &Stakeholder> {
    charter.stakeholders.iter().filter(|s| s.marketing_leader)
}

fn week_of(charter: &Charter, date: NaiveDate) -> NaiveDate {
    calendar::week_start(date, charter.partnership.week_start)
}

/// Stakeholder ids with at least one view in `week` (already a week start).
fn viewers(charter: &Charter, usage: &[UsageWeek], week: NaiveDate) -> BTreeSet<String> {
    usage
        .iter()
        .filter(|u| u.week == week && u.views > 0)
        .filter_map(|u| charter.stakeholder_for_bi_user(&u.user))
        .map(|s| s.id.clone())
        .collect()
}

fn has_data(usage: &[UsageWeek], week: NaiveDate) -> bool {
    usage.iter().any(|u| u.week == week)
}

/// Which marketing leaders opened a dashboard in the week holding `week`.
pub fn weekly_adoption(charter: &Charter, usage: &[UsageWeek], week: NaiveDate) -> Adoption {
    let week = week_of(charter, week);
    let ids: Vec<&str> = leaders(charter).map(|s| s.id.as_str()).collect();
    let loaded = has_data(usage, week);
    let seen = viewers(charter, usage, week);
    let (active, inactive): (Vec<&str>, Vec<&str>) = ids.iter().partition(|id| seen.contains(**id));
    let owned = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
    let leaders = ids.len() as u32;
    Adoption {
        week,
        leaders,
        rate: (loaded && leaders > 0).then(|| active.len() as f64 / f64::from(leaders)),
        active: owned(active),
        inactive: if loaded { owned(inactive) } else { Vec::new() },
    }
}

/// Weekly adoption for each of `weeks`, in the given order.
pub fn adoption_trend(
    charter: &Charter,
    usage: &[UsageWeek],
    weeks: &[NaiveDate],
) -> Vec<Adoption> {
    weeks
        .iter()
        .map(|w| weekly_adoption(charter, usage, *w))
        .collect()
}

/// The mean of the weeks' rates that have data, fraction 0..1; None when none has.
pub fn average_rate(list: &[Adoption]) -> Option<f64> {
    let rates: Vec<f64> = list.iter().filter_map(|a| a.rate).collect();
    crate::rhythm::stats::mean(&rates)
}

/// Leaders active in at least half of the `lookback_weeks` weeks before the last 4 weeks,
/// but in at most one of the last 4 weeks ending with the week holding `week`. Empty when
/// no usage was loaded for any of the last 4 weeks (a missing import is not drift).
pub fn drifting_leaders(
    charter: &Charter,
    usage: &[UsageWeek],
    week: NaiveDate,
    lookback_weeks: u32,
) -> Vec<Drift> {
    let last = week_of(charter, week);
    let recent: Vec<NaiveDate> = (0..RECENT_WEEKS)
        .map(|i| last - Duration::weeks(i))
        .collect();
    if lookback_weeks == 0 || !recent.iter().any(|w| has_data(usage, *w)) {
        return Vec::new();
    }
    let before: Vec<NaiveDate> = (0..i64::from(lookback_weeks))
        .map(|i| last - Duration::weeks(RECENT_WEEKS + i))
        .collect();
    leaders(charter)
        .filter_map(|s| {
            let active_in = |weeks: &[NaiveDate]| {
                weeks
                    .iter()
                    .filter(|w| viewers(charter, usage, **w).contains(&s.id))
                    .count() as u32
            };
            let weeks_active_before = active_in(&before);
            let drifted = 2 * weeks_active_before >= lookback_weeks && active_in(&recent) <= 1;
            drifted.then(|| Drift {
                stakeholder: s.id.clone(),
                name: s.name.clone(),
                last_seen: last_seen(charter, usage, s, last),
                weeks_active_before,
            })
        })
        .collect()
}

/// The latest week up to `until` in which `leader` viewed a dashboard.
fn last_seen(
    charter: &Charter,
    usage: &[UsageWeek],
    leader: &Stakeholder,
    until: NaiveDate,
) -> Option<NaiveDate> {
    usage
        .iter()
        .filter(|u| u.week <= until && u.views > 0)
        .filter(|u| {
            charter
                .stakeholder_for_bi_user(&u.user)
                .is_some_and(|s| s.id == leader.id)
        })
        .map(|u| u.week)
        .max()
}

/// Dashboards not viewed in the last `days` days up to and including `today` (last view
/// on or before `today − days`): candidates to retire. Oldest last view first.
pub fn unused_dashboards(
    dashboards: &[DashboardDays],
    today: NaiveDate,
    days: i64,
) -> Vec<DashboardUse> {
    let cutoff = today - Duration::days(days);
    // Each dashboard's days up to `today`: its latest view and all its views.
    let mut list: Vec<DashboardUse> = dashboards
        .iter()
        .filter_map(|d| {
            let seen = d.days.partition_point(|(day, _)| *day <= today);
            let (last, _) = *d.days[..seen].last()?;
            Some(DashboardUse {
                dashboard: d.dashboard.clone(),
                last_viewed: last,
                views: d.days[..seen].iter().map(|(_, v)| v).sum(),
            })
        })
        .filter(|d| d.last_viewed <= cutoff)
        .collect();
    list.sort_by(|a, b| {
        a.last_viewed
            .cmp(&b.last_viewed)
            .then_with(|| a.dashboard.cmp(&b.dashboard))
    });
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charter() -> Charter {
        Charter::shipped()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn use_(user: &str, week: NaiveDate, views: u64) -> UsageWeek {
        UsageWeek {
            user: user.into(),
            week,
            views,
        }
    }

    const DANA: &str = "dana.whitfield@atlas-eor.com";
    const DANA2: &str = "DWhitfield";
    const SAM: &str = "sam.okafor@atlas-eor.com";
    const LEE: &str = "lee.brennan@atlas-eor.com";
    const MARCO: &str = "marco.silva@atlas-eor.com";
    const CHRIS: &str = "chris.adeyemi@atlas-eor.com"; // VP Sales: not a marketing leader

    #[test]
    fn weekly_adoption_counts_leaders_once() {
        let c = charter(); // 6 marketing leaders: dana, sam, lee, marco, jordan, aisha
        let w = d(2025, 3, 3);
        let usage = [
            use_(DANA, w, 3),
            use_(DANA2, w, 1), // Dana's second BI user, matched case-insensitively
            use_(SAM, w, 2),
            use_(CHRIS, w, 9),
            use_("someone@else.com", w, 4),
            use_(LEE, d(2025, 3, 10), 1), // the next week
        ];
        // Any day of the week names the week.
        let a = weekly_adoption(&c, &usage, d(2025, 3, 6));
        assert_eq!(a.week, w);
        assert_eq!(a.leaders, 6);
        assert_eq!(a.active, vec!["dana", "sam"]);
        assert_eq!(a.inactive, vec!["lee", "marco", "jordan", "aisha"]);
        assert_eq!(a.rate, Some(2.0 / 6.0));
    }

    #[test]
    fn a_week_without_usage_data_is_no_data_not_zero() {
        let c = charter();
        let usage = [use_(CHRIS, d(2025, 3, 3), 1)];
        // Only a non-leader used it: the data is there, and adoption is 0%.
        assert_eq!(weekly_adoption(&c, &usage, d(2025, 3, 3)).rate, Some(0.0));
        // Nothing loaded for the week after.
        let later = weekly_adoption(&c, &usage, d(2025, 3, 10));
        assert_eq!(later.rate, None);
        assert!(later.inactive.is_empty());
        // A charter without leaders has no rate either.
        let mut none = charter();
        none.stakeholders
            .iter_mut()
            .for_each(|s| s.marketing_leader = false);
        assert_eq!(weekly_adoption(&none, &usage, d(2025, 3, 3)).rate, None);
    }

    #[test]
    fn trend_and_average_skip_weeks_without_data() {
        let c = charter();
        let (w1, w2, w3) = (d(2025, 3, 3), d(2025, 3, 10), d(2025, 3, 17));
        let usage = [
            use_(DANA, w1, 1),
            use_(SAM, w1, 1),
            use_(LEE, w1, 1),  // 3 of 6
            use_(DANA, w3, 1), // 1 of 6; w2 not loaded
        ];
        let trend = adoption_trend(&c, &usage, &[w1, w2, w3]);
        let rates: Vec<_> = trend.iter().map(|a| a.rate).collect();
        assert_eq!(rates, vec![Some(0.5), None, Some(1.0 / 6.0)]);
        // (3/6 + 1/6) / 2 = 1/3
        assert!((average_rate(&trend).unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(average_rate(&trend[1..2]), None);
    }

    #[test]
    fn drifting_leaders_were_regular_and_stopped() {
        let c = charter();
        let week = d(2025, 3, 31); // last 4 weeks: 10, 17, 24, 31 March
        let wk = |i: i64| week - Duration::weeks(i);
        let mut usage = Vec::new();
        // Lookback 4 weeks before that: 10 Feb .. 3 March (i = 4..=7).
        for i in 4..=7 {
            usage.push(use_(DANA, wk(i), 2)); // 4 of 4 before, then gone
            usage.push(use_(SAM, wk(i), 1)); // 4 of 4 before, and still active
        }
        usage.push(use_(LEE, wk(5), 1));
        usage.push(use_(LEE, wk(6), 1)); // 2 of 4 before (half), once recently
        usage.push(use_(LEE, wk(2), 1));
        usage.push(use_(DANA, wk(8), 1)); // before the lookback: not counted
        usage.push(use_(DANA, wk(-1), 1)); // after `week`: not seen yet
        for i in 0..=3 {
            usage.push(use_(SAM, wk(i), 1));
        }
        usage.push(use_(MARCO, wk(7), 1)); // 1 of 4 before: never regular
        let drift = drifting_leaders(&c, &usage, week, 4);
        let ids: Vec<_> = drift.iter().map(|x| x.stakeholder.as_str()).collect();
        assert_eq!(ids, vec!["dana", "lee"]);
        assert_eq!(drift[0].name, "Dana Whitfield");
        assert_eq!(drift[0].weeks_active_before, 4);
        assert_eq!(drift[0].last_seen, Some(d(2025, 3, 3)));
        assert_eq!(drift[1].weeks_active_before, 2);
        assert_eq!(drift[1].last_seen, Some(d(2025, 3, 17)));
    }

    #[test]
    fn no_drift_without_recent_data() {
        let c = charter();
        let week = d(2025, 3, 31);
        let usage: Vec<_> = (4..=7)
            .map(|i| use_(DANA, week - Duration::weeks(i), 1))
            .collect();
        assert!(drifting_leaders(&c, &usage, week, 4).is_empty());
        // With one loaded recent week (someone else's view) Dana shows as drifting.
        let mut loaded = usage.clone();
        loaded.push(use_(CHRIS, week, 1));
        assert_eq!(drifting_leaders(&c, &loaded, week, 4).len(), 1);
    }

    #[test]
    fn unused_dashboards_oldest_first() {
        let dash = |name: &str, days: &[NaiveDate]| DashboardDays {
            dashboard: name.into(),
            days: days.iter().map(|d| (*d, 5)).collect(),
        };
        let list = [
            dash("exec-summary", &[d(2025, 3, 2), d(2025, 3, 30)]),
            // exactly 30 days before: unused
            dash("funnel-deep-dive", &[d(2025, 2, 1), d(2025, 3, 1)]),
            dash("30-page-everything", &[d(2025, 1, 15)]),
            dash("channel-detail", &[d(2025, 3, 2)]), // 29 days: still used
            // Viewed only after the day the list is as of: as of then it was unused.
            dash("late", &[d(2025, 1, 20), d(2025, 4, 2)]),
        ];
        let unused = unused_dashboards(&list, d(2025, 3, 31), 30);
        let names: Vec<_> = unused.iter().map(|x| x.dashboard.as_str()).collect();
        assert_eq!(
            names,
            vec!["30-page-everything", "late", "funnel-deep-dive"]
        );
        // Its views up to that day: two days of 5.
        assert_eq!(unused[2].views, 10);
        assert_eq!(unused[1].last_viewed, d(2025, 1, 20));
    }
}
