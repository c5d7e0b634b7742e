//! plan.csv: monthly budgets, pipeline and MQL targets per channel. Budgets follow the
//! planned flights and quarterly shifts of the media history (not the stories' unplanned
//! changes); targets follow each channel's share of the history. Months are the demo
//! calendar's.

use chrono::{Datelike, Duration, NaiveDate};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::dates::DemoDates;
use super::media::{ChannelWeek, History, MediaRun};
use super::truth::{CHANNELS, MEDIA, PAID};
use super::world::{WEEKS, csv_text, quarter_of_date};
use crate::calendar;

/// The planning totals of the charter's spend, pipeline and MQL KPIs, per month.
const MONTHLY_BUDGET: f64 = 720_000.0;
const MONTHLY_PIPELINE_TARGET: f64 = 12_000_000.0;
const MONTHLY_MQL_TARGET: f64 = 500.0;

/// Months planned (their first days): from the first month that starts within the
/// history to the month after the one the history ends in (for the fixed history,
/// December 2024 to the coming December 2026).
fn plan_months(dates: &DemoDates) -> Vec<NaiveDate> {
    let first_week = dates.first_week();
    let first = if first_week.day() == 1 {
        first_week
    } else {
        calendar::month_start_plus(first_week, 1)
    };
    let last = calendar::month_start_plus(dates.end(), 1);
    std::iter::successors(Some(first), |m| Some(calendar::month_start_plus(*m, 1)))
        .take_while(|m| *m <= last)
        .collect()
}

/// Budgets and targets per month (`YYYY-MM`) and channel, in currency per month and
/// MQLs per month.
pub(super) fn plan_csv(media: &MediaRun, dates: &DemoDates, rng: &mut ChaCha8Rng) -> String {
    let pipeline_share = channel_shares(&media.history, |row| row.pipeline);
    let mql_share = channel_shares(&media.history, |row| row.mqls as f64);
    let mut rows = Vec::new();
    for month in plan_months(dates) {
        let budgets = month_budgets(media, dates, month, rng);
        let pipeline_target = MONTHLY_PIPELINE_TARGET * rng.random_range(0.98..1.02);
        for (c, channel) in CHANNELS.iter().enumerate() {
            let target = pipeline_target * pipeline_share[c] * rng.random_range(0.95..1.05);
            rows.push(vec![
                month.format("%Y-%m").to_string(),
                channel.to_string(),
                format!("{:.2}", budgets.get(c).copied().unwrap_or(0.0)),
                format!("{:.2}", (target / 1000.0).round() * 1000.0),
                (MONTHLY_MQL_TARGET * mql_share[c]).round().to_string(),
            ]);
        }
    }
    csv_text(
        &[
            "month",
            "channel",
            "budget",
            "pipeline_target",
            "mql_target",
        ],
        rows,
    )
}

/// Each channel's share of a column over the whole history.
fn channel_shares(history: &History, value: impl Fn(&ChannelWeek) -> f64) -> [f64; 10] {
    let totals: [f64; 10] = std::array::from_fn(|c| history.iter().map(|w| value(&w[c])).sum());
    let all: f64 = totals.iter().sum();
    totals.map(|t| t / all)
}

/// Paid budgets of a month: the planned flights and quarterly shifts (not the unplanned
/// story changes or the holiday pause), scaled to about $720K in all, rounded to $100.
/// The budget shift is that of the media plan's quarter the middle of the month moved
/// from: the plan's quarters are the fixed weeks'.
fn month_budgets(
    media: &MediaRun,
    dates: &DemoDates,
    month: NaiveDate,
    rng: &mut ChaCha8Rng,
) -> Vec<f64> {
    let next = calendar::month_start_plus(month, 1);
    let quarter = quarter_of_date(dates.fixed(month + Duration::days(14)));
    let raw: Vec<f64> = (0..PAID)
        .map(|c| {
            let mean_flight = media.flight[c].iter().sum::<f64>() / WEEKS as f64;
            let flight_days: f64 = month
                .iter_days()
                .take_while(|d| *d < next)
                .map(|d| dates.week_of(d).map_or(mean_flight, |w| media.flight[c][w]))
                .sum();
            MEDIA[c].base_spend * media.quarter_shift[c][quarter] * flight_days / 7.0
                * rng.random_range(0.97..1.03)
        })
        .collect();
    let scale = MONTHLY_BUDGET * rng.random_range(0.99..1.01) / raw.iter().sum::<f64>();
    raw.iter()
        .map(|b| (b * scale / 100.0).round() * 100.0)
        .collect()
}
