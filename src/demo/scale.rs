//! A store at scale, for benchmarks: years of weekly data for many channels and millions
//! of usage events, written straight into SQLite (the import path has its own bench).

use chrono::{Duration, NaiveDate};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::ingest::Kind;
use crate::store::{Store, StoreError, import_log};

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub weeks: u32,
    pub channels: u32,
    pub usage_events: u64,
    /// The last week's first day.
    pub last_week: NaiveDate,
}

impl Scale {
    /// 5 years × 30 channels and 1M usage events, ending with the demo's last week.
    pub fn five_years(usage_events: u64) -> Scale {
        Scale {
            weeks: 260,
            channels: 30,
            usage_events,
            last_week: NaiveDate::from_ymd_opt(2026, 11, 16).expect("valid date"),
        }
    }
}

/// Fills `store` (expected empty) with `scale`'s data in one transaction. The first of
/// the 200 users are `known_users` (e.g. the charter's BI users), so adoption has work.
pub fn fill(
    store: &mut Store,
    scale: Scale,
    seed: u64,
    known_users: &[String],
) -> Result<(), StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let first = scale.last_week - Duration::days(7 * (i64::from(scale.weeks) - 1));
    let tx = store.conn.transaction()?;
    {
        let mut insert = tx.prepare(&insert_sql("INSERT", Kind::Channels))?;
        let mut plan = tx.prepare(&insert_sql("INSERT OR IGNORE", Kind::Plan))?;
        for w in 0..scale.weeks {
            let week = first + Duration::days(7 * i64::from(w));
            for c in 0..scale.channels {
                let channel = format!("channel-{c:02}");
                let spend = if c % 5 == 4 {
                    0.0
                } else {
                    rng.random_range(2_000.0..20_000.0)
                };
                let leads = rng.random_range(10.0..80.0_f64).round();
                let mqls = (leads * rng.random_range(0.3..0.45)).round();
                let sqls = (mqls * rng.random_range(0.2..0.35)).round();
                let pipeline = sqls * rng.random_range(20_000.0..40_000.0);
                let sessions = (leads * rng.random_range(20.0..40.0)).round();
                let opportunities = (sqls * 0.7).round();
                let won = (opportunities * 0.22).round();
                insert.execute(rusqlite::params![
                    week.to_string(),
                    channel,
                    "", // geo: none
                    spend,
                    leads,
                    mqls,
                    sqls,
                    pipeline,
                    sessions,
                    opportunities,
                    won
                ])?;
                let month = crate::calendar::month_start(week).to_string();
                plan.execute(rusqlite::params![
                    month,
                    channel,
                    spend * 4.3,
                    pipeline * 4.3,
                    mqls * 4.3
                ])?;
            }
        }
    }
    {
        let mut insert = tx.prepare(&insert_sql("INSERT OR IGNORE", Kind::Usage))?;
        let start = first.and_time(chrono::NaiveTime::MIN).and_utc().timestamp();
        let span = i64::from(scale.weeks) * 7 * 86_400;
        for i in 0..scale.usage_events {
            let t = start + (i as i64 * span) / scale.usage_events.max(1) as i64;
            let n: usize = rng.random_range(0..200);
            let user = known_users
                .get(n)
                .cloned()
                .unwrap_or_else(|| format!("user{n:03}@example.com"));
            let dashboard = format!("Dashboard {:02}", rng.random_range(0..40));
            insert.execute(rusqlite::params![t, user, dashboard, "looker"])?;
        }
    }
    crate::store::usage::rebuild(&tx)?;
    let loaded_at = NaiveDate::from_ymd_opt(2026, 11, 23)
        .expect("valid date")
        .and_hms_opt(0, 0, 0)
        .expect("valid time");
    for kind in [Kind::Channels, Kind::Usage] {
        import_log::record(
            &tx,
            &import_log::ImportRecord {
                kind,
                file_name: "scale",
                rows: 0,
                new_rows: 0,
                updated_rows: 0,
                unchanged_rows: 0,
                content_hash: "",
                loaded_at,
            },
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// `{verb} INTO <table> (<columns>) VALUES (?1, …)` for all of `kind`'s columns in store
/// order, the table and column names as ingest defines them: the caller binds one value
/// per column, in that order.
fn insert_sql(verb: &str, kind: Kind) -> String {
    let def = crate::ingest::kinds::def(kind);
    let names: Vec<&str> = def.columns.iter().map(|c| c.name).collect();
    let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    format!(
        "{verb} INTO {} ({}) VALUES ({})",
        def.table,
        names.join(", "),
        marks.join(", ")
    )
}
