//! Carryover and saturation: how a week's spend keeps working in the weeks after
//! (geometric adstock), and why the next dollar buys less than the last (Hill).

/// The adstock state before the first week: the channel taken to have run at the
/// average of its first four weeks for ever, so a history that starts mid-flight does not
/// start cold. Currency (adstocked spend).
pub fn warm_start(spend: &[f64], decay: f64) -> f64 {
    let n = spend.len().min(4);
    if n == 0 {
        return 0.0;
    }
    let average = spend[..n].iter().sum::<f64>() / n as f64;
    average / (1.0 - decay)
}

/// Geometric adstock: each week's spend plus `decay` (0..1, the share of last week's
/// adstock that carries over) times last week's adstock; `before` is the adstock of the
/// week before the first. Currency per week.
pub fn adstock_from(spend: &[f64], decay: f64, before: f64) -> Vec<f64> {
    let mut carry = before;
    spend
        .iter()
        .map(|s| {
            carry = s + decay * carry;
            carry
        })
        .collect()
}

/// Geometric adstock from the warm start (`warm_start`).
pub fn geometric_adstock(spend: &[f64], decay: f64) -> Vec<f64> {
    adstock_from(spend, decay, warm_start(spend, decay))
}

/// Hill saturation: the share (0..1) of its maximum a channel delivers at adstock `x`;
/// half at `half_saturation` (currency), S-shaped when `shape` > 1.
pub fn hill(x: f64, half_saturation: f64, shape: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    1.0 / (1.0 + (shape * (half_saturation.ln() - x.ln())).exp())
}

/// The slope of `hill` at `x`: share of maximum per unit of adstock.
pub fn hill_slope(x: f64, half_saturation: f64, shape: f64) -> f64 {
    if x <= 0.0 {
        // The limit at 0: infinite below shape 1, 1/K at 1, 0 above.
        return match shape.partial_cmp(&1.0) {
            Some(std::cmp::Ordering::Less) => f64::INFINITY,
            Some(std::cmp::Ordering::Equal) => 1.0 / half_saturation,
            _ => 0.0,
        };
    }
    let h = hill(x, half_saturation, shape);
    shape * h * (1.0 - h) / x
}

/// The adstock (currency) where `hill_slope` peaks: 0 for shape ≤ 1, else the inflection
/// of the S-curve, K·((S−1)/(S+1))^(1/S).
pub fn hill_inflection(half_saturation: f64, shape: f64) -> f64 {
    if shape <= 1.0 {
        0.0
    } else {
        half_saturation * ((shape - 1.0) / (shape + 1.0)).powf(1.0 / shape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adstock_carries_a_decaying_share_of_each_week_forward() {
        let a = adstock_from(&[100.0, 0.0, 0.0, 50.0], 0.5, 0.0);
        assert_eq!(a, vec![100.0, 50.0, 25.0, 62.5]);
        // No memory: adstock is spend.
        assert_eq!(adstock_from(&[3.0, 4.0], 0.0, 9.0), vec![3.0, 4.0]);
    }

    #[test]
    fn a_steady_channel_starts_at_its_steady_state() {
        let a = geometric_adstock(&[10.0; 6], 0.6);
        for x in a {
            assert!((x - 25.0).abs() < 1e-9, "{x}");
        }
    }

    #[test]
    fn hill_is_half_at_half_saturation_and_saturates() {
        assert!((hill(50.0, 50.0, 1.7) - 0.5).abs() < 1e-12);
        assert_eq!(hill(0.0, 50.0, 1.7), 0.0);
        assert!(hill(5_000.0, 50.0, 1.7) > 0.999);
        assert!(hill(10.0, 50.0, 2.0) < hill(20.0, 50.0, 2.0));
        // Shape 1 is x / (x + K).
        assert!((hill(30.0, 10.0, 1.0) - 0.75).abs() < 1e-12);
    }

    #[test]
    fn the_slope_matches_a_finite_difference() {
        for &(x, k, s) in &[(30.0, 50.0, 1.0), (80.0, 50.0, 2.3), (5.0, 50.0, 1.4)] {
            let h = 1e-5 * x;
            let numeric = (hill(x + h, k, s) - hill(x - h, k, s)) / (2.0 * h);
            let exact = hill_slope(x, k, s);
            assert!(
                (numeric - exact).abs() < 1e-6 * exact.abs().max(1e-9),
                "{x} {k} {s}"
            );
        }
    }

    #[test]
    fn the_slope_peaks_at_the_inflection() {
        let (k, s) = (40.0, 2.5);
        let x = hill_inflection(k, s);
        let peak = hill_slope(x, k, s);
        assert!(hill_slope(0.95 * x, k, s) < peak);
        assert!(hill_slope(1.05 * x, k, s) < peak);
        assert_eq!(hill_inflection(k, 1.0), 0.0);
    }
}
