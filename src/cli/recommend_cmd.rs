//! `rhythm recommend [--as-of DATE] [--weeks N] [--budget TOTAL | --target PIPELINE]
//! [--reserve FRACTION] [--json | --markdown] [--save]`: where the next N weeks' budget should go.

use chrono::NaiveDate;
use clap::Args;

use super::dates::{clock, now, parse_date};
use super::{Failure, Outcome, load_charter, open_store};
use crate::model::{self, RecommendOptions};
use crate::rhythm::as_of::as_of;
use crate::rhythm::clock::Review;
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct RecommendArgs {
    /// Recommend as of the end of this day (YYYY-MM-DD) in the charter's time zone
    /// [default: now]: the model sees the data through the last complete week by then,
    /// and the horizon starts the week after
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<NaiveDate>,
    /// The horizon, in weeks (1-52)
    #[arg(long, default_value_t = model::DEFAULT_HORIZON_WEEKS,
          value_parser = clap::value_parser!(u32).range(1..=52))]
    pub weeks: u32,
    /// Total budget over the horizon, in the charter's currency [default: the current
    /// run-rate of the modelled channels]
    #[arg(long, value_name = "TOTAL", value_parser = positive, conflicts_with = "target")]
    pub budget: Option<f64>,
    /// Target-efficiency mode: the least spend whose expected pipeline over the horizon
    /// (baseline included) reaches PIPELINE
    #[arg(long, value_name = "PIPELINE", value_parser = positive)]
    pub target: Option<f64>,
    /// Hold back this fraction of the budget as a contingency reserve (0 to 0.5; the
    /// charter's contingency_reserve is the usual choice, e.g. 0.10)
    #[arg(long, value_name = "FRACTION", default_value_t = 0.0)]
    pub reserve: f64,
    /// Print JSON: {"as_of", "horizon_weeks", "total_budget", "expected_pipeline_current",
    /// "expected_pipeline_recommended", "channels": [{"channel", "current_spend",
    /// "recommended_spend", "min_spend", "max_spend", "roi", "marginal_roi",
    /// "saturation_spend", "expected_pipeline_current", "expected_pipeline_recommended",
    /// "roi_low", "roi_high", "marginal_roi_low", "marginal_roi_high",
    /// "carried_in_pipeline", …}], "held_back": [{"channel", "point_estimate_spend",
    /// "recommended_spend", "current_spend", "roi_low", "roi_high", "near_run_rate"}],
    /// "value_of_information": [{"channel", "value"}], "next_experiment": {"channel",
    /// "kind", "weeks", "spend_change", "roi_low", "roi_high", "value"} or null, …}
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Print Markdown, for a document or a ticket
    #[arg(long)]
    pub markdown: bool,
    /// Save the recommendation with its model version, for `rhythm backtest`
    #[arg(long)]
    pub save: bool,
    /// Compare the what-if scenario saved under NAME in the cockpit (`s` in Monthly's
    /// budget plan) with the recommendation of the same week: the expected pipeline of
    /// both, per channel (with --json: {"name", "week", "horizon_weeks", "channels": [...]})
    #[arg(long, value_name = "NAME",
          conflicts_with_all = ["budget", "target", "save", "markdown", "as_of"])]
    pub scenario: Option<String>,
    /// List the what-if scenarios saved in the cockpit: name, week, horizon, total spend,
    /// the channels moved (with --json: [{"name", "week", "horizon_weeks", "mode",
    /// "saved_at", "channels": [{"channel", "spend", "held"}]}])
    #[arg(long, conflicts_with_all = ["scenario", "budget", "target", "save", "markdown", "as_of"])]
    pub scenarios: bool,
}

fn positive(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(format!(
            "'{text}' is not an amount: write a positive plain number, e.g. 2500000"
        )),
    }
}

pub fn run(ws: &Workspace, args: RecommendArgs) -> Outcome {
    let charter = load_charter(ws)?;
    let store = open_store(ws)?;
    if let Some(name) = &args.scenario {
        return scenario(&charter, &store, name, &args);
    }
    if args.scenarios {
        let saved = store.load_dataset(&charter)?.scenarios;
        if args.json {
            super::print_json(&(serde_json::to_string_pretty(&saved)? + "\n"));
        } else {
            super::print_out(&crate::present::scenario::list(&saved));
        }
        return Ok(());
    }
    let clock = clock(&charter, args.as_of);
    let data = as_of(&charter, &store.load_dataset(&charter)?, &clock);
    if data.channel_weeks.is_empty() {
        return Err(Failure::BadInput(anyhow::anyhow!(
            "no channel data for a complete week by {}: import channels first (rhythm import channels FILE.csv)",
            clock.today
        )));
    }
    let options = RecommendOptions {
        as_of: Review::Weekly.period(&charter, &clock).last_day(),
        horizon_weeks: args.weeks,
        budget: args.budget,
        target: args.target,
        reserve: args.reserve,
    };
    let (fitted, _, rec) = model::fit_and_recommend(&charter, &data, &options)
        .map_err(|e| Failure::BadInput(e.into()))?;
    let saved = if args.save {
        Some(store.save_recommendation(&crate::model::saved::to_new(&rec, &fitted), now())?)
    } else {
        None
    };
    if args.json {
        super::print_json(&(serde_json::to_string_pretty(&rec)? + "\n"));
        if let Some(id) = saved {
            eprintln!("saved as recommendation {id} (model {})", rec.model_version);
        }
    } else {
        let mut out = if args.markdown {
            crate::present::recommendation::markdown(&rec)
        } else {
            crate::present::recommendation::text(&rec)
        };
        if let Some(id) = saved {
            out.push_str(&format!(
                "\nSaved as recommendation {id} (model {}); `rhythm backtest` judges it once its {} weeks have data.\n",
                rec.model_version, rec.horizon_weeks
            ));
        }
        super::print_out(&out);
    }
    Ok(())
}

/// `--scenario NAME`: the saved scenario against the recommendation the cockpit showed
/// with it (the model fitted on the data through the scenario's week, its horizon).
fn scenario(
    charter: &crate::charter::Charter,
    store: &crate::store::Store,
    name: &str,
    args: &RecommendArgs,
) -> Outcome {
    let all = store.load_dataset(charter)?;
    let Some(saved) = all.scenarios.iter().find(|s| s.name == name).cloned() else {
        let names: Vec<String> = all
            .scenarios
            .iter()
            .map(|s| format!("'{}'", crate::text::field(&s.name)))
            .collect();
        return Err(Failure::BadInput(anyhow::anyhow!(
            "no scenario named '{}': {}",
            crate::text::field(name),
            if names.is_empty() {
                "none is saved yet (save one with `s` in the cockpit's Monthly budget plan)"
                    .to_string()
            } else {
                format!("the saved ones are {}", names.join(", "))
            }
        )));
    };
    // The data as the cockpit had it when the week was the last complete one.
    let last_day = saved.week + chrono::Duration::days(6);
    let clock = crate::rhythm::clock::Clock::end_of(charter, last_day);
    let data = as_of(charter, &all, &clock);
    let options = RecommendOptions {
        as_of: saved.week,
        horizon_weeks: saved.horizon_weeks,
        budget: None,
        target: None,
        reserve: 0.0,
    };
    let (_, planner, rec) = model::fit_and_recommend(charter, &data, &options)
        .map_err(|e| Failure::BadInput(e.into()))?;
    let comparison = crate::rhythm::allocation::compare(&planner, &rec, &saved);
    if args.json {
        super::print_json(&(serde_json::to_string_pretty(&comparison)? + "\n"));
    } else {
        super::print_out(&crate::present::scenario::text(&comparison));
    }
    Ok(())
}
