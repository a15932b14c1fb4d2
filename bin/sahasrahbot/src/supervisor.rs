//! Supervised subsystem tasks: restarted with backoff when they fail, all stopped through
//! one cancellation token.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// What a subsystem run returns: `Ok` when it stopped because it was cancelled.
pub(crate) type RunResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// A subsystem: called once per (re)start with the shutdown token.
pub(crate) type Subsystem =
    Box<dyn Fn(CancellationToken) -> Pin<Box<dyn Future<Output = RunResult> + Send>> + Send + Sync>;

/// Restart delays: doubling from `initial` up to `max`, back to `initial` after a run that
/// lasted `stable` or longer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Backoff {
    pub(crate) initial: Duration,
    pub(crate) max: Duration,
    pub(crate) stable: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(60),
            stable: Duration::from_secs(60),
        }
    }
}

/// Runs subsystems until the token is cancelled.
pub(crate) struct Supervisor {
    cancel: CancellationToken,
    tasks: JoinSet<()>,
    backoff: Backoff,
}

impl Supervisor {
    /// A supervisor whose tasks stop when `cancel` fires.
    pub(crate) fn new(cancel: CancellationToken, backoff: Backoff) -> Self {
        Self {
            cancel,
            tasks: JoinSet::new(),
            backoff,
        }
    }

    /// Starts `run` as the subsystem `name`, restarting it whenever it fails, panics or
    /// returns before shutdown.
    pub(crate) fn spawn(&mut self, name: impl Into<String>, run: Subsystem) {
        let name = name.into();
        let cancel = self.cancel.clone();
        let backoff = self.backoff;
        let span = tracing::info_span!("subsystem", subsystem = %name);
        self.tasks
            .spawn(supervise(name, run, cancel, backoff).instrument(span));
    }

    /// Waits up to `grace` for every task to stop after cancellation; returns how many were
    /// still running and got aborted.
    pub(crate) async fn shutdown(mut self, grace: Duration) -> usize {
        self.cancel.cancel();
        let drained = tokio::time::timeout(grace, async {
            while self.tasks.join_next().await.is_some() {}
        })
        .await;
        if drained.is_ok() {
            return 0;
        }
        let left = self.tasks.len();
        self.tasks.abort_all();
        while self.tasks.join_next().await.is_some() {}
        left
    }
}

async fn supervise(name: String, run: Subsystem, cancel: CancellationToken, backoff: Backoff) {
    let mut delay = backoff.initial;
    let mut restarts: u32 = 0;
    loop {
        let started = Instant::now();
        tracing::info!(restarts, "starting");
        // Run in a task of its own so that a panic is caught as a JoinError.
        let outcome = tokio::spawn(run(cancel.clone())).await;
        if cancel.is_cancelled() {
            match outcome {
                Ok(Ok(())) => tracing::info!("stopped"),
                Ok(Err(e)) => tracing::warn!(error = %e, "stopped with an error during shutdown"),
                Err(e) => tracing::warn!(error = %e, "panicked during shutdown"),
            }
            return;
        }
        match outcome {
            Ok(Ok(())) => tracing::error!("{name} returned before shutdown; restarting"),
            Ok(Err(e)) => tracing::error!(error = %e, "{name} failed; restarting"),
            Err(e) => tracing::error!(error = %e, "{name} panicked; restarting"),
        }
        if started.elapsed() >= backoff.stable {
            delay = backoff.initial;
        }
        tracing::info!(
            delay_ms = delay.as_millis() as u64,
            "waiting before restart"
        );
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(delay) => {}
        }
        delay = (delay * 2).min(backoff.max);
        restarts += 1;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn counting(
        runs: Arc<AtomicU32>,
        behave: impl Fn(u32) -> RunResult + Send + Sync + 'static,
    ) -> Subsystem {
        let behave = Arc::new(behave);
        Box::new(move |cancel| {
            let n = runs.fetch_add(1, Ordering::SeqCst) + 1;
            let behave = behave.clone();
            Box::pin(async move {
                let result = behave(n);
                if result.is_ok() {
                    cancel.cancelled().await;
                }
                result
            })
        })
    }

    fn fast() -> Backoff {
        Backoff {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(4),
            stable: Duration::from_secs(60),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn failing_subsystem_is_restarted_with_growing_delays() {
        let runs = Arc::new(AtomicU32::new(0));
        let cancel = CancellationToken::new();
        let mut sup = Supervisor::new(cancel.clone(), fast());
        sup.spawn(
            "flaky",
            counting(runs.clone(), |n| {
                if n <= 3 {
                    Err(format!("boom {n}").into())
                } else {
                    Ok(())
                }
            }),
        );
        // Runs at t=0, then after 1 s, 2 s and 4 s of backoff.
        tokio::time::sleep(Duration::from_millis(6_500)).await;
        assert_eq!(
            runs.load(Ordering::SeqCst),
            3,
            "third restart not due before 7 s"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 4);
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(
            runs.load(Ordering::SeqCst),
            4,
            "a healthy run is not restarted"
        );
        assert_eq!(sup.shutdown(Duration::from_secs(10)).await, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn panicking_subsystem_is_restarted() {
        let runs = Arc::new(AtomicU32::new(0));
        let mut sup = Supervisor::new(CancellationToken::new(), fast());
        sup.spawn(
            "panicky",
            counting(runs.clone(), |n| {
                assert!(n > 1, "first run panics");
                Ok(())
            }),
        );
        tokio::time::sleep(Duration::from_millis(1_500)).await;
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        assert_eq!(sup.shutdown(Duration::from_secs(10)).await, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_stops_every_task_and_aborts_stragglers() {
        let cancel = CancellationToken::new();
        let mut sup = Supervisor::new(cancel.clone(), fast());
        sup.spawn("polite", counting(Arc::new(AtomicU32::new(0)), |_| Ok(())));
        sup.spawn(
            "stubborn",
            Box::new(|_cancel| {
                Box::pin(async {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    Ok(())
                })
            }),
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
        let aborted = sup.shutdown(Duration::from_secs(10)).await;
        assert_eq!(aborted, 1, "only the task ignoring cancellation is aborted");
        assert!(cancel.is_cancelled());
    }

    #[tokio::test(start_paused = true)]
    async fn cancellation_during_backoff_ends_the_loop() {
        let runs = Arc::new(AtomicU32::new(0));
        let mut sup = Supervisor::new(CancellationToken::new(), fast());
        sup.spawn("broken", counting(runs.clone(), |_| Err("always".into())));
        tokio::time::sleep(Duration::from_millis(500)).await;
        assert_eq!(sup.shutdown(Duration::from_secs(10)).await, 0);
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    }
}
