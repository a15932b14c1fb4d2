//! `presetnamespacecollaborators` (`PresetNamespaceCollaborators` in the Python bot): preset system; read via relation `collaborators` (ownership check).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `presetnamespacecollaborators`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "presetnamespacecollaborators")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `discord_user_id`. SQL: `bigint` NOT NULL.
    pub discord_user_id: i64,
    /// References `presetnamespaces.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub namespace_id: i32,
}

/// Relations of `presetnamespacecollaborators` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `presetnamespacecollaborators.namespace_id` → `presetnamespaces.id`.
    #[sea_orm(
        belongs_to = "super::presetnamespaces::Entity",
        from = "Column::NamespaceId",
        to = "super::presetnamespaces::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Namespace,
}

impl Related<super::presetnamespaces::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Namespace.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
