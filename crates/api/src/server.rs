//! Building the routes and running the server.
//!
//! The machine routes (`/healthcheck`, `/robots.txt`, `/api/…`, `/presets/api/…`,
//! `/presets/download/…`, `/async/api/…`) are one OpenAPI service; its document is served at
//! `/api/openapi.json` and browsable at `/api/docs`. Errors on those paths are
//! `application/problem+json` ([`crate::problem::api_errors`]). Everything else belongs to the
//! web pages.

use std::sync::Arc;
use std::time::Duration;

use poem::listener::TcpListener;
use poem::{Endpoint, EndpointExt, IntoEndpoint, Route, Server};
use poem_openapi::OpenApiService;
use tokio_util::sync::CancellationToken;

use crate::api::asynctournament::AsyncTournamentApi;
use crate::api::presets::PresetsApi;
use crate::api::racetime::RacetimeApi;
use crate::api::settingsgen::SettingsgenApi;
use crate::api::tournament::TournamentApi;
use crate::health::HealthApi;
use crate::state::AppState;
use crate::{Error, Result};

/// How long in-flight requests may take to finish at shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Every OpenAPI operation group of the machine routes.
type Apis = (
    HealthApi,
    PresetsApi,
    SettingsgenApi,
    TournamentApi,
    RacetimeApi,
    AsyncTournamentApi,
);

/// The OpenAPI service of the machine routes.
fn api_service() -> OpenApiService<Apis, ()> {
    OpenApiService::new(
        (
            HealthApi,
            PresetsApi,
            SettingsgenApi,
            TournamentApi,
            RacetimeApi,
            AsyncTournamentApi,
        ),
        "SahasrahBot",
        env!("CARGO_PKG_VERSION"),
    )
    .description(
        "The machine (JSON) routes of SahasrahBot's web server. Errors are \
             `application/problem+json` bodies (RFC 9457) with real status codes.",
    )
}

/// The OpenAPI document of the machine routes, pretty-printed (what `cargo xtask openapi`
/// writes to `docs/openapi.json`).
pub fn openapi_json() -> String {
    let spec = api_service().spec();
    // Re-serialised through `serde_json::Value` (sorted maps) so the file's key order never
    // depends on registration order.
    match serde_json::from_str::<serde_json::Value>(&spec) {
        Ok(doc) => serde_json::to_string_pretty(&doc).map_or(spec, |mut s| {
            s.push('\n');
            s
        }),
        Err(_) => spec,
    }
}

/// All routes of the bot's HTTP surface, with `state` attached.
pub fn app(state: AppState) -> impl Endpoint {
    let api = api_service();
    let spec = api.spec_endpoint();
    let docs = api.rapidoc();
    let api = Arc::new(api.into_endpoint());
    Route::new()
        .at("/healthcheck", api.clone())
        .at("/robots.txt", api.clone())
        .nest_no_strip("/api", api.clone())
        .nest_no_strip("/presets/api", api.clone())
        .nest_no_strip("/presets/download", api.clone())
        .nest_no_strip("/async/api", api)
        .at("/api/openapi.json", spec)
        .nest("/api/docs", docs)
        .at("/spoilers/*key", poem::get(crate::spoilers::spoiler))
        // The HTML pages with their session (everything the routes above do not claim).
        .nest("/", crate::web::routes(&state))
        .around(crate::problem::api_errors)
        .data(state)
}

/// Serves [`app`] on `listen` until `cancel` fires.
pub async fn serve(listen: &str, state: AppState, cancel: CancellationToken) -> Result<()> {
    tracing::info!(%listen, "HTTP server listening");
    Server::new(TcpListener::bind(listen))
        .run_with_graceful_shutdown(app(state), cancel.cancelled_owned(), Some(SHUTDOWN_GRACE))
        .await
        .map_err(|source| Error::Serve {
            addr: listen.to_owned(),
            source,
        })
}
