//! `asynctournamentreviewnotes` (`AsyncTournamentReviewNotes` in the Python bot): async tournaments.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `asynctournamentreviewnotes`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "asynctournamentreviewnotes")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Creation time (naive UTC); set on insert when left unset. SQL: `datetime(6)` NOT NULL.
    pub created: DateTime,
    /// `note`. SQL: `longtext` NOT NULL.
    #[sea_orm(column_type = "Text")]
    pub note: String,
    /// References `users.id` (ON DELETE RESTRICT). SQL: `int` NOT NULL.
    pub author_id: i32,
    /// References `asynctournamentrace.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub race_id: i32,
}

/// Relations of `asynctournamentreviewnotes` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `asynctournamentreviewnotes.race_id` → `asynctournamentrace.id`.
    #[sea_orm(
        belongs_to = "super::asynctournamentrace::Entity",
        from = "Column::RaceId",
        to = "super::asynctournamentrace::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Race,
    /// `asynctournamentreviewnotes.author_id` → `users.id`.
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::AuthorId",
        to = "super::users::Column::Id",
        on_update = "NoAction",
        on_delete = "Restrict"
    )]
    Author,
}

impl Related<super::asynctournamentrace::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Race.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Author.def()
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
