//! `scheduleevent` (`ScheduleEvent` in the Python bot): schedule (web); partially wired web feature.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `scheduleevent`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "scheduleevent")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `name`. SQL: `longtext` NOT NULL.
    #[sea_orm(column_type = "Text")]
    pub name: String,
    /// `event_slug`. SQL: `varchar(50)` NOT NULL.
    pub event_slug: String,
    /// `description`. SQL: `longtext` NOT NULL.
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// `stream_delay`. SQL: `int` NOT NULL DEFAULT 0.
    pub stream_delay: i32,
    /// `open_player_signup`. SQL: `bool` NOT NULL DEFAULT 1.
    pub open_player_signup: bool,
    /// `open_restreamer_signup`. SQL: `bool` NOT NULL DEFAULT 1.
    pub open_restreamer_signup: bool,
    /// `open_commentator_signup`. SQL: `bool` NOT NULL DEFAULT 1.
    pub open_commentator_signup: bool,
    /// `open_tracker_signup`. SQL: `bool` NOT NULL DEFAULT 1.
    pub open_tracker_signup: bool,
    /// `max_players`. SQL: `int` NOT NULL DEFAULT 2.
    pub max_players: i32,
    /// `max_commentators`. SQL: `int` NOT NULL DEFAULT 2.
    pub max_commentators: i32,
    /// `max_trackers`. SQL: `int` NOT NULL DEFAULT 1.
    pub max_trackers: i32,
    /// `max_restreamers`. SQL: `int` NOT NULL DEFAULT 1.
    pub max_restreamers: i32,
}

/// Relations of `scheduleevent` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Rows of `scheduleepisode` pointing here.
    #[sea_orm(has_many = "super::scheduleepisode::Entity")]
    ScheduleEpisode,
}

impl Related<super::scheduleepisode::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ScheduleEpisode.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
