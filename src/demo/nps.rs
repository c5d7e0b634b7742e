//! nps.csv: quarterly NPS waves of 8-14 marketing respondents, on the demo calendar's
//! quarters; the last wave, after months of late performance reviews, dips.

use chrono::{Datelike, Duration, NaiveDate};
use rand::Rng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand_chacha::ChaCha8Rng;

use super::dates::DemoDates;
use super::world::{LEE_DRIFT_FROM, csv_text};
use crate::calendar;
use crate::charter::Charter;

/// Survey days: the second Wednesday of each calendar quarter's middle month, within the
/// history's weeks.
fn survey_dates(dates: &DemoDates) -> Vec<NaiveDate> {
    let (first, end) = (dates.first_week(), dates.end());
    let first_middle = calendar::month_start_plus(calendar::quarter_start(first, 1), 1);
    std::iter::successors(Some(first_middle), |m| {
        Some(calendar::month_start_plus(*m, 3))
    })
    .take_while(|middle| *middle <= end)
    .map(|middle| {
        let offset = (7 + 2 - i64::from(middle.weekday().num_days_from_monday())) % 7;
        middle + Duration::days(offset + 7)
    })
    .filter(|d| (first..=end).contains(d))
    .collect()
}

const TEAM_ROLES: [&str; 8] = [
    "Demand Generation Manager",
    "Content Marketing Manager",
    "Product Marketing Manager",
    "Field Marketing Manager",
    "Paid Media Specialist",
    "SEO Specialist",
    "Marketing Operations Analyst",
    "Lifecycle Marketing Manager",
];

/// The waves' responses: scores 0-10 with the respondent's role and a comment.
pub(super) fn nps_csv(charter: &Charter, dates: &DemoDates, rng: &mut ChaCha8Rng) -> String {
    let lee_gone_from = dates.week_start(LEE_DRIFT_FROM);
    let waves = survey_dates(dates);
    let mut rows = Vec::new();
    for (wave, date) in waves.iter().enumerate() {
        let last_wave = wave + 1 == waves.len();
        // NPS 42-58 by wave; the last wave, after months of late reviews, dips.
        let target = if last_wave {
            rng.random_range(36.0..44.0)
        } else {
            rng.random_range(42.0..58.0)
        };
        let lee_gone = *date >= lee_gone_from;
        let respondents = wave_respondents(charter, *date, lee_gone, rng);
        let scores = wave_scores(respondents.len(), target, rng);
        for ((id, role), score) in respondents.into_iter().zip(scores) {
            let comment = nps_comment(score, last_wave, rng);
            rows.push(vec![date.to_string(), id, score.to_string(), role, comment]);
        }
    }
    csv_text(&["date", "respondent", "score", "role", "comment"], rows)
}

/// 8–14 marketing respondents: the charter's marketing stakeholders who answer (lee not
/// once she has drifted away, `lee_gone`) and team members identified by wave.
fn wave_respondents(
    charter: &Charter,
    date: NaiveDate,
    lee_gone: bool,
    rng: &mut ChaCha8Rng,
) -> Vec<(String, String)> {
    let mut respondents: Vec<(String, String)> = charter
        .stakeholders
        .iter()
        .filter(|s| s.team == "marketing" && !(lee_gone && s.id == "lee"))
        .filter(|_| rng.random_bool(0.8))
        .map(|s| (s.id.clone(), s.role.clone()))
        .collect();
    let size = rng.random_range(8..=14).max(respondents.len());
    let quarter = date.month0() / 3 + 1;
    for n in 1..=size - respondents.len() {
        let id = format!("r-{}q{quarter}-{n:02}", date.year());
        let role = TEAM_ROLES.choose(rng).expect("roles exist").to_string();
        respondents.push((id, role));
    }
    respondents
}

/// Scores whose NPS (promoters − detractors, in % of respondents) is close to `target`.
fn wave_scores(n: usize, target: f64, rng: &mut ChaCha8Rng) -> Vec<u32> {
    let net = (target * n as f64 / 100.0).round() as usize;
    let mut detractors = rng.random_range(0..=2);
    while net + 2 * detractors > n && detractors > 0 {
        detractors -= 1;
    }
    let promoters = (net + detractors).min(n);
    let passives = n - promoters - detractors;
    let mut scores: Vec<u32> = Vec::with_capacity(n);
    scores.extend((0..promoters).map(|_| if rng.random_bool(0.6) { 9 } else { 10 }));
    scores.extend((0..passives).map(|_| rng.random_range(7..=8)));
    scores.extend((0..detractors).map(|_| rng.random_range(3..=6)));
    scores.shuffle(rng);
    scores
}

fn nps_comment(score: u32, last_wave: bool, rng: &mut ChaCha8Rng) -> String {
    const PROMOTER: [&str; 4] = [
        "Pipeline flash is the first thing I read on Monday",
        "The webinar analysis changed how we plan the series",
        "Fast answers and a clear recommendation",
        "The budget model gave us a story finance believed",
    ];
    const PASSIVE: [&str; 3] = [
        "Helpful, but dashboards are slow to change",
        "Would like more channel-level detail",
        "Good once you know where to look",
    ];
    const DETRACTOR: [&str; 3] = [
        "MAP and CRM numbers still disagree",
        "Too many dashboards; not sure which is right",
        "Requests wait too long in the queue",
    ];
    if score <= 6 && last_wave {
        return "Monthly performance review keeps arriving late".to_string();
    }
    if !rng.random_bool(0.3) {
        return String::new();
    }
    let pool: &[&str] = match score {
        9.. => &PROMOTER,
        7..=8 => &PASSIVE,
        _ => &DETRACTOR,
    };
    pool.choose(rng).expect("comments exist").to_string()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use crate::demo::testing::Table;

    #[test]
    fn nps_waves_are_quarterly_with_eight_to_fourteen_respondents() {
        let t = Table::of("nps.csv");
        let (date, score) = (t.col("date"), t.col("score"));
        let dates: BTreeSet<&str> = t.rows.iter().map(|r| r[date].as_str()).collect();
        assert_eq!(dates.len(), 8);
        for wave in dates {
            let scores: Vec<i32> = t
                .rows
                .iter()
                .filter(|r| r[date] == wave)
                .map(|r| r[score].parse().unwrap())
                .collect();
            assert!(
                (8..=14).contains(&scores.len()),
                "{wave}: {} respondents",
                scores.len()
            );
            let nps = 100
                * (scores.iter().filter(|s| **s >= 9).count() as i32
                    - scores.iter().filter(|s| **s <= 6).count() as i32)
                / scores.len() as i32;
            assert!((30..=65).contains(&nps), "{wave}: NPS {nps}");
        }
    }
}
