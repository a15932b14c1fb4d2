//! [`DiscordWeekPorts`]: the tournament `week_races` ports over twilight-http —
//! [`ScheduledEvents`] (guild scheduled events: get, create as external and guild-only,
//! edit, delete) and [`ChannelBoard`] (the bot's first message among a channel's last 50:
//! find, edit its embed, or send a new one). Specs: `tournament.md` §2.18.1, §2.18.2.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sahasrahbot_tournament::week::{
    ChannelBoard, DiscordPortError, EventSpec, EventStatus, GuildEvent, ScheduledEvents,
};
use serde_json::{Value, json};
use tokio::sync::OnceCell;
use twilight_http::Client;
use twilight_http::error::ErrorType;
use twilight_model::guild::scheduled_event::{
    EntityType, GuildScheduledEvent, PrivacyLevel, Status,
};
use twilight_model::id::Id;
use twilight_model::id::marker::{MessageMarker, UserMarker};
use twilight_model::util::Timestamp;

use crate::BotSettings;

/// How many recent messages the board looks through for the bot's own.
const BOARD_HISTORY: u16 = 50;

/// The `week_races` Discord ports over Discord's REST API.
#[derive(Debug, Clone)]
pub struct DiscordWeekPorts {
    http: Arc<Client>,
    bot_user: Arc<OnceCell<Id<UserMarker>>>,
}

impl DiscordWeekPorts {
    /// Ports over an existing client (share the bot's).
    pub fn new(http: Arc<Client>) -> Self {
        Self {
            http,
            bot_user: Arc::new(OnceCell::new()),
        }
    }

    /// Ports with their own client for `settings`.
    pub fn from_settings(settings: &BotSettings) -> Self {
        Self::new(Arc::new(settings.http_client()))
    }

    /// The bot's user id (`GET /users/@me`, read once).
    async fn bot_user(&self) -> Result<Id<UserMarker>, DiscordPortError> {
        self.bot_user
            .get_or_try_init(|| async {
                let user = self
                    .http
                    .current_user()
                    .await
                    .map_err(failed)?
                    .model()
                    .await
                    .map_err(failed)?;
                Ok(user.id)
            })
            .await
            .copied()
    }
}

/// A twilight error as a port error; Discord's 404 is [`DiscordPortError::NotFound`].
fn port_error(error: twilight_http::Error) -> DiscordPortError {
    match error.kind() {
        ErrorType::Response { status, .. } if status.get() == 404 => DiscordPortError::NotFound,
        _ => DiscordPortError::Failed(error.to_string()),
    }
}

fn failed(error: impl std::fmt::Display) -> DiscordPortError {
    DiscordPortError::Failed(error.to_string())
}

fn id<T>(value: u64, what: &str) -> Result<Id<T>, DiscordPortError> {
    Id::new_checked(value).ok_or_else(|| DiscordPortError::Failed(format!("{what} id 0")))
}

fn timestamp(t: DateTime<Utc>) -> Result<Timestamp, DiscordPortError> {
    Timestamp::from_micros(t.timestamp_micros()).map_err(failed)
}

fn datetime(t: Timestamp) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.as_micros()).unwrap_or_default()
}

fn status(s: Status) -> EventStatus {
    match s {
        Status::Scheduled => EventStatus::Scheduled,
        Status::Active => EventStatus::Active,
        Status::Completed => EventStatus::Completed,
        Status::Cancelled => EventStatus::Cancelled,
        other => EventStatus::Other(u8::from(other)),
    }
}

fn guild_event(e: GuildScheduledEvent) -> GuildEvent {
    let start = datetime(e.scheduled_start_time);
    GuildEvent {
        id: e.id.get(),
        status: status(e.status),
        spec: EventSpec {
            name: e.name,
            description: e.description.unwrap_or_default(),
            start,
            end: e.scheduled_end_time.map_or(start, datetime),
            location: e
                .entity_metadata
                .and_then(|m| m.location)
                .unwrap_or_default(),
        },
    }
}

#[async_trait]
impl ScheduledEvents for DiscordWeekPorts {
    async fn get(&self, guild: u64, event: u64) -> Result<GuildEvent, DiscordPortError> {
        let found = self
            .http
            .guild_scheduled_event(id(guild, "guild")?, id(event, "scheduled event")?)
            .await
            .map_err(port_error)?
            .model()
            .await
            .map_err(failed)?;
        Ok(guild_event(found))
    }

    async fn create(&self, guild: u64, spec: &EventSpec) -> Result<u64, DiscordPortError> {
        let (start, end) = (timestamp(spec.start)?, timestamp(spec.end)?);
        let created = self
            .http
            .create_guild_scheduled_event(id(guild, "guild")?, PrivacyLevel::GuildOnly)
            .external(&spec.name, &spec.location, &start, &end)
            .description(&spec.description)
            .await
            .map_err(port_error)?
            .model()
            .await
            .map_err(failed)?;
        Ok(created.id.get())
    }

    async fn edit(&self, guild: u64, event: u64, spec: &EventSpec) -> Result<(), DiscordPortError> {
        let (start, end) = (timestamp(spec.start)?, timestamp(spec.end)?);
        self.http
            .update_guild_scheduled_event(id(guild, "guild")?, id(event, "scheduled event")?)
            .entity_type(EntityType::External)
            .name(&spec.name)
            .description(Some(&spec.description))
            .scheduled_start_time(&start)
            .scheduled_end_time(Some(&end))
            .location(Some(&spec.location))
            .await
            .map_err(port_error)?;
        Ok(())
    }

    async fn delete(&self, guild: u64, event: u64) -> Result<(), DiscordPortError> {
        self.http
            .delete_guild_scheduled_event(id(guild, "guild")?, id(event, "scheduled event")?)
            .await
            .map_err(port_error)?;
        Ok(())
    }
}

fn embed_payload(embed: &Value) -> Result<Vec<u8>, DiscordPortError> {
    serde_json::to_vec(&json!({"embeds": [embed]})).map_err(failed)
}

#[async_trait]
impl ChannelBoard for DiscordWeekPorts {
    async fn find_own_message(&self, channel: u64) -> Result<Option<u64>, DiscordPortError> {
        let me = self.bot_user().await?;
        let messages = self
            .http
            .channel_messages(id(channel, "channel")?)
            .limit(BOARD_HISTORY)
            .await
            .map_err(port_error)?
            .models()
            .await
            .map_err(failed)?;
        Ok(messages
            .iter()
            .find(|m| m.author.id == me)
            .map(|m| m.id.get()))
    }

    async fn edit_embed(
        &self,
        channel: u64,
        message: u64,
        embed: &Value,
    ) -> Result<(), DiscordPortError> {
        let payload = embed_payload(embed)?;
        self.http
            .update_message(id(channel, "channel")?, id(message, "message")?)
            .payload_json(&payload)
            .await
            .map_err(port_error)?;
        Ok(())
    }

    async fn send_embed(&self, channel: u64, embed: &Value) -> Result<u64, DiscordPortError> {
        let payload = embed_payload(embed)?;
        let body = self
            .http
            .create_message(id(channel, "channel")?)
            .payload_json(&payload)
            .await
            .map_err(port_error)?
            .bytes()
            .await
            .map_err(failed)?;
        // Only the new message's id is needed; the rest of the message is not read.
        let created: Created = serde_json::from_slice(&body).map_err(failed)?;
        Ok(created.id.get())
    }
}

/// The part of a created message that is read.
#[derive(serde::Deserialize)]
struct Created {
    id: Id<MessageMarker>,
}
