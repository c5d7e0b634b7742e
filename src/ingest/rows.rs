//! One CSV record -> one row of the kind's table: the kind's own columns parsed field by
//! field, or a BI tool's export mapped to a usage row; usage user names pseudonymised
//! when the charter asks.

use std::borrow::Cow;
use std::collections::BTreeSet;

use rustc_hash::FxHashMap;

use super::bi_exports::{Export, FieldError, Mapped};
use super::cells::{self, Cell};
use super::error::truncate;
use super::layout::Layout;
use super::{Column, KindDef, RowError, Ty, is_pseudonym, pseudonym};
use crate::charter::Charter;

/// The charter's channel names, for the channel columns of an import: every id and alias,
/// lowercased, mapped to the id. Built once per import.
pub(super) struct Channels {
    names: FxHashMap<String, String>,
    /// The ids, in the charter's order, for messages.
    ids: Vec<String>,
    accept_new: bool,
    /// Names the charter does not list that rows were imported under (only with
    /// `[definitions] accept_new_channels = true`).
    added: BTreeSet<String>,
}

/// At most this many of the charter's channel ids are listed in an error.
const LISTED_IDS: usize = 12;

impl Channels {
    pub fn of(charter: &Charter) -> Channels {
        let mut names = FxHashMap::default();
        for c in &charter.channels {
            for name in std::iter::once(&c.id).chain(&c.aliases) {
                names.insert(name.trim().to_lowercase(), c.id.clone());
            }
        }
        Channels {
            names,
            ids: charter.channels.iter().map(|c| c.id.clone()).collect(),
            accept_new: charter.definitions.accept_new_channels,
            added: BTreeSet::new(),
        }
    }

    /// The channel `text` names (already trimmed): stored under the charter's id; an
    /// unknown name is refused with the known ids and the closest one, unless the charter
    /// accepts new channels.
    fn resolve<'a>(&mut self, text: &'a str) -> Result<Cell<'a>, String> {
        if let Some(id) = self.names.get(text) {
            // A lowercase id or alias, as written.
            return Ok(if id == text {
                Cell::Text(text)
            } else {
                Cell::Owned(id.clone())
            });
        }
        let key = text.to_lowercase();
        if let Some(id) = self.names.get(&key) {
            return Ok(Cell::Owned(id.clone()));
        }
        if self.accept_new {
            if !text.chars().any(char::is_alphabetic) {
                return Err("is not a channel name: a channel has at least one letter (check for a shifted column)".into());
            }
            if !self.added.contains(text) {
                self.added.insert(text.to_string());
            }
            return Ok(Cell::Text(text));
        }
        let mut listed: Vec<&str> = self
            .ids
            .iter()
            .take(LISTED_IDS)
            .map(String::as_str)
            .collect();
        if self.ids.len() > LISTED_IDS {
            listed.push("…");
        }
        let known = if listed.is_empty() {
            "the charter lists no channels".to_string()
        } else {
            format!("the charter lists {}", listed.join(", "))
        };
        let fix = "add the name to the aliases of the charter's [[channel]] it means, fix the file, or set [definitions] accept_new_channels = true to import new channels";
        Err(match self.closest(&key) {
            Some(id) => format!("unknown channel: {known}; closest: {id} ({fix})"),
            None => format!("unknown channel: {known} ({fix})"),
        })
    }

    /// The id whose id or alias is nearest to `key` (lowercased) by edit distance, if it
    /// is near enough to be a misspelling: at most a third of the longer name, and 3.
    fn closest(&self, key: &str) -> Option<&str> {
        self.names
            .iter()
            .map(|(name, id)| (edit_distance(key, name), name, id))
            .filter(|(d, name, _)| {
                let longer = key.chars().count().max(name.chars().count());
                *d <= (longer / 3).clamp(1, 3)
            })
            .min_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)))
            .map(|(_, _, id)| id.as_str())
    }

    /// "added 2 channels the charter does not list (…): bar, foo", when any were.
    pub fn added_notice(&self) -> Option<String> {
        let n = self.added.len();
        (n > 0).then(|| {
            let names: Vec<&str> = self.added.iter().map(String::as_str).collect();
            format!(
                "added {n} channel{} the charter does not list ([definitions] accept_new_channels = true): {}",
                if n == 1 { "" } else { "s" },
                names.join(", ")
            )
        })
    }
}

/// Levenshtein distance between two strings, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// Parses one field of `column`; `first` is the row's already-parsed first cell.
fn parse_field<'a>(
    charter: &Charter,
    channels: &mut Channels,
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
        Ty::KpiValue => {
            let unit = first
                .and_then(Cell::as_str)
                .and_then(|id| charter.kpi(id))
                .map(|k| k.unit.as_str());
            Cell::Real(cells::kpi_value(text, unit)?)
        }
        Ty::Count => Cell::Int(cells::count(text)?),
        Ty::Score => Cell::Int(cells::score(text)?),
        Ty::Text => Cell::Text(text),
        Ty::Channel => channels.resolve(text)?,
        Ty::Method => match crate::facts::ExperimentMethod::parse(text) {
            Some(m) => Cell::Text(m.as_str()),
            None => {
                return Err(
                    "is not an experiment kind: write geo-lift, holdout or conversion-lift, or leave it empty"
                        .into(),
                );
            }
        },
        Ty::Lift => Cell::Real(cells::lift(text)?),
        Ty::StdError => Cell::Real(cells::std_error(text)?),
        Ty::Flag => Cell::Int(i64::from(cells::flag(text)?)),
        Ty::DealType => Cell::Text(cells::deal_type(text)?),
        Ty::Email => Cell::Owned(cells::email(text)?),
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
    pub kind: super::Kind,
    pub charter: &'a Charter,
    pub def: &'static KindDef,
    pub layout: &'a Layout,
    pub pseudonym_key: Option<&'a [u8]>,
    /// user -> pseudonym: a usage file has few users and many rows.
    pub pseudonyms: FxHashMap<String, String>,
    /// The vocabulary of the channel columns.
    pub channels: Channels,
    /// How the file writes its dates (BI and survey exports).
    pub dates: super::dates::Dates,
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
        if self.layout.crm.is_some()
            && let Some(label) = super::crm_exports::footer_label(record)
        {
            return Some(label.to_string());
        }
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
        if let Some(survey) = &self.layout.survey {
            let dates = &mut self.dates;
            let zone = dates.zone();
            return survey.parse(
                record,
                line,
                &self.layout.names,
                (self.charter.partnership.timezone, zone),
                &mut |text, at| dates.timestamp(text, line, at),
                row,
                errors,
            );
        }
        if let Some(ad) = &self.layout.ad {
            return ad.parse(record, line, &self.layout.names, row, errors);
        }
        if let Some(crm) = &self.layout.crm {
            let dates = std::cell::RefCell::new(&mut self.dates);
            crm.parse(
                record,
                line,
                &self.layout.names,
                &mut |text, at| dates.borrow_mut().timestamp(text, line, at),
                &mut |text, at| dates.borrow_mut().date(text, line, at),
                row,
                errors,
            );
        }
        match &self.layout.export {
            _ if self.layout.crm.is_some() => {}
            Some(export) => {
                if let Some(skipped) = self.parse_export(export, record, line, row, errors) {
                    return Some(skipped);
                }
            }
            None => self.parse_native(record, line, row, errors),
        }
        // The person a row names: usage's user, nps's respondent, a lead's e-mail.
        let person = if self.kind == super::Kind::Leads {
            9
        } else {
            1
        };
        if errors.is_empty()
            && let Some(key) = self.pseudonym_key
            && let Some(user) = row.get(person).and_then(Cell::as_str)
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
            row[person] = Cell::Owned(anon);
        }
        None
    }

    /// A file with the kind's own columns.
    fn parse_native<'r>(
        &mut self,
        record: &'r csv::ByteRecord,
        line: u64,
        row: &mut Vec<Cell<'r>>,
        errors: &mut Vec<RowError>,
    ) {
        // The record's UTF-8 checked once, not field by field; a field is then cut from it
        // (or checked alone, if a character straddles two fields).
        let whole = std::str::from_utf8(record.as_slice()).ok();
        for (column, index) in self.def.columns.iter().zip(&self.layout.index) {
            let raw: &[u8] = index.map_or(b"", |i| &record[i]);
            let checked = match (whole, index) {
                (Some(w), Some(i)) => record.range(*i).and_then(|r| w.get(r)),
                _ => None,
            };
            let located = |value: String, reason: String| RowError {
                line,
                column: Some((index.map_or(0, |i| i + 1), column.name.to_string())),
                value,
                reason,
            };
            let Some(text) = checked.or_else(|| std::str::from_utf8(raw).ok()) else {
                errors.push(located(
                    truncate(&String::from_utf8_lossy(raw)),
                    super::decode::not_utf8(raw),
                ));
                row.push(Cell::Null);
                continue;
            };
            match parse_field(
                self.charter,
                &mut self.channels,
                column,
                text.trim(),
                row.first(),
            ) {
                Ok(cell) => row.push(cell),
                Err(reason) => {
                    errors.push(located(truncate(text), reason));
                    row.push(Cell::Null);
                }
            }
        }
        if self.kind == super::Kind::Experiments && errors.is_empty() {
            super::experiments::check(row, self.layout, line, errors);
        }
    }

    /// A BI tool's usage export: (timestamp, user, dashboard, source), or a skip label.
    fn parse_export<'r>(
        &mut self,
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
                    super::decode::not_utf8(raw),
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
                match self.dates.timestamp(&text, line, at) {
                    Ok(t) => row.push(Cell::Int(t.and_utc().timestamp())),
                    Err(reason) => {
                        errors.push(located((at, text.into_owned(), reason)));
                        row.push(Cell::Null);
                    }
                }
                for text in [user, dashboard] {
                    row.push(match text {
                        Cow::Borrowed(t) => Cell::Text(t),
                        Cow::Owned(t) => Cell::Owned(t),
                    });
                }
                row.push(Cell::Text(export.tool.source()));
            }
        }
        None
    }
}
