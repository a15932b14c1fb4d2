//! The core commands (racetime.md §3.5): `!cancel`, `!tournamentrace`, `!konot`, `!lock`,
//! `!unlock`, `!promote`, `!override`.

use std::sync::Arc;

use sahasrahbot_core::db::entities::rtggoverridewhitelist as whitelist;
use sahasrahbot_racetime::{ChatMessage, Commands, HandlerResult, Invocation, Room};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{Category, RoomHandler, is_racing_entrant, texts};
use crate::{konot, spoiler};

/// The sender's display name, as the monitor-only refusal names it.
pub(crate) fn sender_name(message: &ChatMessage) -> &str {
    message.user.as_ref().map_or("friend", |u| u.name.as_str())
}

/// Posts the monitor-only refusal and returns true when the sender is not a monitor.
pub(crate) fn refuse_non_monitor(
    room: &Room,
    message: &ChatMessage,
) -> Result<bool, sahasrahbot_racetime::HandlerError> {
    if message.sender_is_monitor() {
        return Ok(false);
    }
    room.send_message(format!(
        "Sorry {}, only race monitors can do that.",
        sender_name(message)
    ))?;
    Ok(true)
}

/// Every core command, for category `C`.
pub(crate) fn core_commands<C: Category>() -> Commands<RoomHandler<C>> {
    Commands::new()
        .add("cancel", cancel::<C>)
        .add("tournamentrace", tournamentrace::<C>)
        .add("konot", konot_cmd::<C>)
        .add("lock", lock_cmd::<C>)
        .add("unlock", unlock_cmd::<C>)
        .add("promote", promote::<C>)
        .add("override", override_cmd::<C>)
}

async fn cancel<C: Category>(h: Arc<RoomHandler<C>>, room: Room, inv: Invocation) -> HandlerResult {
    if C::MONITOR_CANCEL && refuse_non_monitor(&room, &inv.message)? {
        return Ok(());
    }
    h.set_seed_rolled(false);
    room.set_bot_raceinfo(texts::NEW_RACE)?;
    if C::MONITOR_CANCEL {
        spoiler::delete_spoiler_race(&h, &room).await?;
    }
    room.send_message(texts::CANCEL)?;
    Ok(())
}

/// `!tournamentrace` (tournament.md §2.9): the roll guard (already rolled, locked), then
/// entrants or monitors only, then the linked tournament's roll; a seed counts as rolled only
/// when the tournament says it rolled one.
async fn tournamentrace<C: Category>(
    h: Arc<RoomHandler<C>>,
    room: Room,
    inv: Invocation,
) -> HandlerResult {
    h.guarded_roll(&room, &inv.message, || async {
        let sender = inv
            .message
            .user
            .as_ref()
            .map(|u| u.id.as_str())
            .unwrap_or("");
        let race = room.race();
        let entrant =
            !sender.is_empty() && race.entrants.iter().any(|e| is_racing_entrant(e, sender));
        if !entrant && !inv.message.sender_is_monitor() {
            room.send_message(texts::TOURNAMENT_ENTRANTS_ONLY)?;
            return Ok(false);
        }
        match h.find_tournament(&room).await {
            Some(t) => {
                t.process_tournament_race(&room, &inv.args, &inv.message)
                    .await
            }
            None => {
                room.send_message(texts::NOT_A_TOURNAMENT)?;
                Ok(false)
            }
        }
    })
    .await
}

async fn konot_cmd<C: Category>(
    h: Arc<RoomHandler<C>>,
    room: Room,
    _inv: Invocation,
) -> HandlerResult {
    // The rows first: once the announcement is out, the series exists.
    let race = room.race();
    let segment = konot::create_new(&h.services.db, &race.category.slug, room.name()).await?;
    *crate::services::lock(&h.konot) = Some(segment);
    room.send_message(texts::KONOT_START)?;
    room.set_bot_raceinfo("KONOT Series, Segment #1")?;
    Ok(())
}

async fn lock_cmd<C: Category>(
    h: Arc<RoomHandler<C>>,
    room: Room,
    inv: Invocation,
) -> HandlerResult {
    set_lock(&h, &room, &inv, true, texts::LOCK)
}

async fn unlock_cmd<C: Category>(
    h: Arc<RoomHandler<C>>,
    room: Room,
    inv: Invocation,
) -> HandlerResult {
    set_lock(&h, &room, &inv, false, texts::UNLOCK)
}

/// `!lock` / `!unlock`: monitors only; sets the lock and says so.
fn set_lock<C: Category>(
    h: &RoomHandler<C>,
    room: &Room,
    inv: &Invocation,
    locked: bool,
    reply: &str,
) -> HandlerResult {
    if refuse_non_monitor(room, &inv.message)? {
        return Ok(());
    }
    h.set_locked(locked);
    room.send_message(reply)?;
    Ok(())
}

async fn promote<C: Category>(
    h: Arc<RoomHandler<C>>,
    room: Room,
    inv: Invocation,
) -> HandlerResult {
    let Some(user) = inv.message.user.as_ref() else {
        return Ok(());
    };
    let Some(t) = h.find_tournament(&room).await else {
        return Ok(());
    };
    if !t.can_gatekeep(&user.id).await {
        return Ok(());
    }
    let race = room.race();
    let joined = race.entrants.iter().any(|e| {
        e.user.as_ref().is_some_and(|u| u.id == user.id)
            && !matches!(
                e.status.value.as_str(),
                "requested" | "invited" | "declined"
            )
    });
    if joined {
        room.add_monitor(&user.id)?;
    } else {
        room.send_message(texts::PROMOTE_JOIN_FIRST)?;
    }
    Ok(())
}

async fn override_cmd<C: Category>(
    h: Arc<RoomHandler<C>>,
    room: Room,
    inv: Invocation,
) -> HandlerResult {
    let Some(user) = inv.message.user.as_ref() else {
        return Ok(());
    };
    let row = whitelist::Entity::find()
        .filter(whitelist::Column::RacetimeId.eq(user.id.as_str()))
        .filter(whitelist::Column::Category.eq(room.category()))
        .one(&h.services.db)
        .await?;
    let Some(row) = row else {
        room.send_message(texts::OVERRIDE_NOT_WHITELISTED)?;
        return Ok(());
    };
    // Stored datetimes are naive UTC on every backend; compare with naive UTC now.
    if row
        .expires
        .is_some_and(|e| e < chrono::Utc::now().naive_utc())
    {
        room.send_message(texts::OVERRIDE_EXPIRED)?;
        return Ok(());
    }
    room.override_stream(&user.id)?;
    Ok(())
}
