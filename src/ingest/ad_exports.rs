//! The ad platforms' own downloads, recognised from their headers and read as `spend`
//! rows (date, platform, campaign, cost, account, impressions, clicks) — no script of the
//! user's in between. Sources for every column and value form: tests/fixtures/ads/README.md.
//!
//! - Google Ads report download (`.csv`, and the "Excel .csv": UTF-16 with tabs): a title
//!   and date-range line above the header (`preamble`), `Total: …` rows at the end
//!   (skipped), money with thousands separators (`"1,038.34"`), `--` for no value. Only a
//!   download segmented by `Day` can be dated; one without is refused.
//! - LinkedIn Campaign Manager campaign performance export: a preamble, `Start Date (in
//!   UTC)` in `M/D/YYYY`, `Total Spent`; its `Leads` (form fills) are not spend.
//! - Meta Ads Manager export: `Reporting starts`/`Reporting ends` per row and the currency
//!   in the header (`Amount spent (USD)`); a summary row without a campaign is skipped.
//!
//! The export's currency (a column, or the header) must be the charter's: spend is summed
//! with plans and pipeline in that one currency.

use std::cell::Cell as Counter;

use chrono::Weekday;

use super::error::shown;
use crate::charter::Charter;

mod rows;

/// An ad platform whose download rhythm reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    GoogleAds,
    LinkedIn,
    Meta,
}

impl Platform {
    /// The value stored in `spend.platform` (what a charter's `campaigns` entries name).
    pub fn id(self) -> &'static str {
        match self {
            Platform::GoogleAds => "google-ads",
            Platform::LinkedIn => "linkedin",
            Platform::Meta => "meta",
        }
    }

    /// The export's name, as its users know it.
    pub fn export_name(self) -> &'static str {
        match self {
            Platform::GoogleAds => "Google Ads report download",
            Platform::LinkedIn => "LinkedIn Campaign Manager campaign performance export",
            Platform::Meta => "Meta Ads Manager export",
        }
    }
}

/// A header name as the platforms' names are matched: lower-case words
/// (`Impr.` → `impr`, `Cost (USD)` → `cost usd`).
fn normalise(name: &str) -> String {
    super::bi_exports::normalise(name)
}

/// The platform whose download this header is, from its names (normalised).
fn platform_of(names: &[String]) -> Option<Platform> {
    let has = |n: &str| names.iter().any(|x| x == n);
    let starts = |p: &str| {
        names
            .iter()
            .any(|x| x == p || x.starts_with(&format!("{p} ")))
    };
    if has("campaign name") && has("total spent") {
        return Some(Platform::LinkedIn);
    }
    if has("campaign name") && starts("amount spent") && has("reporting starts") {
        return Some(Platform::Meta);
    }
    let google_marks = [
        "impr",
        "currency code",
        "campaign status",
        "campaign type",
        "day",
    ];
    if has("campaign") && starts("cost") && !has("platform") && google_marks.iter().any(|m| has(m))
    {
        return Some(Platform::GoogleAds);
    }
    None
}

/// Whether a line's fields are the header of an ad platform's download: what
/// [`super::preamble`] looks for below a report's title.
pub(super) fn is_header(fields: &[String]) -> bool {
    let names: Vec<String> = fields.iter().map(|f| normalise(f)).collect();
    platform_of(&names).is_some()
}

/// Where a recognised download keeps a day of spend. Column numbers are 0-based.
#[derive(Debug)]
pub struct AdExport {
    pub platform: Platform,
    /// The day the row covers (Google `Day`, LinkedIn `Start Date (in UTC)`, Meta `Day`).
    day: Option<usize>,
    /// Meta without a `Day` column: `Reporting starts`, `Reporting ends`.
    span: Option<(usize, usize)>,
    campaign: usize,
    cost: usize,
    account: Option<usize>,
    impressions: Option<usize>,
    clicks: Option<usize>,
    /// A column naming each row's currency.
    currency: Option<usize>,
    /// The charter's currency code, upper-case.
    expected: String,
    week_start: Weekday,
    /// LinkedIn writes its dates month first, `M/D/YYYY`.
    month_first: bool,
    notices: Vec<String>,
    /// Meta rows dated as a week's total.
    week_rows: Counter<u64>,
}

/// The ISO 4217 code in a header's parentheses: `Cost (USD)` → `USD`.
fn header_currency(name: &str) -> Option<String> {
    let inner = name.rsplit_once('(')?.1.strip_suffix(')')?.trim();
    (inner.len() == 3 && inner.chars().all(|c| c.is_ascii_alphabetic()))
        .then(|| inner.to_ascii_uppercase())
}

/// Recognises an ad platform's download from its header (`written` as in the file,
/// `names` normalised). `Err` is why a recognised download cannot be read.
pub(super) fn recognise(written: &[String], charter: &Charter) -> Result<Option<AdExport>, String> {
    let names: Vec<String> = written.iter().map(|n| normalise(n)).collect();
    let Some(platform) = platform_of(&names) else {
        return Ok(None);
    };
    let find = |n: &str| names.iter().position(|x| x == n);
    let find_any = |ns: &[&str]| ns.iter().find_map(|n| find(n));
    let starts = |p: &str| {
        names
            .iter()
            .position(|x| x == p || x.starts_with(&format!("{p} ")))
    };
    let name = platform.export_name();
    let (day, span, campaign, cost, account, impressions, clicks, currency) = match platform {
        Platform::GoogleAds => {
            let Some(day) = find("day") else {
                return Err(format!(
                    "this {name} has no `Day` column, so its cost cannot be dated by day: add the \
                     Day segment (Segments → Time → Day) to the report and download it again"
                ));
            };
            (
                Some(day),
                None,
                find("campaign"),
                starts("cost"),
                find_any(&["account", "account name"]),
                find_any(&["impr", "impressions"]),
                find("clicks"),
                find_any(&["currency code", "currency"]),
            )
        }
        Platform::LinkedIn => {
            let Some(day) = find("start date in utc") else {
                return Err(format!(
                    "this {name} has no `Start Date (in UTC)` column, so its spend cannot be dated: \
                     export it again with Time breakdown: Daily"
                ));
            };
            (
                Some(day),
                None,
                find("campaign name"),
                find("total spent"),
                find("account name"),
                find("impressions"),
                find("clicks"),
                find("currency"),
            )
        }
        Platform::Meta => {
            let span = find("reporting starts").zip(find("reporting ends"));
            if find("day").is_none() && span.is_none() {
                return Err(format!(
                    "this {name} has neither `Day` nor `Reporting starts` and `Reporting ends`, so \
                     its spend cannot be dated: export it again with Breakdown → By time → Day"
                ));
            }
            (
                find("day"),
                span,
                find("campaign name"),
                starts("amount spent"),
                find("account name"),
                find("impressions"),
                find("link clicks"),
                find("currency"),
            )
        }
    };
    // platform_of found both names.
    let (Some(campaign), Some(cost)) = (campaign, cost) else {
        return Ok(None);
    };
    let expected = charter.partnership.currency.trim().to_ascii_uppercase();
    let mut notices = vec![format!(
        "read as a {name}: {} → date, {} → campaign, {} → cost, platform '{}'",
        shown(&written[day.or(span.map(|s| s.0)).unwrap_or(cost)]),
        shown(&written[campaign]),
        shown(&written[cost]),
        platform.id()
    )];
    match header_currency(&written[cost]) {
        Some(code) if code != expected => {
            return Err(format!(
                "column '{}' is in {code}, but the charter's currency is {expected}: export the \
                 account's spend in {expected}, or set [partnership] currency to match",
                shown(&written[cost])
            ));
        }
        Some(_) => {}
        None if currency.is_none() => notices.push(format!(
            "the export names no currency: its cost is read as the charter's {expected}"
        )),
        None => {}
    }
    if platform == Platform::LinkedIn
        && let Some(leads) = find("leads")
    {
        notices.push(format!(
            "ignored column '{}': LinkedIn's lead-gen form fills are not spend (import leads from \
             the CRM or MAP export)",
            shown(&written[leads])
        ));
    }
    Ok(Some(AdExport {
        platform,
        day,
        span: if day.is_some() { None } else { span },
        campaign,
        cost,
        account,
        impressions,
        clicks,
        currency,
        expected,
        week_start: charter.partnership.week_start,
        month_first: platform == Platform::LinkedIn,
        notices,
        week_rows: Counter::new(0),
    }))
}

impl AdExport {
    /// The columns rows are read from.
    pub fn columns(&self) -> impl Iterator<Item = usize> + '_ {
        [self.day, Some(self.campaign), Some(self.cost), self.account]
            .into_iter()
            .chain([self.impressions, self.clicks, self.currency])
            .chain([self.span.map(|s| s.0), self.span.map(|s| s.1)])
            .flatten()
    }

    /// For each `spend` column, where the download keeps it (platform has no column).
    pub fn index(&self) -> Vec<Option<usize>> {
        vec![
            self.day.or(self.span.map(|s| s.0)),
            None,
            Some(self.campaign),
            Some(self.cost),
            self.account,
            self.impressions,
            self.clicks,
        ]
    }

    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    /// What to say once the rows are read: how many Meta rows were a week's total.
    pub fn closing_notice(&self) -> Option<String> {
        let n = self.week_rows.get();
        (n > 0).then(|| {
            format!(
                "{n} row{} covered several days of one week: each is kept as that week's total, dated by its first day",
                if n == 1 { "" } else { "s" }
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::rows::ungrouped;
    use super::*;

    fn names(header: &str) -> Vec<String> {
        header.split(',').map(normalise).collect()
    }

    #[test]
    fn each_platform_is_told_from_its_header_and_a_native_file_is_not() {
        let of = |h: &str| platform_of(&names(h));
        assert_eq!(
            of("Day,Campaign,Currency code,Cost,Impr.,Clicks"),
            Some(Platform::GoogleAds)
        );
        assert_eq!(of("Campaign,Cost (USD),Impr."), Some(Platform::GoogleAds));
        assert_eq!(
            of("Start Date (in UTC),Campaign Name,Total Spent,Leads"),
            Some(Platform::LinkedIn)
        );
        assert_eq!(
            of("Reporting starts,Reporting ends,Campaign name,Amount spent (USD)"),
            Some(Platform::Meta)
        );
        assert_eq!(of("date,platform,campaign,cost"), None);
        assert_eq!(of("day,platform,campaign,cost"), None);
    }

    #[test]
    fn thousands_separators_are_dropped_only_where_they_group_digits() {
        assert_eq!(ungrouped("1,038.34"), "1038.34");
        assert_eq!(ungrouped("12,345"), "12345");
        assert_eq!(ungrouped("1,0383.4"), "1,0383.4");
        assert_eq!(ungrouped("1038,34"), "1038,34");
        assert_eq!(header_currency("Cost (USD)").as_deref(), Some("USD"));
        assert_eq!(
            header_currency("Amount spent (eur)").as_deref(),
            Some("EUR")
        );
        assert_eq!(header_currency("Cost"), None);
    }
}
