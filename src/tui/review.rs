//! The Review view's entries: small forms with real text editing (cursor, insert,
//! delete, paste; Esc cancels, Enter confirms), validated against the charter before a
//! write is requested. Pure: the loader thread does the writing.

use chrono::{Duration, NaiveDate};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::app::{App, Request, RowId, Tab};
use super::keys::Action;
use crate::rhythm::session::{AgendaItem, AgendaKind};

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
    },
    Close {
        week: NaiveDate,
    },
}

/// One text field of a form, with its cursor (in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub value: String,
    pub cursor: usize,
}

impl Field {
    fn new(label: &'static str, value: &str) -> Field {
        Field {
            label,
            value: value.to_string(),
            cursor: value.chars().count(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        self.value
            .char_indices()
            .nth(char_index)
            .map_or(self.value.len(), |(i, _)| i)
    }

    fn insert(&mut self, text: &str) {
        let at = self.byte(self.cursor);
        let clean: String = text.chars().filter(|c| !c.is_control()).collect();
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
}

/// An entry being typed, against the agenda item in focus.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub kind: FormKind,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Why the last Enter did not save, in words.
    pub error: Option<String>,
    /// The agenda item the entry is made against.
    pub item: Option<AgendaItem>,
}

impl Form {
    pub fn title(&self) -> &'static str {
        match self.kind {
            FormKind::Action => "Action item",
            FormKind::Decision => "Decision",
            FormKind::Note => "Note",
            FormKind::Dispute => "Data dispute",
        }
    }

    /// Pasted text goes into the focused field (one line).
    pub fn insert(&mut self, text: &str) {
        let line = text.lines().collect::<Vec<_>>().join(" ");
        self.fields[self.focus].insert(&line);
    }

    fn value(&self, i: usize) -> &str {
        self.fields[i].value.trim()
    }
}

fn review_week(app: &App) -> Option<NaiveDate> {
    app.snapshot.as_ref().map(|s| s.weekly.week)
}

fn focused_item(app: &App) -> Option<AgendaItem> {
    match app.focused_row()? {
        RowId::Agenda(i) => app.snapshot.as_ref()?.agenda.get(i).cloned(),
        _ => None,
    }
}

/// The agenda item now in focus was shown: record its insight (once per week).
pub fn shown(app: &App) -> Option<Request> {
    if app.tab != Tab::Review {
        return None;
    }
    let item = focused_item(app)?;
    let (key, text) = item.insight?;
    let kind = if item.kind == AgendaKind::Flash {
        "flash"
    } else {
        "alert"
    };
    Some(Request::Write(
        Write::Insight {
            week: review_week(app)?,
            kind: kind.into(),
            key,
            text,
        },
        app.at,
    ))
}

/// A Review key: opens a form, or asks for a write.
pub fn on_review_action(app: &mut App, action: Action) -> Option<Request> {
    let week = review_week(app)?;
    let item = focused_item(app);
    let due = (app.snapshot.as_ref()?.at + Duration::days(7)).to_string();
    let form = |kind, fields| Form {
        kind,
        fields,
        focus: 0,
        error: None,
        item: item.clone(),
    };
    match action {
        Action::AddAction => {
            app.form = Some(form(
                FormKind::Action,
                vec![
                    Field::new("action", ""),
                    Field::new("owner (stakeholder id)", ""),
                    Field::new("due (YYYY-MM-DD)", &due),
                ],
            ))
        }
        Action::AddDecision => {
            app.form = Some(form(FormKind::Decision, vec![Field::new("decision", "")]))
        }
        Action::AddNote => app.form = Some(form(FormKind::Note, vec![Field::new("note", "")])),
        Action::OpenDispute => {
            let period = week.to_string();
            app.form = Some(form(
                FormKind::Dispute,
                vec![
                    Field::new("metric (KPI id or measure)", ""),
                    Field::new("period (YYYY-MM-DD)", &period),
                    Field::new("figure A", ""),
                    Field::new("source A (e.g. HubSpot)", ""),
                    Field::new("figure B", ""),
                    Field::new("source B (e.g. Salesforce)", ""),
                    Field::new("raised by (stakeholder id)", ""),
                ],
            ))
        }
        Action::MarkDelivered => {
            match item.and_then(|i| i.deliverable) {
                Some((deliverable, period)) => {
                    return Some(Request::Write(
                        Write::Deliver {
                            week,
                            deliverable,
                            period,
                        },
                        app.at,
                    ));
                }
                None => app.status = Some(
                    "m marks a deliverable delivered: move to a deliverable on the agenda first"
                        .into(),
                ),
            }
        }
        Action::CloseSession => return Some(Request::Write(Write::Close { week }, app.at)),
        _ => {}
    }
    None
}

/// A key while a form is open.
pub fn on_form_key(app: &mut App, key: KeyEvent) -> Option<Request> {
    let form = app.form.as_mut()?;
    let field = &mut form.fields[form.focus];
    match key.code {
        KeyCode::Esc => {
            app.form = None;
            app.status = Some("entry cancelled".into());
        }
        KeyCode::Enter => return submit(app),
        KeyCode::Tab | KeyCode::Down => form.focus = (form.focus + 1) % form.fields.len(),
        KeyCode::BackTab | KeyCode::Up => {
            form.focus = (form.focus + form.fields.len() - 1) % form.fields.len()
        }
        KeyCode::Left => field.cursor = field.cursor.saturating_sub(1),
        KeyCode::Right => field.cursor = (field.cursor + 1).min(field.value.chars().count()),
        KeyCode::Home => field.cursor = 0,
        KeyCode::End => field.cursor = field.value.chars().count(),
        KeyCode::Backspace => field.backspace(),
        KeyCode::Delete => field.delete(),
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => app.quit = true,
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            field.value.clear();
            field.cursor = 0;
        }
        KeyCode::Char(c) => field.insert(&c.to_string()),
        _ => {}
    }
    None
}

/// Validates the form against the charter; on success closes it and requests the write.
fn submit(app: &mut App) -> Option<Request> {
    let snapshot = app.snapshot.clone()?;
    let week = snapshot.weekly.week;
    let form = app.form.as_mut()?;
    let item_key = form.item.as_ref().map(|i| i.key.clone());
    let stakeholder = |id: &str| {
        snapshot.charter.stakeholder(id).map(|_| ()).ok_or_else(|| {
            let ids: Vec<&str> = snapshot
                .charter
                .stakeholders
                .iter()
                .map(|s| s.id.as_str())
                .collect();
            format!(
                "'{id}' is not a stakeholder of the charter: use one of {}",
                ids.join(", ")
            )
        })
    };
    let date = |text: &str, what: &str| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| format!("{what} '{text}' is not a date: write YYYY-MM-DD"))
    };
    let number = |text: &str, what: &str| {
        text.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("{what} '{text}' is not a number"))
    };
    let result: Result<Write, String> = (|| {
        if form.value(0).is_empty() {
            return Err(format!("the {} is empty", form.fields[0].label));
        }
        Ok(match form.kind {
            FormKind::Action => {
                stakeholder(form.value(1))?;
                Write::Action {
                    week,
                    agenda_item: item_key.clone().unwrap_or_default(),
                    insight: form.item.as_ref().and_then(|i| i.insight.clone()),
                    text: form.value(0).into(),
                    owner: form.value(1).into(),
                    due: date(form.value(2), "due")?,
                }
            }
            FormKind::Decision => Write::Decision {
                week,
                agenda_item: item_key.clone().unwrap_or_default(),
                text: form.value(0).into(),
            },
            FormKind::Note => Write::Note {
                week,
                agenda_item: item_key.clone(),
                text: form.value(0).into(),
            },
            FormKind::Dispute => {
                stakeholder(form.value(6))?;
                for i in [3, 5] {
                    if form.value(i).is_empty() {
                        return Err(format!("{} is empty", form.fields[i].label));
                    }
                }
                Write::Dispute {
                    week,
                    metric: form.value(0).into(),
                    period: date(form.value(1), "period")?,
                    figure_a: number(form.value(2), "figure A")?,
                    source_a: form.value(3).into(),
                    figure_b: number(form.value(4), "figure B")?,
                    source_b: form.value(5).into(),
                    raised_by: form.value(6).into(),
                }
            }
        })
    })();
    match result {
        Ok(write) => {
            app.form = None;
            Some(Request::Write(write, app.at))
        }
        Err(e) => {
            form.error = Some(e);
            None
        }
    }
}
