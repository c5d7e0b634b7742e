//! The one key table: it handles keys and it writes the help overlay and the hint bar,
//! so the two can never disagree.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tab::Tab;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Tab(Tab),
    NextTab,
    PrevTab,
    PrevPeriod,
    NextPeriod,
    Today,
    ToDate,
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
    BudgetPane,
    SpendUp,
    SpendDown,
    WhatIfMode,
    WhatIfReset,
    WhatIfSave,
    WhatIfOpen,
    FocusNext,
    FocusPrev,
}

/// Where a key works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everywhere,
    /// The Review view: the weekly review session.
    Session,
    /// The Monthly and Annual views (the budget model's panes).
    Budget,
    /// The Monthly view's budget plan (the what-if table).
    WhatIf,
    /// A view with more than one table (Weekly, Monthly, Quarterly, Annual).
    Tables,
}

/// Where the cockpit is, for choosing keys, hints and help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Context {
    /// On the Review view: the weekly review session.
    pub session: bool,
    pub budget: bool,
    pub what_if: bool,
    /// A budget pane is shown (no detail popup there).
    pub pane: bool,
    /// The view shows more than one table: `h`/`l` move the focus among them.
    pub tables: bool,
}

impl Context {
    fn allows(self, scope: Scope) -> bool {
        match scope {
            Scope::Everywhere => true,
            Scope::Session => self.session,
            Scope::Budget => self.budget,
            Scope::WhatIf => self.what_if,
            Scope::Tables => self.tables,
        }
    }
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
    pub scope: Scope,
}

const fn key(
    code: KeyCode,
    label: &'static str,
    action: Action,
    help: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    scoped(Scope::Everywhere, code, label, action, help, hint)
}

const fn scoped(
    scope: Scope,
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
        scope,
    }
}

const fn session(
    code: KeyCode,
    label: &'static str,
    action: Action,
    help: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    scoped(Scope::Session, code, label, action, help, hint)
}

const fn tables(
    code: KeyCode,
    label: &'static str,
    action: Action,
    help: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    scoped(Scope::Tables, code, label, action, help, hint)
}

pub const BINDINGS: &[Binding] = &[
    tables(
        KeyCode::Char('l'),
        "h/l",
        Action::FocusNext,
        "focus the previous / next table: alerts, due, SLA, funnel…",
        Some("focus"),
    ),
    tables(KeyCode::Right, "", Action::FocusNext, "", None),
    tables(KeyCode::Char('h'), "", Action::FocusPrev, "", None),
    tables(KeyCode::Left, "", Action::FocusPrev, "", None),
    key(
        KeyCode::Char('1'),
        "1-6",
        Action::Tab(Tab::Weekly),
        "switch view: 1 Weekly … 5 Charter, 6 Review",
        Some("views"),
    ),
    key(KeyCode::Char('2'), "", Action::Tab(Tab::Monthly), "", None),
    key(
        KeyCode::Char('3'),
        "",
        Action::Tab(Tab::Quarterly),
        "",
        None,
    ),
    key(KeyCode::Char('4'), "", Action::Tab(Tab::Annual), "", None),
    key(KeyCode::Char('5'), "", Action::Tab(Tab::Charter), "", None),
    key(KeyCode::Char('6'), "", Action::Tab(Tab::Session), "", None),
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
        KeyCode::Char('T'),
        "T",
        Action::ToDate,
        "month, quarter, year: to date / last complete",
        None,
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
        "move a page; scroll the detail while it is open",
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
        "quit (Esc first closes a popup, filter or pane)",
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
        scope: Scope::Everywhere,
    },
    session(
        KeyCode::Char('n'),
        "n/p",
        Action::NextItem,
        "Review: next / previous agenda item",
        Some("item"),
    ),
    session(KeyCode::Char('p'), "", Action::PrevItem, "", None),
    session(
        KeyCode::Char('a'),
        "a",
        Action::AddAction,
        "Review: record an action item (owner, due) on the item",
        Some("action"),
    ),
    session(
        KeyCode::Char('d'),
        "d",
        Action::AddDecision,
        "Review: record a decision on the item",
        Some("decision"),
    ),
    session(
        KeyCode::Char('w'),
        "w",
        Action::AddNote,
        "Review: write a note",
        Some("note"),
    ),
    session(
        KeyCode::Char('m'),
        "m",
        Action::MarkDelivered,
        "Review: mark the deliverable in focus delivered, at a time",
        None,
    ),
    session(
        KeyCode::Char('x'),
        "x",
        Action::OpenDispute,
        "Review: open a data dispute (the two figures, who raised it)",
        None,
    ),
    session(
        KeyCode::Char('c'),
        "c",
        Action::CloseSession,
        "Review: close the session and write its minutes",
        Some("close"),
    ),
    scoped(
        Scope::Budget,
        KeyCode::Char('b'),
        "b",
        Action::BudgetPane,
        "the budget model: Monthly's plan, Annual's ROI and curves",
        Some("budget"),
    ),
    scoped(
        Scope::WhatIf,
        KeyCode::Char('+'),
        "+/-",
        Action::SpendUp,
        "what-if: the selected channel's budget up / down a step",
        Some("what-if"),
    ),
    scoped(
        Scope::WhatIf,
        KeyCode::Char('='),
        "",
        Action::SpendUp,
        "",
        None,
    ),
    scoped(
        Scope::WhatIf,
        KeyCode::Char('-'),
        "",
        Action::SpendDown,
        "",
        None,
    ),
    scoped(
        Scope::WhatIf,
        KeyCode::Char('_'),
        "",
        Action::SpendDown,
        "",
        None,
    ),
    scoped(
        Scope::WhatIf,
        KeyCode::Char('m'),
        "m",
        Action::WhatIfMode,
        "what-if: rebalance the rest, or change the total",
        Some("mode"),
    ),
    scoped(
        Scope::WhatIf,
        KeyCode::Char('0'),
        "0",
        Action::WhatIfReset,
        "what-if: back to the recommendation",
        None,
    ),
    scoped(
        Scope::WhatIf,
        KeyCode::Char('s'),
        "s",
        Action::WhatIfSave,
        "what-if: save the scenario under a name",
        Some("save"),
    ),
    scoped(
        Scope::WhatIf,
        KeyCode::Char('o'),
        "o",
        Action::WhatIfOpen,
        "what-if: open the next saved scenario",
        Some("open"),
    ),
];

/// The action bound to a key press where the cockpit is, if any: the same key can mean
/// different things in different places (`m` switches the what-if mode in the plan
/// table and marks a delivery in Review), never two things in one place.
pub fn action_for(key: &KeyEvent, context: Context) -> Option<Action> {
    let mods = key.modifiers - KeyModifiers::SHIFT;
    BINDINGS
        .iter()
        .find(|b| b.code == key.code && b.modifiers == mods && context.allows(b.scope))
        .map(|b| b.action)
}

/// Lines of the help overlay where the cockpit is: (keys, what they do).
pub fn help_lines(context: Context) -> Vec<(&'static str, &'static str)> {
    BINDINGS
        .iter()
        .filter(|b| !b.label.is_empty() && context.allows(b.scope))
        .map(|b| (b.label, b.help))
        .collect()
}

/// The hint bar: the most used keys, each with one word. In Review and in the what-if
/// table their own keys, with help and quit; in Monthly and Annual the budget key too.
pub fn hints(context: Context) -> Vec<(&'static str, &'static str)> {
    let own = |b: &Binding| match b.scope {
        Scope::Everywhere => {
            (!(context.session || context.what_if)
                || matches!(b.action, Action::Help | Action::Quit)
                || (context.what_if && b.action == Action::Down))
                && !(context.pane && b.action == Action::Detail)
        }
        Scope::Budget => context.budget && !context.session,
        scope => context.allows(scope),
    };
    // The keys of where the cockpit is come first: they are what the place is for.
    let scoped = BINDINGS.iter().filter(|b| b.scope != Scope::Everywhere);
    let general = BINDINGS.iter().filter(|b| b.scope == Scope::Everywhere);
    scoped
        .chain(general)
        .filter(|b| own(b))
        .filter_map(|b| b.hint.map(|h| (b.label, h)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_help_line_fits_the_help_popup() {
        // The popup is 76 wide: 2 borders, a 12-wide key column and 2 spaces.
        for b in BINDINGS {
            assert!(b.label.chars().count() <= 12, "{}", b.label);
            assert!(b.help.chars().count() <= 60, "{}", b.help);
        }
    }

    #[test]
    fn no_key_means_two_things_in_one_place() {
        // The places the cockpit can be: a view, Review, Monthly or Annual with or
        // without their pane (Monthly's is the what-if table).
        let places = [
            (false, false, false, false, false),
            (false, false, false, false, true),
            (true, false, false, false, false),
            (false, true, false, false, true),
            (false, true, false, true, false),
            (false, true, true, true, false),
        ];
        for (session, budget, what_if, pane, tables) in places {
            let context = Context {
                session,
                budget,
                what_if,
                pane,
                tables,
            };
            let mut seen = std::collections::HashSet::new();
            for b in BINDINGS.iter().filter(|b| context.allows(b.scope)) {
                assert!(
                    seen.insert((b.code, b.modifiers)),
                    "{:?} twice in {context:?}",
                    b.code
                );
            }
        }
    }

    #[test]
    fn a_key_means_what_its_place_says() {
        let m = KeyEvent::new(KeyCode::Char('m'), KeyModifiers::NONE);
        let session = Context {
            session: true,
            ..Context::default()
        };
        let what_if = Context {
            budget: true,
            what_if: true,
            ..Context::default()
        };
        assert_eq!(action_for(&m, session), Some(Action::MarkDelivered));
        assert_eq!(action_for(&m, what_if), Some(Action::WhatIfMode));
        assert_eq!(action_for(&m, Context::default()), None);
        let plus = KeyEvent::new(KeyCode::Char('+'), KeyModifiers::SHIFT);
        assert_eq!(action_for(&plus, what_if), Some(Action::SpendUp));
        assert!(help_lines(what_if).iter().any(|(k, _)| *k == "+/-"));
        assert!(!help_lines(session).iter().any(|(k, _)| *k == "+/-"));
    }
}
