//! The weekly series the model reads: total pipeline per week and, per channel, spend and
//! the pipeline last-touch attribution credits it with. Built from a `Dataset` (or by the
//! simulator); the calendar features of a week (trend, seasonality, holidays) live here.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};

use super::{MAX_FIT_WEEKS, MIN_WEEKS, ModelError};
use crate::facts::Dataset;

/// Consecutive weeks of channel data.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// First day of each week, 7 days apart.
    pub weeks: Vec<NaiveDate>,
    /// Total pipeline per week: the sum over every channel's CRM-attributed pipeline,
    /// currency per week. What the model explains.
    pub pipeline: Vec<f64>,
    /// Every channel seen, in name order (paid or not).
    pub channels: Vec<ChannelSeries>,
}

/// One channel's weekly series; a week without a row for the channel counts as zero.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelSeries {
    pub channel: String,
    /// Currency per week.
    pub spend: Vec<f64>,
    /// The pipeline the CRM credits the channel with (last touch), currency per week.
    pub attributed: Vec<f64>,
}

impl History {
    /// The run of consecutive weeks ending with the week that holds `through` (the last
    /// week whose first day is on or before it), at most `MAX_FIT_WEEKS` long. Fails with
    /// a clear error when there are fewer than `MIN_WEEKS`.
    pub fn from_dataset(data: &Dataset, through: NaiveDate) -> Result<History, ModelError> {
        let all = Self::all_weeks(data, through)?;
        let n = all.len();
        if n < MIN_WEEKS {
            return Err(ModelError::TooFewWeeks {
                weeks: n,
                needed: MIN_WEEKS,
                through,
                gap: all.gap.clone(),
            });
        }
        Ok(all.slice(n.saturating_sub(MAX_FIT_WEEKS), n))
    }

    /// Every consecutive week ending with the week holding `through`, however few; the
    /// back-test uses it to forecast from a model's own fit start.
    pub fn consecutive_through(data: &Dataset, through: NaiveDate) -> Result<History, ModelError> {
        Ok(Self::all_weeks(data, through)?.history)
    }

    fn all_weeks(data: &Dataset, through: NaiveDate) -> Result<Consecutive, ModelError> {
        let rows = &data.channel_weeks;
        let end = rows.partition_point(|r| r.week <= through);
        if end == 0 {
            return Err(ModelError::NoData(through));
        }
        // Walk back from the newest week while weeks stay 7 days apart.
        let mut weeks = vec![rows[end - 1].week];
        let mut gap = String::new();
        let mut start = end;
        while start > 0 {
            let week = rows[start - 1].week;
            let last = *weeks.last().expect("one week at least");
            if week == last {
                start -= 1;
            } else if week == last - Duration::days(7) {
                weeks.push(week);
                start -= 1;
            } else {
                gap = format!(
                    " (a gap: no data in the week of {})",
                    last - Duration::days(7)
                );
                break;
            }
        }
        weeks.reverse();
        let names: BTreeMap<&str, usize> = {
            let mut set: Vec<&str> = rows[start..end]
                .iter()
                .map(|r| r.channel.as_str())
                .collect();
            set.sort_unstable();
            set.dedup();
            set.into_iter().enumerate().map(|(i, c)| (c, i)).collect()
        };
        let n = weeks.len();
        let mut channels: Vec<ChannelSeries> = names
            .keys()
            .map(|c| ChannelSeries {
                channel: (*c).to_string(),
                spend: vec![0.0; n],
                attributed: vec![0.0; n],
            })
            .collect();
        let mut pipeline = vec![0.0; n];
        for r in &rows[start..end] {
            let t = ((r.week - weeks[0]).num_days() / 7) as usize;
            let c = &mut channels[names[r.channel.as_str()]];
            c.spend[t] += r.spend;
            c.attributed[t] += r.pipeline;
            pipeline[t] += r.pipeline;
        }
        Ok(Consecutive {
            history: History {
                weeks,
                pipeline,
                channels,
            },
            gap,
        })
    }

    pub fn len(&self) -> usize {
        self.weeks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.weeks.is_empty()
    }

    /// Weeks `from..to` (indices).
    pub fn slice(&self, from: usize, to: usize) -> History {
        History {
            weeks: self.weeks[from..to].to_vec(),
            pipeline: self.pipeline[from..to].to_vec(),
            channels: self
                .channels
                .iter()
                .map(|c| ChannelSeries {
                    channel: c.channel.clone(),
                    spend: c.spend[from..to].to_vec(),
                    attributed: c.attributed[from..to].to_vec(),
                })
                .collect(),
        }
    }

    /// The series of `channel`, if the history has it.
    pub fn channel(&self, channel: &str) -> Option<&ChannelSeries> {
        self.channels.iter().find(|c| c.channel == channel)
    }

    /// The index of the week whose first day is `week`, if it is in the history.
    pub fn index_of(&self, week: NaiveDate) -> Option<usize> {
        let first = *self.weeks.first()?;
        let days = (week - first).num_days();
        (days >= 0 && days % 7 == 0 && ((days / 7) as usize) < self.len())
            .then_some((days / 7) as usize)
    }
}

struct Consecutive {
    history: History,
    gap: String,
}

impl std::ops::Deref for Consecutive {
    type Target = History;
    fn deref(&self) -> &History {
        &self.history
    }
}

/// The year-end weeks the baseline gives a term each: the week before the one holding
/// Christmas Day, that week, the next (New Year), and the first full week of January.
pub const HOLIDAY_WEEKS: usize = 4;

/// Which year-end week `week` (its first day) is — 0 for the week before Christmas week
/// to 3 for the first full week of January — or None. Demand does not dip evenly over
/// the holidays (a B2B calendar slows a little, collapses, then recovers), and spend is
/// paused in the same weeks, so one average dummy would let media explain the rest.
pub fn holiday_week(week: NaiveDate) -> Option<usize> {
    let year = if week.month() >= 7 {
        week.year()
    } else {
        week.year() - 1
    };
    let christmas = NaiveDate::from_ymd_opt(year, 12, 25)?;
    let k = ((week - christmas).num_days() + 6).div_euclid(7);
    (-1..=2).contains(&k).then_some((k + 1) as usize)
}

/// The year-end dip of the simulations and tests: 1 in the weeks holding a day from
/// Dec 18 to Jan 7 by their middle day — the last two weeks of December and the first
/// of January — else 0.
pub fn year_end(week: NaiveDate) -> f64 {
    let mid = week + Duration::days(3);
    let inside = (mid.month() == 12 && mid.day() >= 18) || (mid.month() == 1 && mid.day() <= 7);
    if inside { 1.0 } else { 0.0 }
}

/// Yearly seasonality as two Fourier harmonics of the week's middle day:
/// [sin 2πf, cos 2πf, sin 4πf, cos 4πf], f = day of year / 365.25.
pub fn seasonality(week: NaiveDate) -> [f64; 4] {
    let mid = week + Duration::days(3);
    let f = f64::from(mid.ordinal0()) / 365.25;
    let tau = std::f64::consts::TAU;
    [
        (tau * f).sin(),
        (tau * f).cos(),
        (2.0 * tau * f).sin(),
        (2.0 * tau * f).cos(),
    ]
}

/// Years from `origin` to `week` (the trend regressor).
pub fn years_since(origin: NaiveDate, week: NaiveDate) -> f64 {
    (week - origin).num_days() as f64 / 364.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::ChannelWeek;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn row(week: NaiveDate, channel: &str, spend: f64, pipeline: f64) -> ChannelWeek {
        ChannelWeek {
            week,
            channel: channel.into(),
            spend,
            leads: 0.0,
            mqls: 0.0,
            sqls: 0.0,
            pipeline,
            sessions: None,
            opportunities: None,
            closed_won: None,
        }
    }

    #[test]
    fn the_holiday_weeks_run_from_the_week_before_christmas_to_the_first_full_week_of_january() {
        let weeks: Vec<NaiveDate> = (0..8)
            .map(|i| d(2024, 12, 2) + Duration::days(7 * i))
            .collect();
        let marks: Vec<Option<usize>> = weeks.iter().map(|w| holiday_week(*w)).collect();
        // Dec 2, 9 | 16, 23, 30, Jan 6 | 13, 20
        assert_eq!(
            marks,
            vec![None, None, Some(0), Some(1), Some(2), Some(3), None, None]
        );
        // Weeks starting on Sunday: Christmas 2025 is a Thursday.
        assert_eq!(holiday_week(d(2025, 12, 21)), Some(1));
        assert_eq!(holiday_week(d(2025, 12, 28)), Some(2));
        let flags: Vec<f64> = weeks.iter().map(|w| year_end(*w)).collect();
        assert_eq!(flags, vec![0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn a_gap_cuts_the_history_and_says_where() {
        let mut data = Dataset::default();
        let start = d(2024, 1, 1);
        for i in 0..60 {
            if i == 20 {
                continue;
            }
            let w = start + Duration::days(7 * i);
            data.channel_weeks.push(row(w, "a", 10.0, 100.0));
            data.channel_weeks.push(row(w, "b", 0.0, 50.0));
        }
        let err = History::from_dataset(&data, d(2030, 1, 1)).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("39 consecutive weeks"), "{text}");
        assert!(text.contains("2024-05-20"), "{text}");
        let h = History::consecutive_through(&data, d(2030, 1, 1)).unwrap();
        assert_eq!(h.len(), 39);
        assert_eq!(h.pipeline[0], 150.0);
        assert_eq!(h.channel("a").unwrap().spend[3], 10.0);
        assert_eq!(h.index_of(h.weeks[5]), Some(5));
    }
}
