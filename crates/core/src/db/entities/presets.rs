//! `presets` (`Presets` in the Python bot): preset system; namespaced user presets; `content` = YAML text.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `presets`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "presets")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `preset_name`. SQL: `varchar(50)` NOT NULL.
    pub preset_name: String,
    /// `content`. SQL: `longtext` NOT NULL.
    #[sea_orm(column_type = "Text")]
    pub content: String,
    /// References `presetnamespaces.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub namespace_id: i32,
    /// `randomizer`. SQL: `varchar(50)` NOT NULL.
    pub randomizer: String,
    /// `generated_count`. SQL: `int` NOT NULL DEFAULT 0.
    pub generated_count: i32,
    /// Last update time (naive UTC); set on insert and refreshed on every update by this entity's `before_save` (and by MySQL itself). SQL: `datetime(6)` NOT NULL.
    pub modified: DateTime,
}

/// Relations of `presets` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `presets.namespace_id` → `presetnamespaces.id`.
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

/// Fills `modified` with the current UTC time when a new row leaves it unset, as the Python
/// bot did (so the value is UTC whatever the server's time zone),
/// and refreshes `modified` on every update that does not set it explicitly, as MySQL's
/// `ON UPDATE CURRENT_TIMESTAMP(6)` does (SQLite and PostgreSQL have no such clause).
/// Bulk `update_many` bypasses this.
#[async_trait::async_trait]
impl ActiveModelBehavior for ActiveModel {
    async fn before_save<C>(mut self, _db: &C, _insert: bool) -> Result<Self, DbErr>
    where
        C: ConnectionTrait,
    {
        // Microseconds: the precision of datetime(6).
        let now = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now().naive_utc(), 6);
        if !self.modified.is_set() {
            self.modified = sea_orm::ActiveValue::Set(now);
        }
        Ok(self)
    }
}
