//! Discord fan-out of status transitions (racetime.md §3.11, discord.md §2.6) through
//! [`ChatNotifier`](sahasrahbot_core::ports::ChatNotifier): when a race starts, watchlisted
//! entrants are announced in their watcher's channel, and so are entrants on their first
//! race for watchers that asked for new players.

use std::collections::HashSet;
use std::sync::Arc;

use sahasrahbot_core::db::entities::{rtggwatcher as watcher, rtggwatcherplayer as player};
use sahasrahbot_core::ports::{ChatMessage, ChatNotifier, ChatTarget};
use sahasrahbot_racetime::model::User;
use sahasrahbot_racetime::{RaceData, Room};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};
use tracing::{Instrument, debug, info_span, warn};

use crate::services::Services;

/// Discord's red (`discord.Colour.red()`), for watchlisted players.
const RED: u32 = 0xE7_4C3C;
/// Discord's green (`discord.Colour.green()`), for new racers.
const GREEN: u32 = 0x2E_CC71;

/// Fires the `racetime_{status}` event. On `in_progress` the watchlist and new-racer embeds
/// are sent from a task of their own, as the original dispatched Discord events: profile
/// look-ups must not hold up the room's frames.
pub(crate) fn status_changed(services: &Arc<Services>, room: &Room, status: &str) {
    debug!(room = room.name(), category = room.category(), event = %format!("racetime_{status}"), "status event");
    if status != "in_progress" {
        return;
    }
    let Some(notifier) = services.notifier.clone() else {
        return;
    };
    let span = info_span!("fanout", room = room.name(), category = room.category());
    let services = services.clone();
    let room = room.clone();
    // The entrants as the race started, whatever changes before the task runs.
    let race = room.race();
    tokio::spawn(
        async move { race_started(&services, notifier.as_ref(), &room, &race).await }
            .instrument(span),
    );
}

async fn race_started(
    services: &Services,
    notifier: &dyn ChatNotifier,
    room: &Room,
    race: &RaceData,
) {
    let watchers = match watcher::Entity::find()
        .filter(watcher::Column::Category.eq(room.category()))
        .all(&services.db)
        .await
    {
        Ok(w) => w,
        Err(e) => {
            warn!(room = room.name(), category = room.category(), error = %e, "watchers not loaded");
            return;
        }
    };
    if watchers.is_empty() {
        return;
    }
    if let Err(e) = watchlist(services, notifier, room, race, &watchers).await {
        warn!(room = room.name(), category = room.category(), error = %e, "watchlist fan-out failed");
    }
    new_racers(services, notifier, room, race, &watchers).await;
}

/// Users of the race's entrants; deleted users (`user: null`) have none and are skipped
/// (the original failed on them, racetime.md §5.10).
fn entrant_users(race: &RaceData) -> impl Iterator<Item = &User> {
    race.entrants.iter().filter_map(|e| e.user.as_ref())
}

/// `[{full name}]({profile url})` and `[{room}]({room url})`, the links both embeds carry.
fn links(services: &Services, race: &RaceData, full_name: &str, profile: &str) -> (String, String) {
    (
        format!("[{full_name}]({})", services.racetime_url(profile)),
        format!("[{}]({})", race.name, services.racetime_url(&race.url)),
    )
}

async fn send(notifier: &dyn ChatNotifier, room: &Room, channel_id: i64, embed: Value) {
    let Ok(channel) = u64::try_from(channel_id) else {
        warn!(
            room = room.name(),
            channel_id, "watcher channel id is not a Discord id"
        );
        return;
    };
    let message = ChatMessage {
        content: String::new(),
        embed: Some(embed.to_string()),
        ..ChatMessage::default()
    };
    if let Err(e) = notifier.notify(ChatTarget::Channel(channel), message).await {
        warn!(room = room.name(), category = room.category(), error = %e, "fan-out message not delivered");
    }
}

/// Watchlisted entrants: a red embed in each watcher's channel that lists them.
async fn watchlist(
    services: &Services,
    notifier: &dyn ChatNotifier,
    room: &Room,
    race: &RaceData,
    watchers: &[watcher::Model],
) -> crate::Result<()> {
    for w in watchers {
        let watched: Vec<String> = player::Entity::find()
            .filter(player::Column::RtggWatcherId.eq(w.id))
            .all(&services.db)
            .await?
            .into_iter()
            .map(|p| p.racetime_id)
            .collect();
        for user in entrant_users(race).filter(|u| watched.contains(&u.id)) {
            let profile = user
                .url
                .clone()
                .unwrap_or_else(|| format!("/user/{}", user.id));
            let (player, room_link) = links(services, race, &user.full_name, &profile);
            let embed = json!({
                "title": "Watchlisted Player Detected in race",
                "description": format!("Watchlisted player {player} started racing in {room_link}"),
                "color": RED,
            });
            send(notifier, room, w.channel_id, embed).await;
        }
    }
    Ok(())
}

/// Entrants whose racetime.gg profile shows no race joined yet (`stats.joined == 0`): a green
/// embed in the channel of every watcher with `notify_on_new_player`. Each profile is
/// fetched once, however many watchers ask; a profile that cannot be fetched is skipped.
async fn new_racers(
    services: &Services,
    notifier: &dyn ChatNotifier,
    room: &Room,
    race: &RaceData,
    watchers: &[watcher::Model],
) {
    let channels: Vec<i64> = watchers
        .iter()
        .filter(|w| w.notify_on_new_player)
        .map(|w| w.channel_id)
        .collect();
    if channels.is_empty() {
        return;
    }
    let mut seen = HashSet::new();
    for user in entrant_users(race) {
        if !seen.insert(user.id.as_str()) {
            continue;
        }
        let profile = match room.get_user(&user.id).await {
            Ok(p) => p,
            Err(e) => {
                warn!(room = room.name(), category = room.category(), user = %user.id, error = %e, "racetime.gg profile not fetched");
                continue;
            }
        };
        if profile["stats"]["joined"].as_u64() != Some(0) {
            continue;
        }
        let full_name = profile["full_name"].as_str().unwrap_or(&user.full_name);
        let url = profile["url"]
            .as_str()
            .map_or_else(|| format!("/user/{}", user.id), str::to_owned);
        let (racer, room_link) = links(services, race, full_name, &url);
        let embed = json!({
            "title": "New Racer Detected!",
            "description": format!("{racer} started their first race in {room_link}"),
            "color": GREEN,
        });
        for channel in &channels {
            send(notifier, room, *channel, embed.clone()).await;
        }
    }
}
