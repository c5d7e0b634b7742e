//! The fitted response model in words and tables, as `rhythm model` prints it.

use crate::format::{money, percent};
use crate::model::overview::{ExperimentCheck, ModelOverview, NotUsed};

/// `rhythm model` for people: the fit, its validation, each channel's curve.
pub fn text(view: &ModelOverview, hurdle: f64) -> String {
    let mut out = format!(
        "Response model {} — {} weeks, {} to {}\nfit: R² {:.2}, MAPE {} in sample\n",
        view.version,
        view.weeks,
        view.fit_start,
        view.fit_end,
        view.r_squared,
        view.mape.map_or("no data".into(), percent)
    );
    match &view.validation {
        Some(v) => {
            match &v.holdout {
                Some(h) => out.push_str(&format!(
                    "holdout (last {} weeks from {}): MAPE {}, NRMSE {}\n",
                    h.weeks,
                    h.from,
                    h.mape.map_or("no data".into(), percent),
                    h.nrmse.map_or("no data".into(), percent)
                )),
                None => out.push_str(&format!(
                    "holdout: {}\n",
                    v.note.as_deref().unwrap_or("no data")
                )),
            }
            if let (Some(m), Some(r)) = (v.rolling_mape, v.rolling_nrmse) {
                out.push_str(&format!(
                    "rolling origin ({} origins, 13 weeks ahead each): MAPE {}, NRMSE {}\n",
                    v.rolling.len(),
                    percent(m),
                    percent(r)
                ));
            }
        }
        None => out.push_str("validation: not computed\n"),
    }
    out.push_str(&format!(
        "\nPer channel (money per week; ROI = pipeline per $; modelled ROI and marginal ROI with their 90% intervals, beside what last-touch attribution says; saturation = the spend where the next $ returns less than {hurdle:.1}):\n"
    ));
    let rows: Vec<Vec<String>> = view
        .channels
        .iter()
        .map(|c| {
            vec![
                c.channel.clone(),
                format!("{:.1}", c.decay),
                money(c.half_saturation),
                format!("{:.2}", c.shape),
                with_interval(c.roi, c.roi_low, c.roi_high),
                format!("{:.1}", c.attributed_roas),
                money(c.current_weekly_spend),
                with_interval(c.marginal_roi, c.marginal_roi_low, c.marginal_roi_high),
                money(c.saturation_spend),
            ]
        })
        .collect();
    out.push_str(&super::table::render(
        &[
            "channel",
            "decay",
            "half-sat.",
            "shape",
            "ROI [90%]",
            "attributed ROAS",
            "spend now",
            "marginal ROI [90%]",
            "saturation",
        ],
        &rows,
        &[false, true, true, true, true, true, true, true, true],
    ));
    for e in &view.excluded {
        out.push_str(&format!("not modelled: {} — {}\n", e.channel, e.reason));
    }
    if let Some(experiments) = &view.experiments {
        out.push_str(&experiments_text(experiments));
    }
    out
}

/// "3.1 [2.0–4.4]": a figure with its interval when there is one.
fn with_interval(value: f64, low: Option<f64>, high: Option<f64>) -> String {
    match (low, high) {
        (Some(lo), Some(hi)) => format!("{value:.1} [{lo:.1}–{hi:.1}]"),
        _ => format!("{value:.1}"),
    }
}

/// Each experiment beside what the model implies for the same weeks, and whether they
/// agree.
fn experiments_text(experiments: &[ExperimentCheck]) -> String {
    let mut out = String::from(
        "\nExperiments (incremental pipeline over the tested weeks: measured ± its standard error, beside what the model implies for the same weeks and spend):\n",
    );
    if experiments.is_empty() {
        out.push_str(
            "no data: no experiment ended by this date (rhythm import experiments FILE.csv)\n",
        );
        return out;
    }
    let rows: Vec<Vec<String>> = experiments
        .iter()
        .map(|e| {
            vec![
                e.name.clone(),
                e.channel.clone(),
                e.method.map_or("—", |m| m.as_str()).to_string(),
                format!("{} to {}", e.start, e.end),
                if e.tested_weeks == e.weeks {
                    e.weeks.to_string()
                } else {
                    format!("{} of {}", e.tested_weeks, e.weeks)
                },
                format!("{} ± {}", money(e.incremental_pipeline), money(e.std_error)),
                e.implied_incremental.map_or("—".into(), money),
                verdict(e),
            ]
        })
        .collect();
    out.push_str(&super::table::render(
        &[
            "experiment",
            "channel",
            "method",
            "tested",
            "weeks",
            "measured",
            "model",
            "",
        ],
        &rows,
        &[false, false, false, false, true, true, true, false],
    ));
    for e in experiments {
        if let Some(note) = e.note.as_deref().filter(|n| !n.trim().is_empty()) {
            out.push_str(&format!(
                "note on {}: {}\n",
                crate::text::field(&e.name),
                crate::text::field(note.trim())
            ));
        }
    }
    out
}

/// "agrees", "disagrees: the model says X, the test measured Y±Z", or why it is not used.
fn verdict(e: &ExperimentCheck) -> String {
    match (e.not_used, e.implied_incremental) {
        (Some(NotUsed::ChannelNotModelled), _) => "not used: the channel is not modelled".into(),
        (Some(NotUsed::OutsideFitWindow), _) => "not used: outside the fit window".into(),
        (None, None) => "not used: no data for the tested weeks".into(),
        (None, Some(implied)) if e.disagrees => format!(
            "disagrees: the model says {}, the test measured {}±{}",
            money(implied),
            money(e.incremental_pipeline),
            money(e.std_error)
        ),
        (None, Some(_)) => "agrees (within 2 standard errors)".into(),
    }
}
