//! Helpers shared by the provider tests: a configuration pointing every provider at one
//! wiremock server, with a short timeout and millisecond backoffs.
#![allow(dead_code, reason = "each test file uses a different subset")]

use std::time::Duration;

use sahasrahbot_seedgen::{ProviderContext, RetryPolicy, SeedgenConfig};
use wiremock::MockServer;

/// The per-attempt timeout tests use; delayed mocks wait longer than this.
pub(crate) const TIMEOUT: Duration = Duration::from_millis(300);

/// A configuration whose providers all live on `server`.
pub(crate) fn config(server: &MockServer) -> SeedgenConfig {
    let uri = server.uri();
    let mut c = SeedgenConfig {
        policy: RetryPolicy {
            timeout: TIMEOUT,
            max_attempts: 3,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
        },
        avianart_base: uri.clone(),
        avianart_poll_interval: Duration::from_millis(1),
        avianart_max_polls: 3,
        varia_base: uri.clone(),
        dash_base: uri.clone(),
        ctjets_base: uri.clone(),
        ootr_base: uri.clone(),
        bingosync_base: uri.clone(),
        ..SeedgenConfig::default()
    };
    c.alttpr.baseurl = uri.clone();
    for (prod, prefix) in [
        ("https://alttpr.com", "/live"),
        ("https://beeta.alttpr.com", "/beeta"),
        ("https://tournament.alttpr.com", "/tournament"),
        ("https://sm.samus.link", "/sm"),
        ("https://samus.link", "/smz3"),
        ("https://v11.samus.link", "/v11"),
    ] {
        c.base_url_overrides
            .insert(prod.to_owned(), format!("{uri}{prefix}"));
    }
    c
}

/// A provider context for `server`.
pub(crate) fn ctx(server: &MockServer) -> ProviderContext {
    ProviderContext::new(config(server)).expect("HTTP client")
}

/// How many requests the server received.
pub(crate) async fn received(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .map_or(0, |requests| requests.len())
}

/// A delay longer than [`TIMEOUT`].
pub(crate) fn too_slow() -> Duration {
    TIMEOUT * 4
}
