//! `GET /healthcheck`: 200 when the bot can serve, 503 with a problem body otherwise.

use poem::http::StatusCode;
use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use crate::problem::Problem;
use crate::state::AppState;

/// The health routes.
pub(crate) struct HealthApi;

/// The body of a healthy answer.
#[derive(Debug, Object)]
struct Health {
    /// Always `true` (the Python bot's field; monitors read it).
    success: bool,
    /// `ok` when the database answered.
    database: String,
}

#[derive(ApiResponse)]
enum HealthResponse {
    /// The bot is healthy.
    #[oai(status = 200)]
    Healthy(Json<Health>),
    /// A dependency is down.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>),
}

#[OpenApi]
impl HealthApi {
    /// Reports whether the bot can serve: the database must answer.
    #[oai(path = "/healthcheck", method = "get")]
    async fn healthcheck(&self, state: Data<&AppState>) -> HealthResponse {
        match state.db.ping().await {
            Ok(()) => HealthResponse::Healthy(Json(Health {
                success: true,
                database: "ok".into(),
            })),
            Err(e) => {
                tracing::warn!(error = %e, "healthcheck: database not answering");
                HealthResponse::Unavailable(Json(Problem::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database: not answering",
                )))
            }
        }
    }
}
