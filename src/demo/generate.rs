//! The deterministic demo data behind `rhythm demo` and `data/sample/`: two years (104
//! weeks) of Atlas EOR's marketing, generated from a known response model so that the
//! cockpit's stories and the response model have something true to find.
//!
//! Ground truth. Each paid channel's pipeline contribution is a Hill-saturated function of
//! its geometrically adstocked spend. A trending, seasonal baseline (organic, referral and
//! direct demand) comes on top, and everything dips over Christmas and New Year. The CRM's
//! last-touch lead source then moves credit between channels, so the `pipeline` column is
//! what the CRM says a channel sourced, not what the channel caused: paid search and direct
//! are over-credited, events, content and ABM under-credited.
//!
//! Current on any day. The weeks of data/sample/ are 0 = 2024-11-25 to 103 = 2026-11-16;
//! `demo::dates` moves them by whole weeks so that week 103 is the last complete week
//! before the day the demo is built (`today`), on the same weekdays. The media plan
//! (flights, field events, quarterly budget shifts) and the stories keep their weeks, so
//! the scale and the stories are the sample's; the demand of the holidays and seasons is
//! the moved calendar's, because the response model's year-end weeks and seasons are
//! dates: moved with the rest, the Christmas dip would sit where the model does not look
//! for it and skew every ROI. Files that follow months and quarters (KPI periods, plan
//! months, monthly and quarterly deliverables, NPS waves) are laid out on the moved
//! calendar; what falls due, or is viewed, in today's week before today comes from
//! streams of its own. data/sample/ is the build of `SAMPLE_TODAY`, byte for byte.
//!
//! Planted stories (week numbers as above; dates of the fixed history):
//! (a) LinkedIn from week 95: spend ramps to ~1.45x while fatigue cuts its response, so
//!     cost per SQL and per closed-won climb by roughly half;
//! (b) organic search loses ~20% of its sessions, and the leads with them, in weeks 101-103
//!     (a technical SEO issue);
//! (c) webinars (new format, more promotion) and content syndication do better from week 95;
//! (d) the monthly performance review arrives 2-5 days late in Aug-Nov 2026;
//! (e) lee.brennan drifts away from the dashboards from week 91 and is gone for weeks 99-103.
//!
//! One simulator. The media history is simulated in `demo::media` from the truth in
//! `demo::truth` with the model's own pieces: `model::adstock` for the carryover and the
//! Hill curve, `model::simulate` for flight plans, monthly pulses and noise, and the
//! model's year-end calendar (`model::history::holiday_week`). Each CSV is written by a
//! file of its own (`demo::channels`, `demo::kpis`, `demo::plan`, `demo::deliveries`,
//! `demo::usage`, `demo::nps`, `demo::reconciliation`); `demo::world` holds the fixed
//! weeks, holiday and season demand, the stories' weeks, the random streams and the CSV
//! writer they share, `demo::dates` the moved calendar.
//!
//! Every file draws from its own ChaCha8 stream of the seed, so changing how one file is
//! made never reshuffles another. No clock, no hash-map order: same seed, same bytes.
//! The shipped charter is an input (channel floors and caps, KPI targets, deliverables,
//! stakeholders, week start): change it and data/sample/ must be regenerated.

use chrono::NaiveDate;

use super::world::{demo_charter, stream};
use super::{channels, deliveries, kpis, media, nps, plan, reconciliation, records, spend, usage};

pub use super::dates::{DemoDates, SAMPLE_TODAY};
pub use super::world::DEMO_END;

/// The seed of the committed sample data in data/sample/.
pub const DEFAULT_SEED: u64 = 2026;

/// The stream of today's week's views; deliverable `i`'s recent deliveries draw from
/// stream `RECENT_DELIVERIES + i`.
const RECENT_USAGE: u64 = 8;
const RECENT_DELIVERIES: u64 = 100;

/// The demo's calendar when built on `today` (a date of the charter's calendar): the
/// shipped charter's weeks.
pub fn demo_dates(today: NaiveDate) -> DemoDates {
    DemoDates::for_today(today, demo_charter().partnership.week_start)
}

/// The demo files for a demo built on `today`, in import order: (file name, CSV
/// text). Pure: the same seed and day give the same bytes; `today` = [`SAMPLE_TODAY`]
/// gives data/sample/.
pub fn generate(seed: u64, today: NaiveDate) -> Vec<(&'static str, String)> {
    let charter = demo_charter();
    let dates = DemoDates::for_today(today, charter.partnership.week_start);
    let media = media::simulate_media(&charter, &dates, &mut stream(seed, 1));
    let recent_deliveries = |i: usize| stream(seed, RECENT_DELIVERIES + i as u64);
    let (leads, opportunities) =
        records::records_csv(&charter, &media.history, &dates, &mut stream(seed, 9));
    vec![
        (
            "channels.csv",
            channels::channels_csv(&media.history, &dates),
        ),
        (
            "kpis.csv",
            kpis::kpis_csv(&charter, &dates, &mut stream(seed, 2)),
        ),
        (
            "plan.csv",
            plan::plan_csv(&media, &dates, &mut stream(seed, 3)),
        ),
        (
            "deliveries.csv",
            deliveries::deliveries_csv(&charter, &dates, &mut stream(seed, 4), recent_deliveries),
        ),
        (
            "usage.csv",
            usage::usage_csv(
                &charter,
                &dates,
                &mut stream(seed, 5),
                &mut stream(seed, RECENT_USAGE),
            ),
        ),
        (
            "nps.csv",
            nps::nps_csv(&charter, &dates, &mut stream(seed, 6)),
        ),
        (
            "reconciliation.csv",
            reconciliation::reconciliation_csv(&media.history, &dates, &mut stream(seed, 7)),
        ),
        ("leads.csv", leads),
        ("opportunities.csv", opportunities),
        (
            "spend.csv",
            spend::spend_csv(&media.history, &dates, &mut stream(seed, 10)),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::demo::testing::{Table, sample};
    use crate::ingest::{Kind, import_reader};
    use crate::store::Store;

    const SAMPLE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample/");
    const REGENERATE: &str =
        "regenerate with `cargo test --lib write_samples -- --ignored` and commit data/sample/";

    #[test]
    fn the_same_seed_gives_the_same_bytes() {
        assert_eq!(generate(DEFAULT_SEED, SAMPLE_TODAY), sample());
    }

    #[test]
    fn another_seed_gives_other_data() {
        let other = generate(DEFAULT_SEED + 1, SAMPLE_TODAY);
        for ((name, a), (_, b)) in sample().iter().zip(&other) {
            assert_ne!(a, b, "{name} ignores the seed");
        }
    }

    #[test]
    fn the_files_come_in_import_order_with_their_headers() {
        let expected = [
            (
                "channels.csv",
                "week,channel,spend,leads,mqls,sqls,pipeline,sessions,opportunities,closed_won",
            ),
            ("kpis.csv", "kpi,period_start,value,note"),
            (
                "plan.csv",
                "month,channel,budget,pipeline_target,mql_target",
            ),
            (
                "deliveries.csv",
                "deliverable,period_start,delivered_at,link,note",
            ),
            ("usage.csv", "timestamp,user,dashboard,source"),
            ("nps.csv", "date,respondent,score,role,comment"),
            ("reconciliation.csv", "week,metric,map_count,crm_count"),
            (
                "leads.csv",
                "id,created,source,mql_at,sql_at,geo,segment,first_response_at,system,email",
            ),
            (
                "opportunities.csv",
                "id,created,amount,source,stage,close_date,won,type,geo,system",
            ),
            (
                "spend.csv",
                "date,platform,account,campaign,cost,impressions,clicks",
            ),
        ];
        let got: Vec<(&str, &str)> = sample()
            .iter()
            .map(|(n, t)| (*n, t.lines().next().unwrap()))
            .collect();
        assert_eq!(got, expected);
        for (name, text) in sample() {
            assert!(
                text.ends_with('\n') && !text.contains('\r'),
                "{name}: '\\n' line ends"
            );
            assert!(text.lines().count() > 2, "{name} has rows");
        }
    }

    #[test]
    fn natural_keys_are_unique() {
        for (name, _) in sample() {
            let kind = Kind::parse(name.trim_end_matches(".csv")).unwrap();
            let table = Table::of(name);
            // Optional key columns the file leaves out (geo) do not count.
            let key: Vec<usize> = crate::ingest::kinds::key_names(kind)
                .iter()
                .filter_map(|k| table.header.iter().position(|h| h == k))
                .collect();
            let mut seen = HashSet::new();
            for row in &table.rows {
                let values: Vec<&str> = key.iter().map(|&i| row[i].as_str()).collect();
                assert!(
                    seen.insert(values.join("|")),
                    "{name}: duplicate key {values:?}"
                );
            }
        }
    }

    #[test]
    fn samples_import_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("rhythm.db")).unwrap();
        let charter = demo_charter();
        for (name, text) in sample() {
            let kind = Kind::parse(name.trim_end_matches(".csv")).unwrap();
            let summary = import_reader(&mut store, &charter, kind, text.as_bytes(), name)
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(summary.rows as usize, text.lines().count() - 1, "{name}");
            assert_eq!(summary.new, summary.rows, "{name}: every row is new");
            // The records cover channels.csv's weeks: the import says which wins.
            let expected = usize::from(matches!(
                kind,
                Kind::Leads | Kind::Opportunities | Kind::Spend
            ));
            assert_eq!(
                summary.notices.len(),
                expected,
                "{name}: {:?}",
                summary.notices
            );
            if expected == 1 {
                assert!(summary.notices[0].contains("the records win"), "{name}");
            }
        }
    }

    #[test]
    fn committed_samples_match_the_generator() {
        for (name, text) in sample() {
            let path = format!("{SAMPLE_DIR}{name}");
            let committed = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {path}: {e}; {REGENERATE}"));
            // Not assert_eq!: a diff of 800 KB of CSV helps nobody.
            assert!(
                committed == *text,
                "data/sample/{name} differs from generate(DEFAULT_SEED, SAMPLE_TODAY): {REGENERATE}"
            );
        }
    }

    /// Writes the default-seed files to data/sample/.
    #[test]
    #[ignore = "writes data/sample/; run on purpose after changing the generator"]
    fn write_samples() {
        std::fs::create_dir_all(SAMPLE_DIR).unwrap();
        for (name, text) in sample() {
            std::fs::write(format!("{SAMPLE_DIR}{name}"), text).unwrap();
        }
    }
}
