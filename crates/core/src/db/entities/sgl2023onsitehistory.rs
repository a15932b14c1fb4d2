//! `sgl2023onsitehistory` (`SGL2023OnsiteHistory` in the Python bot): SGLive web; ip_address = X-Forwarded-For.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `sgl2023onsitehistory`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "sgl2023onsitehistory")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Creation time (naive UTC); set on insert when left unset. SQL: `datetime(6)` NOT NULL.
    pub date: DateTime,
    /// `tournament`. SQL: `varchar(45)` NOT NULL.
    pub tournament: String,
    /// `url`. SQL: `varchar(300)` NOT NULL.
    pub url: String,
    /// `ip_address`. SQL: `varchar(200)` NOT NULL.
    pub ip_address: String,
}

/// Relations of `sgl2023onsitehistory` to the other tables.
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
