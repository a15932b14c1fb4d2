//! `tournament_games` (`TournamentGames` in the Python bot): tournaments; episode_id = SpeedGaming episode.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `tournament_games`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "tournament_games")]
pub struct Model {
    /// Primary key. SQL: `int` NOT NULL.
    #[sea_orm(primary_key, auto_increment = false)]
    pub episode_id: i32,
    /// `event`. SQL: `varchar(45)`.
    pub event: Option<String>,
    /// `game_number`. SQL: `int`.
    pub game_number: Option<i32>,
    /// `settings`. SQL: `json`.
    pub settings: Option<Json>,
    /// `submitted`. SQL: `smallint`.
    pub submitted: Option<i16>,
    /// Creation time (naive UTC); set on insert when left unset. SQL: `datetime(6)` NOT NULL.
    pub created: DateTime,
    /// Last update time (naive UTC); set on insert and refreshed on every update by this entity's `before_save` (and by MySQL itself). SQL: `datetime(6)` NOT NULL.
    pub updated: DateTime,
    /// `notes`. SQL: `longtext`.
    #[sea_orm(column_type = "Text")]
    pub notes: Option<String>,
    /// `preset`. SQL: `varchar(100)`.
    pub preset: Option<String>,
}

/// Relations of `tournament_games` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

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
