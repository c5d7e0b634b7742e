//! kpis.csv: values of the charter's imported KPIs at their cadence, on the demo's
//! calendar's months and quarters, mostly a little better than target; LinkedIn's rising
//! CAC strains two of them in the last quarter.

use chrono::{Datelike, NaiveDate};
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use super::dates::DemoDates;
use super::world::{SHIFT_FROM, csv_text};
use crate::charter::{Cadence, Charter, Direction, KpiSource};

/// Imported KPIs that feel LinkedIn's rising CAC in the last complete quarter.
const STRAINED_BY_LINKEDIN: [&str; 2] = ["cac-payback", "ltv-cac"];

/// Values for the charter's imported KPIs at their cadence: periods that ended before
/// today, mostly a little better than target, now and then worse.
pub(super) fn kpis_csv(charter: &Charter, dates: &DemoDates, rng: &mut ChaCha8Rng) -> String {
    let p = &charter.partnership;
    let story_a = story_start_text(dates.week_start(SHIFT_FROM));
    let mut rows = Vec::new();
    for kpi in charter
        .kpis
        .iter()
        .filter(|k| k.source == KpiSource::Imported)
    {
        let first =
            kpi.cadence
                .period_start(dates.first_week(), p.week_start, p.fiscal_year_start_month);
        let periods = completed_periods(kpi.cadence, first, dates.today());
        let last = periods.len().saturating_sub(1);
        for (i, period) in periods.into_iter().enumerate() {
            // Margin by which the value beats the target (negative: misses it).
            let mut margin = 0.08 + 0.07 * rng.sample::<f64, _>(StandardNormal);
            let strained = i == last && STRAINED_BY_LINKEDIN.contains(&kpi.id.as_str());
            if strained {
                margin = -rng.random_range(0.03..0.08);
            }
            let better = if kpi.direction == Direction::HigherIsBetter {
                1.0
            } else {
                -1.0
            };
            let value = kpi.target * (1.0 + better * margin);
            rows.push(vec![
                kpi.id.clone(),
                period.to_string(),
                kpi_value_text(&kpi.unit, value),
                kpi_note(strained, &story_a, rng),
            ]);
        }
    }
    csv_text(&["kpi", "period_start", "value", "note"], rows)
}

/// Starts of the periods of `cadence` from the one starting at `first` that ended before
/// `today`. A month's figure is there the day after it closes: FP&A's value and, in the
/// cockpit, a KPI that is never more than a month old.
fn completed_periods(cadence: Cadence, first: NaiveDate, today: NaiveDate) -> Vec<NaiveDate> {
    let mut period = first;
    let mut periods = Vec::new();
    while cadence.next_period(period) <= today {
        periods.push(period);
        period = cadence.next_period(period);
    }
    periods
}

fn kpi_value_text(unit: &str, value: f64) -> String {
    match unit {
        "fraction" => format!("{value:.4}"),
        "months" | "days" => format!("{value:.1}"),
        _ => format!("{value:.2}"),
    }
}

/// When story (a) began, as a note says it: "late September" (days 1-10 early, 11-20
/// mid, the rest late).
fn story_start_text(start: NaiveDate) -> String {
    let part = match start.day() {
        ..=10 => "early",
        11..=20 => "mid",
        _ => "late",
    };
    format!("{part} {}", start.format("%B"))
}

fn kpi_note(strained: bool, story_a: &str, rng: &mut ChaCha8Rng) -> String {
    const NOTES: [&str; 4] = [
        "FP&A month-end close",
        "restated after CRM deduplication",
        "preliminary; final after board pack",
        "source: FP&A planning model",
    ];
    if strained {
        format!("LinkedIn CAC rising since {story_a}; see channel recommendations")
    } else if rng.random_bool(0.12) {
        NOTES.choose(rng).expect("notes exist").to_string()
    } else {
        String::new()
    }
}
