//! `ranked_choice_election` (`RankedChoiceElection` in the Python bot): ranked choice; STV via pyrankvote; `results` = text dump.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `ranked_choice_election`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "ranked_choice_election")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `guild_id`. SQL: `bigint`.
    pub guild_id: Option<i64>,
    /// `channel_id`. SQL: `bigint`.
    pub channel_id: Option<i64>,
    /// `message_id`. SQL: `bigint`.
    pub message_id: Option<i64>,
    /// `owner_id`. SQL: `bigint` NOT NULL.
    pub owner_id: i64,
    /// `title`. SQL: `varchar(200)` NOT NULL.
    pub title: String,
    /// `description`. SQL: `varchar(2000)`.
    pub description: Option<String>,
    /// `show_vote_count`. SQL: `bool` NOT NULL DEFAULT 1.
    pub show_vote_count: bool,
    /// `active`. SQL: `bool` NOT NULL DEFAULT 1.
    pub active: bool,
    /// Creation time (naive UTC); set on insert when left unset. SQL: `datetime(6)` NOT NULL.
    pub created: DateTime,
    /// Last update time (naive UTC); set on insert and refreshed on every update by this entity's `before_save` (and by MySQL itself). SQL: `datetime(6)` NOT NULL.
    pub updated: DateTime,
    /// `private`. SQL: `bool` NOT NULL DEFAULT 0.
    pub private: bool,
    /// `seats`. SQL: `smallint` NOT NULL DEFAULT 1.
    pub seats: i16,
    /// `results`. SQL: `longtext`.
    #[sea_orm(column_type = "Text")]
    pub results: Option<String>,
    /// `voter_role_id`. SQL: `bigint`.
    pub voter_role_id: Option<i64>,
}

/// Relations of `ranked_choice_election` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Rows of `ranked_choice_authorized_voters` pointing here.
    #[sea_orm(has_many = "super::ranked_choice_authorized_voters::Entity")]
    RankedChoiceAuthorizedVoters,
    /// Rows of `ranked_choice_candidate` pointing here.
    #[sea_orm(has_many = "super::ranked_choice_candidate::Entity")]
    RankedChoiceCandidate,
    /// Rows of `ranked_choice_votes` pointing here.
    #[sea_orm(has_many = "super::ranked_choice_votes::Entity")]
    RankedChoiceVotes,
}

impl Related<super::ranked_choice_authorized_voters::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RankedChoiceAuthorizedVoters.def()
    }
}

impl Related<super::ranked_choice_candidate::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::RankedChoiceCandidate.def()
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
