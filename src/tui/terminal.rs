//! The terminal while the cockpit runs: raw mode and the alternate screen (ratatui's
//! `init`), mouse capture and bracketed paste — all given back on every exit path.

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;

/// Restores the terminal when dropped: on return, on `?`, and while unwinding from a
/// panic (ratatui's own panic hook restores it too, before the message prints).
pub struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = execute!(
            std::io::stdout(),
            DisableMouseCapture,
            DisableBracketedPaste
        );
        // While unwinding, ratatui's panic hook has already restored the terminal and
        // printed the message: leaving the alternate screen again would hide it.
        if !std::thread::panicking() {
            ratatui::restore();
        }
    }
}

/// Takes the terminal over. Keep the guard for as long as the terminal: dropped, it
/// gives the terminal back.
pub fn enter() -> (Guard, DefaultTerminal) {
    let guard = Guard;
    let terminal = ratatui::init();
    // ratatui's hook restores the terminal on a panic; only the UI thread's panic ends
    // the cockpit. A background thread's panic is logged and reported on screen (the
    // fitter turns it into the week's model failure; a dead loader is a store problem).
    let restore = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name() == Some("main") {
            restore(info);
        } else {
            tracing::error!("a background thread panicked: {info}");
        }
    }));
    let _ = execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste);
    (guard, terminal)
}
