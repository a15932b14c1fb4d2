//! The async-tournament pages under `/async/` (`api.md` §3.3.2, parity rows 33–42): the
//! player's dashboard and reattempt, the review queue and review page, the leaderboard,
//! player, pool and permalink pages.
//!
//! The rules (permissions, reattempts, the queue, claims, reviews, the leaderboard) are the
//! tournament crate's [`AsyncTournaments`]; this module loads what the pages show and turns
//! refusals into error pages with real statuses. One GET changes data, as in the Python
//! bot: viewing a reviewable, unclaimed run on the review page claims it for the viewer.

mod notes;
mod player;
mod public;
mod staff;

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDateTime;
use poem::session::Session;
use sahasrahbot_core::db::entities::{
    asynctournament, asynctournamentliverace as liverace, asynctournamentpermalink as permalink,
    asynctournamentpermalinkpool as pool, asynctournamentrace as race, users,
};
use sahasrahbot_tournament::asynctournament::{
    AsyncRole, AsyncTournaments, ReviewStatus, elapsed, format_elapsed,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Serialize;

pub(crate) use player::{dashboard, reattempt, reattempt_form};
pub(crate) use public::{leaderboard, permalink_page, player_page, pools_page};
pub(crate) use staff::{queue, review, review_page};

use super::error::WebError;
use super::session::{self, DiscordUser};
use crate::AppState;

/// The roles of the review queue and review page.
const STAFF: [AsyncRole; 2] = [AsyncRole::Admin, AsyncRole::Mod];
/// The roles of the player, pool and permalink pages (`public`: anyone once closed).
const VIEWERS: [AsyncRole; 3] = [AsyncRole::Admin, AsyncRole::Mod, AsyncRole::Public];

/// The logged-in Discord user and their `users` row (none until the bot has seen them).
pub(crate) struct Viewer {
    discord: Option<DiscordUser>,
    row: Option<users::Model>,
}

impl Viewer {
    /// The viewer of an optional-login page.
    async fn optional(state: &AppState, session: &Session) -> Result<Self, WebError> {
        let discord = session::current_user(session);
        let row = match &discord {
            Some(user) => user_row(state, user.id).await?,
            None => None,
        };
        Ok(Self { discord, row })
    }

    /// The viewer of a login page.
    async fn required(
        state: &AppState,
        session: &Session,
        req: &poem::Request,
    ) -> Result<Self, WebError> {
        let discord = session::require_user(session, req)?;
        let row = user_row(state, discord.id).await?;
        Ok(Self {
            discord: Some(discord),
            row,
        })
    }

    /// Whether the viewer holds one of `roles` in `tournament`.
    async fn holds(
        &self,
        state: &AppState,
        tournament: &asynctournament::Model,
        roles: &[AsyncRole],
    ) -> Result<bool, WebError> {
        state
            .async_tournaments()
            .is_async_tournament_user(
                self.row.as_ref(),
                tournament,
                roles,
                state.guild_directory(),
            )
            .await
            .map_err(domain)
    }

    /// [`Viewer::holds`], or the 403 page.
    async fn require(
        &self,
        state: &AppState,
        tournament: &asynctournament::Model,
        roles: &[AsyncRole],
    ) -> Result<(), WebError> {
        if self.holds(state, tournament, roles).await? {
            Ok(())
        } else {
            Err(not_authorized())
        }
    }

    /// The viewer's `users.id`, or the 403 page (staff pages need one: it records claims and
    /// reviews).
    fn row_id(&self) -> Result<i32, WebError> {
        self.row.as_ref().map(|u| u.id).ok_or_else(not_authorized)
    }
}

/// The `users` row of a Discord user, without creating one.
async fn user_row(state: &AppState, discord_id: i64) -> Result<Option<users::Model>, WebError> {
    Ok(users::Entity::find()
        .filter(users::Column::DiscordUserId.eq(discord_id))
        .one(state.db())
        .await?)
}

/// The 403 page of the permission checks.
fn not_authorized() -> WebError {
    WebError::forbidden(
        "Access Denied",
        "You are not authorized to view this tournament.",
    )
}

/// An id from the path, or the Not Found page (`/async/races/abc` is no page).
fn path_id(raw: &str) -> Result<i32, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

/// The tournament of the path, or the Not Found page (the Python bot: a 500 page).
async fn tournament(state: &AppState, raw: &str) -> Result<asynctournament::Model, WebError> {
    state
        .async_tournaments()
        .tournament(path_id(raw)?)
        .await
        .map_err(domain)?
        .ok_or(WebError::NotFound)
}

/// A tournament-crate error as a page: the refusals with their user-facing text and a 4xx
/// status, anything else as the 500 page.
fn domain(e: sahasrahbot_tournament::Error) -> WebError {
    use sahasrahbot_tournament::Error as E;
    let text = e.to_string();
    match e {
        E::AsyncNotFound(_) => WebError::NotFound,
        E::AsyncMissingRaceId => WebError::bad_request(text),
        E::AsyncReattemptUsed
        | E::AsyncNotYourRace
        | E::AsyncNotReviewable
        | E::AsyncReviewReattempted
        | E::AsyncOwnRun => WebError::forbidden("Access Denied", text),
        E::Db(db) => WebError::Db(db),
        other => WebError::Internal(other.to_string()),
    }
}

/// A time as the pages show it.
fn shown(t: Option<NaiveDateTime>) -> Option<String> {
    t.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
}

/// A score as the pages show it.
fn score_text(score: Option<f64>) -> Option<String> {
    score.map(|s| format!("{s:.3}"))
}

/// A player as the pages link them.
#[derive(Debug, Clone, Serialize)]
struct PlayerView {
    id: i32,
    name: String,
}

impl From<&users::Model> for PlayerView {
    fn from(u: &users::Model) -> Self {
        let name = u
            .display_name
            .clone()
            .or_else(|| u.discord_user_id.map(|d| d.to_string()))
            .unwrap_or_else(|| format!("user {}", u.id));
        Self { id: u.id, name }
    }
}

/// A run as the tables and pages show it.
#[derive(Debug, Clone, Serialize)]
struct RaceView {
    id: i32,
    date: Option<String>,
    player: Option<PlayerView>,
    pool: Option<String>,
    permalink_id: i32,
    permalink_url: Option<String>,
    vod_url: Option<String>,
    /// The stored VoD text when it is not a web URL (shown, not linked).
    vod_text: Option<String>,
    thread_url: Option<String>,
    racetime_url: Option<String>,
    elapsed: String,
    score: Option<String>,
    status: String,
    review_status: String,
    reviewer: Option<PlayerView>,
    reviewed_at: Option<String>,
    reviewer_notes: Option<String>,
    reattempted: bool,
    reattempt_reason: Option<String>,
    collection_rate: Option<String>,
    igt: Option<String>,
    start_time: Option<String>,
    end_time: Option<String>,
}

/// The rows runs of one tournament refer to, loaded once per page.
struct RaceContext<'a> {
    tournament: &'a asynctournament::Model,
    racetime_url: String,
    permalinks: HashMap<i32, permalink::Model>,
    pools: HashMap<i32, pool::Model>,
    users: HashMap<i32, users::Model>,
    live: HashMap<i32, liverace::Model>,
}

impl<'a> RaceContext<'a> {
    async fn load(
        state: &AppState,
        tournament: &'a asynctournament::Model,
        races: &[race::Model],
    ) -> Result<Self, WebError> {
        let service: &AsyncTournaments = state.async_tournaments();
        let mut pools = HashMap::new();
        let mut permalinks = HashMap::new();
        for (p, links) in service
            .pools_with_permalinks(tournament.id)
            .await
            .map_err(domain)?
        {
            permalinks.extend(links.into_iter().map(|l| (l.id, l)));
            pools.insert(p.id, p);
        }
        let user_ids: BTreeSet<i32> = races
            .iter()
            .flat_map(|r| [Some(r.user_id), r.reviewed_by_id])
            .flatten()
            .collect();
        let users = users::Entity::find()
            .filter(users::Column::Id.is_in(user_ids))
            .all(state.db())
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let live_ids: BTreeSet<i32> = races.iter().filter_map(|r| r.live_race_id).collect();
        let live = liverace::Entity::find()
            .filter(liverace::Column::Id.is_in(live_ids))
            .all(state.db())
            .await?
            .into_iter()
            .map(|l| (l.id, l))
            .collect();
        Ok(Self {
            tournament,
            racetime_url: state.config().racetime.url.trim_end_matches('/').to_owned(),
            permalinks,
            pools,
            users,
            live,
        })
    }

    fn view(&self, r: &race::Model) -> RaceView {
        let link = self.permalinks.get(&r.permalink_id);
        let vod_url = notes::web_url(r.runner_vod_url.as_deref());
        RaceView {
            id: r.id,
            date: shown(r.start_time.or(r.thread_open_time).or(Some(r.created))),
            player: self.users.get(&r.user_id).map(Into::into),
            pool: link
                .and_then(|l| self.pools.get(&l.pool_id))
                .map(|p| p.name.clone()),
            permalink_id: r.permalink_id,
            permalink_url: link.and_then(|l| notes::web_url(l.url.as_deref())),
            vod_text: r.runner_vod_url.clone().filter(|_| vod_url.is_none()),
            vod_url,
            thread_url: r.thread_id.map(|t| {
                format!(
                    "https://discord.com/channels/{}/{t}",
                    self.tournament.guild_id
                )
            }),
            racetime_url: r
                .live_race_id
                .and_then(|l| self.live.get(&l))
                .and_then(|l| l.racetime_slug.as_deref())
                .map(|slug| format!("{}/{slug}", self.racetime_url)),
            elapsed: format_elapsed(elapsed(
                &r.status,
                r.start_time,
                r.end_time,
                chrono::Utc::now(),
            )),
            score: score_text(r.score),
            status: r.status.clone(),
            review_status: ReviewStatus::parse(&r.review_status)
                .map_or_else(|| r.review_status.clone(), |s| s.label().to_owned()),
            reviewer: r
                .reviewed_by_id
                .and_then(|u| self.users.get(&u))
                .map(Into::into),
            reviewed_at: shown(r.reviewed_at),
            reviewer_notes: r.reviewer_notes.clone(),
            reattempted: r.reattempted == Some(true),
            reattempt_reason: r.reattempt_reason.clone(),
            collection_rate: r.run_collection_rate.clone(),
            igt: r.run_igt.clone(),
            start_time: shown(r.start_time),
            end_time: shown(r.end_time),
        }
    }

    fn views(&self, races: &[race::Model]) -> Vec<RaceView> {
        races.iter().map(|r| self.view(r)).collect()
    }
}

/// The tournament as the pages' headings show it.
#[derive(Debug, Serialize)]
struct TournamentView {
    id: i32,
    name: String,
    active: bool,
}

impl From<&asynctournament::Model> for TournamentView {
    fn from(t: &asynctournament::Model) -> Self {
        Self {
            id: t.id,
            name: t.name.clone(),
            active: t.active,
        }
    }
}

/// Runner notes as safe HTML for a template.
fn notes_html(text: Option<&str>) -> minijinja::Value {
    minijinja::Value::from_safe_string(notes::render_notes(text.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use poem::http::StatusCode;

    use super::*;

    #[test]
    fn refusals_keep_their_text_and_get_4xx_statuses() {
        use sahasrahbot_tournament::Error as E;
        for (e, status) in [
            (E::AsyncMissingRaceId, StatusCode::BAD_REQUEST),
            (E::AsyncReattemptUsed, StatusCode::FORBIDDEN),
            (E::AsyncOwnRun, StatusCode::FORBIDDEN),
        ] {
            let text = e.to_string();
            match domain(e) {
                WebError::Page {
                    status: s, message, ..
                } => {
                    assert_eq!(s, status);
                    assert_eq!(message, text);
                }
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(
            domain(E::AsyncNotFound("Race")),
            WebError::NotFound
        ));
    }

    #[test]
    fn ids_in_paths_are_digits() {
        assert_eq!(path_id("12").ok(), Some(12));
        assert!(matches!(path_id("abc"), Err(WebError::NotFound)));
        assert!(matches!(path_id("-1x"), Err(WebError::NotFound)));
    }
}
