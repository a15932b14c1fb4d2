//! KONOT room chaining (racetime.md §3.9): segment rows, and on finish the next invitational
//! room with the advancing players invited.

use sahasrahbot_core::db::entities::{racetimekonotgame as game, racetimekonotsegment as segment};
use sahasrahbot_racetime::{HandlerResult, RaceData, RaceSettings, Room};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use tracing::info;

use crate::services::Services;

/// The KONOT segment a room is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KonotSegment {
    /// The game (series) id.
    pub game_id: i32,
    /// 1-based segment number.
    pub segment_number: i32,
}

/// The final-race text.
pub const FINAL_RACE: &str = "This was the final race!  GG";

/// Starts a series: a game row for the category and segment 1 for `room`.
pub async fn create_new(
    db: &DatabaseConnection,
    category: &str,
    room: &str,
) -> crate::Result<KonotSegment> {
    let now = chrono::Utc::now().naive_utc();
    let g = game::ActiveModel {
        category_slug: Set(category.to_owned()),
        created: Set(now),
        updated: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    insert_segment(db, g.id, 1, room).await
}

async fn insert_segment(
    db: &DatabaseConnection,
    game_id: i32,
    number: i32,
    room: &str,
) -> crate::Result<KonotSegment> {
    let now = chrono::Utc::now().naive_utc();
    segment::ActiveModel {
        racetime_room: Set(room.to_owned()),
        segment_number: Set(number),
        game_id: Set(game_id),
        created: Set(now),
        updated: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(KonotSegment {
        game_id,
        segment_number: number,
    })
}

/// The room's segment, if any. When `!konot` ran twice in a room the latest row wins (the
/// original failed on the duplicate and the handler died on every restart, §5.23).
pub async fn resume(db: &DatabaseConnection, room: &str) -> crate::Result<Option<KonotSegment>> {
    let row = segment::Entity::find()
        .filter(segment::Column::RacetimeRoom.eq(room))
        .order_by_desc(segment::Column::Id)
        .one(db)
        .await?;
    Ok(row.map(|r| KonotSegment {
        game_id: r.game_id,
        segment_number: r.segment_number,
    }))
}

/// Ids of the players advancing: every entrant in server order but the last, keeping those
/// with a place (racetime.md §3.9 step 5).
pub fn advancing_players(race: &RaceData) -> Vec<String> {
    let n = race.entrants.len().saturating_sub(1);
    race.entrants[..n]
        .iter()
        .filter(|e| e.place.is_some())
        .filter_map(|e| e.user.as_ref().map(|u| u.id.clone()))
        .collect()
}

/// The next room's settings: copied from the finished race, invitational, 15 s start delay,
/// 24 h limit. A custom goal stays a custom goal (the original sent the goal "None", §5.6).
pub fn next_room_settings(race: &RaceData, number: i32) -> RaceSettings {
    let mut s = RaceSettings {
        invitational: true,
        unlisted: false,
        info_user: format!("KONOT Series, Segment #{number}"),
        start_delay: 15,
        time_limit: 24,
        streaming_required: race.streaming_required,
        auto_start: race.auto_start,
        allow_comments: race.allow_comments,
        hide_comments: race.hide_comments,
        allow_prerace_chat: race.allow_prerace_chat,
        allow_midrace_chat: race.allow_midrace_chat,
        allow_non_entrant_chat: race.allow_non_entrant_chat,
        chat_message_delay: 0,
        team_race: false,
        ..RaceSettings::default()
    };
    if race.goal.custom {
        s.goal = None;
        s.custom_goal = Some(race.goal.name.clone());
    } else {
        s.goal = Some(race.goal.name.clone());
        s.custom_goal = None;
    }
    s
}

/// On `finished`: the final-race notice, or the next room with the advancing players.
pub(crate) async fn create_next_room(
    services: &Services,
    room: &Room,
    current: &KonotSegment,
) -> HandlerResult {
    let race = room.race();
    if race.entrants_count <= 2 {
        room.send_message(FINAL_RACE)?;
        return Ok(());
    }
    let number = current.segment_number + 1;
    let settings = next_room_settings(&race, number);
    let name = room.start_race(&settings).await?;
    insert_segment(&services.db, current.game_id, number, &name).await?;
    let players = advancing_players(&race);
    info!(room = room.name(), next = %name, ?players, "KONOT next segment");
    if let Some(next) = room.join_room(&name, true).await? {
        for id in &players {
            next.room().invite_user(id)?;
        }
    }
    room.send_message(format!(
        "Next race room at {}",
        services.racetime_url(&format!("/{name}"))
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn race(entrants: serde_json::Value, goal_custom: bool) -> RaceData {
        let user = |id: &str| json!({"id": id, "full_name": id, "name": id, "can_moderate": false});
        let entrants: Vec<serde_json::Value> = entrants
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                json!({
                    "user": e[0].as_str().map(user),
                    "status": {"value": e[1]},
                    "place": e[2],
                })
            })
            .collect();
        serde_json::from_value(json!({
            "version": 1, "name": "contra/x-1", "slug": "x-1",
            "status": {"value": "finished"}, "url": "/contra/x-1", "data_url": "/contra/x-1/data",
            "websocket_bot_url": "/ws/o/bot/x-1",
            "category": {"name": "Contra", "short_name": "C", "slug": "contra", "url": "/contra", "data_url": "/contra/data"},
            "goal": {"name": "Beat the game", "custom": goal_custom},
            "entrants_count": entrants.len(), "entrants": entrants,
            "streaming_required": true, "hide_comments": true,
        }))
        .unwrap()
    }

    #[test]
    fn the_last_listed_entrant_is_dropped_and_only_finishers_advance() {
        let all_done = race(
            json!([["a", "done", 1], ["b", "done", 2], ["c", "done", 3]]),
            false,
        );
        assert_eq!(advancing_players(&all_done), ["a", "b"]);
        let with_dnf = race(
            json!([
                ["a", "done", 1],
                ["b", "done", 2],
                ["c", "done", 3],
                ["d", "dnf", null]
            ]),
            false,
        );
        assert_eq!(advancing_players(&with_dnf), ["a", "b", "c"]);
        // A deleted user (no user object) is skipped, not a crash.
        let deleted = race(
            json!([[null, "done", 1], ["b", "done", 2], ["c", "done", 3]]),
            false,
        );
        assert_eq!(advancing_players(&deleted), ["b"]);
    }

    #[test]
    fn next_room_settings_copy_the_race_and_keep_a_custom_goal() {
        let custom = race(json!([]), true);
        let s = next_room_settings(&custom, 3);
        assert_eq!(s.custom_goal.as_deref(), Some("Beat the game"));
        assert_eq!(s.goal, None);
        assert_eq!(s.info_user, "KONOT Series, Segment #3");
        assert!(s.invitational && !s.unlisted && !s.team_race);
        assert_eq!(
            (s.start_delay, s.time_limit, s.chat_message_delay),
            (15, 24, 0)
        );
        assert!(s.streaming_required && s.hide_comments);
        let normal = next_room_settings(&race(json!([]), false), 2);
        assert_eq!(normal.goal.as_deref(), Some("Beat the game"));
        assert_eq!(normal.custom_goal, None);
    }
}
