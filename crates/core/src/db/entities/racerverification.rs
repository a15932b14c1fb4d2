//! `racerverification` (`RacerVerification` in the Python bot): racer verification.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `racerverification`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "racerverification")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `message_id`. SQL: `bigint`.
    pub message_id: Option<i64>,
    /// `guild_id`. SQL: `bigint` NOT NULL.
    pub guild_id: i64,
    /// `role_id`. SQL: `bigint` NOT NULL.
    pub role_id: i64,
    /// `racetime_categories`. SQL: `varchar(2000)`.
    pub racetime_categories: Option<String>,
    /// `use_alttpr_ladder`. SQL: `bool` NOT NULL DEFAULT 0.
    pub use_alttpr_ladder: bool,
    /// `minimum_races`. SQL: `int` NOT NULL.
    pub minimum_races: i32,
    /// `time_period_days`. SQL: `int` NOT NULL DEFAULT 365.
    pub time_period_days: i32,
    /// Creation time (naive UTC); set on insert when left unset. SQL: `datetime(6)` NOT NULL.
    pub created: DateTime,
    /// `reverify_period_days`. SQL: `int`.
    pub reverify_period_days: Option<i32>,
    /// `channel_id`. SQL: `bigint`.
    pub channel_id: Option<i64>,
    /// `audit_channel_id`. SQL: `bigint`.
    pub audit_channel_id: Option<i64>,
    /// `revoke_ineligible`. SQL: `bool` NOT NULL DEFAULT 0.
    pub revoke_ineligible: bool,
    /// Last update time (naive UTC); set on insert and refreshed on every update by this entity's `before_save` (and by MySQL itself). SQL: `datetime(6)` NOT NULL.
    pub updated: DateTime,
}

/// Relations of `racerverification` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Rows of `verifiedracer` pointing here.
    #[sea_orm(has_many = "super::verifiedracer::Entity")]
    VerifiedRacer,
}

impl Related<super::verifiedracer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::VerifiedRacer.def()
    }
}

/// Fills `created`, `updated` with the current UTC time when a new row leaves them unset, as the Python
/// bot did (so the value is UTC whatever the server's time zone),
/// and refreshes `updated` on every update that does not set it explicitly, as MySQL's
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
        if insert && !self.created.is_set() {
            self.created = sea_orm::ActiveValue::Set(now);
        }
        if !self.updated.is_set() {
            self.updated = sea_orm::ActiveValue::Set(now);
        }
        Ok(self)
    }
}
