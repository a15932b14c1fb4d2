//! Tournament settings submission (`api.md` §3.7, parity rows 49–50): `GET /submit/<event>`
//! renders the event's form, `POST /submit` hands it to the tournament engine.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;
use poem::http::StatusCode;
use poem::session::Session;
use poem::web::{Data, Form, Path, Query};
use poem::{Request, Response, handler};
use sahasrahbot_tournament::engine::Engine;
use sahasrahbot_tournament::engine::submission::SubmissionForm;
use serde::Deserialize;

use super::error::WebError;
use super::session;
use super::{WebConfig, render_page};
use crate::AppState;

/// What the submission pages need from the tournament engine.
#[async_trait]
pub trait Submissions: Send + Sync {
    /// The form of an active event, `None` when it is not active or has none.
    fn form(&self, event: &str) -> Option<SubmissionForm>;
    /// Processes a submitted form; returns the players (`A vs. B`), or the reason it failed
    /// (for the log only).
    async fn submit(
        &self,
        event: &str,
        episode_id: i64,
        fields: &HashMap<String, String>,
        submitted_by: &str,
    ) -> Result<String, String>;
}

#[async_trait]
impl Submissions for Engine {
    fn form(&self, event: &str) -> Option<SubmissionForm> {
        self.submission_form(event)
    }

    async fn submit(
        &self,
        event: &str,
        episode_id: i64,
        fields: &HashMap<String, String>,
        submitted_by: &str,
    ) -> Result<String, String> {
        self.process_submission_form(event, episode_id, fields, submitted_by)
            .await
            .map(|done| done.versus)
            .map_err(|e| e.to_string())
    }
}

/// The `episode_id` query of the form link.
#[derive(Debug, Deserialize)]
pub(crate) struct EpisodeQuery {
    episode_id: Option<String>,
}

/// The engine, or the "not available" page when tournaments do not run in this process.
fn engine(state: &AppState) -> Result<&dyn Submissions, WebError> {
    state.submissions().ok_or_else(|| {
        WebError::page(
            StatusCode::SERVICE_UNAVAILABLE,
            "Submissions Unavailable",
            "Tournament settings cannot be submitted here right now.",
        )
    })
}

/// `GET /submit/<event>?episode_id=<n>`: the event's settings form (login required); a
/// 404 page for an event without one.
#[handler]
pub(crate) async fn form_page(
    session: &Session,
    req: &Request,
    state: Data<&AppState>,
    Path(event): Path<String>,
    Query(query): Query<EpisodeQuery>,
) -> Result<Response, WebError> {
    let user = session::require_user(session, req)?;
    let form = engine(&state)?.form(&event).ok_or(WebError::NotFound)?;
    let episode = query
        .episode_id
        .filter(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_digit()));
    render_page(
        "submit_form.html",
        Some(&user),
        session,
        minijinja::context! { form => form, episode_id => episode },
    )
}

/// `POST /submit`: processes the form (login required). Failures show a generic message;
/// the reason goes to the log.
#[handler]
pub(crate) async fn submit(
    session: &Session,
    req: &Request,
    config: Data<&Arc<WebConfig>>,
    state: Data<&AppState>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, WebError> {
    let user = session::require_user(session, req)?;
    session::verify_csrf(
        session,
        req,
        &config.app_url,
        fields.get("csrf_token").map(String::as_str),
    )?;
    let engine = engine(&state)?;
    let event = fields
        .get("event")
        .filter(|e| !e.is_empty())
        .ok_or_else(|| WebError::bad_request("The event is missing."))?;
    let episode_id: i64 = fields
        .get("episodeid")
        .and_then(|e| e.trim().parse().ok())
        .filter(|e| *e > 0)
        .ok_or_else(|| WebError::bad_request("The episode id must be a positive number."))?;
    match engine.submit(event, episode_id, &fields, &user.tag()).await {
        Ok(versus) => {
            tracing::info!(%event, episode_id, discord_user_id = user.id, "settings submitted");
            render_page(
                "message.html",
                Some(&user),
                session,
                minijinja::context! {
                    title => "Submission Done",
                    message => format!(
                        "Thank you for submitting the settings for {versus}. The details were sent to the players by direct message."
                    ),
                },
            )
        }
        Err(e) => {
            tracing::warn!(%event, episode_id, error = %e, "settings submission failed");
            Err(WebError::page(
                StatusCode::BAD_REQUEST,
                "Submission Failed",
                "Error processing the submission. Check the episode id and the settings, or contact a tournament admin.",
            ))
        }
    }
}
