//! What an `experiments` row must say as a whole, beyond its fields one by one: a test
//! of at least a week, and its uncertainty as a standard error or a 90% interval (kept
//! as the standard error the model weighs it by).

use chrono::NaiveDate;

use super::RowError;
use super::cells::Cell;
use super::layout::Layout;

/// The z-score of a two-sided 90% interval: std_error = (high − low) / (2 · 1.645).
pub const Z90: f64 = 1.645;

/// Shortest test, in days from start to end inclusive: a week, so the model can set it
/// beside at least one week of spend.
pub const MIN_DAYS: i64 = 7;

// The store order of `kinds::EXPERIMENTS`.
const START: usize = 1;
const END: usize = 2;
const MEASURED: usize = 3;
const STD_ERROR: usize = 4;
const LOW: usize = 5;
const HIGH: usize = 6;

/// The header names the uncertainty: `std_error`, or both `low` and `high`.
pub(super) fn header_reason(index: &[Option<usize>]) -> Option<String> {
    let has = |i: usize| index.get(i).copied().flatten().is_some();
    if has(STD_ERROR) || (has(LOW) && has(HIGH)) {
        return None;
    }
    Some(match (has(LOW), has(HIGH)) {
        (true, false) => "a column `low` needs a column `high`: a 90% interval has both ends".into(),
        (false, true) => "a column `high` needs a column `low`: a 90% interval has both ends".into(),
        _ => "an experiment gives its uncertainty: add a column `std_error`, or columns `low` and `high` (its 90% interval)".into(),
    })
}

/// Checks a row whose fields all parsed, and fills in `std_error` from the interval.
pub(super) fn check(row: &mut [Cell], layout: &Layout, line: u64, errors: &mut Vec<RowError>) {
    let located = |i: usize, reason: String| RowError {
        line,
        // A column the header lacks (`low` beside `std_error`) has no place to name.
        column: layout.index[i].map(|c| {
            (
                c + 1,
                super::kinds::def(super::Kind::Experiments).columns[i]
                    .name
                    .to_string(),
            )
        }),
        value: match &row[i] {
            Cell::Null => String::new(),
            Cell::Real(x) => x.to_string(),
            c => c.as_str().unwrap_or("").to_string(),
        },
        reason,
    };
    let day = |i: usize| row[i].as_str().and_then(|t| t.parse::<NaiveDate>().ok());
    if let (Some(start), Some(end)) = (day(START), day(END)) {
        let days = (end - start).num_days() + 1;
        if end < start {
            errors.push(located(
                END,
                format!(
                    "is before start ({start}): an experiment ends on or after the day it starts"
                ),
            ));
        } else if days < MIN_DAYS {
            errors.push(located(
                END,
                format!(
                    "makes a test of {days} day{} from {start}: an experiment runs at least a week ({MIN_DAYS} days, start to end inclusive), so the model can compare it with a week of spend",
                    if days == 1 { "" } else { "s" }
                ),
            ));
        }
    }
    let real = |i: usize| match row[i] {
        Cell::Real(x) => Some(x),
        _ => None,
    };
    let std_error = match (real(STD_ERROR), real(LOW), real(HIGH)) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            errors.push(located(
                STD_ERROR,
                "is given with an interval (low, high): give one of the two, so the row says one thing".into(),
            ));
            None
        }
        (Some(se), None, None) => Some(se),
        (None, Some(low), Some(high)) => {
            if high <= low {
                errors.push(located(
                    HIGH,
                    format!("must be above low ({low}): low and high are the 90% interval's ends"),
                ));
                None
            } else {
                let measured = real(MEASURED).unwrap_or(0.0);
                if !(low..=high).contains(&measured) {
                    errors.push(located(
                        MEASURED,
                        format!(
                            "lies outside its own 90% interval [{low}, {high}]: check the columns"
                        ),
                    ));
                }
                Some((high - low) / (2.0 * Z90))
            }
        }
        (None, Some(_), None) => {
            errors.push(located(
                HIGH,
                "is empty, but low is given: a 90% interval needs both low and high".into(),
            ));
            None
        }
        (None, None, Some(_)) => {
            errors.push(located(
                LOW,
                "is empty, but high is given: a 90% interval needs both low and high".into(),
            ));
            None
        }
        (None, None, None) => {
            errors.push(located(
                STD_ERROR,
                "is empty, and so are low and high: give the standard error, or the 90% interval as low and high".into(),
            ));
            None
        }
    };
    if let Some(se) = std_error {
        row[STD_ERROR] = Cell::Real(se);
    }
}
