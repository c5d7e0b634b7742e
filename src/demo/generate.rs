//! The deterministic demo data behind `rhythm demo` and `data/sample/`: two years (104
//! weeks) of Atlas EOR's marketing, generated from a known response model so that the
//! cockpit's stories and the response model have something true to find.
//!
//! Ground truth. Each paid channel's pipeline contribution is a Hill-saturated function of
//! its geometrically adstocked spend. A trending, seasonal baseline (organic, referral and
//! direct demand) comes on top, and everything dips over Christmas and New Year. The CRM's
//! last-touch lead source then moves credit between channels, so the `pipeline` column is
//! what the CRM says a channel sourced, not what the channel caused: paid search and direct
//! are over-credited, events, content and ABM under-credited.
//!
//! Planted stories (week numbers count from 0 = 2024-11-25 to 103 = 2026-11-16):
//! (a) LinkedIn from week 95: spend ramps to ~1.45x while fatigue cuts its response, so
//!     cost per SQL and per closed-won climb by roughly half;
//! (b) organic search loses ~20% of its sessions, and the leads with them, in weeks 101-103
//!     (a technical SEO issue);
//! (c) webinars (new format, more promotion) and content syndication do better from week 95;
//! (d) the monthly performance review arrives 2-5 days late in Aug-Nov 2026;
//! (e) lee.brennan drifts away from the dashboards from week 91 and is gone for weeks 99-103.
//!
//! Every file draws from its own ChaCha8 stream of the seed, so changing how one file is
//! made never reshuffles another. No clock, no hash-map order: same seed, same bytes.
//! The shipped charter is an input (channel floors and caps, KPI targets, deliverables,
//! stakeholders): change it and data/sample/ must be regenerated.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution, StandardNormal};

use crate::calendar;
use crate::charter::{Cadence, Charter, Deliverable, Direction, KpiSource};
use crate::model::adstock::{geometric_adstock, hill};
use crate::model::history::{HOLIDAY_WEEKS, holiday_week};
use crate::model::simulate::{self, round_cents, wobble};

/// The seed of the committed sample data in data/sample/.
pub const DEFAULT_SEED: u64 = 2026;

/// The last day of the demo history (a Sunday): the demo covers the 104 weeks ending here.
pub const DEMO_END: NaiveDate = ymd(2026, 11, 22);

/// The seven sample files, in import order: (file name, CSV text).
pub fn generate(seed: u64) -> Vec<(&'static str, String)> {
    let charter = demo_charter();
    let media = simulate_media(&charter, &mut stream(seed, 1));
    vec![
        ("channels.csv", channels_csv(&media.history)),
        ("kpis.csv", kpis_csv(&charter, &mut stream(seed, 2))),
        ("plan.csv", plan_csv(&media, &mut stream(seed, 3))),
        (
            "deliveries.csv",
            deliveries_csv(&charter, &mut stream(seed, 4)),
        ),
        ("usage.csv", usage_csv(&charter, &mut stream(seed, 5))),
        ("nps.csv", nps_csv(&charter, &mut stream(seed, 6))),
        (
            "reconciliation.csv",
            reconciliation_csv(&media.history, &mut stream(seed, 7)),
        ),
    ]
}

// ── Calendar of the demo ─────────────────────────────────────────────────────────────

const WEEKS: usize = 104;
/// Monday of week 0: 103 weeks before the week that ends on DEMO_END.
const FIRST_WEEK: NaiveDate = ymd(2024, 11, 25);
/// The week that holds DEMO_END: "this week" of the demo.
const CURRENT_WEEK: NaiveDate = ymd(2026, 11, 16);

const fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) => date,
        None => panic!("not a calendar date"),
    }
}

fn week_start(week: usize) -> NaiveDate {
    FIRST_WEEK + Duration::days(7 * week as i64)
}

/// The demo week that holds `date`, if any.
fn week_of(date: NaiveDate) -> Option<usize> {
    let days = (date - FIRST_WEEK).num_days();
    (0..7 * WEEKS as i64)
        .contains(&days)
        .then_some((days / 7) as usize)
}

/// The first moment after the demo.
fn demo_end_moment() -> NaiveDateTime {
    (DEMO_END + Duration::days(1))
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
}

/// Calendar quarters counted from 2024-Q4 (= 0); a week belongs to the quarter of its
/// Thursday, like an ISO week belongs to the year of its Thursday.
const QUARTERS: usize = 9;

fn quarter_of_date(date: NaiveDate) -> usize {
    let index = date.year() * 4 + date.month0() as i32 / 3 - (2024 * 4 + 3);
    index.clamp(0, QUARTERS as i32 - 1) as usize
}

fn quarter_of_week(week: usize) -> usize {
    quarter_of_date(week_start(week) + Duration::days(3))
}

/// Demand in the holiday weeks relative to a normal week: the week before Christmas
/// slows, Christmas and New Year weeks collapse, the first full week of January recovers.
/// The year-end weeks are the model's (`history::holiday_week`).
fn holiday_factor(week: usize) -> f64 {
    const DEMAND: [f64; HOLIDAY_WEEKS] = [0.85, 0.5, 0.55, 0.8];
    holiday_week(week_start(week)).map_or(1.0, |k| DEMAND[k])
}

/// Yearly seasonality of B2B demand: strong in March, a summer lull in August, a second
/// peak in October.
fn seasonality(week: usize) -> f64 {
    let day = f64::from(week_start(week).ordinal());
    let year = 365.25;
    let tau = std::f64::consts::TAU;
    1.0 + 0.05 * (tau * (day - 80.0) / year).cos() + 0.04 * (2.0 * tau * (day - 100.0) / year).cos()
}

/// Slow organic growth of the business: +8% a year.
fn trend(week: usize) -> f64 {
    1.0 + 0.08 * week as f64 / 52.0
}

// ── Randomness ───────────────────────────────────────────────────────────────────────

/// The stream of one part of the demo: same seed, independent parts.
fn stream(seed: u64, part: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(part);
    rng
}

/// Rounds up with probability equal to the fraction, so counts keep their expected value.
fn stochastic_round(x: f64, rng: &mut ChaCha8Rng) -> u64 {
    let floor = x.max(0.0).floor();
    floor as u64 + u64::from(rng.random::<f64>() < x - floor)
}

fn demo_charter() -> Charter {
    Charter::parse(
        include_str!("../../charter/partnership.toml"),
        Path::new("charter/partnership.toml"),
    )
    .expect("the shipped charter is valid")
}

// ── The media model: channels, response curves, attribution, funnel ─────────────────

const CHANNELS: [&str; 10] = [
    "paid-search",
    "linkedin",
    "paid-social",
    "events",
    "webinars",
    "content",
    "abm",
    "organic",
    "referral",
    "direct",
];
const PAID_SEARCH: usize = 0;
const LINKEDIN: usize = 1;
const PAID_SOCIAL: usize = 2;
const EVENTS: usize = 3;
const WEBINARS: usize = 4;
const CONTENT: usize = 5;
const ABM: usize = 6;
const ORGANIC: usize = 7;
const REFERRAL: usize = 8;
const DIRECT: usize = 9;
/// The first PAID entries of CHANNELS are the paid channels.
const PAID: usize = 7;

/// How a channel's spend is scheduled week to week, as a multiple of its base spend.
enum Flighting {
    /// Always on (search, ABM retainers).
    AlwaysOn,
    /// Campaign flights: runs of `on` weeks at full level, then `off` weeks at `off_level`.
    Flights {
        on: (usize, usize),
        off: (usize, usize),
        off_level: f64,
    },
    /// A few big event weeks per quarter on top of a small field budget.
    Events,
    /// A monthly webinar: two promotion weeks, two quiet weeks.
    Monthly,
}

/// The true response of one paid channel.
struct Media {
    /// Weekly spend at full flight level in an average quarter.
    base_spend: f64,
    flighting: Flighting,
    /// Share of last week's adstock that carries into this week.
    decay: f64,
    /// Adstocked spend at which the channel delivers half its maximum.
    half_saturation: f64,
    /// Hill exponent: above 1 the curve is S-shaped, 1 is plain diminishing returns.
    shape: f64,
    /// Weekly pipeline the channel would cause at full saturation.
    max_pipeline: f64,
}

const MEDIA: [Media; PAID] = [
    // paid-search: large, saturated, short memory
    Media {
        base_spend: 49_000.0,
        flighting: Flighting::AlwaysOn,
        decay: 0.3,
        half_saturation: 50_000.0,
        shape: 1.2,
        max_pipeline: 730_000.0,
    },
    // linkedin
    Media {
        base_spend: 33_000.0,
        flighting: Flighting::Flights {
            on: (6, 10),
            off: (2, 3),
            off_level: 0.55,
        },
        decay: 0.5,
        half_saturation: 60_000.0,
        shape: 1.4,
        max_pipeline: 480_000.0,
    },
    // paid-social: flights fully on or off
    Media {
        base_spend: 17_000.0,
        flighting: Flighting::Flights {
            on: (4, 8),
            off: (2, 4),
            off_level: 0.0,
        },
        decay: 0.35,
        half_saturation: 30_000.0,
        shape: 1.6,
        max_pipeline: 230_000.0,
    },
    // events: lumpy, long memory (relationships outlast the event)
    Media {
        base_spend: 22_000.0,
        flighting: Flighting::Events,
        decay: 0.65,
        half_saturation: 70_000.0,
        shape: 1.0,
        max_pipeline: 580_000.0,
    },
    // webinars: far from saturation, the best marginal return
    Media {
        base_spend: 14_000.0,
        flighting: Flighting::Monthly,
        decay: 0.55,
        half_saturation: 45_000.0,
        shape: 1.3,
        max_pipeline: 485_000.0,
    },
    // content syndication: bursts
    Media {
        base_spend: 22_000.0,
        flighting: Flighting::Flights {
            on: (3, 6),
            off: (1, 3),
            off_level: 0.45,
        },
        decay: 0.6,
        half_saturation: 55_000.0,
        shape: 1.2,
        max_pipeline: 455_000.0,
    },
    // abm: steady, the longest memory
    Media {
        base_spend: 21_000.0,
        flighting: Flighting::AlwaysOn,
        decay: 0.7,
        half_saturation: 60_000.0,
        shape: 1.1,
        max_pipeline: 435_000.0,
    },
];

/// Weekly pipeline of the demand nobody paid for this week (brand, word of mouth,
/// partners), by the unpaid channel that is its true source.
const BASELINE: [(usize, f64); 3] = [
    (ORGANIC, 560_000.0),
    (REFERRAL, 210_000.0),
    (DIRECT, 320_000.0),
];

/// How the CRM's last-touch lead source credits the pipeline each source truly caused
/// (indexed by source = channel): prospects met at an event later search the brand name
/// or type the URL, content readers come back through organic search, and so on.
const CREDIT: [&[(usize, f64)]; 10] = [
    &[(PAID_SEARCH, 1.0)],
    &[(LINKEDIN, 0.85), (PAID_SEARCH, 0.1), (DIRECT, 0.05)],
    &[(PAID_SOCIAL, 0.6), (PAID_SEARCH, 0.2), (DIRECT, 0.2)],
    &[
        (EVENTS, 0.45),
        (PAID_SEARCH, 0.2),
        (DIRECT, 0.25),
        (ORGANIC, 0.1),
    ],
    &[(WEBINARS, 0.8), (DIRECT, 0.1), (ORGANIC, 0.1)],
    &[(CONTENT, 0.55), (ORGANIC, 0.25), (PAID_SEARCH, 0.2)],
    &[(ABM, 0.65), (DIRECT, 0.35)],
    &[(ORGANIC, 1.0)],
    &[(REFERRAL, 1.0)],
    &[(DIRECT, 1.0)],
];

/// Funnel economics of the leads a channel is credited with.
struct Funnel {
    /// Average opportunity amount.
    deal_size: f64,
    lead_to_mql: f64,
    mql_to_sql: f64,
    sql_to_opportunity: f64,
    win_rate: f64,
}

const fn funnel(
    deal_size: f64,
    lead_to_mql: f64,
    mql_to_sql: f64,
    sql_to_opportunity: f64,
    win_rate: f64,
) -> Funnel {
    Funnel {
        deal_size,
        lead_to_mql,
        mql_to_sql,
        sql_to_opportunity,
        win_rate,
    }
}

#[rustfmt::skip]
const FUNNEL: [Funnel; 10] = [
    funnel(105_000.0, 0.38, 0.30, 0.70, 0.21),  // paid-search
    funnel(67_000.0, 0.36, 0.27, 0.68, 0.20),  // linkedin: mid-market
    funnel(40_000.0, 0.35, 0.25, 0.68, 0.19),  // paid-social: small companies
    funnel(100_000.0, 0.42, 0.33, 0.72, 0.25),  // events
    funnel(78_000.0, 0.44, 0.31, 0.70, 0.22),  // webinars
    funnel(90_000.0, 0.36, 0.26, 0.70, 0.20),  // content
    funnel(125_000.0, 0.45, 0.35, 0.74, 0.27), // abm: enterprise
    funnel(130_000.0, 0.40, 0.30, 0.70, 0.22), // organic
    funnel(170_000.0, 0.45, 0.35, 0.72, 0.28), // referral
    funnel(150_000.0, 0.42, 0.32, 0.70, 0.24), // direct
];

// ── The stories, as functions of the week ─────────────────────────────────────────────

/// LinkedIn and content run without flights from here, so stories (a) and (c) have a
/// clean "before".
const STORY_STEADY_FROM: usize = WEEKS - 20;
/// Stories (a) and (c) start here: the last nine weeks.
const SHIFT_FROM: usize = WEEKS - 9;
/// Story (b): the SEO issue hits the last three weeks.
const SEO_ISSUE_FROM: usize = WEEKS - 3;
/// Story (e): lee.brennan's views thin out from here …
const LEE_DRIFT_FROM: usize = WEEKS - 13;
/// … and stop here.
const LEE_GONE_FROM: usize = WEEKS - 5;
/// The first quarter (index) in which the story channels run exactly at plan.
const STORY_QUARTERS_FROM: usize = 7;

/// 0 before `from`, rising linearly to 1 over three weeks.
fn ramp(week: usize, from: usize) -> f64 {
    if week < from {
        0.0
    } else {
        ((week - from + 1) as f64 / 3.0).min(1.0)
    }
}

/// Unplanned spend changes of the stories (not in the plan, so budget-vs-actual sees them).
fn story_spend(channel: usize, week: usize) -> f64 {
    let r = ramp(week, SHIFT_FROM);
    match channel {
        LINKEDIN => 1.0 + 0.45 * r,
        WEBINARS => 1.0 + 0.3 * r,
        CONTENT => 1.0 + 0.15 * r,
        _ => 1.0,
    }
}

/// How well a channel converts spend this week relative to its usual curve: LinkedIn's
/// audience fatigues and its CPMs inflate; the new webinar format and the refreshed
/// syndication offers work better.
fn story_effectiveness(channel: usize, week: usize) -> f64 {
    let r = ramp(week, SHIFT_FROM);
    match channel {
        LINKEDIN => 1.0 - 0.28 * r,
        WEBINARS => 1.0 + 0.25 * r,
        CONTENT => 1.0 + 0.1 * r,
        _ => 1.0,
    }
}

/// Organic search's share of its usual traffic: a technical SEO issue (story b).
fn seo_health(week: usize) -> f64 {
    match week.checked_sub(SEO_ISSUE_FROM) {
        None => 1.0,
        Some(0) => 0.83,
        Some(1) => 0.80,
        Some(_) => 0.79,
    }
}

// ── Simulating the media history ──────────────────────────────────────────────────────

/// One row of channels.csv.
#[derive(Debug, Clone, Default)]
struct ChannelWeek {
    spend: f64,
    leads: u64,
    mqls: u64,
    sqls: u64,
    pipeline: f64,
    sessions: Option<u64>,
    opportunities: u64,
    closed_won: u64,
}

/// `history[week][channel]`, channels in CHANNELS order.
type History = Vec<[ChannelWeek; 10]>;

/// What was planned and what happened.
struct MediaRun {
    /// Budget shift of each paid channel in each quarter.
    quarter_shift: Vec<Vec<f64>>,
    /// Planned flight level of each paid channel in each week.
    flight: Vec<Vec<f64>>,
    history: History,
    /// The pipeline each source truly caused, `[week][source]` (ground truth for tests).
    #[cfg_attr(not(test), allow(dead_code))]
    caused: Vec<[f64; 10]>,
}

fn simulate_media(charter: &Charter, rng: &mut ChaCha8Rng) -> MediaRun {
    let quarter_shift: Vec<Vec<f64>> = (0..PAID).map(|c| quarter_shifts(c, rng)).collect();
    let flight: Vec<Vec<f64>> = (0..PAID).map(|c| flight_levels(c, rng)).collect();
    let spend: Vec<Vec<f64>> = (0..PAID)
        .map(|c| weekly_spend(charter, c, &quarter_shift[c], &flight[c], rng))
        .collect();
    let caused = caused_pipeline(&spend, rng);
    let history = (0..WEEKS)
        .map(|week| {
            let credited = attribute(&caused[week], week, rng);
            std::array::from_fn(|c| {
                let spend = if c < PAID { spend[c][week] } else { 0.0 };
                channel_week(c, week, spend, credited[c], rng)
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

/// Quarterly budget shifts of ±12%; the story channels run at plan in the last two
/// quarters so their stories are not confounded by a budget decision.
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

fn flight_levels(channel: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let mut levels = match &MEDIA[channel].flighting {
        Flighting::AlwaysOn => vec![1.0; WEEKS],
        Flighting::Flights { on, off, off_level } => {
            simulate::flight_levels(WEEKS, *on, *off, *off_level, rng)
        }
        Flighting::Events => event_weeks(rng),
        Flighting::Monthly => simulate::monthly_levels(WEEKS, 1.5, 0.5, rng),
    };
    if matches!(channel, LINKEDIN | CONTENT) {
        levels[STORY_STEADY_FROM..].fill(1.0);
    }
    levels
}

/// Two to four event weeks per quarter (never over the holidays) at 1.8–3.2× the base;
/// the field budget keeps ticking at 0.3× in between.
fn event_weeks(rng: &mut ChaCha8Rng) -> Vec<f64> {
    let mut levels = vec![0.3; WEEKS];
    for quarter in 0..QUARTERS {
        let candidates: Vec<usize> = (0..WEEKS)
            .filter(|&w| quarter_of_week(w) == quarter && holiday_factor(w) == 1.0)
            .collect();
        let events = rng.random_range(2..=4).min(candidates.len());
        for i in rand::seq::index::sample(rng, candidates.len(), events) {
            levels[candidates[i]] = rng.random_range(1.8..3.2);
        }
    }
    levels
}

/// Actual weekly spend: plan × story × holiday pause × noise, within the charter's
/// floor and cap.
fn weekly_spend(
    charter: &Charter,
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
            let paused = 0.3 + 0.7 * holiday_factor(week);
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
fn caused_pipeline(spend: &[Vec<f64>], rng: &mut ChaCha8Rng) -> Vec<[f64; 10]> {
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
            row[source] = weekly * trend(week) * seasonality(week) * seo * wobble(rng, 0.04);
        }
        // Nobody buys over the holidays, whatever the channel.
        row.iter_mut().for_each(|p| *p *= holiday_factor(week));
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
        sessions: sessions(channel, week, spend, rng),
        opportunities,
        closed_won,
    }
}

/// Website sessions a channel brought; none for channels that do not land on the site
/// (events, ABM, off-site syndication).
fn sessions(channel: usize, week: usize, spend: f64, rng: &mut ChaCha8Rng) -> Option<u64> {
    let demand = (0.7 + 0.3 * trend(week)) * seasonality(week) * holiday_factor(week).sqrt();
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

// ── CSV writing ──────────────────────────────────────────────────────────────────────

/// CSV text with a header row and '\n' line ends.
fn csv_text(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    out.write_record(header).expect("writing to memory");
    for row in rows {
        out.write_record(&row).expect("writing to memory");
    }
    let bytes = out.into_inner().expect("writing to memory");
    String::from_utf8(bytes).expect("the demo writes UTF-8")
}

fn timestamp(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn channels_csv(history: &History) -> String {
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
                week_start(week).to_string(),
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

// ── plan.csv ─────────────────────────────────────────────────────────────────────────

/// The planning totals of the charter's spend, pipeline and MQL KPIs, per month.
const MONTHLY_BUDGET: f64 = 720_000.0;
const MONTHLY_PIPELINE_TARGET: f64 = 12_000_000.0;
const MONTHLY_MQL_TARGET: f64 = 500.0;

/// Months planned: the 24 months from December 2024 and the coming December.
fn plan_months() -> Vec<NaiveDate> {
    (0..25)
        .map(|i| calendar::add_months(ymd(2024, 12, 1), i))
        .collect()
}

fn plan_csv(media: &MediaRun, rng: &mut ChaCha8Rng) -> String {
    let pipeline_share = channel_shares(&media.history, |row| row.pipeline);
    let mql_share = channel_shares(&media.history, |row| row.mqls as f64);
    let mut rows = Vec::new();
    for month in plan_months() {
        let budgets = month_budgets(media, month, rng);
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
fn month_budgets(media: &MediaRun, month: NaiveDate, rng: &mut ChaCha8Rng) -> Vec<f64> {
    let next = calendar::add_months(month, 1);
    let quarter = quarter_of_date(month);
    let raw: Vec<f64> = (0..PAID)
        .map(|c| {
            let mean_flight = media.flight[c].iter().sum::<f64>() / WEEKS as f64;
            let flight_days: f64 = month
                .iter_days()
                .take_while(|d| *d < next)
                .map(|d| week_of(d).map_or(mean_flight, |w| media.flight[c][w]))
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

// ── kpis.csv ─────────────────────────────────────────────────────────────────────────

/// Imported KPIs that feel LinkedIn's rising CAC in the last complete quarter.
const STRAINED_BY_LINKEDIN: [&str; 2] = ["cac-payback", "ltv-cac"];

/// Values for the charter's imported KPIs at their cadence: periods that ended within the
/// demo, mostly a little better than target, now and then worse.
fn kpis_csv(charter: &Charter, rng: &mut ChaCha8Rng) -> String {
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

// ── deliveries.csv ───────────────────────────────────────────────────────────────────

/// Story (d): the monthly performance review slips from this month on.
const REVIEW_SLIP_FROM: NaiveDate = ymd(2026, 8, 1);

/// One delivery per deliverable and period whose due moment falls within the demo,
/// except the few that never arrived.
fn deliveries_csv(charter: &Charter, rng: &mut ChaCha8Rng) -> String {
    let mut rows = Vec::new();
    for deliverable in &charter.deliverables {
        for (period, due) in due_in_demo(charter, deliverable) {
            let Some((at, note)) = delivery(deliverable, period, due, rng) else {
                continue;
            };
            let id = &deliverable.id;
            rows.push(vec![
                id.clone(),
                period.to_string(),
                timestamp(at),
                format!("https://bi.atlas-eor.example/reports/{id}/{period}"),
                note,
            ]);
        }
    }
    let header = [
        "deliverable",
        "period_start",
        "delivered_at",
        "link",
        "note",
    ];
    csv_text(&header, rows)
}

/// The periods of a deliverable that fall due within the demo, with their due moments.
fn due_in_demo(charter: &Charter, deliverable: &Deliverable) -> Vec<(NaiveDate, NaiveDateTime)> {
    let p = &charter.partnership;
    let cadence = deliverable.cadence;
    let demo = FIRST_WEEK.and_hms_opt(0, 0, 0).expect("midnight exists")..demo_end_moment();
    let mut period = cadence.period_start(FIRST_WEEK, p.week_start, p.fiscal_year_start_month);
    let mut due = Vec::new();
    while period <= DEMO_END {
        let at = deliverable.due.due_at(period);
        if demo.contains(&at) {
            due.push((period, at));
        }
        period = cadence.next_period(period);
    }
    due
}

/// When a delivery arrived and a note, or None when it never did: most arrive in the
/// hours before due, ~5% within grace, ~8% late, ~3% never (weekly and monthly only).
fn delivery(
    deliverable: &Deliverable,
    period: NaiveDate,
    due: NaiveDateTime,
    rng: &mut ChaCha8Rng,
) -> Option<(NaiveDateTime, String)> {
    let grace_minutes = i64::from(deliverable.grace_hours) * 60;
    let minutes = |rng: &mut ChaCha8Rng, lo: i64, hi: i64| {
        Duration::seconds(rng.random_range(lo * 60..=hi * 60))
    };
    if deliverable.id == "performance-review" && period >= REVIEW_SLIP_FROM {
        let at = due + minutes(rng, 48 * 60, 120 * 60);
        return Some((at, review_slip_note(rng)));
    }
    let cadence = deliverable.cadence;
    let this_week = cadence == Cadence::Weekly && period == CURRENT_WEEK;
    let roll: f64 = if this_week { 1.0 } else { rng.random() };
    // A missing weekly or monthly delivery is a gap; a missing quarterly or annual one
    // would be a crisis, which is not this demo's story.
    let may_go_missing = matches!(cadence, Cadence::Weekly | Cadence::Monthly);
    let early = |rng: &mut ChaCha8Rng| {
        // Mostly just before the deadline, sometimes the evening before.
        let before = 20.0 * 60.0 * rng.random::<f64>().powi(2);
        due - Duration::seconds((before * 60.0) as i64 + 60)
    };
    let (at, note) = if roll < 0.03 && may_go_missing {
        return None;
    } else if roll < 0.11 {
        let late = minutes(rng, grace_minutes + 60, grace_minutes + 72 * 60);
        (due + late, late_note(rng))
    } else if roll < 0.16 {
        (due + minutes(rng, 5, grace_minutes - 5), String::new())
    } else {
        (early(rng), String::new())
    };
    // A late delivery cannot have happened after the demo's "now".
    if at >= demo_end_moment() {
        Some((early(rng), String::new()))
    } else {
        Some((at, note))
    }
}

fn review_slip_note(rng: &mut ChaCha8Rng) -> String {
    const NOTES: [&str; 3] = [
        "waiting on finance close for spend actuals",
        "rework after attribution questions",
        "reviewer out; rescheduled",
    ];
    NOTES.choose(rng).expect("notes exist").to_string()
}

fn late_note(rng: &mut ChaCha8Rng) -> String {
    const NOTES: [&str; 5] = [
        "CRM export failed overnight",
        "waiting on corrected spend from the agency",
        "owner out sick",
        "held for MAP-CRM reconciliation",
        "",
    ];
    NOTES.choose(rng).expect("notes exist").to_string()
}

// ── usage.csv ────────────────────────────────────────────────────────────────────────

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

/// Dashboards people stopped opening, and the last day anyone did (over 60 days before
/// DEMO_END, so the cockpit can propose retiring them).
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

/// BI views of the charter's stakeholders, in time order.
fn usage_csv(charter: &Charter, rng: &mut ChaCha8Rng) -> String {
    let mut views: BTreeSet<(NaiveDateTime, String, &'static str)> = BTreeSet::new();
    for week in 0..WEEKS {
        for viewer in &VIEWERS {
            let Some(person) = charter.stakeholder(viewer.stakeholder) else {
                continue;
            };
            for _ in 0..views_in_week(viewer, week, rng) {
                let at = view_moment(week, rng);
                let Some(dashboard) = pick_dashboard(viewer, at.date(), rng) else {
                    continue;
                };
                views.insert((at, bi_user(&person.bi_users, rng), dashboard));
            }
        }
    }
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

/// How many dashboards a viewer opens in a week: fewer over the holidays, and story (e)
/// for lee: thinning out, then gone.
fn views_in_week(viewer: &Viewer, week: usize, rng: &mut ChaCha8Rng) -> u32 {
    let mut chance = viewer.weekly_chance * (0.4 + 0.6 * holiday_factor(week));
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

/// A moment in the week: working hours (UTC) on a weekday, now and then the weekend.
fn view_moment(week: usize, rng: &mut ChaCha8Rng) -> NaiveDateTime {
    let day = if rng.random_bool(0.06) {
        rng.random_range(5..7)
    } else {
        rng.random_range(0..5)
    };
    let second = rng.random_range(7 * 3600..19 * 3600);
    (week_start(week) + Duration::days(day))
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        + Duration::seconds(second)
}

fn pick_dashboard(viewer: &Viewer, date: NaiveDate, rng: &mut ChaCha8Rng) -> Option<&'static str> {
    let open: Vec<(&'static str, u32)> = viewer
        .dashboards
        .iter()
        .copied()
        .filter(|(name, _)| {
            ABANDONED
                .iter()
                .all(|(gone, last)| name != gone || date <= *last)
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

// ── nps.csv ──────────────────────────────────────────────────────────────────────────

/// Survey days: the second Wednesday of each quarter's middle month, within the demo.
fn survey_dates() -> Vec<NaiveDate> {
    (0..QUARTERS as i32)
        .map(|q| {
            let middle = calendar::add_months(ymd(2024, 11, 1), 3 * q);
            let offset = (7 + 2 - i64::from(middle.weekday().num_days_from_monday())) % 7;
            middle + Duration::days(offset + 7)
        })
        .filter(|d| (FIRST_WEEK..=DEMO_END).contains(d))
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

fn nps_csv(charter: &Charter, rng: &mut ChaCha8Rng) -> String {
    let dates = survey_dates();
    let mut rows = Vec::new();
    for (wave, date) in dates.iter().enumerate() {
        let last_wave = wave + 1 == dates.len();
        // NPS 42-58 by wave; the last wave, after months of late reviews, dips.
        let target = if last_wave {
            rng.random_range(36.0..44.0)
        } else {
            rng.random_range(42.0..58.0)
        };
        let respondents = wave_respondents(charter, *date, rng);
        let scores = wave_scores(respondents.len(), target, rng);
        for ((id, role), score) in respondents.into_iter().zip(scores) {
            let comment = nps_comment(score, last_wave, rng);
            rows.push(vec![date.to_string(), id, score.to_string(), role, comment]);
        }
    }
    csv_text(&["date", "respondent", "score", "role", "comment"], rows)
}

/// 8–14 marketing respondents: the charter's marketing stakeholders who answer (lee not
/// once she has drifted away) and team members identified by wave.
fn wave_respondents(
    charter: &Charter,
    date: NaiveDate,
    rng: &mut ChaCha8Rng,
) -> Vec<(String, String)> {
    let lee_gone = date >= week_start(LEE_DRIFT_FROM);
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

// ── reconciliation.csv ───────────────────────────────────────────────────────────────

const RECONCILED: [&str; 3] = ["leads", "mqls", "sqls"];

/// Weekly MAP vs CRM counts: the CRM side is the channel totals; the MAP side agrees
/// within 1% except in a few broken-sync weeks (3–8% more in the MAP), one of them in the
/// last three weeks.
fn reconciliation_csv(history: &History, rng: &mut ChaCha8Rng) -> String {
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
                week_start(week).to_string(),
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
    use std::collections::HashSet;
    use std::sync::OnceLock;

    use super::*;
    use crate::ingest::{Kind, import_reader};
    use crate::store::Store;

    const SAMPLE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample/");
    const REGENERATE: &str =
        "regenerate with `cargo test --lib write_samples -- --ignored` and commit data/sample/";

    /// The default-seed files, generated once for all tests.
    fn sample() -> &'static [(&'static str, String)] {
        static SAMPLE: OnceLock<Vec<(&'static str, String)>> = OnceLock::new();
        SAMPLE.get_or_init(|| generate(DEFAULT_SEED))
    }

    /// A parsed sample file.
    struct Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    }

    impl Table {
        fn of(name: &str) -> Table {
            let text = &sample()
                .iter()
                .find(|(n, _)| *n == name)
                .expect("a sample file")
                .1;
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            let header = reader.headers().unwrap().iter().map(String::from).collect();
            let rows = reader
                .records()
                .map(|r| r.unwrap().iter().map(String::from).collect())
                .collect();
            Table { header, rows }
        }

        fn col(&self, name: &str) -> usize {
            self.header
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("no column {name}"))
        }
    }

    /// One channel's column over the 104 weeks, in week order.
    fn channel_series(channel: &str, column: &str) -> Vec<f64> {
        let t = Table::of("channels.csv");
        let (c, v) = (t.col("channel"), t.col(column));
        t.rows
            .iter()
            .filter(|r| r[c] == channel)
            .map(|r| r[v].parse().unwrap_or(0.0))
            .collect()
    }

    fn mean(xs: &[f64]) -> f64 {
        xs.iter().sum::<f64>() / xs.len() as f64
    }

    fn median(xs: &[f64]) -> f64 {
        let mut sorted = xs.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        (sorted[(n - 1) / 2] + sorted[n / 2]) / 2.0
    }

    /// Sum over channels of a column, per week.
    fn weekly_totals(column: &str) -> Vec<f64> {
        let t = Table::of("channels.csv");
        let v = t.col(column);
        t.rows
            .chunks(CHANNELS.len())
            .map(|week| week.iter().map(|r| r[v].parse::<f64>().unwrap()).sum())
            .collect()
    }

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        assert_eq!(generate(DEFAULT_SEED), sample());
    }

    #[test]
    fn another_seed_gives_other_data() {
        let other = generate(DEFAULT_SEED + 1);
        for ((name, a), (_, b)) in sample().iter().zip(&other) {
            assert_ne!(a, b, "{name} ignores the seed");
        }
    }

    #[test]
    fn the_seven_files_come_in_import_order_with_their_headers() {
        let expected = [
            (
                "channels.csv",
                "week,channel,spend,leads,mqls,sqls,pipeline,sessions,opportunities,closed_won",
            ),
            ("kpis.csv", "kpi,period_start,value,note"),
            (
                "plan.csv",
                "month,channel,budget,pipeline_target,mql_target",
            ),
            (
                "deliveries.csv",
                "deliverable,period_start,delivered_at,link,note",
            ),
            ("usage.csv", "timestamp,user,dashboard,source"),
            ("nps.csv", "date,respondent,score,role,comment"),
            ("reconciliation.csv", "week,metric,map_count,crm_count"),
        ];
        let got: Vec<(&str, &str)> = sample()
            .iter()
            .map(|(n, t)| (*n, t.lines().next().unwrap()))
            .collect();
        assert_eq!(got, expected);
        for (name, text) in sample() {
            assert!(
                text.ends_with('\n') && !text.contains('\r'),
                "{name}: '\\n' line ends"
            );
            assert!(text.lines().count() > 2, "{name} has rows");
        }
    }

    #[test]
    fn natural_keys_are_unique() {
        for (name, _) in sample() {
            let kind = Kind::parse(name.trim_end_matches(".csv")).unwrap();
            let table = Table::of(name);
            // Optional key columns the file leaves out (geo) do not count.
            let key: Vec<usize> = kind
                .key_names()
                .iter()
                .filter_map(|k| table.header.iter().position(|h| h == k))
                .collect();
            let mut seen = HashSet::new();
            for row in &table.rows {
                let values: Vec<&str> = key.iter().map(|&i| row[i].as_str()).collect();
                assert!(
                    seen.insert(values.join("|")),
                    "{name}: duplicate key {values:?}"
                );
            }
        }
    }

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
    fn last_touch_credit_is_not_the_true_contribution() {
        let media = simulate_media(&demo_charter(), &mut stream(DEFAULT_SEED, 1));
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

    #[test]
    fn story_d_performance_reviews_slip_for_four_months() {
        let charter = demo_charter();
        let review = charter.deliverable("performance-review").unwrap();
        let t = Table::of("deliveries.csv");
        let (d, p, at) = (
            t.col("deliverable"),
            t.col("period_start"),
            t.col("delivered_at"),
        );
        let late: Vec<i64> = t
            .rows
            .iter()
            .filter(|r| r[d] == review.id && r[p].as_str() >= "2026-08-01")
            .map(|r| {
                let period = NaiveDate::parse_from_str(&r[p], "%Y-%m-%d").unwrap();
                let delivered =
                    NaiveDateTime::parse_from_str(&r[at], "%Y-%m-%dT%H:%M:%SZ").unwrap();
                (delivered - review.due.due_at(period)).num_hours()
            })
            .collect();
        assert_eq!(late.len(), 4);
        assert!(
            late.iter().all(|h| (48..=120).contains(h)),
            "hours late: {late:?}"
        );
    }

    #[test]
    fn deliveries_are_mostly_on_time_and_this_week_is() {
        let charter = demo_charter();
        let t = Table::of("deliveries.csv");
        let (d, p, at) = (
            t.col("deliverable"),
            t.col("period_start"),
            t.col("delivered_at"),
        );
        let mut on_time = 0;
        for row in &t.rows {
            let deliverable = charter.deliverable(&row[d]).unwrap();
            let period = NaiveDate::parse_from_str(&row[p], "%Y-%m-%d").unwrap();
            let delivered = NaiveDateTime::parse_from_str(&row[at], "%Y-%m-%dT%H:%M:%SZ").unwrap();
            let deadline = deliverable.due.due_at(period)
                + Duration::hours(i64::from(deliverable.grace_hours));
            assert!(
                delivered < demo_end_moment(),
                "{row:?} is in the demo's future"
            );
            on_time += usize::from(delivered <= deadline);
            if row[p] == CURRENT_WEEK.to_string() {
                assert!(delivered <= deadline, "this week's {} is on time", row[d]);
            }
        }
        let share = on_time as f64 / t.rows.len() as f64;
        assert!((0.85..=0.95).contains(&share), "on-time share {share:.2}");
    }

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
        let gone = week_start(LEE_GONE_FROM).to_string();
        let drifting = week_start(LEE_DRIFT_FROM).to_string();
        assert!(
            lee.iter().all(|at| *at < gone.as_str()),
            "lee has no views in the last five weeks"
        );
        assert!(
            lee.iter().filter(|at| **at >= drifting.as_str()).count() >= 3,
            "lee still looks in now and then"
        );
        let sixty_days_ago = (DEMO_END - Duration::days(60)).to_string();
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
        assert!(
            broken
                .iter()
                .any(|week| *week >= week_start(WEEKS - 3).to_string().as_str())
        );
        let mqls = weekly_totals("mqls");
        let crm_mqls: Vec<f64> = t
            .rows
            .iter()
            .filter(|r| r[t.col("metric")] == "mqls")
            .map(|r| r[crm].parse().unwrap())
            .collect();
        assert_eq!(crm_mqls, mqls, "the CRM side is the channel totals");
    }

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

    #[test]
    fn samples_import_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("rhythm.db")).unwrap();
        let charter = demo_charter();
        for (name, text) in sample() {
            let kind = Kind::parse(name.trim_end_matches(".csv")).unwrap();
            let summary = import_reader(&mut store, &charter, kind, text.as_bytes(), name)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(summary.rows as usize, text.lines().count() - 1, "{name}");
            assert_eq!(summary.new, summary.rows, "{name}: every row is new");
            assert!(summary.notices.is_empty(), "{name}: {:?}", summary.notices);
        }
    }

    #[test]
    fn committed_samples_match_the_generator() {
        for (name, text) in sample() {
            let path = format!("{SAMPLE_DIR}{name}");
            let committed = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {path}: {e}; {REGENERATE}"));
            // Not assert_eq!: a diff of 800 KB of CSV helps nobody.
            assert!(
                committed == *text,
                "data/sample/{name} differs from generate(DEFAULT_SEED): {REGENERATE}"
            );
        }
    }

    /// Writes the default-seed files to data/sample/.
    #[test]
    #[ignore = "writes data/sample/; run on purpose after changing the generator"]
    fn write_samples() {
        std::fs::create_dir_all(SAMPLE_DIR).unwrap();
        for (name, text) in sample() {
            std::fs::write(format!("{SAMPLE_DIR}{name}"), text).unwrap();
        }
    }
}
