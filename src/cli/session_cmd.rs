//! `rhythm review [--week DATE]`, `rhythm review minutes --week DATE --format md|json`,
//! `rhythm action add|done|list`, `rhythm dispute open|resolve|list`: the records the
//! review session writes, for scripting.

use chrono::NaiveDate;
use clap::{Args, Subcommand, ValueEnum};

use super::dates::{clock, now, parse_date};
use super::{Failure, Outcome, load_charter, open_store, print_out};
use crate::charter::Charter;
use crate::present::minutes;
use crate::rhythm::clock::Review;
use crate::rhythm::entries;
use crate::rhythm::minutes::minutes as session_minutes;
use crate::rhythm::session::dispute_level;
use crate::store::NewDispute;
use crate::text::field;
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The week to review (any date in it) [default: the last complete week]
    #[arg(long, value_parser = parse_date)]
    pub week: Option<NaiveDate>,
    #[command(subcommand)]
    pub action: Option<ReviewAction>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Md,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum ReviewAction {
    /// The minutes of a week's session, for email or Slack
    Minutes {
        /// Any date in the reviewed week
        #[arg(long, value_parser = parse_date)]
        week: NaiveDate,
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
    },
}

fn week_of(charter: &Charter, date: NaiveDate) -> NaiveDate {
    crate::calendar::week_start(date, charter.partnership.week_start)
}

pub fn run(ws: &Workspace, args: ReviewArgs) -> Outcome {
    let charter = load_charter(ws)?;
    match args.action {
        None => {
            let week = args.week.map_or_else(
                || {
                    Review::Weekly
                        .period(&charter, &clock(&charter, None))
                        .start
                },
                |d| week_of(&charter, d),
            );
            crate::tui::run_session(ws, week).map_err(Failure::BadInput)
        }
        Some(ReviewAction::Minutes { week, format }) => {
            let store = open_store(ws)?;
            let records = store.session_records()?;
            let m = session_minutes(&charter, &records, week_of(&charter, week), now());
            match format {
                Format::Md => print_out(&minutes::markdown(&charter, &m)),
                Format::Json => super::print_json(&(serde_json::to_string_pretty(&m)? + "\n")),
            }
            Ok(())
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum ActionCommand {
    /// Record an action item
    Add {
        /// What will be done
        text: String,
        /// Who does it: a stakeholder id from the charter
        #[arg(long)]
        owner: String,
        /// When it is due (YYYY-MM-DD)
        #[arg(long, value_parser = parse_date)]
        due: NaiveDate,
        /// The insight it acts on (closes the insight-to-action loop)
        #[arg(long)]
        insight: Option<i64>,
    },
    /// Mark an action item done
    Done { id: i64 },
    /// List action items
    List {
        /// Include the done ones
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
}

pub fn action(ws: &Workspace, command: ActionCommand) -> Outcome {
    let charter = load_charter(ws)?;
    let store = open_store(ws)?;
    match command {
        ActionCommand::Add {
            text,
            owner,
            due,
            insight,
        } => {
            entries::check_action(&charter, &text, &owner)
                .map_err(|e| Failure::BadInput(e.into()))?;
            if let Some(i) = insight
                && !store.insight_exists(i)?
            {
                return Err(Failure::BadInput(anyhow::anyhow!(
                    "no insight #{i}: see the minutes or the review for insight ids"
                )));
            }
            let id = store.add_action(text.trim(), &owner, due, insight, None, None, now())?;
            super::say!(
                "Action #{id} recorded: {} — {}, due {due}",
                field(text.trim()),
                field(&owner)
            );
        }
        ActionCommand::Done { id } => {
            if !store.action_done(id, now())? {
                return Err(Failure::BadInput(anyhow::anyhow!(
                    "no open action #{id}: `rhythm action list` shows the open ones"
                )));
            }
            super::say!("Action #{id} done.");
        }
        ActionCommand::List { all, json } => {
            let actions: Vec<_> = store
                .session_records()?
                .actions
                .into_iter()
                .filter(|a| all || a.is_open())
                .collect();
            if json {
                super::print_json(&(serde_json::to_string_pretty(&actions)? + "\n"));
            } else if actions.is_empty() {
                super::say!("No {}action items.", if all { "" } else { "open " });
            } else {
                let today = clock(&charter, None).today;
                let rows: Vec<Vec<String>> = actions
                    .iter()
                    .map(|a| {
                        let state = if a.done_at.is_some() {
                            "done"
                        } else if a.is_past_due(today) {
                            "PAST DUE"
                        } else {
                            "open"
                        };
                        vec![
                            format!("#{}", a.id),
                            a.text.clone(),
                            a.owner.clone(),
                            a.due.to_string(),
                            state.into(),
                        ]
                    })
                    .collect();
                print_out(&crate::present::table::render(
                    &["id", "action", "owner", "due", "state"],
                    &rows,
                    &[true, false, false, false, false],
                ));
            }
        }
    }
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum DisputeCommand {
    /// Open a data dispute: two figures for the same metric and period that disagree
    Open {
        /// The metric (a KPI id or a measure such as mqls)
        #[arg(long)]
        metric: String,
        /// Any date in the disputed period (YYYY-MM-DD)
        #[arg(long, value_parser = parse_date)]
        period: NaiveDate,
        #[arg(long)]
        figure_a: f64,
        /// Where figure A comes from (e.g. HubSpot)
        #[arg(long)]
        source_a: String,
        #[arg(long)]
        figure_b: f64,
        /// Where figure B comes from (e.g. Salesforce)
        #[arg(long)]
        source_b: String,
        /// Who raised it: a stakeholder id
        #[arg(long)]
        raised_by: String,
    },
    /// Resolve an open dispute with the ruling
    Resolve {
        id: i64,
        #[arg(long)]
        resolution: String,
    },
    /// List disputes with their escalation level by age
    List {
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
}

pub fn dispute(ws: &Workspace, command: DisputeCommand) -> Outcome {
    let charter = load_charter(ws)?;
    let store = open_store(ws)?;
    match command {
        DisputeCommand::Open {
            metric,
            period,
            figure_a,
            source_a,
            figure_b,
            source_b,
            raised_by,
        } => {
            entries::check_dispute(
                &charter,
                &entries::DisputeEntry {
                    metric: &metric,
                    figure_a,
                    source_a: &source_a,
                    figure_b,
                    source_b: &source_b,
                    raised_by: &raised_by,
                },
            )
            .map_err(|e| Failure::BadInput(e.into()))?;
            let d = NewDispute {
                metric: &metric,
                period,
                figure_a,
                source_a: &source_a,
                figure_b,
                source_b: &source_b,
                raised_by: &raised_by,
                week: None,
            };
            let id = store.open_dispute(&d, now())?;
            let level = crate::rhythm::sla::escalation_at(&charter, 0);
            super::say!(
                "Dispute #{id} opened: {} for {period}, {} {figure_a} vs {} {figure_b} — {}",
                field(&metric),
                field(&source_a),
                field(&source_b),
                crate::present::sla::escalation(level.as_ref())
            );
        }
        DisputeCommand::Resolve { id, resolution } => {
            if !store.resolve_dispute(id, resolution.trim(), now())? {
                return Err(Failure::BadInput(anyhow::anyhow!(
                    "no open dispute #{id}: `rhythm dispute list` shows the open ones"
                )));
            }
            super::say!("Dispute #{id} resolved.");
        }
        DisputeCommand::List { all, json } => {
            let now = now();
            let disputes: Vec<_> = store
                .session_records()?
                .disputes
                .into_iter()
                .filter(|d| all || d.resolved_at.is_none())
                .map(|d| {
                    let level = dispute_level(&charter, &d, now);
                    (d, level)
                })
                .collect();
            if json {
                let list: Vec<serde_json::Value> = disputes
                    .iter()
                    .map(|(d, l)| serde_json::json!({ "dispute": d, "age_days": l.age_days, "escalation": l.escalation }))
                    .collect();
                super::print_json(&(serde_json::to_string_pretty(&list)? + "\n"));
            } else if disputes.is_empty() {
                super::say!("No {}data disputes.", if all { "" } else { "open " });
            } else {
                let rows: Vec<Vec<String>> = disputes
                    .iter()
                    .map(|(d, l)| {
                        vec![
                            format!("#{}", d.id),
                            format!("{} {}", d.metric, d.period),
                            format!(
                                "{} {} vs {} {}",
                                d.source_a, d.figure_a, d.source_b, d.figure_b
                            ),
                            format!("{} days", l.age_days),
                            d.resolution.clone().unwrap_or_else(|| {
                                crate::present::sla::escalation(l.escalation.as_ref())
                            }),
                        ]
                    })
                    .collect();
                print_out(&crate::present::table::render(
                    &["id", "metric", "figures", "age", "owner / ruling"],
                    &rows,
                    &[true, false, false, true, false],
                ));
            }
        }
    }
    Ok(())
}
