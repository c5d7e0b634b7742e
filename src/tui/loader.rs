//! The loader: a thread that owns the store's connection (never held across an
//! `.await`), loads the dataset, computes snapshots on request, and notices when another
//! process commits to the store (SQLite's `data_version` changes) so the cockpit refreshes.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::app::Request;
use super::snapshot::{Snapshot, compute};
use crate::charter::Charter;
use crate::rhythm::data::Dataset;
use crate::store::Store;

/// What the loader tells the UI.
#[derive(Debug)]
pub enum Loaded {
    Snapshot(Arc<Snapshot>),
    Failed(String),
}

/// How often the loader looks for commits by other processes.
const POLL: Duration = Duration::from_millis(500);

pub fn spawn(
    store: Store,
    charter: Arc<Charter>,
    requests: Receiver<Request>,
    out: UnboundedSender<Loaded>,
) -> std::thread::JoinHandle<()> {
    std::thread::Builder::new()
        .name("rhythm-loader".into())
        .spawn(move || run(store, charter, requests, out))
        .expect("the loader thread starts")
}

fn data_version(store: &Store) -> Option<i64> {
    store
        .conn
        .pragma_query_value(None, "data_version", |r| r.get(0))
        .ok()
}

fn load(store: &Store, charter: &Charter) -> Result<Dataset, String> {
    store.load_dataset(charter).map_err(|e| e.to_string())
}

fn run(
    store: Store,
    charter: Arc<Charter>,
    requests: Receiver<Request>,
    out: UnboundedSender<Loaded>,
) {
    let mut data: Option<Dataset> = None;
    let mut version = data_version(&store);
    let mut at = None;
    loop {
        let request = match requests.recv_timeout(POLL) {
            Ok(r) => Some(r),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        // Only the newest request matters: older ones are cancelled by skipping them.
        let request = requests.try_iter().last().or(request);
        let changed = data_version(&store) != version;
        let reload = changed || matches!(request, Some(Request::Reload(_))) || data.is_none();
        if let Some(Request::Compute(d) | Request::Reload(d)) = request {
            at = Some(d);
        }
        let Some(date) = at else { continue };
        if request.is_none() && !changed {
            continue;
        }
        if reload {
            version = data_version(&store);
            match load(&store, &charter) {
                Ok(d) => data = Some(d),
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
        let snapshot = compute(&charter, d, date);
        tracing::debug!(
            "computed the snapshot for {date} in {:?}",
            started.elapsed()
        );
        if out.send(Loaded::Snapshot(Arc::new(snapshot))).is_err() {
            return;
        }
    }
}
