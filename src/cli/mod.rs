//! The command line: one file per command. Each parses, calls the core, prints.
//! Exit codes: 0 ok, 1 a check failed, 2 bad usage or bad input (nothing written), 3 the
//! store stayed busy past its timeout (nothing written; run it again).

mod backtest_cmd;
mod backup_cmd;
mod charter_cmd;
mod check_cmd;
pub mod dates;
mod deliver_cmd;
mod demo_cmd;
mod digest_cmd;
mod import_cmd;
mod model_cmd;
mod purge_cmd;
mod recommend_cmd;
pub mod report_cmd;
pub mod send;
mod session_cmd;
pub mod smtp;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::charter::Charter;
use crate::store::Store;
use crate::workspace::Workspace;

#[derive(Debug, Parser)]
#[command(
    name = "rhythm",
    version,
    about = "The operating rhythm between analytics and the CMO, in one terminal cockpit",
    long_about = "rhythm keeps the marketing-analytics partnership honest: the charter in \
charter/partnership.toml says what analytics delivers, when, and against which KPI \
definitions; the store in data/rhythm.db holds the data the reviews are run on.\n\n\
Exit codes: 0 ok, 1 a check failed, 2 bad usage or bad input (nothing written), 3 the \
store stayed busy past its timeout because another rhythm was writing (nothing written; \
run it again)."
)]
pub struct Cli {
    /// The workspace folder (holds charter/ and data/) [default: current directory]
    #[arg(long, global = true, value_name = "DIR")]
    pub workspace: Option<PathBuf>,
    /// The SQLite store [default: WORKSPACE/data/rhythm.db]
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// The partnership charter [default: WORKSPACE/charter/partnership.toml]
    #[arg(long, global = true, value_name = "PATH")]
    pub charter: Option<PathBuf>,
    /// What to do [default: open the cockpit]
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the cockpit: weekly, monthly, quarterly, annual and charter views
    Tui,
    /// Validate or summarise the partnership charter
    Charter {
        #[command(subcommand)]
        action: charter_cmd::CharterAction,
    },
    /// Import a CSV file of one kind into the store (one transaction; a bad row writes nothing)
    Import(import_cmd::ImportArgs),
    /// Build a demo workspace from the shipped sample data and open it
    Demo(demo_cmd::DemoArgs),
    /// Judge every control and success metric; exit 1 on any failure (for cron and CI)
    Check(check_cmd::CheckArgs),
    /// A review as a document to send: weekly, monthly, quarterly or annual
    Report(report_cmd::ReportArgs),
    /// Record that a deliverable was delivered
    Deliver(deliver_cmd::DeliverArgs),
    /// Run the weekly review session in the cockpit, or export its minutes
    Review(session_cmd::ReviewArgs),
    /// Action items: add, done, list
    Action {
        #[command(subcommand)]
        command: session_cmd::ActionCommand,
    },
    /// Data disputes: open, resolve, list (with their escalation level by age)
    Dispute {
        #[command(subcommand)]
        command: session_cmd::DisputeCommand,
    },
    /// Budget reallocation for the next N weeks from the response model
    Recommend(recommend_cmd::RecommendArgs),
    /// The fitted response model: fit, validation, per-channel curves
    Model(model_cmd::ModelArgs),
    /// Judge saved recommendations whose horizon now has data
    Backtest(backtest_cmd::BacktestArgs),
    /// Apply the charter's retention rule to usage and NPS rows
    Purge(purge_cmd::PurgeArgs),
    /// An online, consistent copy of the store
    Backup(backup_cmd::BackupArgs),
    /// The few lines that say what changed, what to do and what is late
    Digest(digest_cmd::DigestArgs),
    /// Deliver the digest: to Slack, by email, or what the charter's [[delivery]] says is due
    Send(send::SendArgs),
}

/// A command's failure, carrying its exit code.
#[derive(Debug)]
pub enum Failure {
    /// Exit 1: a check or compliance breach; the report was already printed.
    Breach,
    /// Exit 2: bad usage or bad input; the message says where and what to do.
    BadInput(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::BadInput(e.into())
    }
}

pub type Outcome = Result<(), Failure>;

pub fn run(cli: Cli) -> ExitCode {
    let ws = Workspace::resolve(
        cli.workspace.as_deref(),
        cli.charter.as_deref(),
        cli.db.as_deref(),
    );
    let outcome = match cli.command.unwrap_or(Command::Tui) {
        Command::Tui => crate::tui::run(&ws).map_err(Failure::BadInput),
        Command::Charter { action } => charter_cmd::run(&ws, action),
        Command::Import(args) => import_cmd::run(&ws, args),
        Command::Demo(args) => demo_cmd::run(args),
        Command::Check(args) => check_cmd::run(&ws, args),
        Command::Report(args) => report_cmd::run(&ws, args),
        Command::Deliver(args) => deliver_cmd::run(&ws, args),
        Command::Review(args) => session_cmd::run(&ws, args),
        Command::Action { command } => session_cmd::action(&ws, command),
        Command::Dispute { command } => session_cmd::dispute(&ws, command),
        Command::Recommend(args) => recommend_cmd::run(&ws, args),
        Command::Model(args) => model_cmd::run(&ws, args),
        Command::Backtest(args) => backtest_cmd::run(&ws, args),
        Command::Purge(args) => purge_cmd::run(&ws, args),
        Command::Backup(args) => backup_cmd::run(&ws, args),
        Command::Digest(args) => digest_cmd::run(&ws, args),
        Command::Send(args) => send::run(&ws, args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Breach) => ExitCode::from(1),
        Err(Failure::BadInput(e)) if store_busy(&e) => {
            eprintln!(
                "error: {}\nthe store stayed busy past its timeout (another rhythm is writing to it): nothing was written — run the command again",
                crate::text::visible(&error_text(&e))
            );
            ExitCode::from(3)
        }
        Err(Failure::BadInput(e)) => {
            eprintln!("error: {}", crate::text::visible(&error_text(&e)));
            ExitCode::from(2)
        }
    }
}

/// An error and its causes on one line, each said once: an error whose message already
/// quotes its cause (`…: cannot open the store: {source}`) is not followed by the cause
/// again, which for a SQLite error would repeat its message three times (the store's
/// error, rusqlite's, SQLite's own). Context added with `anyhow` (`backing up A to B`)
/// leads, as with `{:#}`.
pub fn error_text(e: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in e.chain() {
        let mut text = cause.to_string();
        // SQLite's own error under rusqlite's says "Error code 14: unable to open
        // database file", the words rusqlite's message already quoted: only the code
        // is new.
        if let Some(sqlite) = cause.downcast_ref::<rusqlite::ffi::Error>() {
            let words = text.split_once(": ").map_or(text.as_str(), |(_, w)| w);
            if out.contains(words) {
                text = format!("SQLite error code {}", sqlite.extended_code);
            }
        }
        if text.is_empty() || out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    out
}

/// True when `e` comes from SQLite's lock held by another connection past the busy
/// timeout: contention, not bad input (exit 3).
fn store_busy(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<rusqlite::Error>()
            .and_then(rusqlite::Error::sqlite_error_code)
            .is_some_and(|code| {
                matches!(
                    code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                )
            })
    })
}

/// `println!` through [`print_out`]: a closed pipe (`rhythm … | head`) ends the command
/// quietly instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::print_out(&format!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use say;

/// Prints human text (listings, feedback, Markdown) to stdout. Every control or
/// invisible format character but newline and tab is written as a visible escape
/// (`text::visible`): the last line of defence after the cell-level escaping in
/// present/, so no value from a CSV or the charter reaches the terminal raw.
pub fn print_out(text: &str) {
    write_out(&crate::text::visible(text));
}

/// Prints JSON to stdout exactly: the characters serde leaves raw become `\u` escapes
/// (`text::json_safe`), so the value read back is the original string.
pub fn print_json(json: &str) {
    write_out(&crate::text::json_safe(json));
}

/// A reader that went away (`| head`) ends the output quietly instead of a panic.
fn write_out(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing to stdout: {e}");
        std::process::exit(2);
    }
}

/// Loads the workspace's charter, or explains how to get one.
pub fn load_charter(ws: &Workspace) -> Result<Charter, Failure> {
    if !ws.charter.exists() {
        return Err(Failure::BadInput(anyhow::anyhow!(
            "{}: no charter here. Run rhythm inside a workspace (or pass --workspace DIR / --charter PATH); `rhythm demo` builds one to start from",
            ws.charter.display()
        )));
    }
    Ok(Charter::load(&ws.charter)?)
}

/// Opens the workspace's store, creating and migrating it if needed.
pub fn open_store(ws: &Workspace) -> Result<Store, Failure> {
    Ok(Store::open(&ws.db)?)
}
