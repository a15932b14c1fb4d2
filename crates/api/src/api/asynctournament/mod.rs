//! The async-tournament machine API under `/async/api/` (api.md §3.3.1, parity rows 27–32):
//! tournaments, their runs, pools, permalinks and leaderboard, for API keys holding the
//! `asynctournament` permission (keys are not scoped to a tournament, as in the Python bot).
//!
//! Lists are ordered by id (the Python bot left the order to the database).

mod schema;

use std::collections::{BTreeSet, HashMap};

use poem::http::StatusCode;
use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use sahasrahbot_core::db::entities::{
    asynctournament, asynctournamentliverace as liverace, asynctournamentpermalink as permalink,
    asynctournamentpermalinkpool as pool, asynctournamentrace as race, users,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use self::schema::{
    LeaderboardCounts, LeaderboardEntry, LeaderboardPlayer, LeaderboardRace, LiveRace, Permalink,
    Pool, PoolLiveRace, Race, Tournament, User,
};
use sahasrahbot_tournament::asynctournament::{self as board, elapsed, format_elapsed};

use super::auth::{self, ApiKeyAuth, KeyCheck};
use super::tournament::http_date;
use super::{ApiError, ApiResult, Tag};
use crate::problem::Problem;
use crate::state::AppState;

/// The async-tournament routes.
pub(crate) struct AsyncTournamentApi;

/// The permission type an API key needs here.
const PERMISSION: &str = "asynctournament";

/// Refuses keys without the `asynctournament` permission.
async fn authorize(state: &AppState, auth: &ApiKeyAuth) -> ApiResult<()> {
    match auth::check(state.db(), auth, PERMISSION, None).await? {
        KeyCheck::Granted => Ok(()),
        KeyCheck::Denied => Err(ApiError::forbidden(
            "the API key lacks the asynctournament permission",
        )),
    }
}

/// The 404 of an unknown tournament, with the Python bot's `error` field.
fn tournament_not_found(id: i32) -> ApiError {
    ApiError::NotFound(Json(
        Problem::new(StatusCode::NOT_FOUND, format!("no async tournament {id}"))
            .with_error("Tournament not found."),
    ))
}

async fn tournament(db: &DatabaseConnection, id: i32) -> ApiResult<Option<asynctournament::Model>> {
    Ok(asynctournament::Entity::find_by_id(id).one(db).await?)
}

/// Rows by id.
fn by_id<M, K: std::hash::Hash + Eq>(rows: Vec<M>, key: impl Fn(&M) -> K) -> HashMap<K, M> {
    rows.into_iter().map(|r| (key(&r), r)).collect()
}

/// A row a foreign key names but the database does not hold.
fn dangling(what: &str, id: i32) -> ApiError {
    ApiError::internal(
        "the database holds a dangling reference",
        &format!("{what} {id} is missing"),
    )
}

/// The rows races of one tournament refer to, loaded in a few queries.
struct Related {
    tournament: Tournament,
    permalinks: HashMap<i32, permalink::Model>,
    pools: HashMap<i32, pool::Model>,
    users: HashMap<i32, users::Model>,
    live: HashMap<i32, liverace::Model>,
}

impl Related {
    async fn load(
        db: &DatabaseConnection,
        tournament: &asynctournament::Model,
        races: &[race::Model],
    ) -> ApiResult<Self> {
        let live_ids: BTreeSet<i32> = races.iter().filter_map(|r| r.live_race_id).collect();
        let live = by_id(
            liverace::Entity::find()
                .filter(liverace::Column::Id.is_in(live_ids))
                .all(db)
                .await?,
            |r| r.id,
        );
        let permalink_ids: BTreeSet<i32> = races
            .iter()
            .map(|r| r.permalink_id)
            .chain(live.values().filter_map(|l| l.permalink_id))
            .collect();
        let permalinks = by_id(
            permalink::Entity::find()
                .filter(permalink::Column::Id.is_in(permalink_ids))
                .all(db)
                .await?,
            |p| p.id,
        );
        let pool_ids: BTreeSet<i32> = permalinks
            .values()
            .map(|p| p.pool_id)
            .chain(live.values().map(|l| l.pool_id))
            .collect();
        let pools = by_id(
            pool::Entity::find()
                .filter(pool::Column::Id.is_in(pool_ids))
                .all(db)
                .await?,
            |p| p.id,
        );
        let user_ids: BTreeSet<i32> = races
            .iter()
            .flat_map(|r| [Some(r.user_id), r.reviewed_by_id])
            .flatten()
            .collect();
        let users = by_id(
            users::Entity::find()
                .filter(users::Column::Id.is_in(user_ids))
                .all(db)
                .await?,
            |u| u.id,
        );
        Ok(Self {
            tournament: tournament.into(),
            permalinks,
            pools,
            users,
            live,
        })
    }

    fn permalink(&self, id: i32) -> ApiResult<Permalink> {
        let p = self
            .permalinks
            .get(&id)
            .ok_or_else(|| dangling("permalink", id))?;
        let pool = self
            .pools
            .get(&p.pool_id)
            .ok_or_else(|| dangling("pool", p.pool_id))?;
        Ok(Permalink::new(p, pool))
    }

    fn user(&self, id: i32) -> ApiResult<User> {
        self.users
            .get(&id)
            .map(Into::into)
            .ok_or_else(|| dangling("user", id))
    }

    fn live_race(&self, id: i32) -> ApiResult<LiveRace> {
        let l = self
            .live
            .get(&id)
            .ok_or_else(|| dangling("live race", id))?;
        let pool = self
            .pools
            .get(&l.pool_id)
            .ok_or_else(|| dangling("pool", l.pool_id))?;
        Ok(LiveRace {
            id: l.id,
            tournament: self.tournament.clone(),
            pool: pool.into(),
            permalink: l.permalink_id.map(|p| self.permalink(p)).transpose()?,
            racetime_slug: l.racetime_slug.clone(),
            episode_id: l.episode_id,
            match_title: l.match_title.clone(),
            status: l.status.clone(),
        })
    }

    fn race(&self, r: race::Model) -> ApiResult<Race> {
        use schema::iso;
        Ok(Race {
            id: r.id,
            permalink: self.permalink(r.permalink_id)?,
            user: self.user(r.user_id)?,
            thread_id: r.thread_id,
            thread_open_time: r.thread_open_time.map(iso),
            thread_timeout_time: r.thread_timeout_time.map(iso),
            start_time: r.start_time.map(iso),
            end_time: r.end_time.map(iso),
            status: r.status,
            live_race: r.live_race_id.map(|l| self.live_race(l)).transpose()?,
            reattempted: r.reattempted,
            reattempt_reason: r.reattempt_reason,
            runner_notes: r.runner_notes,
            runner_vod_url: r.runner_vod_url,
            run_collection_rate: r.run_collection_rate,
            run_igt: r.run_igt,
            review_status: r.review_status,
            reviewed_by: r.reviewed_by_id.map(|u| self.user(u)).transpose()?,
            reviewed_at: r.reviewed_at.map(iso),
            reviewer_notes: r.reviewer_notes,
            score: r.score,
            score_updated_at: r.score_updated_at.map(iso),
            tournament_id: r.tournament_id,
        })
    }
}

/// The pools of tournament `tid` (optionally one), ordered by id.
async fn pools_of(
    db: &DatabaseConnection,
    tid: i32,
    only: Option<i32>,
) -> ApiResult<Vec<pool::Model>> {
    let mut q = pool::Entity::find()
        .filter(pool::Column::TournamentId.eq(tid))
        .order_by_asc(pool::Column::Id);
    if let Some(id) = only {
        q = q.filter(pool::Column::Id.eq(id));
    }
    Ok(q.all(db).await?)
}

#[OpenApi(tag = "Tag::AsyncTournament")]
impl AsyncTournamentApi {
    /// Async tournaments
    ///
    /// Every async tournament, ordered by id. `active=true` lists the active ones only; any
    /// other non-empty value the inactive ones only (as the Python bot did).
    #[oai(path = "/async/api/tournaments", method = "get")]
    async fn tournaments(
        &self,
        state: Data<&AppState>,
        auth: ApiKeyAuth,
        /// `true`: active only; another non-empty value: inactive only; absent or empty: all.
        active: Query<Option<String>>,
    ) -> ApiResult<Json<Vec<Tournament>>> {
        authorize(&state, &auth).await?;
        let mut q = asynctournament::Entity::find().order_by_asc(asynctournament::Column::Id);
        if let Some(active) = active.0.filter(|a| !a.is_empty()) {
            q = q.filter(asynctournament::Column::Active.eq(active == "true"));
        }
        let rows = q.all(state.db()).await?;
        Ok(Json(rows.iter().map(Into::into).collect()))
    }

    /// One async tournament
    ///
    /// 404 for an unknown id, with the Python bot's `{"error":"Tournament not found."}`
    /// field in the problem body (the Python bot answered that with status 200).
    #[oai(path = "/async/api/tournaments/:id", method = "get")]
    async fn tournament(
        &self,
        state: Data<&AppState>,
        auth: ApiKeyAuth,
        /// The tournament id.
        id: Path<i32>,
    ) -> ApiResult<Json<Tournament>> {
        authorize(&state, &auth).await?;
        match tournament(state.db(), id.0).await? {
            Some(t) => Ok(Json((&t).into())),
            None => Err(tournament_not_found(id.0)),
        }
    }

    /// Runs of an async tournament
    ///
    /// The tournament's runs with their permalink, pool, runner, live race and reviewer,
    /// ordered by id, `page_size` (at most 100) per page. Filters are exact. An unknown
    /// tournament has no runs (`[]`). `page` is bounded to 1–100000 (the Python bot failed
    /// on pages below 1).
    #[oai(path = "/async/api/tournaments/:id/races", method = "get")]
    #[allow(
        clippy::too_many_arguments,
        reason = "one argument per documented query parameter"
    )]
    async fn races(
        &self,
        state: Data<&AppState>,
        auth: ApiKeyAuth,
        /// The tournament id.
        id: Path<i32>,
        /// Exact race id.
        #[oai(name = "id")]
        race_id: Query<Option<i32>>,
        /// Exact runner (users row id).
        user_id: Query<Option<i32>>,
        /// Exact permalink.
        permalink_id: Query<Option<i32>>,
        /// Runs on a permalink of this pool.
        pool_id: Query<Option<i32>>,
        /// Exact status: `pending`, `in_progress`, `finished`, `forfeit`, `disqualified`.
        status: Query<Option<String>>,
        /// The page, from 1.
        #[oai(
            default = "default_page",
            validator(minimum(value = "1"), maximum(value = "100000"))
        )]
        page: Query<u64>,
        /// Runs per page, at most 100.
        #[oai(
            default = "default_page_size",
            validator(minimum(value = "1"), maximum(value = "100"))
        )]
        page_size: Query<u64>,
    ) -> ApiResult<Json<Vec<Race>>> {
        authorize(&state, &auth).await?;
        let db = state.db();
        let Some(t) = tournament(db, id.0).await? else {
            return Ok(Json(Vec::new()));
        };
        let mut q = race::Entity::find()
            .filter(race::Column::TournamentId.eq(t.id))
            .order_by_asc(race::Column::Id);
        if let Some(v) = race_id.0 {
            q = q.filter(race::Column::Id.eq(v));
        }
        if let Some(v) = user_id.0 {
            q = q.filter(race::Column::UserId.eq(v));
        }
        if let Some(v) = permalink_id.0 {
            q = q.filter(race::Column::PermalinkId.eq(v));
        }
        if let Some(v) = pool_id.0 {
            let in_pool: Vec<i32> = permalink::Entity::find()
                .select_only()
                .column(permalink::Column::Id)
                .filter(permalink::Column::PoolId.eq(v))
                .into_tuple()
                .all(db)
                .await?;
            q = q.filter(race::Column::PermalinkId.is_in(in_pool));
        }
        if let Some(v) = status.0 {
            q = q.filter(race::Column::Status.eq(v));
        }
        let races = q
            .offset((page.0 - 1) * page_size.0)
            .limit(page_size.0)
            .all(db)
            .await?;
        let related = Related::load(db, &t, &races).await?;
        let out = races
            .into_iter()
            .map(|r| related.race(r))
            .collect::<ApiResult<_>>()?;
        Ok(Json(out))
    }

    /// Pools of an async tournament
    ///
    /// The tournament's pools with their permalinks and live races, ordered by id.
    #[oai(path = "/async/api/tournaments/:id/pools", method = "get")]
    async fn pools(
        &self,
        state: Data<&AppState>,
        auth: ApiKeyAuth,
        /// The tournament id.
        id: Path<i32>,
        /// Exact pool id.
        #[oai(name = "id")]
        pool_id: Query<Option<i32>>,
    ) -> ApiResult<Json<Vec<Pool>>> {
        authorize(&state, &auth).await?;
        let db = state.db();
        let Some(t) = tournament(db, id.0).await? else {
            return Ok(Json(Vec::new()));
        };
        let pools = pools_of(db, t.id, pool_id.0).await?;
        let ids: Vec<i32> = pools.iter().map(|p| p.id).collect();
        let permalinks = permalink::Entity::find()
            .filter(permalink::Column::PoolId.is_in(ids.clone()))
            .order_by_asc(permalink::Column::Id)
            .all(db)
            .await?;
        let live = liverace::Entity::find()
            .filter(liverace::Column::PoolId.is_in(ids))
            .order_by_asc(liverace::Column::Id)
            .all(db)
            .await?;
        let permalink_by_id: HashMap<i32, &permalink::Model> =
            permalinks.iter().map(|p| (p.id, p)).collect();
        let tournament = Tournament::from(&t);
        let out = pools
            .iter()
            .map(|p| Pool {
                id: p.id,
                name: p.name.clone(),
                preset: p.preset.clone(),
                live_races: live
                    .iter()
                    .filter(|l| l.pool_id == p.id)
                    .map(|l| {
                        let link = l
                            .permalink_id
                            .and_then(|id| permalink_by_id.get(&id).copied());
                        PoolLiveRace::new(l, tournament.clone(), link)
                    })
                    .collect(),
                permalinks: permalinks
                    .iter()
                    .filter(|l| l.pool_id == p.id)
                    .map(Into::into)
                    .collect(),
                tournament_id: p.tournament_id,
            })
            .collect();
        Ok(Json(out))
    }

    /// Leaderboard of an async tournament
    ///
    /// The standings: per player, `runs_per_pool` slots per pool (in pool order) filled with
    /// their finished, forfeited or disqualified runs that were not reattempted; `score` is
    /// the mean of the slot scores (empty and unscored slots count 0), ranked by score.
    /// Times are HTTP dates, as the Python bot sent them. The board is
    /// cached until scores are next calculated. 404 (with the `error` field) for an unknown
    /// tournament.
    #[oai(path = "/async/api/tournaments/:id/leaderboard", method = "get")]
    async fn leaderboard(
        &self,
        state: Data<&AppState>,
        auth: ApiKeyAuth,
        /// The tournament id.
        id: Path<i32>,
    ) -> ApiResult<Json<Vec<LeaderboardEntry>>> {
        authorize(&state, &auth).await?;
        let board = state
            .async_tournaments()
            .leaderboard(id.0)
            .await
            .map_err(|e| ApiError::internal("the leaderboard could not be built", &e))?;
        match board {
            Some(board) => Ok(Json(board.entries.iter().map(leaderboard_entry).collect())),
            None => Err(tournament_not_found(id.0)),
        }
    }

    /// Permalinks of an async tournament
    ///
    /// The permalinks of the tournament's pools, with their pool, ordered by id.
    #[oai(path = "/async/api/tournaments/:id/permalinks", method = "get")]
    async fn permalinks(
        &self,
        state: Data<&AppState>,
        auth: ApiKeyAuth,
        /// The tournament id.
        id: Path<i32>,
        /// Exact permalink id.
        #[oai(name = "id")]
        permalink_id: Query<Option<i32>>,
        /// Exact pool id.
        pool_id: Query<Option<i32>>,
    ) -> ApiResult<Json<Vec<Permalink>>> {
        authorize(&state, &auth).await?;
        let db = state.db();
        let pools = by_id(pools_of(db, id.0, pool_id.0).await?, |p| p.id);
        let mut q = permalink::Entity::find()
            .filter(permalink::Column::PoolId.is_in(pools.keys().copied().collect::<Vec<_>>()))
            .order_by_asc(permalink::Column::Id);
        if let Some(v) = permalink_id.0 {
            q = q.filter(permalink::Column::Id.eq(v));
        }
        let out = q
            .all(db)
            .await?
            .iter()
            .filter_map(|p| pools.get(&p.pool_id).map(|pool| Permalink::new(p, pool)))
            .collect();
        Ok(Json(out))
    }
}

/// A leaderboard entry as the Python bot's `jsonify` sent it (HTTP dates).
fn leaderboard_entry(e: &board::LeaderboardEntry) -> LeaderboardEntry {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    LeaderboardEntry {
        counts: LeaderboardCounts {
            finished: count(e.counts.finished),
            forfeited: count(e.counts.forfeited),
            unplayed: count(e.counts.unplayed),
        },
        player: LeaderboardPlayer {
            discord_user_id: e.player.discord_user_id,
            display_name: e.player.display_name.clone(),
            id: e.player.id,
            rtgg_id: e.player.rtgg_id.clone(),
            twitch_name: e.player.twitch_name.clone(),
        },
        races: e
            .races
            .iter()
            .map(|slot| {
                slot.as_ref().map(|r| LeaderboardRace {
                    elapsed_time: format_elapsed(elapsed(
                        &r.status,
                        r.start_time,
                        r.end_time,
                        chrono::Utc::now(),
                    )),
                    end_time: r.end_time.map(http_date),
                    id: r.id,
                    permalink_id: r.permalink_id,
                    score: r.score,
                    start_time: r.start_time.map(http_date),
                    status: r.status.clone(),
                })
            })
            .collect(),
        rank: count(e.rank),
        score: e.score,
    }
}

fn default_page() -> u64 {
    1
}

fn default_page_size() -> u64 {
    20
}
