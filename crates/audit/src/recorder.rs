//! The message recorder: a bounded queue in front of batched inserts, so that a burst of
//! messages is written in few statements and none is lost. Senders wait when the queue is
//! full (the gateway slows down instead of dropping rows); a failed batch is retried; the
//! queue is drained when the bot stops.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tracing::Instrument as _;

use crate::store::{NewRow, Store};
use crate::{Error, Result};

/// How many times a batch is tried before its rows are given up (and counted as lost).
const ATTEMPTS: u32 = 5;

enum Op {
    Row(NewRow),
    Flush(oneshot::Sender<()>),
}

/// Counters of a recorder.
#[derive(Debug, Default)]
pub struct RecorderStats {
    /// Rows written.
    pub written: AtomicU64,
    /// Rows given up after every retry failed.
    pub lost: AtomicU64,
    /// Insert statements run.
    pub batches: AtomicU64,
}

/// The sending side; cheap to clone. The writer stops when its stop token fires (it then
/// refuses new rows and writes what is queued) or once every clone is dropped.
#[derive(Clone)]
pub struct Recorder {
    tx: mpsc::Sender<Op>,
    stats: Arc<RecorderStats>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").finish_non_exhaustive()
    }
}

impl Recorder {
    /// Starts the writer task over `store`: a queue of `capacity` rows, at most `batch`
    /// rows per insert. Cancel `stop` and await the returned handle to know that the queue
    /// is written.
    pub fn spawn(
        store: Store,
        capacity: usize,
        batch: usize,
        stop: CancellationToken,
    ) -> (Self, tokio::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        let stats = Arc::new(RecorderStats::default());
        let task = tokio::spawn(
            writer(store, rx, batch.max(1), stats.clone(), stop)
                .instrument(tracing::info_span!("audit_recorder")),
        );
        (Self { tx, stats }, task)
    }

    /// Queues one row, waiting while the queue is full.
    ///
    /// # Errors
    /// [`Error::RecorderStopped`] when the writer is gone.
    pub async fn record(&self, row: NewRow) -> Result<()> {
        self.tx
            .send(Op::Row(row))
            .await
            .map_err(|_| Error::RecorderStopped)
    }

    /// Queues a marker; the returned receiver completes once every row queued before it is
    /// written (or given up).
    ///
    /// # Errors
    /// [`Error::RecorderStopped`] when the writer is gone.
    pub async fn flush_marker(&self) -> Result<oneshot::Receiver<()>> {
        let (done, rx) = oneshot::channel();
        self.tx
            .send(Op::Flush(done))
            .await
            .map_err(|_| Error::RecorderStopped)?;
        Ok(rx)
    }

    /// Waits until every row queued so far is written.
    ///
    /// # Errors
    /// [`Error::RecorderStopped`] when the writer is gone.
    pub async fn flush(&self) -> Result<()> {
        self.flush_marker()
            .await?
            .await
            .map_err(|_| Error::RecorderStopped)
    }

    /// The writer's counters.
    pub fn stats(&self) -> Arc<RecorderStats> {
        self.stats.clone()
    }
}

async fn writer(
    store: Store,
    mut rx: mpsc::Receiver<Op>,
    batch: usize,
    stats: Arc<RecorderStats>,
    stop: CancellationToken,
) {
    let mut rows = Vec::with_capacity(batch);
    let mut waiting = Vec::new();
    let mut buffer = Vec::with_capacity(batch);
    let mut closed = false;
    loop {
        let received = tokio::select! {
            biased;
            n = rx.recv_many(&mut buffer, batch) => n,
            () = stop.cancelled(), if !closed => {
                // Refuse new rows; what is queued is still received below.
                rx.close();
                closed = true;
                continue;
            }
        };
        if received == 0 {
            break;
        }
        for op in buffer.drain(..) {
            match op {
                Op::Row(row) => rows.push(row),
                Op::Flush(done) => waiting.push(done),
            }
            if rows.len() >= batch {
                write(&store, &mut rows, &stats).await;
            }
        }
        write(&store, &mut rows, &stats).await;
        for done in waiting.drain(..) {
            let _ = done.send(());
        }
    }
    tracing::info!(
        written = stats.written.load(Ordering::Relaxed),
        lost = stats.lost.load(Ordering::Relaxed),
        "audit recorder drained"
    );
}

async fn write(store: &Store, rows: &mut Vec<NewRow>, stats: &RecorderStats) {
    if rows.is_empty() {
        return;
    }
    let count = rows.len() as u64;
    let mut delay = Duration::from_millis(100);
    for attempt in 1..=ATTEMPTS {
        match store.insert(rows.clone()).await {
            Ok(()) => {
                stats.written.fetch_add(count, Ordering::Relaxed);
                stats.batches.fetch_add(1, Ordering::Relaxed);
                rows.clear();
                return;
            }
            Err(e) if attempt < ATTEMPTS => {
                tracing::warn!(error = %e, rows = count, attempt, "audit insert failed; retrying");
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
            Err(e) => {
                tracing::error!(error = %e, rows = count, "audit insert failed; rows lost");
            }
        }
    }
    stats.lost.fetch_add(count, Ordering::Relaxed);
    rows.clear();
}
