//! `GET /healthcheck` (api.md §3.0, parity row 9): 200 when the database answers and Discord
//! is reachable (or not configured), 503 with a problem body naming the failing dependency.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use poem::http::StatusCode;
use poem::web::Data;
use poem_openapi::payload::{Json, PlainText};
use poem_openapi::{ApiResponse, Object, OpenApi};

use crate::api::Tag;
use crate::problem::Problem;
use crate::state::AppState;

/// How long a Discord check result is reused: `/healthcheck` is unauthenticated, and every
/// check costs a Discord API call on the bot's rate limit.
const DISCORD_CHECK_TTL: Duration = Duration::from_secs(10);

/// The Discord liveness port: the binary implements it over the bot's REST client.
#[async_trait]
pub trait DiscordHealth: Send + Sync {
    /// Checks that Discord answers for the bot (e.g. fetches the application and its
    /// owner). `Err` carries a short reason for the operator.
    async fn check(&self) -> Result<(), String>;
}

/// A [`DiscordHealth`] whose answers are reused for [`DISCORD_CHECK_TTL`].
pub(crate) struct CachedDiscordHealth {
    port: Arc<dyn DiscordHealth>,
    last: Mutex<Option<(Instant, Result<(), String>)>>,
}

impl CachedDiscordHealth {
    pub(crate) fn new(port: Arc<dyn DiscordHealth>) -> Self {
        Self {
            port,
            last: Mutex::new(None),
        }
    }

    pub(crate) async fn check(&self) -> Result<(), String> {
        if let Ok(last) = self.last.lock()
            && let Some((at, result)) = last.as_ref()
            && at.elapsed() < DISCORD_CHECK_TTL
        {
            return result.clone();
        }
        let result = self.port.check().await;
        if let Ok(mut last) = self.last.lock() {
            *last = Some((Instant::now(), result.clone()));
        }
        result
    }
}

/// The health routes.
pub(crate) struct HealthApi;

/// The body of a healthy answer.
#[derive(Debug, Object)]
struct Health {
    /// Always `true` (the Python bot's field; monitors read it).
    success: bool,
    /// `ok` when the database answered.
    database: String,
    /// `ok` when Discord answered, `disabled` when no Discord bot is configured.
    discord: String,
}

#[derive(ApiResponse)]
enum HealthResponse {
    /// The bot is healthy.
    #[oai(status = 200)]
    Healthy(Json<Health>),
    /// A dependency is down; `detail` names it.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>),
}

/// What `/robots.txt` answers: keep every crawler out.
const ROBOTS: &str = "User-agent: *\nDisallow: /\n";

#[OpenApi(tag = "Tag::Health")]
impl HealthApi {
    /// Health of the bot
    ///
    /// The database must answer, and Discord too when a Discord bot is configured (its
    /// answer is cached for 10 seconds). Unlike the Python bot, a failure is a real 503.
    #[oai(path = "/healthcheck", method = "get")]
    async fn healthcheck(&self, state: Data<&AppState>) -> HealthResponse {
        if let Err(e) = state.db().ping().await {
            tracing::warn!(error = %e, "healthcheck: database not answering");
            return unavailable("database: not answering");
        }
        let discord = match state.discord_health() {
            None => "disabled",
            Some(discord) => match discord.check().await {
                Ok(()) => "ok",
                Err(reason) => {
                    tracing::warn!(%reason, "healthcheck: Discord not answering");
                    return unavailable("discord: not answering");
                }
            },
        };
        HealthResponse::Healthy(Json(Health {
            success: true,
            database: "ok".into(),
            discord: discord.into(),
        }))
    }

    /// Crawler rules
    ///
    /// Disallows everything (sent as `text/plain`; the Python bot said `text/html`).
    #[oai(path = "/robots.txt", method = "get")]
    async fn robots(&self) -> PlainText<&'static str> {
        PlainText(ROBOTS)
    }
}

fn unavailable(detail: &str) -> HealthResponse {
    HealthResponse::Unavailable(Json(Problem::new(StatusCode::SERVICE_UNAVAILABLE, detail)))
}
