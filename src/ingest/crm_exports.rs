//! The CRM and marketing-automation exports teams actually have, recognised from their
//! headers and mapped to `leads` and `opportunities` rows (sources cited in
//! `tests/fixtures/crm/README.md`):
//!
//! - HubSpot contacts export (`Record ID`, `Create Date`, `Original Source`, `Became a
//!   Marketing Qualified Lead Date`, …) and deals export (`Record ID`, `Create Date`,
//!   `Amount`, `Deal Stage`, `Close Date`, `Deal Type`, a source property).
//! - Salesforce lead and opportunity reports, "Details only" CSV (`Lead ID` / `Opportunity
//!   ID`, …), and the formatted variant: title lines before the header
//!   ([`preamble`](super::preamble)), "Grand Totals" and footer lines after the
//!   rows, and currency text ("USD 48,000.00", "$48,000.00") read only where it is
//!   unambiguous and in the charter's currency.
//! - Marketo lead export (`Id`, `Created At`, `Lead Source`, `Email Address`, and the
//!   `MQL Date` / `SQL Date` custom fields where the export has them).
//!
//! Ids are stored as `system:id` and `system` is set, so two systems' records never
//! collide and the MAP-vs-CRM reconciliation can pair them.

use super::cells::{self, Cell};
use super::crm_headers::{LEAD_EXPORTS, OPPORTUNITY_EXPORTS, Read};
use super::{Kind, RowError};

/// A system of record whose exports rhythm reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum System {
    HubSpot,
    Salesforce,
    Marketo,
}

impl System {
    /// The value stored in `system` and before the id (`hubspot:12345`).
    pub fn id(self) -> &'static str {
        match self {
            System::HubSpot => "hubspot",
            System::Salesforce => "salesforce",
            System::Marketo => "marketo",
        }
    }
}

/// One column of the kind read from one column of the file.
#[derive(Debug, Clone, Copy)]
struct Field {
    /// Index into the kind's columns.
    column: usize,
    /// Index into the file's header.
    at: usize,
    read: Read,
    /// The kind requires the column: an empty value is a bad row.
    required: bool,
}

/// A recognised export: which file column feeds which of the kind's columns.
#[derive(Debug, Clone)]
pub struct CrmExport {
    pub system: System,
    /// The export's name in notices, e.g. "HubSpot contacts export".
    pub name: &'static str,
    fields: Vec<Field>,
    /// The kind's column count.
    width: usize,
    /// The kind's `system` and `geo` columns.
    system_column: usize,
    geo_column: usize,
    /// Salesforce's `Closed` and `Stage` columns: its `Won` checkbox is false while the
    /// opportunity is open, and open is not lost.
    closed: Option<usize>,
    stage: Option<usize>,
    /// The charter's currency (ISO code), for currency text.
    currency: String,
}

/// The export `normalised` (the header's names, normalised) is, if any; an error when it
/// is one but lacks a column the kind needs.
pub fn recognise(
    kind: Kind,
    normalised: &[String],
    currency: &str,
) -> Result<Option<CrmExport>, String> {
    let candidates = match kind {
        Kind::Leads => LEAD_EXPORTS,
        Kind::Opportunities => OPPORTUNITY_EXPORTS,
        _ => return Ok(None),
    };
    let def = super::kinds::def(kind);
    let find = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| normalised.iter().position(|h| h == n))
    };
    for &(system, name, marks, wanted) in candidates {
        if !marks.iter().all(|m| normalised.iter().any(|h| h == m)) {
            continue;
        }
        let mut fields = Vec::new();
        for &(column, names, read) in wanted {
            let Some(index) = def.columns.iter().position(|c| c.name == column) else {
                continue;
            };
            if read == Read::EarliestTimestamp {
                fields.extend(
                    names
                        .iter()
                        .filter_map(|n| normalised.iter().position(|h| h == n))
                        .map(|at| Field {
                            column: index,
                            at,
                            read,
                            required: false,
                        }),
                );
                continue;
            }
            match find(names) {
                Some(at) => fields.push(Field {
                    column: index,
                    at,
                    read,
                    required: def.columns[index].required,
                }),
                None if def.columns[index].required => {
                    let shown: Vec<String> = names.iter().map(|n| title_case(n)).collect();
                    return Err(format!(
                        "this is a {name}, but it has no {} column (rhythm's `{column}`): add it to the export's columns and export again",
                        shown.join(" or ")
                    ));
                }
                None => {}
            }
        }
        let position = |name: &str| def.columns.iter().position(|c| c.name == name);
        let (Some(system_column), Some(geo_column)) = (position("system"), position("geo")) else {
            return Ok(None);
        };
        return Ok(Some(CrmExport {
            system,
            name,
            fields,
            width: def.columns.len(),
            system_column,
            geo_column,
            closed: (system == System::Salesforce)
                .then(|| find(&["closed"]))
                .flatten(),
            stage: find(&["stage", "deal stage"]),
            currency: currency.to_string(),
        }));
    }
    Ok(None)
}

/// What a row of a report that is not a record says, when it is one: the formatted
/// report's total line or the footer Salesforce writes after the rows.
pub fn footer_label(record: &csv::ByteRecord) -> Option<&'static str> {
    let first = record
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_string())
        .find(|f| !f.is_empty())?;
    let lower = first.to_lowercase();
    if lower.starts_with("grand totals") || lower == "total" || lower.starts_with("subtotal") {
        Some("report totals")
    } else if lower.starts_with("confidential information")
        || (lower.starts_with("copyright") && lower.contains("salesforce.com"))
        || lower.starts_with("generated by")
    {
        Some("report footer")
    } else {
        None
    }
}

impl CrmExport {
    /// "read as a HubSpot contacts export (ids stored as hubspot:<Record ID>)".
    pub fn describe(&self, names: &[String]) -> String {
        let id = self
            .fields
            .iter()
            .find(|f| f.read == Read::Id)
            .and_then(|f| names.get(f.at))
            .map_or("id", String::as_str);
        format!(
            "read as a {} (ids stored as {}:<{id}>, system = {})",
            self.name,
            self.system.id(),
            self.system.id()
        )
    }

    /// Where the kind's `column` (its index) sits in the file, if the export has it.
    pub fn column_of(&self, column: usize) -> Option<usize> {
        self.fields
            .iter()
            .find(|f| f.column == column && f.read != Read::WonFromStage)
            .map(|f| f.at)
    }

    /// The file columns rows are read from.
    pub fn columns(&self) -> impl Iterator<Item = usize> + '_ {
        self.fields.iter().map(|f| f.at)
    }

    /// Reads `record` into `row` (every column of the kind, in order); a field that cannot
    /// be read is an error at its line and column. `timestamp` and `date` read the file's
    /// dates (one order per file).
    #[allow(clippy::too_many_arguments)]
    pub fn parse<'r>(
        &self,
        record: &'r csv::ByteRecord,
        line: u64,
        names: &[String],
        timestamp: &mut dyn FnMut(&str, usize) -> Result<chrono::NaiveDateTime, String>,
        date: &mut dyn FnMut(&str, usize) -> Result<chrono::NaiveDate, String>,
        row: &mut Vec<Cell<'r>>,
        errors: &mut Vec<RowError>,
    ) {
        let def_columns = row.len();
        row.resize(def_columns + self.width, Cell::Null);
        let cells = &mut row[def_columns..];
        cells[self.system_column] = Cell::Text(self.system.id());
        // As a native file stores it: no country is the empty text.
        cells[self.geo_column] = Cell::Text("");
        for field in &self.fields {
            let raw: &'r [u8] = &record[field.at];
            let located = |value: &str, reason: String| RowError {
                line,
                column: Some((field.at + 1, names[field.at].clone())),
                value: super::error::truncate(value),
                reason,
            };
            let Ok(text) = std::str::from_utf8(raw).map(str::trim) else {
                errors.push(located(
                    &String::from_utf8_lossy(raw),
                    super::decode::not_utf8(raw),
                ));
                continue;
            };
            if text.is_empty() {
                if field.required {
                    errors.push(located(text, "is empty, but the column is required".into()));
                }
                continue;
            }
            let cell = match field.read {
                Read::Id => Ok(Cell::Owned(format!("{}:{text}", self.system.id()))),
                Read::Timestamp => {
                    timestamp(text, field.at).map(|t| Cell::Owned(cells::timestamp_text(t)))
                }
                // The stored text sorts as the time does: keep the earlier.
                Read::EarliestTimestamp => timestamp(text, field.at).map(|t| {
                    let t = cells::timestamp_text(t);
                    match &cells[field.column] {
                        Cell::Owned(earlier) if *earlier <= t => Cell::Owned(earlier.clone()),
                        _ => Cell::Owned(t),
                    }
                }),
                Read::Date => date(text, field.at).map(|d| Cell::Owned(d.to_string())),
                Read::Text => Ok(Cell::Text(text)),
                Read::Email => cells::email(text).map(Cell::Owned),
                Read::Money => super::crm_money::money(text, &self.currency).map(Cell::Real),
                Read::Flag => cells::flag(text).map(|b| Cell::Int(i64::from(b))),
                Read::WonFromStage => Ok(won_from_stage(text)),
                Read::DealType => deal_type(text).map(Cell::Text),
            };
            match cell {
                Ok(c) => cells[field.column] = c,
                Err(reason) => errors.push(located(text, reason)),
            }
        }
        if let Some(won) = self.fields.iter().find(|f| f.read == Read::Flag)
            && matches!(cells[won.column], Cell::Int(0))
            && self.is_open(record)
        {
            cells[won.column] = Cell::Null;
        }
    }

    /// Whether an opportunity whose `Won` is false is still open: its `Closed` is false,
    /// or, without that column, its stage is not a closed one.
    fn is_open(&self, record: &csv::ByteRecord) -> bool {
        let text = |at: usize| String::from_utf8_lossy(&record[at]).trim().to_string();
        match (self.closed, self.stage) {
            (Some(at), _) => cells::flag(&text(at)) == Ok(false),
            (None, Some(at)) => !text(at).to_lowercase().starts_with("closed"),
            (None, None) => false,
        }
    }
}

/// `original source` as the vendor shows it: `Original Source`.
fn title_case(name: &str) -> String {
    name.split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// Closed Won is won, Closed Lost lost; any other stage is open (empty).
fn won_from_stage(stage: &str) -> Cell<'static> {
    match super::bi_exports::normalise(stage)
        .replace(' ', "")
        .as_str()
    {
        "closedwon" => Cell::Int(1),
        "closedlost" => Cell::Int(0),
        _ => Cell::Null,
    }
}

/// An opportunity type as HubSpot (`newbusiness`, `existingbusiness`, "New Business",
/// "Existing Business") or Salesforce's default picklist ("New Customer", "Existing
/// Customer - Upgrade", "- Replacement", "- Downgrade", and "Renewal") write it. Every
/// existing-customer deal that is not a renewal is expansion: not new business, so it
/// stays out of new-business pipeline.
fn deal_type(text: &str) -> Result<&'static str, String> {
    let t = super::bi_exports::normalise(text);
    match t.as_str() {
        "newbusiness" => Ok("new business"),
        "existingbusiness" => Ok("expansion"),
        "existing customer renewal" => Ok("renewal"),
        _ if t.starts_with("existing customer ") => Ok("expansion"),
        _ => cells::deal_type(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_types_map_to_new_business_renewal_or_expansion() {
        for (text, want) in [
            ("newbusiness", "new business"),
            ("New Business", "new business"),
            ("existingbusiness", "expansion"),
            ("Existing Business", "expansion"),
            ("New Customer", "new business"),
            ("Existing Customer - Upgrade", "expansion"),
            ("Existing Customer - Replacement", "expansion"),
            ("Existing Customer - Downgrade", "expansion"),
            ("Existing Customer - Renewal", "renewal"),
            ("Renewal", "renewal"),
        ] {
            assert_eq!(deal_type(text), Ok(want), "{text}");
        }
        assert!(deal_type("Partnership").is_err());
    }

    #[test]
    fn a_stage_says_won_lost_or_open() {
        assert!(matches!(won_from_stage("Closed Won"), Cell::Int(1)));
        assert!(matches!(won_from_stage("closedlost"), Cell::Int(0)));
        assert!(matches!(won_from_stage("Contract Sent"), Cell::Null));
    }

    #[test]
    fn exports_are_told_apart_by_their_headers() {
        let header = |names: &[&str]| -> Vec<String> {
            names
                .iter()
                .map(|n| super::super::bi_exports::normalise(n))
                .collect()
        };
        let marketo = header(&["Id", "Created At", "Lead Source", "Email Address"]);
        let found = recognise(Kind::Leads, &marketo, "USD").unwrap().unwrap();
        assert_eq!(found.system, System::Marketo);
        let deals = header(&["Record ID", "Create Date", "Amount", "Deal Stage"]);
        let e = recognise(Kind::Opportunities, &deals, "USD").unwrap_err();
        assert!(
            e.contains("HubSpot deals export") && e.contains("Original Source"),
            "{e}"
        );
        let plain = header(&["id", "created", "source"]);
        assert!(recognise(Kind::Leads, &plain, "USD").unwrap().is_none());
    }
}
