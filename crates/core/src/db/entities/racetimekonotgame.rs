//! `racetimekonotgame` (`RacetimeKONOTGame` in the Python bot): racetime KONOT.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `racetimekonotgame`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "racetimekonotgame")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `category_slug`. SQL: `varchar(50)` NOT NULL.
    pub category_slug: String,
    /// Creation time (naive UTC); the database fills it in when left unset. SQL: `datetime(6)` NOT NULL.
    pub created: DateTime,
    /// Last update time (naive UTC); MySQL/MariaDB refresh it on every update, on SQLite and PostgreSQL the application must set it. SQL: `datetime(6)` NOT NULL.
    pub updated: DateTime,
}

/// Relations of `racetimekonotgame` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
