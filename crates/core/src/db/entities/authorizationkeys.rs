//! `authorizationkeys` (`AuthorizationKeys` in the Python bot): web API auth; `Authorization` header value = key.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `authorizationkeys`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "authorizationkeys")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `key`. SQL: `varchar(200)` NOT NULL.
    pub key: String,
    /// `name`. SQL: `varchar(200)` NOT NULL.
    pub name: String,
}

/// Relations of `authorizationkeys` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Rows of `authorizationkeypermissions` pointing here.
    #[sea_orm(has_many = "super::authorizationkeypermissions::Entity")]
    AuthorizationKeyPermissions,
}

impl Related<super::authorizationkeypermissions::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AuthorizationKeyPermissions.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
