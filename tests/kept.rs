//! The cockpit's first frame from the records' tallies a full load kept (`rhythm::kept`,
//! `rhythm::tally`, `store::kept`): at any clock — a new week, `--at` a year back, an
//! instant amid the records — it shows what the full computation shows; the tallies read
//! at a clock give what the records cut to that clock give; a stage crossed before its
//! record's creation counts only once the record exists; and an import of records makes
//! what was kept old, a purge (which erases nothing they sum) does not.

mod common;

use std::path::Path;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use common::cockpit::weekly_figures;
use rhythm::charter::Charter;
use rhythm::demo::generate::{DEFAULT_SEED, SAMPLE_TODAY, generate};
use rhythm::facts::Dataset;
use rhythm::ingest::{Kind, import_reader};
use rhythm::rhythm::as_of::as_of;
use rhythm::rhythm::clock::Clock;
use rhythm::rhythm::kept::{tallied, with_kept};
use rhythm::rhythm::tally::tally;
use rhythm::store::Store;
use rhythm::tui::snapshot::{compute_cut, compute_first};

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

fn import(store: &mut Store, charter: &Charter, kind: Kind, text: &str) {
    import_reader(store, charter, kind, text.as_bytes(), "more.csv").unwrap();
}

/// The demo's history, every kind, and leads from sources no channel names in the week
/// of 2026-11-09 (one MQL among them).
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
    import(&mut store, charter, Kind::Leads, extra);
    store
}

fn utc(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
}

/// The clocks the tests look at: ends of days (`--at`) from the history's first year to
/// after its end, and instants within days (the live clock) amid the newest records.
fn clocks(charter: &Charter) -> Vec<Clock> {
    let ends = [
        "2024-03-06",
        "2025-02-17",
        "2025-12-28",
        "2026-11-16",
        "2026-11-23",
        "2026-11-25",
        "2026-12-01",
        "2027-01-11",
    ]
    .map(|d| Clock::end_of(charter, d.parse().unwrap()));
    let instants = [
        "2026-11-11T10:30:00",
        "2026-11-18T18:52:00",
        "2026-11-24T08:00:00",
    ]
    .map(|t| Clock::at_instant(charter, utc(t).and_utc()));
    ends.into_iter().chain(instants).collect()
}

/// The store's kept tallies, after keeping those of a full load.
fn kept_after_a_full_load(store: &mut Store, charter: &Charter) -> rhythm::facts::Tallies {
    let seen = store.generation().unwrap();
    let data = tallied(charter, store.load_dataset(charter).unwrap());
    let tallies = data.tallies.as_deref().unwrap().clone();
    assert!(store.keep_tallies(charter, seen, &tallies).unwrap());
    let (kept, generation) = store.kept_tallies(charter).unwrap().expect("kept");
    assert_eq!(generation, seen);
    kept
}

#[test]
fn the_first_frame_from_the_kept_tallies_shows_what_the_full_computation_shows_at_any_clock() {
    let charter = bucket_charter();
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(&charter, dir.path());
    let kept = kept_after_a_full_load(&mut store, &charter);
    let data = store.load_dataset(&charter).unwrap();
    let partial = with_kept(store.load_dataset_without_records(&charter).unwrap(), kept);
    let (mut unmapped_seen, mut with_data) = (false, 0);
    for clock in clocks(&charter) {
        // The full computation as the CLI does it: the records, cut to the clock.
        let cut = as_of(&charter, &data, &clock);
        let whole = compute_cut(&charter, &cut, &clock, false);
        // The week's unmapped line from the tallies is the data-quality control's count of
        // the records themselves (the Monthly view's line).
        let week = whole.weekly.week;
        let span = rhythm::rhythm::kpis::Span::new(week, week + chrono::Duration::days(7));
        assert_eq!(
            whole.weekly.unmapped,
            rhythm::rhythm::quality::unmapped_line(&charter, &cut, span),
            "{clock:?}"
        );
        let first = compute_first(&charter, &partial, &clock, false);
        assert!(first.reviews.is_none());
        assert!(whole.reviews.is_some());
        assert_eq!(weekly_figures(&first), weekly_figures(&whole), "{clock:?}");
        with_data += usize::from(!whole.weekly.snapshot.is_empty());
        unmapped_seen |= whole.weekly.unmapped.is_some();
    }
    assert!(with_data >= 8, "the reviewed weeks have channel data");
    assert!(unmapped_seen, "some reviewed week has unmapped records");
}

#[test]
fn the_tallies_read_at_a_clock_give_what_the_records_cut_to_it_give() {
    let charter = bucket_charter();
    let dir = tempfile::tempdir().unwrap();
    let data = tallied(
        &charter,
        store(&charter, dir.path()).load_dataset(&charter).unwrap(),
    );
    for clock in clocks(&charter) {
        let from_all = as_of(&charter, &data, &clock);
        // The second path: the records as they stood at the clock, tallied afresh.
        let again = as_of(
            &charter,
            &Dataset {
                tallies: None,
                ..from_all.clone()
            },
            &clock,
        );
        assert_eq!(from_all.channel_weeks, again.channel_weeks, "{clock:?}");
        assert_eq!(from_all.freshness, again.freshness, "{clock:?}");
    }
}

#[test]
fn the_kept_tallies_read_back_as_they_were_kept() {
    let charter = bucket_charter();
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(&charter, dir.path());
    let data = store.load_dataset(&charter).unwrap();
    let tallies = tally(&charter, &data.records);
    assert!(!tallies.leads.is_empty() && !tallies.spend.is_empty());
    assert!(
        tallies
            .opportunities
            .iter()
            .any(|o| o.amount_micros % 1_000_000 != 0),
        "amounts with cents"
    );
    assert_eq!(kept_after_a_full_load(&mut store, &charter), tallies);
}

/// A store of `leads` in native columns, under the shipped charter, with deals in the
/// weeks of 2026-11-02 to 2026-11-16 and spend in the first two (a derived week needs all three:
/// without one of them it has no data, not zeros).
fn leads_store(dir: &Path, leads: &str) -> (Arc<Charter>, Dataset) {
    records_store(dir, leads, "")
}

/// [`leads_store`] with `spend_rows` (lines of `date,platform,campaign,cost`) too.
fn records_store(dir: &Path, leads: &str, spend_rows: &str) -> (Arc<Charter>, Dataset) {
    let charter = common::charter();
    let mut store = Store::open(&dir.join("rhythm.db")).unwrap();
    import(&mut store, &charter, Kind::Leads, leads);
    let deals = "id,created,amount,source,stage\n\
        O1,2026-11-02T09:00:00Z,100,Paid Search,Open\n\
        O2,2026-11-12T09:00:00Z,200,Paid Search,Open\n\
        O3,2026-11-17T09:00:00Z,300,Paid Search,Open\n";
    import(&mut store, &charter, Kind::Opportunities, deals);
    let spend = "date,platform,campaign,cost\n\
        2026-11-02,google-ads,Brand,300\n\
        2026-11-12,google-ads,Brand,100\n"
        .to_string()
        + spend_rows;
    import(&mut store, &charter, Kind::Spend, &spend);
    let data = tallied(&charter, store.load_dataset(&charter).unwrap());
    (Arc::new(charter), data)
}

/// The figure of `channel` in the week of `week` as of the end of `day`, from the
/// tallies; None: no such row.
fn figure(
    charter: &Charter,
    data: &Dataset,
    day: &str,
    week: &str,
    channel: &str,
    field: fn(&rhythm::facts::ChannelWeek) -> f64,
) -> Option<f64> {
    let clock = Clock::end_of(charter, day.parse().unwrap());
    let week: NaiveDate = week.parse().unwrap();
    let cut = as_of(charter, data, &clock);
    // The records cut to the clock, tallied afresh, say the same.
    let again = Dataset {
        tallies: None,
        ..cut.clone()
    };
    assert_eq!(
        as_of(charter, &again, &clock).channel_weeks,
        cut.channel_weeks
    );
    cut.channel_weeks
        .iter()
        .find(|r| r.week == week && r.channel == channel)
        .map(field)
}

#[test]
fn a_stage_crossed_before_its_records_creation_counts_only_once_the_record_exists() {
    // L3's MQL is dated in the week of 2026-11-09, its creation in the next: an impossible
    // order the data-quality control names, and a record that did not exist until then.
    let leads = "id,created,source,mql_at\n\
        L1,2026-11-09T10:00:00Z,Paid Search,2026-11-10T10:00:00Z\n\
        L2,2026-11-10T10:00:00Z,Paid Search,\n\
        L3,2026-11-18T10:00:00Z,Paid Search,2026-11-11T10:00:00Z\n";
    let dir = tempfile::tempdir().unwrap();
    let (charter, data) = leads_store(dir.path(), leads);
    let mqls = |day| {
        figure(&charter, &data, day, "2026-11-09", "paid-search", |r| {
            r.mqls
        })
    };
    // By hand: on 2026-11-16 L1 and L2 exist, L1 has crossed; from 2026-11-18 L3 too.
    assert_eq!(mqls("2026-11-16"), Some(1.0));
    assert_eq!(mqls("2026-11-17"), Some(1.0));
    assert_eq!(mqls("2026-11-18"), Some(2.0));
    assert_eq!(mqls("2026-12-01"), Some(2.0));
    let leads_of = |day| {
        figure(&charter, &data, day, "2026-11-09", "paid-search", |r| {
            r.leads
        })
    };
    assert_eq!(leads_of("2026-11-16"), Some(2.0));
    assert_eq!(
        leads_of("2026-12-01"),
        Some(2.0),
        "L3 is a lead of its own week"
    );
}

#[test]
fn once_the_maps_leads_exist_the_crms_copies_stop_counting_in_every_week() {
    // Salesforce's leads alone until the MAP's (the charter's map_system, hubspot) first
    // lead arrives on 2026-11-18: from then only the MAP's count, in every week.
    let leads = "id,created,source,system\n\
        S1,2026-11-02T10:00:00Z,Paid Search,salesforce\n\
        S2,2026-11-03T10:00:00Z,Paid Search,salesforce\n\
        H1,2026-11-03T11:00:00Z,Paid Search,hubspot\n\
        H2,2026-11-18T10:00:00Z,Paid Search,hubspot\n";
    let dir = tempfile::tempdir().unwrap();
    let (charter, data) = leads_store(dir.path(), leads);
    let leads_of = |day| {
        figure(&charter, &data, day, "2026-11-02", "paid-search", |r| {
            r.leads
        })
    };
    // H1 exists from 2026-11-03: as of 2026-11-09 (the week over) only H1 counts.
    assert_eq!(leads_of("2026-11-09"), Some(1.0));
    assert_eq!(leads_of("2026-11-30"), Some(1.0));
    let only_crm = "id,created,source,system\n\
        S1,2026-11-02T10:00:00Z,Paid Search,salesforce\n\
        S2,2026-11-03T10:00:00Z,Paid Search,salesforce\n\
        H2,2026-11-18T10:00:00Z,Paid Search,hubspot\n";
    let dir = tempfile::tempdir().unwrap();
    let (charter, data) = leads_store(dir.path(), only_crm);
    let leads_of = |day| {
        figure(&charter, &data, day, "2026-11-02", "paid-search", |r| {
            r.leads
        })
    };
    // Before H2 the CRM's are all there is; from H2's creation they are copies.
    assert_eq!(leads_of("2026-11-09"), Some(2.0));
    assert_eq!(leads_of("2026-11-17"), Some(2.0));
    // The MAP has no lead that week: it has no data, not zero.
    assert_eq!(leads_of("2026-11-18"), None);
}

#[test]
fn an_import_of_records_or_another_charter_makes_the_kept_tallies_old_and_a_purge_does_not() {
    let charter = bucket_charter();
    let dir = tempfile::tempdir().unwrap();
    let mut store = store(&charter, dir.path());
    assert!(
        store.kept_tallies(&charter).unwrap().is_none(),
        "nothing kept yet"
    );
    let seen = store.generation().unwrap();
    let kept = kept_after_a_full_load(&mut store, &charter);
    // Under another charter they are not what it would derive.
    assert!(store.kept_tallies(&common::charter()).unwrap().is_none());
    // A plan's import changes nothing they hold: they stay.
    let plan = "month,channel,budget,pipeline_target,mql_target\n2026-12-01,webinars,1000,,\n";
    import(&mut store, &charter, Kind::Plan, plan);
    assert_eq!(
        store.kept_tallies(&charter).unwrap().map(|k| k.1),
        Some(seen)
    );
    // An import of records commits after them: old.
    let leads = "id,created,source,mql_at,sql_at,geo,segment\n\
                 y-1,2026-11-17T09:00:00Z,Carrier Pigeon,,,NA,SMB\n";
    import(&mut store, &charter, Kind::Leads, leads);
    assert!(store.kept_tallies(&charter).unwrap().is_none());
    // Tallies of a load before that import are not kept over it.
    assert!(!store.keep_tallies(&charter, seen, &kept).unwrap());
    assert!(store.kept_tallies(&charter).unwrap().is_none());
    // So is one of the channels file.
    let now = store.generation().unwrap();
    assert!(store.keep_tallies(&charter, now, &kept).unwrap());
    let channels = "week,channel,spend,leads,mqls,sqls,pipeline\n2026-11-16,webinars,10,1,1,0,0\n";
    import(&mut store, &charter, Kind::Channels, channels);
    assert!(store.kept_tallies(&charter).unwrap().is_none());
    // Kept afresh, then a purge: it erases old leads' emails, usage and NPS rows, none
    // of which the tallies sum, so they still hold — and are what the records now give.
    let now = store.generation().unwrap();
    let fresh = tally(&charter, &store.records().unwrap());
    assert!(store.keep_tallies(&charter, now, &fresh).unwrap());
    let purged = store
        .purge_before(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(), false)
        .unwrap();
    assert!(
        purged.iter().any(|t| t.table == "lead" && t.older > 0),
        "the purge erased some leads' emails"
    );
    let after = tally(&charter, &store.records().unwrap());
    assert_eq!(after, fresh);
    assert_eq!(
        store.kept_tallies(&charter).unwrap().map(|k| k.0),
        Some(after)
    );
}

#[test]
fn an_import_of_records_keeps_the_tallies_afresh_whether_a_cockpit_opened_or_not() {
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
    // No cockpit has opened on the store: an import keeps the tallies all the same, so
    // the first open of it is at once too.
    let mut store = Store::open(&db).unwrap();
    store.conn.execute("DELETE FROM kept_weeks", []).unwrap();
    assert!(!store.keeps_tallies().unwrap());
    let seen = store.generation().unwrap();
    leads("k-1");
    let (kept, generation) = store.kept_tallies(&charter).unwrap().expect("kept");
    assert_ne!(generation, seen);
    assert_eq!(kept, tally(&charter, &store.records().unwrap()));
    // A cockpit opens (it keeps its full load's tallies), then records are imported: the
    // import keeps them again, at the store's generation after it.
    let seen = store.generation().unwrap();
    kept_after_a_full_load(&mut store, &charter);
    leads("k-2");
    let (kept, generation) = store.kept_tallies(&charter).unwrap().expect("kept afresh");
    assert_eq!(generation, store.generation().unwrap());
    assert_ne!(generation, seen);
    let now = store.load_dataset(&charter).unwrap();
    assert_eq!(kept, tally(&charter, &now.records));
}

#[test]
fn a_weeks_spend_is_the_exact_sum_of_its_rows_to_the_cent_in_any_order() {
    // Two campaigns of the same channel (google-ads: paid-search) with costs of a tenth
    // of a cent: by hand 0.314 + 0.206 + 0.145 = 0.665, to the cent 0.67, which adding
    // the floats in another order (0.314 + 0.145 first) would make 0.66.
    let spend = "2026-11-16,google-ads,Brand,0.314\n\
                 2026-11-16,google-ads,Generic,0.206\n\
                 2026-11-17,google-ads,Brand,0.145\n";
    let leads = "id,created,source\nL1,2026-11-16T10:00:00Z,Paid Search\n";
    let dir = tempfile::tempdir().unwrap();
    let (charter, data) = records_store(dir.path(), leads, spend);
    let spend_of = |day| {
        figure(&charter, &data, day, "2026-11-16", "paid-search", |r| {
            r.spend
        })
    };
    assert_eq!(spend_of("2026-11-23"), Some(0.67));
}
