//! Issue 7, point 8: the terminal after the cockpit panicked, in a real terminal (tmux):
//! usable again, and the panic's message still readable. Skipped without tmux.

mod common;

use common::cli::BIN;
use common::tmux;
use common::workspace::demo_workspace;

/// What the terminal shows after the cockpit panicked in a view (the cockpit's test
/// hook `RHYTHM_TEST_PANIC=1`) and the shell ran `echo` and `stty -a`: the screen, and
/// tmux's `alternate_on` and mouse-reporting flags. `None` without tmux.
fn after_a_panic(name: &str) -> Option<(String, String, String)> {
    if !tmux::available() {
        eprintln!("tmux is not installed: skipping (.ci/run installs it)");
        return None;
    }
    // A workspace with data, so the cockpit draws its views.
    let (_tmp, ws) = demo_workspace();
    let command = format!(
        "RUST_BACKTRACE=0 RHYTHM_TEST_PANIC=1 {BIN} --workspace {}; echo EXITED $?; stty -a; sleep 30",
        ws.display()
    );
    let session = tmux::start(&format!("rhythm-{name}"), 160, 48, &command);
    let screen = session.wait_until("the cockpit to exit after the panic", |screen| {
        screen.contains("EXITED") && screen.contains("icanon")
    });
    Some((
        screen,
        session.display("#{alternate_on}"),
        session.display(
            "#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}#{mouse_sgr_flag}",
        ),
    ))
}

/// A panic inside a view leaves the terminal usable: the shell's `echo` shows in the
/// normal screen, raw mode is off (`stty -a` shows `icanon` and `echo`), the alternate
/// screen is left and mouse reporting is off.
#[test]
fn a_panic_in_a_view_leaves_the_terminal_usable() {
    let Some((screen, alternate, mouse)) = after_a_panic("panic") else {
        return;
    };
    assert!(
        screen.contains("EXITED 101"),
        "a panic exits 101:\n{screen}"
    );
    let words: Vec<&str> = screen.split_whitespace().collect();
    assert!(words.contains(&"icanon"), "raw mode was left on:\n{screen}");
    assert!(words.contains(&"echo"), "echo was left off:\n{screen}");
    assert!(
        !words.contains(&"-icanon") && !words.contains(&"-echo"),
        "{screen}"
    );
    assert_eq!(
        alternate, "0",
        "the alternate screen was not left:\n{screen}"
    );
    // Mouse reporting off, or every click in the shell prints escape codes.
    assert_eq!(mouse, "0000", "mouse capture was left on:\n{screen}");
    assert!(
        !screen.contains("Campaign snapshot"),
        "the cockpit's screen is still showing:\n{screen}"
    );
}

/// The panic's message stays readable after the terminal is restored: the terminal
/// guard does not leave the alternate screen a second time while unwinding (which would
/// put the cursor back where the cockpit started and let the shell overwrite it).
#[test]
fn a_panic_message_stays_on_screen() {
    let Some((screen, _, _)) = after_a_panic("panic-message") else {
        return;
    };
    assert!(
        screen.contains("panicked") && screen.contains("a view panics on purpose"),
        "the panic message was overwritten:\n{screen}"
    );
    let message = screen.find("panicked").unwrap();
    let exited = screen.find("EXITED").unwrap();
    assert!(
        message < exited,
        "the message comes before the shell's output:\n{screen}"
    );
}
