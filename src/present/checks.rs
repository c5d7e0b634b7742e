//! The sentence behind each check of `rhythm check`: what was measured and, when it
//! failed, by how much. `Detail` is data in `rhythm::controls`; its words are here, and
//! `present::json` puts the same sentence in the JSON as `"detail"`.

use std::fmt;

use super::window::phrase;
use crate::format::{in_unit, money, money_or_no_data, percent};
use crate::present::sla::state_text;
use crate::rhythm::cac::ChannelCac;

use crate::format::value_or_no_data;
use crate::rhythm::Status;
use crate::rhythm::controls::{BacktestCheck, CheckReport, Detail, Horizon, NoData};

/// A horizon in words.
struct HorizonText<'a>(&'a Horizon);

impl fmt::Display for HorizonText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "recommendation #{} ({} to {})",
            self.0.id, self.0.from, self.0.to
        )
    }
}

/// Why a check has no data, in words.
struct NoDataText<'a>(&'a NoData);

impl fmt::Display for NoDataText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no data: ")?;
        match self.0 {
            NoData::NoBacktest(BacktestCheck::ForecastAccuracy) => f.write_str(
                "no saved recommendation whose horizon has data (rhythm recommend --save, then wait out its horizon)",
            ),
            NoData::NoBacktest(BacktestCheck::AllocationVariance) => f.write_str(
                "no saved recommendation whose horizon has data to compare the actual mix with",
            ),
            NoData::NoBacktest(BacktestCheck::Verdict) => f.write_str(
                "no saved recommendation whose horizon has data (rhythm recommend --save)",
            ),
            NoData::NoDeliveryRecorded => f.write_str(
                "no delivery recorded yet (rhythm import deliveries FILE.csv, or rhythm deliver ID)",
            ),
            NoData::NoDeliveryDue => f.write_str("no delivery fell due in the window"),
            NoData::NoInsightDelivered { window } => write!(
                f,
                "no insight was shown in a review in {} (rhythm review records them)",
                phrase(window)
            ),
            NoData::NoNpsResponses => f.write_str("no NPS responses imported"),
            NoData::NoUsage { weeks } => {
                write!(f, "no dashboard usage in the last {weeks} weeks")
            }
            NoData::NoReconciliation { window } => write!(
                f,
                "no reconciliation counts for any week of {} (rhythm import reconciliation FILE.csv)",
                phrase(window)
            ),
            NoData::NoRecordsOfSystems { window, map, crm } => write!(
                f,
                "no {} or {} lead created in {} (rhythm import leads FILE.csv with a system column)",
                crate::text::one_line(map),
                crate::text::one_line(crm),
                phrase(window)
            ),
            NoData::NoRecords { from, to } => write!(
                f,
                "no lead or opportunity record created {from} to {to} (rhythm import leads / opportunities FILE.csv)"
            ),
            NoData::NoLtv => f.write_str("the charter sets no LTV ([controls] ltv)"),
            NoData::NoClosedWon { window } => {
                write!(f, "no closed-won customers in {}", phrase(window))
            }
            NoData::PartialWeeks {
                weeks_with_data,
                weeks,
                from,
                to,
            } => write!(
                f,
                "only {weeks_with_data} of the {weeks} weeks from {from} to {to} have channel data, and a {weeks}-week figure needs all {weeks} (import the missing weeks)"
            ),
            NoData::Purged { before } => write!(
                f,
                "purged: the charter's retention rule (rhythm purge) deleted this data before {before}, and a figure from what is left would mislead"
            ),
            NoData::NeverImported { kind } => write!(
                f,
                "`{kind}` was never imported (rhythm import {kind} FILE.csv)"
            ),
            NoData::NoResponseSla => f.write_str(
                "the charter sets no lead-response SLA ([funnel] response_minutes)",
            ),
            NoData::NoFirstResponse {
                window,
                judged,
                answered,
            } => write!(
                f,
                "{} of the {judged} leads of {} the SLA judges carry a first response (needs at least one, and {} leads judged; import leads with first_response_at)",
                answered,
                phrase(window),
                crate::rhythm::funnel::MIN_BASE
            ),
        }
    }
}

/// "a 12.0%, b 3.0%" with each figure written by `show`.
fn listed(items: &[(String, f64)], show: impl Fn(&str, f64) -> String) -> String {
    items
        .iter()
        .map(|(name, x)| show(name, *x))
        .collect::<Vec<_>>()
        .join(", ")
}

/// "a x, b y" with each item written by `show`.
fn listed_with<T>(items: &[T], show: impl Fn(&T) -> String) -> String {
    items.iter().map(show).collect::<Vec<_>>().join(", ")
}

/// A check's detail in words.
struct DetailText<'a>(&'a Detail);

impl fmt::Display for DetailText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Detail::NoData(why) => write!(f, "{}", NoDataText(why)),
            Detail::LeadResponse(s) => f.write_str(&super::funnel::sla_sentence(s)),
            Detail::InsightToAction {
                median_days,
                window,
                delivered,
                actioned,
                max_days,
            } => write!(
                f,
                "median {median_days:.1} days from an insight shown in a review to its first action, over the {delivered} delivered in {}: {actioned} of {delivered} actioned, the others counting their age so far (limit {max_days:.0})",
                phrase(window)
            ),
            Detail::ForecastAccuracy {
                horizon,
                forecast,
                actual,
            } => write!(
                f,
                "{}: forecast under the actual spend {} vs actual pipeline {}",
                HorizonText(horizon),
                money(*forecast),
                money(*actual)
            ),
            Detail::AllocationVariance { horizon } => {
                write!(
                    f,
                    "{}: actual spend mix vs the recommended mix",
                    HorizonText(horizon)
                )
            }
            Detail::Backtest { horizon, backtest } => {
                write!(
                    f,
                    "{}: {}",
                    HorizonText(horizon),
                    super::backtests::detail(backtest)
                )
            }
            Detail::Sla {
                tally,
                window,
                from,
                worst,
            } => {
                match tally {
                    None => write!(f, "{}", NoDataText(&NoData::NoDeliveryDue))?,
                    Some((on_time, expected, late, missing)) => write!(
                        f,
                        "{on_time} of {expected} deliveries on time in {} (from {from}); {late} late, {missing} missing",
                        phrase(window)
                    )?,
                }
                if let Some((name, period, outcome)) = worst {
                    write!(
                        f,
                        "; most escalated: {name} ({period}) {}",
                        state_text(outcome)
                    )?;
                }
                Ok(())
            }
            Detail::Nps { quarter, wave } => write!(
                f,
                "wave of the quarter starting {quarter}: NPS {:.0} (95% interval {:.0} to {:.0}, n = {}; {} promoters, {} detractors)",
                wave.score.unwrap_or(0.0),
                wave.low.unwrap_or(0.0),
                wave.high.unwrap_or(0.0),
                wave.respondents,
                wave.promoters,
                wave.detractors
            ),
            Detail::Adoption {
                rate,
                weeks,
                last_week,
                inactive,
            } => {
                write!(
                    f,
                    "{} of marketing leaders opened a dashboard per week over the last {weeks} weeks",
                    percent(*rate)
                )?;
                if !inactive.is_empty() {
                    write!(
                        f,
                        "; not seen in the week of {last_week}: {}",
                        inactive.join(", ")
                    )?;
                }
                Ok(())
            }
            Detail::Reconciliation {
                window,
                tolerance,
                weeks,
            } => {
                let (from, to) = (weeks.weeks.first(), weeks.last_day());
                if let (Some(from), Some(to)) = (from, to) {
                    write!(f, "{} ({from} to {to}): ", phrase(window))?;
                }
                // Which comparison this is: the records carry one system or none.
                f.write_str("typed weekly counts: ")?;
                if weeks.failing.is_empty() {
                    write!(
                        f,
                        "MAP and CRM agree within {} on every metric in {} of {} weeks",
                        percent(*tolerance),
                        weeks.judged(),
                        weeks.weeks.len()
                    )?;
                } else {
                    write!(
                        f,
                        "{} of {} weeks off by more than {}: {} — reconcile before the numbers are reported",
                        weeks.failing.len(),
                        weeks.weeks.len(),
                        percent(*tolerance),
                        listed_with(&weeks.failing, |w| format!(
                            "week of {} {}",
                            w.week,
                            listed(&w.over, |m, g| format!("{m} off by {}", percent(g)))
                        ))
                    )?;
                }
                if !weeks.without_counts.is_empty() {
                    write!(
                        f,
                        "; no counts for the week of {}",
                        listed_with(&weeks.without_counts, |w| w.to_string())
                    )?;
                }
                Ok(())
            }
            Detail::RecordReconciliation {
                window,
                tolerance,
                recon,
            } => write!(
                f,
                "{}: {}",
                phrase(window),
                super::data_quality::record_recon(recon, *tolerance)
            ),
            Detail::Quality(q) => f.write_str(&super::data_quality::quality(q)),
            Detail::CacLtv {
                cac,
                window,
                from,
                to,
                ceiling,
                share,
                channels,
            } => {
                write!(
                    f,
                    "blended CAC {} over {} ({from} to {to}) vs ceiling {} ({} of LTV)",
                    money(*cac),
                    phrase(window),
                    money(*ceiling),
                    percent(*share)
                )?;
                let cac_of = |c: &ChannelCac| format!("{} {}", c.channel, money_or_no_data(c.cac));
                if !channels.over.is_empty() {
                    write!(
                        f,
                        "; pause candidates above the ceiling: {}",
                        listed_with(&channels.over, cac_of)
                    )?;
                }
                if !channels.not_judged.is_empty() {
                    write!(
                        f,
                        "; not judged, fewer than {} customers: {}",
                        channels.min_customers,
                        listed_with(&channels.not_judged, |c| format!(
                            "{} {}",
                            c.channel,
                            in_unit(c.customers, "count")
                        ))
                    )?;
                }
                Ok(())
            }
            Detail::Freshness {
                kind,
                age_days,
                newest,
                limit_days,
                over_limit_days: Some(over),
            } => write!(
                f,
                "newest {kind} data is {age_days:.0} days old ({newest}), {over:.0} days past the {limit_days}-day limit — import a fresh file"
            ),
            Detail::Freshness {
                kind,
                age_days,
                newest,
                limit_days,
                over_limit_days: None,
            } => write!(
                f,
                "newest {kind} data is {age_days:.0} days old ({newest}); limit {limit_days} days"
            ),
        }
    }
}

/// The sentence of a check's detail: what was measured and, when it failed, by how much.
pub fn detail(d: &Detail) -> String {
    DetailText(d).to_string()
}

/// `rhythm check` for people: a count line, then one line per failure and warning with
/// its figure.
pub fn text(report: &CheckReport) -> String {
    let (checks, at) = (&report.checks, report.at);
    let mut out = format!(
        "rhythm check {at}: {} failed, {} warning, {} passed, {} no data\n",
        report.count(Status::Fail),
        report.count(Status::Warn),
        report.count(Status::Pass),
        report.count(Status::NoData)
    );
    for c in checks
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Warn))
    {
        let unit = c.unit();
        out.push_str(&format!(
            "{:<4} {}: {}{} — {}\n",
            if c.status == Status::Fail {
                "FAIL"
            } else {
                "WARN"
            },
            crate::text::field(&c.name),
            value_or_no_data(c.value, unit),
            c.target.map_or(String::new(), |t| format!(
                " (target {})",
                crate::format::in_unit(t, unit)
            )),
            // One line per check: a metric or a name from a CSV or the charter cannot
            // break it (`text::one_line`).
            crate::text::one_line(&detail(&c.detail))
        ));
    }
    let missing: Vec<&str> = checks
        .iter()
        .filter(|c| c.status == Status::NoData)
        .map(|c| c.id.as_str())
        .collect();
    if !missing.is_empty() {
        out.push_str(&format!(
            "no data: {}\n",
            crate::text::field(&missing.join(", "))
        ));
    }
    out
}

#[cfg(test)]
#[path = "checks_tests.rs"]
mod tests;
