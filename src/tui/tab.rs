//! The cockpit's views, in the order of their number keys, and a value per view.

use std::ops::{Index, IndexMut};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Weekly,
    Monthly,
    Quarterly,
    Annual,
    Charter,
    Session,
}

impl Tab {
    /// Every view, in the order of the tab bar (key `1` is the first).
    pub const ALL: [Tab; 6] = [
        Tab::Weekly,
        Tab::Monthly,
        Tab::Quarterly,
        Tab::Annual,
        Tab::Charter,
        Tab::Session,
    ];

    /// The view's place in `ALL` (its number key minus one).
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn title(self) -> &'static str {
        match self {
            Tab::Weekly => "Weekly",
            Tab::Monthly => "Monthly",
            Tab::Quarterly => "Quarterly",
            Tab::Annual => "Annual",
            Tab::Charter => "Charter",
            Tab::Session => "Review",
        }
    }

    pub fn next(self) -> Tab {
        Tab::ALL[(self.index() + 1) % Tab::ALL.len()]
    }

    pub fn previous(self) -> Tab {
        Tab::ALL[(self.index() + Tab::ALL.len() - 1) % Tab::ALL.len()]
    }
}

/// One value per view, looked up by its `Tab`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ByTab<T>([T; Tab::ALL.len()]);

impl<T> Index<Tab> for ByTab<T> {
    type Output = T;

    fn index(&self, tab: Tab) -> &T {
        &self.0[tab.index()]
    }
}

impl<T> IndexMut<Tab> for ByTab<T> {
    fn index_mut(&mut self, tab: Tab) -> &mut T {
        &mut self.0[tab.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tabs_index_is_its_place_in_the_tab_bar() {
        for (i, tab) in Tab::ALL.into_iter().enumerate() {
            assert_eq!(tab.index(), i);
            assert_eq!(tab.next().previous(), tab);
        }
        assert_eq!(Tab::Session.next(), Tab::Weekly);
    }
}
