//! Amounts as CRM reports write them: plain, or as currency text in the charter's
//! currency (the formatted Salesforce report's `USD 48,000.00`, `$48,000.00`).

use super::cells;

/// An amount as a report writes it: plain (`48000`, `48000.00`), or as currency text in
/// the charter's currency: `USD 48,000.00`, `48,000.00 USD`, or with the currency's sign
/// (`$48,000.00` when the charter's currency is USD). Thousands separators are read only
/// in the unambiguous form (groups of three and a decimal point, or more than one group);
/// another currency, or text that could be read two ways, is refused.
pub fn money(text: &str, currency: &str) -> Result<f64, String> {
    let t = text.trim();
    let (code, rest) = split_currency(t);
    if let Some(code) = code
        && !code.eq_ignore_ascii_case(currency)
    {
        // `$` alone does not say which dollar: read as USD only.
        let written = if t.contains('$') {
            format!("written with $ (read as {code} only)")
        } else {
            format!("in {code}")
        };
        return Err(format!(
            "is {written}, but the charter's currency is {currency}: convert the report to {currency} (Salesforce: report currency) and export again"
        ));
    }
    if !rest.contains(',') {
        return cells::money(rest);
    }
    let (whole, decimals) = match rest.split_once('.') {
        Some((w, d)) => (w, Some(d)),
        None => (rest, None),
    };
    let groups: Vec<&str> = whole.split(',').collect();
    let grouped = groups[0].len() <= 3
        && !groups[0].is_empty()
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
    let decimals_ok = decimals.is_none_or(|d| !d.contains(','));
    if !grouped || !decimals_ok || (decimals.is_none() && groups.len() == 2) {
        return Err(
            "cannot be read unambiguously: write the amount as a plain decimal (48000.00), or export the report with its currency as 48,000.00"
                .into(),
        );
    }
    cells::money(&rest.replace(',', ""))
}

/// The currency a value names (`USD`, or the code a sign stands for), and the number.
fn split_currency(t: &str) -> (Option<&str>, &str) {
    for (sign, code) in [("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("¥", "JPY")] {
        if let Some(rest) = t.strip_prefix(sign).or_else(|| t.strip_suffix(sign)) {
            return (Some(code), rest.trim());
        }
    }
    let is_code = |w: &str| w.len() == 3 && w.bytes().all(|b| b.is_ascii_uppercase());
    if let Some((code, rest)) = t.split_once(' ')
        && is_code(code)
    {
        return (Some(code), rest.trim());
    }
    if let Some((rest, code)) = t.rsplit_once(' ')
        && is_code(code)
    {
        return (Some(code), rest.trim());
    }
    (None, t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_text_in_the_charters_currency_is_read() {
        for (text, want) in [
            ("48000", 48000.0),
            ("48000.50", 48000.5),
            ("USD 48,000.00", 48000.0),
            ("48,000.00 USD", 48000.0),
            ("$48,000.00", 48000.0),
            ("USD 1,250,000", 1_250_000.0),
        ] {
            assert_eq!(money(text, "USD"), Ok(want), "{text}");
        }
    }

    #[test]
    fn another_currency_or_ambiguous_text_is_refused() {
        let other = money("EUR 42,000.00", "USD").unwrap_err();
        assert!(other.contains("EUR") && other.contains("USD"), "{other}");
        assert!(money("$4,000.00", "CAD").unwrap_err().contains("USD"));
        for text in ["1,234", "48.000,00", "USD 48,00,000.00", "4,8000.00"] {
            let e = money(text, "USD").unwrap_err();
            assert!(e.contains("unambiguously"), "{text}: {e}");
        }
    }
}
