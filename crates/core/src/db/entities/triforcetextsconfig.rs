//! `triforcetextsconfig` (`TriforceTextsConfig` in the Python bot): triforce texts; per-pool keys `key` (submission key), `moderator`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `triforcetextsconfig`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "triforcetextsconfig")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `pool_name`. SQL: `varchar(45)` NOT NULL.
    pub pool_name: String,
    /// `key_name`. SQL: `varchar(2000)` NOT NULL.
    pub key_name: String,
    /// `value`. SQL: `varchar(2000)` NOT NULL.
    pub value: String,
}

/// Relations of `triforcetextsconfig` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
