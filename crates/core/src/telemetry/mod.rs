//! Usage telemetry (core.md §5, DECISIONS.md "Telemetry"): events are queued in memory
//! (bounded; the oldest is dropped when full), sampled, flushed to `telemetry_events` every
//! 30 s and at shutdown, and purged after the retention period.
//!
//! Recording never fails the caller: a bad event or a failed flush is logged and dropped.

mod hash;
mod report;

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{NaiveDateTime, Utc};
use sea_orm::{ActiveValue, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use tokio::sync::Mutex;
use tokio_util::sync::CancellationToken;

pub use hash::guild_hash;
pub use report::{ActionCount, Report, report};

use crate::Result;
use crate::config::TelemetryConfig;
use crate::db::entities::telemetry_events;

/// How often queued events are written.
pub const FLUSH_INTERVAL: Duration = Duration::from_secs(30);
/// How often old events are purged.
pub const PURGE_INTERVAL: Duration = Duration::from_secs(24 * 60 * 60);

/// Where an event happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surface {
    /// A Discord command or component.
    Discord,
    /// A racetime.gg room command.
    Racetime,
    /// An HTTP route.
    Api,
}

impl Surface {
    fn as_str(self) -> &'static str {
        match self {
            Self::Discord => "discord",
            Self::Racetime => "racetime",
            Self::Api => "api",
        }
    }
}

/// One usage event, before hashing and timestamping.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The event name, e.g. `discord.generator.preset.success` (at most 100 characters).
    pub event_name: String,
    /// Where it happened.
    pub surface: Surface,
    /// The feature, e.g. `generator.preset` (at most 50 characters).
    pub feature: String,
    /// `invoke`, `success` or `failure`.
    pub action: String,
    /// `ok`, `error`, `timeout` or `denied`.
    pub status: String,
    /// The seed provider involved, if any.
    pub provider: Option<String>,
    /// The Discord guild, hashed before storage and never stored itself.
    pub guild_id: Option<u64>,
    /// How long the operation took.
    pub duration_ms: Option<u32>,
    /// The error class of a failure (`invalid_preset`, `provider_timeout`, …).
    pub error_type: Option<String>,
}

/// Why an event was refused (it is logged and dropped, never returned to the caller).
fn invalid(event: &Event) -> Option<String> {
    let checks = [
        ("event_name", event.event_name.as_str(), 100),
        ("feature", event.feature.as_str(), 50),
        ("action", event.action.as_str(), 20),
        ("status", event.status.as_str(), 20),
        ("provider", event.provider.as_deref().unwrap_or("-"), 50),
        ("error_type", event.error_type.as_deref().unwrap_or("-"), 50),
    ];
    checks.iter().find_map(|(field, value, max)| {
        if value.trim().is_empty() {
            Some(format!("{field} is empty"))
        } else if value.chars().count() > *max {
            Some(format!("{field} is longer than {max} characters"))
        } else {
            None
        }
    })
}

/// The telemetry service. Cheap to clone; a disabled one ignores everything.
#[derive(Debug, Clone, Default)]
pub struct Telemetry {
    inner: Option<Arc<Inner>>,
}

#[derive(Debug)]
struct Inner {
    db: DatabaseConnection,
    queue: Mutex<VecDeque<telemetry_events::ActiveModel>>,
    capacity: usize,
    sample_rate: f64,
    salt: String,
    dropped: AtomicU64,
}

impl Telemetry {
    /// A service that records nothing (telemetry disabled).
    pub fn disabled() -> Self {
        Self::default()
    }

    /// The service `config` asks for: [`Telemetry::disabled`] unless `enabled`.
    pub fn new(db: DatabaseConnection, config: &TelemetryConfig) -> Self {
        if !config.enabled {
            return Self::disabled();
        }
        Self {
            inner: Some(Arc::new(Inner {
                db,
                queue: Mutex::new(VecDeque::new()),
                capacity: usize::try_from(config.queue_size)
                    .unwrap_or(usize::MAX)
                    .max(1),
                sample_rate: config.sample_rate.clamp(0.0, 1.0),
                salt: config.hash_salt.expose().to_owned(),
                dropped: AtomicU64::new(0),
            })),
        }
    }

    /// Whether events are recorded.
    pub fn is_enabled(&self) -> bool {
        self.inner.is_some()
    }

    /// Queues `event` (after sampling). When the queue is full the oldest event is
    /// dropped; every 100th drop is logged.
    pub async fn record(&self, event: Event) {
        let Some(inner) = &self.inner else { return };
        if let Some(reason) = invalid(&event) {
            tracing::warn!(event = %event.event_name, %reason, "telemetry event dropped");
            return;
        }
        if inner.sample_rate < 1.0 && rand::random::<f64>() >= inner.sample_rate {
            return;
        }
        let row = inner.row(event, Utc::now().naive_utc());
        let mut queue = inner.queue.lock().await;
        if queue.len() >= inner.capacity {
            queue.pop_front();
            let dropped = inner.dropped.fetch_add(1, Ordering::Relaxed) + 1;
            if dropped % 100 == 0 {
                tracing::warn!(dropped, "telemetry queue full: oldest events dropped");
            }
        }
        queue.push_back(row);
    }

    /// Events dropped because the queue was full, since start-up.
    pub fn dropped(&self) -> u64 {
        self.inner
            .as_ref()
            .map_or(0, |i| i.dropped.load(Ordering::Relaxed))
    }

    /// Events waiting for the next flush.
    pub async fn queued(&self) -> usize {
        match &self.inner {
            Some(inner) => inner.queue.lock().await.len(),
            None => 0,
        }
    }

    /// Writes every queued event in one insert; returns how many were written. On a
    /// database error the batch is logged and dropped (telemetry is fail-open).
    pub async fn flush(&self) -> usize {
        let Some(inner) = &self.inner else { return 0 };
        let batch: Vec<_> = inner.queue.lock().await.drain(..).collect();
        let n = batch.len();
        if n == 0 {
            return 0;
        }
        match telemetry_events::Entity::insert_many(batch)
            .exec(&inner.db)
            .await
        {
            Ok(_) => n,
            Err(e) => {
                tracing::warn!(error = %e, events = n, "telemetry flush failed; events dropped");
                0
            }
        }
    }

    /// Flushes every [`FLUSH_INTERVAL`] and purges events older than `retention_days`
    /// every [`PURGE_INTERVAL`] (first at start-up), until `cancel`; flushes once more
    /// before returning.
    pub async fn run(&self, retention_days: u32, cancel: CancellationToken) -> Result<()> {
        let Some(inner) = &self.inner else {
            return Ok(());
        };
        let mut flush = tokio::time::interval(FLUSH_INTERVAL);
        let mut purge_timer = tokio::time::interval(PURGE_INTERVAL);
        loop {
            tokio::select! {
                () = cancel.cancelled() => break,
                _ = flush.tick() => { self.flush().await; }
                _ = purge_timer.tick() => {
                    match purge(&inner.db, retention_days, Utc::now().naive_utc()).await {
                        Ok(n) => tracing::info!(deleted = n, retention_days, "telemetry purged"),
                        Err(e) => tracing::warn!(error = %e, "telemetry purge failed"),
                    }
                }
            }
        }
        let n = self.flush().await;
        tracing::info!(written = n, "telemetry flushed at shutdown");
        Ok(())
    }
}

impl Inner {
    fn row(&self, e: Event, now: NaiveDateTime) -> telemetry_events::ActiveModel {
        use ActiveValue::{NotSet, Set};
        telemetry_events::ActiveModel {
            id: NotSet,
            created_at: Set(now),
            day_bucket: Set(now.date()),
            event_name: Set(e.event_name),
            surface: Set(e.surface.as_str().to_owned()),
            feature: Set(e.feature),
            action: Set(e.action),
            status: Set(e.status),
            provider: Set(e.provider),
            guild_hash: Set(e.guild_id.map(|g| guild_hash(g, &self.salt))),
            duration_ms: Set(e.duration_ms.map(|d| i32::try_from(d).unwrap_or(i32::MAX))),
            error_type: Set(e.error_type),
            sample_rate: Set(self.sample_rate),
        }
    }
}

/// Deletes events created before `now − retention_days`; returns how many.
pub async fn purge(
    db: &DatabaseConnection,
    retention_days: u32,
    now: NaiveDateTime,
) -> Result<u64> {
    let cutoff = now - chrono::Duration::days(i64::from(retention_days));
    let res = telemetry_events::Entity::delete_many()
        .filter(telemetry_events::Column::CreatedAt.lt(cutoff))
        .exec(db)
        .await?;
    Ok(res.rows_affected)
}
