//! `asynctournamentrace` (`AsyncTournamentRace` in the Python bot): async tournaments; status pending|in_progress|finished|forfeit|disqualified; review_status pending|approved|rejected (display also knows `accepted`).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// One row of `asynctournamentrace`.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "asynctournamentrace")]
pub struct Model {
    /// Primary key (auto-increment). SQL: `int` NOT NULL.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// `thread_id`. SQL: `bigint`.
    pub thread_id: Option<i64>,
    /// `start_time`. SQL: `datetime(6)`.
    pub start_time: Option<DateTime>,
    /// `end_time`. SQL: `datetime(6)`.
    pub end_time: Option<DateTime>,
    /// Creation time (naive UTC); set on insert when left unset. SQL: `datetime(6)` NOT NULL.
    pub created: DateTime,
    /// Last update time (naive UTC); set on insert and refreshed on every update by this entity's `before_save` (and by MySQL itself). SQL: `datetime(6)` NOT NULL.
    pub updated: DateTime,
    /// References `asynctournamentpermalink.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub permalink_id: i32,
    /// References `asynctournament.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub tournament_id: i32,
    /// `thread_open_time`. SQL: `datetime(6)`.
    pub thread_open_time: Option<DateTime>,
    /// `status`. SQL: `varchar(45)` NOT NULL DEFAULT 'pending'.
    pub status: String,
    /// `thread_timeout_time`. SQL: `datetime(6)`.
    pub thread_timeout_time: Option<DateTime>,
    /// `review_status`. SQL: `varchar(20)` NOT NULL DEFAULT 'pending'.
    pub review_status: String,
    /// `reviewer_notes`. SQL: `longtext`.
    #[sea_orm(column_type = "Text")]
    pub reviewer_notes: Option<String>,
    /// `runner_notes`. SQL: `longtext`.
    #[sea_orm(column_type = "Text")]
    pub runner_notes: Option<String>,
    /// `runner_vod_url`. SQL: `varchar(400)`.
    pub runner_vod_url: Option<String>,
    /// `reattempted`. SQL: `bool`.
    pub reattempted: Option<bool>,
    /// `reviewed_at`. SQL: `datetime(6)`.
    pub reviewed_at: Option<DateTime>,
    /// References `users.id` (ON DELETE CASCADE). SQL: `int` NOT NULL.
    pub user_id: i32,
    /// References `users.id` (ON DELETE CASCADE). SQL: `int`.
    pub reviewed_by_id: Option<i32>,
    /// References `asynctournamentliverace.id` (ON DELETE CASCADE). SQL: `int`.
    pub live_race_id: Option<i32>,
    /// `score`. SQL: `double`.
    pub score: Option<f64>,
    /// `score_updated_at`. SQL: `datetime(6)`.
    pub score_updated_at: Option<DateTime>,
    /// `run_collection_rate`. SQL: `varchar(100)`.
    pub run_collection_rate: Option<String>,
    /// `run_igt`. SQL: `varchar(100)`.
    pub run_igt: Option<String>,
    /// `reattempt_reason`. SQL: `longtext`.
    #[sea_orm(column_type = "Text")]
    pub reattempt_reason: Option<String>,
}

/// Relations of `asynctournamentrace` to the other tables.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// `asynctournamentrace.permalink_id` → `asynctournamentpermalink.id`.
    #[sea_orm(
        belongs_to = "super::asynctournamentpermalink::Entity",
        from = "Column::PermalinkId",
        to = "super::asynctournamentpermalink::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Permalink,
    /// `asynctournamentrace.tournament_id` → `asynctournament.id`.
    #[sea_orm(
        belongs_to = "super::asynctournament::Entity",
        from = "Column::TournamentId",
        to = "super::asynctournament::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    Tournament,
    /// `asynctournamentrace.live_race_id` → `asynctournamentliverace.id`.
    #[sea_orm(
        belongs_to = "super::asynctournamentliverace::Entity",
        from = "Column::LiveRaceId",
        to = "super::asynctournamentliverace::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    LiveRace,
    /// `asynctournamentrace.reviewed_by_id` → `users.id`.
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::ReviewedById",
        to = "super::users::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    ReviewedBy,
    /// `asynctournamentrace.user_id` → `users.id`.
    #[sea_orm(
        belongs_to = "super::users::Entity",
        from = "Column::UserId",
        to = "super::users::Column::Id",
        on_update = "NoAction",
        on_delete = "Cascade"
    )]
    User,
    /// Rows of `asynctournamentreviewnotes` pointing here.
    #[sea_orm(has_many = "super::asynctournamentreviewnotes::Entity")]
    AsyncTournamentReviewNotes,
}

impl Related<super::asynctournamentpermalink::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Permalink.def()
    }
}

impl Related<super::asynctournament::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Tournament.def()
    }
}

impl Related<super::asynctournamentliverace::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::LiveRace.def()
    }
}

impl Related<super::asynctournamentreviewnotes::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::AsyncTournamentReviewNotes.def()
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
