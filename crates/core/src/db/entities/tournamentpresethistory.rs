//! `tournamentpresethistory` (`TournamentPresetHistory` in the Python bot): tournaments; preset picks per episode.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `tournamentpresethistory`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "tournamentpresethistory")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `preset`. SQL: `varchar(255)` NOT NULL.
    pub preset: String,
    /// `discord_user_id`. SQL: `bigint` NOT NULL.
    pub discord_user_id: i64,
    /// `episode_id`. SQL: `bigint`.
    pub episode_id: Option<i64>,
    /// `event_slug`. SQL: `varchar(255)` NOT NULL.
    pub event_slug: String,
    /// Creation time (naive UTC); set on insert when left unset. SQL: `datetime(6)` NOT NULL.
    pub timestamp: DateTime,
}

/// Relations of `tournamentpresethistory` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

/// Fills `timestamp` with the current UTC time when a new row leaves it unset, as the Python
/// bot did (so the value is UTC whatever the server's time zone).
#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(mut self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        // Microseconds: the precision of datetime(6).
        let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now().naive_utc(), 6);
        if insert && !self.timestamp.is_set() {
            self.timestamp = sea_orm::ActiveValue::Set(now);
        }
        Ok(self)
    }
}
