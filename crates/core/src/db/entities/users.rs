//! `users` (`Users` in the Python bot): identity; modern user; rtgg link; async/schedule FKs.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `users`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `discord_user_id`. SQL: `bigint`.
    pub discord_user_id: Option<i64>,
    /// `twitch_name`. SQL: `varchar(200)`.
    pub twitch_name: Option<String>,
    /// `display_name`. SQL: `varchar(200)`.
    pub display_name: Option<String>,
    /// Creation time (naive UTC); set on insert when left unset. SQL: `datetime(6)` NOT NULL.
    pub created: DateTime,
    /// Last update time (naive UTC); set on insert and refreshed on every update by this entity's `before_save` (and by MySQL itself). SQL: `datetime(6)` NOT NULL.
    pub updated: DateTime,
    /// `rtgg_id`. SQL: `varchar(200)`.
    pub rtgg_id: Option<String>,
    /// `rtgg_access_token`. SQL: `varchar(200)`.
    pub rtgg_access_token: Option<String>,
    /// `test_user`. SQL: `bool` NOT NULL DEFAULT 0.
    pub test_user: bool,
}

/// Relations of `users` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Rows of `asynctournamentauditlog` pointing here.
    #[sea_orm(has_many = "super::asynctournamentauditlog::Entity")]
    AsyncTournamentAuditLog,
    /// Rows of `asynctournamentpermissions` pointing here.
    #[sea_orm(has_many = "super::asynctournamentpermissions::Entity")]
    AsyncTournamentPermissions,
    /// Rows of `asynctournamentreviewnotes` pointing here.
    #[sea_orm(has_many = "super::asynctournamentreviewnotes::Entity")]
    AsyncTournamentReviewNotes,
    /// Rows of `asynctournamentwhitelist` pointing here.
    #[sea_orm(has_many = "super::asynctournamentwhitelist::Entity")]
    AsyncTournamentWhitelist,
    /// Rows of `scheduleepisode` pointing here.
    #[sea_orm(has_many = "super::scheduleepisode::Entity")]
    ScheduleEpisode,
    /// Rows of `scheduleepisodeplayer` pointing here.
    #[sea_orm(has_many = "super::scheduleepisodeplayer::Entity")]
    ScheduleEpisodePlayer,
    /// Rows of `verifiedracer` pointing here.
    #[sea_orm(has_many = "super::verifiedracer::Entity")]
    VerifiedRacer,
}

impl Related<super::asynctournamentauditlog::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsyncTournamentAuditLog.def()
    }
}

impl Related<super::asynctournamentpermissions::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsyncTournamentPermissions.def()
    }
}

impl Related<super::asynctournamentreviewnotes::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsyncTournamentReviewNotes.def()
    }
}

impl Related<super::asynctournamentwhitelist::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsyncTournamentWhitelist.def()
    }
}

impl Related<super::scheduleepisode::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ScheduleEpisode.def()
    }
}

impl Related<super::scheduleepisodeplayer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ScheduleEpisodePlayer.def()
    }
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
