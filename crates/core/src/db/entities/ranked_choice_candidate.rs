//! `ranked_choice_candidate` (`RankedChoiceCandidate` in the Python bot): ranked choice.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `ranked_choice_candidate`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "ranked_choice_candidate")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `name`. SQL: `varchar(200)`.
    pub name: Option<String>,
    /// Creation time (naive UTC); set on insert when left unset. SQL: `datetime(6)` NOT NULL.
    pub created: DateTime,
    /// Last update time (naive UTC); set on insert and refreshed on every update by this entity's `before_save` (and by MySQL itself). SQL: `datetime(6)` NOT NULL.
    pub updated: DateTime,
    /// References `ranked_choice_election.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub election_id: i32,
    /// `winner`. SQL: `bool`.
    pub winner: Option<bool>,
}

/// Relations of `ranked_choice_candidate` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `ranked_choice_candidate.election_id` → `ranked_choice_election.id`.
    #[sea_orm(
        belongs_to = "super::ranked_choice_election::Entity",
        from = "Column::ElectionId",
        to = "super::ranked_choice_election::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Election,
    /// Rows of `ranked_choice_votes` pointing here.
    #[sea_orm(has_many = "super::ranked_choice_votes::Entity")]
    RankedChoiceVotes,
}

impl Related<super::ranked_choice_election::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Election.def()
    }
}

impl Related<super::ranked_choice_votes::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RankedChoiceVotes.def()
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
