//! The cohort funnel of a channel, opened by Enter on a channel row of Monthly (Esc
//! closes it): the channel's 12 cohort months from `rhythm::funnel`, in the report's
//! cells (`present::funnel`), then its lead decay.

use ratatui::text::Line;

use crate::present::funnel::{COHORT_HEADER, COHORT_LEGEND, cohort_row};
use crate::tui::snapshot::Snapshot;
use crate::tui::theme::Theme;

/// The lines the channel detail opens with.
pub fn cohort_lines(s: &Snapshot, channel: &str, theme: Theme) -> Vec<Line<'static>> {
    let Some(r) = &s.reviews else {
        return Vec::new();
    };
    let f = &r.funnel;
    let Some(c) = f.channel(channel) else {
        return vec![Line::styled(
            format!(
                "Cohort funnel: no data — no lead or opportunity records of this channel in the 12 months to {}",
                f.month.format("%B %Y")
            ),
            theme.dim(),
        )];
    };
    let mut lines = vec![Line::styled(
        "Cohort funnel: leads created in each month, as of the clock",
        theme.accent(),
    )];
    let rows: Vec<Vec<String>> = c.cohorts.iter().map(cohort_row).collect();
    let right = [false, false, true, true, true, true, true, true];
    let table = crate::present::table::render(&COHORT_HEADER, &rows, &right);
    lines.extend(table.lines().map(|l| Line::raw(l.to_string())));
    lines.push(Line::styled(COHORT_LEGEND, theme.dim()));
    if let Some(d) = f.response.decay.iter().find(|d| d.channel == channel) {
        lines.push(Line::raw(crate::present::funnel::decay_line(d)));
    }
    lines.push(Line::raw(""));
    lines
}
