//! `audit_generated_games` (`AuditGeneratedGames` in the Python bot): seed generation audit; written by preset classes; read by `/alttprutils verifygame`.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `audit_generated_games`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "audit_generated_games")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `randomizer`. SQL: `varchar(45)`.
    pub randomizer: Option<String>,
    /// `hash_id`. SQL: `varchar(50)`.
    pub hash_id: Option<String>,
    /// `permalink`. SQL: `varchar(2000)`.
    pub permalink: Option<String>,
    /// `settings`. SQL: `json`.
    pub settings: Option<Json>,
    /// `gentype`. SQL: `varchar(45)`.
    pub gentype: Option<String>,
    /// `genoption`. SQL: `varchar(45)`.
    pub genoption: Option<String>,
    /// Last update time (naive UTC); set on insert and refreshed on every update by this entity's `before_save` (and by MySQL itself). SQL: `datetime(6)`.
    pub timestamp: Option<DateTime>,
    /// `customizer`. SQL: `int`.
    pub customizer: Option<i32>,
    /// `doors`. SQL: `bool` NOT NULL DEFAULT 0.
    pub doors: bool,
    /// `avianart`. SQL: `bool` NOT NULL DEFAULT 0.
    pub avianart: bool,
}

/// Relations of `audit_generated_games` to the other tables.
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
