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
mod tests {
    use crate::demo::testing::{channel_series, mean, median, weekly_totals};
    use crate::demo::world::{WEEKS, holiday_factor};

    #[test]
    fn weekly_spend_stays_in_the_planned_band() {
        let spend = weekly_totals("spend");
        assert_eq!(spend.len(), WEEKS);
        let typical = median(&spend);
        assert!(
            (150_000.0..=180_000.0).contains(&typical),
            "median weekly spend {typical:.0}"
        );
        for (week, s) in spend.iter().enumerate() {
            // Holiday pauses dip below the band, event weeks rise above it.
            let floor = if holiday_factor(week) < 1.0 {
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
                channel_series(channel, "spend").iter().all(|s| *s == 0.0),
                "{channel} is unpaid"
            );
        }
    }

    #[test]
    fn volumes_match_the_charters_scale() {
        let pipeline = median(&weekly_totals("pipeline"));
        assert!(
            (2_500_000.0..=3_000_000.0).contains(&pipeline),
            "weekly pipeline {pipeline:.0}"
        );
        let mqls = mean(&weekly_totals("mqls"));
        assert!((110.0..=125.0).contains(&mqls), "weekly MQLs {mqls:.1}");
        let sqls = mean(&weekly_totals("sqls"));
        assert!((30.0..=37.0).contains(&sqls), "weekly SQLs {sqls:.1}");
        let won = mean(&weekly_totals("closed_won")) / mean(&weekly_totals("opportunities"));
        assert!((0.18..=0.27).contains(&won), "win rate {won:.2}");
    }

    #[test]
    fn story_a_linkedin_cost_per_sql_climbs() {
        let spend = channel_series("linkedin", "spend");
        let sqls = channel_series("linkedin", "sqls");
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

    #[test]
    fn story_b_organic_sessions_and_leads_drop_in_the_last_three_weeks() {
        let sessions = channel_series("organic", "sessions");
        let leads = channel_series("organic", "leads");
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

    #[test]
    fn story_c_webinar_and_content_pipeline_grows() {
        let webinars = channel_series("webinars", "pipeline");
        let growth = webinars[96..].iter().sum::<f64>() / webinars[88..96].iter().sum::<f64>();
        assert!(growth >= 1.3, "webinar pipeline x{growth:.2}");
        let content = channel_series("content", "pipeline");
        assert!(content[96..].iter().sum::<f64>() > content[88..96].iter().sum::<f64>());
    }
}
