//! reconciliation.csv: weekly MAP vs CRM lead, MQL and SQL counts; the CRM side is the
//! channel totals, the MAP side agrees except in a few broken-sync weeks.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::dates::DemoDates;
use super::media::History;
use super::world::{WEEKS, csv_text};

const RECONCILED: [&str; 3] = ["leads", "mqls", "sqls"];

/// Weekly MAP vs CRM counts: the CRM side is the channel totals; the MAP side agrees
/// within 1% except in a few broken-sync weeks (3–8% more in the MAP), one of them in the
/// last three weeks. Weeks are dated on the demo's calendar.
pub(super) fn reconciliation_csv(
    history: &History,
    dates: &DemoDates,
    rng: &mut ChaCha8Rng,
) -> String {
    let mut broken: Vec<(usize, usize)> = rand::seq::index::sample(rng, WEEKS - 12, 3)
        .into_iter()
        .map(|i| (4 + i, rng.random_range(0..RECONCILED.len())))
        .collect();
    broken.push((rng.random_range(WEEKS - 3..WEEKS), 1)); // mqls: a sync job stalled
    let mut rows = Vec::new();
    for (week, channels) in history.iter().enumerate() {
        let totals = [
            channels.iter().map(|c| c.leads).sum::<u64>(),
            channels.iter().map(|c| c.mqls).sum::<u64>(),
            channels.iter().map(|c| c.sqls).sum::<u64>(),
        ];
        for (m, (metric, crm)) in RECONCILED.iter().zip(totals).enumerate() {
            let map = map_count(crm, broken.contains(&(week, m)), rng);
            rows.push(vec![
                dates.week_start(week).to_string(),
                metric.to_string(),
                map.to_string(),
                crm.to_string(),
            ]);
        }
    }
    csv_text(&["week", "metric", "map_count", "crm_count"], rows)
}

fn map_count(crm: u64, broken: bool, rng: &mut ChaCha8Rng) -> u64 {
    let crm_f = crm as f64;
    if broken {
        let least = (0.03 * crm_f).ceil().max(1.0) as u64;
        let most = ((0.08 * crm_f).floor() as u64).max(least);
        crm + rng.random_range(least..=most)
    } else {
        let slack = (0.01 * crm_f).floor() as i64;
        (crm as i64 + rng.random_range(-slack..=slack)) as u64
    }
}

#[cfg(test)]
mod tests {
    use crate::demo::dates::DemoDates;
    use crate::demo::testing::{Table, weekly_totals};
    use crate::demo::world::WEEKS;

    #[test]
    fn reconciliation_breaks_in_four_weeks_one_of_them_recent() {
        let t = Table::of("reconciliation.csv");
        let (w, map, crm) = (t.col("week"), t.col("map_count"), t.col("crm_count"));
        let broken: Vec<&str> = t
            .rows
            .iter()
            .filter(|r| {
                let (m, c): (f64, f64) = (r[map].parse().unwrap(), r[crm].parse().unwrap());
                (m - c).abs() / c > 0.02
            })
            .map(|r| r[w].as_str())
            .collect();
        assert_eq!(broken.len(), 4, "{broken:?}");
        assert!(broken.iter().any(|week| {
            *week
                >= DemoDates::sample()
                    .week_start(WEEKS - 3)
                    .to_string()
                    .as_str()
        }));
        let mqls = weekly_totals("mqls");
        let crm_mqls: Vec<f64> = t
            .rows
            .iter()
            .filter(|r| r[t.col("metric")] == "mqls")
            .map(|r| r[crm].parse().unwrap())
            .collect();
        assert_eq!(crm_mqls, mqls, "the CRM side is the channel totals");
    }
}
