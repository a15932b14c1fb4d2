//! `scheduleepisode` (`ScheduleEpisode` in the Python bot): schedule (web).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `scheduleepisode`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "scheduleepisode")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Creation time (naive UTC); set on insert when left unset. SQL: `datetime(6)` NOT NULL.
    pub scheduled_at: DateTime,
    /// Last update time (naive UTC); set on insert and refreshed on every update by this entity's `before_save` (and by MySQL itself). SQL: `datetime(6)` NOT NULL.
    pub updated_at: DateTime,
    /// `when_countdown`. SQL: `datetime(6)` NOT NULL.
    pub when_countdown: DateTime,
    /// `runner_notes`. SQL: `longtext`.
    #[sea_orm(column_type = "Text")]
    pub runner_notes: Option<String>,
    /// `private_notes`. SQL: `longtext`.
    #[sea_orm(column_type = "Text")]
    pub private_notes: Option<String>,
    /// References `scheduleevent.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub event_id: i32,
    /// `approved`. SQL: `bool` NOT NULL DEFAULT 0.
    pub approved: bool,
    /// `approved_at`. SQL: `datetime(6)`.
    pub approved_at: Option<DateTime>,
    /// References `users.id` (ON DELETE RESTRICT). SQL: `int`.
    pub approved_by_id: Option<i32>,
    /// References `schedulebroadcastchannels.id` (ON DELETE CASCADE). SQL: `int`.
    pub channel_id: Option<i32>,
}

/// Relations of `scheduleepisode` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `scheduleepisode.event_id` → `scheduleevent.id`.
    #[sea_orm(
        belongs_to = "super::scheduleevent::Entity",
        from = "Column::EventId",
        to = "super::scheduleevent::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Event,
    /// `scheduleepisode.approved_by_id` → `users.id`.
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::ApprovedById",
        to = "super::users::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    ApprovedBy,
    /// Rows of `scheduleepisodeplayer` pointing here.
    #[sea_orm(has_many = "super::scheduleepisodeplayer::Entity")]
    ScheduleEpisodePlayer,
}

impl Related<super::scheduleevent::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Event.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ApprovedBy.def()
    }
}

impl Related<super::scheduleepisodeplayer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ScheduleEpisodePlayer.def()
    }
}

/// Fills `scheduled_at`, `updated_at` with the current UTC time when a new row leaves them unset, as the Python
/// bot did (so the value is UTC whatever the server's time zone),
/// and refreshes `updated_at` on every update that does not set it explicitly, as MySQL's
/// `ON UPDATE CURRENT_TIMESTAMP(6)` does (SQLite and PostgreSQL have no such clause).
/// Bulk `update_many` bypasses this.
#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(mut self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        // Microseconds: the precision of datetime(6).
        let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now().naive_utc(), 6);
        if insert && !self.scheduled_at.is_set() {
            self.scheduled_at = sea_orm::ActiveValue::Set(now);
        }
        if !self.updated_at.is_set() {
            self.updated_at = sea_orm::ActiveValue::Set(now);
        }
        Ok(self)
    }
}
