//! The budget plan as the reviews read it: the response model fitted on the data through
//! a week, its recommendation for the next weeks (the same one `rhythm recommend` gives),
//! the fitted model as people read it, and the gap between the plan's expected pipeline
//! and the charter's pipeline goal over the same weeks.

use chrono::NaiveDate;

use super::data::Dataset;
use super::kpis;
use crate::charter::Charter;
use crate::model::overview::{ModelOverview, overview};
use crate::model::validate::validate;
use crate::model::{self, History, ModelError, PlanOptions, Planner, Recommendation};

/// The charter KPI whose target is the pipeline goal.
pub const PIPELINE_KPI: &str = "pipeline";

#[derive(Debug, Clone)]
pub struct BudgetPlan {
    /// The model sees the data through the week starting here.
    pub week: NaiveDate,
    pub overview: ModelOverview,
    pub planner: Planner,
    /// With the defaults of `rhythm recommend`: the current run-rate as the budget over
    /// the default horizon, no reserve.
    pub recommendation: Recommendation,
    /// The pipeline KPI's target scaled to the horizon; None when the charter has none.
    pub goal: Option<f64>,
}

/// Fits the model on the data through the week starting `week` and recommends, calling
/// `progress` with the fit's completed fraction (0 to 1) as it goes; when `progress`
/// returns false the fit stops with `ModelError::Cancelled`.
pub fn budget_plan(
    charter: &Charter,
    data: &Dataset,
    week: NaiveDate,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<BudgetPlan, ModelError> {
    let options = PlanOptions {
        as_of: week,
        horizon_weeks: model::DEFAULT_HORIZON_WEEKS,
        budget: None,
        target: None,
        reserve: 0.0,
    };
    let (fitted, planner, recommendation) =
        model::plan_with_progress(charter, data, &options, progress)?;
    let history = History::from_dataset(data, week)?;
    Ok(BudgetPlan {
        week,
        overview: overview(&fitted, &history, charter.controls.roi_hurdle, None, None),
        goal: pipeline_goal(charter, planner.horizon_weeks),
        planner,
        recommendation,
    })
}

/// The fitted model as people read it, with its holdout: the last horizon's weeks
/// forecast by a fit on the weeks before — what the annual review judges the model by.
pub fn validated_overview(
    charter: &Charter,
    data: &Dataset,
    week: NaiveDate,
) -> Result<ModelOverview, ModelError> {
    let history = History::from_dataset(data, week)?;
    let fitted = model::fit(&history)?;
    let holdout = validate(&history, model::DEFAULT_HORIZON_WEEKS as usize, 1);
    Ok(overview(
        &fitted,
        &history,
        charter.controls.roi_hurdle,
        None,
        Some(holdout),
    ))
}

/// The charter's pipeline goal over `weeks` weeks: the pipeline KPI's per-period target
/// scaled from its cadence. None without a pipeline KPI.
pub fn pipeline_goal(charter: &Charter, weeks: u32) -> Option<f64> {
    let kpi = charter.kpi(PIPELINE_KPI)?;
    Some(kpi.target * kpis::periods(kpi.cadence, 7 * i64::from(weeks)))
}

/// Expected pipeline minus the goal: negative is a shortfall. None without a goal.
pub fn gap_to_goal(expected_pipeline: f64, goal: Option<f64>) -> Option<f64> {
    goal.map(|g| expected_pipeline - g)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charter() -> Charter {
        Charter::parse(
            include_str!("../../charter/partnership.toml"),
            std::path::Path::new("charter/partnership.toml"),
        )
        .unwrap()
    }

    #[test]
    fn the_goal_scales_the_monthly_pipeline_target_to_the_horizon() {
        let c = charter();
        let monthly = c.kpi(PIPELINE_KPI).unwrap().target;
        let goal = pipeline_goal(&c, 13).unwrap();
        // 13 weeks are 91 days: 2.99 months.
        assert!((goal / monthly - 91.0 / (365.25 / 12.0)).abs() < 1e-12);
        assert_eq!(gap_to_goal(goal - 5.0, Some(goal)), Some(-5.0));
        assert_eq!(gap_to_goal(1.0, None), None);
    }
}
