//! The `week_races` loop (`tournament.md` §1.4, §2.16, §2.18.1, §2.18.2): every 15 minutes,
//! for each active event, the SpeedGaming episodes of the next 168 hours feed
//!
//! - submission reminders, for handlers with a submission form ([`reminders`]);
//! - Discord scheduled events, when `create_scheduled_events` is set ([`scheduled`]);
//! - the scheduling-needs board, when `scheduling_needs_channel` is set ([`needs`]).
//!
//! Errors are contained per event and per feature: a SpeedGaming failure skips that event,
//! any other failure is logged with the event and the rest of the tick goes on. (The
//! original aborted the whole tick, for every event, on the first error outside the SG
//! call.)
//!
//! Discord is reached through [`ports`] (scheduled events, the board), the
//! [`GuildDirectory`] (players) and the [`ChatNotifier`] (DMs and audit messages).

pub mod needs;
mod players;
pub mod ports;
pub mod reminders;
pub mod scheduled;

use std::sync::Arc;
use std::time::Duration;

use sahasrahbot_core::ports::ChatNotifier;
use sahasrahbot_racetime::CancellationToken;
use sea_orm::DatabaseConnection;
use tracing::{Instrument, info_span, warn};

pub use ports::{
    ChannelBoard, DiscordPortError, EventSpec, EventStatus, GuildEvent, ScheduledEvents,
};

use crate::engine::Clock;
use crate::ports::GuildDirectory;
use crate::time::Window;
use crate::{EventDefinition, Registry, SpeedGaming};

/// The default interval of the loop (15 minutes, as the original's production setting).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(15 * 60);

/// Settings of the loop.
#[derive(Debug, Clone)]
pub struct WeekConfig {
    /// The web app's public base URL (`APP_URL`); the submit links point there.
    pub app_url: String,
    /// How often the loop runs.
    pub interval: Duration,
}

impl Default for WeekConfig {
    fn default() -> Self {
        Self {
            app_url: "https://sahasrahbotapi.synack.live".to_owned(),
            interval: DEFAULT_INTERVAL,
        }
    }
}

/// What the loop works with.
pub struct WeekServices {
    /// The database (`scheduledevents`, `tournament_games`, `users`).
    pub db: DatabaseConnection,
    /// SpeedGaming.
    pub speedgaming: SpeedGaming,
    /// Guild members (player resolution).
    pub guilds: Arc<dyn GuildDirectory>,
    /// DMs and audit messages.
    pub notifier: Arc<dyn ChatNotifier>,
    /// Guild scheduled events.
    pub events: Arc<dyn ScheduledEvents>,
    /// The scheduling-needs board.
    pub board: Arc<dyn ChannelBoard>,
    /// Loop settings.
    pub config: WeekConfig,
    /// The clock (tests pass a fixed one).
    pub clock: Clock,
}

impl std::fmt::Debug for WeekServices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WeekServices")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The `week_races` loop over the active events.
#[derive(Clone)]
pub struct WeekRaces {
    services: Arc<WeekServices>,
    events: Arc<Vec<EventDefinition>>,
}

impl std::fmt::Debug for WeekRaces {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let slugs: Vec<&str> = self.events.iter().map(|e| e.event_slug.as_str()).collect();
        f.debug_struct("WeekRaces").field("events", &slugs).finish()
    }
}

impl WeekRaces {
    /// The loop over `events` (registry order).
    pub fn new(services: WeekServices, events: Vec<EventDefinition>) -> Self {
        Self {
            services: Arc::new(services),
            events: Arc::new(events),
        }
    }

    /// The loop over the registry's active events.
    pub fn from_registry(services: WeekServices, registry: &Registry) -> Self {
        Self::new(services, registry.events().to_vec())
    }

    /// One pass over every event. Failures are logged (and, for reminders, posted to the
    /// audit channel); one event's failure never stops the others.
    pub async fn tick(&self) {
        let now = (self.services.clock)();
        let window = Window::week_races(now);
        for event in self.events.iter() {
            let span = info_span!("week_races", event = %event.event_slug);
            self.event_tick(event, window).instrument(span).await;
        }
    }

    async fn event_tick(&self, event: &EventDefinition, window: Window) {
        let s = &self.services;
        let wanted = event.handler.has_submission_form()
            || event.create_scheduled_events
            || event.scheduling_needs_channel.is_some();
        if !wanted {
            return;
        }
        let episodes = match s
            .speedgaming
            .schedule(&event.event_slug, window.from, window.to)
            .await
        {
            Ok(e) => e,
            Err(e) => {
                warn!(event = %event.event_slug, error = %e, "SpeedGaming schedule failed; event skipped this tick");
                return;
            }
        };
        if event.handler.has_submission_form() {
            reminders::send_all(s, event, &episodes).await;
        }
        if event.create_scheduled_events
            && let Err(e) = scheduled::sync(s, event, &episodes).await
        {
            warn!(event = %event.event_slug, error = %e, "scheduled events not synchronised");
        }
        if let Some(channel) = event.scheduling_needs_channel
            && let Err(e) = needs::publish(s, event, channel, &episodes).await
        {
            warn!(event = %event.event_slug, channel, error = %e, "scheduling needs not published");
        }
    }

    /// Runs a tick at once and then every [`WeekConfig::interval`] until `cancel` fires
    /// (a tick in progress is abandoned).
    pub async fn run(&self, cancel: CancellationToken) {
        every(self.services.config.interval, &cancel, || self.tick()).await;
    }
}

/// Runs `work` at once and then every `period` until `cancel` fires; a run in progress is
/// abandoned. A run longer than `period` delays the next one (no catch-up burst).
pub async fn every<F, Fut>(period: Duration, cancel: &CancellationToken, mut work: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut interval = tokio::time::interval(period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            _ = interval.tick() => {}
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = work() => {}
        }
    }
}
