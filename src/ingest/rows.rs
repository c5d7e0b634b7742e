//! One CSV record -> one row of the kind's table: the kind's own columns parsed field by
//! field, or a BI tool's export mapped to a usage row; usage user names pseudonymised
//! when the charter asks.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use super::bi_exports::{self, Export, FieldError, Mapped};
use super::cells::{self, Cell};
use super::error::truncate;
use super::layout::Layout;
use super::{Column, KindDef, RowError, Ty, is_pseudonym, pseudonym};
use crate::charter::Charter;

/// Parses one field of `column`; `first` is the row's already-parsed first cell.
fn parse_field<'a>(
    charter: &Charter,
    column: &Column,
    text: &'a str,
    first: Option<&Cell<'_>>,
) -> Result<Cell<'a>, String> {
    if text.is_empty() {
        return if column.required {
            Err("is empty, but the column is required".into())
        } else if column.name == "geo" {
            Ok(Cell::Text(""))
        } else {
            Ok(Cell::Null)
        };
    }
    let p = &charter.partnership;
    Ok(match column.ty {
        Ty::Week => {
            Cell::Owned(crate::calendar::week_start(cells::date(text)?, p.week_start).to_string())
        }
        Ty::Date => Cell::Owned(cells::date(text)?.to_string()),
        Ty::Month => Cell::Owned(cells::month(text)?.to_string()),
        Ty::Epoch => Cell::Int(cells::timestamp(text)?.and_utc().timestamp()),
        Ty::Timestamp => Cell::Owned(cells::timestamp_text(cells::timestamp(text)?)),
        Ty::Money => Cell::Real(cells::money(text)?),
        Ty::Number => Cell::Real(cells::number(text)?),
        Ty::Count => Cell::Int(cells::count(text)?),
        Ty::Score => Cell::Int(cells::score(text)?),
        Ty::Text => Cell::Text(text),
        Ty::KpiId => {
            if charter.kpi(text).is_none() {
                return Err(
                    "is not a KPI id of the charter: add it to [[kpi]] or fix the id".into(),
                );
            }
            Cell::Text(text)
        }
        Ty::DeliverableId => {
            if charter.deliverable(text).is_none() {
                return Err("is not a deliverable id of the charter: add it to [[deliverable]] or fix the id".into());
            }
            Cell::Text(text)
        }
        Ty::Period => {
            let date = cells::date(text)?;
            let id = first.and_then(Cell::as_str).unwrap_or("");
            let cadence = charter
                .kpi(id)
                .map(|k| k.cadence)
                .or_else(|| charter.deliverable(id).map(|d| d.cadence));
            match cadence {
                Some(c) => Cell::Owned(
                    c.period_start(date, p.week_start, p.fiscal_year_start_month)
                        .to_string(),
                ),
                // The id itself is already reported as unknown.
                None => Cell::Owned(date.to_string()),
            }
        }
    })
}

/// Turns records into rows of the kind: the file's layout, the charter and the options.
pub(super) struct Rows<'a> {
    pub charter: &'a Charter,
    pub def: &'static KindDef,
    pub layout: &'a Layout,
    pub pseudonym_key: Option<&'a [u8]>,
    /// user -> pseudonym: a usage file has few users and many rows.
    pub pseudonyms: FxHashMap<String, String>,
}

impl Rows<'_> {
    /// Parses `record` (starting on `line`) into `row`, or says why not in `errors`.
    /// Returns the label under which a BI export's non-view row is skipped.
    pub fn parse<'r>(
        &mut self,
        record: &'r csv::ByteRecord,
        line: u64,
        row: &mut Vec<Cell<'r>>,
        errors: &mut Vec<RowError>,
    ) -> Option<String> {
        if record.len() != self.layout.width {
            errors.push(RowError {
                line,
                column: None,
                value: String::new(),
                reason: format!(
                    "has {} fields but the header has {}: a ragged row (check for an unquoted comma)",
                    record.len(),
                    self.layout.width
                ),
            });
            return None;
        }
        match &self.layout.export {
            Some(export) => {
                if let Some(skipped) = self.parse_export(export, record, line, row, errors) {
                    return Some(skipped);
                }
            }
            None => self.parse_native(record, line, row, errors),
        }
        if errors.is_empty()
            && let Some(key) = self.pseudonym_key
            && let Some(user) = row.get(1).and_then(Cell::as_str)
            && !is_pseudonym(user)
        {
            let anon = match self.pseudonyms.get(user) {
                Some(p) => p.clone(),
                None => {
                    let p = pseudonym(key, user);
                    self.pseudonyms.insert(user.to_string(), p.clone());
                    p
                }
            };
            row[1] = Cell::Owned(anon);
        }
        None
    }

    /// A file with the kind's own columns.
    fn parse_native<'r>(
        &self,
        record: &'r csv::ByteRecord,
        line: u64,
        row: &mut Vec<Cell<'r>>,
        errors: &mut Vec<RowError>,
    ) {
        for (column, index) in self.def.columns.iter().zip(&self.layout.index) {
            let raw: &[u8] = index.map_or(b"", |i| &record[i]);
            let located = |value: String, reason: String| RowError {
                line,
                column: Some((index.map_or(0, |i| i + 1), column.name.to_string())),
                value,
                reason,
            };
            let Ok(text) = std::str::from_utf8(raw) else {
                errors.push(located(
                    truncate(&String::from_utf8_lossy(raw)),
                    "is not UTF-8 text: re-save the file as UTF-8".into(),
                ));
                row.push(Cell::Null);
                continue;
            };
            match parse_field(self.charter, column, text.trim(), row.first()) {
                Ok(cell) => row.push(cell),
                Err(reason) => {
                    errors.push(located(truncate(text), reason));
                    row.push(Cell::Null);
                }
            }
        }
    }

    /// A BI tool's usage export: (timestamp, user, dashboard, source), or a skip label.
    fn parse_export<'r>(
        &self,
        export: &Export,
        record: &'r csv::ByteRecord,
        line: u64,
        row: &mut Vec<Cell<'r>>,
        errors: &mut Vec<RowError>,
    ) -> Option<String> {
        let field = |i: usize| -> Result<&'r str, FieldError> {
            let raw: &'r [u8] = &record[i];
            std::str::from_utf8(raw).map(str::trim).map_err(|_| {
                (
                    i,
                    String::from_utf8_lossy(raw).into_owned(),
                    "is not UTF-8 text: re-save the file as UTF-8".to_string(),
                )
            })
        };
        let located = |(i, value, reason): FieldError| RowError {
            line,
            column: Some((i + 1, self.layout.names[i].clone())),
            value: truncate(&value),
            reason,
        };
        match export.map(&field) {
            Err(e) => errors.push(located(e)),
            Ok(Mapped::Skipped(label)) => return Some(label),
            Ok(Mapped::View {
                timestamp: (at, text),
                user,
                dashboard,
            }) => {
                match bi_exports::timestamp(text) {
                    Ok(t) => row.push(Cell::Int(t.and_utc().timestamp())),
                    Err(reason) => {
                        errors.push(located((at, text.to_string(), reason)));
                        row.push(Cell::Null);
                    }
                }
                row.push(Cell::Text(user));
                row.push(match dashboard {
                    Cow::Borrowed(d) => Cell::Text(d),
                    Cow::Owned(d) => Cell::Owned(d),
                });
                row.push(Cell::Text(export.tool.source()));
            }
        }
        None
    }
}
