//! `asynctournamentliverace` (`AsyncTournamentLiveRace` in the Python bot): async tournaments; status scheduled|pending|in_progress|finished.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `asynctournamentliverace`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "asynctournamentliverace")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `racetime_slug`. SQL: `varchar(200)`.
    pub racetime_slug: Option<String>,
    /// `episode_id`. SQL: `int`.
    pub episode_id: Option<i32>,
    /// `match_title`. SQL: `varchar(200)`.
    pub match_title: Option<String>,
    /// `status`. SQL: `varchar(45)` NOT NULL DEFAULT 'scheduled'.
    pub status: String,
    /// Creation time (naive UTC); set on insert when left unset. SQL: `datetime(6)` NOT NULL.
    pub created: DateTime,
    /// Last update time (naive UTC); set on insert and refreshed on every update by this entity's `before_save` (and by MySQL itself). SQL: `datetime(6)` NOT NULL.
    pub updated: DateTime,
    /// References `asynctournamentpermalink.id` (ON DELETE CASCADE). SQL: `int`.
    pub permalink_id: Option<i32>,
    /// References `asynctournamentpermalinkpool.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub pool_id: i32,
    /// References `asynctournament.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub tournament_id: i32,
}

/// Relations of `asynctournamentliverace` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `asynctournamentliverace.pool_id` → `asynctournamentpermalinkpool.id`.
    #[sea_orm(
        belongs_to = "super::asynctournamentpermalinkpool::Entity",
        from = "Column::PoolId",
        to = "super::asynctournamentpermalinkpool::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Pool,
    /// `asynctournamentliverace.tournament_id` → `asynctournament.id`.
    #[sea_orm(
        belongs_to = "super::asynctournament::Entity",
        from = "Column::TournamentId",
        to = "super::asynctournament::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Tournament,
    /// `asynctournamentliverace.permalink_id` → `asynctournamentpermalink.id`.
    #[sea_orm(
        belongs_to = "super::asynctournamentpermalink::Entity",
        from = "Column::PermalinkId",
        to = "super::asynctournamentpermalink::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Permalink,
    /// Rows of `asynctournamentrace` pointing here.
    #[sea_orm(has_many = "super::asynctournamentrace::Entity")]
    AsyncTournamentRace,
}

impl Related<super::asynctournamentpermalinkpool::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Pool.def()
    }
}

impl Related<super::asynctournament::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tournament.def()
    }
}

impl Related<super::asynctournamentpermalink::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Permalink.def()
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
