//! The cockpit's tables as state: which table has the focus, and a value per table.

use std::ops::{Index, IndexMut};

use super::Tab;

/// A table with its own selection and filter: each view's, and the budget model's two
/// panes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableId {
    /// Weekly: the campaign snapshot, a row per channel and the total.
    Campaign,
    /// Monthly: the executive summary.
    Executive,
    /// Quarterly: the partnership scorecard.
    Scorecard,
    /// Annual: every KPI year over year.
    YearOverYear,
    /// Charter: the KPI dictionary.
    KpiDictionary,
    /// Review: the session's agenda.
    Agenda,
    /// Monthly's budget pane: the plan per channel, with the what-if scenario.
    BudgetPlan,
    /// Annual's budget pane: ROI, marginal ROI and saturation per channel.
    ChannelRoi,
}

impl TableId {
    pub const ALL: [TableId; 8] = [
        TableId::Campaign,
        TableId::Executive,
        TableId::Scorecard,
        TableId::YearOverYear,
        TableId::KpiDictionary,
        TableId::Agenda,
        TableId::BudgetPlan,
        TableId::ChannelRoi,
    ];

    /// The table a view shows without its budget pane.
    pub fn of(tab: Tab) -> TableId {
        match tab {
            Tab::Weekly => TableId::Campaign,
            Tab::Monthly => TableId::Executive,
            Tab::Quarterly => TableId::Scorecard,
            Tab::Annual => TableId::YearOverYear,
            Tab::Charter => TableId::KpiDictionary,
            Tab::Review => TableId::Agenda,
        }
    }

    /// The table of a view's budget pane (`b`), for the views that have one.
    pub fn pane_of(tab: Tab) -> Option<TableId> {
        match tab {
            Tab::Monthly => Some(TableId::BudgetPlan),
            Tab::Annual => Some(TableId::ChannelRoi),
            _ => None,
        }
    }

    /// The table is a budget pane's.
    pub fn is_pane(self) -> bool {
        matches!(self, TableId::BudgetPlan | TableId::ChannelRoi)
    }
}

/// One value per table, looked up by its `TableId`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ByTable<T>([T; TableId::ALL.len()]);

impl<T> Index<TableId> for ByTable<T> {
    type Output = T;

    fn index(&self, table: TableId) -> &T {
        &self.0[table as usize]
    }
}

impl<T> IndexMut<TableId> for ByTable<T> {
    fn index_mut(&mut self, table: TableId) -> &mut T {
        &mut self.0[table as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_view_has_its_table_and_two_have_a_pane() {
        for (i, table) in TableId::ALL.into_iter().enumerate() {
            assert_eq!(table as usize, i, "ByTable looks tables up by their place");
        }
        let panes: Vec<TableId> = Tab::ALL.into_iter().filter_map(TableId::pane_of).collect();
        assert_eq!(panes, [TableId::BudgetPlan, TableId::ChannelRoi]);
        assert!(Tab::ALL.into_iter().all(|t| !TableId::of(t).is_pane()));
    }
}
