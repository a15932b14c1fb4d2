//! `rtggunlistedrooms` (`RTGGUnlistedRooms` in the Python bot): racetime.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `rtggunlistedrooms`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "rtggunlistedrooms")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `room_name`. SQL: `varchar(200)` NOT NULL.
    pub room_name: String,
    /// `category`. SQL: `varchar(50)` NOT NULL.
    pub category: String,
}

/// Relations of `rtggunlistedrooms` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
