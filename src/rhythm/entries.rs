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
