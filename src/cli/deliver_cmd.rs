//! `rhythm deliver DELIVERABLE [--period DATE] [--at DATETIME] [--link URL]`.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use clap::Args;

use super::dates::{now, parse_date, parse_datetime};
use super::{Failure, Outcome, load_charter, open_store};
use crate::facts::Delivery;
use crate::present::sla::state_text;
use crate::rhythm::sla;
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct DeliverArgs {
    /// The deliverable id from the charter
    pub deliverable: String,
    /// Any date in the period delivered for [default: the period holding --at]
    #[arg(long, value_parser = parse_date)]
    pub period: Option<NaiveDate>,
    /// When it was delivered (ISO 8601; no offset means UTC) [default: now]
    #[arg(long, value_parser = parse_datetime)]
    pub at: Option<NaiveDateTime>,
    /// Where the delivery lives (report or dashboard URL)
    #[arg(long)]
    pub link: Option<String>,
}

pub fn run(ws: &Workspace, args: DeliverArgs) -> Outcome {
    let charter = load_charter(ws)?;
    let Some(d) = charter.deliverable(&args.deliverable) else {
        let ids: Vec<&str> = charter.deliverables.iter().map(|d| d.id.as_str()).collect();
        return Err(Failure::BadInput(anyhow::anyhow!(
            "'{}' is not a deliverable of the charter; use one of: {}",
            args.deliverable,
            ids.join(", ")
        )));
    };
    let at = args.at.unwrap_or_else(now);
    let p = &charter.partnership;
    let period = d.cadence.period_start(
        args.period.unwrap_or(at.date()),
        p.week_start,
        p.fiscal_year_start_month,
    );
    let store = open_store(ws)?;
    let existed = store.record_delivery(&d.id, period, at, args.link.as_deref(), None)?;
    let delivery = Delivery {
        deliverable: d.id.clone(),
        period_start: period,
        delivered_at: at,
        link: args.link.clone(),
    };
    let window_end = d.cadence.next_period(period).and_time(NaiveTime::MIN);
    let outcome = sla::due_between(
        &charter,
        &[delivery],
        period.and_time(NaiveTime::MIN),
        window_end,
        at,
    )
    .into_iter()
    .find(|o| o.expected.deliverable == d.id);
    super::say!(
        "{} {} for the {} period starting {period}, delivered {}{}",
        if existed { "Corrected" } else { "Recorded" },
        d.name,
        d.cadence,
        at.format("%Y-%m-%d %H:%M"),
        outcome.map_or(String::new(), |o| format!(
            " — due {}: {}",
            o.expected.due_at.format("%Y-%m-%d %H:%M"),
            state_text(&o)
        ))
    );
    Ok(())
}
