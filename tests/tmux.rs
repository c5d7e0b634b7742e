//! The real binary in a real terminal: tmux runs the cockpit, sends keys, reads the
//! screen, imports from another process while it is open, and checks a clean exit.

mod common;

use common::cli::{BIN, rhythm};
use common::tmux::{self, start};
use common::workspace::{charter_workspace, demo_workspace};

#[test]
fn the_cockpit_in_a_real_terminal() {
    if !tmux::available() {
        eprintln!(
            "tmux is not installed: skipping the end-to-end terminal test (.ci/run installs it)"
        );
        return;
    }
    let (tmp, dir) = demo_workspace();
    let dir_s = dir.to_str().unwrap();

    let session = start(
        "rhythm-e2e",
        80,
        24,
        &format!("{BIN} --workspace {dir_s}; echo EXITED $?; sleep 30"),
    );
    let first = session.wait_for("Campaign snapshot");
    assert!(first.contains("1 Weekly"), "{first}");
    assert!(!first.contains("deliv 0d"), "{first}");

    session.keys("2");
    session.wait_for("Executive summary");
    session.keys("?");
    session.wait_for("Keys — any key closes");
    session.keys("x");
    let screen = session.wait_gone("Keys — any key closes");
    assert!(screen.contains("Executive summary"), "{screen}");

    // The budget plan: fitted in the background, then played with.
    session.keys("b");
    let plan = session.wait_for("Recommended");
    assert!(plan.contains("Goal"), "{plan}");
    session.keys("j");
    session.keys("+");
    let moved = session.wait_for("What-if (total stays)");
    assert!(moved.contains("vs the recommendation"), "{moved}");
    session.keys("0");
    session.wait_for("Recommended");
    session.keys("b");
    session.wait_for("Executive summary");

    // Another process commits to the store: the cockpit notices and refreshes.
    let today = chrono::Utc::now().date_naive();
    let file = tmp.path().join("delivery.csv");
    std::fs::write(
        &file,
        format!(
            "deliverable,period_start,delivered_at\ncampaign-snapshot,{today},{today}T00:00:01Z\n"
        ),
    )
    .unwrap();
    let out = rhythm(&[
        "--workspace",
        dir_s,
        "import",
        "deliveries",
        file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    session.wait_for("deliv 0d");

    session.keys("q");
    let screen = session.wait_for("EXITED 0");
    assert!(
        !screen.contains("Executive summary"),
        "the alternate screen was left:\n{screen}"
    );
}

#[test]
fn a_small_terminal_gets_a_message_not_a_panic() {
    if !tmux::available() {
        return;
    }
    let tmp = charter_workspace();
    let ws = tmp.path();
    let session = start(
        "rhythm-small",
        60,
        16,
        &format!(
            "{BIN} --workspace {}; echo EXITED $?; sleep 30",
            ws.display()
        ),
    );
    session.wait_for("rhythm needs at least 80×24");
    session.keys("q");
    session.wait_for("EXITED 0");
}

#[test]
fn without_a_terminal_the_cockpit_refuses_with_exit_2() {
    let out = rhythm(&["--workspace", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a terminal"));
}
