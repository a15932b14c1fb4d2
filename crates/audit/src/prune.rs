//! The retention prune: `audit_messages` rows as old as the retention or older are deleted
//! when the bot starts and then every interval (daily by default).

use std::future::Future;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::store::Store;

/// Runs `prune` now and then every `interval` until `cancel`.
pub async fn every<F, Fut>(interval: Duration, cancel: CancellationToken, mut prune: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    loop {
        prune().await;
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(interval) => {}
        }
    }
}

/// Deletes the rows `retention_days` old or older; returns how many.
///
/// # Errors
/// A database error.
pub async fn prune_once(store: &Store, retention_days: u32) -> crate::Result<u64> {
    let cutoff =
        chrono::Utc::now().naive_utc() - chrono::TimeDelta::days(i64::from(retention_days));
    let removed = store.prune(cutoff).await?;
    tracing::info!(removed, %cutoff, "audit history pruned");
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[tokio::test(start_paused = true)]
    async fn prunes_at_start_then_once_per_interval() {
        let start = tokio::time::Instant::now();
        let runs = Arc::new(Mutex::new(Vec::new()));
        let cancel = CancellationToken::new();
        let seen = runs.clone();
        let task = tokio::spawn(every(
            Duration::from_secs(86_400),
            cancel.clone(),
            move || {
                let seen = seen.clone();
                async move {
                    seen.lock().expect("lock").push(start.elapsed().as_secs());
                }
            },
        ));
        tokio::time::sleep(Duration::from_secs(3 * 86_400 + 60)).await;
        cancel.cancel();
        task.await.expect("loop");
        assert_eq!(
            *runs.lock().expect("lock"),
            vec![0, 86_400, 2 * 86_400, 3 * 86_400]
        );
    }
}
