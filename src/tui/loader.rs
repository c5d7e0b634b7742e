//! The loader: a thread that owns the store's connection (never held across an
//! `.await`), loads the dataset, computes snapshots on request, hands the fitter the
//! week of each, commits the review session's records, and notices when another process commits to the store (SQLite's
//! `data_version` changes) so the cockpit refreshes.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use tokio::sync::mpsc::UnboundedSender;

use super::app::{Request, Write, WriteId};
use super::fitter;
use super::snapshot::{Snapshot, compute_cut, compute_first};
use crate::charter::Charter;
use crate::facts::Dataset;
use crate::present::minutes;
use crate::rhythm::allocation::Allocation;
use crate::rhythm::as_of::as_of;
use crate::rhythm::clock::Clock;
use crate::rhythm::minutes::minutes as session_minutes;
use crate::store::{NewDispute, Store};

/// What the loader tells the UI.
#[derive(Debug)]
pub enum Loaded {
    Snapshot(Arc<Snapshot>),
    Failed(String),
    /// Write `id` is committed (with a message for the footer), or was refused (why).
    Written {
        id: WriteId,
        outcome: Result<Option<String>, String>,
    },
    /// Write `id` waits: another process holds the store. It is kept and retried.
    Saving {
        id: WriteId,
        why: String,
    },
    /// The budget model for the week starting `week` is being fitted: done fraction.
    Fitting {
        week: NaiveDate,
        progress: f64,
    },
    /// The budget model for `week`, or why it could not be fitted.
    Model {
        week: NaiveDate,
        outcome: Result<Arc<Allocation>, String>,
    },
}

/// How often the loader looks for commits by other processes, and retries a write that
/// found the store busy.
const POLL: Duration = Duration::from_millis(500);

/// How long one attempt at a review write waits for another process's write to end
/// before the cockpit says "saving…" and tries again (the CLI waits 10 s, then fails).
const WRITE_WAIT: Duration = Duration::from_secs(1);

/// Why a review record was not committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsaved {
    /// Another process holds the store's write lock: try again.
    Busy(String),
    /// Anything else: the entry cannot be saved as it is.
    Failed(String),
}

impl Unsaved {
    fn of(e: crate::store::StoreError) -> Unsaved {
        let busy = match &e {
            crate::store::StoreError::Sql(s) | crate::store::StoreError::Open { source: s, .. } => {
                matches!(
                    s.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                )
            }
            _ => false,
        };
        if busy {
            Unsaved::Busy("the store is busy (another rhythm is writing to it); your entry is kept and retried".into())
        } else {
            Unsaved::Failed(e.to_string())
        }
    }
}

/// Starts the loader; closing sessions writes minutes into `minutes_dir`.
pub fn spawn(
    store: Store,
    charter: Arc<Charter>,
    minutes_dir: PathBuf,
    requests: Receiver<Request>,
    out: UnboundedSender<Loaded>,
) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("rhythm-loader".into())
        .spawn(move || run(store, charter, minutes_dir, requests, out))
        .expect("the loader thread starts")
}

fn data_version(store: &Store) -> Option<i64> {
    store.data_version().ok()
}

/// Every row of the store, with its records' tallies (`rhythm::kept::tallied`): cut to
/// every clock the cockpit asks for, they are tallied once.
fn load(store: &Store, charter: &Charter) -> Result<Dataset, String> {
    let data = store.load_dataset(charter).map_err(|e| e.to_string())?;
    Ok(crate::rhythm::kept::tallied(charter, data))
}

fn week_of(write: &Write) -> chrono::NaiveDate {
    match write {
        Write::Insight { week, .. }
        | Write::Action { week, .. }
        | Write::Decision { week, .. }
        | Write::Note { week, .. }
        | Write::Dispute { week, .. }
        | Write::Deliver { week, .. }
        | Write::Close { week }
        | Write::Scenario { week, .. } => *week,
    }
}

/// Commits one review record; every entry is its own transaction, so nothing entered is
/// lost if the cockpit dies. Returns a message for the footer.
pub fn apply(
    store: &Store,
    charter: &Charter,
    minutes_dir: &Path,
    write: &Write,
    now: NaiveDateTime,
) -> Result<Option<String>, Unsaved> {
    let e = Unsaved::of;
    let week = week_of(write);
    if let Write::Scenario { scenario, .. } = write {
        store.save_scenario(scenario).map_err(e)?;
        return Ok(Some(format!(
            "scenario '{}' saved; `rhythm recommend --scenario NAME` compares it",
            crate::text::field(&scenario.name)
        )));
    }
    store.open_session(week, now).map_err(e)?;
    let mut message = match write {
        Write::Insight {
            kind, key, text, ..
        } => {
            store
                .record_insight(week, kind, key, text, now)
                .map_err(e)?;
            None
        }
        Write::Action {
            agenda_item,
            insight,
            text,
            owner,
            due,
            ..
        } => {
            let insight_id = match insight {
                Some((key, shown)) => Some(
                    store
                        .record_insight(week, "alert", key, shown, now)
                        .map_err(e)?,
                ),
                None => None,
            };
            let id = store
                .add_action(
                    text,
                    owner,
                    *due,
                    insight_id,
                    Some(week),
                    Some(agenda_item),
                    now,
                )
                .map_err(e)?;
            Some(format!("action #{id} recorded for {owner}, due {due}"))
        }
        Write::Decision {
            agenda_item, text, ..
        } => {
            store
                .add_decision(week, Some(agenda_item), text, now)
                .map_err(e)?;
            Some("decision recorded".into())
        }
        Write::Note {
            agenda_item, text, ..
        } => {
            store
                .add_note(week, agenda_item.as_deref(), text, now)
                .map_err(e)?;
            Some("note recorded".into())
        }
        Write::Dispute {
            metric,
            period,
            figure_a,
            source_a,
            figure_b,
            source_b,
            raised_by,
            ..
        } => {
            let d = NewDispute {
                metric,
                period: *period,
                figure_a: *figure_a,
                source_a,
                figure_b: *figure_b,
                source_b,
                raised_by,
                week: Some(week),
            };
            let id = store.open_dispute(&d, now).map_err(e)?;
            Some(format!("dispute #{id} opened"))
        }
        Write::Deliver {
            delivered_at,
            deliverable,
            period,
            week,
        } => {
            store
                .record_delivery(deliverable, *period, *delivered_at, None, Some(*week))
                .map_err(e)?;
            Some(format!("{deliverable} marked delivered"))
        }
        Write::Scenario { .. } => None,
        Write::Close { .. } => {
            store.close_session(week, now).map_err(e)?;
            let path = write_minutes(store, charter, minutes_dir, week, now)?;
            Some(format!(
                "session closed; minutes written to {}",
                path.display()
            ))
        }
    };
    // An entry made after the session closed belongs in its minutes too: the file is
    // written again, the entry marked as recorded after closing.
    if !matches!(write, Write::Close { .. }) {
        let closed = store
            .session_records()
            .map_err(e)?
            .sessions
            .iter()
            .any(|(w, _, closed)| *w == week && closed.is_some());
        if closed {
            let path = write_minutes(store, charter, minutes_dir, week, now)?;
            let said = message.map_or(String::new(), |m| format!("{m}; "));
            message = Some(format!(
                "{said}the session was closed: minutes rewritten to {}",
                path.display()
            ));
        }
    }
    Ok(message)
}

/// Writes the minutes of `week` as they stand to `minutes_dir/WEEK.md`.
fn write_minutes(
    store: &Store,
    charter: &Charter,
    minutes_dir: &Path,
    week: NaiveDate,
    now: NaiveDateTime,
) -> Result<PathBuf, Unsaved> {
    let records = store.session_records().map_err(Unsaved::of)?;
    let text = minutes::markdown(charter, &session_minutes(charter, &records, week, now));
    let path = minutes_dir.join(format!("{week}.md"));
    crate::store::create_private_dir_all(minutes_dir)
        .and_then(|()| std::fs::write(&path, text))
        .map_err(|err| Unsaved::Failed(format!("{}: {err}", path.display())))?;
    Ok(path)
}

/// The clock of the cockpit's date: now when it is today (as `rhythm report` without
/// `--at`), else the end of that day (as `--at`).
pub fn clock_on(charter: &Charter, date: NaiveDate) -> Clock {
    let live = Clock::at_instant(charter, chrono::Utc::now());
    if date == live.today {
        live
    } else {
        Clock::end_of(charter, date)
    }
}

/// Every view on `date`'s clock (`clock_on`), and the cut of the data it was computed
/// from (the fitter's), without the session's minutes ([`with_minutes`]); None when
/// `interrupted` says, once the data is cut, that something else is asked first.
fn compute_for(
    charter: &Arc<Charter>,
    data: &Dataset,
    date: NaiveDate,
    to_date: bool,
    interrupted: &mut dyn FnMut() -> bool,
) -> Option<Computed> {
    let clock = clock_on(charter, date);
    let cut = Arc::new(as_of(charter, data, &clock));
    if interrupted() {
        return None;
    }
    let snapshot = compute_cut(charter, &cut, &clock, to_date);
    Some(Computed {
        snapshot,
        cut,
        clock,
    })
}

/// A snapshot with the cut it came from and its clock (today's live one moves: a
/// snapshot on it is never kept).
struct Computed {
    snapshot: Snapshot,
    cut: Arc<Dataset>,
    clock: Clock,
}

/// The first frame on `date` from the records' tallies the store keeps (`rhythm::kept`)
/// and a load without the records: the Weekly view in a few milliseconds where the full
/// load of a million leads takes a second. None when none are kept for the store as it
/// is, or it changed meanwhile.
fn first_frame(
    store: &Store,
    charter: &Arc<Charter>,
    date: NaiveDate,
    to_date: bool,
) -> Option<Snapshot> {
    let read = || -> Result<Option<Snapshot>, crate::store::StoreError> {
        let Some((kept, generation)) = store.kept_tallies(charter)? else {
            return Ok(None);
        };
        let partial = store.load_dataset_without_records(charter)?;
        if store.generation()? != generation {
            return Ok(None);
        }
        let partial = crate::rhythm::kept::with_kept(partial, kept);
        Ok(Some(weekly_first(charter, &partial, date, to_date)))
    };
    read()
        .inspect_err(|e| tracing::warn!("no first frame from the kept tallies: {e}"))
        .ok()
        .flatten()
}

/// The Weekly view on `date`'s clock from `partial`, a load without the records that
/// carries their tallies, with the session's minutes; the other reviews not yet.
fn weekly_first(
    charter: &Arc<Charter>,
    partial: &Dataset,
    date: NaiveDate,
    to_date: bool,
) -> Snapshot {
    let first = compute_first(charter, partial, &clock_on(charter, date), to_date);
    with_minutes(charter, partial, first)
}

/// Keeps the tallies of `data` (loaded at `generation`) for the next first frame,
/// unless the store already keeps just those.
fn keep_for_next_open(
    store: &mut Store,
    charter: &Charter,
    data: &Dataset,
    generation: crate::store::Generation,
) {
    let Some(tallies) = data.tallies.as_deref() else {
        return;
    };
    let same = store
        .kept_tallies(charter)
        .ok()
        .flatten()
        .is_some_and(|(k, g)| g == generation && k == *tallies);
    if !same && let Err(e) = store.keep_tallies(charter, generation, tallies) {
        tracing::warn!("the records' tallies were not kept for the next first frame: {e}");
    }
}

/// A week's minutes are what its session recorded, whenever it was held (a session on an
/// earlier week is held today): all the session records and the real time, as `rhythm
/// review minutes` and the minutes file have them. Set when the snapshot is shown, so one
/// computed ahead says what a session open now says.
fn with_minutes(charter: &Charter, data: &Dataset, mut snapshot: Snapshot) -> Snapshot {
    snapshot.minutes = session_minutes(
        charter,
        &data.session,
        snapshot.weekly.week,
        chrono::Utc::now().naive_utc(),
    );
    snapshot
}

/// How far one move of the period goes: a week, or a month, a quarter, a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Days(i64),
    Months(u32),
}

impl Step {
    /// `date` moved `n` steps (back when `n` is negative), one step at a time as the
    /// views move (a month on from the 31st ends on the month's last day, and the next
    /// month goes on from there).
    fn from(self, date: NaiveDate, n: i32) -> Option<NaiveDate> {
        let mut at = date;
        for _ in 0..n.unsigned_abs() {
            at = match self {
                Step::Days(d) => {
                    at.checked_add_signed(chrono::Duration::days(if n < 0 { -d } else { d }))?
                }
                Step::Months(m) if n < 0 => at.checked_sub_months(chrono::Months::new(m))?,
                Step::Months(m) => at.checked_add_months(chrono::Months::new(m))?,
            };
        }
        Some(at)
    }

    /// The step (and whether forward) that takes `from` to `to`, if it is one the views
    /// move by.
    fn between(from: NaiveDate, to: NaiveDate) -> Option<(Step, bool)> {
        [
            Step::Days(7),
            Step::Months(1),
            Step::Months(3),
            Step::Months(12),
        ]
        .into_iter()
        .find_map(|step| {
            if step.from(from, 1) == Some(to) {
                Some((step, true))
            } else if step.from(from, -1) == Some(to) {
                Some((step, false))
            } else {
                None
            }
        })
    }
}

/// The periods computed ahead: when the loader is idle it computes the snapshots of the
/// dates next to the one shown, in the direction and by the step of the last move (a
/// week back at first, the Weekly view's), so a period switch to one of them is a frame
/// rather than a computation (on a million leads a computation takes about 100 ms, a
/// frame has 16); a date computed on request is kept too. They are dropped whenever the
/// data is loaded again. Today's clock moves: a snapshot on it is never kept, and none
/// kept is served for the day that is today (one kept before midnight was on a clock
/// that has stopped).
#[derive(Default)]
struct Ahead {
    kept: Vec<Kept>,
    /// The last date shown, and the move that led to it.
    at: Option<NaiveDate>,
    step: Option<(Step, bool)>,
}

/// A snapshot kept, by its date and whether it is to date, with the cut of the data it
/// was computed from.
type Kept = ((NaiveDate, bool), Arc<Snapshot>, Arc<Dataset>);

/// Snapshots kept at most: more than the dates one shown date wants (itself and the
/// three ahead), so keeping one never drops another it wants.
const AHEAD_KEPT: usize = 8;

fn today(charter: &Charter) -> NaiveDate {
    Clock::at_instant(charter, chrono::Utc::now()).today
}

impl Ahead {
    fn clear(&mut self) {
        self.kept.clear();
    }

    fn kept(
        &self,
        charter: &Charter,
        date: NaiveDate,
        to_date: bool,
    ) -> Option<(Arc<Snapshot>, Arc<Dataset>)> {
        if date == today(charter) {
            return None;
        }
        self.kept
            .iter()
            .find(|(k, _, _)| *k == (date, to_date))
            .map(|(_, s, c)| (Arc::clone(s), Arc::clone(c)))
    }

    /// Whether `date` is a move from the last date shown by a month, a quarter or a year:
    /// the moves of the views that read the records themselves (Monthly, Quarterly,
    /// Annual). A week's move, or a jump (`t`), is one of the views that read only the
    /// Weekly view's figures (Weekly, Charter, Review), or lands on today.
    fn a_months_move(&self, date: NaiveDate) -> bool {
        self.at
            .and_then(|from| Step::between(from, date))
            .is_some_and(|(step, _)| matches!(step, Step::Months(_)))
    }

    fn moved_to(&mut self, date: NaiveDate) {
        if let Some(from) = self.at
            && let Some(step) = Step::between(from, date)
        {
            self.step = Some(step);
        }
        self.at = Some(date);
    }

    /// The dates to compute ahead of `date`, the likeliest first: a step on in the last
    /// move's direction, a step back, two steps on; never today.
    fn wanted(&self, charter: &Charter, date: NaiveDate) -> Vec<NaiveDate> {
        let (step, forward) = self.step.unwrap_or((Step::Days(7), false));
        let ahead = if forward { 1 } else { -1 };
        let today = today(charter);
        [ahead, -ahead, 2 * ahead]
            .into_iter()
            .filter_map(|n| step.from(date, n))
            .filter(|d| *d != today)
            .collect()
    }

    /// The next date to compute ahead of `date`, if any is left.
    fn next(&self, charter: &Charter, date: NaiveDate, to_date: bool) -> Option<NaiveDate> {
        self.wanted(charter, date)
            .into_iter()
            .find(|d| self.kept(charter, *d, to_date).is_none())
    }

    /// Computes one date ahead of `date`, if any is left, unless `interrupted` says
    /// something else is asked first.
    fn fill_one(
        &mut self,
        charter: &Arc<Charter>,
        data: &Dataset,
        date: NaiveDate,
        to_date: bool,
        interrupted: &mut dyn FnMut() -> bool,
    ) {
        let Some(next) = self.next(charter, date, to_date) else {
            return;
        };
        if let Some(c) = compute_for(charter, data, next, to_date, interrupted) {
            self.keep(charter, (date, to_date), (next, to_date), c);
        }
    }

    /// Keeps `computed` as `key`'s unless its clock was live. When full, the entry
    /// dropped is one the date `shown` does not want: of the other `to_date` first, then
    /// the farthest from it.
    fn keep(
        &mut self,
        charter: &Charter,
        shown: (NaiveDate, bool),
        key: (NaiveDate, bool),
        computed: Computed,
    ) {
        if !computed.clock.day_over || self.kept.iter().any(|(k, _, _)| *k == key) {
            return;
        }
        if self.kept.len() >= AHEAD_KEPT {
            let wanted = self.wanted(charter, shown.0);
            let wants =
                |k: &(NaiveDate, bool)| *k == shown || (k.1 == shown.1 && wanted.contains(&k.0));
            let drop = (0..self.kept.len())
                .filter(|&i| !wants(&self.kept[i].0))
                .max_by_key(|&i| {
                    let k = self.kept[i].0;
                    (k.1 != shown.1, (k.0 - shown.0).num_days().abs())
                });
            let Some(i) = drop else { return };
            self.kept.swap_remove(i);
        }
        self.kept
            .push((key, Arc::new(computed.snapshot), computed.cut));
    }
}

/// How often a snapshot on today's clock is recomputed as time passes.
const LIVE_REFRESH: Duration = Duration::from_secs(60);

fn run(
    mut store: Store,
    charter: Arc<Charter>,
    minutes_dir: PathBuf,
    requests: Receiver<Request>,
    out: UnboundedSender<Loaded>,
) {
    let mut data: Option<Arc<Dataset>> = None;
    // A review write waits a little for another process's write, then says "saving…"
    // and is retried each round; the cockpit never blocks on it.
    if let Err(e) = store.conn.busy_timeout(WRITE_WAIT) {
        tracing::warn!("could not shorten the store's busy timeout: {e}");
    }
    // Each load of the dataset gets a number, so the fitter knows when its models are old.
    let mut generation = 0u64;
    let (fits, _fitter) = fitter::spawn(Arc::clone(&charter), out.clone());
    let mut version = data_version(&store);
    let mut at = None;
    let mut last_computed = None;
    // The month, quarter and year to date (`T`) rather than the last complete ones.
    let mut to_date = false;
    // Review writes not committed yet, in the order asked: one that finds the store busy
    // stays at the front (with those after it) and is tried again next round.
    let mut queue: VecDeque<(WriteId, Write)> = VecDeque::new();
    // The write the UI was last told is waiting, so it is told once.
    let mut told_busy: Option<WriteId> = None;
    let mut ahead = Ahead::default();
    // The first full load keeps its records' tallies for the next first frame
    // (`first_frame`), at the store's generation then. Only the first: an import keeps
    // them afresh itself (`rhythm import`), and every write is another cockpit's commit
    // to reload on — cockpits keeping after each reload could reload each other without
    // end.
    let mut keep_due: Option<crate::store::Generation> = None;
    // The data loaded, without its records but with their tallies: the Weekly view on
    // another clock in a few milliseconds.
    let mut partial: Option<Arc<Dataset>> = None;
    // Requests taken off the channel while computing ahead, handled first.
    let mut stash: VecDeque<Request> = VecDeque::new();
    loop {
        // With periods left to compute ahead, only look whether anything was asked.
        let idle = match (&data, at) {
            (Some(_), Some(date)) if ahead.next(&charter, date, to_date).is_some() => {
                Duration::ZERO
            }
            _ => POLL,
        };
        let first = match stash.pop_front() {
            Some(r) => Ok(r),
            None => requests.recv_timeout(idle),
        };
        let first = match first {
            Ok(r) => Some(r),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        // Writes are all applied, in order; of the computations only the newest matters:
        // older ones are cancelled by skipping them.
        let mut pending: Vec<Request> = first.into_iter().collect();
        pending.extend(stash.drain(..));
        pending.extend(requests.try_iter());
        for r in &pending {
            if let Request::Write(id, w, _) = r {
                queue.push_back((*id, w.clone()));
            }
        }
        let mut wrote = false;
        while let Some((id, w)) = queue.front() {
            let id = *id;
            let outcome = match apply(
                &store,
                &charter,
                &minutes_dir,
                w,
                chrono::Utc::now().naive_utc(),
            ) {
                Ok(m) => Ok(m),
                Err(Unsaved::Busy(why)) => {
                    if told_busy != Some(id) {
                        told_busy = Some(id);
                        if out.send(Loaded::Saving { id, why }).is_err() {
                            return;
                        }
                    }
                    break;
                }
                Err(Unsaved::Failed(why)) => {
                    tracing::error!("a review entry was not saved: {why}");
                    Err(why)
                }
            };
            // A refused write may have committed part of itself (the session it opened):
            // the data is loaded again either way.
            wrote = true;
            queue.pop_front();
            if out.send(Loaded::Written { id, outcome }).is_err() {
                return;
            }
        }
        let request = pending.pop();
        let changed = data_version(&store) != version;
        if let Some(
            Request::Compute(d)
            | Request::Reload(d)
            | Request::Write(_, _, d)
            | Request::ToDate(_, d),
        ) = &request
        {
            at = Some(*d);
        }
        for r in pending.iter().chain(request.iter()) {
            if let Request::ToDate(t, _) = r {
                to_date = *t;
            }
        }
        let Some(date) = at else { continue };
        // On today's clock the figures move with time (a delivery falls due, an action
        // ages): recompute once a minute even when nothing was asked or written — and
        // once more when the day shown live is over (its last week may now be complete).
        let live = Clock::at_instant(&charter, chrono::Utc::now()).today == date;
        let clock_moved = last_computed.is_some_and(|(t, was_live): (std::time::Instant, bool)| {
            t.elapsed() >= LIVE_REFRESH && (live || was_live)
        });
        if request.is_none() && !changed && !clock_moved && !wrote {
            // Idle: compute one of the periods next to the one shown, then look again.
            if let Some(d) = data.as_ref() {
                // A request arriving meanwhile goes first: the date ahead waits.
                let mut asked = || match requests.try_recv() {
                    Ok(r) => {
                        stash.push_back(r);
                        true
                    }
                    Err(_) => false,
                };
                ahead.fill_one(&charter, d, date, to_date, &mut asked);
            }
            continue;
        }
        let loaded_now =
            wrote || changed || data.is_none() || matches!(request, Some(Request::Reload(_)));
        if loaded_now {
            version = data_version(&store);
            ahead.clear();
            // Opening, the Weekly view from what the last full load kept, before the
            // records load.
            if data.is_none()
                && let Some(first) = first_frame(&store, &charter, date, to_date)
                && out.send(Loaded::Snapshot(Arc::new(first))).is_err()
            {
                return;
            }
            // Read before the load: the data is at least as new as what it says.
            let seen = store.generation().ok();
            match load(&store, &charter) {
                Ok(d) => {
                    // The model reads only the channel data: a review entry or another
                    // kind's import does not make the fitted models old.
                    if data
                        .as_ref()
                        .is_none_or(|old| old.channel_weeks != d.channel_weeks)
                    {
                        generation += 1;
                    }
                    if data.is_none() {
                        keep_due = seen;
                    }
                    partial = Some(Arc::new(crate::rhythm::kept::without_records(&d)));
                    data = Some(Arc::new(d));
                }
                Err(e) => {
                    tracing::error!("loading the store failed: {e}");
                    if out.send(Loaded::Failed(e)).is_err() {
                        return;
                    }
                    continue;
                }
            }
        }
        let Some(d) = data.as_ref() else { continue };
        let started = std::time::Instant::now();
        last_computed = Some((started, live));
        let (snapshot, cut) = match ahead.kept(&charter, date, to_date) {
            Some((s, c)) => ((*s).clone(), c),
            None => {
                // A move the periods ahead had not reached (a held `[`, `t`) on a view that
                // reads only the Weekly view's figures: that view from the tallies at once,
                // every view when computed. A month's move waits for its view.
                if !loaded_now
                    && ahead.at.is_some_and(|shown| shown != date)
                    && !ahead.a_months_move(date)
                    && let Some(p) = partial.as_deref()
                {
                    let first = weekly_first(&charter, p, date, to_date);
                    if out.send(Loaded::Snapshot(Arc::new(first))).is_err() {
                        return;
                    }
                }
                let Some(c) = compute_for(&charter, d, date, to_date, &mut || false) else {
                    continue;
                };
                let shown = (c.snapshot.clone(), Arc::clone(&c.cut));
                // Kept too: a move back to it is a frame.
                ahead.keep(&charter, (date, to_date), (date, to_date), c);
                shown
            }
        };
        ahead.moved_to(date);
        let snapshot = with_minutes(&charter, d, snapshot);
        tracing::debug!("the snapshot for {date} in {:?}", started.elapsed());
        let week = snapshot.weekly.week;
        let snapshot = Arc::new(snapshot);
        if out.send(Loaded::Snapshot(Arc::clone(&snapshot))).is_err() {
            return;
        }
        if let Some(seen) = keep_due.take() {
            keep_for_next_open(&mut store, &charter, d, seen);
        }
        // The budget model comes after the reviews, which never wait for it.
        // It reads the data as of the same clock as the reviews (and `rhythm recommend`).
        let _ = fits.send(fitter::Job {
            week,
            data: cut,
            generation,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_move_is_read_as_the_step_of_the_view_that_made_it() {
        let from = day(2026, 3, 31);
        assert_eq!(
            Step::between(from, day(2026, 3, 24)),
            Some((Step::Days(7), false))
        );
        // Months end where chrono's calendar arithmetic puts them, as the views move.
        assert_eq!(
            Step::between(from, day(2026, 4, 30)),
            Some((Step::Months(1), true))
        );
        assert_eq!(
            Step::between(from, day(2025, 12, 31)),
            Some((Step::Months(3), false))
        );
        assert_eq!(
            Step::between(from, day(2027, 3, 31)),
            Some((Step::Months(12), true))
        );
        // Today (`t`) or a reload is no step: the last one stays.
        assert_eq!(Step::between(from, day(2026, 3, 30)), None);
    }

    #[test]
    fn two_steps_ahead_are_two_moves_of_the_view() {
        // From the 31st a month on is the 28th, and the next month goes on from there.
        assert_eq!(
            Step::Months(1).from(day(2027, 1, 31), 2),
            Some(day(2027, 3, 28))
        );
        assert_eq!(
            Step::Months(1).from(day(2027, 3, 31), -2),
            Some(day(2027, 1, 28))
        );
        assert_eq!(
            Step::Days(7).from(day(2027, 1, 31), -2),
            Some(day(2027, 1, 17))
        );
    }

    /// A snapshot of `date` on the empty data, as computed ahead.
    fn computed(charter: &Arc<Charter>, date: NaiveDate, to_date: bool) -> Computed {
        compute_for(charter, &Dataset::default(), date, to_date, &mut || false)
            .expect("not interrupted")
    }

    /// Fills ahead of `shown` as the idle loader does, the shown date kept first; the
    /// number of dates computed.
    fn settle(ahead: &mut Ahead, charter: &Arc<Charter>, shown: NaiveDate, to_date: bool) -> usize {
        ahead.moved_to(shown);
        if ahead.kept(charter, shown, to_date).is_none() {
            ahead.keep(
                charter,
                (shown, to_date),
                (shown, to_date),
                computed(charter, shown, to_date),
            );
        }
        let mut n = 0;
        while let Some(next) = ahead.next(charter, shown, to_date) {
            ahead.keep(
                charter,
                (shown, to_date),
                (next, to_date),
                computed(charter, next, to_date),
            );
            n += 1;
            assert!(n <= 3, "computing ahead of {shown} never ends");
        }
        n
    }

    #[test]
    fn the_dates_ahead_follow_the_last_move_and_skip_what_is_kept() {
        let charter = Arc::new(Charter::shipped());
        let at = day(2025, 6, 16);
        let mut ahead = Ahead::default();
        // At first, the Weekly view's: a week back.
        assert_eq!(ahead.next(&charter, at, false), Some(day(2025, 6, 9)));
        // Moved a month forward: a month on, a month back, two months on.
        ahead.moved_to(day(2025, 5, 16));
        ahead.moved_to(at);
        let expected = [day(2025, 7, 16), day(2025, 5, 16), day(2025, 8, 16)];
        for (n, want) in expected.into_iter().enumerate() {
            assert_eq!(ahead.next(&charter, at, false), Some(want), "date {n}");
            ahead.keep(
                &charter,
                (at, false),
                (want, false),
                computed(&charter, want, false),
            );
        }
        assert_eq!(ahead.next(&charter, at, false), None);
        // The month, quarter and year to date are other snapshots.
        assert_eq!(ahead.next(&charter, at, true), Some(day(2025, 7, 16)));
        ahead.clear();
        assert_eq!(ahead.next(&charter, at, false), Some(day(2025, 7, 16)));
    }

    #[test]
    fn keeping_a_date_never_drops_one_the_date_shown_wants() {
        let charter = Arc::new(Charter::shipped());
        let mut ahead = Ahead::default();
        let mut at = day(2025, 6, 16);
        // Weeks back, then months, then to date and back, then quarters: the cache fills
        // and every date shown still gets all it wants, in at most three computations.
        let moves: [(Step, i32, Option<bool>); 9] = [
            (Step::Days(7), -1, None),
            (Step::Days(7), -1, None),
            (Step::Months(1), -1, None),
            (Step::Months(1), -1, Some(true)),
            (Step::Months(1), 1, None),
            (Step::Months(1), 1, Some(false)),
            (Step::Months(3), -1, None),
            (Step::Days(7), 1, Some(true)),
            (Step::Months(12), -1, None),
        ];
        let mut to_date = false;
        for (step, n, toggle) in moves {
            at = step.from(at, n).unwrap();
            to_date = toggle.unwrap_or(to_date);
            settle(&mut ahead, &charter, at, to_date);
            assert!(ahead.kept.len() <= AHEAD_KEPT);
            assert!(ahead.kept(&charter, at, to_date).is_some(), "{at} is kept");
            assert_eq!(
                ahead.next(&charter, at, to_date),
                None,
                "all ahead of {at} kept"
            );
        }
    }

    #[test]
    fn a_full_cache_of_near_weeks_still_takes_the_years_a_year_step_wants() {
        let charter = Arc::new(Charter::shipped());
        let mut ahead = Ahead::default();
        let at = day(2025, 6, 16);
        for w in 1..=AHEAD_KEPT as i64 {
            let d = at - chrono::Duration::days(7 * w);
            ahead.keep(
                &charter,
                (at, false),
                (d, false),
                computed(&charter, d, false),
            );
        }
        assert_eq!(ahead.kept.len(), AHEAD_KEPT);
        // A year back: the dates it wants are the farthest from it, and all are kept.
        ahead.moved_to(day(2026, 6, 16));
        assert_eq!(settle(&mut ahead, &charter, at, false), 3);
        assert_eq!(ahead.kept.len(), AHEAD_KEPT);
    }

    #[test]
    fn today_is_never_kept_nor_served() {
        let charter = Arc::new(Charter::shipped());
        let today = today(&charter);
        let mut ahead = Ahead::default();
        // Today's live clock: not kept.
        let live = computed(&charter, today, false);
        assert!(!live.clock.day_over);
        ahead.keep(&charter, (today, false), (today, false), live);
        assert!(ahead.kept.is_empty());
        // One kept on a day's end (yesterday's, say, before midnight) is not served for
        // the day that is today.
        let yesterday = computed(&charter, today - chrono::Duration::days(1), false);
        assert!(yesterday.clock.day_over);
        let stopped = yesterday;
        ahead.keep(&charter, (today, false), (today, false), stopped);
        assert_eq!(ahead.kept.len(), 1);
        assert!(ahead.kept(&charter, today, false).is_none());
        // Nor is today computed ahead.
        ahead.moved_to(today + chrono::Duration::days(7));
        assert!(
            !ahead
                .wanted(&charter, today + chrono::Duration::days(7))
                .contains(&today)
        );
    }
}
