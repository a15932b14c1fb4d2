//! A configuration for tests that serve every seed provider from one local server (feature
//! `testing`; never enabled in the bot itself).

use std::time::Duration;

use crate::{RetryPolicy, SeedgenConfig};

/// Every provider on `uri`, with a 5 s timeout, 2 attempts and millisecond backoffs.
///
/// The providers with a base URL of their own (VARIA, DASH, ctjot.com, AVIANART,
/// ootrandomizer.com, BingoSync) are `uri` itself. The hosts that arrive inside requests are
/// mapped under path prefixes: `/live` (alttpr.com), `/beeta`, `/tournament`, `/sm`
/// (sm.samus.link), `/smz3` (samus.link) and `/v11`; alttpr.com's configured base is
/// `/default`.
pub fn config_at(uri: &str) -> SeedgenConfig {
    let mut c = SeedgenConfig {
        policy: RetryPolicy {
            timeout: Duration::from_secs(5),
            max_attempts: 2,
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(2),
        },
        avianart_base: uri.to_owned(),
        varia_base: uri.to_owned(),
        dash_base: uri.to_owned(),
        ctjets_base: uri.to_owned(),
        ootr_base: uri.to_owned(),
        bingosync_base: uri.to_owned(),
        ..SeedgenConfig::default()
    };
    c.alttpr.baseurl = format!("{uri}/default");
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
