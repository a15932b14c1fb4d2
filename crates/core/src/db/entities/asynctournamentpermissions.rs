//! `asynctournamentpermissions` (`AsyncTournamentPermissions` in the Python bot): async tournaments; role: admin|mod|…; user or discord role.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `asynctournamentpermissions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "asynctournamentpermissions")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `role`. SQL: `varchar(45)` NOT NULL.
    pub role: String,
    /// Creation time (naive UTC); set on insert when left unset. SQL: `datetime(6)` NOT NULL.
    pub created: DateTime,
    /// Last update time (naive UTC); set on insert and refreshed on every update by this entity's `before_save` (and by MySQL itself). SQL: `datetime(6)` NOT NULL.
    pub updated: DateTime,
    /// References `asynctournament.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub tournament_id: i32,
    /// References `users.id` (ON DELETE CASCADE). SQL: `int`.
    pub user_id: Option<i32>,
    /// `discord_role_id`. SQL: `bigint`.
    pub discord_role_id: Option<i64>,
}

/// Relations of `asynctournamentpermissions` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `asynctournamentpermissions.tournament_id` → `asynctournament.id`.
    #[sea_orm(
        belongs_to = "super::asynctournament::Entity",
        from = "Column::TournamentId",
        to = "super::asynctournament::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Tournament,
    /// `asynctournamentpermissions.user_id` → `users.id`.
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    User,
}

impl Related<super::asynctournament::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tournament.def()
    }
}

impl Related<super::users::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
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
