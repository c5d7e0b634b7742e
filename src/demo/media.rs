//! Simulating the media history from the ground truth (`truth`): planned flights and
//! quarterly budget shifts, actual spend, the pipeline each source truly caused (the
//! model's geometric adstock and Hill saturation), the CRM's last-touch credit, and the
//! funnel counts and sessions of every channel-week.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};

use super::dates::DemoDates;
use super::truth::{
    BASELINE, CHANNELS, CONTENT, CREDIT, DIRECT, FUNNEL, Flighting, LINKEDIN, MEDIA, ORGANIC, PAID,
    PAID_SEARCH, PAID_SOCIAL, REFERRAL, WEBINARS, seo_health, story_effectiveness, story_spend,
};
use super::world::{
    QUARTERS, STORY_QUARTERS_FROM, STORY_STEADY_FROM, WEEKS, holiday_demand, quarter_of_week,
    stochastic_round, trend, week_start,
};
use crate::charter::Charter;
use crate::model::adstock::{geometric_adstock, hill};
use crate::model::simulate::{self, round_cents, wobble};

/// One row of channels.csv.
#[derive(Debug, Clone, Default)]
pub(super) struct ChannelWeek {
    pub(super) spend: f64,
    pub(super) leads: u64,
    pub(super) mqls: u64,
    pub(super) sqls: u64,
    pub(super) pipeline: f64,
    pub(super) sessions: Option<u64>,
    pub(super) opportunities: u64,
    pub(super) closed_won: u64,
}

/// `history[week][channel]`, channels in CHANNELS order.
pub(super) type History = Vec<[ChannelWeek; 10]>;

/// What was planned and what happened.
pub(super) struct MediaRun {
    /// Budget shift of each paid channel in each quarter.
    pub(super) quarter_shift: Vec<Vec<f64>>,
    /// Planned flight level of each paid channel in each week.
    pub(super) flight: Vec<Vec<f64>>,
    pub(super) history: History,
    /// The pipeline each source truly caused, `[week][source]` (ground truth for tests).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) caused: Vec<[f64; 10]>,
}

/// The media history of the 104 weeks on the demo's calendar (`dates`: its holidays,
/// seasons and quarters).
pub(super) fn simulate_media(
    charter: &Charter,
    dates: &DemoDates,
    rng: &mut ChaCha8Rng,
) -> MediaRun {
    let quarter_shift: Vec<Vec<f64>> = (0..PAID).map(|c| quarter_shifts(c, rng)).collect();
    let flight: Vec<Vec<f64>> = (0..PAID).map(|c| flight_levels(c, dates, rng)).collect();
    let spend: Vec<Vec<f64>> = (0..PAID)
        .map(|c| weekly_spend(charter, dates, c, &quarter_shift[c], &flight[c], rng))
        .collect();
    let caused = caused_pipeline(&spend, dates, rng);
    let history = (0..WEEKS)
        .map(|week| {
            let credited = attribute(&caused[week], week, rng);
            std::array::from_fn(|c| {
                let spend = if c < PAID { spend[c][week] } else { 0.0 };
                channel_week(c, week, dates, spend, credited[c], rng)
            })
        })
        .collect();
    MediaRun {
        quarter_shift,
        flight,
        history,
        caused,
    }
}

/// Quarterly budget shifts of ±12% (factors); the story channels run at plan in the
/// last two quarters so their stories are not confounded by a budget decision.
fn quarter_shifts(channel: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    (0..QUARTERS)
        .map(|q| {
            let shift = rng.random_range(0.88..1.12);
            let story = matches!(channel, LINKEDIN | WEBINARS | CONTENT);
            if story && q >= STORY_QUARTERS_FROM {
                1.0
            } else {
                shift
            }
        })
        .collect()
}

fn flight_levels(channel: usize, dates: &DemoDates, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let mut levels = match &MEDIA[channel].flighting {
        Flighting::AlwaysOn => vec![1.0; WEEKS],
        Flighting::Flights { on, off, off_level } => {
            simulate::flight_levels(WEEKS, *on, *off, *off_level, rng)
        }
        Flighting::Events => event_weeks(dates, rng),
        Flighting::Monthly => simulate::monthly_levels(WEEKS, 1.5, 0.5, rng),
    };
    if matches!(channel, LINKEDIN | CONTENT) {
        levels[STORY_STEADY_FROM..].fill(1.0);
    }
    levels
}

/// Two to four event weeks per quarter of the fixed weeks at 1.8–3.2× the base; the
/// field budget keeps ticking at 0.3× in between. Never over the holidays: an event the
/// moved calendar puts in them moves to the next free week after them (or before, at
/// the history's end), which draws nothing, so the rest of the world stays the same.
fn event_weeks(dates: &DemoDates, rng: &mut ChaCha8Rng) -> Vec<f64> {
    const FIELD: f64 = 0.3;
    let mut levels = vec![FIELD; WEEKS];
    for quarter in 0..QUARTERS {
        let candidates: Vec<usize> = (0..WEEKS)
            .filter(|&w| quarter_of_week(w) == quarter && holiday_demand(week_start(w)) == 1.0)
            .collect();
        let events = rng.random_range(2..=4).min(candidates.len());
        for i in rand::seq::index::sample(rng, candidates.len(), events) {
            levels[candidates[i]] = rng.random_range(1.8..3.2);
        }
    }
    let free = |levels: &[f64], w: usize| levels[w] == FIELD && dates.holiday_factor(w) == 1.0;
    for week in 0..WEEKS {
        if levels[week] != FIELD && dates.holiday_factor(week) < 1.0 {
            let to = (week + 1..WEEKS)
                .find(|&w| free(&levels, w))
                .or_else(|| (0..week).rev().find(|&w| free(&levels, w)));
            if let Some(to) = to {
                levels.swap(week, to);
            }
        }
    }
    levels
}

/// Actual weekly spend: plan × story × holiday pause × noise, within the charter's
/// floor and cap.
fn weekly_spend(
    charter: &Charter,
    dates: &DemoDates,
    channel: usize,
    shift: &[f64],
    flight: &[f64],
    rng: &mut ChaCha8Rng,
) -> Vec<f64> {
    let limits = charter.channel(CHANNELS[channel]);
    let floor = limits.and_then(|c| c.floor).unwrap_or(0.0);
    let cap = limits.and_then(|c| c.cap).unwrap_or(f64::INFINITY);
    (0..WEEKS)
        .map(|week| {
            let planned = MEDIA[channel].base_spend * shift[quarter_of_week(week)] * flight[week];
            let paused = 0.3 + 0.7 * dates.holiday_factor(week);
            let spend = planned * story_spend(channel, week) * paused * wobble(rng, 0.07);
            if spend == 0.0 {
                0.0
            } else {
                spend.clamp(floor, cap)
            }
        })
        .collect()
}

/// The pipeline each source truly caused, per week (`[week][source]`).
fn caused_pipeline(spend: &[Vec<f64>], dates: &DemoDates, rng: &mut ChaCha8Rng) -> Vec<[f64; 10]> {
    let mut caused = vec![[0.0; 10]; WEEKS];
    for (c, media) in MEDIA.iter().enumerate() {
        // The history starts mid-flight: the warm start takes the weeks before it to have
        // run at the first month's average rather than at zero.
        let stocks = geometric_adstock(&spend[c], media.decay);
        for (week, stock) in stocks.into_iter().enumerate() {
            let response = media.max_pipeline * hill(stock, media.half_saturation, media.shape);
            caused[week][c] = response * story_effectiveness(c, week);
        }
    }
    for (week, row) in caused.iter_mut().enumerate() {
        for &(source, weekly) in &BASELINE {
            let seo = if source == ORGANIC {
                seo_health(week)
            } else {
                1.0
            };
            let season = dates.seasonality(week);
            row[source] = weekly * trend(week) * season * seo * wobble(rng, 0.04);
        }
        // Nobody buys over the holidays, whatever the channel.
        row.iter_mut()
            .for_each(|p| *p *= dates.holiday_factor(week));
    }
    caused
}

/// The pipeline the CRM credits to each channel (last touch), with reporting noise.
fn attribute(caused: &[f64; 10], week: usize, rng: &mut ChaCha8Rng) -> [f64; 10] {
    let seo = seo_health(week);
    let mut credited = [0.0; 10];
    for (source, shares) in CREDIT.iter().enumerate() {
        for &(channel, share) in *shares {
            let amount = share * caused[source];
            if channel == ORGANIC && source != ORGANIC {
                // Prospects who cannot find us organically any more click the ad instead.
                credited[ORGANIC] += amount * seo;
                credited[PAID_SEARCH] += amount * (1.0 - seo);
            } else {
                credited[channel] += amount;
            }
        }
    }
    credited.map(|p| p * wobble(rng, 0.06))
}

/// One channel's week: the funnel counts behind the credited pipeline, and sessions.
fn channel_week(
    channel: usize,
    week: usize,
    dates: &DemoDates,
    spend: f64,
    pipeline: f64,
    rng: &mut ChaCha8Rng,
) -> ChannelWeek {
    let f = &FUNNEL[channel];
    let expected_opportunities = pipeline / f.deal_size;
    let opportunities = stochastic_round(expected_opportunities * wobble(rng, 0.04), rng);
    let expected_sqls = expected_opportunities / f.sql_to_opportunity;
    let expected_mqls = expected_sqls / f.mql_to_sql;
    // Later stages never outnumber earlier ones.
    let sqls = stochastic_round(expected_sqls * wobble(rng, 0.05), rng).max(opportunities);
    let mqls = stochastic_round(expected_mqls * wobble(rng, 0.05), rng).max(sqls);
    let leads = stochastic_round(expected_mqls / f.lead_to_mql * wobble(rng, 0.05), rng).max(mqls);
    let closed_won = Binomial::new(opportunities, f.win_rate)
        .expect("a valid win rate")
        .sample(rng);
    ChannelWeek {
        spend: round_cents(spend),
        leads,
        mqls,
        sqls,
        // No opportunity, no pipeline: the CRM sums opportunity amounts.
        pipeline: if opportunities == 0 {
            0.0
        } else {
            round_cents(pipeline)
        },
        sessions: sessions(channel, week, dates, spend, rng),
        opportunities,
        closed_won,
    }
}

/// Website sessions a channel brought; none for channels that do not land on the site
/// (events, ABM, off-site syndication).
fn sessions(
    channel: usize,
    week: usize,
    dates: &DemoDates,
    spend: f64,
    rng: &mut ChaCha8Rng,
) -> Option<u64> {
    let demand =
        (0.7 + 0.3 * trend(week)) * dates.seasonality(week) * dates.holiday_factor(week).sqrt();
    let expected = match channel {
        ORGANIC => 43_500.0 * demand * seo_health(week),
        DIRECT => 15_000.0 * demand,
        REFERRAL => 2_600.0 * demand,
        // Clicks bought at a cost per click.
        PAID_SEARCH => spend / 27.0,
        LINKEDIN => spend / 14.0,
        PAID_SOCIAL => spend / 3.5,
        // Registration pages: promoted visits plus people who find them anyway.
        WEBINARS => 400.0 + spend / 25.0,
        _ => return None,
    };
    Some((expected * wobble(rng, 0.03)).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::generate::DEFAULT_SEED;
    use crate::demo::truth::EVENTS;
    use crate::demo::world::{demo_charter, stream};

    #[test]
    fn last_touch_credit_is_not_the_true_contribution() {
        let media = simulate_media(
            &demo_charter(),
            &DemoDates::sample(),
            &mut stream(DEFAULT_SEED, 1),
        );
        let ratio = |c: usize| {
            let credited: f64 = media.history.iter().map(|w| w[c].pipeline).sum();
            let caused: f64 = media.caused.iter().map(|w| w[c]).sum();
            credited / caused
        };
        assert!(
            ratio(PAID_SEARCH) > 1.2,
            "paid search over-credited: {:.2}",
            ratio(PAID_SEARCH)
        );
        assert!(
            ratio(DIRECT) > 1.2,
            "direct absorbs credit: {:.2}",
            ratio(DIRECT)
        );
        assert!(
            ratio(EVENTS) < 0.6,
            "events under-credited: {:.2}",
            ratio(EVENTS)
        );
        assert!(
            ratio(CONTENT) < 0.7,
            "content under-credited: {:.2}",
            ratio(CONTENT)
        );
    }
}
