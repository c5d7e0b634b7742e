//! The annual review: year over year for every KPI, channel ROI, and the charter
//! sections and KPI definitions due for their annual review.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::clock::{Clock, Period};
use super::kpis::{self, Span, totals};
use super::stats::change;
use super::{Status, judge};
use crate::calendar;
use crate::charter::{Cadence, Charter};
use crate::facts::Dataset;
use crate::model::ModelError;
use crate::model::overview::ModelOverview;

#[derive(Debug, Clone, Serialize)]
pub struct YoyLine {
    pub kpi: String,
    pub name: String,
    pub unit: String,
    /// Year to date (or the whole year once it is over).
    pub this_year: Option<f64>,
    /// The same stretch of the year before.
    pub last_year: Option<f64>,
    /// The stretch reads personal data `rhythm purge` deleted: no value, "purged".
    pub this_year_purged: bool,
    pub last_year_purged: bool,
    pub change: Option<f64>,
    /// This year against the target scaled to the stretch (for sums) or as is (rates).
    pub target: Option<f64>,
    pub status: Status,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChannelYear {
    pub channel: String,
    pub spend: f64,
    pub pipeline: f64,
    /// CRM-attributed pipeline per unit of spend (last touch), this year and last.
    pub attributed_roas: Option<f64>,
    pub attributed_roas_last_year: Option<f64>,
    /// From the budget model (None when it could not be fitted or does not model the
    /// channel): average ROI over the fit window, marginal ROI at the current run-rate,
    /// and the weekly spend where marginal ROI falls to the charter's hurdle.
    pub modelled_roi: Option<f64>,
    pub marginal_roi: Option<f64>,
    pub saturation_weekly_spend: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CharterReview {
    pub last_reviewed: Option<NaiveDate>,
    /// When the charter is next due for review (last review + its review cadence).
    pub due: Option<NaiveDate>,
    pub overdue: bool,
    /// What the review covers: the sections and every KPI definition.
    pub items: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnnualReview {
    /// First day of the fiscal year.
    pub year: NaiveDate,
    /// False for the fiscal year in progress (year to date).
    pub complete: bool,
    /// The reviewed stretch: from the year's start to `until` (exclusive) — the last
    /// day the channel data covers; the year before is compared over the same days.
    pub until: NaiveDate,
    /// Days from the year's start to `until`: the compared stretch.
    pub days: u32,
    /// Days in the fiscal year.
    pub year_days: u32,
    /// Days of the same stretch a year earlier that the channel data covers; below
    /// `days`, the KPIs derived from channel data have no last-year figure.
    pub last_year_days_with_data: u32,
    pub kpis: Vec<YoyLine>,
    pub channels: Vec<ChannelYear>,
    /// The budget model's holdout error (its forecast of the last 13 weeks from a fit on
    /// the weeks before) judged against the charter's forecast-accuracy target; no data
    /// without a model, a holdout or that KPI.
    pub model_status: Status,
    /// The model's version and holdout, or why there is no model; `present::scorecard`
    /// words it.
    #[serde(skip)]
    pub model_note: ModelNote,
    pub charter_review: CharterReview,
}

impl AnnualReview {
    /// The channels that spent this year: the ones with a return to judge.
    pub fn spending_channels(&self) -> impl Iterator<Item = &ChannelYear> {
        self.channels.iter().filter(|c| c.spend > 0.0)
    }

    /// The spending channels with the highest and the lowest attributed ROAS (a channel
    /// without pipeline ranks as 0); None when no channel spent.
    pub fn roas_extremes(&self) -> Option<(&ChannelYear, &ChannelYear)> {
        let mut ranked: Vec<&ChannelYear> = self.spending_channels().collect();
        ranked.sort_by(|a, b| {
            b.attributed_roas
                .unwrap_or(0.0)
                .total_cmp(&a.attributed_roas.unwrap_or(0.0))
        });
        Some((ranked.first()?, ranked.last()?))
    }
}

/// What the annual review says of the budget model, as data.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelNote {
    NotFitted,
    NoModel(ModelError),
    Fitted {
        version: String,
        weeks: usize,
        fit_start: NaiveDate,
        fit_end: NaiveDate,
        /// The holdout: its forecast of the last weeks by a fit on the weeks before.
        holdout: Option<crate::model::validate::Score>,
    },
}

/// The annual review of `period` (a fiscal year, complete or to date), as of the clock.
/// Year over year compares equal stretches: this year up to the last day its channel
/// data covers, and the same days of the year before; an imported KPI compares only the
/// periods present in both years.
pub fn review(charter: &Charter, data: &Dataset, period: &Period, clock: &Clock) -> AnnualReview {
    let year = period.start;
    let covered_to = kpis::weeks_in(data, Span::new(year, period.through))
        .map(|r| r.week + Duration::days(7))
        .max()
        .map_or(period.through, |end| end.min(period.through));
    let until = covered_to.max(year);
    let this = Span::new(year, until);
    let last_from = calendar::add_months(year, -12);
    let last = Span::new(last_from, last_from + (until - year));
    let days = (until - year).num_days();
    // A year before that the channel data covers only in part is not a comparison base.
    let last_year_days_with_data = kpis::covered_days(data, last);
    let last_year_complete = i64::from(last_year_days_with_data) >= days;
    let lines = charter
        .kpis
        .iter()
        .map(|k| {
            let (now, before) = if k.source == crate::charter::KpiSource::Imported {
                paired_imported(data, &k.id, this)
            } else {
                (
                    kpis::value(charter, data, &k.id, this),
                    kpis::value(charter, data, &k.id, last)
                        .filter(|_| last_year_complete || !kpis::from_channel_data(&k.id)),
                )
            };
            let target = if kpis::is_sum(&k.id) {
                k.target * kpis::periods(k.cadence, days)
            } else {
                k.target
            };
            YoyLine {
                kpi: k.id.clone(),
                name: k.name.clone(),
                unit: k.unit.clone(),
                change: now.zip(before).and_then(|(a, b)| change(a, b)),
                this_year: now,
                last_year: before,
                this_year_purged: super::purged::kpi_reaches(data, &k.id, this.from),
                last_year_purged: super::purged::kpi_reaches(data, &k.id, last.from),
                target: Some(target),
                status: judge(now, target, k.direction, k.tolerance),
            }
        })
        .collect();
    let mut channels: Vec<&str> = kpis::weeks_in(data, this)
        .map(|r| r.channel.as_str())
        .collect();
    channels.sort_unstable();
    channels.dedup();
    AnnualReview {
        year,
        complete: period.is_complete(),
        until,
        days: days as u32,
        year_days: period.days(),
        last_year_days_with_data,
        kpis: lines,
        channels: channels
            .into_iter()
            .map(|c| {
                let t = totals(data, this, Some(c));
                ChannelYear {
                    channel: c.to_string(),
                    spend: t.spend,
                    pipeline: t.pipeline,
                    attributed_roas: t.roas(),
                    attributed_roas_last_year: totals(data, last, Some(c))
                        .roas()
                        .filter(|_| last_year_complete),
                    modelled_roi: None,
                    marginal_roi: None,
                    saturation_weekly_spend: None,
                }
            })
            .collect(),
        model_status: Status::NoData,
        model_note: ModelNote::NotFitted,
        charter_review: charter_review(charter, clock.today),
    }
}

/// An imported KPI's mean this year and the year before, over only the periods that have
/// a value in both years (so the two means cover the same stretch of the year).
fn paired_imported(data: &Dataset, id: &str, this: Span) -> (Option<f64>, Option<f64>) {
    let values = |span: Span| {
        data.kpi_values
            .iter()
            .filter(move |v| v.kpi == id && span.contains(v.period_start))
    };
    let mut now = Vec::new();
    let mut before = Vec::new();
    for v in values(this) {
        let earlier = calendar::add_months(v.period_start, -12);
        if let Some(b) = data
            .kpi_values
            .iter()
            .find(|b| b.kpi == id && b.period_start == earlier)
        {
            now.push(v.value);
            before.push(b.value);
        }
    }
    if now.is_empty() {
        // Nothing to compare: this year's figure stands alone, last year's is no data.
        let alone: Vec<f64> = values(this).map(|v| v.value).collect();
        return (super::stats::mean(&alone), None);
    }
    (super::stats::mean(&now), super::stats::mean(&before))
}

/// The charter KPI the model's fit is judged against.
const FORECAST_ACCURACY_KPI: &str = "forecast-accuracy";

/// Adds the budget model's figures per channel — modelled ROI next to the attributed
/// ROAS, marginal ROI, saturation — or, when it could not be fitted, why.
pub fn with_model(
    charter: &Charter,
    mut review: AnnualReview,
    model: Result<&ModelOverview, &ModelError>,
) -> AnnualReview {
    let m = match model {
        Ok(m) => m,
        Err(e) => {
            review.model_note = ModelNote::NoModel(e.clone());
            return review;
        }
    };
    for c in &mut review.channels {
        if let Some(mc) = m.channels.iter().find(|x| x.channel == c.channel) {
            c.modelled_roi = Some(mc.roi);
            c.marginal_roi = Some(mc.marginal_roi);
            c.saturation_weekly_spend = Some(mc.saturation_spend);
        }
    }
    let holdout = m.validation.as_ref().and_then(|v| v.holdout.as_ref());
    review.model_status = match (charter.kpi(FORECAST_ACCURACY_KPI), holdout) {
        (Some(k), Some(h)) => judge(h.mape, k.target, k.direction, k.tolerance),
        _ => Status::NoData,
    };
    review.model_note = ModelNote::Fitted {
        version: m.version.clone(),
        weeks: m.weeks,
        fit_start: m.fit_start,
        fit_end: m.fit_end,
        holdout: holdout.cloned(),
    };
    review
}

fn charter_review(charter: &Charter, today: NaiveDate) -> CharterReview {
    let p = &charter.partnership;
    let since = p.last_reviewed.unwrap_or(p.effective_date);
    // The same day one cadence later (a day the month lacks clamps to its end), not
    // the first of a month: a charter reviewed on 15 December is due on 15 December.
    let due = match p.review_cadence {
        Cadence::Weekly => since + Duration::days(7),
        Cadence::Monthly => calendar::add_months(since, 1),
        Cadence::Quarterly => calendar::add_months(since, 3),
        Cadence::Annual => calendar::add_months(since, 12),
    };
    let mut items: Vec<String> = [
        "objectives",
        "deliverables and due rules",
        "success metrics and controls",
        "channel constraints",
        "escalation path",
        "RACI",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    items.extend(
        charter
            .kpis
            .iter()
            .map(|k| format!("KPI definition: {} ({})", k.name, k.id)),
    );
    CharterReview {
        last_reviewed: p.last_reviewed,
        due: Some(due),
        overdue: due <= today,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn reviewed(on: NaiveDate, cadence: Cadence) -> Charter {
        let mut c = Charter::shipped();
        c.partnership.last_reviewed = Some(on);
        c.partnership.review_cadence = cadence;
        c
    }

    #[test]
    fn after_a_purge_last_years_adoption_and_nps_say_purged_not_what_is_left() {
        use crate::facts::{NpsResponse, Purged, UsageWeek};
        let c = Charter::shipped();
        let answer = |date, respondent: &str, score| NpsResponse {
            date,
            respondent: respondent.into(),
            score,
            role: None,
        };
        // What survived a purge of everything before 24 October 2025: last year's
        // November wave, and this year's two waves.
        let data = Dataset {
            nps: vec![
                answer(d(2025, 11, 12), "dana", 9),
                answer(d(2026, 5, 13), "dana", 10),
                answer(d(2026, 5, 13), "sam", 9),
                answer(d(2026, 11, 11), "dana", 6),
                answer(d(2026, 11, 11), "sam", 8),
            ],
            usage_weeks: vec![UsageWeek {
                user: "dana.whitfield@atlas-eor.com".into(),
                week: d(2025, 11, 3),
                views: 3,
            }],
            purged: Purged {
                usage_before: Some(d(2025, 10, 24)),
                nps_before: Some(d(2025, 10, 24)),
                ..Purged::default()
            },
            ..Dataset::default()
        };
        let (p, k) = Period::on(
            crate::rhythm::clock::Review::Annual,
            &c,
            d(2026, 11, 23),
            d(2026, 11, 23),
        );
        let r = review(&c, &data, &p, &k);
        let line = |id: &str| r.kpis.iter().find(|l| l.kpi == id).unwrap().clone();
        for id in ["analytics-nps", "dashboard-adoption"] {
            let l = line(id);
            assert!(l.last_year_purged, "{id}");
            assert_eq!(l.last_year, None, "{id}: not a figure from what is left");
            assert_eq!(l.change, None, "{id}");
            assert!(!l.this_year_purged, "{id}");
        }
        // This year by hand: 2 promoters, 1 passive, 1 detractor: (2 - 1) / 4 = 25.
        assert_eq!(line("analytics-nps").this_year, Some(25.0));
        // Without the horizon, last year would be the one November answer: 100.
        let unpurged = Dataset {
            purged: Purged::default(),
            ..data
        };
        let (p, k) = Period::on(
            crate::rhythm::clock::Review::Annual,
            &c,
            d(2026, 11, 23),
            d(2026, 11, 23),
        );
        let r = review(&c, &unpurged, &p, &k);
        let nps = r.kpis.iter().find(|l| l.kpi == "analytics-nps").unwrap();
        assert_eq!((nps.last_year, nps.last_year_purged), (Some(100.0), false));
    }

    #[test]
    fn the_charter_is_next_due_one_cadence_after_its_last_review_on_the_same_day() {
        // Reviewed 15 December 2025, annually: due 15 December 2026, not the 1st.
        let c = reviewed(d(2025, 12, 15), Cadence::Annual);
        let r = charter_review(&c, d(2026, 12, 14));
        assert_eq!(r.due, Some(d(2026, 12, 15)));
        assert!(!r.overdue, "a day before it is due");
        assert!(charter_review(&c, d(2026, 12, 15)).overdue);
        // Monthly from 31 January: February has no 31st, so its last day.
        let c = reviewed(d(2026, 1, 31), Cadence::Monthly);
        assert_eq!(charter_review(&c, d(2026, 2, 1)).due, Some(d(2026, 2, 28)));
        // Quarterly from 30 November 2025: 28 February 2026.
        let c = reviewed(d(2025, 11, 30), Cadence::Quarterly);
        assert_eq!(charter_review(&c, d(2026, 1, 1)).due, Some(d(2026, 2, 28)));
    }
}
