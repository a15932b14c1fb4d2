//! What `week_races` needs from Discord beyond [`ChatNotifier`] and [`GuildDirectory`]:
//! guild scheduled events ([`ScheduledEvents`], §2.18.1) and the scheduling-needs board
//! ([`ChannelBoard`], §2.18.2). Implemented by the Discord crate; in-memory fakes in tests.
//!
//! [`ChatNotifier`]: sahasrahbot_core::ports::ChatNotifier
//! [`GuildDirectory`]: crate::ports::GuildDirectory

use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// The failure of a [`ScheduledEvents`] or [`ChannelBoard`] call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscordPortError {
    /// Discord answered 404: the scheduled event (or message) does not exist.
    #[error("not found on Discord")]
    NotFound,
    /// Any other failure, as Discord or the transport described it.
    #[error("{0}")]
    Failed(String),
}

/// The status of a guild scheduled event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStatus {
    /// Not started yet.
    Scheduled,
    /// Running.
    Active,
    /// Ended.
    Completed,
    /// Cancelled.
    Cancelled,
    /// A status this port does not know (Discord's number).
    Other(u8),
}

/// What an external, guild-only scheduled event shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventSpec {
    /// The name (at most 100 characters).
    pub name: String,
    /// The description.
    pub description: String,
    /// Scheduled start.
    pub start: DateTime<Utc>,
    /// Scheduled end.
    pub end: DateTime<Utc>,
    /// The external location (a URL or `TBD`).
    pub location: String,
}

/// A guild scheduled event as Discord holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuildEvent {
    /// The event id.
    pub id: u64,
    /// Its status.
    pub status: EventStatus,
    /// Its name, description, times and location (missing values are empty / equal to
    /// the start).
    pub spec: EventSpec,
}

/// Guild scheduled events (external entity type, guild-only privacy).
#[async_trait]
pub trait ScheduledEvents: Send + Sync {
    /// `GET /guilds/{guild}/scheduled-events/{id}`; [`DiscordPortError::NotFound`] when
    /// it does not exist.
    async fn get(&self, guild: u64, id: u64) -> Result<GuildEvent, DiscordPortError>;
    /// Creates an external, guild-only event; returns its id.
    async fn create(&self, guild: u64, spec: &EventSpec) -> Result<u64, DiscordPortError>;
    /// Sets every field of `spec` on the event.
    async fn edit(&self, guild: u64, id: u64, spec: &EventSpec) -> Result<(), DiscordPortError>;
    /// Deletes the event.
    async fn delete(&self, guild: u64, id: u64) -> Result<(), DiscordPortError>;
}

/// A channel holding one bot message that is kept up to date (the scheduling-needs board).
#[async_trait]
pub trait ChannelBoard: Send + Sync {
    /// The id of the first message written by the bot among the channel's last 50
    /// (newest first), if any.
    async fn find_own_message(&self, channel: u64) -> Result<Option<u64>, DiscordPortError>;
    /// Replaces the message's embeds with `embed` (Discord's JSON embed object).
    async fn edit_embed(
        &self,
        channel: u64,
        message: u64,
        embed: &serde_json::Value,
    ) -> Result<(), DiscordPortError>;
    /// Sends a new message with `embed`; returns its id.
    async fn send_embed(
        &self,
        channel: u64,
        embed: &serde_json::Value,
    ) -> Result<u64, DiscordPortError>;
}
