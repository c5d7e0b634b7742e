//! The weekly review session's entries: small forms with real text editing (cursor,
//! insert, delete, paste; Esc cancels, Enter confirms), validated against the charter
//! into the write the loader commits. Pure: no state, no store — what the session's keys
//! do to the cockpit is `app/session.rs`.

use chrono::{NaiveDate, NaiveDateTime};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::snapshot::Snapshot;
use crate::rhythm::session::AgendaItem;
use crate::rhythm::{clock, entries};

/// A write the review session asks the loader to commit.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// An agenda item with an insight was shown: record the insight once.
    Insight {
        week: NaiveDate,
        kind: String,
        key: String,
        text: String,
    },
    Action {
        week: NaiveDate,
        agenda_item: String,
        insight: Option<(String, String)>,
        text: String,
        owner: String,
        due: NaiveDate,
    },
    Decision {
        week: NaiveDate,
        agenda_item: String,
        text: String,
    },
    Note {
        week: NaiveDate,
        agenda_item: Option<String>,
        text: String,
    },
    Dispute {
        week: NaiveDate,
        metric: String,
        period: NaiveDate,
        figure_a: f64,
        source_a: String,
        figure_b: f64,
        source_b: String,
        raised_by: String,
    },
    Deliver {
        week: NaiveDate,
        deliverable: String,
        period: NaiveDate,
        /// UTC.
        delivered_at: NaiveDateTime,
    },
    Close {
        week: NaiveDate,
    },
    /// Save the budget plan's what-if scenario under its name (not a session record:
    /// it opens no session).
    Scenario {
        week: NaiveDate,
        scenario: crate::facts::SavedScenario,
    },
}

/// A field of an entry, by what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldId {
    /// What the action item is.
    Action,
    /// Who owns the action: a stakeholder id.
    Owner,
    /// When the action is due: YYYY-MM-DD.
    Due,
    /// What was decided.
    Decision,
    Note,
    /// The disputed metric: a KPI id or a measure.
    Metric,
    /// The first day of the disputed period: YYYY-MM-DD.
    Period,
    /// The figure as one source has it, and that source.
    FigureA,
    SourceA,
    /// The figure as the other source has it, and that source.
    FigureB,
    SourceB,
    /// Who raised the dispute: a stakeholder id.
    RaisedBy,
    /// When a deliverable was delivered: YYYY-MM-DD HH:MM in the charter's time zone.
    DeliveredAt,
    /// The name a what-if scenario is saved under.
    ScenarioName,
}

impl FieldId {
    pub fn label(self) -> &'static str {
        match self {
            FieldId::Action => "action",
            FieldId::Owner => "owner (stakeholder id)",
            FieldId::Due => "due (YYYY-MM-DD)",
            FieldId::Decision => "decision",
            FieldId::Note => "note",
            FieldId::Metric => "metric (KPI id or measure)",
            FieldId::Period => "period (YYYY-MM-DD)",
            FieldId::FigureA => "figure A",
            FieldId::SourceA => "source A (e.g. HubSpot)",
            FieldId::FigureB => "figure B",
            FieldId::SourceB => "source B (e.g. Salesforce)",
            FieldId::RaisedBy => "raised by (stakeholder id)",
            FieldId::DeliveredAt => "delivered at (YYYY-MM-DD HH:MM, charter's time zone)",
            FieldId::ScenarioName => "name (saving again under a name replaces it)",
        }
    }
}

/// One text field of a form, with its cursor (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub id: FieldId,
    pub value: String,
    pub cursor: usize,
}

impl Field {
    fn new(id: FieldId, value: &str) -> Field {
        Field {
            id,
            value: value.to_string(),
            cursor: value.chars().count(),
        }
    }

    pub fn label(&self) -> &'static str {
        self.id.label()
    }

    fn byte(&self, char_index: usize) -> usize {
        self.value
            .char_indices()
            .nth(char_index)
            .map_or(self.value.len(), |(i, _)| i)
    }

    fn insert(&mut self, text: &str) {
        let at = self.byte(self.cursor);
        // One line of visible text: what `text` hides never enters a field.
        let clean: String = crate::text::strip_hidden(text)
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        self.value.insert_str(at, &clean);
        self.cursor += clean.chars().count();
    }

    fn backspace(&mut self) {
        if self.cursor > 0 {
            let at = self.byte(self.cursor - 1);
            self.value.remove(at);
            self.cursor -= 1;
        }
    }

    fn delete(&mut self) {
        if self.cursor < self.value.chars().count() {
            let at = self.byte(self.cursor);
            self.value.remove(at);
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Action,
    Decision,
    Note,
    Dispute,
    /// Marks the deliverable in focus delivered, at a time (now unless edited).
    Delivery,
    /// Names the budget plan's what-if scenario to save it (`App` builds the write).
    Scenario,
}

impl FormKind {
    /// The form's fields, in the order Tab visits them.
    pub fn fields(self) -> &'static [FieldId] {
        match self {
            FormKind::Action => &[FieldId::Action, FieldId::Owner, FieldId::Due],
            FormKind::Decision => &[FieldId::Decision],
            FormKind::Note => &[FieldId::Note],
            FormKind::Dispute => &[
                FieldId::Metric,
                FieldId::Period,
                FieldId::FigureA,
                FieldId::SourceA,
                FieldId::FigureB,
                FieldId::SourceB,
                FieldId::RaisedBy,
            ],
            FormKind::Delivery => &[FieldId::DeliveredAt],
            FormKind::Scenario => &[FieldId::ScenarioName],
        }
    }

    /// The field no entry of the kind can be without.
    fn subject(self) -> FieldId {
        match self {
            FormKind::Action => FieldId::Action,
            FormKind::Decision => FieldId::Decision,
            FormKind::Note => FieldId::Note,
            FormKind::Dispute => FieldId::Metric,
            FormKind::Delivery => FieldId::DeliveredAt,
            FormKind::Scenario => FieldId::ScenarioName,
        }
    }
}

/// What a key press asks of an open form beyond editing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    /// The key edited the form (or did nothing).
    Edited,
    /// Esc: drop the entry.
    Cancel,
    /// Enter: validate and save.
    Submit,
    /// Ctrl-C: quit the cockpit.
    Quit,
}

/// An entry being typed, against the agenda item in focus.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub kind: FormKind,
    pub fields: Vec<Field>,
    /// The field being typed in: its place in `fields`.
    pub focus: usize,
    /// Why the last Enter did not save, in words.
    pub error: Option<String>,
    /// The agenda item the entry is made against.
    pub item: Option<AgendaItem>,
    /// Enter was pressed and the entry is with the loader under this id: the form shows
    /// it until the write commits.
    pub saving: Option<crate::tui::app::WriteId>,
    /// Why the save is taking a while (the store is busy), in words.
    pub waiting: Option<String>,
}

impl Form {
    /// An entry of `kind` against `item`, its fields empty but for those `prefilled`.
    pub fn new(kind: FormKind, item: Option<AgendaItem>, prefilled: &[(FieldId, &str)]) -> Form {
        let fields = kind
            .fields()
            .iter()
            .map(|&id| {
                let value = prefilled
                    .iter()
                    .find(|(f, _)| *f == id)
                    .map_or("", |(_, v)| v);
                Field::new(id, value)
            })
            .collect();
        Form {
            kind,
            fields,
            focus: 0,
            error: None,
            item,
            saving: None,
            waiting: None,
        }
    }

    pub fn title(&self) -> &'static str {
        match self.kind {
            FormKind::Action => "Action item",
            FormKind::Decision => "Decision",
            FormKind::Note => "Note",
            FormKind::Dispute => "Data dispute",
            FormKind::Delivery => "Mark delivered",
            FormKind::Scenario => "Save the what-if scenario",
        }
    }

    /// Pasted text goes into the focused field (one line).
    pub fn insert(&mut self, text: &str) {
        let line = text.lines().collect::<Vec<_>>().join(" ");
        self.fields[self.focus].insert(&line);
    }

    /// The field's text, trimmed (a field the kind does not have reads as empty).
    pub fn value(&self, id: FieldId) -> &str {
        self.fields
            .iter()
            .find(|f| f.id == id)
            .map_or("", |f| f.value.trim())
    }

    /// Edits the form by one key press; says what else the key asks for.
    pub fn on_key(&mut self, key: KeyEvent) -> FormKey {
        let field = &mut self.fields[self.focus];
        match key.code {
            KeyCode::Esc => return FormKey::Cancel,
            KeyCode::Enter => return FormKey::Submit,
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1) % self.fields.len(),
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = (self.focus + self.fields.len() - 1) % self.fields.len()
            }
            KeyCode::Left => field.cursor = field.cursor.saturating_sub(1),
            KeyCode::Right => field.cursor = (field.cursor + 1).min(field.value.chars().count()),
            KeyCode::Home => field.cursor = 0,
            KeyCode::End => field.cursor = field.value.chars().count(),
            KeyCode::Backspace => field.backspace(),
            KeyCode::Delete => field.delete(),
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                return FormKey::Quit;
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                field.value.clear();
                field.cursor = 0;
            }
            KeyCode::Char(c) => field.insert(&c.to_string()),
            _ => {}
        }
        FormKey::Edited
    }

    /// The write the entry asks for, validated against the snapshot's charter; or why
    /// it cannot be saved, in words.
    pub fn write(&self, snapshot: &Snapshot) -> Result<Write, String> {
        let week = snapshot.weekly.week;
        let item_key = self.item.as_ref().map(|i| i.key.clone());
        let date = |text: &str, what: &str| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map_err(|_| format!("{what} '{text}' is not a date: write YYYY-MM-DD"))
        };
        let number = |text: &str, what: &str| {
            text.parse::<f64>()
                .map_err(|_| format!("{what} '{text}' is not a number"))
        };
        // Actions and disputes are checked by rhythm::entries, as the CLI checks them;
        // a decision or a note needs only its text.
        let subject = self.kind.subject();
        if matches!(self.kind, FormKind::Decision | FormKind::Note) {
            entries::check_text(self.value(subject), subject.label(), "write what was said")
                .map_err(|e| e.to_string())?;
        }
        Ok(match self.kind {
            FormKind::Action => {
                entries::check_action(
                    &snapshot.charter,
                    self.value(FieldId::Action),
                    self.value(FieldId::Owner),
                )
                .map_err(|e| e.to_string())?;
                Write::Action {
                    week,
                    agenda_item: item_key.unwrap_or_default(),
                    insight: self.item.as_ref().and_then(crate::present::agenda::insight),
                    text: self.value(FieldId::Action).into(),
                    owner: self.value(FieldId::Owner).into(),
                    due: date(self.value(FieldId::Due), "due")?,
                }
            }
            FormKind::Decision => Write::Decision {
                week,
                agenda_item: item_key.unwrap_or_default(),
                text: self.value(FieldId::Decision).into(),
            },
            FormKind::Note => Write::Note {
                week,
                agenda_item: item_key,
                text: self.value(FieldId::Note).into(),
            },
            FormKind::Dispute => {
                // The parties first, in the form's order, then the figures as typed.
                let said = |e: entries::EntryError| e.to_string();
                entries::check_dispute_parties(
                    &snapshot.charter,
                    self.value(FieldId::Metric),
                    self.value(FieldId::SourceA),
                    self.value(FieldId::SourceB),
                    self.value(FieldId::RaisedBy),
                )
                .map_err(said)?;
                let figure_a = number(self.value(FieldId::FigureA), "figure A")?;
                let figure_b = number(self.value(FieldId::FigureB), "figure B")?;
                let entry = entries::DisputeEntry {
                    metric: self.value(FieldId::Metric),
                    figure_a,
                    source_a: self.value(FieldId::SourceA),
                    figure_b,
                    source_b: self.value(FieldId::SourceB),
                    raised_by: self.value(FieldId::RaisedBy),
                };
                entries::check_dispute(&snapshot.charter, &entry).map_err(said)?;
                Write::Dispute {
                    week,
                    metric: entry.metric.into(),
                    period: date(self.value(FieldId::Period), "period")?,
                    figure_a,
                    source_a: entry.source_a.into(),
                    figure_b,
                    source_b: entry.source_b.into(),
                    raised_by: entry.raised_by.into(),
                }
            }
            FormKind::Delivery => {
                let Some((deliverable, period)) =
                    self.item.as_ref().and_then(|i| i.deliverable.clone())
                else {
                    return Err("move to a deliverable on the agenda first".into());
                };
                let text = self.value(FieldId::DeliveredAt);
                let local =
                    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").map_err(|_| {
                        format!("delivered at '{text}' is not a time: write YYYY-MM-DD HH:MM")
                    })?;
                let delivered_at = clock::local_to_utc(&snapshot.charter, local);
                if delivered_at > snapshot.now {
                    return Err(format!(
                        "delivered at {text} is later than now: a delivery is recorded once it is made"
                    ));
                }
                Write::Deliver {
                    week,
                    deliverable,
                    period,
                    delivered_at,
                }
            }
            FormKind::Scenario => {
                return Err("a scenario is saved from the budget plan".into());
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;

    use super::*;
    use crate::charter::Charter;
    use crate::tui::snapshot::compute;

    fn snapshot() -> Snapshot {
        let charter = Charter::parse(
            include_str!("../../charter/partnership.toml"),
            Path::new("charter/partnership.toml"),
        )
        .unwrap();
        let at = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let clock = crate::rhythm::clock::Clock::end_of(&charter, at);
        compute(&Arc::new(charter), &Default::default(), &clock)
    }

    fn type_into(form: &mut Form, id: FieldId, text: &str) {
        form.focus = form.fields.iter().position(|f| f.id == id).unwrap();
        form.insert(text);
    }

    #[test]
    fn a_form_has_its_kinds_fields_in_order_with_the_prefilled_ones() {
        let form = Form::new(FormKind::Action, None, &[(FieldId::Due, "2026-11-30")]);
        let labels: Vec<&str> = form.fields.iter().map(Field::label).collect();
        assert_eq!(
            labels,
            ["action", "owner (stakeholder id)", "due (YYYY-MM-DD)"]
        );
        let due = &form.fields[2];
        assert_eq!((due.value.as_str(), due.cursor), ("2026-11-30", 10));
        assert!(form.fields[..2].iter().all(|f| f.value.is_empty()));
    }

    #[test]
    fn a_dispute_says_in_words_what_is_missing_until_it_is_whole() {
        let s = snapshot();
        let mut form = Form::new(FormKind::Dispute, None, &[(FieldId::Period, "2026-11-16")]);
        assert_eq!(
            form.write(&s).unwrap_err(),
            "the metric is empty: name the KPI id or measure the figures disagree on"
        );
        type_into(&mut form, FieldId::Metric, "mqls");
        type_into(&mut form, FieldId::RaisedBy, "jordan");
        assert_eq!(
            form.write(&s).unwrap_err(),
            "the source A is empty: say where figure A comes from (e.g. HubSpot)"
        );
        type_into(&mut form, FieldId::SourceA, "HubSpot");
        type_into(&mut form, FieldId::SourceB, "Salesforce");
        type_into(&mut form, FieldId::FigureA, "410");
        type_into(&mut form, FieldId::FigureB, "x");
        assert_eq!(form.write(&s).unwrap_err(), "figure B 'x' is not a number");
        let figure_b = form.fields.iter_mut().find(|f| f.id == FieldId::FigureB);
        figure_b.unwrap().value = "395".into();
        match form.write(&s).unwrap() {
            Write::Dispute {
                metric,
                figure_a,
                figure_b,
                raised_by,
                ..
            } => assert_eq!(
                (metric.as_str(), figure_a, figure_b, raised_by.as_str()),
                ("mqls", 410.0, 395.0, "jordan")
            ),
            other => panic!("{other:?}"),
        }
    }
}
