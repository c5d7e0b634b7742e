//! `rhythm charter check` / `rhythm charter show`.

use crate::text::field;
use clap::Subcommand;

use super::{Outcome, load_charter};
use crate::charter::{
    Cadence, Charter, Direction, KpiSource, MarketingChannels, TargetPrecedence, WaveQuarter,
};
use crate::format;
use crate::present::table;
use crate::workspace::Workspace;

#[derive(Debug, Subcommand)]
pub enum CharterAction {
    /// Validate the charter: exit 0 if valid, 2 with file:line:column errors if not
    Check,
    /// Print a readable summary of the charter
    Show,
}

pub fn run(ws: &Workspace, action: CharterAction) -> Outcome {
    let charter = load_charter(ws)?;
    match action {
        CharterAction::Check => {
            super::say!(
                "{}: valid — {} objectives, {} KPIs, {} deliverables, {} stakeholders, {} channels, {} escalation levels, {} RACI workstreams",
                ws.charter.display(),
                charter.objectives.len(),
                charter.kpis.len(),
                charter.deliverables.len(),
                charter.stakeholders.len(),
                charter.channels.len(),
                charter.escalation.len(),
                charter.raci.len()
            );
        }
        CharterAction::Show => super::print_out(&show(&charter)),
    }
    Ok(())
}

/// A stakeholder as the listing shows them, on one line (`text::field`).
fn name_of(charter: &Charter, id: &str) -> String {
    field(
        &charter
            .stakeholder(id)
            .map_or_else(|| id.to_string(), |s| format!("{} ({})", s.name, s.role)),
    )
}

/// The charter as a document a person reads top to bottom.
pub fn show(c: &Charter) -> String {
    let p = &c.partnership;
    // Charter text is shown on its lines (`text::field`): a name cannot add lines.
    let name = field(&p.name);
    let mut out = format!(
        "{}\n{}\nAnalytics lead: {}\nMarketing lead: {}\nEffective {} · charter reviewed {} (last {}) · weeks start {} · fiscal year starts month {} · days and due times in {}\n",
        name,
        "=".repeat(name.chars().count()),
        name_of(c, &p.analytics_lead),
        name_of(c, &p.marketing_lead),
        p.effective_date,
        p.review_cadence,
        p.last_reviewed.map_or("never".into(), |d| d.to_string()),
        p.week_start,
        p.fiscal_year_start_month,
        p.timezone,
    );
    if let Some(method) = &p.attribution_method {
        out.push_str(&format!("Attribution method: {}\n", field(method)));
    }

    out.push_str("\nShared objectives\n");
    for o in &c.objectives {
        out.push_str(&format!(
            "  • {} — {}  [KPIs: {}]\n",
            field(&o.id),
            field(&o.statement),
            field(&o.kpis.join(", "))
        ));
    }

    out.push_str("\nKPI dictionary\n");
    let rows: Vec<Vec<String>> = c
        .kpis
        .iter()
        .map(|k| {
            vec![
                k.id.clone(),
                k.name.clone(),
                k.cadence.to_string(),
                k.window.map_or_else(
                    || format!("the {}", period_noun(k.cadence)),
                    |w| w.describe(),
                ),
                format!(
                    "{} {}",
                    if k.direction == Direction::HigherIsBetter {
                        "≥"
                    } else {
                        "≤"
                    },
                    format::in_unit(k.target, &k.unit)
                ),
                format!("±{}", format::percent(k.tolerance)),
                if k.source == KpiSource::Derived {
                    "derived"
                } else {
                    "imported"
                }
                .into(),
            ]
        })
        .collect();
    out.push_str(&indent(&table::render(
        &["id", "name", "cadence", "over", "target", "warn", "source"],
        &rows,
        &[false, false, false, false, true, true, false],
    )));

    out.push_str("\nDeliverables\n");
    for cadence in Cadence::ALL {
        let rows: Vec<Vec<String>> = c
            .deliverables
            .iter()
            .filter(|d| d.cadence == cadence)
            .map(|d| {
                vec![
                    d.id.clone(),
                    d.name.clone(),
                    d.due.describe(),
                    format!("{}h", d.grace_hours),
                    d.owner.clone(),
                    d.audience.join(", "),
                ]
            })
            .collect();
        out.push_str(&format!("  {cadence}\n"));
        out.push_str(&indent(&indent(&table::render(
            &["id", "name", "due", "grace", "owner", "audience"],
            &rows,
            &[false, false, false, true, false, false],
        ))));
    }

    out.push_str("\nStakeholders\n");
    let rows: Vec<Vec<String>> = c
        .stakeholders
        .iter()
        .map(|s| {
            vec![
                s.id.clone(),
                s.name.clone(),
                s.role.clone(),
                if s.marketing_leader { "yes" } else { "" }.into(),
                s.bi_users.join(", "),
            ]
        })
        .collect();
    out.push_str(&indent(&table::render(
        &["id", "name", "role", "leader", "BI users"],
        &rows,
        &[false; 5],
    )));

    let k = &c.controls;
    out.push_str(&format!(
        "\nSuccess metrics and controls\n  SLA on time ≥ {} · analytics NPS > {:.0} · weekly dashboard adoption ≥ {} · insight to action < {:.0} days\n  forecast within {} · allocation variance < {} · MAP vs CRM within {} · pause when CAC > {} of LTV{}\n  data freshness (max days): {}\n",
        format::percent(k.sla_on_time_target),
        k.nps_target,
        format::percent(k.dashboard_adoption_target),
        k.insight_to_action_max_days,
        format::percent(k.forecast_tolerance),
        format::percent(k.allocation_variance_max),
        format::percent(k.reconciliation_tolerance),
        format::percent(k.cac_ltv_max_share),
        k.ltv.map_or(String::new(), |l| format!(" ({})", format::money(l))),
        k.freshness_max_days
            .iter()
            .map(|(kind, d)| format!("{kind} {d}"))
            .collect::<Vec<_>>()
            .join(", "),
    ));
    out.push_str(&format!(
        "  measured over — SLA on time: {} · insight to action: {} · adoption: {} · MAP vs CRM: every complete week of the last {} · CAC ceiling: {} (a channel with fewer than {} customers is not judged)\n",
        crate::present::window::phrase(&k.sla_window),
        crate::present::window::phrase(&k.insight_to_action_window),
        crate::present::window::phrase(&k.adoption_window),
        k.reconciliation_window.describe(),
        crate::present::window::phrase(&k.cac_ltv_window),
        k.cac_min_customers,
    ));

    let d = &c.definitions;
    out.push_str(&format!(
        "\nDefinitions\n  a marketing channel: {}\n  when the plan and a KPI both set a month's target: {}\n  business days: Monday to Friday except {}\n  an NPS wave: the responses within {} days of its first, in the fiscal quarter of its {} response\n",
        match d.marketing_channels {
            MarketingChannels::All => "every channel in the channel file (organic, referral, direct too)",
            MarketingChannels::Paid => "paid channels only (and channels the charter does not list)",
        },
        match d.target_precedence {
            TargetPrecedence::Plan => "the plan's governs (the KPI's where the plan has none)",
            TargetPrecedence::Charter => "the KPI's in this charter governs",
        },
        if d.holidays.is_empty() {
            "no holidays".to_string()
        } else {
            format!(
                "{} holidays ({})",
                d.holidays.len(),
                d.holidays
                    .iter()
                    .map(|h| h.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        d.nps_wave_days,
        match d.nps_wave_quarter {
            WaveQuarter::FirstResponse => "first",
            WaveQuarter::LastResponse => "last",
        },
    ));
    out.push_str(&format!(
        "  a channel an import names that is not listed below: {}\n",
        if d.accept_new_channels {
            "imported as a new channel (the import's summary names it)"
        } else {
            "a bad row (add the spelling to the channel's aliases)"
        }
    ));

    out.push_str("\nChannels\n");
    let rows: Vec<Vec<String>> = c
        .channels
        .iter()
        .map(|ch| {
            vec![
                ch.id.clone(),
                ch.name.clone(),
                if ch.paid { "paid" } else { "unpaid" }.into(),
                ch.floor.map_or(String::new(), format::money),
                ch.cap.map_or(String::new(), format::money),
                if ch.strategic {
                    "strategic: never cut below current"
                } else {
                    ""
                }
                .into(),
            ]
        })
        .collect();
    out.push_str(&indent(&table::render(
        &["id", "name", "", "floor/wk", "cap/wk", ""],
        &rows,
        &[false, false, false, true, true, false],
    )));
    for ch in c.channels.iter().filter(|ch| !ch.aliases.is_empty()) {
        out.push_str(&format!(
            "  {} is also written: {}\n",
            ch.id,
            ch.aliases.join(", ")
        ));
    }

    out.push_str("\nEscalation path (data disputes and SLA breaches)\n");
    if let Some(first) = c.escalation.first().filter(|l| l.after_days > 0) {
        out.push_str(&format!(
            "  before day {}: not escalated yet (with whoever raised it)\n",
            first.after_days
        ));
    }
    for l in &c.escalation {
        out.push_str(&format!(
            "  L{} from day {:>2}: {} — {}\n",
            l.level,
            l.after_days,
            name_of(c, &l.owner),
            field(&l.action)
        ));
    }

    out.push_str("\nRACI\n");
    let rows: Vec<Vec<String>> = c
        .raci
        .iter()
        .map(|r| {
            vec![
                r.workstream.clone(),
                r.responsible.join(", "),
                r.accountable.clone(),
                r.consulted.join(", "),
                r.informed.join(", "),
            ]
        })
        .collect();
    out.push_str(&indent(&table::render(
        &["workstream", "R", "A", "C", "I"],
        &rows,
        &[false; 5],
    )));

    out.push_str("\nDigest delivery (rhythm send --due)\n");
    if c.delivery.is_empty() {
        out.push_str("  none: add [[delivery]] entries to send digests from cron\n");
    }
    let rows: Vec<Vec<String>> = c
        .delivery
        .iter()
        .map(|d| {
            let to = match &d.channel {
                crate::charter::DeliveryChannel::Slack { webhook_env } => {
                    format!("slack (webhook in ${})", field(webhook_env))
                }
                crate::charter::DeliveryChannel::Email { to } => {
                    format!("email to {}", field(&to.join(", ")))
                }
            };
            vec![
                field(&d.id),
                format!("{} digest", d.kind.as_str()),
                d.cadence.as_str().to_string(),
                to,
                d.audience
                    .iter()
                    .map(|a| name_of(c, a))
                    .collect::<Vec<_>>()
                    .join(", "),
                format!(
                    "counts as {}",
                    c.deliverable(&d.deliverable)
                        .map_or(field(&d.deliverable), |x| field(&x.name))
                ),
            ]
        })
        .collect();
    if !rows.is_empty() {
        out.push_str(&indent(&table::render(
            &["id", "digest", "cadence", "channel", "audience", "SLA"],
            &rows,
            &[false; 6],
        )));
    }
    out
}

/// "month", "quarter" … for "the KPI's period".
fn period_noun(cadence: Cadence) -> &'static str {
    match cadence {
        Cadence::Weekly => "week",
        Cadence::Monthly => "month",
        Cadence::Quarterly => "quarter",
        Cadence::Annual => "year",
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}
