//! The review pages of tournament admins and mods: the queue, and the review of one run
//! (viewing claims it).

use std::sync::Arc;

use poem::session::Session;
use poem::web::{Data, Form, Path, Query};
use poem::{Request, Response, handler};
use sahasrahbot_tournament::asynctournament::{
    REVIEW_PAGE_SIZE, ReviewQueueFilter, ReviewStatus, reviewable,
};
use serde::{Deserialize, Serialize};

use super::{
    PlayerView, RaceContext, STAFF, TournamentView, Viewer, domain, notes_html, path_id, tournament,
};
use crate::AppState;
use crate::web::error::WebError;
use crate::web::{WebConfig, found, render_page, session};

/// The queue's filters, as sent.
#[derive(Debug, Default, Deserialize, Serialize)]
pub(crate) struct QueueQuery {
    status: Option<String>,
    reviewed: Option<String>,
    review_status: Option<String>,
    live: Option<String>,
    page: Option<String>,
}

impl QueueQuery {
    /// The query string of these filters on page `page`.
    fn with_page(&self, page: u64) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in [
            ("status", &self.status),
            ("reviewed", &self.reviewed),
            ("review_status", &self.review_status),
            ("live", &self.live),
        ] {
            if let Some(value) = value {
                q.append_pair(key, value);
            }
        }
        q.append_pair("page", &page.to_string());
        q.finish()
    }
}

/// A preset filter link of the queue.
#[derive(Debug, Serialize)]
struct FilterLink {
    label: &'static str,
    query: &'static str,
}

/// The queue's preset filters.
const FILTERS: [FilterLink; 5] = [
    FilterLink {
        label: "Awaiting review",
        query: "",
    },
    FilterLink {
        label: "Unclaimed",
        query: "reviewed=unreviewed",
    },
    FilterLink {
        label: "Claimed by me",
        query: "reviewed=me&review_status=all",
    },
    FilterLink {
        label: "Live races",
        query: "live=true",
    },
    FilterLink {
        label: "Everything",
        query: "status=all&review_status=all&live=all",
    },
];

/// `GET /async/races/<tid>/queue`: the runs to review, [`REVIEW_PAGE_SIZE`] per page, with
/// filters (tournament admins and mods).
#[handler]
pub(crate) async fn queue(
    session: &Session,
    req: &Request,
    state: Data<&AppState>,
    Path(tid): Path<String>,
    Query(query): Query<QueueQuery>,
) -> Result<Response, WebError> {
    let viewer = Viewer::required(&state, session, req).await?;
    let t = tournament(&state, &tid).await?;
    viewer.require(&state, &t, &STAFF).await?;
    let page = query
        .page
        .as_deref()
        .map(|p| p.trim().parse::<u64>().unwrap_or(1));
    let filter = ReviewQueueFilter::from_query(
        query.status.as_deref(),
        query.reviewed.as_deref(),
        query.review_status.as_deref(),
        query.live.as_deref(),
        page,
    );
    let found = state
        .async_tournaments()
        .review_queue(t.id, &filter, viewer.row_id()?)
        .await
        .map_err(domain)?;
    let ctx = RaceContext::load(&state, &t, &found.races).await?;
    render_page(
        "async_queue.html",
        viewer.discord.as_ref(),
        session,
        minijinja::context! {
            tournament => TournamentView::from(&t),
            races => ctx.views(&found.races),
            filters => FILTERS,
            page => found.page,
            page_size => REVIEW_PAGE_SIZE,
            prev_query => (found.page > 1).then(|| query.with_page(found.page - 1)),
            next_query => found.has_next.then(|| query.with_page(found.page + 1)),
        },
    )
}

/// `GET /async/races/<tid>/review/<rid>`: one run with its notes and, while it can be
/// reviewed, the review form. Viewing a reviewable run nobody claimed claims it for the
/// viewer (the Python bot's workflow; the one GET here that writes).
#[handler]
pub(crate) async fn review_page(
    session: &Session,
    req: &Request,
    state: Data<&AppState>,
    Path((tid, rid)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let viewer = Viewer::required(&state, session, req).await?;
    let t = tournament(&state, &tid).await?;
    viewer.require(&state, &t, &STAFF).await?;
    let me = viewer.row_id()?;
    let found = state
        .async_tournaments()
        .race_for_review(t.id, path_id(&rid)?, me)
        .await
        .map_err(domain)?;
    let race = found.race;
    let ctx = RaceContext::load(&state, &t, std::slice::from_ref(&race)).await?;
    let claimed_by_other = race.reviewed_by_id.is_some_and(|r| r != me);
    let statuses: Vec<(&str, &str)> = ReviewStatus::ALL
        .iter()
        .map(|s| (s.as_str(), s.label()))
        .collect();
    render_page(
        "async_review.html",
        viewer.discord.as_ref(),
        session,
        minijinja::context! {
            tournament => TournamentView::from(&t),
            race => ctx.view(&race),
            runner => PlayerView::from(&found.runner),
            runner_notes => notes_html(race.runner_notes.as_deref()),
            reviewable => reviewable(&race),
            claimed_by_other,
            own_run => race.user_id == me,
            statuses,
            current_status => race.review_status,
        },
    )
}

/// The review form.
#[derive(Debug, Deserialize)]
pub(crate) struct ReviewForm {
    review_status: Option<String>,
    reviewer_notes: Option<String>,
    csrf_token: Option<String>,
}

/// `POST /async/races/<tid>/review/<rid>`: records the review (finished, not reattempted,
/// not the reviewer's own run), then back to the queue.
#[handler]
pub(crate) async fn review(
    session: &Session,
    req: &Request,
    config: Data<&Arc<WebConfig>>,
    state: Data<&AppState>,
    Path((tid, rid)): Path<(String, String)>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, WebError> {
    let viewer = Viewer::required(&state, session, req).await?;
    session::verify_csrf(session, req, &config.app_url, form.csrf_token.as_deref())?;
    let t = tournament(&state, &tid).await?;
    viewer.require(&state, &t, &STAFF).await?;
    let me = viewer.row_id()?;
    let value = form.review_status.as_deref().unwrap_or("pending");
    let status = ReviewStatus::parse(value)
        .ok_or_else(|| WebError::bad_request(format!("{value:?} is not a review status.")))?;
    let notes = form
        .reviewer_notes
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty());
    let race = state
        .async_tournaments()
        .submit_review(t.id, path_id(&rid)?, me, status, notes, chrono::Utc::now())
        .await
        .map_err(domain)?;
    tracing::info!(tournament = t.id, race = race.id, reviewer = me, %status, "async run reviewed");
    Ok(found(&format!("/async/races/{}/queue", t.id)))
}
