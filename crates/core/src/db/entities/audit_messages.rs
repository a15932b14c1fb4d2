//! `audit_messages` (`AuditMessages` in the Python bot): audit bot; message cache; rows older than 30 days purged by the audit bot.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `audit_messages`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "audit_messages")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `guild_id`. SQL: `bigint`.
    pub guild_id: Option<i64>,
    /// `message_id`. SQL: `bigint`.
    pub message_id: Option<i64>,
    /// `user_id`. SQL: `bigint`.
    pub user_id: Option<i64>,
    /// `channel_id`. SQL: `bigint`.
    pub channel_id: Option<i64>,
    /// `message_date`. SQL: `datetime(6)`.
    pub message_date: Option<DateTime>,
    /// `content`. SQL: `varchar(4000)`.
    pub content: Option<String>,
    /// `attachment`. SQL: `varchar(1000)`.
    pub attachment: Option<String>,
    /// `deleted`. SQL: `int` NOT NULL DEFAULT 0.
    pub deleted: i32,
}

/// Relations of `audit_messages` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
