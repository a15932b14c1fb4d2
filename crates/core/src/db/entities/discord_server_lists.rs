//! `discord_server_lists` (`DiscordServerLists` in the Python bot): discord server list.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `discord_server_lists`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "discord_server_lists")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `server_description`. SQL: `varchar(200)` NOT NULL.
    pub server_description: String,
    /// `invite_id`. SQL: `varchar(45)` NOT NULL.
    pub invite_id: String,
    /// References `discord_server_categories.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub category_id: i32,
}

/// Relations of `discord_server_lists` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `discord_server_lists.category_id` → `discord_server_categories.id`.
    #[sea_orm(
        belongs_to = "super::discord_server_categories::Entity",
        from = "Column::CategoryId",
        to = "super::discord_server_categories::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Category,
}

impl Related<super::discord_server_categories::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Category.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
