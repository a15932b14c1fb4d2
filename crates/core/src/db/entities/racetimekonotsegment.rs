//! `racetimekonotsegment` (`RaceTimeKONOTSegment` in the Python bot): racetime KONOT; game_id is a plain int (FK dropped in migration 12).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `racetimekonotsegment`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "racetimekonotsegment")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `racetime_room`. SQL: `varchar(200)` NOT NULL.
    pub racetime_room: String,
    /// `segment_number`. SQL: `int` NOT NULL.
    pub segment_number: i32,
    /// Creation time (naive UTC); the database fills it in when left unset. SQL: `datetime(6)` NOT NULL.
    pub created: DateTime,
    /// Last update time (naive UTC); MySQL/MariaDB refresh it on every update, on SQLite and PostgreSQL the application must set it. SQL: `datetime(6)` NOT NULL.
    pub updated: DateTime,
    /// `game_id`. SQL: `int` NOT NULL.
    pub game_id: i32,
}

/// Relations of `racetimekonotsegment` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
