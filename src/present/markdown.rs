//! Markdown renderings of the four reviews: the numbers that matter first, then alerts,
//! then recommendations in plain language, then detail tables.

use std::fmt::Write;

use crate::charter::Charter;
use crate::format;
use crate::format::{money_or_no_data, signed_change, value_or_no_data};
use crate::model::ModelError;
use crate::rhythm::Figure;
use crate::rhythm::alerts::Severity;
use crate::rhythm::allocation::Allocation;
use crate::rhythm::monthly::MonthlyReview;
use crate::rhythm::weekly::{Measure, WeeklyReview};
use crate::text;

use super::scorecard::model_cell;

/// A CMO reads the top of the list: more alerts than this is a report nobody acts on.
pub const MAX_ALERTS: usize = 8;

/// A Markdown table. Each cell is escaped for its place (`text::md_cell`): a value with
/// `|` or a newline stays one cell of one row.
pub(super) fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(
        out,
        "|{}",
        header.iter().map(|_| "---|").collect::<String>()
    );
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| text::md_cell(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

pub fn figure(f: &Figure, unit: &str) -> String {
    let target = f.target.map_or(String::new(), |t| {
        format!(" (target {})", format::in_unit(t, unit))
    });
    format!(
        "{}{} — {}",
        value_or_no_data(f.value, unit),
        target,
        f.status
    )
}

fn severity_mark(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "🔴",
        Severity::Warning => "⚠",
        Severity::Opportunity => "✓",
    }
}

pub fn weekly(
    charter: &Charter,
    r: &WeeklyReview,
    plan: &Result<Allocation, ModelError>,
) -> String {
    let mut out = format!(
        "# Weekly review — week of {}\n\n_{}_\n\n",
        r.week,
        text::md_inline(&charter.partnership.name)
    );
    if !r.has_data {
        out.push_str(
            "No channel data for this week: import it with `rhythm import channels FILE.csv`.\n\n",
        );
    }
    if let Some(line) = super::alerts::missing_channels(r) {
        out.push_str(&format!("{}\n\n", text::md_line(&line)));
    }
    if let Some((records, values)) = r.unmapped {
        let line = super::data_quality::unmapped_line(records, values);
        out.push_str(&format!("{}\n\n", text::md_line(&line)));
    }
    out.push_str("## The numbers that matter\n\n");
    let mut header = vec![""];
    header.extend(super::weekly::NUMBERS_HEADER);
    let rows: Vec<Vec<String>> = super::weekly::numbers(r.total.as_ref())
        .into_iter()
        .map(Vec::from)
        .collect();
    table(&mut out, &header, &rows);
    let f = &r.flash;
    let _ = writeln!(
        out,
        "**Pipeline flash ({}):** {}\n",
        f.month.format("%B %Y"),
        super::flash::sentence(f),
    );

    out.push_str("## Alerts\n\n");
    if r.alerts.is_empty() {
        out.push_str(&(super::alerts::none_line() + "\n"));
    }
    for a in r.alerts.iter().take(MAX_ALERTS) {
        let _ = writeln!(
            out,
            "- {} {}",
            severity_mark(a.severity),
            text::md_line(&super::alerts::sentence(a))
        );
    }
    if r.alerts.len() > MAX_ALERTS {
        let _ = writeln!(
            out,
            "- … and {} more, lower ranked (`--format json` lists all)",
            r.alerts.len() - MAX_ALERTS
        );
    }
    if let Some(line) = super::alerts::not_judged(r) {
        let _ = writeln!(out, "- {}", text::md_line(&line));
    }
    out.push('\n');

    out.push_str("## Recommendations\n\n");
    let _ = writeln!(out, "- {}", text::md_line(&allocation_sentence(plan)));
    if let Some(s) = signals_sentence(charter, r) {
        let _ = writeln!(out, "- {}", text::md_line(&s));
    }
    out.push('\n');

    out.push_str("## Deliverables due\n\n");
    let rows: Vec<Vec<String>> = r
        .due
        .iter()
        .map(|o| Vec::from(super::weekly::due_row(charter, o)))
        .collect();
    if rows.is_empty() {
        out.push_str(&format!("{}\n\n", super::weekly::nothing_due()));
    } else {
        table(&mut out, &super::weekly::DUE_HEADER, &rows);
    }
    out.push_str("## Action items\n\n");
    if r.open_actions.is_empty() {
        out.push_str("No open action items.\n\n");
    } else {
        let rows: Vec<Vec<String>> = r
            .open_actions
            .iter()
            .map(|a| {
                vec![
                    format!("#{}", a.id),
                    a.text.clone(),
                    a.owner.clone(),
                    a.due.to_string(),
                ]
            })
            .collect();
        table(&mut out, &["id", "action", "owner", "due"], &rows);
    }

    out.push_str("## Campaign performance snapshot\n\n");
    let rows: Vec<Vec<String>> = r
        .snapshot
        .iter()
        .chain(r.total.as_ref())
        .map(|s| {
            let m = &s.this_week;
            vec![
                s.name.clone(),
                format::money(m.spend),
                format::thousands(m.leads as i64),
                format::thousands(m.mqls as i64),
                format::thousands(m.sqls as i64),
                format::money(m.pipeline),
                money_or_no_data(m.cpl),
                money_or_no_data(m.cost_per_mql),
                m.roas.map_or("—".into(), crate::format::ratio),
                signed_change(s.vs_baseline(Measure::Pipeline)),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "channel",
            "spend",
            "leads",
            "MQLs",
            "SQLs",
            "pipeline",
            "CPL",
            "cost/MQL",
            "ROAS",
            "pipeline vs 8-wk",
        ],
        &rows,
    );
    out
}

/// The budget model's plan for the next weeks in two sentences ("invest more in X, less
/// in Y" and the expected pipeline impact), or why there is none: `advice::plan`.
pub fn allocation_sentence(plan: &Result<Allocation, ModelError>) -> String {
    super::advice::plan(match plan {
        Ok(p) => Ok(&p.recommendation),
        Err(why) => Err(why as &dyn std::fmt::Display),
    })
}

/// The week's signals behind a reallocation: paid channels whose pipeline jumped, and
/// those whose cost per SQL spiked. One week does not move budget by itself; the model weighs it.
pub fn signals_sentence(charter: &Charter, r: &WeeklyReview) -> Option<String> {
    let signals = r.signals(charter)?;
    let name = |id: &str| {
        charter
            .channel(id)
            .map_or(id.to_string(), |c| c.name.clone())
    };
    let named = |alerts: &[&crate::rhythm::alerts::Alert]| -> Vec<String> {
        alerts
            .iter()
            .map(|a| {
                format!(
                    "{} ({})",
                    name(&a.channel),
                    format::signed_change(Some(a.change))
                )
            })
            .collect()
    };
    let up = named(&signals.pipeline_up);
    let costly = named(&signals.cost_per_sql_up);
    let mut parts = Vec::new();
    if !up.is_empty() {
        parts.push(format!("pipeline up in {}", up.join(", ")));
    }
    if !costly.is_empty() {
        parts.push(format!("cost per SQL up in {}", costly.join(", ")));
    }
    (!parts.is_empty()).then(|| {
        format!(
            "This week's signals: {} — the budget model weighs them over its whole fit window; one week does not move budget by itself.",
            parts.join("; ")
        )
    })
}

pub fn monthly(
    charter: &Charter,
    r: &MonthlyReview,
    plan: &Result<Allocation, ModelError>,
) -> String {
    let e = &r.executive;
    let mut out = format!(
        "# Monthly marketing performance review — {}{}\n\n_{} · data covers {} of {} days{}_\n\n",
        r.month.format("%B %Y"),
        if r.complete { "" } else { ", month to date" },
        text::md_inline(&charter.partnership.name),
        r.days_with_data,
        r.days_in_month,
        if r.complete {
            String::new()
        } else {
            format!(
                " ({} gone by); sums are judged against the goal pro rata to the days covered",
                r.days_gone
            )
        }
    );
    if let Some((records, values)) = r.unmapped {
        let line = super::data_quality::unmapped_line(records, values);
        out.push_str(&format!("{}\n\n", text::md_line(&line)));
    }
    out.push_str("## Executive summary\n\n");
    table(
        &mut out,
        &["", "actual", "goal / budget", "status", "gap / pacing"],
        &[
            vec![
                "Pipeline".into(),
                money_or_no_data(e.pipeline.value),
                money_or_no_data(e.pipeline.target),
                e.pipeline.status.to_string(),
                format!("gap {}", money_or_no_data(e.pipeline_gap)),
            ],
            vec![
                "MQLs".into(),
                value_or_no_data(e.mqls.value, "count"),
                value_or_no_data(e.mqls.target, "count"),
                e.mqls.status.to_string(),
                format!("pacing {}", signed_change(e.mql_pace_gap())),
            ],
            vec![
                "SQLs".into(),
                value_or_no_data(e.sqls.value, "count"),
                value_or_no_data(e.sqls.target, "count"),
                e.sqls.status.to_string(),
                format!("pacing {}", signed_change(e.sql_pace_gap())),
            ],
            vec![
                "Blended CAC".into(),
                money_or_no_data(e.blended_cac.value),
                money_or_no_data(e.blended_cac.target),
                e.blended_cac.status.to_string(),
                String::new(),
            ],
            vec![
                "Marketing spend".into(),
                money_or_no_data(e.spend.value),
                money_or_no_data(e.spend.target),
                e.spend.status.to_string(),
                format!(
                    "utilisation {}",
                    e.utilisation.map_or("no data".into(), format::percent)
                ),
            ],
        ],
    );
    let mix: Vec<String> = e
        .channel_mix
        .iter()
        .map(|m| {
            format!(
                "{} {} (plan {}){}",
                m.channel,
                format::whole_percent(m.actual_share),
                m.plan_share.map_or("—".into(), format::whole_percent),
                if m.off_plan { " off plan" } else { "" }
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "**Channel mix (spend) vs plan:** {}\n",
        if mix.is_empty() {
            "no data".into()
        } else {
            text::md_line(&mix.join(" · "))
        }
    );

    out.push_str("## Recommendations\n\n");
    let _ = writeln!(out, "- {}", text::md_line(&allocation_sentence(plan)));
    if r.suggestions.is_empty() {
        let _ = writeln!(out, "- {}", text::md_line(super::suggestions::none_line()));
    }
    for s in &r.suggestions {
        let _ = writeln!(out, "- {}", text::md_line(&super::suggestions::sentence(s)));
    }
    if let Some(line) = super::suggestions::not_judged(charter, r) {
        let _ = writeln!(out, "- {}", text::md_line(&line));
    }
    out.push('\n');

    out.push_str("## Funnel\n\n");
    let rows: Vec<Vec<String>> = r
        .funnel
        .stages
        .iter()
        .map(|s| {
            vec![
                s.stage.clone(),
                value_or_no_data(s.volume, "count"),
                s.conversion.map_or("—".into(), format::percent),
                s.prior_3_months.map_or("—".into(), format::percent),
            ]
        })
        .collect();
    table(
        &mut out,
        &["stage", "volume", "conversion", "prior 3 months"],
        &rows,
    );
    let rows: Vec<Vec<String>> = r
        .funnel
        .by_channel
        .iter()
        .map(|c| {
            vec![
                c.channel.clone(),
                format::thousands(c.leads as i64),
                format::thousands(c.mqls as i64),
                format::thousands(c.sqls as i64),
                c.lead_to_mql.map_or("—".into(), format::percent),
                c.mql_to_sql.map_or("—".into(), format::percent),
                c.mql_to_sql_prior_3_months
                    .map_or("—".into(), format::percent),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "channel",
            "leads",
            "MQLs",
            "SQLs",
            "lead→MQL",
            "MQL→SQL",
            "MQL→SQL prior 3 mo",
        ],
        &rows,
    );

    out.push_str("## Budget vs actual\n\n");
    let rows: Vec<Vec<String>> = r
        .budget_vs_actual
        .iter()
        .map(|b| {
            vec![
                b.channel.clone(),
                money_or_no_data(b.budget),
                money_or_no_data(b.actual),
                money_or_no_data(b.variance),
                b.utilisation.map_or("—".into(), format::percent),
                b.status.to_string(),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "channel",
            "budget",
            "actual",
            "variance",
            "utilisation",
            "status",
        ],
        &rows,
    );

    out.push_str("## CAC trend (12 months)\n\n");
    let rows: Vec<Vec<String>> = r
        .cac_trend
        .iter()
        .map(|(m, c)| vec![m.format("%Y-%m").to_string(), money_or_no_data(*c)])
        .collect();
    table(&mut out, &["month", "blended CAC"], &rows);
    out
}

pub fn quarterly(charter: &Charter, r: &crate::rhythm::quarterly::QuarterlyReview) -> String {
    let mut out = format!(
        "# Quarterly partnership scorecard — quarter starting {}{}\n\n_{}_\n\n## Scorecard\n\n",
        r.quarter,
        if r.complete {
            String::new()
        } else {
            format!(", quarter to date ({} of {} days)", r.days_gone, r.days)
        },
        text::md_inline(&charter.partnership.name)
    );
    let rows: Vec<Vec<String>> = r
        .scorecard
        .iter()
        .map(|l| {
            vec![
                l.name.clone(),
                super::scorecard::line_value(l),
                value_or_no_data(l.target, &l.unit),
                l.status.to_string(),
                l.trend
                    .iter()
                    .map(|(q, v)| {
                        super::scorecard::trend_point(l, *q, *v, |v| format::in_unit(v, &l.unit))
                    })
                    .collect::<Vec<_>>()
                    .join(" → "),
                super::scorecard::line_note(&l.detail),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "metric",
            "value",
            "target",
            "status",
            "last 4 quarters",
            "detail",
        ],
        &rows,
    );

    out.push_str("## Recommendations\n\n");
    let _ = writeln!(
        out,
        "- {}",
        text::md_line(&super::advice::quarterly(charter, r))
    );
    for d in &r.drifting_leaders {
        let _ = writeln!(
            out,
            "- {} has stopped opening the dashboards (last seen {}) — ask what they need instead.",
            text::md_inline(&d.name),
            d.last_seen
                .map_or("never".into(), |w| format!("week of {w}"))
        );
    }
    if !r.unused_dashboards.is_empty() {
        let names: Vec<String> = r
            .unused_dashboards
            .iter()
            .map(|d| text::md_inline(&d.dashboard))
            .collect();
        let _ = writeln!(
            out,
            "- Retire dashboards nobody opened in 30 days: {}.",
            names.join(", ")
        );
    }
    for l in r.lead_quality.iter().filter(|l| l.slipping) {
        let _ = writeln!(
            out,
            "- {}",
            text::md_line(&super::advice::slipping(charter, l))
        );
    }
    out.push('\n');

    let _ = writeln!(
        out,
        "## {}\n\n{}\n",
        super::quarterly::BACKTEST_TITLE,
        text::md_line(&super::quarterly::backtest(r))
    );

    out.push_str("## SLA by deliverable\n\n");
    let rows: Vec<Vec<String>> = r
        .sla
        .deliverables_due()
        .map(|d| Vec::from(super::quarterly::sla_row(d)))
        .collect();
    table(&mut out, &super::quarterly::SLA_HEADER, &rows);

    out.push_str("## Lead quality by channel\n\n");
    let rows: Vec<Vec<String>> = r
        .lead_quality
        .iter()
        .map(|l| {
            vec![
                l.channel.clone(),
                format::thousands(l.mqls as i64),
                l.mql_to_sql.map_or("—".into(), format::percent),
                l.previous_quarter.map_or("—".into(), format::percent),
                signed_change(l.drift),
            ]
        })
        .collect();
    table(
        &mut out,
        &["channel", "MQLs", "MQL→SQL", "last quarter", "drift"],
        &rows,
    );

    super::data_quality::quarterly_markdown(&mut out, r);

    let _ = writeln!(out, "## {}\n", super::quarterly::UNUSED_TITLE);
    if r.unused_dashboards.is_empty() {
        out.push_str("None.\n");
    }
    for d in &r.unused_dashboards {
        let _ = writeln!(
            out,
            "- {}",
            text::md_line(&super::quarterly::unused_dashboard(d))
        );
    }
    out
}

pub fn annual(charter: &Charter, r: &crate::rhythm::annual::AnnualReview) -> String {
    let mut out = format!(
        "# Annual review — fiscal year starting {} ({})\n\n_{}_\n\n## Year over year\n\n{}\n\n",
        r.year,
        super::scorecard::annual_stretch(r),
        text::md_inline(&charter.partnership.name),
        text::md_line(&super::scorecard::annual_comparison(r))
    );
    let rows: Vec<Vec<String>> = r
        .kpis
        .iter()
        .map(|l| {
            vec![
                l.name.clone(),
                super::scorecard::purged_or(
                    l.this_year_purged,
                    value_or_no_data(l.this_year, &l.unit),
                ),
                super::scorecard::purged_or(
                    l.last_year_purged,
                    value_or_no_data(l.last_year, &l.unit),
                ),
                signed_change(l.change),
                value_or_no_data(l.target, &l.unit),
                l.status.to_string(),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "KPI",
            "this year",
            "last year",
            "change",
            "target",
            "status",
        ],
        &rows,
    );

    out.push_str("## Recommendations\n\n");
    let _ = writeln!(out, "- {}", text::md_line(&super::advice::annual(r)));
    if let Some((best, worst)) = r.roas_extremes() {
        let _ = writeln!(
            out,
            "- By attributed (last-touch) ROAS, {} returns the most ({}) and {} the least ({}). Attribution misleads budget decisions: the reallocation and its expected pipeline impact come from the budget model (`rhythm recommend`). Budget model: {} — {}.",
            text::md_inline(&best.channel),
            best.attributed_roas
                .map_or("—".into(), crate::format::ratio),
            text::md_inline(&worst.channel),
            worst
                .attributed_roas
                .map_or("—".into(), crate::format::ratio),
            text::md_line(&super::scorecard::model_note(&r.model_note)),
            r.model_status
        );
    } else {
        out.push_str("- No spend recorded this year: nothing to reallocate.\n");
    }
    let c = &r.charter_review;
    let _ = writeln!(
        out,
        "- {}\n",
        text::md_line(&super::advice::charter_review(c))
    );

    out.push_str("## Channel ROI: attributed and modelled\n\n");
    let rows: Vec<Vec<String>> = r
        .channels
        .iter()
        .map(|ch| {
            vec![
                ch.channel.clone(),
                format::money(ch.spend),
                format::money(ch.pipeline),
                ch.attributed_roas.map_or("—".into(), crate::format::ratio),
                ch.attributed_roas_last_year
                    .map_or("—".into(), crate::format::ratio),
                // A channel without spend has no ROI to model: "—", like its ROAS.
                model_cell(ch.spend, ch.modelled_roi, crate::format::ratio),
                model_cell(ch.spend, ch.marginal_roi, crate::format::ratio),
                super::scorecard::saturation_cell(ch.spend, ch.saturation_weekly_spend),
            ]
        })
        .collect();
    table(
        &mut out,
        &[
            "channel",
            "spend",
            "pipeline",
            "ROAS",
            "ROAS last year",
            "modelled ROI (fit window)",
            "marginal ROI (now)",
            "saturation",
        ],
        &rows,
    );

    out.push_str("## Due for the annual charter review\n\n");
    for item in &c.items {
        let _ = writeln!(out, "- {}", text::md_line(&item.to_string()));
    }
    out
}
