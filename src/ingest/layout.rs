//! The header row: which of the kind's columns sit where, or — for usage — which BI
//! tool's export this is, or — for nps — which survey tool's.

use super::ad_exports::{self, AdExport};
use super::bi_exports::{self, Export};
use super::crm_exports::{self, CrmExport};
use super::error::shown;
use super::surveys::{self, Survey};
use super::{ImportError, Kind};
use crate::charter::Charter;

/// At most this many header names are listed in a message; the rest are counted.
const MAX_LISTED_NAMES: usize = 30;

/// Header names for a message: each cut and made visible (`error::shown`), at most
/// [`MAX_LISTED_NAMES`] of them, so a huge or hostile header gives a short message.
fn listed<S: AsRef<str>>(names: &[S]) -> String {
    let mut out: Vec<String> = names
        .iter()
        .take(MAX_LISTED_NAMES)
        .map(|n| shown(n.as_ref()))
        .collect();
    if names.len() > MAX_LISTED_NAMES {
        out.push(format!("… and {} more", names.len() - MAX_LISTED_NAMES));
    }
    out.join(", ")
}

/// Where each of the kind's columns sits in the file.
pub(super) struct Layout {
    /// For each column of the kind, its index in the file's header (native layout).
    pub index: Vec<Option<usize>>,
    /// Fields per record.
    pub width: usize,
    /// The header's names as written (trimmed), for error locations.
    pub names: Vec<String>,
    pub notices: Vec<String>,
    /// A BI tool's usage export, recognised from the header (usage only).
    pub export: Option<Export>,
    /// A survey tool's responses export, recognised from the header (nps only).
    pub survey: Option<Survey>,
    /// A CRM or marketing-automation export, recognised from the header (leads and
    /// opportunities only).
    pub crm: Option<CrmExport>,
    /// The record after the header is a second header row (SurveyMonkey's): not a row.
    pub skip_next_record: bool,
    /// An ad platform's download, recognised from the header (spend only).
    pub ad: Option<AdExport>,
}

/// Reads the header row of a `kind` file; `line` is where it sits (1 but for blank lines
/// before it).
pub(super) fn layout(
    kind: Kind,
    header: &csv::ByteRecord,
    line: u64,
    file: &str,
    charter: &Charter,
) -> Result<Layout, ImportError> {
    let format = |message: String| ImportError::Format {
        file: file.to_string(),
        message,
    };
    if header.len() == 1 {
        let only = &header[0];
        for (sep, name) in [(b';', "semicolon"), (b'\t', "tab"), (b'|', "pipe")] {
            if only.contains(&sep) {
                return Err(format(format!(
                    "line {line} looks {name}-separated; rhythm reads comma-separated CSV: re-export the file with commas"
                )));
            }
        }
    }
    let mut written = Vec::with_capacity(header.len());
    let mut names = Vec::with_capacity(header.len());
    for (i, raw) in header.iter().enumerate() {
        let text = std::str::from_utf8(raw).map_err(|_| {
            format(format!(
                "line {line}, column {}: the header {}",
                i + 1,
                super::decode::not_utf8(raw)
            ))
        })?;
        let text = text.trim_start_matches('\u{feff}').trim();
        let name = text.to_ascii_lowercase();
        if !name.is_empty() && names.contains(&name) {
            return Err(format(format!(
                "line {line}, column {}: column '{}' appears twice",
                i + 1,
                shown(&name)
            )));
        }
        written.push(text.to_string());
        names.push(name);
    }
    let def = super::kinds::def(kind);
    let synonym = |column: &str| {
        super::kinds::SYNONYMS
            .iter()
            .find(|(k, c, _)| *k == kind && *c == column)
            .map(|(_, _, s)| *s)
    };
    let mut index: Vec<Option<usize>> = Vec::with_capacity(def.columns.len());
    for c in def.columns {
        let own = names.iter().position(|n| n == c.name);
        let other = synonym(c.name).and_then(|s| names.iter().position(|n| n == s).map(|i| (s, i)));
        if let (Some(_), Some((s, i))) = (own, other) {
            return Err(format(format!(
                "line {line}, column {}: columns '{}' and '{s}' are the same column: keep one",
                i + 1,
                c.name
            )));
        }
        index.push(own.or(other.map(|(_, i)| i)));
    }
    let missing: Vec<&str> = def
        .columns
        .iter()
        .zip(&index)
        .filter(|(c, i)| c.required && i.is_none())
        .map(|(c, _)| c.name)
        .collect();
    if kind == Kind::Usage && !missing.is_empty() {
        let normalised: Vec<String> = written.iter().map(|n| bi_exports::normalise(n)).collect();
        if let Some(export) = bi_exports::recognise(&normalised) {
            if let Some(why) = export.refusal() {
                return Err(format(format!("line {line}: {why}")));
            }
            return Ok(Layout {
                index,
                width: header.len(),
                notices: vec![export.describe(&written)],
                names: written,
                export: Some(export),
                survey: None,
                crm: None,
                skip_next_record: false,
                ad: None,
            });
        }
    }
    if kind == Kind::Spend
        && !missing.is_empty()
        && let Some(ad) = ad_exports::recognise(&written, charter)
            .map_err(|m| format(format!("line {line}: {m}")))?
    {
        return Ok(Layout {
            index: ad.index(),
            width: header.len(),
            notices: ad.notices().to_vec(),
            names: written,
            export: None,
            survey: None,
            crm: None,
            skip_next_record: false,
            ad: Some(ad),
        });
    }
    if kind == Kind::Nps && !missing.is_empty() {
        let normalised: Vec<String> = written.iter().map(|n| bi_exports::normalise(n)).collect();
        if let Some(mut survey) = surveys::recognise(&written, &normalised, charter)
            .map_err(|m| format(format!("line {line}: {m}")))?
        {
            if survey.keys_on_email()
                && let Some(key) = super::pseudonym_key(charter)?
            {
                survey.pseudonymise_with(key);
            }
            return Ok(Layout {
                index,
                width: header.len(),
                notices: survey.notices().to_vec(),
                names: written,
                export: None,
                crm: None,
                skip_next_record: survey.second_header,
                survey: Some(survey),
                ad: None,
            });
        }
    }
    if matches!(kind, Kind::Leads | Kind::Opportunities) && !missing.is_empty() {
        let normalised: Vec<String> = written.iter().map(|n| bi_exports::normalise(n)).collect();
        if let Some(crm) = crm_exports::recognise(kind, &normalised, &charter.partnership.currency)
            .map_err(|m| format(format!("line {line}: {m}")))?
        {
            return Ok(Layout {
                index,
                width: header.len(),
                notices: vec![crm.describe(&written)],
                names: written,
                export: None,
                survey: None,
                crm: Some(crm),
                skip_next_record: false,
                ad: None,
            });
        }
    }
    if !missing.is_empty() {
        let required: Vec<&str> = def
            .columns
            .iter()
            .filter(|c| c.required)
            .map(|c| c.name)
            .collect();
        let also = match kind {
            Kind::Usage => {
                " — or a Looker System Activity (History), Metabase view_log or Usage analytics View log, Tableau Admin Insights (TS Events) or Tableau Server repository (historical_events), or Power BI activity log export with its own header"
            }
            Kind::Nps => {
                " — or a Google Forms, Typeform or SurveyMonkey responses export with its own header"
            }
            Kind::Spend => {
                " — or a Google Ads report download, LinkedIn Campaign Manager campaign performance export or Meta Ads Manager export with its own header"
            }
            Kind::Leads => {
                " — or a HubSpot contacts export, Salesforce lead report or Marketo lead export with its own header"
            }
            Kind::Opportunities => {
                " — or a HubSpot deals export or Salesforce opportunity report with its own header"
            }
            _ => "",
        };
        return Err(format(format!(
            "line {line}: missing required column{} {} for `{kind}` (required: {}{also}; found: {})",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            required.join(", "),
            listed(&names)
        )));
    }
    if kind == Kind::Experiments
        && let Some(reason) = super::experiments::header_reason(&index)
    {
        return Err(format(format!("line {line}: {reason}")));
    }
    let extra: Vec<&str> = names
        .iter()
        .filter(|n| {
            !def.columns
                .iter()
                .any(|c| c.name == n.as_str() || synonym(c.name) == Some(n.as_str()))
        })
        .map(|n| n.as_str())
        .collect();
    let mut notices = Vec::new();
    if !extra.is_empty() {
        notices.push(format!(
            "ignored column{} not used by `{kind}`: {}",
            if extra.len() == 1 { "" } else { "s" },
            listed(&extra)
        ));
    }
    Ok(Layout {
        index,
        width: header.len(),
        names: written,
        notices,
        export: None,
        survey: None,
        crm: None,
        skip_next_record: false,
        ad: None,
    })
}
