//! The player's own pages: the dashboard of their runs and the one reattempt.

use std::sync::Arc;

use poem::session::Session;
use poem::web::{Data, Form, Path, Query};
use poem::{Request, Response, handler};
use serde::Deserialize;

use super::{RaceContext, TournamentView, Viewer, domain, notes_html, tournament};
use crate::AppState;
use crate::web::error::WebError;
use crate::web::{WebConfig, found, render_page, session};

/// `GET /async/races/<tid>`: the logged-in player's runs in the tournament, newest first,
/// each with a reattempt link until the reattempt is used.
#[handler]
pub(crate) async fn dashboard(
    session: &Session,
    req: &Request,
    state: Data<&AppState>,
    Path(tid): Path<String>,
) -> Result<Response, WebError> {
    let viewer = Viewer::required(&state, session, req).await?;
    let t = tournament(&state, &tid).await?;
    let service = state.async_tournaments();
    let (races, reattempt_used) = match &viewer.row {
        Some(me) => (
            service.races_of_user(t.id, me.id).await.map_err(domain)?,
            service.has_reattempted(t.id, me.id).await.map_err(domain)?,
        ),
        None => (Vec::new(), false),
    };
    let ctx = RaceContext::load(&state, &t, &races).await?;
    render_page(
        "async_dashboard.html",
        viewer.discord.as_ref(),
        session,
        minijinja::context! {
            tournament => TournamentView::from(&t),
            races => ctx.views(&races),
            reattempt_used,
        },
    )
}

/// The race a reattempt is about.
#[derive(Debug, Deserialize)]
pub(crate) struct RaceQuery {
    race_id: Option<String>,
}

impl RaceQuery {
    /// The race id; a value that is not a number names no race of the player.
    fn race_id(&self) -> Result<Option<i32>, WebError> {
        match self.race_id.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(id) => id
                .parse()
                .map(Some)
                .map_err(|_| domain(sahasrahbot_tournament::Error::AsyncNotYourRace)),
        }
    }
}

/// The viewer's `users.id` for the reattempt checks. Without a row the viewer has no runs:
/// the refusal is the one the checks would give (a missing race id first).
fn player_id(viewer: &Viewer, race_id: Option<i32>) -> Result<i32, WebError> {
    use sahasrahbot_tournament::Error as E;
    match &viewer.row {
        Some(me) => Ok(me.id),
        None if race_id.is_none() => Err(domain(E::AsyncMissingRaceId)),
        None => Err(domain(E::AsyncNotYourRace)),
    }
}

/// `GET /async/races/<tid>/reattempt?race_id=<rid>`: asks the player to confirm giving up
/// the run's score for a new attempt (one per tournament).
#[handler]
pub(crate) async fn reattempt_form(
    session: &Session,
    req: &Request,
    state: Data<&AppState>,
    Path(tid): Path<String>,
    Query(query): Query<RaceQuery>,
) -> Result<Response, WebError> {
    let viewer = Viewer::required(&state, session, req).await?;
    let t = tournament(&state, &tid).await?;
    let race_id = query.race_id()?;
    let race = state
        .async_tournaments()
        .check_reattempt(t.id, player_id(&viewer, race_id)?, race_id)
        .await
        .map_err(domain)?;
    let ctx = RaceContext::load(&state, &t, std::slice::from_ref(&race)).await?;
    render_page(
        "async_reattempt.html",
        viewer.discord.as_ref(),
        session,
        minijinja::context! {
            tournament => TournamentView::from(&t),
            race => ctx.view(&race),
            runner_notes => notes_html(race.runner_notes.as_deref()),
        },
    )
}

/// The reattempt form.
#[derive(Debug, Deserialize)]
pub(crate) struct ReattemptForm {
    reason: Option<String>,
    confirm: Option<String>,
    csrf_token: Option<String>,
}

/// `POST /async/race/<tid>/reattempt?race_id=<rid>` (singular `race`, as the Python bot):
/// after the same checks as the form (and the confirmation box), marks the run reattempted
/// with the reason, then back to the dashboard.
#[handler]
pub(crate) async fn reattempt(
    session: &Session,
    req: &Request,
    config: Data<&Arc<WebConfig>>,
    state: Data<&AppState>,
    Path(tid): Path<String>,
    Query(query): Query<RaceQuery>,
    Form(form): Form<ReattemptForm>,
) -> Result<Response, WebError> {
    let viewer = Viewer::required(&state, session, req).await?;
    session::verify_csrf(session, req, &config.app_url, form.csrf_token.as_deref())?;
    let t = tournament(&state, &tid).await?;
    let race_id = query.race_id()?;
    let me = player_id(&viewer, race_id)?;
    if form.confirm.is_none() {
        return Err(WebError::bad_request(
            "Please tick the box to confirm the reattempt.",
        ));
    }
    let reason = form
        .reason
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    let race = state
        .async_tournaments()
        .reattempt(t.id, me, race_id, reason)
        .await
        .map_err(domain)?;
    tracing::info!(
        tournament = t.id,
        race = race.id,
        user = me,
        "async run reattempted"
    );
    Ok(found(&format!("/async/races/{}", t.id)))
}
