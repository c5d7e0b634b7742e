//! The worlds the accuracy tests and the benchmark simulate.

use super::{Carryover, Flighting, Saturation, TrueChannel, Truth};
use crate::model::curve::Response;

fn channel(
    name: &str,
    base_spend: f64,
    flighting: Flighting,
    decay: f64,
    saturation: Saturation,
    max_pipeline: f64,
    credit: f64,
) -> TrueChannel {
    TrueChannel {
        channel: name.into(),
        base_spend,
        flighting,
        decay,
        carryover: Carryover::Geometric,
        saturation,
        max_pipeline,
        credit,
    }
}

fn hill(half_saturation: f64, shape: f64) -> Saturation {
    Saturation::Hill {
        half_saturation,
        shape,
    }
}

fn flights(on: (usize, usize), off: (usize, usize), off_level: f64) -> Flighting {
    Flighting::Flights { on, off, off_level }
}

/// The model's own world: geometric adstock + Hill, seven paid channels (the first is
/// brand-heavy paid search), three unpaid, +8% a year, a year-end dip of up to 50%, 3%
/// noise.
/// Paid search is saturated and over-credited; webinars and events are far from
/// saturation and under-credited — the trap of attributed ROAS.
pub fn hill_truth() -> Truth {
    Truth {
        channels: vec![
            channel(
                "paid-search",
                60_000.0,
                Flighting::AlwaysOn,
                0.25,
                hill(30_000.0, 1.2),
                650_000.0,
                1.0,
            ),
            channel(
                "linkedin",
                35_000.0,
                flights((6, 10), (2, 4), 0.1),
                0.45,
                hill(45_000.0, 1.4),
                330_000.0,
                0.85,
            ),
            channel(
                "paid-social",
                18_000.0,
                flights((4, 8), (2, 4), 0.0),
                0.35,
                hill(15_000.0, 1.5),
                130_000.0,
                0.6,
            ),
            channel(
                "events",
                22_000.0,
                Flighting::Events,
                0.6,
                hill(110_000.0, 1.0),
                1_000_000.0,
                0.45,
            ),
            channel(
                "webinars",
                14_000.0,
                Flighting::Monthly,
                0.5,
                hill(90_000.0, 1.3),
                800_000.0,
                0.8,
            ),
            channel(
                "content",
                22_000.0,
                flights((3, 6), (2, 3), 0.0),
                0.5,
                hill(50_000.0, 1.2),
                380_000.0,
                0.55,
            ),
            channel(
                "abm",
                20_000.0,
                Flighting::AlwaysOn,
                0.6,
                hill(70_000.0, 1.1),
                450_000.0,
                0.65,
            ),
        ],
        unpaid: vec![
            ("direct".into(), 250_000.0),
            ("organic".into(), 450_000.0),
            ("referral".into(), 150_000.0),
        ],
        trend: 0.08,
        holiday_dip: 0.5,
        holiday_hits_media: false,
        noise: 0.03,
    }
}

/// A world the model does not assume: normalised adstock, logistic saturation, and a
/// holiday dip that hits media as well as the baseline.
pub fn logistic_truth() -> Truth {
    let mut truth = hill_truth();
    // (midpoint as a multiple of base spend, steepness)
    let shapes = [
        (0.6, 3.0),
        (0.9, 3.5),
        (0.7, 4.0),
        (0.8, 2.5),
        (1.4, 3.0),
        (1.0, 3.0),
        (0.9, 2.5),
    ];
    for (c, (m, k)) in truth.channels.iter_mut().zip(shapes) {
        c.carryover = Carryover::Normalised;
        c.saturation = Saturation::Logistic {
            midpoint: m * c.base_spend,
            steepness: k,
        };
        // Comparable weekly pipeline at the base spend to the Hill world.
        let hill_at_base = {
            let mut h = c.clone();
            h.carryover = Carryover::Geometric;
            h.saturation = hill_truth()
                .channels
                .iter()
                .find(|x| x.channel == c.channel)
                .expect("same channels")
                .saturation;
            h.weekly_pipeline(c.base_spend)
        };
        c.max_pipeline *= hill_at_base / c.weekly_pipeline(c.base_spend);
    }
    truth.holiday_hits_media = true;
    truth
}

/// Nine paid channels, for the benchmark: the Hill world plus two more flighted lines.
pub fn nine_channel_truth() -> Truth {
    let mut truth = hill_truth();
    truth.channels.push(channel(
        "display",
        16_000.0,
        flights((3, 7), (2, 4), 0.2),
        0.4,
        hill(35_000.0, 1.3),
        200_000.0,
        0.5,
    ));
    truth.channels.push(channel(
        "podcasts",
        9_000.0,
        flights((5, 9), (3, 5), 0.0),
        0.6,
        hill(30_000.0, 1.1),
        180_000.0,
        0.3,
    ));
    truth
}
