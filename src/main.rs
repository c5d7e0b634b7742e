//! The `rhythm` binary: parse arguments, dispatch, map errors to exit codes.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = rhythm::cli::Cli::parse();
    rhythm::cli::run(args)
}
