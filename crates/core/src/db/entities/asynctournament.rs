//! `asynctournament` (`AsyncTournament` in the Python bot): async tournaments.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `asynctournament`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "asynctournament")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `name`. SQL: `varchar(45)` NOT NULL.
    pub name: String,
    /// `guild_id`. SQL: `bigint` NOT NULL.
    pub guild_id: i64,
    /// `channel_id`. SQL: `bigint` NOT NULL.
    pub channel_id: i64,
    /// `report_channel_id`. SQL: `bigint`.
    pub report_channel_id: Option<i64>,
    /// Creation time (naive UTC); set on insert when left unset. SQL: `datetime(6)` NOT NULL.
    pub created: DateTime,
    /// Last update time (naive UTC); set on insert and refreshed on every update by this entity's `before_save` (and by MySQL itself). SQL: `datetime(6)` NOT NULL.
    pub updated: DateTime,
    /// `active`. SQL: `bool` NOT NULL DEFAULT 1.
    pub active: bool,
    /// `owner_id`. SQL: `bigint` NOT NULL.
    pub owner_id: i64,
    /// `allowed_reattempts`. SQL: `smallint`.
    pub allowed_reattempts: Option<i16>,
    /// `customization`. SQL: `varchar(45)` NOT NULL DEFAULT 'default'.
    pub customization: String,
    /// `runs_per_pool`. SQL: `smallint` NOT NULL DEFAULT 1.
    pub runs_per_pool: i16,
}

/// Relations of `asynctournament` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Rows of `asynctournamentauditlog` pointing here.
    #[sea_orm(has_many = "super::asynctournamentauditlog::Entity")]
    AsyncTournamentAuditLog,
    /// Rows of `asynctournamentliverace` pointing here.
    #[sea_orm(has_many = "super::asynctournamentliverace::Entity")]
    AsyncTournamentLiveRace,
    /// Rows of `asynctournamentpermalinkpool` pointing here.
    #[sea_orm(has_many = "super::asynctournamentpermalinkpool::Entity")]
    AsyncTournamentPermalinkPool,
    /// Rows of `asynctournamentpermissions` pointing here.
    #[sea_orm(has_many = "super::asynctournamentpermissions::Entity")]
    AsyncTournamentPermissions,
    /// Rows of `asynctournamentrace` pointing here.
    #[sea_orm(has_many = "super::asynctournamentrace::Entity")]
    AsyncTournamentRace,
    /// Rows of `asynctournamentwhitelist` pointing here.
    #[sea_orm(has_many = "super::asynctournamentwhitelist::Entity")]
    AsyncTournamentWhitelist,
}

impl Related<super::asynctournamentauditlog::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsyncTournamentAuditLog.def()
    }
}

impl Related<super::asynctournamentliverace::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsyncTournamentLiveRace.def()
    }
}

impl Related<super::asynctournamentpermalinkpool::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsyncTournamentPermalinkPool.def()
    }
}

impl Related<super::asynctournamentpermissions::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsyncTournamentPermissions.def()
    }
}

impl Related<super::asynctournamentrace::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsyncTournamentRace.def()
    }
}

impl Related<super::asynctournamentwhitelist::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsyncTournamentWhitelist.def()
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
