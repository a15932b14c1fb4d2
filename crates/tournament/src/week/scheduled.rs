//! Discord scheduled events for the week's episodes (§2.18.1, P39).
//!
//! 1. Prune: `scheduledevents` rows of the event whose episode left the window. The
//!    Discord event is deleted when it is still scheduled; the row is deleted in every
//!    case, also when Discord no longer knows the event (the original kept that row and
//!    re-fetched it forever). A failed fetch or delete keeps the row for the next tick.
//! 2. Each episode: name / description / start / end / location ([`spec_for`]); an existing
//!    event is edited only when one of them differs, recreated (row upserted) when Discord
//!    answers NotFound; an episode without a row gets a new event and a new row. A failing
//!    episode is logged and the next one is served.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use sahasrahbot_core::db::entities::scheduledevents;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use tracing::{Instrument, info, info_span, warn};

use super::WeekServices;
use super::players;
use super::ports::{DiscordPortError, EventSpec, EventStatus};
use crate::engine::ResolvedPlayer;
use crate::time::{TimestampStyle, discord_timestamp};
use crate::{Episode, Error, EventDefinition, Result};

/// How long a scheduled event lasts.
const EVENT_LENGTH_HOURS: i64 = 2;
/// Discord's limit on event names.
const NAME_LIMIT: usize = 100;

fn port(e: DiscordPortError) -> Error {
    Error::Discord(e.to_string())
}

/// The event Discord should show for `episode` (§2.18.1 step 2) with its resolved players.
pub(crate) fn spec_for(
    event: &EventDefinition,
    episode: &Episode,
    when: DateTime<FixedOffset>,
    players: &[ResolvedPlayer],
) -> EventSpec {
    let mut name = event.event_slug.to_uppercase();
    let title = episode.title();
    if !title.is_empty() {
        name.push_str(" - ");
        name.push_str(title);
    }
    let versus = players::versus_of(players);
    if !versus.is_empty() {
        name.push_str(" - ");
        name.push_str(&versus);
    }
    let name: String = name.chars().take(NAME_LIMIT).collect();
    let start = when.with_timezone(&Utc);
    let runners = episode
        .match1
        .as_ref()
        .map(|m| m.players.as_slice())
        .unwrap_or_default();
    let location = match episode.broadcast_channels().first() {
        Some(channel) => format!("https://twitch.tv/{channel}"),
        None if !runners.is_empty() => {
            let streams: Vec<&str> = runners.iter().map(|p| p.streaming_from.as_str()).collect();
            format!("https://multistre.am/{}/layout3/", streams.join("/"))
        }
        None => "TBD".to_owned(),
    };
    EventSpec {
        name,
        description: format!(
            "Start Time: {}",
            discord_timestamp(&when, TimestampStyle::ShortDateTime)
        ),
        start,
        end: start + Duration::hours(EVENT_LENGTH_HOURS),
        location,
    }
}

/// Keeps the event's Discord scheduled events in step with `episodes`.
pub(crate) async fn sync(
    s: &WeekServices,
    event: &EventDefinition,
    episodes: &[Episode],
) -> Result<()> {
    prune(s, event, episodes).await?;
    for episode in episodes {
        let span = info_span!("scheduled_event", event = %event.event_slug, episode = episode.id);
        if let Err(e) = sync_episode(s, event, episode).instrument(span).await {
            warn!(event = %event.event_slug, episode = episode.id, error = %e, "scheduled event not updated");
        }
    }
    Ok(())
}

async fn prune(s: &WeekServices, event: &EventDefinition, episodes: &[Episode]) -> Result<()> {
    let live: Vec<i64> = episodes.iter().map(|e| e.id).collect();
    let rows = scheduledevents::Entity::find()
        .filter(scheduledevents::Column::EventSlug.eq(&event.event_slug))
        .order_by_asc(scheduledevents::Column::EpisodeId)
        .all(&s.db)
        .await?;
    for row in rows
        .into_iter()
        .filter(|r| !live.contains(&i64::from(r.episode_id)))
    {
        let id = u64::try_from(row.scheduled_event_id).unwrap_or_default();
        match s.events.get(event.guild_id, id).await {
            Ok(found) => {
                if found.status == EventStatus::Scheduled
                    && let Err(e) = s.events.delete(event.guild_id, id).await
                {
                    warn!(event = %event.event_slug, episode = row.episode_id, scheduled_event = id, error = %e, "dead scheduled event not deleted; row kept");
                    continue;
                }
            }
            Err(DiscordPortError::NotFound) => {}
            Err(e) => {
                warn!(event = %event.event_slug, episode = row.episode_id, scheduled_event = id, error = %e, "dead scheduled event not read; row kept");
                continue;
            }
        }
        scheduledevents::Entity::delete_by_id(row.scheduled_event_id)
            .exec(&s.db)
            .await?;
        info!(event = %event.event_slug, episode = row.episode_id, scheduled_event = id, "dead scheduled event pruned");
    }
    Ok(())
}

async fn sync_episode(s: &WeekServices, event: &EventDefinition, episode: &Episode) -> Result<()> {
    let when = episode
        .when
        .ok_or_else(|| Error::SpeedGaming(format!("episode {} has no start time", episode.id)))?;
    let episode_id = i32::try_from(episode.id)
        .map_err(|_| Error::SpeedGaming(format!("episode id {} out of range", episode.id)))?;
    let players = players::resolve(&s.db, s.guilds.as_ref(), event, episode).await?;
    let spec = spec_for(event, episode, when, &players);
    let row = scheduledevents::Entity::find()
        .filter(scheduledevents::Column::EpisodeId.eq(episode_id))
        .one(&s.db)
        .await?;
    let Some(row) = row else {
        let id = s.events.create(event.guild_id, &spec).await.map_err(port)?;
        scheduledevents::ActiveModel {
            scheduled_event_id: Set(discord_id(id)?),
            event_slug: Set(event.event_slug.clone()),
            episode_id: Set(episode_id),
        }
        .insert(&s.db)
        .await?;
        info!(scheduled_event = id, "scheduled event created");
        return Ok(());
    };
    let id = u64::try_from(row.scheduled_event_id).unwrap_or_default();
    match s.events.get(event.guild_id, id).await {
        Ok(current) => {
            if current.spec != spec {
                s.events
                    .edit(event.guild_id, id, &spec)
                    .await
                    .map_err(port)?;
                info!(scheduled_event = id, "scheduled event edited");
            }
        }
        Err(DiscordPortError::NotFound) => {
            let new_id = s.events.create(event.guild_id, &spec).await.map_err(port)?;
            scheduledevents::Entity::update_many()
                .col_expr(
                    scheduledevents::Column::ScheduledEventId,
                    Expr::value(discord_id(new_id)?),
                )
                .col_expr(
                    scheduledevents::Column::EventSlug,
                    Expr::value(event.event_slug.clone()),
                )
                .filter(scheduledevents::Column::EpisodeId.eq(episode_id))
                .exec(&s.db)
                .await?;
            info!(
                scheduled_event = new_id,
                old = id,
                "scheduled event missing on Discord; recreated"
            );
        }
        Err(e) => return Err(port(e)),
    }
    Ok(())
}

fn discord_id(id: u64) -> Result<i64> {
    i64::try_from(id).map_err(|_| Error::Discord(format!("scheduled event id {id} out of range")))
}
