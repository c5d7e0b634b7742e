//! The budget model's allocation as the reviews read it: the response model fitted on the
//! data through a week, its recommendation for the next weeks (the same one `rhythm
//! recommend` gives), the fitted model as people read it, and the gap between the
//! recommendation's expected pipeline and the charter's pipeline goal over the same weeks.
//! (The imported monthly budget is the "plan": `facts::PlanMonth`.)

use chrono::NaiveDate;

use super::kpis;
use crate::charter::Charter;
use crate::facts::{Dataset, SavedScenario};
use crate::model::overview::{ModelOverview, overview};
use crate::model::validate::validate;
use crate::model::{
    self, History, ModelError, Planner, RecommendOptions, Recommendation, Scenario,
};

/// The charter KPI whose target is the pipeline goal.
pub const PIPELINE_KPI: &str = "pipeline";

/// The budget model fitted for a week and its recommended allocation of the budget.
#[derive(Debug, Clone)]
pub struct Allocation {
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
pub fn for_week(
    charter: &Charter,
    data: &Dataset,
    week: NaiveDate,
    progress: &mut dyn FnMut(f64) -> bool,
) -> Result<Allocation, ModelError> {
    let options = RecommendOptions {
        as_of: week,
        horizon_weeks: model::DEFAULT_HORIZON_WEEKS,
        budget: None,
        target: None,
        reserve: 0.0,
    };
    let (fitted, planner, recommendation) =
        model::recommend_with_progress(charter, data, &options, progress)?;
    let history = History::from_dataset(data, week)?;
    // The holdout (a fit on the weeks before the last 13, judged on them): what the
    // annual review judges the model by, in the cockpit as in the report.
    let holdout = validate(&history, model::DEFAULT_HORIZON_WEEKS as usize, 1);
    Ok(Allocation {
        week,
        overview: overview(
            &fitted,
            &history,
            charter.controls.roi_hurdle,
            None,
            Some(holdout),
        ),
        goal: pipeline_goal(charter, planner.horizon_weeks),
        planner,
        recommendation,
    })
}

/// The fitted model with its holdout, as the annual review reads it: the overview of
/// `for_week`'s allocation, so the report and the cockpit judge the same fit.
pub fn validated_overview(
    charter: &Charter,
    data: &Dataset,
    week: NaiveDate,
) -> Result<ModelOverview, ModelError> {
    for_week(charter, data, week, &mut |_| true).map(|a| a.overview)
}

/// The charter's pipeline goal over `weeks` weeks: the pipeline KPI's per-period target
/// scaled from its cadence. None without a pipeline KPI.
pub fn pipeline_goal(charter: &Charter, weeks: u32) -> Option<f64> {
    let kpi = charter.kpi(PIPELINE_KPI)?;
    Some(kpi.target * kpis::periods(kpi.cadence, 7 * i64::from(weeks)))
}

/// A what-if scenario read against its plan: what it changes and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioReading {
    /// The scenario's spend minus what the recommendation allocates.
    pub extra_spend: f64,
    /// Expected pipeline against the recommendation's and the current mix's.
    pub vs_recommended: f64,
    pub vs_current: f64,
    /// Against the pipeline goal over the horizon (negative: short). None without a goal.
    pub gap_to_goal: Option<f64>,
    /// Per channel: the scenario's spend minus the current run-rate over the horizon.
    pub spend_vs_current: Vec<f64>,
    /// Per channel: its spend is outside the bounds the optimiser honoured.
    pub outside_bounds: Vec<bool>,
    /// Per channel: its spend differs from the recommendation's.
    pub moved: Vec<bool>,
}

impl Allocation {
    /// A spend over the horizon as currency per week.
    pub fn per_week(&self, horizon_spend: f64) -> f64 {
        horizon_spend / f64::from(self.recommendation.horizon_weeks.max(1))
    }

    /// Reads `scenario` (spends in the recommendation's channel order) against the plan.
    pub fn read(&self, scenario: &Scenario) -> ScenarioReading {
        let rec = &self.recommendation;
        // Below a millionth the difference is rounding in the optimiser, not a move.
        let tol = 1e-6 * rec.total_budget.max(1.0);
        ScenarioReading {
            extra_spend: scenario.total_spend - rec.allocated(),
            vs_recommended: scenario.expected_pipeline - rec.expected_pipeline_recommended,
            vs_current: scenario.expected_pipeline - rec.expected_pipeline_current,
            gap_to_goal: gap_to_goal(scenario.expected_pipeline, self.goal),
            spend_vs_current: rec
                .channels
                .iter()
                .zip(&scenario.spend)
                .map(|(c, s)| s - c.current_spend)
                .collect(),
            outside_bounds: rec
                .channels
                .iter()
                .zip(&scenario.spend)
                .map(|(c, s)| *s < c.min_spend - tol || *s > c.max_spend + tol)
                .collect(),
            moved: rec
                .channels
                .iter()
                .zip(&scenario.spend)
                .map(|(c, s)| (s - c.recommended_spend).abs() > tol)
                .collect(),
        }
    }
}

impl ScenarioReading {
    /// The scenario spends a different total than the recommendation (by a dollar or more).
    pub fn spend_moved(&self) -> bool {
        self.extra_spend.abs() >= 1.0
    }
}

/// A saved scenario against the recommendation of the same plan, per channel in the
/// recommendation's order: the expected pipeline of both over the horizon.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ScenarioComparison {
    pub name: String,
    pub week: NaiveDate,
    pub horizon_weeks: u32,
    pub total_spend_scenario: f64,
    pub total_spend_recommended: f64,
    /// Baseline included.
    pub expected_pipeline_scenario: f64,
    pub expected_pipeline_recommended: f64,
    pub channels: Vec<ChannelComparison>,
    /// Modelled channels the scenario has no spend for (it was saved before they were
    /// modelled): compared at the recommendation's spend.
    pub not_in_scenario: Vec<String>,
    /// Channels of the scenario the model no longer plans for: left out.
    pub not_modelled: Vec<String>,
}

/// One channel of a `ScenarioComparison`; spends and pipeline over the horizon.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ChannelComparison {
    pub channel: String,
    pub scenario_spend: f64,
    pub recommended_spend: f64,
    pub expected_pipeline_scenario: f64,
    pub expected_pipeline_recommended: f64,
    /// The user moved it in the scenario.
    pub held: bool,
    /// The scenario's spend is outside the bounds the optimiser honoured.
    pub outside_bounds: bool,
}

/// The spends of `saved` in the planner's channel order (the recommendation's spend
/// for a channel it lacks), which channels it holds, and the names of its channels
/// the planner lacks and of the planner's it lacks.
pub fn scenario_spend(
    rec: &Recommendation,
    saved: &SavedScenario,
) -> (Vec<f64>, Vec<bool>, Vec<String>, Vec<String>) {
    let mut spend = Vec::new();
    let mut held = Vec::new();
    let mut missing = Vec::new();
    for c in &rec.channels {
        match saved.channels.iter().find(|s| s.channel == c.channel) {
            Some(s) => {
                spend.push(s.spend);
                held.push(s.held);
            }
            None => {
                spend.push(c.recommended_spend);
                held.push(false);
                missing.push(c.channel.clone());
            }
        }
    }
    let unknown = saved
        .channels
        .iter()
        .filter(|s| rec.channels.iter().all(|c| c.channel != s.channel))
        .map(|s| s.channel.clone())
        .collect();
    (spend, held, missing, unknown)
}

/// `saved` read against the plan `planner` and its recommendation `rec`.
pub fn compare(
    planner: &Planner,
    rec: &Recommendation,
    saved: &SavedScenario,
) -> ScenarioComparison {
    let (spend, held, not_in_scenario, not_modelled) = scenario_spend(rec, saved);
    let scenario = planner.scenario(&spend);
    let tol = 1e-6 * rec.total_budget.max(1.0);
    ScenarioComparison {
        name: saved.name.clone(),
        week: saved.week,
        horizon_weeks: rec.horizon_weeks,
        total_spend_scenario: scenario.total_spend,
        total_spend_recommended: rec.allocated(),
        expected_pipeline_scenario: scenario.expected_pipeline,
        expected_pipeline_recommended: rec.expected_pipeline_recommended,
        channels: rec
            .channels
            .iter()
            .enumerate()
            .map(|(i, c)| ChannelComparison {
                channel: c.channel.clone(),
                scenario_spend: spend[i],
                recommended_spend: c.recommended_spend,
                expected_pipeline_scenario: scenario.pipeline[i],
                expected_pipeline_recommended: c.expected_pipeline_recommended,
                held: held[i],
                outside_bounds: spend[i] < c.min_spend - tol || spend[i] > c.max_spend + tol,
            })
            .collect(),
        not_in_scenario,
        not_modelled,
    }
}

/// Expected pipeline minus the goal: negative is a shortfall. None without a goal.
pub fn gap_to_goal(expected_pipeline: f64, goal: Option<f64>) -> Option<f64> {
    goal.map(|g| expected_pipeline - g)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charter() -> Charter {
        Charter::shipped()
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
