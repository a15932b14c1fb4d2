//! `asynctournamentpermalink` (`AsyncTournamentPermalink` in the Python bot): async tournaments; par_time seconds (avg of 5 fastest).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `asynctournamentpermalink`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "asynctournamentpermalink")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `url`. SQL: `varchar(200)`.
    pub url: Option<String>,
    /// Creation time (naive UTC); set on insert when left unset. SQL: `datetime(6)` NOT NULL.
    pub created: DateTime,
    /// Last update time (naive UTC); set on insert and refreshed on every update by this entity's `before_save` (and by MySQL itself). SQL: `datetime(6)` NOT NULL.
    pub updated: DateTime,
    /// References `asynctournamentpermalinkpool.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub pool_id: i32,
    /// `live_race`. SQL: `bool` NOT NULL DEFAULT 0.
    pub live_race: bool,
    /// `notes`. SQL: `varchar(200)`.
    pub notes: Option<String>,
    /// `par_updated_at`. SQL: `datetime(6)`.
    pub par_updated_at: Option<DateTime>,
    /// `par_time`. SQL: `double`.
    pub par_time: Option<f64>,
}

/// Relations of `asynctournamentpermalink` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `asynctournamentpermalink.pool_id` → `asynctournamentpermalinkpool.id`.
    #[sea_orm(
        belongs_to = "super::asynctournamentpermalinkpool::Entity",
        from = "Column::PoolId",
        to = "super::asynctournamentpermalinkpool::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Pool,
    /// Rows of `asynctournamentliverace` pointing here.
    #[sea_orm(has_many = "super::asynctournamentliverace::Entity")]
    AsyncTournamentLiveRace,
    /// Rows of `asynctournamentrace` pointing here.
    #[sea_orm(has_many = "super::asynctournamentrace::Entity")]
    AsyncTournamentRace,
}

impl Related<super::asynctournamentpermalinkpool::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Pool.def()
    }
}

impl Related<super::asynctournamentliverace::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsyncTournamentLiveRace.def()
    }
}

impl Related<super::asynctournamentrace::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsyncTournamentRace.def()
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
