//! The real binary in a real terminal: tmux runs the cockpit, sends keys, reads the
//! screen, imports from another process while it is open, and checks a clean exit.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}

impl Session {
    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.0])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &str) {
        Command::new("tmux")
            .args(["send-keys", "-t", &self.0, keys])
            .status()
            .unwrap();
    }

    /// Waits until the screen shows `text`; fails with the screen after 20 s.
    fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} on screen"), |s| s.contains(text))
    }

    /// Waits until `text` is gone from the screen.
    fn wait_gone(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} gone"), |s| !s.contains(text))
    }

    fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!("waited 20 s for {what}; the screen shows:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn rhythm(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rhythm"))
        .args(args)
        .output()
        .unwrap()
}

fn tmux_available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn start(name: &str, width: u16, height: u16, command: &str) -> Session {
    let session = Session(format!("{name}-{}", std::process::id()));
    let status = Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-s",
            &session.0,
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            command,
        ])
        .status()
        .unwrap();
    assert!(status.success());
    session
}

#[test]
fn the_cockpit_in_a_real_terminal() {
    if !tmux_available() {
        eprintln!(
            "tmux is not installed: skipping the end-to-end terminal test (.ci/run installs it)"
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let dir_s = dir.to_str().unwrap();
    assert!(
        rhythm(&["demo", "--dir", dir_s, "--no-open"])
            .status
            .success()
    );

    let bin = env!("CARGO_BIN_EXE_rhythm");
    let session = start(
        "rhythm-e2e",
        80,
        24,
        &format!("{bin} --workspace {dir_s}; echo EXITED $?; sleep 30"),
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
    if !tmux_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path();
    std::fs::create_dir_all(ws.join("charter")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("charter/partnership.toml"),
        ws.join("charter/partnership.toml"),
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_rhythm");
    let session = start(
        "rhythm-small",
        60,
        16,
        &format!(
            "{bin} --workspace {}; echo EXITED $?; sleep 30",
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
