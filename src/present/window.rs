//! A charter window in words: "the fiscal quarter to date", "the last 13 complete weeks".

use crate::charter::Window;

/// The window as a phrase that follows "over" or "in".
pub fn phrase(w: &Window) -> String {
    match w {
        Window::Quarter => "the fiscal quarter to date".into(),
        Window::Month => "the month to date".into(),
        Window::Weeks(1) => "the last complete week".into(),
        Window::Weeks(n) => format!("the last {n} complete weeks"),
        Window::Days(1) => "the last day".into(),
        Window::Days(n) => format!("the last {n} days"),
    }
}
