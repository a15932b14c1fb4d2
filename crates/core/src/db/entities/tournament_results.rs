//! `tournament_results` (`TournamentResults` in the Python bot): tournaments; srl_id = racetime room slug; status NULL→STARTED→RECORDED.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `tournament_results`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "tournament_results")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `srl_id`. SQL: `varchar(45)`.
    pub srl_id: Option<String>,
    /// `episode_id`. SQL: `varchar(45)`.
    pub episode_id: Option<String>,
    /// `permalink`. SQL: `varchar(1000)`.
    pub permalink: Option<String>,
    /// `spoiler`. SQL: `varchar(200)`.
    pub spoiler: Option<String>,
    /// `event`. SQL: `varchar(45)`.
    pub event: Option<String>,
    /// `status`. SQL: `varchar(45)`.
    pub status: Option<String>,
    /// `results_json`. SQL: `json`.
    pub results_json: Option<Json>,
    /// `week`. SQL: `varchar(45)`.
    pub week: Option<String>,
    /// `written_to_gsheet`. SQL: `smallint`.
    pub written_to_gsheet: Option<i16>,
    /// `bingosync_room`. SQL: `varchar(200)`.
    pub bingosync_room: Option<String>,
    /// `bingosync_password`. SQL: `varchar(40)`.
    pub bingosync_password: Option<String>,
}

/// Relations of `tournament_results` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
