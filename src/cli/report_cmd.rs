//! `rhythm report weekly|monthly|quarterly|annual [--at DATE] [--format md|json]`.

use chrono::NaiveDate;
use clap::{Args, ValueEnum};

use super::dates::{clock, parse_date};
use super::{Outcome, load_charter, open_store};
use crate::present::{self, markdown};
use crate::rhythm::as_of::as_of;
use crate::rhythm::clock::{Clock, Review};
use crate::rhythm::{allocation, annual, monthly, quarterly, weekly};
use crate::workspace::Workspace;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReviewArg {
    Weekly,
    Monthly,
    Quarterly,
    Annual,
}

impl ReviewArg {
    fn review(self) -> Review {
        match self {
            ReviewArg::Weekly => Review::Weekly,
            ReviewArg::Monthly => Review::Monthly,
            ReviewArg::Quarterly => Review::Quarterly,
            ReviewArg::Annual => Review::Annual,
        }
    }
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
    pub review: ReviewArg,
    /// As of the end of this day (YYYY-MM-DD) in the charter's time zone [default: now].
    /// Each review covers its last complete period: the week, month, fiscal quarter or
    /// fiscal year that ended by then
    #[arg(long, value_parser = parse_date)]
    pub at: Option<NaiveDate>,
    /// The month, quarter or year in progress, to date, instead of the last complete one
    #[arg(long)]
    pub to_date: bool,
    /// md for people, json for other tools
    #[arg(long, value_enum, default_value = "md")]
    pub format: Format,
}

pub fn run(ws: &Workspace, args: ReportArgs) -> Outcome {
    let charter = load_charter(ws)?;
    let store = open_store(ws)?;
    let data = store.load_dataset(&charter)?;
    let clock = clock(&charter, args.at);
    let review = args.review.review();
    let text = render(&charter, &data, review, &clock, args.to_date, args.format)? + "\n";
    match args.format {
        Format::Md => super::print_out(&text),
        Format::Json => super::print_json(&text),
    }
    Ok(())
}

/// The report of `review` on `clock` — its last complete period, or with `to_date` the
/// one in progress — as `rhythm report` prints it: from the data as it stood then
/// (`as_of`), so nothing after the clock moves a figure.
pub fn render(
    charter: &crate::charter::Charter,
    data: &crate::facts::Dataset,
    review: Review,
    clock: &Clock,
    to_date: bool,
    format: Format,
) -> serde_json::Result<String> {
    let data = &as_of(charter, data, clock);
    let period = &review.period_on(charter, clock, to_date);
    let json = |kind: &str, body: serde_json::Value| {
        serde_json::to_string_pretty(&present::json::report(kind, clock.today, period, body))
    };
    // The weekly and monthly reviews carry the budget model's plan for the weeks after
    // the last complete week.
    let week = Review::Weekly.period(charter, clock).start;
    let plan = || allocation::for_week(charter, data, week, &mut |_| true);
    let with_plan = present::json::with_allocation;
    Ok(match (period.review, format) {
        (Review::Weekly, f) => {
            let r = weekly::review(charter, data, period, clock);
            let plan = plan();
            match f {
                Format::Md => markdown::weekly(charter, &r, &plan),
                Format::Json => json("weekly", with_plan(present::json::weekly(&r)?, &plan))?,
            }
        }
        (Review::Monthly, f) => {
            let r = monthly::review(charter, data, period);
            let plan = plan();
            let funnel = crate::rhythm::funnel::review(charter, &data.records, period.start, clock);
            match f {
                Format::Md => {
                    markdown::monthly(charter, &r, &plan) + &present::funnel::markdown(&funnel)
                }
                Format::Json => {
                    let mut body = with_plan(present::json::monthly(&r)?, &plan);
                    present::json::with_funnel(&mut body, &funnel)?;
                    json("monthly", body)?
                }
            }
        }
        (Review::Quarterly, f) => {
            let r = quarterly::review(charter, data, period, clock);
            match f {
                Format::Md => markdown::quarterly(charter, &r),
                Format::Json => json("quarterly", present::json::quarterly(&r)?)?,
            }
        }
        (Review::Annual, f) => {
            let model = allocation::validated_overview(charter, data, week);
            let r = annual::with_model(
                charter,
                annual::review(charter, data, period, clock),
                model.as_ref(),
            );
            match f {
                Format::Md => markdown::annual(charter, &r),
                Format::Json => json("annual", present::json::annual(&r)?)?,
            }
        }
    })
}
