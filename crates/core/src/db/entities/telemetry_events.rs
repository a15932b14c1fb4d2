//! `telemetry_events` (`TelemetryEvent` in the Python bot): telemetry; §5.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `telemetry_events`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "telemetry_events")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `created_at`. SQL: `datetime(6)` NOT NULL.
    pub created_at: DateTime,
    /// `day_bucket`. SQL: `date` NOT NULL.
    pub day_bucket: Date,
    /// `event_name`. SQL: `varchar(100)` NOT NULL.
    pub event_name: String,
    /// `surface`. SQL: `varchar(20)` NOT NULL.
    pub surface: String,
    /// `feature`. SQL: `varchar(50)` NOT NULL.
    pub feature: String,
    /// `action`. SQL: `varchar(20)` NOT NULL.
    pub action: String,
    /// `status`. SQL: `varchar(20)` NOT NULL.
    pub status: String,
    /// `provider`. SQL: `varchar(50)`.
    pub provider: Option<String>,
    /// `guild_hash`. SQL: `varchar(64)`.
    pub guild_hash: Option<String>,
    /// `duration_ms`. SQL: `int`.
    pub duration_ms: Option<i32>,
    /// `error_type`. SQL: `varchar(50)`.
    pub error_type: Option<String>,
    /// `sample_rate`. SQL: `double` NOT NULL DEFAULT 1.
    pub sample_rate: f64,
}

/// Relations of `telemetry_events` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
