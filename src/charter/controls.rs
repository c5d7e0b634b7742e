//! `[controls]` and `[privacy]`: the thresholds of the success metrics and controls, and
//! the retention rule, validated with the place of each problem.

use toml::Spanned;

use super::raw::{RawControls, RawPrivacy};
use super::validate::{Ctx, IMPORT_KINDS};
use super::{Controls, Privacy};

pub(super) fn convert_controls(raw: Option<&Spanned<RawControls>>, ctx: &mut Ctx) -> Controls {
    let empty = RawControls {
        sla_on_time_target: None,
        nps_target: None,
        dashboard_adoption_target: None,
        insight_to_action_max_days: None,
        forecast_tolerance: None,
        allocation_variance_max: None,
        reconciliation_tolerance: None,
        cac_ltv_max_share: None,
        ltv: None,
        roi_hurdle: None,
        contingency_reserve: None,
        anomaly_threshold: None,
        anomaly_min_change: None,
        forecast_variance_review: None,
        sla_window: None,
        insight_to_action_window: None,
        adoption_window: None,
        reconciliation_window: None,
        cac_ltv_window: None,
        cac_min_customers: None,
        alert_min_mqls: None,
        alert_min_leads: None,
        freshness_max_days: Default::default(),
    };
    let c = raw.map_or(&empty, |c| c.get_ref());
    let windows = super::terms::control_windows(c, ctx);
    const FRACTION: &str = " (a fraction: 0.15 means 15%)";
    let mut freshness: Vec<(String, u32)> = vec![
        ("channels".into(), 8),
        ("kpis".into(), 35),
        ("plan".into(), 40),
        ("deliveries".into(), 8),
        ("usage".into(), 3),
        ("nps".into(), 100),
        ("reconciliation".into(), 8),
    ];
    for (kind, days) in &c.freshness_max_days {
        let name = kind.get_ref().as_str();
        let d = *days.get_ref();
        match freshness.iter_mut().find(|(k, _)| k == name) {
            None => ctx.at(
                kind.span(),
                format!(
                    "freshness_max_days: unknown import kind '{name}': use one of {}",
                    IMPORT_KINDS.join(", ")
                ),
            ),
            Some(slot) if (1..=3650).contains(&d) => slot.1 = d as u32,
            Some(_) => ctx.at(
                days.span(),
                format!("freshness_max_days.{name} = {d} is out of range: expected 1 to 3650 days"),
            ),
        }
    }
    Controls {
        sla_on_time_target: ctx.number(
            &c.sla_on_time_target,
            "sla_on_time_target",
            0.90,
            0.0..1.0,
            FRACTION,
        ),
        nps_target: ctx.number(
            &c.nps_target,
            "nps_target",
            50.0,
            -100.0..100.0,
            " (NPS points)",
        ),
        dashboard_adoption_target: ctx.number(
            &c.dashboard_adoption_target,
            "dashboard_adoption_target",
            0.80,
            0.0..1.0,
            FRACTION,
        ),
        insight_to_action_max_days: ctx.number(
            &c.insight_to_action_max_days,
            "insight_to_action_max_days",
            14.0,
            0.0..365.0,
            " days",
        ),
        forecast_tolerance: ctx.number(
            &c.forecast_tolerance,
            "forecast_tolerance",
            0.15,
            0.0..1.0,
            FRACTION,
        ),
        allocation_variance_max: ctx.number(
            &c.allocation_variance_max,
            "allocation_variance_max",
            0.15,
            0.0..1.0,
            FRACTION,
        ),
        reconciliation_tolerance: ctx.number(
            &c.reconciliation_tolerance,
            "reconciliation_tolerance",
            0.02,
            0.0..1.0,
            FRACTION,
        ),
        cac_ltv_max_share: ctx.number(
            &c.cac_ltv_max_share,
            "cac_ltv_max_share",
            0.30,
            0.0..1.0,
            FRACTION,
        ),
        ltv: c.ltv.as_ref().map(|v| {
            let x = *v.get_ref();
            if !(x.is_finite() && x > 0.0) {
                ctx.at(
                    v.span(),
                    format!("ltv = {x} must be more than zero (currency per customer)"),
                );
            }
            x
        }),
        roi_hurdle: ctx.number(
            &c.roi_hurdle,
            "roi_hurdle",
            1.0,
            0.0..100.0,
            " (pipeline per unit of spend)",
        ),
        contingency_reserve: ctx.number(
            &c.contingency_reserve,
            "contingency_reserve",
            0.10,
            0.0..0.5,
            FRACTION,
        ),
        anomaly_threshold: ctx.number(
            &c.anomaly_threshold,
            "anomaly_threshold",
            3.5,
            1.0..20.0,
            " (robust z-score)",
        ),
        anomaly_min_change: ctx.number(
            &c.anomaly_min_change,
            "anomaly_min_change",
            0.20,
            0.0..1.0,
            FRACTION,
        ),
        forecast_variance_review: ctx.number(
            &c.forecast_variance_review,
            "forecast_variance_review",
            0.15,
            0.0..1.0,
            FRACTION,
        ),
        sla_window: windows.sla,
        insight_to_action_window: windows.insight_to_action,
        adoption_window: windows.adoption,
        reconciliation_window: windows.reconciliation,
        cac_ltv_window: windows.cac_ltv,
        cac_min_customers: windows.cac_min_customers,
        alert_min_mqls: windows.alert_min_mqls,
        alert_min_leads: windows.alert_min_leads,
        freshness_max_days: freshness,
    }
}

pub(super) fn convert_privacy(raw: Option<&Spanned<RawPrivacy>>, ctx: &mut Ctx) -> Privacy {
    let Some(p) = raw.map(|p| p.get_ref()) else {
        return Privacy {
            retention_days: None,
            pseudonymise_usage: false,
            pseudonym_key_env: "RHYTHM_PSEUDONYM_KEY".into(),
        };
    };
    let retention_days = p.retention_days.as_ref().map(|r| {
        let d = *r.get_ref();
        if !(30..=3650).contains(&d) {
            ctx.at(
                r.span(),
                format!("retention_days = {d} is out of range: expected 30 to 3650"),
            );
        }
        d.clamp(30, 3650) as u32
    });
    Privacy {
        retention_days,
        pseudonymise_usage: p.pseudonymise_usage,
        pseudonym_key_env: p
            .pseudonym_key_env
            .as_ref()
            .map_or("RHYTHM_PSEUDONYM_KEY".into(), |k| k.get_ref().clone()),
    }
}
