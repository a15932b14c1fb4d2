//! `authorizationkeypermissions` (`AuthorizationKeyPermissions` in the Python bot): web API auth; looked up by (auth_key.key, type).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `authorizationkeypermissions`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "authorizationkeypermissions")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `type`. SQL: `varchar(45)` NOT NULL.
    pub r#type: String,
    /// `subtype`. SQL: `longtext`.
    #[sea_orm(column_type = "Text")]
    pub subtype: Option<String>,
    /// References `authorizationkeys.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub auth_key_id: i32,
}

/// Relations of `authorizationkeypermissions` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `authorizationkeypermissions.auth_key_id` → `authorizationkeys.id`.
    #[sea_orm(
        belongs_to = "super::authorizationkeys::Entity",
        from = "Column::AuthKeyId",
        to = "super::authorizationkeys::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    AuthKey,
}

impl Related<super::authorizationkeys::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AuthKey.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
