//! Discord fan-out of status transitions (racetime.md §3.11) through
//! [`ChatNotifier`](sahasrahbot_core::ports::ChatNotifier): when a race starts, watchlisted
//! entrants are announced in their watcher's channel.

use sahasrahbot_core::db::entities::{rtggwatcher as watcher, rtggwatcherplayer as player};
use sahasrahbot_core::ports::{ChatMessage, ChatTarget};
use sahasrahbot_racetime::Room;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use tracing::{debug, warn};

use crate::services::Services;

/// Fires the `racetime_{status}` event: on `in_progress`, the watchlist embeds.
pub(crate) async fn status_changed(services: &Services, room: &Room, status: &str) {
    debug!(room = room.name(), category = room.category(), event = %format!("racetime_{status}"), "status event");
    if status != "in_progress" {
        return;
    }
    let Some(notifier) = services.notifier.clone() else {
        return;
    };
    if let Err(e) = watchlist(services, notifier.as_ref(), room).await {
        warn!(room = room.name(), error = %e, "watchlist fan-out failed");
    }
}

async fn watchlist(
    services: &Services,
    notifier: &dyn sahasrahbot_core::ports::ChatNotifier,
    room: &Room,
) -> crate::Result<()> {
    let race = room.race();
    let watchers = watcher::Entity::find()
        .filter(watcher::Column::Category.eq(room.category()))
        .all(&services.db)
        .await?;
    for w in watchers {
        let watched: Vec<String> = player::Entity::find()
            .filter(player::Column::RtggWatcherId.eq(w.id))
            .all(&services.db)
            .await?
            .into_iter()
            .map(|p| p.racetime_id)
            .collect();
        for entrant in &race.entrants {
            let Some(user) = &entrant.user else { continue };
            if !watched.contains(&user.id) {
                continue;
            }
            let url = services.racetime_url(&race.url);
            let embed = json!({
                "title": "Watchlisted Player Detected",
                "description": format!("A watchlisted player was detected in a race room: {url}"),
                "color": 0xE74C3C,
                "fields": [
                    {"name": "Player", "value": user.full_name, "inline": true},
                    {"name": "Room", "value": race.name, "inline": true},
                ],
            });
            let channel = u64::try_from(w.channel_id).unwrap_or_default();
            let message = ChatMessage {
                content: String::new(),
                embed: Some(embed.to_string()),
            };
            if let Err(e) = notifier.notify(ChatTarget::Channel(channel), message).await {
                warn!(room = room.name(), error = %e, "watchlist message not delivered");
            }
        }
    }
    Ok(())
}
