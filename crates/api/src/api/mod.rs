//! The machine (JSON) routes, one module per route group, each an OpenAPI operation set
//! (api.md §4.1).

pub(crate) mod asynctournament;
pub(crate) mod auth;
pub(crate) mod presets;
pub(crate) mod racetime;
pub(crate) mod settingsgen;
pub(crate) mod tournament;

use poem::http::StatusCode;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Tags};

use crate::problem::Problem;

/// The groups the OpenAPI document sorts operations into.
#[derive(Tags)]
pub(crate) enum Tag {
    /// Liveness and crawler rules.
    Health,
    /// Global and user presets.
    Presets,
    /// Mystery settings rolled from weightsets (nothing is generated on alttpr.com).
    Settingsgen,
    /// Tournament games submitted through the web forms.
    Tournament,
    /// Commands relayed into racetime.gg rooms the bot handles.
    Racetime,
    /// Async tournaments: runs, pools, permalinks and standings (API key with the
    /// `asynctournament` permission).
    AsyncTournament,
}

/// An error answer of a machine route: a problem body with a real status code.
#[derive(ApiResponse, Debug)]
pub(crate) enum ApiError {
    /// The request is malformed (a missing parameter, a body that is not what the route
    /// takes).
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// No API key was sent.
    #[allow(
        dead_code,
        reason = "poem-openapi answers a missing key itself; listed so the document shows the 401"
    )]
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// The API key is unknown or lacks the permission.
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    /// The thing asked for does not exist.
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// The request is well-formed but cannot be carried out (weights that cannot be
    /// rolled).
    #[oai(status = 422, content_type = "application/problem+json")]
    Unprocessable(Json<Problem>),
    /// The server failed (database down, a stored file unreadable); details are logged.
    #[oai(status = 500, content_type = "application/problem+json")]
    Internal(Json<Problem>),
}

impl ApiError {
    pub(crate) fn bad_request(detail: impl Into<String>) -> Self {
        Self::BadRequest(Json(Problem::new(StatusCode::BAD_REQUEST, detail)))
    }

    pub(crate) fn forbidden(detail: impl Into<String>) -> Self {
        Self::Forbidden(Json(Problem::new(StatusCode::FORBIDDEN, detail)))
    }

    pub(crate) fn not_found(detail: impl Into<String>) -> Self {
        Self::NotFound(Json(Problem::new(StatusCode::NOT_FOUND, detail)))
    }

    pub(crate) fn unprocessable(detail: impl Into<String>) -> Self {
        Self::Unprocessable(Json(Problem::new(StatusCode::UNPROCESSABLE_ENTITY, detail)))
    }

    /// A 500 whose cause is logged, not sent.
    pub(crate) fn internal(what: &str, error: &dyn std::fmt::Display) -> Self {
        tracing::error!(%error, "{what}");
        Self::Internal(Json(Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("{what}; the details are in the server log"),
        )))
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        Self::internal("database error", &e)
    }
}

/// `Result` of a machine route.
pub(crate) type ApiResult<T> = Result<T, ApiError>;
