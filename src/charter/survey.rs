//! `[nps]`: which column of a survey tool's export (Google Forms, Typeform,
//! SurveyMonkey) holds the NPS answer, and which hold the comment and the respondent's
//! role. Each names a question as the export's header writes it; the import matches it
//! ignoring case and runs of white space.

use toml::Spanned;

use super::raw::RawNps;
use super::validate::Ctx;

/// The longest question text the charter may name, in characters: a survey header is a
/// question, not an essay.
const MAX_QUESTION_CHARS: usize = 1000;

/// The survey questions an NPS import reads from a survey tool's export. `None`: the
/// charter names none (the import then finds the NPS question by its wording and reads
/// no comment or role).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NpsSurvey {
    /// The NPS question ("How likely are you to recommend …"), or its column's header.
    pub question: Option<String>,
    /// The free-text follow-up stored as the response's comment.
    pub comment_question: Option<String>,
    /// The question whose answer is stored as the respondent's role.
    pub role_question: Option<String>,
}

impl NpsSurvey {
    /// A question or header reduced for matching: lower case, white space runs as one
    /// space, trimmed.
    pub fn key(text: &str) -> String {
        text.trim_start_matches('\u{feff}')
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    }
}

pub(super) fn convert(raw: Option<&Spanned<RawNps>>, ctx: &mut Ctx) -> NpsSurvey {
    let Some(raw) = raw else {
        return NpsSurvey::default();
    };
    let raw = raw.get_ref();
    let mut seen: Vec<(String, &str)> = Vec::new();
    let mut one = |ctx: &mut Ctx, value: &Option<Spanned<String>>, name: &'static str| {
        let value = value.as_ref()?;
        let text = value.get_ref().trim();
        if text.is_empty() {
            ctx.at(
                value.span(),
                format!("[nps] {name} is empty: write the question as the export's header writes it, or leave {name} out"),
            );
            return None;
        }
        if text.chars().count() > MAX_QUESTION_CHARS {
            ctx.at(
                value.span(),
                format!("[nps] {name} is longer than {MAX_QUESTION_CHARS} characters: write the question as the export's header writes it"),
            );
            return None;
        }
        let key = NpsSurvey::key(text);
        if let Some((_, other)) = seen.iter().find(|(k, _)| *k == key) {
            ctx.at(
                value.span(),
                format!(
                    "[nps] {name} names the same question as {other}: each names a different column"
                ),
            );
            return None;
        }
        seen.push((key, name));
        Some(text.to_string())
    };
    NpsSurvey {
        question: one(ctx, &raw.question, "question"),
        comment_question: one(ctx, &raw.comment_question, "comment_question"),
        role_question: one(ctx, &raw.role_question, "role_question"),
    }
}

#[cfg(test)]
mod tests {
    use crate::charter::{Charter, SHIPPED};

    fn parse(section: &str) -> Result<Charter, String> {
        let text = format!("{SHIPPED}\n{section}\n");
        Charter::parse(&text, std::path::Path::new("c.toml")).map_err(|e| e.to_string())
    }

    #[test]
    fn the_shipped_charter_names_the_nps_question() {
        let c = Charter::shipped();
        assert_eq!(
            c.nps.question.as_deref(),
            Some("How likely are you to recommend the analytics team to a colleague?")
        );
    }

    #[test]
    fn questions_are_checked_with_their_place() {
        let text = SHIPPED.replace(
            "[nps]",
            "[nps]\ncomment_question = \"  \"\nrole_question = \"HOW LIKELY are you to recommend   the analytics team to a colleague?\"",
        );
        let err = Charter::parse(&text, std::path::Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("[nps] comment_question is empty"), "{err}");
        assert!(
            err.contains("[nps] role_question names the same question as question"),
            "{err}"
        );
        let line = SHIPPED
            .lines()
            .position(|l| l.starts_with("[nps]"))
            .unwrap()
            + 2;
        assert!(err.contains(&format!("c.toml:{line}:")), "{err}");
        assert!(parse("[nps.extra]").is_err());
    }

    #[test]
    fn keys_ignore_case_and_spaces() {
        assert_eq!(
            super::NpsSurvey::key("  How likely\n are  YOU? "),
            "how likely are you?"
        );
    }
}
