//! Building the routes and running the server.

use std::time::Duration;

use poem::listener::TcpListener;
use poem::{EndpointExt, Route, Server};
use poem_openapi::OpenApiService;
use tokio_util::sync::CancellationToken;

use crate::health::HealthApi;
use crate::state::AppState;
use crate::{Error, Result};

/// How long in-flight requests may take to finish at shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// All routes of the bot's HTTP surface, with `state` attached.
pub fn app(state: AppState) -> impl poem::Endpoint {
    let api = OpenApiService::new(HealthApi, "SahasrahBot", env!("CARGO_PKG_VERSION"));
    let spec = api.spec_endpoint();
    Route::new()
        .nest("/", api)
        .at("/api/openapi.json", spec)
        .at("/spoilers/*key", poem::get(crate::spoilers::spoiler))
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
