//! The one key table: it handles keys and it writes the help overlay and the hint bar,
//! so the two can never disagree.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Tab(usize),
    NextTab,
    PrevTab,
    PrevPeriod,
    NextPeriod,
    Today,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Detail,
    Filter,
    Help,
    Reload,
    NextItem,
    PrevItem,
    AddAction,
    AddDecision,
    AddNote,
    MarkDelivered,
    OpenDispute,
    CloseSession,
}

pub struct Binding {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
    /// How the key is written in help.
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
    /// Shown in the one-line hint bar with this short word, if any.
    pub hint: Option<&'static str>,
    /// Only in the Review view.
    pub review: bool,
}

const fn key(
    code: KeyCode,
    label: &'static str,
    action: Action,
    help: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        code,
        modifiers: KeyModifiers::NONE,
        label,
        action,
        help,
        hint,
        review: false,
    }
}

const fn review(
    code: KeyCode,
    label: &'static str,
    action: Action,
    help: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        code,
        modifiers: KeyModifiers::NONE,
        label,
        action,
        help,
        hint,
        review: true,
    }
}

pub const BINDINGS: &[Binding] = &[
    key(
        KeyCode::Char('1'),
        "1-6",
        Action::Tab(0),
        "switch view: 1 Weekly … 5 Charter, 6 Review",
        Some("views"),
    ),
    key(KeyCode::Char('2'), "", Action::Tab(1), "", None),
    key(KeyCode::Char('3'), "", Action::Tab(2), "", None),
    key(KeyCode::Char('4'), "", Action::Tab(3), "", None),
    key(KeyCode::Char('5'), "", Action::Tab(4), "", None),
    key(KeyCode::Char('6'), "", Action::Tab(5), "", None),
    key(KeyCode::Tab, "Tab", Action::NextTab, "next view", None),
    key(
        KeyCode::BackTab,
        "Shift-Tab",
        Action::PrevTab,
        "previous view",
        None,
    ),
    key(
        KeyCode::Char('['),
        "[ ]",
        Action::PrevPeriod,
        "previous / next week, month, quarter or year",
        Some("period"),
    ),
    key(KeyCode::Char(']'), "", Action::NextPeriod, "", None),
    key(
        KeyCode::Char('t'),
        "t",
        Action::Today,
        "back to the current period",
        Some("today"),
    ),
    key(
        KeyCode::Char('j'),
        "j/k",
        Action::Down,
        "move the selection in the table",
        Some("move"),
    ),
    key(KeyCode::Down, "", Action::Down, "", None),
    key(KeyCode::Char('k'), "", Action::Up, "", None),
    key(KeyCode::Up, "", Action::Up, "", None),
    key(
        KeyCode::PageDown,
        "PgDn/PgUp",
        Action::PageDown,
        "move a page",
        None,
    ),
    key(KeyCode::PageUp, "", Action::PageUp, "", None),
    key(
        KeyCode::Char('g'),
        "g/G",
        Action::Top,
        "first / last row",
        None,
    ),
    key(KeyCode::Char('G'), "", Action::Bottom, "", None),
    key(
        KeyCode::Enter,
        "Enter",
        Action::Detail,
        "detail of the selected row: definition, inputs, history",
        Some("detail"),
    ),
    key(
        KeyCode::Char('/'),
        "/",
        Action::Filter,
        "filter the table (Enter keeps, Esc clears)",
        Some("filter"),
    ),
    key(
        KeyCode::Char('r'),
        "r",
        Action::Reload,
        "reload the store",
        None,
    ),
    key(
        KeyCode::Char('?'),
        "?",
        Action::Help,
        "this help",
        Some("help"),
    ),
    key(
        KeyCode::Char('q'),
        "q Esc",
        Action::Quit,
        "quit (Esc first closes a popup)",
        Some("quit"),
    ),
    key(KeyCode::Esc, "", Action::Quit, "", None),
    Binding {
        code: KeyCode::Char('c'),
        modifiers: KeyModifiers::CONTROL,
        label: "Ctrl-C",
        action: Action::Quit,
        help: "quit",
        hint: None,
        review: false,
    },
    review(
        KeyCode::Char('n'),
        "n/p",
        Action::NextItem,
        "Review: next / previous agenda item",
        Some("item"),
    ),
    review(KeyCode::Char('p'), "", Action::PrevItem, "", None),
    review(
        KeyCode::Char('a'),
        "a",
        Action::AddAction,
        "Review: record an action item (owner, due) on the item",
        Some("action"),
    ),
    review(
        KeyCode::Char('d'),
        "d",
        Action::AddDecision,
        "Review: record a decision on the item",
        Some("decision"),
    ),
    review(
        KeyCode::Char('w'),
        "w",
        Action::AddNote,
        "Review: write a note",
        Some("note"),
    ),
    review(
        KeyCode::Char('m'),
        "m",
        Action::MarkDelivered,
        "Review: mark the deliverable in focus delivered now",
        None,
    ),
    review(
        KeyCode::Char('x'),
        "x",
        Action::OpenDispute,
        "Review: open a data dispute (the two figures, who raised it)",
        None,
    ),
    review(
        KeyCode::Char('c'),
        "c",
        Action::CloseSession,
        "Review: close the session and write its minutes",
        Some("close"),
    ),
];

/// The action bound to a key press, if any; Review keys only `in_review`.
pub fn action_for(key: &KeyEvent, in_review: bool) -> Option<Action> {
    let mods = key.modifiers - KeyModifiers::SHIFT;
    BINDINGS
        .iter()
        .find(|b| b.code == key.code && b.modifiers == mods && (!b.review || in_review))
        .map(|b| b.action)
}

/// Lines of the help overlay: (keys, what they do).
pub fn help_lines() -> Vec<(&'static str, &'static str)> {
    BINDINGS
        .iter()
        .filter(|b| !b.label.is_empty())
        .map(|b| (b.label, b.help))
        .collect()
}

/// The hint bar: the most used keys, each with one word (the Review keys in Review).
pub fn hints(in_review: bool) -> Vec<(&'static str, &'static str)> {
    BINDINGS
        .iter()
        .filter(|b| {
            b.review == in_review || (in_review && matches!(b.action, Action::Help | Action::Quit))
        })
        .filter_map(|b| b.hint.map(|h| (b.label, h)))
        .collect()
}
