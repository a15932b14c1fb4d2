//! Helpers shared by the provider tests: a configuration pointing every provider at one
//! wiremock server, with a short timeout and millisecond backoffs.
#![allow(dead_code, reason = "each test file uses a different subset")]

use std::time::Duration;

use sahasrahbot_seedgen::testing::config_at;
use sahasrahbot_seedgen::{ProviderContext, SeedgenConfig};
use wiremock::MockServer;

/// The per-attempt timeout tests use; delayed mocks wait longer than this.
pub(crate) const TIMEOUT: Duration = Duration::from_millis(300);

/// A configuration whose providers all live on `server` (alttpr.com's base at its root),
/// with [`TIMEOUT`] per attempt, 3 attempts and quick AVIANART polls.
pub(crate) fn config(server: &MockServer) -> SeedgenConfig {
    let mut c = config_at(&server.uri());
    c.policy.timeout = TIMEOUT;
    c.policy.max_attempts = 3;
    c.avianart_poll_interval = Duration::from_millis(1);
    c.avianart_max_polls = 3;
    c.alttpr.baseurl = server.uri();
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
