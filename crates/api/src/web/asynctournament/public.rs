//! The pages anyone may see once a tournament is closed: the leaderboard, a player's runs,
//! the pools and a permalink's results. While the tournament runs they need a tournament
//! role (admins and mods; a `public` grant for all but the leaderboard); a live-race
//! permalink's page is always public.

use poem::session::Session;
use poem::web::{Data, Path, Query};
use poem::{Response, handler};
use sahasrahbot_tournament::asynctournament::{LeaderboardEntry, elapsed, format_elapsed};
use serde::{Deserialize, Serialize};

use super::{
    PlayerView, RaceContext, STAFF, TournamentView, VIEWERS, Viewer, domain, notes, path_id,
    score_text, tournament,
};
use crate::AppState;
use crate::web::error::WebError;
use crate::web::render_page;

/// The leaderboard's options.
#[derive(Debug, Deserialize)]
pub(crate) struct BoardQuery {
    estimate: Option<String>,
}

/// A pool heading of the leaderboard.
#[derive(Debug, Serialize)]
struct PoolHeading {
    name: String,
    runs: usize,
}

/// A filled slot of the leaderboard.
#[derive(Debug, Serialize)]
struct Cell {
    permalink_id: i32,
    score: Option<String>,
    elapsed: String,
    status: String,
}

/// A line of the leaderboard.
#[derive(Debug, Serialize)]
struct BoardRow {
    rank: usize,
    player: PlayerView,
    score: String,
    estimate: String,
    cells: Vec<Option<Cell>>,
    finished: usize,
    forfeited: usize,
    unplayed: usize,
}

impl From<&LeaderboardEntry> for BoardRow {
    fn from(e: &LeaderboardEntry) -> Self {
        let now = chrono::Utc::now();
        Self {
            rank: e.rank,
            player: (&e.player).into(),
            score: format!("{:.3}", e.score),
            estimate: format!("{:.3}", e.estimate),
            cells: e
                .races
                .iter()
                .map(|slot| {
                    slot.as_ref().map(|r| Cell {
                        permalink_id: r.permalink_id,
                        score: score_text(r.score),
                        elapsed: format_elapsed(elapsed(&r.status, r.start_time, r.end_time, now)),
                        status: r.status.clone(),
                    })
                })
                .collect(),
            finished: e.counts.finished,
            forfeited: e.counts.forfeited,
            unplayed: e.counts.unplayed,
        }
    }
}

/// `GET /async/races/<tid>/leaderboard[?estimate=true]`: the standings (admins and mods
/// while the tournament runs, everyone once it is closed); `estimate=true` adds the
/// estimate column and ranks by it.
#[handler]
pub(crate) async fn leaderboard(
    session: &Session,
    state: Data<&AppState>,
    Path(tid): Path<String>,
    Query(query): Query<BoardQuery>,
) -> Result<Response, WebError> {
    let viewer = Viewer::optional(&state, session).await?;
    let t = tournament(&state, &tid).await?;
    if t.active {
        viewer.require(&state, &t, &STAFF).await?;
    }
    let board = state
        .async_tournaments()
        .leaderboard(t.id)
        .await
        .map_err(domain)?
        .ok_or(WebError::NotFound)?;
    let by_estimate = query.estimate.as_deref() == Some("true");
    let rows: Vec<BoardRow> = if by_estimate {
        board.by_estimate().iter().map(Into::into).collect()
    } else {
        board.entries.iter().map(Into::into).collect()
    };
    let pools: Vec<PoolHeading> = board
        .pools
        .iter()
        .map(|p| PoolHeading {
            name: p.name.clone(),
            runs: board.runs_per_pool,
        })
        .collect();
    render_page(
        "async_leaderboard.html",
        viewer.discord.as_ref(),
        session,
        minijinja::context! {
            tournament => TournamentView::from(&t),
            pools,
            rows,
            estimate => by_estimate,
        },
    )
}

/// `GET /async/player/<tid>/<uid>`: every run of one player (`users.id`), newest first.
#[handler]
pub(crate) async fn player_page(
    session: &Session,
    state: Data<&AppState>,
    Path((tid, uid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let viewer = Viewer::optional(&state, session).await?;
    let t = tournament(&state, &tid).await?;
    viewer.require(&state, &t, &VIEWERS).await?;
    let service = state.async_tournaments();
    let player = service
        .user(path_id(&uid)?)
        .await
        .map_err(domain)?
        .ok_or(WebError::NotFound)?;
    let races = service
        .races_of_user(t.id, player.id)
        .await
        .map_err(domain)?;
    let ctx = RaceContext::load(&state, &t, &races).await?;
    render_page(
        "async_player.html",
        viewer.discord.as_ref(),
        session,
        minijinja::context! {
            tournament => TournamentView::from(&t),
            player => PlayerView::from(&player),
            races => ctx.views(&races),
            staff => viewer.holds(&state, &t, &STAFF).await?,
        },
    )
}

/// A permalink as the pools page lists it.
#[derive(Debug, Serialize)]
struct PermalinkView {
    id: i32,
    url: Option<String>,
    notes: Option<String>,
    live_race: bool,
    par_time: Option<String>,
}

impl From<&sahasrahbot_core::db::entities::asynctournamentpermalink::Model> for PermalinkView {
    fn from(p: &sahasrahbot_core::db::entities::asynctournamentpermalink::Model) -> Self {
        Self {
            id: p.id,
            url: notes::web_url(p.url.as_deref()),
            notes: p.notes.clone(),
            live_race: p.live_race,
            par_time: p.par_time.map(|s| {
                // Whole seconds are what the par is shown in.
                let secs = s.round() as i64;
                format_elapsed(Some(chrono::TimeDelta::seconds(secs)))
            }),
        }
    }
}

/// A pool with its permalinks.
#[derive(Debug, Serialize)]
struct PoolView {
    name: String,
    preset: Option<String>,
    permalinks: Vec<PermalinkView>,
}

/// `GET /async/pools/<tid>`: the pools and their permalinks.
#[handler]
pub(crate) async fn pools_page(
    session: &Session,
    state: Data<&AppState>,
    Path(tid): Path<String>,
) -> Result<Response, WebError> {
    let viewer = Viewer::optional(&state, session).await?;
    let t = tournament(&state, &tid).await?;
    viewer.require(&state, &t, &VIEWERS).await?;
    let pools: Vec<PoolView> = state
        .async_tournaments()
        .pools_with_permalinks(t.id)
        .await
        .map_err(domain)?
        .into_iter()
        .map(|(pool, links)| PoolView {
            name: pool.name,
            preset: pool.preset,
            permalinks: links.iter().map(Into::into).collect(),
        })
        .collect();
    render_page(
        "async_pools.html",
        viewer.discord.as_ref(),
        session,
        minijinja::context! { tournament => TournamentView::from(&t), pools },
    )
}

/// `GET /async/permalink/<tid>/<pid>`: the finished and forfeited runs of one permalink by
/// score. Live-race permalinks are public; others follow the tournament's rule.
#[handler]
pub(crate) async fn permalink_page(
    session: &Session,
    state: Data<&AppState>,
    Path((tid, pid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let viewer = Viewer::optional(&state, session).await?;
    let t = tournament(&state, &tid).await?;
    let service = state.async_tournaments();
    let (link, pool) = service
        .permalink(t.id, path_id(&pid)?)
        .await
        .map_err(domain)?
        .ok_or(WebError::NotFound)?;
    if !link.live_race {
        viewer.require(&state, &t, &VIEWERS).await?;
    }
    let races = service
        .permalink_races(t.id, link.id)
        .await
        .map_err(domain)?;
    let ctx = RaceContext::load(&state, &t, &races).await?;
    render_page(
        "async_permalink.html",
        viewer.discord.as_ref(),
        session,
        minijinja::context! {
            tournament => TournamentView::from(&t),
            pool => pool.name,
            permalink => PermalinkView::from(&link),
            races => ctx.views(&races),
        },
    )
}
