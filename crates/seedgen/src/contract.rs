//! The execution envelope every provider call goes through (core.md §3.1): a timeout per
//! attempt, retries with exponential backoff for timeouts, unavailability and rate limits,
//! and the error taxonomy of [`crate::Error`].

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;
use tracing::{Instrument, debug, info_span, warn};

use crate::error::{ErrorKind, Failure, Result};
use crate::{Error, Surface};

/// Timeout, attempts and backoff of the envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How long one attempt may take.
    pub timeout: Duration,
    /// Attempts in total (at least 1).
    pub max_attempts: u32,
    /// The wait before the second attempt; it doubles for each further one.
    pub initial_backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// 60 s per attempt, 3 attempts, waits of 1 s then 2 s.
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(60),
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(2),
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt `attempt` (1-based): `initial · 2^(attempt−1)`, at most
    /// `max_backoff`.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// A success of the envelope: the value, the attempt that produced it and the latency.
#[derive(Debug, Clone, PartialEq)]
pub struct Completed<T> {
    /// What the successful attempt returned.
    pub value: T,
    /// The attempt that succeeded (1-based).
    pub attempts: u32,
    /// From the start of the first attempt to the success, waits included.
    pub latency: Duration,
}

impl<T> Completed<T> {
    /// The latency in whole milliseconds.
    pub fn latency_ms(&self) -> u64 {
        u64::try_from(self.latency.as_millis()).unwrap_or(u64::MAX)
    }
}

/// Runs provider calls under a [`RetryPolicy`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Contract {
    /// The policy applied to every call.
    pub policy: RetryPolicy,
}

impl Contract {
    /// An envelope with `policy`.
    pub fn new(policy: RetryPolicy) -> Self {
        Self { policy }
    }

    /// Runs `attempt` until it succeeds, fails in a way that is not retried, or the attempts
    /// run out. Each attempt is cut off after the policy's timeout. The error carries
    /// `provider`, `operation` and the number of the attempt that raised it.
    ///
    /// # Errors
    /// The last attempt's failure, as the matching [`Error`] variant.
    pub async fn run<T, F, Fut>(
        &self,
        provider: &str,
        operation: &str,
        surface: Option<Surface>,
        mut attempt: F,
    ) -> Result<Completed<T>>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Failure>>,
    {
        let span = info_span!(
            "seed_provider",
            provider,
            operation,
            surface = surface.map(|s| s.to_string()),
        );
        async move {
            let max = self.policy.max_attempts.max(1);
            let start = Instant::now();
            let mut n = 1;
            loop {
                debug!(attempt = n, max, "attempt");
                let failure = match tokio::time::timeout(self.policy.timeout, attempt()).await {
                    Ok(Ok(value)) => {
                        let done = Completed {
                            value,
                            attempts: n,
                            latency: start.elapsed(),
                        };
                        debug!(attempt = n, latency_ms = done.latency_ms(), "success");
                        return Ok(done);
                    }
                    Ok(Err(failure)) => failure,
                    Err(_) => Failure::new(
                        ErrorKind::Timeout,
                        format!("timed out after {}", describe(self.policy.timeout)),
                    ),
                };
                warn!(
                    attempt = n,
                    max,
                    kind = ?failure.kind,
                    status = failure.status_code,
                    message = %failure.message,
                    "attempt failed"
                );
                if !failure.kind.is_retryable() || n >= max {
                    return Err(Error::from_failure(failure, provider, operation, n));
                }
                tokio::time::sleep(self.policy.backoff(n)).await;
                n += 1;
            }
        }
        .instrument(span)
        .await
    }
}

/// `60 seconds`, `1.5 seconds`, `200 ms`.
fn describe(d: Duration) -> String {
    if d.subsec_millis() == 0 && d.as_secs() > 0 {
        format!("{} seconds", d.as_secs())
    } else if d.as_secs() > 0 {
        format!("{:.1} seconds", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn fast() -> Contract {
        Contract::new(RetryPolicy {
            timeout: Duration::from_secs(60),
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(2),
        })
    }

    #[test]
    fn backoff_is_one_then_two_seconds() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff(1), Duration::from_secs(1));
        assert_eq!(p.backoff(2), Duration::from_secs(2));
        assert_eq!(p.backoff(9), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn retries_retryable_failures_and_counts_waits_in_latency() {
        let calls = AtomicU32::new(0);
        let done = fast()
            .run("p", "generate", None, || {
                let n = calls.fetch_add(1, Ordering::SeqCst);
                async move {
                    if n < 2 {
                        Err(Failure::http(503, "down"))
                    } else {
                        Ok(42)
                    }
                }
            })
            .await
            .unwrap();
        assert_eq!(done.value, 42);
        assert_eq!(done.attempts, 3);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        // 1 s + 2 s of backoff, on the paused clock.
        assert_eq!(done.latency, Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn does_not_retry_invalid_requests_or_bad_bodies() {
        for failure in [Failure::http(400, "no"), Failure::format("not json")] {
            let calls = AtomicU32::new(0);
            let err = fast()
                .run("p", "generate", None, || {
                    calls.fetch_add(1, Ordering::SeqCst);
                    let f = failure.clone();
                    async move { Err::<(), _>(f) }
                })
                .await
                .unwrap_err();
            assert_eq!(calls.load(Ordering::SeqCst), 1, "{err}");
            assert_eq!(err.failure().unwrap().attempts, 1);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn times_out_each_attempt_and_reports_the_last_one() {
        let calls = AtomicU32::new(0);
        let err = fast()
            .run("p", "generate", Some(Surface::Racetime), || {
                calls.fetch_add(1, Ordering::SeqCst);
                async {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    Ok::<(), Failure>(())
                }
            })
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Timeout(_)), "{err}");
        assert_eq!(err.to_string(), "p: timed out after 60 seconds");
        assert_eq!(err.failure().unwrap().attempts, 3);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn rate_limits_are_retried_until_exhaustion() {
        let calls = AtomicU32::new(0);
        let err = fast()
            .run("p", "generate", None, || {
                calls.fetch_add(1, Ordering::SeqCst);
                async { Err::<(), _>(Failure::http(429, "")) }
            })
            .await
            .unwrap_err();
        assert!(matches!(err, Error::RateLimited(_)));
        assert_eq!(err.failure().unwrap().status_code, Some(429));
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }
}
