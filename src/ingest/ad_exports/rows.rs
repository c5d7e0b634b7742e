//! One download row -> one `spend` row: the day (or Meta's one-week span), the cost
//! with its thousands separators, the counts, and the row's currency checked.

use chrono::NaiveDate;

use super::super::RowError;
use super::super::cells::{self, Cell};
use super::super::error::truncate;
use super::{AdExport, Platform};

/// A field's trouble: (0-based column, value, reason).
type FieldError = (usize, String, String);

/// `--` (Google's no value) and empty are no value.
fn no_value(text: &str) -> bool {
    text.is_empty() || text == "--"
}

/// `1,038.34` → `1038.34`; text that is not a number with thousands separators is kept
/// for the number's own check to refuse.
pub(super) fn ungrouped(text: &str) -> std::borrow::Cow<'_, str> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    let grouped = whole.contains(',')
        && (1..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()))
        && fraction.chars().all(|c| c.is_ascii_digit());
    if grouped {
        std::borrow::Cow::Owned(text.replace(',', ""))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

impl AdExport {
    /// Maps `record` to a spend row in `row`, or says why not in `errors`; returns the
    /// label of a summary row, which is skipped.
    pub fn parse<'r>(
        &self,
        record: &'r csv::ByteRecord,
        line: u64,
        names: &[String],
        row: &mut Vec<Cell<'r>>,
        errors: &mut Vec<RowError>,
    ) -> Option<String> {
        let located = |(i, value, reason): FieldError| RowError {
            line,
            column: Some((i + 1, names.get(i).cloned().unwrap_or_default())),
            value: truncate(&value),
            reason,
        };
        let field = |i: usize| -> Result<&'r str, FieldError> {
            let raw: &'r [u8] = &record[i];
            std::str::from_utf8(raw).map(str::trim).map_err(|_| {
                let value = String::from_utf8_lossy(raw).into_owned();
                (i, value, super::super::decode::not_utf8(raw))
            })
        };
        let campaign = match field(self.campaign) {
            Ok(c) => c,
            Err(e) => {
                errors.push(located(e));
                return None;
            }
        };
        // Google closes its download with `Total: Account`, `Total: Campaigns` … in the
        // first column; Meta writes the account's total with no campaign name.
        let first = field(0).unwrap_or("");
        for text in [first, campaign] {
            let lower = text.to_ascii_lowercase();
            if lower == "total" || lower.starts_with("total:") {
                return Some(text.to_string());
            }
        }
        if self.platform == Platform::Meta && campaign.is_empty() {
            return Some("no campaign name".into());
        }
        let mut push = |cell: Result<Cell<'r>, FieldError>, row: &mut Vec<Cell<'r>>| match cell {
            Ok(c) => row.push(c),
            Err(e) => {
                errors.push(located(e));
                row.push(Cell::Null);
            }
        };
        push(self.date(&field), row);
        row.push(Cell::Text(self.platform.id()));
        push(
            if campaign.is_empty() {
                Err((
                    self.campaign,
                    String::new(),
                    "is empty: a day of spend names its campaign".into(),
                ))
            } else {
                Ok(Cell::Text(campaign))
            },
            row,
        );
        push(self.cost(&field), row);
        push(
            self.account.map_or(Ok(Cell::Null), |i| {
                field(i).map(|t| {
                    if no_value(t) {
                        Cell::Null
                    } else {
                        Cell::Text(t)
                    }
                })
            }),
            row,
        );
        for at in [self.impressions, self.clicks] {
            push(at.map_or(Ok(Cell::Null), |i| count(&field, i)), row);
        }
        if let Some(i) = self.currency {
            match field(i) {
                Ok(code) if !code.is_empty() && !code.eq_ignore_ascii_case(&self.expected) => {
                    errors.push(located((
                        i,
                        code.to_string(),
                        format!(
                            "is not the charter's currency {}: import spend in {} only (export the account in it, or set [partnership] currency)",
                            self.expected, self.expected
                        ),
                    )));
                }
                Ok(_) => {}
                Err(e) => errors.push(located(e)),
            }
        }
        None
    }

    /// The row's day: its day column, or (Meta) its reporting span when that is one day,
    /// or within one week (then the week's total, dated by its first day).
    fn date<'r>(
        &self,
        field: &impl Fn(usize) -> Result<&'r str, FieldError>,
    ) -> Result<Cell<'r>, FieldError> {
        let day = |i: usize| -> Result<NaiveDate, FieldError> {
            let text = field(i)?;
            self.day_of(text)
                .map_err(|reason| (i, text.to_string(), reason))
        };
        if let Some(i) = self.day {
            return Ok(Cell::Owned(day(i)?.to_string()));
        }
        let Some((s, e)) = self.span else {
            unreachable!("recognise gives a day or a span");
        };
        let (start, end) = (day(s)?, day(e)?);
        if end < start {
            return Err((
                e,
                field(e)?.to_string(),
                format!("is before Reporting starts ({start})"),
            ));
        }
        if end != start {
            let week = |d| crate::calendar::week_start(d, self.week_start);
            if week(start) != week(end) {
                return Err((
                    e,
                    field(e)?.to_string(),
                    format!(
                        "the row covers {start} to {end}, more than one week: rhythm needs spend by day or week — export again with Breakdown → By time → Day (or Week)"
                    ),
                ));
            }
            self.week_rows.set(self.week_rows.get() + 1);
        }
        Ok(Cell::Owned(start.to_string()))
    }

    fn day_of(&self, text: &str) -> Result<NaiveDate, String> {
        if self.month_first
            && let Ok(d) = NaiveDate::parse_from_str(text, "%m/%d/%Y")
        {
            cells::in_range(chrono::Datelike::year(&d))?;
            return Ok(d);
        }
        cells::date(text).map_err(|_| {
            if self.month_first {
                "is not a date: LinkedIn writes M/D/YYYY, like 10/1/2026".to_string()
            } else {
                format!(
                    "is not a date: {} writes YYYY-MM-DD, like 2026-10-01",
                    self.platform.export_name()
                )
            }
        })
    }

    fn cost<'r>(
        &self,
        field: &impl Fn(usize) -> Result<&'r str, FieldError>,
    ) -> Result<Cell<'r>, FieldError> {
        let text = field(self.cost)?;
        if no_value(text) {
            // Nothing was spent that day (Google writes `--` where a metric has no value).
            return Ok(Cell::Real(0.0));
        }
        cells::money(&ungrouped(text))
            .map(Cell::Real)
            .map_err(|reason| (self.cost, text.to_string(), reason))
    }
}

fn count<'r>(
    field: &impl Fn(usize) -> Result<&'r str, FieldError>,
    i: usize,
) -> Result<Cell<'r>, FieldError> {
    let text = field(i)?;
    if no_value(text) {
        return Ok(Cell::Null);
    }
    cells::count(&ungrouped(text))
        .map(Cell::Int)
        .map_err(|reason| (i, text.to_string(), reason))
}
