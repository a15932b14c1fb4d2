//! `scheduleepisodeplayer` (`ScheduleEpisodePlayer` in the Python bot): schedule (web).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `scheduleepisodeplayer`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "scheduleepisodeplayer")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// References `scheduleepisode.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub episode_id: i32,
    /// References `users.id` (ON DELETE RESTRICT). SQL: `int` NOT NULL.
    pub user_id: i32,
}

/// Relations of `scheduleepisodeplayer` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `scheduleepisodeplayer.episode_id` → `scheduleepisode.id`.
    #[sea_orm(
        belongs_to = "super::scheduleepisode::Entity",
        from = "Column::EpisodeId",
        to = "super::scheduleepisode::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Episode,
    /// `scheduleepisodeplayer.user_id` → `users.id`.
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    User,
}

impl Related<super::scheduleepisode::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Episode.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
