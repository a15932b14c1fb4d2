//! `discord_server_categories` (`DiscordServerCategories` in the Python bot): discord server list; ORM in cog; raw-SQL module is dead code.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `discord_server_categories`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "discord_server_categories")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `order`. SQL: `int` NOT NULL DEFAULT 0.
    pub order: i32,
    /// `guild_id`. SQL: `bigint` NOT NULL.
    pub guild_id: i64,
    /// `channel_id`. SQL: `bigint` NOT NULL.
    pub channel_id: i64,
    /// `category_title`. SQL: `varchar(200)` NOT NULL.
    pub category_title: String,
    /// `category_description`. SQL: `varchar(200)`.
    pub category_description: Option<String>,
}

/// Relations of `discord_server_categories` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Rows of `discord_server_lists` pointing here.
    #[sea_orm(has_many = "super::discord_server_lists::Entity")]
    DiscordServerLists,
}

impl Related<super::discord_server_lists::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::DiscordServerLists.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
