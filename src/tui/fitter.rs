//! The fitter: a thread that fits the budget model for the reviewed week, so neither the
//! UI nor the loader ever waits for a fit. The loader hands it the dataset it loaded and
//! the week of each snapshot it sent; the fitter answers the UI directly with progress and
//! then the model (or why there is none). Models are kept per week for the dataset they
//! were fitted on. Only the newest job is worked on: one for another week or dataset
//! that arrives while a fit runs stops that fit at once.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender};

use chrono::NaiveDate;
use tokio::sync::mpsc::UnboundedSender;

use super::loader::Loaded;
use crate::charter::Charter;
use crate::facts::Dataset;
use crate::model::ModelError;
use crate::rhythm::allocation::{self, Allocation};

/// Fit the model on `data` (the loader's dataset number `generation`) for `week`.
#[derive(Debug, Clone)]
pub struct Job {
    pub week: NaiveDate,
    pub data: Arc<Dataset>,
    pub generation: u64,
}

/// How many weeks' models the fitter keeps for one dataset.
const CACHE: usize = 16;
/// How far the fit must have moved before the fitter reports progress again.
const PROGRESS_STEP: f64 = 0.05;

/// Starts the fitter; it stops when the loader drops its end of `jobs`.
pub fn spawn(
    charter: Arc<Charter>,
    out: UnboundedSender<Loaded>,
) -> (Sender<Job>, std::thread::JoinHandle<()>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = std::thread::Builder::new()
        .name("rhythm-fitter".into())
        .spawn(move || run(&charter, &rx, &out))
        .expect("the fitter thread starts");
    (tx, handle)
}

fn run(charter: &Charter, jobs: &Receiver<Job>, out: &UnboundedSender<Loaded>) {
    let mut models: BTreeMap<NaiveDate, Result<Arc<Allocation>, String>> = BTreeMap::new();
    let mut generation = None;
    let mut next: Option<Job> = None;
    loop {
        let job = match next.take() {
            Some(job) => job,
            None => match jobs.recv() {
                Ok(job) => job,
                Err(_) => return,
            },
        };
        // Only the newest job matters.
        let job = jobs.try_iter().last().unwrap_or(job);
        if generation != Some(job.generation) {
            models.clear();
            generation = Some(job.generation);
        }
        if !models.contains_key(&job.week) {
            // A bug in the model must not take the cockpit down: it becomes this week's
            // failure, and the log has the panic.
            let fitted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                fit(charter, &job, jobs, &mut next, out)
            }));
            let outcome = match fitted {
                // Stopped for a newer job: nothing to keep or tell.
                Ok(Err(ModelError::Cancelled)) => continue,
                Ok(outcome) => outcome.map(Arc::new).map_err(|e| e.to_string()),
                Err(_) => Err(
                    "the model failed with an internal error (see data/rhythm.log); the reviews are unaffected"
                        .into(),
                ),
            };
            if models.len() >= CACHE {
                models.pop_first();
            }
            models.insert(job.week, outcome);
        }
        let outcome = models[&job.week].clone();
        if out
            .send(Loaded::Model {
                week: job.week,
                outcome,
            })
            .is_err()
        {
            return;
        }
    }
}

/// Fits for `job`, reporting progress. A job for another week or dataset that arrives
/// meanwhile goes to `next` and stops the fit (`ModelError::Cancelled`); the same job
/// again is the one running.
fn fit(
    charter: &Charter,
    job: &Job,
    jobs: &Receiver<Job>,
    next: &mut Option<Job>,
    out: &UnboundedSender<Loaded>,
) -> Result<Allocation, ModelError> {
    let week = job.week;
    let mut reported = 0.0;
    let _ = out.send(Loaded::Fitting {
        week,
        progress: 0.0,
    });
    let started = std::time::Instant::now();
    let outcome = allocation::for_week(charter, &job.data, week, &mut |progress| {
        if let Some(newer) = jobs.try_iter().last()
            && (newer.week != week || newer.generation != job.generation)
        {
            *next = Some(newer);
            return false;
        }
        if progress - reported >= PROGRESS_STEP {
            reported = progress;
            let _ = out.send(Loaded::Fitting { week, progress });
        }
        true
    });
    tracing::debug!(
        "budget model for {week}: {} in {:?}",
        if outcome.is_ok() {
            "fitted"
        } else {
            "not fitted"
        },
        started.elapsed()
    );
    outcome
}
