//! `daily` (`Daily` in the Python bot): discord daily; alttpr daily hashes already announced.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `daily`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "daily")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `hash`. SQL: `varchar(45)` NOT NULL.
    pub hash: String,
}

/// Relations of `daily` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
