//! The reports and `rhythm check` as JSON: the serde form of the core's data, with the
//! sentences people read added where the core keeps only figures (an alert's
//! `"sentence"`, a check's and a scorecard line's `"detail"`, a suggestion's `"sentence"`,
//! the annual `"model_note"`).

use serde_json::{Value, json};

use crate::model::ModelError;
use crate::rhythm::allocation::Allocation;
use crate::rhythm::annual::AnnualReview;
use crate::rhythm::clock::Period;
use crate::rhythm::controls::CheckReport;
use crate::rhythm::monthly::MonthlyReview;
use crate::rhythm::quarterly::QuarterlyReview;
use crate::rhythm::weekly::WeeklyReview;

/// `{"report", "at", "review"}`: the envelope of `rhythm report --format json`.
/// A report: its kind, the day it is as of, the period it covers and how much of it has
/// gone by, and the review.
pub fn report(kind: &str, at: chrono::NaiveDate, period: &Period, review: Value) -> Value {
    json!({
        "report": kind,
        "at": at,
        "period": {
            "first_day": period.start,
            "last_day": period.last_day(),
            "complete": period.is_complete(),
            "days": period.days(),
            "days_gone": period.days_gone(),
        },
        "review": review,
    })
}

/// The weekly review, its alerts with their sentences.
pub fn weekly(r: &WeeklyReview) -> serde_json::Result<Value> {
    let mut v = serde_json::to_value(r)?;
    let alerts = r
        .alerts
        .iter()
        .map(|a| {
            let mut alert = serde_json::to_value(a)?;
            alert["sentence"] = super::alerts::sentence(a).into();
            Ok(alert)
        })
        .collect::<serde_json::Result<Vec<Value>>>()?;
    v["alerts"] = Value::Array(alerts);
    Ok(v)
}

/// The monthly review, its suggestions as `{"channel", "kind", "sentence"}`.
pub fn monthly(r: &MonthlyReview) -> serde_json::Result<Value> {
    let mut v = serde_json::to_value(r)?;
    v["suggestions"] = r
        .suggestions
        .iter()
        .map(|s| json!({ "channel": s.channel, "kind": s.what.kind(), "sentence": super::suggestions::sentence(s) }))
        .collect();
    Ok(v)
}

/// The monthly review's `"cohort_funnel"`: the cohort funnel (`rhythm::funnel`), its
/// lead-response SLA with its `"sentence"`.
pub fn with_funnel(
    body: &mut Value,
    funnel: &crate::rhythm::funnel::FunnelReview,
) -> serde_json::Result<()> {
    let mut v = serde_json::to_value(funnel)?;
    if let Some(s) = &funnel.response.sla {
        v["response"]["sla"]["sentence"] = super::funnel::sla_sentence(s).into();
    }
    body["cohort_funnel"] = v;
    Ok(())
}

/// The quarterly review, each scorecard line and the back-test with its detail.
pub fn quarterly(r: &QuarterlyReview) -> serde_json::Result<Value> {
    let mut v = serde_json::to_value(r)?;
    for (line, out) in r.scorecard.iter().zip(
        v["scorecard"]
            .as_array_mut()
            .map(|a| a.iter_mut())
            .into_iter()
            .flatten(),
    ) {
        out["detail"] = super::scorecard::line_note(&line.detail).into();
    }
    v["backtest_detail"] = super::checks::detail(&r.backtest_detail).into();
    if let Some(q) = &r.data_quality {
        v["data_quality"]["sentence"] = super::data_quality::quality(q).into();
        v["data_quality"]["status"] = q.status().as_str().into();
    }
    Ok(v)
}

/// The annual review, with what it says of the budget model.
pub fn annual(r: &AnnualReview) -> serde_json::Result<Value> {
    let mut v = serde_json::to_value(r)?;
    v["model_note"] = super::scorecard::model_note(&r.model_note).into();
    Ok(v)
}

/// The weekly and monthly reviews carry the budget model's recommendation for the next
/// weeks, or why there is none.
pub fn with_allocation(mut body: Value, allocation: &Result<Allocation, ModelError>) -> Value {
    body["budget_plan"] = match allocation {
        Ok(a) => serde_json::to_value(&a.recommendation).unwrap_or_default(),
        Err(_) => Value::Null,
    };
    body["budget_plan_note"] = match allocation {
        Ok(_) => Value::Null,
        Err(e) => e.to_string().into(),
    };
    body
}

/// `{"at", "checks": [...]}` (SPEC: each check's id, name, status, value, target,
/// detail; and the KPI it follows), the detail as its sentence.
pub fn checks(report: &CheckReport) -> serde_json::Result<Value> {
    let mut v = serde_json::to_value(report)?;
    for (check, out) in report.checks.iter().zip(
        v["checks"]
            .as_array_mut()
            .map(|a| a.iter_mut())
            .into_iter()
            .flatten(),
    ) {
        out["detail"] = super::checks::detail(&check.detail).into();
    }
    Ok(v)
}
