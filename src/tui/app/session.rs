//! The state's side of the weekly review session: the agenda item in focus, the keys
//! that open an entry's form or ask for a write, and the keys while a form is open.

use chrono::{Duration, NaiveDate};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{App, Request, RowId, Tab, WriteId};
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
    pub(super) fn insight_shown(&mut self) -> Option<Request> {
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
        let week = self.session_week()?;
        Some(self.write(Write::Insight {
            week,
            kind: kind.into(),
            key,
            text,
        }))
    }

    /// Asks the loader for `write`, under a new id, and remembers it as unsaved.
    fn write(&mut self, write: Write) -> Request {
        let id = self.next_write;
        self.next_write += 1;
        self.unsaved.insert(id);
        Request::Write(id, write, self.at)
    }

    /// The loader committed write `id` (with its message for the footer), or could not.
    /// The form that asked for it closes only once it is saved; refused, it stays open
    /// with its text and says why, so Enter can try again.
    pub fn written(&mut self, id: WriteId, outcome: Result<Option<String>, String>) {
        self.unsaved.remove(&id);
        let from_form = self.form.as_ref().is_some_and(|f| f.saving == Some(id));
        match outcome {
            Ok(message) => {
                if from_form {
                    self.form = None;
                }
                if message.is_some() || from_form {
                    self.status = Some(message.unwrap_or_else(|| "saved".into()));
                }
            }
            Err(e) => match self.form.as_mut().filter(|_| from_form) {
                Some(form) => {
                    form.saving = None;
                    form.waiting = None;
                    form.error = Some(format!(
                        "not saved: {e} — your text is kept: Enter tries again, Esc discards it"
                    ));
                }
                None => self.status = Some(format!("not saved: {e}")),
            },
        }
        if self.leaving && self.unsaved.is_empty() {
            self.quit = true;
        }
    }

    /// Write `id` waits for the store, which another process is writing to: it is kept
    /// and retried.
    pub fn saving(&mut self, id: WriteId, why: String) {
        match self.form.as_mut().filter(|f| f.saving == Some(id)) {
            Some(form) => form.waiting = Some(why),
            None => self.status = Some(format!("saving… {why}")),
        }
    }

    /// Whether the cockpit may quit now that quit was asked: not while writes are
    /// unsaved, unless quit is asked a second time.
    pub fn may_quit(&mut self) -> bool {
        if self.unsaved.is_empty() || self.leaving {
            return true;
        }
        self.quit = false;
        self.leaving = true;
        let n = self.unsaved.len();
        self.status = Some(format!(
            "saving {n} {} before quitting — q again quits without {}",
            if n == 1 { "entry" } else { "entries" },
            if n == 1 { "it" } else { "them" }
        ));
        false
    }

    /// A session key: opens an entry's form, or asks for a write.
    pub(super) fn on_session_action(&mut self, action: Action) -> Option<Request> {
        let week = self.session_week()?;
        let item = self.focused_item();
        // A week from the day the session is held, never from the reviewed week's date
        // (a past week's review would offer a due date already gone).
        let due = (self.today.max(self.snapshot.as_ref()?.at) + Duration::days(7)).to_string();
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
            Action::CloseSession => return Some(self.write(Write::Close { week })),
            _ => {}
        }
        None
    }

    /// A key while an entry's form is open. While its entry is being saved the form
    /// takes no edits (what is saved is what is shown); Ctrl-C still quits.
    pub(super) fn on_form_key(&mut self, key: KeyEvent) -> Option<Request> {
        let form = self.form.as_mut()?;
        if form.saving.is_some() {
            if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
                self.quit = true;
            }
            return None;
        }
        match form.on_key(key) {
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
        let written = match self.form.as_ref()? {
            f if f.kind == FormKind::Scenario => {
                self.scenario_write(f.value(FieldId::ScenarioName))
            }
            f => f.write(&snapshot),
        };
        if let (Ok(Write::Scenario { scenario, .. }), Some(w)) = (&written, self.what_if.as_mut()) {
            w.name = Some(scenario.name.clone());
        }
        let form = self.form.as_mut()?;
        match written {
            Ok(write) => {
                // The form stays, its text with it, until the loader says it is saved.
                let request = self.write(write);
                if let (Some(form), Request::Write(id, ..)) = (self.form.as_mut(), &request) {
                    form.saving = Some(*id);
                    form.error = None;
                }
                Some(request)
            }
            Err(e) => {
                form.error = Some(e);
                None
            }
        }
    }
}
