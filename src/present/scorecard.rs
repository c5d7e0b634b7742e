//! The notes of the quarterly scorecard and the annual review's word on the budget model:
//! data in `rhythm::quarterly` and `rhythm::annual`, words here (their Display, which
//! `present::json` puts in the JSON).

use std::fmt;

use chrono::NaiveDate;

use crate::format::percent;
use crate::rhythm::annual::ModelNote;
use crate::rhythm::quarterly::{LineNote, ScoreLine};

struct LineNoteText<'a>(&'a LineNote);

impl fmt::Display for LineNoteText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            LineNote::None => Ok(()),
            LineNote::Sla {
                on_time,
                late,
                missing,
                pending,
            } => write!(
                f,
                "{on_time} on time, {late} late, {missing} missing, {pending} pending"
            ),
            LineNote::NoNpsWave => f.write_str("no data: no survey wave this quarter"),
            LineNote::NpsWave {
                respondents,
                low,
                high,
            } => write!(
                f,
                "n = {respondents}, 95% interval {low:.0} to {high:.0} (adjusted Wald)"
            ),
            LineNote::Adoption => {
                f.write_str("mean share of leaders with a dashboard view per complete week")
            }
            LineNote::NoInsightDelivered => {
                f.write_str("no data: no insight was shown in a review this quarter")
            }
            LineNote::InsightToAction {
                delivered,
                actioned,
            } => write!(
                f,
                "{actioned} of {delivered} actioned: median days from an insight shown in a review to its first action, one not acted on counting its age so far"
            ),
            LineNote::NoForecastEnded => {
                f.write_str("no data: no saved forecast whose horizon ended this quarter")
            }
            LineNote::NoRecommendationEnded => f.write_str(
                "no data: no saved recommendation whose horizon ended this quarter to compare the actual mix with",
            ),
            LineNote::NewestRecommendationEnded => {
                f.write_str("the newest saved recommendation whose horizon ended in the quarter")
            }
            LineNote::NotImported => f.write_str("no data: not imported for this quarter"),
            LineNote::FromRecords => f.write_str(
                "computed from the won new-business opportunities and spend records (replaces any imported value)",
            ),
            LineNote::Purged { before } => write!(
                f,
                "purged: the charter's retention rule (rhythm purge) deleted this data before {before}, so the quarter has no figure"
            ),
        }
    }
}

struct ModelNoteText<'a>(&'a ModelNote);

impl fmt::Display for ModelNoteText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            ModelNote::NotFitted => f.write_str("the budget model is not fitted"),
            ModelNote::NoModel(e) => write!(f, "no model: {e}"),
            ModelNote::Fitted {
                version,
                weeks,
                fit_start,
                fit_end,
                holdout,
            } => {
                write!(
                    f,
                    "{version} fitted on the {weeks} weeks from {fit_start} to {fit_end}; "
                )?;
                match holdout {
                    None => f.write_str("no holdout"),
                    Some(h) => write!(
                        f,
                        "its forecast of the {} weeks from {}, by a fit on the weeks before, was off by {}",
                        h.weeks,
                        h.from,
                        h.mape.map_or("no data".into(), percent)
                    ),
                }
            }
        }
    }
}

/// A scorecard line's note: what it counts, or why it has no data.
pub fn line_note(n: &LineNote) -> String {
    LineNoteText(n).to_string()
}

/// What the annual review says of the budget model.
pub fn model_note(n: &ModelNote) -> String {
    ModelNoteText(n).to_string()
}

/// The stretch an annual review covers: "complete, 2025-01-01 to 2025-12-31" or "to date:
/// 2026-01-01 to 2026-11-22, 326 of 365 days".
pub fn annual_stretch(r: &crate::rhythm::annual::AnnualReview) -> String {
    let last = r.until - chrono::Duration::days(1);
    if r.complete && r.days == r.year_days {
        format!("complete: {} to {}", r.year, last)
    } else {
        format!(
            "to date: {} to {}, {} of {} days",
            r.year, last, r.days, r.year_days
        )
    }
}

/// How much of a monthly review's month the data covers: "30 of 30 days", "29 of 30
/// days", "to date, 12 of 31 days".
pub fn month_coverage(r: &crate::rhythm::monthly::MonthlyReview) -> String {
    format!(
        "{}{} of {} days",
        if r.complete { "" } else { "to date, " },
        r.days_with_data,
        r.days_in_month
    )
}

/// What "last year" means in the annual table, and when there is none to compare with.
pub fn annual_comparison(r: &crate::rhythm::annual::AnnualReview) -> String {
    if r.last_year_days_with_data >= r.days {
        format!("Last year is the same {} days of the year before.", r.days)
    } else {
        format!(
            "Last year is the same {} days of the year before; its channel data covers only {} of them, so the figures from channel data have no last-year comparison.",
            r.days, r.last_year_days_with_data
        )
    }
}

/// A model figure for a channel of the annual review: "—" without spend (nothing to
/// model, like its ROAS), "no data" when the model did not judge it.
pub fn model_cell(spend: f64, v: Option<f64>, show: impl Fn(f64) -> String) -> String {
    match v {
        Some(x) => show(x),
        None if spend <= 0.0 => "—".into(),
        None => "no data".into(),
    }
}

/// A channel's saturation point, weekly: the spend where its marginal ROI falls to the
/// hurdle, or none when even the first dollar returns less.
pub fn saturation_cell(spend: f64, weekly: Option<f64>) -> String {
    model_cell(spend, weekly, |x| {
        if x > 0.0 {
            format!("{}/wk", crate::format::money(x))
        } else {
            "none (below the hurdle)".into()
        }
    })
}
/// A figure's cell: "purged" when the charter's retention rule deleted the data of its
/// period (`rhythm::purged`), else `cell` (its value, or "no data").
pub fn purged_or(purged: bool, cell: String) -> String {
    if purged { "purged".into() } else { cell }
}

/// A scorecard line's value cell: "purged" when its quarter's data was purged.
pub fn line_value(l: &ScoreLine) -> String {
    purged_or(
        matches!(l.detail, LineNote::Purged { .. }),
        crate::format::value_or_no_data(l.value, &l.unit),
    )
}

/// A trend point's cell, `show` writing a value: "purged", the value, or "·".
pub fn trend_point(
    l: &ScoreLine,
    quarter: NaiveDate,
    value: Option<f64>,
    show: impl Fn(f64) -> String,
) -> String {
    if l.purged.contains(&quarter) {
        "purged".into()
    } else {
        value.map_or("·".into(), show)
    }
}
