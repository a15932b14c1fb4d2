//! `rtggwatcher` (`RTGGWatcher` in the Python bot): racetime tools.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `rtggwatcher`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "rtggwatcher")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `guild_id`. SQL: `bigint` NOT NULL.
    pub guild_id: i64,
    /// `channel_id`. SQL: `bigint` NOT NULL.
    pub channel_id: i64,
    /// `category`. SQL: `varchar(50)` NOT NULL.
    pub category: String,
    /// `notify_on_new_player`. SQL: `bool` NOT NULL DEFAULT 0.
    pub notify_on_new_player: bool,
}

/// Relations of `rtggwatcher` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Rows of `rtggwatcherplayer` pointing here.
    #[sea_orm(has_many = "super::rtggwatcherplayer::Entity")]
    RTGGWatcherPlayer,
}

impl Related<super::rtggwatcherplayer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RTGGWatcherPlayer.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
