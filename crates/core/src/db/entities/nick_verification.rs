//! `nick_verification` (`NickVerification` in the Python bot): web/identity; only deleted by the web app.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `nick_verification`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "nick_verification")]
pub struct Model {
    /// Primary key. SQL: `bigint` NOT NULL.
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: i64,
    /// `discord_user_id`. SQL: `bigint`.
    pub discord_user_id: Option<i64>,
    /// Last update time (naive UTC); set on insert and refreshed on every update by this entity's `before_save` (and by MySQL itself). SQL: `datetime(6)`.
    pub timestamp: Option<DateTime>,
}

/// Relations of `nick_verification` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

/// Fills `timestamp` with the current UTC time when a new row leaves it unset, as the Python
/// bot did (so the value is UTC whatever the server's time zone),
/// and refreshes `timestamp` on every update that does not set it explicitly, as MySQL's
/// `ON UPDATE CURRENT_TIMESTAMP(6)` does (SQLite and PostgreSQL have no such clause).
/// Bulk `update_many` bypasses this.
#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(mut self, _db: &C, _insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        // Microseconds: the precision of datetime(6).
        let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now().naive_utc(), 6);
        if !self.timestamp.is_set() {
            self.timestamp = sea_orm::ActiveValue::Set(Some(now));
        }
        Ok(self)
    }
}
