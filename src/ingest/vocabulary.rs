//! Whether the funnel records' source values name a channel of the charter: a lead's or
//! an opportunity's lead source, a day of spend's platform and campaign. A value no
//! channel names is not guessed: each is listed with its count and the closest channel,
//! and the file is refused — or, with `[funnel] unmapped = "bucket"`, kept under
//! `unmapped` with a notice.

use rustc_hash::FxHashMap;

use super::cells::Cell;
use super::error::{shown, truncate};
use super::{Kind, RowError};
use crate::charter::{Charter, Unmapped};

/// At most this many unmapped values are listed.
const MAX_LISTED: usize = 20;

/// One value seen: whether it maps, how many rows carry it, and where it first was.
struct Seen {
    mapped: bool,
    rows: u64,
    line: u64,
}

pub(super) struct Vocabulary<'c> {
    charter: &'c Charter,
    kind: Kind,
    seen: FxHashMap<String, Seen>,
}

impl<'c> Vocabulary<'c> {
    pub fn new(charter: &'c Charter, kind: Kind) -> Option<Vocabulary<'c>> {
        matches!(kind, Kind::Leads | Kind::Opportunities | Kind::Spend).then(|| Vocabulary {
            charter,
            kind,
            seen: FxHashMap::default(),
        })
    }

    /// The row's value as matched: the source, or `platform:campaign`.
    fn value(&self, row: &[Cell]) -> Option<String> {
        let text = |i: usize| row.get(i).and_then(Cell::as_str).unwrap_or("");
        match self.kind {
            Kind::Leads => Some(text(2).to_string()),
            Kind::Opportunities => Some(text(3).to_string()),
            Kind::Spend => Some(format!("{}:{}", text(1), text(2))),
            _ => None,
        }
    }

    fn maps(&self, value: &str) -> bool {
        match self.kind {
            Kind::Spend => {
                let (platform, campaign) = value.split_once(':').unwrap_or((value, ""));
                self.charter.channel_for_spend(platform, campaign).is_some()
            }
            _ => self.charter.channel_for_source(value).is_some(),
        }
    }

    /// Notes a good row's value.
    pub fn add(&mut self, row: &[Cell], line: u64) {
        // The common case, a value seen before, without building a string.
        if matches!(self.kind, Kind::Leads | Kind::Opportunities) {
            let i = if self.kind == Kind::Leads { 2 } else { 3 };
            let text = row.get(i).and_then(Cell::as_str).unwrap_or("");
            if let Some(seen) = self.seen.get_mut(text) {
                seen.rows += 1;
                return;
            }
        }
        let Some(value) = self.value(row) else {
            return;
        };
        if let Some(seen) = self.seen.get_mut(&value) {
            seen.rows += 1;
            return;
        }
        let mapped = self.maps(&value);
        self.seen.insert(
            value,
            Seen {
                mapped,
                rows: 1,
                line,
            },
        );
    }

    /// The unmapped values, most rows first: (value, rows, first line).
    fn unmapped(&self) -> Vec<(&str, u64, u64)> {
        let mut out: Vec<(&str, u64, u64)> = self
            .seen
            .iter()
            .filter(|(_, s)| !s.mapped)
            .map(|(v, s)| (v.as_str(), s.rows, s.line))
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        out
    }

    fn what(&self) -> (&'static str, &'static str) {
        match self.kind {
            Kind::Spend => ("platform:campaign", "campaigns"),
            _ => ("lead source", "lead_sources"),
        }
    }

    fn closest(&self, value: &str) -> String {
        let probe = match self.kind {
            Kind::Spend => value.split_once(':').map_or(value, |(_, c)| c),
            _ => value,
        };
        match self.charter.closest_channel(probe) {
            Some(id) => format!("the closest channel is '{id}'"),
            None => "the charter lists no channel".into(),
        }
    }

    /// With `unmapped = "refuse"`: one bad row per unmapped value (at its first line,
    /// in `column`). Otherwise none.
    pub fn refusals(&self, column: Option<(usize, String)>) -> Vec<RowError> {
        if self.charter.funnel.unmapped != Unmapped::Refuse {
            return Vec::new();
        }
        let (what, list) = self.what();
        self.unmapped()
            .into_iter()
            .take(MAX_LISTED)
            .map(|(value, rows, line)| RowError {
                line,
                column: column.clone(),
                value: truncate(value),
                reason: format!(
                    "no channel of the charter names this {what} ({rows} row{}; {}): add it to that channel's `{list}` in the charter, or set [funnel] unmapped = \"bucket\" to keep such rows under 'unmapped'",
                    if rows == 1 { "" } else { "s" },
                    self.closest(value)
                ),
            })
            .collect()
    }

    /// With `unmapped = "bucket"`: the notice listing what goes under `unmapped`.
    pub fn notice(&self) -> Option<String> {
        if self.charter.funnel.unmapped != Unmapped::Bucket {
            return None;
        }
        let unmapped = self.unmapped();
        if unmapped.is_empty() {
            return None;
        }
        let (what, list) = self.what();
        let listed: Vec<String> = unmapped
            .iter()
            .take(MAX_LISTED)
            .map(|(v, n, _)| format!("{} ({n}; {})", shown(v), self.closest(v)))
            .collect();
        let more = unmapped.len().saturating_sub(MAX_LISTED);
        Some(format!(
            "{} {what} value{} no channel names, kept under 'unmapped' (a data-quality item in every review; map them in the charter's `{list}`): {}{}",
            unmapped.len(),
            if unmapped.len() == 1 { "" } else { "s" },
            listed.join(", "),
            if more > 0 {
                format!(", and {more} more")
            } else {
                String::new()
            }
        ))
    }
}

/// Where a funnel record's channel-naming value sits in the file, for an error: the
/// lead source (leads, opportunities) or the campaign (spend), when the file has it under
/// the kind's own name.
pub(super) fn vocabulary_column(
    kind: Kind,
    layout: &super::layout::Layout,
) -> Option<(usize, String)> {
    let at = match kind {
        Kind::Leads => 2,
        Kind::Opportunities => 3,
        Kind::Spend => 2,
        _ => return None,
    };
    if let Some(crm) = &layout.crm {
        let index = crm.column_of(at)?;
        return Some((index + 1, layout.names.get(index)?.clone()));
    }
    let index = (*layout.index.get(at)?)?;
    Some((index + 1, layout.names.get(index)?.clone()))
}
