//! The ground truth of the demo's marketing: the ten channels, each paid channel's
//! flighting, adstock decay and Hill response (computed by `model::adstock`), the unpaid
//! baseline, how the CRM's last touch moves credit between channels, the funnel behind
//! each channel's leads, and the stories as functions of the week.

use super::world::{SEO_ISSUE_FROM, SHIFT_FROM};

pub(super) const CHANNELS: [&str; 10] = [
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
pub(super) const PAID_SEARCH: usize = 0;
pub(super) const LINKEDIN: usize = 1;
pub(super) const PAID_SOCIAL: usize = 2;
pub(super) const EVENTS: usize = 3;
pub(super) const WEBINARS: usize = 4;
pub(super) const CONTENT: usize = 5;
pub(super) const ABM: usize = 6;
pub(super) const ORGANIC: usize = 7;
pub(super) const REFERRAL: usize = 8;
pub(super) const DIRECT: usize = 9;
/// The first PAID entries of CHANNELS are the paid channels.
pub(super) const PAID: usize = 7;

/// How a channel's spend is scheduled week to week, as a multiple of its base spend.
/// Not `model::simulate::Flighting`: the same four shapes, but the demo's event and
/// webinar levels differ from the model's test worlds, and `data/sample/` is their output.
pub(super) enum Flighting {
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
pub(super) struct Media {
    /// Weekly spend at full flight level in an average quarter.
    pub(super) base_spend: f64,
    pub(super) flighting: Flighting,
    /// Share of last week's adstock that carries into this week.
    pub(super) decay: f64,
    /// Adstocked spend at which the channel delivers half its maximum.
    pub(super) half_saturation: f64,
    /// Hill exponent: above 1 the curve is S-shaped, 1 is plain diminishing returns.
    pub(super) shape: f64,
    /// Weekly pipeline the channel would cause at full saturation.
    pub(super) max_pipeline: f64,
}

pub(super) const MEDIA: [Media; PAID] = [
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
pub(super) const BASELINE: [(usize, f64); 3] = [
    (ORGANIC, 560_000.0),
    (REFERRAL, 210_000.0),
    (DIRECT, 320_000.0),
];

/// How the CRM's last-touch lead source credits the pipeline each source truly caused
/// (indexed by source = channel): prospects met at an event later search the brand name
/// or type the URL, content readers come back through organic search, and so on.
pub(super) const CREDIT: [&[(usize, f64)]; 10] = [
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
pub(super) struct Funnel {
    /// Average opportunity amount.
    pub(super) deal_size: f64,
    pub(super) lead_to_mql: f64,
    pub(super) mql_to_sql: f64,
    pub(super) sql_to_opportunity: f64,
    pub(super) win_rate: f64,
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
pub(super) const FUNNEL: [Funnel; 10] = [
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

// ── The stories, as functions of the week ───────────────────────────────────────────────

/// 0 before `from`, rising linearly to 1 over three weeks.
fn ramp(week: usize, from: usize) -> f64 {
    if week < from {
        0.0
    } else {
        ((week - from + 1) as f64 / 3.0).min(1.0)
    }
}

/// Unplanned spend changes of the stories (not in the plan, so budget-vs-actual sees them).
pub(super) fn story_spend(channel: usize, week: usize) -> f64 {
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
pub(super) fn story_effectiveness(channel: usize, week: usize) -> f64 {
    let r = ramp(week, SHIFT_FROM);
    match channel {
        LINKEDIN => 1.0 - 0.28 * r,
        WEBINARS => 1.0 + 0.25 * r,
        CONTENT => 1.0 + 0.1 * r,
        _ => 1.0,
    }
}

/// Organic search's share of its usual traffic: a technical SEO issue (story b).
pub(super) fn seo_health(week: usize) -> f64 {
    match week.checked_sub(SEO_ISSUE_FROM) {
        None => 1.0,
        Some(0) => 0.83,
        Some(1) => 0.80,
        Some(_) => 0.79,
    }
}
