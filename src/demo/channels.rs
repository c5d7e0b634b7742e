//! channels.csv: one row per week and channel (spend, funnel counts, CRM-credited
//! pipeline, sessions), straight from the simulated media history.

use super::dates::DemoDates;
use super::media::History;
use super::truth::CHANNELS;
use super::world::csv_text;

/// The weekly rows of `history`, each dated by its week on the demo's calendar.
pub(super) fn channels_csv(history: &History, dates: &DemoDates) -> String {
    let header = [
        "week",
        "channel",
        "spend",
        "leads",
        "mqls",
        "sqls",
        "pipeline",
        "sessions",
        "opportunities",
        "closed_won",
    ];
    let rows = history.iter().enumerate().flat_map(|(week, channels)| {
        channels.iter().zip(CHANNELS).map(move |(row, channel)| {
            vec![
                dates.week_start(week).to_string(),
                channel.to_string(),
                format!("{:.2}", row.spend),
                row.leads.to_string(),
                row.mqls.to_string(),
                row.sqls.to_string(),
                format!("{:.2}", row.pipeline),
                row.sessions.map_or(String::new(), |s| s.to_string()),
                row.opportunities.to_string(),
                row.closed_won.to_string(),
            ]
        })
    });
    csv_text(&header, rows)
}

#[cfg(test)]
pub(super) mod tests {
    //! Each check takes a channels.csv and its calendar, so `demo::current` runs them on
    //! the demo built on other days too.

    use crate::demo::dates::DemoDates;
    use crate::demo::testing::{Table, mean, median};
    use crate::demo::world::WEEKS;

    /// Every check below, on `t` laid out on `dates`.
    pub(in crate::demo) fn all_hold(t: &Table, dates: &DemoDates) {
        spend_stays_in_the_planned_band(t, dates);
        volumes_match_the_charters_scale(t);
        story_a_holds(t);
        story_b_holds(t, dates);
        story_c_holds(t);
    }

    fn spend_stays_in_the_planned_band(t: &Table, dates: &DemoDates) {
        let spend = t.weekly_totals("spend");
        assert_eq!(spend.len(), WEEKS);
        let typical = median(&spend);
        assert!(
            (150_000.0..=180_000.0).contains(&typical),
            "median weekly spend {typical:.0}"
        );
        for (week, s) in spend.iter().enumerate() {
            // Holiday pauses dip below the band, event weeks rise above it.
            let floor = if dates.holiday_factor(week) < 1.0 {
                60_000.0
            } else {
                90_000.0
            };
            assert!(
                (floor..=270_000.0).contains(s),
                "week {week}: total spend {s:.0}"
            );
        }
        for channel in ["organic", "referral", "direct"] {
            assert!(
                t.series(channel, "spend").iter().all(|s| *s == 0.0),
                "{channel} is unpaid"
            );
        }
    }

    fn volumes_match_the_charters_scale(t: &Table) {
        let pipeline = median(&t.weekly_totals("pipeline"));
        assert!(
            (2_500_000.0..=3_000_000.0).contains(&pipeline),
            "weekly pipeline {pipeline:.0}"
        );
        let mqls = mean(&t.weekly_totals("mqls"));
        assert!((110.0..=125.0).contains(&mqls), "weekly MQLs {mqls:.1}");
        let sqls = mean(&t.weekly_totals("sqls"));
        assert!((30.0..=37.0).contains(&sqls), "weekly SQLs {sqls:.1}");
        let won = mean(&t.weekly_totals("closed_won")) / mean(&t.weekly_totals("opportunities"));
        assert!((0.18..=0.27).contains(&won), "win rate {won:.2}");
    }

    /// Story (a): LinkedIn's cost per SQL climbs.
    fn story_a_holds(t: &Table) {
        let spend = t.series("linkedin", "spend");
        let sqls = t.series("linkedin", "sqls");
        let recent = spend[96..].iter().sum::<f64>() / sqls[96..].iter().sum::<f64>();
        let before: Vec<f64> = (88..96).map(|w| spend[w] / sqls[w]).collect();
        assert!(
            recent >= 1.25 * median(&before),
            "cost per SQL {recent:.0} vs {:.0}",
            median(&before)
        );
        assert!(
            mean(&spend[96..]) > 1.2 * mean(&spend[88..96]),
            "LinkedIn spend went up"
        );
    }

    /// Story (b): organic sessions and leads drop in the last three weeks, against what
    /// the season and the holidays of `dates` would have brought (the drop the model and
    /// a year-on-year reader see).
    fn story_b_holds(t: &Table, dates: &DemoDates) {
        let demand = |w: usize| dates.seasonality(w) * dates.holiday_factor(w).sqrt();
        let adjusted = |xs: Vec<f64>| -> Vec<f64> {
            xs.iter().enumerate().map(|(w, x)| x / demand(w)).collect()
        };
        let sessions = adjusted(t.series("organic", "sessions"));
        let leads = adjusted(t.series("organic", "leads"));
        let drop = mean(&sessions[101..]) / mean(&sessions[93..101]);
        assert!(
            (0.75..=0.87).contains(&drop),
            "organic sessions at {drop:.2} of before"
        );
        let lead_drop = mean(&leads[101..]) / mean(&leads[93..101]);
        assert!(
            lead_drop < 0.95,
            "organic leads at {lead_drop:.2} of before"
        );
    }

    /// Story (c): webinar and content pipeline grows.
    fn story_c_holds(t: &Table) {
        let webinars = t.series("webinars", "pipeline");
        let growth = webinars[96..].iter().sum::<f64>() / webinars[88..96].iter().sum::<f64>();
        assert!(growth >= 1.3, "webinar pipeline x{growth:.2}");
        let content = t.series("content", "pipeline");
        assert!(content[96..].iter().sum::<f64>() > content[88..96].iter().sum::<f64>());
    }

    fn sample() -> Table {
        Table::of("channels.csv")
    }

    #[test]
    fn weekly_spend_stays_in_the_planned_band() {
        spend_stays_in_the_planned_band(&sample(), &DemoDates::sample());
    }

    #[test]
    fn volumes_match_the_charters_scale_in_the_sample() {
        volumes_match_the_charters_scale(&sample());
    }

    #[test]
    fn story_a_linkedin_cost_per_sql_climbs() {
        story_a_holds(&sample());
    }

    #[test]
    fn story_b_organic_sessions_and_leads_drop_in_the_last_three_weeks() {
        story_b_holds(&sample(), &DemoDates::sample());
    }

    #[test]
    fn story_c_webinar_and_content_pipeline_grows() {
        story_c_holds(&sample());
    }
}
