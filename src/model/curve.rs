//! A channel's response curve at a sustained weekly spend: what it brings once its
//! carryover has built up, what the next dollar brings (marginal ROI), and where that
//! falls to the charter's hurdle (the saturation point). The optimiser and the cockpit's
//! chart read curves through `Response`, so the accuracy tests can hand the same
//! optimiser the true curves of a simulation.

use serde::{Deserialize, Serialize};

use super::adstock::{hill, hill_inflection, hill_slope};

/// Pipeline as a function of a sustained weekly spend.
pub trait Response {
    /// Weekly pipeline (currency per week) at a sustained weekly spend (currency per
    /// week), once the carryover has built up.
    fn weekly_pipeline(&self, weekly_spend: f64) -> f64;

    /// Marginal ROI: extra pipeline per extra unit of spend at `weekly_spend`.
    fn marginal_roi(&self, weekly_spend: f64) -> f64 {
        let h = 1e-4 * weekly_spend.max(1.0);
        let lo = (weekly_spend - h).max(0.0);
        (self.weekly_pipeline(weekly_spend + h) - self.weekly_pipeline(lo))
            / (weekly_spend + h - lo)
    }
}

/// A fitted channel: geometric adstock then Hill saturation, scaled to its maximum.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HillCurve {
    /// Share of a week's adstock that carries into the next (0..1).
    pub decay: f64,
    /// Adstocked spend at which the channel gives half its maximum, currency.
    pub half_saturation: f64,
    /// Hill exponent: 1 is plain diminishing returns, above 1 an S-curve.
    pub shape: f64,
    /// The weekly pipeline the channel would cause at full saturation, currency per week.
    pub max_pipeline: f64,
}

impl HillCurve {
    /// The adstock a sustained weekly spend settles at: w / (1 − decay).
    fn steady_adstock(&self, weekly_spend: f64) -> f64 {
        weekly_spend / (1.0 - self.decay)
    }

    /// Pipeline in a week with adstock `x` (currency per week).
    pub fn at_adstock(&self, x: f64) -> f64 {
        self.max_pipeline * hill(x, self.half_saturation, self.shape)
    }

    /// Average ROI at a sustained weekly spend: pipeline per unit of spend.
    pub fn roi(&self, weekly_spend: f64) -> Option<f64> {
        (weekly_spend > 0.0).then(|| self.weekly_pipeline(weekly_spend) / weekly_spend)
    }

    /// The sustained weekly spend beyond which marginal ROI is below `hurdle` (currency
    /// per week). 0 when the channel never returns the hurdle at the margin.
    pub fn saturation_spend(&self, hurdle: f64) -> f64 {
        // Marginal ROI rises to its peak at the S-curve's inflection, then falls.
        let peak = hill_inflection(self.half_saturation, self.shape) * (1.0 - self.decay);
        if self.marginal_roi(peak) <= hurdle {
            return 0.0;
        }
        let mut lo = peak;
        let mut hi = (2.0 * peak).max(self.half_saturation * (1.0 - self.decay));
        let mut guard = 0;
        while self.marginal_roi(hi) > hurdle && guard < 200 {
            lo = hi;
            hi *= 2.0;
            guard += 1;
        }
        for _ in 0..100 {
            let mid = 0.5 * (lo + hi);
            if self.marginal_roi(mid) > hurdle {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    /// `n` + 1 evenly spaced points (weekly spend, weekly pipeline) from 0 to
    /// `max_weekly_spend`, for a chart.
    pub fn points(&self, max_weekly_spend: f64, n: usize) -> Vec<(f64, f64)> {
        let n = n.max(1);
        (0..=n)
            .map(|i| {
                let w = max_weekly_spend * i as f64 / n as f64;
                (w, self.weekly_pipeline(w))
            })
            .collect()
    }
}

impl Response for HillCurve {
    fn weekly_pipeline(&self, weekly_spend: f64) -> f64 {
        self.at_adstock(self.steady_adstock(weekly_spend))
    }

    fn marginal_roi(&self, weekly_spend: f64) -> f64 {
        let x = self.steady_adstock(weekly_spend);
        self.max_pipeline * hill_slope(x, self.half_saturation, self.shape) / (1.0 - self.decay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(shape: f64) -> HillCurve {
        HillCurve {
            decay: 0.5,
            half_saturation: 40_000.0,
            shape,
            max_pipeline: 300_000.0,
        }
    }

    #[test]
    fn carryover_multiplies_a_sustained_spend() {
        // 10,000 a week with half carrying over settles at 20,000 of adstock.
        let c = curve(1.0);
        let expected = 300_000.0 * 20_000.0 / 60_000.0;
        assert!((c.weekly_pipeline(10_000.0) - expected).abs() < 1e-6);
    }

    #[test]
    fn marginal_roi_is_the_derivative() {
        for shape in [1.0, 1.8] {
            let c = curve(shape);
            let w = 15_000.0;
            let numeric = (c.weekly_pipeline(w + 1.0) - c.weekly_pipeline(w - 1.0)) / 2.0;
            assert!((numeric - c.marginal_roi(w)).abs() < 1e-6 * numeric);
        }
    }

    #[test]
    fn saturation_is_where_marginal_roi_meets_the_hurdle() {
        for shape in [1.0, 2.2] {
            let c = curve(shape);
            let w = c.saturation_spend(1.0);
            assert!((c.marginal_roi(w) - 1.0).abs() < 1e-6, "{shape}");
            assert!(c.marginal_roi(1.1 * w) < 1.0);
        }
        // A hurdle the channel never meets: saturated from the first dollar.
        assert_eq!(curve(1.0).saturation_spend(1_000.0), 0.0);
    }

    #[test]
    fn chart_points_run_from_zero() {
        let p = curve(1.3).points(50_000.0, 10);
        assert_eq!(p.len(), 11);
        assert_eq!(p[0], (0.0, 0.0));
        assert!(p.windows(2).all(|w| w[1].1 > w[0].1));
    }
}
