//! The weekly review: campaign performance snapshot, pipeline flash, anomaly alerts,
//! deliverables due this week.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::alerts::{self, Alert};
use super::clock::{Clock, Period};
use super::kpis::{self, Span, Totals, totals};
use super::sla::{self, Outcome};
use super::stats::{change, median, std_dev};
use super::{Figure, Status};
use crate::calendar;
use crate::charter::Charter;
use crate::facts::Dataset;

/// One channel's week, with the previous week and the trailing 8-week baseline (median
/// of each measure over the 8 weeks before).
#[derive(Debug, Clone, Serialize)]
pub struct ChannelSnapshot {
    pub channel: String,
    pub name: String,
    pub this_week: Measures,
    pub previous_week: Option<Measures>,
    pub baseline: Option<Measures>,
}

/// A count or amount of `Measures` that moves week on week.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Spend,
    Mqls,
    Sqls,
    Pipeline,
}

impl ChannelSnapshot {
    /// `measure` this week against last week, a fraction (0.3 = +30%); None without last
    /// week or when last week's is zero.
    pub fn vs_previous_week(&self, measure: Measure) -> Option<f64> {
        let before = self.previous_week.as_ref()?;
        change(self.this_week.get(measure), before.get(measure))
    }

    /// `measure` this week against the trailing 8-week median, a fraction; None without
    /// a baseline (fewer than 4 of the 8 weeks have data) or when it is zero.
    pub fn vs_baseline(&self, measure: Measure) -> Option<f64> {
        let baseline = self.baseline.as_ref()?;
        change(self.this_week.get(measure), baseline.get(measure))
    }
}

/// A channel's weekly measures; ratios are None where undefined (no spend, no leads).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Measures {
    pub spend: f64,
    pub leads: f64,
    pub mqls: f64,
    pub sqls: f64,
    pub pipeline: f64,
    /// Cost per lead, currency.
    pub cpl: Option<f64>,
    /// Cost per MQL, currency.
    pub cost_per_mql: Option<f64>,
    /// CRM-attributed pipeline per unit of spend.
    pub roas: Option<f64>,
}

impl Measures {
    pub fn get(&self, measure: Measure) -> f64 {
        match measure {
            Measure::Spend => self.spend,
            Measure::Mqls => self.mqls,
            Measure::Sqls => self.sqls,
            Measure::Pipeline => self.pipeline,
        }
    }

    pub fn of(t: &Totals) -> Measures {
        Measures {
            spend: t.spend,
            leads: t.leads,
            mqls: t.mqls,
            sqls: t.sqls,
            pipeline: t.pipeline,
            cpl: t.cpl(),
            cost_per_mql: t.cost_per_mql(),
            roas: t.roas(),
        }
    }

    fn median_of(weeks: &[Measures]) -> Option<Measures> {
        if weeks.len() < 4 {
            return None;
        }
        let m = |f: fn(&Measures) -> f64| {
            median(&weeks.iter().map(f).collect::<Vec<_>>()).unwrap_or(0.0)
        };
        let mo = |f: fn(&Measures) -> Option<f64>| {
            median(&weeks.iter().filter_map(f).collect::<Vec<_>>())
        };
        Some(Measures {
            spend: m(|w| w.spend),
            leads: m(|w| w.leads),
            mqls: m(|w| w.mqls),
            sqls: m(|w| w.sqls),
            pipeline: m(|w| w.pipeline),
            cpl: mo(|w| w.cpl),
            cost_per_mql: mo(|w| w.cost_per_mql),
            roas: mo(|w| w.roas),
        })
    }
}

/// The week's signals behind a reallocation: paid channels whose pipeline jumped, and
/// channels whose cost per SQL spiked (one alert per channel each).
#[derive(Debug, Clone, PartialEq)]
pub struct Signals<'a> {
    pub pipeline_up: Vec<&'a Alert>,
    pub cost_per_sql_up: Vec<&'a Alert>,
}

impl WeeklyReview {
    /// The alerts the budget model's advice should be read beside; None without any.
    pub fn signals(&self, charter: &Charter) -> Option<Signals<'_>> {
        use super::alerts::{AlertKind, Severity};
        let paid = |id: &str| charter.channel(id).is_some_and(|c| c.paid);
        let mut pipeline_up: Vec<&Alert> = self
            .alerts
            .iter()
            .filter(|a| {
                a.severity == Severity::Opportunity
                    && a.kind == AlertKind::PipelineMove
                    && paid(&a.channel)
            })
            .collect();
        let mut cost_per_sql_up: Vec<&Alert> = self
            .alerts
            .iter()
            .filter(|a| a.severity != Severity::Opportunity && a.kind == AlertKind::CostPerSqlSpike)
            .collect();
        pipeline_up.dedup_by(|a, b| a.channel == b.channel);
        cost_per_sql_up.dedup_by(|a, b| a.channel == b.channel);
        (!pipeline_up.is_empty() || !cost_per_sql_up.is_empty()).then_some(Signals {
            pipeline_up,
            cost_per_sql_up,
        })
    }
}

/// Month-to-date pipeline against the month's goal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PipelineFlash {
    /// First day of the month.
    pub month: NaiveDate,
    /// Pipeline of the month so far (through the reviewed week), currency.
    pub month_to_date: Figure,
    /// The month's goal: the plan's pipeline targets or the KPI target, as the charter's
    /// `[definitions] target_precedence` says (the KPI's without a plan).
    pub goal: Option<f64>,
    /// Month-to-date as a fraction of the goal pro rata to the days gone (1.0 = on pace).
    pub pacing: Option<f64>,
    /// The goal pro rata to the days the data covers: what month-to-date is judged
    /// against. None without a goal or without a covered day.
    pub goal_to_date: Option<f64>,
    /// Goal to date minus month-to-date, currency.
    pub gap: Option<f64>,
    /// Month-to-date plus the month's run-rate for the days left.
    pub projected: Option<f64>,
    /// A 90% range around the projection from the trailing weekly variation.
    pub projected_low: Option<f64>,
    pub projected_high: Option<f64>,
    /// Days of the month up to the end of the reviewed week.
    pub days_gone: u32,
    /// Days of the month covered by weeks with channel data.
    pub days_with_data: u32,
    pub days_in_month: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct WeeklyReview {
    /// First day of the reviewed week.
    pub week: NaiveDate,
    /// Records created in the week under source values no channel names, and how many
    /// distinct values: the 'unmapped' data-quality line; `None` when there are none.
    pub unmapped: Option<(usize, usize)>,
    pub snapshot: Vec<ChannelSnapshot>,
    /// All channels together; None when the week has no channel data.
    pub total: Option<ChannelSnapshot>,
    pub flash: PipelineFlash,
    /// Worded by `present::alerts`; their JSON (with the sentence) is added by
    /// `present::json`.
    #[serde(skip)]
    pub alerts: Vec<Alert>,
    /// Deliverables falling due in the reviewed week and the one after it (the review
    /// is held early in the next week), with their state at `now`.
    pub due: Vec<Outcome>,
    /// Action items still open at `now`, oldest due first.
    pub open_actions: Vec<crate::facts::ActionItem>,
    pub has_data: bool,
    /// Channels with data in any of the `EXPECTED_FROM_WEEKS` weeks before but none this
    /// week: the week is short of them, which is not the same as a drop to zero.
    pub missing_channels: Vec<String>,
    /// Channels too small this week for an alert rule to judge (the charter's minimums).
    pub not_judged: Vec<alerts::NotJudged>,
    /// Channels with data this week, and those expected (this week's and the missing).
    pub channels_present: usize,
    pub channels_expected: usize,
}

/// A channel seen in any of this many weeks before the reviewed one is expected in it.
pub const EXPECTED_FROM_WEEKS: i64 = 4;

fn week_span(week: NaiveDate) -> Span {
    Span::new(week, week + Duration::days(7))
}

/// One channel's snapshot, or (`channel` None) the total of `channels` — the channels
/// with data in the reviewed week, so the week before and the baseline compare like for
/// like when a channel is missing.
fn snapshot(
    charter: &Charter,
    data: &Dataset,
    week: NaiveDate,
    channel: Option<&str>,
    channels: &[&str],
) -> ChannelSnapshot {
    let at = |w: NaiveDate| {
        let t = match channel {
            Some(c) => totals(data, week_span(w), Some(c)),
            None => Totals::of_channels(data, week_span(w), channels),
        };
        (t.weeks > 0).then(|| Measures::of(&t))
    };
    let baseline: Vec<Measures> = (1..=alerts::BASELINE_WEEKS)
        .filter_map(|i| at(week - Duration::days(7 * i)))
        .collect();
    let id = channel.unwrap_or("total");
    ChannelSnapshot {
        channel: id.to_string(),
        name: channel.and_then(|c| charter.channel(c)).map_or_else(
            || {
                if channel.is_none() {
                    "All channels".into()
                } else {
                    id.to_string()
                }
            },
            |c| c.name.clone(),
        ),
        this_week: at(week).unwrap_or(Measures::of(&Totals::default())),
        previous_week: at(week - Duration::days(7)),
        baseline: Measures::median_of(&baseline),
    }
}

/// Month-to-date pipeline of the month holding the last day of the week starting `week`,
/// through that week, judged against the goal to date: the goal pro rata to the days the
/// data covers. A week without data is not counted as a week of zero pipeline.
pub fn pipeline_flash(charter: &Charter, data: &Dataset, week: NaiveDate) -> PipelineFlash {
    let month = calendar::month_start(week + Duration::days(6));
    let next = calendar::add_months(month, 1);
    let span = Span::new(month, (week + Duration::days(7)).min(next));
    let mtd = super::kpis::marketing_totals(charter, data, span);
    let days_with_data = kpis::covered_days(data, span);
    let days_gone = (span.to - month).num_days().max(0) as u32;
    let days_in_month = (next - month).num_days() as u32;
    let kpi = charter.kpi("pipeline");
    let planned: Vec<f64> = data
        .plan
        .iter()
        .filter(|p| p.month == month)
        .filter_map(|p| p.pipeline_target)
        .collect();
    let planned = (!planned.is_empty()).then(|| planned.iter().sum::<f64>());
    let goal = match kpi {
        Some(k) => Some(super::kpis::month_target(charter, k, planned)),
        None => planned,
    };
    let value = (mtd.weeks > 0).then_some(mtd.pipeline);
    let covered = f64::from(days_with_data) / f64::from(days_in_month);
    let goal_to_date = goal.map(|g| g * covered).filter(|_| days_with_data > 0);
    let month_to_date = match (kpi, goal, goal_to_date) {
        (Some(k), Some(g), Some(to_date)) => Figure {
            status: super::judge(value, to_date, k.direction, k.tolerance),
            ..Figure::against(k, value, g)
        },
        _ => Figure {
            kpi: "pipeline".into(),
            value,
            target: goal,
            status: Status::NoData,
        },
    };
    let pacing = value
        .zip(goal_to_date)
        .and_then(|(v, g)| (g > 0.0).then(|| v / g));
    // The days not covered yet — left in the month or missing from the data — at the
    // run-rate of the days covered.
    let left_days = f64::from(days_in_month - days_with_data);
    let run_rate = value.map(|v| v / f64::from(days_with_data.max(1)));
    let trailing: Vec<f64> = (0..8)
        .filter_map(|i| {
            let t = totals(data, week_span(week - Duration::days(7 * i)), None);
            (t.weeks > 0).then_some(t.pipeline)
        })
        .collect();
    let spread = std_dev(&trailing).map(|s| 1.645 * s * (left_days / 7.0).sqrt());
    let projected = value.zip(run_rate).map(|(v, r)| v + r * left_days);
    PipelineFlash {
        month,
        gap: goal_to_date.zip(value).map(|(g, v)| g - v),
        projected_low: projected
            .zip(spread)
            .map(|(p, s)| (p - s).max(value.unwrap_or(0.0))),
        projected_high: projected.zip(spread).map(|(p, s)| p + s),
        projected,
        pacing,
        goal,
        goal_to_date,
        month_to_date,
        days_gone,
        days_with_data,
        days_in_month,
    }
}

/// The weekly review of the week `period`, with deliverable states as of the clock.
pub fn review(charter: &Charter, data: &Dataset, period: &Period, clock: &Clock) -> WeeklyReview {
    let week = period.start;
    let now = clock.now;
    // Only the charter's channels are the week's coverage: rows an older import stored
    // under a name the charter does not list (before imports checked the names) neither
    // make a week "have data" nor make a channel expected.
    let mut channels: Vec<&str> = data
        .channel_weeks
        .iter()
        .filter(|r| r.week == week && charter.covers_channel(&r.channel))
        .map(|r| r.channel.as_str())
        .collect();
    channels.sort_unstable();
    channels.dedup();
    let mut missing_channels: Vec<String> = kpis::weeks_in(
        data,
        Span::new(week - Duration::days(7 * EXPECTED_FROM_WEEKS), week),
    )
    .filter(|r| {
        r.week < week
            && !channels.contains(&r.channel.as_str())
            && charter.covers_channel(&r.channel)
    })
    .map(|r| r.channel.clone())
    .collect();
    missing_channels.sort_unstable();
    missing_channels.dedup();
    let due_from = week.and_time(chrono::NaiveTime::MIN);
    WeeklyReview {
        week,
        unmapped: match &data.tallies {
            Some(t) => super::tally::unmapped_in(charter, t, week),
            None => super::tally::unmapped_in(
                charter,
                &super::tally::tally(charter, &data.records),
                week,
            ),
        },
        snapshot: channels
            .iter()
            .map(|c| snapshot(charter, data, week, Some(c), &channels))
            .collect(),
        total: (!channels.is_empty()).then(|| snapshot(charter, data, week, None, &channels)),
        flash: pipeline_flash(charter, data, week),
        alerts: alerts::weekly_alerts(charter, data, week),
        not_judged: alerts::not_judged(charter, data, week),
        due: sla::due_between(
            charter,
            &data.deliveries,
            due_from,
            due_from + Duration::days(14),
            now,
        ),
        open_actions: {
            let mut open: Vec<_> = data
                .session
                .actions
                .iter()
                .filter(|a| a.done_at.is_none_or(|d| d > now) && a.created_at <= now)
                .cloned()
                .collect();
            open.sort_by_key(|a| a.due);
            open
        },
        has_data: !channels.is_empty(),
        channels_present: channels.len(),
        channels_expected: channels.len() + missing_channels.len(),
        missing_channels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{ChannelWeek, PlanMonth};
    use crate::rhythm::clock::Period;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn charter() -> Charter {
        Charter::shipped()
    }

    fn week(week: NaiveDate, pipeline: f64) -> ChannelWeek {
        ChannelWeek {
            week,
            channel: "webinars".into(),
            spend: 1000.0,
            leads: 10.0,
            mqls: 5.0,
            sqls: 2.0,
            pipeline,
            sessions: None,
            opportunities: None,
            closed_won: None,
        }
    }

    #[test]
    fn pacing_by_hand() {
        // June 2026 starts on a Monday: 30 days. Two full weeks of 70,000 each = 140,000
        // by day 14, against a 300,000 goal: expected by now 300,000 × 14/30 = 140,000.
        let data = Dataset {
            channel_weeks: vec![week(d(2026, 6, 1), 70_000.0), week(d(2026, 6, 8), 70_000.0)],
            plan: vec![PlanMonth {
                month: d(2026, 6, 1),
                channel: "webinars".into(),
                budget: 5000.0,
                pipeline_target: Some(300_000.0),
                mql_target: None,
            }],
            ..Dataset::default()
        };
        let f = pipeline_flash(&charter(), &data, d(2026, 6, 8));
        assert_eq!(f.month_to_date.value, Some(140_000.0));
        assert_eq!(f.goal, Some(300_000.0));
        assert!((f.pacing.unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(f.goal_to_date, Some(140_000.0));
        assert_eq!(f.gap, Some(0.0));
        // 16 days left at 10,000 a day.
        assert!((f.projected.unwrap() - 300_000.0).abs() < 1e-6);
        assert_eq!(
            (f.days_gone, f.days_with_data, f.days_in_month),
            (14, 14, 30)
        );
    }

    #[test]
    fn a_missing_week_is_not_a_week_of_zero() {
        // Weeks of 1 and 15 June have 70,000 each; the week of the 8th has no data. By
        // the 21st the data covers 14 days: the goal to date is 300,000 × 14/30 =
        // 140,000, so the month is on pace — not at 140,000 / 210,000 = 67%.
        let data = Dataset {
            channel_weeks: vec![
                week(d(2026, 6, 1), 70_000.0),
                week(d(2026, 6, 15), 70_000.0),
            ],
            plan: vec![PlanMonth {
                month: d(2026, 6, 1),
                channel: "webinars".into(),
                budget: 5000.0,
                pipeline_target: Some(300_000.0),
                mql_target: None,
            }],
            ..Dataset::default()
        };
        let f = pipeline_flash(&charter(), &data, d(2026, 6, 15));
        assert_eq!((f.days_gone, f.days_with_data), (21, 14));
        assert_eq!(f.goal_to_date, Some(140_000.0));
        assert!((f.pacing.unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(f.month_to_date.status, Status::Pass);
    }

    #[test]
    fn the_charter_says_whether_the_plan_or_the_kpi_target_governs() {
        let data = Dataset {
            channel_weeks: vec![week(d(2026, 6, 1), 70_000.0)],
            plan: vec![PlanMonth {
                month: d(2026, 6, 1),
                channel: "webinars".into(),
                budget: 5000.0,
                pipeline_target: Some(300_000.0),
                mql_target: None,
            }],
            ..Dataset::default()
        };
        let mut c = charter();
        assert_eq!(
            pipeline_flash(&c, &data, d(2026, 6, 1)).goal,
            Some(300_000.0)
        );
        let monthly = crate::rhythm::monthly::review(
            &c,
            &data,
            &Period::on(
                crate::rhythm::clock::Review::Monthly,
                &c,
                d(2026, 6, 1),
                d(2026, 6, 1),
            )
            .0,
        );
        assert_eq!(monthly.executive.pipeline.target, Some(300_000.0));
        c.definitions.target_precedence = crate::charter::TargetPrecedence::Charter;
        // The pipeline KPI's own target in the shipped charter: $12M a month.
        let kpi_target = c.kpi("pipeline").unwrap().target;
        assert_eq!(kpi_target, 12_000_000.0);
        assert_eq!(
            pipeline_flash(&c, &data, d(2026, 6, 1)).goal,
            Some(kpi_target)
        );
        let monthly = crate::rhythm::monthly::review(
            &c,
            &data,
            &Period::on(
                crate::rhythm::clock::Review::Monthly,
                &c,
                d(2026, 6, 1),
                d(2026, 6, 1),
            )
            .0,
        );
        assert_eq!(monthly.executive.pipeline.target, Some(kpi_target));
        // Spend against the KPI's $720K, not the plan's $5,000 budget.
        assert_eq!(monthly.executive.spend.target, Some(720_000.0));
    }

    #[test]
    fn a_straddling_week_is_split_between_months() {
        // The week of 2026-06-29 has 2 days in June and 5 in July: its flash is July's,
        // with the week's 5 July days.
        let data = Dataset {
            channel_weeks: vec![week(d(2026, 6, 29), 70_000.0)],
            ..Dataset::default()
        };
        let f = pipeline_flash(&charter(), &data, d(2026, 6, 29));
        assert_eq!(f.month, d(2026, 7, 1));
        assert_eq!(f.month_to_date.value, Some(50_000.0));
        assert_eq!((f.days_gone, f.days_with_data), (5, 5));
    }

    #[test]
    fn rows_of_channels_the_charter_does_not_list_are_not_coverage() {
        // An older import stored "Paid Search" beside the charter's ids: a week with only
        // such rows has no data, and the name is not a channel the week is short of.
        let mut c = charter();
        let stray = |w: NaiveDate| ChannelWeek {
            channel: "Paid Search".into(),
            ..week(w, 1000.0)
        };
        let data = Dataset {
            channel_weeks: vec![
                stray(d(2026, 6, 1)),
                week(d(2026, 6, 1), 1000.0),
                stray(d(2026, 6, 8)),
            ],
            ..Dataset::default()
        };
        let at = d(2026, 6, 15);
        let (period, clock) =
            Period::on(crate::rhythm::clock::Review::Weekly, &c, d(2026, 6, 8), at);
        let r = review(&c, &data, &period, &clock);
        assert!(!r.has_data);
        assert!(r.total.is_none() && r.snapshot.is_empty());
        assert_eq!(r.missing_channels, vec!["webinars".to_string()]);
        assert_eq!((r.channels_present, r.channels_expected), (0, 1));
        // With the charter's opt-in, such a channel is one of its channels.
        c.definitions.accept_new_channels = true;
        let r = review(&c, &data, &period, &clock);
        assert!(r.has_data);
        assert_eq!((r.channels_present, r.channels_expected), (1, 2));
    }

    #[test]
    fn no_channel_data_means_no_figures() {
        let f = pipeline_flash(&charter(), &Dataset::default(), d(2026, 6, 8));
        assert_eq!(f.month_to_date.value, None);
        assert_eq!(f.month_to_date.status, Status::NoData);
        assert_eq!((f.pacing, f.projected, f.gap), (None, None, None));
    }
}
