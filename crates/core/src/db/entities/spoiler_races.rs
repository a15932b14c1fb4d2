//! `spoiler_races` (`SpoilerRaces` in the Python bot): racetime spoiler races; srl_id = racetime room name; started set when log sent.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `spoiler_races`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "spoiler_races")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `srl_id`. SQL: `varchar(45)`.
    pub srl_id: Option<String>,
    /// `spoiler_url`. SQL: `varchar(255)`.
    pub spoiler_url: Option<String>,
    /// `studytime`. SQL: `int`.
    pub studytime: Option<i32>,
    /// Creation time (naive UTC); set on insert when left unset. SQL: `datetime(6)` NOT NULL.
    pub date: DateTime,
    /// `started`. SQL: `datetime(6)`.
    pub started: Option<DateTime>,
}

/// Relations of `spoiler_races` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

/// Fills `date` with the current UTC time when a new row leaves it unset, as the Python
/// bot did (so the value is UTC whatever the server's time zone).
#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(mut self, _db: &C, insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        // Microseconds: the precision of datetime(6).
        let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now().naive_utc(), 6);
        if insert && !self.date.is_set() {
            self.date = sea_orm::ActiveValue::Set(now);
        }
        Ok(self)
    }
}
