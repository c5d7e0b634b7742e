//! `rhythm import KIND FILE`.

use std::path::PathBuf;

use clap::Args;

use super::{Failure, Outcome, load_charter, open_store};
use crate::ingest::{self, ImportOptions, ImportSummary, Kind};
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds: channels, kpis, plan, deliveries, usage, nps, reconciliation,
    /// experiments (channel, start, end, incremental_pipeline, and std_error or the 90%
    /// interval low, high; optional kind, note, name), or the funnel's records: leads,
    /// opportunities, spend (see the README)
    #[arg(value_parser = parse_kind)]
    pub kind: Kind,
    /// The CSV file: comma- or tab-separated, UTF-8 (with or without a BOM) or UTF-16 with
    /// a BOM, header row first
    pub file: PathBuf,
    /// How an export writes numeric dates, when no date in the file has a day above 12 to
    /// show it: dmy (16/11/2026) or mdy (11/16/2026)
    #[arg(long, value_name = "ORDER", value_parser = parse_order)]
    pub date_order: Option<ingest::dates::DateOrder>,
    /// The IANA time zone (e.g. Europe/London) of an export's timestamps that carry no
    /// offset; without it they are read as UTC (survey exports: the charter's time zone)
    #[arg(long, value_name = "ZONE", value_parser = parse_zone)]
    pub tz: Option<chrono_tz::Tz>,
}

fn parse_order(text: &str) -> Result<ingest::dates::DateOrder, String> {
    match text.to_ascii_lowercase().as_str() {
        "dmy" => Ok(ingest::dates::DateOrder::Dmy),
        "mdy" => Ok(ingest::dates::DateOrder::Mdy),
        _ => Err(format!(
            "'{text}' is not a date order: use dmy (day first, 16/11/2026) or mdy (month first, 11/16/2026)"
        )),
    }
}

fn parse_zone(text: &str) -> Result<chrono_tz::Tz, String> {
    text.parse().map_err(|_| {
        format!("'{text}' is not an IANA time zone name: write it like Europe/London or America/New_York")
    })
}

fn parse_kind(text: &str) -> Result<Kind, String> {
    Kind::parse(text).ok_or_else(|| {
        format!(
            "unknown kind '{text}': use one of {}",
            Kind::ALL.map(|k| k.as_str()).join(", ")
        )
    })
}

pub fn run(ws: &Workspace, args: ImportArgs) -> Outcome {
    let charter = load_charter(ws)?;
    // The pseudonymisation key first: without it nothing is opened or written.
    let mut options = ImportOptions::from_charter(&charter, args.kind)?;
    options.date_order = args.date_order;
    options.zone = args.tz;
    let mut store = open_store(ws)?;
    // A key other than the one the store's usage was pseudonymised with would give
    // everyone new pseudonyms: refused before anything is read; the first key is kept.
    let var = &charter.privacy.pseudonym_key_env;
    // A survey export that collects emails is pseudonymised with the same key (the
    // import itself asks for it only when the file keys on emails).
    let key = match args.kind {
        Kind::Nps => ingest::pseudonym_key(&charter).ok().flatten(),
        _ => options.pseudonym_key.clone(),
    };
    if let Some(key) = &key {
        store.check_pseudonym_key(key, var)?;
    }
    let summary = ingest::import_file_with(&mut store, &charter, args.kind, &args.file, &options)
        .map_err(Failure::from)?;
    let pseudonymised = options.pseudonym_key.is_some()
        || summary
            .notices
            .iter()
            .any(|n| n.starts_with("respondent emails stored pseudonymised"));
    if let Some(key) = key.as_ref().filter(|_| pseudonymised) {
        store.record_pseudonym_key(key, var)?;
    }
    print_summary(&summary);
    if matches!(
        args.kind,
        Kind::Leads | Kind::Opportunities | Kind::Spend | Kind::Channels
    ) {
        refresh_kept(&mut store, &charter);
    }
    Ok(())
}

/// The import made the records' tallies the cockpit keeps for its first frame old: they
/// are computed again, so the next open, at any date, shows the Weekly view at once
/// rather than after loading every record (on a million leads about a second, here
/// instead). The import is committed whatever happens.
fn refresh_kept(store: &mut crate::store::Store, charter: &crate::charter::Charter) {
    let mut refresh = || -> Result<bool, crate::store::StoreError> {
        let seen = store.generation()?;
        let kept = crate::rhythm::tally::tally(charter, &store.records()?);
        // The import is done: another writer holding the store is not waited on for
        // long (the next cockpit to open keeps them instead).
        store.conn.busy_timeout(std::time::Duration::from_secs(1))?;
        store.keep_tallies(charter, seen, &kept)
    };
    if let Err(e) = refresh() {
        tracing::warn!("the cockpit's kept tallies were not refreshed: {e}");
    }
}

/// One line per import: what came in, and anything the user should know.
pub fn print_summary(s: &ImportSummary) {
    super::say!(
        "{}: {} rows of {} — {} new, {} updated, {} unchanged",
        s.file_name,
        s.rows,
        s.kind,
        s.new,
        s.updated,
        s.unchanged
    );
    for notice in &s.notices {
        super::say!("  note: {notice}");
    }
}
