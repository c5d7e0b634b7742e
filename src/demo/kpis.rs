//! kpis.csv: values of the charter's imported KPIs at their cadence, mostly a little
//! better than target; LinkedIn's rising CAC strains two of them in the last quarter.

use chrono::{Duration, NaiveDate, Weekday};
use rand::Rng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

use super::world::{DEMO_END, FIRST_WEEK, csv_text};
use crate::charter::{Cadence, Charter, Direction, KpiSource};

/// Imported KPIs that feel LinkedIn's rising CAC in the last complete quarter.
const STRAINED_BY_LINKEDIN: [&str; 2] = ["cac-payback", "ltv-cac"];

/// Values for the charter's imported KPIs at their cadence: periods that ended within the
/// demo, mostly a little better than target, now and then worse.
pub(super) fn kpis_csv(charter: &Charter, rng: &mut ChaCha8Rng) -> String {
    let p = &charter.partnership;
    let mut rows = Vec::new();
    for kpi in charter
        .kpis
        .iter()
        .filter(|k| k.source == KpiSource::Imported)
    {
        let periods = completed_periods(kpi.cadence, p.week_start, p.fiscal_year_start_month);
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
                kpi_note(strained, rng),
            ]);
        }
    }
    csv_text(&["kpi", "period_start", "value", "note"], rows)
}

/// Starts of the periods of `cadence` that began on or after the first demo week's
/// period and ended by DEMO_END.
fn completed_periods(cadence: Cadence, week_start: Weekday, fy_month: u32) -> Vec<NaiveDate> {
    let mut period = cadence.period_start(FIRST_WEEK, week_start, fy_month);
    let mut periods = Vec::new();
    while cadence.next_period(period) <= DEMO_END + Duration::days(1) {
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

fn kpi_note(strained: bool, rng: &mut ChaCha8Rng) -> String {
    const NOTES: [&str; 4] = [
        "FP&A month-end close",
        "restated after CRM deduplication",
        "preliminary; final after board pack",
        "source: FP&A planning model",
    ];
    if strained {
        "LinkedIn CAC rising since late September; see channel recommendations".to_string()
    } else if rng.random_bool(0.12) {
        NOTES.choose(rng).expect("notes exist").to_string()
    } else {
        String::new()
    }
}
