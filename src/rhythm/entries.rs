//! What the weekly session may record, checked once for both shells: the cockpit's forms
//! and `rhythm action` / `rhythm dispute` refuse the same entries with the same words.

use crate::charter::Charter;

/// Why an entry is refused; each message says what to write instead.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EntryError {
    #[error("{role} '{id}' is not a stakeholder of the charter; use one of: {known}")]
    UnknownStakeholder {
        /// What the stakeholder is to the entry: "owner", "raised-by".
        role: String,
        id: String,
        /// The charter's stakeholder ids, comma-separated.
        known: String,
    },
    #[error("the {what} is empty: {hint}")]
    Empty { what: String, hint: String },
    #[error("{what} is not a finite number ({value}): write the figure as a plain decimal")]
    NotFinite { what: String, value: f64 },
}

/// A data dispute to open: two figures for the same metric that disagree.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DisputeEntry<'a> {
    pub metric: &'a str,
    pub figure_a: f64,
    pub source_a: &'a str,
    pub figure_b: f64,
    pub source_b: &'a str,
    /// Stakeholder id.
    pub raised_by: &'a str,
}

/// An action item: its text and an owner the charter names.
pub fn check_action(charter: &Charter, text: &str, owner: &str) -> Result<(), EntryError> {
    check_text(text, "action text", "say what will be done")?;
    check_stakeholder(charter, owner, "owner")
}

/// A dispute: a metric, both sources, finite figures, raised by a stakeholder.
pub fn check_dispute(charter: &Charter, d: &DisputeEntry) -> Result<(), EntryError> {
    check_dispute_parties(charter, d.metric, d.source_a, d.source_b, d.raised_by)?;
    check_figure("figure A", d.figure_a)?;
    check_figure("figure B", d.figure_b)
}

/// What a dispute is about and who says what: the metric, both sources, who raised it.
pub fn check_dispute_parties(
    charter: &Charter,
    metric: &str,
    source_a: &str,
    source_b: &str,
    raised_by: &str,
) -> Result<(), EntryError> {
    check_text(
        metric,
        "metric",
        "name the KPI id or measure the figures disagree on",
    )?;
    check_text(
        source_a,
        "source A",
        "say where figure A comes from (e.g. HubSpot)",
    )?;
    check_text(
        source_b,
        "source B",
        "say where figure B comes from (e.g. Salesforce)",
    )?;
    check_stakeholder(charter, raised_by, "raised-by")
}

/// A disputed figure is a finite number.
pub fn check_figure(what: &str, value: f64) -> Result<(), EntryError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(EntryError::NotFinite {
            what: what.into(),
            value,
        })
    }
}

/// `id` names one of the charter's stakeholders.
pub fn check_stakeholder(charter: &Charter, id: &str, role: &str) -> Result<(), EntryError> {
    if charter.stakeholder(id).is_some() {
        return Ok(());
    }
    let known: Vec<&str> = charter.stakeholders.iter().map(|s| s.id.as_str()).collect();
    Err(EntryError::UnknownStakeholder {
        role: role.into(),
        id: id.into(),
        known: known.join(", "),
    })
}

/// `text` trimmed, refused when nothing is left.
pub fn check_text<'a>(text: &'a str, what: &str, hint: &str) -> Result<&'a str, EntryError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(EntryError::Empty {
            what: what.into(),
            hint: hint.into(),
        });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charter() -> Charter {
        Charter::shipped()
    }

    #[test]
    fn an_unknown_stakeholder_is_refused_with_the_known_ones() {
        let c = charter();
        let first = c.stakeholders[0].id.clone();
        assert_eq!(check_stakeholder(&c, &first, "owner"), Ok(()));
        let err = check_stakeholder(&c, "nobody", "owner")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("owner 'nobody' is not a stakeholder"),
            "{err}"
        );
        assert!(err.contains(&first), "{err}");
    }

    #[test]
    fn a_dispute_needs_its_sources_finite_figures_and_a_stakeholder() {
        let c = charter();
        let ok = DisputeEntry {
            metric: "mqls",
            figure_a: 120.0,
            source_a: "HubSpot",
            figure_b: 100.0,
            source_b: "Salesforce",
            raised_by: &c.stakeholders[0].id,
        };
        assert_eq!(check_dispute(&c, &ok), Ok(()));
        let err = |d: DisputeEntry| check_dispute(&c, &d).unwrap_err().to_string();
        assert!(
            err(DisputeEntry {
                source_b: " ",
                ..ok
            })
            .starts_with("the source B is empty")
        );
        assert!(
            err(DisputeEntry {
                figure_a: f64::NAN,
                ..ok
            })
            .starts_with("figure A is not a finite number")
        );
        assert!(
            err(DisputeEntry {
                raised_by: "mallory",
                ..ok
            })
            .contains("'mallory' is not a stakeholder")
        );
    }

    #[test]
    fn empty_text_is_refused_and_text_is_trimmed() {
        assert_eq!(
            check_text("  ship it ", "action text", "say what"),
            Ok("ship it")
        );
        let err = check_text(" \t", "action text", "say what will be done").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the action text is empty: say what will be done"
        );
    }
}
