//! Small robust statistics used by the reviews.

/// The median of `values` (None when empty). NaNs must not be passed.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    Some(if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    })
}

/// The median absolute deviation from the median, scaled by 1.4826 so that it estimates
/// the standard deviation of normally distributed data.
pub fn mad(values: &[f64]) -> Option<f64> {
    let m = median(values)?;
    let deviations: Vec<f64> = values.iter().map(|x| (x - m).abs()).collect();
    median(&deviations).map(|d| d * 1.4826)
}

pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Sample standard deviation (n - 1); None for fewer than two values.
pub fn std_dev(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let m = mean(values)?;
    let var = values.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (values.len() - 1) as f64;
    Some(var.sqrt())
}

/// `a / b`, or None when `b` is zero or either is not finite.
pub fn ratio(a: f64, b: f64) -> Option<f64> {
    let r = a / b;
    (b != 0.0 && r.is_finite()).then_some(r)
}

/// Relative change from `base` to `now` as a fraction (0.3 = +30%).
pub fn change(now: f64, base: f64) -> Option<f64> {
    ratio(now - base, base.abs())
}

/// How far MQL→SQL conversion may fall, relative to before, before a channel's lead
/// quality counts as slipping (and its lead scoring is due a recalibration).
pub const LEAD_QUALITY_SLIP: f64 = 0.15;

/// True when conversion `now` has fallen more than `LEAD_QUALITY_SLIP` below `before`.
pub fn slipping(now: Option<f64>, before: Option<f64>) -> bool {
    now.zip(before)
        .and_then(|(a, b)| change(a, b))
        .is_some_and(|d| d <= -LEAD_QUALITY_SLIP)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_mad_by_hand() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        // deviations from 2: 1, 1, 0, 1, 8 -> median 1 -> 1.4826
        assert!((mad(&[1.0, 3.0, 2.0, 1.0, 10.0]).unwrap() - 1.4826).abs() < 1e-12);
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn ratios_never_divide_by_zero() {
        assert_eq!(ratio(1.0, 0.0), None);
        assert_eq!(change(130.0, 100.0), Some(0.3));
        assert_eq!(std_dev(&[1.0]), None);
    }
}
