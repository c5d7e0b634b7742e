//! `rhythm import KIND FILE`.

use std::path::PathBuf;

use clap::Args;

use super::{Failure, Outcome, load_charter, open_store};
use crate::ingest::{self, ImportOptions, ImportSummary, Kind};
use crate::workspace::Workspace;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds: channels, kpis, plan, deliveries, usage, nps, reconciliation or
    /// experiments (channel, start, end, incremental_pipeline, and std_error or the 90%
    /// interval low, high; optional kind, note, name; see the README)
    #[arg(value_parser = parse_kind)]
    pub kind: Kind,
    /// The CSV file (comma-separated, UTF-8, header row first)
    pub file: PathBuf,
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
    let options = ImportOptions::from_charter(&charter, args.kind)?;
    let mut store = open_store(ws)?;
    // A key other than the one the store's usage was pseudonymised with would give
    // everyone new pseudonyms: refused before anything is read; the first key is kept.
    let var = &charter.privacy.pseudonym_key_env;
    if let Some(key) = &options.pseudonym_key {
        store.check_pseudonym_key(key, var)?;
    }
    let summary = ingest::import_file_with(&mut store, &charter, args.kind, &args.file, &options)
        .map_err(Failure::from)?;
    if let Some(key) = &options.pseudonym_key {
        store.record_pseudonym_key(key, var)?;
    }
    print_summary(&summary);
    Ok(())
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
