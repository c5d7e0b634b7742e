//! spend.csv: the ad cost behind channels.csv's `spend`, by day, platform and campaign,
//! as the ad platforms report it. Each paid channel-week's spend is split over the
//! week's days and the channel's campaigns in whole cents, so the week sums back to
//! channels.csv to the cent; the platforms are the ones the charter's `campaigns` map.

use chrono::Duration;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::dates::DemoDates;
use super::media::History;
use super::truth::CHANNELS;
use super::world::csv_text;

/// A platform's account and its campaigns with their shares of the channel's spend.
type Account = (&'static str, &'static str, &'static [(&'static str, f64)]);

/// Per paid channel (CHANNELS order): platform, account, campaigns and their shares.
const CAMPAIGNS: [Account; 7] = [
    (
        "google-ads",
        "Atlas EOR - Search",
        &[("Brand - US", 0.3), ("Generic - Employer of Record", 0.55)],
    ),
    (
        "linkedin",
        "Atlas EOR",
        &[("Prospecting - HR leaders", 0.7), ("Retargeting", 0.3)],
    ),
    ("meta", "Atlas EOR Ads", &[("Prospecting - Lookalike", 1.0)]),
    ("events", "Field", &[("Trade shows and field events", 1.0)]),
    ("on24", "Webinars", &[("Webinar promotion", 1.0)]),
    (
        "netline",
        "Syndication",
        &[("Global HR guide syndication", 1.0)],
    ),
    ("6sense", "ABM", &[("Tier 1 accounts", 1.0)]),
];

/// Microsoft Ads takes the rest of paid search.
const BING: (&str, &str, &str, f64) = ("microsoft-ads", "Atlas EOR - Bing", "Generic - Bing", 0.15);

pub(super) fn spend_csv(history: &History, dates: &DemoDates, rng: &mut ChaCha8Rng) -> String {
    let header = [
        "date",
        "platform",
        "account",
        "campaign",
        "cost",
        "impressions",
        "clicks",
    ];
    let mut rows = Vec::new();
    for (week, row) in history.iter().enumerate() {
        let start = dates.week_start(week);
        for (channel, (platform, account, campaigns)) in CAMPAIGNS.iter().enumerate() {
            debug_assert!(CHANNELS[channel] != "organic");
            let cents = (row[channel].spend * 100.0).round() as i64;
            if cents == 0 {
                continue;
            }
            let mut lines: Vec<(&str, &str, &str, f64)> = campaigns
                .iter()
                .map(|&(campaign, share)| (*platform, *account, campaign, share))
                .collect();
            if channel == 0 {
                lines.push(BING);
            }
            // Day weights: weekdays spend more than weekends.
            let days: Vec<f64> = (0..7)
                .map(|d| if d < 5 { 1.0 } else { 0.45 } * (0.85 + 0.3 * rng.random::<f64>()))
                .collect();
            let cells: Vec<(usize, usize, f64)> = (0..7)
                .flat_map(|d| {
                    lines
                        .iter()
                        .enumerate()
                        .map(move |(l, line)| (d, l, line.3))
                })
                .map(|(d, l, share)| (d, l, share * days[d]))
                .collect();
            let total: f64 = cells.iter().map(|c| c.2).sum();
            let mut parts: Vec<i64> = cells
                .iter()
                .map(|c| (cents as f64 * c.2 / total).floor() as i64)
                .collect();
            parts[0] += cents - parts.iter().sum::<i64>();
            for ((d, l, _), part) in cells.iter().zip(parts) {
                let (platform, account, campaign, _) = lines[*l];
                // Only the ad networks count impressions and clicks.
                let (impressions, clicks) = if channel < 3 {
                    let cpm = 18.0 + 30.0 * rng.random::<f64>();
                    let impressions = (part as f64 / 100.0 / cpm * 1000.0).round();
                    let clicks = (impressions * (0.004 + 0.02 * rng.random::<f64>())).round();
                    (
                        (impressions as u64).to_string(),
                        (clicks as u64).to_string(),
                    )
                } else {
                    (String::new(), String::new())
                };
                rows.push(vec![
                    (start + Duration::days(*d as i64)).to_string(),
                    platform.to_string(),
                    account.to_string(),
                    campaign.to_string(),
                    format!("{}.{:02}", part / 100, part % 100),
                    impressions,
                    clicks,
                ]);
            }
        }
    }
    rows.sort_by(|a, b| a[0].cmp(&b[0]).then(a[1].cmp(&b[1])).then(a[3].cmp(&b[3])));
    csv_text(&header, rows)
}
