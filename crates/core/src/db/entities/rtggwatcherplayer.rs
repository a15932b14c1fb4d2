//! `rtggwatcherplayer` (`RTGGWatcherPlayer` in the Python bot): racetime tools.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `rtggwatcherplayer`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "rtggwatcherplayer")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `racetime_id`. SQL: `varchar(50)` NOT NULL.
    pub racetime_id: String,
    /// References `rtggwatcher.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub rtgg_watcher_id: i32,
}

/// Relations of `rtggwatcherplayer` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `rtggwatcherplayer.rtgg_watcher_id` → `rtggwatcher.id`.
    #[sea_orm(
        belongs_to = "super::rtggwatcher::Entity",
        from = "Column::RtggWatcherId",
        to = "super::rtggwatcher::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    RtggWatcher,
}

impl Related<super::rtggwatcher::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RtggWatcher.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
