//! `inquirymessageconfig` (`InquiryMessageConfig` in the Python bot): discord inquiry; message → role to ping.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `inquirymessageconfig`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "inquirymessageconfig")]
pub struct Model {
    /// Primary key. SQL: `bigint` NOT NULL.
    #[sea_orm(primary_key, auto_increment = false)]
    pub message_id: i64,
    /// `role_id`. SQL: `bigint` NOT NULL.
    pub role_id: i64,
}

/// Relations of `inquirymessageconfig` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
