//! `triforcetexts` (`TriforceTexts` in the Python bot): triforce texts; pools of end texts.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `triforcetexts`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "triforcetexts")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `pool_name`. SQL: `varchar(45)` NOT NULL.
    pub pool_name: String,
    /// `text`. SQL: `varchar(200)` NOT NULL.
    pub text: String,
    /// `author`. SQL: `varchar(200)`.
    pub author: Option<String>,
    /// `broadcasted`. SQL: `bool` NOT NULL DEFAULT 0.
    pub broadcasted: bool,
    /// `approved`. SQL: `bool`.
    pub approved: Option<bool>,
    /// `discord_user_id`. SQL: `bigint`.
    pub discord_user_id: Option<i64>,
    /// Last update time (naive UTC); set on insert and refreshed on every update by this entity's `before_save` (and by MySQL itself). SQL: `datetime(6)` NOT NULL.
    pub timestamp: DateTime,
}

/// Relations of `triforcetexts` to the other tables.
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
            self.timestamp = sea_orm::ActiveValue::Set(now);
        }
        Ok(self)
    }
}
