//! The cockpit's first frame from the weekly facts a full load kept (`rhythm::kept`,
//! `store::kept`): it shows what the full computation shows, for every clock the facts
//! say they hold for and no other, and an import or a purge makes them old.

mod common;

use std::path::Path;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use common::cockpit::weekly_figures;
use rhythm::charter::Charter;
use rhythm::demo::generate::{DEFAULT_SEED, SAMPLE_TODAY, generate};
use rhythm::facts::{Dataset, KeptWeeks};
use rhythm::ingest::{Kind, import_reader};
use rhythm::rhythm::as_of::as_of;
use rhythm::rhythm::clock::Clock;
use rhythm::rhythm::kept::{holds, kept_weeks};
use rhythm::store::Store;
use rhythm::tui::snapshot::{Snapshot, compute_cut, compute_first};

/// The shipped charter with unmapped sources kept under 'unmapped', so the reviewed
/// week's unmapped line has something to say.
fn bucket_charter() -> Arc<Charter> {
    let text = common::CHARTER.replace("unmapped = \"refuse\"", "unmapped = \"bucket\"");
    assert_ne!(
        text,
        common::CHARTER,
        "the charter's [funnel] unmapped line moved"
    );
    Arc::new(Charter::parse(&text, Path::new("charter/partnership.toml")).unwrap())
}

/// The demo's history, every kind, and leads from a source no channel names in the
/// week of 2026-11-09 (one MQL among them).
fn store(charter: &Charter, dir: &Path) -> Store {
    let mut store = Store::open(&dir.join("rhythm.db")).unwrap();
    for (file, text) in generate(DEFAULT_SEED, SAMPLE_TODAY) {
        let kind = Kind::parse(file.trim_end_matches(".csv")).unwrap();
        import_reader(&mut store, charter, kind, text.as_bytes(), file).unwrap();
    }
    let extra = "id,created,source,mql_at,sql_at,geo,segment\n\
                 x-1,2026-11-10T09:00:00Z,Carrier Pigeon,,,NA,SMB\n\
                 x-2,2026-11-11T09:00:00Z,Carrier Pigeon,2026-11-12T09:00:00Z,,NA,SMB\n\
                 x-3,2026-11-12T09:00:00Z,Smoke Signal,,,EMEA,SMB\n";
    import_reader(
        &mut store,
        charter,
        Kind::Leads,
        extra.as_bytes(),
        "extra.csv",
    )
    .unwrap();
    store
}

/// The full snapshot on `clock` and the facts it keeps.
fn full(charter: &Arc<Charter>, data: &Dataset, clock: &Clock) -> (Snapshot, KeptWeeks) {
    let cut = as_of(charter, data, clock);
    let snapshot = compute_cut(charter, &cut, clock, false);
    let kept = kept_weeks(charter, data, &cut, clock, &snapshot.weekly);
    (snapshot, kept)
}

fn utc(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
}

/// The clocks the tests look at: ends of days (`--at`) and instants within days (the live
/// clock), some amid the records, one after all of them.
fn clocks(charter: &Charter) -> Vec<Clock> {
    let ends = ["2026-11-16", "2026-11-23", "2026-11-25", "2026-12-01"]
        .map(|d| Clock::end_of(charter, d.parse().unwrap()));
    let instants = [
        "2026-11-11T10:30:00",
        "2026-11-18T18:52:00",
        "2026-11-24T08:00:00",
    ]
    .map(|t| Clock::at_instant(charter, utc(t).and_utc()));
    ends.into_iter().chain(instants).collect()
}

#[test]
fn the_first_frame_shows_what_the_full_computation_shows() {
    let charter = bucket_charter();
    let dir = tempfile::tempdir().unwrap();
    let store = store(&charter, dir.path());
    let data = store.load_dataset(&charter).unwrap();
    let partial = store.load_dataset_without_records(&charter).unwrap();
    assert!(partial.records.is_empty());
    let (mut unmapped_seen, mut with_data) = (false, 0);
    for clock in clocks(&charter) {
        let (whole, kept) = full(&charter, &data, &clock);
        assert!(holds(&charter, &kept, &clock), "{clock:?}");
        let first = compute_first(&charter, &partial, &kept, &clock, false);
        assert!(first.reviews.is_none());
        assert!(whole.reviews.is_some());
        assert_eq!(weekly_figures(&first), weekly_figures(&whole), "{clock:?}");
        with_data += usize::from(!whole.weekly.snapshot.is_empty());
        unmapped_seen |= whole.weekly.unmapped.is_some();
    }
    assert!(with_data >= 5, "the reviewed weeks have channel data");
    assert!(unmapped_seen, "some reviewed week has unmapped records");
}

#[test]
fn kept_facts_hold_for_every_clock_that_cuts_the_records_alike_and_no_other() {
    let charter = bucket_charter();
    let dir = tempfile::tempdir().unwrap();
    let data = store(&charter, dir.path()).load_dataset(&charter).unwrap();
    let same = |a: &KeptWeeks, b: &KeptWeeks| {
        (a.week, &a.channel_weeks, &a.freshness, a.unmapped)
            == (b.week, &b.channel_weeks, &b.freshness, b.unmapped)
    };
    let mut bounded = 0;
    for clock in clocks(&charter) {
        let (_, kept) = full(&charter, &data, &clock);
        let (from, until) = kept.instants;
        // The edges of the window the facts claim, on the clock's day: the same facts.
        let day = clock.first_day_not_over();
        let on = |now: NaiveDateTime| Clock { now, ..clock };
        let inside = [from, until.map(|u| u - Duration::seconds(1))]
            .into_iter()
            .flatten()
            .filter(|&now| {
                Clock::at_instant(&charter, now.and_utc()).first_day_not_over() == day
                    || clock.day_over
            });
        for now in inside {
            let c = on(now);
            assert!(
                holds(&charter, &kept, &c),
                "{c:?} within {:?}",
                kept.instants
            );
            assert!(same(&full(&charter, &data, &c).1, &kept), "{c:?}");
        }
        // At `until` a record's instant is reached: the facts no longer say they hold.
        if let Some(u) = until {
            bounded += 1;
            assert!(!holds(&charter, &kept, &on(u)));
            if let Some(f) = from {
                assert!(!holds(&charter, &kept, &on(f - Duration::seconds(1))));
            }
        }
        // Nor a day later or earlier across a day that completes something.
        if let (_, Some(next)) = kept.days {
            let later = Clock::end_of(&charter, next - Duration::days(1));
            assert!(!holds(
                &charter,
                &kept,
                &Clock {
                    now: clock.now,
                    ..later
                }
            ));
        }
        // A week on reviews another week.
        let week_on = Clock::end_of(&charter, clock.today + Duration::days(7));
        assert!(!holds(&charter, &kept, &week_on));
    }
    assert!(bounded > 0, "some clock has records after it");
}

#[test]
fn an_import_of_records_or_a_purge_or_another_charter_makes_the_kept_facts_old() {
    let charter = bucket_charter();
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(&charter, dir.path());
    let clock = Clock::end_of(&charter, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
    let seen = store.generation().unwrap();
    let data = store.load_dataset(&charter).unwrap();
    let (_, kept) = full(&charter, &data, &clock);
    assert!(
        store.kept_weeks(&charter).unwrap().is_none(),
        "nothing kept yet"
    );
    assert!(store.keep_weeks(&charter, seen, &kept).unwrap());
    let (read, generation) = store.kept_weeks(&charter).unwrap().expect("kept");
    assert_eq!(read, kept);
    assert_eq!(generation, seen);
    // Under another charter they are not what it would derive.
    assert!(store.kept_weeks(&common::charter()).unwrap().is_none());
    let import = |store: &mut Store, kind, text: &str| {
        import_reader(store, &charter, kind, text.as_bytes(), "more.csv").unwrap();
    };
    // A plan's import changes nothing they hold: they stay.
    let plan = "month,channel,budget,pipeline_target,mql_target\n2026-12-01,webinars,1000,,\n";
    import(&mut store, Kind::Plan, plan);
    assert_eq!(store.kept_weeks(&charter).unwrap().map(|k| k.1), Some(seen));
    // An import of records commits after them: old.
    let leads = "id,created,source,mql_at,sql_at,geo,segment\n\
                 y-1,2026-11-17T09:00:00Z,Carrier Pigeon,,,NA,SMB\n";
    import(&mut store, Kind::Leads, leads);
    assert!(store.kept_weeks(&charter).unwrap().is_none());
    // Facts computed before that import are not kept over it.
    assert!(!store.keep_weeks(&charter, seen, &kept).unwrap());
    assert!(store.kept_weeks(&charter).unwrap().is_none());
    // So is one of the channels file.
    assert!(
        store
            .keep_weeks(&charter, store.generation().unwrap(), &kept)
            .unwrap()
    );
    let channels = "week,channel,spend,leads,mqls,sqls,pipeline\n2026-11-16,webinars,10,1,1,0,0\n";
    import(&mut store, Kind::Channels, channels);
    assert!(store.kept_weeks(&charter).unwrap().is_none());
    // Kept again at the generation now, then a purge: old.
    let now = store.generation().unwrap();
    assert!(store.keep_weeks(&charter, now, &kept).unwrap());
    assert!(store.kept_weeks(&charter).unwrap().is_some());
    store
        .purge_before(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), false)
        .unwrap();
    assert!(store.kept_weeks(&charter).unwrap().is_none());
}

#[test]
fn an_import_of_records_into_a_store_a_cockpit_opened_keeps_its_facts_afresh() {
    use common::cli::{rhythm_in, success_stdout};
    let (_tmp, ws) = common::workspace::demo_workspace();
    let db = ws.join(rhythm::workspace::DB_PATH);
    let charter = common::charter();
    let file = ws.join("more-leads.csv");
    let leads = |id: &str| {
        std::fs::write(
            &file,
            format!("id,created,source,mql_at,sql_at,geo,segment\n{id},2026-11-17T09:00:00Z,Paid Search,,,NA,SMB\n"),
        )
        .unwrap();
        success_stdout(&rhythm_in(
            &ws,
            &["import", "leads", file.to_str().unwrap()],
        ));
    };
    // No cockpit has opened on the store: an import keeps nothing.
    leads("k-1");
    let store = Store::open(&db).unwrap();
    assert!(!store.keeps_weeks().unwrap());
    // A cockpit opens (it keeps what its full load gives), then records are imported:
    // the import keeps them again, for today's clock, at the store's generation after it.
    let mut store = store;
    let live = || Clock::at_instant(&charter, chrono::Utc::now());
    let seen = store.generation().unwrap();
    let data = store.load_dataset(&charter).unwrap();
    let opened = rhythm::rhythm::kept::keep_from(&charter, &data, &live());
    assert!(store.keep_weeks(&charter, seen, &opened).unwrap());
    leads("k-2");
    let (kept, generation) = store.kept_weeks(&charter).unwrap().expect("kept afresh");
    assert_eq!(generation, store.generation().unwrap());
    assert_ne!(generation, seen);
    let clock = live();
    assert!(holds(&charter, &kept, &clock));
    let now = store.load_dataset(&charter).unwrap();
    let fresh = rhythm::rhythm::kept::keep_from(&charter, &now, &clock);
    assert_eq!(
        (
            kept.week,
            &kept.channel_weeks,
            &kept.freshness,
            kept.unmapped
        ),
        (
            fresh.week,
            &fresh.channel_weeks,
            &fresh.freshness,
            fresh.unmapped
        )
    );
}
