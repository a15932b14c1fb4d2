//! `GET /api/tournament/games` (api.md §3.7, parity row 48): the submitted tournament games,
//! filtered by exact column values from an allow-list (June 2026 fix of the original's
//! filter injection).

use chrono::NaiveDateTime;
use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use sahasrahbot_core::db::entities::tournament_games;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{ApiResult, Tag};
use crate::state::AppState;

/// The tournament routes.
pub(crate) struct TournamentApi;

/// One row of `tournament_games` (keys in alphabetical order, as the Python bot sent them).
#[derive(Debug, Object)]
struct TournamentGame {
    /// When the row was created, as an HTTP date (`Tue, 02 Jan 2024 03:04:05 GMT`).
    created: String,
    /// The SpeedGaming episode.
    episode_id: i32,
    /// The event slug.
    event: Option<String>,
    /// The game of the match.
    game_number: Option<i32>,
    /// Free-form notes.
    notes: Option<String>,
    /// The preset chosen.
    preset: Option<String>,
    /// The submitted settings.
    settings: Option<serde_json::Value>,
    /// Whether the settings were submitted (0/1).
    submitted: Option<i16>,
    /// When the row was last updated, as an HTTP date.
    updated: String,
}

/// An HTTP date in GMT, as Flask's `jsonify` wrote datetimes.
pub(super) fn http_date(t: NaiveDateTime) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

#[OpenApi(tag = "Tag::Tournament")]
impl TournamentApi {
    /// Tournament games
    ///
    /// Rows of `tournament_games`, ordered by episode. Only exact filters on `episode_id`,
    /// `event`, `game_number`, `preset` and `submitted` apply; any other query parameter
    /// (the Python bot passed lookups such as `notes__contains` to the ORM) is ignored.
    #[oai(path = "/api/tournament/games", method = "get")]
    async fn games(
        &self,
        state: Data<&AppState>,
        /// Exact episode id.
        episode_id: Query<Option<i32>>,
        /// Exact event slug.
        event: Query<Option<String>>,
        /// Exact game number.
        game_number: Query<Option<i32>>,
        /// Exact preset.
        preset: Query<Option<String>>,
        /// Exact submitted flag (0 or 1).
        submitted: Query<Option<i16>>,
    ) -> ApiResult<Json<Vec<TournamentGame>>> {
        use tournament_games::Column;
        let mut q = tournament_games::Entity::find().order_by_asc(Column::EpisodeId);
        if let Some(v) = episode_id.0 {
            q = q.filter(Column::EpisodeId.eq(v));
        }
        if let Some(v) = event.0 {
            q = q.filter(Column::Event.eq(v));
        }
        if let Some(v) = game_number.0 {
            q = q.filter(Column::GameNumber.eq(v));
        }
        if let Some(v) = preset.0 {
            q = q.filter(Column::Preset.eq(v));
        }
        if let Some(v) = submitted.0 {
            q = q.filter(Column::Submitted.eq(v));
        }
        let rows = q.all(state.db()).await?;
        Ok(Json(
            rows.into_iter()
                .map(|r| TournamentGame {
                    created: http_date(r.created),
                    episode_id: r.episode_id,
                    event: r.event,
                    game_number: r.game_number,
                    notes: r.notes,
                    preset: r.preset,
                    settings: r.settings,
                    submitted: r.submitted,
                    updated: http_date(r.updated),
                })
                .collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_are_rfc_1123_in_gmt() {
        let t = chrono::NaiveDate::from_ymd_opt(2024, 1, 2)
            .and_then(|d| d.and_hms_opt(3, 4, 5))
            .expect("valid date");
        assert_eq!(http_date(t), "Tue, 02 Jan 2024 03:04:05 GMT");
    }
}
