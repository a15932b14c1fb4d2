//! `ranked_choice_authorized_voters` (`RankedChoiceAuthorizedVoters` in the Python bot): ranked choice.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `ranked_choice_authorized_voters`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "ranked_choice_authorized_voters")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `user_id`. SQL: `bigint` NOT NULL.
    pub user_id: i64,
    /// References `ranked_choice_election.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub election_id: i32,
}

/// Relations of `ranked_choice_authorized_voters` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `ranked_choice_authorized_voters.election_id` → `ranked_choice_election.id`.
    #[sea_orm(
        belongs_to = "super::ranked_choice_election::Entity",
        from = "Column::ElectionId",
        to = "super::ranked_choice_election::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Election,
}

impl Related<super::ranked_choice_election::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Election.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
