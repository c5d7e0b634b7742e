//! The analytics team's Net Promoter Score from marketing, with its 95% interval.
//!
//! Promoters score 9–10, passives 7–8, detractors 0–6. The interval is the adjusted-Wald
//! interval of Rocks (2016), "Interval Estimation for the Net Promoter Score": add 3
//! respondents (3/4 of a respondent each to promoters and detractors, the rest to
//! passives) before the Wald interval, which keeps it sensible for small samples.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar;
use crate::charter::{Charter, WaveQuarter};
use crate::facts::NpsResponse;

/// z for a two-sided 95% interval.
const Z95: f64 = 1.96;

/// NPS of one group of responses. Scores are in NPS points, -100..100.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Nps {
    /// Valid answers (0–10) counted.
    pub respondents: u32,
    /// Scores 9–10.
    pub promoters: u32,
    /// Scores 7–8.
    pub passives: u32,
    /// Scores 0–6.
    pub detractors: u32,
    /// (promoters − detractors) / respondents × 100; None when nobody answered.
    pub score: Option<f64>,
    /// Lower bound of the adjusted-Wald 95% interval, points; None when nobody answered.
    pub low: Option<f64>,
    /// Upper bound of the adjusted-Wald 95% interval, points; None when nobody answered.
    pub high: Option<f64>,
}

/// The NPS of `scores` (0–10; anything above 10 is not a valid answer and is skipped).
pub fn nps(scores: impl IntoIterator<Item = u8>) -> Nps {
    let (mut promoters, mut passives, mut detractors) = (0u32, 0u32, 0u32);
    for s in scores {
        match s {
            9..=10 => promoters += 1,
            7..=8 => passives += 1,
            0..=6 => detractors += 1,
            _ => {}
        }
    }
    let respondents = promoters + passives + detractors;
    let score = (respondents > 0)
        .then(|| f64::from(promoters as i32 - detractors as i32) / f64::from(respondents) * 100.0);
    let interval = (respondents > 0).then(|| adjusted_wald(respondents, promoters, detractors));
    Nps {
        respondents,
        promoters,
        passives,
        detractors,
        score,
        low: interval.map(|(low, _)| low),
        high: interval.map(|(_, high)| high),
    }
}

/// The adjusted-Wald 95% interval of the NPS, in points, clamped to -100..100.
fn adjusted_wald(n: u32, promoters: u32, detractors: u32) -> (f64, f64) {
    let n_adj = f64::from(n) + 3.0;
    let p_pro = (f64::from(promoters) + 0.75) / n_adj;
    let p_det = (f64::from(detractors) + 0.75) / n_adj;
    let centre = p_pro - p_det;
    let variance = (p_pro + p_det - centre * centre) / n_adj;
    let half = Z95 * variance.sqrt();
    let bound = |x: f64| x.clamp(-1.0, 1.0) * 100.0;
    (bound(centre - half), bound(centre + half))
}

/// The survey waves' scores, keyed by the fiscal quarter each wave belongs to, oldest
/// first. A wave opens with a response and holds every response dated within the
/// charter's `nps_wave_days` of that first one; it belongs to the fiscal quarter of its
/// first or last response (`nps_wave_quarter`). Waves of one quarter are pooled.
fn waves(responses: &[NpsResponse], charter: &Charter) -> BTreeMap<NaiveDate, Vec<u8>> {
    let d = &charter.definitions;
    let fy = charter.partnership.fiscal_year_start_month;
    let mut sorted: Vec<&NpsResponse> = responses.iter().collect();
    sorted.sort_by_key(|r| r.date);
    let mut quarters: BTreeMap<NaiveDate, Vec<u8>> = BTreeMap::new();
    let mut wave: Vec<&NpsResponse> = Vec::new();
    let mut close = |wave: &mut Vec<&NpsResponse>| {
        let (Some(first), Some(last)) = (wave.first(), wave.last()) else {
            return;
        };
        let day = match d.nps_wave_quarter {
            WaveQuarter::FirstResponse => first.date,
            WaveQuarter::LastResponse => last.date,
        };
        quarters
            .entry(calendar::quarter_start(day, fy))
            .or_default()
            .extend(wave.iter().map(|r| r.score));
        wave.clear();
    };
    for r in sorted {
        if wave
            .first()
            .is_some_and(|first| (r.date - first.date).num_days() > i64::from(d.nps_wave_days))
        {
            close(&mut wave);
        }
        wave.push(r);
    }
    close(&mut wave);
    quarters
}

/// NPS per fiscal quarter, of the survey waves the charter assigns to it (`waves`),
/// keyed by the quarter's first day, oldest first.
pub fn by_quarter(responses: &[NpsResponse], charter: &Charter) -> Vec<(NaiveDate, Nps)> {
    waves(responses, charter)
        .into_iter()
        .map(|(quarter, scores)| (quarter, nps(scores)))
        .collect()
}

/// The NPS of the waves whose quarter starts on a day in [from, to).
pub fn of_quarters_in(
    responses: &[NpsResponse],
    charter: &Charter,
    from: NaiveDate,
    to: NaiveDate,
) -> Nps {
    nps(waves(responses, charter)
        .into_iter()
        .filter(|(q, _)| from <= *q && *q < to)
        .flat_map(|(_, scores)| scores))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn ten_respondents_by_hand() {
        // 6 promoters, 2 passives, 2 detractors: NPS = (6 - 2) / 10 = 40.
        // n' = 13; p'pro = 6.75/13; p'det = 2.75/13; nps' = 4/13 = 0.307692307692...
        // var = (9.5/13 - 16/169) / 13 = 107.5/2197 = 0.048930359581...
        // half = 1.96 * sqrt(var) = 1.96 * 0.221202078610 = 0.433556074075
        // low = -12.5863766383, high = 74.1248381767 (points)
        let r = nps([10, 9, 9, 10, 9, 9, 8, 7, 6, 0]);
        assert_eq!(
            (r.respondents, r.promoters, r.passives, r.detractors),
            (10, 6, 2, 2)
        );
        assert!(close(r.score, 40.0));
        assert!(close(r.low, -12.586376638268), "{:?}", r.low);
        assert!(close(r.high, 74.124838176730), "{:?}", r.high);
    }

    #[test]
    fn no_respondents_no_score() {
        let r = nps([0u8; 0]);
        assert_eq!(r.respondents, 0);
        assert_eq!((r.score, r.low, r.high), (None, None, None));
        // Out-of-range answers are not respondents.
        assert_eq!(nps([11, 200]).score, None);
    }

    #[test]
    fn all_promoters_clamp_at_100() {
        // n' = 13, nps' = 10/13, var = 49.5/2197: 76.92 ± 29.42 -> high 106.3, clamped.
        let r = nps([9; 10]);
        assert!(close(r.score, 100.0));
        assert!(close(r.high, 100.0));
        assert!(close(r.low, 47.503010944174), "{:?}", r.low);
    }

    fn resp(y: i32, m: u32, day: u32, score: u8) -> NpsResponse {
        NpsResponse {
            date: NaiveDate::from_ymd_opt(y, m, day).unwrap(),
            respondent: "r".into(),
            score,
            role: None,
        }
    }

    #[test]
    fn waves_are_fiscal_quarters_in_order() {
        let mut c = Charter::shipped();
        // Fiscal year from February: quarters start Feb, May, Aug, Nov.
        c.partnership.fiscal_year_start_month = 2;
        let list = [
            resp(2025, 6, 10, 10), // Q from 2025-05-01
            resp(2025, 1, 20, 3),  // Q from 2024-11-01
            resp(2025, 5, 2, 9),   // Q from 2025-05-01
        ];
        let waves = by_quarter(&list, &c);
        assert_eq!(waves.len(), 2);
        assert_eq!(waves[0].0, NaiveDate::from_ymd_opt(2024, 11, 1).unwrap());
        assert!(close(waves[0].1.score, -100.0));
        assert_eq!(waves[1].0, NaiveDate::from_ymd_opt(2025, 5, 1).unwrap());
        assert_eq!(waves[1].1.promoters, 2);
    }

    #[test]
    fn a_wave_that_straddles_a_quarter_belongs_to_the_quarter_the_charter_says() {
        let mut c = Charter::shipped(); // waves of 30 days, the first response's quarter
        // A wave sent 26 March 2026: answers on 26 and 30 March and 8 April (13 days
        // after the first); a later answer on 20 May (55 days after) opens a new wave.
        let list = [
            resp(2026, 3, 26, 10),
            resp(2026, 3, 30, 9),
            resp(2026, 4, 8, 3),
            resp(2026, 5, 20, 6),
        ];
        let q1 = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let q2 = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
        let waves = by_quarter(&list, &c);
        // By hand: Q1 holds the whole first wave, 2 promoters and 1 detractor of 3:
        // (2 - 1) / 3 = 33.3; Q2 the May answer alone, a detractor: -100. (Grouped by
        // each answer's own date, the quarters would hold 2 and 2.)
        assert_eq!(waves.len(), 2);
        assert_eq!((waves[0].0, waves[0].1.respondents), (q1, 3));
        assert!(close(waves[0].1.score, 100.0 / 3.0));
        assert_eq!((waves[1].0, waves[1].1.respondents), (q2, 1));
        assert!(close(waves[1].1.score, -100.0));
        c.definitions.nps_wave_quarter = WaveQuarter::LastResponse;
        let waves = by_quarter(&list, &c);
        // The first wave's last answer is in April: all four answers are Q2's.
        assert_eq!(waves.len(), 1);
        assert_eq!((waves[0].0, waves[0].1.respondents), (q2, 4));
        // The quarters of a span: the annual review's year pools both.
        c.definitions.nps_wave_quarter = WaveQuarter::FirstResponse;
        let year = of_quarters_in(&list, &c, q1, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(year.respondents, 4);
    }
}
