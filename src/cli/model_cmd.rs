//! `rhythm model [--json]`: the fitted response model, its validation (holdout and
//! rolling origin) and, per channel, the curve, ROI with interval, marginal ROI, the
//! saturation point and attributed ROAS side by side.

use clap::Args;

use super::{Failure, Outcome, load_charter, open_store};
use crate::model::overview::overview;
use crate::model::validate::{BOOTSTRAP_REPLICATES, DEFAULT_ORIGINS, roi_intervals, validate};
use crate::model::{self, History};
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct ModelArgs {
    /// Print JSON: {"version", "fit_start", "fit_end", "weeks", "r_squared", "mape",
    /// "baseline", "validation", "channels": [{"channel", "decay", "half_saturation",
    /// "shape", "roi", "roi_low", "roi_high", "attributed_roas", "marginal_roi",
    /// "saturation_spend", "curve", …}], "excluded"}
    #[arg(long)]
    pub json: bool,
}

pub fn run(ws: &Workspace, args: ModelArgs) -> Outcome {
    let charter = load_charter(ws)?;
    let store = open_store(ws)?;
    let data = store.load_dataset(&charter)?;
    let Some(last) = data.last_channel_week() else {
        return Err(Failure::BadInput(anyhow::anyhow!(
            "no channel data yet: import channels first (rhythm import channels FILE.csv)"
        )));
    };
    let bad = |e: model::ModelError| Failure::BadInput(e.into());
    let history = History::from_dataset(&data, last).map_err(bad)?;
    let fitted = model::fit(&history).map_err(bad)?;
    let validation = validate(
        &history,
        model::DEFAULT_HORIZON_WEEKS as usize,
        DEFAULT_ORIGINS,
    );
    let intervals = roi_intervals(&fitted, &history, BOOTSTRAP_REPLICATES);
    let view = overview(
        &fitted,
        &history,
        charter.controls.roi_hurdle,
        Some(&intervals),
        Some(validation),
    );
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
