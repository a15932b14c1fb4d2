//! `nick_verification` (`NickVerification` in the Python bot): web/identity; only deleted by the web app.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `nick_verification`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "nick_verification")]
pub struct Model {
    /// Primary key. SQL: `bigint` NOT NULL.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: i64,
    /// `discord_user_id`. SQL: `bigint`.
    pub discord_user_id: Option<i64>,
    /// Last update time (naive UTC); MySQL/MariaDB refresh it on every update, on SQLite and PostgreSQL the application must set it. SQL: `datetime(6)`.
    pub timestamp: Option<DateTime>,
}

/// Relations of `nick_verification` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
