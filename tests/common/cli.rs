//! The real binary: running it, and reading what it printed.

use std::path::Path;
use std::process::{Command, Output};

/// The `rhythm` binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_rhythm");

/// `rhythm ARGS`, run to its end, in the tests' own environment.
pub fn rhythm(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// `rhythm --workspace WS ARGS`, run to its end, in the tests' own environment.
pub fn rhythm_in(ws: impl AsRef<Path>, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--workspace")
        .arg(ws.as_ref())
        .args(args)
        .output()
        .expect("the binary runs")
}

/// `rhythm --workspace WS ARGS`, not yet run, without `RHYTHM_PSEUDONYM_KEY`: a key in
/// the caller's environment does not reach it unless the test sets one (`.env(..)`).
pub fn command_without_key(ws: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.arg("--workspace").arg(ws).args(args);
    cmd.env_remove("RHYTHM_PSEUDONYM_KEY");
    cmd
}

/// [`command_without_key`], run to its end.
pub fn run_without_key(ws: &Path, args: &[&str]) -> Output {
    command_without_key(ws, args)
        .output()
        .expect("the binary runs")
}

/// Its stdout and stderr, as text.
pub fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Its exit code, stdout and stderr, for an assertion's message.
pub fn describe(out: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Its stdout as text, once it is known to have exited 0 (else fails with both streams).
pub fn success_stdout(out: &Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
