//! The month's suggestions in words: `rhythm::monthly::Suggestion` is data; its sentence
//! (its Display and its JSON `"sentence"`) is written here.

use std::fmt;

use serde::ser::SerializeStruct;

use crate::format::{money, percent};
use crate::rhythm::monthly::{Suggested, Suggestion};

impl Suggested {
    /// The kind's stable name in JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Suggested::PauseCandidate { .. } => "pause_candidate",
            Suggested::OverBudget { .. } => "over_budget",
        }
    }
}

impl fmt::Display for Suggestion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = &self.name;
        match self.what {
            Suggested::PauseCandidate {
                cac,
                ceiling,
                share,
                strategic: true,
            } => write!(
                f,
                "{name} CAC {} is above {} of LTV ({}), but the charter marks it strategic — hold spend and review its brand and enterprise impact",
                money(cac),
                percent(share),
                money(ceiling)
            ),
            Suggested::PauseCandidate {
                cac,
                ceiling,
                share,
                strategic: false,
            } => write!(
                f,
                "{name} last-touch CAC {} over 3 months is above {} of LTV ({}) — pause candidate: cut its weakest campaigns first",
                money(cac),
                percent(share),
                money(ceiling)
            ),
            Suggested::OverBudget {
                utilisation,
                budget,
            } => write!(
                f,
                "{name} spent {} of its {} budget — rebalance or approve the overrun",
                percent(utilisation),
                money(budget)
            ),
        }
    }
}

impl serde::Serialize for Suggestion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut out = s.serialize_struct("Suggestion", 3)?;
        out.serialize_field("channel", &self.channel)?;
        out.serialize_field("kind", self.what.kind())?;
        out.serialize_field("sentence", &self.to_string())?;
        out.end()
    }
}
