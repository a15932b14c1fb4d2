//! `presetnamespaces` (`PresetNamespaces` in the Python bot): preset system; one namespace per Discord user.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `presetnamespaces`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "presetnamespaces")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `name`. SQL: `varchar(50)`.
    pub name: Option<String>,
    /// `discord_user_id`. SQL: `bigint` NOT NULL.
    pub discord_user_id: i64,
}

/// Relations of `presetnamespaces` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Rows of `presetnamespacecollaborators` pointing here.
    #[sea_orm(has_many = "super::presetnamespacecollaborators::Entity")]
    PresetNamespaceCollaborators,
    /// Rows of `presets` pointing here.
    #[sea_orm(has_many = "super::presets::Entity")]
    Presets,
}

impl Related<super::presetnamespacecollaborators::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::PresetNamespaceCollaborators.def()
    }
}

impl Related<super::presets::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Presets.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
