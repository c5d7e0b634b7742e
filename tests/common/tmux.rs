//! A real terminal: a detached tmux session running a command, its screen read and
//! keys sent to it. Tests skip (return early) when [`available`] is false.

use std::process::Command;
use std::time::{Duration, Instant};

/// Whether tmux is installed and answers.
pub fn available() -> bool {
    Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A detached session of `width`×`height` running `command` (a shell line), named
/// `NAME-PID` so parallel runs do not collide. Killed when dropped.
pub fn start(name: &str, width: u16, height: u16, command: &str) -> Session {
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

/// A tmux session, by name; dropping it kills it.
pub struct Session(pub String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .output();
    }
}

impl Session {
    /// What the pane shows now.
    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.0])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Sends `keys` as tmux `send-keys` reads them.
    pub fn keys(&self, keys: &str) {
        Command::new("tmux")
            .args(["send-keys", "-t", &self.0, keys])
            .status()
            .unwrap();
    }

    /// The session's value of a tmux `format` (e.g. `#{alternate_on}`), trimmed.
    pub fn display(&self, format: &str) -> String {
        let out = Command::new("tmux")
            .args(["display-message", "-p", "-t", &self.0, format])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Waits until the screen shows `text`; fails with the screen after 20 s.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} on screen"), |s| s.contains(text))
    }

    /// Waits until `text` is gone from the screen.
    pub fn wait_gone(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?} gone"), |s| !s.contains(text))
    }

    /// Waits until `done` holds for the screen, polling every 100 ms; fails, naming
    /// `what` and showing the screen, after 20 s.
    pub fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
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
