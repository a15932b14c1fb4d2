//! `scheduledevents` (`ScheduledEvents` in the Python bot): tournaments/discord; Discord scheduled event ↔ SG episode.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `scheduledevents`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "scheduledevents")]
pub struct Model {
    /// Primary key. SQL: `bigint` NOT NULL.
    #[sea_orm(primary_key, auto_increment = false)]
    pub scheduled_event_id: i64,
    /// `event_slug`. SQL: `varchar(40)` NOT NULL.
    pub event_slug: String,
    /// `episode_id`. SQL: `int` NOT NULL.
    pub episode_id: i32,
}

/// Relations of `scheduledevents` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
