//! `rhythm report weekly|monthly|quarterly|annual [--at DATE] [--format md|json]`.

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use super::dates::{parse_date, today};
use super::{Outcome, load_charter, open_store};
use crate::present::{self, markdown};
use crate::rhythm::{allocation, annual, controls, monthly, quarterly, weekly};
use crate::workspace::Workspace;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Review {
    Weekly,
    Monthly,
    Quarterly,
    Annual,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Md,
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which review
    #[arg(value_enum)]
    pub review: Review,
    /// As of this date (YYYY-MM-DD): the weekly review covers the last complete week before
    /// it; the others the month, quarter or year holding that week [default: today, UTC]
    #[arg(long, value_parser = parse_date)]
    pub at: Option<NaiveDate>,
    /// md for people, json for other tools
    #[arg(long, value_enum, default_value = "md")]
    pub format: Format,
}

pub fn run(ws: &Workspace, args: ReportArgs) -> Outcome {
    let charter = load_charter(ws)?;
    let store = open_store(ws)?;
    let data = store.load_dataset(&charter)?;
    let at = args.at.unwrap_or_else(today);
    super::print_out(&(render(&charter, &data, args.review, at, args.format)? + "\n"));
    Ok(())
}

/// The report text, as `rhythm report` prints it.
pub fn render(
    charter: &crate::charter::Charter,
    data: &crate::facts::Dataset,
    review: Review,
    at: NaiveDate,
    format: Format,
) -> serde_json::Result<String> {
    let week = weekly::last_complete_week(charter, at);
    let now = controls::end_of(at);
    let json = |kind: &str, body: serde_json::Value| {
        serde_json::to_string_pretty(&present::json::report(kind, at, body))
    };
    // The weekly and monthly reviews carry the budget model's plan for the next weeks.
    let plan = || allocation::for_week(charter, data, week, &mut |_| true);
    let with_plan = present::json::with_allocation;
    Ok(match (review, format) {
        (Review::Weekly, f) => {
            let r = weekly::review(charter, data, week, now);
            let plan = plan();
            match f {
                Format::Md => markdown::weekly(charter, &r, &plan),
                Format::Json => json("weekly", with_plan(present::json::weekly(&r)?, &plan))?,
            }
        }
        (Review::Monthly, f) => {
            let r = monthly::review(charter, data, week);
            let plan = plan();
            match f {
                Format::Md => markdown::monthly(charter, &r, &plan),
                Format::Json => json("monthly", with_plan(present::json::monthly(&r)?, &plan))?,
            }
        }
        (Review::Quarterly, f) => {
            let r = quarterly::review(charter, data, week, now);
            match f {
                Format::Md => markdown::quarterly(charter, &r),
                Format::Json => json("quarterly", present::json::quarterly(&r)?)?,
            }
        }
        (Review::Annual, f) => {
            let model = allocation::validated_overview(charter, data, week);
            let r = annual::with_model(
                charter,
                annual::review(charter, data, week, at),
                model.as_ref(),
            );
            match f {
                Format::Md => markdown::annual(charter, &r),
                Format::Json => json("annual", present::json::annual(&r)?)?,
            }
        }
    })
}
