//! The charter as written: serde structs that keep each value's place in the file so
//! validation can say file:line:column. Converted into the plain types of `charter`.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;
use toml::value::Datetime;

type S<T> = Spanned<T>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCharter {
    pub partnership: S<RawPartnership>,
    #[serde(default)]
    pub controls: Option<S<RawControls>>,
    #[serde(default)]
    pub privacy: Option<S<RawPrivacy>>,
    #[serde(default)]
    pub definitions: Option<S<RawDefinitions>>,
    #[serde(default)]
    pub nps: Option<S<RawNps>>,
    #[serde(default)]
    pub funnel: Option<S<RawFunnel>>,
    #[serde(default)]
    pub objective: Vec<S<RawObjective>>,
    #[serde(default)]
    pub kpi: Vec<S<RawKpi>>,
    #[serde(default)]
    pub deliverable: Vec<S<RawDeliverable>>,
    #[serde(default)]
    pub stakeholder: Vec<S<RawStakeholder>>,
    #[serde(default)]
    pub channel: Vec<S<RawChannel>>,
    #[serde(default)]
    pub escalation: Vec<S<RawEscalation>>,
    #[serde(default)]
    pub raci: Vec<S<RawRaci>>,
    #[serde(default)]
    pub delivery: Vec<S<RawDelivery>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPartnership {
    pub name: S<String>,
    #[serde(default)]
    pub company: Option<S<String>>,
    pub analytics_lead: S<String>,
    pub marketing_lead: S<String>,
    pub effective_date: S<Datetime>,
    pub review_cadence: S<String>,
    #[serde(default)]
    pub last_reviewed: Option<S<Datetime>>,
    #[serde(default)]
    pub week_start: Option<S<String>>,
    #[serde(default)]
    pub timezone: Option<S<String>>,
    #[serde(default)]
    pub fiscal_year_start_month: Option<S<i64>>,
    #[serde(default)]
    pub currency: Option<S<String>>,
    #[serde(default)]
    pub annual_revenue: Option<S<f64>>,
    #[serde(default)]
    pub attribution_method: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawControls {
    pub sla_on_time_target: Option<S<f64>>,
    pub nps_target: Option<S<f64>>,
    pub dashboard_adoption_target: Option<S<f64>>,
    pub insight_to_action_max_days: Option<S<f64>>,
    pub forecast_tolerance: Option<S<f64>>,
    pub allocation_variance_max: Option<S<f64>>,
    pub reconciliation_tolerance: Option<S<f64>>,
    pub cac_ltv_max_share: Option<S<f64>>,
    pub ltv: Option<S<f64>>,
    pub roi_hurdle: Option<S<f64>>,
    pub contingency_reserve: Option<S<f64>>,
    pub anomaly_threshold: Option<S<f64>>,
    pub anomaly_min_change: Option<S<f64>>,
    pub forecast_variance_review: Option<S<f64>>,
    pub sla_window: Option<S<String>>,
    pub insight_to_action_window: Option<S<String>>,
    pub adoption_window: Option<S<String>>,
    pub reconciliation_window: Option<S<String>>,
    pub cac_ltv_window: Option<S<String>>,
    pub cac_min_customers: Option<S<i64>>,
    pub alert_min_mqls: Option<S<i64>>,
    pub alert_min_leads: Option<S<i64>>,
    #[serde(default)]
    pub freshness_max_days: BTreeMap<S<String>, S<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDefinitions {
    pub marketing_channels: Option<S<String>>,
    pub target_precedence: Option<S<String>>,
    #[serde(default)]
    pub holidays: Vec<S<Datetime>>,
    pub nps_wave_days: Option<S<i64>>,
    pub nps_wave_quarter: Option<S<String>>,
    pub accept_new_channels: Option<S<bool>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrivacy {
    pub retention_days: Option<S<i64>>,
    #[serde(default)]
    pub pseudonymise_usage: bool,
    pub pseudonym_key_env: Option<S<String>>,
}

/// `[nps]`: which questions of a survey tool's export are the NPS question, the
/// comment and the respondent's role.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNps {
    pub question: Option<S<String>>,
    pub comment_question: Option<S<String>>,
    pub role_question: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawObjective {
    pub id: S<String>,
    pub statement: S<String>,
    pub kpis: Vec<S<String>>,
    #[serde(default)]
    pub owner: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawKpi {
    pub id: S<String>,
    pub name: S<String>,
    pub definition: S<String>,
    pub unit: S<String>,
    pub direction: S<String>,
    pub cadence: S<String>,
    pub target: S<f64>,
    pub tolerance: S<f64>,
    pub source: S<String>,
    #[serde(default)]
    pub window: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDeliverable {
    pub id: S<String>,
    pub name: S<String>,
    pub cadence: S<String>,
    pub due: S<String>,
    pub owner: S<String>,
    #[serde(default)]
    pub audience: Vec<S<String>>,
    pub grace_hours: S<i64>,
    #[serde(default)]
    pub kpis: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStakeholder {
    pub id: S<String>,
    pub name: S<String>,
    pub role: S<String>,
    #[serde(default)]
    pub team: Option<S<String>>,
    #[serde(default)]
    pub marketing_leader: bool,
    #[serde(default)]
    pub bi_users: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChannel {
    pub id: S<String>,
    pub name: S<String>,
    #[serde(default = "yes")]
    pub paid: bool,
    #[serde(default)]
    pub owner: Option<S<String>>,
    #[serde(default)]
    pub floor: Option<S<f64>>,
    #[serde(default)]
    pub cap: Option<S<f64>>,
    #[serde(default)]
    pub strategic: bool,
    /// Other spellings of the id the source systems use ("Paid Search", "PAID_SEARCH").
    #[serde(default)]
    pub aliases: Vec<S<String>>,
    /// The CRM/MAP lead-source values of this channel ("Paid Search", "Google Ads").
    #[serde(default)]
    pub lead_sources: Vec<S<String>>,
    /// UTM source/medium pairs of this channel ("google / cpc").
    #[serde(default)]
    pub utm: Vec<S<String>>,
    /// Ad spend of this channel: `platform` or `platform:campaign pattern` (`*` any text).
    #[serde(default)]
    pub campaigns: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFunnel {
    pub unmapped: Option<S<String>>,
    pub prefer: Option<S<String>>,
    pub response_minutes: Option<S<i64>>,
    #[serde(default)]
    pub response_channels: Vec<S<String>>,
    pub quality_max_share: Option<S<f64>>,
    pub map_system: Option<S<String>>,
    pub crm_system: Option<S<String>>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEscalation {
    pub id: S<String>,
    pub level: S<i64>,
    pub owner: S<String>,
    pub after_days: S<i64>,
    pub action: S<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRaci {
    pub id: S<String>,
    pub workstream: S<String>,
    pub responsible: Vec<S<String>>,
    pub accountable: S<String>,
    #[serde(default)]
    pub consulted: Vec<S<String>>,
    #[serde(default)]
    pub informed: Vec<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDelivery {
    pub id: S<String>,
    pub kind: S<String>,
    #[serde(default)]
    pub audience: Vec<S<String>>,
    pub channel: S<String>,
    pub cadence: S<String>,
    pub deliverable: S<String>,
    #[serde(default)]
    pub webhook_env: Option<S<String>>,
    #[serde(default)]
    pub to: Vec<S<String>>,
}
