//! The cockpit's tables as state: which table has the focus, what each of its rows is
//! (an item of the snapshot or of the budget model, never read back from the text on
//! screen), and the selection and filter that move over them.

use std::ops::{Index, IndexMut};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{App, Tab};
use crate::tui::budget::ModelState;
use crate::tui::snapshot::Snapshot;
use crate::tui::views;

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
    Allocation,
    /// Annual's budget pane: ROI, marginal ROI and saturation per channel.
    ChannelRoi,
    /// Weekly: the week's alerts.
    Alerts,
    /// Monthly: the channel mix (spend share) vs plan.
    Mix,
    /// Monthly: budget vs actual per channel.
    BudgetVsActual,
    /// Monthly: the funnel by channel.
    Funnel,
    /// Quarterly: lead quality (MQL→SQL) by channel.
    LeadQuality,
    /// Annual: each channel's year, attributed ROAS next to modelled ROI.
    ChannelYear,
    /// Weekly: the deliverables due this week and next.
    Due,
    /// Quarterly: SLA by deliverable.
    SlaDeliverables,
    /// Quarterly: the dashboards nobody opened in 30 days.
    UnusedDashboards,
    /// Annual: what the charter review covers.
    CharterReview,
}

impl TableId {
    pub const ALL: [TableId; 18] = [
        TableId::Campaign,
        TableId::Executive,
        TableId::Scorecard,
        TableId::YearOverYear,
        TableId::KpiDictionary,
        TableId::Agenda,
        TableId::Allocation,
        TableId::ChannelRoi,
        TableId::Alerts,
        TableId::Mix,
        TableId::BudgetVsActual,
        TableId::Funnel,
        TableId::LeadQuality,
        TableId::ChannelYear,
        TableId::Due,
        TableId::SlaDeliverables,
        TableId::UnusedDashboards,
        TableId::CharterReview,
    ];

    /// The tables a view shows without its budget pane, in the order `h`/`l` move the
    /// focus through them; the first has it when the view opens.
    pub fn in_view(tab: Tab) -> &'static [TableId] {
        match tab {
            Tab::Weekly => &[TableId::Campaign, TableId::Alerts, TableId::Due],
            Tab::Monthly => &[
                TableId::Executive,
                TableId::Mix,
                TableId::BudgetVsActual,
                TableId::Funnel,
            ],
            Tab::Quarterly => &[
                TableId::Scorecard,
                TableId::LeadQuality,
                TableId::SlaDeliverables,
                TableId::UnusedDashboards,
            ],
            Tab::Annual => &[
                TableId::YearOverYear,
                TableId::ChannelYear,
                TableId::CharterReview,
            ],
            Tab::Charter => &[TableId::KpiDictionary],
            Tab::Session => &[TableId::Agenda],
        }
    }

    /// The table a view gives the focus to when it opens.
    pub fn of(tab: Tab) -> TableId {
        TableId::in_view(tab)[0]
    }

    /// The table of a view's budget pane (`b`), for the views that have one.
    pub fn pane_of(tab: Tab) -> Option<TableId> {
        match tab {
            Tab::Monthly => Some(TableId::Allocation),
            Tab::Annual => Some(TableId::ChannelRoi),
            _ => None,
        }
    }

    /// The table is a budget pane's.
    pub fn is_pane(self) -> bool {
        matches!(self, TableId::Allocation | TableId::ChannelRoi)
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

/// What a row of a table is: the item it is drawn from, by its place in the snapshot's
/// (or the budget model's) list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowId {
    /// A channel of the weekly campaign snapshot: `weekly.snapshot[i]`.
    Channel(usize),
    /// The campaign snapshot's all-channels line: `weekly.total`.
    Total,
    /// A line of Monthly's executive summary.
    Executive(ExecutiveLine),
    /// A line of the partnership scorecard: `quarterly.scorecard[i]`.
    Scorecard(usize),
    /// A KPI year over year: `annual.kpis[i]`.
    AnnualKpi(usize),
    /// A KPI of the charter's dictionary: `charter.kpis[i]`.
    CharterKpi(usize),
    /// An item of the session's agenda: `agenda[i]`.
    Agenda(usize),
    /// A channel of the budget plan: `recommendation.channels[i]`, the scenario's
    /// `spend[i]`.
    PlannerChannel(usize),
    /// A channel of the budget model's overview: `overview.channels[i]`.
    RoiChannel(usize),
    /// An alert of the week: `weekly.alerts[i]`.
    Alert(usize),
    /// A channel of the month's mix: `monthly.executive.channel_mix[i]`.
    MixChannel(usize),
    /// A channel's budget vs actual: `monthly.budget_vs_actual[i]`.
    BudgetLine(usize),
    /// A channel of the month's funnel: `monthly.funnel.by_channel[i]`.
    FunnelChannel(usize),
    /// A channel's lead quality: `quarterly.lead_quality[i]`.
    LeadQuality(usize),
    /// A channel's year: `annual.channels[i]`.
    ChannelYear(usize),
    /// A deliverable due: `weekly.due[i]`.
    Due(usize),
    /// A deliverable's SLA: the i-th of `quarterly.sla.deliverables_due()`.
    SlaDeliverable(usize),
    /// A dashboard nobody opened: `quarterly.unused_dashboards[i]`.
    UnusedDashboard(usize),
    /// An item of the charter review: `annual.charter_review.items[i]`.
    CharterItem(usize),
}

/// The executive summary's lines, in the order the Monthly view draws them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutiveLine {
    Pipeline,
    Mqls,
    Sqls,
    BlendedCac,
    Spend,
}

impl ExecutiveLine {
    pub const ALL: [ExecutiveLine; 5] = [
        ExecutiveLine::Pipeline,
        ExecutiveLine::Mqls,
        ExecutiveLine::Sqls,
        ExecutiveLine::BlendedCac,
        ExecutiveLine::Spend,
    ];

    /// The line's place in the summary.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Every row of `table`, in the order the table draws them.
pub fn row_ids(table: TableId, snap: &Snapshot, model: Option<&ModelState>) -> Vec<RowId> {
    let plan = model.and_then(ModelState::allocation);
    // Before the records are loaded, the reviews that read them have no rows.
    let reviews = snap.reviews.as_ref();
    match table {
        TableId::Campaign => (0..snap.weekly.snapshot.len())
            .map(RowId::Channel)
            .chain(snap.weekly.total.as_ref().map(|_| RowId::Total))
            .collect(),
        TableId::Executive => reviews.map_or(Vec::new(), |_| {
            ExecutiveLine::ALL.map(RowId::Executive).to_vec()
        }),
        TableId::Scorecard => (0..reviews.map_or(0, |r| r.quarterly.scorecard.len()))
            .map(RowId::Scorecard)
            .collect(),
        TableId::YearOverYear => (0..reviews.map_or(0, |r| r.annual.kpis.len()))
            .map(RowId::AnnualKpi)
            .collect(),
        TableId::KpiDictionary => (0..snap.charter.kpis.len())
            .map(RowId::CharterKpi)
            .collect(),
        TableId::Agenda => (0..snap.agenda.len()).map(RowId::Agenda).collect(),
        TableId::Allocation => (0..plan.map_or(0, |p| p.recommendation.channels.len()))
            .map(RowId::PlannerChannel)
            .collect(),
        TableId::ChannelRoi => (0..plan.map_or(0, |p| p.overview.channels.len()))
            .map(RowId::RoiChannel)
            .collect(),
        TableId::Alerts => (0..snap.weekly.alerts.len()).map(RowId::Alert).collect(),
        TableId::Mix => (0..reviews.map_or(0, |r| r.monthly.executive.channel_mix.len()))
            .map(RowId::MixChannel)
            .collect(),
        TableId::BudgetVsActual => (0..reviews.map_or(0, |r| r.monthly.budget_vs_actual.len()))
            .map(RowId::BudgetLine)
            .collect(),
        TableId::Funnel => (0..reviews.map_or(0, |r| r.monthly.funnel.by_channel.len()))
            .map(RowId::FunnelChannel)
            .collect(),
        TableId::LeadQuality => (0..reviews.map_or(0, |r| r.quarterly.lead_quality.len()))
            .map(RowId::LeadQuality)
            .collect(),
        TableId::ChannelYear => (0..reviews.map_or(0, |r| r.annual.channels.len()))
            .map(RowId::ChannelYear)
            .collect(),
        TableId::Due => (0..snap.weekly.due.len()).map(RowId::Due).collect(),
        TableId::SlaDeliverables => (0..reviews
            .map_or(0, |r| r.quarterly.sla.deliverables_due().count()))
            .map(RowId::SlaDeliverable)
            .collect(),
        TableId::UnusedDashboards => (0..reviews
            .map_or(0, |r| r.quarterly.unused_dashboards.len()))
            .map(RowId::UnusedDashboard)
            .collect(),
        TableId::CharterReview => (0..reviews.map_or(0, |r| r.annual.charter_review.items.len()))
            .map(RowId::CharterItem)
            .collect(),
    }
}

/// A row the focused table shows: what it is, and its line in the table unfiltered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub id: RowId,
}

/// Rows a page key moves.
pub const PAGE: usize = 10;

impl App {
    /// The focused table's rows that the filter lets through, in order. The filter
    /// matches the text the rows show (the cells every width shows, so the rows the keys
    /// act on are the rows on screen at any width); what a row is comes from the
    /// snapshot.
    pub fn rows(&self) -> Vec<Row> {
        self.rows_of(self.table())
    }

    /// The rows of `table` that its filter lets through, in order (the focused table's
    /// or another the view shows).
    pub fn rows_of(&self, table: TableId) -> Vec<Row> {
        let Some(snap) = self.snapshot.as_deref() else {
            return Vec::new();
        };
        let rows = row_ids(table, snap, self.model.as_ref())
            .into_iter()
            .enumerate()
            .map(|(line, id)| Row { line, id });
        let needle = self.filter[table].to_lowercase();
        if needle.is_empty() {
            return rows.collect();
        }
        let text = views::filter_text(self, snap, table);
        rows.filter(|r| {
            text.get(r.line)
                .is_some_and(|cells| cells.iter().any(|c| c.to_lowercase().contains(&needle)))
        })
        .collect()
    }

    /// Rows in the focused table after filtering (from the current snapshot).
    pub fn row_count(&self) -> usize {
        self.rows().len()
    }

    /// What the selected row of the focused table is.
    pub fn focused_row(&self) -> Option<RowId> {
        self.rows().get(self.selected()).map(|r| r.id)
    }

    pub fn selected(&self) -> usize {
        self.selected[self.table()]
    }

    pub fn filter(&self) -> &str {
        &self.filter[self.table()]
    }

    pub(super) fn clamp_selection(&mut self) {
        let n = self.row_count();
        let table = self.table();
        self.selected[table] = self.selected[table].min(n.saturating_sub(1));
    }

    pub(super) fn move_selection(&mut self, delta: isize) {
        let n = self.row_count();
        let table = self.table();
        // The detail follows the selection, from its top.
        self.detail_scroll = 0;
        if n == 0 {
            self.selected[table] = 0;
            return;
        }
        let next = (self.selected[table] as isize + delta).clamp(0, n as isize - 1);
        self.selected[table] = next as usize;
    }

    /// A key while the filter is being typed.
    pub(super) fn on_filter_key(&mut self, key: KeyEvent) {
        let table = self.table();
        match key.code {
            KeyCode::Enter => self.editing_filter = false,
            KeyCode::Esc => {
                self.filter[table].clear();
                self.editing_filter = false;
            }
            KeyCode::Backspace => {
                self.filter[table].pop();
            }
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => self.quit = true,
            KeyCode::Char(c) => self.filter[table].push(c),
            _ => {}
        }
        self.selected[table] = 0;
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
        assert_eq!(panes, [TableId::Allocation, TableId::ChannelRoi]);
        assert!(Tab::ALL.into_iter().all(|t| !TableId::of(t).is_pane()));
        // Every table but the panes is in exactly one view.
        for table in TableId::ALL.into_iter().filter(|t| !t.is_pane()) {
            let views = Tab::ALL
                .into_iter()
                .filter(|t| TableId::in_view(*t).contains(&table))
                .count();
            assert_eq!(views, 1, "{table:?}");
        }
    }
}
