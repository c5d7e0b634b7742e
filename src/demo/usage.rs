//! usage.csv: the BI views of the charter's stakeholders, in time order, up to the day
//! before the demo is built. Story (e): lee.brennan drifts away from the dashboards; two
//! dashboards are abandoned.

use std::collections::BTreeSet;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

use super::dates::DemoDates;
use super::world::{LEE_DRIFT_FROM, LEE_GONE_FROM, WEEKS, csv_text, timestamp, ymd};
use crate::charter::Charter;

const EXECUTIVE: &str = "Executive Marketing Summary";
const FLASH: &str = "Pipeline Flash";
const SEARCH: &str = "Paid Search Performance";
const LINKEDIN_ADS: &str = "LinkedIn Ads Performance";
const FUNNEL_DASH: &str = "Funnel Analytics";
const CONTENT_DASH: &str = "Content Performance";
const EVENTS_ROI: &str = "Events ROI";
const BUDGET: &str = "Budget vs Actual";
const WEBINAR_DASH: &str = "Webinar Performance";
const SEO_DASH: &str = "Organic Search & SEO";
const LEGACY_ATTRIBUTION: &str = "Attribution Deep Dive (legacy)";
const SOCIAL_LISTENING: &str = "Social Listening";

/// Dashboards people stopped opening, and the last day anyone did in the fixed history
/// (over 60 days before DEMO_END, so the cockpit can propose retiring them); they move
/// with it.
const ABANDONED: [(&str, NaiveDate); 2] = [
    (LEGACY_ATTRIBUTION, ymd(2026, 4, 17)),
    (SOCIAL_LISTENING, ymd(2026, 7, 24)),
];

/// A stakeholder's BI habits: the chance of opening anything in a week, how many views
/// then, and what they open.
struct Viewer {
    stakeholder: &'static str,
    weekly_chance: f64,
    views: (u32, u32),
    dashboards: &'static [(&'static str, u32)],
}

#[rustfmt::skip]
const ALL_DASHBOARDS: &[(&str, u32)] = &[
    (EXECUTIVE, 3), (FLASH, 3), (SEARCH, 2), (LINKEDIN_ADS, 2), (FUNNEL_DASH, 3),
    (CONTENT_DASH, 2), (EVENTS_ROI, 1), (BUDGET, 2), (WEBINAR_DASH, 1), (SEO_DASH, 1),
    (LEGACY_ATTRIBUTION, 1),
];

#[rustfmt::skip]
const VIEWERS: [Viewer; 14] = [
    Viewer { stakeholder: "dana", weekly_chance: 0.96, views: (4, 10), dashboards: &[(EXECUTIVE, 9), (FLASH, 5), (BUDGET, 3), (FUNNEL_DASH, 2), (LEGACY_ATTRIBUTION, 1)] },
    Viewer { stakeholder: "sam", weekly_chance: 0.95, views: (5, 12), dashboards: &[(FUNNEL_DASH, 6), (FLASH, 5), (WEBINAR_DASH, 3), (EVENTS_ROI, 2), (EXECUTIVE, 3)] },
    Viewer { stakeholder: "lee", weekly_chance: 0.92, views: (3, 7), dashboards: &[(EXECUTIVE, 4), (CONTENT_DASH, 4), (SOCIAL_LISTENING, 2)] },
    Viewer { stakeholder: "marco", weekly_chance: 0.94, views: (4, 10), dashboards: &[(CONTENT_DASH, 5), (SEO_DASH, 4), (EXECUTIVE, 1), (SOCIAL_LISTENING, 1)] },
    Viewer { stakeholder: "jordan", weekly_chance: 0.97, views: (6, 14), dashboards: &[(SEARCH, 5), (LINKEDIN_ADS, 5), (BUDGET, 2)] },
    Viewer { stakeholder: "aisha", weekly_chance: 0.9, views: (3, 7), dashboards: &[(EVENTS_ROI, 7), (EXECUTIVE, 2), (FLASH, 1)] },
    Viewer { stakeholder: "tomas", weekly_chance: 0.85, views: (3, 8), dashboards: &[(FUNNEL_DASH, 4), (BUDGET, 2), (FLASH, 1)] },
    Viewer { stakeholder: "chris", weekly_chance: 0.75, views: (1, 5), dashboards: &[(FLASH, 7), (FUNNEL_DASH, 3)] },
    Viewer { stakeholder: "lena", weekly_chance: 0.6, views: (1, 4), dashboards: &[(BUDGET, 8), (EXECUTIVE, 2)] },
    Viewer { stakeholder: "erin", weekly_chance: 0.5, views: (1, 3), dashboards: &[(EXECUTIVE, 1)] },
    Viewer { stakeholder: "priya", weekly_chance: 0.95, views: (10, 22), dashboards: ALL_DASHBOARDS },
    Viewer { stakeholder: "alex", weekly_chance: 0.97, views: (16, 32), dashboards: ALL_DASHBOARDS },
    Viewer { stakeholder: "noor", weekly_chance: 0.92, views: (10, 22), dashboards: ALL_DASHBOARDS },
    Viewer { stakeholder: "kai", weekly_chance: 0.9, views: (8, 18), dashboards: ALL_DASHBOARDS },
];

type View = (NaiveDateTime, String, &'static str);

/// BI views of the charter's stakeholders, in time order: the history's weeks draw from
/// `rng`; today's week, up to yesterday, from `recent`, so the history is the same
/// whichever weekday the demo is built on.
pub(super) fn usage_csv(
    charter: &Charter,
    dates: &DemoDates,
    rng: &mut ChaCha8Rng,
    recent: &mut ChaCha8Rng,
) -> String {
    let mut views: BTreeSet<View> = BTreeSet::new();
    for week in 0..WEEKS {
        views.extend(week_views(charter, dates, week, rng));
    }
    let this_week = week_views(charter, dates, WEEKS, recent);
    views.extend(this_week.into_iter().filter(|v| v.0 < dates.now()));
    let rows = views.into_iter().map(|(at, user, dashboard)| {
        vec![
            timestamp(at),
            user,
            dashboard.to_string(),
            "looker".to_string(),
        ]
    });
    csv_text(&["timestamp", "user", "dashboard", "source"], rows)
}

/// The views of demo week `week` (`WEEKS`: the week that holds today, all of it).
fn week_views(
    charter: &Charter,
    dates: &DemoDates,
    week: usize,
    rng: &mut ChaCha8Rng,
) -> Vec<View> {
    let mut views = Vec::new();
    for viewer in &VIEWERS {
        let Some(person) = charter.stakeholder(viewer.stakeholder) else {
            continue;
        };
        let holiday = dates.holiday_factor(week);
        for _ in 0..views_in_week(viewer, week, holiday, rng) {
            let at = view_moment(dates.week_start(week), rng);
            let Some(dashboard) = pick_dashboard(viewer, dates, at.date(), rng) else {
                continue;
            };
            views.push((at, bi_user(&person.bi_users, rng), dashboard));
        }
    }
    views
}

/// How many dashboards a viewer opens in a week: fewer over the holidays (`holiday`,
/// the week's demand factor), and story (e) for lee: thinning out, then gone.
fn views_in_week(viewer: &Viewer, week: usize, holiday: f64, rng: &mut ChaCha8Rng) -> u32 {
    let mut chance = viewer.weekly_chance * (0.4 + 0.6 * holiday);
    let mut most = viewer.views.1;
    if viewer.stakeholder == "lee" && week >= LEE_GONE_FROM {
        return 0;
    } else if viewer.stakeholder == "lee" && week >= LEE_DRIFT_FROM {
        chance = 0.85 - 0.05 * (week - LEE_DRIFT_FROM) as f64;
        most = 2;
    }
    if !rng.random_bool(chance.clamp(0.0, 1.0)) {
        return 0;
    }
    rng.random_range(viewer.views.0.min(most)..=most)
}

/// A moment in the week starting `monday`: working hours (UTC) on a weekday, now and
/// then the weekend.
fn view_moment(monday: NaiveDate, rng: &mut ChaCha8Rng) -> NaiveDateTime {
    let day = if rng.random_bool(0.06) {
        rng.random_range(5..7)
    } else {
        rng.random_range(0..5)
    };
    let second = rng.random_range(7 * 3600..19 * 3600);
    (monday + Duration::days(day))
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        + Duration::seconds(second)
}

fn pick_dashboard(
    viewer: &Viewer,
    dates: &DemoDates,
    date: NaiveDate,
    rng: &mut ChaCha8Rng,
) -> Option<&'static str> {
    let open: Vec<(&'static str, u32)> = viewer
        .dashboards
        .iter()
        .copied()
        .filter(|(name, _)| {
            ABANDONED
                .iter()
                .all(|(gone, last)| name != gone || date <= dates.moved(*last))
        })
        .collect();
    open.choose_weighted(rng, |d| d.1).ok().map(|d| d.0)
}

/// The first BI user name; dana also has a legacy login she uses now and then.
fn bi_user(users: &[String], rng: &mut ChaCha8Rng) -> String {
    match users {
        [_, second, ..] if rng.random_bool(0.25) => second.clone(),
        [first, ..] => first.clone(),
        [] => "unknown".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::ABANDONED;
    use crate::demo::dates::DemoDates;
    use crate::demo::testing::Table;
    use crate::demo::world::{LEE_DRIFT_FROM, LEE_GONE_FROM};

    #[test]
    fn story_e_lee_drifts_away_and_two_dashboards_are_abandoned() {
        let t = Table::of("usage.csv");
        let (ts, user, dash) = (t.col("timestamp"), t.col("user"), t.col("dashboard"));
        let lee: Vec<&str> = t
            .rows
            .iter()
            .filter(|r| r[user] == "lee.brennan@atlas-eor.com")
            .map(|r| r[ts].as_str())
            .collect();
        let dates = DemoDates::sample();
        let gone = dates.week_start(LEE_GONE_FROM).to_string();
        let drifting = dates.week_start(LEE_DRIFT_FROM).to_string();
        assert!(
            lee.iter().all(|at| *at < gone.as_str()),
            "lee has no views in the last five weeks"
        );
        assert!(
            lee.iter().filter(|at| **at >= drifting.as_str()).count() >= 3,
            "lee still looks in now and then"
        );
        let sixty_days_ago = (dates.end() - Duration::days(60)).to_string();
        for (abandoned, _) in ABANDONED {
            let last = t
                .rows
                .iter()
                .filter(|r| r[dash] == abandoned)
                .map(|r| r[ts].as_str())
                .max()
                .unwrap();
            assert!(
                last < sixty_days_ago.as_str(),
                "{abandoned} last opened {last}"
            );
        }
        assert!(
            (10_000..=25_000).contains(&t.rows.len()),
            "{} usage rows",
            t.rows.len()
        );
        assert!(
            t.rows.iter().any(|r| r[user] == "dwhitfield"),
            "dana's second login appears"
        );
    }
}
