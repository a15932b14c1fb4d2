//! `verifiedracer` (`VerifiedRacer` in the Python bot): racer verification.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `verifiedracer`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "verifiedracer")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `estimated_count`. SQL: `int`.
    pub estimated_count: Option<i32>,
    /// Creation time (naive UTC); set on insert when left unset. SQL: `datetime(6)` NOT NULL.
    pub created: DateTime,
    /// `last_verified`. SQL: `datetime(6)`.
    pub last_verified: Option<DateTime>,
    /// References `racerverification.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub racer_verification_id: i32,
    /// References `users.id` (ON DELETE RESTRICT). SQL: `int` NOT NULL.
    pub user_id: i32,
}

/// Relations of `verifiedracer` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `verifiedracer.racer_verification_id` → `racerverification.id`.
    #[sea_orm(
        belongs_to = "super::racerverification::Entity",
        from = "Column::RacerVerificationId",
        to = "super::racerverification::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    RacerVerification,
    /// `verifiedracer.user_id` → `users.id`.
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    User,
}

impl Related<super::racerverification::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RacerVerification.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

/// Fills `created` with the current UTC time when a new row leaves it unset, as the Python
/// bot did (so the value is UTC whatever the server's time zone).
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
        Ok(self)
    }
}
