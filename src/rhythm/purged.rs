//! Which figures reach into what the charter's retention rule deleted (`rhythm purge`,
//! `facts::Purged`): a period that starts before the purge horizon of the personal data
//! it reads (usage for dashboard adoption, NPS answers for the analytics NPS) would be
//! computed from what is left, so it has no value and says "purged" instead.

use chrono::NaiveDate;

use crate::facts::Dataset;

/// Personal data a figure reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Personal {
    /// BI usage events: dashboard adoption.
    Usage,
    /// NPS answers: the analytics NPS.
    Nps,
}

/// The personal data KPI `id` is computed from, if any.
pub fn read_by(id: &str) -> Option<Personal> {
    match id {
        "dashboard-adoption" => Some(Personal::Usage),
        "analytics-nps" => Some(Personal::Nps),
        _ => None,
    }
}

/// The day before which `kind` was purged, if it was.
pub fn horizon(data: &Dataset, kind: Personal) -> Option<NaiveDate> {
    match kind {
        Personal::Usage => data.purged.usage_before,
        Personal::Nps => data.purged.nps_before,
    }
}

/// True when a figure over days from `from` on would read `kind`'s purged days.
pub fn reaches(data: &Dataset, kind: Personal, from: NaiveDate) -> bool {
    horizon(data, kind).is_some_and(|before| from < before)
}

/// True when KPI `id` over a period starting `from` reads purged data.
pub fn kpi_reaches(data: &Dataset, id: &str, from: NaiveDate) -> bool {
    read_by(id).is_some_and(|kind| reaches(data, kind, from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::charter::Charter;
    use crate::facts::{NpsResponse, Purged};
    use crate::rhythm::clock::{Period, Review};
    use crate::rhythm::kpis::{Span, value};
    use crate::rhythm::quarterly::{self, LineNote};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_quarters_before_the_horizon_are_purged_in_the_scorecard_and_the_kpi() {
        let c = Charter::shipped();
        let answer = |date, score| NpsResponse {
            date,
            respondent: format!("r{date}"),
            score,
            role: None,
        };
        // Waves in May, August and November 2026; purged before 1 August.
        let data = Dataset {
            nps: vec![
                answer(d(2026, 5, 13), 10),
                answer(d(2026, 8, 12), 9),
                answer(d(2026, 11, 11), 3),
            ],
            purged: Purged {
                usage_before: Some(d(2026, 8, 1)),
                nps_before: Some(d(2026, 8, 1)),
                ..Purged::default()
            },
            ..Dataset::default()
        };
        let (p, k) = Period::on(Review::Quarterly, &c, d(2026, 11, 23), d(2026, 11, 23));
        let q = quarterly::review(&c, &data, &p, &k);
        let nps = q
            .scorecard
            .iter()
            .find(|l| l.id == "analytics-nps")
            .unwrap();
        // By hand: Q1 and Q2 2026 start before 1 August, Q3 (1 July) does too; Q4 does not.
        assert_eq!(
            nps.purged,
            vec![d(2026, 1, 1), d(2026, 4, 1), d(2026, 7, 1)]
        );
        assert_eq!(nps.trend[3], (d(2026, 10, 1), Some(-100.0)));
        assert!(nps.trend[..3].iter().all(|(_, v)| v.is_none()));
        assert_eq!(nps.value, Some(-100.0));
        // The quarter of July to September as a KPI period: purged, no figure.
        let q3 = Span::new(d(2026, 7, 1), d(2026, 10, 1));
        assert_eq!(value(&c, &data, "analytics-nps", q3), None);
        // Reviewing Q3 itself: its line says purged.
        let (p, k) = Period::on(Review::Quarterly, &c, d(2026, 8, 20), d(2026, 11, 23));
        let q = quarterly::review(&c, &data, &p, &k);
        let nps = q
            .scorecard
            .iter()
            .find(|l| l.id == "analytics-nps")
            .unwrap();
        assert_eq!(nps.value, None);
        assert_eq!(
            nps.detail,
            LineNote::Purged {
                before: d(2026, 8, 1)
            }
        );
    }
}
