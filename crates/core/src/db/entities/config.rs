//! `config` (`Config` in the Python bot): guild config; key/value per guild (§6.3); guild_id 0 = global.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `config`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "config")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `guild_id`. SQL: `bigint` NOT NULL.
    pub guild_id: i64,
    /// `parameter`. SQL: `varchar(45)` NOT NULL.
    pub parameter: String,
    /// `value`. SQL: `varchar(45)`.
    pub value: Option<String>,
}

/// Relations of `config` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
