//! Unlisted rooms (racetime.md §3.8): `rtggunlistedrooms` rows written while the bot runs and
//! swept at start-up.

use sahasrahbot_core::db::entities::rtggunlistedrooms as rows;
use sahasrahbot_racetime::{Bot, HandlerFactory};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use tracing::{info, warn};

/// Upserts (unlisted) or deletes (listed) the room's row.
pub async fn record(
    db: &DatabaseConnection,
    room: &str,
    category: &str,
    unlisted: bool,
) -> crate::Result<()> {
    if unlisted {
        let existing = rows::Entity::find()
            .filter(rows::Column::RoomName.eq(room))
            .one(db)
            .await?;
        match existing {
            Some(row) if row.category == category => {}
            Some(row) => {
                let mut am: rows::ActiveModel = row.into();
                am.category = Set(category.to_owned());
                am.update(db).await?;
            }
            None => {
                rows::ActiveModel {
                    room_name: Set(room.to_owned()),
                    category: Set(category.to_owned()),
                    ..Default::default()
                }
                .insert(db)
                .await?;
            }
        }
    } else {
        rows::Entity::delete_many()
            .filter(rows::Column::RoomName.eq(room))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// What [`rejoin_unlisted_rooms`] did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct UnlistedSweep {
    /// Rooms joined again.
    pub rejoined: Vec<String>,
    /// Rows deleted (room finished, cancelled, listed, or gone).
    pub deleted: Vec<String>,
    /// Rooms that could not be checked this time (kept for the next start).
    pub failed: Vec<String>,
}

/// At start-up: for every row of the bot's category, delete it when the room is finished,
/// cancelled, no longer unlisted or no longer exists; join it otherwise. A room that cannot
/// be fetched is skipped, not fatal (the original aborted the sweep, §5.19).
pub async fn rejoin_unlisted_rooms<F: HandlerFactory>(
    bot: &Bot<F>,
    db: &DatabaseConnection,
) -> crate::Result<UnlistedSweep> {
    let category = bot.config().category.clone();
    let list = rows::Entity::find()
        .filter(rows::Column::Category.eq(category.as_str()))
        .all(db)
        .await?;
    let mut sweep = UnlistedSweep::default();
    for row in list {
        let name = row.room_name.clone();
        let stale = match bot.race_data(&name).await {
            Ok(race) => race.status.value.is_terminal() || !race.unlisted,
            Err(sahasrahbot_racetime::Error::NotFound(_)) => true,
            Err(e) => {
                warn!(room = %name, category = %category, error = %e, "unlisted room not checked");
                sweep.failed.push(name);
                continue;
            }
        };
        if stale {
            rows::Entity::delete_by_id(row.id).exec(db).await?;
            sweep.deleted.push(name);
            continue;
        }
        match bot.join_room(&name, false).await {
            Ok(_) => sweep.rejoined.push(name),
            Err(e) => {
                warn!(room = %name, category = %category, error = %e, "unlisted room not joined");
                sweep.failed.push(name);
            }
        }
    }
    info!(category = %category, ?sweep, "unlisted rooms swept");
    Ok(sweep)
}
