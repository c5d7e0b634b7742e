//! The state's side of the weekly review session: the agenda item in focus, the keys
//! that open an entry's form or ask for a write, and the keys while a form is open.

use chrono::{Duration, NaiveDate};
use ratatui::crossterm::event::KeyEvent;

use super::{App, Request, RowId, Tab};
use crate::rhythm::clock;
use crate::rhythm::session::{AgendaItem, AgendaKind};
use crate::tui::keys::Action;
use crate::tui::session::{FieldId, Form, FormKey, FormKind, Write};

impl App {
    /// The week the session reviews: the reviewed week of the current snapshot.
    fn session_week(&self) -> Option<NaiveDate> {
        self.snapshot.as_ref().map(|s| s.weekly.week)
    }

    /// The agenda item the selection is on.
    fn focused_item(&self) -> Option<AgendaItem> {
        match self.focused_row()? {
            RowId::Agenda(i) => self.snapshot.as_ref()?.agenda.get(i).cloned(),
            _ => None,
        }
    }

    /// The agenda item now in focus was shown: record its insight (once per week).
    pub(super) fn insight_shown(&self) -> Option<Request> {
        if self.tab != Tab::Session {
            return None;
        }
        let item = self.focused_item()?;
        let (key, text) = crate::present::agenda::insight(&item)?;
        let kind = if item.kind == AgendaKind::Flash {
            "flash"
        } else {
            "alert"
        };
        Some(Request::Write(
            Write::Insight {
                week: self.session_week()?,
                kind: kind.into(),
                key,
                text,
            },
            self.at,
        ))
    }

    /// A session key: opens an entry's form, or asks for a write.
    pub(super) fn on_session_action(&mut self, action: Action) -> Option<Request> {
        let week = self.session_week()?;
        let item = self.focused_item();
        let due = (self.snapshot.as_ref()?.at + Duration::days(7)).to_string();
        let period = week.to_string();
        let form = |kind, prefilled: &[(FieldId, &str)]| Form::new(kind, item.clone(), prefilled);
        match action {
            Action::AddAction => {
                self.form = Some(form(FormKind::Action, &[(FieldId::Due, &due)]));
            }
            Action::AddDecision => self.form = Some(form(FormKind::Decision, &[])),
            Action::AddNote => self.form = Some(form(FormKind::Note, &[])),
            Action::OpenDispute => {
                self.form = Some(form(FormKind::Dispute, &[(FieldId::Period, &period)]));
            }
            Action::MarkDelivered => match item.as_ref().and_then(|i| i.deliverable.as_ref()) {
                // Delivered now unless the time is edited (in the charter's zone).
                Some(_) => {
                    let snapshot = self.snapshot.as_ref()?;
                    let now = clock::utc_to_local(&snapshot.charter, snapshot.now)
                        .format("%Y-%m-%d %H:%M")
                        .to_string();
                    self.form = Some(form(FormKind::Delivery, &[(FieldId::DeliveredAt, &now)]));
                }
                None => self.status = Some(
                    "m marks a deliverable delivered: move to a deliverable on the agenda first"
                        .into(),
                ),
            },
            Action::CloseSession => return Some(Request::Write(Write::Close { week }, self.at)),
            _ => {}
        }
        None
    }

    /// A key while an entry's form is open.
    pub(super) fn on_form_key(&mut self, key: KeyEvent) -> Option<Request> {
        match self.form.as_mut()?.on_key(key) {
            FormKey::Edited => {}
            FormKey::Cancel => {
                self.form = None;
                self.status = Some("entry cancelled".into());
            }
            FormKey::Submit => return self.submit(),
            FormKey::Quit => self.quit = true,
        }
        None
    }

    /// Validates the entry; on success closes the form and requests the write.
    fn submit(&mut self) -> Option<Request> {
        let snapshot = self.snapshot.clone()?;
        let form = self.form.as_mut()?;
        match form.write(&snapshot) {
            Ok(write) => {
                self.form = None;
                Some(Request::Write(write, self.at))
            }
            Err(e) => {
                form.error = Some(e);
                None
            }
        }
    }
}
