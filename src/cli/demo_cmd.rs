//! `rhythm demo [--dir DIR] [--seed N] [--at DATE] [--no-open]`: a demo workspace built
//! from the generated sample data, imported through the same path as `rhythm import`.
//! The history is moved to end with the last complete week before today (`--at`), so
//! the demo is current on the day it is built.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use chrono::NaiveDate;
use clap::Args;

use super::dates::parse_date;
use super::{Outcome, import_cmd, load_charter, open_store};
use crate::demo::generate::{DEFAULT_SEED, demo_dates, generate};
use crate::ingest::{self, Kind};
use crate::workspace::{CHARTER_PATH, Workspace};

/// Marks a folder as a demo workspace that `rhythm demo` may rebuild.
const MARKER: &str = ".rhythm-demo";

const CHARTER: &str = crate::charter::SHIPPED;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to build the demo workspace
    #[arg(long, value_name = "DIR", default_value = "rhythm-demo")]
    pub dir: PathBuf,
    /// Seed of the generated history (the shipped data/sample files use the default)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// The day to build the demo for (default: today): its history ends with the last
    /// complete week before it
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub at: Option<NaiveDate>,
    /// Build the workspace but do not open the cockpit
    #[arg(long)]
    pub no_open: bool,
}

pub fn run(args: DemoArgs) -> Outcome {
    // The only clock the demo reads, on the shipped charter's zone (the demo's charter);
    // the generator below is pure in `today`.
    let today = super::dates::clock(&crate::charter::Charter::shipped(), args.at).today;
    let ws = Workspace::resolve(Some(&args.dir), None, None);
    let files = generate(args.seed, today);
    let history_end = demo_dates(today).end();
    prepare(&ws, &files, &marker_text(args.seed, history_end))?;
    let charter = load_charter(&ws)?;
    let mut store = open_store(&ws)?;
    super::say!(
        "Building the demo workspace in {} (seed {}, history through {history_end})",
        ws.root.display(),
        args.seed
    );
    for (file, _) in &files {
        let kind =
            Kind::parse(file.trim_end_matches(".csv")).expect("sample files are named by kind");
        let path = ws.root.join("data/sample").join(file);
        let summary = ingest::import_file(&mut store, &charter, kind, &path)?;
        import_cmd::print_summary(&summary);
    }
    super::say!(
        "\nThe demo workspace is ready. Try:\n  rhythm --workspace {0} charter show\n  rhythm --workspace {0} import channels {0}/data/sample/channels.csv   (re-import: nothing changes)",
        ws.root.display()
    );
    if !args.no_open {
        if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
            crate::tui::run(&ws).map_err(super::Failure::BadInput)?;
        } else {
            super::say!(
                "(stdout is not a terminal: not opening the cockpit; run `rhythm --workspace {}` in one)",
                ws.root.display()
            );
        }
    }
    Ok(())
}

/// What the marker records of the history the demo store holds.
fn marker_text(seed: u64, history_end: NaiveDate) -> String {
    format!("seed = {seed}\nhistory_end = {history_end}\n")
}

/// Writes the charter, the demo `files` and the marker (`marker_text`). Refuses a folder
/// that holds something else.
fn prepare(ws: &Workspace, files: &[(&str, String)], marker_text: &str) -> anyhow::Result<()> {
    let root = &ws.root;
    let marker = root.join(MARKER);
    if root.exists() && !marker.exists() && !is_empty_dir(root)? {
        bail!(
            "{} exists and is not a rhythm demo workspace; pass --dir with a new or empty folder",
            root.display()
        );
    }
    let previous = std::fs::read_to_string(&marker).ok();
    if previous.as_deref() != Some(marker_text) {
        // Another seed's history, or one moved to other weeks, would mix with this one's:
        // start the demo store afresh.
        for suffix in ["", "-wal", "-shm"] {
            let path = PathBuf::from(format!("{}{suffix}", ws.db.display()));
            if path.exists() {
                std::fs::remove_file(&path)
                    .with_context(|| format!("removing {}", path.display()))?;
            }
        }
    }
    write(&root.join(CHARTER_PATH), CHARTER)?;
    write(&root.join(".gitignore"), "data/*.db\ndata/*.db-*\n")?;
    for (file, text) in files {
        write(&root.join("data/sample").join(file), text)?;
    }
    write(&marker, marker_text)?;
    Ok(())
}

fn is_empty_dir(path: &Path) -> anyhow::Result<bool> {
    Ok(path.is_dir()
        && std::fs::read_dir(path)
            .with_context(|| format!("reading {}", path.display()))?
            .next()
            .is_none())
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        crate::store::create_private_dir_all(dir)
            .with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}
