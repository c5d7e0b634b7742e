//! `rhythm model [--json]`: the fitted response model, its validation (holdout and
//! rolling origin) and, per channel, the curve, ROI with interval, marginal ROI, the
//! saturation point and attributed ROAS side by side.

use clap::Args;

use super::{Failure, Outcome, load_charter, open_store};
use crate::model::overview::{experiment_checks, overview};
use crate::model::validate::{BOOTSTRAP_REPLICATES, DEFAULT_ORIGINS, roi_intervals, validate};
use crate::model::{self, History};
use crate::rhythm::as_of::as_of;
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct ModelArgs {
    /// Print JSON: {"version", "fit_start", "fit_end", "weeks", "r_squared", "mape",
    /// "baseline", "validation", "channels": [{"channel", "decay", "half_saturation",
    /// "shape", "roi", "roi_low", "roi_high", "attributed_roas", "marginal_roi",
    /// "saturation_spend", "curve", …}], "excluded", "experiments": [{"name", "channel",
    /// "method" (null: unknown), "start", "end", "weeks", "tested_weeks",
    /// "incremental_pipeline", "std_error", "implied_incremental", "disagrees", "not_used",
    /// "note"}]}
    #[arg(long)]
    pub json: bool,
    /// Fit as of the end of this day (YYYY-MM-DD) in the charter's time zone [default:
    /// now]: the data through the last complete week by then, as `recommend --as-of`
    #[arg(long, value_name = "DATE", value_parser = super::dates::parse_date)]
    pub at: Option<chrono::NaiveDate>,
}

pub fn run(ws: &Workspace, args: ModelArgs) -> Outcome {
    let charter = load_charter(ws)?;
    let store = open_store(ws)?;
    let clock = super::dates::clock(&charter, args.at);
    let data = as_of(&charter, &store.load_dataset(&charter)?, &clock);
    let Some(last) = data.last_channel_week() else {
        return Err(Failure::BadInput(anyhow::anyhow!(
            "no channel data for a complete week by {}: import channels first (rhythm import channels FILE.csv)",
            clock.today
        )));
    };
    let bad = |e: model::ModelError| Failure::BadInput(e.into());
    let history = History::from_dataset(&data, last).map_err(bad)?;
    let fitted = model::fit_calibrated(&history, &data.experiments, &mut |_| true).map_err(bad)?;
    let validation = validate(
        &history,
        model::DEFAULT_HORIZON_WEEKS as usize,
        DEFAULT_ORIGINS,
    );
    let intervals = roi_intervals(&fitted, &history, BOOTSTRAP_REPLICATES);
    let mut view = overview(
        &fitted,
        &history,
        charter.controls.roi_hurdle,
        Some(&intervals),
        Some(validation),
    );
    view.experiments = Some(experiment_checks(&fitted, &history, &data.experiments));
    if args.json {
        super::print_json(&(serde_json::to_string_pretty(&view)? + "\n"));
    } else {
        super::print_out(&crate::present::model::text(
            &view,
            charter.controls.roi_hurdle,
        ));
    }
    Ok(())
}
