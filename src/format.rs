//! How numbers are written for people: the one place, so the cockpit, the reports, the
//! command line and the sentences the core attaches to its figures write the same number
//! the same way. A leaf: it uses nothing else of the crate, so every floor may use it.
//!
//! No function here writes `inf` or `NaN`: a number that is not finite (a store written
//! before imports capped their numbers) is written [`NOT_A_NUMBER`], and the `…_or_no_data`
//! functions write "no data" for it, as for no value.

/// What a number that is not finite is written as.
pub const NOT_A_NUMBER: &str = "—";

/// `Some(x)` only for a finite `x`.
fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Money in the charter's currency, shortened: $12.0M, $680K, $4,200.
pub fn money(x: f64) -> String {
    if finite(x).is_none() {
        return NOT_A_NUMBER.into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let a = x.abs();
    if a >= 1e6 {
        format!("{sign}${:.1}M", a / 1e6)
    } else if a >= 1e4 {
        format!("{sign}${:.0}K", a / 1e3)
    } else {
        format!("{sign}${}", thousands(a.round() as i64))
    }
}

/// Money to the cent, for figures that are compared digit by digit (a data dispute's
/// two sides): $9,400,000, $9,100,000.50.
pub fn money_exact(x: f64) -> String {
    if finite(x).is_none() {
        return NOT_A_NUMBER.into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    format!("{sign}${}", exact(x.abs(), 2, true))
}

/// A number with thousands separators and at most two decimals, trailing zeros dropped:
/// 118, 12,345.5, 0.73.
pub fn number(x: f64) -> String {
    if finite(x).is_none() {
        return NOT_A_NUMBER.into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    format!("{sign}{}", exact(x.abs(), 2, false))
}

/// `a` (not negative) with separators and `places` decimals: all of them when `keep`
/// (unless the number is whole), else without trailing zeros.
fn exact(a: f64, places: usize, keep: bool) -> String {
    let scale = 10i64.pow(places as u32);
    let scaled = (a * scale as f64).round() as i64;
    let (whole, frac) = (scaled / scale, scaled % scale);
    if frac == 0 {
        return thousands(whole);
    }
    let mut decimals = format!("{frac:0places$}");
    if !keep {
        decimals = decimals.trim_end_matches('0').to_string();
    }
    format!("{}.{decimals}", thousands(whole))
}

/// A whole number with thousands separators: 12,345.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A fraction as a percentage: 0.943 -> "94.3%".
pub fn percent(fraction: f64) -> String {
    if finite(fraction).is_none() {
        return NOT_A_NUMBER.into();
    }
    format!("{:.1}%", fraction * 100.0)
}

/// A ratio of returns: 3.42 -> "3.4x" (ROAS, ROI, marginal ROI).
pub fn ratio(x: f64) -> String {
    if finite(x).is_none() {
        return NOT_A_NUMBER.into();
    }
    format!("{x:.1}x")
}

/// A fraction as a whole percentage: 0.943 -> "94%".
pub fn whole_percent(fraction: f64) -> String {
    if finite(fraction).is_none() {
        return NOT_A_NUMBER.into();
    }
    format!("{:.0}%", fraction * 100.0)
}

/// A span of hours, in days from two days on: "5 h", "3.2 days".
pub fn hours(h: f64) -> String {
    if finite(h).is_none() {
        return NOT_A_NUMBER.into();
    }
    if h >= 48.0 {
        format!("{:.1} days", h / 24.0)
    } else {
        format!("{h:.0} h")
    }
}

/// Whole days, short, for a header: "12d".
pub fn days_short(days: f64) -> String {
    if finite(days).is_none() {
        return NOT_A_NUMBER.into();
    }
    format!("{days:.0}d")
}

/// A value in a charter KPI unit.
pub fn in_unit(x: f64, unit: &str) -> String {
    if finite(x).is_none() {
        return NOT_A_NUMBER.into();
    }
    match unit {
        "usd" => money(x),
        "count" => thousands(x.round() as i64),
        "ratio" => ratio(x),
        "fraction" => percent(x),
        "days" => format!("{x:.1} days"),
        "months" => format!("{x:.1} months"),
        "score" => format!("{x:.0}"),
        _ => format!("{x}"),
    }
}

/// Like `in_unit`, shorter, for table cells: "18.0 mo", "14.0 d".
pub fn compact(x: f64, unit: &str) -> String {
    if finite(x).is_none() {
        return NOT_A_NUMBER.into();
    }
    match unit {
        "days" => format!("{x:.1} d"),
        "months" => format!("{x:.1} mo"),
        _ => in_unit(x, unit),
    }
}

/// "+$1.2M" / "−$300K".
pub fn signed_money(x: f64) -> String {
    if finite(x).is_none() {
        return NOT_A_NUMBER.into();
    }
    if x < 0.0 {
        format!("\u{2212}{}", money(-x))
    } else {
        format!("+{}", money(x))
    }
}

/// A figure's value in a KPI unit, or "no data".
pub fn value_or_no_data(value: Option<f64>, unit: &str) -> String {
    value
        .and_then(finite)
        .map_or_else(|| "no data".to_string(), |v| in_unit(v, unit))
}

/// A relative change as a signed percentage, or "—" when undefined.
pub fn signed_change(change: Option<f64>) -> String {
    change
        .and_then(finite)
        .map_or_else(|| "—".to_string(), |c| format!("{:+.0}%", c * 100.0))
}

/// Money, or "no data".
pub fn money_or_no_data(value: Option<f64>) -> String {
    value_or_no_data(value, "usd")
}

/// A value in a KPI unit written short for table cells (`compact`), or "no data".
pub fn compact_or_no_data(value: Option<f64>, unit: &str) -> String {
    value
        .and_then(finite)
        .map_or_else(|| "no data".to_string(), |v| compact(v, unit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_shortened_like_the_executive_dashboard() {
        assert_eq!(money(12_000_000.0), "$12.0M");
        assert_eq!(money(680_000.0), "$680K");
        assert_eq!(money(4_200.0), "$4,200");
        assert_eq!(money(-2_200_000.0), "-$2.2M");
    }

    #[test]
    fn numbers_that_are_not_finite_are_never_written_as_inf_or_nan() {
        for x in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
            let written = [
                money(x),
                percent(x),
                ratio(x),
                whole_percent(x),
                hours(x),
                days_short(x),
                signed_money(x),
                compact(x, "days"),
                signed_change(Some(x)),
            ];
            for unit in [
                "usd", "count", "ratio", "fraction", "days", "months", "score", "x",
            ] {
                assert_eq!(in_unit(x, unit), NOT_A_NUMBER, "{unit}");
            }
            for w in &written {
                assert_eq!(w, NOT_A_NUMBER);
            }
            assert_eq!(value_or_no_data(Some(x), "usd"), "no data");
            assert_eq!(money_or_no_data(Some(x)), "no data");
            assert_eq!(compact_or_no_data(Some(x), "months"), "no data");
        }
    }

    #[test]
    fn exact_figures_keep_their_digits() {
        assert_eq!(money_exact(9_400_000.0), "$9,400,000");
        assert_eq!(money_exact(9_100_000.5), "$9,100,000.50");
        assert_eq!(money_exact(-12.345), "-$12.35");
        assert_eq!(number(118.0), "118");
        assert_eq!(number(12_345.5), "12,345.5");
        assert_eq!(number(0.73), "0.73");
        assert_eq!(money_exact(f64::NAN), NOT_A_NUMBER);
        assert_eq!(number(f64::INFINITY), NOT_A_NUMBER);
    }

    #[test]
    fn units_follow_the_charter() {
        assert_eq!(in_unit(3.42, "ratio"), "3.4x");
        assert_eq!(in_unit(0.8, "fraction"), "80.0%");
        assert_eq!(in_unit(1234.0, "count"), "1,234");
    }
}
